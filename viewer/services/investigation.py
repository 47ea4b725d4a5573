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
    Investigation,
    agent_states,
    states_around,
)
from viewer.data.labels import load_labels
from viewer.data.zone import data_time_label

__all__ = [
    "DEFAULT_GAP_SECONDS",
    "DEFAULT_LOOKBACK_SECONDS",
    "AgentChange",
    "AgentMoment",
    "AgentStates",
    "Anomaly",
    "Database",
    "Investigation",
    "InvestigationService",
    "Labels",
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
        """Time per state per agent over the filter's period (``states`` options apply)."""
        return self.states(f, labels=labels, **options).summary()

    def anomalies(
        self, f: BillFilter, *, labels: Labels | None = None, **options: Any
    ) -> list[Anomaly]:
        """Anomalies of the filter's agents touching its period, by time then agent."""
        return self.states(f, labels=labels, **options).anomalies()

    def at(
        self,
        f: BillFilter,
        t: int,
        *,
        labels: Labels | None = None,
        lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
        gap_seconds: int = DEFAULT_GAP_SECONDS,
        cancel: CancelToken | None = None,
    ) -> list[AgentMoment]:
        """Every agent of the filter and its state at ``t`` (stored seconds), by agent.

        Bills from ``t - lookback_seconds`` to ``t`` are read; an agent with none there is "not
        signed in" with no known start.
        """
        agents, by_agent = states_around(
            self.db,
            f,
            t,
            t,
            labels,
            lookback_seconds=lookback_seconds,
            gap_seconds=gap_seconds,
            cancel=cancel,
        )
        return [by_agent[a].state_at(t) if a in by_agent else _signed_out(a, t) for a in agents]

    def changes(
        self,
        f: BillFilter,
        t1: int,
        t2: int,
        *,
        labels: Labels | None = None,
        only_changed: bool = True,
        lookback_seconds: int = DEFAULT_LOOKBACK_SECONDS,
        gap_seconds: int = DEFAULT_GAP_SECONDS,
        cancel: CancelToken | None = None,
    ) -> list[AgentChange]:
        """Every agent's state at ``t1`` and ``t2`` and the intervals that began or ended between.

        ``AgentChange.started`` holds the intervals that began in ``(t1, t2]``, ``ended`` those
        that ended in ``(t1, t2]`` (see ``viewer.core.investigation.changes_between``). With
        ``only_changed``, only agents whose state changed or with an interval that began or
        ended in between; one change per agent, by agent.
        """
        agents, by_agent = states_around(
            self.db,
            f,
            t1,
            t2,
            labels,
            lookback_seconds=lookback_seconds,
            gap_seconds=gap_seconds,
            cancel=cancel,
        )
        out = []
        for a in agents:
            s = by_agent.get(a)
            if s is None:
                change = AgentChange(a, _signed_out(a, t1), _signed_out(a, t2), (), ())
            else:
                change = changes_between(s, t1, t2)
            if not only_changed or change.eventful:
                out.append(change)
        return out

    def bill_briefs(self, pks: Sequence[int]) -> list[tuple[Any, ...]]:
        """``(pk, bill_id, op_type, op_cause, begin, end)`` of bills by row key (to show them)."""
        return browse.bill_briefs(self.db, pks)
