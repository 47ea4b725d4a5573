"""Export: the Export to Excel action, the target file, the background export and its result."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from viewer.core.paths import xlsx_target
from viewer.core.tasks import PhasedProgress
from viewer.gui.controllers.base import Controller
from viewer.gui.dialogs import ExportDoneDialog, Opener, run_with_progress, show_failure
from viewer.gui.i18n import choice_menu, installed_language, sentences
from viewer.gui.workers import Failure, TaskRunner
from viewer.services.export import EXPORT_PHASES, ExportService

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow

EXPORT_LANGUAGE_SETTING = "export/language"
"""The QSettings key of the export's language: ``window`` (the window's), ``en`` or ``zh_CN``."""


class ExportController(Controller):
    """Exports exactly what the table shows to an .xlsx workbook, off the GUI thread."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.runner: TaskRunner | None = None
        self.open_url: Opener = QDesktopServices.openUrl
        """What the export-finished dialog opens files and folders with (tests record)."""
        self.export_done_dialog: ExportDoneDialog | None = None
        self.act_export = self._action(
            self.tr("&Export to Excel…"),
            self.export_dialog,
            "Ctrl+E",
            self.tr("Export the bills shown, as shown, to an .xlsx workbook"),
        )
        self.language_menu = self._export_language_menu()

    def _export_language_menu(self) -> QMenu:
        """File ▸ Export language: the window's, or English / 简体中文 for an auditor."""
        menu, self.export_language_actions = choice_menu(
            self.tr("Export &language"),
            self.win,
            (
                ("window", self.tr("Same as the &window")),
                ("en", "&English"),
                ("zh_CN", "简体中文(&C)"),
            ),
            self.export_language_choice(),
            self.choose_export_language,
        )
        return menu

    def export_language_choice(self) -> str:
        """The saved choice: ``window``, ``en`` or ``zh_CN``."""
        value = str(self.win._settings.value(EXPORT_LANGUAGE_SETTING, "window") or "window")
        return value if value in {"window", "en", "zh_CN"} else "window"

    def choose_export_language(self, choice: str) -> None:
        """Write the next exports in ``choice`` (remembered), whatever the window speaks."""
        self.export_language_actions[choice].setChecked(True)
        if not self.win.transient:
            self.win._settings.setValue(EXPORT_LANGUAGE_SETTING, choice)

    def export_language(self) -> str:
        """The language the next export is written in."""
        choice = self.export_language_choice()
        return installed_language() if choice == "window" else choice

    def export_dialog(self) -> None:
        """Choose a file and export exactly what the table shows."""
        name, _ = QFileDialog.getSaveFileName(
            self.win,
            self.tr("Export to Excel"),
            "bills.xlsx",
            self.tr("Excel workbook (*.xlsx)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if name:
            self.export_to_chosen(Path(name))

    def export_to_chosen(self, path: Path) -> None:
        """Export to a file the user named: add ``.xlsx``, confirm before replacing a file."""
        if path.suffix.lower() != ".xlsx":
            path = xlsx_target(path)  # "Q3 v1.2" stays "Q3 v1.2.xlsx"
        force = False
        if path.exists():
            answer = QMessageBox.question(
                self.win,
                self.tr("Export to Excel"),
                self.tr("{path} already exists. Replace it?").format(path=path),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            force = True
        self.export_to(path, force=force)

    def export_to(self, path: Path, force: bool = False) -> None:
        """Export the current filter, sort and visible columns in the background."""
        if self.runner is not None and self.runner.running:
            QMessageBox.information(
                self.win, self.tr("Export"), self.tr("An export is already running.")
            )
            return
        service = ExportService(self.win._db)
        f, keys = self.win.model.bill_filter, self.win.visible_column_keys()
        language = self.export_language()
        # The window's sentence when the export speaks its language; else the export words it.
        sentence = self.win.filters.describe(f) if language == installed_language() else None

        bar: list[PhasedProgress] = []

        def work(progress: Any, cancel: Any) -> Any:
            # One bar for the whole job: the states (read first) and the bills fill their shares.
            phased = PhasedProgress(progress, EXPORT_PHASES, on_phase_end=runner.flush_progress)
            bar.append(phased)
            return service.export(
                f,
                path,
                columns=keys,
                force=force,
                filter_sentence=sentence,
                progress=phased,
                cancel=cancel,
                language=language,
            )

        runner = TaskRunner(work, self.win, "export")
        self.runner = runner
        self.act_export.setEnabled(False)
        self.export_progress = run_with_progress(
            self.win,
            runner,
            self.tr("Exporting"),
            "rows",
            words=lambda: bar[0].words if bar else "",
        )
        runner.finished.connect(self._export_done)
        runner.failed.connect(lambda msg: self._export_failed(runner.failure or Failure(msg)))
        runner.cancelled.connect(self._export_cancelled)
        runner.done.connect(lambda: self.act_export.setEnabled(True))
        runner.start()

    def _export_done(self, result: Any) -> None:
        self.win.export_finished.emit(result)
        msg = self.tr("Exported {n} bills to {path}.").format(
            n=f"{result.rows:,}", path=result.path
        )
        if result.cut_cells:
            msg = sentences(
                msg,
                self.tr(
                    "{n} cell(s) longer than Excel allows were cut and marked "
                    "(counted on the Report sheet)."
                ).format(n=f"{result.cut_cells:,}"),
            )
        self.win.statusBar().showMessage(msg, 20000)
        dialog = ExportDoneDialog(result, self.win, opener=self.open_url)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.export_done_dialog = dialog

    def _export_cancelled(self) -> None:
        """A cancel is the user's choice, not a problem: said in the status bar only."""
        self.win.export_finished.emit(None)
        self.win.statusBar().showMessage(self.tr("Export cancelled; no file written."), 15000)

    def _export_failed(self, failure: Failure) -> None:
        self.win.export_finished.emit(None)
        self.win.statusBar().showMessage(failure.message, 15000)
        show_failure(self.win, self.tr("Export"), failure)
