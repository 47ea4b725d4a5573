"""Dialogs: progress with Cancel, the import report, site labels, about."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from viewer.core import codes
from viewer.core.i18n import QT_TRANSLATE_NOOP
from viewer.core.records import ImportReport, ImportStatus
from viewer.gui.palette import colors
from viewer.gui.workers import BackgroundCall, Failure, TaskRunner, failure_of
from viewer.services.database import Database
from viewer.services.export import ExportResult
from viewer.services.imports import reason_text
from viewer.services.labels import LabelsService, SiteCodeRow

FULL_TEXT_ROLE = Qt.ItemDataRole.UserRole + 1
"""A cell's whole text where it shows less (a path shown by its file name)."""

STATUS_TEXT = {
    ImportStatus.IMPORTED: QT_TRANSLATE_NOOP("ImportReportDialog", "imported"),
    ImportStatus.ALREADY_IMPORTED: QT_TRANSLATE_NOOP(
        "ImportReportDialog", "already imported (skipped)"
    ),
    ImportStatus.NOT_A_BILL_EXPORT: QT_TRANSLATE_NOOP(
        "ImportReportDialog", "not an agent operation bill export"
    ),
    ImportStatus.FAILED: QT_TRANSLATE_NOOP("ImportReportDialog", "failed"),
    ImportStatus.CANCELLED: QT_TRANSLATE_NOOP("ImportReportDialog", "cancelled (rolled back)"),
}


def said_as(title: str, progress: str) -> str:
    """A progress line: what is being done, then how far it got."""
    return QCoreApplication.translate("Dialogs", "{title}: {progress}").format(
        title=title, progress=progress
    )


def run_with_progress(
    parent: QWidget,
    runner: TaskRunner,
    title: str,
    unit: str,
    words: Callable[[], str] | None = None,
) -> QProgressDialog:
    """Show a modal-less progress dialog wired to a runner: its Cancel cancels the task.

    ``words`` (for work in phases, see ``PhasedProgress``) says what is being done; else the
    label counts ``unit``.
    """
    cancel = QCoreApplication.translate("Dialogs", "Cancel")
    dialog = QProgressDialog(title, cancel, 0, 1000, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(done: int, total: int) -> None:
        if total:
            dialog.setValue(int(1000 * min(done, total) / total))
            if words is not None:
                dialog.setLabelText(said_as(title, words()))
            elif unit == "bytes":  # the importer counts each byte twice: hashing, then reading
                said = QCoreApplication.translate("Dialogs", "{done} of {total} MB").format(
                    done=f"{done / 2 / 1e6:,.1f}", total=f"{total / 2 / 1e6:,.1f}"
                )
                dialog.setLabelText(said_as(title, said))
            else:
                said = QCoreApplication.translate("Dialogs", "{done} of {total} rows").format(
                    done=f"{done:,}", total=f"{total:,}"
                )
                dialog.setLabelText(said_as(title, said))

    runner.progress.connect(progressed)
    dialog.canceled.connect(runner.cancel)

    def finished() -> None:
        dialog.canceled.disconnect(runner.cancel)  # closing the dialog emits canceled
        dialog.close()

    runner.done.connect(finished)
    return dialog


def show_failure(parent: QWidget, title: str, failure: Failure) -> QMessageBox | None:
    """Say why work failed: a known error in one line; a bug as such, its traceback copyable.

    The bug's box opens without blocking (it is returned, e.g. for tests); a known error uses
    the usual blocking warning.
    """
    if not failure.bug:
        QMessageBox.warning(parent, title, failure.message)
        return None
    box = QMessageBox(QMessageBox.Icon.Critical, title, failure.message, parent=parent)
    box.setInformativeText(
        QCoreApplication.translate(
            "Dialogs",
            "Please send the details (Show Details…, select all, copy) to whoever maintains "
            "Agent Bill Viewer; the log holds them too.",
        )
    )
    box.setDetailedText(failure.details)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class CopyableTable(QTableWidget):
    """A read-only table whose selection copies as tab-separated text with a header."""

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(0, len(headers), parent)
        self.setHorizontalHeaderLabels(headers)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.horizontalHeader().setStretchLastSection(True)
        self.verticalHeader().setVisible(False)
        QShortcut(QKeySequence.StandardKey.Copy, self, self.copy_selection)

    def add_row(self, values: list[Any], full: Sequence[str | None] = ()) -> None:
        """Append a row of values (shown as text).

        ``full[c]``, where given, is column ``c``'s whole text (e.g. a path shown by its name):
        it is the cell's tooltip and what is copied.
        """
        r = self.rowCount()
        self.insertRow(r)
        for c, v in enumerate(values):
            item = QTableWidgetItem("" if v is None else str(v))
            whole = full[c] if c < len(full) else None
            if whole:
                item.setToolTip(whole)
                item.setData(FULL_TEXT_ROLE, whole)
            self.setItem(r, c, item)

    def cell_text(self, row: int, column: int) -> str:
        """What a cell copies as: its whole text (a full path), else what it shows."""
        item = self.item(row, column)
        if item is None:
            return ""
        whole = item.data(FULL_TEXT_ROLE)
        return str(whole) if whole else item.text()

    def selection_text(self) -> str:
        """The selected rows (all rows if none) as TSV with a header."""
        rows = sorted({i.row() for i in self.selectedIndexes()}) or list(range(self.rowCount()))
        header = [self.horizontalHeaderItem(c).text() for c in range(self.columnCount())]
        lines = ["\t".join(header)]
        for r in rows:
            lines.append(
                "\t".join(
                    self.cell_text(r, c).replace("\t", " ") for c in range(self.columnCount())
                )
            )
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> None:
        """Put the selection on the clipboard."""
        QGuiApplication.clipboard().setText(self.selection_text())


def short_name(display: str) -> str:
    """A source as the report lists it: the file name (``export.zip!inner.csv`` for a member)."""
    outer, sep, member = display.partition("!")
    name = Path(outer).name or outer
    return f"{name}!{Path(member).name or member}" if sep else name


class ImportReportDialog(QDialog):
    """What an import did: per file its status and reason first, then counts; rejected lines.

    Files are listed by name (the full path is the tooltip and what is copied), so the reason a
    file was refused is read, not scrolled to. Both tables copy as tab-separated text.
    """

    FILE_HEADERS = (
        QT_TRANSLATE_NOOP("ImportReportDialog", "File"),
        QT_TRANSLATE_NOOP("ImportReportDialog", "Status"),
        QT_TRANSLATE_NOOP("ImportReportDialog", "Reason"),
        QT_TRANSLATE_NOOP("ImportReportDialog", "Read"),
        QT_TRANSLATE_NOOP("ImportReportDialog", "Imported"),
        QT_TRANSLATE_NOOP("ImportReportDialog", "Duplicates"),
        QT_TRANSLATE_NOOP("ImportReportDialog", "Conflicts"),
        QT_TRANSLATE_NOOP("ImportReportDialog", "Rejected"),
    )

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Import report"))
        self.resize(980, 600)
        self.setMinimumWidth(900)  # the reason column keeps room to wrap in
        t = report.total
        refused = sum(
            1
            for f in report.files
            if f.status not in (ImportStatus.IMPORTED, ImportStatus.ALREADY_IMPORTED)
        )
        error = colors(self.palette()).error_fg.name()
        files = self.tr("{n} file(s)").format(n=len(report.files))
        not_imported = self.tr("{n} not imported").format(n=refused)
        counts = self.tr(
            "{read} lines read, {imported} imported, {duplicates} duplicates "
            "({conflicts} with other values), {rejected} rejected."
        ).format(
            read=f"{t('rows_read'):,}",
            imported=f"{t('imported'):,}",
            duplicates=f"{t('duplicates'):,}",
            conflicts=f"{t('conflicts'):,}",
            rejected=f"{t('rejected'):,}",
        )
        summary = QLabel(
            self.tr("{files}, {not_imported}: {counts}").format(
                files=f"<b>{files}</b>",
                not_imported=f"<b style='color:{error}'>{not_imported}</b>",
                counts=counts,
            )
            if refused
            else self.tr("{files}: {counts}").format(files=f"<b>{files}</b>", counts=counts)
        )
        summary.setTextFormat(Qt.TextFormat.RichText)
        summary.setWordWrap(True)
        self.files = CopyableTable([self.tr(h) for h in self.FILE_HEADERS])
        self.files.setWordWrap(True)
        for f in report.files:
            reason = reason_text(f.message)  # stored in English, shown in the reader's language
            prefix = f"{f.path}: "  # the importer names the file; the File column does here
            self.files.add_row(
                [
                    short_name(f.path),
                    self.tr(STATUS_TEXT[f.status]) if f.status in STATUS_TEXT else f.status,
                    reason[len(prefix) :] if reason.startswith(prefix) else reason,
                    f.rows_read,
                    f.imported,
                    f.duplicates,
                    f.conflicts,
                    f.rejected,
                ],
                full=[f.path, None, reason],
            )
        self._fit(self.files, stretch=2, widest=240)
        self.rejects = CopyableTable(
            [self.tr("File"), self.tr("Line"), self.tr("Reason"), self.tr("Raw text")]
        )
        for f in report.files:
            for issue in f.rejects:
                reason = reason_text(issue.reason)
                self.rejects.add_row(
                    [short_name(f.path), issue.line, reason, issue.raw],
                    full=[f.path, None, reason, issue.raw],
                )
        self._fit(self.rejects, stretch=3, widest=320)
        shown = self.rejects.rowCount()
        more = t("rejected") - shown
        note = QLabel(
            self.tr("Rejected lines (select and Ctrl+C to copy)")
            + (
                self.tr(
                    "; the first {shown} are listed, all {n} are stored in the database"
                ).format(shown=f"{shown:,}", n=f"{t('rejected'):,}")
                if more > 0
                else ""
            )
        )
        copy = QPushButton(self.tr("Copy rejected lines"))
        copy.clicked.connect(self.rejects.copy_selection)
        copy_files = QPushButton(self.tr("Copy file list"))
        copy_files.clicked.connect(self.files.copy_selection)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(self.files, 1)
        lay.addWidget(note)
        lay.addWidget(self.rejects, 2)
        row = QHBoxLayout()
        row.addWidget(copy_files)
        row.addWidget(copy)
        row.addStretch(1)
        row.addWidget(buttons)
        lay.addLayout(row)

    @staticmethod
    def _fit(table: CopyableTable, stretch: int, widest: int) -> None:
        """Size columns to their text (at most ``widest`` px); column ``stretch`` takes the rest.

        The stretched column wraps, and rows grow to show it whole.
        """
        table.horizontalHeader().setStretchLastSection(False)
        table.resizeColumnsToContents()
        for c in range(table.columnCount()):
            if c != stretch and table.columnWidth(c) > widest:
                table.setColumnWidth(c, widest)
        header = table.horizontalHeader()
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        if table.rowCount() <= 1000:  # measuring wrapped rows costs per row; the rest stay one line
            # The stretched width is known once the dialog is laid out, and changes with it;
            # the rows are measured after the view has taken the new width.
            header.sectionResized.connect(
                lambda index, _old, _new: (
                    index == stretch and QTimer.singleShot(0, table, table.resizeRowsToContents)
                )
            )


Opener = Callable[[QUrl], Any]
"""Opens a URL with the desktop's application (``QDesktopServices.openUrl``; tests record)."""


class ExportDoneDialog(QDialog):
    """After an export: what was written, with Open file / Open folder / Close."""

    def __init__(
        self,
        result: ExportResult,
        parent: QWidget | None = None,
        opener: Opener = QDesktopServices.openUrl,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export finished"))
        self._opener = opener
        self.path = Path(result.path)
        text = self.tr("Exported {n} bills to\n{path}").format(n=f"{result.rows:,}", path=self.path)
        if result.cut_cells:
            text += "\n\n" + self.tr(
                "{n} cell(s) longer than Excel allows were cut and marked "
                "(counted on the Report sheet)."
            ).format(n=f"{result.cut_cells:,}")
        self.message = QLabel(text)
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox()
        self.open_file = buttons.addButton(
            self.tr("Open file"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.open_folder = buttons.addButton(
            self.tr("Open folder"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.open_file.clicked.connect(lambda: self._open(self.path))
        self.open_folder.clicked.connect(lambda: self._open(self.path.parent))
        self.close_button.clicked.connect(self.reject)
        self.open_file.setDefault(True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(buttons)

    def _open(self, path: Path) -> None:
        self._opener(QUrl.fromLocalFile(str(path)))
        self.accept()


class SiteLabelsDialog(QDialog):
    """Name the site-defined codes; every change is saved at once and the table updates."""

    labels_changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle(self.tr("Site labels"))
        self.resize(820, 520)
        intro = QLabel(
            self.tr(
                "Some codes are defined by each site (busy 200-250, rest and work reasons, client "
                "logout causes, agent statuses). Name them here: the names are stored in the "
                "database and shown in the table, the details and every export."
            )
        )
        intro.setWordWrap(True)
        self.table = CopyableTable(
            [
                self.tr("Type"),
                self.tr("Code"),
                self.tr("Documented meaning"),
                self.tr("Bills"),
                self.tr("Site label"),
            ]
        )
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.itemChanged.connect(self._edited)
        self._counts = BackgroundCall(self)
        self.type_box = QComboBox()
        for site in codes.SITE_DEFINABLE:
            info = codes.op_type_info(site.op_type)
            self.type_box.addItem(
                f"{site.op_type} {info.short if info else ''} ({site.low}-{site.high})", site
            )
        self.code_box = QSpinBox()
        self.text_edit = QLineEdit(placeholderText=self.tr("label, e.g. Team meeting"))
        add = QPushButton(self.tr("Set label"))
        self.type_box.currentIndexChanged.connect(self._range)
        self._range()
        add.clicked.connect(self._add)
        row = QHBoxLayout()
        row.addWidget(self.type_box)
        row.addWidget(self.code_box)
        row.addWidget(self.text_edit, 1)
        row.addWidget(add)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(buttons)
        self.reload()

    def _range(self) -> None:
        site = self.type_box.currentData()
        if site is not None:
            self.code_box.setRange(site.low, site.high)

    def reload(self) -> None:
        """List labelled codes and site-definable codes present in the data.

        The bill counts grow with the database: they are read off the GUI thread and the table
        is filled when they arrive.
        """
        self._counts.run(
            LabelsService(self._db).site_codes,
            self._fill,
            on_failure=lambda failure: show_failure(self, self.tr("Site labels"), failure),
            what="reading the site labels",
        )

    def _fill(self, rows: list[SiteCodeRow]) -> None:
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for row in rows:
            self.table.add_row([row.op_type, row.code, row.meaning, row.bills, row.label])
            for col in range(4):
                item = self.table.item(self.table.rowCount() - 1, col)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
        self.table.resizeColumnsToContents()
        self.table.blockSignals(False)

    def _edited(self, item: QTableWidgetItem) -> None:
        if item.column() != 4:
            return
        t = int(self.table.item(item.row(), 0).text())
        c = int(self.table.item(item.row(), 1).text())
        self._store(t, c, item.text())

    def _add(self) -> None:
        site = self.type_box.currentData()
        self._store(site.op_type, self.code_box.value(), self.text_edit.text())
        self.text_edit.clear()
        self.reload()

    def _store(self, op_type: int, code: int, text: str) -> None:
        try:
            LabelsService(self._db).store(op_type, code, text)
        except Exception as exc:  # noqa: BLE001 - a read-only database said, a bug shown as one
            show_failure(self, self.tr("Site labels"), failure_of(exc, "setting a site label"))
            return
        self.labels_changed.emit()


def about_text(db_path: str) -> str:
    """Version, library versions, database path and data folder for the About dialog."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from viewer.services.database import version_text

    return version_text(db_path, f"{qVersion()} / PySide6 {pyside_version}")
