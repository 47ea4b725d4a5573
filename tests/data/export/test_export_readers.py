"""Three independent readers agree on every cell of the same exports, and Excel finds its things.

The exports (plain, dirty with control characters and formula-shaped text, Chinese text, split
over several sheets with Summary and Anomalies) are read by openpyxl, by python-calamine (a Rust
reader) and by LibreOffice (headless conversion to xlsx, read back). openpyxl returns text as
stored (Excel's ``_xHHHH_`` escapes undecoded); the others decode them as Excel does, so
openpyxl's text is decoded here (one left-to-right pass) before comparing.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from viewer.core.columns import ALL_COLUMNS, DEFAULT_KEYS
from viewer.core.filters import BillFilter
from viewer.data.db import Database, open_database
from viewer.data.export.cells import DATETIME_FORMAT
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.investigation_sheets import investigation_sheet_specs
from viewer.data.export.verify import verify_xlsx
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

ALL_KEYS = tuple(c.key for c in ALL_COLUMNS)
DIRTY = [
    "=1+1",
    "+4930123",
    "-5",
    "@SUM(A1:A2)",
    "\tstarts with a tab",
    "#N/A",
    "=cmd|' /C calc'!A0",
    "\rstarts with CR",
    "a\x01control\x1fchars",
    "literal _x0041_ escape",
    "a & b < c > d \"q\" 'a'",
    " padded ",
    "two\nlines",
]
CHINESE = ["客服中心 示例", "张三", "李四：外呼", "中文\u3000全角空格", "混合 text 与 数字 123"]
Table = list[list[Any]]
Book = dict[str, Table]


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Four exports of one database of generated bills, some fields made dirty or Chinese."""
    folder = tmp_path_factory.mktemp("readers")
    rows = list(generate_bills(GeneratorConfig(agents=4, seed=11, target_bills=300)))
    write_csv(folder / "bills.csv", rows)
    db: Database = open_database(folder / "bills.sqlite")
    try:
        assert import_paths(db, [folder / "bills.csv"]).ok
        dirty = tuple(range(10, 10 + 2 * len(DIRTY)))
        chinese = tuple(range(60, 60 + 2 * len(CHINESE)))
        with db.engine.begin() as conn:  # as a platform export could hold them
            for values, pks in ((DIRTY, dirty), (CHINESE, chinese)):
                for i, value in enumerate(values):
                    for field, pk in (("phone_no", pks[i]), ("call_id", pks[len(values) + i])):
                        conn.exec_driver_sql(
                            f"UPDATE bill SET {field} = ? WHERE pk = ?", (value, pk)
                        )
        out = {name: folder / f"{name}.xlsx" for name in ("plain", "dirty", "chinese", "split")}
        export_xlsx(db, BillFilter(sort="id"), out["plain"], columns=DEFAULT_KEYS)
        export_xlsx(db, BillFilter(ids=dirty, sort="id"), out["dirty"], columns=ALL_KEYS)
        export_xlsx(db, BillFilter(ids=chinese, sort="id"), out["chinese"], columns=ALL_KEYS)
        everything = BillFilter(sort="begin_time")
        export_xlsx(
            db,
            everything,
            out["split"],
            columns=ALL_KEYS,
            max_rows_per_sheet=70,
            extra_sheets=investigation_sheet_specs(db, everything),
        )
    finally:
        db.close()
    yield out


def decoded(text: str) -> str:
    """Text as Excel shows it: every _xHHHH_ escape decoded, left to right."""
    return re.sub("_x([0-9A-Fa-f]{4})_", lambda m: chr(int(m.group(1), 16)), text)


def norm(value: Any, decode: bool) -> Any:
    """One cell in a form every reader can give: numbers as floats, times to the second."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(f"{float(value):.15g}")
    if isinstance(value, datetime):
        return (value + timedelta(microseconds=500_000)).replace(microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if isinstance(value, time):
        return round(value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6)
    if isinstance(value, timedelta):
        return round(value.total_seconds())
    assert isinstance(value, str), type(value)
    return decoded(value) if decode else value


def table(rows: Any, decode: bool) -> Table:
    out = []
    for row in rows:
        cells = [norm(v, decode) for v in row]
        while cells and cells[-1] is None:
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


def by_openpyxl(path: Path, decode: bool = True) -> Book:
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return {ws.title: table(ws.iter_rows(values_only=True), decode) for ws in wb.worksheets}
    finally:
        wb.close()


def by_calamine(path: Path) -> Book:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: table(wb.get_sheet_by_name(name).to_python(), False) for name in wb.sheet_names}


def libreoffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("LibreOffice (soffice) is required under CI=true for the reader test")
    return found


def test_openpyxl_and_calamine_agree_on_every_cell(exports: dict[str, Path]) -> None:
    for name, path in exports.items():
        assert verify_xlsx(path).ok, name
        mine, rust = by_openpyxl(path), by_calamine(path)
        assert list(mine) == list(rust), name
        for title in mine:
            assert mine[title] == rust[title], f"{name}: sheet {title}"
    split = by_openpyxl(exports["split"])
    assert [t for t in split if t.startswith("Bills")] == [
        "Bills",
        "Bills (2)",
        "Bills (3)",
        "Bills (4)",
        "Bills (5)",
    ]
    assert "Summary" in split and "Anomalies" in split and list(split)[-1] == "Report"
    dirty = {v for row in by_calamine(exports["dirty"])["Bills"] for v in row}
    chinese = {v for row in by_calamine(exports["chinese"])["Bills"] for v in row}
    assert set(DIRTY) <= dirty and set(CHINESE) <= chinese


@pytest.mark.slow
def test_libreoffice_agrees_with_openpyxl_and_calamine(
    exports: dict[str, Path], tmp_path: Path
) -> None:
    soffice = libreoffice()
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    converted = tmp_path / "converted"
    profile = (tmp_path / "lo-profile").as_uri()
    done = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(converted),
            *(str(p) for p in exports.values()),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    for name, path in exports.items():
        office = by_calamine(converted / path.name)  # decodes escapes as Excel does
        mine, rust = by_openpyxl(path), by_calamine(path)
        assert list(office) == list(mine), name
        for title in mine:
            assert office[title] == mine[title] == rust[title], f"{name}: sheet {title}"
        if name == "dirty":
            assert set(DIRTY) <= {v for row in office["Bills"] for v in row}


def test_excel_finds_styles_pane_filter_and_widths(exports: dict[str, Path]) -> None:
    """openpyxl in normal mode reads the parts where Excel looks for them."""
    wb = openpyxl.load_workbook(exports["dirty"])
    ws = wb["Bills"]
    header = [c for c in ws[1] if c.value is not None]
    last = header[-1].column_letter
    assert all(c.font.b for c in header)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:{last}{ws.max_row}"
    assert all(ws.column_dimensions[c.column_letter].width >= 6 for c in header)
    titles = [c.value for c in header]
    begin = ws.cell(2, titles.index("Begin") + 1)
    assert begin.is_date and begin.number_format == DATETIME_FORMAT
    assert isinstance(begin.value, datetime)
    phone = titles.index("Phone/IP") + 1
    formula_shaped = [
        ws.cell(r, phone) for r in range(2, ws.max_row + 1) if ws.cell(r, phone).value == "=1+1"
    ]
    assert formula_shaped and all(c.data_type == "s" and c.quotePrefix for c in formula_shaped)
    report = wb["Report"]
    assert report["A1"].font.b and report.freeze_panes is None
