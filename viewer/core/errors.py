"""Errors a user can act on (bad file, locked database) as opposed to bugs.

Everything the GUI or the command line shows as a plain message derives from ``KnownError``;
anything else is a bug and is logged with its traceback.
"""

from __future__ import annotations


class KnownError(Exception):
    """A failure with a message meant for the user, not a traceback."""


class NotABillExportError(KnownError):
    """The file is readable but is not an agent operation bill export."""


class BadInputError(KnownError):
    """The file cannot be read as an export (missing, unreadable, corrupt, binary, empty)."""


class DatabaseError(KnownError):
    """The database cannot be used: locked, read-only, corrupt, or from a newer version."""


class ReadOnlyDatabaseError(DatabaseError):
    """The database cannot be written (a read-only file, folder or mount)."""


class SchemaTooNewError(DatabaseError):
    """The database was written by a newer version of the application."""


class ExportError(KnownError):
    """The spreadsheet cannot be written (target locked, exists, disk full)."""
