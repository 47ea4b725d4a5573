"""``BillFilter`` -> SQL, and the read queries behind the table, the filters and the exports.

WHERE fragments are built with positional parameters the way datasette's filters are, so the same
filter drives the window, the command line and the exporter.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

from sqlalchemy import Connection

from viewer.core.columns import ROW_FIELDS
from viewer.core.filters import BillFilter, Reason
from viewer.core.timefmt import from_epoch, to_epoch
from viewer.data.db import Database, user_errors

VERBATIM_CAUSE_SQL = (
    "(op_cause IS NULL AND coalesce(json_extract(raw_codes, '$.op_cause'), 'US_NO_USE') "
    "<> 'US_NO_USE')"
)
"""A reason kept as written because it is no plain integer ("05", "1e3"): NULL in ``op_cause``,
its text in ``raw_codes``. It is not a code and not the "not used" marker (``US_NO_USE`` is)."""
NOT_USED_SQL = (
    "(CASE WHEN op_cause IS NULL THEN coalesce(json_extract(raw_codes, '$.op_cause'), "
    "'US_NO_USE') = 'US_NO_USE' ELSE op_cause IN (65535, -1, '') END)"
)
"""Whether the reason is "not used" (true or false, never NULL: ``NOT`` of it must exclude)."""
TEXT_COLUMNS: tuple[str, ...] = (
    "bill_id",
    "agent_id",
    "call_id",
    "phone_no",
    "op_object",
    "skill_id",
    "logon_sn",
    "account_id",
    "developer_id",
)
"""Columns searched by the free-text filter."""

SORT_SQL: dict[str, str] = {
    "duration": "(end_time - begin_time)",
    "source": "source_id, line",
    "id": "bill_id",
    "callIn_out": "call_in_out",
    "skillInfo_sn": "skill_info_sn",
}

ROW_COLUMNS: tuple[str, ...] = ROW_FIELDS
"""Columns of a row returned by ``rows_by_ids`` and ``first_rows`` (``viewer.core.columns``)."""

MAX_VARS = 900


def _marks(n: int) -> str:
    return ",".join("?" * n)


def _reason_sql(reasons: Sequence[Reason], params: list[Any]) -> str:
    parts = []
    for op_type, cause in reasons:
        if cause is None:
            parts.append(f"(op_type = ? AND {NOT_USED_SQL})")
            params.append(op_type)
        else:
            parts.append("(op_type = ? AND op_cause = ?)")
            params.extend((op_type, cause))
    return "(" + " OR ".join(parts) + ")"


def where_sql(f: BillFilter) -> tuple[str, list[Any]]:
    """The WHERE clause (``"1"`` when unrestricted) and its parameters for a filter."""
    clauses: list[str] = []
    params: list[Any] = []
    if f.ids:
        clauses.append(
            f"pk IN ({_marks(len(f.ids))})"
            if len(f.ids) <= MAX_VARS
            else "pk IN (SELECT value FROM json_each(?))"
        )
        params.extend(f.ids if len(f.ids) <= MAX_VARS else [f"[{','.join(map(str, f.ids))}]"])
    if f.agents:
        clauses.append(f"agent_id IN ({_marks(len(f.agents))})")
        params.extend(f.agents)
    if f.exclude_agents:
        clauses.append(f"agent_id NOT IN ({_marks(len(f.exclude_agents))})")
        params.extend(f.exclude_agents)
    if f.op_types or f.reasons:
        # A reason narrows its own operation type; types without a chosen reason stay whole
        # ("rest, or busy with reason 201"), so ticking a reason never hides another type.
        whole = f.whole_op_types()
        alternatives = []
        if whole:
            alternatives.append(f"op_type IN ({_marks(len(whole))})")
            params.extend(whole)
        if f.reasons:
            alternatives.append(_reason_sql(f.reasons, params))
        clauses.append(
            alternatives[0] if len(alternatives) == 1 else "(" + " OR ".join(alternatives) + ")"
        )
    if f.exclude_op_types:
        clauses.append(f"op_type NOT IN ({_marks(len(f.exclude_op_types))})")
        params.extend(f.exclude_op_types)
    if f.exclude_reasons:
        clauses.append("NOT " + _reason_sql(f.exclude_reasons, params))
    if f.time_from and f.overlapping:
        # Going on after the start: ended after it, or not ended (open). No lower bound on
        # begin_time: a bill may last any time, so none can be derived from the filter alone;
        # the index on begin_time still serves the upper bound below.
        clauses.append("(end_time > ? OR end_time IS NULL)")
        params.append(to_epoch(f.time_from))
    elif f.time_from:
        clauses.append("begin_time >= ?")
        params.append(to_epoch(f.time_from))
    if f.time_to:
        clauses.append("begin_time < ?")
        params.append(to_epoch(f.time_to))
    if f.call_id:
        clauses.append("call_id = ?")
        params.append(f.call_id)
    if f.skill:
        clauses.append("skill_id = ?")
        params.append(f.skill)
    if f.media_types:
        clauses.append(f"media_type IN ({_marks(len(f.media_types))})")
        params.extend(f.media_types)
    if f.text:
        pattern = "%" + f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        clauses.append("(" + " OR ".join(f"{c} LIKE ? ESCAPE '\\'" for c in TEXT_COLUMNS) + ")")
        params.extend([pattern] * len(TEXT_COLUMNS))
    return (" AND ".join(clauses) if clauses else "1"), params


def order_sql(f: BillFilter) -> str:
    """The ORDER BY list for a filter's sort (ties broken by row key, so order is stable)."""
    direction = " DESC" if f.descending else ""
    expr = SORT_SQL.get(f.sort, f.sort)
    cols = ", ".join(f"{part.strip()}{direction}" for part in expr.split(", "))
    return f"{cols}, pk{direction}"


def count(conn: Connection, f: BillFilter) -> int:
    """How many bills match the filter."""
    where, params = where_sql(f)
    return int(
        conn.exec_driver_sql(f"SELECT count(*) FROM bill WHERE {where}", tuple(params)).scalar_one()
    )


def total_bills(conn: Connection) -> int:
    """How many bills the database holds (uses the table's max row key when it is dense)."""
    return int(conn.exec_driver_sql("SELECT count(*) FROM bill").scalar_one())


def ids_for(conn: Connection, f: BillFilter, cancel_check: Any = None) -> array:
    """All matching row keys in the filter's order, as a compact ``array('q')``."""
    where, params = where_sql(f)
    out = array("q")
    result = conn.exec_driver_sql(
        f"SELECT pk FROM bill WHERE {where} ORDER BY {order_sql(f)}", tuple(params)
    )
    # Read the driver's cursor, not SQLAlchemy rows: for millions of keys the Row objects cost
    # twice the query itself (5M keys: 2.9 s through rows, 1.0 s from the cursor).
    cur = result.cursor
    try:
        while True:
            chunk = cur.fetchmany(50_000)
            if not chunk:
                break
            out.extend(chain.from_iterable(chunk))
            if cancel_check is not None:
                cancel_check()
    finally:
        result.close()
    return out


def first_rows(conn: Connection, f: BillFilter, limit: int) -> list[tuple[Any, ...]]:
    """The first ``limit`` matching rows in order (what a window shows before the id snapshot)."""
    where, params = where_sql(f)
    return [
        tuple(r)
        for r in conn.exec_driver_sql(
            f"SELECT {', '.join(ROW_COLUMNS)} FROM bill WHERE {where} "
            f"ORDER BY {order_sql(f)} LIMIT {int(limit)}",
            tuple(params),
        )
    ]


def rows_by_ids(conn: Connection, ids: Sequence[int]) -> list[tuple[Any, ...]]:
    """Rows for the given row keys, in the order given (a primary-key lookup in chunks)."""
    found: dict[int, tuple[Any, ...]] = {}
    cols = ", ".join(ROW_COLUMNS)
    for i in range(0, len(ids), MAX_VARS):
        chunk = list(ids[i : i + MAX_VARS])
        for r in conn.exec_driver_sql(
            f"SELECT {cols} FROM bill WHERE pk IN ({_marks(len(chunk))})", tuple(chunk)
        ):
            found[r[0]] = tuple(r)
    return [found[i] for i in ids if i in found]


def iter_rows(conn: Connection, f: BillFilter, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
    """Stream every matching row in order (the exporter's source), without holding them all."""
    where, params = where_sql(f)
    cur = conn.exec_driver_sql(
        f"SELECT {', '.join(ROW_COLUMNS)} FROM bill WHERE {where} ORDER BY {order_sql(f)}",
        tuple(params),
    )
    while True:
        chunk = cur.fetchmany(batch)
        if not chunk:
            return
        for r in chunk:
            yield tuple(r)


def value_counts(
    conn: Connection, column: str, f: BillFilter | None = None, limit: int | None = None
) -> list[tuple[Any, int]]:
    """Distinct values of a column with their bill counts, under an optional filter."""
    if column not in ("agent_id", "op_type", "media_type", "skill_id"):
        raise ValueError(f"no value counts for {column!r}")
    where, params = where_sql(f or BillFilter())
    sql = f"SELECT {column}, count(*) FROM bill WHERE {where} GROUP BY {column} ORDER BY {column}"
    if limit:
        sql += f" LIMIT {int(limit)}"
    return [(r[0], int(r[1])) for r in conn.exec_driver_sql(sql, tuple(params))]


def reason_counts(
    conn: Connection, op_types: Sequence[int], f: BillFilter | None = None
) -> list[tuple[int, Any, int]]:
    """``(op_type, op_cause, count)`` for the given types under an optional filter.

    Bills whose reason is kept as written (no code, see ``VERBATIM_CAUSE_SQL``) are left out: they
    are neither a reason one can tick nor "not used".
    """
    if not op_types:
        return []
    where, params = where_sql(f or BillFilter())
    sql = (
        f"SELECT op_type, op_cause, count(*) FROM bill WHERE op_type IN "
        f"({_marks(len(op_types))}) AND NOT {VERBATIM_CAUSE_SQL} AND {where} "
        "GROUP BY op_type, op_cause "
        "ORDER BY op_type, op_cause"
    )
    return [(r[0], r[1], int(r[2])) for r in conn.exec_driver_sql(sql, (*op_types, *params))]


def conflicts_for(conn: Connection, bill_id: str) -> list[dict[str, Any]]:
    """Copies of a bill id that arrived with other values, with where they came from."""
    rows = conn.exec_driver_sql(
        "SELECT c.line, c.fields, c.differs, s.path FROM conflict c "
        "JOIN source_file s ON s.id = c.source_id WHERE c.bill_id = ? ORDER BY c.id",
        (bill_id,),
    )

    return [
        {"line": r[0], "fields": json.loads(r[1]), "differs": r[2].split(","), "path": r[3]}
        for r in rows
    ]


def source_of(conn: Connection, source_id: int) -> dict[str, Any] | None:
    """One ledger entry (path, sha256, imported_at ...)."""
    r = conn.exec_driver_sql(
        "SELECT id, path, name, size, sha256, imported_at FROM source_file WHERE id = ?",
        (source_id,),
    ).first()
    if r is None:
        return None
    return dict(zip(("id", "path", "name", "size", "sha256", "imported_at"), r, strict=True))


def time_span(conn: Connection) -> tuple[int | None, int | None]:
    """Earliest and latest begin time (epoch seconds) of all bills; ``(None, None)`` when empty.

    The filter panel's default time range and ``stats``' first and last bill. Two subqueries:
    SQLite answers a lone min() or max() from the begin_time index's ends, but scans every bill
    for both in one SELECT. Still a read of the database: callers run it off the GUI thread.
    """
    lo, hi = conn.exec_driver_sql(
        "SELECT (SELECT min(begin_time) FROM bill), (SELECT max(begin_time) FROM bill)"
    ).one()
    return lo, hi


def source_names(conn: Connection) -> dict[int, str]:
    """File name of every ledger entry by its id (the table's Source column)."""
    return {int(r[0]): str(r[1]) for r in conn.exec_driver_sql("SELECT id, name FROM source_file")}


BRIEF_COLUMNS: tuple[str, ...] = ("pk", "bill_id", "op_type", "op_cause", "begin_time", "end_time")
"""Columns of a row returned by ``bill_briefs``."""


def bill_briefs(conn: Connection, pks: Sequence[int]) -> list[tuple[Any, ...]]:
    """``BRIEF_COLUMNS`` of the bills with the given row keys (a primary-key lookup in chunks).

    What a tooltip says about the bills behind an investigation figure; keys not found are left
    out, the order is the database's.
    """
    out: list[tuple[Any, ...]] = []
    keys = list(pks)
    for i in range(0, len(keys), MAX_VARS):
        chunk = keys[i : i + MAX_VARS]
        out.extend(
            tuple(r)
            for r in conn.exec_driver_sql(
                f"SELECT {', '.join(BRIEF_COLUMNS)} FROM bill WHERE pk IN ({_marks(len(chunk))})",
                tuple(chunk),
            )
        )
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


def stats(db: Database) -> Stats:
    """Bills, agents, time span, files, rejects and conflicts of a database."""
    with user_errors(db.path), db.engine.connect() as conn:
        bills = total_bills(conn)
        agents = conn.exec_driver_sql("SELECT count(DISTINCT agent_id) FROM bill").scalar_one()
        lo, hi = time_span(conn)
        files = conn.exec_driver_sql("SELECT count(*) FROM source_file").scalar_one()
        rejects = conn.exec_driver_sql("SELECT count(*) FROM reject").scalar_one()
        conflicts = conn.exec_driver_sql("SELECT count(*) FROM conflict").scalar_one()
    first, last = from_epoch(lo), from_epoch(hi)
    return Stats(bills, int(agents), first, last, int(files), int(rejects), int(conflicts))
