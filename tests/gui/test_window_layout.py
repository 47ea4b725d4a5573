"""The first impression: the window fits the screen, texts do not collide, an empty database
says what to do."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel

from viewer.data.db import Database, open_database
from viewer.gui.empty_state import demo_command
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def _window(qtbot: Any, db: Database, settings: QSettings) -> MainWindow:
    w = MainWindow(db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    return w


def test_first_window_fits_the_screen(qtbot, db, settings) -> None:
    w = _window(qtbot, db, settings)
    area = w.screen().availableGeometry()
    # the offscreen screen (800 pixels) is smaller than 1500x900: the window is maximised
    assert w.isMaximized() or area.contains(w.geometry()), (w.geometry(), area)
    assert w.normalGeometry().width() <= area.width()
    assert w.normalGeometry().height() <= area.height()


def test_restored_geometry_off_screen_is_brought_back(qtbot, db, settings, tmp_path) -> None:
    first = _window(qtbot, db, settings)
    first.showNormal()
    first.setGeometry(4000, 3000, 2600, 1800)  # a screen that is gone, at a bigger scale
    qtbot.waitUntil(lambda: first.geometry().x() == 4000, timeout=2_000)
    first.close()  # saves the layout
    assert settings.value("window/geometry") is not None
    again = _window(qtbot, open_database(tmp_path / "second.sqlite"), settings)
    area = again.screen().availableGeometry()
    qtbot.waitUntil(lambda: area.contains(again.frameGeometry()), timeout=2_000)


def _visible_message(w: MainWindow) -> str:
    """The message text as painted: the label showing it, else the status bar's own text."""
    bar = w.statusBar()
    message = bar.currentMessage()
    for label in bar.findChildren(QLabel):
        if label.isVisible() and label.toolTip() == message and label.text():
            return label.text()
    return message


def test_status_texts_do_not_collide_in_a_narrow_window(qtbot, db, settings) -> None:
    w = _window(qtbot, db, settings)
    w.showNormal()
    w.resize(700, 500)
    message = "Imported 11,795 bills from 2 file(s). 1 file(s) had been imported already."
    w.statusBar().showMessage(message)
    qtbot.waitUntil(lambda: w.width() == 700, timeout=2_000)
    QApplication.processEvents()
    bar = w.statusBar()
    permanent_left = min(
        label.geometry().left()
        for label in (w.status_count, w.status_tz, w.status_db)
        if label.isVisible()
    )
    shown = _visible_message(w)
    room = permanent_left - 6  # where QStatusBar's own message text starts
    assert bar.fontMetrics().horizontalAdvance(shown) <= room, (shown, room)
    assert shown != message and shown.endswith("…")
    assert bar.currentMessage() == message  # the whole text stays readable (tooltip, tests)
    counts = [w.status_count, w.status_tz, w.status_db]
    for a, b in zip(counts, counts[1:], strict=False):
        assert a.geometry().right() < b.geometry().left()


def test_empty_database_says_what_to_do_and_shows_no_invented_times(qtbot, db, settings) -> None:
    w = _window(qtbot, db, settings)
    qtbot.waitUntil(lambda: w.status_count.text().startswith("0 of 0"), timeout=5_000)
    assert w.table_stack.currentWidget() is w.empty_state
    assert w.empty_state.isVisible()
    for edit in (w.filters.time_from, w.filters.time_to):
        assert "2000" not in edit.text() and not edit.isEnabled(), edit.text()
    assert sorted(w.empty_state.buttons) == ["database", "demo", "exports", "folder"]


def test_open_exports_button_imports_and_shows_the_table(
    qtbot, db, settings, export_csv, monkeypatch
) -> None:
    w = _window(qtbot, db, settings)
    qtbot.waitUntil(lambda: w.empty_state.isVisible(), timeout=5_000)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *_a, **_k: ([str(export_csv)], ""))
    with qtbot.waitSignal(w.import_finished, timeout=20_000):
        qtbot.mouseClick(w.empty_state.buttons["exports"], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.model.rowCount() == 3000, timeout=10_000)
    assert w.table_stack.currentWidget() is w.table
    qtbot.waitUntil(lambda: w.filters.time_from.text().startswith("20"), timeout=5_000)
    assert w.filters.time_from.isEnabled()
    assert w.filters.time_from.text() != w.filters.time_to.text()


def test_demo_button_starts_the_demo_command(qtbot, db, settings) -> None:
    w = _window(qtbot, db, settings)
    started: list[tuple[str, list[str]]] = []
    w.dialogs.start_detached = lambda program, args: (
        started.append((program, list(args))) or (True, 1)
    )
    qtbot.waitUntil(lambda: w.empty_state.isVisible(), timeout=5_000)
    qtbot.mouseClick(w.empty_state.buttons["demo"], Qt.MouseButton.LeftButton)
    assert started == [demo_command()]


def test_demo_command_opens_the_demo(tmp_path) -> None:
    program, args = demo_command()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path))
    result = subprocess.run(
        [program, *args, "--smoke-test"],
        capture_output=True,
        text=True,
        timeout=180,
        cwd=REPO,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert "rows shown: " in result.stdout
    assert int(result.stdout.split("rows shown: ")[1].split()[0]) > 0
    assert program == sys.executable


SCREEN_SCRIPT = """
import json, sys
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication
from viewer.data.db import open_database
from viewer.data.imports.loading import import_paths
from viewer.gui.main_window import MainWindow

app = QApplication([])
db = open_database(Path(sys.argv[1]))
import_paths(db, [Path(sys.argv[2])])
w = MainWindow(db, QSettings(sys.argv[3], QSettings.Format.IniFormat))
w.show()
for _ in range(200):
    app.processEvents()
    if w.model.has_snapshot and not w.model.is_loading and w.filters.agents.list.count():
        break
    import time; time.sleep(0.02)
app.processEvents()
area = w.screen().availableGeometry()
frame = w.frameGeometry()
print(json.dumps({
    "inside": area.contains(frame) or w.isMaximized(),
    "filters_scroll_sideways": w.filter_dock.widget().horizontalScrollBar().isVisible(),
    "filters_width": w.filter_dock.width(),
    "table_width": w.table.viewport().width(),
    "details_width": w.details.width(),
    "tabified": bool(w.tabifiedDockWidgets(w.filter_dock)),
}))
w.close()
db.close()
"""


@pytest.mark.parametrize(("dpr", "name"), [(1, "1366x768"), (2, "1366x768 at scale 2")])
def test_docks_are_usable_on_a_small_screen(tmp_path, export_csv, dpr, name) -> None:
    config = tmp_path / "screen.json"
    config.write_text(
        '{"screens": [{"name": "s", "x": 0, "y": 0, "width": 1366, "height": 768, '
        '"logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
    )
    env = dict(
        os.environ, QT_QPA_PLATFORM=f"offscreen:configfile={config}", QT_SCALE_FACTOR=str(dpr)
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            SCREEN_SCRIPT,
            str(tmp_path / "w.sqlite"),
            str(export_csv),
            str(tmp_path / "settings.ini"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    import json

    got = json.loads(result.stdout.strip().splitlines()[-1])
    assert got["inside"], (name, got)
    if dpr == 1:  # three columns: filters without sideways scrolling, the table, details
        assert not got["filters_scroll_sideways"], (name, got)
        assert got["table_width"] >= 700, (name, got)  # the table, not the panes, gets the room
        assert got["details_width"] >= 200, (name, got)
    else:  # 683 device-independent pixels: details share the filters' column
        assert got["tabified"], (name, got)
        assert got["table_width"] >= 300, (name, got)
        assert got["filters_width"] >= 200, (name, got)
