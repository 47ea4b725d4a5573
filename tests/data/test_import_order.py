"""Importing files whose bill ids come in random or ascending order (issue 13).

Whatever the order of the ids, and whichever way a file is loaded (in bulk with the indexes
rebuilt at the end, or row by row into a database whose indexes stay), the same bills are
stored with the same counts; a bulk load with a duplicate id gives up on the unique index first.
"""

from __future__ import annotations

import csv
import logging
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, event

from viewer.core.records import ImportStatus
from viewer.data.db import Database, open_database
from viewer.data.imports import loading
from viewer.data.imports.loading import import_paths
from viewer.data.schema import BILL_INDEXES
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

BILLS = 4000


def _export(
    tmp_path: Path, order: str, seed: int = 13, extra: list[list[str]] | None = None
) -> Path:
    rows = list(
        generate_bills(GeneratorConfig(agents=15, seed=seed, target_bills=BILLS, id_order=order))
    )
    path = tmp_path / f"{order}-{seed}.csv"
    write_csv(path, [*rows, *(extra or [])])
    return path


def _stored(db: Database) -> list[tuple[Any, ...]]:
    """Every stored bill in table order, without its id (the two orders' ids differ)."""
    with db.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT line, agent_id, begin_time, end_time, op_type, op_cause, phone_no "
                "FROM bill ORDER BY pk"
            )
        ]


@pytest.fixture
def bulk(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small files load in bulk (indexes dropped and rebuilt), read in one part."""
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 1 << 62)


@pytest.mark.usefixtures("bulk")
def test_both_orders_store_the_same_bills(tmp_path: Path) -> None:
    stored = {}
    for order in ("random", "ascending"):
        db = open_database(tmp_path / f"{order}.sqlite")
        try:
            [f] = import_paths(db, [_export(tmp_path, order)]).files
            assert (f.status, f.imported, f.duplicates, f.rejected) == (
                ImportStatus.IMPORTED,
                BILLS,
                0,
                0,
            )
            stored[order] = _stored(db)
            with db.engine.connect() as conn:
                names = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(bill)")}
            assert {str(i.name) for i in BILL_INDEXES} <= names
        finally:
            db.close()
    assert stored["random"] == stored["ascending"]
    assert [r[0] for r in stored["random"]] == list(range(1, BILLS + 1))  # file order


def test_random_order_into_a_database_that_keeps_its_indexes(db: Database, tmp_path: Path) -> None:
    """Row by row (the database holds more bills than the file brings): copies are found."""
    first = _export(tmp_path, "random", seed=21)
    second_rows = list(
        generate_bills(GeneratorConfig(agents=15, seed=22, target_bills=BILLS, id_order="random"))
    )
    with first.open(newline="", encoding="utf-8") as fp:
        earlier = list(csv.reader(fp))
    changed = list(earlier[7])
    changed[16] = "another phone"
    # the second file repeats two bills of the first, one of them with another value
    second = tmp_path / "second.csv"
    write_csv(second, [*second_rows[:1000], earlier[5], *second_rows[1000:], changed])
    [f1] = import_paths(db, [first]).files
    assert f1.imported == BILLS
    source = loading.Source(str(second), second.name, second.stat().st_size, second)
    assert not loading._bulk_worthwhile(db, source)
    [f2] = import_paths(db, [second]).files
    assert (f2.rows_read, f2.imported, f2.duplicates, f2.conflicts) == (BILLS + 2, BILLS, 2, 1)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM bill").scalar() == 2 * BILLS
        conflicts = list(conn.exec_driver_sql("SELECT bill_id, line, differs FROM conflict"))
    assert conflicts == [(changed[0], BILLS + 2, "phone_no")]


@pytest.mark.usefixtures("bulk")
def test_a_bulk_load_with_a_duplicate_id_builds_the_unique_index_first(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The duplicate is found before any other index is sorted; the counts are today's."""
    rows = list(generate_bills(GeneratorConfig(agents=15, seed=31, target_bills=BILLS)))
    copy = list(rows[10])
    path = tmp_path / "dup.csv"
    write_csv(path, [*rows, copy])
    built: list[str] = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def _seen(_conn: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().upper().startswith("CREATE") and " INDEX " in statement.upper():
            built.append(statement.split(" INDEX ", 1)[1].split()[0])

    with caplog.at_level(logging.INFO, logger="viewer.data.imports.loading"):
        [f] = import_paths(db, [path]).files
    assert any("row by row" in m for m in caplog.messages)  # the bulk load was tried
    assert built == ["ix_bill_bill_id"]  # and gave up at the first index it built
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts) == (BILLS + 1, BILLS, 1, 0)
    with db.engine.connect() as conn:
        names = {r[1] for r in conn.exec_driver_sql("PRAGMA index_list(bill)")}
    assert {str(i.name) for i in BILL_INDEXES} <= names
