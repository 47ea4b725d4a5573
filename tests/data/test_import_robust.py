"""Importing never hangs, never does work out of proportion to the bytes, reports every path.

FIFOs and devices are refused, folder entries that cannot be read are reported, zips of many
members are read without re-reading the archive per member, a file of blank lines gives progress
throughout, stale staging folders go at the start of every import, two imports of the same file
at once store it once, and the index builds look at the temporary folder SQLite really uses.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest

from viewer.core.records import ImportReport, ImportStatus
from viewer.data import db as db_module
from viewer.data.db import Database, open_database
from viewer.data.imports import parallel
from viewer.data.imports.loading import import_paths
from viewer.data.imports.parallel import STAGING_PREFIX
from viewer.demo.generator import GeneratorConfig, generate_bills

REPO = Path(__file__).resolve().parents[2]


def bill_lines(n: int, seed: int = 1) -> list[bytes]:
    """``n`` distinct bill lines as the platform exports them."""
    out = []
    config = GeneratorConfig(seed=seed, agents=200, days=1 + n // 40_000)
    for row in itertools.islice(generate_bills(config), n):
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(row)
        out.append(text.getvalue().encode())
    assert len(out) == n
    return out


def import_in_thread(db: Database, paths: list[Path], seconds: float = 20) -> ImportReport:
    """Import in a thread and fail (instead of hanging the suite) if it does not end."""
    result: list[ImportReport] = []
    worker = threading.Thread(target=lambda: result.append(import_paths(db, paths)), daemon=True)
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"import of {paths} still running after {seconds} s"
    return result[0]


# --- 1. what is not a regular file -------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_named_as_a_file_is_refused_at_once(db: Database, tmp_path: Path) -> None:
    fifo = tmp_path / "bills.csv"
    os.mkfifo(fifo)
    [f] = import_in_thread(db, [fifo]).files
    assert f.status == ImportStatus.FAILED
    assert str(fifo) in f.message and "FIFO" in f.message and "\n" not in f.message


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_dev_zero_is_refused_at_once(db: Database) -> None:
    [f] = import_in_thread(db, [Path("/dev/zero")]).files
    assert f.status == ImportStatus.FAILED
    assert f.message == (
        "/dev/zero: a device, not a file; only files, zips and folders are imported"
    )


# --- 3. folder entries that cannot be read ------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs and symbolic links")
def test_folder_import_reports_dangling_links_loops_and_fifos(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "good.csv").write_bytes(b"".join(bill_lines(3)))
    (folder / "dangling.csv").symlink_to(folder / "gone.csv")
    (folder / "loop.csv").symlink_to(folder / "loop.csv")
    os.mkfifo(folder / "pipe.csv")
    report = import_in_thread(db, [folder])
    by_path = {Path(f.path).name: f for f in report.files}
    assert by_path["good.csv"].status == ImportStatus.IMPORTED
    assert by_path["good.csv"].imported == 3
    for name, words in (
        ("dangling.csv", "which does not exist"),
        ("loop.csv", "loops back on itself"),
        ("pipe.csv", "named pipe (FIFO)"),
    ):
        f = by_path[name]
        assert f.status == ImportStatus.FAILED, name
        assert str(folder / name) in f.message and words in f.message, f.message
    assert not report.ok


def test_the_command_exits_1_for_a_folder_with_a_dangling_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from viewer.cli import main

    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "good.csv").write_bytes(b"".join(bill_lines(2)))
    (folder / "dangling.csv").symlink_to(folder / "gone.csv")
    assert main(["import", "--db", str(tmp_path / "b.sqlite"), str(folder)]) == 1
    assert f"{folder / 'dangling.csv'}: a symbolic link to" in capsys.readouterr().out


# --- 2. zips of many members and blank-line bombs -----------------------------------------


def test_a_zip_of_many_members_reads_its_directory_a_fixed_number_of_times(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Work counted, not timed: opening the archive again for each member made N members cost
    N reads of an N-entry directory (time in N squared)."""
    path = tmp_path / "many.zip"
    lines = bill_lines(300)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for i, line in enumerate(lines):
            zf.writestr(f"m{i:04d}.csv", line)
    reads = []
    real = zipfile.ZipFile._RealGetContents  # type: ignore[attr-defined]

    def counting(self: zipfile.ZipFile) -> None:
        reads.append(1)
        real(self)

    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", counting)
    report = import_paths(db, [path])
    assert [f.status for f in report.files] == [ImportStatus.IMPORTED] * 300
    assert report.total("imported") == 300
    assert len(reads) <= 3  # listing the members, then one archive kept open for all of them


def test_a_zip_of_blank_lines_reports_progress_throughout_and_imports_its_bill(
    db: Database, tmp_path: Path
) -> None:
    """One bill and 8 MiB of newlines: progress (and with it Cancel) at least once a MiB."""
    path = tmp_path / "bomb.zip"
    size = 8 << 20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("bomb.csv", bill_lines(1)[0] + b"\n" * size)
    reading: list[int] = []

    def progress(done: int, total: int) -> None:
        if total // 2 < done < total:  # hashing counts the first half
            reading.append(done)

    [f] = import_paths(db, [path], progress=progress).files
    assert f.status == ImportStatus.IMPORTED and f.imported == 1 and f.rejected == 0
    assert len(reading) >= 7, reading


# --- 7. the temporary folder SQLite really uses -------------------------------------------


def test_sqlite_temp_dir_follows_sqlites_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = tmp_path / "sqlite_tmp", tmp_path / "tmp"
    first.mkdir()
    second.mkdir()
    monkeypatch.setenv("TMPDIR", str(second))
    monkeypatch.delenv("SQLITE_TMPDIR", raising=False)
    assert db_module.sqlite_temp_dir() == second
    monkeypatch.setenv("SQLITE_TMPDIR", str(first))
    assert db_module.sqlite_temp_dir() == first
    monkeypatch.delenv("SQLITE_TMPDIR")
    monkeypatch.delenv("TMPDIR")
    assert str(db_module.sqlite_temp_dir()) in ("/var/tmp", "/usr/tmp", "/tmp", ".")


def _mount_tmpfs(folder: Path, size: str) -> bool:
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    return done.returncode == 0


def _fill(folder: Path) -> None:
    """Fill a file system until it is full."""
    with (folder / "filler").open("wb", buffering=0) as fp:
        try:
            while True:
                fp.write(b"\0" * (64 << 10))
                fp.flush()
        except OSError:
            pass


FULL_TMPDIR_SCRIPT = r"""
import sys
from viewer.data.imports import loading
from viewer.data.db import open_database
loading.BULK_MIN_BYTES = 0
loading.INDEX_BUILD_CACHE_KIB = 64  # small sorter runs: they spill to temporary files
db = open_database(sys.argv[1])
[f] = loading.import_paths(db, [sys.argv[2]]).files
print(f.status, f.imported, f.message)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="mounts a tmpfs")
def test_an_import_with_tmpdir_on_a_full_disk_builds_its_indexes_in_memory(
    tmp_path: Path,
) -> None:
    """``$TMPDIR`` full: the free-space check looks there (not at Python's fallback /tmp) and
    sorts in memory, so the index builds do not fail with "disk is full"."""
    full = tmp_path / "full"
    if not _mount_tmpfs(full, "256k"):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        _fill(full)
        data = tmp_path / "bills.csv"
        data.write_bytes(b"".join(bill_lines(20_000)))
        env = {**os.environ, "TMPDIR": str(full), "PYTHONPATH": str(REPO)}
        env.pop("SQLITE_TMPDIR", None)
        out = subprocess.run(
            [sys.executable, "-c", FULL_TMPDIR_SCRIPT, str(tmp_path / "b.sqlite"), str(data)],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )
        assert out.stdout.strip() == f"{ImportStatus.IMPORTED} 20000", out.stdout + out.stderr
    finally:
        subprocess.run(["umount", "-l", str(full)], check=False)


# --- 8. staging clean-up, one ledger entry ------------------------------------------------


def test_every_import_removes_staging_left_by_a_killed_process(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    stale = folder / f"{STAGING_PREFIX}{gone.pid}-abc"
    stale.mkdir()
    (stale / "stage.sqlite").write_bytes(b"x" * 1000)
    small = tmp_path / "small.csv"
    small.write_bytes(b"".join(bill_lines(5)))
    [f] = import_paths(db, [small]).files  # a small file: no second process of its own
    assert f.status == ImportStatus.IMPORTED
    assert not stale.exists()
    assert parallel.STAGING_PREFIX == STAGING_PREFIX


SAME_FILE_SCRIPT = r"""
import sys, time
from pathlib import Path
from viewer.data.db import open_database
from viewer.data.imports.loading import import_paths
go = Path(sys.argv[3])
while not go.exists():
    time.sleep(0.001)
db = open_database(sys.argv[1])
[f] = import_paths(db, [sys.argv[2]]).files
print(f.status)
"""


def test_the_same_file_imported_twice_at_once_is_stored_once(tmp_path: Path) -> None:
    db_path = tmp_path / "b.sqlite"
    open_database(db_path).close()
    data = tmp_path / "bills.csv"
    data.write_bytes(b"".join(bill_lines(20_000)))
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAME_FILE_SCRIPT, str(db_path), str(data), str(go)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    time.sleep(0.5)  # both started and waiting (the file below starts them together)
    go.touch()
    outs = sorted(p.communicate(timeout=120)[0].strip() for p in procs)
    assert outs == sorted([ImportStatus.IMPORTED, ImportStatus.ALREADY_IMPORTED])
    db = open_database(db_path)
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM source_file").scalar() == 1
            assert conn.exec_driver_sql("SELECT count(*) FROM bill").scalar() == 20_000
    finally:
        db.close()
