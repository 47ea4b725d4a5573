"""Decoding tables for the numeric codes of agent operation bills, so every view speaks plain text.

The operation-type table is the vendor's "Agent Operation Types" table (updated 2023-09-27),
turned into Python data here so the application never needs the original document at run time.
Media types, agent types and the in/out column follow the bill format reference (section 5).

Every ``explain_*`` function accepts anything a CSV cell, a database row or a user may hand over
(ints, numeric strings with blanks, floats, ``None``, garbage) and never raises: an unknown value
comes back as an :class:`Explanation` with ``known=False`` and the raw value in its text.

Decisions where the vendor table is ambiguous (see also the tests):

* "Not used" is written ``US_NO_USE`` = 65535 by the REST interface and -1 by the file export;
  both, an empty cell, ``None``, a float NaN and the literal text ``US_NO_USE`` mean "not used".
* Types 20 and 38 list codes beside their work ID (20: 0 and 2; 38: 1) and the table does not
  say whether those codes belong to the object or the reason column. Both columns decode them:
  a listed code in the reason column is known, and the note travels with the object's text and
  with the reason's ``generic`` text.
* Type 27 lists 0 twice (0 = after-call adjusting set by the system, 0-255 = adjusting entered
  through the interface): code 0 is explained with both meanings.
* Types 26 (rest), 56 (agent status) and 57 (internal-help switching) carry a descriptive reason
  rather than a list: any integer is known and explained with the documented text.
* Site labels replace the documented text only for site-definable codes (:data:`SITE_DEFINABLE`).
  A label stored for any other code is ignored: the vendor's fixed meanings (a forced logout,
  a rejected call) must not be renamed away, and unknown codes must stay visibly unknown.
"""

from __future__ import annotations

import enum
import functools
import math
import operator
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from viewer.core.i18n import QT_TRANSLATE_NOOP, language, translate, use_language

__all__ = [
    "CALL_IN_OUT_MEANINGS",
    "CODE_MAX",
    "CODE_MIN",
    "CONVERSATION_TYPES",
    "FORCED_LOGOUT_CAUSES",
    "MEDIA_TYPES",
    "NOT_NORMALLY_BILLED",
    "NOT_USED_CODES",
    "NOT_USED_TEXT",
    "OP_TYPES",
    "SITE_DEFINABLE",
    "US_NO_USE",
    "Explanation",
    "VerbatimCode",
    "ObjectKind",
    "OpType",
    "ReasonRange",
    "SiteCode",
    "describe_call_in_out",
    "describe_codes",
    "explain_agent_type",
    "explain_call_in_out",
    "explain_media_type",
    "explain_object",
    "explain_op_type",
    "explain_reason",
    "is_not_used",
    "is_site_definable",
    "op_type_info",
    "parse_code",
    "plain_code",
    "site_code",
]

NOT_USED_TEXT = QT_TRANSLATE_NOOP("Codes", "not used")
"""What a "not used" marker in the object or reason column is shown as (English source;
:func:`not_used_text` gives it in the current language)."""


def not_used_text() -> str:
    """How a "not used" marker reads in the current language."""
    return translate("Codes", NOT_USED_TEXT)


US_NO_USE = 0xFFFF
"""The vendor's "not used" value (65535) in the REST interface's bills."""

NOT_USED_CODES = frozenset({-1, US_NO_USE})
"""Numeric "not used" markers: 65535 (REST interface) and -1 (file export)."""

REASON_NOT_USED = "not used"
"""``OpType.reason_kind``: the reason column is ``US_NO_USE``."""
REASON_CODES = "codes"
"""``OpType.reason_kind``: the reason column lists codes or ranges (``OpType.reasons``)."""
REASON_NOT_BILLED = "-"
"""``OpType.reason_kind``: the table shows "-" (nothing written to the bill)."""
REASON_FREE = "free"
"""``OpType.reason_kind``: a descriptive reason without a code list (types 26, 56, 57)."""


class ObjectKind(enum.Enum):
    """What the op_object column holds for an operation type, as the vendor table says."""

    NOT_USED = "not used"
    WORK_ID = "work ID"
    QC_WORK_ID = "work ID of a QC inspector"
    NOT_BILLED = "-"


@dataclass(frozen=True)
class ReasonRange:
    """One documented reason code (``low == high``) or code range, with its meaning.

    Attributes:
        low: First code of the range.
        high: Last code of the range (inclusive).
        text: The vendor's meaning, close to verbatim.
        site_definable: True when each site gives these codes its own meaning.
        short: A short plain-English label for table cells; ``text`` when empty.
    """

    low: int
    high: int
    text: str
    site_definable: bool = False
    short: str = ""

    @property
    def label(self) -> str:
        """The short label for tables, falling back to the vendor text (current language)."""
        return translate("Reason", self.short) if self.short else self.meaning

    @property
    def meaning(self) -> str:
        """The vendor's meaning in the current language (``text`` is the English source)."""
        return translate("Reason", self.text)

    @property
    def is_range(self) -> bool:
        """Whether this entry covers more than one code."""
        return self.high != self.low

    def contains(self, code: int) -> bool:
        """Whether ``code`` lies in this entry."""
        return self.low <= code <= self.high

    def codes_text(self) -> str:
        """The code or range as written in the table, e.g. ``"7"`` or ``"200-250"``."""
        return f"{self.low}-{self.high}" if self.is_range else str(self.low)


@dataclass(frozen=True)
class OpType:
    """One row of the vendor's operation-type table, with what its columns mean.

    Attributes:
        code: The op_type value.
        description: The vendor's sentence, e.g. "The agent logs out of the CCS.".
        short: A short label for tables, e.g. "Logout".
        object_kind: What op_object holds for this type.
        reason_kind: What op_cause holds: "not used", "codes", "-" or "free".
        reasons: Listed reason codes and ranges, in table order.
        reason_note: Descriptive reason text (types 26, 27, 56, 57); "" if none.
        object_note: Types 20 and 38: the codes listed beside the work ID; "" otherwise.
        billed: False when object and reason are both "-" ("not normally billed").
        table_note: The table's NOTE for the type (types 4 and 60); "" if none.
        note_codes: The codes behind ``object_note``, as data.
    """

    code: int
    description: str
    short: str
    object_kind: ObjectKind
    reason_kind: str
    reasons: tuple[ReasonRange, ...]
    reason_note: str
    object_note: str
    billed: bool
    table_note: str = ""
    note_codes: tuple[ReasonRange, ...] = ()

    @property
    def short_text(self) -> str:
        """``short`` in the current language (the table keeps the English source)."""
        return translate("OpType", self.short)

    @property
    def description_text(self) -> str:
        """``description`` in the current language."""
        return translate("OpType", self.description)

    @property
    def note_text(self) -> str:
        """``object_note`` in the current language: the codes listed beside the work ID."""
        return _listed_codes(self.note_codes)

    def find_reasons(self, code: int) -> tuple[ReasonRange, ...]:
        """All listed entries containing ``code`` (two for type 27 code 0), in table order."""
        return tuple(r for r in self.reasons if r.contains(code))

    def find_note_code(self, code: int) -> ReasonRange | None:
        """The listed note code (types 20 and 38) equal to ``code``, if any."""
        for r in self.note_codes:
            if r.contains(code):
                return r
        return None


@dataclass(frozen=True)
class Explanation:
    """A decoded value: what to show, and whether the code is documented.

    Attributes:
        text: What to show, e.g. "Forced out by a QC inspector", "unknown reason 999".
        known: False for codes the tables do not document.
        not_used: True for a "not used" marker.
        site_label: True when ``text`` is a site's own label.
        generic: The documented meaning (also when a site label is shown), for tooltips.
    """

    text: str
    known: bool
    not_used: bool = False
    site_label: bool = False
    generic: str = ""


@dataclass(frozen=True)
class SiteCode:
    """A code range whose meaning each site defines for itself (and may label in the viewer).

    Attributes:
        op_type: The operation type the codes belong to.
        low: First code (inclusive).
        high: Last code (inclusive).
        generic: The documented meaning shown when the site has not named a code.
    """

    op_type: int
    low: int
    high: int
    generic: str

    def contains(self, code: int) -> bool:
        """Whether ``code`` lies in this range."""
        return self.low <= code <= self.high

    @property
    def generic_text(self) -> str:
        """``generic`` in the current language."""
        return translate("Reason", self.generic)


# --------------------------------------------------------------------------------------------
# The operation-type table
# --------------------------------------------------------------------------------------------

_NU = ObjectKind.NOT_USED
_WID = ObjectKind.WORK_ID
_QC = ObjectKind.QC_WORK_ID
_NB = ObjectKind.NOT_BILLED

_R = ReasonRange

_CONVERSATION_REASONS = (
    _R(
        1,
        1,
        QT_TRANSLATE_NOOP(
            "Reason",
            "The agent does not really exit the conversation status. Bills are generated every "
            "five minutes starting from 00:00 to 23:55.",
        ),
        short=QT_TRANSLATE_NOOP("Reason", "Still in conversation (5-minute piece)"),
    ),
    _R(
        0,
        0,
        QT_TRANSLATE_NOOP("Reason", "The agent fully exits the conversation status."),
        short=QT_TRANSLATE_NOOP("Reason", "Conversation ended"),
    ),
)


def _op(
    code: int,
    description: str,
    short: str,
    object_kind: ObjectKind,
    reason_kind: str,
    reasons: tuple[ReasonRange, ...] = (),
    *,
    reason_note: str = "",
    table_note: str = "",
    note_codes: tuple[ReasonRange, ...] = (),
) -> OpType:
    """Build one table row; ``billed`` and ``object_note`` are derived, not typed twice."""
    with use_language("en"):  # the field keeps the English source
        object_note = _listed_codes(note_codes)
    return OpType(
        code=code,
        description=description,
        short=short,
        object_kind=object_kind,
        reason_kind=reason_kind,
        reasons=reasons,
        reason_note=reason_note,
        object_note=object_note,
        billed=not (object_kind is _NB and reason_kind == REASON_NOT_BILLED),
        table_note=table_note,
        note_codes=note_codes,
    )


def _listed_codes(note_codes: tuple[ReasonRange, ...]) -> str:
    """Types 20 and 38: ``"listed codes: 0 = ..., 2 = ..."`` in the current language."""
    if not note_codes:
        return ""
    comma = translate("Codes", ", ")
    listed = comma.join(f"{r.codes_text()} = {_lower_first(r.meaning)}" for r in note_codes)
    if len(note_codes) > 1:
        return translate("Codes", "listed codes: {codes}").format(codes=listed)
    return translate("Codes", "listed code: {codes}").format(codes=listed)


def _lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, for use inside a sentence."""
    return text[:1].lower() + text[1:]


_NUR = REASON_NOT_USED
_NBR = REASON_NOT_BILLED

_OP_TYPE_LIST: tuple[OpType, ...] = (
    _op(
        0,
        QT_TRANSLATE_NOOP("OpType", "The agent logs out of the CCS."),
        QT_TRANSLATE_NOOP("OpType", "Logout"),
        _NU,
        REASON_CODES,
        (
            _R(
                1,
                255,
                QT_TRANSLATE_NOOP("Reason", "Causes are transmitted by clients."),
                True,
                QT_TRANSLATE_NOOP("Reason", "Cause sent by the client"),
            ),
            _R(
                256,
                256,
                QT_TRANSLATE_NOOP(
                    "Reason", "An agent console is disconnected from the call center platform."
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Agent console disconnected"),
            ),
            _R(
                257,
                257,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "An agent is forced by a QC inspector to log out of the call center platform.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Forced out by a QC inspector"),
            ),
            _R(
                258,
                258,
                QT_TRANSLATE_NOOP(
                    "Reason", "An agent proactively logs out of the call center platform."
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Logged out by the agent"),
            ),
            _R(
                259,
                259,
                QT_TRANSLATE_NOOP(
                    "Reason", "An agent logs out of the call center platform before re-login."
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Logged out before logging in again"),
            ),
            _R(
                260,
                260,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "The handshake for agent control blocks between the media server and CCS "
                    "times out.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Media server-CCS handshake timed out"),
            ),
            _R(
                261,
                261,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "The CCS detects the time-out of the handshake for agent control blocks "
                    "between the CCS and UIS.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "CCS-UIS handshake timed out"),
            ),
            _R(
                262,
                262,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "An agent logs out of the call center platform because the media server is "
                    "disconnected from the CCS.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Media server disconnected from the CCS"),
            ),
            _R(
                263,
                263,
                QT_TRANSLATE_NOOP(
                    "Reason", "The handshake between the UIS and agent console times out."
                ),
                short=QT_TRANSLATE_NOOP("Reason", "UIS-agent console handshake timed out"),
            ),
            _R(
                264,
                264,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "The agent ID is being used to forcibly log in on another client. As a result, "
                    "the current agent is forced to log out.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Forced out by a login elsewhere"),
            ),
        ),
    ),
    _op(
        1,
        QT_TRANSLATE_NOOP("OpType", "The agent logs in to the CCS."),
        QT_TRANSLATE_NOOP("OpType", "Login"),
        _NU,
        _NUR,
    ),
    _op(
        2,
        QT_TRANSLATE_NOOP("OpType", "The agent indicates idle."),
        QT_TRANSLATE_NOOP("OpType", "Idle"),
        _NB,
        _NBR,
    ),
    _op(
        3,
        QT_TRANSLATE_NOOP("OpType", "The agent indicates busy."),
        QT_TRANSLATE_NOOP("OpType", "Busy"),
        _NU,
        REASON_CODES,
        (
            _R(
                1,
                1,
                QT_TRANSLATE_NOOP("Reason", "The agent indicates busy."),
                short=QT_TRANSLATE_NOOP("Reason", "Set busy by the agent"),
            ),
            _R(
                2,
                2,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "The agent indicates busy forcibly for not answering the call when the phone "
                    "rings for a long time.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Forced busy: call not answered"),
            ),
            _R(
                3,
                3,
                QT_TRANSLATE_NOOP(
                    "Reason", "The agent being inspected is forced to indicate busy."
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Forced busy by an inspector"),
            ),
            _R(
                4,
                4,
                QT_TRANSLATE_NOOP("Reason", "The agent has a rest."),
                short=QT_TRANSLATE_NOOP("Reason", "Rest"),
            ),
            _R(
                5,
                5,
                QT_TRANSLATE_NOOP("Reason", "The agent phone is unavailable."),
                short=QT_TRANSLATE_NOOP("Reason", "Phone unavailable"),
            ),
            _R(
                7,
                7,
                QT_TRANSLATE_NOOP("Reason", "The agent rejects the call."),
                short=QT_TRANSLATE_NOOP("Reason", "Call rejected"),
            ),
            _R(
                200,
                250,
                QT_TRANSLATE_NOOP("Reason", "Reason codes defined by the service side."),
                True,
                QT_TRANSLATE_NOOP("Reason", "Busy reason defined by the site"),
            ),
        ),
    ),
    _op(
        4,
        QT_TRANSLATE_NOOP("OpType", "Conversation status."),
        QT_TRANSLATE_NOOP("OpType", "Conversation (text)"),
        _NU,
        REASON_CODES,
        _CONVERSATION_REASONS,
        table_note=QT_TRANSLATE_NOOP(
            "OpType",
            "Text conversations only: the conversation status in these bills refers to "
            "text conversations.",
        ),
    ),
    _op(
        5,
        QT_TRANSLATE_NOOP(
            "OpType", "Waiting for answer from an agent after distributing a call to the agent."
        ),
        QT_TRANSLATE_NOOP("OpType", "Waiting for answer"),
        _NB,
        _NBR,
    ),
    _op(
        6,
        QT_TRANSLATE_NOOP(
            "OpType",
            "The agent waits for the connection success message after answering a call or making "
            "an outgoing call successfully.",
        ),
        QT_TRANSLATE_NOOP("OpType", "Waiting for connection"),
        _NB,
        _NBR,
    ),
    _op(
        7,
        QT_TRANSLATE_NOOP("OpType", "The agent releases a call."),
        QT_TRANSLATE_NOOP("OpType", "Call released"),
        _NB,
        _NBR,
    ),
    _op(
        8,
        QT_TRANSLATE_NOOP("OpType", "The agent requests disconnecting."),
        QT_TRANSLATE_NOOP("OpType", "Disconnect requested"),
        _NB,
        _NBR,
    ),
    _op(
        9,
        QT_TRANSLATE_NOOP(
            "OpType", "The agent waits for the called to ring when making an outgoing call."
        ),
        QT_TRANSLATE_NOOP("OpType", "Outgoing call: waiting for ringing"),
        _NB,
        _NBR,
    ),
    _op(
        10,
        QT_TRANSLATE_NOOP("OpType", "Three-party conversation."),
        QT_TRANSLATE_NOOP("OpType", "Three-party conversation"),
        _WID,
        _NUR,
    ),
    _op(
        11,
        QT_TRANSLATE_NOOP("OpType", "Agent channel fails or the agent is down."),
        QT_TRANSLATE_NOOP("OpType", "Agent channel down"),
        _NB,
        _NBR,
    ),
    _op(
        12,
        QT_TRANSLATE_NOOP("OpType", "Agent channel or agent is restored."),
        QT_TRANSLATE_NOOP("OpType", "Agent channel restored"),
        _NB,
        _NBR,
    ),
    _op(
        13,
        QT_TRANSLATE_NOOP(
            "OpType",
            "The call transfers from the manual flow to the automatic flow. "
            "The agent is suspended.",
        ),
        QT_TRANSLATE_NOOP("OpType", "Suspended (call sent to automatic flow)"),
        _NU,
        _NUR,
    ),
    _op(
        14,
        QT_TRANSLATE_NOOP("OpType", "The agent is listened in to or intruded."),
        QT_TRANSLATE_NOOP("OpType", "Being listened in to"),
        _NB,
        _NBR,
    ),
    _op(
        15,
        QT_TRANSLATE_NOOP("OpType", "The agent is not listened in to or intruded."),
        QT_TRANSLATE_NOOP("OpType", "No longer listened in to"),
        _NB,
        _NBR,
    ),
    _op(
        16,
        QT_TRANSLATE_NOOP("OpType", "The agent is recorded."),
        QT_TRANSLATE_NOOP("OpType", "Being recorded"),
        _NB,
        _NBR,
    ),
    _op(
        17,
        QT_TRANSLATE_NOOP("OpType", "The agent is not recorded."),
        QT_TRANSLATE_NOOP("OpType", "No longer recorded"),
        _NB,
        _NBR,
    ),
    _op(
        18,
        QT_TRANSLATE_NOOP("OpType", "The agent is monitored."),
        QT_TRANSLATE_NOOP("OpType", "Being monitored"),
        _NB,
        _NBR,
    ),
    _op(
        19,
        QT_TRANSLATE_NOOP("OpType", "The agent is not monitored."),
        QT_TRANSLATE_NOOP("OpType", "No longer monitored"),
        _NB,
        _NBR,
    ),
    _op(
        20,
        QT_TRANSLATE_NOOP("OpType", "The agent is listening in or intruding or whispering."),
        QT_TRANSLATE_NOOP("OpType", "Listening in / intruding / whispering"),
        _WID,
        _NUR,
        note_codes=(
            _R(0, 0, QT_TRANSLATE_NOOP("Reason", "Listening in to another agent")),
            _R(2, 2, QT_TRANSLATE_NOOP("Reason", "Listening in to a trunk")),
        ),
    ),
    _op(
        21,
        QT_TRANSLATE_NOOP("OpType", "The agent is not listening in or intruding or whispering."),
        QT_TRANSLATE_NOOP("OpType", "Stopped listening in / intruding / whispering"),
        _NB,
        _NBR,
    ),
    _op(
        22,
        QT_TRANSLATE_NOOP("OpType", "Voice playing."),
        QT_TRANSLATE_NOOP("OpType", "Voice playing"),
        _NU,
        _NUR,
    ),
    _op(
        23,
        QT_TRANSLATE_NOOP("OpType", "Stopping the voice playing."),
        QT_TRANSLATE_NOOP("OpType", "Voice playing stopped"),
        _NB,
        _NBR,
    ),
    _op(
        24,
        QT_TRANSLATE_NOOP("OpType", "Monitoring."),
        QT_TRANSLATE_NOOP("OpType", "Monitoring"),
        _NB,
        _NBR,
    ),
    _op(
        25,
        QT_TRANSLATE_NOOP("OpType", "Stopping monitoring."),
        QT_TRANSLATE_NOOP("OpType", "Monitoring stopped"),
        _NB,
        _NBR,
    ),
    _op(
        26,
        QT_TRANSLATE_NOOP("OpType", "The agent rests."),
        QT_TRANSLATE_NOOP("OpType", "Rest"),
        _WID,
        REASON_FREE,
        reason_note=QT_TRANSLATE_NOOP(
            "OpType",
            "The reason for agent rest is specified when the client invokes "
            "CCC_REQUEST_REST_EX_Msg (the default value is 0).",
        ),
    ),
    _op(
        27,
        QT_TRANSLATE_NOOP("OpType", "Work status."),
        QT_TRANSLATE_NOOP("OpType", "Work"),
        _NU,
        REASON_CODES,
        (
            _R(
                0,
                0,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "Adjusting after the call: the service system sets that the agent "
                    "automatically enters the Working state.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "After-call adjusting set by the system"),
            ),
            _R(
                0,
                255,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "Adjusting: the agent invokes an interface to enter the Working state.",
                ),
                True,
                QT_TRANSLATE_NOOP("Reason", "Adjusting entered through the interface"),
            ),
        ),
        reason_note=QT_TRANSLATE_NOOP("OpType", "The default value is 0."),
    ),
    _op(
        28,
        QT_TRANSLATE_NOOP("OpType", "Listening in to and intruding a call."),
        QT_TRANSLATE_NOOP("OpType", "Listen-in and intrusion"),
        _NB,
        _NBR,
    ),
    _op(
        29,
        QT_TRANSLATE_NOOP("OpType", "Forcible logout."),
        QT_TRANSLATE_NOOP("OpType", "Forcible logout"),
        _WID,
        _NUR,
    ),
    _op(
        30,
        QT_TRANSLATE_NOOP("OpType", "Forcible idle."),
        QT_TRANSLATE_NOOP("OpType", "Forcible idle"),
        _WID,
        _NUR,
    ),
    _op(
        31,
        QT_TRANSLATE_NOOP("OpType", "Forcible busy."),
        QT_TRANSLATE_NOOP("OpType", "Forcible busy"),
        _WID,
        _NUR,
    ),
    _op(
        32,
        QT_TRANSLATE_NOOP("OpType", "The agent is mute to the user."),
        QT_TRANSLATE_NOOP("OpType", "Muted to the user"),
        _NU,
        _NUR,
    ),
    _op(
        33,
        QT_TRANSLATE_NOOP("OpType", "The agent cancels the mute status to the user."),
        QT_TRANSLATE_NOOP("OpType", "Mute cancelled"),
        _NB,
        _NBR,
    ),
    _op(
        34,
        QT_TRANSLATE_NOOP("OpType", "The agent enters the study status."),
        QT_TRANSLATE_NOOP("OpType", "Study"),
        _NU,
        _NUR,
    ),
    _op(
        35,
        QT_TRANSLATE_NOOP("OpType", "The agent enters the work status."),
        QT_TRANSLATE_NOOP("OpType", "Work status entered"),
        _NB,
        _NBR,
    ),
    _op(
        36,
        QT_TRANSLATE_NOOP("OpType", "The agent enters the adjusting status."),
        QT_TRANSLATE_NOOP("OpType", "Adjusting status entered"),
        _NB,
        _NBR,
    ),
    _op(
        37,
        QT_TRANSLATE_NOOP("OpType", "The agent ends the work status."),
        QT_TRANSLATE_NOOP("OpType", "Work status ended"),
        _NB,
        _NBR,
    ),
    _op(
        38,
        QT_TRANSLATE_NOOP("OpType", "The agent holds the call."),
        QT_TRANSLATE_NOOP("OpType", "Call held"),
        _QC,
        _NUR,
        note_codes=(_R(1, 1, QT_TRANSLATE_NOOP("Reason", "The call is held by a QC inspector")),),
    ),
    _op(
        39,
        QT_TRANSLATE_NOOP("OpType", "The agent picks the held call."),
        QT_TRANSLATE_NOOP("OpType", "Held call picked up"),
        _NB,
        _NBR,
    ),
    _op(
        40,
        QT_TRANSLATE_NOOP("OpType", "The agent requests an internal help."),
        QT_TRANSLATE_NOOP("OpType", "Internal help"),
        _WID,
        REASON_CODES,
        (
            _R(
                0,
                0,
                QT_TRANSLATE_NOOP("Reason", "Help between uncertain parties"),
                short=QT_TRANSLATE_NOOP("Reason", "Help, parties not determined"),
            ),
            _R(
                1,
                1,
                QT_TRANSLATE_NOOP("Reason", "Requesting help between two parties"),
                short=QT_TRANSLATE_NOOP("Reason", "Two-party help"),
            ),
            _R(
                2,
                2,
                QT_TRANSLATE_NOOP("Reason", "Requesting help between three parties"),
                short=QT_TRANSLATE_NOOP("Reason", "Three-party help"),
            ),
            _R(
                3,
                3,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "The call is transferred. The called party talks to the agent first after "
                    "answering the call. The agent connects the caller and the called while "
                    "hooking on.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Transfer after consultation"),
            ),
            _R(
                4,
                4,
                QT_TRANSLATE_NOOP(
                    "Reason",
                    "The call is transferred among three parties. The called party talks to the "
                    "agent first after answering the call. The agent connects the caller and the "
                    "called while hooking on.",
                ),
                short=QT_TRANSLATE_NOOP("Reason", "Three-party transfer after consultation"),
            ),
            _R(
                5,
                5,
                QT_TRANSLATE_NOOP("Reason", "Three-party conversation"),
                short=QT_TRANSLATE_NOOP("Reason", "Three-party conversation"),
            ),
            _R(
                6,
                6,
                QT_TRANSLATE_NOOP("Reason", "Connecting the call"),
                short=QT_TRANSLATE_NOOP("Reason", "Connecting the call"),
            ),
        ),
    ),
    _op(
        41,
        QT_TRANSLATE_NOOP("OpType", "The agent makes an internal call."),
        QT_TRANSLATE_NOOP("OpType", "Internal call"),
        _WID,
        _NUR,
    ),
    _op(
        42,
        QT_TRANSLATE_NOOP("OpType", "The agent connects a held call."),
        QT_TRANSLATE_NOOP("OpType", "Held call connected"),
        _NB,
        _NBR,
    ),
    _op(
        43,
        QT_TRANSLATE_NOOP("OpType", "The agent intercepts a call."),
        QT_TRANSLATE_NOOP("OpType", "Call intercepted"),
        _WID,
        _NUR,
    ),
    _op(
        44,
        QT_TRANSLATE_NOOP("OpType", "The agent halts the voice playing."),
        QT_TRANSLATE_NOOP("OpType", "Voice playing halted"),
        _NU,
        _NUR,
    ),
    _op(
        45,
        QT_TRANSLATE_NOOP("OpType", "The agent transfers the call internally."),
        QT_TRANSLATE_NOOP("OpType", "Internal transfer"),
        _WID,
        _NUR,
    ),
    _op(
        46,
        QT_TRANSLATE_NOOP("OpType", "The agent transfers a call out."),
        QT_TRANSLATE_NOOP("OpType", "Transfer out"),
        _NU,
        _NUR,
    ),
    _op(
        47,
        QT_TRANSLATE_NOOP("OpType", "The agent logs in to the media server."),
        QT_TRANSLATE_NOOP("OpType", "Media server login"),
        _NU,
        _NUR,
    ),
    _op(
        50,
        QT_TRANSLATE_NOOP("OpType", "Video image screening."),
        QT_TRANSLATE_NOOP("OpType", "Video image screening"),
        _NU,
        _NUR,
    ),
    _op(
        51,
        QT_TRANSLATE_NOOP("OpType", "Video and audio screening."),
        QT_TRANSLATE_NOOP("OpType", "Video and audio screening"),
        _NU,
        _NUR,
    ),
    _op(
        52,
        QT_TRANSLATE_NOOP("OpType", "The agent logs out of the media server."),
        QT_TRANSLATE_NOOP("OpType", "Media server logout"),
        _NU,
        _NUR,
    ),
    _op(
        53,
        QT_TRANSLATE_NOOP(
            "OpType", "The agent transfers the call which is queuing in the common queue."
        ),
        QT_TRANSLATE_NOOP("OpType", "Queued call transferred"),
        _NU,
        _NUR,
    ),
    _op(
        54,
        QT_TRANSLATE_NOOP("OpType", "Release transfer."),
        QT_TRANSLATE_NOOP("OpType", "Release transfer"),
        _NU,
        _NUR,
    ),
    _op(
        55,
        QT_TRANSLATE_NOOP("OpType", "The call is transferred to another device."),
        QT_TRANSLATE_NOOP("OpType", "Transferred to another device"),
        _NU,
        _NUR,
    ),
    _op(
        56,
        QT_TRANSLATE_NOOP("OpType", "Configure agent status."),
        QT_TRANSLATE_NOOP("OpType", "Agent status set"),
        _NU,
        REASON_FREE,
        reason_note=QT_TRANSLATE_NOOP("OpType", "Agent status code defined by the service side."),
    ),
    _op(
        57,
        QT_TRANSLATE_NOOP(
            "OpType", "Switch the call held during internal-help request processing."
        ),
        QT_TRANSLATE_NOOP("OpType", "Internal help: held call switched"),
        _NU,
        REASON_FREE,
        reason_note=QT_TRANSLATE_NOOP("OpType", "Internal-help request switching."),
    ),
    _op(
        58,
        QT_TRANSLATE_NOOP("OpType", "The agent is in the conference state."),
        QT_TRANSLATE_NOOP("OpType", "Conference"),
        _WID,
        _NBR,
    ),
    _op(
        59,
        QT_TRANSLATE_NOOP("OpType", "Multimedia collaboration."),
        QT_TRANSLATE_NOOP("OpType", "Multimedia collaboration"),
        _WID,
        REASON_CODES,
        (
            _R(
                0,
                0,
                QT_TRANSLATE_NOOP("Reason", "Initiating a multimedia conference"),
                short=QT_TRANSLATE_NOOP("Reason", "Started a multimedia conference"),
            ),
            _R(
                1,
                1,
                QT_TRANSLATE_NOOP("Reason", "Joining a multimedia conference"),
                short=QT_TRANSLATE_NOOP("Reason", "Joined a multimedia conference"),
            ),
        ),
    ),
    _op(
        60,
        QT_TRANSLATE_NOOP("OpType", "Conversation status."),
        QT_TRANSLATE_NOOP("OpType", "Conversation (all calls)"),
        _NU,
        REASON_CODES,
        _CONVERSATION_REASONS,
        table_note=QT_TRANSLATE_NOOP(
            "OpType",
            "All call types; whether these bills are recorded is controlled by the licence.",
        ),
    ),
)

OP_TYPES: Mapping[int, OpType] = MappingProxyType({t.code: t for t in _OP_TYPE_LIST})
"""The vendor's operation types by code: 0-47 and 50-60 (48 and 49 are not defined)."""

NOT_NORMALLY_BILLED = frozenset(t.code for t in _OP_TYPE_LIST if not t.billed)
"""Types whose object and reason are both "-": documented as not written to the bill."""

FORCED_LOGOUT_CAUSES = frozenset({257, 264})
"""Type 0 (logout) causes where the agent was forced out (by a QC inspector, by a login)."""

CONVERSATION_TYPES = frozenset({4, 60})
"""Conversation bills, cut into five-minute pieces (reason 1) until the end (reason 0)."""

SITE_DEFINABLE: tuple[SiteCode, ...] = (
    SiteCode(
        0,
        1,
        255,
        QT_TRANSLATE_NOOP("Reason", "Logout cause sent by the client (each site defines its own)"),
    ),
    SiteCode(
        3, 200, 250, QT_TRANSLATE_NOOP("Reason", "Busy reason code defined by the service side")
    ),
    # Rest reasons: the bill table gives no range, only "specified by the client, default 0".
    # The platform's rest-reason configuration accepts codes 1-255, and 0 is the default, so
    # 0-255 can be named. Other integers still decode as known (generic text), unlabelled.
    SiteCode(
        26, 0, 255, QT_TRANSLATE_NOOP("Reason", "Rest reason set by the client; 0 is the default")
    ),
    SiteCode(
        27, 0, 255, QT_TRANSLATE_NOOP("Reason", "Adjusting reason entered through the interface")
    ),
    # 65535 is the "not used" marker, so the status codes end at 65534.
    SiteCode(
        56, 0, 65534, QT_TRANSLATE_NOOP("Reason", "Agent status code defined by the service side")
    ),
)
"""Codes each site names itself; only these may carry a site label."""

_SITE_BY_TYPE: Mapping[int, tuple[SiteCode, ...]] = MappingProxyType(
    {
        t: tuple(s for s in SITE_DEFINABLE if s.op_type == t)
        for t in {s.op_type for s in SITE_DEFINABLE}
    }
)

# --------------------------------------------------------------------------------------------
# Other code columns (bill format reference, section 5)
# --------------------------------------------------------------------------------------------

MEDIA_TYPES: Mapping[int, str] = MappingProxyType(
    {
        1: QT_TRANSLATE_NOOP("MediaType", "Text chat"),
        2: QT_TRANSLATE_NOOP("MediaType", "Click-to-dial web phone"),
        3: QT_TRANSLATE_NOOP("MediaType", "Co-browsing"),
        4: QT_TRANSLATE_NOOP("MediaType", "Callback request"),
        5: QT_TRANSLATE_NOOP("MediaType", "Voice call"),
        6: QT_TRANSLATE_NOOP("MediaType", "Email"),
        7: QT_TRANSLATE_NOOP("MediaType", "Fax"),
        8: QT_TRANSLATE_NOOP("MediaType", "H.323 video"),
        9: QT_TRANSLATE_NOOP("MediaType", "Whiteboard"),
        10: QT_TRANSLATE_NOOP("MediaType", "Application sharing"),
        11: QT_TRANSLATE_NOOP("MediaType", "File transfer"),
        12: QT_TRANSLATE_NOOP("MediaType", "Video 2B+D"),
        13: QT_TRANSLATE_NOOP("MediaType", "Video 6B+D"),
        14: QT_TRANSLATE_NOOP("MediaType", "OPS"),
        15: QT_TRANSLATE_NOOP("MediaType", "Predictive outbound"),
        16: QT_TRANSLATE_NOOP("MediaType", "Preview outbound"),
        17: QT_TRANSLATE_NOOP("MediaType", "Message"),
        18: QT_TRANSLATE_NOOP("MediaType", "Web phone video"),
        19: QT_TRANSLATE_NOOP("MediaType", "Video call"),
        20: QT_TRANSLATE_NOOP("MediaType", "Web leave-message"),
        21: QT_TRANSLATE_NOOP("MediaType", "Desktop sharing"),
        22: QT_TRANSLATE_NOOP("MediaType", "VC call"),
        50: QT_TRANSLATE_NOOP("MediaType", "Email chat"),
        51: QT_TRANSLATE_NOOP("MediaType", "Web chat"),
        52: QT_TRANSLATE_NOOP("MediaType", "SMS chat"),
        53: QT_TRANSLATE_NOOP("MediaType", "Social multimedia chat"),
        54: QT_TRANSLATE_NOOP("MediaType", "Fax chat"),
        55: QT_TRANSLATE_NOOP("MediaType", "H5 video chat"),
    }
)
"""media_type codes and their names."""

AGENT_TYPES_CTI: Mapping[int, str] = MappingProxyType(
    {
        4: QT_TRANSLATE_NOOP("AgentType", "PC + phone"),
        11: QT_TRANSLATE_NOOP("AgentType", "PC + phone video"),
        13: QT_TRANSLATE_NOOP("AgentType", "multimedia"),
    }
)
"""agent_type as the CTI table documents it."""

AGENT_TYPES_CONFIGURATION: Mapping[int, str] = MappingProxyType(
    {
        4: QT_TRANSLATE_NOOP("AgentType", "audio"),
        5: QT_TRANSLATE_NOOP("AgentType", "multimedia"),
        11: QT_TRANSLATE_NOOP("AgentType", "video"),
        99: QT_TRANSLATE_NOOP("AgentType", "versatile"),
    }
)
"""agent_type as the configuration table documents it (disagrees with the CTI table)."""

AGENT_TYPE_GENERIC = QT_TRANSLATE_NOOP(
    "Codes",
    "Two documented tables disagree. CTI: 4 PC + phone, 11 PC + phone video, 13 multimedia. "
    "Configuration: 4 audio, 5 multimedia, 11 video, 99 versatile.",
)
"""The tooltip text for agent_type."""

CALL_IN_OUT_MEANINGS = QT_TRANSLATE_NOOP("Codes", "inbound/outbound/IVR outbound/campaign outbound")
"""The documented meanings of callIn_out (which number means which is not documented)."""

CALL_IN_OUT_GENERIC = f"{CALL_IN_OUT_MEANINGS}; numeric codes undocumented"
"""The tooltip text for callIn_out: the meanings are documented, the codes are not (English;
:func:`call_in_out_generic` gives it in the current language)."""


def call_in_out_generic() -> str:
    """The tooltip text for callIn_out in the current language."""
    return translate("Codes", "{meanings}; numeric codes undocumented").format(
        meanings=translate("Codes", CALL_IN_OUT_MEANINGS)
    )


# --------------------------------------------------------------------------------------------
# Parsing helpers
# --------------------------------------------------------------------------------------------

_INT_RE = re.compile(r"[+-]?[0-9]{1,30}(?:\.0+)?")
_MAX_SHOWN = 40

_PLAIN_CODE = re.compile(r"0|-?[1-9][0-9]{0,18}").fullmatch
CODE_MIN, CODE_MAX = -(1 << 63), (1 << 63) - 1
"""The range of a stored code: a signed 64-bit integer (SQLite's and PostgreSQL's bigint)."""


def plain_code(text: str) -> int | None:
    """The integer a code cell's text is, when the text is exactly that integer's canonical form.

    ``-?(0|[1-9][0-9]*)`` without blanks, within ``CODE_MIN..CODE_MAX``: such a text and the
    stored integer turn into each other without loss. ``"-0"``, ``"05"``, ``" 5 "``, ``"5.0"``,
    ``"1e3"`` and ``"99999999999999999999"`` are not (None): the importer keeps those verbatim.
    """
    if not _PLAIN_CODE(text):
        return None
    code = int(text)
    return code if CODE_MIN <= code <= CODE_MAX else None


class VerbatimCode(str):
    """A code cell's text kept as written because it is not a plain integer (``plain_code``).

    The ``explain_*`` functions decode it as unknown, showing the text in quotes, instead of
    reading it as a number (``" 5 "`` or ``"05"`` are not code 5, ``"1e3"`` is not 1000); only
    the documented literal ``US_NO_USE`` stays "not used".
    """

    __slots__ = ()

    def shown(self) -> str:
        """The text in double quotes, control characters escaped, cut at a readable length."""
        text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in self)
        if len(text) > _MAX_SHOWN:
            text = text[: _MAX_SHOWN - 3] + "..."
        return f'"{text}"'


def parse_code(value: object) -> int | None:
    """Read a code from a cell value, so one rule decides what counts as a number.

    Accepts ints (not bools), integral floats, and strings holding an ASCII integer after
    stripping blanks (``" 65535 "``; a trailing ``.0`` as spreadsheet tools write it is
    accepted too). Anything else, including ``None``, ``""``, ``"3.5"`` and NaN, gives None.

    Args:
        value: A cell value of any type.

    Returns:
        The integer, or None when ``value`` is not an integer code.
    """
    if isinstance(value, bool) or value is None or isinstance(value, VerbatimCode):
        return None
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        if not _INT_RE.fullmatch(text):
            return None
        return int(text.split(".", 1)[0])
    try:
        return operator.index(value)  # type: ignore[arg-type]  # numpy ints and the like
    except (TypeError, ValueError):
        return None


def is_not_used(value: object) -> bool:
    """Whether a cell holds a "not used" marker, so it is shown as such and never as a code.

    The markers are ``None``, an empty or blank string, -1, 65535 (``US_NO_USE``) as numbers or
    strings, the literal text ``US_NO_USE``, and a float NaN (an empty spreadsheet cell).

    Args:
        value: A cell value of any type.

    Returns:
        True for a "not used" marker.
    """
    if value is None:
        return True
    if isinstance(value, VerbatimCode):
        return value == "US_NO_USE"
    if isinstance(value, str):
        text = value.strip()
        if not text or text.upper() == "US_NO_USE":
            return True
    elif isinstance(value, float) and math.isnan(value):
        return True
    return parse_code(value) in NOT_USED_CODES


def _text(value: object) -> str:
    """The value as short one-line display text, as written (no number parsing), never raising."""
    if isinstance(value, VerbatimCode):
        return value.shown()
    try:
        text = value if isinstance(value, str) else str(value)
    except Exception:  # a hostile __str__ must not break a table view
        return "?"
    text = " ".join(text.split())
    if len(text) > _MAX_SHOWN:
        text = text[: _MAX_SHOWN - 3] + "..."
    return text


def _empty_cell(value: object) -> bool:
    """Whether a cell is empty: None or blanks, but not a code kept as written (``"  "`` is one)."""
    return value is None or (
        isinstance(value, str) and not isinstance(value, VerbatimCode) and not value.strip()
    )


def _show(value: object) -> str:
    """The raw value as short display text (integers in canonical form), never raising."""
    code = parse_code(value)
    return str(code) if code is not None else _text(value)


class _NotUsed:
    """The normalised "not used" marker (hashable, for cache keys)."""

    def __repr__(self) -> str:
        return "NOT_USED"


_NOT_USED = _NotUsed()
_Token = int | str | _NotUsed


def _token(value: object) -> _Token:
    """Normalise a cell value into a hashable cache key: not used, an int, or display text."""
    if is_not_used(value):
        return _NOT_USED
    code = parse_code(value)
    return code if code is not None else _show(value)


def _not_used(generic: str = "") -> Explanation:
    """The explanation of a "not used" marker."""
    return Explanation(not_used_text(), known=True, not_used=True, generic=generic)


# --------------------------------------------------------------------------------------------
# Operation type
# --------------------------------------------------------------------------------------------


def op_type_info(code: int | None) -> OpType | None:
    """The table row of an operation type, or None for an undefined or missing code."""
    if isinstance(code, bool) or not isinstance(code, int):
        return None
    return OP_TYPES.get(code)


@functools.lru_cache(maxsize=1024)
def _explain_op_type_token(token: _Token, lang: str) -> Explanation:
    """Cached body of :func:`explain_op_type` on a normalised value, in language ``lang``."""
    if isinstance(token, int):
        info = OP_TYPES.get(token)
        if info is not None:
            return Explanation(info.short_text, known=True, generic=info.description_text)
        return Explanation(
            translate("Codes", "unknown operation type {code}").format(code=token), known=False
        )
    shown = translate("Codes", "(empty)") if token is _NOT_USED else str(token)
    return Explanation(
        translate("Codes", "unknown operation type {code}").format(code=shown), known=False
    )


def explain_op_type(code: object) -> Explanation:
    """Decode op_type into its short label (``text``) and the vendor sentence (``generic``).

    Both read in the current language (:func:`viewer.core.i18n.language`).

    Args:
        code: The op_type cell value (int, numeric string, anything).

    Returns:
        The explanation; ``known=False`` with "unknown operation type N" for undefined types.
    """
    parsed = parse_code(code)
    if parsed is not None:
        return _explain_op_type_token(parsed, language())
    if _empty_cell(code):
        return _explain_op_type_token(_NOT_USED, language())
    return _explain_op_type_token(_show(code), language())


# --------------------------------------------------------------------------------------------
# Reason
# --------------------------------------------------------------------------------------------


def _unknown_reason(token: _Token, generic: str = "") -> Explanation:
    """The explanation of a reason the table does not list."""
    text = translate("Codes", "unknown reason {code}").format(code=token)
    return Explanation(text, known=False, generic=generic)


def _with_code(label: str, code: int) -> str:
    """``"label (code N)"``: a label from a range, or a listed code, with the code itself."""
    return translate("Codes", "{label} (code {code})").format(label=label, code=code)


@functools.lru_cache(maxsize=8192)
def _explain_reason_token(op: int | None, token: _Token, lang: str) -> Explanation:
    """Cached, label-free body of :func:`explain_reason` on normalised values, in ``lang``."""
    info = OP_TYPES.get(op) if op is not None else None
    note = info.note_text if info is not None else ""
    if token is _NOT_USED:
        return _not_used(note)
    if info is None or not isinstance(token, int):
        return _unknown_reason(token, note)
    if info.reason_kind == REASON_FREE:
        return _free_reason(info, token)
    matches = info.find_reasons(token)
    if len(matches) == 1:
        entry = matches[0]
        text = _with_code(entry.label, token) if entry.is_range else entry.label
        return Explanation(text, known=True, generic=entry.meaning)
    if matches:  # type 27 code 0: both "set by the system" and "entered through the interface"
        labels = [matches[0].label, *(_lower_first(m.label) for m in matches[1:])]
        text = _with_code(translate("Codes", ", or ").join(labels), token)
        generic = " / ".join(f"{m.codes_text()}: {m.meaning}" for m in matches)
        return Explanation(text, known=True, generic=generic)
    listed = info.find_note_code(token)
    if listed is not None:  # types 20 and 38: a code listed beside the work ID
        return Explanation(_with_code(listed.meaning, token), known=True, generic=note)
    return _unknown_reason(token, note)


def _free_reason(info: OpType, code: int) -> Explanation:
    """Explain a descriptive reason (types 26, 56, 57): any integer is accepted."""
    if info.code == 26 and code == 0:
        text = translate("Codes", "Rest reason {code} (default)").format(code=code)
    elif info.code == 26:
        text = translate("Codes", "Rest reason {code}").format(code=code)
    elif info.code == 56:
        text = translate("Codes", "Agent status {code} (defined by the site)").format(code=code)
    else:
        text = translate("Codes", "Internal-help switching (code {code})").format(code=code)
    return Explanation(text, known=True, generic=translate("OpType", info.reason_note))


def _site_label(labels: Mapping[tuple[int, int], str] | None, op: int | None, token: _Token) -> str:
    """The site's label for a site-definable code, or "" when there is none."""
    if not labels or op is None or not isinstance(token, int):
        return ""
    if not is_site_definable(op, token):
        return ""
    try:
        label = labels.get((op, token))
    except Exception:  # a broken mapping must not break a table view
        return ""
    return label.strip() if isinstance(label, str) else ""


def explain_reason(
    op_type: object, cause: object, labels: Mapping[tuple[int, int], str] | None = None
) -> Explanation:
    """Decode op_cause for its operation type, preferring a site's own name for site codes.

    The documented texts read in the current language; a site label stays as the site typed it.

    Args:
        op_type: The op_type cell value.
        cause: The op_cause cell value.
        labels: Site labels by ``(op_type, code)``; used only for site-definable codes.

    Returns:
        The explanation: "not used", the documented meaning (``generic`` holds the vendor
        text), a site label (``site_label=True``, ``generic`` = documented meaning), or
        "unknown reason N" with ``known=False``.
    """
    op = parse_code(op_type)
    token = _token(cause)
    label = _site_label(labels, op, token)
    base = _explain_reason_token(op, token, language())
    if label:
        return Explanation(label, known=True, site_label=True, generic=base.generic or base.text)
    return base


# --------------------------------------------------------------------------------------------
# Object
# --------------------------------------------------------------------------------------------


def _unknown_object(token: _Token, generic: str = "") -> Explanation:
    """The explanation of an object the type does not use, or of an unknown type's object."""
    text = translate("Codes", "unknown object {value}").format(value=token)
    return Explanation(text, known=False, generic=generic)


@functools.lru_cache(maxsize=8192)
def _explain_object_token(op: int | None, token: _Token, lang: str) -> Explanation:
    """Cached body of :func:`explain_object` on normalised values, in language ``lang``."""
    info = OP_TYPES.get(op) if op is not None else None
    note = info.note_text if info is not None else ""
    if token is _NOT_USED:
        return _not_used(note)
    if info is None:
        return _unknown_object(token)
    if info.object_kind is ObjectKind.WORK_ID:
        text = translate("Codes", "work ID {value}").format(value=token)
        generic = translate("Codes", "Work ID")
    elif info.object_kind is ObjectKind.QC_WORK_ID:
        text = translate("Codes", "QC inspector {value}").format(value=token)
        generic = translate("Codes", "Work ID of a QC inspector")
    else:
        return _unknown_object(token, note)
    if note:
        listed = info.find_note_code(token) if isinstance(token, int) else None
        if listed is not None:
            text += translate("Codes", " (or code {code}: {meaning})").format(
                code=token, meaning=_lower_first(listed.meaning)
            )
        else:
            text += translate("Codes", " ({note})").format(note=note)
        generic = translate("Codes", "{generic}; {note}").format(generic=generic, note=note)
    return Explanation(text, known=True, generic=generic)


def explain_object(op_type: object, obj: object) -> Explanation:
    """Decode op_object for its operation type: a work ID, a QC inspector, or "not used".

    Work IDs are kept as text (leading zeros stay). For types 20 and 38 the codes the table
    lists beside the work ID are appended, because the table does not say which column they
    belong to.

    Args:
        op_type: The op_type cell value.
        obj: The op_object cell value.

    Returns:
        The explanation; ``known=False`` with "unknown object N" when the type does not use
        the object column, or the type itself is unknown.
    """
    op = parse_code(op_type)
    if is_not_used(obj):
        token: _Token = _NOT_USED
    elif isinstance(obj, str):
        token = _text(obj)  # keep work IDs as written ("0012" stays "0012")
        code = parse_code(obj)
        if code is not None and str(code) == token:
            token = code
    else:
        token = _token(obj)
    return _explain_object_token(op, token, language())


# --------------------------------------------------------------------------------------------
# Other code columns
# --------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=256)
def _explain_media_token(token: _Token, lang: str) -> Explanation:
    """Cached body of :func:`explain_media_type`, in language ``lang``."""
    if token is _NOT_USED:
        return _not_used()
    name = MEDIA_TYPES.get(token) if isinstance(token, int) else None
    if name is None:
        text = translate("Codes", "unknown media type {code}").format(code=token)
        return Explanation(text, known=False)
    shown = translate("MediaType", name)
    return Explanation(shown, known=True, generic=shown)


def explain_media_type(code: object) -> Explanation:
    """Decode media_type (1 text chat ... 55 H5 video chat); empty, -1 and 65535 are not used."""
    return _explain_media_token(_token(code), language())


@functools.lru_cache(maxsize=256)
def _explain_agent_token(token: _Token, lang: str) -> Explanation:
    """Cached body of :func:`explain_agent_type`, in language ``lang``."""
    generic = translate("Codes", AGENT_TYPE_GENERIC)
    if token is _NOT_USED:
        return _not_used(generic)
    unknown = translate("Codes", "unknown agent type {code}").format(code=token)
    if not isinstance(token, int):
        return Explanation(unknown, known=False, generic=generic)
    parts = []
    if token in AGENT_TYPES_CTI:
        name = translate("AgentType", AGENT_TYPES_CTI[token])
        parts.append(translate("Codes", "{name} (CTI)").format(name=name))
    if token in AGENT_TYPES_CONFIGURATION:
        name = translate("AgentType", AGENT_TYPES_CONFIGURATION[token])
        parts.append(translate("Codes", "{name} (configuration)").format(name=name))
    if not parts:
        return Explanation(unknown, known=False, generic=generic)
    text = translate("Codes", "likely: {names}").format(names=" / ".join(parts))
    return Explanation(text, known=True, generic=generic)


def explain_agent_type(code: object) -> Explanation:
    """Decode agent_type, marking the meaning "likely" because two vendor tables disagree.

    Args:
        code: The agent_type cell value.

    Returns:
        E.g. "likely: PC + phone (CTI) / audio (configuration)" for 4; ``generic`` holds both
        tables. Codes in neither table give "unknown agent type N" (``known=False``).
    """
    return _explain_agent_token(_token(code), language())


def explain_call_in_out(code: object) -> Explanation:
    """Show callIn_out raw: its meanings are documented but its numeric codes are not.

    A text kept verbatim (``VerbatimCode``: not a plain integer) is unknown.
    """
    if isinstance(code, VerbatimCode) and not is_not_used(code):
        text = translate("Codes", "unknown code {code}").format(code=code.shown())
        return Explanation(text, known=False, generic=call_in_out_generic())
    text = "" if code is None else _show(code)
    return Explanation(text, known=True, generic=call_in_out_generic())


def describe_call_in_out(code: object) -> str:
    """callIn_out in words where no tooltip carries its documented meanings (a sheet's cell).

    Returns:
        E.g. "undocumented code 2 (inbound/outbound/IVR outbound/campaign outbound)"; "not used"
        for a "not used" marker; "" for an empty cell. In the current language.
    """
    if _empty_cell(code):
        return ""
    if is_not_used(code):
        return not_used_text()
    if isinstance(code, VerbatimCode):
        return translate("Codes", "unknown code {code} (not a plain integer)").format(
            code=code.shown()
        )
    return translate("Codes", "undocumented code {code} ({meanings})").format(
        code=_show(code), meanings=translate("Codes", CALL_IN_OUT_MEANINGS)
    )


# --------------------------------------------------------------------------------------------
# Site-definable codes
# --------------------------------------------------------------------------------------------


def site_code(op_type: int, code: int) -> SiteCode | None:
    """The site-definable range holding ``(op_type, code)``, or None."""
    if isinstance(op_type, bool) or isinstance(code, bool):
        return None
    if not isinstance(op_type, int) or not isinstance(code, int):
        return None
    for entry in _SITE_BY_TYPE.get(op_type, ()):
        if entry.contains(code):
            return entry
    return None


def is_site_definable(op_type: int, code: int) -> bool:
    """Whether a site may name this code (busy 200-250, rest 0-255, work 0-255, ...)."""
    return site_code(op_type, code) is not None


# --------------------------------------------------------------------------------------------
# Plain-text summary for the command line
# --------------------------------------------------------------------------------------------

_OBJECT_MEANING = {
    ObjectKind.NOT_USED: QT_TRANSLATE_NOOP(
        "Codes", "not used (US_NO_USE = 65535; -1 in file exports)"
    ),
    ObjectKind.WORK_ID: QT_TRANSLATE_NOOP("Codes", "a work ID"),
    ObjectKind.QC_WORK_ID: QT_TRANSLATE_NOOP("Codes", "the work ID of a QC inspector"),
    ObjectKind.NOT_BILLED: QT_TRANSLATE_NOOP("Codes", '"-" (nothing written to the bill)'),
}

_REASON_MEANING = {
    REASON_NOT_USED: QT_TRANSLATE_NOOP("Codes", "not used (US_NO_USE = 65535; -1 in file exports)"),
    REASON_CODES: QT_TRANSLATE_NOOP("Codes", "a reason code (documented reasons below)"),
    REASON_NOT_BILLED: QT_TRANSLATE_NOOP("Codes", '"-" (nothing written to the bill)'),
}


_WIDTH = 100


def _wrap(lines: list[str]) -> str:
    """Join lines, wrapping long ones at ``_WIDTH`` with a hanging indent.

    Chinese lines are left whole: ``textwrap`` breaks at spaces, which Chinese does not have.
    """
    out: list[str] = []
    for line in lines:
        if all(len(part) <= _WIDTH for part in line.split("\n")) or language() != "en":
            out.append(line)
            continue
        indent = line[: len(line) - len(line.lstrip())]
        out.append(
            textwrap.fill(
                line.strip(), width=_WIDTH, initial_indent=indent, subsequent_indent=indent + "    "
            )
        )
    return "\n".join(out)


def _decoded_line(name: str, raw: object, explanation: Explanation) -> list[str]:
    """Lines describing one decoded cell: raw value, text, documented meaning, flags."""
    flag = "" if explanation.known else translate("Codes", "  [UNKNOWN]")
    if explanation.site_label:
        flag = translate("Codes", "  [site label]")
    shown = _text(raw) or translate("Codes", "(empty)")
    lines = [
        translate("Codes", "  {name} {value}: {text}").format(
            name=name, value=shown, text=explanation.text
        )
        + flag
    ]
    if explanation.generic and explanation.generic != explanation.text:
        lines.append(translate("Codes", "    documented: {text}").format(text=explanation.generic))
    return lines


def describe_codes(
    op_type: object,
    cause: object = None,
    obj: object = None,
    labels: Mapping[tuple[int, int], str] | None = None,
) -> str:
    """Explain a bill's codes in a few plain-text lines, the quick answer to "what is this?".

    Used by ``bill-viewer decode OP_TYPE [--cause N] [--object N]``, in the current language.
    ``cause`` and ``obj`` of None mean "not given" and are not decoded (pass ``"65535"`` to
    decode a marker).

    Args:
        op_type: The operation type code.
        cause: The op_cause value to decode, if any.
        obj: The op_object value to decode, if any.
        labels: Site labels by ``(op_type, code)``.

    Returns:
        Multi-line text without a trailing newline.
    """
    op = parse_code(op_type)
    info = op_type_info(op)
    head = explain_op_type(op_type)
    object_word, cause_word = translate("Codes", "object"), translate("Codes", "cause")
    object_head = translate("Codes", "Object column:")
    reason_head = translate("Codes", "Reason column:")
    lines: list[str] = []
    if info is None:
        shown = _text(op_type) or translate("Codes", "(empty)")
        lines.append(
            translate("Codes", "Operation type {code}: {text}  [UNKNOWN]").format(
                code=shown, text=head.text
            )
        )
        lines.append(translate("Codes", "  The vendor table defines types 0-47 and 50-60."))
        if obj is not None:
            lines.append(object_head)
            lines.extend(_decoded_line(object_word, obj, explain_object(op_type, obj)))
        if cause is not None:
            lines.append(reason_head)
            lines.extend(_decoded_line(cause_word, cause, explain_reason(op_type, cause, labels)))
        return _wrap(lines)

    lines.append(
        translate("Codes", "Operation type {code}: {text}").format(
            code=info.code, text=info.short_text
        )
    )
    lines.append(f"  {info.description_text}")
    if not info.billed:
        lines.append(
            translate(
                "Codes",
                '  Not normally billed: the table shows "-" for object and reason (the operation '
                "does not write a bill); such a bill is still shown.",
            )
        )
    if info.table_note:
        lines.append(
            translate("Codes", "  Note: {note}").format(note=translate("OpType", info.table_note))
        )

    object_meaning = translate("Codes", _OBJECT_MEANING[info.object_kind])
    lines.append(translate("Codes", "Object column: {meaning}").format(meaning=object_meaning))
    if info.note_codes:
        lines.append(
            translate(
                "Codes",
                "  {note} (the table does not say whether these belong to the object or the "
                "reason column)",
            ).format(note=info.note_text)
        )
    if obj is not None:
        lines.extend(_decoded_line(object_word, obj, explain_object(info.code, obj)))

    if info.reason_kind in _REASON_MEANING:
        reason_meaning = translate("Codes", _REASON_MEANING[info.reason_kind])
    else:
        reason_meaning = translate("OpType", info.reason_note)
    lines.append(translate("Codes", "Reason column: {meaning}").format(meaning=reason_meaning))
    if info.reason_note and info.reason_kind != REASON_FREE:
        lines.append(f"  {translate('OpType', info.reason_note)}")
    if cause is not None:
        lines.extend(_decoded_line(cause_word, cause, explain_reason(info.code, cause, labels)))

    if info.reasons:
        lines.append(translate("Codes", "Documented reasons:"))
        width = max(len(r.codes_text()) for r in info.reasons)
        site = translate("Codes", "  [site-definable]")
        for entry in info.reasons:
            prefix = f"  {entry.codes_text():<{width}}  "
            text = entry.meaning + (site if entry.site_definable else "")
            if language() != "en":
                lines.append(prefix + text)
                continue
            lines.append(
                textwrap.fill(
                    text,
                    width=_WIDTH,
                    initial_indent=prefix,
                    subsequent_indent=" " * len(prefix),
                )
            )
    for entry in _SITE_BY_TYPE.get(info.code, ()):
        if not info.reasons:
            lines.append(
                translate("Codes", "Site-definable codes: {low}-{high} ({meaning})").format(
                    low=entry.low, high=entry.high, meaning=_lower_first(entry.generic_text)
                )
            )
    return _wrap(lines)
