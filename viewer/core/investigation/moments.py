"""The state at a moment and what changed between two moments.

The main state at ``t`` is the active interval of the first kind in ``MAIN_KINDS``; otherwise
``IDLE`` when a session is active (since the later of the session's start and the latest end of a
main state at or before ``t``), else ``SIGNED_OUT`` (since the end of the last session).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from operator import itemgetter

from viewer.core.investigation.model import (
    _MAIN_SET,
    MAIN_KINDS,
    AgentChange,
    AgentMoment,
    AgentStates,
    Anomaly,
    Interval,
    StateKind,
)

_START = itemgetter(2)


def state_at(states: AgentStates, t: int) -> AgentMoment:
    """The agent's state at ``t`` (start inclusive, end exclusive; see the module notes)."""
    act = states.active(t)
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
            states.agent,
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
            states.agent,
            t,
            StateKind.IDLE,
            StateKind.IDLE.title,
            None,
            _idle_since(states, t, session),
            True,
            session.start,
            details,
            session.bill_pks,
        )
    last = None
    for s in states.sessions():
        if s.end <= t and (last is None or s.end >= last.end):
            last = s
    return AgentMoment(
        states.agent,
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


def _idle_since(states: AgentStates, t: int, session: Interval) -> int:
    """When an idle agent became idle: the sign-in, or the latest end of a main state.

    The latest end among the main-state intervals that ended in the session at or before
    ``t`` (with overlapping states, the one that ended last, whichever began last).
    """
    _, others, starts, longest = states._idx()
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


def anomalies_in(
    states: Iterable[AgentStates], lo: int | None = None, hi: int | None = None
) -> list[Anomaly]:
    """The anomalies touching ``[lo, hi)`` of all agents, by start time then agent."""
    out = [a for st in states for a in st.anomalies if a.touches(lo, hi)]
    out.sort(key=lambda a: (a.start, a.agent, a.kind))
    return out
