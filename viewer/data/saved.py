"""Named filters saved in the database, so a team shares them with the data they describe.

Statements are built by the ``*_statement`` functions (SQLAlchemy Core, any dialect) and run by
the thin functions beside them.
"""

from __future__ import annotations

import getpass
from typing import Any

from sqlalchemy import Delete, Select, delete, literal_column, select
from sqlalchemy.sql.dml import Insert

from viewer.core.filters import BillFilter
from viewer.data.db import Database, user_errors
from viewer.data.schema import saved_filter
from viewer.data.upsert import upsert_statement


def saved_filters_statement() -> Select:
    """Every saved filter: ``(name, filter_json)`` by name."""
    return select(saved_filter.c.name, saved_filter.c.filter_json).order_by(saved_filter.c.name)


def saver(dialect: str) -> Any:
    """Who saves a filter: the login (``current_user``) on a team database, else the OS user."""
    if dialect == "postgresql":
        return literal_column("current_user")
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no user name in the environment nor the password database
        return None


def save_filter_statement(dialect: str, name: str, filter_json: str) -> Insert:
    """Store ``filter_json`` as ``name`` (with who saved it), replacing a filter of that name."""
    values = {"name": name, "filter_json": filter_json, "saved_by": saver(dialect)}
    return upsert_statement(dialect, saved_filter, values, ("name",))


def savers_statement() -> Select:
    """Who saved each filter: ``(name, saved_by)`` by name (``saved_by`` NULL: not recorded)."""
    return select(saved_filter.c.name, saved_filter.c.saved_by).order_by(saved_filter.c.name)


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


def savers(db: Database) -> dict[str, str | None]:
    """Who saved each filter, by name (None for filters saved before version 4)."""
    with user_errors(db.path), db.engine.connect() as conn:
        return {str(name): who for name, who in conn.execute(savers_statement())}


def save_filter(db: Database, name: str, f: BillFilter) -> None:
    """Save (or replace) a named filter."""
    with user_errors(db.path), db.engine.begin() as conn:
        conn.execute(save_filter_statement(conn.dialect.name, name.strip(), f.to_json()))


def delete_filter(db: Database, name: str) -> None:
    """Remove a named filter."""
    with user_errors(db.path), db.engine.begin() as conn:
        conn.execute(delete_filter_statement(name))
