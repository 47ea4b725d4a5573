"""A sort without index says what it does: "Sorting N bills by Phone/IP…", how far, and Cancel.

Real models and a real main window on SQLite files written by plain SQL (the importer is not
under test), offscreen.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from viewer.core.filters import BillFilter
from viewer.data.db import Database, open_database
from viewer.gui.bill_model import BillTableModel
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui

BILLS = 120_000  # more than two chunks of keys (50,000 each): progress is told in between


@pytest.fixture(scope="module")
def big_path(tmp_path_factory) -> Path:  # noqa: ANN001
    path = tmp_path_factory.mktemp("sort-status") / "bills.sqlite"
    open_database(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO bill (pk, bill_id, agent_id, begin_time, end_time, op_type, phone_no,"
            " source_id, line) SELECT i, 'B' || i, printf('%04d', i % 2000),"
            " 1700000000 + (i * 7919) % 86400, 1700000000 + (i * 7919) % 86400 + i % 50, i % 7,"
            " printf('1%010d', (i * 7919) % 1000003), 1, i FROM n",
            (BILLS,),
        )
        conn.commit()
    return path


@pytest.fixture
def big_db(big_path: Path) -> Iterator[Database]:
    db = open_database(big_path)
    yield db
    db.close()


def _statuses(qtbot, model: BillTableModel, f: BillFilter) -> list[tuple[str, int, int]]:  # noqa: ANN001
    seen: list[tuple[str, int, int]] = []
    model.sort_status.connect(lambda *a: seen.append(tuple(a)))
    with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
        model.set_filter(f)
    return seen


def test_a_sort_without_index_says_sorting_then_how_far_it_read(qtbot, big_db: Database) -> None:  # noqa: ANN001
    model = BillTableModel(big_db)
    try:
        seen = _statuses(qtbot, model, BillFilter(sort="phone_no"))
    finally:
        model.close()
    running = [s for s in seen if s[0]]
    assert running[0] == ("Phone/IP", -1, BILLS)  # before the first page: the database sorts
    read = [s[1] for s in running[1:]]
    assert read == sorted(read) and read[0] > 0 and read[-1] == BILLS  # then keys read, upward
    assert all(s[2] == BILLS for s in running)
    assert seen[-1] == ("", 0, 0)  # done: the status goes away


def test_under_a_filter_it_sorts_the_matching_bills(qtbot, big_db: Database) -> None:  # noqa: ANN001
    """The bills under a filter are not counted before the sort: it does not claim them all."""
    model = BillTableModel(big_db)
    try:
        seen = _statuses(qtbot, model, BillFilter(op_types=(3,), sort="phone_no"))
    finally:
        model.close()
    running = [s for s in seen if s[0]]
    assert running and all(s[2] == -1 for s in running)
    assert running[0] == ("Phone/IP", -1, -1)
    assert seen[-1] == ("", 0, 0)


@pytest.mark.parametrize("sort", ["duration", "agent_id", "op_type", "begin_time", "id"])
def test_a_fast_sort_says_nothing_about_sorting(qtbot, big_db: Database, sort: str) -> None:  # noqa: ANN001
    model = BillTableModel(big_db)
    try:
        seen = _statuses(qtbot, model, BillFilter(sort=sort, descending=True))
        assert model.held_keys() == 0  # paged by its index: no row key per bill held
    finally:
        model.close()
    assert all(title == "" for title, _r, _b in seen)


def test_the_header_says_which_sorts_read_every_bill(big_db: Database) -> None:
    model = BillTableModel(big_db)
    try:
        tips = {
            c.key: model.headerData(i, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
            for i, c in enumerate(model.columns)
        }
    finally:
        model.close()
    assert "no index" in tips["phone_no"] and "no index" in tips["end_time"]
    assert "no index" not in tips["duration"] and "no index" not in tips["agent_id"]


def test_the_window_shows_the_sort_and_cancel_goes_back(
    qtbot,  # noqa: ANN001
    big_db: Database,
    tmp_path: Path,
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(big_db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=20_000)
    header = w.table.horizontalHeader()
    section = {c.key: i for i, c in enumerate(w.model.columns)}
    header.setSortIndicator(section["duration"], Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=20_000)
    assert w.sort_status.isHidden()  # an index: nothing to say

    def sorting(title: str, _read: int, _bills: int) -> bool:
        return bool(title)

    with qtbot.waitSignal(w.model.sort_status, timeout=20_000, check_params_cb=sorting):
        header.setSortIndicator(section["phone_no"], Qt.SortOrder.AscendingOrder)
    assert w.sort_status.isVisible()
    assert w.sort_status.text().startswith(f"Sorting {BILLS:,} bills by Phone/IP…")
    w.sort_status.cancel.click()
    # back to the sort before: the header, the model's filter and its rows
    assert header.sortIndicatorSection() == section["duration"]
    assert header.sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
    assert w.model.bill_filter.sort == "duration" and w.model.bill_filter.descending
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=20_000)
    assert w.sort_status.isHidden()
    assert w.model.held_keys() == 0
    longest = w.model.row_tuple(0)
    assert longest is not None
    w.close()
