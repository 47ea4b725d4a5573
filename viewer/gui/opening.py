"""How the window opens a database: read-only when this user may not write it.

A database on a read-only share, or a colleague's file without write permission, is still worth
browsing, filtering and exporting; the window then shows it read-only instead of refusing it.
"""

from __future__ import annotations

import os
from pathlib import Path

from viewer.core.errors import DatabaseError, ReadOnlyDatabaseError
from viewer.data.db import Database, open_database


def writable(path: Path) -> bool:
    """Whether the existing database ``path`` and its folder (SQLite's journal files) are writable.

    A file that does not exist yet counts as writable: creating it reports its own problem.
    """
    if not path.exists():
        return True
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _says_read_only(exc: DatabaseError) -> bool:
    """Whether opening failed because the database cannot be written (by the driver's code)."""
    return isinstance(exc, ReadOnlyDatabaseError)


def open_for_window(path: Path, create: bool = True) -> Database:
    """Open ``path`` (made absolute) writable if allowed, else read-only (``Database.readonly``).

    Read-only when the file or its folder is not writable, or when opening it writable fails
    with a read-only error; other problems raise ``DatabaseError`` as ``open_database`` does.
    """
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
