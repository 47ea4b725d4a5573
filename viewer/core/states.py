"""Agent states rebuilt from bills: intervals, anomalies, the state at a moment, time per state.

Pure Python (no Qt, no SQL): ``data.investigation`` feeds it rows from the database, the tests
feed it hand-written bills, and the window's timeline, "at a moment" and summary views read its
results.

Input
    :class:`StateBill` tuples (``pk, agent_id, begin, end, op_type, op_object, op_cause, call_id,
    logon_sn, media_type``; times in stored seconds, see ``viewer.core.timefmt``), sorted by agent,
    then begin time, then pk. Plain tuples in that order work as well (the database loader passes
    the driver's tuples). A code kept as written (``op_type``, ``op_cause``, ``media_type`` as a
    ``viewer.core.codes.VerbatimCode``) is decoded as unknown with its text, never as "not used".

What each bill becomes (one :class:`Interval` per bill unless said otherwise)
    - type 1 (sign-in) and type 0 (sign-out) with the same ``logon_sn``: one ``SIGNED_IN``
      interval from the sign-in's begin to the sign-out's begin. A sign-in that comes after the
      sign-out of its ``logon_sn`` starts a new session (an empty ``logon_sn`` ties nothing: each
      sign-in after a sign-out is a new login), except that a sign-in of a non-empty ``logon_sn``
      whose only other login bill is an earlier sign-out is that sign-out's pair, recorded in the
      wrong order: a ``SIGN_OUT_BEFORE_SIGN_IN`` anomaly pointing to both bills, and a session
      from the sign-in to its last bill's end (``open_ended``). Bills with an empty ``logon_sn``
      belong to the agent's open session of empty ``logon_sn``, if any (its last bill);
    - type 3: ``BUSY`` with its reason. Reason 4 ("the agent has a rest") stays busy and is
      labelled :data:`BUSY_REST_LABEL` ("Busy 4 (rest)"), see :data:`BUSY_REST_REASON` for why;
      type 26: ``REST`` with its reason; type 27: ``WORK`` (working/adjusting) with its reason;
      type 34: ``STUDY``;
    - types 4 and 60: conversation pieces. The pieces of one agent and one call join into one
      ``CONVERSATION`` interval from the first piece's begin to the last piece's end. A piece
      joins when it begins at or before the joined end (contiguous pieces; the type 4 and type 60
      copies of one text chat), or, while no final piece (reason 0) has been seen and the call ID
      is not empty, when it begins at most :data:`PIECE_JOIN_SECONDS` after the joined end.
      Otherwise the piece starts a new conversation and the earlier one, if it has no final
      piece, is closed with a ``NO_FINAL_PIECE`` anomaly. Pieces cut on the five-minute grid
      (reason 1), across midnight too, therefore give one conversation; pieces with no call ID
      join only when contiguous;
    - type 38: ``HELD``; type 40: ``INTERNAL_HELP``; type 10: ``THREE_PARTY``; types 58 and 59:
      ``CONFERENCE``; type 20: ``LISTENING`` (a QC inspector's bill; the object is the agent);
    - forced markers: types 29, 30, 31, sign-outs with cause 257 or 264 and busy bills with
      cause 2 or 3. Markers of one agent less than :data:`FORCED_MERGE_SECONDS` apart are one
      forced event (a type 31 bill and the busy bill it forces; a type 29 bill and the 257
      sign-out): one ``FORCED`` interval (usually an instant) holding all their bills. A marker
      bill with no end time counts as an instant (it does not run on to the next bill);
    - any other type (transfers, media-server login, mute, ...): ``OTHER``, labelled with its
      operation type, so that every bill is reachable from some interval.

Which states exclude each other
    ``BUSY``, ``REST``, ``WORK``, ``STUDY`` and ``CONVERSATION`` are the platform's exclusive
    states (busy, rest, working, learning, talking): two of them overlapping is an ``OVERLAP``
    anomaly, except a conversation on a text or chat medium (:data:`CONCURRENT_MEDIA`), since a
    multimedia agent serves several chats at once. Two sessions of one agent overlapping are an
    ``OVERLAP`` too. ``SIGNED_IN`` overlaps everything; held, internal help, three-party,
    conference and listening happen inside a conversation or beside the exclusive states.
    Zero-length intervals never overlap anything and are never "active" (see below).

Edges of what was read
    A caller that read only a window of bills passes ``since`` (bills before it exist but were
    not read) and ``until`` (bills from it on exist but were not read); ``None`` means "nothing
    exists beyond: every bill of that side was read". Then:

    - a session with no sign-in whose bills are the agent's first in the window started before
      it when ``since`` is given: it starts at ``since``, ``open_ended``, no anomaly. Otherwise a
      session with no sign-in starts at its first bill, ``open_ended``, with a ``NO_SIGN_IN``
      anomaly ("sign-out without a sign-in" when it has a sign-out);
    - a session with no sign-out followed by another session of the agent ends at its last bill's
      end, ``open_ended``, with a ``NO_SIGN_OUT`` anomaly. The agent's last session with no
      sign-out runs on to ``until`` (``open_ended``, no anomaly) when ``until`` is given; with
      ``until=None`` it ends at its last bill's end with a ``NO_SIGN_OUT`` anomaly;
    - a conversation with no final piece ends at its last piece's end, ``open_ended``; it is a
      ``NO_FINAL_PIECE`` anomaly unless its last piece reaches ``until`` (within
      :data:`PIECE_JOIN_SECONDS`: its next piece may lie past it);
    - a bill with no end time (an operation still open) ends where the agent's next bill begins,
      or at ``until``, or at its own begin, and is ``open_ended`` (no anomaly: the format allows
      it). An end before the begin is an ``END_BEFORE_BEGIN`` anomaly; the bill is taken as an
      instant.

Gaps
    A ``GAP`` anomaly is a stretch longer than ``gap_seconds`` (default 30 minutes) inside a
    signed-in session covered by no bill of the agent (idle is not billed, so short stretches
    are normal idle time).

The state at a moment (:meth:`AgentStates.state_at`)
    An interval is active at ``t`` when ``start <= t < end`` (start inclusive, end exclusive).
    The main state is the active interval of the first kind in :data:`MAIN_KINDS`; otherwise
    ``IDLE`` when a session is active (since the later of the session's start and the latest end
    among the main-state intervals that ended at or before ``t``; with overlapping states that is
    the one that ended last, not the one that began last), else ``SIGNED_OUT`` (since the end of
    the last session).

What changed between two moments (:func:`changes_between`)
    The states at both moments, the intervals that began in ``(t1, t2]`` (``started``) and those
    that ended in ``(t1, t2]`` (``ended``: active at ``t1`` or begun after it, no longer active at
    ``t2``; instants are only in ``started``).

Summaries (:func:`summarise`)
    Intervals are clipped to the period ``[start, end)``. Signed-in time and conversation time
    are the length of the union of the clipped intervals (overlapping sessions or concurrent chats
    count once); busy, rest, working and study times are sums by reason. A conversation is counted
    when it overlaps the period; a forced event when it begins in it; an anomaly when it touches it.
"""

from __future__ import annotations

import enum
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

from viewer.core import codes
from viewer.core.codes import VerbatimCode
from viewer.core.timefmt import format_duration, from_epoch

__all__ = [
    "ALL_REASONS",
    "ANOMALY_HEADER",
    "CONCURRENT_MEDIA",
    "DEFAULT_GAP_SECONDS",
    "EXCLUSIVE_KINDS",
    "FIGURES",
    "FORCED_MERGE_SECONDS",
    "MAIN_KINDS",
    "STATE_COLUMNS",
    "AgentChange",
    "AgentMoment",
    "AgentStates",
    "Anomaly",
    "AnomalyKind",
    "BUSY_REST_LABEL",
    "BUSY_REST_REASON",
    "Interval",
    "PIECE_JOIN_SECONDS",
    "StateBill",
    "StateKind",
    "Summary",
    "SummaryRow",
    "anomalies_in",
    "anomaly_table",
    "sorted_reasons",
    "changes_between",
    "reconstruct",
    "reconstruct_agent",
    "state_at",
    "summarise",
    "summary_table",
]

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

BUSY_REST_LABEL = "Busy 4 (rest)"
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
        """Plain English, e.g. "In conversation"."""
        return _KIND_TITLES[self]


_KIND_TITLES: dict[StateKind, str] = {
    StateKind.SIGNED_IN: "Signed in",
    StateKind.BUSY: "Busy",
    StateKind.REST: "Rest",
    StateKind.WORK: "Working",
    StateKind.STUDY: "Study",
    StateKind.CONVERSATION: "In conversation",
    StateKind.HELD: "Call held",
    StateKind.INTERNAL_HELP: "Internal help",
    StateKind.THREE_PARTY: "Three-party conversation",
    StateKind.CONFERENCE: "Conference",
    StateKind.LISTENING: "Listening in",
    StateKind.FORCED: "Forced",
    StateKind.OTHER: "Other operation",
    StateKind.IDLE: "Idle",
    StateKind.SIGNED_OUT: "Not signed in",
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
        """Plain English, e.g. "Sign-in without a sign-out"."""
        return _ANOMALY_TITLES[self]


_ANOMALY_TITLES: dict[AnomalyKind, str] = {
    AnomalyKind.NO_SIGN_OUT: "Sign-in without a sign-out",
    AnomalyKind.NO_SIGN_IN: "Sign-out without a sign-in",
    AnomalyKind.REPEATED: "Repeated sign-in or sign-out",
    AnomalyKind.OVERLAP: "Overlapping states",
    AnomalyKind.NO_FINAL_PIECE: "Conversation with no final piece",
    AnomalyKind.GAP: "No bill in a signed-in session",
    AnomalyKind.FORCED_LOGOUT: "Forced logout",
    AnomalyKind.FORCED_STATE: "Forced state",
    AnomalyKind.END_BEFORE_BEGIN: "End before begin",
    AnomalyKind.SIGN_OUT_BEFORE_SIGN_IN: "Sign-out before its sign-in",
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


# --------------------------------------------------------------------------------------------
# Labels
# --------------------------------------------------------------------------------------------

_SIMPLE_KINDS: dict[int, StateKind] = {
    3: StateKind.BUSY,
    26: StateKind.REST,
    27: StateKind.WORK,
    34: StateKind.STUDY,
    38: StateKind.HELD,
    40: StateKind.INTERNAL_HELP,
    10: StateKind.THREE_PARTY,
    58: StateKind.CONFERENCE,
    59: StateKind.CONFERENCE,
    20: StateKind.LISTENING,
}
_EXCLUSIVE_TYPES = frozenset({3, 26, 27, 34})
_FORCED_TYPES = frozenset({29, 30, 31})
_NO_REASON_TYPES = frozenset({10, 58})  # reason column "not used" or "-": never a reason


def _norm_cause(value: object) -> int | VerbatimCode | None:
    """A reason code as an int, or None for "not used" (65535, -1, empty) and non-codes.

    A code kept as written (a ``VerbatimCode``, e.g. "0201") stays itself: it is a reason the
    file gives, not "not used", and is decoded as unknown with its text.
    """
    if codes.is_not_used(value):
        return None
    if isinstance(value, VerbatimCode):
        return value
    return codes.parse_code(value)


class _Namer:
    """Labels for intervals, decoded once per distinct (type, reason) with the site's labels."""

    def __init__(self, labels: Mapping[tuple[int, int], str] | None) -> None:
        self.labels = labels
        self.cache: dict[Any, str] = {}

    def reason_text(self, op_type: int | None, reason: int | None) -> str:
        """The decoded reason ("" when not used)."""
        if reason is None:
            return ""
        return codes.explain_reason(op_type, reason, self.labels).text

    def label(self, kind: StateKind, op_type: int | None, reason: int | None) -> str:
        """The label of a simple interval (cached under ``(op_type, reason)``)."""
        title = codes.explain_op_type(op_type).text if kind is StateKind.OTHER else kind.title
        text = "" if op_type in _NO_REASON_TYPES else self.reason_text(op_type, reason)
        if op_type == 3 and reason == BUSY_REST_REASON:
            out = BUSY_REST_LABEL
        elif not text:
            out = title
        elif text.lower().startswith(title.lower()):
            out = text
        else:
            out = f"{title}: {text}"
        self.cache[(op_type, reason)] = out
        return out

    def conversation(self, media: object, call: str | None) -> str:
        """E.g. "In conversation (Voice call, call 1475051437-34)"."""
        key = ("conversation", media)
        head = self.cache.get(key)
        if head is None:
            head = f"In conversation ({codes.explain_media_type(media).text}"
            self.cache[key] = head
        return f"{head}, call {call})" if call else head + ")"

    def marker(self, op_type: int | None, reason: int | None, obj: object) -> str:
        """The label of one forced marker, e.g. "Forcible busy by work ID 1234"."""
        if op_type in _FORCED_TYPES:
            text = codes.explain_op_type(op_type).text
            if not codes.is_not_used(obj):
                text += " by " + codes.explain_object(op_type, obj).text
            return text
        if op_type == 0:
            return f"Sign-out: {self.reason_text(0, reason)} (cause {reason})"
        return self.label(StateKind.BUSY, op_type, reason)


# --------------------------------------------------------------------------------------------
# Reconstruction
# --------------------------------------------------------------------------------------------

_AGENT = itemgetter(1)
_START = itemgetter(2)


def reconstruct(
    bills: Iterable[Sequence[Any]],
    *,
    since: int | None = None,
    until: int | None = None,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    labels: Mapping[tuple[int, int], str] | None = None,
) -> Iterator[AgentStates]:
    """Rebuild every agent's states from bills sorted by agent, begin time and pk.

    Args:
        bills: :class:`StateBill` tuples (or plain tuples in ``STATE_COLUMNS`` order), grouped
            by agent and in time order within an agent; an iterator is consumed lazily.
        since: Bills before this time exist but were not read (None: none exist).
        until: Bills from this time on exist but were not read (None: none exist).
        gap_seconds: Minimum length of a ``GAP`` anomaly.
        labels: Site labels by ``(op_type, code)`` for the interval labels.

    Yields:
        One :class:`AgentStates` per agent, in input order.
    """
    namer = _Namer(labels)
    for agent, rows in groupby(bills, key=_AGENT):
        yield _rebuild(agent, list(rows), since, until, gap_seconds, namer)


def reconstruct_agent(
    agent: str,
    bills: Iterable[Sequence[Any]],
    *,
    since: int | None = None,
    until: int | None = None,
    gap_seconds: int = DEFAULT_GAP_SECONDS,
    labels: Mapping[tuple[int, int], str] | None = None,
) -> AgentStates:
    """Rebuild one agent's states from its bills in any order (see :func:`reconstruct`)."""
    rows = sorted(bills, key=itemgetter(2, 0))
    return _rebuild(agent, rows, since, until, gap_seconds, _Namer(labels))


def _open_end(rows: Sequence[Sequence[Any]], i: int, until: int | None) -> int:
    """Where a bill with no end time ends: the next later bill's begin, else ``until``."""
    begin = rows[i][2]
    for j in range(i + 1, len(rows)):
        if rows[j][2] > begin:
            return int(rows[j][2])
    return until if until is not None and until > begin else begin


def _rebuild(
    agent: str,
    rows: list[Sequence[Any]],
    since: int | None,
    until: int | None,
    gap: int,
    namer: _Namer,
) -> AgentStates:
    """The states of one agent from its bills in time order (the hot loop)."""
    new = tuple.__new__
    interval_cls = Interval
    simple = _SIMPLE_KINDS
    excl_types = _EXCLUSIVE_TYPES
    label_cache = namer.cache
    intervals: list[Interval] = []
    exclusive: list[Interval] = []
    anomalies: list[Anomaly] = []
    convs: dict[Any, list[Any]] = {}
    conv_list: list[list[Any]] = []
    tolerance = PIECE_JOIN_SECONDS
    sessions: dict[Any, list[Any]] = {}  # the latest session of each logon_sn
    session_list: list[list[Any]] = []
    forced: list[tuple[Any, ...]] = []
    gaps: list[tuple[Any, ...]] = []
    cur_sn: Any = None
    cur_s: list[Any] = []
    covered: Any = None
    prev_pk: Any = None
    for i, row in enumerate(rows):
        pk, _, b, e, t, o, c, call, sn, m = row
        open_end = False
        if e is None or e < b:
            if e is None:
                e = _open_end(rows, i, until)
                open_end = True
            else:
                anomalies.append(
                    Anomaly(
                        agent,
                        AnomalyKind.END_BEFORE_BEGIN,
                        f"The bill ends ({from_epoch(e)}) before it begins ({from_epoch(b)}); "
                        "taken as an instant.",
                        b,
                        b,
                        (pk,),
                    )
                )
                e = b
        if c is not None:
            if c == 65535 or c == -1:
                c = None
            elif c.__class__ is not int:
                c = _norm_cause(c)
        # stretches covered by no bill
        if covered is None:
            covered = e
        elif b > covered:
            if b - covered > gap:
                gaps.append((covered, b, prev_pk, pk))
            covered = e
        elif e > covered:
            covered = e
        prev_pk = pk
        # sessions, by logon_sn
        if sn or t == 1 or t == 0:
            if sn != cur_sn or not cur_s:
                key = sn or ""
                cur_s = sessions.get(key)  # type: ignore[assignment]
                if cur_s is None:
                    # login begin, login pks, logout begin, logout pk, first begin, last end,
                    # first pk, last pk, key, sign-out before its sign-in
                    cur_s = [None, (), None, None, b, e, pk, pk, key, False]
                    sessions[key] = cur_s
                    session_list.append(cur_s)
                cur_sn = sn
            if t == 1 and cur_s[2] is not None and (cur_s[0] is not None or not cur_s[8]):
                # a sign-in after the sign-out of its logon_sn: a new login
                cur_s = [None, (), None, None, b, e, pk, pk, cur_s[8], False]
                sessions[cur_s[8]] = cur_s
                session_list.append(cur_s)
            if e >= cur_s[5]:
                cur_s[5] = e
                cur_s[7] = pk
        elif sessions:
            blank = sessions.get("")
            if blank is not None and blank[2] is None and e >= blank[5]:
                # no logon_sn: a bill of the open session with no logon_sn
                blank[5] = e
                blank[7] = pk
        # what the bill says
        if t == 60 or t == 4:
            key = call or ""
            cv = convs.get(key)
            if cv is not None and (b <= cv[1] or (call and not cv[3] and b - cv[1] <= tolerance)):
                if e > cv[1]:
                    cv[1] = e
                cv[2].append(pk)
                if c == 0:
                    cv[3] = True
                if open_end:
                    cv[5] = True
            else:
                cv = [b, e, [pk], c == 0, m, open_end, call]
                convs[key] = cv
                conv_list.append(cv)
            continue
        kind = simple.get(t)  # type: ignore[arg-type]
        if kind is not None:
            label = label_cache.get((t, c))
            if label is None:
                label = namer.label(kind, t, c)
            iv = new(interval_cls, (agent, kind, b, e, c, label, (pk,), open_end))
            intervals.append(iv)
            if t in excl_types:
                exclusive.append(iv)
                if t == 3 and (c == 2 or c == 3):
                    forced.append((b, b, pk, t, c, o))
            continue
        if t == 1:
            if cur_s[0] is None:
                cur_s[0] = b
                cur_s[1] = (pk,)
                if cur_s[2] is not None and cur_s[2] < b:
                    cur_s[9] = True
                    anomalies.append(
                        Anomaly(
                            agent,
                            AnomalyKind.SIGN_OUT_BEFORE_SIGN_IN,
                            f"Session {cur_s[8]} signed out at {from_epoch(cur_s[2])}, before "
                            f"its sign-in at {from_epoch(b)}.",
                            cur_s[2],
                            b,
                            (cur_s[3], pk),
                        )
                    )
            else:
                cur_s[1] += (pk,)
                anomalies.append(
                    Anomaly(
                        agent,
                        AnomalyKind.REPEATED,
                        f"Signed in again at {from_epoch(b)} in session {cur_s[8] or '(none)'} "
                        f"already signed in at {from_epoch(cur_s[0])}.",
                        b,
                        b,
                        (cur_s[1][0], pk),
                    )
                )
        elif t == 0:
            if cur_s[2] is None:
                cur_s[2] = b
                cur_s[3] = pk
            else:
                anomalies.append(
                    Anomaly(
                        agent,
                        AnomalyKind.REPEATED,
                        f"Signed out again at {from_epoch(b)} in session {cur_s[8] or '(none)'} "
                        f"already signed out at {from_epoch(cur_s[2])}.",
                        b,
                        b,
                        (cur_s[3], pk),
                    )
                )
            if c == 257 or c == 264:
                forced.append((b, b if open_end else e, pk, t, c, o))
        elif t in _FORCED_TYPES:
            forced.append((b, b if open_end else e, pk, t, c, o))
        else:
            label = label_cache.get((t, c))
            if label is None:
                label = namer.label(StateKind.OTHER, t, c)
            intervals.append(
                new(interval_cls, (agent, StateKind.OTHER, b, e, c, label, (pk,), open_end))
            )
    if until is not None and covered is not None and until - covered > gap:
        gaps.append((covered, until, prev_pk, None))

    _add_conversations(agent, conv_list, until, namer, intervals, exclusive, anomalies)
    session_ivs = _add_sessions(agent, session_list, since, until, intervals, anomalies)
    _add_gaps(agent, session_ivs, gaps, anomalies)
    _add_forced(agent, forced, namer, intervals, anomalies)
    _add_overlaps(agent, exclusive, anomalies)
    _add_overlaps(agent, session_ivs, anomalies)
    intervals.sort(key=_START)
    anomalies.sort(key=_START)
    first, last = (rows[0][2], rows[-1][2]) if rows else (None, None)
    return AgentStates(agent, intervals, anomalies, len(rows), first, last, covered)


def _add_conversations(
    agent: str,
    conv_list: list[list[Any]],
    until: int | None,
    namer: _Namer,
    intervals: list[Interval],
    exclusive: list[Interval],
    anomalies: list[Anomaly],
) -> None:
    """Joined conversations, and the anomaly of those with no final piece."""
    new = tuple.__new__
    kind = StateKind.CONVERSATION
    concurrent = CONCURRENT_MEDIA
    heads: dict[Any, str] = {}
    for start, end, pks, final, media, open_end, call in conv_list:
        head = heads.get(media)
        if head is None:
            head = heads[media] = namer.conversation(media, None)[:-1]
        label = f"{head}, call {call})" if call else head + ")"
        cut = not final
        if cut and (until is None or end + PIECE_JOIN_SECONDS < until):
            anomalies.append(
                Anomaly(
                    agent,
                    AnomalyKind.NO_FINAL_PIECE,
                    f"Conversation of call {call or '(no call ID)'} from {from_epoch(start)}: "
                    f"{len(pks)} piece(s), none final (reason 0); the last ends {from_epoch(end)}.",
                    start,
                    end,
                    tuple(pks),
                )
            )
        iv = new(Interval, (agent, kind, start, end, None, label, tuple(pks), open_end or cut))
        intervals.append(iv)
        if media not in concurrent:
            exclusive.append(iv)


def _add_sessions(
    agent: str,
    sessions: list[list[Any]],
    since: int | None,
    until: int | None,
    intervals: list[Interval],
    anomalies: list[Anomaly],
) -> list[Interval]:
    """Signed-in intervals from sign-ins and sign-outs tied by logon_sn (see module notes)."""
    if not sessions:
        return []
    items = sorted(sessions, key=lambda s: (s[0] if s[0] is not None else s[4], s[4], s[6]))
    first_seen = min(s[4] for s in items)
    out: list[Interval] = []
    for n, s in enumerate(items):
        login_b, login_pks, logout_b, logout_pk, first_b, last_e, first_pk, last_pk, key, inv = s
        sn_text = key or "(none)"
        open_ended = False
        if login_b is not None:
            start = login_b
        elif since is not None and first_b == first_seen:
            start, open_ended = min(since, first_b), True
        else:
            start, open_ended = first_b, True
            what = (
                f"Signed out at {from_epoch(logout_b)}"
                if logout_b is not None
                else f"Bills from {from_epoch(first_b)}"
            )
            anomalies.append(
                Anomaly(
                    agent,
                    AnomalyKind.NO_SIGN_IN,
                    f"{what} in session {sn_text} with no sign-in.",
                    first_b,
                    logout_b if logout_b is not None else last_e,
                    (logout_pk,) if logout_pk is not None else (first_pk,),
                )
            )
        if inv:
            # the sign-out lies before the sign-in (anomaly already reported): no usable end
            end, open_ended = max(last_e, start), True
        elif logout_b is not None:
            end = max(logout_b, start)
        elif until is not None and n == len(items) - 1:
            end, open_ended = max(until, last_e), True
        else:
            end, open_ended = last_e, True
            anomalies.append(
                Anomaly(
                    agent,
                    AnomalyKind.NO_SIGN_OUT,
                    f"Session {sn_text} signed in at {from_epoch(start)} has no sign-out; "
                    f"its last bill ends {from_epoch(last_e)}.",
                    start,
                    last_e,
                    (*login_pks, last_pk) if login_pks and last_pk != login_pks[0] else (last_pk,),
                )
            )
        pks = login_pks if login_pks else (first_pk,)
        if logout_pk is not None:
            pks = (*pks, logout_pk)
        iv = Interval(
            agent,
            StateKind.SIGNED_IN,
            start,
            end,
            None,
            f"Signed in (session {sn_text})",
            pks,
            open_ended,
        )
        out.append(iv)
        intervals.append(iv)
    out.sort(key=_START)
    return out


def _add_gaps(
    agent: str,
    sessions: list[Interval],
    gaps: list[tuple[Any, ...]],
    anomalies: list[Anomaly],
) -> None:
    """``GAP`` anomalies: stretches with no bill that lie inside a signed-in session."""
    if not gaps or not sessions:
        return
    for gs, ge, pk_before, pk_after in gaps:
        for s in sessions:
            if s.start <= gs and ge <= s.end:
                pks = (pk_before,) if pk_after is None else (pk_before, pk_after)
                anomalies.append(
                    Anomaly(
                        agent,
                        AnomalyKind.GAP,
                        f"No bill for {format_duration(ge - gs)} while signed in "
                        f"({from_epoch(gs)} to {from_epoch(ge)}).",
                        gs,
                        ge,
                        pks,
                    )
                )
                break


def _add_forced(
    agent: str,
    forced: list[tuple[Any, ...]],
    namer: _Namer,
    intervals: list[Interval],
    anomalies: list[Anomaly],
) -> None:
    """One ``FORCED`` interval and anomaly per forced event (markers close in time merged)."""
    if not forced:
        return
    forced.sort(key=itemgetter(0, 2))
    groups: list[list[tuple[Any, ...]]] = []
    for marker in forced:
        if groups and marker[0] - groups[-1][-1][0] <= FORCED_MERGE_SECONDS:
            groups[-1].append(marker)
        else:
            groups.append([marker])
    for group in groups:
        main = next(
            (g for g in group if g[3] in _FORCED_TYPES),
            next((g for g in group if g[3] == 0), group[0]),
        )
        start = group[0][0]
        end = max([start, *(g[1] for g in group if g[3] != 3)])
        texts = list(dict.fromkeys(namer.marker(g[3], g[4], g[5]) for g in group))
        label = texts[0] if len(texts) == 1 else "; ".join(texts)
        pks = tuple(g[2] for g in group)
        logout = any(g[3] in (0, 29) for g in group)
        intervals.append(Interval(agent, StateKind.FORCED, start, end, main[4], label, pks, False))
        anomalies.append(
            Anomaly(
                agent,
                AnomalyKind.FORCED_LOGOUT if logout else AnomalyKind.FORCED_STATE,
                f"{label} at {from_epoch(start)}.",
                start,
                end,
                pks,
            )
        )


def _add_overlaps(agent: str, ivs: list[Interval], anomalies: list[Anomaly]) -> None:
    """``OVERLAP`` anomalies between intervals that cannot hold together."""
    if len(ivs) < 2:
        return
    ivs = sorted(ivs, key=_START)
    cur = ivs[0]
    for iv in ivs[1:]:
        if iv.start < cur.end and iv.end > iv.start:
            anomalies.append(
                Anomaly(
                    agent,
                    AnomalyKind.OVERLAP,
                    f"{iv.label} from {from_epoch(iv.start)} overlaps {cur.label} "
                    f"from {from_epoch(cur.start)} to {from_epoch(cur.end)}.",
                    iv.start,
                    min(cur.end, iv.end),
                    (*cur.bill_pks, *iv.bill_pks),
                )
            )
        if iv.end > cur.end:
            cur = iv


# --------------------------------------------------------------------------------------------
# One agent's states, and the state at a moment
# --------------------------------------------------------------------------------------------


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


def _touches(start: int, end: int, lo: int | None, hi: int | None) -> bool:
    """Whether ``[start, end)`` (or the instant ``start``) lies partly inside ``[lo, hi)``."""
    if hi is not None and start >= hi:
        return False
    if lo is None:
        return True
    return end > lo or (end == start and start >= lo)


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


def anomalies_in(
    states: Iterable[AgentStates], lo: int | None = None, hi: int | None = None
) -> list[Anomaly]:
    """The anomalies touching ``[lo, hi)`` of all agents, by start time then agent."""
    out = [a for st in states for a in st.anomalies if a.touches(lo, hi)]
    out.sort(key=lambda a: (a.start, a.agent, a.kind))
    return out


# --------------------------------------------------------------------------------------------
# Time per state
# --------------------------------------------------------------------------------------------

FIGURES: tuple[str, ...] = (
    "signed_in",
    "conversation",
    "conversations",
    "busy",
    "rest",
    "work",
    "study",
    "forced",
    "anomalies",
)
"""Summary figures that :meth:`Summary.bill_pks` can drill into."""


class _AllReasons:
    def __repr__(self) -> str:
        return "ALL_REASONS"


ALL_REASONS: Any = _AllReasons()
"""``Summary.bill_pks(..., reason=ALL_REASONS)``: every reason of a busy or rest figure."""

_FIGURE_KINDS: dict[str, StateKind] = {
    "signed_in": StateKind.SIGNED_IN,
    "conversation": StateKind.CONVERSATION,
    "conversations": StateKind.CONVERSATION,
    "busy": StateKind.BUSY,
    "rest": StateKind.REST,
    "work": StateKind.WORK,
    "study": StateKind.STUDY,
    "forced": StateKind.FORCED,
}


@dataclass(frozen=True)
class SummaryRow:
    """One agent's time per state over the period (seconds), or the total of all agents.

    Attributes:
        agent: The agent's work number ("" for the total row).
        signed_in: Time signed in (union of sessions).
        conversation: Time in conversation (union of joined conversations).
        conversations: Joined conversations overlapping the period.
        busy: Busy time by reason code (None = reason not used).
        rest: Rest time by reason code.
        work: Time working (after-call and other adjusting).
        study: Time in study.
        forced: Forced events beginning in the period.
        anomalies: Anomalies touching the period.
    """

    agent: str
    signed_in: int = 0
    conversation: int = 0
    conversations: int = 0
    busy: Mapping[int | None, int] = field(default_factory=dict)
    rest: Mapping[int | None, int] = field(default_factory=dict)
    work: int = 0
    study: int = 0
    forced: int = 0
    anomalies: int = 0

    @property
    def is_total(self) -> bool:
        """Whether this is the total row."""
        return self.agent == ""

    @property
    def busy_total(self) -> int:
        """Busy time, all reasons."""
        return sum(self.busy.values())

    @property
    def rest_total(self) -> int:
        """Rest time, all reasons."""
        return sum(self.rest.values())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form: seconds, reason maps keyed by the code as text ("" = not used)."""
        return {
            "agent": self.agent if not self.is_total else None,
            "signed_in": self.signed_in,
            "conversation": self.conversation,
            "conversations": self.conversations,
            "busy": self.busy_total,
            "busy_by_reason": {_reason_key(r): s for r, s in sorted_reasons(self.busy)},
            "rest": self.rest_total,
            "rest_by_reason": {_reason_key(r): s for r, s in sorted_reasons(self.rest)},
            "work": self.work,
            "study": self.study,
            "forced": self.forced,
            "anomalies": self.anomalies,
        }


def _reason_key(reason: int | None) -> str:
    return "" if reason is None else str(reason)


def _reason_order(item: tuple[Any, int]) -> tuple[int, int, str]:
    """Sort key of a reason: "not used" first, then codes by number, then verbatim texts."""
    reason = item[0]
    if reason is None:
        return (0, 0, "")
    if isinstance(reason, str):
        return (2, 0, reason)
    return (1, reason, "")


def sorted_reasons(by_reason: Mapping[int | None, int]) -> list[tuple[int | None, int]]:
    """``(reason, seconds)`` pairs by code, "not used" (None) first, verbatim texts last."""
    return sorted(by_reason.items(), key=_reason_order)


@dataclass
class Summary:
    """Time per state per agent over a period, with a total row and drill-down to bills.

    Attributes:
        start: The period's start (inclusive; None: open).
        end: The period's end (exclusive; None: open).
        rows: One row per agent, by agent.
        total: The sum of the rows.
        busy_reasons: Busy reason codes present, ordered (None first).
        rest_reasons: Rest reason codes present, ordered.
        reason_labels: Decoded labels by ``(kind, reason)`` for the busy and rest columns.
        states: The agents' states the figures come from (for drill-down).
    """

    start: int | None
    end: int | None
    rows: list[SummaryRow]
    total: SummaryRow
    busy_reasons: list[int | None]
    rest_reasons: list[int | None]
    reason_labels: dict[tuple[StateKind, int | None], str]
    states: dict[str, AgentStates] = field(default_factory=dict, repr=False)

    def reason_label(self, kind: StateKind, reason: int | None) -> str:
        """The decoded label of a busy or rest reason ("not used" for None)."""
        return self.reason_labels.get((kind, reason), codes.NOT_USED_TEXT)

    def bill_pks(self, agent: str | None, figure: str, reason: Any = ALL_REASONS) -> list[int]:
        """The bills behind one cell: ``agent`` None for the total row, ``figure`` in FIGURES.

        Args:
            agent: The row's agent, or None for the total row.
            figure: A name from :data:`FIGURES`.
            reason: For "busy" and "rest": one reason code (None = not used), or every reason.

        Returns:
            Row keys in time order (sign-ins and sign-outs for "signed_in", every piece for
            "conversation", the bills of the anomalies for "anomalies").

        Raises:
            ValueError: an unknown figure.
        """
        if figure not in FIGURES:
            raise ValueError(f"unknown figure {figure!r}; choose from {', '.join(FIGURES)}")
        agents = [self.states[agent]] if agent is not None else list(self.states.values())
        lo, hi = self.start, self.end
        out: list[tuple[int, tuple[int, ...]]] = []
        if figure == "anomalies":
            for st in agents:
                out.extend((a.start, a.bill_pks) for a in st.anomalies if a.touches(lo, hi))
        else:
            kind = _FIGURE_KINDS[figure]
            for st in agents:
                for iv in st.intervals:
                    if iv.kind is not kind or (reason is not ALL_REASONS and iv.reason != reason):
                        continue
                    if kind is StateKind.FORCED:
                        ok = (lo is None or iv.start >= lo) and (hi is None or iv.start < hi)
                    else:
                        ok = _touches(iv.start, iv.end, lo, hi)
                    if ok:
                        out.append((iv.start, iv.bill_pks))
        out.sort(key=itemgetter(0))
        return list(dict.fromkeys(pk for _, pks in out for pk in pks))


def _union_length(spans: list[tuple[int, int]]) -> int:
    """Total length of the union of ``[a, b)`` spans."""
    if not spans:
        return 0
    spans.sort()
    total = 0
    cur_a, cur_b = spans[0]
    for a, b in spans[1:]:
        if a > cur_b:
            total += cur_b - cur_a
            cur_a, cur_b = a, b
        elif b > cur_b:
            cur_b = b
    return total + cur_b - cur_a


def _summarise_agent(st: AgentStates, lo: int | None, hi: int | None) -> SummaryRow:
    signed: list[tuple[int, int]] = []
    talk: list[tuple[int, int]] = []
    convs = forced = 0
    busy: dict[int | None, int] = {}
    rest: dict[int | None, int] = {}
    work = study = 0
    for iv in st.intervals:
        s, e, kind = iv.start, iv.end, iv.kind
        if not _touches(s, e, lo, hi):
            continue
        a = s if lo is None or s > lo else lo
        b = e if hi is None or e < hi else hi
        if kind is StateKind.CONVERSATION:
            convs += 1
            if b > a:
                talk.append((a, b))
        elif kind is StateKind.SIGNED_IN:
            if b > a:
                signed.append((a, b))
        elif kind is StateKind.BUSY:
            busy[iv.reason] = busy.get(iv.reason, 0) + max(0, b - a)
        elif kind is StateKind.REST:
            rest[iv.reason] = rest.get(iv.reason, 0) + max(0, b - a)
        elif kind is StateKind.WORK:
            work += max(0, b - a)
        elif kind is StateKind.STUDY:
            study += max(0, b - a)
        elif kind is StateKind.FORCED and (lo is None or s >= lo):
            forced += 1
    anomalies = sum(1 for an in st.anomalies if an.touches(lo, hi))
    return SummaryRow(
        st.agent,
        _union_length(signed),
        _union_length(talk),
        convs,
        busy,
        rest,
        work,
        study,
        forced,
        anomalies,
    )


def summarise(
    states: Iterable[AgentStates],
    *,
    start: int | None = None,
    end: int | None = None,
    labels: Mapping[tuple[int, int], str] | None = None,
    keep_states: bool = True,
) -> Summary:
    """Time per state per agent over ``[start, end)``, with a total row (see module notes).

    Args:
        states: The agents' rebuilt states (e.g. from :func:`reconstruct`), read once.
        start: The period's start (inclusive); None: open.
        end: The period's end (exclusive); None: open.
        labels: Site labels for the busy and rest reason columns.
        keep_states: Keep the states for drill-down (``Summary.bill_pks``). Without them the
            summary holds only its figures, so a generator of states is summed one agent at a
            time (the export's Summary sheet on a million bills).

    Returns:
        The summary; rows are sorted by agent.
    """
    kept: dict[str, AgentStates] = {}
    rows: list[SummaryRow] = []
    for st in states:
        if keep_states:
            kept[st.agent] = st
        rows.append(_summarise_agent(st, start, end))
    rows.sort(key=lambda r: r.agent)
    busy: dict[int | None, int] = {}
    rest: dict[int | None, int] = {}
    for r in rows:
        for k, v in r.busy.items():
            busy[k] = busy.get(k, 0) + v
        for k, v in r.rest.items():
            rest[k] = rest.get(k, 0) + v
    total = SummaryRow(
        "",
        sum(r.signed_in for r in rows),
        sum(r.conversation for r in rows),
        sum(r.conversations for r in rows),
        busy,
        rest,
        sum(r.work for r in rows),
        sum(r.study for r in rows),
        sum(r.forced for r in rows),
        sum(r.anomalies for r in rows),
    )
    busy_reasons = [r for r, _ in sorted_reasons(busy)]
    rest_reasons = [r for r, _ in sorted_reasons(rest)]
    reason_labels: dict[tuple[StateKind, int | None], str] = {}
    for kind, op_type, reasons in (
        (StateKind.BUSY, 3, busy_reasons),
        (StateKind.REST, 26, rest_reasons),
    ):
        for r in reasons:
            if r is None:
                text = codes.NOT_USED_TEXT
            elif op_type == 3 and r == BUSY_REST_REASON:
                text = BUSY_REST_LABEL
            else:
                text = codes.explain_reason(op_type, r, labels).text
            reason_labels[(kind, r)] = text
    return Summary(start, end, rows, total, busy_reasons, rest_reasons, reason_labels, kept)


# --------------------------------------------------------------------------------------------
# Tables (the command line, the export's sheets)
# --------------------------------------------------------------------------------------------


def _duration_cell(seconds: int, as_text: bool) -> Any:
    return format_duration(seconds) if as_text else seconds


def _reason_title(summary: Summary, kind: StateKind, reason: int | None) -> str:
    """A reason column's title, e.g. "Busy: Set busy by the agent [1]", "Busy 4 (rest)"."""
    label = summary.reason_label(kind, reason)
    if kind is StateKind.BUSY and reason == BUSY_REST_REASON:
        return label
    code = "" if reason is None or label.endswith(f"(code {reason})") else f" [{reason}]"
    return f"{kind.title}: {label}{code}"


def summary_table(
    summary: Summary, *, durations_as_text: bool = True
) -> tuple[list[str], list[list[Any]]]:
    """The summary as a header and rows (agents, then the total row), one column per reason.

    Args:
        summary: What :func:`summarise` returned.
        durations_as_text: ``h:mm:ss`` text (True) or whole seconds (False).

    Returns:
        ``(header, rows)``; the total row's agent cell is "Total".
    """
    busy_titles = [_reason_title(summary, StateKind.BUSY, r) for r in summary.busy_reasons]
    rest_titles = [_reason_title(summary, StateKind.REST, r) for r in summary.rest_reasons]
    header = [
        "Agent",
        "Signed in",
        "In conversation",
        "Conversations",
        "Busy",
        *busy_titles,
        "Rest",
        *rest_titles,
        "Working",
        "Study",
        "Forced events",
        "Anomalies",
    ]
    out: list[list[Any]] = []
    for row in [*summary.rows, summary.total]:
        d = durations_as_text
        out.append(
            [
                "Total" if row.is_total else row.agent,
                _duration_cell(row.signed_in, d),
                _duration_cell(row.conversation, d),
                row.conversations,
                _duration_cell(row.busy_total, d),
                *(_duration_cell(row.busy.get(r, 0), d) for r in summary.busy_reasons),
                _duration_cell(row.rest_total, d),
                *(_duration_cell(row.rest.get(r, 0), d) for r in summary.rest_reasons),
                _duration_cell(row.work, d),
                _duration_cell(row.study, d),
                row.forced,
                row.anomalies,
            ]
        )
    return header, out


ANOMALY_HEADER: tuple[str, ...] = ("Agent", "Anomaly", "Begin", "End", "Duration", "Details")
"""Columns of :func:`anomaly_table` (before the bills column the caller adds)."""


def anomaly_table(anomalies: Iterable[Anomaly]) -> tuple[list[str], list[list[Any]]]:
    """Anomalies as a header and rows (times as exported text), ending with the bills' row keys."""
    rows = [
        [
            a.agent,
            a.kind.title,
            from_epoch(a.start),
            from_epoch(a.end),
            format_duration(a.end - a.start),
            a.message,
            " ".join(str(pk) for pk in a.bill_pks),
        ]
        for a in anomalies
    ]
    return [*ANOMALY_HEADER, "Bills (row keys)"], rows
