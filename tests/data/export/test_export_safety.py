"""Export safety (issue 15): long file names, a damaged database, a real export killed outright."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.errors import DatabaseError
from viewer.core.filters import BillFilter
from viewer.data.db import open_database
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.target import remove_stale_parts
from viewer.data.export.verify import verify_xlsx
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

REPO = Path(__file__).resolve().parents[3]


def make_db(folder: Path, bills: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    config = GeneratorConfig(agents=20, seed=9, target_bills=bills)
    write_csv(folder / "20261102_safety.csv", generate_bills(config))
    db = open_database(folder / "bills.sqlite")
    try:
        assert import_paths(db, [folder / "20261102_safety.csv"]).ok
    finally:
        db.close()
    return folder / "bills.sqlite"


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_db(tmp_path_factory.mktemp("small"), 200)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


# --------------------------------------------------------------------------------------------
# File names
# --------------------------------------------------------------------------------------------


def test_a_file_name_over_255_bytes_is_one_clear_line(
    small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / ("\u00e9" * 130 + ".xlsx")  # 265 bytes in UTF-8
    code, stdout, err = run_cli(capsys, "export", "--db", small_db, "--out", out)
    assert code == 1 and stdout == ""
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "265 bytes" in err and "at most 255" in err
    assert list(tmp_path.iterdir()) == []


def test_a_long_name_that_fits_is_exported(
    small_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """245 bytes fit the folder; the hidden temporary folder beside it takes a shorter name."""
    out = tmp_path / ("b" * 240 + ".xlsx")
    code, stdout, err = run_cli(
        capsys, "export", "--db", small_db, "--out", out, "--no-investigation"
    )
    assert code == 0, err
    assert verify_xlsx(out).ok
    assert [p.name for p in tmp_path.iterdir()] == [out.name]


# --------------------------------------------------------------------------------------------
# A damaged database
# --------------------------------------------------------------------------------------------


def damage_root_page(path: Path, index: str) -> None:
    """Write bytes over the first page of ``index`` in the database file (as a bad disk would)."""
    with sqlite3.connect(path) as conn:
        page_size = conn.execute("PRAGMA page_size").fetchone()[0]
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = ?", (index,)
        ).fetchone()
    conn.close()
    with path.open("r+b") as fp:
        fp.seek((root - 1) * page_size)
        fp.write(b"\xff" * 16)


def test_a_damaged_page_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = make_db(tmp_path / "db", 200)
    damage_root_page(path, "ix_bill_bill_id")
    db = open_database(path)
    try:
        # the export's own reads never touch that index: without the check it goes unnoticed
        unchecked = export_xlsx(db, BillFilter(), tmp_path / "unchecked.xlsx", check_database=False)
        assert unchecked.rows == 200
        out = tmp_path / "checked.xlsx"
        with pytest.raises(DatabaseError) as caught:
            export_xlsx(db, BillFilter(), out)
        assert not out.exists()
    finally:
        db.close()
    message = str(caught.value)
    assert "damaged" in message and "index ix_bill_bill_id" in message
    assert str(path) in message and "\n" not in message
    code, _, err = run_cli(capsys, "export", "--db", path, "--out", out, "--no-investigation")
    assert code == 1 and "the database is damaged" in err and err.count("\n") == 1
    assert not out.exists()


# --------------------------------------------------------------------------------------------
# A real export killed outright
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield make_db(tmp_path_factory.mktemp("big"), 20_000)


def _part(target: Path) -> list[Path]:
    return list(target.glob(".o.xlsx.*.part"))


def _early(target: Path) -> bool:
    return any((p / "export.lock").exists() for p in _part(target))


def _mid_rows(target: Path) -> bool:
    """Rows are being written: the staged sheet (or a streamed workbook) is growing."""
    for p in _part(target):
        for staged in (p / "sheet1.xml", p / "o.xlsx"):
            try:
                if staged.stat().st_size > 200_000:
                    return True
            except FileNotFoundError:
                continue
    return False


def _saving(target: Path) -> bool:
    return any((p / "o.xlsx").exists() for p in _part(target))


PHASES = {"early": _early, "mid-rows": _mid_rows, "while saving": _saving}


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is a POSIX signal")
@pytest.mark.parametrize("phase", list(PHASES))
def test_sigkill_leaves_nothing_after_the_next_export(
    big_db: Path, tmp_path: Path, phase: str
) -> None:
    target = tmp_path / "target"
    target.mkdir()
    out = target / "o.xlsx"
    env = dict(os.environ)
    env.pop("QT_QPA_PLATFORM", None)
    command = ["export", "--db", big_db, "--out", out, "--columns", "all", "--no-investigation"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "viewer", *(str(a) for a in command)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=REPO,
        env=env,
    )
    reached = PHASES[phase]
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None and not reached(target):
            time.sleep(0.002)
        assert proc.poll() is None, f"the export ended before {phase}"
        assert reached(target)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()  # never a partial target
    assert _part(target)  # what it left behind, hidden, until the next export to that folder
    db = open_database(big_db)
    try:
        result = export_xlsx(db, BillFilter(agents=("nobody",)), out)  # the same name again
    finally:
        db.close()
    assert [p.name for p in target.iterdir()] == ["o.xlsx"]
    assert verify_xlsx(result.path).ok


@pytest.mark.skipif(sys.platform == "win32", reason="fcntl locks are POSIX")
def test_remove_stale_parts_goes_by_the_lock(tmp_path: Path) -> None:
    """A part folder whose lock no process holds is removed at once; a held one is kept."""
    import fcntl

    long_name = "c" * 245 + ".xlsx"  # its folder's name is cut to fit 255 bytes
    dead = tmp_path / f".{'c' * 235}.xlsx.abcd1234.part"
    alive = tmp_path / ".o.xlsx.efgh5678.part"
    unlocked = tmp_path / ".p.xlsx.ijkl9012.part"  # no lock file: an earlier version's, fresh
    for folder, workbook in ((dead, long_name), (alive, "o.xlsx"), (unlocked, "p.xlsx")):
        folder.mkdir()
        (folder / "sheet1.xml").write_text("<x/>")
        (folder / workbook).write_bytes(b"PK")
    (dead / "export.lock").touch()
    (alive / "export.lock").touch()
    with (alive / "export.lock").open("r+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        removed = remove_stale_parts(tmp_path)
    assert removed == [dead]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, unlocked.name])
    stranger = tmp_path / ".q.xlsx.mnop3456.part"  # a file export_xlsx never makes there
    stranger.mkdir()
    (stranger / "export.lock").touch()
    (stranger / "q-notes.xlsx").write_bytes(b"PK")
    # the lock was released (as when its process ends): now that folder goes, the odd one stays
    assert remove_stale_parts(tmp_path) == [alive]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([stranger.name, unlocked.name])
