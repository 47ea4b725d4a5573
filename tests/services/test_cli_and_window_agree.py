"""The command line and the window share one service per feature: what one writes, the other reads.

Real SQLite files, the real ``bill-viewer`` entry point and real widgets (offscreen): a site label
or a time zone set on one side is what the other side shows, and the same bad input is refused
with the same message on both.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QInputDialog, QMessageBox

from viewer.cli import main
from viewer.core import codes
from viewer.core.filters import BillFilter
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.gui.dialogs import SiteLabelsDialog
from viewer.gui.main_window import MainWindow
from viewer.services.database import Database, open_database
from viewer.services.saved_filters import SavedFiltersService

pytestmark = pytest.mark.gui


@pytest.fixture
def shared(tmp_path: Path) -> Any:
    """A database file with a small generated export, open for the window."""
    export = tmp_path / "20261102101530123456_agentOprInfo_1.csv"
    write_csv(export, generate_bills(GeneratorConfig(agents=3, seed=11, target_bills=600)))
    db = open_database(tmp_path / "shared.sqlite")
    assert import_paths(db, [export]).ok
    yield db
    db.close()


@pytest.fixture
def boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts of the blocking warning boxes, recorded instead of shown."""
    seen: list[str] = []

    def record(_parent: Any, _title: str, text: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    return seen


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _dialog_labels(qtbot: Any, db: Database, rows: int) -> dict[tuple[int, int], str]:
    dialog = SiteLabelsDialog(db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == rows, timeout=10_000)
    t = dialog.table
    return {
        (int(t.item(r, 0).text()), int(t.item(r, 1).text())): t.item(r, 4).text()
        for r in range(t.rowCount())
        if t.item(r, 4).text()
    }


def _codes_in(db: Database) -> set[tuple[int, int]]:
    """The distinct site-definable (type, code) pairs of the bills, read with plain sqlite3."""
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        pairs = set(conn.execute("SELECT op_type, op_cause FROM bill").fetchall())
    return {
        (t, c)
        for t, c in pairs
        if isinstance(t, int) and isinstance(c, int) and codes.is_site_definable(t, c)
    }


def test_a_label_set_by_the_command_line_shows_in_the_dialog(
    qtbot: Any, shared: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    present = _codes_in(shared)
    code, out, _ = _cli(capsys, "labels", "set", "3", "249", "Coffee", "--db", str(shared.path))
    assert (code, out) == (0, "3:249 = Coffee\n")
    rows = len(present | {(3, 249)})
    assert _dialog_labels(qtbot, shared, rows) == {(3, 249): "Coffee"}


def test_a_label_set_or_emptied_in_the_dialog_is_what_the_command_line_lists(
    qtbot: Any, shared: Database, capsys: pytest.CaptureFixture[str]
) -> None:
    present = len(_codes_in(shared))
    dialog = SiteLabelsDialog(shared)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == present, timeout=10_000)
    row = 0
    key = (int(dialog.table.item(row, 0).text()), int(dialog.table.item(row, 1).text()))
    with qtbot.waitSignal(dialog.labels_changed, timeout=5_000):
        dialog.table.item(row, 4).setText("  Team meeting ")
    code, out, _ = _cli(capsys, "labels", "list", "--db", str(shared.path))
    assert code == 0
    assert f"  {key[0]}:{key[1]} = Team meeting\n" in out
    with qtbot.waitSignal(dialog.labels_changed, timeout=5_000):
        dialog.table.item(row, 4).setText("")
    code, out, _ = _cli(capsys, "labels", "unset", *map(str, key), "--db", str(shared.path))
    assert (code, out) == (0, f"{key[0]}:{key[1]} had no label\n")


def test_a_vendor_code_is_refused_with_the_same_words_on_both_sides(
    qtbot: Any, shared: Database, capsys: pytest.CaptureFixture[str], boxes: list[str]
) -> None:
    present = len(_codes_in(shared))
    dialog = SiteLabelsDialog(shared)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == present, timeout=10_000)
    dialog._store(3, 100, "Renamed")  # noqa: SLF001 - a code the dialog's spin box never offers
    code, _, err = _cli(capsys, "labels", "set", "3", "100", "Renamed", "--db", str(shared.path))
    assert code == 2
    assert len(boxes) == 1 and boxes[0] in err


def test_a_time_zone_named_on_one_side_is_stated_on_the_other(
    qtbot: Any,
    shared: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(shared, settings)
    qtbot.addWidget(w)
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Asia/Shanghai", True))
    w.dialogs.time_zone_dialog()
    code, out, _ = _cli(capsys, "time-zone", "--db", str(shared.path))
    assert (code, out) == (0, "times are shown as exported (tenant time, Asia/Shanghai)\n")
    assert w.status_tz.text() == "times as exported (tenant time, Asia/Shanghai)"
    code, out, _ = _cli(capsys, "time-zone", "--db", str(shared.path), "UTC+08:00")
    assert code == 0
    offered: list[str] = []

    def answer(*args: Any, **kwargs: Any) -> tuple[str, bool]:
        offered.append(kwargs["text"])  # the dialog starts from the zone the CLI stored
        return kwargs["text"], True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    w.dialogs.time_zone_dialog()
    assert offered == ["UTC+08:00"]
    assert w.status_tz.text() == "times as exported (tenant time, UTC+08:00)"
    w.close()


def test_a_bad_zone_name_gets_the_same_message_on_both_sides(
    qtbot: Any,
    shared: Database,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    boxes: list[str],
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(shared, settings)
    qtbot.addWidget(w)
    w.dialogs.set_time_zone("x" * 70)
    code, _, err = _cli(capsys, "time-zone", "--db", str(shared.path), "x" * 70)
    assert code == 2
    assert len(boxes) == 1 and "time zone name" in boxes[0] and boxes[0] in err
    assert w.status_tz.text() == "times as exported (tenant time)"
    w.close()


def test_a_broken_database_is_a_bug_in_the_window_not_a_plain_message(
    qtbot: Any, shared: Database, tmp_path: Path, boxes: list[str], caplog: Any
) -> None:
    """A programming error (a table gone: "no such table") is shown and logged as a bug."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(shared, settings)
    qtbot.addWidget(w)
    with contextlib.closing(sqlite3.connect(shared.path)) as conn, conn:
        conn.execute("DROP TABLE meta")
    with caplog.at_level(logging.ERROR):
        w.dialogs.set_time_zone("UTC")
    bugs = [b for b in w.findChildren(QMessageBox) if b.isVisible()]
    assert boxes == []  # not the plain warning a user error gets
    assert len(bugs) == 1 and bugs[0].text().startswith("This is a bug")
    assert "no such table" in bugs[0].detailedText()
    assert any(r.exc_info for r in caplog.records)
    bugs[0].close()
    w.close()


def test_a_broken_labels_table_is_a_bug_in_the_dialog_not_a_plain_message(
    qtbot: Any, shared: Database, boxes: list[str], caplog: Any
) -> None:
    dialog = SiteLabelsDialog(shared)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == len(_codes_in(shared)), timeout=10_000)
    with contextlib.closing(sqlite3.connect(shared.path)) as conn, conn:
        conn.execute("DROP TABLE site_label")
    with caplog.at_level(logging.ERROR):
        dialog._store(3, 249, "Coffee")  # noqa: SLF001 - what an edited cell or "Set label" calls
    bugs = [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    assert boxes == []
    assert len(bugs) == 1 and bugs[0].text().startswith("This is a bug")
    assert "no such table" in bugs[0].detailedText()
    assert any(r.exc_info for r in caplog.records)
    bugs[0].close()


def test_a_filter_saved_in_the_panel_survives_the_window_and_a_bug_shows_as_one(
    qtbot: Any,
    shared: Database,
    tmp_path: Path,
    boxes: list[str],
    caplog: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(shared, settings)
    qtbot.addWidget(w)
    panel = w.filters
    panel.set_filter(BillFilter(op_types=(26,), ids=(1, 2)))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: (" rests ", True))
    panel._save()  # noqa: SLF001 - the "Save" button's slot
    assert SavedFiltersService(shared).names() == ["rests"]
    assert SavedFiltersService(shared).get("rests") == replace(panel.current_filter(), ids=())
    assert [panel.saved.itemData(i) for i in range(panel.saved.count())] == ["rests"]
    with contextlib.closing(sqlite3.connect(shared.path)) as conn, conn:
        conn.execute("DROP TABLE saved_filter")
    with caplog.at_level(logging.ERROR):
        panel._save()  # noqa: SLF001
    bugs = [b for b in panel.findChildren(QMessageBox) if b.isVisible()]
    assert boxes == []
    assert len(bugs) == 1 and bugs[0].text().startswith("This is a bug")
    assert any(r.exc_info for r in caplog.records)
    bugs[0].close()
    w.close()
