"""A big file imports with ``$TMPDIR`` on a full disk: it is read in one process, not refused.

A file over the two-process threshold is read in two parts, the second by a child process into
a staging file in the temporary folder. With that folder full, the merged import failed with
"the disk is full" although one process needs no staging file and the index builds sort in
memory there. The real command runs (threshold lowered in a runner script, as the crash tests
do) with ``$TMPDIR`` on a real full tmpfs.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

RUNNER = r"""
import sys
from viewer.cli import main
from viewer.data.imports import loading, parallel

if __name__ == "__main__":
    loading.BULK_MIN_BYTES = 0
    loading.PARALLEL_MIN_BYTES = 0
    parallel.usable_cores = lambda: 2
    sys.exit(main(["import", "--db", *sys.argv[1:]]))
"""

BILLS = 200_000


def _bills(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fp:
        for i in range(BILLS):
            fp.write(
                f"tmpfull-{i:06d},1075100312,ECC20190815,{1000 + i % 50},1,0,,"
                f"2026-11-02 {8 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:{i % 60:02d},"
                f"2026-11-02 {8 + i // 3600 % 10:02d}:{i // 60 % 60:02d}:{i % 60:02d},"
                f"3,65535,201,5,12,1,4,10.0.0.1,0,0,{4000000 + i},\n"
            )
    return path


def _mount_full_tmpfs(folder: Path) -> bool:
    folder.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)],
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        return False
    with (folder / "filler").open("wb", buffering=0) as fp:
        try:
            while True:
                fp.write(b"\0" * (64 << 10))
        except OSError:
            pass
    return True


@pytest.mark.skipif(sys.platform != "linux", reason="mounts a tmpfs")
def test_a_big_file_imports_in_one_process_when_tmpdir_is_full(tmp_path: Path) -> None:
    full = tmp_path / "full"
    if not _mount_full_tmpfs(full):
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        data = _bills(tmp_path / "big_agentOprInfo_1.csv")
        runner = tmp_path / "run_import.py"
        runner.write_text(RUNNER)
        db = tmp_path / "bills.sqlite"
        env = {**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(full)}
        env.pop("SQLITE_TMPDIR", None)
        done = subprocess.run(
            [sys.executable, str(runner), str(db), str(data)],
            capture_output=True,
            text=True,
            env=env,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "Traceback" not in done.stderr
        assert f"{BILLS:,} imported" in done.stdout
        with sqlite3.connect(db) as con:
            assert con.execute("SELECT count(*) FROM bill").fetchone()[0] == BILLS
            assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()
        assert sorted(p.name for p in full.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", "-l", str(full)], check=False)
