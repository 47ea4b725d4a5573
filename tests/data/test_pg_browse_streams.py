"""The window's background reads (every matching key, the keyset checkpoints) stream on
PostgreSQL: psycopg's default cursor would receive every key before the first one (20M bills:
1.5 GB in the window), so they come through a server-side cursor, a chunk a fetch."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine

from tests.conftest import StoreBills
from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import Database, open_database

BILLS = 50_000 + 123  # more than one chunk


@pytest.fixture
def big_db(pg_url: str, store_bills: StoreBills) -> Iterator[Database]:
    db = open_database(pg_url)
    start = 1_780_000_000
    rows = [
        {"bill_id": f"B{n:06d}", "begin_time": start + n, "end_time": start + 2 * n}
        for n in range(BILLS)
    ]
    store_bills(db, rows)
    yield db
    db.close()


def _open_queries(pg_url: str) -> list[str]:
    """What the other sessions of this database are running, as the server shows them."""
    watcher = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with watcher.connect() as conn:
            return [
                q
                for (q,) in conn.exec_driver_sql(
                    "SELECT query FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid() AND state = 'idle in transaction'"
                )
            ]
    finally:
        watcher.dispose()


@pytest.mark.parametrize("sort", ["begin_time", "duration", "phone_no"])
def test_ids_and_checkpoints_come_through_a_server_side_cursor(
    big_db: Database, pg_url: str, sort: str
) -> None:
    f = BillFilter(sort=sort)
    seen: list[list[str]] = []

    def after_a_chunk() -> None:
        if not seen:
            seen.append(_open_queries(pg_url))

    with big_db.engine.connect() as conn:
        ids = queries.ids_for(conn, f, cancel_check=after_a_chunk)
    assert len(ids) == BILLS and len(set(ids)) == BILLS
    assert seen and seen[0], "the read is still open on the server after its first chunk"
    assert all(q.lstrip().upper().startswith(("FETCH", "DECLARE")) for q in seen[0]), seen
    seen.clear()
    with big_db.engine.connect() as conn:
        points = queries.scan_checkpoints(conn, f, cancel_check=after_a_chunk)
    assert points.count == BILLS
    assert seen and all(q.lstrip().upper().startswith(("FETCH", "DECLARE")) for q in seen[0])
