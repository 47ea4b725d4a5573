"""The main window from the keyboard: typing in the table, Ctrl+F, Tab, F6, Alt+digits, menus."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt
from PySide6.QtGui import QAction, QImage, QKeySequence
from PySide6.QtWidgets import QApplication, QMenu, QToolBar, QWidget

from viewer.data.db import Database
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui

HUGE = 1_000_000


class CountingModel(QAbstractTableModel):
    """A million rows that exist only as numbers; counts which rows ``data`` was asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.rows_read: set[int] = set()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else HUGE

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else 4

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        self.rows_read.add(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return f"row {index.row()}"
        return None


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot: Any, filled_db: Database, settings: QSettings) -> MainWindow:
    w = MainWindow(filled_db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5_000)
    return w


def _focus_table(qtbot: Any, w: MainWindow) -> None:
    w.table.setCurrentIndex(w.table.model().index(3, 1))
    w.table.setFocus()
    qtbot.waitUntil(w.table.hasFocus, timeout=2_000)


def test_typing_in_a_huge_table_reads_no_rows_beyond_the_screen(qtbot, window) -> None:
    counting = CountingModel()
    window.table.setModel(counting)
    _focus_table(qtbot, window)
    QApplication.processEvents()
    counting.rows_read.clear()
    qtbot.keyClicks(window.table, "In")
    QApplication.processEvents()
    # Painting reads the few rows on screen; Qt's keyboard search read every row from the
    # current one on (a million here; 5 million bills froze the window for 30 s).
    assert max(counting.rows_read, default=0) < 200
    assert window.filters.text.text() == "In"


def test_typed_text_filters_through_the_database(qtbot, window) -> None:
    _focus_table(qtbot, window)
    qtbot.keyClicks(window.table, "In")
    assert window.filters.text.hasFocus()
    assert window.filters.text.text() == "In"
    qtbot.waitUntil(lambda: window.model.bill_filter.text == "In", timeout=5_000)
    qtbot.waitUntil(lambda: window.model.has_snapshot and not window.model.is_loading)
    assert "In" in window.sentence.text()


def test_ctrl_f_focuses_the_text_filter_with_its_text_selected(qtbot, window) -> None:
    window.filters.text.setText("1001")
    _focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.filters.text.hasFocus()
    assert window.filters.text.selectedText() == "1001"


def test_tab_leaves_the_table(qtbot, window) -> None:
    _focus_table(qtbot, window)
    qtbot.keyClick(window.table, Qt.Key.Key_Tab)
    assert not window.table.hasFocus()


@pytest.mark.parametrize(
    ("key", "target"),
    [
        (Qt.Key.Key_1, lambda w: w.filters.agents.search),
        (Qt.Key.Key_2, lambda w: w.filters.op_types.search),
        (Qt.Key.Key_3, lambda w: w.filters.use_from),
    ],
)
def test_alt_digits_reach_the_filters(qtbot, window, key, target) -> None:
    window.filter_dock.hide()
    _focus_table(qtbot, window)
    qtbot.keyClick(window.table, key, Qt.KeyboardModifier.AltModifier)
    assert window.filter_dock.isVisible()
    assert target(window).hasFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_0, Qt.KeyboardModifier.AltModifier)
    assert window.table.hasFocus()


def test_f6_moves_between_panes(qtbot, window) -> None:
    _focus_table(qtbot, window)

    def pane() -> str:
        focus = QApplication.focusWidget()
        for name, widget in (
            ("filters", window.filter_scroll),
            ("table", window.table),
            ("details", window.details),
        ):
            if focus is widget or widget.isAncestorOf(focus):
                return name
        return f"elsewhere: {focus!r}"

    seen = []
    for _ in range(3):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6)
        seen.append(pane())
    assert seen == ["details", "filters", "table"]
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F6, Qt.KeyboardModifier.ShiftModifier)
    assert pane() == "filters"


def _menu_actions(menu: QMenu) -> list[QAction]:
    found = []
    menu.aboutToShow.emit()  # menus filled when opened (columns, recent databases)
    for action in menu.actions():
        if action.menu() is not None:
            found.append(action)
            found.extend(_menu_actions(action.menu()))
        elif not action.isSeparator():
            found.append(action)
    return found


def mnemonic(text: str) -> str:
    """The accelerator letter of a menu text ("Go to las&t row" -> "t")."""
    plain = text.replace("&&", "")
    return plain[plain.index("&") + 1].lower()


def test_every_action_is_in_a_menu_with_an_accelerator(window) -> None:
    in_menus: list[QAction] = []
    for top in window.menuBar().actions():
        assert "&" in top.text(), top.text()
        in_menus.extend(_menu_actions(top.menu()))
    dynamic = set()
    for sub in in_menus:
        if sub.menu() is not None and sub.text() in ("&Columns", "&Recent databases"):
            dynamic.update(sub.menu().actions())
    for action in in_menus:
        if action in dynamic:
            continue  # column titles and file paths: reached with the arrow keys
        assert "&" in action.text().replace("&&", ""), action.text()
    menus = [window.menuBar()] + [a.menu() for a in in_menus if a.menu() is not None]
    for menu in menus:  # a letter shared by two entries only moves between them
        letters = [
            mnemonic(a.text())
            for a in menu.actions()
            if not a.isSeparator() and a not in dynamic and a.isVisible()
        ]
        assert len(letters) == len(set(letters)), [a.text() for a in menu.actions()]
    own = [a for a in window.findChildren(QAction) if not a.shortcut().isEmpty()]
    toolbar = [a for tb in window.findChildren(QToolBar) for a in tb.actions()]
    for action in own + toolbar:
        if action.isSeparator() or not action.text() or action.parent() is not window:
            continue
        assert action in in_menus, action.text()


def test_ctrl_f_is_the_platform_find_key(window) -> None:
    assert window.navigation.act_find.shortcut() == QKeySequence(QKeySequence.StandardKey.Find)


def _arrow_rows(window: MainWindow, column: int) -> tuple[list[int], list[int]]:
    """Per row, top to bottom, the arrow's width when sorted ascending and when descending.

    The arrow is where the two renderings of the header differ; its pixels are those darker
    than the section's background.
    """
    header = window.table.horizontalHeader()
    images = []
    for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
        window.table.sortByColumn(column, order)
        QApplication.processEvents()
        images.append(header.grab().toImage())
    up, down = images
    diff = [
        (x, y)
        for y in range(up.height())
        for x in range(up.width())
        if up.pixel(x, y) != down.pixel(x, y)
    ]
    assert diff, "the sort order changes nothing in the header"
    x0, x1 = min(x for x, _ in diff), max(x for x, _ in diff)
    y0, y1 = min(y for _, y in diff), max(y for _, y in diff)

    def widths(image: QImage) -> list[int]:
        background = image.pixelColor(x0 - 3, (y0 + y1) // 2).lightness()
        rows = []
        for y in range(y0, y1 + 1):
            n = sum(
                1 for x in range(x0, x1 + 1) if image.pixelColor(x, y).lightness() < background - 40
            )
            if n:
                rows.append(n)
        return rows

    return widths(up), widths(down)


def test_ascending_arrow_points_up_as_in_excel(qtbot, window) -> None:
    begin = next(i for i, c in enumerate(window.model.columns) if c.key == "begin_time")
    up, down = _arrow_rows(window, begin)
    assert len(up) >= 3 and len(down) >= 3, (up, down)
    assert up[-1] > up[0], f"ascending should widen downwards (an up arrow): {up}"
    assert down[0] > down[-1], f"descending should narrow downwards (a down arrow): {down}"


def test_sentence_follows_a_header_sort(qtbot, window) -> None:
    duration = next(i for i, c in enumerate(window.model.columns) if c.key == "duration")
    window.table.setColumnHidden(duration, False)
    header = window.table.horizontalHeader()
    window.table.scrollTo(window.model.index(0, duration))
    QApplication.processEvents()
    x = header.sectionViewportPosition(duration) + header.sectionSize(duration) // 2
    where = header.rect().center()
    where.setX(x)
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert header.sortIndicatorSection() == duration
    assert window.sentence.text().endswith("sorted by duration ascending."), window.sentence.text()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert window.sentence.text().endswith("sorted by duration descending."), window.sentence.text()
    qtbot.waitUntil(lambda: window.model.bill_filter.sort == "duration")
    assert window.model.bill_filter.descending


def test_menu_sort_entries_sort_by_the_current_column(qtbot, window) -> None:
    duration = next(i for i, c in enumerate(window.model.columns) if c.key == "duration")
    window.table.setColumnHidden(duration, False)
    window.table.setCurrentIndex(window.model.index(0, duration))
    window.navigation.act_sort_desc.trigger()
    qtbot.waitUntil(lambda: window.model.bill_filter.sort == "duration")
    assert window.model.bill_filter.descending
    assert window.sentence.text().endswith("sorted by duration descending.")


def test_keys_unused_here_still_reach_qt(qtbot, window) -> None:
    _focus_table(qtbot, window)
    row = window.table.currentIndex().row()
    qtbot.keyClick(window.table, Qt.Key.Key_Down)
    assert window.table.currentIndex().row() == row + 1
    assert window.filters.text.text() == ""
    assert isinstance(QApplication.focusWidget(), QWidget)
