"""Where the merged window features meet: empty state, read-only mode, imports, investigation.

Each test runs two features together, as a user meets them, where each branch tested its own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from viewer.core.columns import IDX
from viewer.data.db import Database, open_database
from viewer.gui.investigation import TAB_MOMENT
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _window(qtbot: Any, db: Database, settings: QSettings) -> MainWindow:
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    return w


def _said(widget: QWidget) -> str:
    """Every text the widget's labels show."""
    return " ".join(label.text() for label in widget.findChildren(QLabel))


def test_empty_read_only_database_does_not_offer_an_import(qtbot, tmp_path, settings) -> None:
    path = tmp_path / "empty.sqlite"
    open_database(path).close()
    ro = open_database(path, readonly=True)
    w = _window(qtbot, ro, settings)
    qtbot.waitUntil(lambda: w.empty_state.isVisible(), timeout=5_000)
    state = w.empty_state
    assert not state.buttons["exports"].isEnabled()
    assert not state.buttons["folder"].isEnabled()
    assert state.buttons["database"].isEnabled() and state.buttons["demo"].isEnabled()
    assert "read-only" in _said(state)
    assert "drop them on this window" not in _said(state)
    w.close()
    ro.close()


def test_empty_state_says_an_import_is_running_and_comes_back_after_it(
    qtbot, db, settings, fixtures_dir, monkeypatch
) -> None:
    monkeypatch.setattr(QMessageBox, "warning", lambda *_a, **_k: QMessageBox.StandardButton.Ok)
    w = _window(qtbot, db, settings)
    w.quiet_reports = True  # the demo's start-up import: the window shows only its own state
    qtbot.waitUntil(lambda: w.empty_state.isVisible(), timeout=5_000)
    state = w.empty_state
    with qtbot.waitSignal(w.import_finished, timeout=20_000):
        w.import_paths([fixtures_dir / "binary.csv"])  # nothing in it is a bill
        assert "Importing" in _said(state)
        assert "No bills yet" not in _said(state)
        assert not state.buttons["exports"].isEnabled()
        assert not state.buttons["folder"].isEnabled()
    qtbot.waitUntil(lambda: state.buttons["exports"].isEnabled(), timeout=10_000)
    assert "No bills yet" in _said(state)
    assert state.isVisible()


def test_at_a_moment_follows_the_bill_selected_after_the_investigation(
    qtbot, filled_db, settings
) -> None:
    w = _window(qtbot, filled_db, settings)
    inv = w.investigation
    assert inv is not None
    w.table.setCurrentIndex(w.model.index(10, 0))
    with qtbot.waitSignal(inv.computed, timeout=30_000):
        w.tabs.setCurrentWidget(inv)
    assert inv.moment() == w.model.row_tuple(10)[IDX["begin_time"]]
    # Back to the table, another bill: the moment the user never set follows it.
    w.tabs.setCurrentIndex(0)
    row = w.model.rowCount() // 2
    w.table.setCurrentIndex(w.model.index(row, 0))
    begin = w.model.row_tuple(row)[IDX["begin_time"]]
    assert begin != w.model.row_tuple(10)[IDX["begin_time"]]
    w.tabs.setCurrentWidget(inv)
    assert inv.moment() == begin
    assert inv.second_moment() == begin + 3600
    qtbot.waitUntil(lambda: not inv._moment_timer.isActive(), timeout=2_000)  # noqa: SLF001
    assert inv.investigation is not None
    assert list(inv.moment_model.payloads) == list(inv.investigation.at(begin))  # the table too
    # A moment the user set stays whatever bill is selected next.
    inv.set_moment(begin + 60)
    w.tabs.setCurrentIndex(0)
    w.table.setCurrentIndex(w.model.index(20, 0))
    assert inv.moment() == begin + 60
    inv.shutdown()


def test_the_investigation_tab_leaves_the_panes_their_width(qtbot, filled_db, settings) -> None:
    w = _window(qtbot, filled_db, settings)
    w.showNormal()
    w.resize(900, 691)  # narrow, as a 1366x768 screen at the wider fonts of a desktop
    qtbot.waitUntil(lambda: w.width() == 900, timeout=2_000)
    qtbot.wait(50)
    widths = (w.filter_dock.width(), w.details_dock.width())
    inv = w.investigation
    assert inv is not None
    with qtbot.waitSignal(inv.computed, timeout=30_000):
        w.tabs.setCurrentWidget(inv)
    qtbot.wait(100)  # the range above the timeline is set: let the layout settle
    assert inv.range_label.text()
    assert (w.filter_dock.width(), w.details_dock.width()) == widths
    inv.tabs.setCurrentIndex(TAB_MOMENT)  # its two moment fields and their labels
    qtbot.wait(100)
    assert inv.changes_label.text()
    assert (w.filter_dock.width(), w.details_dock.width()) == widths
    inv.shutdown()


def test_sorting_before_any_bill_is_selected_shows_the_top_of_the_table(
    qtbot, filled_db, settings
) -> None:
    w = _window(qtbot, filled_db, settings)
    w.table.setFocus(Qt.FocusReason.TabFocusReason)  # Qt makes the first cell current, unselected
    qtbot.waitUntil(w.table.hasFocus, timeout=2_000)
    assert not w.table.selectionModel().hasSelection()
    end = next(i for i, c in enumerate(w.model.columns) if c.key == "end_time")
    w.table.horizontalHeader().setSortIndicator(end, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(
        lambda: w.model.bill_filter.sort == "end_time" and not w.model.is_loading, timeout=10_000
    )
    qtbot.wait(50)
    assert w.table.verticalScrollBar().value() == 0  # the latest ends, not the old first bill
    assert not w.table.selectionModel().hasSelection()
    # A bill the user selected stays selected (and in view) through the next sort.
    index = w.model.index(40, 0)
    qtbot.mouseClick(
        w.table.viewport(), Qt.MouseButton.LeftButton, pos=w.table.visualRect(index).center()
    )
    pk = w.model.pk_at(40)
    w.table.horizontalHeader().setSortIndicator(end, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(lambda: not w.model.bill_filter.descending and not w.model.is_loading)
    qtbot.waitUntil(lambda: w.model.pk_at(w.table.currentIndex().row()) == pk, timeout=5_000)
    assert w.table.selectionModel().rowIntersectsSelection(w.table.currentIndex().row())
