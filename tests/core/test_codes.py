"""Tests for viewer.core.codes against an independent, frozen copy of the vendor's table.

The SEED_* tables below were typed from the vendor's "Agent Operation Types" table (updated
2023-09-27), not copied from codes.py: a typo in either one fails a test.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest

# Run without an installed package or a conftest: make the repository root importable.
_ROOT = str(Path(__file__).resolve().parents[2])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

from viewer.core import codes  # noqa: E402
from viewer.core.codes import (  # noqa: E402
    CONVERSATION_TYPES,
    FORCED_LOGOUT_CAUSES,
    NOT_USED_TEXT,
    OP_TYPES,
    SITE_DEFINABLE,
    Explanation,
    ObjectKind,
    describe_call_in_out,
    describe_codes,
    explain_agent_type,
    explain_call_in_out,
    explain_media_type,
    explain_object,
    explain_op_type,
    explain_reason,
    is_not_used,
    is_site_definable,
    op_type_info,
    parse_code,
)

# --------------------------------------------------------------------------------------------
# Frozen seed facts
# --------------------------------------------------------------------------------------------

# op_type -> a key phrase of the vendor's description
SEED_DESCRIPTIONS: dict[int, str] = {
    0: "logs out of the CCS",
    1: "logs in to the CCS",
    2: "indicates idle",
    3: "indicates busy",
    4: "Conversation status",
    5: "Waiting for answer from an agent",
    6: "waits for the connection success message",
    7: "releases a call",
    8: "requests disconnecting",
    9: "waits for the called to ring",
    10: "Three-party conversation",
    11: "Agent channel fails",
    12: "Agent channel or agent is restored",
    13: "from the manual flow to the automatic flow",
    14: "is listened in to or intruded",
    15: "is not listened in to or intruded",
    16: "The agent is recorded",
    17: "The agent is not recorded",
    18: "The agent is monitored",
    19: "The agent is not monitored",
    20: "is listening in or intruding or whispering",
    21: "is not listening in or intruding or whispering",
    22: "Voice playing",
    23: "Stopping the voice playing",
    24: "Monitoring",
    25: "Stopping monitoring",
    26: "The agent rests",
    27: "Work status",
    28: "Listening in to and intruding a call",
    29: "Forcible logout",
    30: "Forcible idle",
    31: "Forcible busy",
    32: "is mute to the user",
    33: "cancels the mute status",
    34: "enters the study status",
    35: "enters the work status",
    36: "enters the adjusting status",
    37: "ends the work status",
    38: "holds the call",
    39: "picks the held call",
    40: "requests an internal help",
    41: "makes an internal call",
    42: "connects a held call",
    43: "intercepts a call",
    44: "halts the voice playing",
    45: "transfers the call internally",
    46: "transfers a call out",
    47: "logs in to the media server",
    50: "Video image screening",
    51: "Video and audio screening",
    52: "logs out of the media server",
    53: "queuing in the common queue",
    54: "Release transfer",
    55: "transferred to another device",
    56: "Configure agent status",
    57: "internal-help request processing",
    58: "conference state",
    59: "Multimedia collaboration",
    60: "Conversation status",
}

# op_type -> object column: N = US_NO_USE, W = work ID, Q = work ID of a QC inspector, - = "-"
SEED_OBJECT: dict[int, str] = {
    **dict.fromkeys([0, 1, 3, 4, 13, 22, 27, 32, 34, 44, 46, 47, 60], "N"),
    **dict.fromkeys(range(50, 58), "N"),
    **dict.fromkeys([10, 20, 26, 29, 30, 31, 40, 41, 43, 45, 58, 59], "W"),
    38: "Q",
    **dict.fromkeys(
        [2, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 21, 23, 24, 25, 28, 33]
        + [35, 36, 37, 39, 42],
        "-",
    ),
}

# Types whose object and reason are both "-"
SEED_NOT_BILLED = frozenset(
    {2, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 18, 19, 21, 23, 24, 25, 28, 33, 35, 36, 37, 39, 42}
)

# op_type -> listed reasons in table order: (low, high, key phrase)
SEED_REASONS: dict[int, list[tuple[int, int, str]]] = {
    0: [
        (1, 255, "transmitted by clients"),
        (256, 256, "agent console is disconnected"),
        (257, 257, "forced by a QC inspector to log out"),
        (258, 258, "proactively logs out"),
        (259, 259, "before re-login"),
        (260, 260, "between the media server and CCS times out"),
        (261, 261, "between the CCS and UIS"),
        (262, 262, "media server is disconnected from the CCS"),
        (263, 263, "between the UIS and agent console times out"),
        (264, 264, "forcibly log in on another client"),
    ],
    3: [
        (1, 1, "The agent indicates busy"),
        (2, 2, "rings for a long time"),
        (3, 3, "being inspected is forced to indicate busy"),
        (4, 4, "has a rest"),
        (5, 5, "phone is unavailable"),
        (7, 7, "rejects the call"),
        (200, 250, "defined by the service side"),
    ],
    4: [
        (1, 1, "does not really exit the conversation status"),
        (0, 0, "fully exits the conversation status"),
    ],
    27: [
        (0, 0, "automatically enters the Working state"),
        (0, 255, "invokes an interface to enter the Working state"),
    ],
    40: [
        (0, 0, "uncertain parties"),
        (1, 1, "between two parties"),
        (2, 2, "between three parties"),
        (3, 3, "The call is transferred. The called party talks to the agent first"),
        (4, 4, "transferred among three parties"),
        (5, 5, "Three-party conversation"),
        (6, 6, "Connecting the call"),
    ],
    59: [
        (0, 0, "Initiating a multimedia conference"),
        (1, 1, "Joining a multimedia conference"),
    ],
    60: [
        (1, 1, "does not really exit the conversation status"),
        (0, 0, "fully exits the conversation status"),
    ],
}

# Types with a descriptive reason instead of a code list: op_type -> key phrase
SEED_FREE_REASONS: dict[int, str] = {
    26: "CCC_REQUEST_REST_EX_Msg",
    56: "defined by the service side",
    57: "Internal-help request switching",
}

# Codes listed beside the work ID: op_type -> {code: key phrase}
SEED_NOTE_CODES: dict[int, dict[int, str]] = {
    20: {0: "listening in to another agent", 2: "listening in to a trunk"},
    38: {1: "held by a qc inspector"},
}

SEED_MEDIA = {
    1: "text chat",
    2: "click-to-dial web phone",
    3: "co-browsing",
    4: "callback request",
    5: "voice call",
    6: "email",
    7: "fax",
    8: "h.323 video",
    9: "whiteboard",
    10: "application sharing",
    11: "file transfer",
    12: "video 2b+d",
    13: "video 6b+d",
    14: "ops",
    15: "predictive outbound",
    16: "preview outbound",
    17: "message",
    18: "web phone video",
    19: "video call",
    20: "web leave-message",
    21: "desktop sharing",
    22: "vc call",
    50: "email chat",
    51: "web chat",
    52: "sms chat",
    53: "social multimedia chat",
    54: "fax chat",
    55: "h5 video chat",
}

NOT_USED_MARKERS = [65535, -1, "", None, " 65535 ", "65535", "-1", " -1", "US_NO_USE", 65535.0]
GARBAGE = [
    None,
    "",
    "abc",
    "3.5",
    3.5,
    float("nan"),
    float("inf"),
    -float("inf"),
    [1, 2],
    {"a": 1},
    (1,),
    b"3",
    object(),
    True,
    "9" * 5000,
    10**40,
    -7,
    "\x00",
    "  \t ",
    "\ufeff3",
]


def _mid(low: int, high: int) -> int:
    return (low + high) // 2


def _reason_cases() -> list[tuple[int, int, str]]:
    cases = []
    for op, reasons in SEED_REASONS.items():
        for low, high, phrase in reasons:
            for code in sorted({low, _mid(low, high), high}):
                cases.append((op, code, phrase))
    return cases


# --------------------------------------------------------------------------------------------
# The table as a whole
# --------------------------------------------------------------------------------------------


def test_defined_types_are_0_to_47_and_50_to_60() -> None:
    assert set(OP_TYPES) == set(range(48)) | set(range(50, 61))
    assert set(OP_TYPES) == set(SEED_DESCRIPTIONS)
    assert 48 not in OP_TYPES and 49 not in OP_TYPES


def test_op_types_is_read_only() -> None:
    with pytest.raises(TypeError):
        OP_TYPES[99] = OP_TYPES[0]  # type: ignore[index]


@pytest.mark.parametrize("code", sorted(SEED_DESCRIPTIONS))
def test_every_type_has_its_description_and_short_label(code: int) -> None:
    info = OP_TYPES[code]
    assert info.code == code
    assert SEED_DESCRIPTIONS[code].lower() in info.description.lower()
    assert info.short and info.short.strip() == info.short
    assert len(info.short) <= 50
    explanation = explain_op_type(code)
    assert explanation.known
    assert explanation.text == info.short
    assert explanation.generic == info.description
    assert explain_op_type(str(code)) == explanation
    assert explain_op_type(f" {code} ") == explanation
    assert op_type_info(code) is info


@pytest.mark.parametrize("code", sorted(SEED_OBJECT))
def test_object_kind_matches_table(code: int) -> None:
    expected = {
        "N": ObjectKind.NOT_USED,
        "W": ObjectKind.WORK_ID,
        "Q": ObjectKind.QC_WORK_ID,
        "-": ObjectKind.NOT_BILLED,
    }[SEED_OBJECT[code]]
    assert OP_TYPES[code].object_kind is expected


def test_seed_object_covers_every_type() -> None:
    assert set(SEED_OBJECT) == set(SEED_DESCRIPTIONS)


@pytest.mark.parametrize("code", sorted(SEED_DESCRIPTIONS))
def test_reason_kind_and_listed_reasons_match_table(code: int) -> None:
    info = OP_TYPES[code]
    listed = [(r.low, r.high) for r in info.reasons]
    expected = [(low, high) for low, high, _ in SEED_REASONS.get(code, [])]
    assert listed == expected
    for entry, (_, _, phrase) in zip(info.reasons, SEED_REASONS.get(code, []), strict=True):
        assert phrase.lower() in entry.text.lower()
        assert entry.label
    if code in SEED_REASONS:
        assert info.reason_kind == "codes"
    elif code in SEED_FREE_REASONS:
        assert info.reason_kind == "free"
        assert SEED_FREE_REASONS[code].lower() in info.reason_note.lower()
    elif code in SEED_NOT_BILLED or code == 58:
        assert info.reason_kind == "-"
    else:
        assert info.reason_kind == "not used"


@pytest.mark.parametrize(("op", "code", "phrase"), _reason_cases())
def test_every_listed_reason_decodes_to_its_table_text(op: int, code: int, phrase: str) -> None:
    explanation = explain_reason(op, code)
    assert explanation.known, (op, code)
    assert not explanation.not_used
    assert not explanation.site_label
    assert phrase.lower() in explanation.generic.lower(), (op, code, explanation)
    assert explanation.text and "unknown" not in explanation.text
    assert explain_reason(str(op), f" {code} ") == explanation


def test_billed_flags_match_dash_set() -> None:
    for code, info in OP_TYPES.items():
        assert info.billed is (code not in SEED_NOT_BILLED), code
    assert codes.NOT_NORMALLY_BILLED == SEED_NOT_BILLED


def test_58_is_billed_with_dash_reason() -> None:
    info = OP_TYPES[58]
    assert info.billed
    assert info.object_kind is ObjectKind.WORK_ID
    assert info.reason_kind == "-"


def test_table_notes_for_conversation_types() -> None:
    assert "text conversations only" in OP_TYPES[4].table_note.lower()
    note60 = OP_TYPES[60].table_note.lower()
    assert "all call types" in note60 and "licen" in note60
    assert {c for c, t in OP_TYPES.items() if t.table_note} == {4, 60}


def test_constants() -> None:
    assert NOT_USED_TEXT == "not used"
    assert frozenset({257, 264}) == FORCED_LOGOUT_CAUSES
    assert frozenset({4, 60}) == CONVERSATION_TYPES
    for cause in FORCED_LOGOUT_CAUSES:
        assert "forc" in explain_reason(0, cause).generic.lower()


# --------------------------------------------------------------------------------------------
# Not used, unknown
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("marker", NOT_USED_MARKERS)
def test_not_used_markers(marker: object) -> None:
    assert is_not_used(marker)
    for op in (0, 1, 3, 10, 26, 38, 58, 2, 99):
        reason = explain_reason(op, marker)
        assert reason.text == NOT_USED_TEXT and reason.not_used and reason.known, (op, reason)
        obj = explain_object(op, marker)
        assert obj.text == NOT_USED_TEXT and obj.not_used and obj.known, (op, obj)


@pytest.mark.parametrize("value", [0, 1, "0", "255", 65534, "abc", 3.5, "65536", -2])
def test_not_markers(value: object) -> None:
    assert not is_not_used(value)


def test_nan_is_not_used() -> None:
    assert is_not_used(math.nan)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3, 3),
        ("3", 3),
        (" 65535 ", 65535),
        ("-1", -1),
        ("+7", 7),
        (3.0, 3),
        ("3.0", 3),
        ("3.5", None),
        (3.5, None),
        ("", None),
        (None, None),
        ("abc", None),
        (True, None),
        ("1_000", None),
        ("٣", None),
        (float("nan"), None),
    ],
)
def test_parse_code(value: object, expected: int | None) -> None:
    assert parse_code(value) == expected


@pytest.mark.parametrize("code", [48, 49, 99, -5, "48", " 99 "])
def test_unknown_type(code: object) -> None:
    explanation = explain_op_type(code)
    assert not explanation.known
    assert explanation.text == f"unknown operation type {int(str(code))}"
    assert op_type_info(parse_code(code)) is None
    assert not explain_reason(code, 1).known
    assert not explain_object(code, 1).known


def test_unknown_type_text_keeps_raw_value() -> None:
    assert explain_op_type("abc") == Explanation("unknown operation type abc", known=False)
    assert not explain_op_type(None).known
    assert not explain_op_type("").known
    assert op_type_info(None) is None


@pytest.mark.parametrize(
    ("op", "cause"),
    [(3, 6), (3, 199), (3, 251), (3, 0), (40, 7), (0, 0), (0, 265), (27, 256), (4, 2), (59, 2)],
)
def test_unknown_reason(op: int, cause: int) -> None:
    explanation = explain_reason(op, cause)
    assert not explanation.known
    assert explanation.text == f"unknown reason {cause}"
    assert explain_reason(str(op), str(cause)) == explanation


@pytest.mark.parametrize("op", [1, 10, 13, 29, 58, 2, 42])
def test_real_code_in_unused_reason_column_is_unknown(op: int) -> None:
    explanation = explain_reason(op, 5)
    assert not explanation.known
    assert explanation.text == "unknown reason 5"


def test_garbage_reason_is_unknown_with_raw_text() -> None:
    explanation = explain_reason(3, "x y")
    assert not explanation.known
    assert explanation.text == "unknown reason x y"


# --------------------------------------------------------------------------------------------
# Special cases of the table
# --------------------------------------------------------------------------------------------


def test_type_27_code_0_says_both_meanings() -> None:
    explanation = explain_reason(27, 0)
    assert explanation.known
    text = explanation.text.lower()
    assert "system" in text and "interface" in text
    assert "automatically enters the working state" in explanation.generic.lower()
    assert "invokes an interface" in explanation.generic.lower()
    only_interface = explain_reason(27, 1)
    assert "interface" in only_interface.text.lower() and "system" not in only_interface.text


@pytest.mark.parametrize("op", sorted(SEED_NOTE_CODES))
def test_types_20_and_38_show_their_note_with_object_and_reason(op: int) -> None:
    info = OP_TYPES[op]
    listed = SEED_NOTE_CODES[op]
    for code, phrase in listed.items():
        assert phrase in info.object_note.lower()
        assert str(code) in info.object_note
        reason = explain_reason(op, code)
        assert reason.known
        assert phrase in reason.text.lower()
        assert reason.generic == info.object_note
        obj = explain_object(op, code)
        assert obj.known and phrase in obj.text.lower()
    assert explain_reason(op, 65535).generic == info.object_note
    other = explain_reason(op, 5)
    assert not other.known and other.generic == info.object_note
    obj = explain_object(op, "4711")
    assert obj.known and "4711" in obj.text and info.object_note in obj.text
    assert {c for c, t in OP_TYPES.items() if t.object_note} == set(SEED_NOTE_CODES)


@pytest.mark.parametrize(("op", "phrase"), sorted(SEED_FREE_REASONS.items()))
def test_free_reason_types_accept_any_int(op: int, phrase: str) -> None:
    for cause in (0, 1, 255, 300, 65534):
        explanation = explain_reason(op, cause)
        assert explanation.known, (op, cause)
        assert str(cause) in explanation.text
        assert phrase.lower() in explanation.generic.lower()
    assert "default" in explain_reason(26, 0).text
    assert not explain_reason(op, "abc").known


def test_object_column() -> None:
    assert explain_object(26, "0012") == Explanation("work ID 0012", known=True, generic="Work ID")
    assert explain_object(10, 4711).text == "work ID 4711"
    assert explain_object(38, "77").text.startswith("QC inspector 77")
    unused_with_value = explain_object(3, 5)
    assert not unused_with_value.known and unused_with_value.text == "unknown object 5"
    assert not explain_object(2, 5).known


# --------------------------------------------------------------------------------------------
# Site labels
# --------------------------------------------------------------------------------------------


def test_site_label_wins_and_keeps_generic() -> None:
    labels = {(3, 201): "Team meeting"}
    explanation = explain_reason(3, 201, labels)
    assert explanation == Explanation(
        "Team meeting",
        known=True,
        site_label=True,
        generic=explain_reason(3, 201).generic,
    )
    assert "defined by the service side" in explanation.generic
    assert explain_reason("3", " 201 ", labels).text == "Team meeting"
    assert not explain_reason(3, 202, labels).site_label


def test_site_labels_for_each_site_range() -> None:
    labels = {(0, 17): "Shift end", (26, 5): "Lunch", (27, 0): "Paperwork", (56, 900): "Coach"}
    for (op, code), label in labels.items():
        explanation = explain_reason(op, code, labels)
        assert explanation.text == label and explanation.site_label, (op, code)
        assert explanation.generic


def test_label_for_non_site_definable_code_is_ignored() -> None:
    # Decision: vendor-fixed meanings (and unknown codes) are never renamed by a site label.
    labels = {(0, 257): "Renamed", (3, 1): "Renamed", (3, 199): "Renamed", (26, 300): "Renamed"}
    for (op, code), _ in labels.items():
        explanation = explain_reason(op, code, labels)
        assert explanation == explain_reason(op, code)
        assert not explanation.site_label
    assert not explain_reason(3, 199, labels).known


def test_blank_label_is_ignored() -> None:
    assert not explain_reason(3, 201, {(3, 201): "  "}).site_label


def test_site_definable_ranges() -> None:
    assert is_site_definable(3, 200) and is_site_definable(3, 250)
    assert not is_site_definable(3, 199) and not is_site_definable(3, 251)
    assert is_site_definable(0, 1) and is_site_definable(0, 255) and not is_site_definable(0, 256)
    assert is_site_definable(26, 0) and is_site_definable(26, 255)
    assert is_site_definable(27, 0) and not is_site_definable(27, 256)
    assert is_site_definable(56, 0) and is_site_definable(56, 65534)
    assert not is_site_definable(56, 65535)
    assert not is_site_definable(4, 1)
    assert {s.op_type for s in SITE_DEFINABLE} == {0, 3, 26, 27, 56}
    for site in SITE_DEFINABLE:
        assert site.generic


def test_listed_site_definable_reasons_are_in_site_definable() -> None:
    for info in OP_TYPES.values():
        for entry in info.reasons:
            if entry.site_definable:
                assert is_site_definable(info.code, entry.low)
                assert is_site_definable(info.code, entry.high)


# --------------------------------------------------------------------------------------------
# Other columns
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("code", "name"), sorted(SEED_MEDIA.items()))
def test_media_types(code: int, name: str) -> None:
    explanation = explain_media_type(code)
    assert explanation.known
    assert explanation.text.lower() == name
    assert explain_media_type(str(code)) == explanation


@pytest.mark.parametrize("code", [0, 23, 49, 56, 99, "abc"])
def test_unknown_media_type(code: object) -> None:
    explanation = explain_media_type(code)
    assert not explanation.known
    assert str(code) in explanation.text


def test_agent_type_marks_meaning_as_likely() -> None:
    assert explain_agent_type(4).text == "likely: PC + phone (CTI) / audio (configuration)"
    assert explain_agent_type("11").text == "likely: PC + phone video (CTI) / video (configuration)"
    assert explain_agent_type(13).text == "likely: multimedia (CTI)"
    assert explain_agent_type(5).text == "likely: multimedia (configuration)"
    assert explain_agent_type(99).text == "likely: versatile (configuration)"
    for code in (4, 5, 11, 13, 99):
        assert explain_agent_type(code).known
        assert "disagree" in explain_agent_type(code).generic
    unknown = explain_agent_type(7)
    assert not unknown.known and "7" in unknown.text


def test_call_in_out_is_shown_raw() -> None:
    explanation = explain_call_in_out(" 2 ")
    assert explanation.text == "2" and explanation.known
    assert "undocumented" in explanation.generic
    assert explain_call_in_out(None).text == ""


def test_call_in_out_described_for_a_sheet() -> None:
    meanings = "inbound/outbound/IVR outbound/campaign outbound"
    assert describe_call_in_out(0) == f"undocumented code 0 ({meanings})"
    assert describe_call_in_out(" 2 ") == f"undocumented code 2 ({meanings})"
    assert describe_call_in_out("x7") == f"undocumented code x7 ({meanings})"
    assert describe_call_in_out(65535) == describe_call_in_out("-1") == "not used"
    assert describe_call_in_out(None) == describe_call_in_out(" ") == ""
    assert meanings in explain_call_in_out(1).generic  # the tooltip's text, in one place


# --------------------------------------------------------------------------------------------
# describe_codes
# --------------------------------------------------------------------------------------------


def test_describe_codes_logout() -> None:
    text = describe_codes(0, 257, 65535)
    assert "Operation type 0: Logout" in text
    assert OP_TYPES[0].description in text
    assert "Forced out by a QC inspector" in text
    assert "not used" in text
    flat = " ".join(text.split())
    for _low, _high, phrase in SEED_REASONS[0]:
        assert phrase in flat
    assert "1-255" in text
    assert not text.endswith("\n")


def test_describe_codes_flags_and_notes() -> None:
    assert "not normally billed" in describe_codes(5).lower()
    assert "not normally billed" not in describe_codes(58).lower()
    assert "text conversations only" in describe_codes(4).lower()
    text20 = describe_codes(20, 0, "4711")
    assert "work ID 4711" in text20
    assert "listening in to another agent" in text20.lower()


def test_describe_codes_with_site_label_and_unknowns() -> None:
    text = describe_codes(3, 201, labels={(3, 201): "Team meeting"})
    assert "Team meeting" in text and "defined by the service side" in text
    assert "200-250" in text
    assert "unknown reason 6" in describe_codes(3, 6)
    unknown = describe_codes(99, 1, 2)
    assert "unknown operation type 99" in unknown
    assert "unknown reason 1" in unknown


def test_describe_codes_free_reason_lists_site_range() -> None:
    text = describe_codes("26", "5", "0012", labels={(26, 5): "Lunch"})
    assert "Rest" in text and "Lunch" in text and "work ID 0012" in text
    assert "0-255" in text


# --------------------------------------------------------------------------------------------
# Never raise
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", GARBAGE, ids=lambda v: type(v).__name__)
def test_explain_functions_never_raise(value: object) -> None:
    assert isinstance(explain_op_type(value), Explanation)
    assert isinstance(explain_media_type(value), Explanation)
    assert isinstance(explain_agent_type(value), Explanation)
    assert isinstance(explain_call_in_out(value), Explanation)
    assert isinstance(describe_call_in_out(value), str)
    for op in (value, 0, 3, 20, 26, 27, 99):
        assert isinstance(explain_reason(op, value), Explanation)
        assert isinstance(explain_reason(op, value, {(3, 201): "x"}), Explanation)
        assert isinstance(explain_object(op, value), Explanation)
        assert isinstance(describe_codes(op, value, value), str)
    assert isinstance(explain_reason(value, 1), Explanation)
    assert len(explain_reason(3, value).text) < 80


def test_broken_labels_mapping_does_not_raise() -> None:
    class Broken(dict[tuple[int, int], str]):
        def get(self, key: object, default: object = None) -> str:  # type: ignore[override]
            raise RuntimeError("boom")

    broken = Broken({(3, 201): "x"})
    assert explain_reason(3, 201, broken).text == explain_reason(3, 201).text


def test_hostile_str_does_not_raise() -> None:
    class Hostile:
        def __str__(self) -> str:
            raise ValueError("no")

    assert not explain_reason(3, Hostile()).known
    assert not explain_op_type(Hostile()).known
