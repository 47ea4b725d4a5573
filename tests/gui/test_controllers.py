"""Each controller of the main window works through the real window: its actions are in the
menus, connected, and change what the window shows (one test per controller)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QToolBar,
)

from viewer.core.columns import IDX
from viewer.data.db import Database, open_database
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _settled(w: MainWindow) -> bool:
    return w.model.has_snapshot and not w.model.is_loading


def _window(qtbot: Any, db: Database, settings: QSettings) -> MainWindow:
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: _settled(w), timeout=10_000)
    return w


def _menu_action(w: MainWindow, *path: str) -> QAction:
    """The action reached through the menu bar by its texts (without the & marks)."""
    actions = w.menuBar().actions()
    for i, text in enumerate(path):
        found = [a for a in actions if a.text().replace("&", "") == text]
        assert found, f"{text!r} not in the menu {[a.text() for a in actions]}"
        if i == len(path) - 1:
            return found[0]
        menu = found[0].menu()
        assert isinstance(menu, QMenu)
        menu.aboutToShow.emit()  # what opening the menu does (the Columns menu fills itself)
        actions = menu.actions()
    raise AssertionError("empty path")


def _csv_rows(path: Path) -> list[list[str]]:
    """The records of a (headerless) bill export, read with the csv module."""
    with path.open(newline="", encoding="utf-8") as fh:
        return [row for row in csv.reader(fh) if row]


# -- import ---------------------------------------------------------------------------------


def test_import_controller_imports_from_the_file_menu_and_disables_its_actions_meanwhile(
    qtbot, tmp_path, settings, monkeypatch
) -> None:
    export = tmp_path / "20261104101530123456_agentOprInfo_1.csv"
    written = write_csv(export, generate_bills(GeneratorConfig(agents=4, seed=3, target_bills=900)))
    assert written == len(_csv_rows(export))  # the export's own count, read back from the file
    db = open_database(tmp_path / "import.sqlite")
    w = _window(qtbot, db, settings)
    w.quiet_reports = True
    assert w.model.matching() == 0 and w.empty_state.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(export)], ""))
    opening = _menu_action(w, "File", "Open exports…")
    folder = _menu_action(w, "File", "Open export folder…")
    enabled_while_running: list[bool] = []
    with qtbot.waitSignal(w.import_finished, timeout=20_000) as blocker:
        opening.trigger()
        enabled_while_running += [opening.isEnabled(), folder.isEnabled()]
    assert enabled_while_running == [False, False]
    assert blocker.args[0].total("imported") == written
    qtbot.waitUntil(lambda: opening.isEnabled() and folder.isEnabled(), timeout=5_000)
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == written, timeout=10_000)
    assert not w.empty_state.isVisible()
    # A file dropped on the window goes through the same controller: already imported.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(export))])
    drop = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    with qtbot.waitSignal(w.import_finished, timeout=20_000) as dropped:
        w.dropEvent(drop)
    assert dropped.args[0].total("imported") == 0
    assert "1 file(s) had been imported already" in w.statusBar().currentMessage()
    w.close()
    db.close()


# -- export ---------------------------------------------------------------------------------


def test_export_controller_action_is_disabled_while_exporting_and_writes_the_shown_bills(
    qtbot, filled_db, settings, tmp_path, export_csv, monkeypatch
) -> None:
    w = _window(qtbot, filled_db, settings)
    target = tmp_path / "from the menu.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(target), ""))
    export = _menu_action(w, "File", "Export to Excel…")
    assert export in w.findChild(QToolBar, "main-toolbar").actions()
    enabled_while_running: list[bool] = []
    with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
        export.trigger()
        enabled_while_running.append(export.isEnabled())
    assert enabled_while_running == [False]
    qtbot.waitUntil(export.isEnabled, timeout=5_000)
    assert blocker.args[0] is not None
    bills = len(_csv_rows(export_csv))  # every bill of the fixture's export is shown
    assert openpyxl.load_workbook(target)["Bills"].max_row == bills + 1
    assert str(target) in w.statusBar().currentMessage()
    w.exports.export_done_dialog.close()
    w.close()


# -- databases ------------------------------------------------------------------------------


def test_database_controller_switches_from_the_menus_and_keeps_the_recent_list(
    qtbot, filled_db, settings, tmp_path, export_csv, monkeypatch
) -> None:
    other = tmp_path / "other.sqlite"
    open_database(other).close()
    w = _window(qtbot, filled_db, settings)
    assert w.recent_databases() == [str(filled_db.path.resolve())]
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(other), ""))
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as blocker:
        _menu_action(w, "File", "Open database…").trigger()
    assert blocker.args[0] == other
    assert w.windowTitle() == "Agent Bill Viewer — other.sqlite"
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == 0, timeout=10_000)
    # The recent list: newest first, and its menu offers the first database again.
    assert w.recent_databases() == [str(other.resolve()), str(filled_db.path.resolve())]
    recent = _menu_action(w, "File", "Recent databases").menu()
    assert [a.text() for a in recent.actions()] == w.recent_databases()
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as back:
        recent.actions()[1].trigger()
    assert back.args[0] == filled_db.path.resolve()
    bills = len(_csv_rows(export_csv))
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == bills, timeout=10_000)
    assert w.recent_databases()[0] == str(filled_db.path.resolve())
    w.close()
    w._db.close()  # the window leaves closing its database to its owner


# -- details --------------------------------------------------------------------------------


def test_details_controller_shows_the_selected_bill_and_copies_the_selection(
    qtbot, filled_db, settings, export_csv
) -> None:
    w = _window(qtbot, filled_db, settings)
    keys = w.visible_column_keys()
    assert w.details.toPlainText() == ""
    w.table.selectRow(2)
    bill_id = str(w.model.row_tuple(2)[IDX["bill_id"]])
    assert any(bill_id in row for row in _csv_rows(export_csv))  # a bill of the export
    text = w.details.toPlainText()
    assert bill_id in text and str(export_csv) in text  # the bill and where it came from
    # Edit ▸ Copy rows: a header and the selected rows, visible columns in screen order.
    w.table.selectionModel().clearSelection()
    for row in (0, 1, 2):
        w.table.selectionModel().select(
            w.model.index(row, 0),
            w.table.selectionModel().SelectionFlag.Select
            | w.table.selectionModel().SelectionFlag.Rows,
        )
    QGuiApplication.clipboard().clear()
    _menu_action(w, "Edit", "Copy rows").trigger()
    lines = QGuiApplication.clipboard().text().splitlines()
    assert len(lines) == 4
    assert lines[0].split("\t") == [
        next(c.title for c in w.model.columns if c.key == k) for k in keys
    ]
    assert all(len(line.split("\t")) == len(keys) for line in lines)
    assert w.statusBar().currentMessage() == "Copied 3 row(s)."
    w.close()


# -- layout ---------------------------------------------------------------------------------


def test_layout_controller_saves_the_columns_and_size_on_close_and_restores_them(
    qtbot, filled_db, settings
) -> None:
    w = _window(qtbot, filled_db, settings)
    shown = [c.title for i, c in enumerate(w.model.columns) if not w.table.isColumnHidden(i)]
    hide = shown[1]
    toggle = _menu_action(w, "View", "Columns", hide.replace("&", ""))
    assert toggle.isChecked()
    toggle.trigger()
    index = next(i for i, c in enumerate(w.model.columns) if c.title == hide)
    assert w.table.isColumnHidden(index)
    w.showNormal()
    w.resize(700, 500)
    qtbot.waitUntil(lambda: w.size().width() == 700, timeout=5_000)
    w.close()
    again = _window(qtbot, filled_db, settings)
    assert again.table.isColumnHidden(index)
    assert again.size().width() == 700 and again.size().height() == 500
    assert not _menu_action(again, "View", "Columns", hide.replace("&", "")).isChecked()
    again.close()


# -- navigation -----------------------------------------------------------------------------


def test_navigation_controller_go_to_actions_move_the_focus_and_the_row(
    qtbot, filled_db, settings
) -> None:
    w = _window(qtbot, filled_db, settings)
    w.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is w, timeout=5_000)
    _menu_action(w, "View", "Go to last row").trigger()
    assert w.table.currentIndex().row() == w.model.rowCount() - 1 > 0
    _menu_action(w, "View", "Go to first row").trigger()
    assert w.table.currentIndex().row() == 0
    w.filter_dock.hide()
    _menu_action(w, "View", "Go to", "Agents filter").trigger()  # shows the pane it focuses
    qtbot.waitUntil(lambda: w.filters.isAncestorOf(QApplication.focusWidget()), timeout=2_000)
    assert w.filter_dock.isVisible()
    _menu_action(w, "View", "Go to", "Bill table").trigger()
    qtbot.waitUntil(w.table.hasFocus, timeout=2_000)
    _menu_action(w, "View", "Go to", "Next pane").trigger()  # table -> details
    qtbot.waitUntil(lambda: QApplication.focusWidget() is w.details, timeout=2_000)
    w.close()


# -- dialogs --------------------------------------------------------------------------------


def test_dialogs_controller_time_zone_about_and_demo_from_the_menus(
    qtbot, filled_db, settings, monkeypatch
) -> None:
    w = _window(qtbot, filled_db, settings)
    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Asia/Shanghai", True))
    _menu_action(w, "Tools", "Time zone of the data…").trigger()
    assert "Asia/Shanghai" in w.status_tz.text()
    abouts: list[str] = []
    monkeypatch.setattr(QMessageBox, "about", lambda _p, _t, text: abouts.append(text))
    _menu_action(w, "Help", "About").trigger()
    assert len(abouts) == 1 and str(filled_db.path) in abouts[0]
    started: list[str] = []
    w.dialogs.start_detached = lambda program, _args: started.append(program) or (True, 1)
    _menu_action(w, "Help", "Open the demo in a new window").trigger()
    assert len(started) == 1
    assert w.statusBar().currentMessage() == "Opening the demo in a new window…"
    w.close()


# -- browse ---------------------------------------------------------------------------------


def test_browse_controller_takes_a_drill_down_to_the_table_sentence_and_counts(
    qtbot, filled_db, settings, export_csv
) -> None:
    w = _window(qtbot, filled_db, settings)
    total = len(_csv_rows(export_csv))
    qtbot.waitUntil(lambda: w.status_count.text() == f"{total:,} of {total:,} bills", timeout=5_000)
    w.tabs.setCurrentWidget(w.investigation)
    picked = [w.model.pk_at(r) for r in (5, 1, 9)]
    w.investigation.bills_selected.emit(picked)  # what a bar of the timeline sends
    assert w.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == 3, timeout=10_000)
    assert sorted(w.model.pk_at(r) for r in range(3)) == sorted(picked)
    assert "3 selected bill(s)" in w.sentence.text()
    assert w.status_count.text() == f"3 of {total:,} bills"
    _menu_action(w, "View", "Clear filters").trigger()
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == total, timeout=10_000)
    assert "selected bill" not in w.sentence.text()
    w.close()
