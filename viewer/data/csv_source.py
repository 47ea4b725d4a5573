"""Reading agent operation bill CSVs: encoding, delimiter, header, bad lines.

The export's physical format is undocumented (delimiter, header, quoting, encoding, line endings),
so the reader detects it from the first lines and then streams the file in batches, turning every
line into either a bill row or a ``RowIssue`` with its line number, reason and raw text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, islice
from operator import itemgetter
from typing import IO, Any

from viewer.core.errors import BadInputError, NotABillExportError
from viewer.core.records import COLUMNS, MIN_COLUMNS, RowIssue
from viewer.core.timefmt import EpochCache

MAX_LINE_BYTES = 64 * 1024
"""A longer physical line is rejected ("oversized line") without being held in memory."""

BLOCK_BYTES = 1 << 20
"""Bytes decoded at a time."""

DELIMITERS: tuple[str, ...] = (",", "|", "\t", ";")
SNIFF_LINES = 30
SIBLING_EXPORTS: dict[str, str] = {
    "_call_": "call detail records (CDR)",
    "_record_": "a recording index",
    "_agentskillinfo_": "agent skill changes",
}
"""Name markers of the platform's other exports, which are not agent operation bills."""

_TIME_PATTERN = r"\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01]) (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d"
_CANONICAL_TIME = re.compile(_TIME_PATTERN).fullmatch
_LOOSE_TIME = re.compile(
    r"\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T]+(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?\s*"
).fullmatch
_HEADER_NAMES = {name.lower(): i for i, name in enumerate(COLUMNS)}


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
    return dt.strftime("%Y-%m-%d %H:%M:%S")


def sibling_export_kind(name: str) -> str | None:
    """If ``name`` is one of the platform's non-bill exports, say which kind it is."""
    low = name.lower()
    for marker, kind in SIBLING_EXPORTS.items():
        if marker in low:
            return kind
    return None


class _Blocks:
    """Whole-line blocks of a binary stream, decoded, with line numbers and byte counts.

    Decoding a megabyte at a time (instead of line by line) keeps the per-line cost in C. A block
    ends at the last line end in it, whatever the quotes say: a quoted field that runs on past a
    block's end is the parser's business (``_batches`` carries its lines into the next block), so
    a stray quote can neither make blocks grow nor make cutting them slow. Undecodable and
    oversized lines become issues and are replaced by empty lines, so line numbers stay right.
    """

    def __init__(self, fp: IO[bytes], block_size: int = BLOCK_BYTES) -> None:
        self._fp = fp
        self._block_size = block_size
        self.bytes_read = 0
        self.issues: list[RowIssue] = []
        self.next_line = 1  # number of the first line of the next block

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        """Yield ``(first_line_number, lines)``; lines have no line terminators."""
        read = self._fp.read
        carry = b""
        first = True
        skipping = False
        while True:
            data = read(self._block_size)
            self.bytes_read += len(data)
            if not data:
                if skipping:
                    yield self._oversized(carry)
                elif carry:
                    yield self._decode(carry, first)
                return
            if skipping:
                cut = data.find(b"\n")
                if cut < 0:
                    continue
                yield self._oversized(carry)
                skipping = False
                carry = b""
                data = data[cut + 1 :]
            buf = carry + data if carry else data
            cut = buf.rfind(b"\n")
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
                f"oversized line (over {MAX_LINE_BYTES // 1024} KiB)",
                head[:500].decode("utf-8", "replace") + "...",
            )
        )
        return line, [""]

    def _decode(self, block: bytes, first: bool) -> tuple[int, list[str]]:
        base = self.next_line
        try:
            text = block.decode("utf-8")
        except UnicodeDecodeError:
            lines = [self._decode_line(raw, base + i) for i, raw in enumerate(block.split(b"\n"))]
        else:
            if "\r" in text:
                text = text.replace("\r\n", "\n")
            lines = text.split("\n")
        if block.endswith(b"\n"):
            lines.pop()
        if first and lines and lines[0].startswith("\ufeff"):
            lines[0] = lines[0][1:]
        if len(block) > MAX_LINE_BYTES:
            for i, line in enumerate(lines):
                if len(line) > MAX_LINE_BYTES // 4 and len(line.encode("utf-8")) > MAX_LINE_BYTES:
                    self.issues.append(
                        RowIssue(
                            base + i,
                            f"oversized line (over {MAX_LINE_BYTES // 1024} KiB)",
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
                        "undecodable bytes (neither UTF-8 nor GB18030)",
                        raw.decode("utf-8", "replace").rstrip("\r"),
                    )
                )
                return ""
        return text[:-1] if text.endswith("\r") else text


@dataclass
class Batch:
    """A slice of a file: bill rows ready to insert, and the lines rejected meanwhile.

    Each row is a list of the 21 fields (times as stored seconds, see ``viewer.core.timefmt``)
    followed by its line number; rows that
    had extra trailing columns are in ``extra_rows`` with the tab-joined extras appended.
    """

    rows: list[list[Any]] = field(default_factory=list)
    extra_rows: list[list[Any]] = field(default_factory=list)
    issues: list[RowIssue] = field(default_factory=list)
    bytes_read: int = 0

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
        row
        for line in sample
        for row in csv.reader([line], delimiter=delim)
        if row and any(f.strip() for f in row)
    ]


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
        raise NotABillExportError(
            f"{name}: not an agent operation bill export (no line has {MIN_COLUMNS}-21 fields "
            "with a begin time in field 8)"
        )
    return Layout(best[2], False, None, best[1])


def open_bill_stream(fp: IO[bytes], name: str) -> tuple[Layout, Iterator[Batch]]:
    """Detect the layout of a bill CSV and return it with a batch iterator over the file.

    Raises:
        BadInputError: the file is empty.
        NotABillExportError: binary data, or no line shaped like a bill.
    """
    head = fp.peek(8192)[:8192] if hasattr(fp, "peek") else b""
    if b"\x00" in head:
        raise NotABillExportError(f"{name}: binary data, not a CSV bill export")
    blocks = _Blocks(fp)
    it = iter(blocks)
    first = next(it, None)
    if first is None or blocks.bytes_read == 0:
        raise BadInputError(f"{name}: empty file, no bills in it")
    blankish = "".join(DELIMITERS) + ' "'  # rows of only delimiters count as blank lines
    sample = list(islice((line for line in first[1] if line.strip(blankish)), SNIFF_LINES))
    if not sample:
        if blocks.issues:
            issue = blocks.issues[0]
            raise NotABillExportError(f"{name}: line {issue.line}: {issue.reason}")
        raise BadInputError(f"{name}: only blank lines, no bills in it")
    layout = _detect(sample, name)
    return layout, _batches(blocks, chain([first], it), layout)


UNTERMINATED_QUOTE = "unterminated quote (a quoted field runs on past the end of this line)"
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
    """
    n = len(lines)
    delim = layout.delimiter
    if not any('"' in line for line in lines):
        return _Parsed([line.split(delim) for line in lines], list(range(base, base + n)), {}, n)
    fed = [line + "\n" for line in lines]
    # A closing quote after the last line: a record still inside quotes at the end of the
    # block ends on this extra line, one that ended on its own leaves it to a record of its own.
    fed.append('"\n')
    out = _Parsed([], [], {}, n)
    pos = 0  # index of the line where the next record starts
    origin = 0  # index of the reader's first line
    reader = csv.reader(fed, delimiter=delim, strict=False)
    while pos < n:
        try:
            fields = next(reader)
        except csv.Error as exc:  # a field over the csv module's limit, a lone CR
            end = origin + reader.line_num
            reason = UNTERMINATED_QUOTE if end - pos > 1 else f"malformed CSV ({exc})"
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
        issues.append(RowIssue(base + pos, reason, lines[pos]))
        pos += 1
        origin = pos
        reader = csv.reader(map(fed.__getitem__, range(pos, n + 1)), delimiter=delim, strict=False)
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
    source: Iterator[tuple[int, list[str]]], layout: Layout, issues: list[RowIssue]
) -> Iterator[tuple[int, list[str], _Parsed]]:
    """Parse block after block, joining a quoted record open at a block's end to the next."""
    held: list[str] = []
    held_base = 0
    for base, lines in source:
        if held:
            base, lines = held_base, held + lines
        parsed = _parse_block(base, lines, layout, issues, final=False)
        held, held_base = lines[parsed.used :], base + parsed.used
        yield base, lines, parsed
    if held:
        yield held_base, held, _parse_block(held_base, held, layout, issues, final=True)


def _batches(
    blocks: _Blocks, source: Iterator[tuple[int, list[str]]], layout: Layout, batch_size: int = 5000
) -> Iterator[Batch]:
    mapping = layout.mapping
    skip_header = layout.header
    issues = blocks.issues
    epoch = EpochCache()
    batch = Batch()
    for base, lines, parsed in _records(source, layout, issues):
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
                batch.issues = issues[:]
                issues.clear()
                batch.bytes_read = blocks.bytes_read
                yield batch
                batch = Batch()
    batch.issues = issues[:]
    issues.clear()
    batch.bytes_read = blocks.bytes_read
    yield batch


_BULK_BEGIN = re.compile(f"(?:{_TIME_PATTERN}\n)*").fullmatch
_BULK_END = re.compile(f"(?:(?:{_TIME_PATTERN})?\n)*").fullmatch
_first = itemgetter(0)
_begin = itemgetter(7)
_end = itemgetter(8)


def _all_good(rows: list[list[str]]) -> bool:
    """Vectorised check that every row is a clean 21-field bill (the common case)."""
    if not rows or set(map(len, rows)) != {21} or not all(map(str.strip, map(_first, rows))):
        return False
    if _BULK_BEGIN("\n".join(map(_begin, rows)) + "\n") is None:
        return False
    return _BULK_END("\n".join(map(_end, rows)) + "\n") is not None


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
        elif n != 21:
            if n < MIN_COLUMNS:
                issues.append(
                    RowIssue(
                        line, f"too few columns ({n}; a bill has {MIN_COLUMNS} to 21)", raw(line)
                    )
                )
                continue
            if n > 21:
                extra = "\t".join(fields[21:])
                del fields[21:]
            else:
                fields.extend([""] * (21 - n))
        if not fields[0].strip():
            issues.append(RowIssue(line, "empty bill id", raw(line)))
            continue
        begin = fields[7]
        if not canonical(begin):
            fixed = normalise_time(begin)
            if fixed is None:
                issues.append(RowIssue(line, f"unparseable begin_time {begin[:40]!r}", raw(line)))
                continue
            fields[7] = fixed
        end = fields[8]
        if end and not canonical(end):
            fixed = normalise_time(end)
            if fixed is None:
                if end.strip():
                    issues.append(RowIssue(line, f"unparseable end_time {end[:40]!r}", raw(line)))
                    continue
                fixed = ""
            fields[8] = fixed
        fields[7] = epoch[fields[7]]  # type: ignore[call-overload]
        fields[8] = epoch[fields[8]] if fields[8] else None  # type: ignore[call-overload]
        fields.append(line)  # type: ignore[arg-type]
        if extra is None:
            batch.rows.append(fields)
        else:
            fields.append(extra)
            batch.extra_rows.append(fields)
