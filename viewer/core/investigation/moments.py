"""One agent's states indexed by time: what is active at a moment, what changed between two.

:class:`AgentStates` (what ``rebuild`` returns per agent) finds the intervals active at ``t`` or
lying in ``[lo, hi)`` with a binary search on their starts.

The main state at ``t`` is the active interval of the first kind in ``MAIN_KINDS``; otherwise
``IDLE`` when a session is active (since the later of the session's start and the latest end of a
main state at or before ``t``), else ``SIGNED_OUT`` (since the end of the last session).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter

from viewer.core.investigation.model import (
    _MAIN_SET,
    MAIN_KINDS,
    AgentChange,
    AgentMoment,
    Anomaly,
    Interval,
    StateKind,
    _touches,
)

_START = itemgetter(2)


@dataclass(eq=False)
class AgentStates:
    """Everything rebuilt for one agent: intervals (by start) and anomalies (by start)."""

    agent: str
    intervals: list[Interval]
    anomalies: list[Anomaly]
    bill_count: int = 0
    first_begin: int | None = None
    """The begin of the agent's first bill read."""
    last_begin: int | None = None
    """The begin of the agent's last bill read."""
    last_end: int | None = None
    """The latest end of the agent's bills read."""
    _index: tuple[list[Interval], list[Interval], list[int], int] | None = field(
        default=None, repr=False
    )

    def sessions(self) -> list[Interval]:
        """The ``SIGNED_IN`` intervals, by start."""
        return self._idx()[0]

    def _idx(self) -> tuple[list[Interval], list[Interval], list[int], int]:
        if self._index is None:
            sessions = [iv for iv in self.intervals if iv.kind is StateKind.SIGNED_IN]
            others = [iv for iv in self.intervals if iv.kind is not StateKind.SIGNED_IN]
            starts = [iv.start for iv in others]
            longest = max((iv.end - iv.start for iv in others), default=0)
            self._index = (sessions, others, starts, longest)
        return self._index

    def active(self, t: int) -> list[Interval]:
        """Intervals active at ``t`` (``start <= t < end``), sessions first, then by start."""
        sessions, others, starts, longest = self._idx()
        out = [s for s in sessions if s.start <= t < s.end]
        found = []
        j = bisect_right(starts, t) - 1
        while j >= 0 and starts[j] > t - longest:
            iv = others[j]
            if iv.end > t:
                found.append(iv)
            j -= 1
        found.reverse()
        return out + found

    def overlapping(
        self, lo: int | None, hi: int | None, kinds: Iterable[StateKind] | None = None
    ) -> list[Interval]:
        """Intervals (of the given kinds) lying partly inside ``[lo, hi)``, by start.

        A binary search on the starts: cheap enough for painting the visible part of a
        timeline lane on every frame.
        """
        wanted = frozenset(kinds) if kinds is not None else None
        sessions, others, starts, longest = self._idx()
        first = 0 if lo is None else bisect_right(starts, lo - longest - 1)
        last = len(others) if hi is None else bisect_right(starts, hi)
        found = [
            iv
            for iv in (*sessions, *others[first:last])
            if (wanted is None or iv.kind in wanted) and _touches(iv.start, iv.end, lo, hi)
        ]
        found.sort(key=_START)
        return found

    def state_at(self, t: int) -> AgentMoment:
        """The agent's state at ``t`` (see the module notes)."""
        act = self.active(t)
        session = None
        for iv in act:
            if iv.kind is StateKind.SIGNED_IN and (session is None or iv.start > session.start):
                session = iv
        main = None
        for kind in MAIN_KINDS:
            cands = [iv for iv in act if iv.kind is kind]
            if cands:
                main = max(cands, key=_START)
                break
        details = tuple(iv for iv in act if iv is not main)
        signed_in = session is not None
        session_start = session.start if session is not None else None
        if main is not None:
            return AgentMoment(
                self.agent,
                t,
                main.kind,
                main.label,
                main.reason,
                main.start,
                signed_in,
                session_start,
                details,
                main.bill_pks,
            )
        if session is not None:
            return AgentMoment(
                self.agent,
                t,
                StateKind.IDLE,
                StateKind.IDLE.title,
                None,
                self._idle_since(t, session),
                True,
                session.start,
                details,
                session.bill_pks,
            )
        last = None
        for s in self.sessions():
            if s.end <= t and (last is None or s.end >= last.end):
                last = s
        return AgentMoment(
            self.agent,
            t,
            StateKind.SIGNED_OUT,
            StateKind.SIGNED_OUT.title,
            None,
            last.end if last is not None else None,
            False,
            None,
            details,
            last.bill_pks if last is not None else (),
        )

    def _idle_since(self, t: int, session: Interval) -> int:
        """When an idle agent became idle: the sign-in, or the latest end of a main state.

        The latest end among the main-state intervals that ended in the session at or before
        ``t`` (with overlapping states, the one that ended last, whichever began last).
        """
        _, others, starts, longest = self._idx()
        main = _MAIN_SET
        best = session.start
        j = bisect_right(starts, t) - 1
        # an interval that begins at or before ``best - longest`` ends at or before ``best``
        while j >= 0 and starts[j] > best - longest:
            iv = others[j]
            if best < iv.end <= t and iv.kind in main:
                best = iv.end
            j -= 1
        return best


def state_at(states: AgentStates, t: int) -> AgentMoment:
    """The agent's state at ``t`` (start inclusive, end exclusive)."""
    return states.state_at(t)


def changes_between(states: AgentStates, t1: int, t2: int) -> AgentChange:
    """The agent's states at ``t1`` and ``t2`` and the intervals that began or ended between.

    ``started``: intervals with ``lo < start <= hi``; ``ended``: intervals with
    ``lo < end <= hi`` and ``end > start`` (by end), where ``lo, hi`` are the two moments in
    time order.
    """
    lo, hi = (t1, t2) if t1 <= t2 else (t2, t1)
    ivs = states.intervals
    started = tuple(iv for iv in ivs if lo < iv.start <= hi)
    ended = sorted((iv for iv in ivs if lo < iv.end <= hi and iv.end > iv.start), key=itemgetter(3))
    return AgentChange(
        states.agent, states.state_at(t1), states.state_at(t2), started, tuple(ended)
    )


def busiest_moment(
    sessions: Iterable[tuple[int, int]], lo: int | None = None, hi: int | None = None
) -> int | None:
    """The earliest moment in ``[lo, hi)`` with the most sessions active (None: none is).

    ``sessions`` are ``(start, end)`` pairs of every agent's ``SIGNED_IN`` intervals: only
    those are needed, so a caller streaming agents keeps two numbers per session, not states.
    """
    events: list[tuple[int, int]] = []
    for start, end in sessions:
        a = start if lo is None else max(start, lo)
        b = end if hi is None else min(end, hi)
        if a < b:
            events.append((a, 1))
            events.append((b, -1))
    events.sort()  # at one time, sessions ending (-1) come before those starting (+1)
    best, best_t, n = 0, None, 0
    for t, d in events:
        n += d
        if n > best:
            best, best_t = n, t
    return best_t


def anomalies_in(
    states: Iterable[AgentStates], lo: int | None = None, hi: int | None = None
) -> list[Anomaly]:
    """The anomalies touching ``[lo, hi)`` of all agents, by start time then agent."""
    out = [a for st in states for a in st.anomalies if a.touches(lo, hi)]
    out.sort(key=lambda a: (a.start, a.agent, a.kind))
    return out
