"""Issue 15 on the two-process path: verbatim codes and times at the edges read the same in two
parts; a file with lone-CR line ends is read in one part (the child counts LFs)."""

from __future__ import annotations

import json
import logging
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import pytest

from viewer.core.records import ImportStatus
from viewer.data.db import open_database
from viewer.data.imports import loading, parallel
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills

PARALLEL_LOG = "second part copied in"


def export(path: Path, line_end: str) -> Path:
    """3,000 generated bills; every 50th has odd code texts, every 70th a time out of range."""
    lines = []
    for k, row in enumerate(generate_bills(GeneratorConfig(agents=4, seed=11, target_bills=3000))):
        row = list(row)
        if k % 50 == 7:
            row[12], row[17] = "05", "1e3"  # media_type, callIn_out
        if k % 70 == 9:
            row[7] = "1899-12-30 10:00:00"
        lines.append(",".join(row) + line_end)
    path.write_text("".join(lines))
    return path


def stored(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        return {
            "bill": conn.execute("SELECT * FROM bill ORDER BY pk").fetchall(),
            "reject": conn.execute("SELECT line, reason, raw FROM reject ORDER BY line").fetchall(),
        }


def import_into(folder: Path, csv_path: Path) -> tuple[Any, dict[str, list[tuple[Any, ...]]]]:
    folder.mkdir()
    db = open_database(folder / "bills.sqlite")
    try:
        [f] = import_paths(db, [csv_path]).files
    finally:
        db.close()
    return f, stored(folder / "bills.sqlite")


@pytest.mark.parametrize("line_end", ["\n", "\r"])
def test_verbatim_codes_and_edge_times_read_the_same_in_two_parts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    line_end: str,
) -> None:
    path = export(tmp_path / "export.csv", line_end)
    with monkeypatch.context() as m:
        m.setattr(loading, "PARALLEL_MIN_BYTES", 1 << 62)
        one, one_db = import_into(tmp_path / "one", path)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    with caplog.at_level(logging.DEBUG, logger="viewer.data.imports.loading"):
        two, two_db = import_into(tmp_path / "two", path)
    two_parts = any(PARALLEL_LOG in m for m in caplog.messages)
    assert two_parts == (line_end == "\n")  # a lone-CR file is never split
    assert one.status == two.status == ImportStatus.IMPORTED
    assert (two.imported, two.rejected) == (one.imported, one.rejected) == (3000 - 43, 43)
    assert two_db == one_db
    raw = [json.loads(r[-1]) for r in two_db["bill"] if r[-1] is not None]
    assert len(raw) == 60 - sum(1 for k in range(3000) if k % 50 == 7 and k % 70 == 9)
    assert all(r == {"media_type": "05", "call_in_out": "1e3"} for r in raw)
    assert max(r[0] for r in two_db["bill"] if r[-1] is not None) > 2500  # in the second part
    assert all("1900-03-01 00:00:00 to 9999-12-31 23:59:59" in r[1] for r in two_db["reject"])
