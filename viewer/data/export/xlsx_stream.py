"""Streaming sheet writer: sheet XML written as text straight into the package openpyxl builds.

openpyxl stays the workbook library: it owns the workbook (sheet list, styles, defined names such
as print titles, content types) and renders every part of a sheet except its rows: the sheet
properties, panes and column widths before the rows, the autofilter and the print settings
(margins, page setup, header and footer) after them, all from the openpyxl worksheet as usual.
What this module does itself is the one part that costs time: the rows (``<sheetData>``), formatted
as text and deflated into the zip entry as they come (on a second thread, level 1), instead of
openpyxl's element-by-element serialiser and its temporary file. Nothing is staged on disk.

Use::

    book = StreamBook(fileobj)                 # a seekable binary file
    sheet = book.create_sheet("Bills")         # the openpyxl worksheet's attributes pass through
    sheet.freeze_panes = "A2"                  # top of the sheet: set before start()
    sheet.start()
    sheet.append(["text", 1, 2.5, None, cell])   # cell: an openpyxl Cell (styled values)
    sheet.auto_filter.ref = "A1:E2"            # tail of the sheet: set before close()
    sheet.close()
    book.save()                                # everything else, by openpyxl; closes the zip

Cells: ``str`` (inline string; must already be XML-safe: control characters, CR and lone
surrogates are refused, see ``exporter`` for Excel's ``_xHHHH_`` escapes), ``int``
(up to 2**53 either way: beyond, readers get another number back), ``float`` (finite), ``bool``,
``None`` (no cell), ``Styled`` (a number with a style), an openpyxl ``Cell`` (its value, type and
style: dates, quote prefix, bold), or anything else openpyxl can type (a ``datetime`` gets
openpyxl's default date format; dates before 1900-01-01, which Excel does not have, are refused).
Anything that would not come back as written is refused with a ``ValueError``.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import math
import queue
import re
import threading
from io import BytesIO
from typing import IO, Any, NamedTuple
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.packaging.relationship import RelationshipList
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.writer.excel import ExcelWriter

__all__ = ["MAX_SHEET_BYTES", "MAX_SHEET_ROWS", "SheetStream", "StreamBook", "Styled"]

MAX_SHEET_ROWS = 1_048_576
"""Rows of an Excel sheet (header included)."""

MAX_SHEET_BYTES = 2**31 - 2**27
"""Sheet XML (uncompressed) after which ``SheetStream.full`` says to go on in a new sheet.

A zip entry past 2 GiB needs ZIP64 extensions that Excel reads badly (Apache POI bug 57342), so
a table continues in its next sheet before that (at ~1.9 GB: over a million rows of 1.8 KB).
"""

_CHUNK_CHARS = 1 << 20
"""Text gathered before it is encoded and handed to the compressing thread."""
_QUEUE_CHUNKS = 4
"""Chunks waiting for the compressing thread (bounds memory: ~4 x 1-4 MB)."""
_ILLEGAL = re.compile("[\x00-\x08\x0b-\x0d\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
"""Characters refused in text: not XML characters, or (CR) read back as LF by every XML reader."""
_MAX_INT = 2**53
"""Largest whole number a double holds exactly: readers (and Excel) read numbers as doubles."""
_HEAD_END = b"<sheetData>"
_PRESERVE = '<t xml:space="preserve">'
"""Leading or trailing white space of a text is kept only where it is marked so."""
_EMPTY_DATA = re.compile(rb"<sheetData\s*/>|<sheetData>\s*</sheetData>")


def _skeleton(ws: Any) -> tuple[bytes, bytes]:
    """The sheet's XML before and after its rows, as openpyxl renders them now."""
    buf = BytesIO()
    writer = WorksheetWriter(ws, out=buf)
    writer.write_top()
    xf = writer.xf.send(True)
    with xf.element("sheetData"):
        pass
    writer.xf.send(None)
    writer.write_tail()
    writer.close()
    if len(writer._rels):
        raise ValueError(f"sheet {ws.title!r}: hyperlinks, drawings and tables are not streamed")
    xml = buf.getvalue()
    match = _EMPTY_DATA.search(xml)
    assert match is not None, "openpyxl wrote no <sheetData>"
    return xml[: match.start()] + _HEAD_END, b"</sheetData>" + xml[match.end() :]


class Styled(NamedTuple):
    """A number with a style, cheaper than an openpyxl ``Cell`` (e.g. a date-time's serial).

    ``style`` is the ``_style`` array of an openpyxl cell (``StyleArray``): give the same object
    for every cell of one style (its stylesheet index is cached by identity).
    """

    value: int | float
    style: Any


def _text(value: str) -> str:
    """An inline string's ``<is>`` element (XML special characters escaped)."""
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[0] <= " " or value[-1] <= " ":
        return f"<is>{_PRESERVE}{value}</t></is>"
    return f"<is><t>{value}</t></is>"


def _inexact(value: int) -> ValueError:
    return ValueError(
        f"{value} is beyond the whole numbers Excel holds exactly (2**53): write it as text"
    )


def _number(value: Any) -> str:
    """A number's ``<v>`` text, which every reader reads back as this number (else refused)."""
    if isinstance(value, int):
        if -_MAX_INT <= value <= _MAX_INT:
            return str(int(value))
        raise _inexact(value)
    number = float(value)  # Decimal, Fraction, numpy floats: Excel stores a double
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a number Excel can store")
    return repr(number)


class _Compressor:
    """Writes encoded chunks into the open zip entry on its own thread (zlib releases the GIL).

    An error there (a full disk, Cancel raised by the file) is raised again in the caller at its
    next ``put`` or ``finish``.
    """

    def __init__(self, entry: IO[bytes]) -> None:
        self._entry = entry
        self._queue: queue.Queue[bytes | None] = queue.Queue(_QUEUE_CHUNKS)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="xlsx-deflate", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            data = self._queue.get()
            if data is None:
                return
            if self._error is None:
                try:
                    self._entry.write(data)
                except BaseException as exc:  # noqa: BLE001 - handed to the producing thread
                    self._error = exc

    def put(self, data: bytes) -> None:
        """Queue a chunk (waits while the queue is full)."""
        if self._error is not None:
            raise self._error
        self._queue.put(data)

    def finish(self) -> None:
        """Wait until every chunk is written; raise what went wrong, if anything."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise self._error


class SheetStream:
    """A sheet whose rows are streamed into the package; other attributes are the worksheet's.

    Reading or setting any other attribute (``title``, ``freeze_panes``, ``column_dimensions``,
    ``auto_filter``, ``page_setup``, ``print_title_rows``, ``oddHeader``, ...) reaches the openpyxl
    write-only worksheet ``ws``, which renders the parts around the rows.
    """

    __slots__ = (
        "ws",
        "rows",
        "nbytes",
        "_book",
        "_entry",
        "_compressor",
        "_pending",
        "_pending_chars",
        "_letters",
        "_state",
        "_styles",
        "_kept",
        "_head",
    )

    def __init__(self, book: StreamBook, ws: Any) -> None:
        object.__setattr__(self, "ws", ws)
        self._book = book
        self.rows = 0
        """Rows appended so far (header included)."""
        self.nbytes = 0
        """Sheet XML (uncompressed) handed to the zip entry so far."""
        self._entry: IO[bytes] | None = None
        self._compressor: _Compressor | None = None
        self._pending: list[str] = []
        self._pending_chars = 0
        self._letters: list[str] = []
        self._state = "new"
        self._styles: dict[int, int] = {}
        self._kept: list[Any] = []
        self._head = b""

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ws, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in SheetStream.__slots__:
            object.__setattr__(self, name, value)
        else:
            setattr(self.ws, name, value)

    @property
    def path(self) -> str:
        """The sheet's part name in the package (``xl/worksheets/sheetN.xml``)."""
        return str(self.ws.path[1:])

    @property
    def full(self) -> bool:
        """Whether the sheet should end here: its rows or its XML near their limits."""
        return (
            self.rows >= MAX_SHEET_ROWS or self.nbytes + 4 * self._pending_chars >= MAX_SHEET_BYTES
        )

    def start(self) -> None:
        """Open the sheet's zip entry and write what precedes the rows (one sheet at a time)."""
        if self._state != "new":
            raise ValueError(f"sheet {self.ws.title!r} was already started")
        self._book._open(self)
        _skeleton(self.ws)  # settles what rendering sets (sheetFormatPr's outlineLevelCol)
        head, _tail = _skeleton(self.ws)
        self._head = head  # close() checks that nothing in it changed meanwhile
        self._entry = self._book.zip.open(self.path, "w")
        self._compressor = _Compressor(self._entry)
        self._state = "open"
        self._put(head)

    def append(self, row: Any) -> None:
        """Write one row; ``None`` cells are left out."""
        if self._state != "open":
            raise ValueError(f"sheet {self.ws.title!r} is not open for rows")
        if self.rows >= MAX_SHEET_ROWS:
            raise ValueError(f"sheet {self.ws.title!r} is full ({MAX_SHEET_ROWS:,} rows)")
        self.rows += 1
        r = str(self.rows)
        letters = self._letters
        if len(row) > len(letters):
            letters += [get_column_letter(j) for j in range(len(letters) + 1, len(row) + 1)]
        dims = self.ws.row_dimensions.get(self.rows)
        height = dims.height if dims is not None else None
        out = [f'<row r="{r}" ht="{height}" customHeight="1">' if height else f'<row r="{r}">']
        add = out.append
        for letter, value in zip(letters, row, strict=False):
            if value is None:
                continue
            cls = value.__class__
            if cls is str:
                if not value:
                    continue
                if "&" in value or "<" in value or ">" in value:
                    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                if value[0] > " " and value[-1] > " ":
                    add(f'<c r="{letter}{r}" t="inlineStr"><is><t>{value}</t></is></c>')
                else:  # leading or trailing white space is kept only when marked
                    add(f'<c r="{letter}{r}" t="inlineStr"><is>{_PRESERVE}{value}</t></is></c>')
            elif cls is int:
                if not -_MAX_INT <= value <= _MAX_INT:
                    raise _inexact(value)
                add(f'<c r="{letter}{r}"><v>{value}</v></c>')
            elif cls is Styled:
                style = self._styles.get(id(value.style))
                if style is None:
                    style = self._style_id(value.style)
                add(f'<c r="{letter}{r}" s="{style}"><v>{_number(value.value)}</v></c>')
            elif cls is float:
                if value - value != 0.0:
                    raise ValueError(f"{value!r} is not a number Excel can store")
                add(f'<c r="{letter}{r}"><v>{value!r}</v></c>')
            else:
                add(self._cell(letter + r, value))
        add("</row>")
        text = "".join(out)
        self._pending.append(text)
        self._pending_chars += len(text)
        if self._pending_chars >= _CHUNK_CHARS:
            self._flush()

    def _style_id(self, style: Any) -> int:
        """The stylesheet index of a style array (kept alive with it: cached by identity)."""
        index = int(self._book.wb._cell_styles.add(style))
        self._styles[id(style)] = index
        self._kept.append(style)
        return index

    def _cell(self, ref: str, value: Any) -> str:
        """A cell that is not plain text or number: openpyxl types it, its style is kept."""
        # bool, datetime, Decimal, ...: openpyxl types them
        cell = value if isinstance(value, Cell) else Cell(self.ws, value=value)
        style = f' s="{self._book.wb._cell_styles.add(cell._style)}"' if cell.has_style else ""
        v, kind = cell._value, cell.data_type
        if v is None or v == "":
            return f'<c r="{ref}"{style}/>' if style else ""
        if kind == "s":
            return f'<c r="{ref}"{style} t="inlineStr">{_text(str(v))}</c>'
        if kind == "n":
            return f'<c r="{ref}"{style}><v>{_number(v)}</v></c>'
        if kind == "b":
            return f'<c r="{ref}"{style} t="b"><v>{1 if v else 0}</v></c>'
        if kind == "d":
            if isinstance(v, _dt.datetime | _dt.time) and v.tzinfo is not None:
                raise TypeError("Excel stores no time zone: give naive date-times")
            if isinstance(v, _dt.date) and v.year < 1900:
                # serial 0 or less: read back as a time of day, or not at all
                raise ValueError(f"cell {ref}: {v} is before 1900-01-01, Excel's first day")
            return f'<c r="{ref}"{style}><v>{_number(to_excel(v, self._book.wb.epoch))}</v></c>'
        raise ValueError(f"cell {ref}: {kind!r} cells (formulas, errors) are not written")

    def _put(self, data: bytes) -> None:
        assert self._compressor is not None
        self.nbytes += len(data)
        self._compressor.put(data)

    def _flush(self) -> None:
        if not self._pending:
            return
        text = "".join(self._pending)
        self._pending.clear()
        self._pending_chars = 0
        bad = None if text.isprintable() else _ILLEGAL.search(text)
        if bad is not None:
            raise ValueError(
                f"sheet {self.ws.title!r}: character U+{ord(bad.group()):04X} cannot be stored "
                "in XML (write it as Excel's _xHHHH_ escape)"
            )
        self._put(text.encode("utf-8"))

    def close(self) -> None:
        """Write the rest of the sheet (autofilter, print settings) and close its zip entry."""
        if self._state != "open":
            raise ValueError(f"sheet {self.ws.title!r} is not open")
        self._flush()
        head, tail = _skeleton(self.ws)
        if head != self._head:
            raise ValueError(
                f"sheet {self.ws.title!r}: its properties, panes or column widths changed after "
                "start(), which wrote them: set them before start()"
            )
        self._put(tail)
        self._state = "failed"
        assert self._compressor is not None and self._entry is not None
        self._compressor.finish()
        self._entry.close()
        self._state = "closed"
        self._book._closed(self)

    def abandon(self) -> None:
        """Stop writing (after a failure): the thread ends; the entry is left to the zip's fate."""
        if self._compressor is not None:
            with contextlib.suppress(BaseException):
                self._compressor.finish()
        self._state = "failed"


class _PackageWriter(ExcelWriter):
    """openpyxl's package writer, told that the worksheets are already in the archive."""

    def __init__(self, workbook: Workbook, archive: ZipFile, streamed: dict[int, SheetStream]):
        super().__init__(workbook, archive)
        self._streamed = streamed

    def write_worksheet(self, ws: Any) -> None:
        sheet = self._streamed.get(id(ws))
        if sheet is None or sheet._state != "closed" or sheet.path != ws.path[1:]:
            raise ValueError(f"sheet {ws.title!r} was not streamed and closed in order")
        ws._drawing = None
        ws._rels = RelationshipList()
        self.manifest.append(ws)


class StreamBook:
    """An openpyxl write-only workbook whose package is written to ``fileobj`` as sheets end.

    Args:
        fileobj: A seekable binary file (the zip is written from its current position).
        compresslevel: Deflate level of the sheets (1: fastest; the parts openpyxl writes at the
            end are small).
    """

    def __init__(self, fileobj: IO[bytes], compresslevel: int = 1) -> None:
        self.wb = Workbook(write_only=True)
        self.zip = ZipFile(fileobj, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=compresslevel)
        self._sheets: dict[int, SheetStream] = {}
        self._open_sheet: SheetStream | None = None

    @property
    def sheetnames(self) -> list[str]:
        """Titles of the sheets, in workbook order."""
        return list(self.wb.sheetnames)

    def create_sheet(self, title: str) -> SheetStream:
        """A new sheet at the end of the workbook (not yet started)."""
        ws = self.wb.create_sheet(title)
        ws._id = len(self.wb.worksheets)
        sheet = SheetStream(self, ws)
        self._sheets[id(ws)] = sheet
        return sheet

    def _open(self, sheet: SheetStream) -> None:
        if self._open_sheet is not None:
            raise ValueError(f"sheet {self._open_sheet.ws.title!r} is still open")
        self._open_sheet = sheet

    def _closed(self, sheet: SheetStream) -> None:
        assert self._open_sheet is sheet
        self._open_sheet = None

    def save(self) -> None:
        """Write the workbook's other parts (styles, workbook, content types) and close the zip."""
        if self._open_sheet is not None:
            raise ValueError(f"sheet {self._open_sheet.ws.title!r} is still open")
        self.wb.properties.modified = _dt.datetime.now(tz=_dt.UTC).replace(tzinfo=None)
        _PackageWriter(self.wb, self.zip, self._sheets).save()

    def abandon(self) -> None:
        """After a failure: stop the open sheet's thread and close the zip, errors ignored.

        The file then holds an incomplete package: its owner deletes it.
        """
        if self._open_sheet is not None:
            self._open_sheet.abandon()
            with contextlib.suppress(BaseException):
                if self._open_sheet._entry is not None:
                    self._open_sheet._entry.close()
            self._open_sheet = None
        with contextlib.suppress(BaseException):
            self.zip.close()
