"""``BrowseService``: the window's and the command line's reads, on a real SQLite file.

Expectations are read with plain sqlite3 and worked out in Python, or taken from the fixture
files and their README (``duplicate_ids.csv``: 3 distinct ids, one conflicting copy on line 5).
"""

from __future__ import annotations

import ast
import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from viewer.core.filters import BillFilter
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.services.browse import ROW_COLUMNS, BrowseService, Provenance

FILES = ("duplicate_ids.csv", "20261102_0123456789abcdef0123456789abcdef.zip")
REPO = Path(__file__).resolve().parents[2]


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


def test_counts_rows_and_keys_agree_with_the_stored_bills(filled: Database) -> None:
    bills = _bills(filled)
    service = BrowseService(filled)
    assert service.total() == len(bills) == 9
    agent = bills[0]["agent_id"]
    mine = [b for b in bills if b["agent_id"] == agent]
    f = BillFilter(agents=(agent,), sort="begin_time", descending=True)
    expected = [b["pk"] for b in sorted(mine, key=lambda b: (b["begin_time"], b["pk"]))][::-1]
    assert service.count(f) == len(mine)
    assert list(service.ids_for(f)) == expected
    rows = service.first_rows(f, 2)
    assert [r[0] for r in rows] == expected[:2]
    assert all(dict(zip(ROW_COLUMNS, r, strict=True))["agent_id"] == agent for r in rows)
    picked = [bills[4]["pk"], bills[1]["pk"], 10**9]
    assert [r[0] for r in service.rows_by_ids(picked)] == picked[:2]


def test_rows_are_the_stored_values(filled: Database) -> None:
    by_pk = {b["pk"]: b for b in _bills(filled)}
    rows = BrowseService(filled).rows_by_ids(sorted(by_pk))
    assert [dict(zip(ROW_COLUMNS, r, strict=True)) for r in rows] == [
        {k: by_pk[pk][k] for k in ROW_COLUMNS} for pk in sorted(by_pk)
    ]


def test_details_name_the_file_and_the_conflicting_copy(filled: Database) -> None:
    bills = _bills(filled)
    with contextlib.closing(sqlite3.connect(filled.path)) as conn:
        [(conflicting_id,)] = conn.execute("SELECT bill_id FROM conflict").fetchall()
        ledger = dict(conn.execute("SELECT id, path FROM source_file").fetchall())
    bill = next(b for b in bills if b["bill_id"] == conflicting_id)
    found = BrowseService(filled).details(bill["source_id"], bill["bill_id"])
    assert isinstance(found, Provenance)
    assert found.source is not None and found.source["path"] == ledger[bill["source_id"]]
    assert Path(found.source["path"]).name == "duplicate_ids.csv"
    [copy] = found.conflicts
    assert copy["line"] == 5 and copy["differs"] == ["end_time"]
    assert BrowseService(filled).details(999, "nothing") == Provenance(None, [])


def test_lists_span_names_and_stats(filled: Database) -> None:
    bills = _bills(filled)
    service = BrowseService(filled)
    begins = [b["begin_time"] for b in bills]
    assert service.time_span() == (min(begins), max(begins))
    lists = service.filter_lists()
    assert sum(n for _agent, n in lists["agents"]) == len(bills)
    assert lists["span"] == (min(begins), max(begins))
    types = sorted({b["op_type"] for b in bills if b["op_type"] is not None})
    assert sum(n for _t, _c, n in service.reason_counts(types)) == sum(
        1 for b in bills if b["op_type"] in types
    )
    names = service.source_names()
    assert {Path(n).name for n in names.values()} >= {"duplicate_ids.csv"}
    stats = service.stats()
    assert (stats.bills, stats.files, stats.conflicts) == (len(bills), len(names), 1)
    assert stats.agents == len({b["agent_id"] for b in bills})
    briefs = service.bill_briefs([bills[0]["pk"]])
    assert briefs == [
        (bills[0]["pk"], bills[0]["bill_id"], bills[0]["op_type"], bills[0]["op_cause"])
        + (bills[0]["begin_time"], bills[0]["end_time"])
    ]


def test_an_empty_database(db: Database) -> None:
    service = BrowseService(db)
    assert service.total() == 0
    assert service.time_span() == (None, None)
    assert list(service.ids_for(BillFilter())) == []
    assert service.stats().bills == 0


def test_a_reader_is_interrupted_from_another_thread(filled: Database) -> None:
    """A newer filter stops an older run's statement: the reader's query raises "interrupted".

    SQLite's progress handler holds the statement until the other thread has interrupted it,
    so the query cannot finish first however fast the machine.
    """
    running, interrupted = threading.Event(), threading.Event()

    def hold() -> int:
        running.set()
        interrupted.wait(20)
        return 0

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "ORDER BY" in statement:  # the keys query, not the BEGIN before it
            conn.connection.driver_connection.set_progress_handler(hold, 1)

    event.listen(filled.engine, "before_cursor_execute", before)
    errors: list[str] = []
    reader = BrowseService(filled).reader()

    def run() -> None:
        try:
            reader.ids_for(BillFilter(text="x", sort="duration"))
        except Exception as exc:  # noqa: BLE001 - the test reads it
            errors.append(str(exc))

    try:
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        assert running.wait(20)
        reader.interrupt()
        interrupted.set()
        worker.join(20)
    finally:
        event.remove(filled.engine, "before_cursor_execute", before)
    assert not worker.is_alive()
    assert len(errors) == 1 and "interrupted" in errors[0], errors
    reader.end_read()
    reader.close()
    reader.interrupt()  # closed: nothing to stop, no error


@pytest.mark.parametrize(
    "module",
    ["viewer/gui/bill_model.py", "viewer/gui/filter_panel.py", "viewer/gui/main_window.py"]
    + ["viewer/cli/basic.py", "viewer/cli/common.py"],
)
def test_browsing_callers_go_through_the_service(module: str) -> None:
    tree = ast.parse((REPO / module).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
            imported.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    assert not imported & {"viewer.data.browse", "viewer.data.queries"}, imported
