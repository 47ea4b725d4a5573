"""Print settings of an export (issue 9): read back with openpyxl, printed with LibreOffice."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from viewer.core.filters import BillFilter
from viewer.data.db import Database, open_database
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.investigation_sheets import investigation_sheet_specs
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

BILLS = 16


@pytest.fixture(scope="module")
def export16(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A 16-bill export with every default column and the investigation's sheets."""
    folder = tmp_path_factory.mktemp("print")
    config = GeneratorConfig(agents=8, seed=3, target_bills=BILLS)
    write_csv(folder / "20261102_print.csv", generate_bills(config))
    db: Database = open_database(folder / "bills.sqlite")
    try:
        assert import_paths(db, [folder / "20261102_print.csv"]).ok
        out = folder / "sixteen.xlsx"
        f = BillFilter()
        result = export_xlsx(db, f, out, extra_sheets=investigation_sheet_specs(db, f))
        assert result.rows == BILLS
    finally:
        db.close()
    yield out


def test_every_sheet_prints_landscape_on_one_page_width(export16: Path) -> None:
    wb = openpyxl.load_workbook(export16)
    assert wb.sheetnames == ["Bills", "Summary", "Anomalies", "Report"]
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert int(setup.paperSize) == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True, ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert "&F" in ws.oddHeader.center.text, ws.title  # the file name
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
        if ws.title == "Report":
            assert not ws.print_title_rows
        else:  # the header row on every page
            assert ws.print_title_rows == "$1:$1", ws.title


def test_wrapped_report_rows_are_tall_enough(export16: Path) -> None:
    """A wrapped text gets a row height for its lines (LibreOffice does not grow the row)."""
    wb = openpyxl.load_workbook(export16)
    ws = wb["Report"]
    width = ws.column_dimensions["B"].width
    checked = 0
    for row in ws.iter_rows(max_col=2):
        cell = row[1]
        if not isinstance(cell.value, str) or not cell.alignment.wrap_text:
            continue
        lines = -(-len(cell.value) // int(width))  # at least this many, however it wraps
        if lines > 1:
            height = ws.row_dimensions[cell.row].height
            assert height is not None and height >= 14 * lines, (row[0].value, height, lines)
            assert row[0].alignment.vertical == "top"  # its label stays beside its first line
            checked += 1
    assert checked >= 4  # the times, the hash method, the signature's meaning and method


def _pdf_pages(pdf: Path) -> int:
    """Pages of a PDF LibreOffice wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


@pytest.mark.slow
def test_libreoffice_prints_a_16_bill_export_on_one_page_per_sheet(
    export16: Path, tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice (soffice) is needed on CI to count printed pages")
        pytest.skip("LibreOffice (soffice) is not installed")
    profile = tmp_path / "profile"  # its own profile: other LibreOffice runs do not interfere
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(export16),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    pdf = tmp_path / "sixteen.pdf"
    assert pdf.exists(), done.stderr
    # before: 18 portrait pages (the Report over 5); now each sheet on one landscape page
    assert _pdf_pages(pdf) == 4
