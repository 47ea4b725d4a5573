"""Opening a bill database: engine setup (WAL, busy timeout), schema version and upgrades.

Every entry point (command line, window, tests) opens databases through ``open_database`` so that
pragmas, the schema check and the error messages are the same everywhere.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError

from viewer.core.errors import DatabaseError, SchemaTooNewError
from viewer.data import schema

ENV_DB = "BILL_VIEWER_DB"
CACHE_KIB = 65536
"""SQLite's page cache per connection, in KiB."""
APP_NAME = "agent-bill-viewer"


def data_dir() -> Path:
    """The user's data folder for this application (created on demand by callers)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """``$BILL_VIEWER_DB`` if set, else ``bills.sqlite`` in the user's data folder."""
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return data_dir() / "bills.sqlite"


def _upgrade_1_to_2(conn: Connection) -> None:
    """Version 2 added saved filters."""
    schema.saved_filter.create(conn, checkfirst=True)


def _upgrade_2_to_3(conn: Connection) -> None:
    """Version 3 keeps code texts that are not plain integers verbatim (``bill.raw_codes``).

    Bills imported before keep what SQLite's type affinity made of such texts ("05" became 5,
    "1e3" 1000, 20 digits a rounded real): the file's text is gone and cannot be recovered;
    importing the file again (``--force``) into a new database keeps it.
    """
    have = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(bill)")}
    if "raw_codes" not in have:
        conn.exec_driver_sql("ALTER TABLE bill ADD COLUMN raw_codes TEXT")


MIGRATIONS: dict[int, Callable[[Connection], None]] = {1: _upgrade_1_to_2, 2: _upgrade_2_to_3}
"""``from_version -> step`` upgrading the schema by one version, in one transaction."""


def _explain(exc: BaseException, path: Path) -> str:
    msg = str(getattr(exc, "orig", exc))
    low = msg.lower()
    if "locked" in low or "busy" in low:
        return f"{path}: the database is locked by another program; try again when it is done"
    if "readonly" in low or "read-only" in low:
        return f"{path}: the database is read-only; open a copy or check the file's permissions"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return f"{path}: this file is not a bill database or it is damaged ({msg})"
    if "unable to open" in low:
        return f"{path}: the database cannot be opened (missing folder or no permission)"
    if "disk" in low and "full" in low:
        return (
            f"{path}: the disk is full (the database's disk, or the temporary folder "
            f"{tempfile.gettempdir()} that SQLite sorts in)"
        )
    return f"{path}: database error: {msg}"


def friendly_db_error(exc: BaseException, path: Path) -> DatabaseError:
    """Turn a driver error into a ``DatabaseError`` whose message a user can act on."""
    return DatabaseError(_explain(exc, path))


def _make_engine(path: Path, readonly: bool) -> Engine:
    if readonly:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.as_posix()}"
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's
        # documented recipe for pysqlite), so one file's import really is one transaction.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout = 10000")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if not readonly:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine


@dataclass
class Database:
    """An open bill database: its path and engine."""

    path: Path
    engine: Engine
    readonly: bool = False

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        """Read one value of the ``meta`` table."""
        with self.engine.connect() as conn:
            row = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).first()
        return row[0] if row else default

    def meta_set(self, key: str, value: str) -> None:
        """Write one value of the ``meta`` table."""
        with self.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO meta(key, value) VALUES (:k, :v) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value"
                ),
                {"k": key, "v": value},
            )


def _stored_version(conn: Connection) -> int | None:
    has_meta = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).first()
    if not has_meta:
        has_any = conn.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()
        if has_any:
            raise DatabaseError("not a bill database: it has tables but no version record")
        return None
    row = conn.exec_driver_sql("SELECT value FROM meta WHERE key = 'schema_version'").first()
    if row is None:
        raise DatabaseError("not a bill database: no schema version recorded")
    return _parse_version(row[0])


def _parse_version(value: object) -> int:
    """The recorded schema version as a number, or a ``DatabaseError`` saying what is wrong.

    The value is text that anyone with a SQLite tool can change; a broken one must give a
    message, not a traceback (``int`` failing, or no upgrade step for version 0).
    """
    try:
        version = int(str(value).strip())
    except ValueError:
        raise DatabaseError(
            f"damaged bill database: its schema version {value!r} is not a number"
        ) from None
    if version < 1:
        raise DatabaseError(
            f"damaged bill database: schema version {version} does not exist (versions start at 1)"
        )
    return version


def open_database(path: Path | str, *, readonly: bool = False, create: bool = True) -> Database:
    """Open (and create or upgrade) the bill database at ``path``.

    Raises:
        SchemaTooNewError: the file was written by a newer version of this application.
        DatabaseError: the file is locked, read-only, not a database, or damaged.
    """
    path = Path(path).expanduser()
    if readonly or not create:
        if not path.exists():
            raise DatabaseError(f"{path}: no such database")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = _make_engine(path, readonly)
    try:
        with engine.begin() as conn:
            version = _stored_version(conn)
            if version is None:
                if readonly:
                    raise DatabaseError(f"{path}: empty file, not a bill database")
                schema.metadata.create_all(conn)
                conn.execute(
                    text("INSERT INTO meta(key, value) VALUES ('schema_version', :v)"),
                    {"v": str(schema.SCHEMA_VERSION)},
                )
            elif version > schema.SCHEMA_VERSION:
                raise SchemaTooNewError(
                    f"{path}: this database was written by a newer Agent Bill Viewer "
                    f"(schema {version}; this version reads up to {schema.SCHEMA_VERSION}). "
                    "Update the application to open it."
                )
            elif version < schema.SCHEMA_VERSION:
                if readonly:
                    raise DatabaseError(f"{path}: old schema {version}; open it writable once")
                while version < schema.SCHEMA_VERSION:
                    step = MIGRATIONS.get(version)
                    if step is None:
                        raise DatabaseError(f"no upgrade known from schema {version}")
                    step(conn)
                    version += 1
                conn.execute(
                    text("UPDATE meta SET value = :v WHERE key = 'schema_version'"),
                    {"v": str(version)},
                )
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        raise friendly_db_error(exc, path) from exc
    except DatabaseError as exc:
        engine.dispose()
        if str(exc).startswith(str(path)):
            raise
        raise DatabaseError(f"{path}: {exc}") from exc
    return Database(path=path, engine=engine, readonly=readonly)
