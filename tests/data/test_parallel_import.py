"""Tests of reading a big file in two parts at once (viewer.data.imports.parallel).

The parallel path is forced on small files (thresholds patched to zero) and must give exactly
what the sequential path gives: the same bill table (primary keys included), rejects, conflicts,
ledger counts and file report. Where the split point matters it is injected by patching
``loading._split_point``. Every test starts real child processes ("spawn").
"""

from __future__ import annotations

import csv
import io
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from viewer.core.records import COLUMNS, FileReport, ImportStatus
from viewer.core.tasks import CancelToken
from viewer.data.db import Database, open_database
from viewer.data.imports import loading, parallel
from viewer.data.imports.loading import import_paths
from viewer.data.imports.parallel import STAGING_PREFIX, PartReader, PartResult
from viewer.data.imports.sources import Source
from viewer.demo.generator import GeneratorConfig, generate_bills

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures"
PLAIN_FIXTURES = sorted(
    p.name
    for p in FIXTURES.glob("*.csv")
    if p.name not in ("empty.csv", "binary.csv") and "_call_" not in p.name
)
PARALLEL_LOG = "second part copied in"
FALLBACK_LOG = "reading it again in one part"


@pytest.fixture
def staging_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary folder of its own, to see the staging files come and go."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


@pytest.fixture
def force_parallel(monkeypatch: pytest.MonkeyPatch, staging_dir: Path) -> None:
    """Every plain file is read in two parts (bulk mode, two cores), however small."""
    monkeypatch.setattr(loading, "BULK_MIN_BYTES", 0)
    monkeypatch.setattr(loading, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)


@pytest.fixture
def results(monkeypatch: pytest.MonkeyPatch) -> list[PartResult]:
    """The child processes' results, as the importer received them."""
    seen: list[PartResult] = []
    wait = PartReader.wait

    def recording(self: PartReader, *args: Any, **kwargs: Any) -> PartResult:
        result = wait(self, *args, **kwargs)
        seen.append(result)
        return result

    monkeypatch.setattr(PartReader, "wait", recording)
    return seen


def split_at(monkeypatch: pytest.MonkeyPatch, offset: int) -> None:
    monkeypatch.setattr(loading, "_split_point", lambda source, layout: offset)


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Everything an import stores, in a comparable form (reject and conflict ids aside)."""

    def rows(sql: str) -> list[tuple[Any, ...]]:
        with db.engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(sql)]

    return {
        "bill": rows("SELECT * FROM bill ORDER BY pk"),
        "reject": rows("SELECT source_id, line, reason, raw FROM reject ORDER BY line, id"),
        "conflict": rows(
            "SELECT bill_id, source_id, line, fields, differs FROM conflict ORDER BY id"
        ),
        "source_file": rows(
            "SELECT id, name, size, sha256, rows_read, imported, duplicates, conflicts, "
            "rejected, message FROM source_file ORDER BY id"
        ),
        "index": rows("SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"),
    }


def summary(report: FileReport) -> tuple[Any, ...]:
    return (
        report.status,
        report.rows_read,
        report.imported,
        report.duplicates,
        report.conflicts,
        report.rejected,
        report.message,
        [(i.line, i.reason, i.raw) for i in report.rejects],
    )


def import_into(
    folder: Path, paths: list[Path], **kwargs: Any
) -> tuple[list[FileReport], dict[str, list[tuple[Any, ...]]]]:
    folder.mkdir(parents=True, exist_ok=True)
    db = open_database(folder / "bills.sqlite")
    try:
        report = import_paths(db, paths, **kwargs)
        return report.files, snapshot(db)
    finally:
        db.close()


def both_ways(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *paths: Path, **kwargs: Any
) -> tuple[list[FileReport], dict[str, Any], list[FileReport], dict[str, Any]]:
    """Import ``paths`` sequentially (one part) and then in two parts, into fresh databases."""
    with monkeypatch.context() as m:
        m.setattr(loading, "PARALLEL_MIN_BYTES", 1 << 62)
        one, one_db = import_into(tmp_path / "one", list(paths), **kwargs)
    two, two_db = import_into(tmp_path / "two", list(paths), **kwargs)
    return one, one_db, two, two_db


def assert_same(one: list[FileReport], one_db: dict, two: list[FileReport], two_db: dict) -> None:
    assert [summary(f) for f in two] == [summary(f) for f in one]
    for table in one_db:
        assert two_db[table] == one_db[table], table
    for f in two:
        assert f.rows_read == f.imported + f.duplicates + f.rejected


def write_lines(path: Path, lines: list[bytes], *, bom: bool = False) -> Path:
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"".join(lines))
    return path


def csv_line(fields: list[str], delimiter: str = ",", crlf: bool = False) -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerow(fields)
    return out.getvalue().encode()


def bills(n: int, seed: int = 21) -> list[list[str]]:
    return list(generate_bills(GeneratorConfig(agents=12, seed=seed, target_bills=n)))


def line_start(path: Path, line: int) -> int:
    """Byte offset where physical line ``line`` (1-based) starts."""
    data = path.read_bytes()
    offset = 0
    for _ in range(line - 1):
        offset = data.index(b"\n", offset) + 1
    return offset


HEADER = list(COLUMNS)


def messy_export(path: Path, n: int = 4000, *, crlf: bool = True) -> Path:
    """A header, a BOM, CR LF, and in both halves rejects, extra columns, quoted fields of two
    lines, stray quotes, short rows, a GB18030 line and blank lines."""
    rows = bills(n)
    lines = [csv_line(HEADER, crlf=crlf)]
    for k, r in enumerate(rows):
        kind = k % 97
        if kind == 5:
            lines.append(csv_line(r[:10], crlf=crlf))  # too few columns
        elif kind == 11:
            lines.append(csv_line([*r, "extra1", "extra2"], crlf=crlf))  # kept aside
        elif kind == 17:
            r[16] = "room 3\nsecond floor"  # one bill over two lines
            lines.append(csv_line(r, crlf=crlf))
        elif kind == 23:
            r[16] = '"61234'  # a stray quote: rejected, the bills after it kept
            lines.append((",".join(r) + ("\r\n" if crlf else "\n")).encode())
        elif kind == 29:
            lines.append(csv_line(r[:17], crlf=crlf))  # an older export's 17 columns
        elif kind == 31:
            r[7] = "2026-02-30 08:00:00"  # no such day
            lines.append(csv_line(r, crlf=crlf))
        elif kind == 37:
            r[16] = "会议室3号"
            lines.append(csv_line(r, crlf=crlf).decode().encode("gb18030"))  # not UTF-8
        elif kind == 41:
            lines.append(b"\r\n" if crlf else b"\n")  # a blank line
            lines.append(csv_line(r, crlf=crlf))
        elif kind == 43:
            r[0] = ""
            lines.append(csv_line(r, crlf=crlf))  # empty bill id
        else:
            lines.append(csv_line(r, crlf=crlf))
    return write_lines(path, lines, bom=True)


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG, logger="viewer.data.imports.loading"):
        yield caplog


def used_two_parts(log: pytest.LogCaptureFixture) -> bool:
    return any(PARALLEL_LOG in m for m in log.messages)


def fell_back(log: pytest.LogCaptureFixture) -> bool:
    return any(FALLBACK_LOG in m for m in log.messages)


# --- the same result both ways ----------------------------------------------------------------


@pytest.mark.usefixtures("force_parallel")
def test_messy_export_reads_the_same_in_two_parts(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    debug_log: pytest.LogCaptureFixture,
    results: list[PartResult],
) -> None:
    path = messy_export(tmp_path / "messy.csv")
    one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert used_two_parts(debug_log) and not fell_back(debug_log)
    assert_same(one, one_db, two, two_db)
    [f] = two
    assert f.status == ImportStatus.IMPORTED
    assert f.rejected > 100 and f.imported > 3000
    assert "header row recognised" in f.message and "extra trailing columns" in f.message
    [result] = results
    assert result.first_line > 1000 and result.rejected > 0 and result.extra_lines > 0
    assert not result.qt_loaded, "the child process loaded Qt"
    # the bills of the second part come after those of the first, in file order
    lines = [row[23] for row in two_db["bill"]]
    assert lines == sorted(lines)
    assert [row[0] for row in two_db["bill"]] == list(range(1, len(lines) + 1))


@pytest.mark.usefixtures("force_parallel")
@pytest.mark.parametrize("crlf", [False, True])
def test_generated_export_in_two_parts_everywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture, crlf: bool
) -> None:
    """The split at a few places, one of them right after the header: always the same result."""
    path = messy_export(tmp_path / "messy.csv", 600, crlf=crlf)
    with monkeypatch.context() as m:
        m.setattr(loading, "PARALLEL_MIN_BYTES", 1 << 62)
        want = import_into(tmp_path / "one", [path])
    for k, line in enumerate((2, 3, 150, 301, 302, 550)):
        split_at(monkeypatch, line_start(path, line))
        got = import_into(tmp_path / f"two-{k}", [path])
        assert_same(*want, *got)


@pytest.mark.usefixtures("force_parallel")
@pytest.mark.parametrize("name", PLAIN_FIXTURES)
def test_fixture_reads_the_same_in_two_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    assert_same(*both_ways(tmp_path, monkeypatch, FIXTURES / name))


@pytest.mark.usefixtures("force_parallel")
def test_fixtures_into_one_database_read_the_same_in_two_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files after the first: bills numbered on, duplicates of earlier files found."""
    paths = [FIXTURES / n for n in ("no_header.csv", "comma_header.csv", "duplicate_ids.csv")]
    paths += [messy_export(tmp_path / "messy.csv", 800)]
    assert_same(*both_ways(tmp_path, monkeypatch, *paths))


@pytest.mark.usefixtures("force_parallel")
def test_import_on_a_worker_thread_reads_in_two_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    """The window imports on a worker thread: the child process starts from there too."""
    path = messy_export(tmp_path / "messy.csv", 1500)
    with monkeypatch.context() as m:
        m.setattr(loading, "PARALLEL_MIN_BYTES", 1 << 62)
        want = import_into(tmp_path / "one", [path])
    got: list[Any] = []
    worker = threading.Thread(target=lambda: got.append(import_into(tmp_path / "two", [path])))
    worker.start()
    worker.join(120)
    assert used_two_parts(debug_log)
    assert_same(*want, *got[0])


# --- where the parts meet ---------------------------------------------------------------------


@pytest.mark.usefixtures("force_parallel")
@pytest.mark.parametrize("second_line", [True, False])
def test_record_of_two_lines_across_the_split_is_read_in_one_part(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    debug_log: pytest.LogCaptureFixture,
    staging_dir: Path,
    second_line: bool,
) -> None:
    """A quoted field of two lines right where the file is split: read again in one part."""
    rows = bills(400)
    rows[200][16] = "room 3\nsecond floor"
    path = write_lines(tmp_path / "across.csv", [csv_line(r) for r in rows])
    # line 201 holds the record's first line, line 202 its second
    split_at(monkeypatch, line_start(path, 202 if second_line else 201))
    one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert fell_back(debug_log)
    assert_same(one, one_db, two, two_db)
    [f] = two
    assert (f.imported, f.rejected) == (400, 0)
    bill = next(b for b in two_db["bill"] if b[1] == rows[200][0])
    assert (bill[17], bill[23]) == ("room 3\nsecond floor", 201)
    assert list(staging_dir.iterdir()) == []


@pytest.mark.usefixtures("force_parallel")
@pytest.mark.parametrize("where", ["before", "after"])
def test_reject_where_the_parts_meet_is_read_in_one_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture, where: str
) -> None:
    rows = bills(300)
    lines = [csv_line(r) for r in rows]
    lines[149] = csv_line(rows[149][:8])  # line 150: too few columns
    path = write_lines(tmp_path / "reject.csv", lines)
    split_at(monkeypatch, line_start(path, 151 if where == "before" else 150))
    one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert fell_back(debug_log)
    assert_same(one, one_db, two, two_db)
    assert [(i.line, "too few columns" in i.reason) for i in two[0].rejects] == [(150, True)]


@pytest.mark.usefixtures("force_parallel")
def test_stray_quotes_before_the_split_do_not_stop_the_two_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    """A quote that never closes, shortly before the split, is rejected as in one part."""
    rows = bills(300)
    lines = [csv_line(r) for r in rows]
    for k in (140, 146, 148):
        lines[k] = (",".join([*rows[k][:16], '"61234', *rows[k][17:]]) + "\n").encode()
    path = write_lines(tmp_path / "stray.csv", lines)
    split_at(monkeypatch, line_start(path, 151))
    one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert used_two_parts(debug_log) and not fell_back(debug_log)
    assert_same(one, one_db, two, two_db)
    assert [i.line for i in two[0].rejects] == [141, 147, 149]


@pytest.mark.usefixtures("force_parallel")
def test_duplicates_across_the_parts_are_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    """The second part repeats bills of the first: the file is read again the careful way."""
    rows = bills(600)
    changed = list(rows[10])
    changed[16] = "somewhere else"
    lines = [csv_line(r) for r in rows] + [csv_line(rows[5]), csv_line(changed)]
    path = write_lines(tmp_path / "dups.csv", lines)
    one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert used_two_parts(debug_log) and any("row by row" in m for m in debug_log.messages)
    assert_same(one, one_db, two, two_db)
    [f] = two
    assert (f.rows_read, f.imported, f.duplicates, f.conflicts) == (602, 600, 2, 1)
    assert [c[0] for c in two_db["conflict"]] == [changed[0]]


@pytest.mark.usefixtures("force_parallel")
def test_first_part_with_blank_lines_numbers_the_bills_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug_log: pytest.LogCaptureFixture
) -> None:
    """Blank lines in the first part: the child's numbering guess is wrong, the copy fixes it."""
    rows = bills(300)
    lines = [csv_line(r) for r in rows]
    lines[10:10] = [b"\n", b"\n"]
    path = write_lines(tmp_path / "blank.csv", lines)
    one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert used_two_parts(debug_log)
    assert_same(one, one_db, two, two_db)
    assert [b[0] for b in two_db["bill"]] == list(range(1, 301))


# --- when the child cannot do its part --------------------------------------------------------


@pytest.mark.usefixtures("force_parallel")
def test_child_error_falls_back_to_one_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    job = loading._part_job

    def broken(*args: Any) -> Any:
        real = job(*args)
        return type(real)(**{**real.__dict__, "bill_ddl": "CREATE TABLE bill (oops"})

    monkeypatch.setattr(loading, "_part_job", broken)
    path = messy_export(tmp_path / "messy.csv", 500)
    with caplog.at_level(logging.WARNING, logger="viewer.data.imports.loading"):
        one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert any("could not be read" in m and "OperationalError" in m for m in caplog.messages)
    assert_same(one, one_db, two, two_db)


@pytest.mark.usefixtures("force_parallel")
def test_killed_child_falls_back_to_one_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    start = PartReader.start

    def start_and_kill(self: PartReader, job: Any) -> None:
        self._process.kill()
        self._process.join(5)
        start(self, job)

    monkeypatch.setattr(PartReader, "start", start_and_kill)
    path = messy_export(tmp_path / "messy.csv", 500)
    with caplog.at_level(logging.WARNING, logger="viewer.data.imports.loading"):
        one, one_db, two, two_db = both_ways(tmp_path, monkeypatch, path)
    assert any("ended without a result" in m for m in caplog.messages)
    assert_same(one, one_db, two, two_db)


def test_process_start_failure_reads_in_one_part(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    force_parallel: None,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def cannot(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("no processes here")

    monkeypatch.setattr(PartReader, "__init__", cannot)
    with caplog.at_level(logging.WARNING, logger="viewer.data.imports.loading"):
        files, _ = import_into(tmp_path / "db", [FIXTURES / "no_header.csv"])
    assert [(f.status, f.imported) for f in files] == [(ImportStatus.IMPORTED, 6)]
    assert any("cannot start a second process" in m for m in caplog.messages)


# --- cancel, progress, clean-up ---------------------------------------------------------------


@pytest.mark.usefixtures("force_parallel")
def test_cancel_while_both_parts_are_read(
    tmp_path: Path, staging_dir: Path, results: list[PartResult]
) -> None:
    path = messy_export(tmp_path / "big.csv", 30_000)
    size = path.stat().st_size
    token = CancelToken()
    seen: list[int] = []

    def progress(done: int, total: int) -> None:
        seen.append(done)
        if done > size + size // 5:  # hashed, and a fifth read
            token.set()

    files, db = import_into(tmp_path / "db", [path], progress=progress, cancel=token)
    assert [f.status for f in files] == [ImportStatus.CANCELLED]
    assert db["bill"] == [] and db["reject"] == [] and db["source_file"] == []
    assert {n for n, _ in db["index"]} >= {str(i.name) for i in loading.BILL_INDEXES}
    assert results == [], "the importer did not wait for the child: it stopped it"
    assert multiprocessing.active_children() == []
    assert list(staging_dir.iterdir()) == []


@pytest.mark.usefixtures("force_parallel")
def test_progress_counts_both_parts_and_reaches_the_total(
    tmp_path: Path, debug_log: pytest.LogCaptureFixture, staging_dir: Path
) -> None:
    # Big enough that the first part alone is read in several batches: the bar moves while
    # reading even when the second process finishes first (a loaded machine).
    path = messy_export(tmp_path / "big.csv", 60_000)
    size = path.stat().st_size
    seen: list[tuple[int, int]] = []
    files, _ = import_into(tmp_path / "db", [path], progress=lambda d, t: seen.append((d, t)))
    assert used_two_parts(debug_log)
    assert files[0].status == ImportStatus.IMPORTED
    assert seen[-1] == (2 * size, 2 * size)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    reading = [d - size for d, _ in seen if size < d < 2 * size]
    assert len(reading) >= 2
    assert list(staging_dir.iterdir()) == []
    assert multiprocessing.active_children() == []


def test_stale_staging_folders_are_removed(staging_dir: Path) -> None:
    dead = staging_dir / f"{STAGING_PREFIX}999999999-abc"  # no such process
    mine = staging_dir / f"{STAGING_PREFIX}{os.getpid()}-abc"
    alive = staging_dir / f"{STAGING_PREFIX}1-abc"  # process 1 always runs
    old = staging_dir / f"{STAGING_PREFIX}1-old"
    other = staging_dir / "somebody-else"
    for folder in (dead, mine, alive, old, other):
        folder.mkdir()
        (folder / "stage.sqlite").write_bytes(b"half a database")
    os.utime(old, (time.time() - 2 * parallel.STALE_SECONDS,) * 2)
    parallel.remove_stale_staging()
    kept = [mine, alive, other] if os.name == "posix" else [dead, mine, alive, other]
    assert sorted(p.name for p in staging_dir.iterdir()) == sorted(p.name for p in kept)


@pytest.mark.usefixtures("force_parallel")
def test_stale_staging_folder_does_not_disturb_an_import(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, staging_dir: Path
) -> None:
    stale = staging_dir / f"{STAGING_PREFIX}999999999-abc"
    stale.mkdir()
    (stale / "stage.sqlite").write_bytes(b"not a database")
    files, db = import_into(tmp_path / "db", [messy_export(tmp_path / "m.csv", 500)])
    assert files[0].status == ImportStatus.IMPORTED and db["bill"]
    assert list(staging_dir.iterdir()) == []


KILL_SCRIPT = r"""
import sys, time
from pathlib import Path
from viewer.data.imports import loading, parallel
from viewer.data.db import open_database
loading.PARALLEL_MIN_BYTES = loading.BULK_MIN_BYTES = 0
parallel.usable_cores = lambda: 2
def progress(done, total):
    if done > total // 2:  # hashed: reading
        print("reading", flush=True)
        time.sleep(60)  # killed here, inside the file's transaction
db = open_database(sys.argv[1])
loading.import_paths(db, [sys.argv[2]], progress=progress)
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_killed_importer_leaves_nothing_that_matters(tmp_path: Path, staging_dir: Path) -> None:
    """The importing process killed mid-file: no bills of the file, and the next import works."""
    path = messy_export(tmp_path / "big.csv", 20_000)
    db_path = tmp_path / "db" / "bills.sqlite"
    env = {**os.environ, "TMPDIR": str(staging_dir), "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(db_path), str(path)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            assert proc.stdout.readline().strip() == "reading"
            assert [p.name.startswith(STAGING_PREFIX) for p in staging_dir.iterdir()] == [True]
        finally:
            proc.kill()
            proc.wait(30)
    db = open_database(db_path)
    try:
        assert snapshot(db)["bill"] == [] and snapshot(db)["source_file"] == []
        with pytest.MonkeyPatch.context() as m:
            m.setattr(loading, "PARALLEL_MIN_BYTES", 0)
            m.setattr(loading, "BULK_MIN_BYTES", 0)
            m.setattr(parallel, "usable_cores", lambda: 2)
            report = import_paths(db, [path])
        assert report.files[0].status == ImportStatus.IMPORTED
        assert len(snapshot(db)["bill"]) == report.files[0].imported > 15_000
    finally:
        db.close()
    # the killed process's staging folder went with the next import
    deadline = time.time() + 30  # its orphaned child may still be finishing
    while list(staging_dir.iterdir()) and time.time() < deadline:
        parallel.remove_stale_staging()
        time.sleep(0.2)
    assert list(staging_dir.iterdir()) == []


# --- when a file is read in one part ------------------------------------------------------------


def test_only_big_plain_files_in_bulk_on_two_cores_are_split(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = loading.PARALLEL_MIN_BYTES
    plain = Source("a.csv", "a.csv", big, tmp_path / "a.csv")
    member = Source("z.zip!a.csv", "a.csv", big, tmp_path / "z.zip", "a.csv")
    small = Source("s.csv", "s.csv", big - 1, tmp_path / "s.csv")
    monkeypatch.setattr(parallel, "usable_cores", lambda: 2)
    assert loading._parallel_worthwhile(plain, bulk=True)
    assert not loading._parallel_worthwhile(plain, bulk=False)
    assert not loading._parallel_worthwhile(member, bulk=True)  # zip members: one part
    assert not loading._parallel_worthwhile(small, bulk=True)
    monkeypatch.setattr(parallel, "usable_cores", lambda: 1)
    assert not loading._parallel_worthwhile(plain, bulk=True)


@pytest.mark.usefixtures("force_parallel")
def test_zip_members_are_read_in_one_part(
    tmp_path: Path, debug_log: pytest.LogCaptureFixture, staging_dir: Path
) -> None:
    csv_path = messy_export(tmp_path / "messy.csv", 500)
    zip_path = tmp_path / "export.zip"
    with zipfile.ZipFile(zip_path, "w") as zf:
        zf.write(csv_path, "messy.csv")
    files, _ = import_into(tmp_path / "db", [zip_path])
    assert files[0].status == ImportStatus.IMPORTED
    assert not used_two_parts(debug_log)


@pytest.mark.usefixtures("force_parallel")
def test_already_imported_file_ends_the_waiting_child(
    tmp_path: Path, staging_dir: Path, results: list[PartResult]
) -> None:
    path = messy_export(tmp_path / "m.csv", 500)
    db = open_database(tmp_path / "bills.sqlite")
    try:
        import_paths(db, [path])
        started = time.perf_counter()
        [f] = import_paths(db, [path]).files
        assert f.status == ImportStatus.ALREADY_IMPORTED
        assert time.perf_counter() - started < 5
    finally:
        db.close()
    assert len(results) == 1  # only the first import had a part read
    assert multiprocessing.active_children() == []
    assert list(staging_dir.iterdir()) == []


def test_child_module_needs_neither_sqlalchemy_nor_qt() -> None:
    code = (
        "import sys, viewer.data.imports.parallel; "
        "print(sorted(m for m in ('sqlalchemy', 'PySide6', 'shiboken6') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True
    )
    assert out.stdout.strip() == "[]"


UNGUARDED_SCRIPT = r"""
import sys
from viewer.data.imports import loading, parallel
from viewer.data.db import open_database
loading.PARALLEL_MIN_BYTES = loading.BULK_MIN_BYTES = 0
parallel.usable_cores = lambda: 2
db = open_database(sys.argv[1])
report = loading.import_paths(db, [sys.argv[2]])
print("imported", report.files[0].imported, flush=True)
"""


def test_a_script_without_main_guard_imports_the_file_once(
    tmp_path: Path, staging_dir: Path
) -> None:
    """Spawn re-runs an unguarded script in the child: that child must not import the file."""
    path = messy_export(tmp_path / "big.csv", 5_000)
    script = tmp_path / "unguarded.py"
    script.write_text(UNGUARDED_SCRIPT)
    db_path = tmp_path / "db" / "bills.sqlite"
    env = {**os.environ, "TMPDIR": str(staging_dir), "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [sys.executable, str(script), str(db_path), str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    printed = [line for line in proc.stdout.splitlines() if line.startswith("imported")]
    assert len(printed) == 1, proc.stdout  # the parent only: the child stopped at its start
    db = open_database(db_path)
    try:
        state = snapshot(db)
        assert len(state["source_file"]) == 1
        assert len(state["bill"]) == int(printed[0].split()[1]) > 4_000
    finally:
        db.close()
