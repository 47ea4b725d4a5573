"""The import feature: files, zips and folders into the bill database, one transaction a file.

``ImportService`` is what the window and ``bill-viewer import`` both call; the work itself is
``viewer.data.imports`` (sources, CSV reading, loading). The report types are re-exported here,
so that callers need nothing from the data layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from viewer.core.errors import ReadOnlyDatabaseError
from viewer.core.records import FileReport, ImportReport, ImportStatus, RowIssue
from viewer.core.tasks import CancelToken
from viewer.data.db import Database
from viewer.data.imports.loading import import_paths
from viewer.data.imports.messages import reason_text

__all__ = [
    "FileReport",
    "ImportReport",
    "ImportService",
    "ImportStatus",
    "RowIssue",
    "reason_text",
]


class ImportService:
    """Imports into one open database (``viewer.data.db.Database``)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def import_paths(
        self,
        paths: Iterable[Path | str],
        *,
        force: bool = False,
        progress: Callable[[int, int], None] | None = None,
        cancel: CancelToken | None = None,
        on_file: Callable[[FileReport], None] | None = None,
    ) -> ImportReport:
        """Import files, zips and folders; the report lists each CSV with its counts.

        ``progress(done, total)`` counts bytes (hashing and reading: each byte twice). On
        cancel the current file is rolled back and the report ends with it; earlier files stay.
        ``force`` reads again files the ledger holds. A big file is read by two processes: a
        script calling this keeps its work under ``if __name__ == "__main__":``.

        Raises:
            ReadOnlyDatabaseError: the database was opened read-only (nothing is imported).
        """
        if self.db.readonly:
            if self.db.is_server:  # a role without INSERT on the bills (the README's viewer)
                why = "this role may only read the team database; ask for the importer role"
            else:
                why = "the database is read-only; open a copy or check the file's permissions"
            raise ReadOnlyDatabaseError(f"{self.db.path}: {why} (nothing was imported)")
        return import_paths(
            self.db, paths, force=force, progress=progress, cancel=cancel, on_file=on_file
        )
