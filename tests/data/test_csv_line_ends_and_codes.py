"""Nothing lost, nothing altered on the way in: lone-CR line ends and codes kept as written.

Issue 15: a file with classic Mac line ends (a lone CR) was read as one line with 99 bills in
its extra columns, and code texts that are not plain integers ("05", " 5 ", "1e3", 20 digits)
were changed by SQLite's type affinity on their way into the INTEGER columns.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import create_engine

from viewer.core import codes
from viewer.core.columns import BY_KEY, IDX
from viewer.core.filters import BillFilter
from viewer.core.records import ImportStatus, RowIssue
from viewer.data import queries, schema
from viewer.data.db import Database, open_database
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.verify import verify_xlsx
from viewer.data.imports import csv_source
from viewer.data.imports.csv_source import Layout, open_bill_stream
from viewer.data.imports.loading import import_paths

BASE = [
    "02019b2d4c6e8a0b1c2d3e4f5a6b7c8d",
    "1075100312",
    "ECC20190815",
    "0107",
    "1",
    "0",
    "",
    "2026-11-02 08:00:05",
    "2026-11-02 08:00:05",
    "3",
    "65535",
    "201",
    "5",
    "12",
    "1",
    "4",
    "61234",
    "0",
    "0",
    "4180017",
    "6102",
]
OP_TYPE, OP_CAUSE, MEDIA, AGENT_TYPE, IN_OUT = 9, 11, 12, 15, 17


def bill(k: int, **changes: str) -> list[str]:
    """Bill ``k`` (its own id, one second after bill ``k - 1``), with fields changed by index."""
    row = list(BASE)
    row[0] = f"{k:08d}9b2d4c6e8a0b1c2d3e4f5a6b"
    row[7] = row[8] = f"2026-11-02 08:{k // 60 % 60:02d}:{k % 60:02d}"
    for key, value in changes.items():
        row[int(key[1:])] = value
    return row


def read(data: bytes, block: int | None = None) -> tuple[Layout, list[list[Any]], list[RowIssue]]:
    """All rows and issues of a file's bytes, by line."""
    fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    layout, batches = open_bill_stream(fp, "test.csv")
    rows: list[list[Any]] = []
    issues: list[RowIssue] = []
    for batch in batches:
        rows += batch.rows + batch.extra_rows
        issues += batch.issues
    return layout, sorted(rows, key=lambda r: r[21]), sorted(issues, key=lambda i: i.line)


def stored(db: Database, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, params)]


# --------------------------------------------------------------------------------------------
# 1. Lone-CR line ends
# --------------------------------------------------------------------------------------------


def test_a_file_with_lone_cr_line_ends_imports_every_bill(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"".join((",".join(bill(k)) + "\r").encode() for k in range(100)))
    [f] = import_paths(db, [path]).files
    assert (f.status, f.rows_read, f.imported, f.rejected) == (ImportStatus.IMPORTED, 100, 100, 0)
    assert "extra" not in f.message
    rows = stored(db, "SELECT line, bill_id, extra FROM bill ORDER BY line")
    assert [(line, extra) for line, _id, extra in rows] == [(k + 1, None) for k in range(100)]
    assert [bill_id for _line, bill_id, _extra in rows] == [bill(k)[0] for k in range(100)]


@pytest.mark.parametrize("block", [64, 150, 301, 1 << 20])
def test_lone_cr_file_reads_the_same_in_any_blocks(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Header, quoted field holding the file's line end, blank lines, CRLF at block edges."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r")
    writer.writerow(csv_source.COLUMNS)
    for k in range(40):
        row = bill(k)
        if k == 5:
            row[16] = "room 3\rsecond floor"  # a quoted field holding a CR: one bill
        writer.writerow(row)
        if k % 9 == 0:
            out.write("\r")  # a blank line
        if k == 20:
            out.write("\n")  # an LF after a CR: one line end (CRLF), not two
    data = out.getvalue().encode()
    monkeypatch.setattr(csv_source._Blocks.__init__, "__defaults__", (block,))
    monkeypatch.setattr(csv_source, "LINE_END_SNIFF_BYTES", 1000)  # the first read: 4 lines
    layout, rows, issues = read(data)
    assert layout.lone_cr and layout.header
    assert issues == []
    assert [r[0] for r in rows] == [bill(k)[0] for k in range(40)]
    assert rows[5][16] == "room 3\nsecond floor"  # a line break, as for CRLF files
    assert all(len(r) == 22 for r in rows)  # no extra columns anywhere
    assert rows[-1][21] == 1 + 40 + 1 + 5  # header, 40 bills, 1 more line of bill 5, 5 blanks


def test_crlf_and_cr_cut_at_every_block_edge_read_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    """A CR at a block's end may be the first half of a CRLF: no block edge adds a line."""
    lines = [",".join(bill(k)) for k in range(12)]
    ends = ["\r", "\r\n", "\r", "\n", "\r", "\r\r", "\r", "\r\n", "\r", "\r", "\r", "\r"]
    data = "".join(line + end for line, end in zip(lines, ends, strict=True)).encode()
    want = read(data)
    assert want[0].lone_cr and [r[21] for r in want[1]] == [*range(1, 7), *range(8, 14)]
    monkeypatch.setattr(csv_source, "LINE_END_SNIFF_BYTES", 1000)  # 6 lines: enough to tell
    for block in range(1, 200):
        monkeypatch.setattr(csv_source._Blocks.__init__, "__defaults__", (block,))
        assert read(data) == want, block


def test_a_lone_cr_file_is_read_in_one_part(tmp_path: Path) -> None:
    """The two-process path splits at LFs and counts LFs: a CR file is never split."""
    data = b"".join((",".join(bill(k)) + "\r").encode() for k in range(2000))
    layout, rows, _ = read(data)
    assert layout.lone_cr and len(rows) == 2000
    fp = io.BufferedReader(io.BytesIO(data))  # type: ignore[arg-type]
    assert csv_source.find_split(fp, layout, len(data) // 2) is None


def test_lf_file_with_a_few_lone_crs_keeps_them_in_fields() -> None:
    rows = [bill(k) for k in range(6)]
    rows[1][16] = "desk\r12"
    layout, got, issues = read(b"".join((",".join(r) + "\n").encode() for r in rows))
    assert not layout.lone_cr and issues == []
    assert got[1][16] == "desk\r12"


def test_records_joined_by_a_lone_cr_are_rejected_not_made_extra_columns() -> None:
    """An LF file with a stretch of CR line ends: the joined line is a reject with its reason."""
    lines = [",".join(bill(k)) for k in range(8)]
    data = "\n".join([*lines[:3], "\r".join(lines[3:5]), *lines[5:]]) + "\n"
    layout, rows, issues = read(data.encode())
    assert not layout.lone_cr
    assert [r[21] for r in rows] == [1, 2, 3, 5, 6, 7]
    assert all(len(r) == 22 for r in rows)
    assert [(i.line, i.reason) for i in issues] == [(4, csv_source.LONE_CR_EXTRA)]
    assert issues[0].raw == "\r".join(lines[3:5])


# --------------------------------------------------------------------------------------------
# 2. Codes kept as written
# --------------------------------------------------------------------------------------------

ODD = {
    OP_TYPE: "99999999999999999999",
    OP_CAUSE: "1e3",
    MEDIA: "9223372036854775808",
    AGENT_TYPE: " 5 ",
    IN_OUT: "05",
}
"""Code texts that are not plain integers, by field index."""

PLAIN_EDGES = {
    OP_TYPE: "9223372036854775807",
    OP_CAUSE: "-9223372036854775808",
    MEDIA: "-1",
    AGENT_TYPE: "0",
    IN_OUT: "",
}
"""Plain integers at the edges of the range, and an empty cell."""


def odd_file(tmp_path: Path, name: str = "odd.csv") -> Path:
    rows = [
        bill(0, **{f"f{i}": v for i, v in ODD.items()}),
        bill(1, f9="5.0", f11="-0", f12="+5", f15="0x10", f17="١"),  # Arabic-Indic one
        bill(2, **{f"f{i}": v for i, v in PLAIN_EDGES.items()}),
        bill(3),
    ]
    path = tmp_path / name
    path.write_bytes(b"".join((",".join(r) + "\n").encode() for r in rows))
    return path


def all_rows(db: Database) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return queries.first_rows(conn, BillFilter(sort="begin_time"), 100)


CODE_KEYS = {OP_TYPE: "op_type", OP_CAUSE: "op_cause", MEDIA: "media_type"}
CODE_KEYS |= {AGENT_TYPE: "agent_type", IN_OUT: "callIn_out"}


def test_code_texts_that_are_not_plain_integers_are_kept_verbatim(
    db: Database, tmp_path: Path
) -> None:
    [f] = import_paths(db, [odd_file(tmp_path)]).files
    assert (f.imported, f.rejected) == (4, 0)
    rows = all_rows(db)
    for i, key in CODE_KEYS.items():
        col = BY_KEY[key]
        assert col.raw(rows[0]) == ODD[i]
        assert rows[0][IDX[col.field or ""]] is None  # nothing numeric made of it
        assert not col.explain(rows[0], None).known  # type: ignore[misc]
        assert f'"{ODD[i]}"' in col.explain(rows[0], None).text  # type: ignore[misc]
    assert [BY_KEY[k].raw(rows[1]) for k in CODE_KEYS.values()] == ["5.0", "-0", "+5", "0x10", "١"]
    # plain integers are integers, at both ends of the 64-bit range; empty stays empty
    raws = [BY_KEY[k].raw(rows[2]) for k in CODE_KEYS.values()]
    assert raws[:4] == [2**63 - 1, -(2**63), -1, 0] and raws[4] in (None, "")
    assert rows[2][IDX["raw_codes"]] is None and rows[3][IDX["raw_codes"]] is None
    assert BY_KEY["op_type"].raw(rows[3]) == 3
    assert json.loads(rows[0][IDX["raw_codes"]]) == {
        "op_type": ODD[OP_TYPE],
        "op_cause": ODD[OP_CAUSE],
        "media_type": ODD[MEDIA],
        "agent_type": ODD[AGENT_TYPE],
        "call_in_out": ODD[IN_OUT],
    }


def test_export_shows_the_code_text_of_the_file(db: Database, tmp_path: Path) -> None:
    import_paths(db, [odd_file(tmp_path)])
    out = tmp_path / "odd.xlsx"
    keys = ["begin_time", *CODE_KEYS.values()]
    export_xlsx(db, BillFilter(sort="begin_time"), out, columns=keys)
    assert verify_xlsx(out).ok
    ws = openpyxl.load_workbook(out)["Bills"]
    header, first, second, edges, _plain = list(ws.iter_rows(values_only=True))
    for n, (i, key) in enumerate(CODE_KEYS.items()):
        at = header.index(BY_KEY[key].title)
        assert first[at] == ODD[i], key  # the text, never 1e+20, 9.22e18, 1000 or 5
        assert isinstance(first[at], str)
        assert header[at + 1].endswith("(meaning)")
        assert "unknown" in str(first[at + 1]) and ODD[i].strip() in str(first[at + 1])
        assert second[at] == ["5.0", "-0", "+5", "0x10", "١"][n]
    at = header.index(BY_KEY["op_type"].title)
    assert edges[at] == str(2**63 - 1)  # beyond Excel's 15 digits: written as text, exactly


def test_a_copy_whose_code_differs_only_as_05_and_5_is_a_conflict(
    db: Database, tmp_path: Path
) -> None:
    first = tmp_path / "a.csv"
    first.write_bytes((",".join(bill(1, f12="5")) + "\n").encode())
    second = tmp_path / "b.csv"
    second.write_bytes((",".join(bill(1, f12="05")) + "\n").encode())
    same = tmp_path / "c.csv"
    same.write_bytes((",".join(bill(1, f12="5")) + "\n" + ",".join(bill(2)) + "\n").encode())
    a, b, c = import_paths(db, [first, second, same]).files
    assert (b.duplicates, b.conflicts) == (1, 1)
    assert (c.duplicates, c.conflicts) == (1, 0)
    [(differs, fields)] = stored(db, "SELECT differs, fields FROM conflict")
    assert differs == "media_type"
    assert json.loads(fields)[MEDIA] == "05"
    with db.engine.connect() as conn:
        [conflict] = queries.conflicts_for(conn, bill(1)[0])
    assert "media_type" in str(conflict)
    # and the other way round: the verbatim text stored, a plain copy arriving
    [d] = import_paths(db, [second], force=True).files
    assert (d.duplicates, d.conflicts) == (1, 1)


def test_verbatim_copy_of_a_verbatim_bill_is_no_conflict(db: Database, tmp_path: Path) -> None:
    path = odd_file(tmp_path)
    import_paths(db, [path])
    again = tmp_path / "again.csv"
    again.write_bytes(path.read_bytes())
    [f] = import_paths(db, [again], force=True).files
    assert (f.duplicates, f.conflicts) == (4, 0)


def make_v2(path: Path) -> None:
    """A schema-2 database: today's bill table without ``raw_codes``, one altered code in it."""
    engine = create_engine(f"sqlite:///{path}")
    schema.metadata.create_all(engine)
    engine.dispose()
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE bill DROP COLUMN raw_codes")
        conn.execute("INSERT INTO meta (key, value) VALUES ('schema_version', '2')")
        conn.execute(
            "INSERT INTO bill (bill_id, begin_time, op_type, media_type, source_id, line) "
            "VALUES ('old', 1793577600, 3, '05', 1, 1)"
        )


def test_schema_2_gains_the_verbatim_codes_column(tmp_path: Path) -> None:
    path = tmp_path / "v2.sqlite"
    make_v2(path)
    db = open_database(path)
    try:
        assert db.meta_get("schema_version") == str(schema.SCHEMA_VERSION)
        [old] = all_rows(db)
        assert BY_KEY["media_type"].raw(old) == 5  # altered before version 3: not recoverable
        assert old[IDX["raw_codes"]] is None
        import_paths(db, [odd_file(tmp_path)])
        assert BY_KEY["op_type"].raw(all_rows(db)[1]) == ODD[OP_TYPE]
    finally:
        db.close()


def test_codes_decode_verbatim_text_as_unknown() -> None:
    for text in ("05", " 5 ", "5.0", "1e3", "-0", " "):
        value = codes.VerbatimCode(text)
        assert codes.parse_code(value) is None
        for explain in (
            codes.explain_op_type,
            codes.explain_media_type,
            codes.explain_agent_type,
            codes.explain_call_in_out,
        ):
            exp = explain(value)
            assert not exp.known and f'"{text}"' in exp.text, (explain, text)
        assert not codes.explain_reason(26, value).known  # type 26 takes any integer
    assert codes.plain_code("9223372036854775807") == 2**63 - 1
    assert codes.plain_code("9223372036854775808") is None
    assert codes.plain_code("-0") is None and codes.plain_code("05") is None
    assert codes.plain_code("-12") == -12 and codes.plain_code("0") == 0
