"""Insert-or-replace by key, written once for every database the data layer runs on.

SQL has no portable upsert: SQLite and PostgreSQL both say ``INSERT ... ON CONFLICT (key) DO
UPDATE``, through their own SQLAlchemy constructs. Callers pass the dialect's name
(``conn.dialect.name``) and get the statement for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql.dml import Insert

_INSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def upsert_statement(
    dialect: str, table: Table, values: Mapping[str, Any], keys: Sequence[str]
) -> Insert:
    """``INSERT`` ``values`` into ``table``; where a row with the same ``keys`` exists, update it.

    Raises:
        ValueError: a dialect without an upsert written here (a bug, not a user error).
    """
    try:
        make = _INSERTS[dialect]
    except KeyError:
        raise ValueError(f"no upsert for the {dialect!r} dialect") from None
    stmt = make(table).values(**values)
    updates = {name: stmt.excluded[name] for name in values if name not in keys}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)
