"""``export_xlsx``: the export's orchestration over its parts (see ``viewer.data.export``).

One database snapshot gives the counts and the rows; the workbook is written into a hidden
folder and renamed into place only when complete, so a cancel, an error or a full disk leaves
nothing behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from viewer.core.columns import DEFAULT_KEYS, column
from viewer.core.describe import describe_filter
from viewer.core.errors import ExportError
from viewer.core.filters import BillFilter
from viewer.core.tasks import CancelToken, ProgressFn
from viewer.core.timefmt import time_label
from viewer.data import queries, text_index
from viewer.data.db import Database, friendly_db_error
from viewer.data.export import signing
from viewer.data.export.bill_rows import _is_bill_sheet, _write_bills
from viewer.data.export.reads import (
    _check_database,
    _interruptible,
    _ledger,
    site_labels,
    source_names,
    zone_name,
)
from viewer.data.export.report import (
    _filter_json,
    _is_filter_sheet,
    _ReportFacts,
    _write_filter_list,
    _write_report,
    is_report_sheet,
    report_title,
)
from viewer.data.export.target import (
    _check_target,
    _hold_lock,
    _os_message,
    _part_stem,
    remove_stale_parts,
)
from viewer.data.export.workbook import MAX_DATA_ROWS, SheetSpec, _Book, _check_title, _write_extra


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    rows: int
    """Bills exported."""
    sheets: tuple[str, ...]
    """Every sheet, in workbook order."""
    sha256: str
    """The row hash written to the Report sheet (see ``HASH_METHOD``)."""
    matching: int
    """Bills matching the filter when the export started (equals ``rows``)."""
    total: int
    """Bills in the database."""
    cut_cells: int = 0
    """Cells cut to Excel's limit (each ends with ``TRUNCATED_MARK``; the Report counts them)."""
    signed_by: str = ""
    """The signing key's name (empty: not signed)."""
    fingerprint: str = ""
    """The signing key's fingerprint (empty: not signed)."""

    @property
    def bill_sheets(self) -> tuple[str, ...]:
        """The sheets holding the bills ("Bills", "Bills (2)", ...)."""
        return tuple(s for s in self.sheets if _is_bill_sheet(s))


def _validate(keys: tuple[str, ...], max_rows: int, extra_sheets: Sequence[SheetSpec]) -> None:
    if not keys:
        raise ValueError("an export needs at least one column")
    for key in keys:
        column(key)
    if len(set(keys)) != len(keys):
        raise ValueError(f"a column is listed twice in {', '.join(keys)}")
    if not 1 <= max_rows <= MAX_DATA_ROWS:
        raise ValueError(f"max_rows_per_sheet must be 1..{MAX_DATA_ROWS:,}, not {max_rows}")
    seen: set[str] = set()
    for spec in extra_sheets:
        _check_title(spec.title)
        if (
            _is_bill_sheet(spec.title)
            or _is_filter_sheet(spec.title)
            or is_report_sheet(spec.title)
            or spec.title in seen
        ):
            raise ValueError(f"extra sheet title {spec.title!r} is taken")
        seen.add(spec.title)


def export_xlsx(
    db: Database,
    f: BillFilter,
    out: Path,
    *,
    columns: Sequence[str] = DEFAULT_KEYS,
    force: bool = False,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    max_rows_per_sheet: int = MAX_DATA_ROWS,
    extra_sheets: Sequence[SheetSpec] = (),
    filter_sentence: str | None = None,
    sign: bool = True,
    check_database: bool = True,
) -> ExportResult:
    """Export the bills ``f`` selects, in its order, to an ``.xlsx`` workbook at ``out``.

    The workbook is written into a hidden folder beside ``out`` and renamed into place when
    complete: a cancel, an error or a full disk leaves no partial file and no temporary file.
    Such folders that a killed export left in ``out``'s folder are removed once they are
    ``STALE_AFTER_SECONDS`` old. Everything is read in one database snapshot, so the counts
    agree with the rows.

    Args:
        db: The bill database.
        f: Which bills, in which order.
        out: The target (must end with ``.xlsx``; its folder must exist).
        columns: Column keys (``viewer.core.columns``) in sheet order.
        force: Replace an existing ``out`` (the window asks first; the command line's --force).
        progress: ``progress(rows_done, rows_total)`` every 1,000 rows.
        cancel: Checked every 1,000 rows and while compressing; raises ``Cancelled``.
        max_rows_per_sheet: Data rows per sheet before "Bills (2)" (or "Summary (2)", ...)
            begins.
        extra_sheets: More sheets, written after the bills and before the Report (and before
            the "Filter ..." sheets of a filter too long for one cell).
        filter_sentence: The filter as the window words it (default: ``describe_filter``).
        sign: Sign the workbook with this user's key (``signing.load_or_create_key``, made on
            first use); the Report states the key's name, public key and fingerprint.
        check_database: Run SQLite's ``PRAGMA quick_check`` first and refuse a damaged
            database (a damaged page can otherwise go unnoticed by the export's reads).

    Returns:
        What was written.

    Raises:
        ExportError: The target exists (without ``force``), is locked or not writable, its
            folder is missing, its name is too long, or the disk is full.
        DatabaseError: The database cannot be read or is damaged.
        SigningKeyError: The signing key cannot be made or read.
        Cancelled: ``cancel`` was set (after cleaning up).
        ValueError: Unknown or repeated column keys, bad sheet titles or split size.
    """
    out = Path(out).expanduser().absolute()
    keys = tuple(columns)
    _validate(keys, max_rows_per_sheet, extra_sheets)
    _check_target(out, force)
    key = signing.load_or_create_key() if sign else None
    remove_stale_parts(out.parent)
    try:
        tmpdir = Path(
            tempfile.mkdtemp(prefix=f".{_part_stem(out.name)}.", suffix=".part", dir=out.parent)
        )
    except OSError as exc:
        raise ExportError(_os_message(exc, out)) from exc
    try:
        lock = _hold_lock(tmpdir)
    except OSError as exc:
        shutil.rmtree(tmpdir, ignore_errors=True)
        raise ExportError(_os_message(exc, out)) from exc
    book: _Book | None = None
    done = False
    try:
        book = _Book(tmpdir / out.name, cancel)
        with db.engine.connect() as conn, _interruptible(conn, cancel, db.backend):
            if check_database:
                _check_database(conn, db.path)
            # a text filter is answered from the text index where there is one, as in the
            # window (the same rows as the scan: the index only picks the candidates)
            with text_index.searching(conn, f):
                labels = site_labels(conn)
                label = time_label(zone_name(conn))
                total = queries.total_bills(conn)
                matching = queries.count(conn, f)
                names = source_names(conn)
                rows = queries.iter_rows(conn, f)
                try:
                    written = _write_bills(
                        book,
                        rows,
                        keys,
                        labels,
                        names,
                        total=matching,
                        max_rows=max_rows_per_sheet,
                        progress=progress,
                        cancel=cancel,
                    )
                finally:
                    rows.close()
                ledger = _ledger(conn, written.per_source)
        sheets = list(written.sheets)
        for spec in extra_sheets:
            sheets += _write_extra(book, spec, cancel, max_rows_per_sheet)
        filter_json, filter_lists = _filter_json(f, max_rows_per_sheet)
        for item in filter_lists:
            sheets += _write_filter_list(book, item, max_rows_per_sheet)
        sheets.append(report_title())
        facts = _ReportFacts(
            db.path,
            f,
            filter_sentence or describe_filter(f, labels, label),
            keys,
            total,
            matching,
            written,
            tuple(sheets),
            ledger,
            labels,
            filter_json,
            filter_lists,
            label,
            key,
        )
        _write_report(book, facts)
        book.save()
        if cancel is not None:
            cancel.raise_if_set()
        if not force and out.exists():
            raise ExportError(
                f"{out}: a file of that name appeared during the export; not replaced"
            )
        os.replace(book.part, out)
        done = True
    except OSError as exc:
        raise ExportError(_os_message(exc, out)) from exc
    except DBAPIError as exc:
        raise friendly_db_error(exc, db.path, db.backend) from exc
    finally:
        if not done and book is not None:
            book.discard()
        os.close(lock)
        shutil.rmtree(tmpdir, ignore_errors=True)
    cut = sum(book.cells.cut.values())
    return ExportResult(
        out,
        written.rows,
        tuple(sheets),
        written.sha256,
        matching,
        total,
        cut,
        key.name if key else "",
        key.fingerprint if key else "",
    )
