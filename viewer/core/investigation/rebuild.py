"""Rebuild agent states from bills: one interval per bill, joined where the platform splits.

Sessions pair sign-in and sign-out by ``logon_sn``; conversation pieces of one call join into one
conversation; forced markers close in time are one forced event; the rest map to a state kind by
operation type. What is missing or contradictory (a sign-in without a sign-out, overlapping
exclusive states, a conversation without its final piece, long gaps) is an ``Anomaly``.
``since``/``until`` say that bills exist beyond what was read, so edges are open, not missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from viewer.core import codes
from viewer.core.codes import VerbatimCode
from viewer.core.i18n import translate
from viewer.core.investigation.model import (
    BUSY_REST_LABEL,
    BUSY_REST_REASON,
    CONCURRENT_MEDIA,
    DEFAULT_GAP_SECONDS,
    FORCED_MERGE_SECONDS,
    PIECE_JOIN_SECONDS,
    Anomaly,
    AnomalyKind,
    Interval,
    StateKind,
)
from viewer.core.investigation.moments import AgentStates
from viewer.core.timefmt import format_duration, from_epoch

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
            out = translate("State", BUSY_REST_LABEL)
        elif not text:
            out = title
        elif text.lower().startswith(title.lower()):
            out = text
        else:
            out = translate("State", "{state}: {reason}").format(state=title, reason=text)
        self.cache[(op_type, reason)] = out
        return out

    def conversation(self, media: object, call: str | None) -> str:
        """E.g. "In conversation (Voice call, call 1475051437-34)"."""
        key = ("conversation", media)
        head = self.cache.get(key)
        if head is None:
            head = translate("State", "In conversation ({media}").format(
                media=codes.explain_media_type(media).text
            )
            self.cache[key] = head
        if call:
            return head + translate("State", ", call {call})").format(call=call)
        return head + translate("State", ")")

    def marker(self, op_type: int | None, reason: int | None, obj: object) -> str:
        """The label of one forced marker, e.g. "Forcible busy by work ID 1234"."""
        if op_type in _FORCED_TYPES:
            text = codes.explain_op_type(op_type).text
            if not codes.is_not_used(obj):
                text += translate("State", " by {who}").format(
                    who=codes.explain_object(op_type, obj).text
                )
            return text
        if op_type == 0:
            return translate("State", "Sign-out: {reason} (cause {code})").format(
                reason=self.reason_text(0, reason), code=reason
            )
        return self.label(StateKind.BUSY, op_type, reason)


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
        yield _rebuild_agent(agent, list(rows), since, until, gap_seconds, namer)


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
    return _rebuild_agent(agent, rows, since, until, gap_seconds, _Namer(labels))


def _open_end(rows: Sequence[Sequence[Any]], i: int, until: int | None) -> int:
    """Where a bill with no end time ends: the next later bill's begin, else ``until``."""
    begin = rows[i][2]
    for j in range(i + 1, len(rows)):
        if rows[j][2] > begin:
            return int(rows[j][2])
    return until if until is not None and until > begin else begin


def _rebuild_agent(
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
                        translate(
                            "Anomaly",
                            "The bill ends ({end}) before it begins ({begin}); "
                            "taken as an instant.",
                        ).format(end=from_epoch(e), begin=from_epoch(b)),
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
                            translate(
                                "Anomaly",
                                "Session {session} signed out at {out}, before its sign-in at "
                                "{in_}.",
                            ).format(session=cur_s[8], out=from_epoch(cur_s[2]), in_=from_epoch(b)),
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
                        translate(
                            "Anomaly",
                            "Signed in again at {time} in session {session} already signed in "
                            "at {since}.",
                        ).format(
                            time=from_epoch(b),
                            session=cur_s[8] or translate("Anomaly", "(none)"),
                            since=from_epoch(cur_s[0]),
                        ),
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
                        translate(
                            "Anomaly",
                            "Signed out again at {time} in session {session} already signed out "
                            "at {since}.",
                        ).format(
                            time=from_epoch(b),
                            session=cur_s[8] or translate("Anomaly", "(none)"),
                            since=from_epoch(cur_s[2]),
                        ),
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
    call_tail, close = translate("State", ", call {call})"), translate("State", ")")
    for start, end, pks, final, media, open_end, call in conv_list:
        head = heads.get(media)
        if head is None:
            head = heads[media] = namer.conversation(media, None)[: -len(close)]
        label = head + call_tail.format(call=call) if call else head + close
        cut = not final
        if cut and (until is None or end + PIECE_JOIN_SECONDS < until):
            anomalies.append(
                Anomaly(
                    agent,
                    AnomalyKind.NO_FINAL_PIECE,
                    translate(
                        "Anomaly",
                        "Conversation of call {call} from {start}: {count} piece(s), none final "
                        "(reason 0); the last ends {end}.",
                    ).format(
                        call=call or translate("Anomaly", "(no call ID)"),
                        start=from_epoch(start),
                        count=len(pks),
                        end=from_epoch(end),
                    ),
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
        sn_text = key or translate("Anomaly", "(none)")
        open_ended = False
        if login_b is not None:
            start = login_b
        elif since is not None and first_b == first_seen:
            start, open_ended = min(since, first_b), True
        else:
            start, open_ended = first_b, True
            if logout_b is not None:
                what = translate("Anomaly", "Signed out at {time}").format(
                    time=from_epoch(logout_b)
                )
            else:
                what = translate("Anomaly", "Bills from {time}").format(time=from_epoch(first_b))
            anomalies.append(
                Anomaly(
                    agent,
                    AnomalyKind.NO_SIGN_IN,
                    translate("Anomaly", "{what} in session {session} with no sign-in.").format(
                        what=what, session=sn_text
                    ),
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
                    translate(
                        "Anomaly",
                        "Session {session} signed in at {start} has no sign-out; its last bill "
                        "ends {end}.",
                    ).format(session=sn_text, start=from_epoch(start), end=from_epoch(last_e)),
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
            translate("State", "Signed in (session {session})").format(session=sn_text),
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
                        translate(
                            "Anomaly", "No bill for {duration} while signed in ({start} to {end})."
                        ).format(
                            duration=format_duration(ge - gs),
                            start=from_epoch(gs),
                            end=from_epoch(ge),
                        ),
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
                translate("Anomaly", "{what} at {time}.").format(
                    what=label, time=from_epoch(start)
                ),
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
                    translate(
                        "Anomaly",
                        "{state} from {start} overlaps {other} from {other_start} to {end}.",
                    ).format(
                        state=iv.label,
                        start=from_epoch(iv.start),
                        other=cur.label,
                        other_start=from_epoch(cur.start),
                        end=from_epoch(cur.end),
                    ),
                    iv.start,
                    min(cur.end, iv.end),
                    (*cur.bill_pks, *iv.bill_pks),
                )
            )
        if iv.end > cur.end:
            cur = iv
