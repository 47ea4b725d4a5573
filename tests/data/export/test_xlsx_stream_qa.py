"""The streaming sheet writer reviewed as an auditor would: real files read back by three readers.

Every file here is written by ``data.export.xlsx_stream`` (directly, or by ``export_xlsx`` on a
real SQLite database) and read back with openpyxl (read-only and normal mode) and python-calamine;
the package itself is taken apart with ``zipfile`` and ElementTree.
"""

from __future__ import annotations

import subprocess
import threading
import tracemalloc
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from openpyxl.styles.cell_style import StyleArray
from python_calamine import CalamineWorkbook

from viewer.core.columns import ALL_COLUMNS
from viewer.core.errors import ExportError
from viewer.core.filters import BillFilter
from viewer.core.tasks import Cancelled, CancelToken
from viewer.core.timefmt import to_epoch
from viewer.data.db import Database, open_database
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.verify import verify_xlsx
from viewer.data.export.workbook import SheetSpec
from viewer.data.export.xlsx_stream import SheetStream, StreamBook, Styled
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ALL_KEYS = tuple(c.key for c in ALL_COLUMNS)


def write_book(path: Path, rows: Sequence[Sequence[Any]], title: str = "S") -> None:
    """One sheet of these rows, written by the streaming writer (abandoned on an error)."""
    with path.open("wb") as fp:
        book = StreamBook(fp)
        try:
            sheet = book.create_sheet(title)
            sheet.start()
            for row in rows:
                sheet.append(row)
            sheet.close()
            book.save()
        except BaseException:
            book.abandon()
            raise


def by_openpyxl(path: Path, read_only: bool) -> list[list[Any]]:
    wb = openpyxl.load_workbook(path, read_only=read_only)
    try:
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
    for row in rows:
        while row and row[-1] is None:
            row.pop()
    return rows


def by_calamine(path: Path) -> list[list[Any]]:
    wb = CalamineWorkbook.from_path(str(path))
    rows = [list(r) for r in wb.get_sheet_by_name(wb.sheet_names[0]).to_python()]
    for row in rows:
        while row and row[-1] == "":
            row.pop()
    return rows


def deflate_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "xlsx-deflate"]


# --------------------------------------------------------------------------------------------
# Cell XML
# --------------------------------------------------------------------------------------------

TEXTS = [
    "a & b < c > d \"double\" 'single' ]]>",
    " leading",
    "trailing ",
    "\ttab first",
    "two\nlines\n",
    "emoji \U0001f600 and CJK Extension B \U00020000",
    "x" * 32_767,
    "\U0001f600" * 16_383,
]


def test_texts_come_back_exactly_in_every_reader(tmp_path: Path) -> None:
    """Escaping, white space kept where it matters, characters beyond the BMP, long texts."""
    path = tmp_path / "t.xlsx"
    write_book(path, [[t] for t in TEXTS])
    expected = [[t] for t in TEXTS]
    assert by_openpyxl(path, read_only=True) == expected
    assert by_openpyxl(path, read_only=False) == expected
    assert by_calamine(path) == expected


@pytest.mark.parametrize(
    "text", ["CR\rinside", "CR and LF\r\n", "\x00", "a\x1fb", "lone \ud800 surrogate", "\uffff"]
)
def test_characters_xml_cannot_carry_are_refused_by_name(tmp_path: Path, text: str) -> None:
    """A CR would come back as LF (XML normalises line ends), the others break the file."""
    bad = next(c for c in text if c in "\r\x00\x1f\ud800\uffff")
    with pytest.raises(ValueError, match=rf"'S'.*U\+{ord(bad):04X}"):
        write_book(tmp_path / "bad.xlsx", [["fine"], [text]])


def test_numbers_and_booleans_come_back_exactly(tmp_path: Path) -> None:
    rows = [
        [0, -1, 2**53, -(2**53), 10**15 - 1],
        [0.1, -0.0, 1e300, 5e-324, 1 / 3],
        [True, False],
        [Decimal("2.5"), Styled(2**53, StyleArray())],
    ]
    path = tmp_path / "n.xlsx"
    write_book(path, rows)
    expected = [*rows[:3], [2.5, 2**53]]
    for read_only in (True, False):
        got = by_openpyxl(path, read_only)
        assert got == expected
        assert str(got[1][1]) == "-0.0" and got[1][3] == 5e-324
    assert by_calamine(path) == [[float(v) if type(v) is int else v for v in r] for r in expected]


@pytest.mark.parametrize(
    "value",
    [2**53 + 1, -(2**53) - 1, 10**20, Decimal("NaN"), Decimal("-Infinity"), float("nan")],
)
def test_numbers_no_reader_gets_back_are_refused(tmp_path: Path, value: Any) -> None:
    """An int beyond 2**53 comes back rounded (calamine, LibreOffice, Excel); NaN is no number."""
    with pytest.raises(ValueError, match="Excel"):
        write_book(tmp_path / "bad.xlsx", [[value]])
    with pytest.raises(ValueError, match="Excel"):
        write_book(tmp_path / "bad2.xlsx", [[Cell(None, value=value)]])


def test_dates_from_1900_to_9999_come_back_and_earlier_ones_are_refused(tmp_path: Path) -> None:
    """Excel's first day is 1900-01-01: before it, serials read back as times or not at all."""
    days = [
        datetime(1900, 1, 1),
        datetime(1900, 2, 28, 12, 30),
        datetime(1900, 3, 1),
        datetime(9999, 12, 31, 23, 59, 59),
    ]
    path = tmp_path / "d.xlsx"
    write_book(path, [days])
    for read_only in (True, False):
        assert by_openpyxl(path, read_only) == [days]
    got = by_calamine(path)[0]
    assert [v if isinstance(v, datetime) else datetime(v.year, v.month, v.day) for v in got] == days
    for early in (datetime(1899, 12, 31, 12), date(1899, 12, 30), datetime(1, 1, 1)):
        with pytest.raises(ValueError, match="1900-01-01"):
            write_book(tmp_path / "early.xlsx", [[early]])


def test_rows_of_any_length_and_empty_cells(tmp_path: Path) -> None:
    """None and "" are both no cell; rows shorter or longer than the first are kept as given."""
    rows = [["h1", "h2", "h3"], ["short"], ["a", "b", "c", "d", "e"], ["", None, "z"], []]
    path = tmp_path / "r.xlsx"
    write_book(path, rows)
    expected = [["h1", "h2", "h3"], ["short"], ["a", "b", "c", "d", "e"], [None, None, "z"]]
    assert by_openpyxl(path, read_only=True) == [*expected, []]  # the empty row is there
    assert by_openpyxl(path, read_only=False) == expected
    assert by_calamine(path) == [
        ["h1", "h2", "h3"],
        ["short"],
        ["a", "b", "c", "d", "e"],
        ["", "", "z"],
    ]


# --------------------------------------------------------------------------------------------
# The package
# --------------------------------------------------------------------------------------------


def test_package_parts_agree_with_each_other(tmp_path: Path) -> None:
    """Content types, relationships, defined names and style indexes all point at real things."""
    path = tmp_path / "p.xlsx"
    with path.open("wb") as fp:
        book = StreamBook(fp)
        first = book.create_sheet("Tom's & <Bills>")
        first.freeze_panes = "A2"
        first.print_title_rows = "1:1"
        first.start()
        bold = Cell(first.ws, value="Header")
        bold.font = Font(bold=True)
        stamp = Cell(first.ws, value=datetime(2026, 11, 2, 8, 5, 2))
        quoted = Cell(first.ws, value="=1+1")
        quoted.data_type, quoted.quotePrefix = "s", True
        first.append([bold, "b"])
        first.append([stamp, quoted])
        first.auto_filter.ref = "A1:B2"
        first.close()
        empty = book.create_sheet("Empty")
        empty.start()
        empty.close()
        book.save()
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
        names = set(z.namelist())
        parts = {n: ET.fromstring(z.read(n)) for n in names}
    overrides = {e.get("PartName", "").lstrip("/") for e in parts["[Content_Types].xml"]}
    assert {"xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml"} <= overrides
    assert overrides - {""} <= names
    targets = {
        "xl/" + r.get("Target", "").removeprefix("/xl/")
        for r in parts["xl/_rels/workbook.xml.rels"]
    }
    assert targets <= names
    xfs = parts["xl/styles.xml"].find(f"{MAIN}cellXfs")
    assert xfs is not None
    cells = parts["xl/worksheets/sheet1.xml"].iter(f"{MAIN}c")
    used = {int(c.get("s", "")) for c in cells if c.get("s")}
    assert len(used) == 3 and max(used) < len(xfs)
    names_xml = {
        (e.get("name"), e.text) for e in parts["xl/workbook.xml"].iter(f"{MAIN}definedName")
    }
    assert names_xml == {
        ("_xlnm._FilterDatabase", "'Tom''s & <Bills>'!$A$1:$B$2"),
        ("_xlnm.Print_Titles", "'Tom''s & <Bills>'!$1:$1"),
    }
    wb = openpyxl.load_workbook(path)
    ws = wb["Tom's & <Bills>"]
    assert ws["A1"].font.b and ws["A2"].is_date and ws["B2"].quotePrefix
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B2"
    assert ws.print_title_rows == "$1:$1"
    assert wb["Empty"].max_row == 1 and wb["Empty"]["A1"].value is None


def test_settings_before_the_rows_changed_after_start_are_an_error(tmp_path: Path) -> None:
    """Panes, widths and sheet properties are written by start(): a later change would be lost."""
    path = tmp_path / "late.xlsx"
    with path.open("wb") as fp:
        book = StreamBook(fp)
        sheet: SheetStream = book.create_sheet("S")
        sheet.start()
        sheet.append(["a"])
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        with pytest.raises(ValueError, match="'S'.*before start"):
            sheet.close()
        book.abandon()
    assert deflate_threads() == []


# --------------------------------------------------------------------------------------------
# Failures and memory
# --------------------------------------------------------------------------------------------


def test_an_error_of_the_compressing_thread_reaches_the_caller(tmp_path: Path) -> None:
    """A write that fails on the deflate thread is raised in the caller; abandon ends the thread."""

    class Failing:
        """A real file that fails with EIO once the package passes 64 KB."""

        def __init__(self, fp: Any) -> None:
            self.fp = fp

        def write(self, data: bytes) -> int:
            if self.fp.tell() + len(data) > 65_536:
                raise OSError(5, "Input/output error")
            return int(self.fp.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.fp, name)

    with (tmp_path / "f.xlsx").open("wb") as fp:
        book = StreamBook(Failing(fp))  # type: ignore[arg-type]
        sheet = book.create_sheet("S")
        sheet.start()
        with pytest.raises(OSError, match="Input/output"):
            for i in range(1_000_000):
                sheet.append([i, f"row {i} {i * 7919 % 104729}"])
        assert sheet.rows < 1_000_000
        book.abandon()
    assert deflate_threads() == []


@pytest.mark.slow
def test_memory_stays_flat_over_200000_rows(tmp_path: Path) -> None:
    """The peak of Python allocations does not grow with the rows (tracemalloc)."""

    def peak(rows: int) -> int:
        with (tmp_path / f"m{rows}.xlsx").open("wb") as fp:
            book = StreamBook(fp)
            sheet = book.create_sheet("S")
            sheet.start()
            tracemalloc.start()
            try:
                for i in range(rows):
                    sheet.append([f"bill {i}", i, i / 7, "客服中心 agent", None, True])
                sheet.close()
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()
                book.save()

    small, big = peak(20_000), peak(200_000)
    assert big < small * 1.5 + 1_000_000, (small, big)


# --------------------------------------------------------------------------------------------
# The exporter on the writer
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("qa-export")
    write_csv(
        folder / "b.csv", generate_bills(GeneratorConfig(agents=5, seed=7, target_bills=6000))
    )
    db = open_database(folder / "b.sqlite")
    assert import_paths(db, [folder / "b.csv"]).ok
    yield db
    db.close()


EARLY = [
    "0001-01-01 00:00:00",
    "1800-01-01 08:00:00",
    "1899-12-30 12:00:00",
    "1899-12-31 23:59:59",
    "1900-01-01 00:00:00",
    "1900-02-28 12:00:00",
    "1900-03-01 00:00:00",
    "9999-12-31 23:59:59",
]


def test_bill_times_excel_cannot_date_still_verify_and_read_alike(tmp_path: Path) -> None:
    """Before 1900-03-01 a bill time is its text: the hash verifies and every reader agrees.

    Excel has no day before 1900-01-01 (openpyxl reads 1899-12-30/31 back as a time, calamine
    earlier days as times) and LibreOffice puts January and February 1900 a day early.
    """
    folder = tmp_path / "early"
    folder.mkdir()
    write_csv(folder / "b.csv", generate_bills(GeneratorConfig(agents=2, seed=1, target_bills=20)))
    db = open_database(folder / "b.sqlite")
    try:
        assert import_paths(db, [folder / "b.csv"]).ok
        with db.engine.begin() as conn:
            pks = [r[0] for r in conn.exec_driver_sql("SELECT pk FROM bill ORDER BY pk LIMIT 8")]
            for pk, text in zip(pks, EARLY, strict=True):
                seconds = to_epoch(text)
                conn.exec_driver_sql(
                    "UPDATE bill SET begin_time = ?, end_time = ?, bill_id = ? WHERE pk = ?",
                    (seconds, seconds, f"b{pk:02d}", pk),
                )
        out = tmp_path / "early.xlsx"
        export_xlsx(db, BillFilter(ids=tuple(pks), sort="id"), out, columns=("id", "begin_time"))
    finally:
        db.close()
    assert verify_xlsx(out).ok
    wb = openpyxl.load_workbook(out, read_only=True)
    begins = [r[1] for r in wb["Bills"].iter_rows(min_row=2, values_only=True)]
    wb.close()
    calamine = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("Bills").to_python()
    assert [r[1] for r in calamine[1:7]] == begins[:6]
    assert all(isinstance(b, str) for b in begins[:6]) and begins[2] == "1899-12-30 12:00:00"
    assert begins[6:] == [datetime(1900, 3, 1), datetime(9999, 12, 31, 23, 59, 59)]


def test_a_failing_caller_or_cancel_leaves_no_file_and_no_thread(
    bills: Database, tmp_path: Path
) -> None:
    cancel = CancelToken()

    def fail(done: int, total: int) -> None:
        if done >= 3000:
            raise RuntimeError("the caller fails mid-sheet")

    def stop(done: int, total: int) -> None:
        if done >= 3000:
            cancel.set()

    with pytest.raises(RuntimeError, match="mid-sheet"):
        export_xlsx(bills, BillFilter(), tmp_path / "a.xlsx", columns=ALL_KEYS, progress=fail)
    assert list(tmp_path.iterdir()) == [] and deflate_threads() == []
    with pytest.raises(Cancelled):
        export_xlsx(
            bills, BillFilter(), tmp_path / "a.xlsx", columns=ALL_KEYS, progress=stop, cancel=cancel
        )
    assert list(tmp_path.iterdir()) == [] and deflate_threads() == []


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB tmpfs (needs mount rights: root in a container), always unmounted after."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def test_a_full_disk_mid_sheet_is_a_clear_error_and_leaves_nothing(
    bills: Database, small_disk: Path
) -> None:
    with pytest.raises(ExportError, match="disk is full"):
        export_xlsx(bills, BillFilter(), small_disk / "big.xlsx", columns=ALL_KEYS)
    assert list(small_disk.iterdir()) == [] and deflate_threads() == []


def test_extra_sheet_dates_excel_cannot_show_are_text(bills: Database, tmp_path: Path) -> None:
    """A caller's sheet: dates before 1900-03-01 as text, later ones as real dates."""
    spec = SheetSpec(
        "Dates",
        ["When"],
        [[datetime(1899, 12, 31, 6)], [date(1900, 1, 15)], [datetime(2026, 11, 2, 8, 5, 2)]],
    )
    out = tmp_path / "dates.xlsx"
    export_xlsx(bills, BillFilter(ids=(1,)), out, columns=("id",), extra_sheets=[spec])
    wb = openpyxl.load_workbook(out, read_only=True)
    when = [r[0] for r in wb["Dates"].iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert when == ["1899-12-31 06:00:00", "1900-01-15", datetime(2026, 11, 2, 8, 5, 2)]
