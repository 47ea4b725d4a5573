"""The database service: how the window and the command line find and open a bill database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest

import viewer.data.db as data_db
import viewer.services.database as database
from viewer.core.errors import DatabaseError
from viewer.data.labels import set_label
from viewer.services.database import open_database, open_or_read_only


def _deny_writes(monkeypatch: pytest.MonkeyPatch, *paths: Path) -> None:
    """``os.access`` says "not writable" for ``paths``, as on a share mounted read-only."""
    real = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if mode & os.W_OK and Path(str(path)) in paths:
            return False
        return real(path, mode, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(database.os, "access", access)


def test_a_database_this_user_may_write_opens_writable(tmp_path: Path) -> None:
    path = tmp_path / "own.sqlite"
    open_database(path).close()
    db = open_or_read_only(path, create=False)
    try:
        assert not db.readonly
        assert db.path == path.absolute()
    finally:
        db.close()


def test_a_database_it_may_not_write_opens_read_only_and_refuses_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shared"
    folder.mkdir()
    path = folder / "colleague.sqlite"
    open_database(path).close()
    _deny_writes(monkeypatch, path, folder)
    db = open_or_read_only(path, create=False)
    try:
        assert db.readonly
        with pytest.raises(DatabaseError, match="read-only"):
            set_label(db, 3, 201, "Meeting")  # the engine is read-only, not just the flag
    finally:
        db.close()


def test_a_missing_database_is_not_created_when_create_is_false(tmp_path: Path) -> None:
    path = tmp_path / "missing.sqlite"
    with pytest.raises(DatabaseError, match="no such database"):
        open_or_read_only(path, create=False)
    assert not path.exists()


def _ro_bind_mount(source: Path, target: Path) -> bool:
    """Mount ``source`` read-only at ``target`` (root with mount rights only)."""
    target.mkdir()
    if shutil.which("mount") is None:
        return False
    for cmd in (
        ["mount", "--bind", str(source), str(target)],
        ["mount", "-o", "remount,ro,bind", str(target)],
    ):
        if subprocess.run(cmd, capture_output=True, check=False).returncode != 0:
            subprocess.run(["umount", str(target)], capture_output=True, check=False)
            return False
    return True


def test_a_share_that_claims_to_be_writable_is_opened_read_only_when_writing_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some shares say "writable" where writing fails: SQLite's READONLY code (not the words
    of the message) sends the open to read-only."""
    source = tmp_path / "src"
    source.mkdir()
    open_database(source / "m.sqlite").close()
    con = sqlite3.connect(source / "m.sqlite")
    con.execute("PRAGMA journal_mode = delete")  # a WAL file on a read-only share cannot open
    con.close()
    mount = tmp_path / "ro"
    if not _ro_bind_mount(source, mount):
        pytest.skip("needs permission to make a read-only bind mount")
    try:
        monkeypatch.setattr(database, "writable", lambda _path: True)
        monkeypatch.setattr(data_db, "can_write", lambda _path: True)
        with pytest.raises(DatabaseError, match="read-only") as caught:
            open_database(mount / "m.sqlite", create=False)  # writable: fails, as on the share
        assert data_db.sqlite_code(caught.value.__cause__) == data_db.SQLITE_READONLY
        db = open_or_read_only(mount / "m.sqlite", create=False)
        try:
            assert db.readonly
        finally:
            db.close()
    finally:
        if subprocess.run(["umount", str(mount)], capture_output=True, check=False).returncode:
            subprocess.run(["umount", "-l", str(mount)], capture_output=True, check=False)
