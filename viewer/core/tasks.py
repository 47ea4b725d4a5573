"""Plumbing for long work: a cancel token and the progress callback type.

Long functions take ``progress`` and ``cancel`` parameters so the GUI can run them on a worker
thread and the command line can run them in the foreground, with the same code.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

ProgressFn = Callable[[int, int], None]
"""``progress(done, total)``; units are the caller's (bytes for import, rows for export)."""


class Cancelled(Exception):
    """Raised inside long work when its cancel token is set."""


class CancelToken:
    """A thread-safe flag: the GUI thread sets it, the worker checks it between batches."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        """Ask the work to stop at its next check."""
        self._event.set()

    def is_set(self) -> bool:
        """Whether cancellation was requested."""
        return self._event.is_set()

    def raise_if_set(self) -> None:
        """Raise ``Cancelled`` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled()


def no_progress(done: int, total: int) -> None:
    """A progress callback that ignores its arguments."""
