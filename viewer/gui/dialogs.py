"""Dialogs: progress with Cancel, the import report, site labels, about."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
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
from viewer.core.records import ImportReport, ImportStatus
from viewer.data import queries
from viewer.data.db import Database
from viewer.data.labels import load_labels, set_label, unset_label
from viewer.gui.workers import TaskRunner

STATUS_TEXT = {
    ImportStatus.IMPORTED: "imported",
    ImportStatus.ALREADY_IMPORTED: "already imported (skipped)",
    ImportStatus.NOT_A_BILL_EXPORT: "not an agent operation bill export",
    ImportStatus.FAILED: "failed",
    ImportStatus.CANCELLED: "cancelled (rolled back)",
}


def run_with_progress(
    parent: QWidget, runner: TaskRunner, title: str, unit: str
) -> QProgressDialog:
    """Show a modal-less progress dialog wired to a runner: its Cancel cancels the task."""
    dialog = QProgressDialog(title, "Cancel", 0, 1000, parent)
    dialog.setWindowTitle(title)
    dialog.setWindowModality(Qt.WindowModality.NonModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def progressed(done: int, total: int) -> None:
        if total:
            dialog.setValue(int(1000 * min(done, total) / total))
            if unit == "bytes":  # the importer counts each byte twice: hashing, then reading
                dialog.setLabelText(f"{title}: {done / 2 / 1e6:,.1f} of {total / 2 / 1e6:,.1f} MB")
            elif runner.phase and runner.phase != unit:
                dialog.setLabelText(f"{title}: {runner.phase}, {done:,} of {total:,} read")
            else:
                dialog.setLabelText(f"{title}: {done:,} of {total:,} {unit}")

    runner.progress.connect(progressed)
    dialog.canceled.connect(runner.cancel)

    def finished() -> None:
        dialog.canceled.disconnect(runner.cancel)  # closing the dialog emits canceled
        dialog.close()

    runner.done.connect(finished)
    return dialog


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

    def add_row(self, values: list[Any]) -> None:
        """Append a row of values (shown as text)."""
        r = self.rowCount()
        self.insertRow(r)
        for c, v in enumerate(values):
            self.setItem(r, c, QTableWidgetItem("" if v is None else str(v)))

    def selection_text(self) -> str:
        """The selected rows (all rows if none) as TSV with a header."""
        rows = sorted({i.row() for i in self.selectedIndexes()}) or list(range(self.rowCount()))
        header = [self.horizontalHeaderItem(c).text() for c in range(self.columnCount())]
        lines = ["\t".join(header)]
        for r in rows:
            lines.append(
                "\t".join(
                    (self.item(r, c).text() if self.item(r, c) else "").replace("\t", " ")
                    for c in range(self.columnCount())
                )
            )
        return "\n".join(lines) + "\n"

    def copy_selection(self) -> None:
        """Put the selection on the clipboard."""
        QGuiApplication.clipboard().setText(self.selection_text())


class ImportReportDialog(QDialog):
    """What an import did: per file, in total, and every rejected line that can be copied."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.resize(900, 560)
        t = report.total
        summary = QLabel(
            f"<b>{len(report.files)} file(s)</b>: {t('rows_read'):,} lines read, "
            f"{t('imported'):,} imported, {t('duplicates'):,} duplicates "
            f"({t('conflicts'):,} with other values), {t('rejected'):,} rejected."
        )
        summary.setTextFormat(Qt.TextFormat.RichText)
        self.files = CopyableTable(
            ["File", "Status", "Read", "Imported", "Duplicates", "Conflicts", "Rejected", "Message"]
        )
        for f in report.files:
            self.files.add_row(
                [
                    f.path,
                    STATUS_TEXT.get(f.status, f.status),
                    f.rows_read,
                    f.imported,
                    f.duplicates,
                    f.conflicts,
                    f.rejected,
                    f.message,
                ]
            )
        self.files.resizeColumnsToContents()
        self.rejects = CopyableTable(["File", "Line", "Reason", "Raw text"])
        for f in report.files:
            for issue in f.rejects:
                self.rejects.add_row([f.path, issue.line, issue.reason, issue.raw])
        shown = self.rejects.rowCount()
        more = t("rejected") - shown
        note = QLabel(
            "Rejected lines (select and Ctrl+C to copy)"
            + (
                f"; the first {shown:,} are listed, all {t('rejected'):,} are stored in the "
                "database"
                if more > 0
                else ""
            )
        )
        copy = QPushButton("Copy rejected lines")
        copy.clicked.connect(self.rejects.copy_selection)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        lay = QVBoxLayout(self)
        lay.addWidget(summary)
        lay.addWidget(self.files, 1)
        lay.addWidget(note)
        lay.addWidget(self.rejects, 2)
        row = QHBoxLayout()
        row.addWidget(copy)
        row.addStretch(1)
        row.addWidget(buttons)
        lay.addLayout(row)


class SiteLabelsDialog(QDialog):
    """Name the site-defined codes; every change is saved at once and the table updates."""

    labels_changed = Signal()

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self.setWindowTitle("Site labels")
        self.resize(820, 520)
        intro = QLabel(
            "Some codes are defined by each site (busy 200-250, rest and work reasons, client "
            "logout causes, agent statuses). Name them here: the names are stored in the database "
            "and shown in the table, the details and every export."
        )
        intro.setWordWrap(True)
        self.table = CopyableTable(["Type", "Code", "Documented meaning", "Bills", "Site label"])
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.itemChanged.connect(self._edited)
        self.type_box = QComboBox()
        for site in codes.SITE_DEFINABLE:
            info = codes.op_type_info(site.op_type)
            self.type_box.addItem(
                f"{site.op_type} {info.short if info else ''} ({site.low}-{site.high})", site
            )
        self.code_box = QSpinBox()
        self.text_edit = QLineEdit(placeholderText="label, e.g. Team meeting")
        add = QPushButton("Set label")
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
        """List labelled codes and site-definable codes present in the data."""
        labels = load_labels(self._db)
        with self._db.engine.connect() as conn:
            present = queries.reason_counts(conn, sorted({s.op_type for s in codes.SITE_DEFINABLE}))
        rows: dict[tuple[int, int], int] = {}
        for t, c, n in present:
            code = codes.parse_code(c)
            if code is not None and codes.is_site_definable(int(t), code):
                rows[(int(t), code)] = rows.get((int(t), code), 0) + n
        for key in labels:
            rows.setdefault(key, 0)
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for (t, c), n in sorted(rows.items()):
            generic = codes.explain_reason(t, c).text
            self.table.add_row([t, c, generic, n, labels.get((t, c), "")])
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
            if text.strip():
                set_label(self._db, op_type, code, text)
            else:
                unset_label(self._db, op_type, code)
        except Exception as exc:  # noqa: BLE001 - read-only database, say
            QMessageBox.warning(self, "Site labels", str(exc))
            return
        self.labels_changed.emit()


def about_text(db_path: str) -> str:
    """Version, library versions, database path and data folder for the About dialog."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from viewer.data.about import version_text

    return version_text(db_path, f"{qVersion()} / PySide6 {pyside_version}")
