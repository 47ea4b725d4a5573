"""Named filters saved in the database, so a team shares them with the data they describe."""

from __future__ import annotations

from viewer.core.filters import BillFilter
from viewer.data.db import Database, user_errors


def list_filters(db: Database) -> dict[str, BillFilter]:
    """All saved filters by name (entries that no longer parse are skipped)."""
    with user_errors(db.path), db.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT name, filter_json FROM saved_filter ORDER BY name")
        out: dict[str, BillFilter] = {}
        for name, text in rows:
            try:
                out[str(name)] = BillFilter.from_json(text)
            except (ValueError, TypeError, KeyError):
                continue
    return out


def save_filter(db: Database, name: str, f: BillFilter) -> None:
    """Save (or replace) a named filter."""
    with user_errors(db.path), db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO saved_filter (name, filter_json) VALUES (?, ?) "
            "ON CONFLICT(name) DO UPDATE SET filter_json = excluded.filter_json",
            (name.strip(), f.to_json()),
        )


def delete_filter(db: Database, name: str) -> None:
    """Remove a named filter."""
    with user_errors(db.path), db.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM saved_filter WHERE name = ?", (name,))
