"""The SQLite backend: engine and pragmas, interrupt, the bulk-load fast path, error codes.

The only module of the application (with ``staging``, the import's child process) that uses the
``sqlite3`` driver itself. Driver-level SQL stays here where a measured fast path needs it: the
import's inserts go through the driver's ``executemany`` with ``INSERT OR IGNORE`` and count
what was inserted by ``total_changes`` (a SQLAlchemy Core executemany of the same rows took 1.8
to 2.9 times as long: ``benchmarks/bench_bulk_insert.py``), the staging file of a two-process
read is attached and copied with ``INSERT ... SELECT``, and the pragmas have no SQLAlchemy form.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import DBAPIError

from viewer.core.i18n import translate
from viewer.data.backend import ErrorKind
from viewer.data.schema import BILL_FIELDS

log = logging.getLogger(__name__)

CACHE_KIB = 65536
"""SQLite's page cache per connection, in KiB."""
BUSY_TIMEOUT_MS = 10000
"""How long a connection waits for another program's write lock before it says "locked"."""

SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN, SQLITE_NOTADB = 10, 11, 13, 14, 26

_KINDS = {
    SQLITE_BUSY: ErrorKind.LOCKED,
    SQLITE_LOCKED: ErrorKind.LOCKED,
    SQLITE_READONLY: ErrorKind.READONLY,
    SQLITE_IOERR: ErrorKind.IOERR,
    SQLITE_CORRUPT: ErrorKind.DAMAGED,
    SQLITE_NOTADB: ErrorKind.DAMAGED,
    SQLITE_FULL: ErrorKind.FULL,
    SQLITE_CANTOPEN: ErrorKind.CANTOPEN,
}
"""SQLite's primary result codes a user can act on; every other code is a bug of this program."""

IMMEDIATE = "bill_viewer_begin_immediate"
"""Key in ``Connection.info``: the next transaction begins with ``BEGIN IMMEDIATE``."""

STAGE_ALIAS = "bill_stage"
"""The schema name the import's staging file is attached under."""


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of a driver error (or one SQLAlchemy wraps), if any.

    Python 3.11's ``sqlite3`` sets ``sqlite_errorcode`` on every error SQLite reports; the
    errors it makes up itself (a closed connection, a wrong parameter count) have none: those
    are misuses, bugs of this program.
    """
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


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


def _raw(conn: Connection) -> sqlite3.Connection:
    """The sqlite3 connection under a SQLAlchemy connection."""
    return conn.connection.driver_connection  # type: ignore[return-value]


class SqliteBulkWriter:
    """One file's inserts through the driver (see the module docstring for why)."""

    def __init__(self, conn: Connection, source_id: int, columns: Sequence[str]) -> None:
        self.raw = _raw(conn)
        self.cur = self.raw.cursor()
        self.source_id = int(source_id)
        self.columns = tuple(columns)
        marks = ", ".join("?" * len(self.columns))
        cols = ", ".join(self.columns)
        self._insert = (
            f"INSERT OR IGNORE INTO bill ({cols}, source_id, line) "
            f"VALUES ({marks}, {self.source_id}, ?)"
        )
        self._insert_wide = (
            f"INSERT OR IGNORE INTO bill ({cols}, source_id, line, extra, raw_codes) "
            f"VALUES ({marks}, {self.source_id}, ?, ?, ?)"
        )
        self.attached = False

    def insert_bills(self, rows: Sequence[Sequence[Any]], *, wide: bool) -> int:
        """Insert the rows whose bill id is new; return how many were inserted."""
        before = self.raw.total_changes
        self.cur.executemany(self._insert_wide if wide else self._insert, rows)
        return self.raw.total_changes - before

    def stored_bills(self, bill_ids: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """``(source_id, line, *fields, raw_codes)`` of the stored bills with these ids."""
        cols = ", ".join(self.columns)
        for i in range(0, len(bill_ids), 500):  # SQLite's limit of bound parameters
            chunk = list(bill_ids[i : i + 500])
            marks = ",".join("?" * len(chunk))
            yield from self.cur.execute(
                f"SELECT source_id, line, {cols}, raw_codes FROM bill WHERE bill_id IN ({marks})",
                chunk,
            ).fetchall()

    def insert_conflicts(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Store ``(bill_id, source_id, line, fields_json, differs)`` conflict records."""
        self.cur.executemany(
            "INSERT INTO conflict (bill_id, source_id, line, fields, differs) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )

    def insert_rejects(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Store ``(line, reason, raw)`` rejected lines of this file."""
        self.cur.executemany(
            f"INSERT INTO reject (source_id, line, reason, raw) VALUES ({self.source_id}, ?, ?, ?)",
            rows,
        )

    def bill_ddl(self) -> str:
        """``CREATE TABLE bill ...`` as this database has it (the staging file copies it)."""
        row = self.cur.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'bill'"
        ).fetchone()
        return str(row[0])

    def copy_staged(
        self, staging: str, shift: int, with_rejects: bool, reported: int
    ) -> list[tuple[int, str, str]]:
        """Copy the bills (their ``pk`` moved by ``shift``) and rejects of a staging file in.

        Returns the first ``reported`` rejected lines, by line, as ``(line, reason, raw)``.
        """
        cur = self.cur
        cur.execute(f"ATTACH DATABASE ? AS {STAGE_ALIAS}", (staging,))
        self.attached = True
        if not shift:  # the numbering guessed in the child is right: copied as they are
            cur.execute(f"INSERT INTO main.bill SELECT * FROM {STAGE_ALIAS}.bill")
        else:
            cols = ", ".join((*self.columns, "source_id", "line", "extra", "raw_codes"))
            cur.execute(
                f"INSERT INTO main.bill (pk, {cols}) SELECT pk + ?, {cols} "
                f"FROM {STAGE_ALIAS}.bill ORDER BY pk",
                (shift,),
            )
        if not with_rejects:
            return []
        cur.execute(
            "INSERT INTO main.reject (source_id, line, reason, raw) "
            f"SELECT ?, line, reason, raw FROM {STAGE_ALIAS}.reject ORDER BY rowid",
            (self.source_id,),
        )
        return [
            (int(line), str(reason), str(raw_text))
            for line, reason, raw_text in cur.execute(
                f"SELECT line, reason, raw FROM {STAGE_ALIAS}.reject ORDER BY line LIMIT ?",
                (reported,),
            )
        ]

    def detach_staged(self) -> bool:
        """Detach the staging file once the file's transaction is over.

        (A database cannot be detached inside the transaction that read it.) Returns False when
        it could not be: the connection must not be used again.
        """
        if not self.attached:
            return True
        try:
            self.raw.execute(f"DETACH DATABASE {STAGE_ALIAS}")
        except sqlite3.Error as exc:
            log.warning("could not detach the staging database: %s", exc)
            return False
        self.attached = False
        return True


class SqliteBackend:
    """SQLite through SQLAlchemy's pysqlite dialect (see ``viewer.data.backend.Backend``)."""

    name = "sqlite"
    driver_errors: tuple[type[BaseException], ...] = (DBAPIError, sqlite3.Error)

    def make_engine(self, path: Path, *, readonly: bool, immutable: bool = False) -> Engine:
        """An engine on ``path``: WAL, busy timeout, foreign keys, page cache; ``BEGIN`` by us."""
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
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.pop(IMMEDIATE, False) else "BEGIN")

        return engine

    def interrupt(self, conn: Connection) -> None:
        """Make the query running on ``conn`` stop with "interrupted" (from another thread)."""
        _raw(conn).interrupt()

    def temp_dir(self) -> Path:
        """SQLite's temporary folder (``sqlite_temp_dir``)."""
        return sqlite_temp_dir()

    def error_kind(self, exc: BaseException) -> ErrorKind | None:
        """The kind of a driver error by its SQLite result code; None for any other (a bug)."""
        code = sqlite_code(exc)
        return None if code is None else _KINDS.get(code)

    def explain(self, kind: ErrorKind, exc: BaseException, where: str) -> str:
        """The one-line message for an error of ``kind`` on the database file ``where``."""
        msg = str(getattr(exc, "orig", exc))
        if kind is ErrorKind.LOCKED:
            text = translate(
                "Errors",
                "{where}: the database is locked by another program; try again when it is done",
            )
        elif kind is ErrorKind.READONLY:
            text = translate(
                "Errors",
                "{where}: the database is read-only; open a copy or check the file's permissions",
            )
        elif kind is ErrorKind.DAMAGED:
            text = translate(
                "Errors", "{where}: this file is not a bill database or it is damaged ({error})"
            )
        elif kind is ErrorKind.CANTOPEN:
            text = translate(
                "Errors",
                "{where}: the database cannot be opened (missing folder or no permission)",
            )
        elif kind is ErrorKind.FULL:
            text = translate(
                "Errors",
                "{where}: the disk is full (the database's disk, or the temporary folder {temp} "
                "that SQLite sorts in)",
            )
        else:
            text = translate(
                "Errors", "{where}: the database's disk could not be read or written ({error})"
            )
        return text.format(where=where, error=msg, temp=self.temp_dir() if "{temp}" in text else "")

    @contextmanager
    def settings(self, conn: Connection, **values: int) -> Iterator[None]:
        """Set pragmas (``cache_size``, ``threads``) for a while, then put them back."""
        raw = _raw(conn)
        before = {name: int(raw.execute(f"PRAGMA {name}").fetchone()[0]) for name in values}
        for name, value in values.items():
            raw.execute(f"PRAGMA {name} = {int(value)}")
        try:
            yield
        finally:
            with suppress(sqlite3.Error):  # a broken connection: the error on its way says why
                for name, value in before.items():
                    raw.execute(f"PRAGMA {name} = {value}")

    def bulk_writer(self, conn: Connection, source_id: int) -> SqliteBulkWriter:
        """The driver-level writer of one file's rows (see the module docstring)."""
        return SqliteBulkWriter(conn, source_id, BILL_FIELDS)


SQLITE = SqliteBackend()
"""The backend every database of this version uses."""
