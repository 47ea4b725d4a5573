"""Sorts the database pages by an index: which columns, the duration index on both backends,
its migration, and far seeks in a descending order that meet NULLs.

Plans are read from SQLite's EXPLAIN QUERY PLAN and work from its progress handler (virtual
machine instructions), on real database files.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.dialects import sqlite as sqlite_dialect

from viewer.core.columns import ALL_COLUMNS, FAST_SORT_KEYS
from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import Database, open_database

N = 60_000


def _fill(path: Path, bills: int = N) -> None:
    """``bills`` bills by plain SQL; every 10th has no end (NULL duration), every 50th no agent."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO bill (pk, bill_id, agent_id, begin_time, end_time, op_type, op_cause,"
            " source_id, line) SELECT i, 'B' || i,"
            " CASE WHEN i % 50 = 0 THEN NULL ELSE printf('%03d', i % 300) END,"
            " 1700000000 + (i * 7919) % 86400,"
            " CASE WHEN i % 10 = 0 THEN NULL ELSE 1700000000 + (i * 7919) % 86400 + i % 977 END,"
            " i % 7, i % 5, 1, i FROM n",
            (bills,),
        )
        conn.commit()


@pytest.fixture
def filled(tmp_path: Path) -> Path:
    path = tmp_path / "sort.sqlite"
    open_database(path).close()
    _fill(path)
    return path


def _plan(path: Path, stmt: Any) -> str:
    dialect = sqlite_dialect.dialect()
    sql = str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return " | ".join(r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql))


def test_the_fast_sorts_are_the_ones_an_index_serves() -> None:
    """What the window calls fast is what the schema's indexes can seek, and duration is one."""
    seekable = {c.key for c in ALL_COLUMNS if queries.seekable(BillFilter(sort=c.key))}
    assert seekable == FAST_SORT_KEYS
    assert "duration" in seekable


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("key", sorted(FAST_SORT_KEYS))
def test_a_fast_sort_reads_its_first_page_without_sorting(
    filled: Path, key: str, descending: bool
) -> None:
    """The first page of each fast sort walks an index: no temporary B-tree sorts the bills."""
    plan = _plan(filled, queries.page_statement(BillFilter(sort=key, descending=descending), 256))
    assert "INDEX" in plan and "TEMP B-TREE" not in plan, plan


def test_a_duration_sort_gives_the_order_of_the_durations(filled: Path) -> None:
    """Longest first, open bills (no end: no duration) last on SQLite, ties by row key."""
    db = open_database(filled)
    try:
        with db.engine.connect() as conn:
            got = list(queries.ids_for(conn, BillFilter(sort="duration", descending=True)))
    finally:
        db.close()
    rows = [(i, None if i % 10 == 0 else i % 977) for i in range(1, N + 1)]
    want = [i for i, _d in sorted(rows, key=lambda r: (r[1] is not None, r[1] or 0, r[0]))]
    assert got == want[::-1]


def _instructions(db: Database, run: Any) -> int:
    """SQLite virtual-machine instructions (in hundreds) that ``run(conn)`` costs."""
    steps = [0]

    def progress() -> int:
        steps[0] += 1
        return 0

    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.set_progress_handler(progress, 100)
        try:
            run(conn)
        finally:
            raw.set_progress_handler(None, 100)
    return steps[0]


@pytest.mark.parametrize("key", ["duration", "agent_id"])
def test_a_far_page_of_a_descending_sort_seeks_past_the_nulls(filled: Path, key: str) -> None:
    """Descending on SQLite, NULLs come last: a page from a key in the middle is a seek.

    "After the key" is "a lower value, or NULL"; as one OR, SQLite scanned its index from the
    top of the order down to the key (30,000 bills here) for every such page.
    """
    db = open_database(filled)
    f = BillFilter(sort=key, descending=True)
    try:
        with db.engine.connect() as conn:
            everything = queries.page(conn, f, N)
            middle = everything[N // 2][1]
            tail = everything[-300][1]  # 300 from the end: the page runs into the NULLs
        want_middle = [r[0] for r, _k in everything[N // 2 + 1 : N // 2 + 257]]
        want_tail = [r[0] for r, _k in everything[-299 + 5 :][:256]]
        got: dict[str, Any] = {}

        def read(conn: Any) -> None:
            got["middle"] = queries.page(conn, f, 256, after=middle)
            got["tail"] = queries.page(conn, f, 256, after=tail, offset=5)

        def first(conn: Any) -> None:  # the same rows' worth from the top of the order
            queries.page(conn, f, 256)
            queries.page(conn, f, 256, offset=5)

        steps, reference = _instructions(db, read), _instructions(db, first)
    finally:
        db.close()
    assert [r[0] for r, _k in got["middle"]] == want_middle
    assert [r[0] for r, _k in got["tail"]] == want_tail
    # a seek reads what the first pages read (a scan to the middle: 30,000 bills more)
    assert steps < 2 * reference, (steps, reference)


def _v4(path: Path) -> None:
    """A schema-4 database: without the duration index, stamped at version and revision 4."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        conn.execute("DROP INDEX ix_bill_duration")
        conn.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
        conn.execute("UPDATE alembic_version SET version_num = '0004'")
        conn.commit()


def test_an_older_database_gains_the_duration_index(filled: Path) -> None:
    _v4(filled)
    db = open_database(filled)
    db.close()
    with contextlib.closing(sqlite3.connect(filled)) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "ix_bill_duration" in names
    assert "TEMP B-TREE" not in _plan(
        filled, queries.page_statement(BillFilter(sort="duration"), 256)
    )


def test_the_duration_index_is_on_every_month_of_a_team_database(
    pg_url: str, store_bills: Any
) -> None:
    """PostgreSQL: each month's partition has the index, and a duration page walks it."""
    db = open_database(pg_url)
    try:
        month = 31 * 86400
        store_bills(
            db,
            [
                {"bill_id": f"B{i}", "begin_time": 1_700_000_000 + (i % 3) * month + i,
                 "end_time": None if i % 10 == 0 else 1_700_000_000 + (i % 3) * month + 2 * i}
                for i in range(1, 3001)
            ],
        )  # fmt: skip
        with db.engine.connect() as conn:
            parts = (
                conn.execute(
                    text(
                        "SELECT inhrelid::regclass::text FROM pg_inherits"
                        " WHERE inhparent = 'bill'::regclass"
                    )
                )
                .scalars()
                .all()
            )
            indexed = (
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_indexes"
                        " WHERE indexdef LIKE '%(((end_time - begin_time)))%'"
                    )
                )
                .scalars()
                .all()
            )
            conn.execute(text("SET enable_seqscan = off"))
            f = BillFilter(sort="duration", descending=True)
            pairs = queries.page(conn, f, 3000)
        assert len(parts) >= 3 and set(parts) <= set(indexed)
        ends = {r[0]: r for r, _k in pairs}
        assert len(ends) == 3000
        durations = [k[0] for _r, k in pairs]
        assert durations[:300] == [None] * 300  # PostgreSQL: NULL highest, first when descending
        assert durations[300:] == sorted(durations[300:], reverse=True)
    finally:
        db.close()


def test_an_older_team_database_gains_the_index_on_its_months(
    pg_url: str, store_bills: Any
) -> None:
    """PostgreSQL at schema 4 with months of bills: opening it builds the index on each."""
    db = open_database(pg_url)
    try:
        month = 31 * 86400
        store_bills(
            db,
            [
                {"bill_id": f"B{i}", "begin_time": 1_700_000_000 + (i % 2) * month + i,
                 "end_time": 1_700_000_000 + (i % 2) * month + 3 * i}
                for i in range(1, 201)
            ],
        )  # fmt: skip
        with db.engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_bill_duration"))
            conn.execute(text("UPDATE meta SET value = '4' WHERE key = 'schema_version'"))
            conn.execute(text("UPDATE alembic_version SET version_num = '0004'"))
    finally:
        db.close()
    db = open_database(pg_url)
    try:
        with db.engine.connect() as conn:
            parts = set(
                conn.execute(
                    text(
                        "SELECT inhrelid::regclass::text FROM pg_inherits"
                        " WHERE inhparent = 'bill'::regclass"
                    )
                ).scalars()
            )
            indexed = set(
                conn.execute(
                    text(
                        "SELECT tablename FROM pg_indexes"
                        " WHERE indexdef LIKE '%(((end_time - begin_time)))%'"
                    )
                ).scalars()
            )
            got = [k[0] for _r, k in queries.page(conn, BillFilter(sort="duration"), 5)]
    finally:
        db.close()
    assert len(parts) >= 2 and parts <= indexed
    assert got == [2, 4, 6, 8, 10]
