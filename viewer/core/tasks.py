"""Plumbing for long work: a cancel token and the progress callback type.

Long functions take ``progress`` and ``cancel`` parameters so the GUI can run them on a worker
thread and the command line can run them in the foreground, with the same code.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

ProgressFn = Callable[[int, int], None]
"""``progress(done, total)``; units are the caller's (bytes for import, rows for export)."""


class Cancelled(Exception):
    """Raised inside long work when its cancel token is set."""


class CancelToken:
    """A thread-safe flag: the GUI thread sets it, the worker checks it between batches."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._lock = threading.Lock()
        self._on_set: list[Callable[[], None]] = []

    def set(self) -> None:
        """Ask the work to stop at its next check (and run the ``calling`` callbacks now)."""
        with self._lock:  # a callback never runs after its ``calling`` block has left
            self._event.set()
            for callback in self._on_set:
                callback()

    @contextlib.contextmanager
    def calling(self, callback: Callable[[], None]) -> Iterator[None]:
        """Run ``callback`` in the cancelling thread if the token is set inside the block.

        For work that cannot check the token itself, such as one long SQLite statement
        (``callback`` interrupts it). The callback must be quick and must not raise.
        """
        with self._lock:
            self._on_set.append(callback)
        try:
            yield
        finally:
            with self._lock:
                self._on_set.remove(callback)

    def is_set(self) -> bool:
        """Whether cancellation was requested."""
        return self._event.is_set()

    def raise_if_set(self) -> None:
        """Raise ``Cancelled`` if cancellation was requested."""
        if self._event.is_set():
            raise Cancelled()


def no_progress(done: int, total: int) -> None:
    """A progress callback that ignores its arguments."""
