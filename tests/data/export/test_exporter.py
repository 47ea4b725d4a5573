"""Tests of the Excel export (viewer.data.export.exporter) on a real database of generated bills.

Every workbook is read back with openpyxl, and every expectation is computed from the stored
rows with ``viewer.core.columns`` (not from the exporter), so the tests check the file.
"""

from __future__ import annotations

import errno
import getpass
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import viewer
from viewer.core import codes
from viewer.core.columns import (
    ALL_COLUMNS,
    BY_KEY,
    CODE,
    DEFAULT_KEYS,
    DURATION,
    IDX,
    SOURCE,
    TIME,
)
from viewer.core.describe import describe_filter
from viewer.core.errors import ExportError
from viewer.core.filters import BillFilter
from viewer.core.records import COLUMNS, TIME_LABEL
from viewer.core.tasks import Cancelled, CancelToken
from viewer.core.timefmt import to_datetime
from viewer.data import queries
from viewer.data.db import Database, open_database
from viewer.data.export import exporter, target, verify, workbook
from viewer.data.export.bill_rows import EMPTY_NOTE, export_header
from viewer.data.export.cells import DATETIME_FORMAT
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.report import CUT_LABEL, HASH_LABEL
from viewer.data.export.verify import recompute_sha256, verify_xlsx
from viewer.data.export.workbook import SheetSpec
from viewer.data.imports.loading import import_paths
from viewer.data.labels import load_labels, set_label
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

ALL_KEYS = tuple(c.key for c in ALL_COLUMNS)
FORMULA_LABEL = '=HYPERLINK("http://example.invalid","click")'
RISKY = {
    "phone_no": ["=1+1", "+4930123", "-5", "@SUM(A1:A2)", "\tstarts with a tab", "#N/A"],
    "call_id": ["=cmd|' /C calc'!A0", "\rstarts with CR", "a\x01control", "literal _x0041_"],
}


class Data:
    def __init__(self, db: Database, folder: Path) -> None:
        self.db = db
        self.folder = folder
        self.labels = load_labels(db)
        with db.engine.connect() as conn:
            self.names = {i: n for i, n in conn.exec_driver_sql("SELECT id, name FROM source_file")}
            self.ledger = {
                r[0]: r
                for r in conn.exec_driver_sql(
                    "SELECT id, name, sha256, imported_at, imported FROM source_file"
                )
            }
        self.risky_pks: dict[int, tuple[str, str]] = {}

    def rows(self, f: BillFilter) -> list[tuple[Any, ...]]:
        with self.db.engine.connect() as conn:
            return list(queries.iter_rows(conn, f))

    def count(self, f: BillFilter) -> int:
        with self.db.engine.connect() as conn:
            return queries.count(conn, f)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Data]:
    folder = tmp_path_factory.mktemp("export-data")
    config = GeneratorConfig(agents=6, seed=5, unused_minus_one=0.05, unused_empty=0.05)
    rows = list(generate_bills(config))
    half = len(rows) // 2
    write_csv(folder / "first.csv", rows[:half])
    write_csv(folder / "second.csv", rows[half:])
    db = open_database(folder / "bills.sqlite")
    report = import_paths(db, [folder / "first.csv", folder / "second.csv"])
    assert report.ok and report.total("imported") == len(rows)
    set_label(db, 3, 201, "Lunch")
    set_label(db, 3, 203, FORMULA_LABEL)
    set_label(db, 26, 0, "Default rest")
    d = Data(db, folder)
    pk = 10
    with db.engine.begin() as conn:
        for field, values in RISKY.items():
            for value in values:
                conn.exec_driver_sql(f"UPDATE bill SET {field} = ? WHERE pk = ?", (value, pk))
                d.risky_pks[pk] = (field, value)
                pk += 7
    yield d
    db.close()


# --- what the cells must hold, computed from the stored row -----------------------------------


def stored_text(value: str) -> str:
    """What a text looks like in the file: XML-unsafe characters in Excel's _xHHHH_ escape."""
    value = value.replace("_x0041_", "_x005F_x0041_")
    return "".join(f"_x{ord(c):04X}_" if (ord(c) < 32 and c not in "\t\n") else c for c in value)


def expected_raw(raw: Any) -> Any:
    if raw is None or raw == "":
        return None
    if isinstance(raw, int):
        return raw
    text = str(raw)
    try:
        number = int(text)
    except ValueError:
        return stored_text(text)
    return number if str(number) == text else stored_text(text)


def expected_cells(data: Data, row: Sequence[Any], keys: Sequence[str]) -> list[Any]:
    out: list[Any] = []
    for key in keys:
        col = BY_KEY[key]
        if col.kind == TIME:
            value = col.raw(row)
            out.append(None if value in (None, "") else to_datetime(value))
        elif col.kind == DURATION:
            out.append(col.raw(row))
        elif col.kind == CODE:
            assert col.explain is not None
            out.append(expected_raw(col.raw(row)))
            if key == "callIn_out":  # a sheet has no tooltip: the meanings are spelled out
                meaning = codes.describe_call_in_out(col.raw(row))
            else:
                meaning = col.explain(row, data.labels).text
            out.append(stored_text(meaning) or None)
        elif col.kind == SOURCE:
            source_id, line = col.raw(row)
            out += [data.names[source_id], line]
        else:
            value = col.raw(row)
            out.append(None if value in (None, "") else stored_text(str(value)))
    return out


def decoded(text: str) -> str:
    """A text cell as Excel shows it: its _xHHHH_ escapes decoded (openpyxl leaves them)."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def canonical(value: Any, decode: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, str) and decode:
        return decoded(value)
    return str(value)


def expected_sha(header: Sequence[str], rows: Sequence[Sequence[Any]], decode: bool = True) -> str:
    """The row hash as HASH_METHOD words it, from the cells as openpyxl reads them."""
    text = "".join("\t".join(canonical(v, decode) for v in r) + "\n" for r in [header, *rows])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def with_offset(stored: str) -> str:
    """A naive import time with the UTC offset this computer's zone had then."""
    return datetime.fromisoformat(stored).astimezone().isoformat(timespec="seconds")


def sheet_rows(ws: Any) -> list[tuple[Any, ...]]:
    return list(ws.iter_rows(values_only=True))


def bill_rows(path: Path) -> list[tuple[Any, ...]]:
    wb = openpyxl.load_workbook(path)
    rows: list[tuple[Any, ...]] = []
    for ws in wb.worksheets:
        if ws.title.startswith("Bills"):
            rows += sheet_rows(ws)[1:]
    return rows


def report(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    return {r[0]: r[1] for r in sheet_rows(wb["Report"]) if r[0] is not None}


def leftovers(folder: Path, *keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in keep)


def openpyxl_temp_files() -> list[str]:
    from openpyxl.worksheet import _writer

    return [p for p in _writer.ALL_TEMP_FILES if os.path.exists(p)]


# --- the Bills sheet -------------------------------------------------------------------------


def test_all_columns_typed_values_and_explanations(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "all.xlsx"
    f = BillFilter()
    result = export_xlsx(data.db, f, out, columns=ALL_KEYS)
    rows = data.rows(f)
    assert result.rows == len(rows) == data.count(f)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["Bills", "Report"]
    ws = wb["Bills"]
    header = export_header(ALL_KEYS)
    assert [c.value for c in ws[1]] == list(header)
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    last = openpyxl.utils.get_column_letter(len(header))
    assert ws.auto_filter.ref == f"A1:{last}{len(rows) + 1}"
    for j, title in enumerate(header, 1):
        width = ws.column_dimensions[openpyxl.utils.get_column_letter(j)].width
        assert len(title) < width <= 60
    got = sheet_rows(ws)[1:]
    assert len(got) == len(rows)
    for row, values in zip(rows, got, strict=True):
        assert list(values) == expected_cells(data, row, ALL_KEYS)
    # types as typed cells, not text that looks like them
    begin, duration, op_type = ws["A2"], ws["C2"], ws["E2"]
    assert begin.is_date and begin.number_format == DATETIME_FORMAT
    assert isinstance(begin.value, datetime)
    assert duration.data_type == "n" and isinstance(duration.value, int)
    assert op_type.data_type == "n" and isinstance(op_type.value, int)
    assert header[:5] == ("Begin", "End", "Duration (s)", "Agent", "Operation")
    assert header[5] == "Operation (meaning)"
    assert "Source file" in header and "Source line" in header


def test_agent_with_leading_zero_stays_text(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "agent.xlsx"
    export_xlsx(data.db, BillFilter(agents=("0233",)), out, columns=("agent_id", "op_type"))
    ws = openpyxl.load_workbook(out)["Bills"]
    agents = {(c.value, c.data_type) for c in ws["A"][1:]}
    assert agents == {("0233", "s")}


def test_site_labels_in_explanations(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "labels.xlsx"
    f = BillFilter(op_types=(3, 26))
    export_xlsx(data.db, f, out, columns=("op_type", "op_cause"))
    got = {(r[0], r[2]): r[3] for r in bill_rows(out)}
    assert got[(3, 201)] == "Lunch"
    assert got[(26, 0)] == "Default rest"
    assert got[(3, 203)] == FORMULA_LABEL
    assert got[(3, 1)] == "Set busy by the agent"  # vendor-defined codes keep their meaning


def test_column_selection_and_order(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "cols.xlsx"
    keys = ("agent_id", "source", "begin_time", "op_cause", "id")
    f = BillFilter(op_types=(0, 1))
    export_xlsx(data.db, f, out, columns=keys)
    wb = openpyxl.load_workbook(out)
    got = sheet_rows(wb["Bills"])
    assert got[0] == (
        "Agent",
        "Source file",
        "Source line",
        "Begin",
        "Reason",
        "Reason (meaning)",
        "Bill ID",
    )
    assert [list(r) for r in got[1:]] == [expected_cells(data, r, keys) for r in data.rows(f)]


def test_sort_respected(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "sorted.xlsx"
    f = BillFilter(sort="agent_id", descending=True)
    export_xlsx(data.db, f, out, columns=("agent_id", "id"))
    got = [r[1] for r in bill_rows(out)]
    assert got == [r[IDX["bill_id"]] for r in data.rows(f)]
    agents = [r[0] for r in bill_rows(out)]
    assert agents == sorted(agents, reverse=True)


def test_sheet_split_with_small_size(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "split.xlsx"
    f = BillFilter()
    n = data.count(f)
    result = export_xlsx(data.db, f, out, columns=DEFAULT_KEYS, max_rows_per_sheet=500)
    sheets = ["Bills", "Bills (2)", "Bills (3)"]
    assert n > 1000 and result.bill_sheets == tuple(sheets)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*sheets, "Report"]
    header = list(export_header(DEFAULT_KEYS))
    sizes = []
    together: list[list[Any]] = []
    for title in sheets:
        ws = wb[title]
        rows = sheet_rows(ws)
        assert list(rows[0]) == header and ws.freeze_panes == "A2"
        assert ws.auto_filter.ref.endswith(str(len(rows)))
        sizes.append(len(rows) - 1)
        together += [list(r) for r in rows[1:]]
    assert sizes == [500, 500, n - 1000]
    assert together == [expected_cells(data, r, DEFAULT_KEYS) for r in data.rows(f)]
    assert recompute_sha256(out) == result.sha256 == expected_sha(header, together)
    assert verify_xlsx(out).ok


def test_formula_shaped_text_stays_text(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "risky.xlsx"
    f = BillFilter(ids=tuple(data.risky_pks), sort="id")
    export_xlsx(data.db, f, out, columns=("id", "phone_no", "call_id", "op_cause"))
    wb = openpyxl.load_workbook(out)
    ws = wb["Bills"]
    bill_ids = {r[IDX["pk"]]: r[IDX["bill_id"]] for r in data.rows(f)}
    by_id = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    checked = 0
    for pk, (field, value) in data.risky_pks.items():
        row = by_id[bill_ids[pk]]
        cell = row[1] if field == "phone_no" else row[2]
        assert cell.data_type == "s"
        assert cell.value == stored_text(value)
        if value[0] in "=+-@\t\r#":
            assert cell.quotePrefix, value
        checked += 1
    assert checked == sum(len(v) for v in RISKY.values())
    # the tab and the formula are kept exactly; the CR travels in Excel's escape
    values = {c.value for row in by_id.values() for c in row}
    assert "=1+1" in values and "\tstarts with a tab" in values
    assert "_x000D_starts with CR" in values
    # nothing became a formula anywhere in the file
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_formula_shaped_site_label_is_text(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "label.xlsx"
    export_xlsx(data.db, BillFilter(reasons=((3, 203),)), out, columns=("op_cause",))
    ws = openpyxl.load_workbook(out)["Bills"]
    meaning = ws["B2"]
    assert meaning.value == FORMULA_LABEL and meaning.data_type == "s" and meaning.quotePrefix


# --- the Report sheet and the row hash -------------------------------------------------------


def test_report_contents(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    f = BillFilter(op_types=(3,), exclude_agents=("0233",), sort="agent_id")
    result = export_xlsx(data.db, f, out, columns=DEFAULT_KEYS)
    rep = report(out)
    rows = data.rows(f)
    assert rep["Agent Bill Viewer: bill export"] is None
    assert rep["Generated by"] == getpass.getuser()
    assert viewer.__version__ in rep["Application"]
    generated = datetime.fromisoformat(rep["Generated at"])
    assert generated.tzinfo is not None
    assert rep["Database"] == str(data.db.path.resolve())
    assert rep["Filter"] == describe_filter(f, data.labels)
    assert "3 (Busy)" in rep["Filter"]
    assert BillFilter.from_json(rep["Filter (JSON)"]) == f
    assert json.loads(rep["Columns (JSON)"]) == list(DEFAULT_KEYS)
    assert TIME_LABEL in rep["Times"]
    assert rep["Bills in the database"] == data.count(BillFilter())
    assert rep["Bills matching the filter"] == data.count(f) == len(rows)
    assert rep["Bills exported"] == result.rows == len(rows)
    assert rep["Sheets"] == "Bills, Report"
    assert rep[HASH_LABEL] == result.sha256 == recompute_sha256(out)
    assert "bill-viewer verify" in rep["How to recompute the SHA-256"]
    # source files with the rows each contributed
    wb = openpyxl.load_workbook(out)
    table = sheet_rows(wb["Report"])
    start = next(i for i, r in enumerate(table) if r[0] == "File name")
    files = [r for r in table[start + 1 :] if r[0] and r[0].endswith(".csv")]
    per_source: dict[int, int] = {}
    for r in rows:
        per_source[r[IDX["source_id"]]] = per_source.get(r[IDX["source_id"]], 0) + 1
    expected_files = [
        (data.ledger[s][1], data.ledger[s][2], with_offset(data.ledger[s][3]), n, data.ledger[s][4])
        for s, n in sorted(per_source.items())
    ]
    assert [(r[0], r[2], r[3], r[4], r[5]) for r in files] == expected_files
    # import times carry their UTC offset as "Generated at" does, and the Report says whose
    for r in files:
        assert datetime.fromisoformat(r[3]).utcoffset() is not None
    assert "without a zone" in rep["Import times"]
    # nothing was cut, and the Report says so; the filter fits its cell
    assert rep[CUT_LABEL] == 0 and rep["About cut cells"].startswith("None")
    assert "Filter lists on other sheets" not in rep
    assert len(expected_files) == 2
    # site labels in force
    start = next(i for i, r in enumerate(table) if r[0] == "Operation type")
    labels = [(r[1], r[2]) for r in table[start + 1 :] if r[0]]
    assert labels == [(201, "Lunch"), (203, FORMULA_LABEL), (0, "Default rest")]


def test_row_hash_is_documented_and_detects_edits(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "hash.xlsx"
    f = BillFilter(op_types=(0, 1, 3))
    keys = ("begin_time", "duration", "agent_id", "op_cause", "source")
    result = export_xlsx(data.db, f, out, columns=keys)
    expected = [expected_cells(data, r, keys) for r in data.rows(f)]
    assert result.sha256 == expected_sha(export_header(keys), expected)
    assert recompute_sha256(out) == result.sha256
    check = verify_xlsx(out)
    assert check.ok and check.rows == result.rows == check.stated_rows
    wb = openpyxl.load_workbook(out)
    wb["Bills"]["C3"] = "9999"
    wb.save(out)
    check = verify_xlsx(out)
    assert not check.ok and check.actual != check.expected == result.sha256


def test_verify_counts_deleted_rows(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "deleted.xlsx"
    export_xlsx(data.db, BillFilter(op_types=(3,)), out, columns=("agent_id",))
    wb = openpyxl.load_workbook(out)
    wb["Bills"].delete_rows(2)
    wb.save(out)
    check = verify_xlsx(out)
    assert not check.ok and check.rows == check.stated_rows - 1


def test_empty_result_says_so(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "empty.xlsx"
    result = export_xlsx(data.db, BillFilter(agents=("nobody",)), out, columns=DEFAULT_KEYS)
    assert result.rows == 0 and result.bill_sheets == ("Bills",)
    wb = openpyxl.load_workbook(out)
    rows = sheet_rows(wb["Bills"])
    assert list(rows[0]) == list(export_header(DEFAULT_KEYS))
    assert rows[1][0] == EMPTY_NOTE and len(rows) == 2
    rep = report(out)
    assert rep["Bills exported"] == 0 and rep["Bills matching the filter"] == 0
    assert rep["Result"].startswith("No bill matches the filter")
    assert result.sha256 == expected_sha(export_header(DEFAULT_KEYS), [])
    assert verify_xlsx(out).ok


def test_extra_sheets(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "extra.xlsx"
    when = datetime(2026, 11, 2, 8, 30, 5)
    specs = [
        SheetSpec(
            "Summary",
            ("Agent", "Busy (s)", "From"),
            [["0233", 61.5, when], ["=x", 2, None]],
            {1: "0.0"},
        ),
        SheetSpec("Anomalies", ["Kind"], iter([("overlap",)])),
    ]
    plain = export_xlsx(data.db, BillFilter(op_types=(3,)), tmp_path / "plain.xlsx")
    result = export_xlsx(data.db, BillFilter(op_types=(3,)), out, extra_sheets=specs)
    assert result.sheets == ("Bills", "Summary", "Anomalies", "Report")
    assert result.sha256 == plain.sha256  # extra sheets are not part of the row hash
    wb = openpyxl.load_workbook(out)
    ws = wb["Summary"]
    assert sheet_rows(ws) == [("Agent", "Busy (s)", "From"), ("0233", 61.5, when), ("=x", 2, None)]
    assert ws["B2"].number_format == "0.0" and ws["C2"].number_format == DATETIME_FORMAT
    assert ws["A3"].data_type == "s" and ws["A1"].font.b and ws.freeze_panes == "A2"
    assert sheet_rows(wb["Anomalies"]) == [("Kind",), ("overlap",)]
    assert verify_xlsx(out).ok


def test_bad_arguments(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "x.xlsx"
    with pytest.raises(ValueError, match="unknown column"):
        export_xlsx(data.db, BillFilter(), out, columns=("nope",))
    with pytest.raises(ValueError, match="twice"):
        export_xlsx(data.db, BillFilter(), out, columns=("agent_id", "agent_id"))
    with pytest.raises(ValueError, match="taken"):
        export_xlsx(data.db, BillFilter(), out, extra_sheets=[SheetSpec("Report", ["a"], [])])
    with pytest.raises(ValueError, match="sheet title"):
        export_xlsx(data.db, BillFilter(), out, extra_sheets=[SheetSpec("a/b", ["a"], [])])
    assert leftovers(tmp_path) == []


# --- progress, cancel, errors: whole file or nothing -----------------------------------------


def test_progress_counts_rows(data: Data, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    f = BillFilter()
    n = data.count(f)
    export_xlsx(data.db, f, tmp_path / "p.xlsx", progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, n) and calls[-1] == (n, n)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert (1000, n) in calls


def test_overwrite_refused_without_force(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "exists.xlsx"
    out.write_bytes(b"keep me")
    with pytest.raises(ExportError, match="already exists"):
        export_xlsx(data.db, BillFilter(), out)
    assert out.read_bytes() == b"keep me"
    assert leftovers(tmp_path, "exists.xlsx") == []
    result = export_xlsx(data.db, BillFilter(op_types=(3,)), out, force=True)
    assert verify_xlsx(out).ok and result.rows == data.count(BillFilter(op_types=(3,)))


@pytest.mark.parametrize("when", ["rows", "saving"])
def test_cancel_leaves_no_file(data: Data, tmp_path: Path, when: str) -> None:
    out = tmp_path / "cancelled.xlsx"
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if when == "rows" or done == total:
            token.set()

    with pytest.raises(Cancelled):
        export_xlsx(data.db, BillFilter(), out, progress=progress, cancel=token)
    assert leftovers(tmp_path) == []
    assert openpyxl_temp_files() == []
    assert max(seen) == (0 if when == "rows" else data.count(BillFilter()))


def test_cancel_keeps_an_existing_file(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "old.xlsx"
    out.write_bytes(b"old")
    token = CancelToken()
    token.set()
    with pytest.raises(Cancelled):
        export_xlsx(data.db, BillFilter(), out, force=True, cancel=token)
    assert out.read_bytes() == b"old" and leftovers(tmp_path, "old.xlsx") == []


def test_error_mid_write_leaves_no_file(
    data: Data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = queries.iter_rows

    def failing(conn: Any, f: BillFilter, batch: int = 2000) -> Iterator[tuple[Any, ...]]:
        for n, row in enumerate(real(conn, f, batch)):
            if n == 1100:
                raise RuntimeError("source broke")
            yield row

    monkeypatch.setattr(exporter.queries, "iter_rows", failing)
    with pytest.raises(RuntimeError, match="source broke"):
        export_xlsx(data.db, BillFilter(), tmp_path / "broken.xlsx")
    assert leftovers(tmp_path) == []
    assert openpyxl_temp_files() == []


@pytest.mark.parametrize("stage", ["sheet", "zip"])
def test_disk_full_leaves_no_file(
    data: Data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stage: str
) -> None:
    def full(*_args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    if stage == "zip":

        class FullDisk:
            """The temporary workbook's file on a disk that fills up after 20 kB."""

            def __init__(self, fp: Any) -> None:
                self.fp = fp
                self.written = 0

            def write(self, data: bytes) -> int:
                self.written += len(data)
                if self.written > 20_000:
                    full()
                return int(self.fp.write(data))

            def __getattr__(self, name: str) -> Any:
                return getattr(self.fp, name)

        real_init = workbook._GuardedFile.__init__

        def init(self: Any, fp: Any, cancel: Any) -> None:
            real_init(self, FullDisk(fp), cancel)

        monkeypatch.setattr(workbook._GuardedFile, "__init__", init)
    else:
        real = workbook._Table.append

        def append(self: Any, cells: Any) -> None:
            if self.rows == 700:
                full()
            real(self, cells)

        monkeypatch.setattr(workbook._Table, "append", append)
    with pytest.raises(ExportError, match="disk is full"):
        export_xlsx(data.db, BillFilter(), tmp_path / "full.xlsx")
    assert leftovers(tmp_path) == []
    assert openpyxl_temp_files() == []


def test_locked_target(data: Data, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "open-in-excel.xlsx"
    out.write_bytes(b"open elsewhere")

    def locked(*_args: Any) -> None:
        raise PermissionError(errno.EACCES, "The process cannot access the file")

    monkeypatch.setattr(exporter.os, "replace", locked)
    with pytest.raises(ExportError, match="open in another program"):
        export_xlsx(data.db, BillFilter(op_types=(3,)), out, force=True)
    assert out.read_bytes() == b"open elsewhere"
    assert leftovers(tmp_path, out.name) == []


def test_locked_target_detected_before_work(data: Data, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root ignores file permissions")
    out = tmp_path / "readonly.xlsx"
    out.write_bytes(b"x")
    out.chmod(0o444)
    with pytest.raises(ExportError, match="open in another program"):
        export_xlsx(data.db, BillFilter(), out, force=True)
    assert leftovers(tmp_path, out.name) == []


def test_bad_targets(data: Data, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no such folder"):
        export_xlsx(data.db, BillFilter(), tmp_path / "missing" / "x.xlsx")
    (tmp_path / "dir.xlsx").mkdir()
    with pytest.raises(ExportError, match="is a folder"):
        export_xlsx(data.db, BillFilter(), tmp_path / "dir.xlsx", force=True)
    with pytest.raises(ExportError, match=r"must end with \.xlsx"):
        export_xlsx(data.db, BillFilter(), tmp_path / "x.csv")
    assert leftovers(tmp_path, "dir.xlsx") == []


def test_verify_rejects_other_files(tmp_path: Path) -> None:
    other = tmp_path / "other.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "hello"
    wb.save(other)
    with pytest.raises(ExportError, match="no Report sheet"):
        verify_xlsx(other)
    junk = tmp_path / "junk.xlsx"
    junk.write_text("not a zip")
    with pytest.raises(ExportError, match="not a readable"):
        verify_xlsx(junk)


# --- the filter sentence ---------------------------------------------------------------------


def test_describe_filter_names_codes_and_labels() -> None:
    f = BillFilter(op_types=(3, 26), reasons=((3, 201), (3, 7), (0, None)), media_types=(5,))
    text = describe_filter(f, {(3, 201): "Lunch"})
    assert "operation 26 (Rest) or reason" in text  # a chosen reason narrows its own type
    assert "3:201 (Lunch)" in text and "3:7 (Call rejected)" in text and "0:not used" in text
    assert describe_filter(BillFilter()) == "All bills, sorted by begin ascending."


# --- review fixes: nothing cut silently, hash of what Excel shows, provenance --------------------


def test_long_filter_keeps_valid_json_and_its_ids(data: Data, tmp_path: Path) -> None:
    """A drill-down filter of 8,000 bill keys: the JSON stays whole, the ids go to a sheet."""
    out = tmp_path / "ids.xlsx"
    ids = tuple(range(1, 8001))
    f = BillFilter(ids=ids, sort="agent_id")
    assert len(f.to_json()) > 32_767  # the review's case: too long for one cell
    result = export_xlsx(data.db, f, out, columns=("id",), max_rows_per_sheet=5000)
    n = data.count(f)
    assert result.rows == n
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[-3:] == ["Filter ids", "Filter ids (2)", "Report"]
    rep = report(out)
    text = rep["Filter (JSON)"]
    assert len(text) <= 32_767
    loaded = json.loads(text)  # valid JSON
    ref = loaded["ids"]
    assert ref["count"] == 8000 and ref["sheets"] == ["Filter ids", "Filter ids (2)"]
    # the ids, recovered as an auditor would: the sheets' rows below the header, in order
    got: list[Any] = []
    for title in ref["sheets"]:
        rows = sheet_rows(wb[title])
        assert rows[0] == ("ids",)
        got += [r[0] for r in rows[1:]]
    assert got == list(ids) and all(isinstance(v, int) for v in got)
    lines = "".join(f"{v}\n" for v in got)
    assert hashlib.sha256(lines.encode("utf-8")).hexdigest() == ref["sha256"]
    loaded["ids"] = got
    assert BillFilter.from_dict(loaded) == f
    # everything else of the filter stays in the JSON itself
    assert loaded["sort"] == "agent_id"
    # documented on the Report, readable by the application, checked by verify
    note = rep["Filter lists on other sheets"]
    assert "'Filter ids'" in note and "8,000 values" in note and "SHA-256" in note
    assert "8000 selected bill(s)" in rep["Filter"]
    assert verify.read_export_filter(out) == f
    assert verify_xlsx(out).ok
    assert "Filter ids, Filter ids (2), Report" in rep["Sheets"]
    # the filter sheets are no part of the row hash
    assert recompute_sha256(out) == result.sha256


def test_edited_filter_ids_fail_verify(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "ids-edit.xlsx"
    export_xlsx(data.db, BillFilter(ids=tuple(range(1, 8001))), out, columns=("id",))
    wb = openpyxl.load_workbook(out)
    wb["Filter ids"]["A5"] = 999_999
    wb.save(out)
    check = verify_xlsx(out)
    assert check.expected == check.actual  # the bills are untouched ...
    assert not check.ok and any("SHA-256" in p for p in check.problems)  # ... the filter is not
    with pytest.raises(ExportError, match="do not match their SHA-256"):
        verify.read_export_filter(out)


def test_text_longer_than_a_cell_is_cut_visibly(db: Database, tmp_path: Path) -> None:
    """A field of an imported line (up to 64 KiB) can exceed Excel's 32,767 characters."""
    rows = list(generate_bills(GeneratorConfig(agents=2, seed=9, target_bills=40)))
    phone, call = COLUMNS.index("phone_no"), COLUMNS.index("call_id")
    long_phone = "+49" + "1" * 39_997  # formula-shaped too
    long_call = "ab\x01" * 6_000  # 18,000 characters, 54,000 once escaped in the file
    rows[3][phone] = long_phone
    rows[5][call] = long_call
    csv = tmp_path / "long.csv"
    write_csv(csv, rows)
    assert import_paths(db, [csv]).ok
    emoji = "\U0001f600" * 20_000  # 20,000 characters but 40,000 UTF-16 units for Excel
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE bill SET logon_sn = ? WHERE line = 8", (emoji,))
    out = tmp_path / "long.xlsx"
    result = export_xlsx(db, BillFilter(sort="id"), out, columns=DEFAULT_KEYS)
    assert result.cut_cells == 3
    wb = openpyxl.load_workbook(out)
    ws = wb["Bills"]
    header = [c.value for c in ws[1]]
    cells = {c.value: c for row in ws.iter_rows(min_row=2) for c in row if isinstance(c.value, str)}
    mark = "\u2026 [truncated, {:,} characters]"
    cut = {v: c for v, c in cells.items() if "[truncated," in v}
    assert len(cut) == 3
    for stored, cell in cut.items():
        shown = decoded(stored)
        assert len(stored) <= 32_767  # what openpyxl would otherwise cut silently
        assert len(shown.encode("utf-16-le")) // 2 <= 32_767  # what Excel counts
        if shown.startswith("+49"):
            assert shown == long_phone[: len(shown) - len(mark.format(40_000))] + mark.format(
                40_000
            )
            assert cell.quotePrefix and header[cell.column - 1] == "Phone/IP"
        elif shown.startswith("ab"):
            assert shown.endswith(mark.format(18_000)) and long_call.startswith(
                shown[: -len(mark.format(18_000))]
            )
        else:
            assert shown.endswith(mark.format(20_000)) and set(shown[:-40]) == {"\U0001f600"}
    rep = report(out)
    assert rep[CUT_LABEL] == 3
    about = rep["About cut cells"]
    assert "Bills: Phone/IP 1" in about and "Bills: Call ID 1" in about
    assert "Bills: Logon session 1" in about
    # the row hash covers the cells as written and shown, marks included
    got = sheet_rows(ws)
    assert result.sha256 == expected_sha(export_header(DEFAULT_KEYS), got[1:])
    assert verify_xlsx(out).ok


def test_row_hash_covers_text_as_excel_shows_it(data: Data, tmp_path: Path) -> None:
    """Control characters travel as _xHHHH_ escapes; the hash is over the decoded text."""
    out = tmp_path / "escapes.xlsx"
    pks = [pk for pk, (field, _v) in data.risky_pks.items() if field == "call_id"]
    f = BillFilter(ids=tuple(pks), sort="id")
    keys = ("id", "call_id")
    result = export_xlsx(data.db, f, out, columns=keys)
    stored = sheet_rows(openpyxl.load_workbook(out)["Bills"])[1:]
    assert ("_x000D_starts with CR" in {r[1] for r in stored}) and len(stored) == 4
    # computed from the database values themselves: what a reader of the sheet sees
    originals = [[r[IDX["bill_id"]], r[IDX["call_id"]]] for r in data.rows(f)]
    assert {r[1] for r in originals} == set(RISKY["call_id"])
    assert result.sha256 == expected_sha(export_header(keys), originals, decode=False)
    assert result.sha256 == expected_sha(export_header(keys), stored)  # stored, then decoded
    assert result.sha256 != expected_sha(export_header(keys), stored, decode=False)
    assert recompute_sha256(out) == result.sha256
    check = verify_xlsx(out)
    assert check.ok and not check.legacy
    assert "_xHHHH_" in report(out)["How to recompute the SHA-256"]


def test_verify_accepts_the_first_versions_hash(data: Data, tmp_path: Path) -> None:
    """Version 0.1.0 hashed text as stored (escapes undecoded): its files still verify."""
    out = tmp_path / "old.xlsx"
    pks = [pk for pk, (_f, v) in data.risky_pks.items() if v[:1] == "\r" or "\x01" in v]
    keys = ("id", "call_id")
    # unsigned, as files of earlier versions are (an edit would break a signature)
    result = export_xlsx(
        data.db, BillFilter(ids=tuple(pks), sort="id"), out, columns=keys, sign=False
    )
    wb = openpyxl.load_workbook(out)
    old_sha = expected_sha(export_header(keys), sheet_rows(wb["Bills"])[1:], decode=False)
    assert old_sha != result.sha256
    ws = wb["Report"]
    row = next(r for r in ws.iter_rows() if r[0].value == HASH_LABEL)
    row[1].value = old_sha
    wb.save(out)
    check = verify_xlsx(out)
    assert check.ok and check.legacy and check.expected == old_sha


def test_call_in_out_meaning_is_spelled_out(data: Data, tmp_path: Path) -> None:
    out = tmp_path / "inout.xlsx"
    export_xlsx(data.db, BillFilter(), out, columns=("callIn_out",))
    rows = bill_rows(out)
    assert {r[0] for r in rows} >= {0, 1}
    for code, meaning in rows:
        if code is None:
            assert meaning is None
        else:
            assert meaning == (
                f"undocumented code {code} (inbound/outbound/IVR outbound/campaign outbound)"
            )


def test_import_times_carry_an_offset(db: Database, tmp_path: Path) -> None:
    """Naive stored import times get this computer's offset; stated offsets are kept."""
    zoneinfo = pytest.importorskip("zoneinfo")
    if not hasattr(time, "tzset"):
        pytest.skip("time.tzset is not available here")
    try:
        zone = zoneinfo.ZoneInfo("America/New_York")
    except zoneinfo.ZoneInfoNotFoundError:
        pytest.skip("no time-zone database")
    for n in (1, 2):
        csv = tmp_path / f"f{n}.csv"
        write_csv(csv, generate_bills(GeneratorConfig(agents=2, seed=n, target_bills=30)))
        assert import_paths(db, [csv]).ok
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE source_file SET imported_at = '2026-01-02T03:04:05+08:00' WHERE name = 'f2.csv'"
        )
        stored = conn.exec_driver_sql(
            "SELECT imported_at FROM source_file WHERE name = 'f1.csv'"
        ).scalar_one()
    out = tmp_path / "zones.xlsx"
    old = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        export_xlsx(db, BillFilter(), out, columns=("agent_id", "source"))
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()
    table = sheet_rows(openpyxl.load_workbook(out)["Report"])
    imported = {r[0]: r[3] for r in table if r[0] in ("f1.csv", "f2.csv")}
    naive = datetime.fromisoformat(stored)
    assert imported["f1.csv"] == naive.replace(tzinfo=zone).isoformat(timespec="seconds")
    assert imported["f1.csv"].startswith(stored) and imported["f1.csv"][-6:] in ("-05:00", "-04:00")
    assert imported["f2.csv"] == "2026-01-02T03:04:05+08:00"
    rep = report(out)
    assert "ISO 8601 with the UTC offset" in rep["Import times"]
    assert naive.replace(tzinfo=zone).tzname() in rep["Import times"]


def test_stale_leftovers_of_killed_exports_are_removed(data: Data, tmp_path: Path) -> None:
    old = time.time() - target.STALE_AFTER_SECONDS - 60

    def part(name: str, files: Sequence[str], when: float | None) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for f in files:
            (folder / f).write_bytes(b"<sheetData>")
            if when is not None:
                os.utime(folder / f, (when, when))
        if when is not None:
            os.utime(folder, (when, when))
        return folder

    part(".o.xlsx.abcd1234.part", ["sheet1.xml", "sheet2.xml", "o.xlsx"], old)  # killed
    part(".p.xlsx.k_9zz0aa.part", ["sheet1.xml"], old)  # killed, another target
    part(".o.xlsx.empty000.part", [], old)  # killed before the first sheet
    part(".o.xlsx.efgh5678.part", ["sheet1.xml"], None)  # another export, running now
    part(".o.xlsx.ijkl9012.part", ["sheet1.xml", "notes.txt"], old)  # not only ours
    part(".o.xlsx.part", ["sheet1.xml"], old)  # not our naming
    part("o.xlsx.abcd1234.part", ["sheet1.xml"], old)  # not hidden: not ours
    export_xlsx(data.db, BillFilter(op_types=(3,)), tmp_path / "o.xlsx")
    assert leftovers(tmp_path) == [
        ".o.xlsx.efgh5678.part",
        ".o.xlsx.ijkl9012.part",
        ".o.xlsx.part",
        "o.xlsx",
        "o.xlsx.abcd1234.part",
    ]


def test_filter_sheet_titles_are_reserved(data: Data, tmp_path: Path) -> None:
    for title in ("Filter ids", "Filter agents (2)"):
        with pytest.raises(ValueError, match="taken"):
            export_xlsx(
                data.db,
                BillFilter(),
                tmp_path / "x.xlsx",
                extra_sheets=[SheetSpec(title, ["a"], [])],
            )
    assert leftovers(tmp_path) == []
