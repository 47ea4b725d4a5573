"""A killed import leaves a consistent database, nothing behind, and imports again exactly.

A real importing process (``bill-viewer import`` through ``viewer.cli.main``) kills itself with
SIGKILL at a named point (``viewer.data.imports.loading.TEST_STOP_ENV``, so the point is
deterministic): after hashing, after the first rows of a file, before the index builds of a bulk
load, and with the second part of a two-process read staged but not copied in. Then:
``PRAGMA integrity_check`` is ok, the bills are exactly those the ledger counts, no staging
folder or temporary file is left, and importing again gives the same bills as an import that was
never interrupted.
"""

from __future__ import annotations

import csv
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from viewer.data.imports.loading import TEST_STOP_ENV
from viewer.data.schema import BILL_FIELDS
from viewer.demo.generator import GeneratorConfig, generate_bills

REPO = Path(__file__).resolve().parents[2]

RUNNER = r"""
import sys
from viewer.cli import main
from viewer.data.imports import loading, parallel

if __name__ == "__main__":
    if sys.argv[1] == "parallel":  # big files are read in two processes, however small
        loading.PARALLEL_MIN_BYTES = 0
        parallel.usable_cores = lambda: 2
    sys.exit(main(["import", "--db", *sys.argv[2:]]))
"""


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fp:
        csv.writer(fp, lineterminator="\n").writerows(rows)
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A file read row by row (12,000 bills) and one loaded in bulk (over 4 MiB)."""
    folder = tmp_path_factory.mktemp("exports")
    rows = list(itertools.islice(generate_bills(GeneratorConfig(agents=400, days=1)), 45_000))
    assert len(rows) == 45_000
    small = _write(folder / "a_small.csv", rows[:12_000])
    big = _write(folder / "b_big.csv", rows[12_000:])
    assert big.stat().st_size > 4 << 20
    return small, big


def _run(
    tmp_path: Path, db: Path, files: list[Path], *, parallel: bool, stop: str | None
) -> subprocess.CompletedProcess[str]:
    runner = tmp_path / "run_import.py"
    runner.write_text(RUNNER)
    temp = tmp_path / "tmp"
    temp.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temp)}
    env.pop("SQLITE_TMPDIR", None)
    env.pop(TEST_STOP_ENV, None)
    if stop:
        env[TEST_STOP_ENV] = stop
    mode = "parallel" if parallel else "plain"
    return subprocess.run(
        [sys.executable, str(runner), mode, str(db), *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )


def _bills(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as con:
        rows = con.execute(f"SELECT {', '.join(BILL_FIELDS)} FROM bill ORDER BY bill_id").fetchall()
    con.close()
    return rows


@pytest.fixture(scope="module")
def uninterrupted(
    tmp_path_factory: pytest.TempPathFactory, exports: tuple[Path, Path]
) -> list[tuple[Any, ...]]:
    folder = tmp_path_factory.mktemp("reference")
    db = folder / "bills.sqlite"
    done = _run(folder, db, list(exports), parallel=False, stop=None)
    assert done.returncode == 0, done.stdout + done.stderr
    return _bills(db)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize(
    ("stop", "parallel", "files_kept"),
    [
        ("hashed", False, 0),  # early: the first file hashed, nothing written
        ("rows", False, 0),  # mid-file: the first rows of the first file inserted
        # the second file (bulk) about to rebuild the indexes
        pytest.param("indexes", False, 1, marks=pytest.mark.slow),
        # the second file's second part staged by the child process
        pytest.param("part", True, 1, marks=pytest.mark.slow),
    ],
)
def test_a_killed_import_is_consistent_and_imports_again_exactly(
    tmp_path: Path,
    exports: tuple[Path, Path],
    uninterrupted: list[tuple[Any, ...]],
    stop: str,
    parallel: bool,
    files_kept: int,
) -> None:
    db = tmp_path / "bills.sqlite"
    killed = _run(tmp_path, db, list(exports), parallel=parallel, stop=stop)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr

    temp = tmp_path / "tmp"
    deadline = time.monotonic() + 30  # an orphaned child removes its staging when it sees
    while list(temp.iterdir()) and time.monotonic() < deadline:  # the importer gone
        time.sleep(0.05)
    assert list(temp.iterdir()) == []

    with sqlite3.connect(db) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        ledger = con.execute("SELECT name, imported FROM source_file ORDER BY id").fetchall()
        bills = con.execute("SELECT count(*) FROM bill").fetchone()[0]
    con.close()
    assert [name for name, _ in ledger] == [p.name for p in exports][:files_kept]
    assert bills == sum(n for _, n in ledger)

    again = _run(tmp_path, db, list(exports), parallel=parallel, stop=None)
    assert again.returncode == 0, again.stdout + again.stderr
    assert _bills(db) == uninterrupted
    assert list(temp.iterdir()) == []
