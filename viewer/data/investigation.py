"""Investigation views from the database: agent states, time per state, the state at a moment.

Reads the state columns (``viewer.core.investigation.STATE_COLUMNS``) of the bills with one
SELECT ordered by ``agent_id, begin_time, pk`` (the ``(agent_id, begin_time)`` index), streams
them into :func:`viewer.core.investigation.reconstruct`, and hands the results to
``viewer.services.investigation`` (the window and the command line) and to the exporter (the
"Summary" and "Anomalies" sheets).

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

How much is held
    :func:`agent_states` keeps every agent's states (drill-down and moments at once): fine for a
    team's day, gigabytes for a month of 2,000 agents. :func:`overview` reads the same rows but
    keeps one agent's states at a time (the summary, anomalies and busiest moment);
    :func:`lane_states` reads a few agents over a time window (the timeline's lanes in view),
    :func:`summary_bill_pks` one summary cell. The rows are fetched 20,000 at a time on both
    backends (a server-side cursor on PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Select, case, func, literal_column, select

from viewer.core import investigation as st
from viewer.core.codes import VerbatimCode
from viewer.core.filters import BillFilter
from viewer.core.i18n import translate
from viewer.core.investigation import (
    DEFAULT_GAP_SECONDS,
    STATE_COLUMNS,
    AgentChange,
    AgentMoment,
    AgentStates,
    Anomaly,
    Summary,
)
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.core.timefmt import to_epoch
from viewer.data import queries
from viewer.data.criteria import MAX_VARS, in_values, raw_code, where_parts
from viewer.data.db import Database, user_errors
from viewer.data.labels import load_labels
from viewer.data.schema import bill

__all__ = [
    "DEFAULT_LOOKBACK_SECONDS",
    "FULL_STATES_MAX_BILLS",
    "Investigation",
    "Overview",
    "Window",
    "agent_states",
    "anomaly_sheet_rows",
    "bill_ids_for",
    "more_bills_than",
    "filter_agents",
    "investigate",
    "investigation_sheets",
    "lane_states",
    "load_states",
    "overview",
    "state_query",
    "states_around",
    "stream_around",
    "summary_and_anomalies",
    "summary_bill_pks",
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


def filter_agents_statement(f: BillFilter) -> Select[Any]:
    """The distinct agents of the bills matching the whole filter, sorted."""
    return select(bill.c.agent_id).distinct().where(*where_parts(f)).order_by(bill.c.agent_id)


def filter_agents(db: Database, f: BillFilter) -> list[str]:
    """The agents with at least one bill matching the whole filter, sorted."""
    with user_errors(db.path), db.engine.connect() as conn:
        rows = conn.execute(filter_agents_statement(f))
        return [r[0] for r in rows if r[0] is not None]


def edge_statements(read_from: int, read_to: int) -> tuple[Select[Any], Select[Any]]:
    """Whether any bill begins before ``read_from``, and from ``read_to`` on (a row or none)."""
    one = literal_column("1")
    return (
        select(one).select_from(bill).where(bill.c.begin_time < read_from).limit(1),
        select(one).select_from(bill).where(bill.c.begin_time >= read_to).limit(1),
    )


def _edges(db: Database, read_from: int | None, read_to: int | None) -> tuple[Any, Any]:
    """``(since, until)``: the window's edges where the database holds bills beyond them."""
    since = until = None
    before, after = edge_statements(read_from or 0, read_to or 0)
    with user_errors(db.path), db.engine.connect() as conn:
        if read_from is not None and conn.execute(before).first() is not None:
            since = read_from
        if read_to is not None and conn.execute(after).first() is not None:
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


def state_query(f: BillFilter, window: Window) -> Select[Any]:
    """The loader's SELECT: state columns, ordered by agent, begin time, pk.

    The benchmark times this very query on its own, beside the full rebuild.
    """
    if window.agents is not None:
        clauses = [in_values(bill.c.agent_id, window.agents)]
    else:
        clauses = where_parts(f, only=("agents", "exclude_agents"))
    if window.read_from is not None:
        clauses.append(bill.c.begin_time >= window.read_from)
    if window.read_to is not None:
        clauses.append(bill.c.begin_time < window.read_to)
    return (
        select(*_STATE_COLUMNS)
        .where(*clauses)
        .order_by(bill.c.agent_id, bill.c.begin_time, bill.c.pk)
    )


_VERBATIM_FIELDS = ("op_type", "op_cause", "media_type")
"""State columns that may hold a code kept as written (NULL there, its text in ``raw_codes``)."""

_STATE_COLUMNS = (
    *(bill.c[c] for c in STATE_COLUMNS),
    *(case((bill.c[c].is_(None), raw_code(c))) for c in _VERBATIM_FIELDS),
)
"""The state columns, then the text of each code kept as written (read only where it is NULL).

Separate columns, not ``coalesce(code, text)``: an integer column and a text cannot share one
column on PostgreSQL.
"""

_WIDTH = len(STATE_COLUMNS)
_VERBATIM_AT = tuple(STATE_COLUMNS.index(c) for c in _VERBATIM_FIELDS)


def _verbatim(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """The state columns of a loader row, each code kept as written as a ``VerbatimCode``."""
    out = list(row[:_WIDTH])
    for i, text in zip(_VERBATIM_AT, row[_WIDTH:], strict=True):
        if text is not None:
            out[i] = VerbatimCode(text)
    return tuple(out)


def _with_verbatim(rows: Iterable[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """The loader's rows as state columns, codes kept as written marked so states decode them."""
    a, b, c = _WIDTH, _WIDTH + 1, _WIDTH + 2
    for row in rows:
        if row[a] is None and row[b] is None and row[c] is None:
            yield row[:_WIDTH]
        else:
            yield _verbatim(row)


def _iter_rows(
    db: Database,
    stmt: Select[Any],
    progress: ProgressFn | None,
    total: int,
    cancel: CancelToken | None,
) -> Iterator[tuple[Any, ...]]:
    """Stream the loader's rows, checking ``cancel`` and reporting progress per chunk.

    A damaged, locked or unreadable database is a ``DatabaseError`` naming it (``user_errors``),
    as in every other read, not a driver traceback. Measured fast path: the rows are read from
    the driver's cursor (plain tuples), not as SQLAlchemy rows.
    """
    with user_errors(db.path), db.engine.connect() as conn:
        done = 0
        for chunk in queries.read_chunks(conn, stmt, size=_CHUNK):
            yield from chunk
            done += len(chunk)
            if cancel is not None:
                cancel.raise_if_set()
            if progress is not None:
                progress(done, total)


def _count(db: Database, stmt: Select[Any]) -> int:
    counting = select(func.count()).select_from(stmt.order_by(None).subquery())
    with user_errors(db.path), db.engine.connect() as conn:
        return int(conn.execute(counting).scalar_one())


def load_states(
    db: Database,
    f: BillFilter,
    window: Window,
    labels: Labels,
    gap_seconds: int,
    progress: ProgressFn | None,
    cancel: CancelToken | None,
) -> Iterator[AgentStates]:
    """The states of the window's agents, rebuilt one agent at a time as the rows stream in."""
    stmt = state_query(f, window)
    total = _count(db, stmt) if progress is not None else 0
    rows = _with_verbatim(_iter_rows(db, stmt, progress, total, cancel))
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
    before it); :func:`states_around` (behind the service's ``at`` and ``changes``) reads around
    any moment instead.

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
    rebuilt = load_states(db, f, window, labels, gap_seconds, progress, cancel)
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
    rebuilt = load_states(db, f, window, labels, gap_seconds, progress, cancel)
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


def states_around(
    db: Database,
    f: BillFilter,
    t1: int,
    t2: int,
    labels: Labels | None = None,
    *,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    cancel: CancelToken | None = None,
) -> tuple[list[str], dict[str, AgentStates]]:
    """The filter's agents and their states rebuilt from ``t1 - lookback`` to ``t2`` inclusive.

    What the state at a moment and the changes between two moments are read from; an agent of
    the filter with no bill in that window has no entry in the dict.
    """
    agents, rebuilt = stream_around(
        db,
        f,
        t1,
        t2,
        labels,
        lookback_seconds=lookback_seconds,
        gap_seconds=gap_seconds,
        cancel=cancel,
    )
    return agents, {s.agent: s for s in rebuilt}


def stream_around(
    db: Database,
    f: BillFilter,
    t1: int,
    t2: int,
    labels: Labels | None = None,
    *,
    agents: Sequence[str] | None = None,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    cancel: CancelToken | None = None,
) -> tuple[list[str], Iterator[AgentStates]]:
    """As :func:`states_around`, the states streamed one agent at a time, by agent.

    ``agents`` (the filter's agents, already known, e.g. an :class:`Overview`'s) saves the
    query that finds them.
    """
    lo, hi = min(t1, t2), max(t1, t2)
    read_from, read_to = lo - lookback_seconds, hi + 1
    if agents is None:
        window = _window(db, f, read_from, read_to, all_agents=True)
    else:
        window = Window(tuple(agents), read_from, read_to, *_edges(db, read_from, read_to))
    rebuilt = load_states(db, f, window, _labels(db, labels), gap_seconds, None, cancel)
    return list(window.agents or ()), rebuilt


# --------------------------------------------------------------------------------------------
# Bounded views: a month of a big center
# --------------------------------------------------------------------------------------------

FULL_STATES_MAX_BILLS = 300_000
"""Above this many bills to read, the window shows an :class:`Overview` instead of every state.

Held as :class:`Investigation` states, generated bills take some 250 bytes each (20,000 bills:
5 MB held, 12.6 MB at the peak of the read), so 300,000 bills some 75 MB; a month of 2,000 agents
(14 to 30 million bills) would take 3.5 to 7.5 GB. Below it nothing changes.
"""


@dataclass
class Overview:
    """An investigation's figures without its states: what a month of a big center shows.

    Computed in one streamed pass that holds one agent's states at a time (see
    :func:`overview`); the timeline reads the states of the lanes in view
    (:func:`lane_states`), a moment reads around itself (:func:`states_around`).

    Attributes:
        filter: The filter it was built for.
        start: The period's start (inclusive; None: open).
        end: The period's end (exclusive; None: open).
        window: What was read.
        agents: The agents shown, sorted (those with a bill in the period).
        summary: Time per state per agent (no states kept: drill down with
            :func:`summary_bill_pks`).
        anomalies: Anomalies touching the period, by time then agent.
        busiest: The earliest moment with the most agents signed in (None: nobody is).
        extent: ``(first, last)``: the earliest interval start and the latest interval end of
            the agents' states (what the timeline spans when the period is open).
        labels: The site labels used.
        bills_read: How many bills the pass read.
        most_held: The most bills held at once: one agent's, never the period's.
    """

    filter: BillFilter
    start: int | None
    end: int | None
    window: Window
    agents: list[str]
    summary: Summary
    anomalies: list[Anomaly]
    busiest: int | None
    extent: tuple[int, int] | None
    labels: Labels
    bills_read: int = 0
    most_held: int = 0


def more_bills_than(db: Database, f: BillFilter, window: Window, limit: int) -> bool:
    """Whether :func:`agent_states` would read more than ``limit`` bills (reads ``limit + 1``)."""
    stmt = state_query(f, window).order_by(None).with_only_columns(bill.c.pk).limit(limit + 1)
    return _count(db, stmt) > limit


def investigate(
    db: Database,
    f: BillFilter,
    *,
    labels: Labels | None = None,
    full_limit: int = FULL_STATES_MAX_BILLS,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Investigation | Overview:
    """Every agent's states (:func:`agent_states`) up to ``full_limit`` bills, else an overview.

    A small filter keeps every state in memory (instant moments and drill-down); a month of a
    big center is streamed through :func:`overview` instead. Deciding reads at most
    ``full_limit + 1`` row keys.
    """
    labels = _labels(db, labels)
    window = window_for(db, f, lookback_seconds=lookback_seconds)
    big = more_bills_than(db, f, window, full_limit)
    options: dict[str, Any] = {
        "labels": labels,
        "lookback_seconds": lookback_seconds,
        "gap_seconds": gap_seconds,
        "progress": progress,
        "cancel": cancel,
    }
    if not big:
        return agent_states(db, f, **options)
    return overview(db, f, **options)


def overview(
    db: Database,
    f: BillFilter,
    *,
    labels: Labels | None = None,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Overview:
    """The summary, anomalies, agents and busiest moment of ``f``, one agent held at a time.

    The same figures as :func:`agent_states` (same rows read, same rebuild), but each agent's
    states are dropped once its summary row, anomalies and session spans are taken, so memory
    grows with the agents and anomalies, not with the bills. Arguments as for
    :func:`agent_states`.
    """
    labels = _labels(db, labels)
    lo, hi = _period(f)
    window = window_for(db, f, lookback_seconds=lookback_seconds)
    counted = _Counted(_with_verbatim(_iter_rows_counted(db, f, window, progress, cancel)))
    rebuilt = st.reconstruct(
        counted, since=window.since, until=window.until, gap_seconds=gap_seconds, labels=labels
    )
    found: list[Anomaly] = []
    spans: list[tuple[int, int]] = []
    firsts: list[int] = []
    lasts: list[int] = []
    most_held = 0

    def agents() -> Iterator[AgentStates]:
        nonlocal most_held
        for s in _in_period(rebuilt, lo, window):
            most_held = max(most_held, s.bill_count)
            found.extend(a for a in s.anomalies if a.touches(lo, hi))
            spans.extend((iv.start, iv.end) for iv in s.sessions())
            if s.intervals:
                firsts.append(s.intervals[0].start)
                lasts.append(max(iv.end for iv in s.intervals))
            yield s

    result = st.summarise(agents(), start=lo, end=hi, labels=labels, keep_states=False)
    found.sort(key=lambda a: (a.start, a.agent, a.kind))
    extent = (min(firsts), max(lasts)) if firsts else None
    return Overview(
        f,
        lo,
        hi,
        window,
        [r.agent for r in result.rows],
        result,
        found,
        st.busiest_moment(spans, lo, hi),
        extent,
        labels,
        counted.n,
        most_held,
    )


class _Counted:
    """Rows passed through, counted (``n``)."""

    def __init__(self, rows: Iterable[tuple[Any, ...]]) -> None:
        self._rows = rows
        self.n = 0

    def __iter__(self) -> Iterator[tuple[Any, ...]]:
        for row in self._rows:
            self.n += 1
            yield row


def _iter_rows_counted(
    db: Database,
    f: BillFilter,
    window: Window,
    progress: ProgressFn | None,
    cancel: CancelToken | None,
) -> Iterator[tuple[Any, ...]]:
    stmt = state_query(f, window)
    total = _count(db, stmt) if progress is not None else 0
    return _iter_rows(db, stmt, progress, total, cancel)


def lane_states(
    db: Database,
    f: BillFilter,
    agents: Sequence[str],
    lo: int | None,
    hi: int | None,
    *,
    labels: Labels | None = None,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    cancel: CancelToken | None = None,
) -> dict[str, AgentStates]:
    """The states of a few agents (the timeline's lanes in view) from ``lo`` to ``hi``.

    Reads those agents' bills beginning in ``[lo - lookback, hi)`` through the
    ``(agent_id, begin_time)`` index and rebuilds them as :func:`agent_states` does for the
    period; an agent with no bill there has no entry. ``f`` only matters through its agent
    options when ``agents`` is empty (then nothing is read).
    """
    if not agents:
        return {}
    read_from = lo - lookback_seconds if lo is not None else None
    since, until = _edges(db, read_from, hi)
    window = Window(tuple(agents), read_from, hi, since, until)
    rebuilt = load_states(db, f, window, _labels(db, labels), gap_seconds, None, cancel)
    return {s.agent: s for s in rebuilt}


def summary_bill_pks(
    db: Database,
    f: BillFilter,
    agent: str | None,
    figure: str,
    reason: Any = st.ALL_REASONS,
    *,
    labels: Labels | None = None,
    lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    cancel: CancelToken | None = None,
) -> list[int]:
    """The bills behind one summary cell (``Summary.bill_pks``) without holding every state.

    One agent's cell reads that agent only; the total row (``agent`` None) streams every agent
    and keeps only the row keys.
    """
    lo, hi = _period(f)
    window = window_for(db, f, lookback_seconds=lookback_seconds)
    if agent is not None:
        window = replace(window, agents=(agent,))
    rebuilt = load_states(db, f, window, _labels(db, labels), gap_seconds, None, cancel)
    items: list[tuple[int, tuple[int, ...]]] = []
    for s in _in_period(rebuilt, lo, window):
        items.extend(st.cell_items([s], figure, reason, lo, hi))
    return st.cell_bill_pks(items)


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
    result = result if result is not None else agent_states(db, f, labels=labels).summary()
    header, rows = st.summary_table(result, durations_as_text=durations_as_text)
    return translate("Sheet", "Summary"), header, rows


def bill_ids_statement(pks: Sequence[int]) -> Select[Any]:
    """Row key and exported bill ID of the given row keys."""
    return select(bill.c.pk, bill.c.bill_id).where(in_values(bill.c.pk, pks))


def bill_ids_for(db: Database, pks: Sequence[int]) -> dict[int, str]:
    """The exported bill IDs of row keys (for sheets read outside the application)."""
    out: dict[int, str] = {}
    unique = list(dict.fromkeys(pks))
    with user_errors(db.path), db.engine.connect() as conn:
        for i in range(0, len(unique), MAX_VARS):
            chunk = unique[i : i + MAX_VARS]
            for pk, bill_id in conn.execute(bill_ids_statement(chunk)):
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
    found = result if result is not None else agent_states(db, f, labels=labels).anomalies()
    ids = bill_ids_for(db, [pk for a in found for pk in a.bill_pks])
    header = [*st.anomaly_header(), translate("Sheet", "Bill IDs")]
    rows: list[list[Any]] = []
    _, base = st.anomaly_table(found)
    for a, row in zip(found, base, strict=True):
        rows.append([*row[:-1], " ".join(ids.get(pk, f"#{pk}") for pk in a.bill_pks)])
    return translate("Sheet", "Anomalies"), header, rows


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
