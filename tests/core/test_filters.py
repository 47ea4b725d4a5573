"""Tests of the filter model (viewer.core.filters)."""

from __future__ import annotations

import json

import pytest

from viewer.core.filters import (
    SORTABLE_COLUMNS,
    BillFilter,
    parse_reason,
    parse_user_time,
    shift_time,
)
from viewer.core.records import TIME_LABEL

FULL = BillFilter(
    agents=("0107", "2231"),
    exclude_agents=("9999",),
    op_types=(3, 60),
    exclude_op_types=(27,),
    reasons=((3, 201), (0, None)),
    exclude_reasons=((60, 1),),
    time_from="2026-11-02 08:00:00",
    time_to="2026-11-03 00:00:00",
    call_id="1793577688-34",
    skill="101",
    media_types=(5, 53),
    text="10.12",
    sort="duration",
    descending=True,
    ids=(4, 2, 9),
)


def test_empty_filter() -> None:
    f = BillFilter()
    assert f.is_empty
    assert f.describe() == "All bills, sorted by begin ascending."
    assert BillFilter(sort="agent_id", descending=True).is_empty
    assert not BillFilter(agents=("0107",)).is_empty


def test_restriction_and_cleared() -> None:
    assert FULL.restriction().sort == "begin_time"
    assert not FULL.restriction().descending
    assert FULL.restriction().agents == FULL.agents
    cleared = FULL.cleared()
    assert cleared.is_empty
    assert (cleared.sort, cleared.descending) == ("duration", True)


def test_describe_names_every_restriction() -> None:
    text = FULL.describe()
    for part in (
        "3 selected bill(s)",
        "agent 0107, 2231",
        "agent not 9999",
        "operation 60 or reason 3:201, 0:not used",
        "operation not 27",
        "reason not 60:1",
        "begin from 2026-11-02 08:00:00 to before 2026-11-03 00:00:00",
        TIME_LABEL,
        "call ID 1793577688-34",
        "skill 101",
        "media type 5, 53",
        "text containing '10.12'",
        "sorted by duration descending",
    ):
        assert part in text, part
    assert text.startswith("Bills with ")
    assert text.endswith(".")


def test_a_reason_narrows_its_own_type_only() -> None:
    f = BillFilter(op_types=(3, 26, 27), reasons=((3, 201), (27, 0)))
    assert f.whole_op_types() == (26,)
    assert "operation 26 or reason 3:201, 27:0" in f.describe()
    assert "reason 3:201" in BillFilter(reasons=((3, 201),)).describe()
    assert "operation 3," not in BillFilter(op_types=(3,), reasons=((3, 201),)).describe()


def test_describe_with_labels_and_one_sided_times() -> None:
    f = BillFilter(op_types=(3, 26), reasons=((3, 201),), time_from="2026-11-02 08:00:00")
    text = f.describe(op_label=lambda t: f"type-{t}", reason_label=lambda t, c: f"reason-{t}-{c}")
    assert "operation type-26 or reason reason-3-201" in text
    assert "begin at or after 2026-11-02 08:00:00" in text
    assert "begin before 2026-11-03" in BillFilter(time_to="2026-11-03 00:00:00").describe()


def test_describe_shortens_long_lists() -> None:
    f = BillFilter(agents=tuple(str(i) for i in range(12)))
    assert "0, 1, 2, 3, 4, 5, 6, 7 and 4 more" in f.describe()


def test_json_round_trip() -> None:
    text = FULL.to_json()
    assert BillFilter.from_json(text) == FULL
    data = json.loads(text)
    assert data["reasons"] == [[3, 201], [0, None]]
    assert data["agents"] == ["0107", "2231"]  # agent numbers stay text
    assert BillFilter.from_json(BillFilter().to_json()) == BillFilter()
    assert json.loads(text) == FULL.to_dict()


def test_from_dict_ignores_unknown_keys_and_coerces() -> None:
    f = BillFilter.from_dict(
        {"agents": [107], "op_types": ["3"], "reasons": [["3", "201"]], "future_option": 1}
    )
    assert f == BillFilter(agents=("107",), op_types=(3,), reasons=((3, 201),))


@pytest.mark.parametrize("sort", SORTABLE_COLUMNS)
def test_every_sortable_column_is_accepted(sort: str) -> None:
    assert BillFilter(sort=sort).sort == sort
    assert BillFilter.from_json(BillFilter(sort=sort, descending=True).to_json()).sort == sort


def test_unknown_sort_column_is_refused() -> None:
    with pytest.raises(ValueError, match="cannot sort by 'colour'"):
        BillFilter(sort="colour")
    with pytest.raises(ValueError, match="cannot sort"):
        BillFilter.from_json('{"sort": "colour"}')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02", "2026-11-02 00:00:00"),
        ("2026-11-02 08:05", "2026-11-02 08:05:00"),
        ("2026-11-02 08:05:10", "2026-11-02 08:05:10"),
        ("2026-11-02T8:05:10", "2026-11-02 08:05:10"),
        ("  2026-1-2 8:05  ", "2026-01-02 08:05:00"),
        ("2028-02-29", "2028-02-29 00:00:00"),
    ],
)
def test_parse_user_time(text: str, expected: str) -> None:
    assert parse_user_time(text) == expected


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2026/11/02", "2026-11-02 8", "2026-02-30", "2026-11-02 24:00"]
)
def test_parse_user_time_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="invalid time"):
        parse_user_time(text)


def test_shift_time() -> None:
    assert shift_time("2026-11-02 23:59:30", 45) == "2026-11-03 00:00:15"
    assert shift_time("2026-11-02 00:00:10", -20) == "2026-11-01 23:59:50"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3:201", (3, 201)),
        ("0:258", (0, 258)),
        ("27:0", (27, 0)),
        ("0:-", (0, None)),
        ("0:not-used", (0, None)),
        ("0:NOT-USED", (0, None)),
        ("38:65535", (38, None)),
        ("38:-1", (38, None)),
    ],
)
def test_parse_reason(text: str, expected: tuple[int, int | None]) -> None:
    assert parse_reason(text) == expected


@pytest.mark.parametrize("text", ["3", "3-201", "x:1", "3:abc", ":1", ""])
def test_parse_reason_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="TYPE:CODE"):
        parse_reason(text)
