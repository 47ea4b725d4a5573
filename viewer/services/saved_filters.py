"""Named filters saved in the database, so a team shares them with the data they describe."""

from __future__ import annotations

from dataclasses import replace

from viewer.core.errors import KnownError
from viewer.core.filters import BillFilter
from viewer.data.db import Database
from viewer.data.saved import delete_filter, list_filters, save_filter, savers

__all__ = ["KnownError", "SavedFiltersService"]


class SavedFiltersService:
    """List, open, save and delete the named filters of one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def all(self) -> dict[str, BillFilter]:
        """Every saved filter by name (entries that no longer parse are left out)."""
        return list_filters(self.db)

    def names(self) -> list[str]:
        """The names, sorted."""
        return sorted(self.all())

    def saved_by(self) -> dict[str, str | None]:
        """Who saved each filter (the login on a team database, the OS user on a file)."""
        return savers(self.db)

    def get(self, name: str) -> BillFilter | None:
        """The filter saved as ``name``, or None."""
        return self.all().get(name)

    def save(self, name: str, f: BillFilter) -> str:
        """Save (or replace) ``f`` as ``name`` (trimmed); returns the name it is saved under.

        A saved filter keeps criteria, not a selection: the selected bills (``ids``) of a
        drill-down are left out.

        Raises:
            KnownError: the name is blank.
            DatabaseError: the database is read-only, locked or damaged.
        """
        name = name.strip()
        if not name:
            raise KnownError("a saved filter needs a name")
        save_filter(self.db, name, replace(f, ids=()))
        return name

    def delete(self, name: str) -> None:
        """Remove the filter saved as ``name`` (nothing happens if there is none)."""
        delete_filter(self.db, name)
