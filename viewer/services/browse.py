"""Browsing bills: the reads behind the table, the filter panel, the details pane and ``stats``.

``BrowseService(db)`` is the one entry point the window and the command line share for them:
counts, the first rows, pages by keyset (a row's sort key and row key) and a bounded list of
checkpoints with the exact count (through a ``BillReader``, which another thread may
interrupt), the filter panel's lists with their counts, a bill's provenance, the time span, the
source names and the database's headline figures. It is Qt-free; whatever grows with the
number of bills is for a background thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from viewer.core.filters import BillFilter
from viewer.data import browse, queries, text_index
from viewer.data.db import Database, user_errors
from viewer.data.keylist import KeyList, KeyListError
from viewer.data.queries import BRIEF_COLUMNS, ROW_COLUMNS, Checkpoints, Key, Stats

__all__ = [
    "BRIEF_COLUMNS",
    "ROW_COLUMNS",
    "BillReader",
    "BrowseService",
    "Checkpoints",
    "Key",
    "KeyList",
    "KeyListError",
    "Provenance",
    "Stats",
]


@dataclass(frozen=True)
class Provenance:
    """Where a bill came from and the copies of its id that arrived with other values.

    Attributes:
        source: The ledger entry of its file (``id``, ``path``, ``name``, ``size``, ``sha256``,
            ``imported_at``), None if the entry is gone.
        conflicts: One dict per conflicting copy (``line``, ``fields``, ``differs``, ``path``).
    """

    source: dict[str, Any] | None
    conflicts: list[dict[str, Any]]


class BillReader:
    """A read connection of its own, for reads another thread may stop with :meth:`interrupt`.

    The table model's snapshot runs each hold one, so that a newer filter stops an older run's
    statement; the page reads keep one open between pages. Close it (or use it as a context
    manager). A driver error a user can act on (a lost connection, a locked file) is raised as
    a one-line ``DatabaseError``; after one the reader is spent: close it and take a new one.
    """

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn = browse.connect(db)

    @contextmanager
    def _reading(self, f: BillFilter, page: bool = False) -> Iterator[None]:
        """A read of the filter's bills: user errors as one line, its text search planned.

        ``page``: a read of one page, for which the index pays off with fewer candidates.
        """
        limit = text_index.PAGE_CANDIDATES if page else None
        with user_errors(self._db.path), text_index.searching(self._conn, f, limit):
            yield

    def total(self) -> int:
        """How many bills the database holds."""
        with user_errors(self._db.path):
            return queries.total_bills(self._conn)

    def first_rows(self, f: BillFilter, limit: int) -> list[tuple[Any, ...]]:
        """The first ``limit`` matching rows (``ROW_COLUMNS``) in the filter's order."""
        with self._reading(f, page=True):
            return queries.first_rows(self._conn, f, limit)

    def ids_for(
        self,
        f: BillFilter,
        cancel_check: Callable[[], None] | None = None,
        progress: Callable[[int], None] | None = None,
    ) -> KeyList:
        """Every matching row key in order (a temporary file beyond a million keys).

        ``cancel_check`` runs between chunks (it may raise); ``progress`` is told the keys read.
        """
        with self._reading(f):
            return queries.ids_for(self._conn, f, cancel_check=cancel_check, progress=progress)

    def rows_by_ids(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The rows of these row keys in the order given (keys not found are left out)."""
        with user_errors(self._db.path):
            return queries.rows_by_ids(self._conn, ids)

    def checkpoints(
        self, f: BillFilter, cancel_check: Callable[[], None] | None = None
    ) -> Checkpoints:
        """The exact count and a bounded list of keyset checkpoints (one scan: off the GUI)."""
        with self._reading(f):
            return queries.scan_checkpoints(self._conn, f, cancel_check=cancel_check)

    def page(
        self,
        f: BillFilter,
        limit: int,
        *,
        after: Key | None = None,
        offset: int = 0,
        backward: bool = False,
        inclusive: bool = False,
    ) -> list[tuple[tuple[Any, ...], Key]]:
        """``(row, key)`` pairs from a keyset position, in the filter's order (``queries.page``)."""
        with self._reading(f, page=True):
            return queries.page(
                self._conn,
                f,
                limit,
                after=after,
                offset=offset,
                backward=backward,
                inclusive=inclusive,
            )

    def position_of(self, f: BillFilter, pk: int) -> int | None:
        """The row number of bill ``pk`` under the filter (None when hidden); a count."""
        with self._reading(f):
            return queries.position_of(self._conn, f, pk)

    def estimate(self, f: BillFilter) -> int | None:
        """The planner's estimate of the matching bills (PostgreSQL), None where there is none."""
        with self._reading(f):
            return queries.estimate_count(self._conn, f)

    def end_read(self) -> None:
        """End the read transaction, so that WAL checkpoints can proceed."""
        self._conn.rollback()

    def interrupt(self) -> None:
        """Abort the statement this reader runs in another thread (it raises "interrupted")."""
        browse.interrupt(self._db, self._conn)

    def close(self) -> None:
        """Give the connection back, without the page cache its reads filled."""
        browse.release(self._db, self._conn)

    def __enter__(self) -> BillReader:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class BrowseService:
    """The reads of browsing a bill database; each call opens a connection of its own."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def reader(self) -> BillReader:
        """A reader with a connection of its own (the table's snapshot and pages)."""
        return BillReader(self.db)

    @staticmethod
    def seekable(f: BillFilter) -> bool:
        """Whether the database can seek the filter's sort by index (``queries.seekable``)."""
        return queries.seekable(f)

    def count(self, f: BillFilter) -> int:
        """How many bills match the filter (a scan: off the GUI thread)."""
        with browse.connect(self.db) as conn, text_index.searching(conn, f):
            return queries.count(conn, f)

    def total(self) -> int:
        """How many bills the database holds."""
        with browse.connect(self.db) as conn:
            return queries.total_bills(conn)

    def first_rows(self, f: BillFilter, limit: int) -> list[tuple[Any, ...]]:
        """The first ``limit`` matching rows in the filter's order."""
        with self.reader() as r:
            return r.first_rows(f, limit)

    def rows_by_ids(self, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        """The rows of these row keys in the order given."""
        with self.reader() as r:
            return r.rows_by_ids(ids)

    def ids_for(self, f: BillFilter, cancel_check: Callable[[], None] | None = None) -> KeyList:
        """Every matching row key in the filter's order (see ``BillReader.ids_for``)."""
        with self.reader() as r:
            return r.ids_for(f, cancel_check)

    def filter_lists(self) -> dict[str, Any]:
        """The filter panel's lists, with their bill counts (off the GUI thread).

        Keys ``agents``, ``types``, ``media`` (values with counts) and ``span`` (earliest and
        latest begin time, or ``(None, None)``).
        """
        return browse.filter_lists(self.db)

    def reason_counts(
        self, op_types: Sequence[int], f: BillFilter | None = None
    ) -> list[tuple[int, Any, int]]:
        """``(op_type, op_cause, count)`` of the given types, under an optional filter."""
        return browse.reason_counts(self.db, op_types, f)

    def details(self, source_id: int, bill_id: str) -> Provenance:
        """A bill's provenance: its file's ledger entry and the conflicting copies of its id.

        A few rows read by key: fine on the GUI thread.
        """
        source, conflicts = browse.provenance(self.db, source_id, bill_id)
        return Provenance(source, conflicts)

    def time_span(self) -> tuple[int | None, int | None]:
        """Earliest and latest begin time (stored seconds); ``(None, None)`` when empty."""
        with browse.connect(self.db) as conn:
            return queries.time_span(conn)

    def source_names(self) -> dict[int, str]:
        """The file name of every imported file by its ledger id (the table's Source column)."""
        return browse.source_names(self.db)

    def bill_briefs(self, pks: Sequence[int]) -> list[tuple[Any, ...]]:
        """``BRIEF_COLUMNS`` of the bills with these row keys (investigation tooltips)."""
        return browse.bill_briefs(self.db, pks)

    def stats(self) -> Stats:
        """Bills, agents, time span, files, rejects and conflicts (``bill-viewer stats``)."""
        return queries.stats(self.db)
