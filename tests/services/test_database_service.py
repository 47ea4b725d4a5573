"""The database service: how the window and the command line find and open a bill database."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
