"""Reading a big CSV with both cores: a child process reads the second part of the file.

The importer reads a big plain file in two parts. It reads the first part itself, straight into
the target database inside the file's transaction, while a child process reads the second part
with the same reader (``viewer.data.imports.csv_source``, the layout detected at the file's
start, line numbers counted on from the lines before the split) into a staging SQLite file of
its own (``viewer.data.backend.staging``):
journal off, no indexes. When both are done the importer attaches the staging file and copies
its bills and rejects in with ``INSERT ... SELECT``, at C speed (when the child numbered the
bills right, SQLite copies the stored records as they are).

Why a process and not a thread: the driver releases and takes back the GIL around every row it
writes, so a second busy Python thread makes each row wait for a thread switch. Why SQLite for
the hand-over: pickling rows between processes costs as much as reading them.

The child is started before the file is hashed and counts the lines of the first part while it
waits for its job. The split is made at a line start between two plain bills (``find_split``),
and the reader reports how the parts began and ended (``Edges``); the importer reads the file
again in one part whenever the edges are not plain or the child failed, so the result is always
that of a single read. The staging file lives in a folder of its own in the system's temporary
folder, removed when the file is done; one left by a killed importer is removed by its orphaned
child, else at the start of the next import.

The child runs with the "spawn" start method (never fork: the window runs imports on a thread of
a process that has Qt's threads) and needs only this module and what it imports from
``viewer.core`` and ``viewer.data`` (no SQLAlchemy, no Qt). A frozen application calls
``multiprocessing.freeze_support()`` first thing, so that the child starts as a child.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from viewer.core.records import RowIssue
from viewer.core.tasks import CancelToken
from viewer.data.backend import BulkWriter
from viewer.data.backend.staging import StagingWriter
from viewer.data.imports.csv_source import Batch, Edges, Layout, open_bill_part

log = logging.getLogger(__name__)

STAGING_PREFIX = "bill-viewer-import-"
"""Name start of the temporary folders that hold staging files (``<prefix><pid>-<random>``)."""

STALE_SECONDS = 24 * 3600
"""A staging folder this old is left over from a process that was killed: it is removed."""

POLL_SECONDS = 0.05
"""How often the importer looks at the child's progress and the cancel token while it waits."""

_COUNT_CHUNK = 1 << 20


def usable_cores() -> int:
    """CPU cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        try:
            return len(os.sched_getaffinity(0))
        except OSError:
            pass
    return os.cpu_count() or 1


@dataclass(frozen=True)
class PartJob:
    """What the child needs to read the second part of a file into its staging database."""

    start: int  # byte offset of the part: a line start (see ``find_split``)
    layout: Layout
    source_id: int
    pk_before: int  # the largest ``bill.pk`` before this file
    header_lines: int  # 1 when the file has a header row (it is in the first part)
    bill_ddl: str  # ``CREATE TABLE bill ...`` as the target database has it
    columns: tuple[str, ...]  # the 21 bill fields


@dataclass
class PartResult:
    """What the child did, sent back when it is done."""

    bills: int = 0
    extra_lines: int = 0
    rejected: int = 0
    first_line: int = 0  # physical line number where the part starts
    first_pk: int = 0  # pk of its first bill in the staging table
    edges: Edges = field(default_factory=Edges)
    began: float = 0.0  # ``time.time()`` when the job came, and when it was done
    ended: float = 0.0
    error: str = ""  # empty when the part was read
    qt_loaded: bool = False  # a check for the tests: the child must not load Qt


def merged_rows(batch: Batch) -> tuple[list[list[Any]], bool]:
    """A batch's bills in file order, and whether they carry the ``extra`` and ``raw_codes``.

    Rows with extra trailing columns or verbatim codes are kept apart by the reader; when a
    batch has both kinds, the plain ones get empty ones so that all are written in line order
    (the table's order is the file's, whatever batches the file was cut into).
    """
    if not batch.extra_rows:
        return batch.rows, False
    for row in batch.extra_rows:
        if len(row) == 23:  # no verbatim codes
            row.append(None)
    if not batch.rows:
        return batch.extra_rows, True
    for row in batch.rows:
        row.extend((None, None))
    return sorted(batch.rows + batch.extra_rows, key=lambda r: r[21]), True


class _LineCount:
    """Line ends in a file from its start up to ``offset``, counted a chunk at a time."""

    def __init__(self, fp: Any) -> None:
        self._fp = fp
        self.offset = 0
        self.lines = 0

    def step(self, end: int) -> bool:
        """Count one more chunk towards ``end``; False once there (or at the file's end)."""
        if self.offset >= end:
            return False
        self._fp.seek(self.offset)
        chunk = self._fp.read(min(_COUNT_CHUNK, end - self.offset))
        if not chunk:
            return False
        self.offset += len(chunk)
        self.lines += chunk.count(b"\n")
        return True


def read_part(
    path: str, count_until: int, staging: str, jobs: Connection, sink: Connection, done: Any
) -> None:
    """The child process: wait for a ``PartJob``, read the part into ``staging``, send a result.

    It is started while the importer still hashes the file; meanwhile it counts the lines
    before ``count_until`` (where the split will be, or just before), which it needs for the
    line numbers. ``None`` or a closed ``jobs`` pipe ends it without work. ``done`` is a shared
    integer that it keeps at the bytes of the part read so far.
    """
    if hasattr(signal, "SIGINT"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the importer's to handle
    try:
        with open(path, "rb") as fp:
            count = _LineCount(fp)
            while not jobs.poll() and count.step(count_until):
                pass
            try:
                job: PartJob | None = jobs.recv()
            except EOFError:
                _remove_if_orphaned(staging)
                return
            if job is None:
                return
            began = time.time()
            try:
                if job.start < count.offset:  # not expected: the split is never before
                    count = _LineCount(fp)
                while count.step(job.start):
                    pass
                result = _read_part(fp, job, count.lines, staging, done)
            except _ParentGone:
                shutil.rmtree(Path(staging).parent, ignore_errors=True)  # nobody else will
                return
            except Exception as exc:  # noqa: BLE001 - reported; the file is read in one part
                result = PartResult(error=f"{type(exc).__name__}: {exc}")
    except OSError as exc:
        result = PartResult(error=f"{type(exc).__name__}: {exc}")
        began = time.time()
    result.began, result.ended = began, time.time()
    result.qt_loaded = any(m.split(".")[0] in ("PySide6", "shiboken6") for m in sys.modules)
    with contextlib.suppress(OSError):
        sink.send(result)
    sink.close()
    # Stay until the importer is done with the staging file (it closes ``jobs``): if it was
    # killed meanwhile, nobody else removes the file.
    with contextlib.suppress(EOFError, OSError):
        jobs.recv()
    _remove_if_orphaned(staging)


def _remove_if_orphaned(staging: str) -> None:
    """Remove the staging folder when the importing process is gone (killed)."""
    if _parent_gone():
        shutil.rmtree(Path(staging).parent, ignore_errors=True)


class _ParentGone(Exception):
    """The importing process was killed: nobody waits for the part any more."""


def _parent_gone() -> bool:
    parent = multiprocessing.parent_process()
    return parent is not None and not parent.is_alive()


def _read_part(fp: Any, job: PartJob, lines_before: int, staging: str, done: Any) -> PartResult:
    result = PartResult()
    fp.seek(job.start)
    result.first_line = lines_before + 1
    result.first_pk = job.pk_before + lines_before - job.header_lines + 1
    batches = open_bill_part(fp, job.layout, result.first_line, edges=result.edges)
    writer = StagingWriter(staging, job.bill_ddl, job.columns, job.source_id)
    try:
        first = True
        for batch in batches:
            if _parent_gone():
                raise _ParentGone()
            rows, extra = merged_rows(batch)
            if rows:  # the first bill sets where the numbering starts
                writer.insert_bills(rows, wide=extra, first_pk=result.first_pk if first else None)
                first = False
            result.bills += batch.size
            result.extra_lines += batch.extra_lines
            if batch.issues:
                issues = sorted(batch.issues, key=lambda issue: issue.line)
                result.rejected += len(issues)
                writer.insert_rejects([(i.line, i.reason, i.raw) for i in issues])
            done.value = batch.bytes_read
        writer.commit()
    finally:
        writer.close()
    return result


def remove_stale_staging(folder: Path | None = None) -> None:
    """Remove staging folders left by importing processes that were killed.

    A folder is stale when its process is gone (where that can be asked safely) or when it is
    older than ``STALE_SECONDS``. Leftovers never disturb an import (each has its own folder):
    this only gives the disk space back.
    """
    folder = folder or Path(tempfile.gettempdir())
    try:
        candidates = list(folder.glob(STAGING_PREFIX + "*"))
    except OSError:
        return
    now = time.time()
    for path in candidates:
        try:
            pid = int(path.name[len(STAGING_PREFIX) :].split("-", 1)[0])
            old = now - path.stat().st_mtime > STALE_SECONDS
        except (ValueError, OSError):
            continue
        if pid == os.getpid():
            continue
        if old or (os.name == "posix" and not _running(pid)):
            shutil.rmtree(path, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # POSIX only: on Windows this would end the process
    except ProcessLookupError:
        return False
    except OSError:
        return True  # another user's process, say
    return True


class PartReader:
    """The child process that reads the second part of a file, and its staging file.

    Started early (``count_until``: about where the split will be), given its ``PartJob`` with
    ``start``, waited for, copied from; ``close`` ends it and deletes the staging file whatever
    happened. One file, one reader.
    """

    def __init__(self, path: Path, count_until: int) -> None:
        remove_stale_staging()
        self._folder = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-"))
        self.staging = str(self._folder / "stage.sqlite")
        self.job: PartJob | None = None
        self.result: PartResult | None = None
        self.writer: BulkWriter | None = None  # the one the staged part was copied in by
        ctx = multiprocessing.get_context("spawn")
        self._done = ctx.Value("q", 0, lock=False)
        self._results, sink = ctx.Pipe(duplex=False)
        jobs, self._jobs = ctx.Pipe(duplex=False)
        self._process = ctx.Process(
            target=read_part,
            args=(str(path), count_until, self.staging, jobs, sink, self._done),
            name="bill-viewer-import-part",
            daemon=True,
        )
        try:
            self._process.start()
        except BaseException:
            shutil.rmtree(self._folder, ignore_errors=True)
            raise
        finally:
            sink.close()  # the child holds its own copies: EOF here when it ends
            jobs.close()

    def start(self, job: PartJob) -> None:
        """Hand the child its part (a child that died already is found out by ``wait``)."""
        if self.job is not None:
            raise RuntimeError("a part reader reads one part")
        self.job = job
        with contextlib.suppress(OSError):
            self._jobs.send(job)

    def bytes_read(self) -> int:
        """Bytes of the part the child has read so far."""
        return int(self._done.value)

    def wait(self, cancel: CancelToken, on_progress: Callable[[int], None]) -> PartResult:
        """Wait for the child's result, reporting its progress; raise ``Cancelled`` on cancel.

        A child that died without a word gives a result with an ``error``.
        """
        while not self._results.poll(POLL_SECONDS):
            cancel.raise_if_set()
            on_progress(self.bytes_read())
        cancel.raise_if_set()
        try:
            result: PartResult = self._results.recv()
        except (EOFError, OSError):
            self._process.join(5)
            result = PartResult(
                error=f"the reading process ended without a result (exit {self._process.exitcode})"
            )
        on_progress(self.bytes_read())
        self.result = result
        return result

    def copy_into(self, writer: BulkWriter, first_pk: int, reported: int) -> list[RowIssue]:
        """Copy the staged bills (numbered from ``first_pk`` on) and rejects into the target.

        Returns the first ``reported`` rejected lines (by line) for the report.
        """
        assert self.result is not None and self.job is not None
        self.writer = writer
        shift = first_pk - self.result.first_pk  # not 0: the first part had blank or bad lines
        rows = writer.copy_staged(self.staging, shift, bool(self.result.rejected), reported)
        return [RowIssue(line, reason, raw_text) for line, reason, raw_text in rows]

    def detach(self) -> bool:
        """Detach the staging file once the file's transaction is over.

        Returns False when it could not be: the connection must not be used again.
        """
        return self.writer is None or self.writer.detach_staged()

    def close(self) -> None:
        """End the child if it still runs and delete the staging file."""
        with contextlib.suppress(OSError):
            self._jobs.close()
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(5)
            if self._process.is_alive():
                self._process.kill()
                self._process.join(5)
        else:
            self._process.join(0)
        self._results.close()
        shutil.rmtree(self._folder, ignore_errors=True)
