"""Excel export an auditor accepts: exactly the filtered view, typed, with its provenance.

``export_xlsx`` writes the bills a ``BillFilter`` selects, in its sort order, with the chosen
columns (``viewer.core.columns``), into an ``.xlsx`` workbook:

* "Bills" (continued in "Bills (2)", ... past Excel's 1,048,575 data rows): a bold, frozen header
  with an autofilter; begin and end as real date-times, the duration as seconds, every code as
  its number beside a "(meaning)" column with its explanation (site labels included), the source
  as file name and line, everything else as text.
* extra sheets given by the caller (``SheetSpec``; the investigation's "Summary", "Anomalies").
* "Report": who made the file, when, from which database and source files, with which filter,
  the counts and a SHA-256 over the exported rows (``recompute_sha256`` checks it again).

Safety: text that Excel would read as a formula (``=``, ``+``, ``-``, ``@``, tab, CR) or as an
error code is written as a text cell with Excel's "quote prefix", so it shows as typed; the file is
written into a hidden folder beside the target and renamed into place only when complete, so a
cancel, an error or a full disk leaves neither a partial workbook nor temporary files.

Speed: openpyxl's write-only mode, plain values for plain cells, explanations cached per distinct
code, rows streamed from ``queries.iter_rows`` (memory stays flat however many rows).
"""

from __future__ import annotations

import contextlib
import errno
import getpass
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from pathlib import Path
from typing import IO, Any

import openpyxl
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet import _writer as openpyxl_sheet_writer
from sqlalchemy.exc import DBAPIError

from viewer import __version__
from viewer.core import codes
from viewer.core.columns import CODE, DEFAULT_KEYS, DURATION, IDX, SOURCE, TIME, Column, column
from viewer.core.describe import describe_filter
from viewer.core.errors import ExportError
from viewer.core.filters import BillFilter
from viewer.core.records import TIME_LABEL
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.core.timefmt import from_epoch, now_local_text, to_datetime
from viewer.data import queries
from viewer.data.db import Database, friendly_db_error

__all__ = [
    "BILLS_TITLE",
    "DATETIME_FORMAT",
    "EMPTY_NOTE",
    "HASH_LABEL",
    "MAX_DATA_ROWS",
    "REPORT_TITLE",
    "ExportResult",
    "SheetSpec",
    "VerifyResult",
    "canonical_text",
    "export_header",
    "export_xlsx",
    "recompute_sha256",
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

EMPTY_NOTE = "No bill matches the filter of this export (see the Report sheet)."
"""The only row of an empty export's Bills sheet; not an exported row, so not hashed."""

HASH_METHOD = (
    "Take the sheets Bills, Bills (2), ... in order: the header row once, then every row below "
    "the header of each sheet (an empty export's single note row excepted). Write each cell as "
    "text: an empty cell as nothing, text as it is stored, a whole number in decimal digits, any "
    "other number as Python's repr() of the float, a date-time as YYYY-MM-DD HH:MM:SS. Pad each "
    "row with empty cells to the header's width, join its cells with a tab (U+0009) and end it "
    "with a line feed (U+000A). The SHA-256 of that text encoded as UTF-8, in hex, must equal the "
    "value above. 'bill-viewer verify FILE.xlsx' recomputes it."
)

_EXCEL_DAY0 = 25569
"""Excel's serial day number of 1970-01-01 (the 1900 date system)."""
_MARCH_1900 = -2_203_891_200
"""Seconds of 1900-03-01: Excel's serials are only plain day counts from here on."""
_MAX_TEXT = 32_767
"""Longest text an Excel cell holds."""
_MAX_EXACT_INT = 10**15
"""Excel keeps 15 significant digits: longer numeric codes stay text."""
_RISKY_FIRST = "=+-@#"
_FORMULA_FIRST = frozenset("=+-@\t\r")
_XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\r\ud800-\udfff\ufffe\uffff]")
_LITERAL_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
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


def _escape_xml_unsafe(match: re.Match[str]) -> str:
    return f"_x{ord(match.group()):04X}_"


def _clean_text(value: str) -> tuple[str, bool]:
    """The text to store and whether it must be a quote-prefixed text cell.

    Characters XML cannot carry (control characters, CR, lone surrogates) are written with
    Excel's ``_xHHHH_`` escape, which Excel turns back into the character (and a literal
    ``_xHHHH_`` gets its underscore escaped, as Excel does); text longer than a cell holds is
    cut at 32,767 characters, as Excel would.
    """
    forced = value[:1] in _FORMULA_FIRST or value in ERROR_CODES
    text = _LITERAL_ESCAPE.sub("_x005F_", value[:_MAX_TEXT])
    text = _XML_UNSAFE.sub(_escape_xml_unsafe, text)
    return text, forced


def _plain(value: str) -> bool:
    """Whether text can be written as it is (the common case, tested cheaply)."""
    return (
        value.isprintable()
        and value[0] not in _RISKY_FIRST
        and "_x" not in value
        and len(value) <= _MAX_TEXT
    )


class _Cells:
    """Makes the few cells that need a style: times, quote-prefixed text, bold titles."""

    def __init__(self, anchor: Any) -> None:
        self.anchor = anchor
        """A worksheet of the workbook: the parent of loose cells (styles are per workbook)."""
        self._formats: dict[str, Any] = {}
        template = Cell(anchor, 1, 1)
        template.quotePrefix = True
        self._quoted = template._style
        self.bold = Font(bold=True)
        self._wrap = Alignment(wrap_text=True, vertical="top")

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

    def text(self, value: str) -> tuple[Any, str]:
        """``(cell value, stored text)`` for any text."""
        if value and _plain(value):
            return value, value
        text, forced = _clean_text(value)
        return (self.quoted(text) if forced else text), text

    def wrapped(self, value: Any) -> Cell:
        """The value (or text cell) wrapped within its column, aligned to the top."""
        cell = value if isinstance(value, Cell) else Cell(self.anchor, 1, 1, value=value)
        cell.alignment = self._wrap
        return cell

    def time(self, seconds: int, style: Any) -> Cell:
        """A date-time cell for stored seconds (an Excel serial number with a date format)."""
        if seconds >= _MARCH_1900:
            return Cell(self.anchor, 1, 1, value=_EXCEL_DAY0 + seconds / 86400, style_array=style)
        return Cell(self.anchor, 1, 1, value=to_datetime(seconds), style_array=style)

    def header(self, titles: Sequence[str]) -> list[Cell]:
        """Bold text cells for a header row."""
        cells = []
        for title in titles:
            cell = (
                self.quoted(title)
                if _clean_text(title)[1]
                else Cell(self.anchor, 1, 1, value=title)
            )
            cell.font = self.bold
            cells.append(cell)
        return cells

    def value(self, value: object, number_format: str | None = None) -> tuple[Any, str]:
        """``(cell value, canonical text)`` for a value of an extra or report sheet."""
        if value is None or value == "":
            return None, ""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, datetime | date):
            fmt = number_format or (
                DATETIME_FORMAT if isinstance(value, datetime) else "yyyy-mm-dd"
            )
            return Cell(
                self.anchor, 1, 1, value=value, style_array=self.style_for(fmt)
            ), canonical_text(value)
        if isinstance(value, bool | int | float):
            if number_format:
                cell = Cell(
                    self.anchor, 1, 1, value=value, style_array=self.style_for(number_format)
                )
                return cell, canonical_text(value)
            return value, canonical_text(value)
        return self.text(str(value))


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

    def _code_value(self, raw: object) -> tuple[Any, str]:
        """The raw code as written: a number where it is one, else text as stored."""
        if raw is None or raw == "":
            return None, ""
        if isinstance(raw, int) and not isinstance(raw, bool) and abs(raw) < _MAX_EXACT_INT:
            return raw, str(raw)
        text = raw if isinstance(raw, str) else str(raw)
        if _INT_TEXT.fullmatch(text) and str(int(text)) == text:
            return int(text), text
        return self.cells.text(text)

    def _step(self, col: Column) -> Step:
        cells = self.cells
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
            names: dict[int, tuple[Any, str]] = {}

            def source_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
                name = names.get(row[sid])
                if name is None:
                    text = self.source_names.get(row[sid], f"file #{row[sid]}")
                    name = names[row[sid]] = cells.text(text)
                out.append(name[0])
                texts.append(name[1])
                out.append(row[line])
                texts.append(str(row[line]))

            return source_step
        i = IDX[col.field or ""]
        text_cell, plain = cells.text, _plain

        def text_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
            value = row[i]
            if value is None or value == "":
                out.append(None)
                texts.append("")
            elif value.__class__ is str and plain(value):
                out.append(value)
                texts.append(value)
            else:
                cell, text = text_cell(value if isinstance(value, str) else str(value))
                out.append(cell)
                texts.append(text)

        return text_step

    def _code_step(self, col: Column) -> Step:
        """Raw code and explanation, cached per (operation type, code).

        The explanation of every code column depends on its own value and the operation type only.
        """
        explain = col.explain
        assert explain is not None
        op, raw = IDX["op_type"], col.raw
        cache: dict[tuple[Any, Any], tuple[Any, str, str, bool]] = {}
        labels, cells = self.labels, self.cells

        def code_step(row: Sequence[Any], out: list[Any], texts: list[str]) -> None:
            value = raw(row)
            key = (row[op], value)
            entry = cache.get(key)
            if entry is None:
                if len(cache) > _CACHE_LIMIT:
                    cache.clear()
                cell, text = self._code_value(value)
                meaning, forced = _clean_text(explain(row, labels).text)
                entry = cache[key] = (cell, text, meaning, forced)
            cell, text, meaning, forced = entry
            out.append(cells.quoted(text) if isinstance(cell, Cell) else cell)
            out.append(cells.quoted(meaning) if forced else (meaning or None))
            texts.append(text)
            texts.append(meaning)

        return code_step


# --------------------------------------------------------------------------------------------
# Workbook plumbing: sheets written into a private folder, removed on any failure
# --------------------------------------------------------------------------------------------


def _check_title(title: str) -> None:
    if not title or len(title) > 31 or any(c in title for c in "[]:*?/\\"):
        raise ValueError(f"invalid sheet title {title!r}: 1-31 characters, none of []:*?/\\")


def _is_bill_sheet(title: str) -> bool:
    return title == BILLS_TITLE or re.fullmatch(rf"{BILLS_TITLE} \(\d+\)", title) is not None


class _Book:
    """A write-only workbook whose temporary sheet files live in ``tmpdir``."""

    def __init__(self, tmpdir: Path) -> None:
        self.wb = Workbook(write_only=True)
        self.tmpdir = tmpdir
        self._cells: _Cells | None = None

    def create(self, title: str) -> Any:
        """A new sheet, not yet started (set widths and panes, then ``start``)."""
        _check_title(title)
        if title in self.wb.sheetnames:
            raise ValueError(f"two sheets are titled {title!r}")
        ws = self.wb.create_sheet(title)
        if self._cells is None:
            self._cells = _Cells(ws)
        return ws

    @property
    def cells(self) -> _Cells:
        """The cell factory (after the first ``create``)."""
        assert self._cells is not None
        return self._cells

    def start(self, ws: Any, widths: Sequence[float], freeze_header: bool) -> None:
        """Fix the sheet's column widths and panes and open its temporary file in ``tmpdir``."""
        for j, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(j)].width = width
        if freeze_header:
            ws.freeze_panes = "A2"
        path = str(self.tmpdir / f"sheet{len(self.wb.worksheets)}.xml")
        # What WriteOnlyWorksheet._get_writer does, with the file beside the target instead of
        # the system's temporary folder: the disk that must hold the export is the one that
        # fills up, and every byte lives in one folder that is removed whatever happens.
        writer = openpyxl_sheet_writer.WorksheetWriter(ws, out=path)
        openpyxl_sheet_writer.ALL_TEMP_FILES.append(path)
        ws._writer = writer
        writer.write_top()

    def discard(self) -> None:
        """Close every sheet's stream and delete its temporary file (after a failure)."""
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            for close in (
                getattr(getattr(ws, "_rows", None), "close", None),
                writer and writer.close,
            ):
                if close:
                    with contextlib.suppress(Exception):
                        close()
            out = getattr(writer, "out", None)
            if isinstance(out, str):
                with contextlib.suppress(OSError):
                    os.remove(out)
                with contextlib.suppress(ValueError):
                    openpyxl_sheet_writer.ALL_TEMP_FILES.remove(out)


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
        first: Any = None,
    ) -> None:
        self.book = book
        self.title = title
        self.header = list(header)
        self.widths = widths
        self.max_rows = max_rows
        self.sheets: list[str] = []
        self.rows = 0
        self._ws = None
        self._in_sheet = 0
        self._next(first)

    def _next(self, ws: Any = None) -> None:
        self._finish()
        if ws is None:
            n = len(self.sheets) + 1
            ws = self.book.create(self.title if n == 1 else f"{self.title} ({n})")
        self.book.start(ws, self.widths, freeze_header=True)
        ws.append(self.book.cells.header(self.header))
        self.sheets.append(ws.title)
        self._ws = ws
        self._in_sheet = 0

    def append(self, cells: Sequence[Any]) -> None:
        """Add a row, opening the next sheet when this one is full."""
        if self._in_sheet >= self.max_rows:
            self._next()
        assert self._ws is not None
        self._ws.append(cells)
        self._in_sheet += 1
        self.rows += 1

    def note(self, text: str) -> None:
        """A row that is not data (the empty export's note), in italics."""
        assert self._ws is not None
        cell = Cell(self._ws, 1, 1, value=text)
        cell.font = Font(italic=True)
        self._ws.append([cell])
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


def _check_target(out: Path, force: bool) -> None:
    if out.suffix.lower() != ".xlsx":
        raise ExportError(f"{out}: the file name must end with .xlsx")
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
    if isinstance(exc, FileNotFoundError):
        return f"{out}: the folder disappeared during the export; nothing was written"
    return f"{out}: cannot write the file ({exc.strerror or exc}); nothing was written"


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
            digest.update(("\n".join(lines) + "\n").encode("utf-8"))
            lines.clear()
            if cancel is not None:
                cancel.raise_if_set()
            if progress:
                progress(done, total)
    if lines:
        digest.update(("\n".join(lines) + "\n").encode("utf-8"))
    if done == 0:
        table.note(EMPTY_NOTE)
    table.close()
    if progress:
        progress(done, max(total, done))
    return _Written(done, digest.hexdigest(), table.sheets, per_source)


def _write_extra(book: _Book, spec: SheetSpec, cancel: CancelToken | None) -> list[str]:
    """Write a caller's sheet (split like the bills if it is that long); returns its titles."""
    cells = book.cells
    formats = dict(spec.number_formats)

    def convert(values: Sequence[Any]) -> tuple[list[Any], list[str]]:
        out: list[Any] = []
        texts: list[str] = []
        for j, value in enumerate(values):
            cell, text = cells.value(value, formats.get(j))
            out.append(cell)
            texts.append(text)
        return out, texts

    rows = iter(spec.rows)
    head = [convert(r) for r in islice(rows, _SAMPLE_ROWS)]
    widths = _widths(spec.header, (texts for _, texts in head))
    table = _Table(book, spec.title, spec.header, widths, MAX_DATA_ROWS)

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


TIMES_STATEMENT = (
    f"Begin and end are {TIME_LABEL}: the platform's bill export carries no time zone, so they "
    "are the wall-clock times it wrote, unconverted. Durations are end minus begin in seconds."
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
        (["Filter (JSON)", facts.f.to_json()], False),
        (["Columns (JSON)", json.dumps(list(facts.keys))], False),
        (["Times", TIMES_STATEMENT], False),
        (["Bills in the database", facts.total], False),
        (["Bills matching the filter", facts.matching], False),
        ([EXPORTED_LABEL, w.rows], False),
        (["Result", result], False),
        (["Sheets", ", ".join(facts.sheets)], False),
        ([HASH_LABEL, w.sha256], False),
        (["How to recompute the SHA-256", HASH_METHOD], False),
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
    if not facts.ledger:
        rows.append((["(none)"], False))
    for sid, name, path, sha, imported_at, imported in facts.ledger:
        rows.append(([name, path, sha, imported_at, w.per_source[sid], imported], False))
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


def _write_report(book: _Book, facts: _ReportFacts) -> None:
    ws = book.create(REPORT_TITLE)
    book.start(ws, [34, 90, 66, 22, 16, 16], freeze_header=False)
    cells = book.cells
    for values, bold in _report_rows(facts):
        if bold:
            ws.append(cells.header([str(v) for v in values]))
            continue
        out = []
        for value in values:
            cell = cells.value(value)[0]
            if isinstance(value, str) and len(value) > _REPORT_WRAP:
                cell = cells.wrapped(cell)
            out.append(cell)
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
        if _is_bill_sheet(spec.title) or spec.title == REPORT_TITLE or spec.title in seen:
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
) -> ExportResult:
    """Export the bills ``f`` selects, in its order, to an ``.xlsx`` workbook at ``out``.

    The workbook is written into a hidden folder beside ``out`` and renamed into place when
    complete: a cancel, an error or a full disk leaves no partial file and no temporary file.
    Everything is read in one database snapshot, so the counts agree with the rows.

    Args:
        db: The bill database.
        f: Which bills, in which order.
        out: The target (must end with ``.xlsx``; its folder must exist).
        columns: Column keys (``viewer.core.columns``) in sheet order.
        force: Replace an existing ``out`` (the window asks first; the command line's --force).
        progress: ``progress(rows_done, rows_total)`` every 1,000 rows.
        cancel: Checked every 1,000 rows and while compressing; raises ``Cancelled``.
        max_rows_per_sheet: Data rows per Bills sheet before "Bills (2)" begins.
        extra_sheets: More sheets, written after the bills and before the Report.
        filter_sentence: The filter as the window words it (default: ``describe_filter``).

    Returns:
        What was written.

    Raises:
        ExportError: The target exists (without ``force``), is locked or not writable, its
            folder is missing, or the disk is full.
        DatabaseError: The database cannot be read.
        Cancelled: ``cancel`` was set (after cleaning up).
        ValueError: Unknown or repeated column keys, bad sheet titles or split size.
    """
    out = Path(out).expanduser().absolute()
    keys = tuple(columns)
    _validate(keys, max_rows_per_sheet, extra_sheets)
    _check_target(out, force)
    try:
        tmpdir = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".part", dir=out.parent))
    except OSError as exc:
        raise ExportError(_os_message(exc, out)) from exc
    book = _Book(tmpdir)
    done = False
    try:
        with db.engine.connect() as conn:
            labels = {
                (int(t), int(c)): str(x)
                for t, c, x in conn.exec_driver_sql("SELECT op_type, code, text FROM site_label")
            }
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
            sheets += _write_extra(book, spec, cancel)
        sheets.append(REPORT_TITLE)
        facts = _ReportFacts(
            db.path,
            f,
            filter_sentence or describe_filter(f, labels),
            keys,
            total,
            matching,
            written,
            tuple(sheets),
            ledger,
            labels,
        )
        _write_report(book, facts)
        part = tmpdir / out.name
        with part.open("wb") as fp:
            guarded = _GuardedFile(fp, cancel)
            try:
                book.wb.save(guarded)
            finally:
                guarded.kill()
            fp.flush()
            os.fsync(fp.fileno())
        if cancel is not None:
            cancel.raise_if_set()
        if not force and out.exists():
            raise ExportError(
                f"{out}: a file of that name appeared during the export; not replaced"
            )
        os.replace(part, out)
        done = True
    except OSError as exc:
        raise ExportError(_os_message(exc, out)) from exc
    except DBAPIError as exc:
        raise friendly_db_error(exc, db.path) from exc
    finally:
        if not done:
            book.discard()
        shutil.rmtree(tmpdir, ignore_errors=True)
    return ExportResult(out, written.rows, tuple(sheets), written.sha256, matching, total)


# --------------------------------------------------------------------------------------------
# Reading an export back: the row hash
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifyResult:
    """The row hash a workbook's Report states and the one its Bills sheets give now."""

    path: Path
    expected: str
    actual: str
    rows: int
    """Data rows found in the Bills sheets."""
    stated_rows: int | None
    """The Report's "Bills exported"."""

    @property
    def ok(self) -> bool:
        """True when the rows hash to the stated value (and their count agrees)."""
        return self.expected == self.actual and self.stated_rows in (None, self.rows)


def _bill_sheet_order(title: str) -> int:
    m = re.fullmatch(rf"{BILLS_TITLE} \((\d+)\)", title)
    return int(m.group(1)) if m else 1


def _hash_line(values: Sequence[Any]) -> bytes:
    return ("\t".join(canonical_text(v) for v in values) + "\n").encode("utf-8")


def _fit(values: Sequence[Any], width: int) -> list[Any]:
    row = list(values)
    while len(row) > width and row[-1] is None:
        row.pop()
    return row + [None] * (width - len(row))


def _rehash(wb: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    width = -1
    rows = 0
    note_pending = False
    titles = sorted((t for t in wb.sheetnames if _is_bill_sheet(t)), key=_bill_sheet_order)
    for title in titles:
        values_iter = wb[title].iter_rows(values_only=True)
        header = next(values_iter, None)
        if header is None:
            continue
        if width < 0:
            header_row = _fit(header, 0)
            width = len(header_row)
            digest.update(_hash_line(header_row))
        for values in values_iter:
            row = _fit(values, width)
            if rows == 0 and not note_pending and row[:1] == [EMPTY_NOTE] and not any(row[1:]):
                note_pending = True  # the empty export's note: hashed only if rows follow it
                continue
            if note_pending:
                digest.update(_hash_line(_fit([EMPTY_NOTE], width)))
                rows += 1
                note_pending = False
            digest.update(_hash_line(row))
            rows += 1
    return digest.hexdigest(), rows


def _open_workbook(path: Path) -> Any:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        raise ExportError(f"{path}: not a readable .xlsx workbook ({exc})") from None


def recompute_sha256(path: Path | str) -> str:
    """Recompute the row hash of an exported workbook from its Bills sheets (``HASH_METHOD``)."""
    wb = _open_workbook(Path(path))
    try:
        return _rehash(wb)[0]
    finally:
        wb.close()


def verify_xlsx(path: Path | str) -> VerifyResult:
    """Compare the Report's row hash with the rows now in the workbook.

    Raises:
        ExportError: The file is not a readable workbook or not an export of this application.
    """
    path = Path(path)
    wb = _open_workbook(path)
    try:
        if REPORT_TITLE not in wb.sheetnames:
            raise ExportError(f"{path}: not an Agent Bill Viewer export (no Report sheet)")
        stated: dict[str, Any] = {}
        for values in wb[REPORT_TITLE].iter_rows(max_col=2, values_only=True):
            if values and isinstance(values[0], str) and len(values) > 1:
                stated.setdefault(values[0], values[1])
        expected = stated.get(HASH_LABEL)
        if not isinstance(expected, str):
            raise ExportError(f"{path}: the Report sheet states no {HASH_LABEL!r}")
        count = stated.get(EXPORTED_LABEL)
        actual, rows = _rehash(wb)
    finally:
        wb.close()
    return VerifyResult(path, expected, actual, rows, count if isinstance(count, int) else None)
