"""Investigation views from the database: agent states, time per state, the state at a moment.

Reads the state columns (``viewer.core.states.STATE_COLUMNS``) of the bills with one SELECT ordered
by ``agent_id, begin_time, pk`` (the ``(agent_id, begin_time)`` index), streams them into
:func:`viewer.core.states.reconstruct`, and hands the results to the window, the command line
(``bill-viewer summary`` and ``bill-viewer at``) and the exporter (the "Summary" and "Anomalies"
sheets).

Which agents
    The agents of the filter: those with at least one bill matching the whole ``BillFilter``.
    Their states are always rebuilt from *all* their bills, whatever the filter's operation
    types, reasons, call, skill, media or text criteria (a state needs its sign-in, its pieces,
    ...): those criteria only choose agents.

Which bills
    Bills beginning in the filter's period ``[time_from, time_to)``, plus a look-back of
    :data:`DEFAULT_LOOKBACK_SECONDS` (24 h) before ``time_from``, so that a session or a
    conversation already open at the start of the period is seen with its sign-in or first piece.
    What lies outside that window is not read: if the database holds bills before the window
    (after it), the rebuild is told so (``since``/``until``), and a session open at the window's
    edge is taken as going on past it (``open_ended``) instead of being reported as missing its
    sign-in (sign-out). Figures are then clipped to the period.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from viewer.core import states as st
from viewer.core.codes import VerbatimCode
from viewer.core.filters import BillFilter
from viewer.core.states import (
    DEFAULT_GAP_SECONDS,
    STATE_COLUMNS,
    AgentChange,
    AgentMoment,
    AgentStates,
    Anomaly,
    StateKind,
    Summary,
)
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.core.timefmt import to_epoch
from viewer.data.db import Database, user_errors
from viewer.data.labels import load_labels
from viewer.data.queries import MAX_VARS, where_sql

__all__ = [
    "DEFAULT_LOOKBACK_SECONDS",
    "Investigation",
    "Window",
    "agent_states",
    "anomalies",
    "anomaly_sheet_rows",
    "bill_ids_for",
    "at",
    "changes_between",
    "filter_agents",
    "investigation_sheets",
    "state_query",
    "summary",
    "summary_sheet_rows",
    "window_for",
]

DEFAULT_LOOKBACK_SECONDS = 86_400
"""How far before the period's start bills are read (sessions and conversations already open)."""

Labels = Mapping[tuple[int, int], str]
SheetRows = tuple[str, list[str], list[list[Any]]]
"""``(title, header, rows)``: what ``viewer.data.export.exporter.SheetSpec`` is built from."""

_CHUNK = 20_000


@dataclass(frozen=True)
class Window:
    """What to read and what the rebuild is told about the edges.

    Attributes:
        agents: The agents to read (None: every agent the filter's agent options allow).
        read_from: First begin time read (inclusive; None: from the first bill).
        read_to: Begin times read end before this (None: to the last bill).
        since: ``read_from`` if the database holds earlier bills, else None.
        until: ``read_to`` if the database holds bills from it on, else None.
    """

    agents: tuple[str, ...] | None
    read_from: int | None
    read_to: int | None
    since: int | None
    until: int | None


def _period(f: BillFilter) -> tuple[int | None, int | None]:
    return (
        to_epoch(f.time_from) if f.time_from else None,
        to_epoch(f.time_to) if f.time_to else None,
    )


def _agent_only(f: BillFilter) -> bool:
    """Whether the filter restricts nothing but agents and the period."""
    return replace(f, agents=(), exclude_agents=(), time_from=None, time_to=None).is_empty


def _conn_raw(conn: Any) -> Any:
    """The sqlite3 connection under a SQLAlchemy connection (plain tuples, no row objects)."""
    return conn.connection.driver_connection


def filter_agents(db: Database, f: BillFilter) -> list[str]:
    """The agents with at least one bill matching the whole filter, sorted."""
    where, params = where_sql(f)
    with user_errors(db.path), db.engine.connect() as conn:
        rows = _conn_raw(conn).execute(
            f"SELECT DISTINCT agent_id FROM bill WHERE {where} ORDER BY agent_id", params
        )
        return [r[0] for r in rows if r[0] is not None]


def _edges(db: Database, read_from: int | None, read_to: int | None) -> tuple[Any, Any]:
    """``(since, until)``: the window's edges where the database holds bills beyond them."""
    since = until = None
    with user_errors(db.path), db.engine.connect() as conn:
        raw = _conn_raw(conn)
        if (
            read_from is not None
            and raw.execute(
                "SELECT 1 FROM bill WHERE begin_time < ? LIMIT 1", (read_from,)
            ).fetchone()
        ):
            since = read_from
        if (
            read_to is not None
            and raw.execute(
                "SELECT 1 FROM bill WHERE begin_time >= ? LIMIT 1", (read_to,)
            ).fetchone()
        ):
            until = read_to
    return since, until


def _window(
    db: Database,
    f: BillFilter,
    read_from: int | None,
    read_to: int | None,
    *,
    all_agents: bool,
) -> Window:
    agents: tuple[str, ...] | None = None
    if all_agents or not _agent_only(f):
        agents = tuple(filter_agents(db, f))
    since, until = _edges(db, read_from, read_to)
    return Window(agents, read_from, read_to, since, until)


def window_for(
    db: Database, f: BillFilter, *, lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS
) -> Window:
    """What :func:`agent_states` reads for a filter: its period plus the look-back."""
    lo, hi = _period(f)
    read_from = lo - lookback_seconds if lo is not None else None
    return _window(db, f, read_from, hi, all_agents=False)


def state_query(f: BillFilter, window: Window) -> tuple[str, list[Any]]:
    """The loader's SELECT (state columns, ordered by agent, begin time, pk) and its parameters.

    The benchmark times this very query on its own, beside the full rebuild.
    """
    clauses: list[str] = []
    params: list[Any] = []
    if window.agents is not None:
        if len(window.agents) <= MAX_VARS:
            clauses.append(f"agent_id IN ({','.join('?' * len(window.agents))})")
            params.extend(window.agents)
        else:
            clauses.append("agent_id IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(window.agents)))
    else:
        if f.agents:
            clauses.append(f"agent_id IN ({','.join('?' * len(f.agents))})")
            params.extend(f.agents)
        if f.exclude_agents:
            clauses.append(f"agent_id NOT IN ({','.join('?' * len(f.exclude_agents))})")
            params.extend(f.exclude_agents)
    if window.read_from is not None:
        clauses.append("begin_time >= ?")
        params.append(window.read_from)
    if window.read_to is not None:
        clauses.append("begin_time < ?")
        params.append(window.read_to)
    where = " AND ".join(clauses) if clauses else "1"
    sql = f"SELECT {_STATE_SELECT} FROM bill WHERE {where} ORDER BY agent_id, begin_time, pk"
    return sql, params


_VERBATIM_FIELDS = ("op_type", "op_cause", "media_type")
"""State columns that may hold a code kept as written (NULL there, its text in ``raw_codes``)."""

_STATE_SELECT = ", ".join(
    f"coalesce({c}, json_extract(raw_codes, '$.{c}'))" if c in _VERBATIM_FIELDS else c
    for c in STATE_COLUMNS
)
"""The state columns, a verbatim code's text in place of its NULL (only read when NULL)."""

_VERBATIM_AT = tuple(STATE_COLUMNS.index(c) for c in _VERBATIM_FIELDS)


def _verbatim(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row with its code texts (the ``str`` values of the code columns) as ``VerbatimCode``."""
    out = list(row)
    for i in _VERBATIM_AT:
        if out[i].__class__ is str:
            out[i] = VerbatimCode(out[i])
    return tuple(out)


def _with_verbatim(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The loader's rows, codes kept as written marked so that states decode them as text."""
    a, b, c = _VERBATIM_AT
    for row in rows:
        if row[a].__class__ is str or row[b].__class__ is str or row[c].__class__ is str:
            row = _verbatim(row)
        yield row


def _iter_rows(
    db: Database,
    sql: str,
    params: Sequence[Any],
    progress: ProgressFn | None,
    total: int,
    cancel: CancelToken | None,
) -> Iterator[tuple[Any, ...]]:
    """Stream the loader's rows, checking ``cancel`` and reporting progress per chunk.

    A damaged, locked or unreadable database is a ``DatabaseError`` naming it (``user_errors``),
    as in every other read, not a driver traceback.
    """
    with user_errors(db.path), db.engine.connect() as conn:
        cur = _conn_raw(conn).execute(sql, params)
        if progress is None and cancel is None:
            yield from cur
            return
        done = 0
        while True:
            chunk = cur.fetchmany(_CHUNK)
            if not chunk:
                break
            yield from chunk
            done += len(chunk)
            if cancel is not None:
                cancel.raise_if_set()
            if progress is not None:
                progress(done, total)


def _count(db: Database, sql: str, params: Sequence[Any]) -> int:
    head, _, _ = sql.partition(" ORDER BY ")
    with user_errors(db.path), db.engine.connect() as conn:
        return int(_conn_raw(conn).execute(f"SELECT count(*) FROM ({head})", params).fetchone()[0])


def _rebuild(
    db: Database,
    f: BillFilter,
    window: Window,
    labels: Labels,
    gap_seconds: int,
    progress: ProgressFn | None,
    cancel: CancelToken | None,
) -> Iterator[AgentStates]:
    """The states of the window's agents, rebuilt one agent at a time as the rows stream in."""
    sql, params = state_query(f, window)
    total = _count(db, sql, params) if progress is not None else 0
    rows = _with_verbatim(_iter_rows(db, sql, params, progress, total, cancel))
    return st.reconstruct(
        rows, since=window.since, until=window.until, gap_seconds=gap_seconds, labels=labels
    )


def _in_period(
    states: Iterable[AgentStates], lo: int | None, window: Window
) -> Iterator[AgentStates]:
    """Leave out the agents whose bills all lie in the look-back before the period."""
    for s in states:
        if (
            lo is None
            or window.agents is not None
            or (s.last_begin is not None and s.last_begin >= lo)
        ):
            yield s


@dataclass
class Investigation:
    """The rebuilt states of the filter's agents, and the views computed from them.

    ``at`` and ``changes`` answer for moments inside what was read (the period, or the look-back
    before it); the module functions :func:`at` and :func:`changes_between` read around any
    moment instead.

    Attributes:
        filter: The filter it was built for.
        start: The period's start (inclusive; None: open).
        end: The period's end (exclusive; None: open).
        window: What was read.
        states: One entry per agent, by agent.
        labels: The site labels used for the labels.
    """

    filter: BillFilter
    start: int | None
    end: int | None
    window: Window
    states: list[AgentStates]
    labels: Labels = field(default_factory=dict)

    def by_agent(self) -> dict[str, AgentStates]:
        """States by agent."""
        return {s.agent: s for s in self.states}

    def summary(self) -> Summary:
        """Time per state per agent over the period, with the total row."""
        return st.summarise(self.states, start=self.start, end=self.end, labels=self.labels)

    def anomalies(self) -> list[Anomaly]:
        """Anomalies touching the period, by time then agent."""
        return st.anomalies_in(self.states, self.start, self.end)

    def at(self, t: int) -> list[AgentMoment]:
        """Every agent's state at ``t``."""
        return [s.state_at(t) for s in self.states]

    def changes(self, t1: int, t2: int, *, only_changed: bool = True) -> list[AgentChange]:
        """Every agent's state at ``t1`` and ``t2`` and the intervals that began or ended between.

        By default only the agents with a change (``AgentChange.eventful``: the main state
        differs, or an interval began or ended in between).
        """
        out = [st.changes_between(s, t1, t2) for s in self.states]
        return [c for c in out if c.eventful] if only_changed else out


def _labels(db: Database, labels: Labels | None) -> Labels:
    return load_labels(db) if labels is None else labels


def agent_states(
    db: Database,
    f: BillFilter,
    *,
    labels: Labels | None = None,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Investigation:
    """Rebuild the states of the filter's agents over its period (plus the look-back).

    Args:
        db: The bill database.
        f: The filter: its agents and period choose what is read; its other criteria choose
            agents only (see the module notes).
        labels: Site labels; None reads them from the database.
        lookback_seconds: How far before the period's start to read.
        gap_seconds: Minimum length of a "no bill while signed in" anomaly.
        progress: ``progress(rows_read, rows_total)``, once per 20,000 rows.
        cancel: Checked once per 20,000 rows (raises ``Cancelled``).

    Returns:
        The states, with the summary, anomalies and moments computed from them on demand.
        Agents with no bill beginning in the period itself (only in the look-back) are left out.
    """
    labels = _labels(db, labels)
    lo, hi = _period(f)
    window = window_for(db, f, lookback_seconds=lookback_seconds)
    rebuilt = _rebuild(db, f, window, labels, gap_seconds, progress, cancel)
    return Investigation(f, lo, hi, window, list(_in_period(rebuilt, lo, window)), labels)


def summary_and_anomalies(
    db: Database,
    f: BillFilter,
    *,
    labels: Labels | None = None,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    anomalies_to: Callable[[Anomaly], None] | None = None,
) -> tuple[Summary, list[Anomaly], Labels]:
    """The period's summary and anomalies, rebuilt one agent at a time.

    The same figures as ``agent_states(...).summary()`` and ``.anomalies()``, but only one
    agent's states are held at a time, so memory does not grow with the bills (the export's
    sheets); the summary cannot drill down. Arguments as for :func:`agent_states`;
    ``anomalies_to`` receives each anomaly, agent by agent, instead of the returned list
    (which is then empty), so that they need not all be held either.

    Returns:
        The summary, the anomalies by time then agent, and the labels used.
    """
    labels = _labels(db, labels)
    lo, hi = _period(f)
    window = window_for(db, f, lookback_seconds=lookback_seconds)
    rebuilt = _rebuild(db, f, window, labels, gap_seconds, progress, cancel)
    found: list[Anomaly] = []

    def agents() -> Iterator[AgentStates]:
        for s in _in_period(rebuilt, lo, window):
            here = (a for a in s.anomalies if a.touches(lo, hi))
            if anomalies_to is None:
                found.extend(here)
            else:
                for a in here:
                    anomalies_to(a)
            yield s

    result = st.summarise(agents(), start=lo, end=hi, labels=labels, keep_states=False)
    found.sort(key=lambda a: (a.start, a.agent, a.kind))
    return result, found, labels


def summary(db: Database, f: BillFilter, labels: Labels | None = None, **options: Any) -> Summary:
    """Time per state per agent over the filter's period (``agent_states`` options apply)."""
    return agent_states(db, f, labels=labels, **options).summary()


def anomalies(
    db: Database, f: BillFilter, labels: Labels | None = None, **options: Any
) -> list[Anomaly]:
    """Anomalies of the filter's agents touching its period, by time then agent."""
    return agent_states(db, f, labels=labels, **options).anomalies()


def _around(
    db: Database,
    f: BillFilter,
    t1: int,
    t2: int,
    labels: Labels | None,
    lookback_seconds: int,
    gap_seconds: int,
    cancel: CancelToken | None,
) -> tuple[list[str], dict[str, AgentStates]]:
    """The filter's agents and their states rebuilt from ``t1 - lookback`` to ``t2`` inclusive."""
    lo, hi = min(t1, t2), max(t1, t2)
    window = _window(db, f, lo - lookback_seconds, hi + 1, all_agents=True)
    rebuilt = _rebuild(db, f, window, _labels(db, labels), gap_seconds, None, cancel)
    return list(window.agents or ()), {s.agent: s for s in rebuilt}


def _signed_out(agent: str, t: int) -> AgentMoment:
    """The state of an agent with no bill in the window read: not signed in, since unknown."""
    return AgentMoment(
        agent, t, StateKind.SIGNED_OUT, StateKind.SIGNED_OUT.title, None, None, False, None, (), ()
    )


def at(
    db: Database,
    f: BillFilter,
    t: int,
    labels: Labels | None = None,
    *,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    cancel: CancelToken | None = None,
) -> list[AgentMoment]:
    """Every agent of the filter and its state at ``t`` (stored seconds), by agent.

    Bills from ``t - lookback_seconds`` to ``t`` are read; an agent with none there is "not
    signed in" with no known start.
    """
    agents, by_agent = _around(db, f, t, t, labels, lookback_seconds, gap_seconds, cancel)
    return [by_agent[a].state_at(t) if a in by_agent else _signed_out(a, t) for a in agents]


def changes_between(
    db: Database,
    f: BillFilter,
    t1: int,
    t2: int,
    labels: Labels | None = None,
    *,
    only_changed: bool = True,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    cancel: CancelToken | None = None,
) -> list[AgentChange]:
    """Every agent's state at ``t1`` and ``t2`` and the intervals that began or ended between.

    ``AgentChange.started`` holds the intervals that began in ``(t1, t2]``, ``ended`` those
    that ended in ``(t1, t2]`` (see ``viewer.core.states.changes_between``).

    Args:
        db: The bill database.
        f: The filter choosing the agents.
        t1: The first moment (stored seconds).
        t2: The second moment.
        labels: Site labels; None reads them from the database.
        only_changed: Keep only agents whose state changed or with an interval that began or
            ended in between.
        lookback_seconds: How far before the earlier moment to read.
        gap_seconds: Minimum length of a "no bill while signed in" anomaly.
        cancel: Checked while reading.

    Returns:
        One change per agent, by agent.
    """
    agents, by_agent = _around(db, f, t1, t2, labels, lookback_seconds, gap_seconds, cancel)
    out = []
    for a in agents:
        s = by_agent.get(a)
        if s is None:
            change = AgentChange(a, _signed_out(a, t1), _signed_out(a, t2), (), ())
        else:
            change = st.changes_between(s, t1, t2)
        if not only_changed or change.eventful:
            out.append(change)
    return out


# --------------------------------------------------------------------------------------------
# Export sheets
# --------------------------------------------------------------------------------------------


def summary_sheet_rows(
    db: Database,
    f: BillFilter,
    labels: Labels | None = None,
    *,
    result: Summary | None = None,
    durations_as_text: bool = True,
) -> SheetRows:
    """The "Summary" sheet: one row per agent and a total row, one column per busy/rest reason.

    Args:
        db: The bill database.
        f: The export's filter.
        labels: Site labels; None reads them from the database.
        result: A summary already computed for ``f`` (skips the rebuild).
        durations_as_text: ``h:mm:ss`` text cells (True) or whole seconds (False).

    Returns:
        ``("Summary", header, rows)``.
    """
    result = result if result is not None else summary(db, f, labels)
    header, rows = st.summary_table(result, durations_as_text=durations_as_text)
    return "Summary", header, rows


def bill_ids_for(db: Database, pks: Sequence[int]) -> dict[int, str]:
    """The exported bill IDs of row keys (for sheets read outside the application)."""
    out: dict[int, str] = {}
    unique = list(dict.fromkeys(pks))
    with user_errors(db.path), db.engine.connect() as conn:
        raw = _conn_raw(conn)
        for i in range(0, len(unique), MAX_VARS):
            chunk = unique[i : i + MAX_VARS]
            for pk, bill_id in raw.execute(
                f"SELECT pk, bill_id FROM bill WHERE pk IN ({','.join('?' * len(chunk))})", chunk
            ):
                out[pk] = bill_id
    return out


def anomaly_sheet_rows(
    db: Database,
    f: BillFilter,
    labels: Labels | None = None,
    *,
    result: list[Anomaly] | None = None,
) -> SheetRows:
    """The "Anomalies" sheet: agent, anomaly, begin, end, duration, details, bill IDs.

    Args:
        db: The bill database.
        f: The export's filter.
        labels: Site labels; None reads them from the database.
        result: Anomalies already computed for ``f`` (skips the rebuild).

    Returns:
        ``("Anomalies", header, rows)``; the last column lists the bills' exported IDs.
    """
    found = result if result is not None else anomalies(db, f, labels)
    ids = bill_ids_for(db, [pk for a in found for pk in a.bill_pks])
    header = [*st.ANOMALY_HEADER, "Bill IDs"]
    rows: list[list[Any]] = []
    _, base = st.anomaly_table(found)
    for a, row in zip(found, base, strict=True):
        rows.append([*row[:-1], " ".join(ids.get(pk, f"#{pk}") for pk in a.bill_pks)])
    return "Anomalies", header, rows


def investigation_sheets(
    db: Database,
    f: BillFilter,
    labels: Labels | None = None,
    *,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> list[SheetRows]:
    """The "Summary" and "Anomalies" sheets of an export from one rebuild of the states.

    Args:
        db: The bill database.
        f: The export's filter (its period is the summary's period).
        labels: Site labels; None reads them from the database.
        progress: ``progress(rows_read, rows_total)`` while reading.
        cancel: Checked while reading (raises ``Cancelled``).

    Returns:
        ``[("Summary", header, rows), ("Anomalies", header, rows)]``.
    """
    result = agent_states(db, f, labels=labels, progress=progress, cancel=cancel)
    return [
        summary_sheet_rows(db, f, result.labels, result=result.summary()),
        anomaly_sheet_rows(db, f, result.labels, result=result.anomalies()),
    ]
