"""The workbook over openpyxl's writer: sheets streamed into the zip, split when full.

``_Book`` streams sheets into the temporary file (``xlsx_stream``), digesting each row for the
signature; ``_Table`` spreads one table over "T", "T (2)", ... sheets; ``_write_extra`` writes a
caller's ``SheetSpec``. Every sheet prints A4 landscape, one page wide (``apply_print_settings``).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from viewer.core.tasks import CancelToken
from viewer.data.export import signing
from viewer.data.export.cells import _Cells, _widths
from viewer.data.export.xlsx_stream import SheetStream, StreamBook
from viewer.data.export.xlsx_stream import _number as _stream_number

MAX_DATA_ROWS = 1_048_575
"""Data rows of one sheet: Excel's 1,048,576 rows less the header."""


_CHECK_EVERY = 1000
_SAMPLE_ROWS = 1000


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


def _check_title(title: str) -> None:
    if not title or len(title) > 31 or any(c in title for c in "[]:*?/\\"):
        raise ValueError(f"invalid sheet title {title!r}: 1-31 characters, none of []:*?/\\")


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
