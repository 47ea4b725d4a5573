"""The table model pages by keyset: its memory does not grow with the bills; every sort, both
directions, jumps to the end, selection kept across reloads; the count's estimate first on
PostgreSQL.

Expected rows come from plain sqlite3 queries (or Python sorts), not from the code under test.
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTableView

from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import Database, open_database
from viewer.gui.bill_model import MAX_PAGES, PAGE, BillTableModel
from viewer.gui.roles import PK_ROLE

pytestmark = pytest.mark.gui

BIG = 1_000_000


@pytest.fixture(scope="module")
def big_db(tmp_path_factory) -> Iterator[Database]:  # noqa: ANN001
    """A database of a million bills (written by plain SQL: the importer is not under test)."""
    path = tmp_path_factory.mktemp("big") / "big.sqlite"
    open_database(path).close()
    with contextlib.closing(sqlite3.connect(path)) as conn:
        indexes = conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bill'"
            " AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:  # built once after the rows: a minute faster
            conn.execute(f"DROP INDEX {name}")
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO bill (pk, bill_id, agent_id, begin_time, end_time, op_type, source_id,"
            " line) SELECT i, 'B' || i, printf('%04d', i % 2000), 1700000000 + (i * 7919) % 86400,"
            " 1700000000 + (i * 7919) % 86400 + i % 50, i % 7, 1, i FROM n",
            (BIG,),
        )
        for _name, sql in indexes:
            conn.execute(sql)
        conn.commit()
    db = open_database(path)
    yield db
    db.close()


def _sql_pk(db: Database, order: str, offset: int) -> int:
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        return conn.execute(
            f"SELECT pk FROM bill ORDER BY {order} LIMIT 1 OFFSET ?", (offset,)
        ).fetchone()[0]


def _loaded(qtbot, model: BillTableModel, f: BillFilter) -> None:  # noqa: ANN001
    with qtbot.waitSignal(model.snapshot_ready, timeout=120_000):
        model.set_filter(f)


def test_a_million_bills_hold_a_few_pages(qtbot, big_db: Database) -> None:  # noqa: ANN001
    """After the count, the model's memory is a few pages, not a key per bill (8 MB here)."""
    model = BillTableModel(big_db)
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        _loaded(qtbot, model, BillFilter())
        assert model.rowCount() == BIG
        gc.collect()
        held = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert held < 2_000_000, f"the model holds {held:,} bytes for {BIG:,} bills"
    for row in (BIG - 1, 0, BIG // 2, 123_457, BIG - PAGE - 3):
        assert model.pk_at(row) == _sql_pk(big_db, "begin_time, pk", row), row
    for row in range(0, 3 * MAX_PAGES * PAGE, PAGE // 2):  # scrolling down page after page
        model.index(row, 0).data()
    assert model.pk_at(3 * MAX_PAGES * PAGE) == _sql_pk(
        big_db, "begin_time, pk", 3 * MAX_PAGES * PAGE
    )
    assert model.held_rows() <= MAX_PAGES * PAGE + queries.MAX_CHECKPOINTS
    assert model.held_keys() == 0  # begin time is seekable: no key per bill
    model.close()


def test_ctrl_end_jumps_to_the_last_bill(qtbot, big_db: Database) -> None:  # noqa: ANN001
    model = BillTableModel(big_db)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    f = BillFilter(sort="agent_id", descending=True)
    _loaded(qtbot, model, f)
    view.setFocus()
    view.setCurrentIndex(model.index(0, 0))
    qtbot.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert view.currentIndex().row() == BIG - 1
    want = _sql_pk(big_db, "agent_id DESC, begin_time DESC, pk DESC", BIG - 1)
    assert view.currentIndex().data(PK_ROLE) == want
    model.close()


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("sort", ["begin_time", "duration", "op_cause", "source", "phone_no"])
def test_pages_in_any_order_give_the_sql_order(
    qtbot,
    filled_db: Database,
    monkeypatch,
    sort: str,
    descending: bool,  # noqa: ANN001
) -> None:
    """Rows read end first, then middle, then start (few checkpoints: offsets and neighbours)."""
    monkeypatch.setattr(queries, "MAX_CHECKPOINTS", 4)
    expr = {"duration": "end_time - begin_time", "source": "source_id, line"}.get(sort, sort)
    desc = " DESC" if descending else ""
    order = ", ".join(f"{e.strip()}{desc}" for e in expr.split(",")) + f", pk{desc}"
    with contextlib.closing(sqlite3.connect(filled_db.path)) as conn:
        want = [r[0] for r in conn.execute(f"SELECT pk FROM bill ORDER BY {order}")]
    model = BillTableModel(filled_db)
    _loaded(qtbot, model, BillFilter(sort=sort, descending=descending))
    n = model.rowCount()
    assert n == len(want) == 3000
    rows = [*range(n - 1, n - 700, -1), *range(1500, 1100, -1), *range(0, n)]
    got = {r: model.pk_at(r) for r in rows}
    assert [got[r] for r in range(n)] == want
    model.close()


def test_a_sort_without_index_holds_its_row_keys(qtbot, big_db: Database) -> None:  # noqa: ANN001
    """Sorted by end time (no index): rows anywhere are right, read by the row keys held."""
    model = BillTableModel(big_db)
    _loaded(qtbot, model, BillFilter(sort="end_time", descending=True))
    order = "end_time DESC, pk DESC"
    for row in (BIG // 2, BIG // 2 + PAGE, BIG // 2 - 1, BIG - 1, 0):
        assert model.pk_at(row) == _sql_pk(big_db, order, row), row
    assert model.held_rows() <= MAX_PAGES * PAGE + queries.MAX_CHECKPOINTS
    assert model.held_keys() == BIG  # the documented trade: 8 bytes a bill for this sort
    model.close()


def test_the_selected_bill_is_found_again_after_a_reload(qtbot, big_db: Database) -> None:  # noqa: ANN001
    """A bill deep in the table keeps its row across a refresh (located by the snapshot run)."""
    model = BillTableModel(big_db)
    _loaded(qtbot, model, BillFilter())
    pk = model.pk_at(654_321)
    model.modelAboutToBeReset.connect(lambda: model.keep(pk))
    _loaded(qtbot, model, BillFilter())
    assert model.row_of(pk) == 654_321
    _loaded(qtbot, model, BillFilter(op_types=(pk % 7,)))  # the same bill under a filter
    with contextlib.closing(sqlite3.connect(big_db.path)) as conn:
        (before,) = conn.execute(
            "SELECT count(*) FROM bill WHERE op_type = ? AND (begin_time, pk) < "
            "(SELECT begin_time, pk FROM bill WHERE pk = ?)",
            (pk % 7, pk),
        ).fetchone()
    assert model.row_of(pk) == before
    assert model.pk_at(before) == pk
    _loaded(qtbot, model, BillFilter(op_types=((pk + 1) % 7,)))  # a filter that hides it
    assert model.row_of(pk) is None
    model.close()


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A fresh team database as the application makes it (migrated, bills partitioned by month)."""
    db = open_database(pg_url)
    yield db
    db.close()


def test_postgresql_shows_the_planners_estimate_then_the_exact_count(
    qtbot,
    pg_db: Database,  # noqa: ANN001
    store_bills: Any,
) -> None:
    n = 20_000
    rows = [
        {"pk": i, "bill_id": f"B{i}", "begin_time": 1_000 + i, "op_type": i % 3, "source_id": 1,
         "line": i}
        for i in range(1, n + 1)
    ]  # fmt: skip
    store_bills(pg_db, rows)
    with pg_db.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE bill")
    model = BillTableModel(pg_db)
    said: list[tuple[str, int]] = []
    model.count_estimated.connect(lambda e: said.append(("about", e)))
    model.counts_changed.connect(lambda m, _t: said.append(("exact", m)))
    _loaded(qtbot, model, BillFilter(op_types=(1,)))
    exact = len([r for r in rows if r["op_type"] == 1])
    assert said[0] == ("exact", -1)  # "counting…" with the first page
    assert said[1][0] == "about" and abs(said[1][1] - exact) < exact * 0.2
    assert said[-1] == ("exact", exact)
    assert model.rowCount() == exact
    last = model.pk_at(exact - 1)
    assert last == max(r["pk"] for r in rows if r["op_type"] == 1)
    model.close()


def test_the_status_bar_says_about_then_the_exact_count(
    qtbot, filled_db: Database, settings
) -> None:  # noqa: ANN001
    """The window words an estimate as such ("about"), and the exact count replaces it."""
    from viewer.gui.main_window import MainWindow

    w = MainWindow(filled_db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    w.model.counts_changed.emit(-1, 3000)
    assert w.status_count.text() == "counting… of 3,000 bills"
    w.model.count_estimated.emit(31_412_345)
    assert w.status_count.text() == "about 31,400,000 of 3,000 bills"
    w.model.counts_changed.emit(2999, 3000)
    assert w.status_count.text() == "2,999 of 3,000 bills"
