"""Named filters saved in the database, so a team shares them with the data they describe.

Statements are built by the ``*_statement`` functions (SQLAlchemy Core, any dialect) and run by
the thin functions beside them.
"""

from __future__ import annotations

from sqlalchemy import Delete, Select, delete, select
from sqlalchemy.sql.dml import Insert

from viewer.core.filters import BillFilter
from viewer.data.db import Database, user_errors
from viewer.data.schema import saved_filter
from viewer.data.upsert import upsert_statement


def saved_filters_statement() -> Select:
    """Every saved filter: ``(name, filter_json)`` by name."""
    return select(saved_filter.c.name, saved_filter.c.filter_json).order_by(saved_filter.c.name)


def save_filter_statement(dialect: str, name: str, filter_json: str) -> Insert:
    """Store ``filter_json`` as ``name``, replacing a filter of that name."""
    values = {"name": name, "filter_json": filter_json}
    return upsert_statement(dialect, saved_filter, values, ("name",))


def delete_filter_statement(name: str) -> Delete:
    """Remove the filter saved as ``name``."""
    return delete(saved_filter).where(saved_filter.c.name == name)


def list_filters(db: Database) -> dict[str, BillFilter]:
    """All saved filters by name (entries that no longer parse are skipped)."""
    with user_errors(db.path), db.engine.connect() as conn:
        rows = conn.execute(saved_filters_statement())
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
        conn.execute(save_filter_statement(conn.dialect.name, name.strip(), f.to_json()))


def delete_filter(db: Database, name: str) -> None:
    """Remove a named filter."""
    with user_errors(db.path), db.engine.begin() as conn:
        conn.execute(delete_filter_statement(name))
