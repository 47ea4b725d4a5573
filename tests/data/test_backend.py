"""The database backend (viewer.data.backend): the driver stays inside it, and what it does.

The SQLite backend is exercised on real database files: pragmas on a new connection, an
interrupt stopping a running query, settings put back, errors classified by their code.
"""

from __future__ import annotations

import ast
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy.exc import DBAPIError, OperationalError

from viewer.data.backend import ErrorKind
from viewer.data.backend.sqlite import CACHE_KIB, SQLITE
from viewer.data.db import open_database
from viewer.data.imports.parallel import read_part

REPO = Path(__file__).resolve().parents[2]
BACKEND = REPO / "viewer" / "data" / "backend"


def _imports(path: Path) -> set[str]:
    """Top-level names of every module ``path`` imports (at any depth of the file)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_backend_imports_the_sqlite3_driver() -> None:
    users = sorted(
        str(p.relative_to(REPO))
        for p in (REPO / "viewer").rglob("*.py")
        if "sqlite3" in _imports(p)
    )
    assert users, "the scan found no importer of sqlite3 at all: it is broken"
    outside = [u for u in users if not (REPO / u).is_relative_to(BACKEND)]
    assert outside == []


def test_the_child_process_loads_no_sqlalchemy() -> None:
    # The import's child process imports the module of its target (and the packages above
    # it), which reaches the staging writer through this package: none may load SQLAlchemy
    # (it would slow every child's start) nor Qt.
    script = (
        "import sys\n"
        f"import {read_part.__module__}\n"
        "import viewer.data.backend.staging\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sqlalchemy', 'PySide6'}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=REPO
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_new_connections_get_the_pragmas(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    try:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -CACHE_KIB
    finally:
        db.close()


def test_settings_are_put_back(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    try:
        with db.engine.connect() as conn:
            with db.backend.settings(conn, cache_size=-1234):
                assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -1234
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -CACHE_KIB
    finally:
        db.close()


def test_interrupt_stops_a_running_query(tmp_path: Path) -> None:
    db = open_database(tmp_path / "bills.sqlite")
    endless = (
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    )
    caught: list[BaseException] = []
    try:
        with db.engine.connect() as conn:
            started = threading.Event()

            def run() -> None:
                started.set()
                try:
                    conn.exec_driver_sql(endless).scalar()
                except DBAPIError as exc:
                    caught.append(exc)

            worker = threading.Thread(target=run)
            worker.start()
            started.wait()
            deadline = time.monotonic() + 20
            while worker.is_alive() and time.monotonic() < deadline:
                time.sleep(0.05)
                db.backend.interrupt(conn)
                worker.join(0.2)
            assert not worker.is_alive()
    finally:
        db.close()
    assert len(caught) == 1 and isinstance(caught[0], OperationalError)
    assert "interrupt" in str(caught[0]).lower()
    assert SQLITE.error_kind(caught[0]) is None  # a cancel, not a user's database error


def _coded(code: int, message: str = "some error") -> sqlite3.Error:
    exc = sqlite3.OperationalError(message)
    exc.sqlite_errorcode = code  # type: ignore[attr-defined]  # as the driver sets it
    return exc


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (5, ErrorKind.LOCKED),  # SQLITE_BUSY
        (6, ErrorKind.LOCKED),  # SQLITE_LOCKED
        (8, ErrorKind.READONLY),
        (10, ErrorKind.IOERR),
        (11, ErrorKind.DAMAGED),  # SQLITE_CORRUPT
        (26, ErrorKind.DAMAGED),  # SQLITE_NOTADB
        (13, ErrorKind.FULL),
        (14, ErrorKind.CANTOPEN),
        (5 | (1 << 8), ErrorKind.LOCKED),  # SQLITE_BUSY_RECOVERY: an extended code
        (10 | (3 << 8), ErrorKind.IOERR),  # SQLITE_IOERR_WRITE
        (1, None),  # SQLITE_ERROR: "no such column", a syntax error: a bug
        (9, None),  # SQLITE_INTERRUPT: a cancel
        (19, None),  # SQLITE_CONSTRAINT
        (21, None),  # SQLITE_MISUSE
    ],
)
def test_error_kind_by_code(code: int, kind: ErrorKind | None) -> None:
    assert SQLITE.error_kind(_coded(code)) is kind


def test_error_kind_ignores_the_words() -> None:
    # An error without a code is never judged by its text: these are misuses, bugs.
    for words in ("database is locked", "disk is full", "attempt to write a readonly database"):
        assert SQLITE.error_kind(sqlite3.OperationalError(words)) is None


def test_real_driver_errors_carry_their_code(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"x" * 4096)
    con = sqlite3.connect(junk)
    try:
        with pytest.raises(sqlite3.DatabaseError) as caught:
            con.execute("SELECT * FROM sqlite_master").fetchall()
    finally:
        con.close()
    assert SQLITE.error_kind(caught.value) is ErrorKind.DAMAGED
    with pytest.raises(sqlite3.OperationalError) as missing:
        sqlite3.connect(tmp_path / "no" / "such" / "folder.sqlite").execute("SELECT 1")
    assert SQLITE.error_kind(missing.value) is ErrorKind.CANTOPEN
