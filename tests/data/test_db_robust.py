"""Opening and writing databases: one line for what a user can act on, never a traceback.

Locked and read-only databases give the same words to every command that writes; a database on
a read-only mount is opened read-only and read; three processes creating one database all
succeed; a dropped table, an over-long file name and a full disk each give one line.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.errors import DatabaseError
from viewer.data import db as db_module
from viewer.data.db import open_database
from viewer.data.imports.loading import import_paths

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
READ_ONLY = "the database is read-only"
LOCKED = "the database is locked by another program; try again"


def make_db(path: Path) -> Path:
    """A bill database with the six bills of ``no_header.csv``."""
    db = open_database(path)
    try:
        import_paths(db, [FIXTURES / "no_header.csv"])
    finally:
        db.close()
    return path


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


WRITING_COMMANDS = [
    ["labels", "set", "3", "201", "Lunch"],
    ["labels", "unset", "3", "201"],
    ["time-zone", "UTC+08:00"],
    ["time-zone", "--clear"],
    ["import", str(FIXTURES / "cols21.csv")],
]


# --- 4. locked and read-only: the words import uses ---------------------------------------


@pytest.fixture
def locked_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database another program holds the write lock of (and a short busy wait)."""
    path = make_db(tmp_path / "bills.sqlite")
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200, raising=False)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield path
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=" ".join)
def test_writing_to_a_locked_database_says_locked(
    locked_db: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run([*command[:1], "--db", str(locked_db), *command[1:]], capsys)
    text = out + err
    assert status == 1, text
    assert LOCKED in text and "Traceback" not in text, text


@pytest.mark.parametrize("command", WRITING_COMMANDS, ids=" ".join)
def test_writing_to_a_read_only_database_says_read_only(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The decision "cannot write this file" made (as for a read-only file or mount), the
    database is opened with ``mode=ro`` for real and the commands that write say so."""
    path = make_db(tmp_path / "bills.sqlite")
    monkeypatch.setattr(db_module, "can_write", lambda _p: False, raising=False)
    status, out, err = run([*command[:1], "--db", str(path), *command[1:]], capsys)
    text = out + err
    assert status == 1, text
    assert READ_ONLY in text and "Traceback" not in text, text
    assert str(path) in text


def test_reading_commands_work_on_a_database_that_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_db(tmp_path / "bills.sqlite")
    monkeypatch.setattr(db_module, "can_write", lambda _p: False, raising=False)
    db = open_database(path)
    try:
        assert db.readonly
    finally:
        db.close()
    status, out, _ = run(["stats", "--db", str(path)], capsys)
    assert status == 0 and "bills:     6" in out
    status, out, _ = run(["labels", "list", "--db", str(path)], capsys)
    assert status == 0 and "type 3" in out
    status, out, _ = run(["time-zone", "--db", str(path)], capsys)
    assert status == 0 and out.startswith("times are shown")


def test_an_error_that_is_not_the_users_keeps_its_traceback(tmp_path: Path) -> None:
    from viewer.data.db import user_errors

    db = open_database(tmp_path / "bills.sqlite")
    try:
        with (
            pytest.raises(Exception) as caught,
            user_errors(db.path),
            db.engine.connect() as conn,
        ):
            conn.exec_driver_sql("SELECT no_such_column FROM bill")
        assert not isinstance(caught.value, DatabaseError)
    finally:
        db.close()


# --- 5. a read-only mount -----------------------------------------------------------------


@pytest.fixture
def read_only_mount(tmp_path: Path) -> Iterator[Path]:
    """A folder with a bill database (WAL mode), bind-mounted read-only."""
    source, target = tmp_path / "source", tmp_path / "ro"
    source.mkdir()
    target.mkdir()
    make_db(source / "bills.sqlite")
    assert not (source / "bills.sqlite-shm").exists()
    done = subprocess.run(["mount", "--bind", str(source), str(target)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        subprocess.run(
            ["mount", "-o", "remount,bind,ro", str(target)], check=True, capture_output=True
        )
        yield target / "bills.sqlite"
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


@pytest.mark.skipif(sys.platform != "linux", reason="bind mounts")
def test_a_database_on_a_read_only_mount_is_read(
    read_only_mount: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_database(read_only_mount)
    try:
        assert db.readonly
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM bill").scalar() == 6
    finally:
        db.close()
    status, out, err = run(["stats", "--db", str(read_only_mount)], capsys)
    assert status == 0 and "bills:     6" in out, out + err
    for command in WRITING_COMMANDS:
        status, out, err = run([*command[:1], "--db", str(read_only_mount), *command[1:]], capsys)
        assert status == 1 and READ_ONLY in out + err and "Traceback" not in out + err, command


# --- 6. creating at once, long names, dropped tables --------------------------------------

CREATE_SCRIPT = r"""
import sys, time
from pathlib import Path
from viewer.core.errors import KnownError
from viewer.data.db import open_database
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.0005)
try:
    open_database(sys.argv[1]).close()
except KnownError as exc:
    print(exc)
    sys.exit(1)
print("ok")
"""


def test_three_processes_creating_one_database_all_open_it(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for round_no in range(4):
        path, go = tmp_path / f"new{round_no}.sqlite", tmp_path / f"go{round_no}"
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", CREATE_SCRIPT, str(path), str(go)],
                stdout=subprocess.PIPE,
                text=True,
                env=env,
            )
            for _ in range(3)
        ]
        time.sleep(0.5)  # all three waiting for the signal below
        go.touch()
        outs = [p.communicate(timeout=60)[0].strip() for p in procs]
        assert outs == ["ok", "ok", "ok"], outs
        db = open_database(path)
        try:
            assert db.meta_get("schema_version") is not None
        finally:
            db.close()


def test_a_file_name_too_long_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = tmp_path / ("b" * 300 + ".csv")
    status, out, err = run(["import", "--db", str(tmp_path / "b.sqlite"), str(name)], capsys)
    assert status == 1 and "Traceback" not in out + err
    assert f"{name}: cannot read (File name too long)" in out


@pytest.mark.parametrize("command", [["stats"], ["summary"], ["labels", "list"]], ids=" ".join)
def test_a_database_without_its_bill_table_is_one_line(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_db(tmp_path / "bills.sqlite")
    with sqlite3.connect(path) as con:
        con.execute("DROP TABLE bill")
    con.close()
    status, out, err = run([*command[:1], "--db", str(path), *command[1:]], capsys)
    assert status == 1, out + err
    assert err == (
        f"bill-viewer: {path}: damaged bill database: table(s) bill missing; "
        "import into a new database\n"
    )


# --- 8. a database that could not be created is removed -----------------------------------


@pytest.mark.skipif(sys.platform != "linux", reason="mounts a tmpfs")
def test_a_database_that_cannot_be_created_on_a_full_disk_is_not_left_empty(
    tmp_path: Path,
) -> None:
    full = tmp_path / "full"
    full.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(full)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        with (full / "filler").open("wb", buffering=0) as fp:
            try:
                while True:
                    fp.write(b"\0" * 4096)
                    fp.flush()
            except OSError:
                pass
        path = full / "bills.sqlite"
        with pytest.raises(DatabaseError, match="disk is full"):
            open_database(path)
        assert sorted(p.name for p in full.iterdir()) == ["filler"]
    finally:
        subprocess.run(["umount", "-l", str(full)], check=False)
