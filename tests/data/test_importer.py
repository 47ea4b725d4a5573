"""Tests of the importer (viewer.data.imports.loading) against the fixtures and generated exports.

Expected counts, lines and reasons come from tests/fixtures/README.md; larger data comes from
viewer.demo.generator. Every test works on a real SQLite file in a temporary folder.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import os
import shutil
import zipfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from viewer.core import codes
from viewer.core.records import ImportReport, ImportStatus
from viewer.core.tasks import CancelToken
from viewer.core.timefmt import from_epoch
from viewer.data.db import Database, open_database
from viewer.data.imports import loading
from viewer.data.imports.loading import import_paths, import_source
from viewer.data.imports.sources import Source, expand_paths
from viewer.data.queries import conflicts_for, stats
from viewer.data.schema import BILL_FIELDS, BILL_INDEXES
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


@contextmanager
def disk_full_after(db: Database, pages: int) -> Iterator[None]:
    """A real "database or disk is full" (SQLITE_FULL) once the file grows by ``pages`` pages.

    SQLite's ``max_page_count`` on every new connection of ``db`` while inside.
    """
    with db.engine.connect() as conn:
        limit = int(conn.exec_driver_sql("PRAGMA page_count").scalar() or 0) + pages

    def cap(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute(f"PRAGMA max_page_count = {limit}")

    db.engine.dispose()
    event.listen(db.engine, "connect", cap)
    try:
        yield
    finally:
        event.remove(db.engine, "connect", cap)
        db.engine.dispose()


# The standard six-bill day of most fixtures (README: "Most files hold the same six bills").
DAY = "2026-11-02"
CALL = "1793577688-34"
DAY_ROWS: tuple[dict[str, Any], ...] = (
    {"op_type": 1, "phone_no": "10.12.3.45", "skill_info_sn": ""},
    {"op_type": 3, "op_cause": 201, "begin": f"{DAY} 08:01:00", "end": f"{DAY} 08:04:30"},
    {
        "op_type": 60,
        "op_cause": 1,
        "call_id": CALL,
        "begin": f"{DAY} 08:05:10",
        "end": f"{DAY} 08:10:00",
    },
    {
        "op_type": 60,
        "op_cause": 0,
        "call_id": CALL,
        "begin": f"{DAY} 08:10:00",
        "end": f"{DAY} 08:12:41",
    },
    {"op_type": 27, "op_cause": 0},
    {"op_type": 0, "op_cause": 258},
)

# README: records, and the physical line where each good record starts.
SIX_DAY_FILES: dict[str, tuple[int, ...]] = {
    "comma_header.csv": (2, 3, 4, 5, 6, 7),
    "no_header.csv": (1, 2, 3, 4, 5, 6),
    "pipe.csv": (1, 2, 3, 4, 5, 6),
    "tab.csv": (1, 2, 3, 4, 5, 6),
    "semicolon.csv": (1, 2, 3, 4, 5, 6),
    "utf8_bom.csv": (2, 3, 4, 5, 6, 7),
    "gb18030.csv": (1, 2, 3, 4, 5, 6),
    "crlf.csv": (1, 2, 3, 4, 5, 6),
    "no_final_newline.csv": (1, 2, 3, 4, 5, 6),
    "blank_lines.csv": (1, 2, 4, 5, 8, 9),
    "cols17.csv": (1, 2, 3, 4, 5, 6),
    "cols19.csv": (1, 2, 3, 4, 5, 6),
    "cols21.csv": (1, 2, 3, 4, 5, 6),
    "cols23.csv": (1, 2, 3, 4, 5, 6),
    "quoted.csv": (1, 2, 3, 4, 6, 7),
    "excel_resaved.csv": (1, 2, 3, 4, 5, 6),
    "upper_header.csv": (2, 3, 4, 5, 6, 7),
    "excel_empty_rows.csv": (1, 2, 4, 5, 7, 8),
}

REJECT_KINDS = {
    "columns": "too few columns",
    "begin_time": "begin_time",
    "id": "empty bill id",
    "too_long": "oversized line",
    "encoding": "undecodable",
    "quote": "unterminated quote",
}
"""README reject kinds -> words of the importer's reason text."""

SELECT = ", ".join(BILL_FIELDS)


def run(db: Database, *paths: Path | str, **kwargs: Any) -> ImportReport:
    return import_paths(db, list(paths), **kwargs)


def bills(db: Database, where: str = "1", params: Sequence[Any] = ()) -> list[dict[str, Any]]:
    with db.engine.connect() as conn:
        result = conn.exec_driver_sql(
            f"SELECT pk, {SELECT}, source_id, line, extra FROM bill WHERE {where} ORDER BY pk",
            tuple(params),
        )
        keys = list(result.keys())
        return [dict(zip(keys, r, strict=True)) for r in result]


def scalar(db: Database, sql: str, params: Sequence[Any] = ()) -> Any:
    with db.engine.connect() as conn:
        return conn.exec_driver_sql(sql, tuple(params)).scalar()


def sql_rows(db: Database, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.exec_driver_sql(sql, tuple(params))]


def id_prefix_and_row(bill_id: str) -> tuple[str, int]:
    """README: ``<ff><rr>...``: fixture number and row number of a fixture bill id."""
    return bill_id[:2], int(bill_id[2:4], 16)


def assert_counts_consistent(report: ImportReport) -> None:
    for f in report.files:
        assert f.rows_read == f.imported + f.duplicates + f.rejected, f.path
        assert f.conflicts <= f.duplicates


def check_day(rows: list[dict[str, Any]]) -> None:
    """The six bills are the README's day, in file order."""
    assert len(rows) == 6
    for got, want in zip(rows, DAY_ROWS, strict=True):
        assert got["op_type"] == want["op_type"]
        if "op_cause" in want:
            assert got["op_cause"] == want["op_cause"]
        if "call_id" in want:
            assert got["call_id"] == want["call_id"]
        if "begin" in want:
            assert from_epoch(got["begin_time"]) == want["begin"]
            assert from_epoch(got["end_time"]) == want["end"]
        assert from_epoch(got["begin_time"]).startswith(DAY)


# --- every fixture of the README -------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SIX_DAY_FILES))
def test_six_bill_fixtures(db: Database, fixtures_dir: Path, name: str) -> None:
    report = run(db, fixtures_dir / name)
    assert_counts_consistent(report)
    [f] = report.files
    assert f.status == ImportStatus.IMPORTED, f.message
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts, f.rejected) == (6, 6, 0, 0, 0)
    assert f.rejects == []
    rows = sorted(bills(db), key=lambda r: r["line"])
    assert tuple(r["line"] for r in rows) == SIX_DAY_FILES[name]
    prefixes = {id_prefix_and_row(r["bill_id"])[0] for r in rows}
    assert len(prefixes) == 1
    assert [id_prefix_and_row(r["bill_id"])[1] for r in rows] == [1, 2, 3, 4, 5, 6]
    if name != "excel_resaved.csv":
        check_day(rows)
        assert {r["agent_id"] for r in rows} == {"0107"}
    if name not in ("cols17.csv", "cols19.csv"):
        assert {r["logon_sn"] for r in rows} == {"4180017"}
    if name not in ("gb18030.csv", "excel_resaved.csv"):
        assert rows[0]["phone_no"] == "10.12.3.45"
        assert rows[0]["skill_info_sn"] == ""


def test_header_files_say_so(db: Database, fixtures_dir: Path) -> None:
    report = run(db, *(fixtures_dir / n for n in ("comma_header.csv", "utf8_bom.csv")))
    assert all("header" in f.message for f in report.files)
    report = run(db, fixtures_dir / "no_header.csv")
    assert "header" not in report.files[0].message


def test_gb18030_text_is_decoded(db: Database, fixtures_dir: Path) -> None:
    run(db, fixtures_dir / "gb18030.csv")
    rows = sorted(bills(db), key=lambda r: r["line"])
    assert rows[0]["phone_no"] == "会议室3号"
    assert rows[5]["phone_no"] == "张伟的分机"


def test_crlf_leaves_no_carriage_return(db: Database, fixtures_dir: Path) -> None:
    run(db, fixtures_dir / "crlf.csv")
    rows = bills(db)
    assert sorted(r["skill_info_sn"] for r in rows)[-1] == "6102"
    for r in rows:
        assert not any(isinstance(v, str) and "\r" in v for v in r.values())


def test_no_final_newline_keeps_last_bill(db: Database, fixtures_dir: Path) -> None:
    run(db, fixtures_dir / "no_final_newline.csv")
    last = max(bills(db), key=lambda r: r["line"])
    assert last["line"] == 6
    assert (last["op_type"], last["op_cause"]) == (0, 258)


@pytest.mark.parametrize(("name", "columns"), [("cols17.csv", 17), ("cols19.csv", 19)])
def test_short_rows_leave_trailing_columns_empty(
    db: Database, fixtures_dir: Path, name: str, columns: int
) -> None:
    run(db, fixtures_dir / name)
    missing = BILL_FIELDS[columns:]
    for r in bills(db):
        assert all(r[c] in ("", None) for c in missing), r
        assert r["phone_no"]  # the 17th column is still there


def test_extra_columns_kept_aside_and_reported_once(db: Database, fixtures_dir: Path) -> None:
    [f] = run(db, fixtures_dir / "cols23.csv").files
    assert f.message.count("extra") == 1
    rows = bills(db)
    assert len(rows) == 6
    for r in rows:
        assert r["extra"].split("\t") == ["extra1", "extra2"]
        assert r["skill_info_sn"] != "extra1"
    run(db, fixtures_dir / "cols21.csv")
    assert all(r["extra"] is None for r in bills(db) if r["extra"] != "extra1\textra2")


def test_quoted_fields(db: Database, fixtures_dir: Path) -> None:
    run(db, fixtures_dir / "quoted.csv")
    by_line = {r["line"]: r for r in bills(db)}
    assert by_line[2]["phone_no"] == "conf, room 3"
    assert by_line[3]["phone_no"] == 'say "hello"'
    assert by_line[4]["phone_no"] == "line one\nline two"
    plain = [row for row in csv.reader(io.StringIO((fixtures_dir / "no_header.csv").read_text()))]
    # line 6 (record 5) has every field quoted: values as if unquoted
    assert by_line[6]["agent_id"] == plain[4][3]
    assert from_epoch(by_line[6]["begin_time"]) == plain[4][7]
    assert str(by_line[6]["op_type"]) == plain[4][9]
    assert by_line[6]["bill_id"][2:] == plain[4][0][2:]


def test_bad_lines(db: Database, fixtures_dir: Path) -> None:
    report = run(db, fixtures_dir / "bad_lines.csv")
    assert_counts_consistent(report)
    [f] = report.files
    assert f.status == ImportStatus.IMPORTED
    assert (f.rows_read, f.imported, f.duplicates, f.rejected) == (9, 4, 0, 5)
    assert sorted(r["line"] for r in bills(db)) == [1, 3, 6, 9]
    expected = {2: "columns", 4: "begin_time", 5: "id", 7: "too_long", 8: "encoding"}
    reported = {i.line: i.reason for i in f.rejects}
    assert set(reported) == set(expected)
    for line, kind in expected.items():
        assert REJECT_KINDS[kind] in reported[line], (line, reported[line])
    assert "2026-11-02 25:61:00" in reported[4]
    stored = {
        line: (reason, raw)
        for line, reason, raw in sql_rows(db, "SELECT line, reason, raw FROM reject")
    }
    assert {line: reason for line, (reason, _) in stored.items()} == reported
    lines = (fixtures_dir / "bad_lines.csv").read_bytes().split(b"\n")
    for line in (2, 4, 5):
        assert stored[line][1] == lines[line - 1].decode()
    assert stored[7][1].startswith(lines[6][:400].decode())
    assert len(stored[7][1]) < 1000  # the 70 KB line is not stored whole
    assert stored[8][1].startswith(lines[7][:40].decode())
    assert "\ufffd" in stored[8][1]  # the undecodable bytes, replaced
    with db.engine.connect() as conn:
        sid = conn.exec_driver_sql("SELECT id FROM source_file").scalar()
        assert {r[0] for r in conn.exec_driver_sql("SELECT source_id FROM reject")} == {sid}


def test_bad_lines_rejects_listed_in_line_order(db: Database, fixtures_dir: Path) -> None:
    [f] = run(db, fixtures_dir / "bad_lines.csv").files
    lines = [i.line for i in f.rejects]
    assert lines == sorted(lines)


def test_stray_quote_rejects_one_line_and_keeps_the_bills_after_it(
    db: Database, fixtures_dir: Path
) -> None:
    path = fixtures_dir / "stray_quote.csv"
    report = run(db, path)
    assert_counts_consistent(report)
    [f] = report.files
    assert (f.rows_read, f.imported, f.duplicates, f.rejected) == (6, 5, 0, 1)
    rows = sorted(bills(db), key=lambda r: r["line"])
    assert [r["line"] for r in rows] == [1, 3, 4, 5, 6]
    assert [id_prefix_and_row(r["bill_id"])[1] for r in rows] == [1, 3, 4, 5, 6]
    assert all("\n" not in r["phone_no"] for r in rows)
    [(line, reason, raw)] = sql_rows(db, "SELECT line, reason, raw FROM reject")
    assert (line, reason) == (2, f.rejects[0].reason)
    assert REJECT_KINDS["quote"] in reason
    assert raw == path.read_text().splitlines()[1]


def test_many_rejected_lines_are_stored_batch_by_batch(db: Database, tmp_path: Path) -> None:
    """Rejects go to the database as they come (several reader batches), counted once each."""
    good = list(generate_bills(GeneratorConfig(agents=3, seed=4, target_bills=2)))
    path = tmp_path / "junk.csv"
    with path.open("w", encoding="utf-8") as fp:
        fp.write(",".join(good[0]) + "\n")
        for k in range(12_000):
            fp.write(f"junk {k},too,few,columns\n")
        fp.write(",".join(good[1]) + "\n")
    report = run(db, path)
    assert_counts_consistent(report)
    [f] = report.files
    assert (f.rows_read, f.imported, f.rejected) == (12_002, 2, 12_000)
    assert [i.line for i in f.rejects] == list(range(2, 1002))  # the first 1,000, in order
    assert scalar(db, "SELECT count(*) FROM reject") == 12_000
    assert scalar(db, "SELECT count(DISTINCT line) FROM reject") == 12_000
    assert scalar(db, "SELECT min(line) || '-' || max(line) FROM reject") == "2-12001"


def test_unknown_codes_imported_and_flagged(db: Database, fixtures_dir: Path) -> None:
    [f] = run(db, fixtures_dir / "unknown_codes.csv").files
    assert (f.rows_read, f.imported, f.rejected) == (4, 4, 0)
    by_line = {r["line"]: r for r in bills(db)}
    assert by_line[2]["op_type"] == 99
    assert not codes.explain_op_type(by_line[2]["op_type"]).known
    assert (by_line[3]["op_type"], by_line[3]["op_cause"]) == (3, 199)
    assert not codes.explain_reason(3, by_line[3]["op_cause"]).known
    for line in (1, 4):
        r = by_line[line]
        assert codes.explain_op_type(r["op_type"]).known
        assert codes.explain_reason(r["op_type"], r["op_cause"]).known


def test_duplicate_ids_within_one_file(db: Database, fixtures_dir: Path) -> None:
    report = run(db, fixtures_dir / "duplicate_ids.csv")
    assert_counts_consistent(report)
    [f] = report.files
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts, f.rejected) == (5, 3, 2, 1, 0)
    rows = bills(db)
    assert sorted(r["line"] for r in rows) == [1, 2, 4]  # the first copy is kept
    kept = {r["line"]: r for r in rows}[4]
    [conflict] = sql_rows(db, "SELECT bill_id, line, differs FROM conflict")
    assert conflict == (kept["bill_id"], 5, "end_time")
    with db.engine.connect() as conn:
        [seen] = conflicts_for(conn, kept["bill_id"])
    assert seen["line"] == 5
    assert seen["differs"] == ["end_time"]
    assert seen["fields"][8] == "2026-11-02 08:11:00"
    assert seen["path"] == str(fixtures_dir / "duplicate_ids.csv")
    assert from_epoch(kept["end_time"]) != "2026-11-02 08:11:00"
    assert "1" in f.message and "other values" in f.message


def test_cdr_export_is_not_a_bill_export(db: Database, fixtures_dir: Path, tmp_path: Path) -> None:
    name = "20261102101530123456_call_1.csv"
    [f] = run(db, fixtures_dir / name).files
    assert f.status == ImportStatus.NOT_A_BILL_EXPORT
    assert name in f.message
    assert f.rows_read == f.imported == 0
    # also by shape (16 columns, call_id first) when renamed
    renamed = tmp_path / "renamed.csv"
    shutil.copy(fixtures_dir / name, renamed)
    [f] = run(db, renamed).files
    assert f.status == ImportStatus.NOT_A_BILL_EXPORT
    assert "renamed.csv" in f.message
    assert scalar(db, "SELECT count(*) FROM bill") == 0
    assert scalar(db, "SELECT count(*) FROM source_file") == 0


def test_empty_file_fails(db: Database, fixtures_dir: Path) -> None:
    report = run(db, fixtures_dir / "empty.csv")
    [f] = report.files
    assert f.status == ImportStatus.FAILED
    assert "empty.csv" in f.message and "empty" in f.message.split("empty.csv", 1)[1]
    assert not report.ok
    assert scalar(db, "SELECT count(*) FROM source_file") == 0


def test_binary_file_refused(db: Database, fixtures_dir: Path) -> None:
    [f] = run(db, fixtures_dir / "binary.csv").files
    assert f.status in (ImportStatus.FAILED, ImportStatus.NOT_A_BILL_EXPORT)
    assert "binary.csv" in f.message
    assert (f.imported, f.rows_read) == (0, 0)
    assert scalar(db, "SELECT count(*) FROM bill") == 0
    assert scalar(db, "SELECT count(*) FROM reject") == 0


def test_platform_zip(db: Database, fixtures_dir: Path) -> None:
    zip_path = fixtures_dir / "20261102_0123456789abcdef0123456789abcdef.zip"
    report = run(db, zip_path)
    assert_counts_consistent(report)
    by_member = {f.path.split("!", 1)[1]: f for f in report.files}
    assert all(f.path.startswith(f"{zip_path}!") for f in report.files)
    first = by_member["20261103021530123456_agentOprInfo_1.csv"]
    second = by_member["20261103021530987654_agentOprInfo_2.csv"]
    record = by_member["20261103021531000321_record_1.csv"]
    assert (first.status, first.imported, first.rows_read) == (ImportStatus.IMPORTED, 3, 3)
    assert (second.status, second.imported, second.rows_read) == (ImportStatus.IMPORTED, 3, 3)
    assert record.status == ImportStatus.NOT_A_BILL_EXPORT
    assert "20261103021531000321_record_1.csv" in record.message
    assert not report.ok
    with zipfile.ZipFile(zip_path) as zf:
        member_sha = hashlib.sha256(zf.read("20261103021530123456_agentOprInfo_1.csv")).hexdigest()
    assert first.sha256 == member_sha
    ledger = dict(sql_rows(db, "SELECT path, id FROM source_file"))
    assert set(ledger) == {first.path, second.path}
    rows = bills(db)
    first_rows = sorted(
        (r for r in rows if r["source_id"] == ledger[first.path]), key=lambda r: r["line"]
    )
    second_rows = sorted(
        (r for r in rows if r["source_id"] == ledger[second.path]), key=lambda r: r["line"]
    )
    assert [r["line"] for r in first_rows] == [1, 2, 3]
    assert [r["line"] for r in second_rows] == [1, 2, 3]
    assert {r["bill_id"][:2] for r in first_rows} == {"13"}
    assert {r["bill_id"][:2] for r in second_rows} == {"14"}
    check_day(first_rows + second_rows)  # lines 1-3 and 4-6 of the day


def test_truncated_zip_fails(db: Database, fixtures_dir: Path) -> None:
    path = fixtures_dir / "20261102_fedcba9876543210fedcba9876543210.zip"
    [f] = run(db, path).files
    assert f.status == ImportStatus.FAILED
    assert str(path) in f.message
    assert "File is not a zip file" in f.message


def test_all_fixtures_into_one_database(db: Database, fixtures_dir: Path) -> None:
    paths = sorted(p for p in fixtures_dir.iterdir() if p.suffix in (".csv", ".zip"))
    report = run(db, *paths)
    assert_counts_consistent(report)
    assert not report.ok
    statuses = {Path(f.path.split("!")[0]).name: f.status for f in report.files}
    assert statuses["empty.csv"] == ImportStatus.FAILED
    assert statuses["20261102_fedcba9876543210fedcba9876543210.zip"] == ImportStatus.FAILED
    assert statuses["20261102101530123456_call_1.csv"] == ImportStatus.NOT_A_BILL_EXPORT
    # + bad_lines, unknown, duplicate_ids, zip, stray_quote
    good = 6 * len(SIX_DAY_FILES) + 4 + 4 + 3 + 6 + 5
    assert report.total("imported") == good
    assert scalar(db, "SELECT count(*) FROM bill") == good
    assert scalar(db, "SELECT count(DISTINCT bill_id) FROM bill") == good
    assert report.total("duplicates") == 2
    assert report.total("conflicts") == 1
    assert report.total("rejected") == 5 + 1
    imported = [f for f in report.files if f.status == ImportStatus.IMPORTED]
    assert scalar(db, "SELECT count(*) FROM source_file") == len(imported)


# --- duplicates, conflicts and the ledger across files ---------------------------------------


def write_rows(path: Path, rows: Sequence[Sequence[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fp:
        csv.writer(fp, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return path


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fp:
        return list(csv.reader(fp))


def test_duplicates_and_conflicts_across_files(
    db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    original = read_rows(fixtures_dir / "no_header.csv")
    run(db, fixtures_dir / "no_header.csv")
    stored_before = bills(db)
    # the same bills, written with another delimiter: other bytes, same content
    same = write_rows(tmp_path / "same_bills.csv", original, delimiter=";")
    [f] = run(db, same).files
    assert f.status == ImportStatus.IMPORTED
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts) == (6, 0, 6, 0)
    # two of them changed, one new bill
    changed = [list(r) for r in original[:3]]
    changed[0][16] = "10.99.99.99"  # phone_no
    changed[1][11] = "202"  # op_cause
    changed[1][3] = "0108"  # agent_id
    changed[2][0] = "ff" + changed[2][0][2:]
    other = write_rows(tmp_path / "changed.csv", changed)
    report = run(db, other)
    assert_counts_consistent(report)
    [f] = report.files
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts) == (3, 1, 2, 2)
    assert bills(db, "bill_id != ?", (changed[2][0],)) == stored_before  # first copies kept
    with db.engine.connect() as conn:
        [c0] = conflicts_for(conn, original[0][0])
        [c1] = conflicts_for(conn, original[1][0])
    assert c0["differs"] == ["phone_no"]
    assert sorted(c1["differs"]) == ["agent_id", "op_cause"]
    assert c0["path"] == str(other) and c0["line"] == 1
    assert c1["fields"] == changed[1]


def test_already_imported_and_force(db: Database, fixtures_dir: Path, tmp_path: Path) -> None:
    path = fixtures_dir / "no_header.csv"
    first = run(db, path)
    again = run(db, path)
    [f] = again.files
    assert f.status == ImportStatus.ALREADY_IMPORTED
    assert again.ok
    assert (f.rows_read, f.imported) == (0, 0)
    assert str(path) in f.message and "--force" in f.message
    assert f.sha256 == first.files[0].sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # a renamed copy has the same SHA-256: already imported too, naming the first path
    copy = tmp_path / "copy.csv"
    shutil.copy(path, copy)
    [f] = run(db, copy).files
    assert f.status == ImportStatus.ALREADY_IMPORTED
    assert str(path) in f.message
    [f] = run(db, path, force=True).files
    assert f.status == ImportStatus.IMPORTED
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts) == (6, 0, 6, 0)
    assert scalar(db, "SELECT count(*) FROM bill") == 6
    assert scalar(db, "SELECT count(*) FROM source_file") == 2


def test_forced_reimport_replaces_its_rejects_and_conflicts(
    db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    """Reading the same content again does not count its bad lines and conflicts twice."""
    bad, dup = fixtures_dir / "bad_lines.csv", fixtures_dir / "duplicate_ids.csv"
    changed = read_rows(fixtures_dir / "no_header.csv")[:2]
    changed[0][16] = "10.99.99.99"
    other = write_rows(tmp_path / "changed.csv", changed)
    run(db, fixtures_dir / "no_header.csv", bad, dup, other)
    before = stats(db)
    assert (before.rejects, before.conflicts) == (5, 2)
    for _ in range(2):
        report = run(db, bad, dup, other, force=True)
        assert [f.status for f in report.files] == [ImportStatus.IMPORTED] * 3
        assert [f.rejected for f in report.files] == [5, 0, 0]
        assert [f.conflicts for f in report.files] == [0, 1, 1]
    after = stats(db)
    assert (after.bills, after.rejects, after.conflicts) == (before.bills, 5, 2)
    assert after.files == before.files + 6  # the ledger keeps every import
    # the rejects now belong to the latest import of bad_lines.csv
    latest = scalar(
        db, "SELECT max(id) FROM source_file WHERE sha256 = ?", (report.files[0].sha256,)
    )
    assert {r[0] for r in sql_rows(db, "SELECT source_id FROM reject")} == {latest}
    # a renamed copy is the same content: forced, it replaces them too
    copy = tmp_path / "copy.csv"
    shutil.copy(bad, copy)
    run(db, copy, force=True)
    assert stats(db).rejects == 5


def test_failed_forced_reimport_keeps_the_earlier_rejects(db: Database, fixtures_dir: Path) -> None:
    """The earlier rejects are dropped inside the file's transaction: a failure keeps them."""
    bad = fixtures_dir / "bad_lines.csv"
    run(db, bad)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "CREATE TRIGGER poison BEFORE INSERT ON reject "
            "BEGIN SELECT RAISE(ABORT, 'disk on fire'); END"
        )
    # A constraint error is no user's doing: the import raises it (a bug), after rolling back.
    with pytest.raises(Exception, match="disk on fire") as caught:
        run(db, bad, force=True)
    assert type(caught.value).__name__ == "IntegrityError"
    assert stats(db).rejects == 5
    assert scalar(db, "SELECT count(*) FROM source_file") == 1


def test_failed_file_is_not_in_the_ledger(db: Database, fixtures_dir: Path) -> None:
    run(db, fixtures_dir / "empty.csv")
    [f] = run(db, fixtures_dir / "empty.csv").files
    assert f.status == ImportStatus.FAILED  # not "already imported"


# --- provenance and stored values ------------------------------------------------------------


def test_provenance(db: Database, fixtures_dir: Path) -> None:
    paths = [fixtures_dir / "no_header.csv", fixtures_dir / "comma_header.csv"]
    report = run(db, *paths)
    ledger = sql_rows(
        db,
        "SELECT id, path, name, size, sha256, imported_at, rows_read, imported, duplicates, "
        "conflicts, rejected, message FROM source_file ORDER BY id",
    )
    assert len(ledger) == 2
    for entry, path, f in zip(ledger, paths, report.files, strict=True):
        sid, spath, name, size, sha, imported_at, *counts, message = entry
        assert (spath, name, size) == (str(path.resolve()), path.name, path.stat().st_size)
        assert sha == hashlib.sha256(path.read_bytes()).hexdigest() == f.sha256
        assert imported_at[:4].isdigit() and "T" in imported_at
        assert counts == [f.rows_read, f.imported, f.duplicates, f.conflicts, f.rejected]
        assert message == f.message
        text_lines = path.read_text(encoding="utf-8").splitlines()
        mine = bills(db, "source_id = ?", (sid,))
        assert len(mine) == 6
        for r in mine:
            assert text_lines[r["line"] - 1].split(",")[0] == r["bill_id"]


def test_stored_values_round_trip_to_exported_text(db: Database, fixtures_dir: Path) -> None:
    path = fixtures_dir / "cols21.csv"
    run(db, path)
    exported = {r[0]: r for r in read_rows(path)}
    for r in bills(db):
        values = [r[name] for name in BILL_FIELDS]
        values[7] = from_epoch(values[7])
        values[8] = from_epoch(values[8])
        assert [("" if v is None else str(v)) for v in values] == exported[r["bill_id"]]
        assert isinstance(r["begin_time"], int)
        assert r["agent_id"] == "0107"  # text: the leading zero stays
        assert r["op_object"] == "65535"
    sign_in = [r["op_cause"] for r in bills(db) if r["op_type"] == 1]
    assert sign_in == [65535]  # the not-used marker stays as exported, not translated


def test_excel_times_and_agent(db: Database, fixtures_dir: Path) -> None:
    run(db, fixtures_dir / "excel_resaved.csv")
    rows = sorted(bills(db), key=lambda r: r["line"])
    assert from_epoch(rows[0]["begin_time"]) == "2026-11-02 08:00:00"
    assert all(from_epoch(r["begin_time"]).endswith(":00") for r in rows)
    assert {r["agent_id"] for r in rows} == {"107"}


# --- zips and folders ------------------------------------------------------------------------


def test_folder_recursion(db: Database, fixtures_dir: Path, tmp_path: Path) -> None:
    top = tmp_path / "exports"
    (top / "a" / "b").mkdir(parents=True)
    shutil.copy(fixtures_dir / "no_header.csv", top / "one.csv")
    shutil.copy(fixtures_dir / "pipe.csv", top / "a" / "two.CSV")
    shutil.copy(fixtures_dir / "20261102_0123456789abcdef0123456789abcdef.zip", top / "a" / "b")
    (top / "a" / "notes.md").write_text("not an export")
    report = run(db, top)
    paths = [f.path for f in report.files]
    assert str(top / "one.csv") in paths
    assert str(top / "a" / "two.CSV") in paths
    assert not any("notes.md" in p for p in paths)
    zipped = [p for p in paths if "!" in p]
    assert len(zipped) == 3
    assert all(p.startswith(str(top / "a" / "b")) for p in zipped)
    assert report.total("imported") == 6 + 6 + 6
    assert scalar(db, "SELECT count(*) FROM bill") == 18


def test_empty_folder_and_missing_path(db: Database, tmp_path: Path) -> None:
    (tmp_path / "nothing").mkdir()
    report = run(db, tmp_path / "nothing", tmp_path / "missing.csv")
    assert [f.status for f in report.files] == [ImportStatus.FAILED] * 2
    assert str(tmp_path / "nothing") in report.files[0].message
    assert str(tmp_path / "missing.csv") in report.files[1].message
    assert "no such file" in report.files[1].message


def test_zip_with_folders_and_non_csv_members(
    db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("day/", "")
        zf.writestr("day/bills.csv", (fixtures_dir / "no_header.csv").read_bytes())
        zf.writestr("readme.pdf", b"%PDF-1.4")
    report = run(db, path)
    by_path = {f.path: f for f in report.files}
    assert set(by_path) == {f"{path}!day/bills.csv", f"{path}!readme.pdf"}
    assert by_path[f"{path}!day/bills.csv"].imported == 6
    assert by_path[f"{path}!readme.pdf"].status == ImportStatus.NOT_A_BILL_EXPORT
    assert "readme.pdf" in by_path[f"{path}!readme.pdf"].message


def test_ledger_records_the_resolved_path(
    db: Database, fixtures_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger names the file wherever the import ran from, not the path as typed."""
    folder = tmp_path / "fx"
    folder.mkdir()
    shutil.copy(fixtures_dir / "cols21.csv", folder / "cols21.csv")
    shutil.copy(fixtures_dir / "20261102_0123456789abcdef0123456789abcdef.zip", folder / "e.zip")
    monkeypatch.chdir(tmp_path)
    report = run(db, Path("fx/cols21.csv"), Path("fx") / ".." / "fx" / "e.zip")
    assert [f.path for f in report.files][:2] == [
        "fx/cols21.csv",
        "fx/../fx/e.zip!20261103021530123456_agentOprInfo_1.csv",
    ]  # messages keep the path as typed
    ledger = [r[0] for r in sql_rows(db, "SELECT path FROM source_file ORDER BY id")]
    resolved = (folder / "e.zip").resolve()
    assert ledger == [
        str((folder / "cols21.csv").resolve()),
        f"{resolved}!20261103021530123456_agentOprInfo_1.csv",
        f"{resolved}!20261103021530987654_agentOprInfo_2.csv",
    ]
    [again] = run(db, Path("fx/cols21.csv")).files
    assert again.status == ImportStatus.ALREADY_IMPORTED
    assert f"(as {ledger[0]})" in again.message


def test_folders_take_csv_and_zip_files_only(
    db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    top = tmp_path / "exports"
    (top / "old").mkdir(parents=True)
    shutil.copy(fixtures_dir / "no_header.csv", top / "day1.csv")
    shutil.copy(fixtures_dir / "pipe.csv", top / "old" / "day2.txt")
    (top / "readme.txt").write_text("Exports of November, see the ticket\n")
    report = run(db, top)
    assert report.ok
    assert [f.path for f in report.files] == [str(top / "day1.csv")]
    # a .txt named on its own is still read as a CSV
    [f] = run(db, top / "old" / "day2.txt").files
    assert (f.status, f.imported) == (ImportStatus.IMPORTED, 6)
    # a folder with nothing to import says so, and means what it says
    (top / "old" / "day2.txt").rename(top / "old" / "day2.text")
    [f] = run(db, top / "old").files
    assert f.status == ImportStatus.FAILED
    assert f.message == f"{top / 'old'}: folder holds no .csv or .zip files"


def make_unreachable_folder(parent: Path) -> Path:
    """A folder so deep that its path is longer than the system allows: it cannot be listed.

    Made with paths relative to open folders (``dir_fd``), the only way to build it; root,
    who reads any folder whatever its permissions, cannot list this one either.
    """
    fd = os.open(parent, os.O_RDONLY | os.O_DIRECTORY)
    deepest = parent
    try:
        while len(str(deepest)) <= 4200:
            name = "d" * 200
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
            os.close(fd)
            fd = inner
            deepest = deepest / name
        made = os.open("bills.csv", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.close(made)
    finally:
        os.close(fd)
    return deepest


@pytest.mark.skipif(os.mkdir not in os.supports_dir_fd, reason="needs mkdir relative to a folder")
def test_a_subfolder_that_cannot_be_read_is_named(
    db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    top = tmp_path / "exports"
    top.mkdir()
    shutil.copy(fixtures_dir / "no_header.csv", top / "day1.csv")
    make_unreachable_folder(top)
    report = run(db, top)
    assert not report.ok
    assert [f.status for f in report.files] == [ImportStatus.IMPORTED, ImportStatus.FAILED]
    failed = report.files[1]
    assert failed.path.startswith(str(top / ("d" * 200)))
    assert failed.message.startswith(f"{failed.path}: cannot read this folder (")
    assert "its files were not imported" in failed.message


def test_excel_workbook_is_one_line(db: Database, tmp_path: Path) -> None:
    from openpyxl import Workbook

    path = tmp_path / "bills.xlsx"
    book = Workbook()
    book.active.append(["id", "agent_id", "begin_time"])
    book.save(path)
    with zipfile.ZipFile(path) as zf:
        assert len(zf.namelist()) > 3  # a workbook is a zip of many parts
    report = run(db, path)
    [f] = report.files
    assert f.path == str(path)
    assert f.status == ImportStatus.NOT_A_BILL_EXPORT
    assert f.message.startswith(f"{path}: an Excel workbook")
    assert "save it as CSV" in f.message
    # renamed .zip, the same
    shutil.copy(path, tmp_path / "bills.zip")
    [f] = run(db, tmp_path / "bills.zip").files
    assert "Excel workbook" in f.message


def test_zip_without_csv_is_one_line(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "scans.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("a.pdf", b"%PDF-1.4")
        zf.writestr("b/c.png", b"\x89PNG")
    [f] = run(db, path).files
    assert f.status == ImportStatus.NOT_A_BILL_EXPORT
    assert f.message.startswith(f"{path}: not an agent operation bill export")
    assert "no CSV" in f.message and "2 other file(s)" in f.message


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def patch_zip_entry(path: Path, member: str, *, flags: int = 0, method: int | None = None) -> None:
    """Rewrite one entry's flag bits or compression method in its local and central headers.

    Python's zipfile writes neither encrypted entries nor unknown methods: this makes the real
    bytes of such a zip (as written by tools that do) from an ordinary one.
    """
    data = bytearray(path.read_bytes())
    name = member.encode()
    with zipfile.ZipFile(path) as zf:
        local = zf.getinfo(member).header_offset
    central = data.find(b"PK\x01\x02")
    while data[central + 46 : central + 46 + len(name)] != name:
        central = data.find(b"PK\x01\x02", central + 4)
    for at, flags_at in ((local, 6), (central, 8)):
        data[at + flags_at] |= flags
        if method is not None:
            data[at + flags_at + 2 : at + flags_at + 4] = method.to_bytes(2, "little")
    path.write_bytes(bytes(data))


def corrupt_member(path: Path, member: str, at: float = 0.5) -> None:
    """Overwrite compressed bytes in the middle of a member: decompressing it fails there."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    k = start + int(info.compress_size * at)
    data[k : k + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        ("corrupt", "damaged, it cannot be decompressed (Error -3"),
        ("encrypted", "encrypted (password-protected)"),
        ("method", "compressed with a method this program cannot read"),
    ],
)
def test_unreadable_zip_member_fails_alone(
    db: Database, fixtures_dir: Path, tmp_path: Path, damage: str, words: str
) -> None:
    """A member that cannot be decompressed fails with one line; the other files go on."""
    good = (fixtures_dir / "no_header.csv").read_bytes()
    rows = list(generate_bills(GeneratorConfig(agents=15, seed=5, target_bills=20_000)))
    bad = "".join(",".join(r) + "\n" for r in rows).encode()
    path = zip_of(tmp_path / "export.zip", {"a_agentOprInfo_1.csv": bad, "b.csv": good})
    if damage == "corrupt":
        corrupt_member(path, "a_agentOprInfo_1.csv")
    elif damage == "encrypted":
        patch_zip_entry(path, "a_agentOprInfo_1.csv", flags=0x1)
    else:
        patch_zip_entry(path, "a_agentOprInfo_1.csv", method=99)  # AES, as WinZip writes
    report = run(db, path, fixtures_dir / "pipe.csv")
    assert [f.status for f in report.files] == [
        ImportStatus.FAILED,
        ImportStatus.IMPORTED,
        ImportStatus.IMPORTED,
    ]
    failed = report.files[0]
    assert failed.message.startswith(f"{path}!a_agentOprInfo_1.csv: ")
    assert words in failed.message
    assert "\n" not in failed.message
    assert (failed.rows_read, failed.imported, failed.rejected) == (0, 0, 0)
    assert scalar(db, "SELECT count(*) FROM bill") == 12
    assert scalar(db, "SELECT count(*) FROM source_file") == 2


def test_corrupt_member_found_mid_import_is_rolled_back(
    db: Database, tmp_path: Path, fixtures_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damage met after batches were written (hashing skipped) leaves nothing of the member."""
    rows = list(generate_bills(GeneratorConfig(agents=15, seed=5, target_bills=20_000)))
    bad = "".join(",".join(r) + "\n" for r in rows).encode()
    good = (fixtures_dir / "no_header.csv").read_bytes()
    path = zip_of(tmp_path / "export.zip", {"a_agentOprInfo_1.csv": bad, "b.csv": good})
    corrupt_member(path, "a_agentOprInfo_1.csv")
    names = iter(["0" * 64, "1" * 64])
    monkeypatch.setattr(loading, "sha256_of", lambda *_a, **_k: next(names))
    done: list[int] = []
    report = run(db, path, progress=lambda d, _t: done.append(d))
    failed, ok = report.files
    assert failed.status == ImportStatus.FAILED
    assert "damaged" in failed.message and failed.message.startswith(str(path))
    assert ok.status == ImportStatus.IMPORTED and ok.imported == 6
    assert max(done) > 1_000_000  # the member was read well into it before the damage
    assert scalar(db, "SELECT count(*) FROM bill") == 6
    assert scalar(db, "SELECT count(*) FROM reject") == 0
    assert [r[0] for r in sql_rows(db, "SELECT path FROM source_file")] == [
        f"{path.resolve()}!b.csv"
    ]


def test_expand_paths_is_stable(fixtures_dir: Path) -> None:
    a = expand_paths([fixtures_dir])
    b = expand_paths([fixtures_dir])
    assert a == b
    assert len(a) == len({x.display for x in a})


# --- generated data: cancel, failure, bulk ---------------------------------------------------


def generated(path: Path, bills_: int, seed: int = 5, **write: Any) -> list[list[str]]:
    rows = list(generate_bills(GeneratorConfig(agents=15, seed=seed, target_bills=bills_)))
    write_csv(path, rows, **write)
    return rows


@pytest.fixture(scope="module")
def big_rows(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[list[str]]]:
    """A generated export of 12,000 bills (more than two batches of the reader)."""
    path = tmp_path_factory.mktemp("big") / "big.csv"
    return path, generated(path, 12_000)


def test_generated_file_imports_every_bill(
    db: Database, big_rows: tuple[Path, list[list[str]]]
) -> None:
    path, rows = big_rows
    seen: list[tuple[int, int]] = []
    report = run(db, path, progress=lambda d, t: seen.append((d, t)))
    [f] = report.files
    assert (f.rows_read, f.imported, f.duplicates, f.rejected) == (len(rows), len(rows), 0, 0)
    size = path.stat().st_size
    assert seen[-1] == (2 * size, 2 * size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert len(seen) > 3
    stored = {r["bill_id"]: r for r in bills(db)}
    for line, row in enumerate(rows, 1):
        r = stored[row[0]]
        assert r["line"] == line
        assert from_epoch(r["begin_time"]) == row[7]
        assert from_epoch(r["end_time"]) == row[8]
        assert r["agent_id"] == row[3]
        assert str(r["op_cause"]) == row[11]


def test_cancel_mid_file_keeps_earlier_files(
    db: Database, fixtures_dir: Path, big_rows: tuple[Path, list[list[str]]]
) -> None:
    path, _ = big_rows
    small = fixtures_dir / "no_header.csv"
    size = path.stat().st_size
    reading_from = 2 * small.stat().st_size + size  # hashed the small and the big file
    token = CancelToken()
    cancelled_at: list[int] = []

    def progress(done: int, total: int) -> None:
        if not token.is_set() and reading_from < done < total:
            cancelled_at.append(done)
            token.set()

    report = run(db, small, path, fixtures_dir / "pipe.csv", progress=progress, cancel=token)
    assert cancelled_at and cancelled_at[0] < reading_from + size  # during the big file's read
    assert [f.status for f in report.files] == [ImportStatus.IMPORTED, ImportStatus.CANCELLED]
    assert str(path) in report.files[1].message
    assert report.files[1].imported == 0
    assert not report.ok
    assert scalar(db, "SELECT count(*) FROM bill") == 6
    assert scalar(db, "SELECT count(*) FROM source_file") == 1
    assert {r["line"] for r in bills(db)} == set(SIX_DAY_FILES["no_header.csv"])
    # nothing of the cancelled file was recorded: it can be imported afterwards
    [f] = run(db, path).files
    assert f.status == ImportStatus.IMPORTED


def test_cancel_while_hashing(db: Database, fixtures_dir: Path) -> None:
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if done > 0:
            token.set()

    report = run(db, fixtures_dir / "no_header.csv", progress=progress, cancel=token)
    assert [f.status for f in report.files] == [ImportStatus.CANCELLED]
    assert scalar(db, "SELECT count(*) FROM bill") == 0


def test_cancel_before_start_imports_nothing(db: Database, fixtures_dir: Path) -> None:
    token = CancelToken()
    token.set()
    report = run(db, fixtures_dir / "no_header.csv", cancel=token)
    assert report.total("imported") == 0
    assert ImportStatus.IMPORTED not in {f.status for f in report.files}
    assert scalar(db, "SELECT count(*) FROM bill") == 0


def test_failure_mid_file_rolls_back_the_file(
    db: Database, fixtures_dir: Path, big_rows: tuple[Path, list[list[str]]]
) -> None:
    path, rows = big_rows
    run(db, fixtures_dir / "no_header.csv")
    with disk_full_after(db, 40):  # the disk fills well after the first batches were written
        [f] = run(db, path).files
    assert f.status == ImportStatus.FAILED
    assert str(path) in f.message and "disk is full" in f.message
    assert (f.imported, f.rows_read) == (0, 0)
    assert scalar(db, "SELECT count(*) FROM bill") == 6
    assert scalar(db, "SELECT count(*) FROM source_file") == 1
    [f] = run(db, path).files
    assert f.status == ImportStatus.IMPORTED
    assert f.imported == len(rows)


def test_read_only_database_fails_with_a_clear_message(tmp_path: Path, fixtures_dir: Path) -> None:
    path = tmp_path / "ro.sqlite"
    open_database(path).close()
    ro = open_database(path, readonly=True)
    try:
        report = run(ro, fixtures_dir / "no_header.csv")
    finally:
        ro.close()
    [f] = report.files
    assert f.status == ImportStatus.FAILED
    assert "no_header.csv" in f.message and "read-only" in f.message
    db = open_database(path)
    try:
        assert scalar(db, "SELECT count(*) FROM bill") == 0
    finally:
        db.close()


def test_import_source_reports_progress_in_bytes(db: Database, fixtures_dir: Path) -> None:
    path = fixtures_dir / "no_header.csv"
    size = path.stat().st_size
    seen: list[int] = []
    report = import_source(db, Source(str(path), path.name, size, path), progress=seen.append)
    assert report.imported == 6
    assert seen[-1] == 2 * size  # hashed, then read
    assert max(seen) <= 2 * size


# --- bulk mode ------------------------------------------------------------------------------


def index_names(db: Database) -> set[str]:
    return {
        r[0] for r in sql_rows(db, "SELECT name FROM sqlite_master WHERE type = 'index'") if r[0]
    }


def test_bulk_import(
    db: Database, monkeypatch: pytest.MonkeyPatch, big_rows: tuple[Path, list[list[str]]]
) -> None:
    path, rows = big_rows
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 1000)
    source = Source(str(path), path.name, path.stat().st_size, path)
    assert loading._bulk_worthwhile(db, source)
    [f] = run(db, path).files
    assert (f.imported, f.duplicates, f.rejected) == (len(rows), 0, 0)
    assert {str(i.name) for i in BILL_INDEXES} <= index_names(db)
    assert scalar(db, "SELECT count(DISTINCT bill_id) FROM bill") == len(rows)
    # the unique index is back: a second copy of a bill id cannot be stored any more
    [f] = run(db, path, force=True).files
    assert (f.imported, f.duplicates) == (0, len(rows))
    assert scalar(db, "SELECT count(*) FROM bill") == len(rows)


def test_bulk_import_with_duplicates_falls_back(
    db: Database,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 1000)
    rows = list(generate_bills(GeneratorConfig(agents=10, seed=9, target_bills=3000)))
    copy = list(rows[100])
    changed = list(rows[200])
    changed[16] = "somewhere else"
    path = write_rows(tmp_path / "dups.csv", [*rows, copy, changed])
    with caplog.at_level(logging.INFO, logger="viewer.data.imports.loading"):
        [f] = run(db, path).files
    assert any("row by row" in m for m in caplog.messages)  # the bulk load was tried
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts) == (3002, 3000, 2, 1)
    assert {str(i.name) for i in BILL_INDEXES} <= index_names(db)
    assert scalar(db, "SELECT count(*) FROM bill") == 3000
    assert sql_rows(db, "SELECT bill_id, line, differs FROM conflict") == [
        (changed[0], 3002, "phone_no")
    ]
    assert {r["line"] for r in bills(db, "bill_id IN (?, ?)", (copy[0], changed[0]))} == {
        101,
        201,
    }


def test_bulk_import_cancelled_restores_indexes(
    db: Database, monkeypatch: pytest.MonkeyPatch, big_rows: tuple[Path, list[list[str]]]
) -> None:
    path, _ = big_rows
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 1000)
    size = path.stat().st_size
    token = CancelToken()

    def progress(done: int, total: int) -> None:
        if size < done < total:
            token.set()

    report = run(db, path, progress=progress, cancel=token)
    assert report.files[0].status == ImportStatus.CANCELLED
    assert scalar(db, "SELECT count(*) FROM bill") == 0
    assert {str(i.name) for i in BILL_INDEXES} <= index_names(db)


def test_impossible_date_is_a_reject_not_a_crash(
    db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    rows = read_rows(fixtures_dir / "no_header.csv")
    rows[1][7] = "2026-02-30 08:01:00"  # the right shape, but no such day
    path = write_rows(tmp_path / "feb30.csv", rows)
    report = run(db, path, fixtures_dir / "pipe.csv")
    assert_counts_consistent(report)
    first, second = report.files
    assert (first.status, first.imported, first.rejected) == (ImportStatus.IMPORTED, 5, 1)
    assert [(i.line, "begin_time" in i.reason) for i in first.rejects] == [(2, True)]
    assert (second.status, second.imported) == (ImportStatus.IMPORTED, 6)


def test_same_codes_written_with_leading_zeros_are_not_conflicts(
    db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    rows = read_rows(fixtures_dir / "no_header.csv")
    for r in rows:
        r[12] = "05"  # media_type, an integer column: stored as 5
    path = write_rows(tmp_path / "zeros.csv", rows)
    run(db, path)
    [f] = run(db, path, force=True).files
    assert (f.duplicates, f.conflicts) == (6, 0)  # the same file again: no conflict
    changed = [list(r) for r in rows[:2]]
    changed[0][12] = "1"  # really another media type
    changed[1][3] = "107"  # agent 0107 is text: 107 is another agent
    [f] = run(db, write_rows(tmp_path / "changed.csv", changed)).files
    assert (f.duplicates, f.conflicts) == (2, 2)
    assert [d for (d,) in sql_rows(db, "SELECT differs FROM conflict ORDER BY id")] == [
        "media_type",
        "agent_id",
    ]


def test_reported_rejects_are_the_first_by_line(db: Database, tmp_path: Path) -> None:
    """Undecodable lines are found before the rest of their block: the report still lists the
    first 1,000 rejected lines by line, whatever order they were found in."""
    good = list(generate_bills(GeneratorConfig(agents=3, seed=4, target_bills=2)))
    path = tmp_path / "junk.csv"
    with path.open("wb") as fp:
        fp.write((",".join(good[0]) + "\n").encode())
        for k in range(3000):
            if k % 2:
                fp.write(f"junk {k},too,few,columns\n".encode())
            else:
                fp.write(b"\xff\xfe not text at all\n")
        fp.write((",".join(good[1]) + "\n").encode())
    [f] = run(db, path).files
    assert f.rejected == 3000
    stored = sql_rows(db, "SELECT line, reason, raw FROM reject ORDER BY line LIMIT 1000")
    assert [(i.line, i.reason, i.raw) for i in f.rejects] == stored


def test_bills_are_stored_in_file_order_with_and_without_extra_columns(
    db: Database, tmp_path: Path
) -> None:
    rows = list(generate_bills(GeneratorConfig(agents=5, seed=8, target_bills=12_000)))
    for k in range(0, len(rows), 3):
        rows[k] = [*rows[k], "extra1", "extra2"]  # every third line has extra columns
    path = write_rows(tmp_path / "mixed.csv", rows)
    [f] = run(db, path).files
    assert f.imported == len(rows)
    stored = bills(db)  # in pk order
    assert [r["line"] for r in stored] == list(range(1, len(rows) + 1))
    assert [r["extra"] is not None for r in stored[:6]] == [True, False, False] * 2


def test_index_build_settings_are_put_back(
    db: Database, monkeypatch: pytest.MonkeyPatch, big_rows: tuple[Path, list[list[str]]]
) -> None:
    """The small cache and the sorter threads of a bulk load's index builds do not stay."""
    path, rows = big_rows
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 1000)
    [f] = run(db, path).files
    assert f.imported == len(rows)
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw.execute("PRAGMA cache_size").fetchone()[0] == -loading.CACHE_KIB
        assert raw.execute("PRAGMA threads").fetchone()[0] == 0


def test_index_builds_sort_in_memory_when_the_temporary_folder_is_short(
    db: Database, monkeypatch: pytest.MonkeyPatch, big_rows: tuple[Path, list[list[str]]]
) -> None:
    """Small sort runs spill to the temporary folder: only where it has room for them."""
    import shutil
    from collections import namedtuple

    usage = namedtuple("usage", "total used free")
    size = 100 << 20
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(1 << 40, 0, 1 << 40))
    assert loading._index_build_cache_kib(size) == loading.INDEX_BUILD_CACHE_KIB
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(1 << 30, 0, 10 << 20))
    assert loading._index_build_cache_kib(size) == loading.CACHE_KIB
    # ... and the import still works with the big cache.
    path, rows = big_rows
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 1000)
    [f] = run(db, path).files
    assert f.imported == len(rows)


def test_a_full_disk_message_names_the_temporary_folder(tmp_path: Path) -> None:
    import sqlite3
    import tempfile

    from viewer.data.db import friendly_db_error

    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorcode = 13  # type: ignore[attr-defined]  # SQLITE_FULL, as the driver sets it
    err = friendly_db_error(full, tmp_path / "x")
    assert "disk is full" in str(err) and tempfile.gettempdir() in str(err)
