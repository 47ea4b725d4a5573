"""The import's and the database's statements compile for PostgreSQL too (no server needed).

Every statement builder of ``viewer.data.imports.ledger`` and of ``viewer.data.db`` is compiled
with SQLAlchemy's PostgreSQL dialect; no SQLite-only text may survive in the SQL, and the
statements still run on SQLite (a real file) with the results the import relies on.
"""

from __future__ import annotations

import inspect as pyinspect
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import ClauseElement
from sqlalchemy.dialects import postgresql

from viewer.core.records import FileReport
from viewer.data import db as db_module
from viewer.data.db import meta_upsert_statement, meta_value_statement, open_database
from viewer.data.imports import ledger

SQLITE_ONLY = re.compile(r"json_extract|\browid\b|INSERT OR|PRAGMA|\bGLOB\b|sqlite_master", re.I)

REPORT = FileReport(path="x.csv", rows_read=3, imported=2, rejected=1, message="ok")

LEDGER_CALLS: dict[str, tuple[Any, ...]] = {
    "max_pk_statement": (),
    "first_import_statement": ("ab" * 32,),
    "earlier_readings_statement": ("ab" * 32, 7),
    "forget_statements": ([3, 4],),
    "drop_bill_indexes_statements": (),
    "new_source_statement": ("/data/a.csv", "a.csv", 120, "ab" * 32, "2026-11-02T08:00:00"),
    "source_counts_statement": (7, REPORT),
    "content_lock_statement": ("ab" * 32,),
}


def _statements(made: Any) -> list[ClauseElement]:
    return list(made) if isinstance(made, (list, tuple)) else [made]


def _pg_sql(statement: ClauseElement) -> str:
    return str(statement.compile(dialect=postgresql.dialect()))


def test_every_ledger_builder_is_listed() -> None:
    builders = {
        name
        for name, fn in vars(ledger).items()
        if pyinspect.isfunction(fn) and fn.__module__ == ledger.__name__
    }
    assert builders == set(LEDGER_CALLS)


@pytest.mark.parametrize("name", sorted(LEDGER_CALLS))
def test_ledger_statements_compile_for_postgresql(name: str) -> None:
    for statement in _statements(getattr(ledger, name)(*LEDGER_CALLS[name])):
        sql = _pg_sql(statement)
        assert sql.strip() and not SQLITE_ONLY.search(sql), sql


def test_db_statements_compile_for_postgresql() -> None:
    builders = {
        name
        for name, fn in vars(db_module).items()
        if pyinspect.isfunction(fn) and name.endswith("_statement")
    }
    assert builders == {"meta_value_statement", "meta_upsert_statement"}
    sql = _pg_sql(meta_value_statement("schema_version"))
    assert "FROM meta" in sql and not SQLITE_ONLY.search(sql)
    upsert = _pg_sql(meta_upsert_statement("postgresql", "zone", "UTC"))
    assert "ON CONFLICT (key) DO UPDATE" in upsert and not SQLITE_ONLY.search(upsert)


def test_the_ledger_statements_run_on_sqlite(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    sha = "cd" * 32
    try:
        with db.engine.begin() as conn:
            assert conn.execute(ledger.max_pk_statement()).scalar() is None
            assert conn.execute(ledger.first_import_statement(sha)).first() is None
            first = ledger.new_source_statement("/d/a.csv", "a.csv", 10, sha, "2026-11-02T08:00")
            a = int(conn.execute(first).inserted_primary_key[0])
            again = ledger.new_source_statement("/d/b.csv", "b.csv", 10, sha, "2026-11-03T08:00")
            b = int(conn.execute(again).inserted_primary_key[0])
            assert a != b
            conn.execute(ledger.source_counts_statement(b, REPORT))
            assert tuple(conn.execute(ledger.first_import_statement(sha)).one()) == (
                "/d/a.csv",
                "2026-11-02T08:00",
            )
            assert list(conn.execute(ledger.earlier_readings_statement(sha, b)).scalars()) == [a]
            counts = conn.exec_driver_sql(
                "SELECT rows_read, imported, rejected, message FROM source_file WHERE id = ?",
                (b,),
            ).one()
            assert tuple(counts) == (3, 2, 1, "ok")
            conn.exec_driver_sql(
                "INSERT INTO reject (source_id, line, reason, raw) VALUES (?, 1, 'r', 'x')", (a,)
            )
            for statement in ledger.forget_statements([a]):
                conn.execute(statement)
            assert conn.exec_driver_sql("SELECT count(*) FROM reject").scalar() == 0
            for statement in ledger.drop_bill_indexes_statements():
                conn.execute(statement)
                conn.execute(statement)  # IF EXISTS: a second drop is fine
            left = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'bill' "
                "AND sql IS NOT NULL"
            ).scalar()
            assert left == 0
    finally:
        db.close()


def test_meta_upsert_runs_on_sqlite(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    try:
        db.meta_set("zone", "UTC")
        db.meta_set("zone", "Asia/Shanghai")
        assert db.meta_get("zone") == "Asia/Shanghai"
        assert db.meta_get("nothing", "default") == "default"
    finally:
        db.close()
