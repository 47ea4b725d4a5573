"""Each filter criterion defined once: which ``BillFilter`` fields it reads, its sentence, its test.

A criterion gives, side by side (as datasette's ``filters.py`` gives each filter its SQL template
and its human template), the plain words ``BillFilter.describe`` joins into a sentence and a
declarative predicate over the stored bill columns. The predicates are plain values (no
SQLAlchemy here): ``viewer.data.criteria`` translates each kind once into SQL, so a new filter is
one entry in :data:`CRITERIA` and can have neither its sentence nor its SQL missing.

Criteria are listed in the order their words appear in the sentence and their clauses in the SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from viewer.core.i18n import QT_TRANSLATE_NOOP, translate
from viewer.core.records import TIME_LABEL
from viewer.core.timefmt import to_epoch

if TYPE_CHECKING:
    from viewer.core.filters import BillFilter

# --- predicates: what the data layer turns into SQL ---------------------------------------------


@dataclass(frozen=True)
class OneOf:
    """``column`` equals one of ``values`` (SQL ``IN``; a NULL never matches)."""

    column: str
    values: tuple[object, ...]


@dataclass(frozen=True)
class Equals:
    """``column`` equals ``value``."""

    column: str
    value: object


@dataclass(frozen=True)
class AtLeast:
    """``column >= value``."""

    column: str
    value: object


@dataclass(frozen=True)
class Below:
    """``column < value``."""

    column: str
    value: object


@dataclass(frozen=True)
class AfterOrOpen:
    """``column > value`` or ``column`` is NULL (a bill not ended is still going on)."""

    column: str
    value: object


@dataclass(frozen=True)
class Contains:
    """Any of ``columns`` contains ``text`` (SQL ``LIKE``, the text's wildcards escaped)."""

    columns: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class ReasonIs:
    """The bill's ``(op_type, op_cause)`` is this reason.

    A cause of None is the "not used" marker (65535, -1, empty or ``US_NO_USE`` kept as
    written), never a reason kept as written.
    """

    op_type: int
    cause: int | None


@dataclass(frozen=True)
class AnyOf:
    """At least one of ``parts`` holds."""

    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class AllOf:
    """Every one of ``parts`` holds."""

    parts: tuple[Predicate, ...]


@dataclass(frozen=True)
class Not:
    """``part`` does not hold (SQL ``NOT``: a NULL comparison stays unknown and excludes)."""

    part: Predicate


Predicate: TypeAlias = (
    OneOf | Equals | AtLeast | Below | AfterOrOpen | Contains | ReasonIs | AnyOf | AllOf | Not
)
"""A test of a stored bill, by database column names (``viewer.data.schema.bill``)."""

# --- sentences -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Names:
    """How a sentence names codes and times.

    Attributes:
        op: Names an operation type (default: its number).
        reason: Names a reason of a type (default: ``TYPE:CODE``, "not used" for the marker).
        time_label: How the times are qualified (the data's zone where a user named it).
    """

    op: Callable[[int], str] = str
    reason: Callable[[int, int | None], str] = lambda t, c: (
        f"{t}:{translate('Codes', 'not used') if c is None else c}"
    )
    time_label: str = TIME_LABEL


def fmt_list(values: Iterable[str], limit: int = 8) -> str:
    """``a, b, c`` with at most ``limit`` items, then ``and N more``."""
    items = list(values)
    comma = translate("Filter", ", ")
    if len(items) > limit:
        more = translate("Filter", "{shown} and {count} more")
        return more.format(shown=comma.join(items[:limit]), count=len(items) - limit)
    return comma.join(items)


# --- the criteria --------------------------------------------------------------------------------

TEXT_COLUMNS: tuple[str, ...] = (
    "bill_id",
    "agent_id",
    "call_id",
    "phone_no",
    "op_object",
    "skill_id",
    "logon_sn",
    "account_id",
    "developer_id",
)
"""Columns searched by the free-text filter."""


@dataclass(frozen=True)
class Criterion:
    """One filter criterion: the fields it reads, its words and its predicate.

    Both ``sentence`` and ``predicate`` return None when the filter leaves the criterion unset.

    Attributes:
        name: Short name (``where_clause(f, only=...)`` picks criteria by it).
        fields: The ``BillFilter`` fields it reads.
        sentence: The words for the filter's sentence, e.g. ``agent 0107, 2231``.
        predicate: Which bills match.
    """

    name: str
    fields: tuple[str, ...]
    sentence: Callable[[BillFilter, Names], str | None]
    predicate: Callable[[BillFilter], Predicate | None]


def _words(words: str, values: str) -> str:
    """A criterion's words (English source, translated now) followed by its values."""
    return translate("Filter", "{words} {values}").format(
        words=translate("Filter", words), values=values
    )


def _one_of(name: str, column: str, words: str, show: Callable[[object], str] = str) -> Criterion:
    """A list field matched with ``IN``: ``words`` then the listed values."""
    return Criterion(
        name,
        (name,),
        lambda f, n: (
            _words(words, fmt_list(show(v) for v in getattr(f, name))) if getattr(f, name) else None
        ),
        lambda f: OneOf(column, tuple(getattr(f, name))) if getattr(f, name) else None,
    )


def _none_of(name: str, column: str, words: str, show: Callable[[object], str] = str) -> Criterion:
    """A list field matched with ``NOT IN``."""
    return Criterion(
        name,
        (name,),
        lambda f, n: (
            _words(words, fmt_list(show(v) for v in getattr(f, name))) if getattr(f, name) else None
        ),
        lambda f: Not(OneOf(column, tuple(getattr(f, name)))) if getattr(f, name) else None,
    )


def _equals(name: str, column: str, words: str) -> Criterion:
    """A single value matched exactly."""
    return Criterion(
        name,
        (name,),
        lambda f, n: _words(words, str(getattr(f, name))) if getattr(f, name) else None,
        lambda f: Equals(column, getattr(f, name)) if getattr(f, name) else None,
    )


def _types_sentence(f: BillFilter, n: Names) -> str | None:
    whole = f.whole_op_types()
    if whole and f.reasons:
        return translate("Filter", "operation {types} or reason {reasons}").format(
            types=fmt_list(n.op(t) for t in whole),
            reasons=fmt_list(n.reason(t, c) for t, c in f.reasons),
        )
    if whole:
        return _words(QT_TRANSLATE_NOOP("Filter", "operation"), fmt_list(n.op(t) for t in whole))
    if f.reasons:
        reasons = fmt_list(n.reason(t, c) for t, c in f.reasons)
        return _words(QT_TRANSLATE_NOOP("Filter", "reason"), reasons)
    return None


def _types_predicate(f: BillFilter) -> Predicate | None:
    # A reason narrows its own operation type; types without a chosen reason stay whole
    # ("rest, or busy with reason 201"), so ticking a reason never hides another type.
    whole = f.whole_op_types()
    alternatives: list[Predicate] = []
    if whole:
        alternatives.append(OneOf("op_type", whole))
    if f.reasons:
        alternatives.append(AnyOf(tuple(ReasonIs(t, c) for t, c in f.reasons)))
    if not alternatives:
        return None
    return alternatives[0] if len(alternatives) == 1 else AnyOf(tuple(alternatives))


def _time_sentence(f: BillFilter, n: Names) -> str | None:
    # The default label is the English source; a zone's label comes translated already.
    times = translate("Filter", "times {label}").format(label=translate("Time", n.time_label))
    start, end = f.time_from, f.time_to
    if f.overlapping and start and end:
        text = translate(
            "Filter",
            "going on between {start} and {end} (began before {end}, ended after {start} or "
            "not ended), {times}",
        )
    elif f.overlapping and start:
        text = translate("Filter", "going on after {start} (ended after it or not ended), {times}")
    elif start and end:
        text = translate("Filter", "begin from {start} to before {end}, {times}")
    elif start:
        text = translate("Filter", "begin at or after {start}, {times}")
    elif end:  # overlapping or not: a bill going on before the end began before it
        text = translate("Filter", "begin before {end}, {times}")
    else:
        return None
    return text.format(start=start, end=end, times=times)


def _time_predicate(f: BillFilter) -> Predicate | None:
    parts: list[Predicate] = []
    if f.time_from and f.overlapping:
        # Going on after the start: ended after it, or not ended (open). No lower bound on
        # begin_time: a bill may last any time, so none can be derived from the filter alone;
        # the index on begin_time still serves the upper bound below.
        parts.append(AfterOrOpen("end_time", to_epoch(f.time_from)))
    elif f.time_from:
        parts.append(AtLeast("begin_time", to_epoch(f.time_from)))
    if f.time_to:
        parts.append(Below("begin_time", to_epoch(f.time_to)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "ids",
        ("ids",),
        lambda f, n: (
            translate("Filter", "{count} selected bill(s)").format(count=len(f.ids))
            if f.ids
            else None
        ),
        lambda f: OneOf("pk", tuple(f.ids)) if f.ids else None,
    ),
    _one_of("agents", "agent_id", QT_TRANSLATE_NOOP("Filter", "agent")),
    _none_of("exclude_agents", "agent_id", QT_TRANSLATE_NOOP("Filter", "agent not")),
    Criterion("op_types", ("op_types", "reasons"), _types_sentence, _types_predicate),
    Criterion(
        "exclude_op_types",
        ("exclude_op_types",),
        lambda f, n: (
            _words(
                QT_TRANSLATE_NOOP("Filter", "operation not"),
                fmt_list(n.op(t) for t in f.exclude_op_types),
            )
            if f.exclude_op_types
            else None
        ),
        lambda f: Not(OneOf("op_type", f.exclude_op_types)) if f.exclude_op_types else None,
    ),
    Criterion(
        "exclude_reasons",
        ("exclude_reasons",),
        lambda f, n: (
            _words(
                QT_TRANSLATE_NOOP("Filter", "reason not"),
                fmt_list(n.reason(t, c) for t, c in f.exclude_reasons),
            )
            if f.exclude_reasons
            else None
        ),
        lambda f: (
            Not(AnyOf(tuple(ReasonIs(t, c) for t, c in f.exclude_reasons)))
            if f.exclude_reasons
            else None
        ),
    ),
    Criterion("time", ("time_from", "time_to", "overlapping"), _time_sentence, _time_predicate),
    _equals("call_id", "call_id", QT_TRANSLATE_NOOP("Filter", "call ID")),
    _equals("skill", "skill_id", QT_TRANSLATE_NOOP("Filter", "skill")),
    _one_of("media_types", "media_type", QT_TRANSLATE_NOOP("Filter", "media type")),
    Criterion(
        "text",
        ("text",),
        lambda f, n: (
            translate("Filter", "text containing {text}").format(text=repr(f.text))
            if f.text
            else None
        ),
        lambda f: Contains(TEXT_COLUMNS, f.text) if f.text else None,
    ),
)
"""Every criterion of ``BillFilter``, in sentence order."""

ORDER_FIELDS: tuple[str, ...] = ("sort", "descending")
"""The ``BillFilter`` fields that order the bills instead of choosing them."""


def sentence_parts(f: BillFilter, names: Names | None = None) -> list[str]:
    """The words of every criterion the filter sets, in order."""
    n = names or Names()
    return [p for c in CRITERIA if (p := c.sentence(f, n)) is not None]


def predicates(f: BillFilter, only: Iterable[str] | None = None) -> list[Predicate]:
    """The predicates of every criterion the filter sets (of the ``only`` named ones if given)."""
    chosen = None if only is None else set(only)
    return [
        p
        for c in CRITERIA
        if chosen is None or c.name in chosen
        if (p := c.predicate(f)) is not None
    ]
