"""On a team database the text search uses the ``pg_trgm`` index and answers as the ILIKE scan.

Run under ``pg_virtualenv -t``; skipped without a server.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection

from tests.conftest import StoreBills
from tests.data.test_text_index import _bills, _needles
from viewer.core.filters import BillFilter
from viewer.data import queries, text_index
from viewer.data.db import Database, open_database
from viewer.services.browse import BrowseService


@pytest.fixture
def team(pg_url: str) -> Iterator[Database]:
    database = open_database(pg_url)
    yield database
    database.close()


def test_the_migration_made_the_trigram_index(team: Database) -> None:
    with team.engine.connect() as conn:
        assert text_index.server_index(conn)
        assert text_index.choose(conn, "16.206") == text_index.SERVER
        assert text_index.choose(conn, "1.2") is None  # no run of three letters or digits
        assert text_index.choose(conn, "ab") is None


def _plan(conn: Connection, f: BillFilter) -> str:
    with text_index.searching(conn, f):
        compiled = queries.count_statement(f).compile(
            dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
        )
    rows = conn.exec_driver_sql("EXPLAIN " + compiled.string, compiled.params).all()
    return "\n".join(r[0] for r in rows)


def test_the_search_can_use_the_index(team: Database, store_bills: StoreBills) -> None:
    store_bills(team, _bills(random.Random(3), 200, 0))
    with team.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")  # a tiny table: make the planner show it
        plan = _plan(conn, BillFilter(text="KKx1"))
        # the partition's copy of the index (its own name) answers: no seq scan
        assert "Bitmap Index Scan" in plan and "Seq Scan" not in plan, plan


@pytest.mark.parametrize("seed", range(2))
def test_index_answers_are_the_scans(team: Database, store_bills: StoreBills, seed: int) -> None:
    rng = random.Random(seed)
    bills = _bills(rng, 300, 0)
    store_bills(team, bills)
    service = BrowseService(team)
    used = 0
    with team.engine.connect() as conn:
        conn.exec_driver_sql("SET enable_seqscan = off")
        for needle in _needles(rng, bills, 150):
            f = BillFilter(text=needle)
            scan = list(queries.ids_for(conn, f))
            with text_index.searching(conn, f):
                assert list(queries.ids_for(conn, f)) == scan, needle
            used += text_index.choose(conn, needle) is not None
    assert used > 20
    assert service.count(BillFilter(text="KKx")) == len(
        list(service.ids_for(BillFilter(text="KKx")))
    )
