"""Navigation: moving the focus between panes and filters, first/last row, sorting by keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QWidget

from viewer.gui.controllers.base import Controller

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow


def _first_focusable(container: QWidget) -> QWidget:
    """The first widget inside ``container`` that Tab would stop at (else the container)."""
    if container.focusPolicy() & Qt.FocusPolicy.TabFocus and container.isEnabled():
        return container
    widget = container.nextInFocusChain()
    while widget is not None and widget is not container:
        if (
            container.isAncestorOf(widget)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisibleTo(container)
            and widget.isEnabled()
        ):
            return widget
        widget = widget.nextInFocusChain()
    return container


class NavigationController(Controller):
    """Keyboard ways around the window: Go to menu, F6 panes, Ctrl+F, typing in the table."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        std = QKeySequence.StandardKey
        self.act_last = self._action(self.tr("Go to las&t row"), self.go_last, "Ctrl+End")
        self.act_first = self._action(self.tr("Go to &first row"), self.go_first, "Ctrl+Home")
        self.act_find = self._action(
            self.tr("&Find (text filter)"),
            self.focus_text_filter,
            std.Find,
            self.tr("Type text to show only the bills containing it (searched in the database)"),
        )
        self.act_go_agents = self._action(
            self.tr("&Agents filter"),
            lambda: self.reveal_filter(self.win.filters.focus_agents()),
            "Alt+1",
        )
        self.act_go_types = self._action(
            self.tr("&Operation types filter"),
            lambda: self.reveal_filter(self.win.filters.focus_op_types()),
            "Alt+2",
        )
        self.act_go_time = self._action(
            self.tr("T&ime filter"),
            lambda: self.reveal_filter(self.win.filters.focus_time()),
            "Alt+3",
        )
        self.act_go_table = self._action(self.tr("Bill &table"), self.focus_table, "Alt+0")
        self.act_next_pane = self._action(
            self.tr("&Next pane"),
            lambda: self.cycle_pane(1),
            "F6",
            self.tr("Filters, table, details in turn"),
        )
        self.act_prev_pane = self._action(
            self.tr("&Previous pane"), lambda: self.cycle_pane(-1), "Shift+F6"
        )
        self.act_sort_asc = self._action(
            self.tr("Sort &ascending by this column"),
            lambda: self.sort_current_column(Qt.SortOrder.AscendingOrder),
        )
        self.act_sort_desc = self._action(
            self.tr("Sort &descending by this column"),
            lambda: self.sort_current_column(Qt.SortOrder.DescendingOrder),
        )

    def go_to_actions(self) -> tuple[QAction, ...]:
        """The View ▸ Go to menu, in its order."""
        return (
            self.act_go_table,
            self.act_go_agents,
            self.act_go_types,
            self.act_go_time,
            self.act_next_pane,
            self.act_prev_pane,
        )

    def typed_in_table(self, text: str) -> None:
        """Text typed in the table goes to the text filter (a database query), never a row walk."""
        self.reveal_filter(self.win.filters.focus_text(append=text))

    def focus_text_filter(self) -> None:
        """Ctrl+F: the text filter, focused with its text selected."""
        self.reveal_filter(self.win.filters.focus_text())

    def reveal_filter(self, widget: QWidget) -> None:
        """Show the filter pane and scroll it to ``widget`` (which has the focus)."""
        self.win.filter_dock.show()
        self.win.filter_dock.raise_()
        self.win.filter_scroll.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_table(self) -> None:
        """The bill table (or, with no bills, the first button of the empty state)."""
        self.win.tabs.setCurrentIndex(0)
        target = self.win.table_stack.currentWidget()
        _first_focusable(target).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _panes(self) -> list[QWidget]:
        """The panes F6 visits, left to right: filters, the tab shown, details (when visible)."""
        central = self.win.tabs.currentWidget()
        if central is self.win.tabs.widget(0):
            central = self.win.table_stack.currentWidget()
        panes: list[QWidget] = []
        if self.win.filter_dock.isVisible():
            panes.append(self.win.filter_scroll)
        panes.append(central)
        if self.win.details_dock.isVisible():
            panes.append(self.win.details)
        return panes

    def cycle_pane(self, step: int) -> None:
        """F6 / Shift+F6: the focus to the next / previous pane (as in spreadsheets)."""
        panes = self._panes()
        focus = QApplication.focusWidget()
        current = next(
            (i for i, p in enumerate(panes) if focus is p or (focus and p.isAncestorOf(focus))),
            -1,
        )
        pane = panes[(current + step) % len(panes)] if current >= 0 else panes[0]
        target = _first_focusable(pane)
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if pane is self.win.filter_scroll:
            self.win.filter_scroll.ensureWidgetVisible(target)

    def sort_current_column(self, order: Qt.SortOrder) -> None:
        """Sort by the column of the current cell (the sorted column when there is none)."""
        index = self.win.table.currentIndex()
        header = self.win.table.horizontalHeader()
        column = index.column() if index.isValid() else header.sortIndicatorSection()
        self.win.table.sortByColumn(column, order)

    def go_last(self) -> None:
        """Select and show the last row."""
        n = self.win.model.rowCount()
        if n:
            self.win.table.selectRow(n - 1)
            self.win.table.scrollToBottom()

    def go_first(self) -> None:
        """Select and show the first row."""
        if self.win.model.rowCount():
            self.win.table.selectRow(0)
            self.win.table.scrollToTop()
