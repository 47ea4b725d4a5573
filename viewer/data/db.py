"""Opening a bill database: engine setup (WAL, busy timeout), schema version and upgrades.

Every entry point (command line, window, tests) opens databases through ``open_database`` so that
pragmas, the schema check and the error messages are the same everywhere.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
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
BUSY_TIMEOUT_MS = 10000
"""How long a connection waits for another program's write lock before it says "locked"."""


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


SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26

_KNOWN_CODES = frozenset(
    (SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL)
    + (SQLITE_CANTOPEN, SQLITE_NOTADB)
)


def sqlite_temp_dir() -> Path:
    """The folder SQLite puts its temporary files in (index sorts, big queries).

    Not Python's ``tempfile.gettempdir()``: on POSIX SQLite's unix VFS takes the first of
    ``$SQLITE_TMPDIR``, ``$TMPDIR``, /var/tmp, /usr/tmp, /tmp that is a folder it can write,
    and never falls back elsewhere when ``$TMPDIR`` is full. On Windows it asks the system for
    the temporary folder, which is what Python finds too.
    """
    if os.name == "nt":
        return Path(tempfile.gettempdir())
    candidates = [os.environ.get("SQLITE_TMPDIR"), os.environ.get("TMPDIR")]
    for folder in (*candidates, "/var/tmp", "/usr/tmp", "/tmp"):
        if folder and os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK):
            return Path(folder)
    return Path(".")


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a driver error (or one SQLAlchemy wraps), if any."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_known_db_error(exc: BaseException) -> bool:
    """Whether a driver error is one a user can act on (locked, read-only, full, damaged).

    Any other is a bug in this program and keeps its traceback.
    """
    return sqlite_code(exc) in _KNOWN_CODES


def _explain(exc: BaseException, path: Path) -> str:
    msg = str(getattr(exc, "orig", exc))
    code = sqlite_code(exc)
    if code is None:  # an error made up without a code: judged by its words
        code = _code_from_words(msg.lower())
    if code in (SQLITE_BUSY, SQLITE_LOCKED):
        return f"{path}: the database is locked by another program; try again when it is done"
    if code == SQLITE_READONLY:
        return f"{path}: the database is read-only; open a copy or check the file's permissions"
    if code in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return f"{path}: this file is not a bill database or it is damaged ({msg})"
    if code == SQLITE_CANTOPEN:
        return f"{path}: the database cannot be opened (missing folder or no permission)"
    if code == SQLITE_FULL:
        return (
            f"{path}: the disk is full (the database's disk, or the temporary folder "
            f"{sqlite_temp_dir()} that SQLite sorts in)"
        )
    if code == SQLITE_IOERR:
        return f"{path}: the database's disk could not be read or written ({msg})"
    return f"{path}: database error: {msg}"


def _code_from_words(low: str) -> int | None:
    if "locked" in low or "busy" in low:
        return SQLITE_BUSY
    if "readonly" in low or "read-only" in low:
        return SQLITE_READONLY
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return SQLITE_CORRUPT
    if "unable to open" in low:
        return SQLITE_CANTOPEN
    if "disk" in low and "full" in low:
        return SQLITE_FULL
    return None


def friendly_db_error(exc: BaseException, path: Path) -> DatabaseError:
    """Turn a driver error into a ``DatabaseError`` whose message a user can act on."""
    return DatabaseError(_explain(exc, path))


@contextmanager
def user_errors(path: Path) -> Iterator[None]:
    """Turn the driver errors a user can act on into ``DatabaseError`` naming ``path``.

    Classified by SQLite's result code (busy, locked, read-only, full, I/O error, damaged,
    cannot open); any other driver error is a bug and goes on as it is, with its traceback.
    """
    try:
        yield
    except (DBAPIError, sqlite3.Error) as exc:
        if not is_known_db_error(exc):
            raise
        raise friendly_db_error(exc, path) from exc


def _make_engine(path: Path, readonly: bool, *, immutable: bool = False) -> Engine:
    if immutable:  # a folder nobody can write: no -shm file can be made, nothing can change
        url = f"sqlite:///file:{path.as_posix()}?immutable=1&uri=true"
    elif readonly:
        url = f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true"
    else:
        url = f"sqlite:///{path.as_posix()}"
    wait = BUSY_TIMEOUT_MS / 1000
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": wait})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when transactions begin (SQLAlchemy's
        # documented recipe for pysqlite), so one file's import really is one transaction.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_MS)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if not readonly:
            cur.execute("PRAGMA journal_mode = WAL")
            cur.execute("PRAGMA synchronous = NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop(_IMMEDIATE, False) else "BEGIN")

    return engine


_IMMEDIATE = "bill_viewer_begin_immediate"


@contextmanager
def begin_immediate(conn: Connection) -> Iterator[None]:
    """A transaction on ``conn`` that takes the write lock at once (``BEGIN IMMEDIATE``).

    For a transaction that reads before it writes: it waits for other writers (the busy
    timeout) instead of failing at its first write, and nobody writes between its read and
    its write.
    """
    conn.info[_IMMEDIATE] = True
    try:
        with conn.begin():
            yield
    finally:
        conn.info.pop(_IMMEDIATE, None)


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


def can_write(path: Path) -> bool:
    """Whether this process can change the database file at ``path`` (an existing file).

    SQLite writes the file and, in WAL mode, the ``-wal`` and ``-shm`` files beside it, so the
    folder must be writable too (unless both exist and are writable). Replaceable in tests.
    """
    if not os.access(path, os.W_OK):
        return False
    if os.access(path.parent, os.W_OK | os.X_OK):
        return True
    sidecars = [path.with_name(path.name + end) for end in ("-wal", "-shm")]
    return all(os.access(p, os.W_OK) for p in sidecars)


def _can_make_sidecars(path: Path) -> bool:
    """Whether SQLite can make the ``-shm`` file a read-only WAL reader needs (or it exists)."""
    shm = path.with_name(path.name + "-shm")
    return shm.exists() or os.access(path.parent, os.W_OK | os.X_OK)


EXPECTED_TABLES = frozenset(schema.metadata.tables)
"""Tables a bill database of the current schema holds (checked on every open)."""


def open_database(path: Path | str, *, readonly: bool = False, create: bool = True) -> Database:
    """Open (and create or upgrade) the bill database at ``path``.

    A database this process cannot write (a read-only file, folder or mount) is opened
    read-only instead, and ``Database.readonly`` says so: reading works, writing fails with
    "the database is read-only". A database that could not be created is removed again.

    Raises:
        SchemaTooNewError: the file was written by a newer version of this application.
        DatabaseError: the file is locked, read-only, not a database, or damaged.
    """
    path = Path(path).expanduser()
    try:
        existed = path.exists()
        if readonly or not create:
            if not existed:
                raise DatabaseError(f"{path}: no such database")
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        if existed and not path.is_file():
            raise DatabaseError(f"{path}: not a file, not a bill database")
        if existed and not readonly and not can_write(path):
            readonly = True
    except OSError as exc:
        raise DatabaseError(f"{path}: the database cannot be opened ({exc.strerror})") from None
    immutable = readonly and not _can_make_sidecars(path)
    engine = _make_engine(path, readonly, immutable=immutable)
    try:
        with engine.begin() as conn:
            version = _stored_version(conn)
            if version is not None:
                _check_version(path, version)
        if version is None or version < schema.SCHEMA_VERSION:
            if readonly:
                if version is None:
                    raise DatabaseError(f"{path}: empty file, not a bill database")
                raise DatabaseError(f"{path}: old schema {version}; open it writable once")
            _create_or_upgrade(engine)
        with engine.connect() as conn:
            _check_tables(conn)
    except (DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        if not existed and sqlite_code(exc) not in (SQLITE_BUSY, SQLITE_LOCKED):
            _remove_failed(path)
        raise friendly_db_error(exc, path) from exc
    except DatabaseError as exc:
        engine.dispose()
        if str(exc).startswith(str(path)):
            raise
        raise DatabaseError(f"{path}: {exc}") from exc
    return Database(path=path, engine=engine, readonly=readonly)


def _check_version(path: Path, version: int) -> None:
    """Raise ``SchemaTooNewError`` when a newer version of this application wrote the file."""
    if version > schema.SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{path}: this database was written by a newer Agent Bill Viewer "
            f"(schema {version}; this version reads up to {schema.SCHEMA_VERSION}). "
            "Update the application to open it."
        )


def _create_or_upgrade(engine: Engine) -> None:
    """Create the schema in a new file, or upgrade an old one, holding the write lock.

    ``BEGIN IMMEDIATE`` takes the write lock first (waiting up to the busy timeout for another
    process creating the same file), then looks again: a plain ``BEGIN`` that read first could
    not upgrade its lock while another process writes, and would fail at once with "locked".
    """
    with engine.connect() as conn, begin_immediate(conn):
        version = _stored_version(conn)
        if version is None:
            schema.metadata.create_all(conn)
            conn.execute(
                text("INSERT INTO meta(key, value) VALUES ('schema_version', :v)"),
                {"v": str(schema.SCHEMA_VERSION)},
            )
        elif version < schema.SCHEMA_VERSION:
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


def _check_tables(conn: Connection) -> None:
    """Raise ``DatabaseError`` when a table of the schema is missing (dropped by some tool)."""
    have = {
        str(row[0])
        for row in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    missing = sorted(EXPECTED_TABLES - have)
    if missing:
        raise DatabaseError(
            f"damaged bill database: table(s) {', '.join(missing)} missing; "
            "import into a new database"
        )


def _remove_failed(path: Path) -> None:
    """Remove a database file this call created but could not fill (a full disk, say)."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(OSError):
            p.unlink()
