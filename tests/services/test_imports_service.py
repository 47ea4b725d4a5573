"""The import service (viewer.services.imports): what the window and ``bill-viewer import`` call."""

from __future__ import annotations

import csv
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from viewer.core.errors import ReadOnlyDatabaseError
from viewer.data.db import open_database
from viewer.services.imports import ImportReport, ImportService, ImportStatus


def _record_lines(path: Path) -> int:
    """Lines of a headerless export that hold a record (plain Python, not the importer)."""
    with path.open(encoding="utf-8", newline="") as fp:
        return sum(1 for row in csv.reader(fp) if any(cell.strip() for cell in row))


def test_imports_and_reports_each_file(tmp_path: Path, fixtures_dir: Path) -> None:
    src = fixtures_dir / "no_header.csv"
    db = open_database(tmp_path / "bills.sqlite")
    seen: list[str] = []
    steps: list[tuple[int, int]] = []
    try:
        report = ImportService(db).import_paths(
            [src], progress=lambda d, t: steps.append((d, t)), on_file=lambda f: seen.append(f.path)
        )
        again = ImportService(db).import_paths([src])
    finally:
        db.close()
    assert isinstance(report, ImportReport)
    [f] = report.files
    assert f.status == ImportStatus.IMPORTED and seen == [str(src)]
    assert f.imported == _record_lines(src)
    assert steps[-1] == (2 * src.stat().st_size, 2 * src.stat().st_size)
    assert again.files[0].status == ImportStatus.ALREADY_IMPORTED
    with closing(sqlite3.connect(tmp_path / "bills.sqlite")) as con:
        assert con.execute("SELECT count(*) FROM bill").fetchone()[0] == _record_lines(src)


def test_a_read_only_database_refuses_before_reading(tmp_path: Path, fixtures_dir: Path) -> None:
    path = tmp_path / "bills.sqlite"
    open_database(path).close()
    db = open_database(path, readonly=True)
    try:
        with pytest.raises(ReadOnlyDatabaseError, match="read-only") as caught:
            ImportService(db).import_paths([fixtures_dir / "no_header.csv"])
    finally:
        db.close()
    assert str(caught.value).startswith(str(path)) and "nothing was imported" in str(caught.value)
    with closing(sqlite3.connect(path)) as con:
        assert con.execute("SELECT count(*) FROM source_file").fetchone()[0] == 0
