"""Frozen entry point of the bundle: the same ``viewer.cli:main`` as the ``bill-viewer`` script."""

import multiprocessing
import sys

from viewer.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()
    sys.exit(main())
