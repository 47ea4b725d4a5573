"""Frozen entry point of the bundle: the same ``viewer.cli:main`` as the ``bill-viewer`` script."""

import multiprocessing
import sys

if __name__ == "__main__":
    # First thing: a child process of the import (and multiprocessing's resource tracker) does
    # its work here and exits, without loading the command line, SQLAlchemy and openpyxl.
    multiprocessing.freeze_support()
    from viewer.cli import main

    sys.exit(main())
