"""Driver errors classified by their code (viewer.data.db), never by their words.

The codes a user can act on (busy/locked, read-only, full, I/O error, damaged, cannot open) become
a ``DatabaseError`` naming the file; any other error, one without a code included, is a bug: it
is raised as it is (``user_errors``, the import) or as a ``DatabaseBug`` (``friendly_db_error``),
never a plain message.
"""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError

from viewer.core.errors import DatabaseError, KnownError, ReadOnlyDatabaseError
from viewer.data.db import (
    DatabaseBug,
    friendly_db_error,
    is_known_db_error,
    open_database,
    user_errors,
)
from viewer.data.imports.loading import import_paths

KNOWN = {
    5: "locked by another program",  # SQLITE_BUSY
    6: "locked by another program",  # SQLITE_LOCKED
    8: "read-only",
    10: "could not be read or written",  # SQLITE_IOERR
    11: "not a bill database or it is damaged",  # SQLITE_CORRUPT
    26: "not a bill database or it is damaged",  # SQLITE_NOTADB
    13: "the disk is full",
    14: "cannot be opened",  # SQLITE_CANTOPEN
}


def _coded(code: int | None, message: str) -> sqlite3.Error:
    exc = sqlite3.OperationalError(message)
    if code is not None:
        exc.sqlite_errorcode = code  # type: ignore[attr-defined]  # as the driver sets it
    return exc


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_known_codes_become_a_message_naming_the_file(tmp_path: Path, code: int) -> None:
    err = friendly_db_error(_coded(code, "whatever the driver says"), tmp_path / "b.sqlite")
    assert isinstance(err, DatabaseError)
    assert str(err).startswith(str(tmp_path / "b.sqlite")) and KNOWN[code] in str(err)
    assert "\n" not in str(err)


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (1, "no such column: nope"),  # SQLITE_ERROR: a programming error
        (19, "UNIQUE constraint failed: bill.bill_id"),  # SQLITE_CONSTRAINT
        (None, "database is locked"),  # no code: words alone decide nothing
        (None, "database or disk is full"),
        (None, "attempt to write a readonly database"),
    ],
)
def test_other_errors_stay_bugs(tmp_path: Path, code: int | None, words: str) -> None:
    exc = _coded(code, words)
    assert not is_known_db_error(exc)
    err = friendly_db_error(exc, tmp_path / "b.sqlite")
    assert isinstance(err, DatabaseBug) and not isinstance(err, KnownError)
    with pytest.raises(sqlite3.OperationalError), user_errors(tmp_path / "b.sqlite"):
        raise exc


def test_a_read_only_error_is_its_own_kind(tmp_path: Path) -> None:
    err = friendly_db_error(_coded(8 | (3 << 8), "attempt to write"), tmp_path / "b.sqlite")
    assert isinstance(err, ReadOnlyDatabaseError)


def test_a_real_programming_error_is_not_a_users(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    try:
        with pytest.raises(DBAPIError) as caught, db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT no_such_column FROM bill")
    finally:
        db.close()
    assert not is_known_db_error(caught.value)
    assert isinstance(friendly_db_error(caught.value, db.path), DatabaseBug)


def test_a_real_locked_database_is_a_users(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    holder = sqlite3.connect(db.path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another program writing
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA busy_timeout = 50")
            with pytest.raises(DatabaseError, match="locked"), user_errors(db.path):
                conn.exec_driver_sql("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    finally:
        holder.close()
        db.close()


def test_a_programming_error_during_an_import_is_raised_not_reported(
    tmp_path: Path, fixtures_dir: Path
) -> None:
    # A table the code relies on is gone (as if a query of this program named a wrong one):
    # the import must not turn that into one file's "failed" line; it is a bug.
    src = fixtures_dir / "bad_lines.csv"
    db = open_database(tmp_path / "bills.sqlite")
    try:
        with contextlib.closing(sqlite3.connect(db.path)) as con:
            con.execute("DROP TABLE reject")
            con.commit()
        with pytest.raises(Exception) as caught:
            import_paths(db, [src])
        assert not isinstance(caught.value, KnownError)
        assert "no such table: reject" in str(caught.value)
        with db.engine.connect() as conn:  # and the file's transaction was rolled back
            assert conn.exec_driver_sql("SELECT count(*) FROM bill").scalar() == 0
            assert conn.exec_driver_sql("SELECT count(*) FROM source_file").scalar() == 0
    finally:
        db.close()
