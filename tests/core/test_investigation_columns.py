"""The summary's columns are defined once (core) and every table renders from them."""

from __future__ import annotations

from viewer.core.investigation import (
    ALL_REASONS,
    Summary,
    SummaryRow,
    reason_key,
    summary_columns,
    summary_table,
    summary_value,
)
from viewer.core.investigation.model import StateKind


def _summary() -> Summary:
    """Two agents with hand-picked figures; the total row is their sum, written out."""
    a = SummaryRow("A", 3600, 600, 2, {None: 30, 1: 60}, {2: 120}, 45, 15, 1, 3)
    b = SummaryRow("B", 1800, 0, 0, {1: 40}, {}, 0, 0, 0, 1)
    total = SummaryRow("", 5400, 600, 2, {None: 30, 1: 100}, {2: 120}, 45, 15, 1, 4)
    labels = {
        (StateKind.BUSY, None): "not used",
        (StateKind.BUSY, 1): "Set busy by the agent",
        (StateKind.REST, 2): "Lunch",
    }
    return Summary(None, None, [a, b], total, [None, 1], [2], labels)


def test_columns_in_order_with_one_column_per_reason() -> None:
    titles = [c.title for c in summary_columns(_summary())]
    assert titles == [
        "Agent",
        "Signed in",
        "In conversation",
        "Conversations",
        "Busy",
        "Busy: not used",
        "Busy: Set busy by the agent [1]",
        "Rest",
        "Rest: Lunch [2]",
        "Working",
        "Study",
        "Forced events",
        "Anomalies",
    ]
    short = [c.title for c in summary_columns(_summary(), by_reason=False)]
    assert short == [t for t in titles if ":" not in t]


def test_values_are_the_rows_figures() -> None:
    s = _summary()
    cols = summary_columns(s)
    a = [summary_value(s.rows[0], c) for c in cols]
    assert a == ["A", 3600, 600, 2, 90, 30, 60, 120, 120, 45, 15, 1, 3]
    total = [summary_value(s.total, c) for c in cols]
    assert total[0] == "Total" and total[4] == 130
    assert [c.is_duration for c in cols] == [
        False,
        True,
        True,
        False,
        True,
        True,
        True,
        True,
        True,
        True,
        True,
        False,
        False,
    ]
    assert all(c.reason is ALL_REASONS for c in cols if ":" not in c.title)


def test_summary_table_renders_the_columns() -> None:
    s = _summary()
    header, rows = summary_table(s)
    assert header == [c.title for c in summary_columns(s)]
    assert rows[0] == [
        "A",
        "1:00:00",
        "0:10:00",
        2,
        "0:01:30",
        "0:00:30",
        "0:01:00",
        "0:02:00",
        "0:02:00",
        "0:00:45",
        "0:00:15",
        1,
        3,
    ]
    short_header, short_rows = summary_table(s, durations_as_text=False, by_reason=False)
    assert short_header[-2:] == ["Forced events", "Anomalies"]
    assert short_rows[1] == ["B", 1800, 0, 0, 40, 0, 0, 0, 0, 1]


def test_reason_key_is_the_code_as_text() -> None:
    assert [reason_key(r) for r in (None, 0, 4, 201)] == ["", "0", "4", "201"]
    assert set(_summary().rows[0].as_dict()["busy_by_reason"]) == {"", "1"}
