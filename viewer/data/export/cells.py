"""Cell values of an export: a value becomes a typed cell, text stays text, widths fit.

Text Excel would read as a formula or an error code gets Excel's "quote prefix"; characters XML
cannot carry become Excel's ``_xHHHH_`` escapes (``excel_text`` decodes them); a text too long
for a cell is cut with ``TRUNCATED_MARK``. ``canonical_text`` is a value as the row hash sees it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl.cell.cell import ERROR_CODES, Cell
from openpyxl.styles import Alignment, Font

from viewer.core.timefmt import from_epoch
from viewer.data.export.xlsx_stream import Styled

DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
"""Number format of begin and end (and of date-times in extra sheets without their own)."""


TRUNCATED_MARK = "\u2026 [truncated, {n:,} characters]"
"""Ends a text cut to fit a cell; ``n`` is the value's full length (the database keeps it all)."""


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


_MIN_WIDTH, _MAX_WIDTH = 6, 60


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


def _widths(header: Sequence[str], sample: Iterable[Sequence[str]]) -> list[float]:
    """Column widths that fit the header (bold, with a filter button) and the sampled rows."""
    widths = [len(h) + 5 for h in header]
    for texts in sample:
        for j, text in enumerate(texts[: len(widths)]):
            if len(text) + 2 > widths[j]:
                widths[j] = len(text) + 2
    return [float(min(max(w, _MIN_WIDTH), _MAX_WIDTH)) for w in widths]
