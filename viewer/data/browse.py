"""The window's reads, each opening its own connection: what the Qt widgets call instead of SQL.

The window holds no SQL and imports no database driver; it calls these Qt-free functions (from a
background thread wherever the work grows with the number of bills) and gets plain values back.
The table model's snapshot runs keep a connection of their own (``connect``) so that a newer
filter can stop an older run's statement (``interrupt``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from typing import Any, TypeAlias

from sqlalchemy import Connection

from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import Database, user_errors

ReadConnection: TypeAlias = Connection
"""A read connection of ``connect``: pass it to ``viewer.data.queries`` and to ``interrupt``."""


def connect(db: Database) -> ReadConnection:
    """A new read connection to ``db`` (close it, or use it as a context manager)."""
    return db.engine.connect()


def release(db: Database, conn: ReadConnection) -> None:
    """Close a read connection, first freeing the page cache its reads filled.

    A SQLite connection goes back to the pool holding up to its cache (64 MB) of the pages a
    snapshot scanned; ``PRAGMA shrink_memory`` gives them back (the file stays in the operating
    system's cache), so the window's memory does not keep what its last scan read. A team
    database's pages live in the server.
    """
    try:
        if conn.dialect.name == "sqlite" and not conn.closed and not conn.invalidated:
            # a connection that broke meanwhile is closed all the same
            with contextlib.suppress(*db.backend.driver_errors):
                conn.exec_driver_sql("PRAGMA shrink_memory")
    finally:
        conn.close()


def interrupt(db: Database, conn: ReadConnection) -> None:
    """Abort the statement ``conn`` (of ``db``) is running in another thread.

    Through ``db.backend`` (SQLite's interrupt): the running query raises an "interrupted"
    error in its own thread; a connection that is closing or closed is left alone.
    """
    with contextlib.suppress(Exception):  # the connection may be closing
        db.backend.interrupt(conn)


def filter_lists(db: Database) -> dict[str, Any]:
    """What the filter panel lists: agents, operation and media types, the data's time span.

    Keys ``agents``, ``types``, ``media`` (values with their bill counts) and ``span`` (earliest
    and latest begin time, or ``(None, None)``). Grows with the number of bills: call it off
    the GUI thread.
    """
    with db.engine.connect() as conn:
        return {
            "agents": queries.value_counts(conn, "agent_id"),
            "types": queries.value_counts(conn, "op_type"),
            "media": queries.value_counts(conn, "media_type"),
            "span": queries.time_span(conn),
        }


def reason_counts(
    db: Database, op_types: Sequence[int], f: BillFilter | None = None
) -> list[tuple[int, Any, int]]:
    """``queries.reason_counts`` on a connection of its own."""
    with db.engine.connect() as conn:
        return queries.reason_counts(conn, op_types, f)


def source_names(db: Database) -> dict[int, str]:
    """``queries.source_names`` on a connection of its own (a row per imported file)."""
    with db.engine.connect() as conn:
        return queries.source_names(conn)


def provenance(
    db: Database, source_id: int, bill_id: str
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """Where a bill came from and the conflicting copies of its id.

    ``queries.source_of`` and ``queries.conflicts_for``: a few rows read by key, fine on the GUI
    thread. A locked or damaged database is a ``DatabaseError`` naming it (``user_errors``).
    """
    with user_errors(db.path), db.engine.connect() as conn:
        return queries.source_of(conn, source_id), queries.conflicts_for(conn, bill_id)


def bill_briefs(db: Database, pks: Sequence[int]) -> list[tuple[Any, ...]]:
    """``queries.bill_briefs`` on a connection of its own (a primary-key lookup)."""
    with user_errors(db.path), db.engine.connect() as conn:
        return queries.bill_briefs(conn, pks)
