"""The text index: the free-text filter answered from an FTS5 trigram index on SQLite.

``bill_text`` (migration 0005) is a contentless FTS5 table with the trigram tokenizer over the
searched columns (``TEXT_COLUMNS``), ``detail=none`` and ``columnsize=0``: it keeps only which
rows hold each trigram, the smallest form (a million bills: about 85 MB beside 240 MB of
database, 165 MB of CSV). It covers the bills up to a watermark (``meta.text_index_upto``) and
grows by :func:`build`, in chunks, each its own short write transaction, so an import never
waits for it and bills imported later are found by a scan of the rows above the watermark.

A search does not trust the index alone: the rows holding all the needle's trigrams (case
folded) are candidates, and the text's own ``LIKE`` decides, so the answers are exactly the
scan's. The index is used only where it is faster (:func:`choose`): a needle of at least three
characters, an index that covers most bills, and not too many candidates (a needle found in
most bills reads its first rows faster by the scan in the table's order).

Which plan a statement gets is decided per read, by the caller that holds the connection
(``with searching(conn, f):``, the browse service's reader), and read by
``viewer.data.criteria`` when it builds the statement; without it a search scans, as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    Integer,
    MetaData,
    Table,
    Text,
    func,
    literal_column,
    select,
)

from viewer.core.criteria import TEXT_COLUMNS
from viewer.core.filters import BillFilter
from viewer.data.db import begin_immediate, meta_upsert_statement, meta_value_statement
from viewer.data.schema import bill

TABLE = "bill_text"
"""The FTS5 table's name."""

UPTO_KEY = "text_index_upto"
"""``meta`` key: the highest row key the index covers (no row: nothing indexed)."""

MIN_NEEDLE = 3
"""A trigram index cannot answer for fewer characters: shorter needles scan."""

MAX_CANDIDATES = 200_000
"""Above this many candidate rows (index hits plus unindexed rows) a count scans instead."""

PAGE_CANDIDATES = 10_000
"""The same for a page (``LIMIT``) in the table's order: a scan along the order's index meets a
page of a needle found in more bills sooner than the index's candidates are read and sorted
(1,000,000 bills: 18,000 candidates, 190 ms by the index, 32 ms by the scan)."""

CHUNK = 50_000
"""Row keys indexed per write transaction by :func:`build`."""

SERVER = -1
"""The plan of a team database: its ``pg_trgm`` index (the server keeps it current)."""

PG_INDEX = "ix_bill_text_trgm"
"""The trigram index of a team database (migration 0005)."""

PG_TEXT = "(" + " || E'\\x1f' || ".join(f"coalesce(bill.{c}, '')" for c in TEXT_COLUMNS) + ")"
"""The searched columns as one text, as ``PG_INDEX`` indexes it (the same expression)."""

_ALNUM3 = re.compile(r"[^\W_]{3}")

fts_metadata = MetaData()
bill_text = Table(
    TABLE,
    fts_metadata,
    Column("rowid", Integer),
    Column(TABLE, Text),  # the table-named column: ``bill_text MATCH ...`` searches all columns
)
"""The FTS5 table as far as the queries use it (not part of ``schema.metadata``: a virtual
table is created by the migration's DDL, not by ``create_all``)."""


def fts_query(text: str) -> str:
    """An FTS5 query for rows holding every trigram of ``text`` (a superset of its matches).

    Each trigram is one quoted token (``detail=none`` has no positions, so no phrase); the
    tokenizer folds letter case as it did for the indexed text.
    """
    grams = dict.fromkeys(text[i : i + 3] for i in range(len(text) - 2))
    return " AND ".join('"' + g.replace('"', '""') + '"' for g in grams)


_PLANS: ContextVar[dict[str, int] | None] = ContextVar("text_index_plans", default=None)
"""Needle -> watermark, for the statements built inside ``searching`` (None: scan all)."""


def indexed_upto(text: str) -> int | None:
    """The watermark to search ``text`` with through the index, None to scan (statement build)."""
    plans = _PLANS.get()
    return None if plans is None else plans.get(text)


def candidates(text: str, upto: int, pattern: str) -> ColumnElement[bool]:
    """Rows that may hold ``text``: the index's hits and every row above the watermark.

    On PostgreSQL (``upto`` is :data:`SERVER`) the searched columns as one text ``ILIKE`` the
    LIKE ``pattern``: what the trigram index answers.
    """
    if upto == SERVER:
        return literal_column(PG_TEXT, Text).ilike(pattern, escape="\\")
    hits = select(bill_text.c.rowid).where(bill_text.c[TABLE].match(fts_query(text)))
    tail = select(bill.c.pk).where(bill.c.pk > upto)
    return bill.c.pk.in_(hits.union_all(tail))


@dataclass(frozen=True)
class IndexState:
    """How far the index has got: ``upto`` (0: nothing) of the row keys up to ``top``."""

    upto: int
    top: int

    @property
    def ready(self) -> bool:
        """Whether every bill is indexed."""
        return self.upto >= self.top


def supported(conn: Connection) -> bool:
    """Whether this database has the text index (a SQLite file with ``bill_text``)."""
    if conn.dialect.name != "sqlite":
        return False
    return _has(conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", TABLE)


def server_index(conn: Connection) -> bool:
    """Whether this team database has the trigram index (``pg_trgm`` could be created)."""
    return _has(conn, "SELECT 1 FROM pg_indexes WHERE indexname = %s", PG_INDEX)


def _has(conn: Connection, sql: str, name: str) -> bool:
    return conn.exec_driver_sql(sql, (name,)).first() is not None


def state(conn: Connection) -> IndexState:
    """The watermark and the highest row key (two lookups)."""
    row = conn.execute(meta_value_statement(UPTO_KEY)).first()
    upto = int(row[0]) if row else 0
    top = conn.execute(select(func.max(bill.c.pk))).scalar()
    return IndexState(upto, int(top or 0))


def choose(conn: Connection, text: str, limit: int | None = None) -> int | None:
    """The watermark to search ``text`` with through the index, or None when the scan is better.

    The scan is better for a needle shorter than :data:`MIN_NEEDLE`, without an index, or when
    the unindexed rows plus the index's hits exceed ``limit`` (:data:`MAX_CANDIDATES`; counted
    no further than that). A team database's planner weighs its index itself.
    """
    if len(text) < MIN_NEEDLE or "\x00" in text:  # FTS5 reads its query up to a NUL
        return None
    if conn.dialect.name == "postgresql":
        # pg_trgm takes trigrams from runs of letters and digits; without one the planner decides
        return SERVER if _ALNUM3.search(text) and server_index(conn) else None
    if not supported(conn):
        return None
    st = state(conn)
    room = (limit or MAX_CANDIDATES) - (st.top - st.upto)
    if st.upto == 0 or room <= 0:
        return None
    hits = select(bill_text.c.rowid).where(bill_text.c[TABLE].match(fts_query(text))).limit(room)
    n = conn.execute(select(func.count()).select_from(hits.subquery())).scalar_one()
    return st.upto if n < room else None


@contextmanager
def searching(conn: Connection, f: BillFilter | None, limit: int | None = None) -> Iterator[None]:
    """Build the statements inside with the filter's text search planned for ``conn``.

    ``limit``: as :func:`choose` (:data:`PAGE_CANDIDATES` for a page).
    """
    text = f.text if f is not None else None
    upto = choose(conn, text, limit) if text else None
    if upto is None:
        yield
        return
    token = _PLANS.set({str(text): upto})
    try:
        yield
    finally:
        _PLANS.reset(token)


def build(
    conn: Connection,
    progress: Callable[[int, int], None] | None = None,
    cancel_check: Callable[[], None] | None = None,
    chunk: int | None = None,
) -> IndexState:
    """Index the bills above the watermark, ``chunk`` row keys (:data:`CHUNK`) a transaction.

    ``progress(done, total)`` (row keys) after each chunk; ``cancel_check`` runs between chunks
    and may raise to stop: what is committed stays indexed and the next build goes on from it.
    ``conn`` must not be in a transaction. Returns the state reached.
    """
    chunk = chunk or CHUNK
    cols = ", ".join(TEXT_COLUMNS)
    with conn.begin():
        st = state(conn)
    start = st.upto
    while True:
        with begin_immediate(conn):
            st = state(conn)  # an import may have added bills since
            if st.ready:
                break
            high = min(st.upto + chunk, st.top)
            conn.exec_driver_sql(
                f"INSERT INTO {TABLE} (rowid, {cols}) SELECT pk, {cols} FROM bill "
                "WHERE pk > ? AND pk <= ?",
                (st.upto, high),
            )
            conn.execute(meta_upsert_statement(conn.dialect.name, UPTO_KEY, str(high)))
        if progress is not None:
            progress(high - start, st.top - start)
        if cancel_check is not None:
            cancel_check()
    return st
