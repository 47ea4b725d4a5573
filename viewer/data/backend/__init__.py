"""The database backend: what differs between database engines, behind one interface.

Everything above this package speaks SQLAlchemy (Core statements over ``viewer.data.schema``);
what SQLAlchemy cannot say the same way for every engine is here: creating the engine with its
connection settings, interrupting a running query, the bulk-load fast path of an import, the
folder the engine sorts in, and which driver errors a user can act on. ``SqliteBackend``
(``viewer.data.backend.sqlite``) for files, ``PostgresBackend`` (``viewer.data.backend.postgres``)
for a team database on a server, both implementing the same ``Backend`` protocol. The driver
modules (``sqlite3``, ``psycopg``) are imported only inside this package.

This module imports neither SQLAlchemy nor a driver at import time: the import's child process
(``viewer.data.imports.parallel``) loads ``viewer.data.backend.staging`` through it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from sqlalchemy import Connection, Engine


class ErrorKind(enum.Enum):
    """A driver error a user can act on, whatever the engine calls it."""

    LOCKED = "locked"  # another program holds the lock (SQLite BUSY or LOCKED)
    READONLY = "read-only"  # the file, folder or mount cannot be written
    FULL = "full"  # the disk (or the engine's temporary folder) is full
    IOERR = "i/o error"  # the disk could not be read or written
    DAMAGED = "damaged"  # not a database, or a damaged one (CORRUPT, NOTADB)
    CANTOPEN = "cannot open"  # a missing folder, no permission
    UNREACHABLE = "unreachable"  # a server that is down, refuses, or dropped the connection
    AUTH = "authentication"  # the server refused the login (user or password)


class BulkWriter(Protocol):
    """The driver-level writes of one file's import, inside its transaction (the fast path).

    Rows are the 21 bill fields then the line number (and ``extra``, ``raw_codes`` when wide).
    """

    def insert_bills(self, rows: Sequence[Sequence[Any]], *, wide: bool) -> int:
        """Insert the rows whose bill id is new; return how many were inserted."""
        ...

    def stored_bills(self, bill_ids: Sequence[str]) -> Iterator[tuple[Any, ...]]:
        """``(source_id, line, *21 fields, raw_codes)`` of the stored bills with these ids."""
        ...

    def insert_conflicts(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Store ``(bill_id, source_id, line, fields_json, differs)`` conflict records."""
        ...

    def insert_rejects(self, rows: Sequence[tuple[int, str, str]]) -> None:
        """Store ``(line, reason, raw)`` rejected lines of this file."""
        ...

    # The two-process import: a child process reads the end of a big file into a staging
    # file (``viewer.data.backend.staging``) that the importer copies in.

    def bill_ddl(self) -> str:
        """``CREATE TABLE bill ...`` for the staging file, as this database has the table."""
        ...

    def copy_staged(
        self, staging: str, shift: int, with_rejects: bool, reported: int
    ) -> list[tuple[int, str, str]]:
        """Copy a staging file's bills (``pk`` moved by ``shift``) and rejects in.

        Returns the first ``reported`` rejected lines, by line, as ``(line, reason, raw)``.
        """
        ...

    def detach_staged(self) -> bool:
        """Let go of the staging file after the transaction; False: drop the connection."""
        ...


class Backend(Protocol):
    """What one database engine does its own way (see the module docstring)."""

    name: str
    driver_errors: tuple[type[BaseException], ...]
    """The exception types a database operation may raise (the driver's and SQLAlchemy's)."""

    def make_engine(self, path: Path | str, *, readonly: bool, immutable: bool = False) -> Engine:
        """An engine with this application's connection settings (timeouts, journal, cache).

        ``path`` is a file for SQLite, a URL for a server.
        """
        ...

    def interrupt(self, conn: Connection) -> None:
        """Make the query running on ``conn`` (in another thread) stop with an error soon."""
        ...

    def temp_dir(self) -> Path:
        """The folder the engine writes its temporary files (sorts) to."""
        ...

    def error_kind(self, exc: BaseException) -> ErrorKind | None:
        """What a driver error means for a user, by its code; None: not theirs, a bug."""
        ...

    def explain(self, kind: ErrorKind, exc: BaseException, where: str) -> str:
        """The one-line message for an error of ``kind`` met on the database ``where``."""
        ...

    def settings(self, conn: Connection, **values: int) -> AbstractContextManager[None]:
        """Change connection settings (e.g. ``cache_size``, ``threads``) for a while."""
        ...

    def bulk_writer(self, conn: Connection, source_id: int) -> BulkWriter:
        """The fast writer of one file's bills, rejects and conflicts on ``conn``."""
        ...


SERVER_SCHEMES = ("postgresql", "postgres", "postgresql+psycopg")
"""URL schemes that name a PostgreSQL team database (normalised to ``postgresql+psycopg``)."""


def is_server_url(target: object) -> bool:
    """Whether ``target`` (a ``--db`` value) names a PostgreSQL database rather than a file."""
    if isinstance(target, Path):
        return False
    scheme, sep, _ = str(target).partition("://")
    return bool(sep) and scheme.lower() in SERVER_SCHEMES


def postgres_backend() -> Backend:
    """The PostgreSQL backend (imported on first use: it loads psycopg)."""
    from viewer.data.backend.postgres import POSTGRES

    return POSTGRES
