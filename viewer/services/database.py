"""Opening bill databases, for the window and the command line alike.

The one place above the data layer that knows how a database is found (``--db``,
``$BILL_VIEWER_DB``, the user's data folder) and opened (created, upgraded, or read-only when this
user may not write it). A database is a file, or a team database on a PostgreSQL server named by
a ``postgresql://`` URL (``is_server_url``; ``display_target`` shows it without its password).
It re-exports the ``Database`` type and the database errors, so that ``viewer.gui`` and
``viewer.cli`` need not import ``viewer.data.db``.
"""

from __future__ import annotations

import os
from pathlib import Path

from viewer.core.errors import DatabaseError, KnownError, ReadOnlyDatabaseError, SchemaTooNewError
from viewer.data.about import version_text
from viewer.data.backend import is_server_url
from viewer.data.db import (
    Database,
    data_dir,
    default_db_path,
    display_target,
    open_database,
)

__all__ = [
    "Database",
    "DatabaseError",
    "KnownError",
    "SchemaTooNewError",
    "data_dir",
    "db_target",
    "default_db_path",
    "display_target",
    "exists",
    "is_server_url",
    "open_database",
    "open_or_read_only",
    "version_text",
    "writable",
]


def db_target(value: str) -> Path | str:
    """A ``--db`` value as ``open_database`` takes it: a URL stays text, anything else a path."""
    return value.strip() if is_server_url(value.strip()) else Path(value)


def exists(target: Path | str) -> bool:
    """Whether the database ``target`` names may exist: a file that is there, or any server URL.

    (Whether a server's database exists is known only by connecting to it.)
    """
    return is_server_url(target) or Path(target).is_file()


def writable(path: Path) -> bool:
    """Whether the existing database ``path`` and its folder (SQLite's journal files) are writable.

    A file that does not exist yet counts as writable: creating it reports its own problem.
    """
    if not path.exists():
        return True
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _says_read_only(exc: DatabaseError) -> bool:
    """Whether opening failed because the database cannot be written (the backend's error code)."""
    return isinstance(exc, ReadOnlyDatabaseError)


def open_or_read_only(path: Path | str, create: bool = True) -> Database:
    """Open ``path`` (made absolute) writable if allowed, else read-only (``Database.readonly``).

    For the window: a database on a read-only share, or a colleague's file without write
    permission, is still worth browsing, filtering and exporting. Read-only when the file or its
    folder is not writable, or when opening it writable fails with a read-only error (some
    network shares say "writable" where writing fails); other problems raise ``DatabaseError``
    as ``open_database`` does. A team database (a URL) is read-only when its role may only read.
    """
    if is_server_url(path):
        return open_database(path, create=create)
    path = Path(path).expanduser().absolute()
    if not writable(path):
        return open_database(path, readonly=True)
    try:
        return open_database(path, create=create)
    except DatabaseError as exc:
        if path.exists() and _says_read_only(exc):
            try:
                return open_database(path, readonly=True)
            except DatabaseError:
                pass  # say why opening it writable failed, the clearer of the two
        raise
