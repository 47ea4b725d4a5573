"""Team databases: connecting by URL, the migrated schema on PostgreSQL, the one migration history.

Tests that need a server use ``pg_url`` (tests/conftest.py) and skip without one.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, insert, inspect, select, text
from sqlalchemy.engine import make_url

from viewer.core.errors import SchemaTooNewError
from viewer.data import migrations, schema
from viewer.data.backend import is_server_url
from viewer.data.backend.postgres import (
    POSTGRES,
    ensure_partitions,
    month_start,
    normalise_url,
    partition_name,
)
from viewer.data.db import Database, display_target, open_database

REPO = Path(__file__).resolve().parents[2]
NOV_2026 = month_start(2026, 11)


def columns(engine_or_conn: object, table: str) -> dict[str, str]:
    found = inspect(engine_or_conn)
    return {c["name"]: str(c["type"]) for c in found.get_columns(table)}


# --- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "server"),
    [
        ("postgresql:///bills", True),
        ("postgres://u@db.example:6543/bills?sslmode=require", True),
        ("postgresql+psycopg://h/bills", True),
        ("POSTGRESQL://h/bills", True),
        ("bills.sqlite", False),
        ("/data/postgresql/bills.sqlite", False),
        ("sqlite:///bills.sqlite", False),
        (Path("postgresql:/bills"), False),
    ],
)
def test_which_values_name_a_team_database(value: object, server: bool) -> None:
    assert is_server_url(value) is server


def test_urls_are_normalised_to_psycopg_and_shown_without_password() -> None:
    url = normalise_url("postgres://ann:s3cret@db.example:6543/bills?sslmode=require")
    assert url.drivername == "postgresql+psycopg"
    assert (url.username, url.password, url.host, url.port) == ("ann", "s3cret", "db.example", 6543)
    assert url.query == {"sslmode": "require"}
    shown = display_target("postgres://ann:s3cret@db.example:6543/bills?sslmode=require")
    assert "s3cret" not in shown
    assert shown == "postgresql://ann@db.example:6543/bills?sslmode=require"
    assert display_target("postgresql:///bills") == "postgresql:///bills"


# --- connecting ----------------------------------------------------------------------------


def test_a_url_with_only_the_database_name_uses_the_pg_variables(pg_url: str) -> None:
    assert make_url(pg_url).host is None  # host, port, user, password: from PG* variables
    db = open_database(pg_url)
    try:
        assert db.is_server and db.kind == "postgresql" and not db.readonly
        assert db.display_name == pg_url and str(db.path) == pg_url
        assert db.path.name == make_url(pg_url).database
        with db.engine.connect() as conn:
            app = conn.execute(
                text("SELECT application_name FROM pg_stat_activity WHERE pid = pg_backend_pid()")
            ).scalar()
        assert app == "bill-viewer"
    finally:
        db.close()


def test_the_password_is_in_no_name_the_database_gives(pg_url: str) -> None:
    password = os.environ.get("PGPASSWORD")
    if not password:
        pytest.skip("the server's password is not in PGPASSWORD")
    name = make_url(pg_url).database
    host, port = os.environ.get("PGHOST", "localhost"), os.environ.get("PGPORT", "5432")
    user = os.environ.get("PGUSER", "postgres")
    full = f"postgresql://{user}:{password}@{host}:{port}/{name}"
    db = open_database(full)
    try:
        for shown in (db.display_name, str(db.path), repr(db), db.path.name):
            assert password not in shown, shown
        assert db.display_name == f"postgresql://{user}@{host}:{port}/{name}"
    finally:
        db.close()


def test_interrupt_cancels_a_running_query(pg_url: str) -> None:
    db = open_database(pg_url)
    errors: list[BaseException] = []
    started = threading.Event()
    try:
        with db.engine.connect() as conn:

            def run() -> None:
                started.set()
                try:
                    conn.execute(text("SELECT pg_sleep(20)"))
                except Exception as exc:  # noqa: BLE001 - the cancelled query's error is the point
                    errors.append(exc)

            worker = threading.Thread(target=run)
            t0 = time.monotonic()
            worker.start()
            started.wait()
            time.sleep(0.3)
            POSTGRES.interrupt(conn)
            worker.join(10)
            assert not worker.is_alive()
            assert time.monotonic() - t0 < 10
        assert len(errors) == 1 and getattr(errors[0].orig, "sqlstate", None) == "57014"
    finally:
        db.close()


# --- the schema on PostgreSQL --------------------------------------------------------------


def test_a_fresh_team_database_is_created_at_the_head(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        assert db.meta_get("schema_version") == str(schema.SCHEMA_VERSION)
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
                migrations.revision_of(schema.SCHEMA_VERSION)
            )
            kind = conn.execute(text("SELECT relkind FROM pg_class WHERE relname = 'bill'"))
            assert kind.scalar() == "p"  # partitioned
            strategy = conn.execute(
                text(
                    "SELECT pg_get_partkeydef('bill'::regclass), "
                    "pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = 'bill'::regclass AND contype = 'p'"
                )
            ).one()
            assert strategy == ("RANGE (begin_time)", "PRIMARY KEY (pk, begin_time)")
            identity = conn.execute(
                text(
                    "SELECT is_identity FROM information_schema.columns "
                    "WHERE table_name = 'bill' AND column_name = 'pk'"
                )
            ).scalar()
            assert identity == "YES"
            bill = columns(conn, "bill")
            key = columns(conn, "bill_key")
            saved = columns(conn, "saved_filter")
        ints = [c.name for c in schema.bill.columns if c.type.python_type is int]
        assert ints and all(bill[name] == "BIGINT" for name in ints), bill
        assert set(bill) == {c.name for c in schema.bill.columns}
        assert key == {"bill_id": "TEXT", "begin_time": "BIGINT"}
        assert "saved_by" in saved
    finally:
        db.close()


def test_partitions_are_made_per_month_on_demand_with_their_indexes(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        with db.engine.begin() as conn:
            made = ensure_partitions(conn, NOV_2026 + 3600, month_start(2027, 1) + 86400)
            assert made == ["bill_y2026m11", "bill_y2026m12", "bill_y2027m01"]
            assert ensure_partitions(conn, NOV_2026, NOV_2026 + 86400) == []
            # a bill of year 9999 fits (BIGINT seconds)
            ensure_partitions(conn, month_start(9999, 12), month_start(9999, 12))
            conn.execute(
                insert(schema.bill).values(
                    bill_id="far", begin_time=month_start(9999, 12) + 5, source_id=1, line=1
                )
            )
        with db.engine.connect() as conn:
            indexed = conn.execute(
                text(
                    "SELECT string_agg(pg_get_indexdef(indexrelid), ';') FROM pg_index "
                    "WHERE indrelid = 'bill_y2026m12'::regclass"
                )
            ).scalar()
            stored = conn.execute(select(schema.bill.c.begin_time)).scalars().all()
        expressions = {"ix_bill_duration": "((end_time - begin_time))"}  # as PG writes it
        for index in schema.bill.indexes:
            cols = expressions.get(str(index.name)) or ", ".join(c.name for c in index.columns)
            assert f"({cols})" in indexed, (index.name, indexed)
        assert stored == [month_start(9999, 12) + 5]
    finally:
        db.close()


def test_two_sessions_making_the_same_months_at_once_both_succeed(pg_url: str) -> None:
    db = open_database(pg_url)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def make() -> None:
        try:
            with db.engine.begin() as conn:
                barrier.wait()
                ensure_partitions(conn, NOV_2026, month_start(2027, 6))
        except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
            errors.append(exc)

    try:
        threads = [threading.Thread(target=make) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert errors == []
        with db.engine.connect() as conn:
            names = conn.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'bill'::regclass ORDER BY 1"
                )
            ).scalars()
            assert list(names) == [partition_name(2026, m) for m in (11, 12)] + [
                partition_name(2027, m) for m in range(1, 7)
            ]
    finally:
        db.close()


def test_a_newer_team_database_is_refused_like_a_newer_file(pg_url: str, tmp_path: Path) -> None:
    db = open_database(pg_url)
    db.meta_set("schema_version", "99")
    db.close()
    with pytest.raises(SchemaTooNewError) as info:
        open_database(pg_url)
    message = str(info.value)
    assert message.startswith(f"{pg_url}: this database was written by a newer Agent Bill Viewer")
    assert "schema 99" in message and "\n" not in message
    path = tmp_path / "future.sqlite"
    open_database(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    with pytest.raises(SchemaTooNewError) as on_file:
        open_database(path)
    assert str(on_file.value).replace(str(path), pg_url) == message


# --- one history, both backends ------------------------------------------------------------


def test_the_migration_head_is_the_schema_version() -> None:
    assert migrations.head() == migrations.revision_of(schema.SCHEMA_VERSION)


def index_names(engine: Engine, table: str) -> set[str]:
    """Names of a SQLite table's own indexes (from ``sqlite_master``: SQLAlchemy's reflection
    skips an index on an expression, with a warning)."""
    with engine.connect() as conn:
        return set(
            conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = :t"
                    " AND sql IS NOT NULL"
                ),
                {"t": table},
            ).scalars()
        )


def test_a_fresh_file_has_the_tables_of_the_schema_and_alembic_s_head(db: Database) -> None:
    expected = create_engine("sqlite://")
    schema.metadata.create_all(expected)
    try:
        for table in schema.metadata.sorted_tables:
            assert columns(db.engine, table.name) == columns(expected, table.name), table.name
            made = index_names(db.engine, table.name)
            assert made == index_names(expected, table.name)
    finally:
        expected.dispose()
    with sqlite3.connect(db.path) as conn:
        head = migrations.revision_of(schema.SCHEMA_VERSION)
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]


def test_a_schema_3_file_gains_saved_by_and_keeps_its_filters(tmp_path: Path) -> None:
    path = tmp_path / "v3.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    schema.metadata.create_all(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE saved_filter DROP COLUMN saved_by")
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '3')")
        conn.execute("INSERT INTO saved_filter VALUES ('old', '{}')")
    db = open_database(path)
    try:
        assert db.meta_get("schema_version") == str(schema.SCHEMA_VERSION)
        with db.engine.connect() as conn:
            rows = conn.execute(select(schema.saved_filter)).all()
        assert [tuple(r) for r in rows] == [("old", "{}", None)]
    finally:
        db.close()


STARTUP = r"""
import sys
from viewer.data.db import open_database
open_database(sys.argv[1]).close()
print("alembic" in sys.modules)
"""


def test_opening_a_database_at_the_head_does_not_import_alembic(tmp_path: Path) -> None:
    path = tmp_path / "bills.sqlite"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    first = subprocess.run(
        [sys.executable, "-c", STARTUP, str(path)], capture_output=True, text=True, env=env
    )
    again = subprocess.run(
        [sys.executable, "-c", STARTUP, str(path)], capture_output=True, text=True, env=env
    )
    assert (first.stdout.strip(), again.stdout.strip()) == ("True", "False"), first.stderr
