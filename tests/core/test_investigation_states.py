"""State reconstruction (viewer.core.investigation) on hand-written bills with known answers."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from viewer.core.investigation import (
    ALL_REASONS,
    BUSY_REST_LABEL,
    BUSY_REST_REASON,
    PIECE_JOIN_SECONDS,
    AgentStates,
    AnomalyKind,
    Interval,
    StateBill,
    StateKind,
    anomalies_in,
    changes_between,
    reconstruct,
    reconstruct_agent,
    state_at,
    summarise,
    summary_table,
)
from viewer.core.timefmt import to_epoch

DAY = to_epoch("2026-11-02 00:00:00")
NU = 65535  # "not used"
OPEN = object()
NO_GAPS = 10**9


def at(text: str) -> int:
    """``"HH:MM[:SS]"`` on 2026-11-02; a ``"+N "`` prefix adds days."""
    days = 0
    if text.startswith("+"):
        head, text = text.split(" ", 1)
        days = int(head[1:])
    parts = [int(p) for p in text.split(":")] + [0]
    return DAY + days * 86400 + parts[0] * 3600 + parts[1] * 60 + parts[2]


class Bills:
    """Hand-written bills of one or more agents with increasing row keys."""

    def __init__(self) -> None:
        self._pk = itertools.count(1)
        self.rows: list[StateBill] = []

    def add(
        self,
        op_type: int,
        begin: str,
        end: Any = None,
        *,
        cause: Any = NU,
        obj: str = "65535",
        call: str = "",
        sn: str = "100",
        media: int = 5,
        agent: str = "A1",
    ) -> int:
        pk = next(self._pk)
        b = at(begin)
        e = None if end is OPEN else (b if end is None else at(end))
        self.rows.append(StateBill(pk, agent, b, e, op_type, obj, cause, call, sn, media))
        return pk

    def rebuild(self, agent: str = "A1", **kw: Any) -> AgentStates:
        kw.setdefault("gap_seconds", NO_GAPS)
        return reconstruct_agent(agent, [r for r in self.rows if r.agent_id == agent], **kw)


def kinds(st: AgentStates, kind: StateKind) -> list[Interval]:
    return [iv for iv in st.intervals if iv.kind is kind]


def anomaly_kinds(st: AgentStates) -> list[AnomalyKind]:
    return [a.kind for a in st.anomalies]


def only(items: list[Any]) -> Any:
    assert len(items) == 1, items
    return items[0]


# --- sessions --------------------------------------------------------------------------------


def test_session_from_sign_in_to_sign_out() -> None:
    b = Bills()
    login = b.add(1, "08:00")
    busy = b.add(3, "09:00", "09:10", cause=1)
    logout = b.add(0, "17:00", cause=258)
    st = b.rebuild()
    s = only(kinds(st, StateKind.SIGNED_IN))
    assert (s.start, s.end, s.bill_pks, s.open_ended) == (
        at("08:00"),
        at("17:00"),
        (login, logout),
        False,
    )
    assert st.anomalies == []
    assert only(kinds(st, StateKind.BUSY)).bill_pks == (busy,)


def test_every_state_kind_with_reasons_and_labels() -> None:
    b = Bills()
    b.add(1, "08:00")
    expected = [
        (b.add(3, "08:10", "08:20", cause=1), StateKind.BUSY, 1, "Busy: Set busy by the agent"),
        (b.add(26, "08:20", "08:30", cause=0, obj="A1"), StateKind.REST, 0, "Rest reason 0"),
        (b.add(27, "08:30", "08:35", cause=10), StateKind.WORK, 10, "Working: Adjusting"),
        (b.add(34, "08:35", "08:40"), StateKind.STUDY, None, "Study"),
        (b.add(60, "08:40", "08:50", cause=0, call="c1"), StateKind.CONVERSATION, None, "In conv"),
        (b.add(38, "08:41", "08:42", call="c1"), StateKind.HELD, None, "Call held"),
        (b.add(40, "08:43", "08:44", cause=1, obj="B2", call="c1"), StateKind.INTERNAL_HELP, 1, ""),
        (b.add(10, "08:45", "08:50", obj="B2", call="c1"), StateKind.THREE_PARTY, None, "Three"),
        (b.add(58, "09:00", "09:10", obj="B2"), StateKind.CONFERENCE, None, "Conference"),
        (b.add(20, "09:20", "09:30", cause=0, obj="C3"), StateKind.LISTENING, 0, "Listening"),
        (b.add(46, "09:40", "09:40", call="c9"), StateKind.OTHER, None, "Transfer out"),
    ]
    b.add(0, "17:00", cause=258)
    st = b.rebuild()
    by_pk = {iv.bill_pks: iv for iv in st.intervals}
    for pk, kind, reason, label in expected:
        iv = by_pk[(pk,)]
        assert iv.kind is kind
        assert iv.reason == reason
        assert iv.label.startswith(label), iv.label
    assert st.anomalies == []
    # every bill is reachable from some interval (click -> bills)
    reachable = {pk for iv in st.intervals for pk in iv.bill_pks}
    assert reachable == {r.pk for r in b.rows}


def test_site_labels_name_site_codes() -> None:
    b = Bills()
    b.add(3, "09:00", "09:10", cause=201, sn="")
    st = b.rebuild(labels={(3, 201): "Team meeting", (3, 1): "ignored: vendor code"})
    assert only(kinds(st, StateKind.BUSY)).label == "Busy: Team meeting"


def test_not_used_markers_are_no_reason() -> None:
    b = Bills()
    for cause in (NU, -1, "", None, "65535"):
        b.add(38, "09:00", "09:01", cause=cause, sn="")
    st = b.rebuild()
    assert {iv.reason for iv in st.intervals} == {None}


def test_sign_in_without_sign_out_followed_by_another_session() -> None:
    b = Bills()
    login1 = b.add(1, "08:00", sn="100")
    busy = b.add(3, "09:00", "09:10", cause=1, sn="100")
    login2 = b.add(1, "10:00", sn="101")
    logout2 = b.add(0, "11:00", cause=258, sn="101")
    st = b.rebuild()
    first, second = kinds(st, StateKind.SIGNED_IN)
    assert (first.start, first.end, first.open_ended) == (at("08:00"), at("09:10"), True)
    assert (second.start, second.end, second.open_ended) == (at("10:00"), at("11:00"), False)
    assert second.bill_pks == (login2, logout2)
    a = only(st.anomalies)
    assert a.kind is AnomalyKind.NO_SIGN_OUT
    assert a.bill_pks == (login1, busy)
    assert (a.start, a.end) == (at("08:00"), at("09:10"))


def test_last_session_without_sign_out_depends_on_what_was_read() -> None:
    b = Bills()
    b.add(1, "08:00")
    b.add(3, "09:00", "09:10", cause=1)
    # everything was read: the sign-out is missing
    st = b.rebuild()
    s = only(kinds(st, StateKind.SIGNED_IN))
    assert (s.end, s.open_ended) == (at("09:10"), True)
    assert anomaly_kinds(st) == [AnomalyKind.NO_SIGN_OUT]
    # bills after 12:00 exist but were not read: the session goes on past the window
    st = b.rebuild(until=at("12:00"))
    s = only(kinds(st, StateKind.SIGNED_IN))
    assert (s.end, s.open_ended) == (at("12:00"), True)
    assert st.anomalies == []


def test_sign_out_without_sign_in() -> None:
    b = Bills()
    busy = b.add(3, "09:00", "09:10", cause=1)
    logout = b.add(0, "10:00", cause=258)
    st = b.rebuild()
    s = only(kinds(st, StateKind.SIGNED_IN))
    assert (s.start, s.end, s.open_ended) == (at("09:00"), at("10:00"), True)
    assert s.bill_pks == (busy, logout)
    a = only(st.anomalies)
    assert a.kind is AnomalyKind.NO_SIGN_IN
    assert a.bill_pks == (logout,)
    assert "Signed out at 2026-11-02 10:00:00" in a.message
    # earlier bills exist but were not read: the session began before the window
    st = b.rebuild(since=at("00:00"))
    s = only(kinds(st, StateKind.SIGNED_IN))
    assert (s.start, s.open_ended) == (at("00:00"), True)
    assert st.anomalies == []


def test_bills_of_a_later_session_without_sign_in_are_an_anomaly_even_with_since() -> None:
    b = Bills()
    b.add(1, "08:00", sn="100")
    b.add(0, "09:00", cause=258, sn="100")
    b.add(3, "10:00", "10:10", cause=1, sn="101")
    b.add(0, "11:00", cause=258, sn="101")
    st = b.rebuild(since=at("00:00"))
    assert anomaly_kinds(st) == [AnomalyKind.NO_SIGN_IN]
    assert kinds(st, StateKind.SIGNED_IN)[1].start == at("10:00")


def test_repeated_sign_in() -> None:
    b = Bills()
    first = b.add(1, "08:00")
    again = b.add(1, "08:30")
    b.add(0, "09:00", cause=258)
    st = b.rebuild()
    s = only(kinds(st, StateKind.SIGNED_IN))
    assert s.start == at("08:00")
    a = only(st.anomalies)
    assert (a.kind, a.bill_pks) == (AnomalyKind.REPEATED, (first, again))


def test_overlapping_sessions() -> None:
    b = Bills()
    b.add(1, "08:00", sn="100")
    b.add(1, "09:00", sn="101")
    b.add(3, "09:30", "09:40", cause=1, sn="100")  # a bill of the first session after the second
    b.add(0, "10:00", cause=258, sn="101")
    st = b.rebuild()
    assert sorted(anomaly_kinds(st)) == sorted([AnomalyKind.NO_SIGN_OUT, AnomalyKind.OVERLAP])


# --- conversations ---------------------------------------------------------------------------


def test_conversation_pieces_on_the_five_minute_grid_join() -> None:
    b = Bills()
    b.add(1, "10:00")
    p1 = b.add(60, "10:02:10", "10:05", cause=1, call="c1")
    p2 = b.add(60, "10:05", "10:10", cause=1, call="c1")
    p3 = b.add(60, "10:10", "10:12:30", cause=0, call="c1")
    work = b.add(27, "10:12:30", "10:13", cause=0, call="c1")
    b.add(0, "11:00", cause=258)
    st = b.rebuild()
    conv = only(kinds(st, StateKind.CONVERSATION))
    assert (conv.start, conv.end) == (at("10:02:10"), at("10:12:30"))
    assert conv.bill_pks == (p1, p2, p3)
    assert not conv.open_ended
    assert "call c1" in conv.label and "Voice call" in conv.label
    assert only(kinds(st, StateKind.WORK)).bill_pks == (work,)
    assert st.anomalies == []
    s = summarise([st])
    assert (s.rows[0].conversations, s.rows[0].conversation) == (1, 620)


def test_text_chat_type_4_and_60_copies_are_one_conversation() -> None:
    b = Bills()
    pks = []
    for op in (60, 4):
        pks.append(b.add(op, "10:03", "10:05", cause=1, call="chat", media=1, sn=""))
    for op in (60, 4):
        pks.append(b.add(op, "10:05", "10:06", cause=0, call="chat", media=1, sn=""))
    st = b.rebuild()
    conv = only(kinds(st, StateKind.CONVERSATION))
    assert sorted(conv.bill_pks) == sorted(pks)
    assert (conv.start, conv.end) == (at("10:03"), at("10:06"))
    assert st.anomalies == []


def test_conversation_crossing_midnight() -> None:
    b = Bills()
    b.add(1, "23:00")
    b.add(60, "23:52", "23:55", cause=1, call="c1")
    b.add(60, "23:55", "+1 00:00", cause=1, call="c1")
    b.add(60, "+1 00:00", "+1 00:03:20", cause=0, call="c1")
    b.add(0, "+1 01:00", cause=258)
    st = b.rebuild()
    conv = only(kinds(st, StateKind.CONVERSATION))
    assert (conv.start, conv.end) == (at("23:52"), at("+1 00:03:20"))
    day1 = summarise([st], start=at("00:00"), end=at("+1 00:00")).rows[0]
    day2 = summarise([st], start=at("+1 00:00"), end=at("+2 00:00")).rows[0]
    assert (day1.conversation, day1.conversations) == (480, 1)
    assert (day2.conversation, day2.conversations) == (200, 1)
    assert (day1.signed_in, day2.signed_in) == (3600, 3600)


def test_conversation_with_no_final_piece() -> None:
    b = Bills()
    b.add(1, "10:00")
    p1 = b.add(60, "10:02", "10:05", cause=1, call="c1")
    p2 = b.add(60, "10:05", "10:10", cause=1, call="c1")
    b.add(3, "10:30", "10:40", cause=1)
    b.add(0, "11:00", cause=258)
    st = b.rebuild()
    conv = only(kinds(st, StateKind.CONVERSATION))
    assert (conv.end, conv.open_ended) == (at("10:10"), True)
    a = only(st.anomalies)
    assert (a.kind, a.bill_pks) == (AnomalyKind.NO_FINAL_PIECE, (p1, p2))
    assert (a.start, a.end) == (at("10:02"), at("10:10"))


def test_conversation_reaching_the_end_of_what_was_read_is_not_an_anomaly() -> None:
    b = Bills()
    b.add(60, "10:02", "10:05", cause=1, call="c1", sn="")
    b.add(60, "10:05", "10:10", cause=1, call="c1", sn="")
    st = b.rebuild(until=at("10:06"))
    assert only(kinds(st, StateKind.CONVERSATION)).open_ended
    assert st.anomalies == []


def test_same_call_again_after_its_final_piece_is_a_second_conversation() -> None:
    b = Bills()
    b.add(60, "10:00", "10:02", cause=0, call="c1", sn="")
    b.add(60, "10:20", "10:22", cause=0, call="c1", sn="")
    st = b.rebuild()
    assert len(kinds(st, StateKind.CONVERSATION)) == 2


# --- overlaps, gaps, open ends -----------------------------------------------------------------


def test_overlapping_busy_and_rest() -> None:
    b = Bills()
    busy = b.add(3, "09:00", "09:30", cause=1, sn="")
    rest = b.add(26, "09:20", "09:40", cause=0, sn="")
    st = b.rebuild()
    a = only(st.anomalies)
    assert a.kind is AnomalyKind.OVERLAP
    assert (a.start, a.end) == (at("09:20"), at("09:30"))
    assert a.bill_pks == (busy, rest)


def test_overlapping_chats_are_allowed_but_not_voice_calls() -> None:
    b = Bills()
    b.add(60, "09:00", "09:10", cause=0, call="a", media=53, sn="")
    b.add(60, "09:05", "09:15", cause=0, call="b", media=1, sn="")
    assert b.rebuild().anomalies == []
    b = Bills()
    b.add(60, "09:00", "09:10", cause=0, call="a", media=5, sn="")
    b.add(60, "09:05", "09:15", cause=0, call="b", media=5, sn="")
    assert anomaly_kinds(b.rebuild()) == [AnomalyKind.OVERLAP]


def test_touching_states_do_not_overlap() -> None:
    b = Bills()
    b.add(60, "09:00", "09:10", cause=0, call="a", sn="")
    b.add(27, "09:10", "09:12", cause=0, call="a", sn="")
    b.add(3, "09:12", "09:12", cause=1, sn="")  # an instant inside nothing
    assert b.rebuild().anomalies == []


def test_gap_inside_a_session() -> None:
    b = Bills()
    b.add(1, "08:00")
    first = b.add(3, "08:05", "08:10", cause=1)
    second = b.add(3, "09:00", "09:05", cause=1)
    b.add(3, "09:35", "09:40", cause=1)  # exactly 30 minutes later: not a gap
    b.add(0, "09:50", cause=258)
    b.add(1, "12:00", sn="101")  # 2 h signed out: not a gap
    b.add(0, "12:10", cause=258, sn="101")
    st = b.rebuild(gap_seconds=1800)
    a = only(st.anomalies)
    assert a.kind is AnomalyKind.GAP
    assert (a.start, a.end, a.bill_pks) == (at("08:10"), at("09:00"), (first, second))
    assert "0:50:00" in a.message


def test_gap_until_the_end_of_what_was_read() -> None:
    b = Bills()
    b.add(1, "08:00")
    last = b.add(3, "08:05", "08:10", cause=1)
    st = b.rebuild(gap_seconds=1800, until=at("12:00"))
    a = only(st.anomalies)
    assert (a.kind, a.start, a.end, a.bill_pks) == (
        AnomalyKind.GAP,
        at("08:10"),
        at("12:00"),
        (last,),
    )


def test_open_end_runs_to_the_next_bill() -> None:
    b = Bills()
    b.add(3, "09:00", OPEN, cause=1, sn="")
    b.add(3, "09:00", "09:05", cause=5, sn="")
    b.add(27, "09:20", "09:25", cause=0, sn="")
    st = b.rebuild()
    busy = kinds(st, StateKind.BUSY)
    assert (busy[0].end, busy[0].open_ended) == (at("09:20"), True)
    # the open busy overlaps the bills that follow it at 09:00: reported
    assert AnomalyKind.OVERLAP in anomaly_kinds(st)


def test_end_before_begin() -> None:
    b = Bills()
    pk = b.add(3, "09:10", "09:00", cause=1, sn="")
    st = b.rebuild()
    a = only(st.anomalies)
    assert (a.kind, a.bill_pks) == (AnomalyKind.END_BEFORE_BEGIN, (pk,))
    assert only(kinds(st, StateKind.BUSY)).duration == 0


# --- forced events ---------------------------------------------------------------------------


@pytest.mark.parametrize("cause", [257, 264])
def test_forced_logout(cause: int) -> None:
    b = Bills()
    b.add(1, "08:00")
    pks = []
    if cause == 257:
        pks.append(b.add(29, "11:00", obj="9001"))
    pks.append(b.add(0, "11:00", cause=cause))
    st = b.rebuild()
    forced = only(kinds(st, StateKind.FORCED))
    assert forced.bill_pks == tuple(pks)
    assert forced.start == at("11:00")
    a = only(st.anomalies)
    assert a.kind is AnomalyKind.FORCED_LOGOUT
    assert a.bill_pks == tuple(pks)
    text = "Forced out by a QC inspector" if cause == 257 else "Forced out by a login elsewhere"
    assert text in a.message
    if cause == 257:
        assert "work ID 9001" in a.message
    assert only(kinds(st, StateKind.SIGNED_IN)).end == at("11:00")
    assert summarise([st]).rows[0].forced == 1


def test_forced_busy_by_qc_is_one_event_beside_the_busy_state() -> None:
    b = Bills()
    b.add(1, "08:00")
    marker = b.add(31, "10:00", obj="9001")
    busy = b.add(3, "10:00", "10:05", cause=3)
    idle = b.add(30, "10:30", obj="9001")  # forced idle, later: a second event
    b.add(0, "17:00", cause=258)
    st = b.rebuild()
    first, second = kinds(st, StateKind.FORCED)
    assert first.bill_pks == (marker, busy)
    assert "Forcible busy by work ID 9001" in first.label
    assert second.bill_pks == (idle,)
    assert only(kinds(st, StateKind.BUSY)).reason == 3
    assert anomaly_kinds(st) == [AnomalyKind.FORCED_STATE, AnomalyKind.FORCED_STATE]
    assert summarise([st]).rows[0].forced == 2


# --- the state at a moment -------------------------------------------------------------------


def _day() -> tuple[Bills, dict[str, int]]:
    b = Bills()
    pks = {
        "login": b.add(1, "08:00"),
        "busy": b.add(3, "09:00", "09:10", cause=1),
        "conv": b.add(60, "09:20", "09:30", cause=0, call="c1"),
        "held": b.add(38, "09:22", "09:24", call="c1"),
        "logout": b.add(0, "17:00", cause=258),
    }
    return b, pks


def test_state_at_boundaries_start_inclusive_end_exclusive() -> None:
    b, pks = _day()
    st = b.rebuild()
    m = state_at(st, at("09:00"))
    assert (m.kind, m.since, m.reason, m.bill_pks) == (
        StateKind.BUSY,
        at("09:00"),
        1,
        (pks["busy"],),
    )
    assert m.signed_in and m.session_start == at("08:00")
    m = state_at(st, at("09:09:59"))
    assert m.kind is StateKind.BUSY
    m = state_at(st, at("09:10"))
    assert (m.kind, m.since, m.bill_pks) == (
        StateKind.IDLE,
        at("09:10"),
        (pks["login"], pks["logout"]),
    )
    m = state_at(st, at("08:59:59"))
    assert (m.kind, m.since) == (StateKind.IDLE, at("08:00"))
    m = state_at(st, at("08:00"))
    assert (m.kind, m.since) == (StateKind.IDLE, at("08:00"))
    m = state_at(st, at("07:59:59"))
    assert (m.kind, m.since, m.signed_in) == (StateKind.SIGNED_OUT, None, False)
    m = state_at(st, at("17:00"))
    assert (m.kind, m.since, m.signed_in) == (StateKind.SIGNED_OUT, at("17:00"), False)
    assert m.bill_pks == (pks["login"], pks["logout"])


def test_state_at_lists_details_inside_a_conversation() -> None:
    b, pks = _day()
    st = b.rebuild()
    m = state_at(st, at("09:23"))
    assert (m.kind, m.since) == (StateKind.CONVERSATION, at("09:20"))
    assert [iv.kind for iv in m.details] == [StateKind.SIGNED_IN, StateKind.HELD]
    assert state_at(st, at("09:24")).details[-1].kind is StateKind.SIGNED_IN
    d = m.as_dict()
    assert d["state"] == "conversation" and d["since"] == "2026-11-02 09:20:00"
    assert d["for_seconds"] == 180 and d["details"][1]["state"] == "held"


def test_active_finds_long_intervals() -> None:
    b = Bills()
    b.add(26, "09:00", "11:00", cause=0, sn="")
    for minute in range(10, 59):
        b.add(46, f"10:{minute:02d}", f"10:{minute:02d}:01", sn="")
    st = b.rebuild()
    assert [iv.kind for iv in st.active(at("10:59:30"))] == [StateKind.REST]


def test_changes_between_two_moments() -> None:
    b, pks = _day()
    st = b.rebuild()
    change = changes_between(st, at("09:05"), at("09:25"))
    assert change.changed
    assert (change.before.kind, change.after.kind) == (StateKind.BUSY, StateKind.CONVERSATION)
    assert [iv.kind for iv in change.started] == [StateKind.CONVERSATION, StateKind.HELD]
    assert not changes_between(st, at("09:01"), at("09:02")).changed


# --- summaries -------------------------------------------------------------------------------


def test_summary_clips_to_the_period_and_totals_add_up() -> None:
    b = Bills()
    b.add(1, "08:00")
    b.add(3, "09:50", "10:20", cause=1)
    b.add(3, "10:30", "10:40", cause=201)
    b.add(26, "10:50", "11:10", cause=2, obj="A1")
    b.add(27, "09:55", "10:05", cause=0)  # overlaps the busy: still summed as working
    b.add(31, "09:00", obj="9")  # forced event before the period
    b.add(0, "17:00", cause=258)
    b.add(1, "08:00", agent="B2")
    b.add(60, "09:58", "10:00", cause=1, call="x", agent="B2")
    b.add(60, "10:00", "10:04", cause=0, call="x", agent="B2")
    b.add(60, "10:59", "11:02", cause=0, call="y", agent="B2")
    b.add(0, "10:30", cause=264, agent="B2", sn="100")
    states = list(reconstruct(b.rows, gap_seconds=NO_GAPS))
    s = summarise(states, start=at("10:00"), end=at("11:00"), labels={(3, 201): "Coaching"})
    a1, b2 = s.rows
    assert a1.agent == "A1" and b2.agent == "B2"
    assert a1.signed_in == 3600
    assert a1.busy == {1: 1200, 201: 600}
    assert a1.rest == {2: 600}
    assert a1.work == 300
    assert a1.forced == 0
    assert a1.anomalies == 1  # the overlap of the busy and the work at 09:55-10:05
    assert b2.signed_in == 1800  # forced out at 10:30 (264)
    assert (b2.conversation, b2.conversations) == (240 + 60, 2)
    assert b2.forced == 1
    total = s.total
    assert total.is_total and total.signed_in == 5400
    assert total.busy == {1: 1200, 201: 600}
    assert total.conversations == 2 and total.forced == 1
    assert s.busy_reasons == [1, 201] and s.rest_reasons == [2]
    assert s.reason_label(StateKind.BUSY, 201) == "Coaching"
    header, rows = summary_table(s)
    assert header[:5] == ["Agent", "Signed in", "In conversation", "Conversations", "Busy"]
    assert "Busy: Coaching [201]" in header
    assert rows[-1][0] == "Total" and rows[-1][1] == "1:30:00"
    assert rows[0][header.index("Busy")] == "0:30:00"
    _, secs = summary_table(s, durations_as_text=False)
    for col in range(1, len(header)):
        assert secs[-1][col] == sum(r[col] for r in secs[:-1]), header[col]


def test_summary_drill_down_to_bills() -> None:
    b = Bills()
    login = b.add(1, "08:00")
    busy1 = b.add(3, "09:00", "09:10", cause=1)
    busy2 = b.add(3, "10:00", "10:10", cause=5)
    p1 = b.add(60, "10:20", "10:25", cause=1, call="c")
    p2 = b.add(60, "10:25", "10:26", cause=0, call="c")
    logout = b.add(0, "17:00", cause=258)
    s = summarise([b.rebuild()], start=at("09:30"), end=at("12:00"))
    assert s.bill_pks("A1", "busy") == [busy2]
    assert s.bill_pks("A1", "busy", reason=1) == []
    assert s.bill_pks(None, "busy", reason=5) == [busy2]
    assert s.bill_pks("A1", "conversation") == [p1, p2]
    assert s.bill_pks("A1", "signed_in") == [login, logout]
    assert s.bill_pks("A1", "rest", ALL_REASONS) == []
    assert busy1 not in s.bill_pks(None, "busy")
    with pytest.raises(ValueError, match="unknown figure"):
        s.bill_pks("A1", "nonsense")


def test_reconstruct_groups_agents_and_takes_plain_tuples() -> None:
    rows = [
        (1, "A1", at("08:00"), at("08:00"), 1, "65535", 65535, "", "1", 5),
        (2, "A1", at("09:00"), at("09:00"), 0, "65535", 258, "", "1", 5),
        (3, "B2", at("08:30"), at("08:40"), 3, "65535", 1, "", "", 5),
    ]
    out = list(reconstruct(iter(rows)))
    assert [s.agent for s in out] == ["A1", "B2"]
    assert out[0].bill_count == 2 and out[1].bill_count == 1
    assert (out[1].first_begin, out[1].last_begin, out[1].last_end) == (
        at("08:30"),
        at("08:30"),
        at("08:40"),
    )
    assert [a.kind for a in anomalies_in(out)] == [AnomalyKind.GAP]  # 1 h with no bill


def test_anomalies_in_a_period() -> None:
    b = Bills()
    b.add(3, "09:00", "09:30", cause=1, sn="")
    b.add(26, "09:20", "09:40", cause=0, sn="")
    b.add(3, "11:00", "11:30", cause=1, sn="")
    b.add(26, "11:20", "11:40", cause=0, sn="")
    st = b.rebuild()
    assert len(anomalies_in([st])) == 2
    assert [a.start for a in anomalies_in([st], at("10:00"), at("12:00"))] == [at("11:20")]
    assert anomalies_in([st], at("09:30"), at("11:20")) == []  # ends are exclusive


def test_overlapping_matches_a_plain_scan() -> None:
    b = Bills()
    b.add(1, "08:00")
    b.add(26, "08:05", "09:30", cause=0, obj="A1")
    for minute in range(0, 60, 7):
        b.add(3, f"09:{minute:02d}", f"09:{minute:02d}:30", cause=1)
        b.add(46, f"10:{minute:02d}", f"10:{minute:02d}", call="c")
    b.add(0, "11:00", cause=258)
    st = b.rebuild()
    for lo, hi in [(None, None), (at("09:00"), at("09:20")), (at("10:07"), at("10:07:01"))]:
        for kinds_wanted in (None, [StateKind.BUSY, StateKind.REST]):
            expected = [
                iv
                for iv in st.intervals
                if (kinds_wanted is None or iv.kind in kinds_wanted)
                and (hi is None or iv.start < hi)
                and (lo is None or iv.end > lo or (iv.end == iv.start and iv.start >= lo))
            ]
            got = st.overlapping(lo, hi, kinds_wanted)
            assert sorted(got) == sorted(expected)
            assert [iv.start for iv in got] == sorted(iv.start for iv in got)
    assert [iv.kind for iv in st.overlapping(at("10:07"), at("10:07:01"))] == [
        StateKind.SIGNED_IN,
        StateKind.OTHER,
    ]


# --- conversation pieces far apart -------------------------------------------------------------


def test_pieces_of_one_call_far_apart_are_two_conversations() -> None:
    # pieces 10-300 s (reason 1) and 2000-2100 s (reason 0) of one call, a busy at 500-900 s
    b = Bills()
    first = b.add(60, "00:00:10", "00:05:00", cause=1, call="c1", sn="")
    busy = b.add(3, "00:08:20", "00:15:00", cause=1, sn="")
    last = b.add(60, "00:33:20", "00:35:00", cause=0, call="c1", sn="")
    st = b.rebuild()
    one, two = kinds(st, StateKind.CONVERSATION)
    assert (one.start, one.end, one.bill_pks, one.open_ended) == (
        at("00:00:10"),
        at("00:05:00"),
        (first,),
        True,
    )
    assert (two.start, two.end, two.bill_pks, two.open_ended) == (
        at("00:33:20"),
        at("00:35:00"),
        (last,),
        False,
    )
    a = only(st.anomalies)  # no overlap with the busy bill
    assert (a.kind, a.bill_pks, a.start, a.end) == (
        AnomalyKind.NO_FINAL_PIECE,
        (first,),
        at("00:00:10"),
        at("00:05:00"),
    )
    assert only(kinds(st, StateKind.BUSY)).bill_pks == (busy,)
    row = summarise([st]).rows[0]
    assert (row.conversations, row.conversation) == (2, 290 + 100)
    assert state_at(st, at("00:10")).kind is StateKind.BUSY


@pytest.mark.parametrize(
    ("second_begin", "joined"),
    [
        ("10:05:00", True),  # on the grid mark: contiguous
        ("10:04:50", True),  # overlapping
        ("10:05:05", True),  # PIECE_JOIN_SECONDS after the joined end
        ("10:05:06", False),  # one second more
        ("10:10:00", False),  # a whole five-minute piece missing
    ],
)
def test_piece_joins_within_the_tolerance_only(second_begin: str, joined: bool) -> None:
    assert PIECE_JOIN_SECONDS == 5
    b = Bills()
    p1 = b.add(60, "10:02", "10:05", cause=1, call="c1", sn="")
    p2 = b.add(60, second_begin, "10:12", cause=0, call="c1", sn="")
    st = b.rebuild()
    convs = kinds(st, StateKind.CONVERSATION)
    if joined:
        conv = only(convs)
        assert (conv.start, conv.end, conv.bill_pks) == (at("10:02"), at("10:12"), (p1, p2))
        assert st.anomalies == []
    else:
        assert [c.bill_pks for c in convs] == [(p1,), (p2,)]
        a = only(st.anomalies)
        assert (a.kind, a.bill_pks) == (AnomalyKind.NO_FINAL_PIECE, (p1,))


def test_pieces_with_no_call_id_join_only_when_contiguous() -> None:
    b = Bills()
    p1 = b.add(60, "10:00", "10:05", cause=1, sn="")
    p2 = b.add(60, "10:16:40", "10:18", cause=1, sn="")  # 700 s later
    p3 = b.add(60, "10:18", "10:20", cause=0, sn="")  # contiguous: joins
    p4 = b.add(60, "10:30", "10:35", cause=1, sn="")
    p5 = b.add(60, "10:35:02", "10:36", cause=0, sn="")  # 2 s later: no call ID, no join
    st = b.rebuild()
    convs = kinds(st, StateKind.CONVERSATION)
    assert [c.bill_pks for c in convs] == [(p1,), (p2, p3), (p4,), (p5,)]
    assert [(a.kind, a.bill_pks) for a in st.anomalies] == [
        (AnomalyKind.NO_FINAL_PIECE, (p1,)),
        (AnomalyKind.NO_FINAL_PIECE, (p4,)),
    ]
    assert "(no call ID)" in st.anomalies[0].message


def test_piece_with_no_call_id_does_not_join_a_call() -> None:
    b = Bills()
    p1 = b.add(60, "10:00", "10:05", cause=1, call="c1", sn="")
    p2 = b.add(60, "10:05", "10:06", cause=0, sn="")
    st = b.rebuild()
    assert [c.bill_pks for c in kinds(st, StateKind.CONVERSATION)] == [(p1,), (p2,)]
    assert anomaly_kinds(st) == [AnomalyKind.NO_FINAL_PIECE]


def test_last_piece_within_the_tolerance_of_the_end_read_is_not_an_anomaly() -> None:
    b = Bills()
    b.add(60, "10:00", "10:05", cause=1, call="c1", sn="")
    # the next piece may begin up to PIECE_JOIN_SECONDS after 10:05, past what was read
    assert b.rebuild(until=at("10:05:03")).anomalies == []
    assert anomaly_kinds(b.rebuild(until=at("10:05:06"))) == [AnomalyKind.NO_FINAL_PIECE]


# --- sessions re-paired ------------------------------------------------------------------------


def test_sessions_with_no_logon_sn_are_paired_in_time_order() -> None:
    # sessions 0-1000 s and 5000-9000 s with an empty logon_sn
    b = Bills()
    in1 = b.add(1, "00:00:00", sn="")
    out1 = b.add(0, "00:16:40", cause=258, sn="")
    in2 = b.add(1, "01:23:20", sn="")
    out2 = b.add(0, "02:30:00", cause=258, sn="")
    st = b.rebuild()
    one, two = kinds(st, StateKind.SIGNED_IN)
    assert (one.start, one.end, one.bill_pks, one.open_ended) == (
        at("00:00"),
        at("00:16:40"),
        (in1, out1),
        False,
    )
    assert (two.start, two.end, two.bill_pks, two.open_ended) == (
        at("01:23:20"),
        at("02:30"),
        (in2, out2),
        False,
    )
    assert st.anomalies == []
    assert summarise([st]).rows[0].signed_in == 1000 + 4000
    m = state_at(st, at("00:50"))
    assert (m.kind, m.since) == (StateKind.SIGNED_OUT, at("00:16:40"))
    m = state_at(st, at("01:40"))
    assert (m.kind, m.since, m.session_start) == (StateKind.IDLE, at("01:23:20"), at("01:23:20"))


def test_re_login_at_the_second_of_the_sign_out() -> None:
    b = Bills()
    b.add(1, "08:00", sn="")
    b.add(0, "12:00", cause=259, sn="")  # logs out before re-login
    b.add(1, "12:00", sn="")
    b.add(0, "17:00", cause=258, sn="")
    st = b.rebuild()
    spans = [(s.start, s.end) for s in kinds(st, StateKind.SIGNED_IN)]
    assert spans == [(at("08:00"), at("12:00")), (at("12:00"), at("17:00"))]
    assert st.anomalies == []


def test_a_logon_sn_used_again_after_its_sign_out_is_a_new_session() -> None:
    b = Bills()
    b.add(1, "08:00", sn="7")
    b.add(0, "09:00", cause=258, sn="7")
    b.add(1, "10:00", sn="7")
    b.add(0, "11:00", cause=258, sn="7")
    st = b.rebuild()
    assert [(s.start, s.end) for s in kinds(st, StateKind.SIGNED_IN)] == [
        (at("08:00"), at("09:00")),
        (at("10:00"), at("11:00")),
    ]
    assert st.anomalies == []
    assert summarise([st]).rows[0].signed_in == 7200


def test_sign_out_before_its_sign_in() -> None:
    b = Bills()
    logout = b.add(0, "08:00", cause=258, sn="7")
    login = b.add(1, "09:00", sn="7")
    busy = b.add(3, "09:10", "09:20", cause=1, sn="7")
    st = b.rebuild()
    s = only(kinds(st, StateKind.SIGNED_IN))
    # no usable end: up to the session's last bill, open-ended
    assert (s.start, s.end, s.open_ended) == (at("09:00"), at("09:20"), True)
    assert s.bill_pks == (login, logout)
    a = only(st.anomalies)
    assert a.kind is AnomalyKind.SIGN_OUT_BEFORE_SIGN_IN
    assert (a.start, a.end, a.bill_pks) == (at("08:00"), at("09:00"), (logout, login))
    assert "signed out at 2026-11-02 08:00:00, before its sign-in" in a.message
    assert busy in summarise([st]).bill_pks("A1", "busy")


def test_sign_out_and_sign_in_of_one_logon_sn_at_the_same_second() -> None:
    b = Bills()
    b.add(0, "08:00", cause=258, sn="7")
    b.add(1, "08:00", sn="7")
    st = b.rebuild()
    s = only(kinds(st, StateKind.SIGNED_IN))
    assert (s.start, s.end) == (at("08:00"), at("08:00"))
    assert st.anomalies == []


def test_bills_with_no_logon_sn_belong_to_the_open_session_with_none() -> None:
    b = Bills()
    login = b.add(1, "08:00", sn="")
    busy = b.add(3, "09:00", "09:10", cause=1, sn="")
    b.add(1, "10:00", sn="101")
    b.add(0, "11:00", cause=258, sn="101")
    st = b.rebuild()
    first, _second = kinds(st, StateKind.SIGNED_IN)
    assert (first.start, first.end, first.open_ended) == (at("08:00"), at("09:10"), True)
    a = only(st.anomalies)
    assert (a.kind, a.bill_pks, a.end) == (AnomalyKind.NO_SIGN_OUT, (login, busy), at("09:10"))


# --- idle since with overlapping states --------------------------------------------------------


def test_idle_since_the_latest_end_of_overlapping_states() -> None:
    # busy 100-500 s with a work bill 200-300 s inside it: idle from 500 s, not 300 s
    b = Bills()
    b.add(1, "00:00:00")
    busy = b.add(3, "00:01:40", "00:08:20", cause=1)
    b.add(27, "00:03:20", "00:05:00", cause=0)
    b.add(0, "01:00", cause=258)
    st = b.rebuild()
    assert anomaly_kinds(st) == [AnomalyKind.OVERLAP]
    m = state_at(st, at("00:10"))
    assert (m.kind, m.since) == (StateKind.IDLE, at("00:08:20"))
    assert state_at(st, at("00:04")).bill_pks == (busy,)
    m = state_at(st, at("00:06"))  # the work ended, the busy goes on
    assert (m.kind, m.since) == (StateKind.BUSY, at("00:01:40"))


def test_idle_since_ignores_states_ending_after_the_moment_or_before_the_session() -> None:
    b = Bills()
    b.add(1, "08:00", sn="1")
    b.add(26, "08:10", "08:20", cause=0, sn="1")
    b.add(0, "09:00", cause=258, sn="1")
    b.add(1, "10:00", sn="2")
    b.add(3, "10:05", "10:10", cause=1, sn="2")
    b.add(27, "10:30", "10:40", cause=0, sn="2")
    b.add(0, "12:00", cause=258, sn="2")
    st = b.rebuild()
    assert (state_at(st, at("10:02")).since) == at("10:00")  # the rest was in session 1
    assert (state_at(st, at("10:20")).since) == at("10:10")
    assert (state_at(st, at("11:00")).since) == at("10:40")


# --- what ended between two moments ------------------------------------------------------------


def test_changes_between_lists_what_ended() -> None:
    b, pks = _day()
    st = b.rebuild()
    change = changes_between(st, at("09:05"), at("09:25"))
    assert [iv.bill_pks for iv in change.ended] == [(pks["busy"],), (pks["held"],)]
    assert [iv.kind for iv in change.started] == [StateKind.CONVERSATION, StateKind.HELD]
    # the hold began and ended in between: in both lists
    change = changes_between(st, at("09:21"), at("09:29"))
    assert [iv.kind for iv in change.started] == [StateKind.HELD]
    assert [iv.kind for iv in change.ended] == [StateKind.HELD]
    assert not change.changed and change.eventful  # still in the same conversation
    # by end time; ending exactly at the second moment counts, at the first does not
    change = changes_between(st, at("09:10"), at("09:30"))
    assert [iv.kind for iv in change.ended] == [StateKind.HELD, StateKind.CONVERSATION]
    assert (change.before.kind, change.after.kind) == (StateKind.IDLE, StateKind.IDLE)
    assert change.changed  # idle since 09:10, then idle since 09:30
    # moments given in either order
    assert changes_between(st, at("09:25"), at("09:05")).ended == (
        changes_between(st, at("09:05"), at("09:25")).ended
    )
    quiet = changes_between(st, at("10:00"), at("11:00"))
    assert quiet.started == quiet.ended == () and not quiet.eventful


def test_instants_are_only_started() -> None:
    b = Bills()
    b.add(1, "08:00")
    marker = b.add(30, "10:00", obj="9001")
    b.add(0, "17:00", cause=258)
    st = b.rebuild()
    change = changes_between(st, at("09:00"), at("11:00"))
    assert [iv.bill_pks for iv in change.started] == [(marker,)]
    assert change.ended == ()
    d = change.as_dict()
    assert d["started"][0]["state"] == "forced" and d["ended"] == []
    assert d["before"]["state"] == "idle" and d["changed"] is False


# --- busy reason 4 ----------------------------------------------------------------------------


def test_busy_reason_4_rest_stays_busy_labelled_as_rest() -> None:
    b = Bills()
    b.add(1, "08:00")
    b.add(3, "09:00", "09:10", cause=4)
    b.add(26, "10:00", "10:20", cause=4, obj="A1")  # a site's rest reason 4: not the same
    b.add(0, "17:00", cause=258)
    st = b.rebuild()
    busy = only(kinds(st, StateKind.BUSY))
    assert (busy.reason, busy.label) == (BUSY_REST_REASON, BUSY_REST_LABEL)
    assert BUSY_REST_LABEL == "Busy 4 (rest)"
    assert state_at(st, at("09:05")).label == "Busy 4 (rest)"
    s = summarise([st])
    row = s.rows[0]
    assert (row.busy, row.rest) == ({4: 600}, {4: 1200})
    assert s.reason_label(StateKind.BUSY, 4) == "Busy 4 (rest)"
    assert s.reason_label(StateKind.REST, 4) == "Rest reason 4"
    header, _ = summary_table(s)
    assert "Busy 4 (rest)" in header
    assert "Rest: Rest reason 4 [4]" in header


# --- forced markers with no end time -----------------------------------------------------------


def test_forced_markers_with_no_end_time_are_instants() -> None:
    b = Bills()
    b.add(1, "08:00", sn="1")
    kick = b.add(29, "11:00", OPEN, obj="9001", sn="1")
    out = b.add(0, "11:00", OPEN, cause=257, sn="1")
    b.add(1, "+1 08:00", sn="2")  # the next bill, the next morning
    b.add(0, "+1 17:00", cause=258, sn="2")
    st = b.rebuild()
    forced = only(kinds(st, StateKind.FORCED))
    assert (forced.start, forced.end, forced.bill_pks) == (at("11:00"), at("11:00"), (kick, out))
    a = only(st.anomalies)
    assert (a.kind, a.start, a.end) == (AnomalyKind.FORCED_LOGOUT, at("11:00"), at("11:00"))
    assert kinds(st, StateKind.SIGNED_IN)[0].end == at("11:00")
