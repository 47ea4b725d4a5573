"""The import's reject reasons and per-file notes: made in English, shown in the reader's language.

They are stored (rejected lines in the database, a file's note in its ledger row), so they are
written once in English from these templates and translated where they are shown
(:func:`reason_text`), whatever language the import ran in: a team database read by an English
and a Chinese user shows each their own.
"""

from __future__ import annotations

from viewer.core.i18n import QT_TRANSLATE_NOOP, translate_message

OVERSIZED = QT_TRANSLATE_NOOP("Import", "oversized line (over {size} KiB)")
UNDECODABLE = QT_TRANSLATE_NOOP("Import", "undecodable bytes (neither UTF-8 nor GB18030)")
UNTERMINATED_QUOTE = QT_TRANSLATE_NOOP(
    "Import", "unterminated quote (a quoted field runs on past the end of this line)"
)
MALFORMED = QT_TRANSLATE_NOOP("Import", "malformed CSV ({error})")
LONE_CR_EXTRA = QT_TRANSLATE_NOOP(
    "Import",
    "more than 21 fields and a lone CR (carriage return) in the line: records joined by "
    "CR line ends in a file whose lines end with LF?",
)
TOO_FEW_COLUMNS = QT_TRANSLATE_NOOP("Import", "too few columns ({count}; a bill has {min} to 21)")
EMPTY_ID = QT_TRANSLATE_NOOP("Import", "empty bill id")
UNPARSEABLE_TIME = QT_TRANSLATE_NOOP("Import", "unparseable {field} {value}")
TIME_OUT_OF_RANGE = QT_TRANSLATE_NOOP(
    "Import", "{field} {value} outside the range the viewer can show and export ({range})"
)
HEADER_RECOGNISED = QT_TRANSLATE_NOOP("Import", "header row recognised")
EXTRA_COLUMNS = QT_TRANSLATE_NOOP(
    "Import", "{count} line(s) had extra trailing columns, kept aside"
)
CONFLICTS = QT_TRANSLATE_NOOP("Import", "{count} bill id(s) already stored with other values")
CANCELLED = QT_TRANSLATE_NOOP("Import", "{name}: cancelled, nothing of this file was kept")
ALREADY_IMPORTED = QT_TRANSLATE_NOOP(
    "Import", "{name}: already imported on {when} (as {first}); use --force to read it again"
)
NOTE_SEPARATOR = QT_TRANSLATE_NOOP("Import", "; ")

NOT_A_BILL_EXPORT = QT_TRANSLATE_NOOP(
    "Import",
    "{name}: not an agent operation bill export (no line has {min}-21 fields with a begin time "
    "in field 8)",
)
BINARY = QT_TRANSLATE_NOOP("Import", "{name}: binary data, not a CSV bill export")
EMPTY_FILE = QT_TRANSLATE_NOOP("Import", "{name}: empty file, no bills in it")
BLANK_LINES = QT_TRANSLATE_NOOP("Import", "{name}: only blank lines, no bills in it")
BAD_FIRST_LINE = QT_TRANSLATE_NOOP("Import", "{name}: line {line}: {reason}")
CANNOT_READ = QT_TRANSLATE_NOOP("Import", "{name}: cannot read ({error})")
ZIP_MEMBER_GONE = QT_TRANSLATE_NOOP("Import", "{name}: no longer in the zip archive")
ZIP_ENCRYPTED = QT_TRANSLATE_NOOP(
    "Import",
    "{name}: the zip member is encrypted (password-protected); extract it with its password "
    "and import the CSV",
)
ZIP_METHOD = QT_TRANSLATE_NOOP(
    "Import",
    "{name}: the zip member is compressed with a method this program cannot read ({error}); "
    "extract it with an archive tool and import the CSV",
)
ZIP_DAMAGED = QT_TRANSLATE_NOOP(
    "Import", "{name}: the zip member is damaged, it cannot be decompressed ({error})"
)

TEMPLATES: tuple[str, ...] = (
    OVERSIZED,
    UNDECODABLE,
    UNTERMINATED_QUOTE,
    MALFORMED,
    LONE_CR_EXTRA,
    TOO_FEW_COLUMNS,
    EMPTY_ID,
    UNPARSEABLE_TIME,
    TIME_OUT_OF_RANGE,
    HEADER_RECOGNISED,
    EXTRA_COLUMNS,
    CONFLICTS,
    CANCELLED,
    ALREADY_IMPORTED,
    NOT_A_BILL_EXPORT,
    BINARY,
    EMPTY_FILE,
    BLANK_LINES,
    ZIP_MEMBER_GONE,
    ZIP_ENCRYPTED,
    ZIP_METHOD,
    ZIP_DAMAGED,
    CANNOT_READ,
    BAD_FIRST_LINE,
)
"""Every template an import's stored reason or note is made from, most specific first."""


def reason_text(text: str) -> str:
    """A stored reject reason or file note in the current language (unchanged if not ours)."""
    return translate_message("Import", TEMPLATES, text, NOTE_SEPARATOR)
