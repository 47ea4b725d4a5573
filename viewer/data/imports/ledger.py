"""The import's statements over the ledger (``source_file``) and the stored bills, as Core.

Each function returns a SQLAlchemy Core statement over ``viewer.data.schema`` (no SQL text), so
that they run on SQLite and compile for PostgreSQL alike (``tests/data/test_pg_dialect_imports``).
The rows of a file themselves are written by the backend's bulk writer
(``viewer.data.backend.BulkWriter``): a measured fast path, driver-level on purpose.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    Delete,
    Insert,
    Select,
    Update,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
)
from sqlalchemy import update as update_
from sqlalchemy.schema import DropIndex

from viewer.core.records import FileReport
from viewer.data.backend.postgres_bulk import CONTENT_LOCK_CLASS
from viewer.data.schema import BILL_INDEXES, bill, conflict, reject, source_file


def max_pk_statement() -> Select[tuple[int | None]]:
    """The largest ``bill.pk`` (NULL in an empty table): new bills are numbered on from it."""
    return select(func.max(bill.c.pk))


def first_import_statement(sha256: str) -> Select[tuple[str, str]]:
    """Where and when the content with this SHA-256 was first imported (no row: never)."""
    return (
        select(source_file.c.path, source_file.c.imported_at)
        .where(source_file.c.sha256 == bindparam("sha256", sha256))
        .order_by(source_file.c.id)
        .limit(1)
    )


def content_lock_statement(sha256: str) -> Select[tuple[None]]:
    """PostgreSQL: lock one file content until the transaction ends (two imports of a file).

    The second import waits for the first to commit, then finds it in the ledger. SQLite needs
    none: its import holds the database's write lock (``BEGIN IMMEDIATE``).
    """
    return select(
        func.pg_advisory_xact_lock(
            literal(CONTENT_LOCK_CLASS), func.hashtext(bindparam("sha256", sha256))
        )
    )


def earlier_readings_statement(sha256: str, source_id: int) -> Select[tuple[int]]:
    """The ledger ids of earlier imports of the same content (a forced re-import's)."""
    return select(source_file.c.id).where(
        source_file.c.sha256 == bindparam("sha256", sha256),
        source_file.c.id != bindparam("source_id", source_id),
    )


def forget_statements(source_ids: Sequence[int]) -> tuple[Delete, Delete]:
    """Delete the rejects and the conflicts the imports ``source_ids`` stored."""
    ids = list(source_ids)
    return (
        delete(reject).where(reject.c.source_id.in_(ids)),
        delete(conflict).where(conflict.c.source_id.in_(ids)),
    )


def drop_bill_indexes_statements() -> list[DropIndex]:
    """Drop the bill indexes (where present) before a bulk load; it builds them again after."""
    return [DropIndex(index, if_exists=True) for index in BILL_INDEXES]


def new_source_statement(path: str, name: str, size: int, sha256: str, imported_at: str) -> Insert:
    """Enter a file into the ledger (its counts are set when it is done)."""
    return insert(source_file).values(
        path=path, name=name, size=size, sha256=sha256, imported_at=imported_at
    )


def source_counts_statement(source_id: int, report: FileReport) -> Update:
    """Record a file's counts and message in its ledger row."""
    return (
        update_(source_file)
        .where(source_file.c.id == bindparam("source_id", source_id))
        .values(
            rows_read=report.rows_read,
            imported=report.imported,
            duplicates=report.duplicates,
            conflicts=report.conflicts,
            rejected=report.rejected,
            message=report.message,
        )
    )
