"""Candidate writers for the export's bulk sheets, same rows, same run (issue 12's comparison).

Writes the same rows (text, whole numbers, decimals, date-times with a format, some empty cells)
with each candidate installed in this interpreter and prints seconds, rows per second and the
ratio to openpyxl's write-only mode:

* openpyxl write-only (the reference; the project's workbook library);
* ``xlsx_stream`` (rows as text into the zip openpyxl builds, deflate level 1 on a
  second thread);
* XlsxWriter in constant-memory mode, PyExcelerate: only when installed (they are not project
  dependencies; ``pip install xlsxwriter pyexcelerate`` into a scratch environment to compare).

Run: ``python benchmarks/bench_xlsx_candidates.py [--rows 50000] [--workdir bench-out]``
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

from openpyxl import Workbook  # noqa: E402
from openpyxl.cell.cell import Cell  # noqa: E402

from viewer.data.export.xlsx_stream import StreamBook, Styled  # noqa: E402

FORMAT = "yyyy-mm-dd hh:mm:ss"
DAY0 = datetime(1899, 12, 30)


def make_rows(n: int) -> list[list[Any]]:
    """``n`` rows of 18 cells: 2 date-times, 6 numbers, 9 texts, 1 empty."""
    start = datetime(2026, 11, 2, 8)
    rows = []
    for i in range(n):
        begin = start + timedelta(seconds=7 * i)
        rows.append(
            [
                begin,
                begin + timedelta(seconds=40 + i % 300),
                40 + i % 300,
                f"{10000 + i % 500}",
                i % 60,
                "Conversation (all calls)",
                65535,
                "not used",
                i % 7,
                "Conversation ended",
                f"1762{i:09d}",
                f"{100 + i % 40}",
                i % 3 + 1,
                "Voice call",
                f"+49 30 {i % 10_000_000:07d}",
                None,
                f"export-{i // 10_000}.csv",
                i + 2,
            ]
        )
    return rows


def with_openpyxl(rows: Sequence[Sequence[Any]], out: Path) -> None:
    """The reference: openpyxl's write-only mode, values as they are."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Bills")
    for row in rows:
        ws.append(row)
    wb.save(out)


def with_stream(rows: Sequence[Sequence[Any]], out: Path) -> None:
    """The project's streaming writer (date-times as styled serials, as the export does)."""
    with out.open("wb") as fp:
        book = StreamBook(fp)
        sheet = book.create_sheet("Bills")
        probe = Cell(sheet.ws)
        probe.number_format = FORMAT
        style = probe._style
        sheet.start()
        for row in rows:
            sheet.append(
                [
                    Styled((v - DAY0) / timedelta(days=1), style) if isinstance(v, datetime) else v
                    for v in row
                ]
            )
        sheet.close()
        book.save()


def with_xlsxwriter(rows: Sequence[Sequence[Any]], out: Path) -> None:
    """XlsxWriter, constant-memory mode (rows flushed as written)."""
    import xlsxwriter  # noqa: PLC0415 - optional

    wb = xlsxwriter.Workbook(str(out), {"constant_memory": True})
    ws = wb.add_worksheet("Bills")
    fmt = wb.add_format({"num_format": FORMAT})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, datetime):
                ws.write_datetime(r, c, value, fmt)
            elif value is not None:
                ws.write(r, c, value)
    wb.close()


def with_pyexcelerate(rows: Sequence[Sequence[Any]], out: Path) -> None:
    """PyExcelerate, the whole sheet from the rows in memory."""
    from pyexcelerate import Workbook as Fast  # noqa: PLC0415 - optional

    wb = Fast()
    wb.new_sheet("Bills", data=[list(r) for r in rows])
    wb.save(str(out))


CANDIDATES: list[tuple[str, str | None, Callable[[Sequence[Sequence[Any]], Path], None]]] = [
    ("openpyxl write-only (reference)", None, with_openpyxl),
    ("viewer.data.export.xlsx_stream", None, with_stream),
    ("XlsxWriter constant_memory", "xlsxwriter", with_xlsxwriter),
    ("PyExcelerate", "pyexcelerate", with_pyexcelerate),
]


def main(argv: list[str] | None = None) -> int:
    """Time every installed candidate on the same rows."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--workdir", type=Path, default=Path("bench-out"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    rows = make_rows(args.rows)
    reference = 0.0
    for name, module, write in CANDIDATES:
        if module and importlib.util.find_spec(module) is None:
            print(f"{name:34} not installed")
            continue
        out = args.workdir / f"candidate-{write.__name__}.xlsx"
        started = time.perf_counter()
        write(rows, out)
        seconds = time.perf_counter() - started
        reference = reference or seconds
        print(
            f"{name:34} {seconds:7.2f} s  {len(rows) / seconds:9,.0f} rows/s  "
            f"ratio {seconds / reference:5.3f}  {out.stat().st_size / 2**20:6.1f} MB"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
