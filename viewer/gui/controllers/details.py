"""The selected bill: the details pane (every field decoded, provenance), copy, its moment."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMessageBox

from viewer.core import codes
from viewer.core.columns import ALL_COLUMNS, CODE, IDX
from viewer.gui.controllers.base import Controller
from viewer.gui.palette import colors
from viewer.gui.workers import failure_of
from viewer.services.browse import BrowseService

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow

MAX_COPY_ROWS = 100_000


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class DetailsController(Controller):
    """Shows the current bill in the details pane, keeps it selected across reloads, copies rows."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.keep_pk: int | None = None
        """The bill to select again when the rows change (a reset drops the selection)."""
        std = QKeySequence.StandardKey
        self.act_copy = self._action(
            self.tr("&Copy rows"),
            self.copy_rows,
            std.Copy,
            self.tr("Copy the selected rows as tab-separated text"),
        )
        self.act_moment = self._action(
            self.tr("State of all agents at this &bill"),
            self.moment_at_selection,
            "Ctrl+T",
            self.tr("Show every agent's state at the selected bill's begin time"),
        )

    def current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        """The table's current row changed: show its bill."""
        self.show_details(current.row() if current.isValid() else None)

    def show_details(self, row_no: int | None) -> None:
        """Show the bill of row ``row_no`` (None: no bill) in the details pane."""
        row = None if row_no is None else self.win.model.row_tuple(row_no)
        self.win.filters.set_selected_begin(None if row is None else row[IDX["begin_time"]])
        if row is not None and self.win.investigation is not None:
            self.win.investigation.follow_selected_bill()
        self.win.details.setHtml(self.details_html(row) if row is not None else "")

    def remember_current(self) -> None:
        """Before the rows change, note the selected bill (a reset drops the selection).

        Only a selected one: Qt makes the first cell current when the table gets the focus,
        and keeping that bill would scroll a re-sorted table to wherever it lands.
        """
        if self.keep_pk is None:
            index = self.win.table.currentIndex()
            chosen = self.win.table.selectionModel()
            selected = index.isValid() and chosen.rowIntersectsSelection(index.row())
            self.keep_pk = self.win.model.pk_at(index.row()) if selected else None
        self.win.model.keep(self.keep_pk)  # located among the new rows while they are read

    def restore_current(self) -> None:
        """Select the noted bill again where the new rows hold it; else clear the details."""
        pk, self.keep_pk = self.keep_pk, None
        row = None if pk is None else self.win.model.row_of(pk)
        if row is None:
            self.show_details(None)
            return
        index = self.win.model.index(row, self.win.table.horizontalHeader().logicalIndex(0))
        self.win.table.setCurrentIndex(index)
        self.win.table.selectRow(row)
        self.win.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        # The reset cleared the current index, so setCurrentIndex has shown the details.

    def details_html(self, row: tuple[Any, ...]) -> str:
        """The details pane: every field, each code explained, provenance and conflicts."""
        labels = self.win.model.labels
        tint = colors(self.win.details.palette())  # readable on the pane's light or dark base
        muted, error = tint.not_used_fg.name(), tint.error_fg.name()
        warning = tint.warning_fg.name()
        parts = ["<table cellspacing=2>"]
        for col in ALL_COLUMNS:
            if col.kind == CODE and col.explain is not None:
                exp = col.explain(row, labels)
                raw = col.raw(row)
                raw_said = self.tr("(raw {raw})").format(raw=_esc(raw))
                text = f"<b>{_esc(exp.text)}</b> <span style='color:{muted}'>{raw_said}</span>"
                if exp.generic and exp.generic != exp.text:
                    text += f"<br><i>{_esc(exp.generic)}</i>"
                if not exp.known:
                    unknown = self.tr("not in the vendor's tables")
                    text += f"<br><span style='color:{error}'>{unknown}</span>"
                if col.key == "op_type":
                    info = codes.op_type_info(codes.parse_code(raw))
                    if info is not None and not info.billed:
                        not_billed = self.tr("documented as not normally billed")
                        text += f"<br><span style='color:{warning}'>{not_billed}</span>"
            else:
                text = _esc(self.win.model.display_text(col, row))
            parts.append(f"<tr><td valign=top><b>{_esc(col.title)}</b></td><td>{text}</td></tr>")
        parts.append("</table>")
        try:
            found = BrowseService(self.win._db).details(
                row[IDX["source_id"]], str(row[IDX["bill_id"]])
            )
            source, conflicts = found.source, found.conflicts
        except Exception as exc:  # noqa: BLE001 - show what we can; a bug is logged as one
            source, conflicts = None, []
            failure = failure_of(exc, "reading the bill's provenance")
            said = self.tr("Provenance unavailable: {problem}").format(
                problem=_esc(failure.message)
            )
            parts.append(f"<p>{said}</p>")
        if source:
            parts.append(
                self.tr(
                    "<p><b>Source</b>: {path}, line {line}<br>"
                    "SHA-256 {sha256}<br>imported {imported_at}</p>"
                ).format(
                    path=_esc(source["path"]),
                    line=row[IDX["line"]],
                    sha256=source["sha256"],
                    imported_at=source["imported_at"],
                )
            )
        if row[IDX["extra"]]:
            parts.append(
                self.tr("<p><b>Extra trailing columns</b>: {extra}</p>").format(
                    extra=_esc(row[IDX["extra"]])
                )
            )
        if conflicts:
            said = self.tr(
                "{n} conflicting copy(ies) of this bill id were imported with other values:"
            ).format(n=len(conflicts))
            parts.append(f"<p style='color:{error}'><b>{said}</b></p><ul>")
            for c in conflicts:
                parts.append(
                    "<li>"
                    + self.tr("{path} line {line}: differs in {fields}").format(
                        path=_esc(c["path"]), line=c["line"], fields=_esc(", ".join(c["differs"]))
                    )
                    + "</li>"
                )
            parts.append("</ul>")
        return "".join(parts)

    def moment_at_selection(self) -> None:
        """Open the investigation at the selected bill's begin time."""
        row = self.win.model.row_tuple(self.win.table.currentIndex().row())
        if row is None or self.win.investigation is None:
            self.win.statusBar().showMessage(self.tr("Select a bill first."), 5000)
            return
        self.win.tabs.setCurrentWidget(self.win.investigation)
        self.win.investigation.set_moment(int(row[IDX["begin_time"]]))

    def copy_rows(self) -> None:
        """Copy the selected rows (visible columns, on-screen order) with a header.

        At most ``MAX_COPY_ROWS``: more would read and hold the whole selection on the GUI
        thread; the Excel export is the way to take a large selection out.
        """
        selected = self.win.table.selectionModel().selection()
        n = sum(r.height() for r in selected)
        if not n:
            return
        if n > MAX_COPY_ROWS:
            QMessageBox.information(
                self.win,
                self.tr("Copy rows"),
                self.tr(
                    "{n} rows are selected; copying is limited to {limit}. "
                    "Use File ▸ Export to Excel for more."
                ).format(n=f"{n:,}", limit=f"{MAX_COPY_ROWS:,}"),
            )
            return
        rows = sorted({i.row() for i in self.win.table.selectionModel().selectedRows()})
        keys = self.win.visible_column_keys()
        order = [next(i for i, c in enumerate(self.win.model.columns) if c.key == k) for k in keys]
        QGuiApplication.clipboard().setText(self.win.model.copy_text(rows, order))
        self.win.statusBar().showMessage(
            self.tr("Copied {n} row(s).").format(n=f"{len(rows):,}"), 4000
        )
