"""Opening a bill database: engine setup, schema version and upgrades, errors a user can act on.

A database is a SQLite file (a path) or a PostgreSQL team database (a ``postgresql://`` URL).
Every entry point (command line, window, tests) opens databases through ``open_database`` so that
connection settings, the schema check and the error messages are the same everywhere. Upgrades
are the Alembic revisions of ``viewer.data.migrations`` (one history for both).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from sqlalchemy import (
    Connection,
    Engine,
    Insert,
    Select,
    bindparam,
    inspect,
    select,
    text,
)

from viewer.core.errors import DatabaseError, ReadOnlyDatabaseError, SchemaTooNewError
from viewer.core.i18n import translate
from viewer.data import schema, upsert
from viewer.data.backend import Backend, ErrorKind, is_server_url

# The ``X as X`` names are re-exported: callers imported them from here before the backend existed.
from viewer.data.backend.sqlite import BUSY_TIMEOUT_MS as BUSY_TIMEOUT_MS
from viewer.data.backend.sqlite import CACHE_KIB as CACHE_KIB
from viewer.data.backend.sqlite import IMMEDIATE, SQLITE
from viewer.data.backend.sqlite import SQLITE_BUSY as SQLITE_BUSY
from viewer.data.backend.sqlite import SQLITE_CANTOPEN as SQLITE_CANTOPEN
from viewer.data.backend.sqlite import SQLITE_CORRUPT as SQLITE_CORRUPT
from viewer.data.backend.sqlite import SQLITE_FULL as SQLITE_FULL
from viewer.data.backend.sqlite import SQLITE_IOERR as SQLITE_IOERR
from viewer.data.backend.sqlite import SQLITE_LOCKED as SQLITE_LOCKED
from viewer.data.backend.sqlite import SQLITE_NOTADB as SQLITE_NOTADB
from viewer.data.backend.sqlite import SQLITE_READONLY as SQLITE_READONLY
from viewer.data.backend.sqlite import sqlite_code as sqlite_code
from viewer.data.backend.sqlite import sqlite_temp_dir as sqlite_temp_dir

ENV_DB = "BILL_VIEWER_DB"
APP_NAME = "agent-bill-viewer"


def data_dir() -> Path:
    """The user's data folder for this application (created on demand by callers)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path | str:
    """``$BILL_VIEWER_DB`` if set, else ``bills.sqlite`` in the user's data folder.

    A ``postgresql://`` URL in the variable is kept as text (a team database).
    """
    env = os.environ.get(ENV_DB)
    if env:
        return env.strip() if is_server_url(env.strip()) else Path(env).expanduser()
    return data_dir() / "bills.sqlite"


def display_target(target: Path | str) -> str:
    """How a database named by ``target`` is shown: the path, or the URL without password."""
    if is_server_url(target):
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            url = make_url(str(target)).set(drivername="postgresql")._replace(password=None)
        except (ArgumentError, ValueError):  # an unparsable URL: show its scheme only
            return str(target).partition("://")[0] + "://..."
        return url.render_as_string(hide_password=True)
    return str(target)


def backend_of(exc: BaseException) -> Backend:
    """The backend whose driver raised ``exc`` (psycopg: PostgreSQL; anything else: SQLite).

    Judged by the driver error's module, so that psycopg is not imported for a SQLite file.
    """
    orig = getattr(exc, "orig", exc)
    if type(orig).__module__.split(".")[0] == "psycopg":
        from viewer.data.backend import postgres_backend

        return postgres_backend()
    return SQLITE


def is_known_db_error(exc: BaseException, backend: Backend | None = None) -> bool:
    """Whether a driver error is one a user can act on (locked, read-only, full, damaged).

    Judged by the driver's error code alone (``Backend.error_kind``); any other error, one
    without a code included, is a bug in this program and keeps its traceback.
    """
    return (backend or backend_of(exc)).error_kind(exc) is not None


class DatabaseBug(RuntimeError):
    """A database error that is no user's doing (a programming error): a bug, not a message.

    Not a ``KnownError``: the window and the command line log it with its traceback and say
    "this is a bug"; raised ``from`` the driver error, which stays in the traceback.
    """


def friendly_db_error(
    exc: BaseException, path: Path, backend: Backend | None = None
) -> DatabaseError | DatabaseBug:
    """The error to raise (``from exc``) for a driver error met on the database ``path``.

    A ``DatabaseError`` whose message a user can act on for the codes that are theirs
    (``is_known_db_error``); for any other a ``DatabaseBug``, which stays a bug. ``backend``
    defaults to the one whose driver raised ``exc``.
    """
    backend = backend or backend_of(exc)
    kind = backend.error_kind(exc)
    if kind is None:
        return DatabaseBug(f"{path}: database error: {getattr(exc, 'orig', exc)}")
    if kind is ErrorKind.READONLY:
        return ReadOnlyDatabaseError(backend.explain(kind, exc, str(path)))
    return DatabaseError(backend.explain(kind, exc, str(path)))


@contextmanager
def user_errors(path: Path) -> Iterator[None]:
    """Turn the driver errors a user can act on into ``DatabaseError`` naming ``path``.

    Classified by the driver's code (SQLite's result code: busy, locked, read-only, full, I/O
    error, damaged, cannot open; PostgreSQL's SQLSTATE: unreachable, login refused, a role that
    may only read, disk full); any other driver error is a bug and goes on as it is, with its
    traceback. ``path`` is the file, or the team database's ``ServerLocation``.
    """
    try:
        yield
    except SQLITE.driver_errors as exc:
        backend = backend_of(exc)
        if not is_known_db_error(exc, backend):
            raise
        raise friendly_db_error(exc, path, backend) from exc


@contextmanager
def begin_immediate(conn: Connection) -> Iterator[None]:
    """A transaction on ``conn`` that takes the write lock at once (``BEGIN IMMEDIATE``).

    For a transaction that reads before it writes: it waits for other writers (the busy
    timeout) instead of failing at its first write, and nobody writes between its read and
    its write.
    """
    conn.info[IMMEDIATE] = True
    try:
        with conn.begin():
            yield
    finally:
        conn.info.pop(IMMEDIATE, None)


@dataclass
class Database:
    """An open bill database: where it is, its engine and backend (what its engine does its way).

    ``path`` is the file of a SQLite database; for a team database it is its
    ``ServerLocation``: a text (the URL without password) whose ``name`` is the database's name,
    so that messages starting with ``db.path`` read the same for both.
    """

    path: Path
    engine: Engine
    readonly: bool = False
    backend: Backend = field(default=SQLITE, repr=False)

    @property
    def kind(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.backend.name

    @property
    def is_server(self) -> bool:
        """Whether this is a team database on a PostgreSQL server."""
        return self.backend.name == "postgresql"

    @property
    def display_name(self) -> str:
        """The file's path, or ``postgresql://user@host:port/dbname`` (never the password)."""
        return str(self.path)

    def close(self) -> None:
        """Release every pooled connection."""
        self.engine.dispose()

    def meta_get(self, key: str, default: str | None = None) -> str | None:
        """Read one value of the ``meta`` table."""
        with self.engine.connect() as conn:
            row = conn.execute(meta_value_statement(key)).first()
        return row[0] if row else default

    def meta_set(self, key: str, value: str) -> None:
        """Write one value of the ``meta`` table."""
        with self.engine.begin() as conn:
            conn.execute(meta_upsert_statement(conn.dialect.name, key, value))


def meta_value_statement(key: str) -> Select[tuple[str]]:
    """The value of one key of the ``meta`` table (no row: not set)."""
    return select(schema.meta.c.value).where(schema.meta.c.key == bindparam("key", key))


def meta_upsert_statement(dialect_name: str, key: str, value: str) -> Insert:
    """Set one key of the ``meta`` table, inserting or replacing (``ON CONFLICT DO UPDATE``).

    The upsert is each dialect's own construct (same SQL on SQLite and PostgreSQL).
    """
    values = {"key": key, "value": value}
    return upsert.upsert_statement(dialect_name, schema.meta, values, ("key",))


def _stored_version(conn: Connection) -> int | None:
    found = inspect(conn)
    if not found.has_table("meta"):
        if found.get_table_names() or found.get_view_names():
            raise DatabaseError(
                translate("Errors", "not a bill database: it has tables but no version record")
            )
        return None
    row = conn.execute(meta_value_statement("schema_version")).first()
    if row is None:
        raise DatabaseError(translate("Errors", "not a bill database: no schema version recorded"))
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
            translate(
                "Errors", "damaged bill database: its schema version {value} is not a number"
            ).format(value=repr(value))
        ) from None
    if version < 1:
        raise DatabaseError(
            translate(
                "Errors",
                "damaged bill database: schema version {version} does not exist (versions start "
                "at 1)",
            ).format(version=version)
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
    """Open (and create or upgrade) the bill database at ``path`` (a file, or a server's URL).

    A database this process cannot write (a read-only file, folder or mount) is opened
    read-only instead, and ``Database.readonly`` says so: reading works, writing fails with
    "the database is read-only". A database that could not be created is removed again.

    Raises:
        SchemaTooNewError: the file was written by a newer version of this application.
        DatabaseError: the file is locked, read-only, not a database, or damaged.
    """
    if is_server_url(path):
        return _open_server(str(path), readonly=readonly, create=create)
    path = Path(path).expanduser()
    try:
        existed = path.exists()
        if readonly or not create:
            if not existed:
                raise DatabaseError(
                    translate("Errors", "{path}: no such database").format(path=path)
                )
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
        if existed and not path.is_file():
            raise DatabaseError(
                translate("Errors", "{path}: not a file, not a bill database").format(path=path)
            )
        if existed and not readonly and not can_write(path):
            readonly = True
    except OSError as exc:
        raise DatabaseError(
            translate("Errors", "{path}: the database cannot be opened ({error})").format(
                path=path, error=exc.strerror
            )
        ) from None
    immutable = readonly and not _can_make_sidecars(path)
    engine = SQLITE.make_engine(path, readonly=readonly, immutable=immutable)
    try:
        with engine.begin() as conn:
            version = _stored_version(conn)
            if version is not None:
                _check_version(path, version)
        if version is None or version < schema.SCHEMA_VERSION:
            if readonly:
                if version is None:
                    raise DatabaseError(
                        translate("Errors", "{path}: empty file, not a bill database").format(
                            path=path
                        )
                    )
                raise DatabaseError(
                    translate(
                        "Errors", "{path}: old schema {version}; open it writable once"
                    ).format(path=path, version=version)
                )
            _create_or_upgrade(engine)
        with engine.connect() as conn:
            _check_tables(conn)
    except SQLITE.driver_errors as exc:
        engine.dispose()
        if not existed and SQLITE.error_kind(exc) is not ErrorKind.LOCKED:
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
            translate(
                "Errors",
                "{path}: this database was written by a newer Agent Bill Viewer (schema "
                "{version}; this version reads up to {newest}). Update the application to open it.",
            ).format(path=path, version=version, newest=schema.SCHEMA_VERSION)
        )


def _create_or_upgrade(engine: Engine) -> None:
    """Create the schema in a new file, or upgrade an old one, holding the write lock.

    ``BEGIN IMMEDIATE`` takes the write lock first (waiting up to the busy timeout for another
    process creating the same file), then looks again: a plain ``BEGIN`` that read first could
    not upgrade its lock while another process writes, and would fail at once with "locked".
    Alembic and the revisions are loaded before the lock is taken, so that it is held only for
    the DDL itself.
    """
    from viewer.data import migrations

    migrations.head()  # imports Alembic and reads the revisions, outside the lock
    with engine.connect() as conn, begin_immediate(conn):
        _migrate(conn)


def _migrate(conn: Connection) -> None:
    """Run the migrations a database still needs (in ``conn``'s transaction, holding its lock)."""
    version = _stored_version(conn)
    if version is not None and version >= schema.SCHEMA_VERSION:
        return  # another process did it while this one waited for the lock
    from viewer.data import migrations

    migrations.upgrade(conn, version)
    conn.execute(
        meta_upsert_statement(conn.dialect.name, "schema_version", str(schema.SCHEMA_VERSION))
    )


MIGRATE_LOCK = 0x6D696772
"""Advisory lock key ("migr") a team database's schema is created or upgraded under."""


def _open_server(target: str, *, readonly: bool, create: bool) -> Database:
    """Open (and create the tables in, or upgrade) the team database the URL ``target`` names.

    The database itself must exist on the server (its administrator creates it and the roles);
    its tables are created when it is empty, under an advisory lock so that two applications
    opening it at once do it once. ``Database.readonly`` is set when the role may not add bills
    (a viewer role): reading works, writing says that this role may only read.
    """
    from viewer.data.backend.postgres import POSTGRES, ServerLocation, display_name, normalise_url

    url = normalise_url(target)
    where = cast(Path, ServerLocation(display_name(url)))
    engine = POSTGRES.make_engine(url.render_as_string(hide_password=False), readonly=readonly)
    try:
        with engine.connect() as conn:
            version = _stored_version(conn)
        if version is not None:
            _check_version(where, version)
        if version is None or version < schema.SCHEMA_VERSION:
            if version is None and not create:
                raise DatabaseError(
                    translate(
                        "Errors", "{path}: an empty database, not a bill database yet"
                    ).format(path=where)
                )
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATE_LOCK})
                again = _stored_version(conn)
                if again is not None:
                    _check_version(where, again)
                _migrate(conn)
        with engine.connect() as conn:
            _check_tables(conn)
            may_write = conn.execute(text("SELECT has_table_privilege('bill', 'INSERT')")).scalar()
    except POSTGRES.driver_errors as exc:
        engine.dispose()
        raise friendly_db_error(exc, where, POSTGRES) from exc
    except DatabaseError as exc:
        engine.dispose()
        if str(exc).startswith(str(where)):
            raise
        raise DatabaseError(f"{where}: {exc}") from exc
    return Database(path=where, engine=engine, readonly=readonly or not may_write, backend=POSTGRES)


def _check_tables(conn: Connection) -> None:
    """Raise ``DatabaseError`` when a table of the schema is missing (dropped by some tool)."""
    have = set(inspect(conn).get_table_names())
    missing = sorted(EXPECTED_TABLES - have)
    if missing:
        raise DatabaseError(
            translate(
                "Errors",
                "damaged bill database: table(s) {tables} missing; import into a new database",
            ).format(tables=", ".join(missing))
        )


def _remove_failed(path: Path) -> None:
    """Remove a database file this call created but could not fill (a full disk, say)."""
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with suppress(OSError):
            p.unlink()
