"""The bill table view: Qt's table with the keyboard and the sort arrow a spreadsheet user expects.

Qt's item views answer typed letters with a "keyboard search" that reads every row through the
model until one starts with the text: on millions of bills that froze the window for seconds.
Here typed text goes out as ``text_typed`` (the window hands it to the text filter, a database
query) and the view never walks the rows. Tab leaves the table instead of moving between cells.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter
from PySide6.QtWidgets import (
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QWidget,
)

_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)


class SpreadsheetArrowStyle(QProxyStyle):
    """The application's style with the header's sort arrow pointing up for ascending.

    QHeaderView asks for ``SortDown`` when sorted ascending, which Fusion draws as a down arrow:
    the opposite of Excel, LibreOffice and DB Browser for SQLite. The arrow is swapped here.
    """

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(
            option, QStyleOptionHeader
        ):
            swapped = QStyleOptionHeader(option)
            up = QStyleOptionHeader.SortIndicator.SortUp
            down = QStyleOptionHeader.SortIndicator.SortDown
            if option.sortIndicator == up:
                swapped.sortIndicator = down
            elif option.sortIndicator == down:
                swapped.sortIndicator = up
            option = swapped
        super().drawPrimitive(element, option, painter, widget)


class BillTableView(QTableView):
    """A ``QTableView`` whose typing never reads rows: typed text is emitted as ``text_typed``."""

    text_typed = Signal(str)
    """Printable text typed while the table has the focus (no Ctrl/Alt/Meta held)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabKeyNavigation(False)  # Tab moves to the next widget, as everywhere else
        self._arrow_style = SpreadsheetArrowStyle()
        self._arrow_style.setParent(self)
        self.horizontalHeader().setStyle(self._arrow_style)

    def keyboardSearch(self, search: str) -> None:
        """Never search by walking the model (every row of millions); see ``text_typed``."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if (
            text
            and text.isprintable()
            and not (event.modifiers() & _COMMAND_MODIFIERS)
            and event.key() not in (Qt.Key.Key_Space, Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        ):
            self.text_typed.emit(text)
            event.accept()
            return
        super().keyPressEvent(event)
