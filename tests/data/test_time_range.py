"""Dates at the edges (issue 15): one range, enforced on import, held from filter to export.

Year 1 and 999 killed the default export and printed as "1-01-01"; 1899-12-30/31 came back
from a fresh export as a time of day and failed ``verify``; 9999-12-31 23:59:59 overflowed the
filter panel. The importer now rejects, with the range in the reason, every begin or end time
outside ``TIME_MIN_TEXT .. TIME_MAX_TEXT``; the times inside it go through every view.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl
import pytest

from viewer.core.filters import BillFilter
from viewer.core.records import ImportStatus
from viewer.core.timefmt import (
    TIME_MAX,
    TIME_MAX_TEXT,
    TIME_MIN,
    TIME_MIN_TEXT,
    from_epoch,
    to_epoch,
)
from viewer.data import investigation, queries
from viewer.data.db import Database
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.investigation_sheets import investigation_sheet_specs
from viewer.data.export.verify import verify_xlsx
from viewer.data.imports.csv_source import normalise_time
from viewer.data.imports.loading import import_paths

ONE_BILL = (
    "02019b2d4c6e8a0b1c2d3e4f5a6b7c8d,1075100312,ECC20190815,0107,1,0,,2026-11-02 08:00:05,"
    "2026-11-02 08:00:05,3,65535,201,5,12,1,4,61234,0,0,4180017,6102"
)
BASE = ONE_BILL.split(",")

OUTSIDE = [
    "0001-01-01 00:00:00",
    "0999-06-01 10:00:00",
    "1899-12-30 00:00:00",
    "1899-12-31 12:00:00",
    "1900-02-28 23:59:59",
]
INSIDE = [TIME_MIN_TEXT, "2026-11-02 08:00:00", "2026-11-02 09:30:00", TIME_MAX_TEXT]


def bill(k: int, begin: str, end: str | None = None) -> str:
    row = list(BASE)
    row[0] = f"{k:08d}9b2d4c6e8a0b1c2d3e4f5a6b"
    row[7], row[8] = begin, begin if end is None else end
    return ",".join(row) + "\n"


@pytest.fixture
def edges(db: Database, tmp_path: Path) -> tuple[Database, Path]:
    """A file of dates outside the range, at its edges and ordinary ones, side by side."""
    lines = [bill(k, t) for k, t in enumerate(OUTSIDE)]  # lines 1-5: rejected
    lines += [bill(10 + k, t) for k, t in enumerate(INSIDE)]  # lines 6-9: bills
    lines.append(bill(20, "2026-11-02 10:00:00", "1899-12-31 00:00:00"))  # line 10: its end
    lines.append(bill(21, "0999-06-01 10:00:00".replace("-", "/")))  # line 11: loose form
    path = tmp_path / "edges.csv"
    path.write_text("".join(lines))
    return db, path


def test_times_outside_the_range_are_rejected_with_file_line_and_range(
    edges: tuple[Database, Path],
) -> None:
    db, path = edges
    [f] = import_paths(db, [path]).files
    assert (f.status, f.imported, f.rejected) == (ImportStatus.IMPORTED, 4, 7)
    assert [i.line for i in f.rejects] == [1, 2, 3, 4, 5, 10, 11]
    for issue in f.rejects:
        assert f"{TIME_MIN_TEXT} to {TIME_MAX_TEXT}" in issue.reason
    assert f.rejects[0].reason.startswith("begin_time 0001-01-01 00:00:00 outside the range")
    assert f.rejects[5].reason.startswith("end_time 1899-12-31 00:00:00 outside")
    stored = sqlite3.connect(db.path).execute("SELECT reason FROM reject ORDER BY line")
    assert len(stored.fetchall()) == 7


def test_edges_go_through_filter_investigation_and_export(
    edges: tuple[Database, Path], tmp_path: Path
) -> None:
    db, path = edges
    import_paths(db, [path])
    stats = queries.stats(db)
    assert (stats.first_begin, stats.last_begin) == (TIME_MIN_TEXT, TIME_MAX_TEXT)
    with db.engine.connect() as conn:
        assert queries.count(conn, BillFilter(time_from=TIME_MIN_TEXT)) == 4
        assert queries.count(conn, BillFilter(time_to="2026-11-02 08:00:00")) == 1
        assert queries.count(conn, BillFilter(time_from="9999-12-31 00:00:00")) == 1
        assert queries.count(conn, BillFilter(time_to=TIME_MAX_TEXT)) == 3  # the end is exclusive
        rows = queries.first_rows(conn, BillFilter(sort="begin_time"), 10)
    assert [from_epoch(r[8]) for r in rows] == INSIDE
    summary, _anomalies, _labels = investigation.summary_and_anomalies(db, BillFilter())
    assert summary is not None
    at_top = investigation.summary_and_anomalies(db, BillFilter(time_from="9999-12-31 00:00:00"))
    assert at_top[0] is not None
    out = tmp_path / "edges.xlsx"
    result = export_xlsx(
        db, BillFilter(), out, extra_sheets=investigation_sheet_specs(db, BillFilter())
    )
    assert result.rows == 4
    check = verify_xlsx(out)
    assert check.ok, check
    ws = openpyxl.load_workbook(out)["Bills"]
    header = [c.value for c in ws[1]]
    begins = sorted(
        str(r[header.index("Begin")]) for r in ws.iter_rows(min_row=2, values_only=True)
    )
    assert begins == sorted(INSIDE)


def test_times_keep_four_digit_years() -> None:
    assert from_epoch(to_epoch("0001-01-01 00:00:00")) == "0001-01-01 00:00:00"
    assert from_epoch(to_epoch("0999-06-01 10:00:00")) == "0999-06-01 10:00:00"
    assert normalise_time("999/6/1 10:00") is None  # a year has four digits
    assert normalise_time("0999/6/1 10:00") == "0999-06-01 10:00:00"
    assert (from_epoch(TIME_MIN), from_epoch(TIME_MAX)) == (TIME_MIN_TEXT, TIME_MAX_TEXT)


def test_stats_of_a_database_holding_year_1_from_before(db: Database) -> None:
    """Bills stored before the range was enforced still print with their four-digit year."""
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO bill (bill_id, begin_time, source_id, line) VALUES ('old', ?, 1, 1)",
            (to_epoch("0001-01-01 00:00:00"),),
        )
    assert queries.stats(db).first_begin == "0001-01-01 00:00:00"
