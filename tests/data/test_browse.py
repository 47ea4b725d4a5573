"""The window's reads moved out of viewer.gui (viewer.data.browse, queries.time_span ...).

Each runs on a real SQLite file made by importing the fixtures; the expectations are read with
plain sqlite3 and worked out in Python, or taken from the fixture files and their README.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from viewer.data import browse, queries
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths

FILES = ("duplicate_ids.csv", "20261102_0123456789abcdef0123456789abcdef.zip")


@pytest.fixture
def filled(tmp_path: Path, fixtures_dir: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "bills.sqlite")
    import_paths(database, [fixtures_dir / name for name in FILES])
    yield database
    database.close()


def _bills(db: Database) -> list[dict[str, Any]]:
    """Every stored bill as a dict, read with plain sqlite3."""
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute("SELECT * FROM bill ORDER BY pk")]


def test_time_span_is_the_earliest_and_latest_begin_time(filled: Database) -> None:
    bills = _bills(filled)
    assert len(bills) == 3 + 6  # README: 3 distinct ids, and 3 + 3 bills in the zip
    begins = [b["begin_time"] for b in bills]
    with browse.connect(filled) as conn:
        assert queries.time_span(conn) == (min(begins), max(begins))


def test_time_span_of_an_empty_database_is_none(db: Database) -> None:
    with browse.connect(db) as conn:
        assert queries.time_span(conn) == (None, None)


def test_source_names_name_each_imported_file(filled: Database) -> None:
    with contextlib.closing(sqlite3.connect(filled.path)) as conn:
        ledger = dict(conn.execute("SELECT id, name FROM source_file").fetchall())
    names = browse.source_names(filled)
    assert names == ledger
    assert "duplicate_ids.csv" in {Path(n).name for n in names.values()}
    assert len(names) == 3  # the csv and the zip's two bill members


def test_bill_briefs_read_the_asked_bills_in_chunks(filled: Database) -> None:
    bills = {b["pk"]: b for b in _bills(filled)}
    # More keys than one statement may bind, most of them absent: every present one comes back.
    asked = [*range(-1000, 0), *sorted(bills, reverse=True), *range(10_000, 10_100)]
    assert len(asked) > queries.MAX_VARS
    rows = browse.bill_briefs(filled, asked)
    expected = {
        pk: tuple(b[c] for c in ("pk", "bill_id", "op_type", "op_cause", "begin_time", "end_time"))
        for pk, b in bills.items()
    }
    assert sorted(rows) == sorted(expected.values())
    assert browse.bill_briefs(filled, []) == []
    one = next(iter(bills))
    assert browse.bill_briefs(filled, [one]) == [expected[one]]


def test_filter_lists_count_agents_types_media_and_span(filled: Database) -> None:
    bills = _bills(filled)
    data = browse.filter_lists(filled)

    def counts(column: str) -> list[tuple[Any, int]]:
        return sorted(Counter(b[column] for b in bills).items())

    assert data["agents"] == counts("agent_id")
    assert data["types"] == counts("op_type")
    assert data["media"] == counts("media_type")
    begins = [b["begin_time"] for b in bills]
    assert data["span"] == (min(begins), max(begins))


def test_reason_counts_of_a_database(filled: Database) -> None:
    bills = _bills(filled)
    types = sorted({b["op_type"] for b in bills})
    expected = sorted(
        Counter((b["op_type"], b["op_cause"]) for b in bills if b["op_cause"] is not None).items()
    )
    got = browse.reason_counts(filled, types)
    assert [((t, c), n) for t, c, n in got] == expected
    assert browse.reason_counts(filled, []) == []


def test_provenance_names_the_file_and_the_conflicting_copy(filled: Database) -> None:
    # README: line 5 of duplicate_ids.csv repeats line 4's id with another end_time.
    bill = next(b for b in _bills(filled) if b["bill_id"].startswith("12039b2d"))
    source, conflicts = browse.provenance(filled, bill["source_id"], bill["bill_id"])
    assert source is not None
    assert Path(source["path"]).name == "duplicate_ids.csv"
    assert source["id"] == bill["source_id"]
    assert len(source["sha256"]) == 64
    assert [(Path(c["path"]).name, c["line"]) for c in conflicts] == [("duplicate_ids.csv", 5)]
    assert any("end" in d.lower() for d in conflicts[0]["differs"])
    other = next(b for b in _bills(filled) if b["bill_id"].startswith("12019b2d"))
    assert browse.provenance(filled, other["source_id"], other["bill_id"])[1] == []
    assert browse.provenance(filled, 999, "nothing") == (None, [])


def test_interrupt_stops_a_statement_running_in_another_thread(db: Database) -> None:
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    errors: list[str] = []
    conn = browse.connect(db)

    def run() -> None:
        try:
            conn.exec_driver_sql(endless).scalar()
        except Exception as exc:  # noqa: BLE001 - the test reads it
            errors.append(str(exc))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    deadline = time.monotonic() + 20
    while worker.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
        browse.interrupt(db, conn)
    worker.join(1)
    assert not worker.is_alive()
    assert len(errors) == 1 and "interrupted" in errors[0]
    conn.close()
    browse.interrupt(db, conn)  # a closed connection: nothing to stop, no error


def test_release_frees_the_cache_and_closes_even_a_broken_connection(filled: Database) -> None:
    from sqlalchemy import event

    sent: list[str] = []

    def keep(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        sent.append(statement)

    event.listen(filled.engine, "before_cursor_execute", keep)
    try:
        conn = browse.connect(filled)
        assert queries.total_bills(conn) > 0  # a read fills the connection's page cache
        browse.release(filled, conn)
        assert conn.closed and sent[-1] == "PRAGMA shrink_memory"
        broken = browse.connect(filled)
        broken.invalidate()  # as after a lost connection
        browse.release(filled, broken)  # no error: it is closed all the same
        assert broken.closed
    finally:
        event.remove(filled.engine, "before_cursor_execute", keep)
