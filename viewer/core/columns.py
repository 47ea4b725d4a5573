"""The bill columns as users see them: titles, kinds and decoding, shared by table and export.

A row is a tuple in ``ROW_FIELDS`` order (what ``viewer.data.queries`` returns). Each ``Column``
knows how to take its raw value from such a row and, for code columns, how to explain it, so the
window and the spreadsheet always agree on what a column means.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from viewer.core import codes
from viewer.core.codes import Explanation, VerbatimCode
from viewer.core.i18n import QT_TRANSLATE_NOOP, translate
from viewer.core.records import COLUMN_TITLES, COLUMNS

DB_FIELDS: tuple[str, ...] = tuple(
    {"id": "bill_id", "callIn_out": "call_in_out", "skillInfo_sn": "skill_info_sn"}.get(c, c)
    for c in COLUMNS
)
"""The 21 export fields by their database column names, in file order."""

ROW_FIELDS: tuple[str, ...] = ("pk", *DB_FIELDS, "source_id", "line", "extra", "raw_codes")
"""Fields of a bill row tuple as the data layer returns it."""

CODE_FIELDS: tuple[str, ...] = ("op_type", "op_cause", "media_type", "agent_type", "call_in_out")
"""The integer code fields (database names). A code whose exported text is not a plain integer
(``viewer.core.codes.plain_code``) is stored as NULL there, its text in ``raw_codes``."""

IDX: Mapping[str, int] = {name: i for i, name in enumerate(ROW_FIELDS)}
"""Position of each field in a row tuple."""

Labels = Mapping[tuple[int, int], str]
Row = Sequence[Any]

_RAW_CODES = len(ROW_FIELDS) - 1


def verbatim_codes(row: Row) -> dict[str, str]:
    """The codes of a row kept verbatim, by database field name (empty for almost every bill)."""
    text = row[_RAW_CODES] if len(row) > _RAW_CODES else None
    if not text:
        return {}
    try:
        found = json.loads(text)
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def code_value(row: Row, field: str) -> Any:
    """A code field's value: the stored integer, or its verbatim text (a ``VerbatimCode``)."""
    value = row[IDX[field]]
    if value is None and len(row) > _RAW_CODES and row[_RAW_CODES]:
        text = verbatim_codes(row).get(field)
        if isinstance(text, str):
            return VerbatimCode(text)
    return value


TIME, DURATION, CODE, TEXT, SOURCE = "time", "duration", "code", "text", "source"


def _op_type(row: Row, _labels: Labels | None) -> Explanation:
    return codes.explain_op_type(code_value(row, "op_type"))


def _object(row: Row, _labels: Labels | None) -> Explanation:
    return codes.explain_object(code_value(row, "op_type"), row[IDX["op_object"]])


def _reason(row: Row, labels: Labels | None) -> Explanation:
    return codes.explain_reason(code_value(row, "op_type"), code_value(row, "op_cause"), labels)


def _media(row: Row, _labels: Labels | None) -> Explanation:
    return codes.explain_media_type(code_value(row, "media_type"))


def _agent_type(row: Row, _labels: Labels | None) -> Explanation:
    return codes.explain_agent_type(code_value(row, "agent_type"))


def _in_out(row: Row, _labels: Labels | None) -> Explanation:
    return codes.explain_call_in_out(code_value(row, "call_in_out"))


@dataclass(frozen=True)
class Column:
    """One user-facing column: where its value comes from and how it reads."""

    key: str
    """Stable name, used in settings, ``--columns`` and ``--sort``."""
    source_title: str
    """The title in English, as marked for translation (``title`` is what users read)."""
    kind: str
    field: str | None = None
    """The row field holding the raw value (None for derived columns)."""
    explain: Callable[[Row, Labels | None], Explanation] | None = None
    default_visible: bool = True

    @property
    def title(self) -> str:
        """The title in the current language, asked again whenever it is shown."""
        return translate("Column", self.source_title)

    def raw(self, row: Row) -> Any:
        """The stored value: seconds for times and durations, the exported code for codes.

        A code that is not a plain integer comes as its verbatim text (a ``VerbatimCode``).
        """
        if self.kind == DURATION:
            begin, end = row[IDX["begin_time"]], row[IDX["end_time"]]
            return None if end is None or end == "" else int(end) - int(begin)
        if self.kind == SOURCE:
            return row[IDX["source_id"]], row[IDX["line"]]
        assert self.field is not None
        if self.kind == CODE:
            return code_value(row, self.field)
        return row[IDX[self.field]]


_ALL: tuple[Column, ...] = (
    Column("begin_time", QT_TRANSLATE_NOOP("Column", "Begin"), TIME, "begin_time"),
    Column("end_time", QT_TRANSLATE_NOOP("Column", "End"), TIME, "end_time"),
    Column("duration", QT_TRANSLATE_NOOP("Column", "Duration"), DURATION),
    Column("agent_id", QT_TRANSLATE_NOOP("Column", "Agent"), TEXT, "agent_id"),
    Column("op_type", QT_TRANSLATE_NOOP("Column", "Operation"), CODE, "op_type", _op_type),
    Column("op_object", QT_TRANSLATE_NOOP("Column", "Object"), CODE, "op_object", _object),
    Column("op_cause", QT_TRANSLATE_NOOP("Column", "Reason"), CODE, "op_cause", _reason),
    Column("call_id", QT_TRANSLATE_NOOP("Column", "Call ID"), TEXT, "call_id"),
    Column("skill_id", QT_TRANSLATE_NOOP("Column", "Skill"), TEXT, "skill_id"),
    Column("media_type", QT_TRANSLATE_NOOP("Column", "Media type"), CODE, "media_type", _media),
    Column("phone_no", QT_TRANSLATE_NOOP("Column", "Phone/IP"), TEXT, "phone_no"),
    Column("logon_sn", QT_TRANSLATE_NOOP("Column", "Logon session"), TEXT, "logon_sn"),
    Column("source", QT_TRANSLATE_NOOP("Column", "Source file"), SOURCE),
    Column("id", COLUMN_TITLES["id"], TEXT, "bill_id", default_visible=False),
    Column(
        "agent_type",
        QT_TRANSLATE_NOOP("Column", "Agent type"),
        CODE,
        "agent_type",
        _agent_type,
        default_visible=False,
    ),
    Column(
        "callIn_out",
        QT_TRANSLATE_NOOP("Column", "In/out"),
        CODE,
        "call_in_out",
        _in_out,
        default_visible=False,
    ),
    Column(
        "developer_id",
        QT_TRANSLATE_NOOP("Column", "Developer ID"),
        TEXT,
        "developer_id",
        default_visible=False,
    ),
    Column(
        "account_id",
        QT_TRANSLATE_NOOP("Column", "Account"),
        TEXT,
        "account_id",
        default_visible=False,
    ),
    Column(
        "service_no",
        QT_TRANSLATE_NOOP("Column", "Service no."),
        TEXT,
        "service_no",
        default_visible=False,
    ),
    Column("vdn_id", QT_TRANSLATE_NOOP("Column", "VDN"), TEXT, "vdn_id", default_visible=False),
    Column(
        "cc_id", QT_TRANSLATE_NOOP("Column", "Call center"), TEXT, "cc_id", default_visible=False
    ),
    Column(
        "location_id",
        QT_TRANSLATE_NOOP("Column", "Location"),
        TEXT,
        "location_id",
        default_visible=False,
    ),
    Column(
        "skillInfo_sn",
        QT_TRANSLATE_NOOP("Column", "Skill list"),
        TEXT,
        "skill_info_sn",
        default_visible=False,
    ),
)

ALL_COLUMNS: tuple[Column, ...] = _ALL
"""Every column, default-visible ones first, in their default order."""

BY_KEY: Mapping[str, Column] = {c.key: c for c in _ALL}

DEFAULT_KEYS: tuple[str, ...] = tuple(c.key for c in _ALL if c.default_visible)

FAST_SORT_KEYS: frozenset[str] = frozenset({"begin_time", "duration", "agent_id", "op_type", "id"})
"""The columns whose sort the database pages by an index (first rows at once at any size).

A bounded choice: every index costs import time and disk. Sorting by any other column reads and
sorts every matching bill first (seconds at millions of bills), which the window says it does.
"""


def sorts_fast(key: str) -> bool:
    """Whether sorting by column ``key`` pages by an index (see ``FAST_SORT_KEYS``)."""
    return key in FAST_SORT_KEYS


def column(key: str) -> Column:
    """The column named ``key``; raises ``ValueError`` naming the valid keys."""
    try:
        return BY_KEY[key]
    except KeyError:
        said = translate("Cli", "unknown column {key}; choose from {columns}")
        raise ValueError(said.format(key=repr(key), columns=", ".join(BY_KEY))) from None


def parse_column_list(text: str) -> tuple[str, ...]:
    """Parse ``a,b,c`` from ``--columns`` into validated column keys."""
    keys = tuple(k.strip() for k in text.split(",") if k.strip())
    if not keys:
        raise ValueError(translate("Cli", "--columns needs at least one column"))
    for key in keys:
        column(key)
    return keys
