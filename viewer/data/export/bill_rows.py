"""The Bills sheet: each bill row as its cells, hashed as written (``HASH_METHOD``).

Begin and end as date-times, the duration in seconds, each code as its number beside its
"(meaning)", the source as file name and line; explanations cached per distinct code.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from viewer.core import codes
from viewer.core.columns import CODE, DURATION, IDX, SOURCE, TIME, Column, column
from viewer.core.i18n import QT_TRANSLATE_NOOP, in_every_language, translate
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.core.timefmt import from_epoch
from viewer.data.export.cells import (
    _INT_TEXT,
    _MAX_EXACT_INT,
    _PLAIN_MAX,
    _RISKY_FIRST,
    DATETIME_FORMAT,
    _Cells,
    _clean_text,
    _plain,
    _widths,
)
from viewer.data.export.workbook import _CHECK_EVERY, _SAMPLE_ROWS, _Book, _Table

BILLS_TITLE = QT_TRANSLATE_NOOP("Sheet", "Bills")
"""The bills' sheet (English source; written in the export's language, read in any)."""


EMPTY_NOTE = QT_TRANSLATE_NOOP(
    "Sheet", "No bill matches the filter of this export (see the Report sheet)."
)
"""The only row of an empty export's Bills sheet; not an exported row, so not hashed."""


def bills_title() -> str:
    """The bills' sheet title in the current language."""
    return translate("Sheet", BILLS_TITLE)


_CACHE_LIMIT = 50_000


Labels = Mapping[tuple[int, int], str]


def export_header(keys: Sequence[str]) -> tuple[str, ...]:
    """The Bills header for these column keys: codes get a "(meaning)" column after them."""
    titles: list[str] = []
    for key in keys:
        col = column(key)
        if col.kind == DURATION:
            titles.append(translate("Sheet", "{title} (s)").format(title=col.title))
        elif col.kind == CODE:
            titles += [col.title, translate("Sheet", "{title} (meaning)").format(title=col.title)]
        elif col.kind == SOURCE:
            titles += [col.title, translate("Sheet", "Source line")]
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
        where = f"{bills_title()}: {col.title}"
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
        meaning = translate("Sheet", "{title} (meaning)").format(title=col.title)
        where = (f"{bills_title()}: {col.title}", f"{bills_title()}: {meaning}")

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


def _is_bill_sheet(title: str) -> bool:
    """A bills' sheet ("Bills", "Bills (2)", ...) in any of the application's languages."""
    m = re.fullmatch(r"(.*?)(?: \(\d+\))?", title)
    return m is not None and m.group(1) in in_every_language("Sheet", BILLS_TITLE)


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
    title = bills_title()
    first = book.create(title)
    bills = _BillRows([column(k) for k in keys], book.cells, labels, source_names)
    convert = bills.convert
    head = [(row, *convert(row)) for row in islice(rows, _SAMPLE_ROWS)]
    table = _Table(book, title, header, _widths(header, (t for _, _, t in head)), max_rows, first)
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
        table.note(translate("Sheet", EMPTY_NOTE))
    table.close()
    if progress:
        progress(done, max(total, done))
    return _Written(done, digest.hexdigest(), table.sheets, per_source)
