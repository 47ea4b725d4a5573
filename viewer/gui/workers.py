"""Running core/data callables off the GUI thread, with progress, cancel and results as signals.

The work is a plain function ``fn(progress, cancel) -> result`` (Qt-free, also used by the command
line). ``TaskRunner`` runs it on a ``QThread`` and re-emits progress and the outcome through
queued signals. Cancel sets the token directly: the worker thread is busy and would not run a
queued slot until the work ends.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from viewer.core.errors import KnownError
from viewer.core.tasks import Cancelled, CancelToken

log = logging.getLogger(__name__)

Work = Callable[[Callable[[int, int], None], CancelToken], Any]


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
        except KnownError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - any bug must reach the user as a message
            log.error("background task failed:\n%s", traceback.format_exc())
            self.failed.emit(f"Unexpected error: {exc.__class__.__name__}: {exc}")
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
    result reports ``finished`` even after ``cancel()`` (the result says what was done). The runner
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
        self.phase = ""
        """What the work is doing now, in words (set by the work; read with each progress)."""

    def start(self) -> None:
        """Start the work on its own thread."""
        self.running = True
        self._thread.start()

    def cancel(self) -> None:
        """Ask the work to stop at its next check (safe from the GUI thread)."""
        self.token.set()

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
    done = Signal(object, object)  # result, error message or None


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
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[str], None] | None]] = {}

    def run(
        self,
        fn: Callable[[], Any],
        callback: Callable[[Any], None],
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        """Start ``fn`` in the background; only the newest call's callback runs."""
        import threading

        self._generation += 1
        generation = self._generation
        self._callbacks = {generation: (callback, on_error)}

        def target() -> None:
            try:
                result = fn()
            except Exception as exc:  # noqa: BLE001 - delivered as text
                log.warning("background query failed: %s", exc)
                self._signals.done.emit((generation, None), str(getattr(exc, "orig", exc)))
            else:
                self._signals.done.emit((generation, result), None)

        threading.Thread(target=target, daemon=True, name="background-call").start()

    def _deliver(self, payload: tuple[int, Any], error: str | None) -> None:
        generation, result = payload
        entry = self._callbacks.get(generation)
        if entry is None:
            return
        callback, on_error = entry
        if error is None:
            callback(result)
        elif on_error is not None:
            on_error(error)
