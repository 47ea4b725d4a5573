"""Tests of opening bill databases (viewer.data.db): schema version, upgrades, WAL, errors."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError

from viewer.core.errors import DatabaseError, SchemaTooNewError
from viewer.data import schema
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths


def meta_version(path: Path) -> str:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]


def table_names(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def make_v1(path: Path) -> None:
    """A schema-1 database: today's schema without the saved_filter table (added in 2)."""
    engine = create_engine(f"sqlite:///{path}")
    tables = [t for t in schema.metadata.sorted_tables if t.name != "saved_filter"]
    schema.metadata.create_all(engine, tables=tables)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '1')")
        conn.execute("INSERT INTO site_label (op_type, code, text) VALUES (3, 201, 'Coaching')")


def test_new_database_records_its_schema_version(db: Database) -> None:
    assert db.meta_get("schema_version") == str(schema.SCHEMA_VERSION)
    assert meta_version(db.path) == str(schema.SCHEMA_VERSION)
    assert {t.name for t in schema.metadata.sorted_tables} <= table_names(db.path)


def test_reopening_keeps_data(tmp_path: Path, fixtures_dir: Path) -> None:
    path = tmp_path / "bills.sqlite"
    db = open_database(path)
    import_paths(db, [fixtures_dir / "no_header.csv"])
    db.meta_set("note", "kept")
    db.close()
    db = open_database(path)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM bill").scalar() == 6
        assert db.meta_get("note") == "kept"
        assert db.meta_get("absent", "default") == "default"
    finally:
        db.close()


def test_schema_1_is_upgraded_on_open(tmp_path: Path, fixtures_dir: Path) -> None:
    path = tmp_path / "old.sqlite"
    make_v1(path)
    assert "saved_filter" not in table_names(path)
    db = open_database(path)
    try:
        assert meta_version(path) == str(schema.SCHEMA_VERSION)
        assert "saved_filter" in table_names(path)
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO saved_filter (name, filter_json) VALUES ('mine', '{}')"
            )
            labels = conn.exec_driver_sql("SELECT op_type, code, text FROM site_label").all()
        assert [tuple(r) for r in labels] == [(3, 201, "Coaching")]  # data survives
        report = import_paths(db, [fixtures_dir / "no_header.csv"])
        assert report.total("imported") == 6
    finally:
        db.close()


def test_schema_1_read_only_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    make_v1(path)
    with pytest.raises(DatabaseError, match="old schema 1"):
        open_database(path, readonly=True)
    assert meta_version(path) == "1"


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaTooNewError) as info:
        open_database(path)
    message = str(info.value)
    assert "newer" in message
    assert str(path) in message and "99" in message
    assert meta_version(path) == "99"  # left as it was


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("two", "'two' is not a number"),
        ("", "'' is not a number"),
        ("2.0", "'2.0' is not a number"),
        ("0", "schema version 0 does not exist"),
        ("-1", "schema version -1 does not exist"),
    ],
)
@pytest.mark.parametrize("readonly", [False, True])
def test_broken_schema_version_is_a_clear_error(
    tmp_path: Path, value: str, words: str, readonly: bool
) -> None:
    """A version someone edited by hand gives the database error naming the file, no traceback."""
    path = tmp_path / "edited.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (value,))
    with pytest.raises(DatabaseError) as info:
        open_database(path, readonly=readonly)
    message = str(info.value)
    assert not isinstance(info.value, SchemaTooNewError)
    assert message.startswith(f"{path}: damaged bill database")
    assert words in message
    assert meta_version(path) == value  # left as it was


def test_not_a_database_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.sqlite"
    path.write_bytes(b"these are my notes, not a database\n" * 200)
    with pytest.raises(DatabaseError) as info:
        open_database(path)
    assert not isinstance(info.value, SchemaTooNewError)
    assert str(path) in str(info.value)
    assert path.read_bytes() == b"these are my notes, not a database\n" * 200


def test_sqlite_file_of_another_application(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE customers (name TEXT)")
    with pytest.raises(DatabaseError, match="not a bill database"):
        open_database(path)
    assert table_names(path) == {"customers"}


def test_missing_database_without_create(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    with pytest.raises(DatabaseError, match="no such database"):
        open_database(path, create=False)
    with pytest.raises(DatabaseError, match="no such database"):
        open_database(path, readonly=True)
    assert not path.exists()


def test_creates_missing_parent_folders(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "bills.sqlite"
    open_database(path).close()
    assert meta_version(path) == str(schema.SCHEMA_VERSION)


def test_wal_mode(db: Database) -> None:
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    with sqlite3.connect(db.path) as conn:  # persistent: any connection sees it
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reader_reads_while_a_writer_transaction_is_open(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    writer_db = open_database(path)
    reader_db = open_database(path)
    try:
        with writer_db.engine.connect() as writer:
            tx = writer.begin()
            writer.exec_driver_sql(
                "INSERT INTO site_label (op_type, code, text) VALUES (3, 201, 'Coaching')"
            )
            started = time.monotonic()
            with reader_db.engine.connect() as reader:
                seen = reader.exec_driver_sql("SELECT count(*) FROM site_label").scalar()
            assert time.monotonic() - started < 5  # did not wait for the busy timeout
            assert seen == 0  # the uncommitted row is not visible
            tx.commit()
        with reader_db.engine.connect() as reader:
            assert reader.exec_driver_sql("SELECT count(*) FROM site_label").scalar() == 1
    finally:
        writer_db.close()
        reader_db.close()


def test_read_only_open_reads_but_cannot_write(tmp_path: Path, fixtures_dir: Path) -> None:
    path = tmp_path / "bills.sqlite"
    db = open_database(path)
    import_paths(db, [fixtures_dir / "no_header.csv"])
    db.close()
    ro = open_database(path, readonly=True)
    try:
        assert ro.readonly
        with ro.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM bill").scalar() == 6
        with pytest.raises(OperationalError, match="readonly"):
            ro.meta_set("x", "y")
    finally:
        ro.close()
