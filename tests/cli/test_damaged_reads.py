"""A database damaged inside (a bad index page) gives one line in every command, no traceback.

``stats`` and ``export --no-investigation`` said so, but ``summary``, ``at`` and a plain
``export`` (its Summary and Anomalies sheets are read first) printed a ``sqlite3.DatabaseError``
traceback: the state loader's reads were not classified like the others. The quick check's line
also named the page only ("On tree page 10"), not the index whose root it is. Real file, real
database, a real page overwritten, the real command in a subprocess.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

INDEX = "ix_bill_agent_begin"


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BILL_VIEWER_KEY_DIR": str(tmp_path / "keys")}
    return subprocess.run(
        [sys.executable, "-m", "viewer", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    """A 20,000-bill database whose ``ix_bill_agent_begin`` root page is overwritten."""
    data = tmp_path / "bills_agentOprInfo_1.csv"
    with data.open("w", encoding="utf-8", newline="") as fp:
        for i in range(20_000):
            t = f"2026-11-02 {8 + i // 3600:02d}:{i // 60 % 60:02d}:{i % 60:02d}"
            fp.write(
                f"dmg-{i:06d},1075100312,ECC20190815,{1000 + i % 40},1,0,,{t},{t},"
                f"3,65535,201,5,12,1,4,10.0.0.1,0,0,{4000000 + i % 40},\n"
            )
    db = tmp_path / "bills.sqlite"
    done = _run(tmp_path, "import", "--db", str(db), str(data))
    assert done.returncode == 0, done.stderr
    con = sqlite3.connect(db)
    try:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = con.execute("PRAGMA page_size").fetchone()[0]
        (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (INDEX,))
    finally:
        con.close()
    with db.open("r+b") as fp:
        fp.seek((root[0] - 1) * size + 12)  # the cell pointers after the page header
        fp.write(b"\xff" * 64)
    return db


@pytest.mark.parametrize(
    "args",
    [
        ("summary",),
        ("at", "2026-11-02 09:00"),
        ("at", "2026-11-02 09:00", "--until", "2026-11-02 10:00"),
        ("export", "--out", "{out}"),
        ("export", "--out", "{out}", "--no-investigation"),
    ],
    ids=["summary", "at", "at-until", "export", "export-no-investigation"],
)
def test_a_damaged_database_is_one_line(
    tmp_path: Path, damaged: Path, args: tuple[str, ...]
) -> None:
    out = tmp_path / "out.xlsx"
    done = _run(tmp_path, *(a.format(out=out) for a in args), "--db", str(damaged))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert str(damaged) in lines[0] and "damaged" in lines[0]
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_the_quick_check_names_the_damaged_index(tmp_path: Path, damaged: Path) -> None:
    out = tmp_path / "out.xlsx"
    done = _run(tmp_path, "export", "--out", str(out), "--no-investigation", "--db", str(damaged))
    assert done.returncode == 1
    assert f"index {INDEX}" in done.stderr, done.stderr
