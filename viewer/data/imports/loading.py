"""Loading bill exports (CSV files, zips of CSVs, folders) into the database.

One transaction per file: a cancel, an error or a killed process leaves the whole file or none of
it. A file whose SHA-256 is already in the ledger is reported at once (unless forced). Every line
is imported, counted as a duplicate (or conflict) of a stored bill, or rejected with its reason.

On PostgreSQL (a team database) the same rules hold; the backend's writer stages the file's
bills with ``COPY`` and merges them at the end (``viewer.data.backend.postgres_bulk``), a lock
per file content stands in for SQLite's write lock, and the bill indexes are never dropped (a
shared database, and one process: the two-process read is SQLite's).
"""

from __future__ import annotations

import heapq
import json
import logging
import multiprocessing
import os
import shutil
import signal
import time
import zipfile
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from datetime import datetime
from itertools import islice
from operator import attrgetter
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from viewer.core.columns import CODE_FIELDS
from viewer.core.errors import KnownError, NotABillExportError
from viewer.core.records import FileReport, ImportReport, ImportStatus, RowIssue
from viewer.core.tasks import Cancelled, CancelToken, ProgressFn, no_progress
from viewer.core.timefmt import from_epoch
from viewer.data.backend import BulkWriter, ErrorKind
from viewer.data.backend.postgres_bulk import NulCharacterError, StagingBulkWriter
from viewer.data.backend.sqlite import SQLITE
from viewer.data.db import (
    CACHE_KIB,
    Database,
    begin_immediate,
    friendly_db_error,
    is_known_db_error,
)
from viewer.data.imports import ledger, messages, parallel
from viewer.data.imports.csv_source import Edges, Layout, find_split, open_bill_stream
from viewer.data.imports.parallel import PartJob, PartReader, merged_rows
from viewer.data.imports.sources import Source, Unusable, expand_paths, sha256_of, zips_kept_open
from viewer.data.schema import BILL_FIELDS, BILL_INDEXES

log = logging.getLogger(__name__)

MAX_REPORTED_REJECTS = 1000
"""Rejects kept in memory per file for the report; all of them are stored in the database."""

_CODE_AT = {BILL_FIELDS.index(name): name for name in CODE_FIELDS}


def _verbatim(raw_codes: str | None) -> dict[str, str]:
    """The verbatim codes of a row (``bill.raw_codes``, JSON), by field name."""
    return json.loads(raw_codes) if raw_codes else {}


def _code_text(value: object, verbatim: dict[str, str], name: str) -> str:
    """A code field's exported text: verbatim where kept so, else the integer's (or stored) text."""
    if name in verbatim:
        return verbatim[name]
    return "" if value is None else str(value)


def _as_exported(fields: list[Any], raw_codes: str | None) -> list[Any]:
    """The 21 fields as exported text: times turned back, codes as written (conflict records)."""
    out = list(fields)
    out[7] = from_epoch(out[7])
    out[8] = from_epoch(out[8])
    verbatim = _verbatim(raw_codes)
    for i, name in _CODE_AT.items():
        out[i] = _code_text(out[i], verbatim, name)
    return out


def _norm(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _differs(
    old: Sequence[Any], old_raw: str | None, new: Sequence[Any], new_raw: str | None
) -> list[str]:
    """Names of the fields where a stored bill and a newly read copy differ.

    Codes compare by their exported text, exactly: ``"05"`` is not ``"5"`` (the one is kept
    verbatim, the other stored as 5). Other fields compare with surrounding blanks ignored.
    """
    old_codes, new_codes = _verbatim(old_raw), _verbatim(new_raw)
    out = []
    for i, (name, a, b) in enumerate(zip(BILL_FIELDS, old, new, strict=True)):
        code = _CODE_AT.get(i)
        if code is not None:
            if _code_text(a, old_codes, code) != _code_text(b, new_codes, code):
                out.append(name)
        elif _norm(a) != _norm(b):
            out.append(name)
    return out


def _raw_codes_of(row: Sequence[Any]) -> str | None:
    """The ``raw_codes`` of a row read from a file (``Batch``: only wide rows carry it)."""
    return row[23] if len(row) > 23 else None


class _FileImport:
    """The work of importing one source inside one transaction."""

    def __init__(
        self,
        conn: Connection,
        writer: BulkWriter | StagingBulkWriter,
        source_id: int,
        report: FileReport,
    ) -> None:
        self.conn = conn
        self.writer = writer
        self.sid = source_id
        self.report = report
        self.staging = isinstance(writer, StagingBulkWriter)

    def add_rows(self, rows: list[list[Any]], *, wide: bool) -> None:
        """Insert rows; those whose bill id is stored already become duplicates or conflicts."""
        if not rows:
            return
        if self.staging:  # merged at the end (``finish``)
            assert isinstance(self.writer, StagingBulkWriter)
            try:
                self.writer.stage_bills(rows, wide=wide)
            except NulCharacterError as exc:
                raise NulCharacterError(f"{self.report.path}: {exc}") from exc
            self.report.rows_read += len(rows)
            return
        inserted = self.writer.insert_bills(rows, wide=wide)
        self.report.imported += inserted
        self.report.rows_read += len(rows)
        if inserted < len(rows):
            self._find_duplicates(rows)

    def _find_duplicates(self, rows: list[list[Any]]) -> None:
        """Tell apart the rows just inserted from copies of bills already stored."""
        assert not isinstance(self.writer, StagingBulkWriter)
        stored = {row[2]: row for row in self.writer.stored_bills([r[0] for r in rows])}
        conflicts: list[tuple[Any, ...]] = []
        for r in rows:
            s = stored.get(r[0])
            if s is None or (s[0] == self.sid and s[1] == r[21]):
                continue
            self._duplicate(r, s, conflicts)
        if conflicts:
            self.writer.insert_conflicts(conflicts)

    def _duplicate(
        self, r: Sequence[Any], s: Sequence[Any], conflicts: list[tuple[Any, ...]]
    ) -> None:
        """Count a copy ``r`` of the stored bill ``s``; a conflict when their fields differ."""
        self.report.duplicates += 1
        differs = _differs(s[2:23], s[23], r[:21], _raw_codes_of(r))
        if differs:
            self.report.conflicts += 1
            conflicts.append(
                (
                    r[0],
                    self.sid,
                    r[21],
                    json.dumps(_as_exported(r[:21], _raw_codes_of(r)), ensure_ascii=False),
                    ",".join(differs),
                )
            )

    def finish(self, cancel: CancelToken) -> None:
        """Merge what a staging writer staged: the new bills, then duplicates and conflicts.

        (PostgreSQL's writer: ``viewer.data.backend.postgres_bulk``; SQLite's wrote as it went.)
        """
        if not self.staging:
            return
        assert isinstance(self.writer, StagingBulkWriter)
        cancel.raise_if_set()
        imported, copies = self.writer.merge_staged()
        self.report.imported += imported
        conflicts: list[tuple[Any, ...]] = []
        for r, s in copies:
            self._duplicate(r, s, conflicts)
            if len(conflicts) >= 5000:
                self.writer.insert_conflicts(conflicts)
                conflicts.clear()
        self.writer.insert_conflicts(conflicts)

    def add_issues(self, issues: list[RowIssue]) -> None:
        """Count and store rejected lines (the first ones also go into the report)."""
        if not issues:
            return
        # Undecodable and oversized lines are found before the rest of their block: sort.
        issues = sorted(issues, key=_by_line)
        self.report.rejected += len(issues)
        self.report.rows_read += len(issues)
        self.report_rejects(issues)
        self.writer.insert_rejects([(i.line, i.reason, i.raw) for i in issues])

    def report_rejects(self, issues: list[RowIssue]) -> None:
        """Keep the first ``MAX_REPORTED_REJECTS`` rejected lines by line (``issues`` sorted)."""
        kept = self.report.rejects
        if not issues or (len(kept) >= MAX_REPORTED_REJECTS and issues[0].line > kept[-1].line):
            return
        merged = heapq.merge(kept, issues[:MAX_REPORTED_REJECTS], key=_by_line)
        kept[:] = islice(merged, MAX_REPORTED_REJECTS)

    def add_part(self, part: PartReader) -> int:
        """Copy in the bills and rejects the child process staged; return its extra lines."""
        result = part.result
        assert result is not None
        next_pk = _max_pk(self.conn)
        first_pk = (part.job.pk_before if next_pk is None else next_pk) + 1
        rejects = part.copy_into(self.writer, first_pk, MAX_REPORTED_REJECTS)
        self.report.imported += result.bills
        self.report.rejected += result.rejected
        self.report.rows_read += result.bills + result.rejected
        self.report_rejects(rejects)
        return result.extra_lines


_by_line = attrgetter("line")


def _max_pk(conn: Connection) -> int | None:
    """The largest ``bill.pk`` stored (None in an empty table): new bills are numbered on."""
    value = conn.execute(ledger.max_pk_statement()).scalar()
    return None if value is None else int(value)


def _forget_earlier_reading(conn: Connection, sha: str, sid: int) -> None:
    """Drop the rejects and conflicts stored by earlier imports of the same content.

    Only a forced re-import reads a content the ledger holds already; it finds the same bad
    lines and the same conflicts again, and those replace the earlier ones instead of being
    counted twice. The earlier ledger rows stay as the history of the imports. Inside the
    file's transaction, so a re-import that fails or is cancelled leaves them as they were.
    """
    earlier = [int(i) for i in conn.execute(ledger.earlier_readings_statement(sha, sid)).scalars()]
    if not earlier:
        return
    for statement in ledger.forget_statements(earlier):
        conn.execute(statement)


def _already_imported(db: Database, sha: str) -> tuple[str, str] | None:
    with db.engine.connect() as conn:
        return _already_imported_in(conn, sha)


def _already_imported_in(conn: Connection, sha: str) -> tuple[str, str] | None:
    row = conn.execute(ledger.first_import_statement(sha)).first()
    return (row[0], row[1]) if row else None


class _AlreadyImported(Exception):
    """The ledger holds the content already (found holding the write lock)."""

    def __init__(self, seen: tuple[str, str]) -> None:
        super().__init__(seen[0])
        self.seen = seen


class _DuplicatesInBulk(Exception):
    """A bulk load met duplicate bill ids; the file is read again the careful way."""


class _SplitUnsafe(Exception):
    """A file read in two parts must be read again in one part.

    Either something may run across the line where the parts meet (a quoted field, a reject:
    the data's doing, nothing to warn about) or the child process failed (``failed``).
    """

    def __init__(self, message: str, *, failed: bool = False) -> None:
        super().__init__(message)
        self.failed = failed


def _reset_counts(report: FileReport) -> None:
    report.rows_read = report.imported = report.duplicates = 0
    report.conflicts = report.rejected = 0
    report.rejects.clear()
    report.message = ""


BULK_MIN_BYTES = 4 << 20
"""Below this a file is small enough that keeping the indexes up to date row by row is cheaper."""


def _bulk_worthwhile(db: Database, source: Source) -> bool:
    """Whether to drop the bill indexes, load, and rebuild them (cheaper for a big file).

    Rebuilding sorts every stored bill, so it pays only when the file brings at least about as
    many bills as the database holds (about 150 bytes a bill).
    """
    if source.size < BULK_MIN_BYTES or db.backend.name != SQLITE.name:
        return False  # a shared (PostgreSQL) database keeps its indexes
    with db.engine.connect() as conn:
        stored = _max_pk(conn) or 0
    return stored <= source.size // 150


PARALLEL_MIN_BYTES = 64 << 20
"""Below this, starting a second process costs more than reading half the file saves.

Measured on Linux: a 38 MB file took 1.80 s in two processes against 2.32 s in one, 2.75 s
against 3.05 s as a frozen bundle. Starting a process costs more on Windows (a frozen app,
antivirus scanning), so the threshold keeps a margin."""

PARALLEL_SHARE = 0.5
"""The part of a file the child process reads (the end of it); the importer reads the rest."""


def _parallel_worthwhile(source: Source, bulk: bool) -> bool:
    """Whether to read the file in two parts at once (see ``viewer.data.imports.parallel``).

    Only a plain file (a zip member cannot be read from its middle) loaded in bulk (the
    careful way looks up each bill as it goes), big enough, on a machine with two cores.
    """
    return (
        bulk
        and source.member is None
        and source.size >= PARALLEL_MIN_BYTES
        and parallel.usable_cores() >= 2
    )


def _split_wish(source: Source) -> int:
    """About where the child process is to start reading (``find_split`` finds the place)."""
    return int(source.size * (1 - PARALLEL_SHARE))


def _split_point(source: Source, layout: Layout) -> int | None:
    """Where the child process starts reading, or None to read the file in one part."""
    with source.path.open("rb") as probe:
        return find_split(probe, layout, _split_wish(source))


def _load(
    db: Database,
    source: Source,
    report: FileReport,
    base: int,
    progress: Callable[[int], None] | None,
    cancel: CancelToken,
    *,
    bulk: bool,
    part: PartReader | None = None,
    force: bool = True,
) -> None:
    """Read one source into the database in one transaction (rolled back on any exception).

    Unless ``force``, the transaction takes the write lock first and raises ``_AlreadyImported``
    when the ledger holds the content (another process imported it meanwhile).

    Given a ``part`` reader, a big file is read in two parts at once, the second by its child
    process (``viewer.data.imports.parallel``); ``_SplitUnsafe`` asks for it to be read again
    in one part.
    """
    with source.open() as fp, db.engine.connect() as conn:
        layout, batches = open_bill_stream(fp, source.display)
        backend = db.backend
        try:
            with ExitStack() as stack, begin_immediate(conn):
                if not force:  # looked at again holding the write lock: two imports at once
                    if conn.dialect.name == "postgresql":  # the lock of this content
                        conn.execute(ledger.content_lock_statement(report.sha256))
                    seen = _already_imported_in(conn, report.sha256)
                    if seen:
                        raise _AlreadyImported(seen)
                now = datetime.now().isoformat(timespec="seconds")
                entry = ledger.new_source_statement(
                    source.ledger_path, source.name, source.size, report.sha256, now
                )
                sid = int(conn.execute(entry).inserted_primary_key[0])
                writer = backend.bulk_writer(conn, sid)
                started, wall = time.perf_counter(), time.time()
                edges: Edges | None = None
                at = _split_point(source, layout) if part is not None and bulk else None
                if part is not None and at is not None:
                    # the child reads from ``at`` on
                    part.start(_part_job(conn, writer, layout, sid, at))
                    edges = Edges()
                    fp.seek(0)
                    layout, batches = open_bill_stream(fp, source.display, limit=at, edges=edges)
                _forget_earlier_reading(conn, report.sha256, sid)
                if bulk:
                    stack.enter_context(backend.settings(conn, cache_size=-BULK_LOAD_CACHE_KIB))
                    for statement in ledger.drop_bill_indexes_statements():
                        conn.execute(statement)
                work = _FileImport(conn, writer, sid, report)
                extra_lines = 0
                for batch in batches:
                    cancel.raise_if_set()
                    extra_lines += batch.extra_lines
                    rows, extra = merged_rows(batch)
                    work.add_rows(rows, wide=extra)
                    work.add_issues(batch.issues)
                    _test_stop("rows")
                    if progress:
                        done = batch.bytes_read + (part.bytes_read() if part else 0)
                        progress(base + done)
                work.finish(cancel)
                if edges is None:  # read in one part (the phases: ``bench_import.py --phases``)
                    log.debug("%s: rows read at %.2f s", source.display, _since(started))
                if part is not None and at is not None and edges is not None:
                    log.debug("%s: first part read at %.2f s", source.display, _since(started))
                    result = part.wait(cancel, lambda n: progress and progress(base + at + n))
                    log.debug(
                        "%s: second part read from %.2f s to %.2f s",
                        source.display,
                        result.began - wall,
                        result.ended - wall,
                    )
                    _test_stop("part")
                    if result.error:
                        raise _SplitUnsafe(
                            f"the second part could not be read ({result.error})", failed=True
                        )
                    if not (edges.tail_plain and result.edges.head_plain):
                        raise _SplitUnsafe(
                            f"a record may run across line {result.first_line} where the parts meet"
                        )
                    try:
                        extra_lines += work.add_part(part)
                    except backend.driver_errors as exc:
                        # Copying the staged part in spills SQLite's statement journal to its
                        # temporary folder; one process needs none: read the file in one part.
                        if backend.error_kind(exc) is not ErrorKind.FULL:
                            raise
                        raise _SplitUnsafe(
                            f"no room to copy the second part in ({exc}; temporary folder "
                            f"{backend.temp_dir()})",
                            failed=True,
                        ) from exc
                    log.debug(
                        "%s: second part copied in at %.2f s", source.display, _since(started)
                    )
                if bulk:
                    cancel.raise_if_set()
                    _test_stop("indexes")
                    cache = _index_build_cache_kib(source.size, backend.temp_dir())
                    settings = {"cache_size": -cache, "threads": INDEX_BUILD_THREADS}
                    with backend.settings(conn, **settings):
                        try:
                            for index in INDEX_BUILD_ORDER:
                                index.create(conn)
                        except IntegrityError as exc:
                            raise _DuplicatesInBulk() from exc
                    log.debug("%s: indexes built at %.2f s", source.display, _since(started))
                notes = []
                if layout.header:
                    notes.append(messages.HEADER_RECOGNISED)
                if extra_lines:
                    notes.append(messages.EXTRA_COLUMNS.format(count=extra_lines))
                if report.conflicts:
                    notes.append(messages.CONFLICTS.format(count=report.conflicts))
                report.message = messages.NOTE_SEPARATOR.join(notes)
                conn.execute(ledger.source_counts_statement(sid, report))
            log.debug("%s: committed at %.2f s", source.display, _since(started))
        finally:
            if part is not None and not part.detach():
                conn.invalidate()


BULK_LOAD_CACHE_KIB = 8192
"""Page cache while a bulk load appends rows (no index to keep: a big cache buys nothing)."""

INDEX_BUILD_CACHE_KIB = 2048
"""Page cache while the bill indexes are built: it is also the size of the sorter's runs.

With the usual big cache a whole index is sorted in memory at the end, on one core; with small
runs the helper threads (``INDEX_BUILD_THREADS``) sort each run while the table is scanned,
and the sorts stay in the processor's caches (measured on 1M bills: 2.9 s -> 1.9 s)."""

INDEX_BUILD_THREADS = 2
"""Helper threads SQLite may use to sort while it builds an index."""

INDEX_BUILD_ORDER = tuple(sorted(BILL_INDEXES, key=lambda index: not index.unique))
"""The bill indexes in the order a bulk load builds them: the unique bill id first.

A file with a duplicate id fails there, before the other indexes are sorted for nothing (at
1M bills about 1.5 s of the 3 s they take), and is read again the careful way."""

INDEX_SORT_BYTES_PER_BYTE = 0.5
"""Temporary sort space the small-run index builds need per byte of the file (1M bills, 166 MB:
about 70 MB), with a margin."""


def _index_build_cache_kib(file_bytes: int, temp_dir: Path | None = None) -> int:
    """The page cache for the index builds: small runs where the temporary folder has room.

    Small runs spill to SQLite's temporary files (in SQLite's temporary folder, ``$TMPDIR`` if
    set: see ``sqlite_temp_dir``; not beside the database); where that folder is short of space
    (a small tmpfs, a nearly full C: drive), the usual cache sorts in memory as before, slower
    but without temporary files.
    """
    try:
        free = shutil.disk_usage(temp_dir or SQLITE.temp_dir()).free
    except OSError:
        free = 0
    if free >= 2 * INDEX_SORT_BYTES_PER_BYTE * file_bytes + (64 << 20):
        return INDEX_BUILD_CACHE_KIB
    return CACHE_KIB


def _since(started: float) -> float:
    return time.perf_counter() - started


def _part_job(conn: Connection, writer: BulkWriter, layout: Layout, sid: int, at: int) -> PartJob:
    """The child's job: read the file from byte ``at`` on, numbered on from the stored bills."""
    return PartJob(
        start=at,
        layout=layout,
        source_id=sid,
        pk_before=_max_pk(conn) or 0,
        header_lines=1 if layout.header else 0,
        bill_ddl=writer.bill_ddl(),
        columns=tuple(map(str, BILL_FIELDS)),  # plain text: the child needs no SQLAlchemy
    )


def _in_child_process() -> bool:
    """Whether this runs in a child process, or while a spawned child re-runs the main script."""
    # While a spawned child re-runs the parent's main script it is not a child yet; it is
    # "inheriting", the flag multiprocessing itself checks to refuse starting processes then.
    inheriting = getattr(multiprocessing.current_process(), "_inheriting", False)
    return multiprocessing.parent_process() is not None or bool(inheriting)


def _spawn_part(db: Database, source: Source) -> PartReader | None:
    """Start the child process for the second part of a big file, if the file is read so.

    Started before the file is hashed, so that the child is ready when the reading starts;
    a file that is not read after all (already imported, cancelled) just ends it.
    """
    try:
        if not _parallel_worthwhile(source, _bulk_worthwhile(db, source)):
            return None
        return PartReader(source.path, _split_wish(source))
    except db.backend.driver_errors as exc:  # the import itself will say what is wrong
        log.info("%s: reading in one part (%s)", source.display, exc)
        return None
    except (OSError, RuntimeError) as exc:
        if _in_child_process():
            # A child that re-ran a script without ``if __name__ == "__main__":`` must not
            # import the file a second time: let multiprocessing say so; the parent reads the
            # file in one part.
            raise
        log.warning(
            "%s: cannot start a second process, reading in one part (%s)", source.display, exc
        )
        return None


def import_source(
    db: Database,
    source: Source,
    *,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
    cancel: CancelToken | None = None,
) -> FileReport:
    """Import one CSV source in one transaction and return its report.

    ``progress`` receives the bytes done so far for this source (hashing counts, then reading).
    Raises ``Cancelled`` after rolling back when ``cancel`` is set.
    """
    part = _spawn_part(db, source)
    try:
        return _import_source(db, source, force, progress, cancel, part)
    finally:
        if part is not None:
            part.close()


def _import_source(
    db: Database,
    source: Source,
    force: bool,
    progress: Callable[[int], None] | None,
    cancel: CancelToken | None,
    part: PartReader | None,
) -> FileReport:
    cancel = cancel or CancelToken()
    report = FileReport(path=source.display)
    done = 0

    def hashed(n: int) -> None:
        nonlocal done
        done += n
        if progress:
            progress(done)

    try:
        report.sha256 = sha256_of(source, hashed, cancel)
    except Cancelled:
        report.status = ImportStatus.CANCELLED
        report.message = messages.CANCELLED.format(name=source.display)
        raise _CancelledWith(report) from None
    except KnownError as exc:
        report.status = ImportStatus.FAILED
        report.message = str(exc)
        return report
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        report.status = ImportStatus.FAILED
        report.message = messages.CANNOT_READ.format(name=source.display, error=exc)
        return report
    if not force:
        seen = _already_imported(db, report.sha256)
        if seen:
            return _already(report, source, seen)
    base = done
    _test_stop("hashed")
    try:
        _load_with_fallbacks(db, source, report, base, progress, cancel, part, force)
    except _AlreadyImported as exc:
        _reset_counts(report)
        return _already(report, source, exc.seen)
    except Cancelled:
        report.status = ImportStatus.CANCELLED
        _reset_counts(report)
        report.message = messages.CANCELLED.format(name=source.display)
        raise _CancelledWith(report) from None
    except NotABillExportError as exc:
        report.status = ImportStatus.NOT_A_BILL_EXPORT
        report.message = str(exc)
    except KnownError as exc:
        report.status = ImportStatus.FAILED
        report.message = str(exc)
    except db.backend.driver_errors as exc:
        if not is_known_db_error(exc, db.backend):
            raise  # a bug: it goes on with its traceback, it is not this file's fault
        report.status = ImportStatus.FAILED
        report.message = f"{source.display}: {friendly_db_error(exc, db.path, db.backend)}"
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        report.status = ImportStatus.FAILED
        report.message = messages.CANNOT_READ.format(name=source.display, error=exc)
    if report.status != ImportStatus.IMPORTED:
        message = report.message
        _reset_counts(report)
        report.message = message
    return report


def _already(report: FileReport, source: Source, seen: tuple[str, str]) -> FileReport:
    report.status = ImportStatus.ALREADY_IMPORTED
    report.message = messages.ALREADY_IMPORTED.format(
        name=source.display, when=seen[1], first=seen[0]
    )
    return report


TEST_STOP_ENV = "BILL_VIEWER_TEST_STOP_AT"
"""Test hook: the importing process kills itself (SIGKILL) at the named point (crash tests).

Points: ``hashed`` (a file hashed, nothing written), ``rows`` (the first rows inserted),
``indexes`` (a bulk load about to rebuild the indexes), ``part`` (a file read in two parts, the
second part staged, not copied in yet)."""


def _test_stop(point: str) -> None:
    """Die at once, as a killed process does, when the crash tests ask for ``point``."""
    if os.environ.get(TEST_STOP_ENV) == point:
        kill = getattr(signal, "SIGKILL", None)
        if kill is not None:
            os.kill(os.getpid(), kill)
        os._exit(137)


def _load_with_fallbacks(
    db: Database,
    source: Source,
    report: FileReport,
    base: int,
    progress: Callable[[int], None] | None,
    cancel: CancelToken,
    part: PartReader | None,
    force: bool = True,
) -> None:
    """``_load`` the fastest way that fits, and again a safer way when that way cannot finish."""
    bulk = _bulk_worthwhile(db, source)
    while True:
        try:
            _load(db, source, report, base, progress, cancel, bulk=bulk, part=part, force=force)
            return
        except _DuplicatesInBulk:
            log.info("%s: duplicate bill ids, importing again row by row", source.display)
            bulk = False
        except _SplitUnsafe as exc:
            log.log(
                logging.WARNING if exc.failed else logging.INFO,
                "%s: %s; reading it again in one part",
                source.display,
                exc,
            )
        part = None  # a part reader reads once
        _reset_counts(report)


class _CancelledWith(Cancelled):
    def __init__(self, report: FileReport) -> None:
        super().__init__()
        self.report = report


def import_paths(
    db: Database,
    paths: Iterable[Path | str],
    *,
    force: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    on_file: Callable[[FileReport], None] | None = None,
) -> ImportReport:
    """Import files, zips and folders; one transaction per CSV, the report lists each.

    ``progress(done_bytes, total_bytes)`` counts hashing and reading (each byte twice, so the
    total is twice the size). On cancel the current file is rolled back, earlier files stay, and
    the report ends with the cancelled file (``Cancelled`` is not raised).

    A big file is read by two processes at once (``viewer.data.imports.parallel``), the second
    one started with multiprocessing's "spawn": like any program that uses it, a script calling
    this function keeps its work under ``if __name__ == "__main__":``, or the second process
    runs the script again before it does its part.
    """
    progress = progress or no_progress
    cancel = cancel or CancelToken()
    parallel.remove_stale_staging()  # what a killed import left behind
    with zips_kept_open():
        return _import_items(db, paths, force, progress, cancel, on_file)


def _import_items(
    db: Database,
    paths: Iterable[Path | str],
    force: bool,
    progress: ProgressFn,
    cancel: CancelToken,
    on_file: Callable[[FileReport], None] | None,
) -> ImportReport:
    items = expand_paths(paths)
    total = sum(2 * s.size for s in items if isinstance(s, Source))
    report = ImportReport()
    offset = 0
    progress(0, total)
    for item in items:
        if isinstance(item, Unusable):
            fr = FileReport(path=item.display, status=item.status, message=item.message)
        else:
            if cancel.is_set():
                break
            start = offset
            try:
                fr = import_source(
                    db,
                    item,
                    force=force,
                    cancel=cancel,
                    progress=lambda n, s=start: progress(s + n, total),
                )
            except _CancelledWith as exc:
                report.files.append(exc.report)
                if on_file:
                    on_file(exc.report)
                break
            offset += 2 * item.size
            progress(offset, total)
        report.files.append(fr)
        if on_file:
            on_file(fr)
    return report
