"""Importing into PostgreSQL (``viewer.data.backend.postgres_bulk``), against a real server.

The reference is SQLite: the same files imported into a SQLite database and into PostgreSQL
give the same reports, bills, rejects, conflicts and ledger. Then two imports at the same
moment, a reader during an import, and a server that drops the import's connection.

Each test gets a fresh database migrated by the application (``pg_url``): bills partitioned by
month, ids unique through ``bill_key``.
Without a server these tests skip; run them with
``pg_virtualenv -t .venv/bin/python -m pytest tests/data/test_pg_import.py``.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from viewer.core.records import FileReport, ImportReport, ImportStatus
from viewer.core.tasks import ProgressFn
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.data.schema import BILL_FIELDS
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

EPOCH = datetime(1970, 1, 1)


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A fresh team database as the application makes it (migrated, bills partitioned by month)."""
    db = open_database(pg_url)
    yield db
    db.close()


def rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _plain(value: object) -> str:
    return "" if value is None else str(value)


def snapshot(db: Database) -> dict[str, Any]:
    """Everything an import stores, comparable across backends (no row keys, names of files)."""
    names = dict(rows(db, "SELECT id, name FROM source_file"))
    fields = ", ".join(BILL_FIELDS)
    bills = [
        (*map(_plain, r[:21]), names[r[21]], r[22], r[23], json.loads(r[24] or "null"))
        for r in rows(
            db, f"SELECT {fields}, source_id, line, extra, raw_codes FROM bill ORDER BY pk"
        )
    ]
    return {
        "bills": bills,
        "rejects": sorted(
            (names[s], line, reason, raw)
            for s, line, reason, raw in rows(db, "SELECT source_id, line, reason, raw FROM reject")
        ),
        "conflicts": sorted(
            (b, names[s], line, json.loads(f), d)
            for b, s, line, f, d in rows(
                db, "SELECT bill_id, source_id, line, fields, differs FROM conflict"
            )
        ),
        "ledger": sorted(
            r[:-1] + (r[-1],)
            for r in rows(
                db,
                "SELECT name, size, sha256, rows_read, imported, duplicates, conflicts, "
                "rejected, message FROM source_file",
            )
        ),
    }


def summary(report: ImportReport) -> list[tuple[Any, ...]]:
    return [
        (
            Path(f.path).name,
            f.status,
            f.rows_read,
            f.imported,
            f.duplicates,
            f.conflicts,
            f.rejected,
            re.sub(r"on \S+ \(as", "on <date> (as", f.message.replace(f.path, "<file>")),
            [(i.line, i.reason, i.raw) for i in f.rejects],
        )
        for f in report.files
    ]


def assert_exact(report: ImportReport) -> None:
    for f in report.files:
        assert f.rows_read == f.imported + f.duplicates + f.rejected, f


BIG = 15000
"""Bills enough for a file read in several blocks (progress between them)."""


def _overlapping_exports(folder: Path, bills: int = 3000) -> tuple[Path, Path]:
    """Two exports sharing a third of their bills, some of those with other values."""
    generated = list(generate_bills(GeneratorConfig(agents=8, target_bills=bills, seed=7)))
    cut = len(generated) // 3
    first, second = [list(r) for r in generated[: 2 * cut]], [list(r) for r in generated[cut:]]
    for row in first[:cut:50]:
        if row[9].isdigit():
            row[9] = "0" + row[9]  # op_type written "05": stored verbatim
    for i, row in enumerate(second[:cut]):
        if i % 10 == 0:
            row[4] = "changed"  # service_no: a conflict
        elif i % 10 == 1 and row[9].isdigit():
            row[9] = "0" + row[9]  # op_type written "05": a conflict by its exported text
    a, b = folder / "day_a.csv", folder / "day_b.csv"
    write_csv(a, first, header=True)
    write_csv(b, second, header=True)
    return a, b


def test_fixtures_and_overlaps_import_as_on_sqlite(
    pg_db: Database, fixtures_dir: Path, tmp_path: Path
) -> None:
    """Fixtures, overlapping exports with conflicts, a forced re-import: all as on SQLite."""
    a, b = _overlapping_exports(tmp_path)
    rounds: list[tuple[list[Path], bool]] = [
        ([fixtures_dir], False),
        ([a, b], False),
        ([fixtures_dir / "duplicate_ids.csv", b], True),  # forced: read again, counted again
        ([a], False),  # already imported
    ]
    reference = open_database(tmp_path / "reference.sqlite")
    try:
        for paths, force in rounds:
            expected = import_paths(reference, paths, force=force)
            got = import_paths(pg_db, paths, force=force)
            assert summary(got) == summary(expected)
            assert_exact(got)
        want = snapshot(reference)
    finally:
        reference.close()
    have = snapshot(pg_db)
    assert have["bills"] == want["bills"]
    assert have["rejects"] == want["rejects"]
    assert have["conflicts"] == want["conflicts"]
    assert have["ledger"] == want["ledger"]
    # the data really had every case in it
    statuses = {f[1] for f in summary(expected)}
    assert ImportStatus.ALREADY_IMPORTED in statuses
    assert want["rejects"] and any("op_type" in c[-1] for c in want["conflicts"])
    assert any(r[-1] and "op_type" in r[-1] for r in want["bills"])
    assert rows(pg_db, "SELECT count(*) FROM bill") == [(len(want["bills"]),)]


def _barrier_progress(barrier: threading.Barrier, *, reading: bool = True) -> ProgressFn:
    """Progress that waits, once, for the other import to be as far (reading, or hashing)."""
    done = [False]

    def progress(now: int, total: int) -> None:
        low, high = (total // 2, total) if reading else (0, total // 2)  # hashing comes first
        if not done[0] and low < now < high:
            done[0] = True
            barrier.wait(timeout=30)

    return progress


def _in_threads(*jobs: Any) -> list[Any]:
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = jobs[i]()
        except BaseException as exc:  # re-raised below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


def test_two_overlapping_imports_at_once_store_each_bill_once(
    pg_db: Database, tmp_path: Path
) -> None:
    """Both imports read at the same time, both reports exact, each bill stored once."""
    a, b = _overlapping_exports(tmp_path, BIG)
    second = Database(
        path=pg_db.path, engine=create_engine(pg_db.engine.url), backend=pg_db.backend
    )
    barrier = threading.Barrier(2)
    try:
        ra, rb = _in_threads(
            lambda: import_paths(pg_db, [a], progress=_barrier_progress(barrier)),
            lambda: import_paths(second, [b], progress=_barrier_progress(barrier)),
        )
    finally:
        second.engine.dispose()
    fa, fb = ra.files[0], rb.files[0]
    assert (fa.status, fb.status) == (ImportStatus.IMPORTED, ImportStatus.IMPORTED)
    assert_exact(ra)
    assert_exact(rb)
    ids_a = {line.split(",")[0] for line in a.read_text().splitlines()[1:]}
    ids_b = {line.split(",")[0] for line in b.read_text().splitlines()[1:]}
    assert fa.imported + fb.imported == len(ids_a | ids_b)
    assert fa.duplicates + fb.duplicates == len(ids_a & ids_b)
    # which one merged first decides whose copies count as conflicts, not how many there are
    assert fa.conflicts + fb.conflicts == len(ids_a & ids_b) // 5
    stored = rows(pg_db, "SELECT bill_id, count(*) FROM bill GROUP BY bill_id HAVING count(*) > 1")
    assert stored == []
    assert rows(pg_db, "SELECT count(*) FROM bill") == [(len(ids_a | ids_b),)]


def test_the_same_file_twice_at_once_is_imported_once(pg_db: Database, tmp_path: Path) -> None:
    """The second import waits for the first (lock of the content) and says it is imported."""
    a, _ = _overlapping_exports(tmp_path, BIG)
    copy = tmp_path / "copy_of_a.csv"
    shutil.copyfile(a, copy)
    second = Database(
        path=pg_db.path, engine=create_engine(pg_db.engine.url), backend=pg_db.backend
    )
    barrier = threading.Barrier(2)
    try:
        ra, rb = _in_threads(
            lambda: import_paths(pg_db, [a], progress=_barrier_progress(barrier, reading=False)),
            lambda: import_paths(
                second, [copy], progress=_barrier_progress(barrier, reading=False)
            ),
        )
    finally:
        second.engine.dispose()
    statuses = sorted(f.status for f in (*ra.files, *rb.files))
    assert statuses == sorted([ImportStatus.IMPORTED, ImportStatus.ALREADY_IMPORTED])
    assert rows(pg_db, "SELECT count(*) FROM source_file") == [(1,)]
    imported = next(f for f in (*ra.files, *rb.files) if f.status == ImportStatus.IMPORTED)
    assert rows(pg_db, "SELECT count(*) FROM bill") == [(imported.imported,)]


def test_a_reader_sees_no_bill_of_a_file_before_it_commits(pg_db: Database, tmp_path: Path) -> None:
    """A reader during an import sees the bills as they were, and the new ones after it."""
    a, b = _overlapping_exports(tmp_path, BIG)
    import_paths(pg_db, [a])
    before = rows(pg_db, "SELECT count(*), max(pk) FROM bill")[0]
    seen: list[int] = []

    def progress(now: int, total: int) -> None:
        seen.append(rows(pg_db, "SELECT count(*) FROM bill")[0][0])

    report = import_paths(pg_db, [b], progress=progress)
    assert len(seen) >= 4 and set(seen[:-1]) == {before[0]}  # the last: the file committed
    after = rows(pg_db, "SELECT count(*) FROM bill")[0][0]
    assert after == before[0] + report.files[0].imported > before[0]


def _terminate_importer(db: Database) -> ProgressFn:
    """Progress that, half-way through the file, has the server end the import's connection."""
    done = [False]

    def progress(now: int, total: int) -> None:
        if done[0] or not total // 2 < now < total:  # reading (hashing is the first half)
            return
        done[0] = True
        with db.engine.connect() as conn:
            me = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            killed = (
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> :me AND state <> 'idle'"
                    ),
                    {"me": me},
                )
                .scalars()
                .all()
            )
        assert killed == [True]

    return progress


def test_connection_lost_mid_import_keeps_nothing_and_the_next_import_works(
    pg_db: Database, tmp_path: Path
) -> None:
    """The server ends the import's connection: the file fails whole, a second try imports it."""
    a, _ = _overlapping_exports(tmp_path, BIG)
    report = import_paths(pg_db, [a], progress=_terminate_importer(pg_db))
    failed: FileReport = report.files[0]
    assert failed.status == ImportStatus.FAILED
    assert failed.message.startswith(f"{a}: ")
    assert "\n" not in failed.message
    assert (failed.rows_read, failed.imported, failed.rejected) == (0, 0, 0)
    assert rows(pg_db, "SELECT count(*) FROM bill") == [(0,)]
    assert rows(pg_db, "SELECT count(*) FROM source_file") == [(0,)]
    again = import_paths(pg_db, [a])
    assert again.files[0].status == ImportStatus.IMPORTED
    assert again.files[0].imported == again.files[0].rows_read > 0
    assert rows(pg_db, "SELECT count(*) FROM bill") == [(again.files[0].imported,)]


def test_a_nul_character_fails_the_file_in_one_line_and_keeps_nothing(
    pg_db: Database, tmp_path: Path
) -> None:
    """SQLite stores a NUL in a field; PostgreSQL cannot: the file fails, saying which line."""
    generated = [list(r) for r in generate_bills(GeneratorConfig(agents=4, target_bills=200))]
    generated[150][16] = "61\x002"  # phone_no
    path = tmp_path / "nul.csv"
    write_csv(path, generated, header=True)
    report = import_paths(pg_db, [path])
    failed = report.files[0]
    assert failed.status == ImportStatus.FAILED
    assert failed.message == (
        f"{path}: line 152: a NUL character in a field, which PostgreSQL cannot store; "
        "nothing of this file was kept"
    )
    assert rows(pg_db, "SELECT count(*) FROM bill") == [(0,)]
    assert rows(pg_db, "SELECT count(*) FROM source_file") == [(0,)]
