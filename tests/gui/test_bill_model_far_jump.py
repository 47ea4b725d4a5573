"""A far jump in a sort the database cannot seek does no GUI-thread read that grows with the bills.

Sorted by end time (no index), a jump to the middle row reads its page on the GUI
thread; the work SQLite does for it there is counted with its progress handler (called every
``STEP`` virtual-machine instructions, on the thread running the statement) and compared between
a table of 30,000 bills and one ten times bigger. A read by row key costs the same in both; a
query that sorts the matching bills costs ten times more.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTableView
from sqlalchemy import event

from viewer.core.filters import BillFilter
from viewer.data import keylist
from viewer.data.db import Database, open_database
from viewer.gui.bill_model import BillTableModel
from viewer.gui.roles import PK_ROLE

pytestmark = pytest.mark.gui

STEP = 100
SMALL, LARGE = 30_000, 300_000


def _build(path: Path, bills: int) -> Path:
    """A database of ``bills`` bills written by plain SQL (the importer is not under test)."""
    open_database(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO bill (pk, bill_id, agent_id, begin_time, end_time, op_type, source_id,"
            " line) SELECT i, 'B' || i, printf('%04d', i % 2000), 1700000000 + (i * 7919) % 86400,"
            " 1700000000 + (i * 7919) % 86400 + (i * 31) % 977, i % 7, 1, i FROM n",
            (bills,),
        )
        conn.commit()
    return path


@pytest.fixture(scope="module")
def dbs(tmp_path_factory) -> Iterator[dict[int, Path]]:  # noqa: ANN001
    """The small and the large database."""
    root = tmp_path_factory.mktemp("far-jump")
    yield {n: _build(root / f"bills-{n}.sqlite", n) for n in (SMALL, LARGE)}


def _expected_pk(path: Path, row: int) -> int:
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT pk FROM bill ORDER BY end_time DESC, pk DESC LIMIT 1 OFFSET ?",
            (row,),
        ).fetchone()[0]


def _jump_to_middle(qtbot, path: Path) -> tuple[int, int, int]:  # noqa: ANN001
    """Jump to the middle row sorted by end time: (GUI-thread steps, the row, its pk)."""
    db = open_database(path)
    gui = threading.current_thread()
    steps = [0]
    counting = [False]

    def progress() -> int:
        if counting[0] and threading.current_thread() is gui:
            steps[0] += 1
        return 0

    @event.listens_for(db.engine, "connect")
    def _watch(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.set_progress_handler(progress, STEP)

    db.engine.dispose()  # every connection from now on is watched
    model = BillTableModel(db)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    try:
        with qtbot.waitSignal(model.snapshot_ready, timeout=120_000):
            model.set_filter(BillFilter(sort="end_time", descending=True))
        assert model.rowCount() == int(path.stem.split("-")[1])
        middle = model.rowCount() // 2
        counting[0] = True
        view.scrollTo(model.index(middle, 0))
        view.repaint()  # a synchronous paint of the rows around the middle, as a drag does
        pk = model.index(middle, 0).data(PK_ROLE)
        counting[0] = False
        return steps[0], middle, pk
    finally:
        model.close()
        db.close()


def test_a_jump_to_the_middle_of_an_end_time_sort_reads_by_row_key(qtbot, dbs) -> None:  # noqa: ANN001
    small_steps, small_row, small_pk = _jump_to_middle(qtbot, dbs[SMALL])
    large_steps, large_row, large_pk = _jump_to_middle(qtbot, dbs[LARGE])
    assert small_pk == _expected_pk(dbs[SMALL], small_row)
    assert large_pk == _expected_pk(dbs[LARGE], large_row)
    assert large_steps > 0  # the page was read on the GUI thread, and counted
    # fewer SQLite instructions than there are bills, and no tenfold growth with ten times the
    # bills (a read by row key: 8,700 and 17,400 instructions here; a query sorting them all:
    # 535,800 and 8,275,300)
    assert large_steps * STEP < LARGE, f"{large_steps * STEP:,} instructions for {LARGE:,} bills"
    assert large_steps < 3 * small_steps + 10, (small_steps, large_steps)  # before: 15x


def test_the_selected_bill_keeps_its_row_in_an_end_time_sort(qtbot, dbs) -> None:  # noqa: ANN001
    """Across a refresh the bill deep in an end-time sort is found among the held row keys."""
    db = open_database(dbs[SMALL])
    model = BillTableModel(db)
    try:
        f = BillFilter(sort="end_time", descending=True)
        with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
            model.set_filter(f)
        row = 23_456
        pk = model.pk_at(row)
        assert pk == _expected_pk(dbs[SMALL], row)
        model.modelAboutToBeReset.connect(lambda: model.keep(pk))
        with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
            model.refresh()
        assert model.row_of(pk) == row
        with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
            model.set_filter(BillFilter(sort="end_time", op_types=((pk + 1) % 7,)))  # hides it
        assert model.row_of(pk) is None
    finally:
        model.close()
        db.close()


def test_held_keys_spill_to_a_file_and_read_the_same(
    qtbot,
    dbs,
    monkeypatch: pytest.MonkeyPatch,  # noqa: ANN001
) -> None:
    """Beyond ``keylist.MEMORY_KEYS`` the held keys live in a temporary file: same rows."""
    monkeypatch.setattr(keylist, "MEMORY_KEYS", 1_000)  # 30,000 keys: 29 chunks in the file
    db = open_database(dbs[SMALL])
    model = BillTableModel(db)
    try:
        with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
            model.set_filter(BillFilter(sort="end_time", descending=True))
        held = model._ids  # noqa: SLF001 - what the model holds is the point
        assert held is not None and held.spilled and len(held) == SMALL
        for row in (0, 999, 1_000, 15_000, SMALL - 1):
            assert model.pk_at(row) == _expected_pk(dbs[SMALL], row), row
        pk = model.pk_at(23_456)
        model.modelAboutToBeReset.connect(lambda: model.keep(pk))
        with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
            model.refresh()  # the bill's row found by reading the file
        assert model.row_of(pk) == 23_456
        with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
            model.set_filter(BillFilter())  # a seekable sort: the keys and their file are let go
        assert model._ids is None and len(held) == 0 and not held.spilled  # noqa: SLF001
    finally:
        model.close()
        db.close()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A fresh team database as the application makes it (migrated, bills partitioned by month)."""
    db = open_database(pg_url)
    yield db
    db.close()


def test_an_end_time_sort_pages_by_held_keys_on_postgresql(
    qtbot, pg_db: Database, store_bills: Any
) -> None:  # noqa: ANN001
    """On PostgreSQL too: every row of an end-time sort, read far from the start, in SQL order."""
    n = 3_000
    rows = [
        {"pk": i, "bill_id": f"B{i}", "begin_time": 1_000 + i, "op_type": i % 3, "source_id": 1,
         "line": i, "end_time": 1_000 + i + (i * 31) % 97}
        for i in range(1, n + 1)
    ]  # fmt: skip
    store_bills(pg_db, rows)
    by_end = sorted(rows, key=lambda r: (r["end_time"], r["pk"]))
    want = [r["pk"] for r in reversed(by_end)]
    model = BillTableModel(pg_db)
    try:
        with qtbot.waitSignal(model.snapshot_ready, timeout=60_000):
            model.set_filter(BillFilter(sort="end_time", descending=True))
        assert model.held_keys() == n
        order = [*range(n // 2, n), *range(n // 2 - 1, -1, -1)]  # the middle first
        got = {r: model.pk_at(r) for r in order}
        assert [got[r] for r in range(n)] == want
    finally:
        model.close()
