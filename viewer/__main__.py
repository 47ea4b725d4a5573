"""``python -m viewer``: the same entry point as the ``bill-viewer`` command."""

import multiprocessing
import sys

# A frozen build started as a child process (a big file's import reads with two processes)
# runs the child's work here and exits, before anything else is loaded; elsewhere a no-op.
multiprocessing.freeze_support()

from viewer.cli import main  # noqa: E402

sys.exit(main())
