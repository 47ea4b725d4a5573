"""Browsing: filter and sort applied to the table and the investigation; sentence, counts."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from viewer.core.counts import about
from viewer.core.filters import BillFilter
from viewer.gui.controllers.base import Controller

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow


class BrowseController(Controller):
    """Applies the filter panel's filter and the header's sort to the table and investigation."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.investigated: BillFilter | None = None
        """The scope the investigation tab shows (it is read again only when this changes)."""
        self._counts: tuple[int, int] | None = None
        """The last counts said: bills shown (-1 while counting), bills in the database."""

    def sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        """The header's sort: into the filter panel and the sentence (the model sorts itself)."""
        key, descending = self.win.model.columns[section].key, order == Qt.SortOrder.DescendingOrder
        self.win.filters.set_sort(key, descending)
        # the sentence says the sort the table shows, whichever way it changed
        self.update_sentence(replace(self.win.model.bill_filter, sort=key, descending=descending))

    def cancel_sort(self) -> None:
        """Cancel of a running sort without index: the header goes back to the previous sort.

        The header's new indicator sorts the model again, which stops the running sort.
        """
        key, descending = self.win.model.sort_to_restore()
        section = next(i for i, c in enumerate(self.win.model.columns) if c.key == key)
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        self.win.table.horizontalHeader().setSortIndicator(section, order)

    def apply_filter(self, f: BillFilter) -> None:
        """The filter panel's filter, with the table's sort, to the table and the investigation."""
        f = replace(
            f,
            sort=self.win.model.bill_filter.sort,
            descending=self.win.model.bill_filter.descending,
        )
        self.win.model.set_filter(f)
        self.update_sentence(f)
        self.investigate()

    def tab_changed(self, _index: int) -> None:
        """Another tab: the investigation catches up with the filter when it is shown."""
        self.investigate()

    def investigate(self, force: bool = False) -> None:
        """Show the investigation of the filter when its tab is open.

        Its scope is the filter without the bills of a drill-down: picking the bills of one bar
        must not shrink the timeline to that agent.
        """
        if (
            self.win.investigation is None
            or self.win.tabs.currentWidget() is not self.win.investigation
        ):
            return
        scope = replace(self.win.model.bill_filter, ids=())
        if force or scope != self.investigated:
            self.investigated = scope
            self.win.investigation.set_filter(scope, self.win.model.labels)

    def update_sentence(self, f: BillFilter) -> None:
        """The sentence above the table says ``f``."""
        self.win.sentence.setText(self.win.filters.describe(f))

    def show_bills(self, pks: Any) -> None:
        """Show exactly these bills in the table (drill-down from the investigation views).

        The sentence above the table says "N selected bills" and Clear filters lifts it; the
        first of them is selected so the details pane shows it.
        """
        keys = tuple(int(p) for p in pks)
        self.win.filters.show_bills(keys)
        self.win.bill_details.keep_pk = keys[0] if keys else None
        self.win.tabs.setCurrentIndex(0)

    def counts(self, shown: int, total: int) -> None:
        """The model's counts in the status bar; the empty state when the database has none."""
        self._counts = (shown, total)
        shown_text = self.tr("counting…") if shown < 0 else f"{shown:,}"
        self.win.status_count.setText(
            self.tr("{shown} of {total} bills").format(shown=shown_text, total=f"{total:,}")
        )
        self._show_empty_state(total == 0)

    def recount(self) -> None:
        """Say the last counts again (in the language now in force)."""
        if self._counts is not None:
            self.counts(*self._counts)

    def estimated(self, estimate: int) -> None:
        """The planner's estimate while the exact count runs: "about 31,400,000 of ... bills"."""
        if self._counts is None:
            text = self.tr("about {shown}").format(shown=about(estimate))
        else:
            text = self.tr("about {shown} of {total} bills").format(
                shown=about(estimate), total=f"{self._counts[1]:,}"
            )
        self.win.status_count.setText(text)

    def _show_empty_state(self, empty: bool) -> None:
        """No bill in the database: say what to do instead of an empty table and made-up times."""
        had_focus = self.win.table.hasFocus()
        self.win.table_stack.setCurrentWidget(self.win.empty_state if empty else self.win.table)
        self.win.sentence.setVisible(not empty)
        self.win.filters.show_no_data(empty)
        if not empty and had_focus:
            self.win.table.setFocus()

    def loading(self, loading: bool) -> None:
        """The model is reading: say so beside the count."""
        if loading:
            shown = -1 if self._counts is None else self._counts[0]
            self.win.status_count.setText(
                (self.tr("counting…") if shown < 0 else f"{shown:,}") + " …"
            )

    def refresh_data(self) -> None:
        """Read the database again: rows, counts, lists and the investigation."""
        self.win.model.refresh()
        self.win.filters.reload()
        self.investigate(force=True)

    def model_failed(self, message: str) -> None:
        """The model's query failed: one line in the status bar, saying how to read again."""
        self.win.statusBar().showMessage(
            self.tr("Database problem: {message}. View > Refresh (F5) reads again.").format(
                message=message
            ),
            30000,
        )
