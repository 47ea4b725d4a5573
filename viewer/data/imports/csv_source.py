"""Reading agent operation bill CSVs: encoding, delimiter, header, bad lines.

The export's physical format is undocumented (delimiter, header, quoting, encoding, line endings),
so the reader detects it from the first lines and then streams the file in batches, turning every
line into either a bill row or a ``RowIssue`` with its line number, reason and raw text.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, compress, islice, repeat
from operator import itemgetter
from typing import IO, Any

from viewer.core.codes import plain_code
from viewer.core.columns import CODE_FIELDS, DB_FIELDS
from viewer.core.errors import BadInputError, NotABillExportError
from viewer.core.records import COLUMNS, MIN_COLUMNS, RowIssue
from viewer.core.timefmt import (
    TIME_RANGE_TEXT,
    EpochCache,
    format_time,
    in_time_range,
)
from viewer.data.imports import messages

MAX_LINE_BYTES = 64 * 1024
"""A longer physical line is rejected ("oversized line") without being held in memory."""

BLOCK_BYTES = 1 << 20
"""Bytes decoded at a time."""

LINE_END_SNIFF_BYTES = 1 << 16
"""At least this much of a file's start decides whether its lines end with a lone CR."""

_LINE_END = re.compile(rb"\r\n?|\n")
"""A line end where lone CRs end lines: CRLF, CR or LF (Python's universal newlines)."""


def uses_lone_cr(head: bytes) -> bool:
    """Whether a file's start says its lines end with a lone CR: more lone CRs than LFs.

    Classic Mac files and Excel's "CSV (Macintosh)" end lines so. A lone CR inside a field of a
    file with LF or CRLF line ends (a few, among many LFs) does not make it one.
    """
    lone = head.count(b"\r") - head.count(b"\r\n")
    return lone > head.count(b"\n")


DELIMITERS: tuple[str, ...] = (",", "|", "\t", ";")
SNIFF_LINES = 30
SIBLING_EXPORTS: dict[str, str] = {
    "_call_": "call detail records (CDR)",
    "_record_": "a recording index",
    "_agentskillinfo_": "agent skill changes",
}
"""Name markers of the platform's other exports, which are not agent operation bills."""

_DAY_TIME = r"-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
_TIME_PATTERN = r"\d{4}-(?:0[1-9]|1[0-2])" + _DAY_TIME
_CANONICAL_TIME = re.compile(_TIME_PATTERN).fullmatch
_LOOSE_TIME = re.compile(
    r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?\s*"
).fullmatch


def normalise_time(value: str) -> str | None:
    """Return ``value`` as ``YYYY-MM-DD hh:mm:ss``, or None if it is not a time.

    Besides the documented form this accepts what spreadsheet programs write when a user re-saves
    an export (``2026/11/2 8:05``, ``2026-11-02T08:05:00``), since such files reach the viewer too.
    """
    if _CANONICAL_TIME(value) and value[8:10] < "29":
        return value  # days 29-31 go on to the calendar check (2026-02-30 is no date)
    m = _LOOSE_TIME(value)
    if not m:
        return None
    try:
        dt = datetime(*(int(p) if p else 0 for p in m.groups()))  # type: ignore[misc]
    except ValueError:
        return None
    return format_time(dt)


def sibling_export_kind(name: str) -> str | None:
    """If ``name`` is one of the platform's non-bill exports, say which kind it is."""
    low = name.lower()
    for marker, kind in SIBLING_EXPORTS.items():
        if marker in low:
            return kind
    return None


class _Blocks:
    """Whole-line blocks of a binary stream, decoded, with line numbers and byte counts.

    Lines end with LF or CRLF; in a file whose lines end with a lone CR (``uses_lone_cr``,
    decided on the file's first bytes unless ``lone_cr`` is given) CR, LF and CRLF all end
    lines. Elsewhere a lone CR is part of its line (``_check_rows`` rejects a line it would
    make into extra columns).

    Decoding a megabyte at a time (instead of line by line) keeps the per-line cost in C. A block
    ends at the last line end in it, whatever the quotes say: a quoted field that runs on past a
    block's end is the parser's business (``_batches`` carries its lines into the next block), so
    a stray quote can neither make blocks grow nor make cutting them slow. Undecodable and
    oversized lines become issues and are replaced by empty lines, so line numbers stay right.
    """

    def __init__(
        self,
        fp: IO[bytes],
        block_size: int = BLOCK_BYTES,
        *,
        first_line: int = 1,
        limit: int | None = None,
        bom: bool = True,
        lone_cr: bool | None = None,
    ) -> None:
        self._fp = fp
        self.lone_cr = lone_cr  # None: decided on the first bytes read
        self._block_size = block_size
        self._limit = limit  # bytes to read at most (a part of a file), None: to the end
        self._bom = bom  # whether the first block may start with a byte order mark
        self.bytes_read = 0
        self.issues: list[RowIssue] = []
        self.next_line = first_line  # number of the first line of the next block

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(first_line_number, lines)``; lines have no line terminators."""
        read = self._fp.read
        carry = b""
        first = self._bom
        skipping = False
        size = self._block_size
        if self.lone_cr is None:
            size = max(size, LINE_END_SNIFF_BYTES)
        while True:
            if self._limit is None:
                data = read(size)
            else:
                data = read(min(size, self._limit - self.bytes_read))
            size = self._block_size
            self.bytes_read += len(data)
            if self.lone_cr is None:
                self.lone_cr = uses_lone_cr(data)
            cr = self.lone_cr
            if not data:
                if skipping:
                    yield self._oversized(carry)
                elif carry:
                    yield self._decode(carry, first)
                return
            if skipping:
                found = _LINE_END.search(data) if cr else None
                cut = found.end() - 1 if found else -1 if cr else data.find(b"\n")
                if cut < 0:
                    continue
                yield self._oversized(carry)
                skipping = False
                carry = b""
                data = data[cut + 1 :]
            buf = carry + data if carry else data
            cut = buf.rfind(b"\n")
            if cr:  # a CR at the very end may be the first half of a CRLF: cut before it
                cut = max(cut, buf.rfind(b"\r", 0, len(buf) - 1))
            if cut < 0:
                carry = buf
                if len(carry) > MAX_LINE_BYTES:
                    skipping = True
                    carry = carry[:500]
                continue
            carry = buf[cut + 1 :]
            yield self._decode(buf[: cut + 1], first)
            first = False

    def _oversized(self, head: bytes) -> tuple[int, list[str]]:
        line = self.next_line
        self.next_line += 1
        self.issues.append(
            RowIssue(
                line,
                messages.OVERSIZED.format(size=MAX_LINE_BYTES // 1024),
                head[:500].decode("utf-8", "replace") + "...",
            )
        )
        return line, [""]

    def _decode(self, block: bytes, first: bool) -> tuple[int, list[str]]:
        base = self.next_line
        cr = bool(self.lone_cr)
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            raws = _LINE_END.split(block) if cr else block.split(b"\n")
            lines = [self._decode_line(raw, base + i) for i, raw in enumerate(raws)]
        else:
            if "\r" in text:
                text = text.replace("\r\n", "\n")
                if cr:
                    text = text.replace("\r", "\n")
            lines = text.split("\n")
        if block.endswith(b"\n") or (cr and block.endswith(b"\r")):
            lines.pop()
        if first and lines and lines[0].startswith("\ufeff"):
            lines[0] = lines[0][1:]
        if (  # blank lines left out first, in C: a block of newlines is checked at once
            len(block) > MAX_LINE_BYTES
            and max(map(len, compress(lines, lines)), default=0) > MAX_LINE_BYTES // 4
        ):
            for i, line in enumerate(lines):
                if len(line) > MAX_LINE_BYTES // 4 and len(line.encode("utf-8")) > MAX_LINE_BYTES:
                    self.issues.append(
                        RowIssue(
                            base + i,
                            messages.OVERSIZED.format(size=MAX_LINE_BYTES // 1024),
                            line[:500] + "...",
                        )
                    )
                    lines[i] = ""
        self.next_line += len(lines)
        return base, lines

    def _decode_line(self, raw: bytes, line_no: int) -> str:
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                self.issues.append(
                    RowIssue(
                        line_no,
                        messages.UNDECODABLE,
                        raw.decode("utf-8", "replace").rstrip("\r"),
                    )
                )
                return ""
        return text[:-1] if text.endswith("\r") else text


@dataclass
class Batch:
    """A slice of a file: bill rows ready to insert, and the lines rejected meanwhile.

    Each row is a list of the 21 fields (times as stored seconds, see ``viewer.core.timefmt``)
    followed by its line number. Rows that had extra trailing columns or hold a code that is
    not a plain integer are in ``extra_rows`` with one more item, the tab-joined extras (or
    None), and then, for the latter, the JSON of the verbatim codes, whose fields hold None
    (``viewer.data.imports.parallel.merged_rows`` evens the widths out). Code fields
    hold the exported text of a plain integer (``viewer.core.codes.plain_code``: SQLite stores
    it as exactly that integer) or ``""`` for an empty cell.
    """

    rows: list[list[Any]] = field(default_factory=list)
    extra_rows: list[list[Any]] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    bytes_read: int = 0
    extra_lines: int = 0  # rows of ``extra_rows`` that had extra trailing columns

    @property
    def size(self) -> int:
        """Bills in the batch."""
        return len(self.rows) + len(self.extra_rows)


@dataclass
class Layout:
    """What was detected about a file: delimiter, header, and column order."""

    delimiter: str
    header: bool
    mapping: tuple[int, ...] | None  # header order differs: source index per stored field
    columns: int
    lone_cr: bool = False  # lines end with a lone CR (``uses_lone_cr``)

    def looks_like_bill(self, fields: list[str]) -> bool:
        """Whether a record has a bill's shape here: enough fields, an id and a begin time."""
        if self.mapping is None:
            return _looks_like_bill(fields)
        return _looks_like_bill(
            fields, self.mapping[0], self.mapping[7], min(self.columns, MIN_COLUMNS)
        )


def _looks_like_bill(
    fields: list[str], id_at: int = 0, begin_at: int = 7, min_fields: int = MIN_COLUMNS
) -> bool:
    """Enough fields, a non-blank id at ``id_at`` and a readable time at ``begin_at``."""
    return (
        len(fields) >= min_fields
        and 0 <= id_at < len(fields)
        and 0 <= begin_at < len(fields)
        and bool(fields[id_at].strip())
        and (normalise_time(fields[begin_at]) is not None)
    )


def _is_header(fields: list[str]) -> bool:
    names = {f.strip().lower() for f in fields}
    return "agent_id" in names and "begin_time" in names and "op_type" in names


def _sample_rows(sample: list[str], delim: str) -> list[list[str]]:
    """The sample's non-blank lines split one by one: a stray quote spoils only its own line."""
    return [
        row for row in map(_sample_row, sample, repeat(delim)) if row and any(map(str.strip, row))
    ]


def _sample_row(line: str, delim: str) -> list[str]:
    """One line as the csv module reads it, or split at the delimiters where it refuses it."""
    try:
        return next(csv.reader([line], delimiter=delim), [])
    except csv.Error:  # a lone CR in the line
        return line.split(delim)


def _detect(sample: list[str], name: str) -> Layout:
    best: tuple[int, int, str] | None = None
    header_delim: str | None = None
    for delim in DELIMITERS:
        rows = _sample_rows(sample, delim)
        if not rows:
            continue
        if _is_header(rows[0]):
            header_delim = delim
            break
        good = sum(1 for r in rows if _looks_like_bill(r))
        widest = max(len(r) for r in rows)
        if good and (best is None or (good, widest) > best[:2]):
            best = (good, widest, delim)
    if header_delim is not None:
        head = _sample_rows(sample, header_delim)[0]
        names = [h.strip().lower() for h in head]
        mapping: tuple[int, ...] | None = tuple(
            names.index(col.lower()) if col.lower() in names else -1 for col in COLUMNS
        )
        if mapping == tuple(range(len(COLUMNS))) or (
            mapping is not None
            and mapping[: len(names)] == tuple(range(min(len(names), 21)))
            and all(m == -1 for m in mapping[len(names) :])
        ):
            mapping = None
        return Layout(header_delim, True, mapping, len(names))
    if best is None:
        raise NotABillExportError(messages.NOT_A_BILL_EXPORT.format(name=name, min=MIN_COLUMNS))
    return Layout(best[2], False, None, best[1])


def open_bill_stream(
    fp: IO[bytes], name: str, *, limit: int | None = None, edges: Edges | None = None
) -> tuple[Layout, Iterator[Batch]]:
    """Detect the layout of a bill CSV and return it with a batch iterator over the file.

    ``limit`` reads only the first ``limit`` bytes (the first part of a file read in two parts,
    ending at a line start); ``edges`` is filled in with how that part ended.

    Raises:
        BadInputError: the file is empty.
        NotABillExportError: binary data, or no line shaped like a bill.
    """
    head = fp.peek(8192)[:8192] if hasattr(fp, "peek") else b""
    if b"\x00" in head:
        raise NotABillExportError(messages.BINARY.format(name=name))
    blocks = _Blocks(fp, limit=limit)
    it = iter(blocks)
    first = next(it, None)
    if first is None or blocks.bytes_read == 0:
        raise BadInputError(messages.EMPTY_FILE.format(name=name))
    blankish = "".join(DELIMITERS) + ' "'  # rows of only delimiters count as blank lines
    sample = list(islice((line for line in first[1] if line.strip(blankish)), SNIFF_LINES))
    if not sample:
        if blocks.issues:
            issue = blocks.issues[0]
            raise NotABillExportError(
                messages.BAD_FIRST_LINE.format(name=name, line=issue.line, reason=issue.reason)
            )
        raise BadInputError(messages.BLANK_LINES.format(name=name))
    layout = _detect(sample, name)
    layout.lone_cr = bool(blocks.lone_cr)
    return layout, _batches(blocks, chain([first], it), layout, edges=edges)


def open_bill_part(
    fp: IO[bytes], layout: Layout, first_line: int, *, edges: Edges | None = None
) -> Iterator[Batch]:
    """Batches of the rest of a file from a line start on, read as ``open_bill_stream`` would.

    For the second part of a file read in two parts: ``fp`` is positioned at the start of line
    ``first_line`` (see ``find_split``), ``layout`` is the one detected at the file's start, and
    there is no byte order mark or header row to skip here. ``edges`` tells how the part began.
    """
    blocks = _Blocks(fp, first_line=first_line, bom=False, lone_cr=layout.lone_cr)
    return _batches(blocks, iter(blocks), layout, skip_header=False, edges=edges)


@dataclass
class Edges:
    """How a part of a file began and ended, filled in while its batches are read.

    A file read in two parts gives the same bills and rejects as one read whole when the
    second part starts with a plain line (``_plain_line``: no record can run on into it, so a
    record starts there in the whole file too; and the reader's result for a line does not
    depend on where its block starts). ``head_plain`` says the second part did, and that the
    line became a bill. The importer also wants the first part to end with a line that became
    a bill on its own (``tail_plain``: not a reject, not the end of a record of several lines),
    so that nothing unusual at all happens where the parts meet.
    """

    first_line: int = 0
    last_line: int = 0
    head_plain: bool = False
    tail_plain: bool = False
    last_reject: int = 0  # line of the last rejected line seen


def _plain_line(raw: bytes, layout: Layout) -> bool:
    """Whether a physical line (bytes, no line end) reads as a bill whatever surrounds it.

    See ``_plain_text``. Only UTF-8 lines are taken (the usual export is ASCII).
    """
    if len(raw) > MAX_LINE_BYTES // 2:
        return False
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _plain_text(text.removesuffix("\r"), layout)


def _plain_text(text: str, layout: Layout) -> bool:
    """Whether a decoded line is one bill of one line, whatever surrounds it.

    No quote in it, so no record can start in it and run on; and a bill's shape, so no quoted
    field opened before it can take it in (``_plausible_span``): a record starts at such a line
    however the file is cut into blocks or parts. And it reads as a bill, not a reject.
    """
    if '"' in text or "\r" in text or len(text) > MAX_LINE_BYTES // 4:
        return False
    fields = text.split(layout.delimiter)
    if not layout.looks_like_bill(fields):
        return False
    batch = Batch()
    issues: list[RowIssue] = []
    _check_rows([fields], [1], [text], 1, {}, layout.mapping, EpochCache(), batch, issues)
    return batch.size == 1 and not issues


SPLIT_WINDOW = 1 << 20
"""How far past the wished-for point ``find_split`` looks for a place to split a file."""


def find_split(fp: IO[bytes], layout: Layout, at: int, window: int = SPLIT_WINDOW) -> int | None:
    """A byte offset at or after ``at`` where a file can be read in two parts, or None.

    The offset is a line start between two plain bills (``_plain_line``), so that the record
    before it ends there and the one after it starts there however the file is read. None when
    no such place is within ``window`` bytes (a region of rejects, quoted text, another encoding),
    and in a file whose lines end with a lone CR (read in one part: the child counts LFs).
    """
    if layout.lone_cr:
        return None
    fp.seek(max(at - 1, 0))
    data = fp.read(window + MAX_LINE_BYTES)
    start = data.find(b"\n")
    if start < 0:
        return None
    lines = data[start + 1 :].split(b"\n")[:-1]  # whole lines only
    offset = max(at - 1, 0) + start + 1
    for before, after in zip(lines, lines[1:], strict=False):
        offset += len(before) + 1
        if offset - at > window:
            return None
        if _plain_line(after, layout) and _plain_line(before, layout):
            return offset
    return None


UNTERMINATED_QUOTE = messages.UNTERMINATED_QUOTE
"""Reject reason of a line whose opening quote would swallow the lines after it."""


@dataclass
class _Parsed:
    """A block split into records (see ``_parse_block``)."""

    rows: list[list[str]]
    starts: list[int]  # physical line number where each record starts
    spans: dict[int, int]  # start line -> line count, for the rare records of several lines
    used: int  # lines used; the rest is a quoted record left open at the end of the block


def _parse_block(
    base: int, lines: list[str], layout: Layout, issues: list[RowIssue], *, final: bool
) -> _Parsed:
    """Split a block into field lists, with the line where each record starts.

    A quoted field may carry a record over several lines (RFC 4180), but only when the record
    then still has a bill's shape, holds at most ``MAX_LINE_BYTES`` characters, and none of the
    lines it took in looks like a bill of its own. Otherwise the quote is a stray one (free text
    such as ``phone_no`` may start with ``"``) that would swallow the bills after it: its line is
    rejected as an unterminated quote and reading goes on with the next line. The lines a
    rejected span took in are read once more, so the work stays linear in the block.

    A quoted record still open at the end of a block that is not the file's last is left
    unparsed (``used`` stops before it) for the caller to join to the next block; one too long
    to be a bill is judged here.

    A record that starts on a line without a quote is that line, split at the delimiters, as in
    a block without quotes: so a line reads the same whatever block it is in (the csv module
    would refuse a lone CR in it), and a file read in parts reads as one read whole.
    """
    n = len(lines)
    delim = layout.delimiter
    if '"' not in "".join(lines):  # joined: one scan in C, also over a million blank lines
        if "" not in lines:
            rows = [line.split(delim) for line in lines]
            return _Parsed(rows, list(range(base, base + n)), {}, n)
        # Blank lines carry nothing: they are left out in C (a file of newlines is fast too).
        kept = list(compress(range(base, base + n), lines))
        return _Parsed([line.split(delim) for line in compress(lines, lines)], kept, {}, n)
    fed = [line + "\n" for line in lines]
    # A closing quote after the last line: a record still inside quotes at the end of the
    # block ends on this extra line, one that ended on its own leaves it to a record of its own.
    fed.append('"\n')
    out = _Parsed([], [], {}, n)
    pos = 0  # index of the line where the next record starts
    origin = 0  # index of the reader's first line
    reader = None  # a csv reader whose next line is ``pos``, while records start with quotes
    while pos < n:
        line = lines[pos]
        if '"' not in line:
            out.rows.append(line.split(delim))
            out.starts.append(base + pos)
            pos += 1
            reader = None
            continue
        if reader is None:
            origin = pos
            reader = csv.reader(
                map(fed.__getitem__, range(pos, n + 1)), delimiter=delim, strict=False
            )
        try:
            fields = next(reader)
        except csv.Error as exc:  # a field over the csv module's limit, a lone CR
            end = origin + reader.line_num
            reason = UNTERMINATED_QUOTE if end - pos > 1 else messages.MALFORMED.format(error=exc)
        else:
            end = origin + reader.line_num
            if end == pos + 1:  # a record of one line: the common case
                out.rows.append(fields)
                out.starts.append(base + pos)
                pos = end
                continue
            if end > n:  # still inside quotes at the end of the block
                if not final and sum(map(len, lines[pos:])) <= MAX_LINE_BYTES:
                    out.used = pos
                    return out
            elif _plausible_span(fields, lines[pos:end], layout):
                out.rows.append(fields)
                out.starts.append(base + pos)
                out.spans[base + pos] = end - pos
                pos = end
                continue
            reason = UNTERMINATED_QUOTE
        issues.append(RowIssue(base + pos, reason, line))
        pos += 1
        reader = None
    return out


def _plausible_span(fields: list[str], span: list[str], layout: Layout) -> bool:
    """Whether a record read over the lines ``span`` is one bill with a multi-line field."""
    if sum(map(len, span)) > MAX_LINE_BYTES or not layout.looks_like_bill(fields):
        return False
    delim = layout.delimiter
    return not any(layout.looks_like_bill(line.split(delim)) for line in span[1:])


REJECT_BATCH = 5000
"""Rejected lines waiting to be handed on that make a batch of their own (flat memory)."""

REJECT_BATCH_CHARS = 4 << 20
"""Raw text of rejected lines waiting to be handed on that makes a batch of its own."""


def _rejects_pending(issues: list[RowIssue]) -> bool:
    """Whether enough rejected lines wait to hand them on without waiting for more bills."""
    return len(issues) >= REJECT_BATCH or (
        bool(issues) and sum(len(i.raw) for i in issues) >= REJECT_BATCH_CHARS
    )


def _records(
    source: Iterator[tuple[int, list[str]]],
    layout: Layout,
    issues: list[RowIssue],
    edges: Edges | None = None,
) -> Iterator[tuple[int, list[str], _Parsed]]:
    """Parse block after block, joining a quoted record open at a block's end to the next.

    ``edges`` learns whether the part starts with a plain line read as a record of its own and
    whether it ends with a record of one line (before the rows are checked: ``_batches`` adds
    what it learns of rejects).
    """
    held: list[str] = []
    held_base = 0
    last: tuple[int, int, _Parsed] | None = None  # base and line count of the last parse
    for base, lines in source:
        if held:
            base, lines = held_base, held + lines
        parsed = _parse_block(base, lines, layout, issues, final=False)
        if edges is not None and last is None:
            edges.head_plain = _plain_text(lines[0], layout) and _one_line_record(parsed, 0, base)
        last = (base, len(lines), parsed)
        held, held_base = lines[parsed.used :], base + parsed.used
        yield base, lines, parsed
    if held:
        parsed = _parse_block(held_base, held, layout, issues, final=True)
        last = (held_base, len(held), parsed)
        yield held_base, held, parsed
    if edges is not None and last is not None:
        base, n, parsed = last
        edges.tail_plain = _one_line_record(parsed, -1, base + n - 1)


def _one_line_record(parsed: _Parsed, index: int, line: int) -> bool:
    """Whether record ``index`` of a parsed block starts at ``line`` and takes that line only.

    Read before ``_batches`` drops a header row from the lists (a part has none but the first).
    """
    return bool(parsed.starts) and parsed.starts[index] == line and line not in parsed.spans


def _batches(
    blocks: _Blocks,
    source: Iterator[tuple[int, list[str]]],
    layout: Layout,
    batch_size: int = 5000,
    *,
    skip_header: bool | None = None,
    edges: Edges | None = None,
) -> Iterator[Batch]:
    mapping = layout.mapping
    if skip_header is None:
        skip_header = layout.header
    issues = blocks.issues
    epoch = EpochCache()
    batch = Batch()
    if edges is not None:
        edges.first_line = blocks.next_line
    for base, lines, parsed in _records(source, layout, issues, edges):
        handed_on = False
        rows, starts = parsed.rows, parsed.starts
        if skip_header:
            while rows and not any(f.strip() for f in rows[0]):
                del rows[0], starts[0]
            if rows:
                del rows[0], starts[0]
                skip_header = False
        for i in range(0, len(rows), batch_size):
            chunk = rows[i : i + batch_size]
            nums = starts[i : i + batch_size]
            fast = mapping is None and _all_good(chunk)
            if fast:
                get = epoch.__getitem__
                try:
                    begins = list(map(get, map(_begin, chunk)))
                    ends = [get(e) if e else None for e in map(_end, chunk)]
                except ValueError:  # well-formed but not in the calendar: check row by row
                    fast = False
            if fast:
                for row, num, b, e in zip(chunk, nums, begins, ends, strict=True):
                    row[7] = b  # type: ignore[call-overload]
                    row[8] = e  # type: ignore[call-overload]
                    row.append(num)  # type: ignore[arg-type]
                batch.rows.extend(chunk)
            else:
                _check_rows(chunk, nums, lines, base, parsed.spans, mapping, epoch, batch, issues)
            if batch.size >= batch_size or _rejects_pending(issues):
                batch.issues = _hand_on(issues, edges)
                batch.bytes_read = blocks.bytes_read
                yield batch
                batch = Batch()
                handed_on = True
        if not handed_on:  # a block of few bills (blank lines, say): still a batch per block,
            batch.issues = _hand_on(issues, edges)  # for progress and cancel
            batch.bytes_read = blocks.bytes_read
            yield batch
            batch = Batch()
    batch.issues = _hand_on(issues, edges)
    batch.bytes_read = blocks.bytes_read
    if edges is not None:
        edges.last_line = blocks.next_line - 1
        if edges.last_reject == edges.last_line:
            edges.tail_plain = False
    yield batch


def _hand_on(issues: list[RowIssue], edges: Edges | None) -> list[RowIssue]:
    """Take the pending issues for a batch, noting in ``edges`` a reject of a part's first line."""
    taken = issues[:]
    issues.clear()
    if edges is not None and taken:
        if any(issue.line == edges.first_line for issue in taken):
            edges.head_plain = False
        edges.last_reject = max(edges.last_reject, max(issue.line for issue in taken))
    return taken


_RANGE_TIME_PATTERN = (
    r"(?:(?:19(?:0[1-9]|[1-9]\d)|[2-9]\d{3})-(?:0[1-9]|1[0-2])|1900-(?:0[3-9]|1[0-2]))" + _DAY_TIME
)
"""``_TIME_PATTERN`` from 1900-03-01 on (``TIME_MIN_TEXT``; year 9999 is the pattern's end)."""
_BULK_BEGIN = re.compile(f"(?:{_RANGE_TIME_PATTERN}\n)*").fullmatch
_BULK_END = re.compile(f"(?:(?:{_RANGE_TIME_PATTERN})?\n)*").fullmatch
_first = itemgetter(0)
_begin = itemgetter(7)
_end = itemgetter(8)
_CODE_AT: tuple[tuple[str, int], ...] = tuple((name, DB_FIELDS.index(name)) for name in CODE_FIELDS)
_CODE_GETTERS = tuple(itemgetter(i) for _name, i in _CODE_AT)
_PLAIN_SEEN: set[str] = {""}
"""Code texts seen to be empty or plain integers: a file uses a few dozen, checked once."""


def _all_good(rows: list[list[str]]) -> bool:
    """Vectorised check that every row is a clean 21-field bill (the common case).

    Clean: an id, begin and end times in canonical form within the viewer's range (canonical
    texts compare as times), codes empty or plain integers.
    """
    if not rows or set(map(len, rows)) != {21} or not all(map(str.strip, map(_first, rows))):
        return False
    if _BULK_BEGIN("\n".join(map(_begin, rows)) + "\n") is None:
        return False
    if _BULK_END("\n".join(map(_end, rows)) + "\n") is None:
        return False
    texts = set(map(_CODE_GETTERS[0], rows))
    for get in _CODE_GETTERS[1:]:
        texts |= set(map(get, rows))
    new = texts - _PLAIN_SEEN
    if not new:
        return True
    if any(plain_code(text) is None for text in new):
        return False
    if len(_PLAIN_SEEN) < 100_000:
        _PLAIN_SEEN.update(new)
    return True


def _verbatim_codes(fields: list[Any]) -> str | None:
    """Set aside the codes that are not plain integers, so they are stored verbatim.

    Their fields become None; their texts come back as JSON ``{field: text}`` (None when every
    code is empty or plain).
    """
    kept: dict[str, str] | None = None
    for name, i in _CODE_AT:
        text = fields[i]
        if text and plain_code(text) is None:
            if kept is None:
                kept = {}
            kept[name] = text
            fields[i] = None
    return None if kept is None else json.dumps(kept, ensure_ascii=False)


LONE_CR_EXTRA = messages.LONE_CR_EXTRA
"""Reject reason of a line that a lone CR would otherwise make into extra columns."""


def _time_out_of_range(name: str, text: str) -> str:
    return messages.TIME_OUT_OF_RANGE.format(field=name, value=text, range=TIME_RANGE_TEXT)


def _is_calendar_time(value: str) -> bool:
    """Whether ``value`` is canonical text of a real time (the pattern lets 2026-02-30 pass)."""
    return _CANONICAL_TIME(value) is not None and normalise_time(value) is not None


def _check_rows(
    rows: list[list[str]],
    nums: list[int],
    lines: list[str],
    base: int,
    spans: dict[int, int],
    mapping: tuple[int, ...] | None,
    epoch: EpochCache,
    batch: Batch,
    issues: list[RowIssue],
) -> None:
    """Row-by-row validation for blocks that are not all clean."""
    canonical = _is_calendar_time

    def raw(num: int) -> str:
        k = num - base
        return "\n".join(lines[k : k + spans.get(num, 1)]) if 0 <= k < len(lines) else ""

    def joined_by_cr(num: int) -> bool:
        """A lone CR outside quotes (the csv module refuses one in an unquoted field)."""
        text = raw(num)
        return "\r" in text and '"' not in text

    for fields, line in zip(rows, nums, strict=True):
        if (not fields or not fields[0].strip()) and not "".join(fields).strip():
            continue  # a blank line, or one of only delimiters (rows Excel leaves behind)
        n = len(fields)
        extra: str | None = None
        if mapping is not None:
            extra_idx = [i for i in range(n) if i not in mapping]
            if extra_idx:
                extra = "\t".join(fields[i] for i in extra_idx)
            fields = [fields[i] if 0 <= i < n else "" for i in mapping]
        if extra is not None and joined_by_cr(line):
            issues.append(RowIssue(line, LONE_CR_EXTRA, raw(line)))
            continue
        if mapping is None and n != 21:
            if n < MIN_COLUMNS:
                issues.append(
                    RowIssue(
                        line, messages.TOO_FEW_COLUMNS.format(count=n, min=MIN_COLUMNS), raw(line)
                    )
                )
                continue
            if n > 21:
                if joined_by_cr(line):
                    issues.append(RowIssue(line, LONE_CR_EXTRA, raw(line)))
                    continue
                extra = "\t".join(fields[21:])
                del fields[21:]
            else:
                fields.extend([""] * (21 - n))
        if not fields[0].strip():
            issues.append(RowIssue(line, messages.EMPTY_ID, raw(line)))
            continue
        begin = fields[7]
        if not canonical(begin):
            fixed = normalise_time(begin)
            if fixed is None:
                reason = messages.UNPARSEABLE_TIME.format(
                    field="begin_time", value=repr(begin[:40])
                )
                issues.append(RowIssue(line, reason, raw(line)))
                continue
            fields[7] = fixed
        if not in_time_range(fields[7]):
            issues.append(RowIssue(line, _time_out_of_range("begin_time", fields[7]), raw(line)))
            continue
        end = fields[8]
        if end and not canonical(end):
            fixed = normalise_time(end)
            if fixed is None:
                if end.strip():
                    reason = messages.UNPARSEABLE_TIME.format(
                        field="end_time", value=repr(end[:40])
                    )
                    issues.append(RowIssue(line, reason, raw(line)))
                    continue
                fixed = ""
            fields[8] = fixed
        if fields[8] and not in_time_range(fields[8]):
            issues.append(RowIssue(line, _time_out_of_range("end_time", fields[8]), raw(line)))
            continue
        fields[7] = epoch[fields[7]]  # type: ignore[call-overload]
        fields[8] = epoch[fields[8]] if fields[8] else None  # type: ignore[call-overload]
        verbatim = _verbatim_codes(fields)
        fields.append(line)  # type: ignore[arg-type]
        if extra is None and verbatim is None:
            batch.rows.append(fields)
        else:
            fields.append(extra)
            if verbatim is not None:
                fields.append(verbatim)
            batch.extra_rows.append(fields)
            if extra is not None:
                batch.extra_lines += 1
