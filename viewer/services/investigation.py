"""The investigation feature's one entry point: agent states, moments, changes, summary, anomalies.

``InvestigationService(db)`` is what the window (``viewer.gui.investigation``) and the command
line (``bill-viewer summary`` and ``bill-viewer at``) call, so both show the same figures from one
flow. It reads through ``viewer.data.investigation`` and computes with
``viewer.core.investigation``; it re-exports the types its callers need.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from viewer.core.filters import BillFilter
from viewer.core.investigation import (
    DEFAULT_GAP_SECONDS,
    AgentChange,
    AgentMoment,
    AgentStates,
    Anomaly,
    StateKind,
    Summary,
    SummaryColumn,
    changes_between,
)
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.data import browse
from viewer.data.db import Database
from viewer.data.investigation import (
    DEFAULT_LOOKBACK_SECONDS,
    FULL_STATES_MAX_BILLS,
    Investigation,
    Overview,
    agent_states,
    investigate,
    lane_states,
    more_bills_than,
    overview,
    stream_around,
    summary_and_anomalies,
    summary_bill_pks,
    window_for,
)
from viewer.data.labels import load_labels
from viewer.data.zone import data_time_label

__all__ = [
    "DEFAULT_GAP_SECONDS",
    "DEFAULT_LOOKBACK_SECONDS",
    "FULL_STATES_MAX_BILLS",
    "AgentChange",
    "AgentMoment",
    "AgentStates",
    "Anomaly",
    "Database",
    "Investigation",
    "InvestigationService",
    "Labels",
    "Overview",
    "StateKind",
    "Summary",
    "SummaryColumn",
]

Labels = Mapping[tuple[int, int], str]
"""Site labels by ``(op_type, code)``."""


def _signed_out(agent: str, t: int) -> AgentMoment:
    """The state of an agent with no bill in the window read: not signed in, since unknown."""
    return AgentMoment(
        agent, t, StateKind.SIGNED_OUT, StateKind.SIGNED_OUT.title, None, None, False, None, (), ()
    )


class InvestigationService:
    """Agent states of a filter and the views computed from them, over one bill database.

    Every method taking ``labels`` reads the site labels from the database when given None;
    ``lookback_seconds`` is how far before the period (or the earlier moment) bills are read,
    ``gap_seconds`` the shortest "no bill while signed in" anomaly.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    def labels(self) -> dict[tuple[int, int], str]:
        """The site's labels for its own codes."""
        return load_labels(self.db)

    def time_label(self) -> str:
        """How the stored times read, e.g. "UTC+08:00" (for titles beside the times)."""
        return data_time_label(self.db)

    def states(
        self,
        f: BillFilter,
        *,
        labels: Labels | None = None,
        lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
        gap_seconds: int = DEFAULT_GAP_SECONDS,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> Investigation:
        """The filter's agents' states over its period, with summary, anomalies and moments.

        ``progress(rows_read, rows_total)`` and ``cancel`` are checked once per 20,000 rows
        (``Cancelled`` is raised). See ``viewer.data.investigation`` for which agents and bills.
        """
        return agent_states(
            self.db,
            f,
            labels=labels,
            lookback_seconds=lookback_seconds,
            gap_seconds=gap_seconds,
            progress=progress,
            cancel=cancel,
        )

    def summary(self, f: BillFilter, *, labels: Labels | None = None, **options: Any) -> Summary:
        """Time per state per agent over the filter's period (``states`` options apply).

        The figures of ``states(...).summary()``, rebuilt one agent at a time: a month of a big
        center sums in memory that follows the agents, not the bills (no drill-down).
        """
        return summary_and_anomalies(self.db, f, labels=labels, **options)[0]

    def anomalies(
        self, f: BillFilter, *, labels: Labels | None = None, **options: Any
    ) -> list[Anomaly]:
        """Anomalies of the filter's agents touching its period, by time then agent.

        Rebuilt one agent at a time, as :meth:`summary`: only the anomalies are held.
        """
        return summary_and_anomalies(self.db, f, labels=labels, **options)[1]

    def at(
        self,
        f: BillFilter,
        t: int,
        *,
        labels: Labels | None = None,
        agents: Sequence[str] | None = None,
        lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
        gap_seconds: int = DEFAULT_GAP_SECONDS,
        cancel: CancelToken | None = None,
    ) -> list[AgentMoment]:
        """Every agent of the filter and its state at ``t`` (stored seconds), by agent.

        Bills from ``t - lookback_seconds`` to ``t`` are read, one agent's states held at a
        time; an agent with none there is "not signed in" with no known start. ``agents``: the
        filter's agents when already known (else they are looked up).
        """
        names, rebuilt = stream_around(
            self.db,
            f,
            t,
            t,
            labels,
            agents=agents,
            lookback_seconds=lookback_seconds,
            gap_seconds=gap_seconds,
            cancel=cancel,
        )
        found = {s.agent: s.state_at(t) for s in rebuilt}
        return [found[a] if a in found else _signed_out(a, t) for a in names]

    def changes(
        self,
        f: BillFilter,
        t1: int,
        t2: int,
        *,
        labels: Labels | None = None,
        only_changed: bool = True,
        agents: Sequence[str] | None = None,
        lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
        gap_seconds: int = DEFAULT_GAP_SECONDS,
        cancel: CancelToken | None = None,
    ) -> list[AgentChange]:
        """Every agent's state at ``t1`` and ``t2`` and the intervals that began or ended between.

        ``AgentChange.started`` holds the intervals that began in ``(t1, t2]``, ``ended`` those
        that ended in ``(t1, t2]`` (see ``viewer.core.investigation.changes_between``). With
        ``only_changed``, only agents whose state changed or with an interval that began or
        ended in between; one change per agent, by agent. Read as :meth:`at` reads.
        """
        names, rebuilt = stream_around(
            self.db,
            f,
            t1,
            t2,
            labels,
            agents=agents,
            lookback_seconds=lookback_seconds,
            gap_seconds=gap_seconds,
            cancel=cancel,
        )
        found = {s.agent: changes_between(s, t1, t2) for s in rebuilt}
        out = []
        for a in names:
            change = found.get(a)
            if change is None:
                change = AgentChange(a, _signed_out(a, t1), _signed_out(a, t2), (), ())
            if not only_changed or change.eventful:
                out.append(change)
        return out

    def investigate(
        self,
        f: BillFilter,
        *,
        labels: Labels | None = None,
        full_limit: int = FULL_STATES_MAX_BILLS,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> Investigation | Overview:
        """:meth:`states` when at most ``full_limit`` bills are read, else :meth:`overview`.

        What the window opens: a team's day keeps every state at hand, a month of a big
        center is summed one agent at a time and its timeline read lane by lane.
        """
        return investigate(
            self.db, f, labels=labels, full_limit=full_limit, progress=progress, cancel=cancel
        )

    def more_bills_than(self, f: BillFilter, limit: int) -> bool:
        """Whether :meth:`states` would read more than ``limit`` bills (reads ``limit + 1``)."""
        return more_bills_than(self.db, f, window_for(self.db, f), limit)

    def overview(
        self,
        f: BillFilter,
        *,
        labels: Labels | None = None,
        progress: ProgressFn | None = None,
        cancel: CancelToken | None = None,
    ) -> Overview:
        """Summary, anomalies, agents and busiest moment, one agent's states held at a time."""
        return overview(self.db, f, labels=labels, progress=progress, cancel=cancel)

    def lane_states(
        self,
        f: BillFilter,
        agents: Sequence[str],
        lo: int | None,
        hi: int | None,
        *,
        labels: Labels | None = None,
        cancel: CancelToken | None = None,
    ) -> dict[str, AgentStates]:
        """The states of a few agents from ``lo`` to ``hi`` (the timeline's lanes in view)."""
        return lane_states(self.db, f, agents, lo, hi, labels=labels, cancel=cancel)

    def summary_bill_pks(
        self,
        f: BillFilter,
        agent: str | None,
        figure: str,
        reason: Any,
        *,
        labels: Labels | None = None,
        cancel: CancelToken | None = None,
    ) -> list[int]:
        """The bills behind one summary cell of an :class:`Overview` (``Summary.bill_pks``)."""
        return summary_bill_pks(self.db, f, agent, figure, reason, labels=labels, cancel=cancel)

    def bill_briefs(self, pks: Sequence[int]) -> list[tuple[Any, ...]]:
        """``(pk, bill_id, op_type, op_cause, begin, end)`` of bills by row key (to show them)."""
        return browse.bill_briefs(self.db, pks)
