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
from itertools import chain
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
    never ends inside a quoted field. Undecodable and oversized lines become issues and are
    replaced by empty lines, so line numbers stay right.
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
            quotes = buf.count(b'"', 0, cut) if cut >= 0 else 0
            while cut >= 0 and quotes % 2:  # keep quoted fields whole
                prev = buf.rfind(b"\n", 0, cut)
                quotes -= buf.count(b'"', prev + 1, cut)  # one pass over buf, not one per line
                cut = prev
            if cut < 0 and len(buf) > 16 * self._block_size:
                cut = buf.rfind(b"\n")  # an unbalanced quote: do not hold the whole file
            if cut < 0:
                carry = buf
                if len(carry) > MAX_LINE_BYTES and b"\n" not in carry:
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


def _looks_like_bill(fields: list[str]) -> bool:
    return (
        len(fields) >= MIN_COLUMNS
        and bool(fields[0].strip())
        and (normalise_time(fields[7]) is not None)
    )


def _is_header(fields: list[str]) -> bool:
    names = {f.strip().lower() for f in fields}
    return "agent_id" in names and "begin_time" in names and "op_type" in names


def _detect(sample: list[str], name: str) -> Layout:
    best: tuple[int, int, str] | None = None
    header_delim: str | None = None
    for delim in DELIMITERS:
        rows = [r for r in csv.reader(sample, delimiter=delim) if r and any(f.strip() for f in r)]
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
        head = next(r for r in csv.reader(sample, delimiter=header_delim) if r)
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
    sample = [line for line in first[1][: SNIFF_LINES * 4] if line.strip()][:SNIFF_LINES]
    if not sample:
        if blocks.issues:
            issue = blocks.issues[0]
            raise NotABillExportError(f"{name}: line {issue.line}: {issue.reason}")
        raise BadInputError(f"{name}: only blank lines, no bills in it")
    layout = _detect(sample, name)
    return layout, _batches(blocks, chain([first], it), layout)


def _parse_block(base: int, lines: list[str], delim: str) -> tuple[list[list[str]], list[int]]:
    """Split a block into field lists and the line number where each record starts."""
    if not any('"' in line for line in lines):
        return [line.split(delim) for line in lines], list(range(base, base + len(lines)))
    rows: list[list[str]] = []
    starts: list[int] = []
    reader = csv.reader([line + "\n" for line in lines], delimiter=delim, strict=False)
    prev = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            rows.append(["\x00csv", str(exc)])
            starts.append(base + prev)
            prev = reader.line_num
            continue
        rows.append(fields)
        starts.append(base + prev)
        prev = reader.line_num
    return rows, starts


def _batches(
    blocks: _Blocks, source: Iterator[tuple[int, list[str]]], layout: Layout, batch_size: int = 5000
) -> Iterator[Batch]:
    delim = layout.delimiter
    mapping = layout.mapping
    skip_header = layout.header
    issues = blocks.issues
    epoch = EpochCache()
    batch = Batch()
    for base, lines in source:
        rows, starts = _parse_block(base, lines, delim)
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
                _check_rows(chunk, nums, lines, base, mapping, epoch, batch, issues)
            if batch.size >= batch_size:
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
    mapping: tuple[int, ...] | None,
    epoch: EpochCache,
    batch: Batch,
    issues: list[RowIssue],
) -> None:
    """Row-by-row validation for blocks that are not all clean."""
    canonical = _is_calendar_time

    def raw(num: int) -> str:
        k = num - base
        return lines[k] if 0 <= k < len(lines) else ""

    for fields, line in zip(rows, nums, strict=True):
        n = len(fields)
        if n <= 1 and (n == 0 or not fields[0].strip()):
            continue  # blank line
        if n == 2 and fields[0] == "\x00csv":
            issues.append(RowIssue(line, f"malformed CSV ({fields[1]})", raw(line)))
            continue
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
