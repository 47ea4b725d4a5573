"""The filter model shared by the window, the command line and the exporter.

A ``BillFilter`` is a frozen value: the GUI builds one from its widgets, the command line from its
options; each of its criteria is defined once in ``viewer.core.criteria``, which gives both the
words of ``describe()`` (the plain sentence the status bar and the export's report sheet show) and
the predicate ``viewer.data.criteria`` turns into SQL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime

from viewer.core.criteria import Names, sentence_parts
from viewer.core.i18n import translate
from viewer.core.records import COLUMN_TITLES, TIME_LABEL
from viewer.core.timefmt import TIME_MAX, TIME_MIN, format_time, from_epoch, to_epoch

Reason = tuple[int, int | None]
"""``(op_type, cause)``; a cause of ``None`` means the "not used" marker (65535, -1, empty)."""

SORTABLE_COLUMNS: tuple[str, ...] = (
    "begin_time",
    "end_time",
    "duration",
    "agent_id",
    "op_type",
    "op_object",
    "op_cause",
    "call_id",
    "skill_id",
    "media_type",
    "phone_no",
    "logon_sn",
    "source",
    "id",
    "developer_id",
    "account_id",
    "service_no",
    "vdn_id",
    "cc_id",
    "agent_type",
    "callIn_out",
    "location_id",
    "skillInfo_sn",
)
"""Columns a filter may sort by (names as in the export, plus ``duration`` and ``source``)."""

_TIME_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


def parse_user_time(text: str) -> str:
    """Parse ``YYYY-MM-DD[ HH:MM[:SS]]`` typed by a user into the stored ``YYYY-MM-DD hh:mm:ss``.

    Raises:
        ValueError: with a message naming the expected format.
    """
    m = _TIME_RE.match(text.strip())
    if not m:
        said = translate("Filter", "invalid time {text}: expected YYYY-MM-DD[ HH:MM[:SS]]")
        raise ValueError(said.format(text=repr(text)))
    parts = [int(p) if p else 0 for p in m.groups()]
    try:
        dt = datetime(*parts)  # type: ignore[misc]
    except ValueError as exc:
        said = translate("Filter", "invalid time {text}: {error}")
        raise ValueError(said.format(text=repr(text), error=exc)) from None
    return format_time(dt)


def shift_time(stored: str, seconds: float) -> str:
    """Return a stored time moved by ``seconds`` (used by the "around a bill" preset).

    Kept within the range bills can have (``viewer.core.timefmt.TIME_MIN_TEXT`` to
    ``TIME_MAX_TEXT``): an hour after 9999-12-31 23:30 is no date.
    """
    moved = to_epoch(stored) + int(seconds)
    return from_epoch(min(max(moved, TIME_MIN), TIME_MAX))


@dataclass(frozen=True)
class BillFilter:
    """Which bills to show and in which order. Empty fields do not restrict.

    Inclusion lists and exclusion lists combine: a bill must match every non-empty inclusion list
    and no exclusion list, except that operation types and reasons form one list: a chosen
    reason narrows its own type (see ``whole_op_types``). Times are stored-form strings;
    ``time_from`` is inclusive and ``time_to`` exclusive, both compared with ``begin_time``.
    """

    agents: tuple[str, ...] = ()
    exclude_agents: tuple[str, ...] = ()
    op_types: tuple[int, ...] = ()
    exclude_op_types: tuple[int, ...] = ()
    reasons: tuple[Reason, ...] = ()
    exclude_reasons: tuple[Reason, ...] = ()
    time_from: str | None = None
    time_to: str | None = None
    call_id: str | None = None
    skill: str | None = None
    media_types: tuple[int, ...] = ()
    text: str | None = None
    sort: str = "begin_time"
    descending: bool = False
    ids: tuple[int, ...] = field(default=(), compare=True)
    """Explicit bill row keys (a drill-down from a timeline or a summary cell); empty: all."""
    overlapping: bool = False
    """Times select the bills going on in the window, not those beginning in it (see above)."""

    def __post_init__(self) -> None:
        if self.sort not in SORTABLE_COLUMNS:
            said = translate("Filter", "cannot sort by {sort}; choose one of {columns}")
            raise ValueError(said.format(sort=repr(self.sort), columns=", ".join(SORTABLE_COLUMNS)))

    def whole_op_types(self) -> tuple[int, ...]:
        """Included operation types with no chosen reason: every bill of these types matches.

        A chosen reason narrows its own type only, so ``op_types=(3, 26)`` with
        ``reasons=((3, 201),)`` selects rest bills and busy bills of reason 201.
        """
        narrowed = {t for t, _c in self.reasons}
        return tuple(t for t in self.op_types if t not in narrowed)

    @property
    def is_empty(self) -> bool:
        """True when the filter restricts nothing (sort order aside)."""
        return self.restriction() == BillFilter().restriction()

    def restriction(self) -> BillFilter:
        """The same filter with the default sort: what is selected, regardless of order.

        ``overlapping`` without a time restricts nothing, so it is dropped then.
        """
        overlapping = self.overlapping and bool(self.time_from or self.time_to)
        return replace(self, sort="begin_time", descending=False, overlapping=overlapping)

    def cleared(self) -> BillFilter:
        """A filter that restricts nothing but keeps this sort order."""
        return BillFilter(sort=self.sort, descending=self.descending)

    def describe(
        self,
        op_label: Callable[[int], str] | None = None,
        reason_label: Callable[[int, int | None], str] | None = None,
        time_label: str = TIME_LABEL,
    ) -> str:
        """The filter as one plain sentence, e.g. for the status bar and the export's report.

        Args:
            op_label: names an operation type (default: its number).
            reason_label: names a reason of a type (default: its number).
            time_label: how the times are qualified (the data's zone where a user named it).
        """
        names = Names(time_label=time_label)
        if op_label is not None:
            names = replace(names, op=op_label)
        if reason_label is not None:
            names = replace(names, reason=reason_label)
        parts = sentence_parts(self, names)
        if parts:
            head = translate("Filter", "Bills with {criteria}").format(
                criteria=translate("Filter", "; ").join(parts)
            )
        else:
            head = translate("Filter", "All bills")
        title = COLUMN_TITLES.get(self.sort)
        title = translate("Column", title).lower() if title else self.sort.replace("_", " ")
        if self.descending:
            sentence = translate("Filter", "{head}, sorted by {column} descending.")
        else:
            sentence = translate("Filter", "{head}, sorted by {column} ascending.")
        return sentence.format(head=head, column=title)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dict (machine-readable form for exports and saved filters)."""
        data = asdict(self)
        for key in ("reasons", "exclude_reasons"):
            data[key] = [list(r) for r in getattr(self, key)]
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in data.items()}

    def to_json(self) -> str:
        """``to_dict()`` as compact JSON with sorted keys."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> BillFilter:
        """Inverse of ``to_dict``; unknown keys are ignored so older saved filters still load."""
        known = {f for f in cls.__dataclass_fields__}
        kwargs: dict[str, object] = {}
        for key, value in data.items():
            if key not in known:
                continue
            if key in ("reasons", "exclude_reasons"):
                kwargs[key] = tuple((int(t), None if c is None else int(c)) for t, c in value)  # type: ignore[union-attr]
            elif key in ("op_types", "exclude_op_types", "media_types", "ids"):
                kwargs[key] = tuple(int(v) for v in value)  # type: ignore[union-attr]
            elif key in ("agents", "exclude_agents"):
                kwargs[key] = tuple(str(v) for v in value)  # type: ignore[union-attr]
            elif key in ("descending", "overlapping"):
                kwargs[key] = bool(value)
            else:
                kwargs[key] = value
        return cls(**kwargs)  # type: ignore[arg-type]

    @classmethod
    def from_json(cls, text: str) -> BillFilter:
        """Inverse of ``to_json``."""
        return cls.from_dict(json.loads(text))


def parse_reason(text: str) -> Reason:
    """Parse ``TYPE:CODE`` (``CODE`` may be ``-`` or ``not-used`` for the not-used marker)."""
    type_text, sep, code_text = text.partition(":")
    if not sep:
        said = translate("Filter", "invalid reason {text}: expected TYPE:CODE, e.g. 3:201")
        raise ValueError(said.format(text=repr(text)))
    try:
        op_type = int(type_text)
        code = (
            None
            if code_text.strip().lower() in ("-", "not-used", "65535", "-1")
            else int(code_text)
        )
    except ValueError:
        said = translate("Filter", "invalid reason {text}: expected TYPE:CODE, e.g. 3:201")
        raise ValueError(said.format(text=repr(text))) from None
    return op_type, code
