"""Importing bill exports (CSV files, zips of CSVs, folders) into the database.

One transaction per file: a cancel, an error or a killed process leaves the whole file or none of
it. A file whose SHA-256 is already in the ledger is reported at once (unless forced). Every line
is imported, counted as a duplicate (or conflict) of a stored bill, or rejected with its reason.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import sqlite3
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from viewer.core.errors import BadInputError, KnownError, NotABillExportError
from viewer.core.records import FileReport, ImportReport, ImportStatus, RowIssue
from viewer.core.tasks import Cancelled, CancelToken, ProgressFn, no_progress
from viewer.core.timefmt import from_epoch
from viewer.data.csv_source import open_bill_stream, sibling_export_kind
from viewer.data.db import Database, friendly_db_error
from viewer.data.schema import BILL_FIELDS, BILL_INDEXES, bill

log = logging.getLogger(__name__)

MAX_REPORTED_REJECTS = 1000
"""Rejects kept in memory per file for the report; all of them are stored in the database."""

FOLDER_SUFFIXES = (".csv", ".zip")
"""What a folder import takes; a file named on its own may be any CSV (a ``.txt`` too)."""

_HASH_CHUNK = 1 << 20
_INSERT_COLUMNS = ", ".join((*BILL_FIELDS, "source_id", "line", "extra"))
_ZIP_ENCRYPTED = 0x1  # general purpose flag bit 0 of a zip entry


@dataclass(frozen=True)
class Source:
    """One CSV to import: a plain file or a member of a zip."""

    display: str
    name: str
    size: int
    path: Path
    member: str | None = None

    @property
    def ledger_path(self) -> str:
        """The absolute path the ledger records (``zip!member`` for a zip member).

        ``display`` is the path as the user typed it, which means nothing once the working
        folder changes; the ledger keeps the resolved one so that it always names the file.
        """
        where = str(self.path.resolve())
        return where if self.member is None else f"{where}!{self.member}"

    @contextmanager
    def open(self) -> Iterator[IO[bytes]]:
        """Open the content as a binary stream (a zip member is decompressed on the fly).

        Raises:
            BadInputError: a zip member that cannot be read: encrypted, compressed with a
                method Python cannot decompress, or damaged (bad data, bad CRC, cut short).
                Raised while opening or, for damage, from the reads of the ``with`` body.
        """
        if self.member is None:
            with self.path.open("rb") as fp:
                yield fp
            return
        with zipfile.ZipFile(self.path) as zf:
            try:
                info = zf.getinfo(self.member)
            except KeyError:
                raise BadInputError(f"{self.display}: no longer in the zip archive") from None
            if info.flag_bits & _ZIP_ENCRYPTED:
                raise BadInputError(
                    f"{self.display}: the zip member is encrypted (password-protected); "
                    "extract it with its password and import the CSV"
                )
            try:
                raw = zf.open(info)
            except (NotImplementedError, RuntimeError) as exc:  # what zipfile raises for these
                raise BadInputError(
                    f"{self.display}: the zip member is compressed with a method this program "
                    f"cannot read ({exc}); extract it with an archive tool and import the CSV"
                ) from None
            with raw:
                try:
                    yield io.BufferedReader(raw, buffer_size=1 << 16)  # type: ignore[arg-type]
                except (zlib.error, zipfile.BadZipFile, EOFError) as exc:
                    raise BadInputError(
                        f"{self.display}: the zip member is damaged, it cannot be decompressed "
                        f"({exc})"
                    ) from exc


@dataclass(frozen=True)
class Unusable:
    """A path that cannot be imported at all, with its status and message."""

    display: str
    status: str
    message: str


def expand_paths(paths: Iterable[Path | str]) -> list[Source | Unusable]:
    """Turn files, zips and folders into the list of CSV sources to import, in a stable order.

    Folders are searched recursively for ``.csv`` and ``.zip`` files only (a ``readme.txt``
    beside the exports is not one); a subfolder that cannot be read is listed as failed, so
    that nothing in a folder is left out without a word.
    """
    out: list[Source | Unusable] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            found, unreadable = _folder_files(path)
            if not found and not unreadable:
                out.append(
                    Unusable(
                        str(path),
                        ImportStatus.FAILED,
                        f"{path}: folder holds no .csv or .zip files",
                    )
                )
            for q in found:
                out.extend(_expand_file_all(q))
            out.extend(unreadable)
            continue
        out.extend(_expand_file_all(path))
    return out


def _folder_files(folder: Path) -> tuple[list[Path], list[Unusable]]:
    """The ``.csv`` and ``.zip`` files under ``folder``, sorted, and the parts it cannot read."""
    found: list[Path] = []
    unreadable: list[Unusable] = []

    def cannot_read(exc: OSError) -> None:
        where = exc.filename if exc.filename is not None else folder
        unreadable.append(
            Unusable(
                str(where),
                ImportStatus.FAILED,
                f"{where}: cannot read this folder ({exc.strerror}); its files were not imported",
            )
        )

    for top, _dirs, names in os.walk(folder, onerror=cannot_read):
        for name in names:
            if not name.lower().endswith(FOLDER_SUFFIXES):
                continue
            q = Path(top, name)
            try:
                if q.is_file():
                    found.append(q)
            except OSError as exc:
                unreadable.append(
                    Unusable(str(q), ImportStatus.FAILED, f"{q}: cannot read ({exc.strerror})")
                )
    return sorted(found), unreadable


def _expand_file_all(path: Path) -> list[Source | Unusable]:
    if not path.exists():
        return [Unusable(str(path), ImportStatus.FAILED, f"{path}: no such file or folder")]
    try:
        size = path.stat().st_size
        with path.open("rb") as fp:
            magic = fp.read(4)
    except OSError as exc:
        return [Unusable(str(path), ImportStatus.FAILED, f"{path}: cannot read ({exc.strerror})")]
    if magic.startswith(b"PK") or path.suffix.lower() == ".zip":
        return _expand_zip(path)
    kind = sibling_export_kind(path.name)
    if kind:
        return [
            Unusable(
                str(path),
                ImportStatus.NOT_A_BILL_EXPORT,
                f"{path}: not an agent operation bill export ({kind})",
            )
        ]
    return [Source(str(path), path.name, size, path)]


def _expand_zip(path: Path) -> list[Source | Unusable]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = [i for i in zf.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return [
            Unusable(str(path), ImportStatus.FAILED, f"{path}: not a readable zip archive ({exc})")
        ]
    if not infos:
        return [Unusable(str(path), ImportStatus.NOT_A_BILL_EXPORT, f"{path}: empty zip archive")]
    names = [i.filename.rsplit("/", 1)[-1] for i in infos]
    if not any(_csv_name(n) or sibling_export_kind(n) for n in names):
        return [Unusable(str(path), ImportStatus.NOT_A_BILL_EXPORT, _no_csv_message(path, infos))]
    out: list[Source | Unusable] = []
    for info in sorted(infos, key=lambda i: i.filename):
        display = f"{path}!{info.filename}"
        base = info.filename.rsplit("/", 1)[-1]
        kind = sibling_export_kind(base)
        if kind:
            out.append(
                Unusable(
                    display,
                    ImportStatus.NOT_A_BILL_EXPORT,
                    f"{display}: not an agent operation bill export ({kind})",
                )
            )
        elif not _csv_name(base):
            out.append(
                Unusable(display, ImportStatus.NOT_A_BILL_EXPORT, f"{display}: not a CSV file")
            )
        else:
            out.append(Source(display, base, info.file_size, path, info.filename))
    return out


def _csv_name(name: str) -> bool:
    """Whether a zip member's name is that of a CSV (the platform's, or a renamed ``.txt``)."""
    return name.lower().endswith((".csv", ".txt"))


def _no_csv_message(path: Path, infos: list[zipfile.ZipInfo]) -> str:
    """One line for a zip without a single CSV in it (an Excel workbook is such a zip)."""
    names = {i.filename for i in infos}
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return (
            f"{path}: an Excel workbook, not a CSV export; open it in Excel and save it as "
            "CSV (File > Save As > CSV), then import the CSV"
        )
    return (
        f"{path}: not an agent operation bill export: the zip archive holds no CSV file "
        f"({len(infos)} other file(s), e.g. {infos[0].filename})"
    )


def sha256_of(
    source: Source, on_bytes: Callable[[int], None] | None = None, cancel: CancelToken | None = None
) -> str:
    """SHA-256 of the source's content (of the member, for a zip member)."""
    digest = hashlib.sha256()
    with source.open() as fp:
        while chunk := fp.read(_HASH_CHUNK):
            digest.update(chunk)
            if on_bytes:
                on_bytes(len(chunk))
            if cancel:
                cancel.raise_if_set()
    return digest.hexdigest()


def _as_exported(fields: list[Any]) -> list[Any]:
    """The 21 fields with times turned back into their exported text (for conflict records)."""
    out = list(fields)
    out[7] = from_epoch(out[7])
    out[8] = from_epoch(out[8])
    return out


def _norm(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


_INTEGER_FIELDS = frozenset(c.name for c in bill.columns if c.type.python_type is int)


def _same(name: str, old: object, new: object) -> bool:
    """Whether a stored value and a newly read one are the same exported value.

    Integer columns store ``"05"`` as 5 (SQLite's type affinity), so compare those as numbers.
    """
    if _norm(old) == _norm(new):
        return True
    if name in _INTEGER_FIELDS and isinstance(old, int):
        try:
            return int(_norm(new)) == old
        except ValueError:
            return False
    return False


class _FileImport:
    """The work of importing one source inside one transaction."""

    def __init__(self, raw: sqlite3.Connection, source_id: int, report: FileReport) -> None:
        self.raw = raw
        self.cur = raw.cursor()
        self.sid = source_id
        self.report = report
        marks = ", ".join("?" * len(BILL_FIELDS))
        cols = ", ".join(BILL_FIELDS)
        self.insert_sql = (
            f"INSERT OR IGNORE INTO bill ({cols}, source_id, line) "
            f"VALUES ({marks}, {int(source_id)}, ?)"
        )
        self.insert_extra_sql = (
            f"INSERT OR IGNORE INTO bill ({cols}, source_id, line, extra) "
            f"VALUES ({marks}, {int(source_id)}, ?, ?)"
        )

    def add_rows(self, rows: list[list[Any]], sql: str) -> None:
        """Insert rows; those whose bill id is stored already become duplicates or conflicts."""
        if not rows:
            return
        before = self.raw.total_changes
        self.cur.executemany(sql, rows)
        inserted = self.raw.total_changes - before
        self.report.imported += inserted
        self.report.rows_read += len(rows)
        if inserted < len(rows):
            self._find_duplicates(rows)

    def _find_duplicates(self, rows: list[list[Any]]) -> None:
        """Tell apart the rows just inserted from copies of bills already stored."""
        stored: dict[str, tuple[Any, ...]] = {}
        ids = [r[0] for r in rows]
        cols = ", ".join(BILL_FIELDS)
        for i in range(0, len(ids), 500):
            chunk = ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.cur.execute(
                f"SELECT source_id, line, {cols} FROM bill WHERE bill_id IN ({marks})", chunk
            ):
                stored[row[2]] = row
        conflicts = []
        for r in rows:
            s = stored.get(r[0])
            if s is None or (s[0] == self.sid and s[1] == r[21]):
                continue
            self.report.duplicates += 1
            differs = [
                name
                for name, old, new in zip(BILL_FIELDS, s[2:], r[:21], strict=True)
                if not _same(name, old, new)
            ]
            if differs:
                self.report.conflicts += 1
                conflicts.append(
                    (
                        r[0],
                        self.sid,
                        r[21],
                        json.dumps(_as_exported(r[:21]), ensure_ascii=False),
                        ",".join(differs),
                    )
                )
        if conflicts:
            self.cur.executemany(
                "INSERT INTO conflict (bill_id, source_id, line, fields, differs) "
                "VALUES (?, ?, ?, ?, ?)",
                conflicts,
            )

    def add_issues(self, issues: list[RowIssue]) -> None:
        """Count and store rejected lines (the first ones also go into the report)."""
        if not issues:
            return
        # Undecodable and oversized lines are found before the rest of their block: sort.
        issues = sorted(issues, key=lambda issue: issue.line)
        self.report.rejected += len(issues)
        self.report.rows_read += len(issues)
        room = MAX_REPORTED_REJECTS - len(self.report.rejects)
        if room > 0:
            self.report.rejects.extend(issues[:room])
            self.report.rejects.sort(key=lambda issue: issue.line)
        self.cur.executemany(
            f"INSERT INTO reject (source_id, line, reason, raw) VALUES ({self.sid}, ?, ?, ?)",
            [(i.line, i.reason, i.raw) for i in issues],
        )


def _forget_earlier_reading(conn: Connection, sha: str, sid: int) -> None:
    """Drop the rejects and conflicts stored by earlier imports of the same content.

    Only a forced re-import reads a content the ledger holds already; it finds the same bad
    lines and the same conflicts again, and those replace the earlier ones instead of being
    counted twice. The earlier ledger rows stay as the history of the imports. Inside the
    file's transaction, so a re-import that fails or is cancelled leaves them as they were.
    """
    earlier = [
        row[0]
        for row in conn.exec_driver_sql(
            "SELECT id FROM source_file WHERE sha256 = ? AND id != ?", (sha, sid)
        )
    ]
    if not earlier:
        return
    marks = ", ".join("?" * len(earlier))
    conn.exec_driver_sql(f"DELETE FROM reject WHERE source_id IN ({marks})", tuple(earlier))
    conn.exec_driver_sql(f"DELETE FROM conflict WHERE source_id IN ({marks})", tuple(earlier))


def _already_imported(db: Database, sha: str) -> tuple[str, str] | None:
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT path, imported_at FROM source_file WHERE sha256 = ? ORDER BY id LIMIT 1",
            (sha,),
        ).first()
    return (row[0], row[1]) if row else None


class _DuplicatesInBulk(Exception):
    """A bulk load met duplicate bill ids; the file is read again the careful way."""


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
    if source.size < BULK_MIN_BYTES:
        return False
    with db.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT max(pk) FROM bill").scalar() or 0
    return int(stored) <= source.size // 150


def _load(
    db: Database,
    source: Source,
    report: FileReport,
    base: int,
    progress: Callable[[int], None] | None,
    cancel: CancelToken,
    *,
    bulk: bool,
) -> None:
    """Read one source into the database in one transaction (rolled back on any exception)."""
    with source.open() as fp, db.engine.connect() as conn:
        layout, batches = open_bill_stream(fp, source.display)
        raw: sqlite3.Connection = conn.connection.driver_connection  # type: ignore[assignment]
        with conn.begin():
            now = datetime.now().isoformat(timespec="seconds")
            sid = conn.exec_driver_sql(
                "INSERT INTO source_file (path, name, size, sha256, imported_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (source.ledger_path, source.name, source.size, report.sha256, now),
            ).lastrowid
            _forget_earlier_reading(conn, report.sha256, int(sid or 0))
            if bulk:
                for index in BILL_INDEXES:
                    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index.name}")
            work = _FileImport(raw, int(sid or 0), report)
            extra_lines = 0
            for batch in batches:
                cancel.raise_if_set()
                extra_lines += len(batch.extra_rows)
                work.add_rows(batch.rows, work.insert_sql)
                work.add_rows(batch.extra_rows, work.insert_extra_sql)
                work.add_issues(batch.issues)
                if progress:
                    progress(base + batch.bytes_read)
            if bulk:
                cancel.raise_if_set()
                try:
                    for index in BILL_INDEXES:
                        index.create(conn)
                except IntegrityError as exc:
                    raise _DuplicatesInBulk() from exc
            messages = []
            if layout.header:
                messages.append("header row recognised")
            if extra_lines:
                messages.append(f"{extra_lines} line(s) had extra trailing columns, kept aside")
            if report.conflicts:
                messages.append(f"{report.conflicts} bill id(s) already stored with other values")
            report.message = "; ".join(messages)
            conn.exec_driver_sql(
                "UPDATE source_file SET rows_read = ?, imported = ?, duplicates = ?, "
                "conflicts = ?, rejected = ?, message = ? WHERE id = ?",
                (
                    report.rows_read,
                    report.imported,
                    report.duplicates,
                    report.conflicts,
                    report.rejected,
                    report.message,
                    sid,
                ),
            )


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
        report.message = f"{source.display}: cancelled, nothing of this file was kept"
        raise _CancelledWith(report) from None
    except KnownError as exc:
        report.status = ImportStatus.FAILED
        report.message = str(exc)
        return report
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        report.status = ImportStatus.FAILED
        report.message = f"{source.display}: cannot read ({exc})"
        return report
    if not force:
        seen = _already_imported(db, report.sha256)
        if seen:
            report.status = ImportStatus.ALREADY_IMPORTED
            report.message = (
                f"{source.display}: already imported on {seen[1]} "
                f"(as {seen[0]}); use --force to read it again"
            )
            return report
    base = done
    try:
        try:
            _load(db, source, report, base, progress, cancel, bulk=_bulk_worthwhile(db, source))
        except _DuplicatesInBulk:
            log.info("%s: duplicate bill ids, importing again row by row", source.display)
            _reset_counts(report)
            _load(db, source, report, base, progress, cancel, bulk=False)
    except Cancelled:
        report.status = ImportStatus.CANCELLED
        _reset_counts(report)
        report.message = f"{source.display}: cancelled, nothing of this file was kept"
        raise _CancelledWith(report) from None
    except NotABillExportError as exc:
        report.status = ImportStatus.NOT_A_BILL_EXPORT
        report.message = str(exc)
    except KnownError as exc:
        report.status = ImportStatus.FAILED
        report.message = str(exc)
    except (DBAPIError, sqlite3.Error) as exc:
        report.status = ImportStatus.FAILED
        report.message = f"{source.display}: {friendly_db_error(exc, db.path)}"
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        report.status = ImportStatus.FAILED
        report.message = f"{source.display}: cannot read ({exc})"
    if report.status != ImportStatus.IMPORTED:
        message = report.message
        _reset_counts(report)
        report.message = message
    return report


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
    """
    progress = progress or no_progress
    cancel = cancel or CancelToken()
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
