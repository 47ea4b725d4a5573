"""Plumbing for long work: a cancel token and the progress callback type.

Long functions take ``progress`` and ``cancel`` parameters so the GUI can run them on a worker
thread and the command line can run them in the foreground, with the same code.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence

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


class PhasedProgress:
    """One progress bar for work done in phases: each phase fills its own share of ``SCALE``.

    ``phase(name)`` gives the callback for one phase (``progress(done, total)`` in that phase's
    own units); it reports ``(position, SCALE)`` to the wrapped callback, never going back, and
    keeps ``words`` (what is being done, with the phase's counts) for a label.
    """

    SCALE = 1000

    def __init__(
        self,
        progress: Callable[[int, int], None],
        phases: Sequence[tuple[str, float]],
        on_phase_end: Callable[[], None] | None = None,
    ) -> None:
        """``phases`` are ``(words, share)`` in order; shares are fractions of the whole bar.

        ``on_phase_end`` runs when a phase reports its end (e.g. to let that report through a
        throttle); the shares may sum to less than 1: the rest is the unreported tail.
        """
        self._progress = progress
        self._on_phase_end = on_phase_end
        self._ranges: dict[str, tuple[float, float]] = {}
        start = 0.0
        for words, share in phases:
            self._ranges[words] = (start, start + share)
            start += share
        self._position = 0
        self.words = phases[0][0] if phases else ""

    def phase(self, words: str, unit: str = "rows", after: str = "") -> Callable[[int, int], None]:
        """The progress callback of the phase named ``words``.

        ``after`` names what follows the phase's end without progress of its own (e.g. saving
        the workbook), so that the label does not show a finished count meanwhile.
        """
        start, end = self._ranges[words]

        def report(done: int, total: int) -> None:
            fraction = min(done, total) / total if total > 0 else 1.0
            position = int(self.SCALE * (start + (end - start) * fraction))
            self._position = max(self._position, position)
            ended = done >= total
            self.words = after if ended and after else f"{words}, {done:,} of {total:,} {unit}"
            if ended and self._on_phase_end is not None:
                self._on_phase_end()
            self._progress(self._position, self.SCALE)

        return report
