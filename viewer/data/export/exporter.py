"""Excel export an auditor accepts: exactly the filtered view, typed, with its provenance.

``export_xlsx`` writes the bills a ``BillFilter`` selects, in its sort order, with the chosen
columns (``viewer.core.columns``), into an ``.xlsx`` workbook:

* "Bills" (continued in "Bills (2)", ... past Excel's 1,048,575 data rows): a bold, frozen header
  with an autofilter; begin and end as real date-times, the duration as seconds, every code as
  its number beside a "(meaning)" column with its explanation (site labels included), the source
  as file name and line, everything else as text.
* extra sheets given by the caller (``SheetSpec``; the investigation's "Summary", "Anomalies").
* "Filter ids" (or "Filter agents", ...), only for a filter too long for one cell: its long
  lists, one value per row, referred to from the Report's filter JSON by count and SHA-256.
* "Report": who made the file, when, from which database and source files, with which filter,
  the counts and a SHA-256 over the exported rows (``recompute_sha256`` checks it again), and
  an Ed25519 signature of the whole workbook by the user's key (``viewer.data.export.signing``: the
  canonical form is digested while the cells are written; ``verify_xlsx`` checks it).

Every sheet prints A4 landscape, one page wide, header row repeated, with the file name and
"Page N of M" (``apply_print_settings``); the Report's wrapped rows get their heights.

Safety: text that Excel would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) or as an
error code is written as a text cell with Excel's "quote prefix", so it shows as typed; the file is
written into a hidden folder beside the target and renamed into place only when complete, so a
cancel, an error or a full disk leaves neither a partial workbook nor temporary files (and the
folders of an export killed outright are removed by a later export to the same folder: at once,
as their lock is free, or for folders of earlier versions once ``STALE_AFTER_SECONDS`` old). A
damaged database (SQLite's quick check) is refused before anything is written. Nothing is cut
silently: a value longer than a cell holds ends with ``TRUNCATED_MARK`` and the Report counts such
cells; a filter too long for one cell keeps its JSON valid by moving its long lists to
"Filter <field>" sheets (``read_export_filter``).

Speed: openpyxl builds the workbook, ``xlsx_stream`` streams the sheets' rows as text
straight into the zip (deflated on a second thread), plain values for plain cells, explanations
cached per distinct code, rows streamed from ``queries.iter_rows`` (memory stays flat).
"""

from __future__ import annotations

import base64
import contextlib
import errno
import getpass
import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.exc import DBAPIError

from viewer import __version__
from viewer.core import codes
from viewer.core.columns import CODE, DEFAULT_KEYS, DURATION, IDX, SOURCE, TIME, Column, column
from viewer.core.describe import describe_filter
from viewer.core.errors import DatabaseError, ExportError
from viewer.core.filters import BillFilter
from viewer.core.records import TIME_LABEL
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.core.timefmt import from_epoch, now_local_text, time_label
from viewer.data import queries
from viewer.data.db import Database, friendly_db_error
from viewer.data.export import signing
from viewer.data.export.xlsx_stream import SheetStream, StreamBook, Styled
from viewer.data.export.xlsx_stream import _number as _stream_number
from viewer.data.zone import ZONE_KEY

try:
    import fcntl
except ImportError:  # Windows: msvcrt.locking instead
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "BILLS_TITLE",
    "DATETIME_FORMAT",
    "EMPTY_NOTE",
    "HASH_LABEL",
    "MAX_DATA_ROWS",
    "REPORT_TITLE",
    "ExportResult",
    "SheetSpec",
    "SignatureCheck",
    "VerifyResult",
    "CUT_LABEL",
    "FILTER_JSON_LABEL",
    "FILTER_SHEET_PREFIX",
    "STALE_AFTER_SECONDS",
    "TRUNCATED_MARK",
    "canonical_digest",
    "canonical_text",
    "excel_text",
    "export_header",
    "export_xlsx",
    "read_export_filter",
    "recompute_sha256",
    "remove_stale_parts",
    "apply_print_settings",
    "verify_xlsx",
]

MAX_DATA_ROWS = 1_048_575
"""Data rows of one sheet: Excel's 1,048,576 rows less the header."""

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
"""Number format of begin and end (and of date-times in extra sheets without their own)."""

BILLS_TITLE = "Bills"
REPORT_TITLE = "Report"
HASH_LABEL = "SHA-256 of the exported rows"
"""Column A of the Report row whose column B holds the row hash (``verify_xlsx`` reads it)."""
EXPORTED_LABEL = "Bills exported"
SIGNED_BY_LABEL = "Signed by"
PUBLIC_KEY_LABEL = "Signing key (Ed25519 public key, base64)"
FINGERPRINT_LABEL = "Signing key fingerprint"
SIGNATURE_LABEL = "Signature (Ed25519, base64)"
"""Column A of the Report's last row; its column B, the signature, is the one cell not signed."""

SIGNATURE_MEANING = (
    "The SHA-256 of the rows only catches accidents: anyone who edits a cell can recompute it. "
    "The signature covers the whole workbook (every sheet, cell, type and number format, this "
    "Report's statements included) and can only be made with the private key whose public "
    "key and fingerprint are above. A valid signature proves that nothing changed since the "
    "holder of that key made the file. It does not prove who holds the key (compare the "
    "fingerprint with the one the maker gave you, or check with 'bill-viewer verify FILE.xlsx "
    "--key THEIR-KEY.pem'), that the database and its source files were complete or genuine, "
    "or when the file was made ('Generated at' is the clock of the computer that made it)."
)

EMPTY_NOTE = "No bill matches the filter of this export (see the Report sheet)."
"""The only row of an empty export's Bills sheet; not an exported row, so not hashed."""

HASH_METHOD = (
    "Take the sheets Bills, Bills (2), ... in order: the header row once, then every row below "
    "the header of each sheet (an empty export's single note row excepted). Write each cell as "
    "text: an empty cell as nothing; text as Excel shows it, which is not always as it is stored: "
    "the file keeps a character XML cannot carry (a control character such as CR) as Excel's "
    "escape _xHHHH_ and a literal '_xHHHH_' of the data as '_x005F_xHHHH_'; Excel decodes these, "
    "openpyxl and some other readers return them as stored, so replace every _xHHHH_ (H a hex "
    "digit) by the character U+HHHH in one left-to-right pass; a whole number in decimal digits, "
    "any other number as Python's repr() of the float, a date-time as YYYY-MM-DD HH:MM:SS. A "
    "cell cut to fit Excel's limit counts as it stands, its '\u2026 [truncated, N characters]' "
    "included. Pad each row with empty cells to the header's width, join its cells with a tab "
    "(U+0009) and end it with a line feed (U+000A). The SHA-256 of that text encoded as UTF-8, "
    "in hex, must equal the value above. 'bill-viewer verify FILE.xlsx' recomputes it."
)
"""How to recompute the row hash (the Report sheet states it). Files made by version 0.1.0 hashed
text as stored, escapes undecoded; ``verify_xlsx`` accepts that form too (``VerifyResult.legacy``).
"""

TRUNCATED_MARK = "\u2026 [truncated, {n:,} characters]"
"""Ends a text cut to fit a cell; ``n`` is the value's full length (the database keeps it all)."""

CUT_LABEL = "Cells cut to Excel's limit"
"""Column A of the Report row whose column B counts the cells that end with ``TRUNCATED_MARK``."""

FILTER_JSON_LABEL = "Filter (JSON)"
FILTER_SHEET_PREFIX = "Filter "
"""A filter list too long for the Report's JSON cell goes to the sheet "Filter <field>"."""

STALE_AFTER_SECONDS = 6 * 3600
"""A temporary export folder untouched this long is a leftover of a killed export (removed)."""

_EXCEL_DAY0 = 25569
"""Excel's serial day number of 1970-01-01 (the 1900 date system)."""
_MARCH_1900 = -2_203_891_200
"""Seconds of 1900-03-01: Excel's serials are only plain day counts from here on."""
_MAX_TEXT = 32_767
"""Longest text an Excel cell holds (UTF-16 units; openpyxl also cuts the stored text there)."""
_PLAIN_MAX = _MAX_TEXT // 2
"""Text of at most this many characters fits a cell whatever it holds (2 UTF-16 units each)."""
_MAX_EXACT_INT = 10**15
"""Excel keeps 15 significant digits: longer numeric codes stay text."""
_RISKY_FIRST = "=+-@#"
_FORMULA_FIRST = frozenset("=+-@\t\r")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_EXCEL_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")
_INT_TEXT = re.compile(r"-?[0-9]{1,15}")
_CHECK_EVERY = 1000
_SAMPLE_ROWS = 1000
_MIN_WIDTH, _MAX_WIDTH = 6, 60
_CACHE_LIMIT = 50_000
_REPORT_WRAP = 90

Labels = Mapping[tuple[int, int], str]


@dataclass(frozen=True)
class SheetSpec:
    r"""An extra sheet for the export (e.g. the investigation's "Summary" and "Anomalies").

    Attributes:
        title: Sheet name (at most 31 characters, none of ``[]:*?/\\``).
        header: Column titles (written bold, frozen, with an autofilter).
        rows: The rows, streamed once; values may be text, numbers, date-times or None.
        number_formats: Excel number formats by zero-based column, e.g. ``{2: "0.0"}``;
            date-times without one get ``DATETIME_FORMAT``.
    """

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    number_formats: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    rows: int
    """Bills exported."""
    sheets: tuple[str, ...]
    """Every sheet, in workbook order."""
    sha256: str
    """The row hash written to the Report sheet (see ``HASH_METHOD``)."""
    matching: int
    """Bills matching the filter when the export started (equals ``rows``)."""
    total: int
    """Bills in the database."""
    cut_cells: int = 0
    """Cells cut to Excel's limit (each ends with ``TRUNCATED_MARK``; the Report counts them)."""
    signed_by: str = ""
    """The signing key's name (empty: not signed)."""
    fingerprint: str = ""
    """The signing key's fingerprint (empty: not signed)."""

    @property
    def bill_sheets(self) -> tuple[str, ...]:
        """The sheets holding the bills ("Bills", "Bills (2)", ...)."""
        return tuple(s for s in self.sheets if _is_bill_sheet(s))


# --------------------------------------------------------------------------------------------
# Cell values
# --------------------------------------------------------------------------------------------


def canonical_text(value: object) -> str:
    """A cell value as text in the row hash's canonical form (see ``HASH_METHOD``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value)


def excel_text(stored: str) -> str:
    """Text as Excel shows it: every ``_xHHHH_`` escape of the file decoded, left to right.

    openpyxl returns a text cell as stored, escapes included (``_x000D_bar`` for CR + "bar");
    this is what Excel shows (and what the row hash covers, see ``HASH_METHOD``).
    """
    if "_x" not in stored:
        return stored
    return _EXCEL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), stored)


def _escape_xml_unsafe(match: re.Match[str]) -> str:
    return f"_x{ord(match.group()):04X}_"


def _escape(value: str) -> str:
    """The text as the file stores it: Excel's ``_xHHHH_`` escapes where XML cannot carry it."""
    if "_x" in value:
        value = _LITERAL_ESCAPE.sub("_x005F_", value)
    return _XML_UNSAFE.sub(_escape_xml_unsafe, value)


def _units(text: str) -> int:
    """Length as Excel counts it (UTF-16 units), computed only where it can matter."""
    if len(text) <= _PLAIN_MAX:
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _fits(text: str) -> bool:
    """Whether a text fits one cell once stored."""
    return _units(_escape(text)) <= _MAX_TEXT


def _forced(value: str) -> bool:
    """Whether a text must be a quote-prefixed text cell (formula or error code shaped)."""
    return value[:1] in _FORMULA_FIRST or value in ERROR_CODES


def _clean_text(value: str) -> tuple[str, bool, str, bool]:
    """``(stored, forced, shown, cut)`` of a text.

    ``stored`` is what the file holds, ``forced`` whether it must be a quote-prefixed text cell,
    ``shown`` what Excel shows (the row hash's form) and ``cut`` whether it had to be cut.
    Characters XML cannot carry (control characters, CR, lone surrogates) are written with
    Excel's ``_xHHHH_`` escape, which Excel turns back into the character (and a literal
    ``_xHHHH_`` gets its underscore escaped, as Excel does). Text longer than a cell holds keeps
    what fits and ends with ``TRUNCATED_MARK``: never cut silently.
    """
    forced = _forced(value)
    stored = _escape(value)
    if _units(stored) <= _MAX_TEXT:
        return stored, forced, value, False
    mark = TRUNCATED_MARK.format(n=len(value))
    budget = _MAX_TEXT - _units(mark)
    keep = min(len(value), budget)
    while True:  # escapes and astral characters take more room: shrink until it fits
        stored = _escape(value[:keep])
        over = _units(stored) - budget
        if over <= 0:
            break
        keep -= over
    return stored + mark, forced, value[:keep] + mark, True


def _plain(value: str) -> bool:
    """Whether text can be written as it is (the common case, tested cheaply)."""
    return (
        value.isprintable()
        and value[0] not in _RISKY_FIRST
        and "_x" not in value
        and len(value) <= _PLAIN_MAX
    )


class _Cells:
    """Makes the few cells that need a style: times, quote-prefixed text, bold titles.

    It also counts the text cells cut to fit (``cut``, by sheet and column).
    """

    def __init__(self, anchor: Any) -> None:
        self.anchor = anchor
        """A worksheet of the workbook: the parent of loose cells (styles are per workbook)."""
        self._formats: dict[str, Any] = {}
        template = Cell(anchor, 1, 1)
        template.quotePrefix = True
        self._quoted = template._style
        self.bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")
        self.cut: Counter[str] = Counter()
        """Cells cut to fit, by "sheet: column"."""

    def style_for(self, number_format: str) -> Any:
        """The style array of a number format (made once per format)."""
        style = self._formats.get(number_format)
        if style is None:
            template = Cell(self.anchor, 1, 1)
            template.number_format = number_format
            style = self._formats[number_format] = template._style
        return style

    def quoted(self, text: str) -> Cell:
        """A text cell that stays text: data type "s" (never a formula) and a quote prefix."""
        cell = Cell(self.anchor, 1, 1, style_array=self._quoted)
        cell.value = text
        cell.data_type = "s"
        return cell

    def prepare(self, value: str) -> tuple[Any, str, bool]:
        """``(cell value, shown text, cut)`` for any text; counts nothing (for caches)."""
        if value and _plain(value):
            return value, value, False
        stored, forced, shown, cut = _clean_text(value)
        return (self.quoted(stored) if forced else stored), shown, cut

    def text(self, value: str, where: str = "") -> tuple[Any, str]:
        """``(cell value, shown text)`` for any text; a cut is counted under ``where``."""
        cell, shown, cut = self.prepare(value)
        if cut:
            self.cut[where] += 1
        return cell, shown

    def wrapped(self, value: Any) -> Cell:
        """The value (or text cell) wrapped within its column, aligned to the top."""
        cell = value if isinstance(value, Cell) else Cell(self.anchor, 1, 1, value=value)
        cell.alignment = self._wrap
        return cell

    def time(self, seconds: int, style: Any) -> Styled | str:
        """A date-time cell for stored seconds (an Excel serial number with a date format).

        Before 1900-03-01 it is the time as text: Excel has no day before 1900-01-01 and
        readers disagree on January and February 1900 (LibreOffice puts them a day early).
        """
        if seconds >= _MARCH_1900:
            return Styled(_EXCEL_DAY0 + seconds / 86400, style)
        return from_epoch(seconds)

    def header(self, titles: Sequence[str]) -> list[Cell]:
        """Bold text cells for a header row."""
        cells = []
        for title in titles:
            cell = self.quoted(title) if _forced(title) else Cell(self.anchor, 1, 1, value=title)
            cell.font = self.bold
            cells.append(cell)
        return cells

    def value(
        self, value: object, number_format: str | None = None, where: str = ""
    ) -> tuple[Any, str]:
        """``(cell value, canonical text)`` for a value of an extra or report sheet."""
        if value is None or value == "":
            return None, ""
        if isinstance(value, str):
            return self.text(value, where)
        if isinstance(value, datetime | date):
            if (value.year, value.month) < (1900, 3):  # as text, like bill times (see time)
                return self.text(canonical_text(value), where)
            fmt = number_format or (
                DATETIME_FORMAT if isinstance(value, datetime) else "yyyy-mm-dd"
            )
            return Cell(
                self.anchor, 1, 1, value=value, style_array=self.style_for(fmt)
            ), canonical_text(value)
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _MAX_EXACT_INT:
            return self.text(str(value), where)  # Excel keeps 15 digits: the digits as text
        if isinstance(value, bool | int | float):
            if number_format:
                cell = Cell(
                    self.anchor, 1, 1, value=value, style_array=self.style_for(number_format)
                )
                return cell, canonical_text(value)
            return value, canonical_text(value)
        return self.text(str(value), where)


# --------------------------------------------------------------------------------------------
# Bill rows
# --------------------------------------------------------------------------------------------


def export_header(keys: Sequence[str]) -> tuple[str, ...]:
    """The Bills header for these column keys: codes get a "(meaning)" column after them."""
    titles: list[str] = []
    for key in keys:
        col = column(key)
        if col.kind == DURATION:
            titles.append(f"{col.title} (s)")
        elif col.kind == CODE:
            titles += [col.title, f"{col.title} (meaning)"]
        elif col.kind == SOURCE:
            titles += [col.title, "Source line"]
        else:
            titles.append(col.title)
    return tuple(titles)


Step = Callable[[Sequence[Any], list[Any], list[str]], None]


class _BillRows:
    """Turns a bill row into its cells and their canonical texts, column by column."""

    def __init__(
        self,
        columns: Sequence[Column],
        cells: _Cells,
        labels: Labels,
        source_names: Mapping[int, str],
    ) -> None:
        self.cells = cells
        self.labels = labels
        self.source_names = source_names
        self._time_style = cells.style_for(DATETIME_FORMAT)
        self._time_texts: dict[int, str] = {}
        self._steps = [self._step(col) for col in columns]

    def convert(self, row: Sequence[Any]) -> tuple[list[Any], list[str]]:
        """``(cells, texts)`` of one bill row."""
        out: list[Any] = []
        texts: list[str] = []
        for step in self._steps:
            step(row, out, texts)
        return out, texts

    def _time_text(self, seconds: int) -> str:
        text = self._time_texts.get(seconds)
        if text is None:
            if len(self._time_texts) > _CACHE_LIMIT:
                self._time_texts.clear()
            text = self._time_texts[seconds] = from_epoch(seconds)
        return text

    def _code_value(self, raw: object) -> tuple[Any, bool, str, bool]:
        """``(value, forced, shown, cut)`` of a raw code: a number where it is one, else text.

        A code kept verbatim (``VerbatimCode``: not a plain integer) is always its text.
        """
        if raw is None or raw == "":
            return None, False, "", False
        if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < _MAX_EXACT_INT:
            return raw, False, str(raw), False
        text = str(raw)  # a plain str, also for a ``VerbatimCode``
        if (
            not isinstance(raw, codes.VerbatimCode)
            and _INT_TEXT.fullmatch(text)
            and str(int(text)) == text
        ):
            return int(text), False, text, False
        if _plain(text):
            return text, False, text, False
        return _clean_text(text)

    def _step(self, col: Column) -> Step:
        cells = self.cells
        where = f"{BILLS_TITLE}: {col.title}"
        if col.kind == TIME:
            i = IDX[col.field or ""]
            style = self._time_style
            time_cell, time_text = cells.time, self._time_text

            def time_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
                seconds = row[i]
                if seconds is None or seconds == "":
                    out.append(None)
                    texts.append("")
                else:
                    out.append(time_cell(seconds, style))
                    texts.append(time_text(seconds))

            return time_step
        if col.kind == DURATION:
            raw = col.raw

            def duration_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
                value = raw(row)
                out.append(value)
                texts.append("" if value is None else str(value))

            return duration_step
        if col.kind == CODE:
            return self._code_step(col)
        if col.kind == SOURCE:
            sid, line = IDX["source_id"], IDX["line"]
            names: dict[int, tuple[Any, str]] = {}  # file names are short: never cut

            def source_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
                name = names.get(row[sid])
                if name is None:
                    text = self.source_names.get(row[sid], f"file #{row[sid]}")
                    name = names[row[sid]] = cells.text(text, where)
                out.append(name[0])
                texts.append(name[1])
                out.append(row[line])
                texts.append(str(row[line]))

            return source_step
        i = IDX[col.field or ""]
        text_cell = cells.text
        risky, longest = _RISKY_FIRST, _PLAIN_MAX

        def text_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
            value = row[i]
            if value is None or value == "":
                out.append(None)
                texts.append("")
            elif (  # ``_plain`` inlined: this runs for every text cell of every bill
                value.__class__ is str
                and value.isprintable()
                and value[0] not in risky
                and "_x" not in value
                and len(value) <= longest
            ):
                out.append(value)
                texts.append(value)
            else:
                cell, text = text_cell(value if isinstance(value, str) else str(value), where)
                out.append(cell)
                texts.append(text)

        return text_step

    def _code_step(self, col: Column) -> Step:
        """Raw code and explanation, cached per (operation type, code).

        The explanation of every code column depends on its own value and the operation type only.
        """
        meaning_of = _sheet_meaning(col)
        op, raw = IDX["op_type"], col.raw
        cache: dict[tuple[Any, Any], tuple[Any, ...]] = {}
        labels, cells = self.labels, self.cells
        quoted, cut = cells.quoted, cells.cut
        where = (f"{BILLS_TITLE}: {col.title}", f"{BILLS_TITLE}: {col.title} (meaning)")

        def code_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
            value = raw(row)
            key = (row[op], value)
            entry = cache.get(key)
            if entry is None:
                if len(cache) > _CACHE_LIMIT:
                    cache.clear()
                code, code_forced, code_text, code_cut = self._code_value(value)
                meaning = meaning_of(row, labels)
                if meaning and _plain(meaning):
                    stored, forced, shown, meaning_cut = meaning, False, meaning, False
                else:
                    stored, forced, shown, meaning_cut = _clean_text(meaning)
                cuts = tuple(w for w, c in zip(where, (code_cut, meaning_cut), strict=True) if c)
                entry = cache[key] = (
                    code,
                    code_forced,
                    code_text,
                    stored or None,
                    forced,
                    shown,
                    cuts,
                )
            code, code_forced, code_text, stored, forced, shown, cuts = entry
            out.append(quoted(code) if code_forced else code)
            out.append(quoted(stored) if forced else stored)
            texts.append(code_text)
            texts.append(shown)
            if cuts:
                for w in cuts:
                    cut[w] += 1

        return code_step


def _sheet_meaning(col: Column) -> Callable[[Sequence[Any], Labels], str]:
    """The text of a code column's "(meaning)" cell.

    The column's own explanation, except where the window shows the raw code and leaves its
    documented meaning to a tooltip that a sheet does not have (callIn_out: meanings
    documented, numeric codes not); there ``viewer.core.codes`` words it for a sheet.
    """
    if col.key == "callIn_out":
        raw = col.raw  # the verbatim text where the code is not a plain integer
        return lambda row, _labels: codes.describe_call_in_out(raw(row))
    explain = col.explain
    assert explain is not None
    return lambda row, labels: explain(row, labels).text


# --------------------------------------------------------------------------------------------
# Workbook plumbing: sheets written into a private folder, removed on any failure
# --------------------------------------------------------------------------------------------


def _check_title(title: str) -> None:
    if not title or len(title) > 31 or any(c in title for c in "[]:*?/\\"):
        raise ValueError(f"invalid sheet title {title!r}: 1-31 characters, none of []:*?/\\")


def _is_bill_sheet(title: str) -> bool:
    return title == BILLS_TITLE or re.fullmatch(rf"{BILLS_TITLE} \(\d+\)", title) is not None


def apply_print_settings(ws: Any, repeat_rows: int = 1) -> None:
    """Print settings an auditor's printout needs, for a sheet not yet started (write-only).

    A4 landscape, every column on one page width (as many pages down as it takes), the first
    ``repeat_rows`` rows (the header) repeated on every page, the file and sheet name in the
    page header and "Page N of M" in the footer.
    """
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if repeat_rows:
        ws.print_title_rows = f"1:{repeat_rows}"
    ws.oddHeader.center.text = "&F \u2013 &A"
    ws.oddFooter.center.text = "Page &P of &N"


def _row_height(values: Sequence[Any], widths: Sequence[float]) -> float | None:
    """Height (points) of a Report row whose wrapped texts need more than one line, else None.

    Spreadsheet programs do not all grow a row for wrapped text on their own (LibreOffice prints
    such rows one line high, overprinting the next), so the height is set: lines of at most
    the column's width in characters, 15 points each.
    """
    lines = 1
    for j, cell in enumerate(values):
        if not isinstance(cell, Cell) or not cell.alignment.wrap_text or j >= len(widths):
            continue
        value = cell.value
        if not isinstance(value, str):
            continue
        per_line = max(int(widths[j]) - 2, 10)
        need = sum(max(1, -(-len(part) // per_line)) for part in value.split("\n"))
        lines = max(lines, need)
    return 15.0 * lines if lines > 1 else None


class _Book:
    """The workbook, streamed into ``part`` as its sheets are written (``xlsx_stream``).

    Sheet XML goes straight into the zip (deflated on a second thread); nothing is staged beside
    the target but ``part`` itself, which ``export_xlsx`` renames into place or deletes.
    """

    def __init__(self, part: Path, cancel: CancelToken | None) -> None:
        self.part = part
        self._fp = part.open("wb")
        self.guarded = _GuardedFile(self._fp, cancel)
        self.stream = StreamBook(self.guarded)
        self.wb = self.stream.wb
        self._cells: _Cells | None = None
        self.canon = signing.Canon(number_text=_stream_number, style_format=self._style_format)
        """The canonical form of every row written (what the signature covers)."""

    def _style_format(self, style: Any) -> str:
        return Cell(self.cells.anchor, 1, 1, style_array=style).number_format

    def create(self, title: str) -> SheetStream:
        """A new sheet, not yet started (set widths and panes, then ``start``)."""
        _check_title(title)
        if title in self.wb.sheetnames:
            raise ValueError(f"two sheets are titled {title!r}")
        ws = self.stream.create_sheet(title)
        if self._cells is None:
            self._cells = _Cells(ws.ws)
        return ws

    @property
    def cells(self) -> _Cells:
        """The cell factory (after the first ``create``)."""
        assert self._cells is not None
        return self._cells

    def start(self, ws: SheetStream, widths: Sequence[float], freeze_header: bool) -> None:
        """Fix the sheet's column widths and panes and open it in the package."""
        for j, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = width
        if freeze_header:
            ws.freeze_panes = "A2"
        apply_print_settings(ws, repeat_rows=1 if freeze_header else 0)
        self.canon.sheet(ws.title)
        ws.start()

    def save(self) -> None:
        """Write the workbook's other parts, close the package and sync it to the disk."""
        try:
            self.stream.save()
        finally:
            self.guarded.kill()
        self._fp.flush()
        os.fsync(self._fp.fileno())
        self._fp.close()

    def discard(self) -> None:
        """Stop writing and close the file (after a failure; the caller deletes it)."""
        self.guarded.kill()
        self.stream.abandon()
        with contextlib.suppress(OSError):
            self._fp.close()


def _widths(header: Sequence[str], sample: Iterable[Sequence[str]]) -> list[float]:
    """Column widths that fit the header (bold, with a filter button) and the sampled rows."""
    widths = [len(h) + 5 for h in header]
    for texts in sample:
        for j, text in enumerate(texts[: len(widths)]):
            if len(text) + 2 > widths[j]:
                widths[j] = len(text) + 2
    return [float(min(max(w, _MIN_WIDTH), _MAX_WIDTH)) for w in widths]


class _Table:
    """One table written over as many sheets as it needs ("T", "T (2)", ...), header on each."""

    def __init__(
        self,
        book: _Book,
        title: str,
        header: Sequence[str],
        widths: Sequence[float],
        max_rows: int,
        first: SheetStream | None = None,
    ) -> None:
        self.book = book
        self.title = title
        self.header = list(header)
        self.widths = widths
        self.max_rows = max_rows
        self.sheets: list[str] = []
        self.rows = 0
        self._ws: SheetStream | None = None
        self._in_sheet = 0
        self._next(first)

    def _next(self, ws: SheetStream | None = None) -> None:
        self._finish()
        if ws is None:
            n = len(self.sheets) + 1
            ws = self.book.create(self.title if n == 1 else f"{self.title} ({n})")
        self.book.start(ws, self.widths, freeze_header=True)
        header = self.book.cells.header(self.header)
        ws.append(header)
        self.book.canon.written(header)
        self.sheets.append(ws.title)
        self._ws = ws
        self._in_sheet = 0

    def append(self, cells: Sequence[Any]) -> None:
        """Add a row, opening the next sheet when this one is full (rows, or XML near 2 GB)."""
        assert self._ws is not None
        if self._in_sheet >= self.max_rows or self._ws.full:
            self._next()
            assert self._ws is not None
        self._ws.append(cells)
        self.book.canon.written(cells)
        self._in_sheet += 1
        self.rows += 1

    def note(self, text: str) -> None:
        """A row that is not data (the empty export's note), in italics."""
        assert self._ws is not None
        cell = Cell(self.book.cells.anchor, 1, 1, value=text)
        cell.font = Font(italic=True)
        self._ws.append([cell])
        self.book.canon.written([cell])
        self._in_sheet += 1

    def _finish(self) -> None:
        ws = self._ws
        if ws is not None:
            last = get_column_letter(len(self.header))
            ws.auto_filter.ref = f"A1:{last}{self._in_sheet + 1}"
            ws.close()
            self._ws = None

    def close(self) -> None:
        """Finish the last sheet (its autofilter covers the rows written)."""
        self._finish()


class _GuardedFile:
    """The target's temporary file as the zip writer sees it: checks Cancel on every write.

    After ``kill()`` (the save ended, well or not) it only pretends: openpyxl leaves its zip
    writer open after an error, and the writer's late close must not touch the real file.
    """

    def __init__(self, fp: IO[bytes], cancel: CancelToken | None) -> None:
        self._fp = fp
        self._cancel = cancel
        self._dead = False
        self._pos = 0

    def kill(self) -> None:
        """From now on, write nowhere (positions are still counted for the zip writer)."""
        with contextlib.suppress(Exception):
            self._pos = self._fp.tell()
        self._dead = True

    def write(self, data: bytes) -> int:
        if self._dead:
            self._pos += len(data)
            return len(data)
        if self._cancel is not None:
            self._cancel.raise_if_set()
        return self._fp.write(data)

    def tell(self) -> int:
        return self._pos if self._dead else self._fp.tell()

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        if not self._dead:
            return self._fp.seek(offset, whence)
        self._pos = offset if whence == os.SEEK_SET else self._pos + offset
        return self._pos

    def seekable(self) -> bool:
        return True

    def flush(self) -> None:
        if not self._dead:
            self._fp.flush()

    def close(self) -> None:
        """Closing is the owner's business (``export_xlsx``), never the zip writer's."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._fp, name)


# --------------------------------------------------------------------------------------------
# Target checks and error messages
# --------------------------------------------------------------------------------------------


_MAX_NAME = 255
"""Longest file name (bytes) of the usual file systems (ext4, NTFS counts 255 UTF-16 units)."""


def _check_target(out: Path, force: bool) -> None:
    if out.suffix.lower() != ".xlsx":
        raise ExportError(f"{out}: the file name must end with .xlsx")
    size = len(os.fsencode(out.name))
    if size > _MAX_NAME:
        raise ExportError(
            f"{out}: the file name is {size:,} bytes long; file systems take at most "
            f"{_MAX_NAME}: choose a shorter name"
        )
    try:
        _check_target_file(out, force)
    except OSError as exc:  # a path too long for the system, an unreadable folder, ...
        raise ExportError(_os_message(exc, out)) from exc


def _check_target_file(out: Path, force: bool) -> None:
    if not out.parent.is_dir():
        raise ExportError(f"{out.parent}: no such folder; create it or choose another one")
    if out.is_dir():
        raise ExportError(f"{out}: is a folder; give a file name ending with .xlsx")
    if out.exists():
        if not force:
            raise ExportError(
                f"{out}: the file already exists; confirm overwriting it (--force) or choose "
                "another name"
            )
        try:  # a file open in Excel (Windows) or read-only fails here, before any work
            with out.open("r+b"):
                pass
        except OSError as exc:
            raise ExportError(_os_message(exc, out)) from exc


def _os_message(exc: OSError, out: Path) -> str:
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return (
            f"{out}: the disk is full; nothing was written "
            "(free some space or choose another drive)"
        )
    if isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EPERM, errno.EBUSY):
        return (
            f"{out}: cannot write the file: it is open in another program (close it in Excel) "
            "or you have no permission to write there"
        )
    if exc.errno == errno.ENAMETOOLONG:
        return f"{out}: the file name or path is too long; choose a shorter one"
    if isinstance(exc, FileNotFoundError):
        return f"{out}: the folder disappeared during the export; nothing was written"
    return f"{out}: cannot write the file ({exc.strerror or exc}); nothing was written"


_PART_FOLDER = re.compile(r"\.(.+\.xlsx)\.[a-z0-9_]{8}\.part", re.IGNORECASE)
"""A temporary folder of ``export_xlsx`` (``tempfile.mkdtemp`` names: 8 of ``[a-z0-9_]``)."""
_PART_SHEET = re.compile(r"sheet[0-9]+\.xml")
_LOCK_NAME = "export.lock"
"""Locked by the running export (an OS lock, released when its process ends, however)."""
_PART_EXTRA = len(".") + len(".XXXXXXXX.part")


def _part_stem(name: str) -> str:
    """The target's name in its temporary folder's name, cut (before .xlsx) to fit 255 bytes."""
    budget = _MAX_NAME - _PART_EXTRA
    if len(os.fsencode(name)) <= budget:
        return name
    stem, suffix = name[: -len(".xlsx")], name[-len(".xlsx") :]
    while len(os.fsencode(stem + suffix)) > budget:
        stem = stem[:-1]
    return stem + suffix


def _try_lock(fd: int) -> bool:
    """Lock an open file without waiting; False when another process holds it."""
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:  # Windows
            import msvcrt

            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
    except OSError:
        return False
    return True


def _hold_lock(folder: Path) -> int:
    """Lock ``folder``'s lock file for as long as this export runs; returns its descriptor.

    The file is locked under a temporary name and renamed, so ``remove_stale_parts`` never
    finds it unlocked while its export lives.
    """
    tmp = folder / f"{_LOCK_NAME}.tmp"
    fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        if not _try_lock(fd):
            raise OSError(errno.EAGAIN, "cannot lock the export's temporary folder")
        os.replace(tmp, folder / _LOCK_NAME)
    except OSError:
        os.close(fd)
        raise
    return fd


def _owner_gone(folder: str) -> int | None:
    """A descriptor holding the lock of a part folder whose export has ended, else None."""
    try:
        fd = os.open(os.path.join(folder, _LOCK_NAME), os.O_RDWR)
    except OSError:
        return None  # no lock file: an export of an earlier version, or one just starting
    if _try_lock(fd):
        return fd
    os.close(fd)
    return None


def remove_stale_parts(folder: Path, max_age: float = STALE_AFTER_SECONDS) -> list[Path]:
    """Remove what exports killed outright (SIGKILL, a crash, a power cut) left in ``folder``.

    Only folders named as ``export_xlsx`` names its own (``.NAME.xlsx.XXXXXXXX.part``), holding
    nothing but its own files (``sheetN.xml``, ``NAME.xlsx`` and its lock file), and either
    with a lock file that no process holds (its export was killed: removed at once) or, for
    folders without one, none of them modified for ``max_age`` seconds (a running export writes
    into its folder all the time). Errors are ignored: this is housekeeping.

    Returns:
        The folders removed.
    """
    removed: list[Path] = []
    cutoff = time.time() - max_age
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _PART_FOLDER.fullmatch(entry.name)
        if match is None or not entry.is_dir(follow_symlinks=False):
            continue
        gone = _owner_gone(entry.path)
        try:
            if gone is None and entry.stat().st_mtime > cutoff:
                continue
            files = list(os.scandir(entry.path))
            if not all(
                f.is_file(follow_symlinks=False)
                and _part_file(f.name, match.group(1))
                and (gone is not None or f.stat(follow_symlinks=False).st_mtime <= cutoff)
                for f in files
            ):
                continue
            if gone is not None:  # Windows removes no open file
                os.close(gone)
                gone = None
            for f in files:
                os.remove(f.path)
            os.rmdir(entry.path)
        except OSError:
            continue
        finally:
            if gone is not None:
                os.close(gone)
        removed.append(Path(entry.path))
    return removed


def _part_file(name: str, target: str) -> bool:
    """Whether a file in a part folder is one ``export_xlsx`` makes there.

    ``target`` is the name in the folder's name: the workbook's own, or its cut form
    (``_part_stem``) that the workbook's name begins with.
    """
    cut = len(os.fsencode(target)) > _MAX_NAME - _PART_EXTRA - 4  # 4: one character's bytes
    return bool(
        _PART_SHEET.fullmatch(name)
        or name in (target, _LOCK_NAME, f"{_LOCK_NAME}.tmp")
        or (cut and name.endswith(".xlsx") and name.startswith(target[: -len(".xlsx")]))
    )


_CHECK_CACHE_KIB = 4096
"""SQLite's page cache during the quick check, which reads every page once (memory stays flat)."""


@contextlib.contextmanager
def _interruptible(conn: Any, cancel: CancelToken | None) -> Iterator[None]:
    """Let Cancel interrupt the statement running on ``conn`` (the quick check, a sort).

    Such a statement checks no token (1M bills: over a second of quick check); SQLite's
    ``interrupt`` stops it, and the error it then raises is the cancel, not a damaged database.
    """
    if cancel is None:
        yield
        return
    with cancel.calling(conn.connection.driver_connection.interrupt):
        try:
            yield
        except (DBAPIError, DatabaseError):
            cancel.raise_if_set()
            raise


def _check_database(conn: Any, path: Path) -> None:
    """Refuse a damaged database: SQLite's quick check of every page's structure.

    An export's reads touch only the pages its query needs, so a damaged page elsewhere (an
    index, another table) would go unnoticed; an auditor must not receive an export from it.
    """
    cache = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{_CHECK_CACHE_KIB}")  # it reads every page once
    try:
        found = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check(10)")]
    except DBAPIError as exc:  # damage can stop the check itself
        found = [str(exc.orig)]
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {int(cache)}")
    if found == ["ok"]:
        return
    lines = [x.strip() for r in found for x in r.splitlines()]
    lines = [x for x in lines if x and not x.startswith("***")]
    try:  # name the table or index whose root page is damaged, where SQLite can still say
        roots = {
            int(page): f"{kind} {name}"
            for kind, name, page in conn.exec_driver_sql(
                "SELECT type, name, rootpage FROM sqlite_master WHERE rootpage > 0"
            )
        }
    except DBAPIError:
        roots = {}

    def name_page(m: re.Match[str]) -> str:
        where = roots.get(int(m.group(1)))
        return f"{m.group()} ({where})" if where else m.group()

    detail = "; ".join(re.sub(r"\b[Pp]age (\d+)", name_page, x) for x in lines)
    raise DatabaseError(
        f"{path}: the database is damaged, so nothing was exported (SQLite's quick check: "
        f"{detail}). Restore it from a backup, or import the source files into a new database."
    )


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service, a container) is not an error
        return "unknown"


# --------------------------------------------------------------------------------------------
# The export
# --------------------------------------------------------------------------------------------


@dataclass
class _Written:
    rows: int = 0
    sha256: str = ""
    sheets: list[str] = field(default_factory=list)
    per_source: Counter[int] = field(default_factory=Counter)


def _write_bills(
    book: _Book,
    rows: Iterator[Sequence[Any]],
    keys: Sequence[str],
    labels: Labels,
    source_names: Mapping[int, str],
    *,
    total: int,
    max_rows: int,
    progress: ProgressFn | None,
    cancel: CancelToken | None,
) -> _Written:
    header = export_header(keys)
    first = book.create(BILLS_TITLE)
    bills = _BillRows([column(k) for k in keys], book.cells, labels, source_names)
    convert = bills.convert
    head = [(row, *convert(row)) for row in islice(rows, _SAMPLE_ROWS)]
    table = _Table(
        book, BILLS_TITLE, header, _widths(header, (t for _, _, t in head)), max_rows, first
    )
    digest = hashlib.sha256()
    digest.update(("\t".join(header) + "\n").encode("utf-8"))
    per_source: Counter[int] = Counter()
    sid = IDX["source_id"]
    lines: list[str] = []
    done = 0
    if progress:
        progress(0, total)

    def rest() -> Iterator[tuple[Sequence[Any], list[Any], list[str]]]:
        yield from head
        for row in rows:
            yield (row, *convert(row))

    append = table.append
    for row, cells, texts in rest():
        append(cells)
        lines.append("\t".join(texts))
        per_source[row[sid]] += 1
        done += 1
        if done % _CHECK_EVERY == 0:
            digest.update(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
            lines.clear()
            if cancel is not None:
                cancel.raise_if_set()
            if progress:
                progress(done, total)
    if lines:
        digest.update(("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"))
    if done == 0:
        table.note(EMPTY_NOTE)
    table.close()
    if progress:
        progress(done, max(total, done))
    return _Written(done, digest.hexdigest(), table.sheets, per_source)


def _write_extra(
    book: _Book, spec: SheetSpec, cancel: CancelToken | None, max_rows: int = MAX_DATA_ROWS
) -> list[str]:
    """Write a caller's sheet (split like the bills if it is that long); returns its titles."""
    cells = book.cells
    formats = dict(spec.number_formats)
    title = spec.title
    where = [f"{title}: {h}" for h in spec.header]

    def convert(values: Sequence[Any]) -> tuple[list[Any], list[str]]:
        out: list[Any] = []
        texts: list[str] = []
        for j, value in enumerate(values):
            cell, text = cells.value(value, formats.get(j), where[j] if j < len(where) else title)
            out.append(cell)
            texts.append(text)
        return out, texts

    rows = iter(spec.rows)
    head = [convert(r) for r in islice(rows, _SAMPLE_ROWS)]
    widths = _widths(spec.header, (texts for _, texts in head))
    table = _Table(book, spec.title, spec.header, widths, max_rows)

    def everything() -> Iterator[tuple[list[Any], list[str]]]:
        yield from head
        for row in rows:
            yield convert(row)

    for n, (out, _texts) in enumerate(everything(), 1):
        table.append(out)
        if n % _CHECK_EVERY == 0 and cancel is not None:
            cancel.raise_if_set()
    table.close()
    return table.sheets


# --------------------------------------------------------------------------------------------
# The Report sheet
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _FilterList:
    """A filter list too long for the Report's JSON cell, written to its own sheet(s)."""

    key: str
    values: list[Any]
    sheets: tuple[str, ...]
    sha256: str

    @property
    def reference(self) -> dict[str, Any]:
        """What stands in the JSON in place of the list."""
        return {"sheets": list(self.sheets), "count": len(self.values), "sha256": self.sha256}


def _list_sha256(values: Iterable[Any]) -> str:
    """SHA-256 of a filter list: one value per line as JSON, each line ending with LF."""
    text = "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _table_titles(title: str, rows: int, max_rows: int) -> tuple[str, ...]:
    """The sheets a table of ``rows`` data rows takes ("T", "T (2)", ... as ``_Table`` names)."""
    n = max(1, -(-rows // max_rows))
    return tuple(title if i == 1 else f"{title} ({i})" for i in range(1, n + 1))


def _filter_json(f: BillFilter, max_rows: int) -> tuple[str, list[_FilterList]]:
    """The filter's JSON for one cell, and the lists moved out of it to keep it whole.

    ``f.to_json()`` when it fits a cell (the usual case). Otherwise its longest lists, one by
    one until the rest fits, are replaced by ``{"sheets": [...], "count": N, "sha256": H}`` and
    written to the sheets "Filter <field>": the JSON stays valid and nothing is cut.
    """
    text = f.to_json()
    if _fits(text):
        return text, []
    data = f.to_dict()
    lists = sorted(
        (k for k, v in data.items() if isinstance(v, list) and v),
        key=lambda k: (-len(json.dumps(data[k], ensure_ascii=False)), k),
    )
    moved: list[_FilterList] = []
    for key in lists:
        values = list(data[key])
        titles = _table_titles(FILTER_SHEET_PREFIX + key, len(values), max_rows)
        item = _FilterList(key, values, titles, _list_sha256(values))
        data[key] = item.reference
        moved.append(item)
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        if _fits(text):
            break
    return text, moved


def _is_filter_sheet(title: str) -> bool:
    m = re.fullmatch(rf"{FILTER_SHEET_PREFIX}(\w+)(?: \(\d+\))?", title)
    return m is not None and m.group(1) in BillFilter.__dataclass_fields__


def _write_filter_list(book: _Book, item: _FilterList, max_rows: int) -> list[str]:
    """One moved filter list, one value per row (a reason as operation type and code)."""
    pairs = any(isinstance(v, list) for v in item.values)
    header = [f"{item.key}: operation type", f"{item.key}: code"] if pairs else [item.key]
    rows = (list(v) if pairs else [v] for v in item.values)
    written = _write_extra(book, SheetSpec(item.sheets[0], header, rows), None, max_rows)
    assert tuple(written) == item.sheets
    return written


def _filter_lists_note(lists: Sequence[_FilterList]) -> str:
    where = "; ".join(
        f"{x.key} ({len(x.values):,} values, sheet {' + '.join(repr(t) for t in x.sheets)})"
        for x in lists
    )
    return (
        "The filter is too long for one cell, so the JSON above keeps these lists on their own "
        f"sheets: {where}. In the JSON each stands replaced by "
        '{"sheets": [...], "count": N, "sha256": H}. A sheet holds its list one value per row '
        "below a header, in order, continued on the next sheet listed (a reason takes two "
        "cells, operation type and code; an empty code is null); put the list back in place of "
        "that object to get the complete filter. H is the SHA-256 (hex) of the list written one "
        "value per line as JSON (a number in digits, text in double quotes, a reason as "
        "[3, 201]), each line ending with a line feed (U+000A), encoded as UTF-8. "
        "'bill-viewer verify FILE.xlsx' checks N and H."
    )


@dataclass(frozen=True)
class _ReportFacts:
    db_path: Path
    f: BillFilter
    sentence: str
    keys: tuple[str, ...]
    total: int
    matching: int
    written: _Written
    sheets: tuple[str, ...]
    ledger: list[tuple[Any, ...]]
    labels: Labels
    filter_json: str
    filter_lists: list[_FilterList]
    time_label: str
    key: signing.SigningKey | None = None


def times_statement(label: str = TIME_LABEL) -> str:
    """The Report's statement about the times (``label``: the data's time label)."""
    return (
        f"Begin and end are {label}: the platform's bill export carries no time zone, so they "
        "are the wall-clock times it wrote, unconverted. Durations are end minus begin in seconds."
    )


IMPORT_TIMES_NOTE = (
    "The source files' 'Imported at': the database records each import in the local time of "
    "the computer that ran it, without a zone. It is shown here in ISO 8601 with the UTC offset "
    "that this computer's time zone ({zone}) had on that date, as 'Generated at' is; an import "
    "run on a computer in another zone keeps its wall-clock time but not its offset."
)


def _imported_at(stored: object) -> tuple[str, bool]:
    """An import time as ISO 8601 text with its UTC offset, and whether the offset was assumed.

    The importer stores naive local time (``datetime.now()``); such a time gets the offset of
    this computer's zone at that date. A time stored with an offset keeps it; anything
    unreadable is shown as stored.
    """
    text = "" if stored is None else str(stored)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text, False
    if when.tzinfo is not None:
        return when.isoformat(timespec="seconds"), False
    try:
        return when.astimezone().isoformat(timespec="seconds"), True
    except (OverflowError, OSError, ValueError):
        return text, False


_CUT_COUNT = object()
_CUT_NOTE = object()
"""Report cells filled in last, when every other cell (the Report's own) has been counted."""
_SIGNATURE = object()
"""The signature's cell, filled in when every other cell of the workbook has been digested."""


def _cut_note(cut: Mapping[str, int]) -> str:
    if not cut:
        return f"None: every value fits its cell (Excel holds at most {_MAX_TEXT:,} characters)."
    by_place = "; ".join(f"{where} {n:,}" for where, n in sorted(cut.items()))
    return (
        f"Excel holds at most {_MAX_TEXT:,} characters in a cell. These cells keep what fits and "
        f"end with '{TRUNCATED_MARK.replace('{n:,}', 'N')}', N being the full length of "
        "the value (the database keeps it whole: find the bill by its Bill ID or its source "
        f"file and line). The row hash covers the cells as written. By sheet and column: "
        f"{by_place}."
    )


def _report_rows(facts: _ReportFacts) -> list[tuple[list[Any], bool]]:
    """``(values, bold)`` rows of the Report sheet."""
    w = facts.written
    bill_sheets = ", ".join(w.sheets)
    if w.rows:
        result = f"{w.rows:,} bill(s) exported to the sheet(s) {bill_sheets}."
    else:
        result = "No bill matches the filter: the Bills sheet holds only its header and a note."
    rows: list[tuple[list[Any], bool]] = [
        (["Agent Bill Viewer: bill export"], True),
        ([], False),
        (["Item", "Value"], True),
        (["Generated at", now_local_text()], False),
        (["Generated by", _user()], False),
        (
            ["Application", f"Agent Bill Viewer {__version__} (openpyxl {openpyxl.__version__})"],
            False,
        ),
        (["Database", str(facts.db_path.resolve())], False),
        (["Filter", facts.sentence], False),
        ([FILTER_JSON_LABEL, facts.filter_json], False),
    ]
    if facts.filter_lists:
        rows.append(
            (["Filter lists on other sheets", _filter_lists_note(facts.filter_lists)], False)
        )
    rows += [
        (["Columns (JSON)", json.dumps(list(facts.keys))], False),
        (["Times", times_statement(facts.time_label)], False),
    ]
    ledger = []
    assumed = False
    for sid, name, path, sha, stored_at, imported in facts.ledger:
        imported_at, local = _imported_at(stored_at)
        assumed = assumed or local
        ledger.append([name, path, sha, imported_at, w.per_source[sid], imported])
    if assumed:
        zone = datetime.now().astimezone().tzname() or "local time"
        rows.append((["Import times", IMPORT_TIMES_NOTE.format(zone=zone)], False))
    rows += [
        (["Bills in the database", facts.total], False),
        (["Bills matching the filter", facts.matching], False),
        ([EXPORTED_LABEL, w.rows], False),
        (["Result", result], False),
        (["Sheets", ", ".join(facts.sheets)], False),
        ([HASH_LABEL, w.sha256], False),
        (["How to recompute the SHA-256", HASH_METHOD], False),
        ([CUT_LABEL, _CUT_COUNT], False),
        (["About cut cells", _CUT_NOTE], False),
    ]
    if facts.key is not None:
        rows += [
            ([SIGNED_BY_LABEL, facts.key.name], False),
            ([PUBLIC_KEY_LABEL, facts.key.public_b64], False),
            ([FINGERPRINT_LABEL, facts.key.fingerprint], False),
            ([SIGNATURE_LABEL, _SIGNATURE], False),
            (["What the hash and the signature prove", SIGNATURE_MEANING], False),
            (["How to check the signature", signing.CANON_METHOD], False),
        ]
    rows += [
        ([], False),
        (["Source files that contributed exported rows"], True),
        (
            [
                "File name",
                "Path when imported",
                "SHA-256",
                "Imported at",
                "Bills exported",
                "Bills imported from the file",
            ],
            True,
        ),
    ]
    if not ledger:
        rows.append((["(none)"], False))
    rows += [(entry, False) for entry in ledger]
    rows += [
        ([], False),
        (["Site labels in force (names this site gives its own codes)"], True),
        (["Operation type", "Code", "Label", "Documented meaning"], True),
    ]
    if not facts.labels:
        rows.append((["(none)"], False))
    for (op_type, code), label in sorted(facts.labels.items()):
        site = codes.site_code(op_type, code)
        documented = site.generic if site else "not site-definable: the label is not used"
        rows.append(
            (
                [codes.explain_op_type(op_type).text + f" ({op_type})", code, label, documented],
                False,
            )
        )
    return rows


_REPORT_WIDTHS = (34, 90, 66, 22, 16, 16)


def _write_report(book: _Book, facts: _ReportFacts) -> None:
    """The Report sheet; signed (its last row) when ``facts.key`` is given."""
    ws = book.create(REPORT_TITLE)
    book.start(ws, _REPORT_WIDTHS, freeze_header=False)
    cells = book.cells
    table: list[list[Any]] = []
    for values, bold in _report_rows(facts):
        if bold:
            table.append(cells.header([str(v) for v in values]))
            continue
        where = f"{REPORT_TITLE}: {values[0]}" if values else REPORT_TITLE
        out = []
        for value in values:
            if value is _CUT_COUNT or value is _CUT_NOTE or value is _SIGNATURE:
                out.append(value)
                continue
            cell = cells.value(value, where=where)[0]
            if isinstance(value, str) and len(value) > _REPORT_WRAP:
                cell = cells.wrapped(cell)
            out.append(cell)
        table.append(out)
    total, note = sum(cells.cut.values()), _cut_note(cells.cut)
    signed: tuple[list[Any], int] | None = None
    for out in table:
        for j, value in enumerate(out):
            if value is _CUT_COUNT:
                out[j] = total
            elif value is _CUT_NOTE:
                out[j] = cells.wrapped(cells.value(note)[0])
            elif value is _SIGNATURE:
                signed, out[j] = (out, j), None  # the signature's own cell counts as empty
        if out and isinstance(out[0], str) and _row_height(out, _REPORT_WIDTHS):
            out[0] = cells.wrapped(out[0])  # the label at the top of its tall row
        book.canon.written(out)
    if signed is not None and facts.key is not None:
        # The Report is the workbook's last sheet: every other cell has been digested.
        row, j = signed
        row[j] = facts.key.sign(book.canon.digest())
    for n, out in enumerate(table, 1):
        height = _row_height(out, _REPORT_WIDTHS)
        if height is not None:  # wrapped text: tall enough to print without overprinting
            ws.row_dimensions[n].height = height
        ws.append(out)
    ws.close()


def _ledger(conn: Any, per_source: Mapping[int, int]) -> list[tuple[Any, ...]]:
    """Ledger entries of the files that contributed rows, in import order."""
    if not per_source:
        return []
    ids = sorted(per_source)
    out: list[tuple[Any, ...]] = []
    for i in range(0, len(ids), queries.MAX_VARS):
        chunk = ids[i : i + queries.MAX_VARS]
        marks = ",".join("?" * len(chunk))
        out += [
            tuple(r)
            for r in conn.exec_driver_sql(
                "SELECT id, name, path, sha256, imported_at, imported FROM source_file "
                f"WHERE id IN ({marks}) ORDER BY id",
                tuple(chunk),
            )
        ]
    return out


# --------------------------------------------------------------------------------------------
# export_xlsx
# --------------------------------------------------------------------------------------------


def _validate(keys: tuple[str, ...], max_rows: int, extra_sheets: Sequence[SheetSpec]) -> None:
    if not keys:
        raise ValueError("an export needs at least one column")
    for key in keys:
        column(key)
    if len(set(keys)) != len(keys):
        raise ValueError(f"a column is listed twice in {', '.join(keys)}")
    if not 1 <= max_rows <= MAX_DATA_ROWS:
        raise ValueError(f"max_rows_per_sheet must be 1..{MAX_DATA_ROWS:,}, not {max_rows}")
    seen: set[str] = set()
    for spec in extra_sheets:
        _check_title(spec.title)
        if (
            _is_bill_sheet(spec.title)
            or _is_filter_sheet(spec.title)
            or spec.title == REPORT_TITLE
            or spec.title in seen
        ):
            raise ValueError(f"extra sheet title {spec.title!r} is taken")
        seen.add(spec.title)


def export_xlsx(
    db: Database,
    f: BillFilter,
    out: Path,
    *,
    columns: Sequence[str] = DEFAULT_KEYS,
    force: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    max_rows_per_sheet: int = MAX_DATA_ROWS,
    extra_sheets: Sequence[SheetSpec] = (),
    filter_sentence: str | None = None,
    sign: bool = True,
    check_database: bool = True,
) -> ExportResult:
    """Export the bills ``f`` selects, in its order, to an ``.xlsx`` workbook at ``out``.

    The workbook is written into a hidden folder beside ``out`` and renamed into place when
    complete: a cancel, an error or a full disk leaves no partial file and no temporary file.
    Such folders that a killed export left in ``out``'s folder are removed once they are
    ``STALE_AFTER_SECONDS`` old. Everything is read in one database snapshot, so the counts
    agree with the rows.

    Args:
        db: The bill database.
        f: Which bills, in which order.
        out: The target (must end with ``.xlsx``; its folder must exist).
        columns: Column keys (``viewer.core.columns``) in sheet order.
        force: Replace an existing ``out`` (the window asks first; the command line's --force).
        progress: ``progress(rows_done, rows_total)`` every 1,000 rows.
        cancel: Checked every 1,000 rows and while compressing; raises ``Cancelled``.
        max_rows_per_sheet: Data rows per sheet before "Bills (2)" (or "Summary (2)", ...)
            begins.
        extra_sheets: More sheets, written after the bills and before the Report (and before
            the "Filter ..." sheets of a filter too long for one cell).
        filter_sentence: The filter as the window words it (default: ``describe_filter``).
        sign: Sign the workbook with this user's key (``signing.load_or_create_key``, made on
            first use); the Report states the key's name, public key and fingerprint.
        check_database: Run SQLite's ``PRAGMA quick_check`` first and refuse a damaged
            database (a damaged page can otherwise go unnoticed by the export's reads).

    Returns:
        What was written.

    Raises:
        ExportError: The target exists (without ``force``), is locked or not writable, its
            folder is missing, its name is too long, or the disk is full.
        DatabaseError: The database cannot be read or is damaged.
        SigningKeyError: The signing key cannot be made or read.
        Cancelled: ``cancel`` was set (after cleaning up).
        ValueError: Unknown or repeated column keys, bad sheet titles or split size.
    """
    out = Path(out).expanduser().absolute()
    keys = tuple(columns)
    _validate(keys, max_rows_per_sheet, extra_sheets)
    _check_target(out, force)
    key = signing.load_or_create_key() if sign else None
    remove_stale_parts(out.parent)
    try:
        tmpdir = Path(
            tempfile.mkdtemp(prefix=f".{_part_stem(out.name)}.", suffix=".part", dir=out.parent)
        )
    except OSError as exc:
        raise ExportError(_os_message(exc, out)) from exc
    try:
        lock = _hold_lock(tmpdir)
    except OSError as exc:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise ExportError(_os_message(exc, out)) from exc
    book: _Book | None = None
    done = False
    try:
        book = _Book(tmpdir / out.name, cancel)
        with db.engine.connect() as conn, _interruptible(conn, cancel):
            if check_database:
                _check_database(conn, db.path)
            labels = {
                (int(t), int(c)): str(x)
                for t, c, x in conn.exec_driver_sql("SELECT op_type, code, text FROM site_label")
            }
            zone = conn.exec_driver_sql(
                "SELECT value FROM meta WHERE key = ?", (ZONE_KEY,)
            ).scalar()
            label = time_label(zone or None)
            total = queries.total_bills(conn)
            matching = queries.count(conn, f)
            names = {
                int(i): str(n) for i, n in conn.exec_driver_sql("SELECT id, name FROM source_file")
            }
            rows = queries.iter_rows(conn, f)
            try:
                written = _write_bills(
                    book,
                    rows,
                    keys,
                    labels,
                    names,
                    total=matching,
                    max_rows=max_rows_per_sheet,
                    progress=progress,
                    cancel=cancel,
                )
            finally:
                rows.close()
            ledger = _ledger(conn, written.per_source)
        sheets = list(written.sheets)
        for spec in extra_sheets:
            sheets += _write_extra(book, spec, cancel, max_rows_per_sheet)
        filter_json, filter_lists = _filter_json(f, max_rows_per_sheet)
        for item in filter_lists:
            sheets += _write_filter_list(book, item, max_rows_per_sheet)
        sheets.append(REPORT_TITLE)
        facts = _ReportFacts(
            db.path,
            f,
            filter_sentence or describe_filter(f, labels, label),
            keys,
            total,
            matching,
            written,
            tuple(sheets),
            ledger,
            labels,
            filter_json,
            filter_lists,
            label,
            key,
        )
        _write_report(book, facts)
        book.save()
        if cancel is not None:
            cancel.raise_if_set()
        if not force and out.exists():
            raise ExportError(
                f"{out}: a file of that name appeared during the export; not replaced"
            )
        os.replace(book.part, out)
        done = True
    except OSError as exc:
        raise ExportError(_os_message(exc, out)) from exc
    except DBAPIError as exc:
        raise friendly_db_error(exc, db.path) from exc
    finally:
        if not done and book is not None:
            book.discard()
        os.close(lock)
        shutil.rmtree(tmpdir, ignore_errors=True)
    cut = sum(book.cells.cut.values())
    return ExportResult(
        out,
        written.rows,
        tuple(sheets),
        written.sha256,
        matching,
        total,
        cut,
        key.name if key else "",
        key.fingerprint if key else "",
    )


# --------------------------------------------------------------------------------------------
# Reading an export back: the row hash
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureCheck:
    """The signature of a signed export, checked."""

    name: str
    """The key's name as the Report states it ("Signed by")."""
    fingerprint: str
    """Fingerprint of the public key the Report states (the key that signed, if valid)."""
    valid: bool
    """The signature is that key's signature of the workbook as it is now."""
    trusted: bool | None = None
    """That key is the one given to ``verify_xlsx`` (None: none was given)."""
    problem: str = ""
    """Why the signature does not hold (empty when it does)."""


@dataclass(frozen=True)
class VerifyResult:
    """The row hash a workbook's Report states and the one its Bills sheets give now."""

    path: Path
    expected: str
    actual: str
    """The row hash of the sheets now (``HASH_METHOD``: text as Excel shows it)."""
    rows: int
    """Data rows found in the Bills sheets."""
    stated_rows: int | None
    """The Report's "Bills exported"."""
    legacy: bool = False
    """The rows match the hash as version 0.1.0 computed it (text as stored, escapes undecoded)."""
    problems: tuple[str, ...] = ()
    """Other disagreements (a filter list sheet that no longer matches its count or SHA-256)."""
    signature: SignatureCheck | None = None
    """The signature, checked; None for an unsigned file (made before exports were signed)."""

    @property
    def hash_ok(self) -> bool:
        """True when the rows hash to the stated value, their count agrees and nothing fails."""
        return (
            (self.expected == self.actual or self.legacy)
            and self.stated_rows in (None, self.rows)
            and not self.problems
        )

    @property
    def ok(self) -> bool:
        """``hash_ok``, and a signature (if any) valid and by the trusted key (if one was given)."""
        sig = self.signature
        if sig is None:
            return self.hash_ok
        return self.hash_ok and sig.valid and sig.trusted is not False


def _bill_sheet_order(title: str) -> int:
    m = re.fullmatch(r".* \((\d+)\)", title)
    return int(m.group(1)) if m else 1


def _hash_line(values: Sequence[Any], decode: bool = True) -> bytes:
    texts = (canonical_text(excel_text(v) if decode and isinstance(v, str) else v) for v in values)
    return ("\t".join(texts) + "\n").encode("utf-8", "surrogatepass")


def _fit(values: Sequence[Any], width: int) -> list[Any]:
    row = list(values)
    while len(row) > width and row[-1] is None:
        row.pop()
    return row + [None] * (width - len(row))


class _RowHash:
    """The row hash (``HASH_METHOD``) of the Bills sheets' rows, fed sheet by sheet, in order."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.legacy = hashlib.sha256()
        self.width = -1
        self.rows = 0
        self._note_pending = False
        self._header_pending = False

    def _add(self, row: Sequence[Any]) -> None:
        self.digest.update(_hash_line(row))
        self.legacy.update(_hash_line(row, decode=False))

    def sheet(self) -> None:
        """A Bills sheet begins: its first row is its header."""
        self._header_pending = True

    def row(self, values: Sequence[Any]) -> None:
        """A row of the current Bills sheet."""
        if self._header_pending:
            self._header_pending = False
            if self.width < 0:
                header_row = _fit(values, 0)
                self.width = len(header_row)
                self._add(header_row)
            return
        row = _fit(values, self.width)
        if (
            self.rows == 0
            and not self._note_pending
            and row[:1] == [EMPTY_NOTE]
            and not any(row[1:])
        ):
            self._note_pending = True  # the empty export's note: hashed only if rows follow it
            return
        if self._note_pending:
            self._add(_fit([EMPTY_NOTE], self.width))
            self.rows += 1
            self._note_pending = False
        self._add(row)
        self.rows += 1

    def result(self) -> tuple[str, int, str]:
        """``(row hash, data rows, row hash as version 0.1.0 computed it)``."""
        return self.digest.hexdigest(), self.rows, self.legacy.hexdigest()


def _bill_titles(wb: Any) -> list[str]:
    return sorted((t for t in wb.sheetnames if _is_bill_sheet(t)), key=_bill_sheet_order)


def _rehash(wb: Any) -> tuple[str, int, str]:
    """``(row hash, data rows, row hash as version 0.1.0 computed it)``."""
    hasher = _RowHash()
    for title in _bill_titles(wb):
        hasher.sheet()
        for values in wb[title].iter_rows(values_only=True):
            hasher.row(values)
    return hasher.result()


def _read_all(wb: Any) -> tuple[tuple[str, int, str], bytes, str | None]:
    """One pass over every sheet: the row hash, the canonical digest and the signature cell."""
    in_order = [t for t in wb.sheetnames if _is_bill_sheet(t)] == _bill_titles(wb)
    hasher = _RowHash()
    canon = signing.Canon()
    signature: str | None = None
    read_cell = signing.read_cell
    for ws in wb.worksheets:
        title = ws.title
        canon.sheet(title)
        bills = in_order and _is_bill_sheet(title)
        report = title == REPORT_TITLE
        if bills:
            hasher.sheet()
        for cells in ws.iter_rows():
            items = [read_cell(c) for c in cells]
            if bills:
                hasher.row([c.value for c in cells])
            elif report and items[:1] == [SIGNATURE_LABEL] and len(items) > 1:
                value = cells[1].value
                if signature is None and isinstance(value, str):
                    signature = value
                items[1] = None  # the signature's own cell is not signed
            canon.row(items)
    row_hash = hasher.result() if in_order else _rehash(wb)
    return row_hash, canon.digest(), signature


def _check_signature(
    stated: Mapping[str, Any], digest: bytes, signature: str | None, key: bytes | None
) -> SignatureCheck | None:
    """The signature checked against the public key the Report states (and ``key``, if given)."""
    public = stated.get(PUBLIC_KEY_LABEL)
    if signature is None and public is None:
        return None
    name = str(stated.get(SIGNED_BY_LABEL) or "(no name)")
    if not isinstance(public, str) or not isinstance(signature, str):
        return SignatureCheck(name, "", False, None, "the Report's signature or key is missing")
    try:
        raw = base64.b64decode(public, validate=True)
    except ValueError:
        raw = b""
    print_ = signing.fingerprint(raw)
    trusted = None if key is None else raw == key
    if stated.get(FINGERPRINT_LABEL) != print_:
        return SignatureCheck(
            name, print_, False, trusted, "the stated fingerprint is not the stated key's"
        )
    if not signing.signature_valid(public, digest, signature):
        return SignatureCheck(
            name,
            print_,
            False,
            trusted,
            "the signature does not match the workbook: something was changed after signing",
        )
    return SignatureCheck(name, print_, True, trusted)


def _open_workbook(path: Path) -> Any:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        raise ExportError(f"{path}: not a readable .xlsx workbook ({exc})") from None


def _report_items(wb: Any) -> dict[str, Any]:
    """Column B of the Report by column A (the first row of each label)."""
    stated: dict[str, Any] = {}
    for values in wb[REPORT_TITLE].iter_rows(max_col=2, values_only=True):
        if values and isinstance(values[0], str) and len(values) > 1:
            stated.setdefault(values[0], values[1])
    return stated


def _read_filter_list(wb: Any, key: str, ref: Mapping[str, Any]) -> tuple[list[Any], list[str]]:
    """A filter list from its sheets, and what disagrees with its reference."""
    sheets = ref.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        return [], [f"the filter's {key} names no sheet"]
    values: list[Any] = []
    for title in sheets:
        if not isinstance(title, str) or title not in wb.sheetnames:
            return [], [f"the filter's {key}: sheet {title!r} is missing"]
        rows = wb[title].iter_rows(values_only=True)
        header = [h for h in next(rows, ()) if h is not None]
        for row in rows:
            cells = [excel_text(v) if isinstance(v, str) else v for v in row[: len(header)]]
            if not any(c is not None for c in cells):
                continue
            values.append(cells if len(header) > 1 else cells[0])
    problems = []
    if ref.get("count") != len(values):
        problems.append(
            f"the filter's {key}: the Report states {ref.get('count')} values, "
            f"the sheet(s) hold {len(values):,}"
        )
    if ref.get("sha256") != _list_sha256(values):
        problems.append(f"the filter's {key}: the values do not match their SHA-256")
    return values, problems


def _filter_from_workbook(wb: Any, path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The Report's filter as a dict with its lists put back, and what disagrees (if anything).

    None (and no problem) when the Report's filter is not valid JSON: files of version 0.1.0
    cut a long filter at Excel's cell limit.
    """
    if REPORT_TITLE not in wb.sheetnames:
        raise ExportError(f"{path}: not an Agent Bill Viewer export (no Report sheet)")
    text = _report_items(wb).get(FILTER_JSON_LABEL)
    if not isinstance(text, str):
        return None, []
    try:
        data = json.loads(excel_text(text))
    except ValueError:
        return None, []
    if not isinstance(data, dict):
        return None, []
    problems: list[str] = []
    for key, value in list(data.items()):
        if isinstance(value, dict):
            data[key], trouble = _read_filter_list(wb, key, value)
            problems += trouble
    return data, problems


def read_export_filter(path: Path | str) -> BillFilter:
    """The filter an export was made with, from its Report (lists on "Filter ..." sheets included).

    Raises:
        ExportError: Not a readable export, no valid filter JSON, or a filter list sheet that
            does not match the count and SHA-256 the Report states.
    """
    path = Path(path)
    wb = _open_workbook(path)
    try:
        data, problems = _filter_from_workbook(wb, path)
    finally:
        wb.close()
    if data is None:
        raise ExportError(f"{path}: the Report's {FILTER_JSON_LABEL!r} is not valid JSON")
    if problems:
        raise ExportError(f"{path}: " + "; ".join(problems))
    try:
        return BillFilter.from_dict(data)
    except (TypeError, ValueError) as exc:
        raise ExportError(f"{path}: the Report's filter is not a valid filter ({exc})") from None


def canonical_digest(path: Path | str) -> bytes:
    """The SHA-256 of a workbook's canonical form, which its signature signs (``verify_xlsx``)."""
    wb = _open_workbook(Path(path))
    try:
        return _read_all(wb)[1]
    finally:
        wb.close()


def recompute_sha256(path: Path | str) -> str:
    """Recompute the row hash of an exported workbook from its Bills sheets (``HASH_METHOD``)."""
    wb = _open_workbook(Path(path))
    try:
        return _rehash(wb)[0]
    finally:
        wb.close()


def verify_xlsx(path: Path | str, key: bytes | None = None) -> VerifyResult:
    """Compare the Report's row hash with the rows now in the workbook, and check its signature.

    Also checks the filter lists an export keeps on "Filter ..." sheets against the count and
    SHA-256 the Report's filter JSON states for them. The signature is checked against the
    public key the Report states and, when ``key`` (raw Ed25519 public key bytes, see
    ``signing.load_public_key``) is given, that key must be the one that signed.

    Raises:
        ExportError: The file is not a readable workbook or not an export of this application.
    """
    path = Path(path)
    wb = _open_workbook(path)
    try:
        if REPORT_TITLE not in wb.sheetnames:
            raise ExportError(f"{path}: not an Agent Bill Viewer export (no Report sheet)")
        stated = _report_items(wb)
        expected = stated.get(HASH_LABEL)
        if not isinstance(expected, str):
            raise ExportError(f"{path}: the Report sheet states no {HASH_LABEL!r}")
        count = stated.get(EXPORTED_LABEL)
        (actual, rows, legacy), digest, signature = _read_all(wb)
        _data, problems = _filter_from_workbook(wb, path)
    finally:
        wb.close()
    return VerifyResult(
        path,
        expected,
        actual,
        rows,
        count if isinstance(count, int) else None,
        legacy=expected != actual and expected == legacy,
        problems=tuple(problems),
        signature=_check_signature(stated, digest, signature, key),
    )
