"""The read queries behind the table, the filters and the exports, as SQLAlchemy Core statements.

Each query is a statement builder (``count_statement(f)``, ``rows_statement(f, limit)`` ...) that
returns a ``select`` over the tables of ``viewer.data.schema``, and a thin function that runs it on
a connection. The WHERE clause of a filter comes from ``viewer.data.criteria`` (each criterion
defined once in ``viewer.core.criteria``), so the same filter drives the window, the command line
and the exporter, and every statement compiles for PostgreSQL too.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, false, func, or_, select

from viewer.core.columns import ROW_FIELDS
from viewer.core.criteria import TEXT_COLUMNS
from viewer.core.filters import BillFilter
from viewer.core.timefmt import from_epoch
from viewer.data.criteria import (
    MAX_VARS,
    in_values,
    verbatim_cause,
    where_clause,
    where_parts,
)
from viewer.data.db import Database, user_errors
from viewer.data.keylist import KeyList
from viewer.data.schema import DURATION, bill, conflict, reject, source_file

__all__ = [
    "BRIEF_COLUMNS",
    "MAX_VARS",
    "ROW_COLUMNS",
    "TEXT_COLUMNS",
    "Stats",
    "bill_briefs",
    "conflicts_for",
    "count",
    "estimate_count",
    "first_rows",
    "ids_for",
    "iter_rows",
    "page",
    "position_of",
    "reason_counts",
    "rows_by_ids",
    "scan_checkpoints",
    "seekable",
    "source_names",
    "source_of",
    "stats",
    "time_span",
    "total_bills",
    "value_counts",
    "where_clause",
]

ROW_COLUMNS: tuple[str, ...] = ROW_FIELDS
"""Columns of a row returned by ``rows_by_ids`` and ``first_rows`` (``viewer.core.columns``)."""

_SORT: dict[str, tuple[ColumnElement[Any], ...]] = {
    "duration": (DURATION,),
    "source": (bill.c.source_id, bill.c.line),
    "id": (bill.c.bill_id,),
    "callIn_out": (bill.c.call_in_out,),
    "skillInfo_sn": (bill.c.skill_info_sn,),
    # Equal values follow the rest of their index (an agent's bills in time order): the order
    # is then the index's own, with no sort of each agent's or type's bills before a page.
    "agent_id": (bill.c.agent_id, bill.c.begin_time),
    "op_type": (bill.c.op_type, bill.c.op_cause, bill.c.begin_time),
}
"""Sort keys whose expression is not the column of the same name."""


def sort_keys(f: BillFilter) -> tuple[ColumnElement[Any], ...]:
    """The expressions a filter's sort orders by, before the row key that breaks ties."""
    return _SORT[f.sort] if f.sort in _SORT else (bill.c[f.sort],)


def order_by(f: BillFilter) -> list[ColumnElement[Any]]:
    """The ORDER BY list for a filter's sort (ties broken by row key, so order is stable)."""
    keys = [*sort_keys(f), bill.c.pk]
    return [k.desc() for k in keys] if f.descending else list(keys)


def _row_select() -> Select[Any]:
    return select(*(bill.c[n] for n in ROW_COLUMNS))


def count_statement(f: BillFilter) -> Select[Any]:
    """How many bills match the filter."""
    return select(func.count()).select_from(bill).where(*where_parts(f))


def total_statement() -> Select[Any]:
    """How many bills the database holds."""
    return select(func.count()).select_from(bill)


def ids_statement(f: BillFilter) -> Select[Any]:
    """The matching row keys in the filter's order."""
    return select(bill.c.pk).where(*where_parts(f)).order_by(*order_by(f))


def rows_statement(f: BillFilter, limit: int | None = None) -> Select[Any]:
    """The matching rows (``ROW_COLUMNS``) in the filter's order, the first ``limit`` if given."""
    stmt = _row_select().where(*where_parts(f)).order_by(*order_by(f))
    return stmt if limit is None else stmt.limit(int(limit))


def rows_by_ids_statement(pks: Sequence[int]) -> Select[Any]:
    """The rows (``ROW_COLUMNS``) of the given row keys, in the database's order."""
    return _row_select().where(in_values(bill.c.pk, pks))


def count(conn: Connection, f: BillFilter) -> int:
    """How many bills match the filter."""
    return int(conn.execute(count_statement(f)).scalar_one())


def total_bills(conn: Connection) -> int:
    """How many bills the database holds."""
    return int(conn.execute(total_statement()).scalar_one())


def read_chunks(
    conn: Connection,
    stmt: Select[Any],
    cancel_check: Callable[[], None] | None = None,
    size: int = 50_000,
) -> Iterator[Sequence[Sequence[Any]]]:
    """The statement's rows ``size`` at a time, never the whole result in memory.

    SQLite's cursor steps through the rows as they are fetched; they are read from the driver's
    cursor, a measured fast path (5M keys: 2.9 s through SQLAlchemy's rows, 1.0 s from the
    cursor). psycopg's default cursor receives the whole result before the first row (20M keys:
    1.5 GB in the window), so on PostgreSQL the rows come through a server-side cursor
    (``yield_per``), one chunk a fetch. ``cancel_check`` runs after each chunk (it may raise).
    """
    if conn.dialect.name == "postgresql":
        result = conn.execution_options(yield_per=size).execute(stmt)
        try:
            for chunk in result.partitions():
                yield chunk
                if cancel_check is not None:
                    cancel_check()
        finally:
            result.close()
        return
    result = conn.execute(stmt)
    cur = result.cursor
    try:
        while chunk := cur.fetchmany(size):
            yield chunk
            if cancel_check is not None:
                cancel_check()
    finally:
        result.close()


def ids_for(
    conn: Connection,
    f: BillFilter,
    cancel_check: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> KeyList:
    """All matching row keys in the filter's order: a ``KeyList`` (a temporary file when many).

    ``progress`` is told the number of keys read after each chunk (a sort without index reads
    none until the database has sorted every matching bill).
    """
    out = KeyList()
    try:
        for chunk in read_chunks(conn, ids_statement(f), cancel_check):
            out.extend(chain.from_iterable(chunk))
            if progress is not None:
                progress(len(out))
    except BaseException:
        out.close()
        raise
    return out


def first_rows(conn: Connection, f: BillFilter, limit: int) -> list[tuple[Any, ...]]:
    """The first ``limit`` matching rows in order (what a window shows before the id snapshot)."""
    return [tuple(r) for r in conn.execute(rows_statement(f, limit))]


def rows_by_ids(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows for the given row keys, in the order given (a primary-key lookup in chunks)."""
    found: dict[int, tuple[Any, ...]] = {}
    for i in range(0, len(ids), MAX_VARS):
        chunk = list(ids[i : i + MAX_VARS])
        for r in conn.execute(rows_by_ids_statement(chunk)):
            found[r[0]] = tuple(r)
    return [found[i] for i in ids if i in found]


def iter_rows(conn: Connection, f: BillFilter, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
    """Stream every matching row in order (the exporter's source), without holding them all."""
    cur = conn.execute(rows_statement(f))
    while True:
        chunk = cur.fetchmany(batch)
        if not chunk:
            return
        for r in chunk:
            yield tuple(r)


VALUE_COUNT_COLUMNS: tuple[str, ...] = ("agent_id", "op_type", "media_type", "skill_id")
"""Columns ``value_counts`` answers for (the filter panel's lists)."""


def value_counts_statement(
    column: str, f: BillFilter | None = None, limit: int | None = None
) -> Select[Any]:
    """Distinct values of a column with their bill counts, under an optional filter."""
    if column not in VALUE_COUNT_COLUMNS:
        raise ValueError(f"no value counts for {column!r}")
    col = bill.c[column]
    stmt = (
        select(col, func.count()).where(*where_parts(f or BillFilter())).group_by(col).order_by(col)
    )
    return stmt.limit(int(limit)) if limit else stmt


def value_counts(
    conn: Connection, column: str, f: BillFilter | None = None, limit: int | None = None
) -> list[tuple[Any, int]]:
    """Distinct values of a column with their bill counts, under an optional filter."""
    return [(r[0], int(r[1])) for r in conn.execute(value_counts_statement(column, f, limit))]


def reason_counts_statement(op_types: Sequence[int], f: BillFilter | None = None) -> Select[Any]:
    """``(op_type, op_cause, count)`` for the given types under an optional filter.

    Bills whose reason is kept as written (no code, see ``criteria.verbatim_cause``) are left
    out: they are neither a reason one can tick nor "not used".
    """
    return (
        select(bill.c.op_type, bill.c.op_cause, func.count())
        .where(
            bill.c.op_type.in_(list(op_types)),
            ~verbatim_cause(),
            *where_parts(f or BillFilter()),
        )
        .group_by(bill.c.op_type, bill.c.op_cause)
        .order_by(bill.c.op_type, bill.c.op_cause)
    )


def reason_counts(
    conn: Connection, op_types: Sequence[int], f: BillFilter | None = None
) -> list[tuple[int, Any, int]]:
    """``(op_type, op_cause, count)`` for the given types under an optional filter.

    See ``reason_counts_statement``; no types, no rows.
    """
    if not op_types:
        return []
    return [(r[0], r[1], int(r[2])) for r in conn.execute(reason_counts_statement(op_types, f))]


def conflicts_statement(bill_id: str) -> Select[Any]:
    """Copies of a bill id that arrived with other values, with the path of their file."""
    return (
        select(conflict.c.line, conflict.c.fields, conflict.c.differs, source_file.c.path)
        .join(source_file, source_file.c.id == conflict.c.source_id)
        .where(conflict.c.bill_id == bill_id)
        .order_by(conflict.c.id)
    )


def conflicts_for(conn: Connection, bill_id: str) -> list[dict[str, Any]]:
    """Copies of a bill id that arrived with other values, with where they came from."""
    return [
        {"line": r[0], "fields": json.loads(r[1]), "differs": r[2].split(","), "path": r[3]}
        for r in conn.execute(conflicts_statement(bill_id))
    ]


SOURCE_COLUMNS: tuple[str, ...] = ("id", "path", "name", "size", "sha256", "imported_at")
"""Keys of a ledger entry returned by ``source_of``."""


def source_statement(source_id: int) -> Select[Any]:
    """One ledger entry (``SOURCE_COLUMNS``)."""
    return select(*(source_file.c[n] for n in SOURCE_COLUMNS)).where(source_file.c.id == source_id)


def source_of(conn: Connection, source_id: int) -> dict[str, Any] | None:
    """One ledger entry (path, sha256, imported_at ...)."""
    r = conn.execute(source_statement(source_id)).first()
    if r is None:
        return None
    return dict(zip(SOURCE_COLUMNS, r, strict=True))


def time_span_statement() -> Select[Any]:
    """Earliest and latest begin time, as two scalar subqueries (see ``time_span``)."""
    return select(
        select(func.min(bill.c.begin_time)).scalar_subquery(),
        select(func.max(bill.c.begin_time)).scalar_subquery(),
    )


def time_span(conn: Connection) -> tuple[int | None, int | None]:
    """Earliest and latest begin time (epoch seconds) of all bills; ``(None, None)`` when empty.

    The filter panel's default time range and ``stats``' first and last bill. Two subqueries:
    SQLite answers a lone min() or max() from the begin_time index's ends, but scans every bill
    for both in one SELECT. Still a read of the database: callers run it off the GUI thread.
    """
    lo, hi = conn.execute(time_span_statement()).one()
    return lo, hi


def source_names_statement() -> Select[Any]:
    """Id and file name of every ledger entry."""
    return select(source_file.c.id, source_file.c.name)


def source_names(conn: Connection) -> dict[int, str]:
    """File name of every ledger entry by its id (the table's Source column)."""
    return {int(r[0]): str(r[1]) for r in conn.execute(source_names_statement())}


BRIEF_COLUMNS: tuple[str, ...] = ("pk", "bill_id", "op_type", "op_cause", "begin_time", "end_time")
"""Columns of a row returned by ``bill_briefs``."""


def briefs_statement(pks: Sequence[int]) -> Select[Any]:
    """``BRIEF_COLUMNS`` of the bills with the given row keys."""
    return select(*(bill.c[n] for n in BRIEF_COLUMNS)).where(in_values(bill.c.pk, pks))


def bill_briefs(conn: Connection, pks: Sequence[int]) -> list[tuple[Any, ...]]:
    """``BRIEF_COLUMNS`` of the bills with the given row keys (a primary-key lookup in chunks).

    What a tooltip says about the bills behind an investigation figure; keys not found are left
    out, the order is the database's.
    """
    out: list[tuple[Any, ...]] = []
    keys = list(pks)
    for i in range(0, len(keys), MAX_VARS):
        out.extend(tuple(r) for r in conn.execute(briefs_statement(keys[i : i + MAX_VARS])))
    return out


@dataclass(frozen=True)
class Stats:
    """Headline figures of a database (``bill-viewer stats``)."""

    bills: int
    agents: int
    first_begin: str
    last_begin: str
    files: int
    rejects: int
    conflicts: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dict(self.__dict__)


def stats_statements() -> dict[str, Select[Any]]:
    """The counts of ``stats`` besides the bills and the time span, by name."""
    return {
        "agents": select(func.count(bill.c.agent_id.distinct())),
        "files": select(func.count()).select_from(source_file),
        "rejects": select(func.count()).select_from(reject),
        "conflicts": select(func.count()).select_from(conflict),
    }


def stats(db: Database) -> Stats:
    """Bills, agents, time span, files, rejects and conflicts of a database."""
    with user_errors(db.path), db.engine.connect() as conn:
        bills = total_bills(conn)
        n = {k: int(conn.execute(q).scalar_one()) for k, q in stats_statements().items()}
        lo, hi = time_span(conn)
    first, last = from_epoch(lo), from_epoch(hi)
    return Stats(bills, n["agents"], first, last, n["files"], n["rejects"], n["conflicts"])


# -- keyset paging -----------------------------------------------------------------------------
#
# The table pages by keyset: a page is "the next PAGE rows after this row's sort key and row key"
# (or before it), so the window holds a few pages and a bounded list of checkpoints, never a key
# per bill. A position is reached from the nearest checkpoint (every ``stride``-th row's key) by
# a small OFFSET. Where NULLs sort depends on the database: lowest on SQLite, highest on
# PostgreSQL (both defaults, which ``order_by`` keeps); ``nulls_low`` says which.

Key = tuple[Any, ...]
"""A row's position in a filter's order: its sort-key values, then its row key."""


def nulls_low(conn: Connection) -> bool:
    """Whether NULL sorts before every value on this connection's database (SQLite: yes)."""
    return conn.dialect.name != "postgresql"


def _later(col: ColumnElement[Any], value: Any, up: bool, low: bool) -> ColumnElement[bool]:
    """``col`` comes strictly after ``value`` in a walk upward (``up``) or downward.

    ``low``: NULL sorts lowest. NULLs are compared explicitly (``>`` alone never holds for one).
    """
    null_first = low == up  # walking up from low NULLs, or down from high NULLs, meets them first
    if value is None:
        return col.is_not(None) if null_first else false()
    beyond = col > value if up else col < value
    return beyond if null_first else or_(beyond, col.is_(None))


def _same(col: ColumnElement[Any], value: Any) -> ColumnElement[bool]:
    return col.is_(None) if value is None else col == value


def nulls_last(f: BillFilter, *, forward: bool = True, low: bool = True) -> bool:
    """Whether a walk meets the first sort key's NULLs after all its values.

    Then "after ``key``" is "a value beyond it, or NULL": an OR that makes SQLite scan its index
    from the start instead of seeking ``key``; ``page`` reads such a walk in two parts.
    """
    return low != (forward != f.descending)


def keyset_condition(
    f: BillFilter,
    key: Key,
    *,
    forward: bool = True,
    low: bool = True,
    inclusive: bool = False,
    values_only: bool = False,
) -> ColumnElement[bool]:
    """The rows strictly after ``key`` in the filter's order (``forward``) or strictly before it.

    ``key`` is the sort-key values then the row key (what ``page`` returns beside each row);
    ``inclusive`` takes ``key``'s own row too. A redundant bound on the first sort key
    (``>=``/``<=``) lets the database seek its index (an OR around it would make SQLite scan).
    ``values_only``: leave out the rows whose first sort key is NULL (see ``nulls_last``).
    """
    cols = [*sort_keys(f), bill.c.pk]
    return _keyset(cols, key, forward != f.descending, low, inclusive, values_only)


def _keyset(
    cols: Sequence[ColumnElement[Any]],
    key: Key,
    up: bool,
    low: bool,
    inclusive: bool,
    values_only: bool = False,
) -> ColumnElement[bool]:
    """``keyset_condition`` over the columns ``cols`` (the sort keys then the row key)."""
    terms = []
    for i, (col, value) in enumerate(zip(cols, key, strict=True)):
        if i == len(cols) - 1:  # the row key: never NULL
            if inclusive:
                later = col >= value if up else col <= value
            else:
                later = col > value if up else col < value
        elif i == 0 and values_only and value is not None:  # no NULL beyond ``key``
            later = col > value if up else col < value
        else:
            later = _later(col, value, up, low)
        terms.append(and_(*(_same(c, v) for c, v in zip(cols[:i], key[:i], strict=True)), later))
    cond = or_(*terms)
    first = key[0]
    nulls_behind = low == up  # the walk met the first key's NULLs before ``key``: none ahead
    if first is not None and (nulls_behind or values_only):
        cond = and_(cols[0] >= first if up else cols[0] <= first, cond)
    return cond


def page_statement(
    f: BillFilter,
    limit: int,
    *,
    after: Key | None = None,
    offset: int = 0,
    backward: bool = False,
    inclusive: bool = False,
    low: bool = True,
    values_only: bool = False,
    null_part: bool = False,
) -> Select[Any]:
    """``limit`` matching rows (``ROW_COLUMNS`` then the sort key) from a keyset position.

    Forward: the rows after ``after`` (from the start when None) in the filter's order; backward:
    the rows before it (from the end when None), nearest first. ``inclusive`` takes ``after``'s
    own row too; ``offset`` skips that many first. ``values_only`` / ``null_part``: only the
    rows whose first sort key has a value / is NULL (the two parts of a ``nulls_last`` walk).
    """
    keys = [*sort_keys(f), bill.c.pk]
    stmt = select(*(bill.c[n] for n in ROW_COLUMNS), *keys).where(*where_parts(f))
    if null_part:  # the NULLs of the first key, which lie at the end of the walk
        stmt = stmt.where(keys[0].is_(None))
        keys = keys[1:]  # constant here; SQLite sorts again if an expression stays in the order
        if after is not None and after[0] is None:  # a NULL row: those beyond it, by the rest
            up = backward == f.descending
            stmt = stmt.where(_keyset(keys, after[1:], up, low, inclusive))
    elif after is not None:
        stmt = stmt.where(
            keyset_condition(
                f,
                after,
                forward=not backward,
                low=low,
                inclusive=inclusive,
                values_only=values_only,
            )
        )
    down = f.descending != backward
    stmt = stmt.order_by(*(k.desc() if down else k for k in keys))
    stmt = stmt.limit(int(limit))
    return stmt.offset(int(offset)) if offset else stmt


def page(
    conn: Connection,
    f: BillFilter,
    limit: int,
    *,
    after: Key | None = None,
    offset: int = 0,
    backward: bool = False,
    inclusive: bool = False,
) -> list[tuple[tuple[Any, ...], Key]]:
    """``(row, key)`` pairs of ``page_statement`` in the filter's order (backward ones too).

    A walk that meets the first sort key's NULLs after its values (``nulls_last``) reads the
    values by an index seek, then, if the page is not full, the NULLs: one OR over both would
    make SQLite scan from the start of the order to ``after`` (a far jump in a descending sort),
    and an expression kept in the NULLs' ORDER BY would make it sort them all.
    """
    low = nulls_low(conn)
    n = len(ROW_COLUMNS)
    common = {"backward": backward, "inclusive": inclusive, "low": low}

    def run(stmt: Select[Any]) -> list[tuple[tuple[Any, ...], Key]]:
        return [(tuple(r[:n]), tuple(r[n:])) for r in conn.execute(stmt)]

    if after is None or not nulls_last(f, forward=not backward, low=low):
        out = run(page_statement(f, limit, after=after, offset=offset, **common))
    elif after[0] is None:  # already among the NULLs
        out = run(page_statement(f, limit, after=after, offset=offset, null_part=True, **common))
    else:
        out = run(page_statement(f, limit, after=after, offset=offset, values_only=True, **common))
        if len(out) < limit:
            skipped = offset  # values ahead of the page's first row: all of ``offset`` if any came
            if not out and offset:
                values = page_statement(f, offset, after=after, values_only=True, **common)
                skipped = int(
                    conn.execute(select(func.count()).select_from(values.subquery())).scalar_one()
                )
            rest = page_statement(
                f, limit - len(out), after=after, offset=offset - skipped, null_part=True, **common
            )
            out += run(rest)
    if backward:
        out.reverse()
    return out


def seekable(f: BillFilter) -> bool:
    """Whether the database can seek the filter's sort (an index leads with its first key).

    A page of a sort it cannot seek (source, most text and code columns) costs a scan and a sort
    of the matching bills; the table keeps such sorts' row keys (read by its background scan).
    """
    first = sort_keys(f)[0]
    return any(ix.expressions[0].compare(first) for ix in bill.indexes)


def key_statement(f: BillFilter, pk: int) -> Select[Any]:
    """The sort key of the bill ``pk`` if it matches the filter (no row otherwise)."""
    return select(*sort_keys(f), bill.c.pk).where(bill.c.pk == pk, *where_parts(f))


def position_statement(f: BillFilter, key: Key, low: bool = True) -> Select[Any]:
    """How many matching rows come before ``key`` in the filter's order (its row number)."""
    return (
        select(func.count())
        .select_from(bill)
        .where(*where_parts(f), keyset_condition(f, key, forward=False, low=low))
    )


def position_of(conn: Connection, f: BillFilter, pk: int) -> int | None:
    """The row number of bill ``pk`` in the filter's order; None when the filter hides it.

    A count of the rows before it: off the GUI thread.
    """
    found = conn.execute(key_statement(f, pk)).first()
    if found is None:
        return None
    return int(conn.execute(position_statement(f, tuple(found), nulls_low(conn))).scalar_one())


def checkpoints_statement(f: BillFilter) -> Select[Any]:
    """Every matching row's key (sort key, row key) in the filter's order."""
    return select(*sort_keys(f), bill.c.pk).where(*where_parts(f)).order_by(*order_by(f))


@dataclass(frozen=True)
class Checkpoints:
    """How many rows match and the key of every ``stride``-th row (row 0, stride, 2*stride ...).

    At most ``MAX_CHECKPOINTS`` keys whatever the number of rows: the stride doubles as the
    rows grow, so any row is at most ``stride - 1`` rows past a checkpoint.
    """

    count: int
    stride: int
    keys: list[Key]


MAX_CHECKPOINTS = 2048
"""Keys ``scan_checkpoints`` keeps at most (a few hundred kB whatever the number of bills)."""


def scan_checkpoints(
    conn: Connection, f: BillFilter, cancel_check: Callable[[], None] | None = None
) -> Checkpoints:
    """Read every matching key in order once, keeping the count and a bounded list of checkpoints.

    ``cancel_check`` runs between chunks (it may raise to stop the scan).
    """
    keys: list[Key] = []
    stride, n = 1, 0
    for chunk in read_chunks(conn, checkpoints_statement(f), cancel_check):
        first = (-n) % stride  # the chunk's first row on a multiple of the stride
        keys.extend(tuple(r) for r in chunk[first::stride])
        n += len(chunk)
        while len(keys) > MAX_CHECKPOINTS:
            keys = keys[::2]
            stride *= 2
    return Checkpoints(n, stride, keys)


def estimate_statement(f: BillFilter) -> Select[Any]:
    """The query whose planned row count ``estimate_count`` reads (the matching row keys)."""
    return select(bill.c.pk).where(*where_parts(f))


def estimate_count(conn: Connection, f: BillFilter) -> int | None:
    """The planner's estimate of the matching rows (PostgreSQL); None where there is none.

    ``EXPLAIN (FORMAT JSON)`` costs a plan, not a scan, so a window can say "about N" at once
    while the exact count runs. Driver-level text: EXPLAIN has no Core construct.
    """
    if conn.dialect.name != "postgresql":
        return None
    compiled = estimate_statement(f).compile(
        dialect=conn.dialect, compile_kwargs={"render_postcompile": True}
    )
    plan = conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + compiled.string, compiled.params)
    doc = plan.scalar_one()
    doc = json.loads(doc) if isinstance(doc, str) else doc
    return int(doc[0]["Plan"]["Plan Rows"])
