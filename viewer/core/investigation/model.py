"""The investigation's value types: bills in; intervals, anomalies, moments and changes out.

A :class:`StateBill` (a bill's state columns) becomes :class:`Interval` s and :class:`Anomaly` s
(``rebuild``); an :class:`AgentMoment` is an agent's state at one moment, an :class:`AgentChange`
how it differs between two (``moments``). Times are stored seconds (``viewer.core.timefmt``); an
interval is active at ``t`` when ``start <= t < end``.
"""

from __future__ import annotations

import enum
from typing import Any, NamedTuple

from viewer.core.i18n import QT_TRANSLATE_NOOP, translate
from viewer.core.timefmt import from_epoch

DEFAULT_GAP_SECONDS = 1800
"""A signed-in stretch without any bill longer than this (30 minutes) is a ``GAP`` anomaly."""

FORCED_MERGE_SECONDS = 5
"""Forced markers of one agent at most this far apart are one forced event."""

PIECE_JOIN_SECONDS = 5
"""How far after the joined end a piece of a conversation with no final piece yet may begin and
still join it (same agent, same non-empty call ID).

The platform cuts a conversation into pieces on the five-minute grid (00:00, 00:05, ... 23:55):
a reason-1 piece ends on a grid mark and the next piece begins on that same mark, so the pieces
of one conversation are contiguous by construction. The tolerance only absorbs the platform
stamping the end of one piece and the begin of the next a moment apart (sub-second times rounded
to whole seconds, the two bills written one after the other): a few seconds. It is deliberately
far below the 300 s grid step: a larger gap means a piece is missing or the call ID came back in
a new conversation (transfer back, callback), and joining would invent talking time that no bill
shows and hide the missing final piece. Such a gap closes the earlier conversation with a
``NO_FINAL_PIECE`` anomaly instead, which points the user to the bills."""

BUSY_REST_REASON = 4
"""Busy reason 4, "The agent has a rest", stays a ``BUSY`` interval, labelled
:data:`BUSY_REST_LABEL` ("Busy 4 (rest)") in intervals and in the summary's busy column.

Why busy and not rest: the vendor table lists it as a reason of operation type 3 ("The agent
indicates busy"), while rest proper is operation type 26 ("The agent rests", entered through
CCC_REQUEST_REST_EX_Msg with the site's own rest reason; its object is a work ID). The platform
recorded a busy operation, so the figures stay the sums of the bills: busy by reason is exactly
the type 3 bills' time by reason code, which a user can check against the bills, and rest is
exactly the type 26 bills' time. Folding it into the rest column would also collide with the
site's own rest reason 4 (type 26 reason codes are site-defined, default 0) and would count a
rest twice where a platform writes both bills for it. The label makes it plain that this busy
time was a rest, so a reader can add it to rest where the site's practice wants that."""

BUSY_REST_LABEL = QT_TRANSLATE_NOOP("State", "Busy 4 (rest)")
"""The label of busy reason 4 (see :data:`BUSY_REST_REASON`)."""

CONCURRENT_MEDIA = frozenset({1, 6, 17, 20, 50, 51, 52, 53, 54})
"""Text and chat media (text chat, email, message, leave-message, the chats): an agent may hold
several such conversations at once, so they never make an ``OVERLAP`` anomaly."""

STATE_COLUMNS: tuple[str, ...] = (
    "pk",
    "agent_id",
    "begin_time",
    "end_time",
    "op_type",
    "op_object",
    "op_cause",
    "call_id",
    "logon_sn",
    "media_type",
)
"""The database columns of a :class:`StateBill`, in order (the loader's SELECT list)."""


class StateBill(NamedTuple):
    """The fields of a bill that states are rebuilt from (a plain tuple in this order works too)."""

    pk: int
    agent_id: str
    begin: int
    end: int | None
    op_type: int | None
    op_object: str | None = None
    op_cause: int | str | None = None
    call_id: str | None = None
    logon_sn: str | None = None
    media_type: int | None = None


class StateKind(enum.StrEnum):
    """What an interval says the agent was doing (``IDLE``/``SIGNED_OUT`` only at a moment)."""

    SIGNED_IN = "signed_in"
    BUSY = "busy"
    REST = "rest"
    WORK = "work"
    STUDY = "study"
    CONVERSATION = "conversation"
    HELD = "held"
    INTERNAL_HELP = "internal_help"
    THREE_PARTY = "three_party"
    CONFERENCE = "conference"
    LISTENING = "listening"
    FORCED = "forced"
    OTHER = "other"
    IDLE = "idle"
    SIGNED_OUT = "signed_out"

    @property
    def title(self) -> str:  # type: ignore[override]
        """In the current language, e.g. "In conversation"."""
        return translate("State", _KIND_TITLES[self])


_KIND_TITLES: dict[StateKind, str] = {
    StateKind.SIGNED_IN: QT_TRANSLATE_NOOP("State", "Signed in"),
    StateKind.BUSY: QT_TRANSLATE_NOOP("State", "Busy"),
    StateKind.REST: QT_TRANSLATE_NOOP("State", "Rest"),
    StateKind.WORK: QT_TRANSLATE_NOOP("State", "Working"),
    StateKind.STUDY: QT_TRANSLATE_NOOP("State", "Study"),
    StateKind.CONVERSATION: QT_TRANSLATE_NOOP("State", "In conversation"),
    StateKind.HELD: QT_TRANSLATE_NOOP("State", "Call held"),
    StateKind.INTERNAL_HELP: QT_TRANSLATE_NOOP("State", "Internal help"),
    StateKind.THREE_PARTY: QT_TRANSLATE_NOOP("State", "Three-party conversation"),
    StateKind.CONFERENCE: QT_TRANSLATE_NOOP("State", "Conference"),
    StateKind.LISTENING: QT_TRANSLATE_NOOP("State", "Listening in"),
    StateKind.FORCED: QT_TRANSLATE_NOOP("State", "Forced"),
    StateKind.OTHER: QT_TRANSLATE_NOOP("State", "Other operation"),
    StateKind.IDLE: QT_TRANSLATE_NOOP("State", "Idle"),
    StateKind.SIGNED_OUT: QT_TRANSLATE_NOOP("State", "Not signed in"),
}

EXCLUSIVE_KINDS = frozenset(
    {StateKind.BUSY, StateKind.REST, StateKind.WORK, StateKind.STUDY, StateKind.CONVERSATION}
)
"""States that cannot hold together (see the module notes for chats)."""

MAIN_KINDS: tuple[StateKind, ...] = (
    StateKind.CONVERSATION,
    StateKind.BUSY,
    StateKind.REST,
    StateKind.WORK,
    StateKind.STUDY,
    StateKind.LISTENING,
)
"""Kinds that are "the" state at a moment, in priority order; the others are details."""

_MAIN_SET = frozenset(MAIN_KINDS)


class AnomalyKind(enum.StrEnum):
    """What is wrong or noteworthy in an agent's bills."""

    NO_SIGN_OUT = "no_sign_out"
    NO_SIGN_IN = "no_sign_in"
    REPEATED = "repeated_sign_in_out"
    OVERLAP = "overlap"
    NO_FINAL_PIECE = "no_final_piece"
    GAP = "gap"
    FORCED_LOGOUT = "forced_logout"
    FORCED_STATE = "forced_state"
    END_BEFORE_BEGIN = "end_before_begin"
    SIGN_OUT_BEFORE_SIGN_IN = "sign_out_before_sign_in"

    @property
    def title(self) -> str:  # type: ignore[override]
        """In the current language, e.g. "Sign-in without a sign-out"."""
        return translate("Anomaly", _ANOMALY_TITLES[self])


_ANOMALY_TITLES: dict[AnomalyKind, str] = {
    AnomalyKind.NO_SIGN_OUT: QT_TRANSLATE_NOOP("Anomaly", "Sign-in without a sign-out"),
    AnomalyKind.NO_SIGN_IN: QT_TRANSLATE_NOOP("Anomaly", "Sign-out without a sign-in"),
    AnomalyKind.REPEATED: QT_TRANSLATE_NOOP("Anomaly", "Repeated sign-in or sign-out"),
    AnomalyKind.OVERLAP: QT_TRANSLATE_NOOP("Anomaly", "Overlapping states"),
    AnomalyKind.NO_FINAL_PIECE: QT_TRANSLATE_NOOP("Anomaly", "Conversation with no final piece"),
    AnomalyKind.GAP: QT_TRANSLATE_NOOP("Anomaly", "No bill in a signed-in session"),
    AnomalyKind.FORCED_LOGOUT: QT_TRANSLATE_NOOP("Anomaly", "Forced logout"),
    AnomalyKind.FORCED_STATE: QT_TRANSLATE_NOOP("Anomaly", "Forced state"),
    AnomalyKind.END_BEFORE_BEGIN: QT_TRANSLATE_NOOP("Anomaly", "End before begin"),
    AnomalyKind.SIGN_OUT_BEFORE_SIGN_IN: QT_TRANSLATE_NOOP(
        "Anomaly", "Sign-out before its sign-in"
    ),
}


class Interval(NamedTuple):
    """One state of one agent from ``start`` (inclusive) to ``end`` (exclusive).

    Attributes:
        agent: The agent's work number.
        kind: What the agent was doing.
        start: Stored seconds.
        end: Stored seconds (``end == start`` for an instant, e.g. most forced events).
        reason: The bill's reason code (busy, rest, work ...); None when not used or not relevant.
        label: What to show, decoded with the site's labels, e.g. "Busy: Lunch".
        bill_pks: Row keys of the bills behind it (all pieces of a conversation; the sign-in and
            sign-out of a session).
        open_ended: True when an edge is not a bill's own time (a missing sign-in or sign-out, a
            missing final piece, a missing end time, a state cut by the edge of what was read).
    """

    agent: str
    kind: StateKind
    start: int
    end: int
    reason: int | None
    label: str
    bill_pks: tuple[int, ...]
    open_ended: bool = False

    @property
    def duration(self) -> int:
        """Seconds from start to end."""
        return self.end - self.start

    def contains(self, t: int) -> bool:
        """Whether the interval is active at ``t`` (start inclusive, end exclusive)."""
        return self.start <= t < self.end


class Anomaly(NamedTuple):
    """Something wrong or noteworthy, pointing at the bills that show it.

    Attributes:
        agent: The agent's work number.
        kind: What it is.
        message: One plain sentence with the details.
        start: Stored seconds where it begins.
        end: Stored seconds where it ends (``start`` for an instant).
        bill_pks: Row keys of the bills that show it.
    """

    agent: str
    kind: AnomalyKind
    message: str
    start: int
    end: int
    bill_pks: tuple[int, ...]

    def touches(self, lo: int | None, hi: int | None) -> bool:
        """Whether it lies (partly) inside ``[lo, hi)``; None bounds are open."""
        if hi is not None and self.start >= hi:
            return False
        return lo is None or self.end > lo or self.start >= lo


class AgentMoment(NamedTuple):
    """An agent's state at one moment, with since when.

    Attributes:
        agent: The agent's work number.
        time: The moment (stored seconds).
        kind: The main state (a :data:`MAIN_KINDS` kind, ``IDLE`` or ``SIGNED_OUT``).
        label: What to show, e.g. "Busy: Lunch", "Idle", "Not signed in".
        reason: The main state's reason code, if any.
        since: When the main state began (None: not known, e.g. never signed in).
        signed_in: Whether a session is active.
        session_start: When the active session began (None when signed out).
        details: Other active intervals (held, internal help, conference, the session ...).
        bill_pks: The bills behind the main state (the session's for idle, the last session's
            for signed out).
    """

    agent: str
    time: int
    kind: StateKind
    label: str
    reason: int | None
    since: int | None
    signed_in: bool
    session_start: int | None
    details: tuple[Interval, ...]
    bill_pks: tuple[int, ...]

    def same_state(self, other: AgentMoment) -> bool:
        """Whether both moments are in one and the same state (kind, reason and start)."""
        return (self.kind, self.reason, self.since, self.signed_in) == (
            other.kind,
            other.reason,
            other.since,
            other.signed_in,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (times as exported text)."""
        return {
            "agent": self.agent,
            "time": from_epoch(self.time),
            "state": str(self.kind),
            "label": self.label,
            "reason": self.reason,
            "since": from_epoch(self.since) if self.since is not None else None,
            "for_seconds": self.time - self.since if self.since is not None else None,
            "signed_in": self.signed_in,
            "session_start": (
                from_epoch(self.session_start) if self.session_start is not None else None
            ),
            "details": [
                {
                    "state": str(iv.kind),
                    "label": iv.label,
                    "since": from_epoch(iv.start),
                    "until": from_epoch(iv.end),
                    "bill_pks": list(iv.bill_pks),
                }
                for iv in self.details
            ],
            "bill_pks": list(self.bill_pks),
        }


class AgentChange(NamedTuple):
    """How an agent's state differs between two moments.

    Attributes:
        agent: The agent's work number.
        before: The state at the first moment.
        after: The state at the second moment.
        started: Intervals that began after the first moment and up to the second, by start.
        ended: Intervals that ended after the first moment and up to the second (no longer
            active at the second moment), by end; instants are only in ``started``. An interval
            that began and ended in between is in both.
    """

    agent: str
    before: AgentMoment
    after: AgentMoment
    started: tuple[Interval, ...]
    ended: tuple[Interval, ...] = ()

    @property
    def changed(self) -> bool:
        """Whether the main state differs (or was left and entered again in between)."""
        return not self.before.same_state(self.after)

    @property
    def eventful(self) -> bool:
        """Whether anything changed: the main state, or an interval began or ended in between."""
        return bool(self.started or self.ended) or self.changed

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (times as exported text)."""
        return {
            "agent": self.agent,
            "changed": self.changed,
            "before": self.before.as_dict(),
            "after": self.after.as_dict(),
            "started": [_interval_dict(iv) for iv in self.started],
            "ended": [_interval_dict(iv) for iv in self.ended],
        }


def _interval_dict(iv: Interval) -> dict[str, Any]:
    """An interval in JSON-ready form (times as exported text)."""
    return {
        "state": str(iv.kind),
        "label": iv.label,
        "reason": iv.reason,
        "since": from_epoch(iv.start),
        "until": from_epoch(iv.end),
        "open_ended": iv.open_ended,
        "bill_pks": list(iv.bill_pks),
    }


def _touches(start: int, end: int, lo: int | None, hi: int | None) -> bool:
    """Whether ``[start, end)`` (or the instant ``start``) lies partly inside ``[lo, hi)``."""
    if hi is not None and start >= hi:
        return False
    if lo is None:
        return True
    return end > lo or (end == start and start >= lo)
