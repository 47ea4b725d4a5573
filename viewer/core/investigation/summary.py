"""Time per state per agent over a period, with a total row, drill-down and tables.

Intervals are clipped to ``[start, end)``. Signed-in and conversation time are the length of the
union of the clipped intervals (overlaps count once); busy, rest, working and study are sums (busy
and rest by reason). A conversation counts when it overlaps the period, a forced event when it
begins in it, an anomaly when it touches it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

from viewer.core import codes
from viewer.core.i18n import QT_TRANSLATE_NOOP, translate
from viewer.core.investigation.model import (
    BUSY_REST_LABEL,
    BUSY_REST_REASON,
    Anomaly,
    StateKind,
    _touches,
)
from viewer.core.investigation.moments import AgentStates
from viewer.core.timefmt import format_duration, from_epoch

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
            "busy_by_reason": {reason_key(r): s for r, s in sorted_reasons(self.busy)},
            "rest": self.rest_total,
            "rest_by_reason": {reason_key(r): s for r, s in sorted_reasons(self.rest)},
            "work": self.work,
            "study": self.study,
            "forced": self.forced,
            "anomalies": self.anomalies,
        }


def reason_key(reason: int | None) -> str:
    """A reason code as a JSON key and a short column title ("" for "not used")."""
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
        agents = [self.states[agent]] if agent is not None else list(self.states.values())
        return cell_bill_pks(cell_items(agents, figure, reason, self.start, self.end))


def cell_items(
    states: Iterable[AgentStates],
    figure: str,
    reason: Any = ALL_REASONS,
    lo: int | None = None,
    hi: int | None = None,
) -> list[tuple[int, tuple[int, ...]]]:
    """``(start, bill_pks)`` of what one summary cell counts over ``[lo, hi)``, agent by agent.

    What :meth:`Summary.bill_pks` is made of; a caller streaming agents collects these (two
    values per interval counted, not the states) and hands them to :func:`cell_bill_pks`.

    Raises:
        ValueError: an unknown figure.
    """
    if figure not in FIGURES:
        raise ValueError(f"unknown figure {figure!r}; choose from {', '.join(FIGURES)}")
    out: list[tuple[int, tuple[int, ...]]] = []
    if figure == "anomalies":
        for st in states:
            out.extend((a.start, a.bill_pks) for a in st.anomalies if a.touches(lo, hi))
        return out
    kind = _FIGURE_KINDS[figure]
    for st in states:
        for iv in st.intervals:
            if iv.kind is not kind or (reason is not ALL_REASONS and iv.reason != reason):
                continue
            if kind is StateKind.FORCED:
                ok = (lo is None or iv.start >= lo) and (hi is None or iv.start < hi)
            else:
                ok = _touches(iv.start, iv.end, lo, hi)
            if ok:
                out.append((iv.start, iv.bill_pks))
    return out


def cell_bill_pks(items: list[tuple[int, tuple[int, ...]]]) -> list[int]:
    """The row keys of :func:`cell_items` in time order (stable: agent order within a time)."""
    items.sort(key=itemgetter(0))
    return list(dict.fromkeys(pk for _, pks in items for pk in pks))


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
                text = codes.not_used_text()
            elif op_type == 3 and r == BUSY_REST_REASON:
                text = translate("State", BUSY_REST_LABEL)
            else:
                text = codes.explain_reason(op_type, r, labels).text
            reason_labels[(kind, r)] = text
    return Summary(start, end, rows, total, busy_reasons, rest_reasons, reason_labels, kept)


# --------------------------------------------------------------------------------------------
# Tables (the window, the command line, the export's sheets)
# --------------------------------------------------------------------------------------------

DURATION_FIGURES = frozenset({"signed_in", "conversation", "busy", "rest", "work", "study"})
"""Figures that are durations in seconds (the others are counts)."""


class SummaryColumn(NamedTuple):
    """One column of the summary table: the one definition the window, CLI and export render.

    Attributes:
        title: The column's title, e.g. "Signed in", "Busy: Lunch [2]", "Forced events".
        figure: A :data:`FIGURES` name; None for the agent column.
        reason: For "busy" and "rest": one reason code (None = not used), or
            :data:`ALL_REASONS` for the column of every reason.
    """

    title: str
    figure: str | None
    reason: Any = ALL_REASONS

    @property
    def is_duration(self) -> bool:
        """Whether the cells are durations in seconds (else counts or the agent)."""
        return self.figure in DURATION_FIGURES


_COLUMN_TITLES: tuple[tuple[str | None, str], ...] = (
    (None, QT_TRANSLATE_NOOP("Summary", "Agent")),
    ("signed_in", QT_TRANSLATE_NOOP("Summary", "Signed in")),
    ("conversation", QT_TRANSLATE_NOOP("Summary", "In conversation")),
    ("conversations", QT_TRANSLATE_NOOP("Summary", "Conversations")),
    ("busy", QT_TRANSLATE_NOOP("Summary", "Busy")),
    ("rest", QT_TRANSLATE_NOOP("Summary", "Rest")),
    ("work", QT_TRANSLATE_NOOP("Summary", "Working")),
    ("study", QT_TRANSLATE_NOOP("Summary", "Study")),
    ("forced", QT_TRANSLATE_NOOP("Summary", "Forced events")),
    ("anomalies", QT_TRANSLATE_NOOP("Summary", "Anomalies")),
)
"""The summary's columns in order, each figure with its title (reason columns follow busy/rest)."""


def summary_columns(summary: Summary, *, by_reason: bool = True) -> list[SummaryColumn]:
    """The summary table's columns, in order.

    Args:
        summary: What :func:`summarise` returned (its reasons give the reason columns).
        by_reason: Add one column per busy and per rest reason after the busy and rest totals.
    """
    out: list[SummaryColumn] = []
    for figure, title in _COLUMN_TITLES:
        out.append(SummaryColumn(translate("Summary", title), figure))
        if by_reason and figure in ("busy", "rest"):
            kind = StateKind.BUSY if figure == "busy" else StateKind.REST
            reasons = summary.busy_reasons if figure == "busy" else summary.rest_reasons
            out.extend(SummaryColumn(_reason_title(summary, kind, r), figure, r) for r in reasons)
    return out


def summary_value(row: SummaryRow, column: SummaryColumn) -> Any:
    """One cell: the agent ("Total" on the total row), seconds, or a count."""
    figure, reason = column.figure, column.reason
    if figure is None:
        return translate("Summary", "Total") if row.is_total else row.agent
    if figure in ("busy", "rest"):
        by = row.busy if figure == "busy" else row.rest
        return sum(by.values()) if reason is ALL_REASONS else by.get(reason, 0)
    return int(getattr(row, figure))


def _reason_title(summary: Summary, kind: StateKind, reason: int | None) -> str:
    """A reason column's title, e.g. "Busy: Set busy by the agent [1]", "Busy 4 (rest)"."""
    label = summary.reason_label(kind, reason)
    if kind is StateKind.BUSY and reason == BUSY_REST_REASON:
        return label
    with_code = translate("Codes", "{label} (code {code})").format(label="", code=reason)
    code = "" if reason is None or label.endswith(with_code) else f" [{reason}]"
    return translate("State", "{state}: {reason}").format(state=kind.title, reason=label) + code


def summary_table(
    summary: Summary, *, durations_as_text: bool = True, by_reason: bool = True
) -> tuple[list[str], list[list[Any]]]:
    """The summary as a header and rows (agents, then the total row), from :func:`summary_columns`.

    Args:
        summary: What :func:`summarise` returned.
        durations_as_text: ``h:mm:ss`` text (True) or whole seconds (False).
        by_reason: One column per busy and rest reason (the export), or the totals only.

    Returns:
        ``(header, rows)``; the total row's agent cell is "Total".
    """
    columns = summary_columns(summary, by_reason=by_reason)
    rows = [
        [
            format_duration(v) if durations_as_text and c.is_duration else v
            for c in columns
            for v in (summary_value(row, c),)
        ]
        for row in [*summary.rows, summary.total]
    ]
    return [c.title for c in columns], rows


ANOMALY_HEADER: tuple[str, ...] = (
    QT_TRANSLATE_NOOP("Summary", "Agent"),
    QT_TRANSLATE_NOOP("Summary", "Anomaly"),
    QT_TRANSLATE_NOOP("Summary", "Begin"),
    QT_TRANSLATE_NOOP("Summary", "End"),
    QT_TRANSLATE_NOOP("Summary", "Duration"),
    QT_TRANSLATE_NOOP("Summary", "Details"),
)
"""Columns of :func:`anomaly_table` (before the bills column the caller adds), English sources;
:func:`anomaly_header` gives them in the current language."""


def anomaly_header() -> list[str]:
    """:data:`ANOMALY_HEADER` in the current language."""
    return [translate("Summary", title) for title in ANOMALY_HEADER]


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
    return [*anomaly_header(), translate("Summary", "Bills (row keys)")], rows
