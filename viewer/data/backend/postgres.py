"""The PostgreSQL backend: a team database on a server, through psycopg 3.

A database is named by a URL (``postgresql://[user[:password]@][host][:port]/dbname``, also
``postgres://`` and ``postgresql+psycopg://``); the parts left out come from libpq's usual
sources (``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGDATABASE``, ``PGPASSWORD``, ``~/.pgpass``,
``PGSERVICE``), which psycopg applies itself. A password is never written anywhere: every
message, log line and display name uses ``display_name`` (the URL without it).

Driver-level calls stay here: interrupting a query (psycopg's cancel request) and classifying
errors by SQLSTATE. Creating a month's partition of ``bill`` is DDL SQLAlchemy has no construct
for (``CREATE TABLE ... PARTITION OF``): migration 0001 writes it as text, in the function
``bill_add_month`` that ``ensure_partitions`` calls.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from viewer.core.errors import DatabaseError
from viewer.core.i18n import translate
from viewer.data.backend import BulkWriter, ErrorKind
from viewer.data.backend import is_server_url as is_server_url

APPLICATION_NAME = "bill-viewer"
"""What the server's ``pg_stat_activity`` shows for this application's sessions."""

CONNECT_TIMEOUT_S = 10
"""How long to wait for a server that does not answer before saying so."""

RETRY_SQLSTATES = frozenset({"40001", "40P01"})
"""Serialization failure and deadlock: the caller retries the transaction, the user never sees
them (unless the retries run out, then they read as "locked")."""

_KINDS_BY_STATE = {
    "28": ErrorKind.AUTH,  # invalid authorization / password
    "08": ErrorKind.UNREACHABLE,  # connection exception: refused, lost, failure
    "57P01": ErrorKind.UNREACHABLE,  # admin shutdown
    "57P02": ErrorKind.UNREACHABLE,  # crash shutdown
    "57P03": ErrorKind.UNREACHABLE,  # cannot connect now (starting up, shutting down)
    "42501": ErrorKind.READONLY,  # insufficient privilege: a role that may only read
    "25006": ErrorKind.READONLY,  # read-only SQL transaction (a standby, or default_read_only)
    "53100": ErrorKind.FULL,  # disk full
    "53200": ErrorKind.FULL,  # out of memory
    "55P03": ErrorKind.LOCKED,  # lock not available
    "40001": ErrorKind.LOCKED,  # serialization failure (retried first)
    "40P01": ErrorKind.LOCKED,  # deadlock detected (retried first)
    "58030": ErrorKind.IOERR,  # I/O error on the server
    "XX001": ErrorKind.DAMAGED,  # data corrupted
    "XX002": ErrorKind.DAMAGED,  # index corrupted
}
"""SQLSTATE (full code, or its two-character class) -> what it means for a user."""


def normalise_url(target: str) -> URL:
    """The SQLAlchemy URL of a PostgreSQL ``--db`` value, with the psycopg driver.

    Raises ``DatabaseError`` (naming the URL without its password) when it cannot be parsed.
    """
    try:
        url = make_url(str(target).strip())
    except (ArgumentError, ValueError) as exc:
        raise DatabaseError(
            translate("Errors", "{url}: not a database URL ({error})").format(
                url=_scrub_raw(target), error=exc
            )
        ) from None
    if url.get_backend_name() not in ("postgresql", "postgres"):
        raise DatabaseError(
            translate("Errors", "{url}: not a PostgreSQL URL").format(url=display_name(url))
        )
    return url.set(drivername="postgresql+psycopg")


def _scrub_raw(target: object) -> str:
    """A URL text that could not be parsed, with anything between ``:`` and ``@`` hidden."""
    head, sep, tail = str(target).partition("://")
    if not sep or "@" not in tail:
        return str(target)
    cred, _, rest = tail.rpartition("@")
    user = cred.split(":", 1)[0]
    return f"{head}://{user}{':***' if ':' in cred else ''}@{rest}"


def display_name(url: URL | str) -> str:
    """The URL as a user sees it: ``postgresql://user@host:port/dbname``, never the password.

    Parts the URL leaves to libpq's defaults (``PGHOST``...) are left out here too.
    """
    url = make_url(url) if isinstance(url, str) else url
    # ``URL.set`` takes None as "leave as it is": ``_replace`` (a NamedTuple's) drops it.
    url = url.set(drivername="postgresql")._replace(password=None)
    return url.render_as_string(hide_password=True)


class ServerLocation(str):
    """Where a team database lives, in the place a file database has its ``Path``.

    ``str()`` gives the display name (URL without password) that messages start with, as they
    start with a file's path; ``name`` gives the database's name, as ``Path.name`` gives the
    file's. Lets the code that names ``db.path`` in messages work for both kinds.
    """

    __slots__ = ()

    @property
    def name(self) -> str:
        """The database's name on its server (``bills``), or the display name without one."""
        database = make_url(str(self)).database
        return database or str(self)


def _sqlstate(exc: BaseException) -> str | None:
    orig = getattr(exc, "orig", exc)
    state = getattr(orig, "sqlstate", None)
    return str(state) if state else None


def is_retryable(exc: BaseException) -> bool:
    """Whether the transaction that failed with ``exc`` should be run again (40001, 40P01)."""
    return _sqlstate(exc) in RETRY_SQLSTATES


def first_line(exc: BaseException) -> str:
    """The server's (or libpq's) own first line about an error, without the password."""
    orig = getattr(exc, "orig", exc)
    lines = [ln.strip() for ln in str(orig).splitlines() if ln.strip()]
    return lines[0] if lines else type(orig).__name__


class PostgresBackend:
    """PostgreSQL through SQLAlchemy's ``postgresql+psycopg`` dialect (see ``Backend``)."""

    name = "postgresql"
    driver_errors: tuple[type[BaseException], ...] = (DBAPIError, psycopg.Error)

    def make_engine(self, path: Path | str, *, readonly: bool, immutable: bool = False) -> Engine:
        """An engine on the URL ``path``: pre-ping, ``application_name``, a connect timeout.

        ``readonly`` is the role's business on a server (``Database.readonly`` says what it
        may do); ``immutable`` has no meaning there.
        """
        url = normalise_url(str(path))
        return create_engine(
            url,
            pool_pre_ping=True,
            connect_args={
                "application_name": APPLICATION_NAME,
                "connect_timeout": CONNECT_TIMEOUT_S,
            },
        )

    def interrupt(self, conn: Connection) -> None:
        """Ask the server to cancel the query running on ``conn`` (psycopg's cancel request)."""
        raw: Any = conn.connection.driver_connection
        cancel = getattr(raw, "cancel_safe", None) or raw.cancel
        cancel()

    def temp_dir(self) -> Path:
        """The server sorts on its own disks; locally only Python's temporary folder is used."""
        return Path(tempfile.gettempdir())

    def error_kind(self, exc: BaseException) -> ErrorKind | None:
        """The kind of a driver error by its SQLSTATE; None for any other (a bug).

        A connection that could not be made at all (refused, unknown host, wrong password,
        no such database) carries no SQLSTATE in psycopg: it is ``UNREACHABLE``, and the
        message quotes libpq's own line, which says which of these it was.
        """
        orig = getattr(exc, "orig", exc)
        if not isinstance(orig, psycopg.Error):
            return None
        state = _sqlstate(exc)
        if state is None:
            if isinstance(orig, psycopg.OperationalError | psycopg.InterfaceError):
                return ErrorKind.UNREACHABLE
            return None
        return _KINDS_BY_STATE.get(state) or _KINDS_BY_STATE.get(state[:2])

    def explain(self, kind: ErrorKind, exc: BaseException, where: str) -> str:
        """The one-line message for an error of ``kind`` on the team database ``where``."""
        said = first_line(exc)
        if kind is ErrorKind.UNREACHABLE:
            message = translate(
                "Errors",
                "{where}: cannot reach the team database ({error}); check the server, "
                "the network and the login, then reconnect",
            )
        elif kind is ErrorKind.AUTH:
            message = translate(
                "Errors",
                "{where}: the server refused the login ({error}); check the user and password",
            )
        elif kind is ErrorKind.READONLY:
            message = translate(
                "Errors",
                "{where}: this role may only read the team database; "
                "ask for the importer role to import or edit labels",
            )
        elif kind is ErrorKind.FULL:
            message = translate(
                "Errors", "{where}: the database server is out of disk or memory ({error})"
            )
        elif kind is ErrorKind.LOCKED:
            message = translate(
                "Errors",
                "{where}: the team database is busy with another session; try again ({error})",
            )
        elif kind is ErrorKind.DAMAGED:
            message = translate(
                "Errors",
                "{where}: the server reports damaged data ({error}); ask its administrator",
            )
        else:
            message = translate(
                "Errors", "{where}: the database server could not read or write its disk ({error})"
            )
        return message.format(where=where, error=said)

    @contextmanager
    def settings(self, conn: Connection, **values: int) -> Iterator[None]:
        """SQLite's pragmas (``cache_size``, ``threads``) have no meaning on a server: no-op."""
        yield

    def bulk_writer(self, conn: Connection, source_id: int) -> BulkWriter:
        """``COPY`` into a staging table, one merge per file (``postgres_bulk``)."""
        from viewer.data.backend.postgres_bulk import PostgresBulkWriter

        return PostgresBulkWriter(conn, source_id, ensure_partitions=ensure_partitions)


POSTGRES = PostgresBackend()
"""The backend of every team database."""


def month_start(year: int, month: int) -> int:
    """Seconds of ``year-month-01 00:00`` in the stored time scale (``viewer.core.timefmt``)."""
    return (date(year, month, 1) - date(1970, 1, 1)).days * 86400


def _month_of(seconds: int) -> tuple[int, int]:
    day = date.fromordinal(date(1970, 1, 1).toordinal() + int(seconds) // 86400)
    return day.year, day.month


def partition_name(year: int, month: int) -> str:
    """The name of the ``bill`` partition holding one calendar month (``bill_y2026m11``)."""
    return f"bill_y{year:04d}m{month:02d}"


def months_between(min_begin: int, max_begin: int) -> list[tuple[int, int]]:
    """Every ``(year, month)`` from the month of ``min_begin`` to that of ``max_begin``."""
    year, month = _month_of(min_begin)
    last = _month_of(max_begin)
    out = []
    while (year, month) <= last:
        out.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


PARTITION_LOCK = 0x62696C6C
"""Advisory lock key ("bill") held while partitions are created (one creator at a time)."""


def ensure_partitions(conn: Connection, min_begin: int, max_begin: int) -> list[str]:
    """Create the missing monthly partitions of ``bill`` for begin times in the given range.

    Called by the import inside its file's transaction, before the bills go in. Two imports
    calling it at once are serialised by a transaction-level advisory lock, and each month is
    created with ``IF NOT EXISTS``, so neither fails and no month is made twice. The indexes of
    the partitioned table are created on the new partition by PostgreSQL itself. The DDL runs
    in ``bill_add_month`` (migration 0001), a function of the tables' owner, so that an importer
    role that does not own ``bill`` may add months. Returns the names of the partitions made.
    """
    wanted = months_between(min_begin, max_begin)
    names = [partition_name(y, m) for y, m in wanted]
    have = set(
        conn.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'bill'"
            )
        ).scalars()
    )
    missing = [(n, ym) for n, ym in zip(names, wanted, strict=True) if n not in have]
    if not missing:
        return []
    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PARTITION_LOCK})
    made = []
    for name, (year, month) in missing:
        nxt = (year + 1, 1) if month == 12 else (year, month + 1)
        conn.execute(
            text("SELECT bill_add_month(:part, :low, :high)"),
            {
                "part": name,
                "low": month_start(year, month),
                "high": None if nxt[0] > 9999 else month_start(*nxt),
            },
        )
        made.append(name)
    return made
