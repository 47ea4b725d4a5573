"""The text index's build: started in the background, its progress and Cancel in the status bar.

The window starts it when a database opens and after each import (``TextIndexService``); until
it is done a text search scans, so nothing waits for it. It gives way to an import (stops at its
next chunk; the import's end starts it again) and stops when the window closes or the database
changes: what it indexed stays and the next run goes on from there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QProgressBar, QToolButton

from viewer.core.errors import KnownError
from viewer.core.tasks import CancelToken
from viewer.gui.controllers.base import Controller
from viewer.gui.dialogs import show_failure
from viewer.gui.workers import Failure, TaskRunner, status_problem
from viewer.services.text_index import TextIndexService

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow

log = logging.getLogger(__name__)


class TextIndexController(Controller):
    """Builds the text index of the window's database off the GUI thread, with progress."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.runner: TaskRunner | None = None
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setFormat(
            QCoreApplication.translate("TextIndexController", "Indexing for text search: %p%")
        )
        self.bar.setToolTip(
            QCoreApplication.translate(
                "TextIndexController", "Text searches scan the bills until the index is built"
            )
        )
        self.cancel_button = QToolButton()
        self.cancel_button.setText(QCoreApplication.translate("TextIndexController", "Cancel"))
        self.cancel_button.setToolTip(
            QCoreApplication.translate(
                "TextIndexController", "Stop indexing; text searches scan, the next start goes on"
            )
        )
        self.cancel_button.clicked.connect(self.cancel)
        self._show(False)

    def add_to(self, bar: Any) -> None:
        """Put the progress bar and its Cancel button in the window's status bar."""
        bar.addPermanentWidget(self.bar)
        bar.addPermanentWidget(self.cancel_button)

    @property
    def running(self) -> bool:
        """Whether a build runs now."""
        return self.runner is not None and self.runner.running

    def start(self) -> None:
        """Index the bills not indexed yet, in the background (nothing to do: nothing happens)."""
        db = self.win._db
        if self.running or self.win.imports.running:
            return
        service = TextIndexService(db)
        try:
            if not service.needs_build():
                return
        except KnownError as exc:  # a locked or damaged file: the table's reads say it
            log.warning("text index: %s", exc)
            return
        except Exception as exc:  # noqa: BLE001 - a bug: said to be one, logged with its traceback
            self.win.statusBar().showMessage(status_problem(exc, "checking the text index"), 15000)
            return
        imports = self.win.imports

        def work(progress: Any, cancel: CancelToken) -> None:
            # gives way to an import, which would otherwise wait for the write lock
            service.build(progress, cancel, give_way=lambda: imports.running)

        runner = TaskRunner(work, self.win, "text index")
        self.runner = runner
        runner.progress.connect(self._progress)
        runner.failed.connect(lambda msg: self._failed(runner.failure or Failure(msg)))
        runner.done.connect(lambda: self._show(False))
        self.bar.setValue(0)
        self._show(True)
        runner.start()

    def cancel(self) -> None:
        """Stop the build at its next chunk (what is indexed stays)."""
        if self.runner is not None:
            self.runner.cancel()

    def stop(self) -> None:
        """Stop the build and wait for it (the database is closing)."""
        if self.running and self.runner is not None:
            self.runner.cancel()
            self.runner.wait()

    def _progress(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(total, 1))
        self.bar.setValue(min(done, total))

    def _show(self, shown: bool) -> None:
        self.bar.setVisible(shown)
        self.cancel_button.setVisible(shown)

    def _failed(self, failure: Failure) -> None:
        self.win.statusBar().showMessage(
            QCoreApplication.translate(
                "TextIndexController", "Text search index not built: {message} (searches scan)"
            ).format(message=failure.message),
            15000,
        )
        if failure.bug:
            show_failure(
                self.win,
                QCoreApplication.translate("TextIndexController", "Text search index"),
                failure,
            )
