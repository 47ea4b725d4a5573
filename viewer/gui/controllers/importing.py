"""Import: the Open exports and Open folder actions, drops, the background import, its report."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMessageBox

from viewer.core.records import ImportReport, ImportStatus
from viewer.gui.controllers.base import Controller
from viewer.gui.dialogs import ImportReportDialog, run_with_progress, show_failure
from viewer.gui.i18n import sentences
from viewer.gui.workers import Failure, TaskRunner
from viewer.services.imports import ImportService

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow


class ImportController(Controller):
    """Imports files, zips and folders in the background with progress, Cancel and a report."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.runner: TaskRunner | None = None
        self._quiet_import = False
        self.last_report: ImportReport | None = None
        std = QKeySequence.StandardKey
        self.act_open = self._action(
            self.tr("&Open exports…"),
            self.open_exports,
            std.Open,
            self.tr("Import CSV files or zips of exports"),
        )
        self.act_open_folder = self._action(
            self.tr("Open export &folder…"),
            self.open_folder,
            "Ctrl+Shift+F",
            self.tr("Import every export in a folder"),
        )

    @property
    def running(self) -> bool:
        """Whether an import is running now."""
        return self.runner is not None and self.runner.running

    def open_exports(self) -> None:
        """Choose export files or zips and import them."""
        files, _ = QFileDialog.getOpenFileNames(
            self.win,
            self.tr("Open exports"),
            "",
            self.tr("Bill exports (*.zip *.csv *.txt);;All files (*)"),
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def open_folder(self) -> None:
        """Choose a folder and import every export in it."""
        folder = QFileDialog.getExistingDirectory(self.win, self.tr("Open export folder"))
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path], force: bool = False) -> None:
        """Import in the background with progress and Cancel; the table stays usable.

        A read-only database refuses with one line in the status bar. The window's
        ``quiet_reports`` silences this import's report and failure (the start-up import) and
        is then reset.
        """
        if self.win._db.readonly:
            self.win.statusBar().showMessage(self.read_only_line(), 15000)
            return
        if self.runner is not None and self.runner.running:
            QMessageBox.information(
                self.win, self.tr("Import"), self.tr("An import is already running.")
            )
            return
        self._quiet_import, self.win.quiet_reports = self.win.quiet_reports, False
        db = self.win._db

        def work(progress: Any, cancel: Any) -> ImportReport:
            return ImportService(db).import_paths(
                paths, force=force, progress=progress, cancel=cancel
            )

        runner = TaskRunner(work, self.win, "import")
        self.runner = runner
        for act in self.import_actions():
            act.setEnabled(False)
        self.win.empty_state.set_state(readonly=False, importing=True)
        self.progress_dialog = run_with_progress(self.win, runner, self.tr("Importing"), "bytes")
        runner.finished.connect(self._import_done)
        runner.failed.connect(lambda msg: self._import_failed(runner.failure or Failure(msg)))
        runner.cancelled.connect(
            lambda: self.win.statusBar().showMessage(
                self.tr("Import cancelled; nothing was imported."), 15000
            )
        )
        runner.done.connect(self._import_ended)
        runner.start()

    def _import_ended(self) -> None:
        for act in self.import_actions():
            act.setEnabled(not self.win._db.readonly)
        self.win.empty_state.set_state(readonly=self.win._db.readonly, importing=False)
        # Whatever the outcome, earlier files may have landed: show what the database holds.
        self.win.browse.refresh_data()

    def _import_done(self, report: ImportReport) -> None:
        self.last_report = report
        self.win.import_finished.emit(report)
        imported = report.total("imported")
        already = sum(1 for f in report.files if f.status == ImportStatus.ALREADY_IMPORTED)
        cancelled = [f for f in report.files if f.status == ImportStatus.CANCELLED]
        msg = self.tr("Imported {n} bills from {files} file(s).").format(
            n=f"{imported:,}", files=len(report.files)
        )
        if cancelled:
            msg = self.tr(
                "Import cancelled: {path} was rolled back; "
                "{n} bills from the files before it stay imported."
            ).format(path=cancelled[0].path, n=f"{imported:,}")
        if already:
            msg = sentences(
                msg, self.tr("{n} file(s) had been imported already.").format(n=already)
            )
        refused = sum(
            1
            for f in report.files
            if f.status in (ImportStatus.NOT_A_BILL_EXPORT, ImportStatus.FAILED)
        )
        if refused:
            msg = sentences(
                msg,
                self.tr("{n} file(s) could not be imported (see the import report).").format(
                    n=refused
                ),
            )
        self.win.statusBar().showMessage(msg, 15000)
        if not self._quiet_import:
            dialog = ImportReportDialog(report, self.win)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()

    def _import_failed(self, failure: Failure) -> None:
        self.win.statusBar().showMessage(failure.message, 15000)
        if failure.bug or not self._quiet_import:  # a bug is never kept quiet
            show_failure(self.win, self.tr("Import"), failure)

    def drop(self, event: QDropEvent) -> None:
        """Import the files dropped on the window (refused, with one line, when read-only)."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths and self.win._db.readonly:
            event.ignore()
            self.win.statusBar().showMessage(self.read_only_line(), 15000)
        elif paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    def import_actions(self) -> tuple[QAction, ...]:
        """The actions that start an import (disabled while one runs or the file is read-only)."""
        return (self.act_open, self.act_open_folder)

    def read_only_line(self) -> str:
        """The status line that says why nothing can be imported into this database."""
        return self.tr(
            "{name} is open read-only: nothing can be imported into it. "
            "Open a database you may write to (File ▸ Open database) to import."
        ).format(name=self.win._db.path.name)
