"""The export streams its sheets into the package: nothing staged, sheets split before 2 GB.

Real exports of a real database, read back with openpyxl (``verify_xlsx`` recomputes the row
hash from the file).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from viewer.core.filters import BillFilter
from viewer.core.tasks import Cancelled, CancelToken
from viewer.data.db import Database, open_database
from viewer.data.export import xlsx_stream
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.verify import verify_xlsx
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


@pytest.fixture(scope="module")
def bills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("streaming")
    write_csv(
        folder / "b.csv", generate_bills(GeneratorConfig(agents=5, seed=3, target_bills=5000))
    )
    db = open_database(folder / "b.sqlite")
    assert import_paths(db, [folder / "b.csv"]).ok
    yield db
    db.close()


def test_nothing_but_the_package_is_written_beside_the_target(
    bills: Database, tmp_path: Path
) -> None:
    """Issue 15: no uncompressed sheet XML staged beside the target while rows are written."""
    seen: list[list[tuple[str, int]]] = []

    def look(done: int, total: int) -> None:
        seen.append(
            sorted(
                (p.relative_to(tmp_path).as_posix(), p.stat().st_size)
                for p in tmp_path.rglob("*")
                if p.is_file()
            )
        )

    out = tmp_path / "o.xlsx"
    export_xlsx(bills, BillFilter(), out, columns=("id", "agent_id", "phone_no"), progress=look)
    assert len(seen) >= 5
    for files in seen[1:-1]:  # while rows are being written
        # the growing workbook, and the empty file whose OS lock marks the export as running
        staged = [(name, size) for name, size in files if not name.endswith("/export.lock")]
        locks = [size for name, size in files if name.endswith("/export.lock")]
        assert len(staged) == 1 and locks == [0], files
        name, _size = staged[0]
        assert name.startswith(".o.xlsx.") and name.endswith(".part/o.xlsx"), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["o.xlsx"]
    assert verify_xlsx(out).ok


def test_bills_continue_on_a_new_sheet_before_the_xml_nears_2_gb(
    bills: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A zip entry past 2 GiB needs ZIP64, which Excel reads badly: the next sheet begins."""
    monkeypatch.setattr(xlsx_stream, "MAX_SHEET_BYTES", 200_000)
    out = tmp_path / "split.xlsx"
    result = export_xlsx(bills, BillFilter(sort="id"), out, columns=("id", "agent_id", "call_id"))
    assert result.rows == 5000
    assert len(result.bill_sheets) >= 3
    wb = openpyxl.load_workbook(out, read_only=True)
    sheets = [list(wb[t].iter_rows(values_only=True)) for t in result.bill_sheets]
    wb.close()
    assert all(rows[0] == ("Bill ID", "Agent", "Call ID") and len(rows) > 1 for rows in sheets)
    ids = [row[0] for rows in sheets for row in rows[1:]]
    assert ids == sorted(ids) and len(set(ids)) == 5000
    assert verify_xlsx(out).ok


def test_cancel_while_rows_stream_leaves_nothing(bills: Database, tmp_path: Path) -> None:
    cancel = CancelToken()

    def progress(done: int, total: int) -> None:
        if done >= 2000:
            cancel.set()

    out = tmp_path / "c.xlsx"
    with pytest.raises(Cancelled):
        export_xlsx(bills, BillFilter(), out, progress=progress, cancel=cancel)
    assert list(tmp_path.iterdir()) == []
