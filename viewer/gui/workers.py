"""Running core/data callables off the GUI thread, with progress, cancel and results as signals.

The work is a plain function ``fn(progress, cancel) -> result`` (Qt-free, also used by the command
line). ``TaskRunner`` runs it on a ``QThread`` and re-emits progress and the outcome through
queued signals. Cancel sets the token directly: the worker thread is busy and would not run a
queued slot until the work ends.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal, Slot

from viewer.core.errors import KnownError
from viewer.core.tasks import Cancelled, CancelToken
from viewer.core.tasks import PhasedProgress as PhasedProgress  # moved there (Qt-free)

log = logging.getLogger(__name__)

Work = Callable[[Callable[[int, int], None], CancelToken], Any]

BUG_TEXT = "This is a bug"
"""How a failure that is not a ``KnownError`` begins: the user is told so, not misled."""


@dataclass(frozen=True)
class Failure:
    """Why background work failed, as a dialog shows it.

    A ``KnownError`` is a message the user can act on (``details`` empty); anything else is a
    bug: the message says so and ``details`` holds the traceback to copy into a report.
    """

    message: str
    details: str = ""
    bug: bool = False


def failure_of(exc: BaseException, what: str) -> Failure:
    """The ``Failure`` for an exception raised by ``what`` (logged with its traceback if a bug)."""
    if isinstance(exc, KnownError):
        return Failure(str(exc))
    log.error("%s failed", what, exc_info=exc)
    details = "".join(traceback.format_exception(exc))
    said = QCoreApplication.translate("Failure", "This is a bug: {what} failed with {error}")
    return Failure(said.format(what=what, error=f"{exc.__class__.__name__}: {exc}"), details, True)


def status_problem(exc: BaseException, what: str) -> str:
    """One line for a status message about ``exc``, raised while doing ``what``.

    A ``KnownError`` in its own words (a locked file, a lost server, as the services word
    them); anything else is a bug, logged with its traceback and said to be one
    (``failure_of``), not passed off as the user's situation.
    """
    return failure_of(exc, what).message


class _Worker(QObject):
    progressed = Signal(object, object)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Work, token: CancelToken) -> None:
        super().__init__()
        self._work = work
        self._token = token
        self._last = 0.0
        self.failure: Failure | None = None

    def flush(self) -> None:
        """Let the next progress report through the throttle (a phase ended)."""
        self._last = 0.0

    def _progress(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self._last >= 0.1 or done >= total:
            self._last = now
            self.progressed.emit(done, total)

    @Slot()
    def run(self) -> None:
        try:
            result = self._work(self._progress, self._token)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - a KnownError is a message, anything else a bug
            self.failure = failure_of(exc, f"the {QThread.currentThread().objectName()} task")
            self.failed.emit(self.failure.message)
        else:
            # Work that returns has finished, even if Cancel came late: its result (an import
            # report naming the cancelled file, a written export) is the truth to show.
            self.succeeded.emit(result)
        finally:
            # End the thread's event loop from here, so that a GUI thread blocked in wait()
            # (shutdown) does not wait for the queued outcome it cannot process meanwhile.
            thread = QThread.currentThread()
            if thread is not None:
                thread.quit()


class TaskRunner(QObject):
    """One background task: ``start()``, then ``progress``/``finished``/``failed``/``cancelled``.

    ``cancelled`` fires when the work stopped by raising ``Cancelled``; work that returns a
    result reports ``finished`` even after ``cancel()`` (the result says what was done). ``failed``
    carries the message; ``failure`` then holds it with the traceback of a bug. The runner
    deletes its thread when done; keep a reference to it until one of the outcome signals fires.
    """

    progress = Signal(object, object)
    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    done = Signal()
    """Emitted after any outcome (for cleanup)."""

    def __init__(self, work: Work, parent: QObject | None = None, name: str = "task") -> None:
        super().__init__(parent)
        self.token = CancelToken()
        self.name = name
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker(work, self.token)
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.run)
        self._worker.progressed.connect(self.progress)
        self._worker.succeeded.connect(self._on_succeeded)
        self._worker.failed.connect(self._on_failed)
        self._worker.cancelled.connect(self._on_cancelled)
        self.running = False

    def start(self) -> None:
        """Start the work on its own thread."""
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next check (safe from the GUI thread)."""
        self.token.set()

    def flush_progress(self) -> None:
        """Report the work's next progress call even if one was reported a moment ago."""
        self._worker.flush()

    @property
    def failure(self) -> Failure | None:
        """Why the work failed (set before ``failed`` is emitted), else None."""
        return self._worker.failure

    def wait(self, ms: int = 30_000) -> bool:
        """Block until the thread ends (for shutdown and tests)."""
        return bool(self._thread.wait(ms))

    def _finish(self) -> None:
        self.running = False
        self._thread.quit()
        self._thread.wait()
        self.done.emit()

    def _on_succeeded(self, result: object) -> None:
        self._finish()
        self.finished.emit(result)

    def _on_failed(self, message: str) -> None:
        self._finish()
        self.failed.emit(message)

    def _on_cancelled(self) -> None:
        self._finish()
        self.cancelled.emit()


class _CallSignals(QObject):
    done = Signal(object, object)  # result, error (message or Failure) or None


_LIVE_CALLS: weakref.WeakSet[threading.Thread] = weakref.WeakSet()
"""Threads of background calls not yet collected (``BackgroundCall.wait_all``)."""


class BackgroundCall(QObject):
    """A short background query: ``fn()`` on a plain thread, ``callback(result)`` on the GUI thread.

    Used for counts and lists that may take a moment on a big database. Errors are passed to
    ``on_error`` as text (never raised in the thread). A later call on the same instance makes
    the result of an earlier one be ignored.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = _CallSignals()
        self._signals.done.connect(self._deliver)
        self._generation = 0
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[Any], None] | None]] = {}
        """The newest call's ``callback`` and its error handler (``on_failure`` or ``on_error``)."""

    def run(
        self,
        fn: Callable[[], Any],
        callback: Callable[[Any], None],
        on_error: Callable[[str], None] | None = None,
        *,
        on_failure: Callable[[Failure], None] | None = None,
        what: str = "a background query",
    ) -> None:
        """Start ``fn`` in the background; only the newest call's callback runs.

        ``on_failure`` (instead of ``on_error``) receives a ``Failure``: a ``KnownError``'s
        message, or a bug named ``what`` with its traceback (logged).
        """
        self._generation += 1
        generation = self._generation
        # the thread hands the handler what it takes: a Failure for on_failure, else text
        self._callbacks = {generation: (callback, on_failure or on_error)}

        def target() -> None:
            try:
                result = fn()
            except Exception as exc:  # noqa: BLE001 - delivered as text
                if on_failure is not None:
                    failure: Any = failure_of(exc, what)
                else:
                    log.warning("background query failed: %s", exc)
                    failure = str(getattr(exc, "orig", exc))
                self._signals.done.emit((generation, None), failure)
            else:
                self._signals.done.emit((generation, result), None)

        thread = threading.Thread(target=target, daemon=True, name="background-call")
        _LIVE_CALLS.add(thread)
        thread.start()

    @staticmethod
    def wait_all(timeout: float = 5.0) -> bool:
        """Wait (at most ``timeout`` seconds in all) for every background call still running.

        The window calls it as it closes: a call that ends after Qt has deleted its signal
        object would emit on a dead C++ object and crash the process on its way out.
        Returns whether all of them ended.
        """
        deadline = time.monotonic() + timeout
        for thread in list(_LIVE_CALLS):
            thread.join(max(0.0, deadline - time.monotonic()))
        return not any(t.is_alive() for t in _LIVE_CALLS)

    def _deliver(self, payload: tuple[int, Any], error: str | Failure | None) -> None:
        generation, result = payload
        entry = self._callbacks.get(generation)
        if entry is None:
            return
        callback, on_error = entry
        if error is None:
            callback(result)
        elif on_error is not None:
            on_error(error)
