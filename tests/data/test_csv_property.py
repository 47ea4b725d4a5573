"""A property test of the CSV reader (issue 15): nothing lost, nothing altered on the way in.

Hypothesis writes files of generated bills with arbitrary field text (quotes, delimiters, line
breaks, any Unicode), arbitrary code texts and times inside and outside the range, in any of the
four delimiters, three line ends (LF, CRLF, lone CR) and three encodings, with or without a
header, and imports each into a real SQLite file twice (the second time forced). Invariants:

* no exception; the file is imported, or refused as a whole with a message and no bill kept;
* every generated record is exactly one of: a bill with its id, or a reject (with a reason) at
  the line where the record starts; every other reject lies inside a record's lines (a quoted
  field of several lines read as a stray quote); no bill is made of anything else, and no record
  becomes extra columns;
* the text of every code survives: a plain integer is stored as that integer, anything else as
  its exact text (``Column.raw``), and importing the same file again gives duplicates only,
  never a conflict;
* with lines of arbitrary bytes among the records: no exception, the counts add up, the text
  of every record is in a bill, a reject, or a quoted field of a bill.

Code texts hold no line breaks here: a line break inside a quoted field is stored as LF
whichever line end the file uses (as the reader documents), so a code holding one would read
back as the same code with another line break.
"""

from __future__ import annotations

import itertools
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from viewer.core.codes import plain_code
from viewer.core.columns import BY_KEY
from viewer.core.filters import BillFilter
from viewer.core.records import COLUMNS, ImportStatus
from viewer.data import queries
from viewer.data.db import open_database
from viewer.data.imports.csv_source import DELIMITERS, uses_lone_cr
from viewer.data.imports.loading import import_paths

CODES = {9: "op_type", 11: "op_cause", 12: "media_type", 15: "agent_type", 17: "callIn_out"}
"""Code fields by index, with their column keys."""

LINE_BREAK_FIELDS = (10, 13, 14, 16, 18, 19, 20)
"""Free-text fields that may hold line breaks here: what follows a line break inside them has
fewer than 17 fields, so it cannot read as a bill of its own (a line break early in a record
can: see the report's notes)."""

ODD_CODES = [
    "",
    "0",
    "-1",
    "65535",
    "05",
    " 5 ",
    "5.0",
    "1e3",
    "-0",
    "+5",
    "US_NO_USE",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999",
    "0x10",
    "١٢",
    "\t7",
]
TIMES_IN = ["1900-03-01 00:00:00", "2026-11-02 08:00:05", "9999-12-31 23:59:59"]
TIMES_ODD = ["1899-12-31 23:59:59", "0001-01-01 00:00:00", "2026-02-30 08:00:00", "", "soon"]
CJK = "中文坐席忙碌示忙休息签入签出通话"

safe_text = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r\n")


def code_texts(ascii_only: bool) -> st.SearchStrategy[str]:
    """Any code text: integers of any size, the known troublemakers, short arbitrary text."""
    alphabet = st.characters(min_codepoint=32, max_codepoint=126) if ascii_only else safe_text
    odd = [c for c in ODD_CODES if c.isascii()] if ascii_only else ODD_CODES
    return st.one_of(
        st.integers(-(2**70), 2**70).map(str),
        st.sampled_from(odd),
        st.text(alphabet, max_size=5),
    )


def times() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(TIMES_IN),  # most bills have a good time: they must come through whole
        st.sampled_from(TIMES_IN),
        st.sampled_from(TIMES_ODD),
        st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S").zfill(19)),
    )


def free_text(encoding: str, breaks: bool) -> st.SearchStrategy[str]:
    if encoding == "gb18030":
        alphabet: st.SearchStrategy[str] = st.sampled_from(CJK + "abc ,;|\t\"'")
    else:
        alphabet = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
        if not breaks:
            alphabet = safe_text
    return st.text(alphabet, max_size=8)


CODE_TEXT = {ascii_only: code_texts(ascii_only) for ascii_only in (False, True)}
TIME_TEXT = times()
FREE_TEXT = {
    (encoding, breaks): free_text(encoding, breaks)
    for encoding in ("utf-8", "gb18030")
    for breaks in (False, True)
}
"""The strategies, made once (making them per field costs more than the imports)."""


@st.composite
def export_files(draw: st.DrawFn, junk: bool) -> tuple[bytes, list[list[str]], dict[str, Any]]:
    """A file's bytes, its generated records, and how it was written."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    delimiter = draw(st.sampled_from(DELIMITERS))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    header = draw(st.booleans())
    quote_all = draw(st.booleans())
    ascii_codes = encoding == "gb18030"
    n = draw(st.integers(1, 12))
    records = []
    for k in range(n):
        row = [f"ID{k:04d}"]
        for i in range(1, 21):
            if i in CODES:
                row.append(draw(CODE_TEXT[ascii_codes]))
            elif i in (7, 8):
                row.append(TIMES_IN[1] if k == 0 else draw(TIME_TEXT))
            else:
                kind = "gb18030" if encoding == "gb18030" else "utf-8"
                row.append(draw(FREE_TEXT[kind, i in LINE_BREAK_FIELDS]))
        records.append(row)
    junk_lines = (
        draw(st.lists(st.binary(max_size=40).filter(lambda b: b"\x00" not in b), max_size=4))
        if junk
        else []
    )
    head = row_text(list(COLUMNS), delimiter, quote_all, line_end) if header else ""
    parts: list[bytes] = [head.encode(encoding)]
    written = [head]  # the text of the header and of each record
    for k, row in enumerate(records):
        if junk_lines and k % 3 == 1:
            parts.append(junk_lines.pop() + line_end.encode())
        written.append(row_text(row, delimiter, quote_all, line_end))
        parts.append(written[-1].encode("utf-8" if encoding == "utf-8-sig" else encoding))
    return b"".join(parts), records, {"texts": written}


def row_text(row: list[str], delimiter: str, quote_all: bool, line_end: str) -> str:
    """A record as RFC 4180 writes it: a field with a delimiter, a quote, a CR or an LF quoted.

    (The csv module leaves a line break unquoted when it is not in its own line terminator: an
    LF in a field of a file with lone-CR line ends would be a line end there.)
    """

    def field(text: str) -> str:
        if quote_all or any(c in text for c in (delimiter, '"', "\r", "\n")):
            return '"' + text.replace('"', '""') + '"'
        return text

    return delimiter.join(map(field, row)) + line_end


def line_count(text: str, lone_cr: bool) -> int:
    """Physical lines in ``text`` as the reader counts them."""
    if lone_cr:
        return text.replace("\r\n", "\n").replace("\r", "\n").count("\n")
    return text.count("\n")


def code_text_of(value: Any) -> str:
    return "" if value is None else str(value)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty bill database, copied for each example (creating one takes most of the time)."""
    path = tmp_path_factory.mktemp("template") / "bills.sqlite"
    open_database(path).close()
    return path


def import_twice(
    data: bytes, folder: Path, empty: Path
) -> tuple[Any, Any, list[tuple[Any, ...]], list[Any]]:
    path = folder / "20261102_agentOprInfo.csv"
    path.write_bytes(data)
    shutil.copyfile(empty, folder / "bills.sqlite")
    db = open_database(folder / "bills.sqlite")
    try:
        [first] = import_paths(db, [path]).files
        [again] = import_paths(db, [path], force=True).files
        with db.engine.connect() as conn:
            rows = queries.first_rows(conn, BillFilter(), 1000)
        with sqlite3.connect(db.path) as raw:
            rejects = raw.execute("SELECT line, reason, raw FROM reject").fetchall()
    finally:
        db.close()
    return first, again, rows, rejects


def check_counts(first: Any, again: Any, rows: list[Any], rejects: list[Any]) -> None:
    if first.status != ImportStatus.IMPORTED:
        assert first.status == ImportStatus.NOT_A_BILL_EXPORT and first.message, first
        assert rows == [] and rejects == []
        return
    assert first.rows_read == first.imported + first.duplicates + first.rejected
    assert len(rows) == first.imported and len(rejects) == first.rejected
    assert all(reason for _line, reason, _raw in rejects)
    assert again.status == ImportStatus.IMPORTED
    assert (again.imported, again.conflicts) == (0, 0)
    assert again.duplicates == first.imported + first.duplicates


def assert_codes_survive(row: Any, record: list[str]) -> None:
    for i, key in CODES.items():
        want = record[i]
        got = BY_KEY[key].raw(row)
        if plain_code(want) is not None:
            assert got == int(want), (key, want, got)
        else:
            assert code_text_of(got) == want, (key, want, got)


def new_folder(base: Path) -> Path:
    return Path(tempfile.mkdtemp(dir=base))


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(export_files(junk=False))
def test_every_record_is_a_bill_or_a_reject_and_codes_survive(
    tmp_path: Path, empty_db: Path, case: tuple[bytes, list[list[str]], dict[str, Any]]
) -> None:
    data, records, how = case
    first, again, rows, rejects = import_twice(data, new_folder(tmp_path), empty_db)
    check_counts(first, again, rows, rejects)
    if first.status != ImportStatus.IMPORTED:
        return
    lone_cr = uses_lone_cr(data)  # the file's line ends, decided as the reader documents
    bills = {row[1]: row for row in rows}
    assert len(bills) == len(rows)
    assert set(bills) <= {r[0] for r in records}, "a bill made of something else"
    assert all(row[-2] is None for row in rows), "a record became extra columns"
    rejected = {line: reason for line, reason, _raw in rejects}
    spans = []
    start = 1 + line_count(how["texts"][0], lone_cr)
    for record, text in zip(records, how["texts"][1:], strict=True):
        lines = max(line_count(text, lone_cr), 1)
        spans.append(range(start, start + lines))
        if record[0] in bills:
            assert start not in rejected, (record, rejected[start])
            assert_codes_survive(bills[record[0]], record)
        else:
            assert start in rejected, f"record {record[0]} at line {start} lost"
        start += lines
    for line in rejected:
        assert any(line in span for span in spans), f"reject at line {line} is no record's"


@PROPERTY
@given(export_files(junk=True))
def test_lines_of_arbitrary_bytes_lose_nothing_and_raise_nothing(
    tmp_path: Path, empty_db: Path, case: tuple[bytes, list[list[str]], dict[str, Any]]
) -> None:
    data, records, _how = case
    first, again, rows, rejects = import_twice(data, new_folder(tmp_path), empty_db)
    check_counts(first, again, rows, rejects)
    if first.status != ImportStatus.IMPORTED:
        return
    texts = [str(v) for v in itertools.chain.from_iterable(rows) if isinstance(v, str)]
    texts += [raw for _line, _reason, raw in rejects]
    for record in records:
        assert any(record[0] in t for t in texts), f"record {record[0]} lost"
