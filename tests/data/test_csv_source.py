"""Tests of the bill CSV reader (viewer.data.imports.csv_source): detection, decoding, bad lines.

Expected results come from tests/fixtures/README.md. The reader is exercised through its public
entry point ``open_bill_stream``; block boundaries are moved by shrinking the block size.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import pytest

from viewer.core.errors import BadInputError, NotABillExportError
from viewer.core.records import COLUMNS, RowIssue
from viewer.core.timefmt import from_epoch, to_epoch
from viewer.data.imports import csv_source
from viewer.data.imports.csv_source import (
    MAX_LINE_BYTES,
    Layout,
    normalise_time,
    open_bill_stream,
    sibling_export_kind,
)
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


def read(data: bytes, name: str = "test.csv") -> tuple[Layout, list[list[Any]], list[RowIssue]]:
    """All rows (21 fields + line [+ extra]) and issues of a file's bytes."""
    fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    layout, batches = open_bill_stream(fp, name)
    rows: list[list[Any]] = []
    issues: list[RowIssue] = []
    for batch in batches:
        rows.extend(batch.rows)
        rows.extend(batch.extra_rows)
        issues.extend(batch.issues)
    rows.sort(key=lambda r: r[21])
    issues.sort(key=lambda i: i.line)
    return layout, rows, issues


def read_fixture(fixtures_dir: Path, name: str) -> tuple[Layout, list[list[Any]], list[RowIssue]]:
    return read((fixtures_dir / name).read_bytes(), name)


def lines_of(rows: list[list[Any]]) -> list[int]:
    return [r[21] for r in rows]


def text_row(fields: list[str]) -> bytes:
    return (",".join(fields) + "\n").encode()


def sample_rows(n: int = 6) -> list[list[str]]:
    return list(generate_bills(GeneratorConfig(agents=3, seed=11, target_bills=n)))


# --- time normalisation and names -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-02 08:05:10", "2026-11-02 08:05:10"),
        ("2026/11/2 8:05", "2026-11-02 08:05:00"),
        ("2026-11-02T08:05:10", "2026-11-02 08:05:10"),
        ("2026.11.02 08:05:10.250", "2026-11-02 08:05:10"),
        (" 2026-11-02 8:5:1 ", "2026-11-02 08:05:01"),
        ("2026-11-02", "2026-11-02 00:00:00"),
        ("2026-11-02 25:61:00", None),
        ("2026-02-30 08:00:00", None),
        ("2026-04-31 08:00:00", None),
        ("2026-02-29 08:00:00", None),
        ("2028-02-29 08:00:00", "2028-02-29 08:00:00"),
        ("2026-01-31 23:59:59", "2026-01-31 23:59:59"),
        ("", None),
        ("08:05:10", None),
        ("yesterday", None),
    ],
)
def test_normalise_time(text: str, expected: str | None) -> None:
    assert normalise_time(text) == expected


@pytest.mark.parametrize(
    ("name", "is_sibling"),
    [
        ("20261102101530123456_call_1.csv", True),
        ("20261103021531000321_record_1.csv", True),
        ("20261103021531000321_agentSkillInfo_1.csv", True),
        ("20261102101530123456_agentOprInfo_1.csv", False),
        ("20261102101530123456_agentOprInfo.csv", False),
        ("my bills.csv", False),
    ],
)
def test_sibling_export_kind(name: str, is_sibling: bool) -> None:
    assert (sibling_export_kind(name) is not None) == is_sibling


# --- detection of the fixtures' layouts -------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "delimiter", "header"),
    [
        ("comma_header.csv", ",", True),
        ("no_header.csv", ",", False),
        ("pipe.csv", "|", False),
        ("tab.csv", "\t", False),
        ("semicolon.csv", ";", False),
        ("utf8_bom.csv", ",", True),
        ("upper_header.csv", ",", True),
        ("gb18030.csv", ",", False),
        ("excel_resaved.csv", ",", False),
    ],
)
def test_layout_detection(fixtures_dir: Path, name: str, delimiter: str, header: bool) -> None:
    layout, rows, issues = read_fixture(fixtures_dir, name)
    assert (layout.delimiter, layout.header) == (delimiter, header)
    assert layout.mapping is None  # the header, when present, is in file order
    assert len(rows) == 6
    assert issues == []
    expected_lines = [2, 3, 4, 5, 6, 7] if header else [1, 2, 3, 4, 5, 6]
    assert lines_of(rows) == expected_lines


def test_rows_have_stored_times(fixtures_dir: Path) -> None:
    _, rows, _ = read_fixture(fixtures_dir, "no_header.csv")
    text = (fixtures_dir / "no_header.csv").read_text()
    exported = [line.split(",") for line in text.splitlines()]
    for row, fields in zip(rows, exported, strict=True):
        assert len(row) == 22
        assert row[7] == to_epoch(fields[7])
        assert from_epoch(row[8]) == fields[8]
        assert row[:7] == fields[:7]
        assert row[9:21] == fields[9:21]


def test_bom_is_stripped_from_the_header(fixtures_dir: Path) -> None:
    _, rows, _ = read_fixture(fixtures_dir, "utf8_bom.csv")
    assert not any(str(f).startswith("\ufeff") for r in rows for f in r)


@pytest.mark.parametrize(("name", "columns"), [("cols17.csv", 17), ("cols19.csv", 19)])
def test_short_rows_are_padded(fixtures_dir: Path, name: str, columns: int) -> None:
    _, rows, issues = read_fixture(fixtures_dir, name)
    assert issues == []
    assert len(rows) == 6
    for r in rows:
        assert len(r) == 22
        assert r[columns:21] == [""] * (21 - columns)
        assert r[columns - 1] != ""


def test_extra_columns_kept_aside(fixtures_dir: Path) -> None:
    _, rows, issues = read_fixture(fixtures_dir, "cols23.csv")
    assert issues == []
    assert [r[22] for r in rows] == ["extra1\textra2"] * 6
    assert all(len(r) == 23 for r in rows)


def test_quoted_fields(fixtures_dir: Path) -> None:
    _, rows, issues = read_fixture(fixtures_dir, "quoted.csv")
    assert issues == []
    assert lines_of(rows) == [1, 2, 3, 4, 6, 7]
    phone = {r[21]: r[16] for r in rows}
    assert phone[2] == "conf, room 3"
    assert phone[3] == 'say "hello"'
    assert phone[4] == "line one\nline two"


def test_crlf_and_gb18030(fixtures_dir: Path) -> None:
    _, rows, _ = read_fixture(fixtures_dir, "crlf.csv")
    assert [r[20] for r in rows][-1] == "6102"
    assert not any("\r" in str(f) for r in rows for f in r)
    _, rows, _ = read_fixture(fixtures_dir, "gb18030.csv")
    assert (rows[0][16], rows[5][16]) == ("会议室3号", "张伟的分机")


def test_bad_lines(fixtures_dir: Path) -> None:
    _, rows, issues = read_fixture(fixtures_dir, "bad_lines.csv")
    assert lines_of(rows) == [1, 3, 6, 9]
    assert [i.line for i in issues] == [2, 4, 5, 7, 8]
    reasons = {i.line: i.reason for i in issues}
    assert "too few columns" in reasons[2]
    assert "25:61:00" in reasons[4]
    assert "empty bill id" in reasons[5]
    assert "oversized" in reasons[7] and str(MAX_LINE_BYTES // 1024) in reasons[7]
    assert "undecodable" in reasons[8]


def test_excel_resaved_times(fixtures_dir: Path) -> None:
    _, rows, issues = read_fixture(fixtures_dir, "excel_resaved.csv")
    assert issues == []
    assert from_epoch(rows[0][7]) == "2026-11-02 08:00:00"
    assert [r[3] for r in rows] == ["107"] * 6


# --- block boundaries -------------------------------------------------------------------------


FIXTURES_FOR_BLOCKS = (
    "bad_lines.csv",
    "quoted.csv",
    "stray_quote.csv",
    "excel_empty_rows.csv",
    "blank_lines.csv",
    "comma_header.csv",
    "gb18030.csv",
    "utf8_bom.csv",
    "crlf.csv",
    "no_final_newline.csv",
    "cols23.csv",
)


@pytest.mark.parametrize("block", [32, 100, 333, 4096, 70_000])
def test_results_do_not_depend_on_block_size(
    fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    expected = {name: read_fixture(fixtures_dir, name) for name in FIXTURES_FOR_BLOCKS}
    monkeypatch.setattr(csv_source._Blocks.__init__, "__defaults__", (block,))
    for name in FIXTURES_FOR_BLOCKS:
        layout, rows, issues = read_fixture(fixtures_dir, name)
        want_layout, want_rows, want_issues = expected[name]
        assert layout == want_layout, name
        assert rows == want_rows, name
        assert [(i.line, i.reason) for i in issues] == [(i.line, i.reason) for i in want_issues], (
            name
        )


def test_big_generated_file_in_small_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = sample_rows(7000)
    path = tmp_path / "gen.csv"
    write_csv(path, rows, header=True, crlf=True)
    monkeypatch.setattr(csv_source._Blocks.__init__, "__defaults__", (5000,))
    layout, got, issues = read(path.read_bytes())
    assert layout.header
    assert issues == []
    assert lines_of(got) == list(range(2, 7002))
    assert [r[0] for r in got] == [r[0] for r in rows]
    assert [from_epoch(r[8]) for r in got] == [r[8] for r in rows]


def test_stray_quote_inside_a_field(tmp_path: Path) -> None:
    rows = sample_rows(6)
    rows[1][16] = 'say "hi'  # an unbalanced quote in the middle of a free-text field
    _, got, issues = read(b"".join(text_row(r) for r in rows))
    assert issues == []
    assert lines_of(got) == [1, 2, 3, 4, 5, 6]
    assert got[1][16] == 'say "hi'
    assert got[5][0] == rows[5][0]


def test_stray_quote_does_not_make_reading_slow() -> None:
    """One unbalanced quote early in a file must not make block cutting quadratic."""
    rows = sample_rows(15_000)
    clean = b"".join(text_row(r) for r in rows)
    rows[1][16] = 'say "hi'
    stray = b"".join(text_row(r) for r in rows)

    def timed(data: bytes) -> float:
        started = time.perf_counter()
        _, got, _ = read(data)
        assert len(got) == len(rows)
        return time.perf_counter() - started

    reference = min(timed(clean) for _ in range(2))
    assert timed(stray) < 5 * reference + 0.5


# --- stray quotes and records of several lines -----------------------------------------------


def use_block_size(monkeypatch: pytest.MonkeyPatch, block: int | None) -> None:
    if block is not None:
        monkeypatch.setattr(csv_source._Blocks.__init__, "__defaults__", (block,))


def test_stray_opening_quote_fixture(fixtures_dir: Path) -> None:
    _, rows, issues = read_fixture(fixtures_dir, "stray_quote.csv")
    assert lines_of(rows) == [1, 3, 4, 5, 6]
    assert [(i.line, i.reason) for i in issues] == [(2, csv_source.UNTERMINATED_QUOTE)]
    assert issues[0].raw == (fixtures_dir / "stray_quote.csv").read_text().splitlines()[1]
    assert [r[16] for r in rows] == ["10.12.3.45", "61234", "61234", "61234", "10.12.3.45"]


@pytest.mark.parametrize("block", [None, 64, 333, 1000])
def test_stray_opening_quote_does_not_swallow_the_bills_after_it(
    monkeypatch: pytest.MonkeyPatch, block: int | None
) -> None:
    """Ten lines, ``"61234`` in line 2's phone_no: one reject and nine bills, not two bills."""
    rows = sample_rows(10)
    rows[1][16] = '"61234'
    use_block_size(monkeypatch, block)
    _, got, issues = read(b"".join(text_row(r) for r in rows))
    assert lines_of(got) == [1, *range(3, 11)]
    assert [r[0] for r in got] == [r[0] for k, r in enumerate(rows) if k != 1]
    assert [r[16] for r in got] == [r[16] for k, r in enumerate(rows) if k != 1]
    assert [(i.line, i.reason, i.raw) for i in issues] == [
        (2, csv_source.UNTERMINATED_QUOTE, ",".join(rows[1]))
    ]


@pytest.mark.parametrize("final_newline", [True, False])
@pytest.mark.parametrize("block", [None, 64])
def test_stray_quote_on_the_last_line(
    monkeypatch: pytest.MonkeyPatch, final_newline: bool, block: int | None
) -> None:
    rows = sample_rows(4)
    rows[3][16] = '"61234'
    data = b"".join(text_row(r) for r in rows)
    use_block_size(monkeypatch, block)
    _, got, issues = read(data if final_newline else data[:-1])
    assert lines_of(got) == [1, 2, 3]
    assert [(i.line, i.reason) for i in issues] == [(4, csv_source.UNTERMINATED_QUOTE)]


@pytest.mark.parametrize("field", [3, 16])
@pytest.mark.parametrize("delimiter", [",", "|"])
def test_stray_quote_on_the_first_line_does_not_spoil_detection(field: int, delimiter: str) -> None:
    """The layout is detected line by line: one stray quote cannot hide the bills after it."""
    rows = sample_rows(6)
    rows[0][field] = '"' + rows[0][field]
    layout, got, issues = read(b"".join((delimiter.join(r) + "\n").encode() for r in rows))
    assert (layout.delimiter, layout.header, layout.columns) == (delimiter, False, 21)
    assert lines_of(got) == [2, 3, 4, 5, 6]
    assert [(i.line, i.reason) for i in issues] == [(1, csv_source.UNTERMINATED_QUOTE)]


def test_two_stray_quotes_do_not_pair_up() -> None:
    """A second stray quote lines later would close the first one: both lines are rejected."""
    rows = sample_rows(8)
    rows[1][16] = '"61234'
    rows[4][16] = '"61235'
    _, got, issues = read(b"".join(text_row(r) for r in rows))
    assert lines_of(got) == [1, 3, 4, 6, 7, 8]
    assert [i.line for i in issues] == [2, 5]
    assert {i.reason for i in issues} == {csv_source.UNTERMINATED_QUOTE}


def test_stray_quote_in_a_field_before_the_times() -> None:
    rows = sample_rows(5)
    rows[2][3] = '"' + rows[2][3]  # agent_id
    _, got, issues = read(b"".join(text_row(r) for r in rows))
    assert lines_of(got) == [1, 2, 4, 5]
    assert [(i.line, i.reason) for i in issues] == [(3, csv_source.UNTERMINATED_QUOTE)]


@pytest.mark.parametrize("block", [None, 64, 200])
def test_quoted_fields_over_several_lines_still_make_one_bill(
    monkeypatch: pytest.MonkeyPatch, block: int | None
) -> None:
    rows = sample_rows(5)
    lines = [text_row(r) for r in rows]
    three = rows[1][:]
    three[16] = '"room 3\nsecond floor\n, east wing"'  # two embedded newlines, a delimiter
    lines[1] = text_row(three)
    header = text_row(list(COLUMNS))
    use_block_size(monkeypatch, block)
    _, got, issues = read(header + b"".join(lines))
    assert issues == []
    assert lines_of(got) == [2, 3, 6, 7, 8]
    assert got[1][16] == "room 3\nsecond floor\n, east wing"
    assert got[2][0] == rows[2][0]


def test_multi_line_field_in_a_header_file_of_another_order() -> None:
    rows = sample_rows(3)
    rows[1][16] = '"line one\nline two"'
    order = list(reversed(range(21)))
    data = text_row([COLUMNS[i] for i in order]) + b"".join(
        text_row([r[i] for i in order]) for r in rows
    )
    layout, got, issues = read(data)
    assert layout.mapping is not None
    assert issues == []
    assert lines_of(got) == [2, 3, 5]
    assert got[1][16] == "line one\nline two"


def test_a_multi_line_record_rejected_later_keeps_all_its_lines() -> None:
    rows = sample_rows(3)
    rows[1][16] = '"line one\nline two"'
    rows[1][8] = "soon"  # end_time: rejected after the record was read
    data = b"".join(text_row(r) for r in rows)
    _, got, issues = read(data)
    assert lines_of(got) == [1, 4]
    assert [i.line for i in issues] == [2]
    assert "end_time" in issues[0].reason
    assert issues[0].raw == ",".join(rows[1])  # both physical lines, joined again


def test_quoted_record_longer_than_a_line_may_be_is_not_one_bill() -> None:
    """A quote closing far away would make a record over 64 KiB: the quote is a stray one."""
    rows = sample_rows(4)
    rows[1][16] = '"open'
    filler = [f"note {k}".encode() + b"\n" for k in range(MAX_LINE_BYTES // 8)]
    closing = b'close",0,0,1,\n'
    data = text_row(rows[0]) + text_row(rows[1]) + b"".join(filler) + closing
    data += text_row(rows[2]) + text_row(rows[3])
    _, got, issues = read(data)
    assert [r[0] for r in got] == [rows[0][0], rows[2][0], rows[3][0]]
    assert issues[0].line == 2 and issues[0].reason == csv_source.UNTERMINATED_QUOTE
    assert len(issues) == 2 + len(filler)  # the stray line, each note, the closing line
    assert all("too few columns" in i.reason for i in issues[1:])


def test_stray_quotes_keep_reading_linear() -> None:
    """Many stray opening quotes, far apart or close together, cost no more than clean text."""
    rows = sample_rows(15_000)
    clean = b"".join(text_row(r) for r in rows)
    for k in (1, *range(100, 15_000, 50), 14_998):
        rows[k][16] = '"61234'
    stray = b"".join(text_row(r) for r in rows)

    def timed(data: bytes, bills: int) -> float:
        started = time.perf_counter()
        _, got, issues = read(data)
        assert len(got) == bills and len(got) + len(issues) == len(rows)
        return time.perf_counter() - started

    reference = min(timed(clean, len(rows)) for _ in range(2))
    assert timed(stray, len(rows) - 300) < 5 * reference + 0.5


# --- rows Excel leaves behind ------------------------------------------------------------------


def test_rows_of_only_delimiters_are_skipped_like_blank_lines(fixtures_dir: Path) -> None:
    _, rows, issues = read_fixture(fixtures_dir, "excel_empty_rows.csv")
    assert issues == []
    assert lines_of(rows) == [1, 2, 4, 5, 7, 8]


@pytest.mark.parametrize("delimiter", [",", "|", "\t", ";"])
def test_delimiter_rows_in_every_delimiter(delimiter: str) -> None:
    rows = sample_rows(4)
    empty = [
        delimiter * 20,
        delimiter * 16,
        delimiter.join([" "] * 21),
        delimiter.join(['""'] * 21),
    ]
    lines = [delimiter.join(r) for r in rows]
    text = "\n".join([delimiter.join(COLUMNS), lines[0], *empty, *lines[1:]])
    _, got, issues = read((text + "\n").encode())
    assert issues == []
    assert lines_of(got) == [2, 7, 8, 9]


def test_delimiter_rows_before_the_first_bill_do_not_spoil_detection() -> None:
    rows = sample_rows(3)
    data = ("," * 20 + "\r\n") * 200 + "".join(",".join(r) + "\r\n" for r in rows)
    layout, got, issues = read(data.encode())
    assert (layout.delimiter, layout.header) == (",", False)
    assert issues == []
    assert lines_of(got) == [201, 202, 203]
    with pytest.raises(BadInputError, match="only blank lines"):
        read(("|" * 20 + "\n").encode() * 5, "excel.csv")


# --- handing on rejected lines -----------------------------------------------------------------


def test_rejected_lines_are_handed_on_in_bounded_batches() -> None:
    """A file of bad lines does not pile its rejects up to the end of the file."""
    good = sample_rows(2)
    bad = [f"junk line {k},with,too,few,columns\n".encode() for k in range(30_000)]
    data = text_row(good[0]) + b"".join(bad) + text_row(good[1])
    fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    _, batches = open_bill_stream(fp, "junk.csv")
    sizes = []
    lines: list[int] = []
    for batch in batches:
        sizes.append(len(batch.issues))
        lines.extend(i.line for i in batch.issues)
    assert sorted(lines) == list(range(2, 30_002))
    assert len(sizes) >= 3
    assert max(sizes) <= 2 * csv_source.REJECT_BATCH


def test_long_rejected_lines_are_handed_on_by_size() -> None:
    good = sample_rows(2)
    bad = [b"x" * 30_000 + f",{k}\n".encode() for k in range(600)]  # 18 MB of raw text
    data = text_row(good[0]) + b"".join(bad) + text_row(good[1])
    fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    _, batches = open_bill_stream(fp, "long.csv")
    held = [sum(len(i.raw) for i in b.issues) for b in batches]
    assert sum(held) == sum(len(line) - 1 for line in bad)  # every line, once
    assert len(held) >= 4
    assert max(held) <= csv_source.REJECT_BATCH_CHARS + 2 * csv_source.BLOCK_BYTES


# --- headers ----------------------------------------------------------------------------------


def test_header_in_another_order_is_mapped() -> None:
    rows = sample_rows(4)
    order = list(reversed(range(21)))
    data = text_row([COLUMNS[i] for i in order]) + b"".join(
        text_row([r[i] for i in order]) for r in rows
    )
    layout, got, issues = read(data)
    assert layout.header and layout.mapping is not None
    assert issues == []
    for want, row in zip(rows, got, strict=True):
        assert row[:7] == want[:7]
        assert from_epoch(row[7]) == want[7]
        assert row[9:21] == want[9:21]


def test_header_with_unknown_and_missing_columns() -> None:
    rows = sample_rows(3)
    keep = [c for c in COLUMNS if c not in ("skillInfo_sn", "location_id")]
    names = ["note", *reversed(keep)]
    index = {c: i for i, c in enumerate(COLUMNS)}
    data = text_row([n.upper() for n in names]) + b"".join(
        text_row([f"n{k}", *(r[index[c]] for c in reversed(keep))]) for k, r in enumerate(rows)
    )
    _, got, issues = read(data)
    assert issues == []
    for k, (want, row) in enumerate(zip(rows, got, strict=True)):
        assert row[0] == want[0]
        assert row[index["location_id"]] == row[index["skillInfo_sn"]] == ""
        assert row[index["phone_no"]] == want[index["phone_no"]]
        assert row[22] == f"n{k}"  # the unknown column is kept aside


def test_header_with_fewer_columns_in_file_order() -> None:
    rows = sample_rows(3)
    data = text_row(list(COLUMNS[:17])) + b"".join(text_row(r[:17]) for r in rows)
    layout, got, issues = read(data)
    assert layout.header and layout.mapping is None
    assert issues == []
    assert [r[16] for r in got] == [r[16] for r in rows]
    assert all(r[17:21] == ["", "", "", ""] for r in got)


# --- files that are not bill exports --------------------------------------------------------


def test_empty_file() -> None:
    with pytest.raises(BadInputError, match="empty"):
        read(b"", "empty.csv")


def test_only_blank_lines() -> None:
    with pytest.raises(BadInputError, match="blank.csv"):
        read(b"\n\r\n\n", "blank.csv")


def test_binary_data(fixtures_dir: Path) -> None:
    with pytest.raises((NotABillExportError, BadInputError), match="binary.csv"):
        read_fixture(fixtures_dir, "binary.csv")


def test_text_that_is_no_bill_export() -> None:
    with pytest.raises(NotABillExportError, match="notes.csv"):
        read(b"name,amount\nalice,3\nbob,4\n", "notes.csv")


def test_cdr_shape_is_refused(fixtures_dir: Path) -> None:
    with pytest.raises(NotABillExportError):
        read((fixtures_dir / "20261102101530123456_call_1.csv").read_bytes(), "cdr.csv")


def test_end_time_may_be_empty_but_not_garbage() -> None:
    rows = sample_rows(3)
    rows[0][8] = ""
    rows[1][8] = "soon"
    _, got, issues = read(b"".join(text_row(r) for r in rows))
    assert lines_of(got) == [1, 3]
    assert got[0][8] is None
    assert [(i.line, "end_time" in i.reason) for i in issues] == [(2, True)]
    assert issues[0].raw == ",".join(rows[1])


def test_impossible_calendar_dates_are_rejected_not_fatal() -> None:
    """Well-formed times of days that do not exist are bad lines, not a crash of the file."""
    rows = sample_rows(6)
    rows[1][7] = "2026-02-30 08:01:00"
    rows[2][8] = "2026-04-31 08:10:00"
    rows[3][7] = rows[3][8] = "2028-02-29 08:10:00"  # a leap day is fine
    rows[4][7] = rows[4][8] = "2026-01-31 23:59:59"
    for data in (
        b"".join(text_row(r) for r in rows),  # clean shape: the vectorised path
        b"".join(text_row(r[:17]) for r in rows),  # 17 columns: the row-by-row path
    ):
        _, got, issues = read(data)
        assert lines_of(got) == [1, 4, 5, 6]
        assert [i.line for i in issues] == [2, 3]
        assert "begin_time" in issues[0].reason and "2026-02-30" in issues[0].reason
        assert "end_time" in issues[1].reason and "2026-04-31" in issues[1].reason
        assert from_epoch(got[1][7]) == "2028-02-29 08:10:00"
        assert from_epoch(got[2][8]) == "2026-01-31 23:59:59"


def test_blank_bill_id_is_rejected_whatever_the_shape() -> None:
    rows = sample_rows(4)
    rows[1][0] = "   "
    for data in (
        b"".join(text_row(r) for r in rows),  # clean shape: the vectorised path
        b"".join(text_row(r[:17]) for r in rows),  # 17 columns: the row-by-row path
    ):
        _, got, issues = read(data)
        assert lines_of(got) == [1, 3, 4]
        assert [(i.line, "empty bill id" in i.reason) for i in issues] == [(2, True)]


# --- a file read in two parts (the importer's second process) --------------------------------

SPLIT_FIXTURES = sorted(
    p.name
    for p in Path(__file__).resolve().parents[1].joinpath("fixtures").glob("*.csv")
    if p.name not in ("empty.csv", "binary.csv") and "_call_" not in p.name
)


def read_in_two(
    data: bytes, at: int
) -> tuple[list[list[Any]], list[RowIssue], csv_source.Edges, csv_source.Edges]:
    """Rows and issues of ``data`` read as the parallel importer does, split at byte ``at``."""
    head, tail = csv_source.Edges(), csv_source.Edges()
    fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    layout, batches = open_bill_stream(fp, "two.csv", limit=at, edges=head)
    parts = list(batches)
    fp2 = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    fp2.seek(at)
    first_line = data[:at].count(b"\n") + 1
    parts += list(csv_source.open_bill_part(fp2, layout, first_line, edges=tail))
    rows = sorted((r for b in parts for r in (*b.rows, *b.extra_rows)), key=lambda r: r[21])
    issues = sorted((i for b in parts for i in b.issues), key=lambda i: i.line)
    return rows, issues, head, tail


def line_starts(data: bytes) -> list[int]:
    return [i + 1 for i, byte in enumerate(data[:-1]) if byte == 0x0A]


@pytest.mark.parametrize("block", [None, 64])
@pytest.mark.parametrize("name", SPLIT_FIXTURES)
def test_two_parts_with_plain_edges_read_as_the_whole(
    fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch, name: str, block: int | None
) -> None:
    """At every line start: where both edges are plain, the parts give exactly the whole."""
    data = (fixtures_dir / name).read_bytes()
    _, want_rows, want_issues = read(data, name)
    use_block_size(monkeypatch, block)
    plain = 0
    for at in line_starts(data):
        rows, issues, head, tail = read_in_two(data, at)
        assert head.last_line == tail.first_line - 1 == data[:at].count(b"\n"), (name, at)
        if head.tail_plain and tail.head_plain:
            plain += 1
            assert rows == want_rows, (name, at)
            assert issues == want_issues, (name, at)
    assert plain > 0 or name == "bad_lines.csv", name  # there every other line is a reject


@pytest.mark.parametrize("name", SPLIT_FIXTURES)
def test_find_split_finds_plain_edges(fixtures_dir: Path, name: str) -> None:
    data = (fixtures_dir / name).read_bytes()
    layout, _, _ = read(data, name)
    for wish in range(0, len(data), max(1, len(data) // 7)):
        fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
        at = csv_source.find_split(fp, layout, wish)
        if at is None:
            continue
        assert at >= wish and data[at - 1 : at] == b"\n", (name, wish, at)
        _, _, head, tail = read_in_two(data, at)
        assert head.tail_plain and tail.head_plain, (name, wish, at)


def test_split_inside_a_record_of_two_lines_is_not_plain(fixtures_dir: Path) -> None:
    """quoted.csv: the record of line 4 runs on to line 5; a split before line 5 is refused."""
    data = (fixtures_dir / "quoted.csv").read_bytes()
    at = line_starts(data)[3]  # the start of line 5
    _, _, head, tail = read_in_two(data, at)
    assert not head.tail_plain
    at = line_starts(data)[2]  # the start of line 4: the record starts in the second part
    _, _, head, tail = read_in_two(data, at)
    assert head.tail_plain and not tail.head_plain


def test_split_after_a_rejected_line_is_not_plain(fixtures_dir: Path) -> None:
    data = (fixtures_dir / "bad_lines.csv").read_bytes()
    starts = line_starts(data)
    _, _, head, _ = read_in_two(data, starts[1])  # line 2 (too few columns) ends the first part
    assert not head.tail_plain
    _, _, _, tail = read_in_two(data, starts[0])  # line 2 starts the second part
    assert not tail.head_plain


def test_find_split_gives_up_in_a_region_without_plain_lines() -> None:
    rows = sample_rows(40)
    for r in rows[5:]:
        r[16] = 'say "hi"'  # a quote on every line from line 6 on: no plain line there
    data = b"".join(text_row(r) for r in rows)
    layout, _, _ = read(data)
    fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    assert csv_source.find_split(fp, layout, len(data) // 2) is None
    assert csv_source.find_split(fp, layout, 0) is not None


def messy_rows(n: int, seed: int = 3) -> bytes:
    """``n`` bills with stray quotes, fields of two lines, lone CRs and rejects among them."""
    rows = sample_rows(n)
    out = io.StringIO()
    import csv as csv_module

    writer = csv_module.writer(out, lineterminator="\n")
    for k, r in enumerate(rows):
        kind = (k * 7 + seed) % 23
        if kind == 1:
            r[16] = '"61234'  # a stray quote that never closes
            out.write(",".join(r) + "\n")
        elif kind == 2:
            r[16] = "room 3\nsecond floor"  # a field of two lines, properly quoted
            writer.writerow(r)
        elif kind == 3:
            r[16] = "desk\r12"  # a lone CR inside a field
            out.write(",".join(r) + "\n")
        elif kind == 4:
            out.write(",".join(r[:9]) + "\n")  # too few columns
        elif kind == 5:
            r[16] = 'say "hi" twice'  # quotes in the middle of a field
            out.write(",".join(r) + "\n")
        else:
            out.write(",".join(r) + "\n")
    return out.getvalue().encode()


@pytest.mark.parametrize("block", [None, 200, 1000])
def test_messy_file_reads_the_same_in_any_blocks_and_any_two_parts(
    monkeypatch: pytest.MonkeyPatch, block: int | None
) -> None:
    data = messy_rows(300)
    _, want_rows, want_issues = read(data)
    assert {i.reason for i in want_issues} >= {csv_source.UNTERMINATED_QUOTE}
    assert any("\r" in r[16] for r in want_rows) and any("\n" in r[16] for r in want_rows)
    use_block_size(monkeypatch, block)
    _, rows, issues = read(data)
    assert rows == want_rows and issues == want_issues
    plain = 0
    starts = line_starts(data)
    for at in starts[:: 1 if block == 1000 else 7]:
        rows, issues, head, tail = read_in_two(data, at)
        if head.tail_plain and tail.head_plain:
            plain += 1
            assert rows == want_rows, at
            assert issues == want_issues, at
    assert plain > len(starts[:: 1 if block == 1000 else 7]) // 2


def test_lone_cr_in_the_first_lines_does_not_stop_detection() -> None:
    rows = sample_rows(6)
    rows[0][16] = "desk\r12"
    layout, got, issues = read(b"".join(text_row(r) for r in rows))
    assert (layout.delimiter, layout.columns) == (",", 21)
    assert issues == [] and lines_of(got) == [1, 2, 3, 4, 5, 6]
    assert got[0][16] == "desk\r12"
