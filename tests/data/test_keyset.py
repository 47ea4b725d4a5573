"""Keyset paging: pages, checkpoints, positions and the planner's estimate, for every sort the
table offers, both directions, with NULLs and ties, on SQLite and (when a server answers) on
PostgreSQL.

The expected order is worked out here in Python from the inserted values (NULL lowest on SQLite,
highest on PostgreSQL: each database's default), not read back from the code under test.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import Engine, text

from viewer.core.columns import ALL_COLUMNS
from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import open_database
from viewer.data.schema import bill

N = 157
SORTS = [c.key for c in ALL_COLUMNS]
FIELD = {c.key: c.field for c in ALL_COLUMNS}


def _rows() -> list[dict[str, Any]]:
    """Bills with many ties and NULLs in every nullable column."""
    rnd = random.Random(11)
    out = []
    for pk in range(1, N + 1):
        begin = 1_000 + rnd.randrange(20)
        out.append(
            {
                "pk": pk,
                "bill_id": f"b{rnd.randrange(10**6):06d}-{pk}",
                "begin_time": begin,
                "end_time": None if rnd.random() < 0.2 else begin + rnd.randrange(4),
                "source_id": rnd.randrange(3),
                "line": rnd.randrange(5),
                **{
                    c.name: (None if rnd.random() < 0.3 else _value(c.type.python_type, rnd))
                    for c in bill.c
                    if c.nullable and c.name not in ("end_time", "extra", "raw_codes")
                },
            }
        )
    return out


def _value(kind: type, rnd: random.Random) -> Any:
    return rnd.randrange(4) if kind is int else rnd.choice(["a", "B", "c", "10", "9"])


ROWS = _rows()


def _sort_value(key: str, r: dict[str, Any]) -> tuple[Any, ...]:
    if key == "duration":
        return (None if r["end_time"] is None else r["end_time"] - r["begin_time"],)
    if key == "source":
        return (r["source_id"], r["line"])
    if key == "agent_id":  # an agent's bills in time order
        return (r["agent_id"], r["begin_time"])
    if key == "op_type":  # a type's bills by reason, then in time order
        return (r["op_type"], r["op_cause"], r["begin_time"])
    column = {"id": "bill_id", "callIn_out": "call_in_out", "skillInfo_sn": "skill_info_sn"}
    return (r[column.get(key, FIELD[key] or key)],)


def _expected(key: str, descending: bool, low: bool, collate: Any) -> list[int]:
    """Row keys in the order the database sorts them (NULL lowest when ``low``)."""

    def part(v: Any) -> tuple[int, Any]:
        if v is None:
            return (0 if low else 2, 0)
        return (1, collate(v) if isinstance(v, str) else v)

    def k(r: dict[str, Any]) -> tuple[Any, ...]:
        return (*(part(v) for v in _sort_value(key, r)), r["pk"])

    return [r["pk"] for r in sorted(ROWS, key=k, reverse=descending)]


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, tmp_path, store_bills) -> Iterator[Engine]:  # noqa: ANN001
    """An engine of a fresh database (a SQLite file; a migrated team database) with ``ROWS``."""
    if request.param == "sqlite":
        db = open_database(tmp_path / "keyset.sqlite")
    else:
        db = open_database(request.getfixturevalue("pg_url"))
    store_bills(db, ROWS)
    yield db.engine
    db.close()


def _collate(engine: Engine) -> Any:
    """Text order: SQLite compares bytes; the server's collation is read back from it."""
    if engine.dialect.name == "sqlite":
        return lambda s: s
    with engine.connect() as conn:
        texts = sorted({v for r in ROWS for v in r.values() if isinstance(v, str)})
        got = conn.execute(
            text("SELECT v FROM unnest(CAST(:v AS text[])) AS v ORDER BY v"), {"v": texts}
        ).scalars()
        rank = {s: i for i, s in enumerate(got)}
    return rank.__getitem__


@pytest.mark.parametrize("descending", [False, True])
def test_pages_walk_every_sort_both_ways(engine: Engine, descending: bool) -> None:
    """Forward pages from the start and backward pages from the end give the database's order."""
    collate = _collate(engine)
    low = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        for key in SORTS:
            f = BillFilter(sort=key, descending=descending)
            want = _expected(key, descending, low, collate)
            assert [r[0] for r in conn.execute(queries.rows_statement(f))] == want, key
            got: list[int] = []
            after = None
            while True:
                page = queries.page(conn, f, 10, after=after)
                if not page:
                    break
                got += [row[0] for row, _k in page]
                after = page[-1][1]
            assert got == want, f"forward {key}"
            back: list[int] = []
            before = None
            while True:
                page = queries.page(conn, f, 10, after=before, backward=True)
                if not page:
                    break
                back = [row[0] for row, _k in page] + back
                before = page[0][1]
            assert back == want, f"backward {key}"


def test_checkpoints_reach_every_row_and_positions(engine: Engine, monkeypatch) -> None:  # noqa: ANN001
    """Checkpoints stay bounded; from them any row is a small offset away; positions count."""
    monkeypatch.setattr(queries, "MAX_CHECKPOINTS", 8)
    collate = _collate(engine)
    low = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        for key in ("begin_time", "duration", "agent_id", "source"):
            for descending in (False, True):
                f = BillFilter(sort=key, descending=descending)
                want = _expected(key, descending, low, collate)
                cp = queries.scan_checkpoints(conn, f)
                assert cp.count == N
                assert len(cp.keys) <= 8 and cp.stride * len(cp.keys) >= N
                for row in (0, 1, cp.stride - 1, cp.stride, 77, N - 1):
                    c = row // cp.stride
                    got = queries.page(
                        conn, f, 1, after=cp.keys[c], inclusive=True, offset=row - c * cp.stride
                    )
                    assert got[0][0][0] == want[row], (key, descending, row)
                for row in (0, 5, 100, N - 1):
                    assert queries.position_of(conn, f, want[row]) == row
    hidden = replace(BillFilter(), op_types=(99,))
    with engine.connect() as conn:
        assert queries.position_of(conn, hidden, 1) is None


def test_estimate_is_the_planners_on_postgresql_and_none_on_sqlite(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert queries.estimate_count(conn, BillFilter()) is None
            return
        conn.exec_driver_sql("ANALYZE bill")
        everything = queries.estimate_count(conn, BillFilter())
        some = queries.estimate_count(conn, BillFilter(agents=("a", "B"), op_types=(1, 2)))
    assert everything == N  # analysed: the planner knows the table's size exactly
    assert some is not None and 0 < some < N
