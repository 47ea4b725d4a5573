"""Tests of the streaming sheet writer (viewer.data.export.xlsx_stream): real files read back.

Each workbook is written with ``StreamBook`` and opened with openpyxl in normal mode (the
reader that looks where Excel looks: styles, panes, filters, print settings, defined names) and
with python-calamine (a Rust reader, decoding as Excel does).
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.styles import Font
from python_calamine import CalamineWorkbook

from viewer.data.export import xlsx_stream
from viewer.data.export.xlsx_stream import StreamBook, Styled


def write(path: Path, rows: list[list[Any]], setup: Any = None, title: str = "S") -> None:
    with path.open("wb") as fp:
        book = StreamBook(fp)
        sheet = book.create_sheet(title)
        if setup:
            setup(sheet)
        sheet.start()
        for row in rows:
            sheet.append([v(sheet) if callable(v) else v for v in row])
        sheet.close()
        book.save()


def values(ws: Any, row: int) -> list[Any]:
    """A row's values without the empty cells after its last value."""
    out = [c.value for c in ws[row]]
    while out and out[-1] is None:
        out.pop()
    return out


def bold(text: str) -> Any:
    def make(sheet: Any) -> Cell:
        cell = Cell(sheet.ws, value=text)
        cell.font = Font(bold=True)
        return cell

    return make


def quoted(text: str) -> Any:
    def make(sheet: Any) -> Cell:
        cell = Cell(sheet.ws, value=text)
        cell.data_type = "s"
        cell.quotePrefix = True
        return cell

    return make


def styled(serial: float) -> Any:
    """A date-time as its serial number with the style of a cell of the same workbook."""

    def make(sheet: Any) -> Styled:
        probe = Cell(sheet.ws)
        probe.number_format = "yyyy-mm-dd hh:mm:ss"
        return Styled(serial, probe._style)

    return make


def dated(when: datetime, fmt: str = "yyyy-mm-dd hh:mm:ss") -> Any:
    def make(sheet: Any) -> Cell:
        cell = Cell(sheet.ws, value=when)
        cell.number_format = fmt
        return cell

    return make


def test_values_types_and_styles_read_back(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    serial = 46024 + (3 * 3600 + 4 * 60 + 5) / 86400  # 2026-01-02 03:04:05
    texts = ["a & b < c > d", "中文 客服", " lead", "trail\t", "line\nbreak", '"q"', "x" * 1_000]
    write(
        out,
        [
            [bold("Head"), quoted("=1+1"), None, bold("Last")],
            [*texts[:4], 7, -2.5, 10**14, True],
            [styled(serial), dated(datetime(1900, 1, 15, 12)), None, *texts[4:]],
        ],
    )
    ws = openpyxl.load_workbook(out)["S"]
    assert values(ws, 1) == ["Head", "=1+1", None, "Last"]
    assert ws["A1"].font.b and ws["D1"].font.b and not ws["C1"].has_style
    assert ws["B1"].data_type == "s" and ws["B1"].quotePrefix
    assert values(ws, 2) == [*texts[:4], 7, -2.5, 10**14, True]
    assert ws["E2"].data_type == "n" and ws["H2"].data_type == "b"
    assert ws["A3"].value == datetime(2026, 1, 2, 3, 4, 5)
    assert ws["A3"].number_format == "yyyy-mm-dd hh:mm:ss" and ws["A3"].is_date
    assert ws["B3"].value == datetime(1900, 1, 15, 12)
    assert ws["C3"].value is None
    assert values(ws, 3)[3:] == texts[4:]
    # a reader that decodes like Excel sees the same
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("S").to_python()
    assert rows[1][:4] == texts[:4] and rows[2][3:6] == texts[4:]
    assert rows[2][0] == datetime(2026, 1, 2, 3, 4, 5)


def test_print_settings_panes_widths_and_filter_are_where_excel_looks(tmp_path: Path) -> None:
    """What a page-setup function sets on the sheet (before start) is rendered by openpyxl."""

    def setup(sheet: Any) -> None:
        sheet.freeze_panes = "A2"
        sheet.column_dimensions["A"].width = 33
        sheet.page_setup.orientation = "landscape"
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr.fitToPage = True
        sheet.print_title_rows = "1:1"
        sheet.oddHeader.center.text = "&F"
        sheet.oddFooter.center.text = "Page &P of &N"

    out = tmp_path / "p.xlsx"
    with out.open("wb") as fp:
        book = StreamBook(fp)
        sheet = book.create_sheet("Bills")
        setup(sheet)
        sheet.start()
        for i in range(5):
            sheet.append([f"r{i}", i])
        sheet.auto_filter.ref = "A1:B5"  # the tail: may be set until close
        sheet.close()
        other = book.create_sheet("Report")
        other.start()
        other.append(["no settings here"])
        other.close()
        book.save()
    wb = openpyxl.load_workbook(out)
    ws = wb["Bills"]
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:B5"
    assert ws.column_dimensions["A"].width == 33
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$1"
    assert ws.oddHeader.center.text == "&F" and ws.oddFooter.center.text == "Page &P of &N"
    assert wb["Report"].page_setup.orientation is None and wb["Report"].freeze_panes is None
    with zipfile.ZipFile(out) as package:
        names = package.read("xl/workbook.xml").decode()
    assert '<definedName name="_xlnm.Print_Titles" localSheetId="0">\'Bills\'!$1:$1<' in names


def test_control_characters_are_refused_not_written(tmp_path: Path) -> None:
    """XML cannot carry them: the caller must escape them (a bug otherwise, raised loudly)."""
    with (tmp_path / "c.xlsx").open("wb") as fp:
        book = StreamBook(fp)
        sheet = book.create_sheet("Dirty")
        sheet.start()
        sheet.append(["fine", "a\x01b"])
        with pytest.raises(ValueError, match=r"'Dirty'.*U\+0001"):
            sheet.close()
        book.abandon()


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_numbers_are_refused(tmp_path: Path, value: float) -> None:
    with (tmp_path / "n.xlsx").open("wb") as fp:
        book = StreamBook(fp)
        sheet = book.create_sheet("N")
        sheet.start()
        with pytest.raises(ValueError, match="not a number Excel can store"):
            sheet.append([value])
        book.abandon()


def test_one_sheet_at_a_time_and_all_sheets_closed_before_save(tmp_path: Path) -> None:
    with (tmp_path / "o.xlsx").open("wb") as fp:
        book = StreamBook(fp)
        first, second = book.create_sheet("A"), book.create_sheet("B")
        first.start()
        with pytest.raises(ValueError, match="'A' is still open"):
            second.start()
        with pytest.raises(ValueError, match="'A' is still open"):
            book.save()
        first.close()
        with pytest.raises(ValueError, match="'B' was not streamed"):
            book.save()
        book.abandon()


def test_errors_of_the_compressing_thread_reach_the_writer(tmp_path: Path) -> None:
    """A full disk (or Cancel) raised while deflating surfaces in the thread appending rows."""

    class Full:
        def __init__(self, fp: Any) -> None:
            self.fp = fp
            self.budget = 50_000

        def write(self, data: bytes) -> int:
            self.budget -= len(data)
            if self.budget < 0:
                raise OSError(28, "No space left on device")
            return int(self.fp.write(data))

        def __getattr__(self, name: str) -> Any:
            return getattr(self.fp, name)

    with (tmp_path / "f.xlsx").open("wb") as fp:
        book = StreamBook(Full(fp))
        sheet = book.create_sheet("S")
        sheet.start()
        with pytest.raises(OSError, match="No space left"):  # noqa: PT012 - rows until it fails
            for i in range(200_000):
                sheet.append([f"row {i} {i * 7919 % 104729}", i, i / 3])
            sheet.close()
        book.abandon()


def test_full_says_when_a_sheet_nears_its_limits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx_stream, "MAX_SHEET_BYTES", 5_000)
    with (tmp_path / "l.xlsx").open("wb") as fp:
        book = StreamBook(fp)
        sheet = book.create_sheet("S")
        sheet.start()
        rows = 0
        while not sheet.full:
            sheet.append(["x" * 50, rows])
            rows += 1
        sheet.close()
        book.save()
    assert 5 < rows < 100
    assert openpyxl.load_workbook(tmp_path / "l.xlsx")["S"].max_row == rows
