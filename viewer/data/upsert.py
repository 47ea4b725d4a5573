"""Insert-or-replace by key, written once for every database the data layer runs on.

SQL has no portable upsert: SQLite and PostgreSQL both say ``INSERT ... ON CONFLICT (key) DO
UPDATE``, through their own SQLAlchemy constructs. Callers pass the dialect's name
(``conn.dialect.name``) and get the statement for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.sql.dml import Insert


def _insert(dialect: str, table: Table) -> Insert:
    """The dialect's own ``INSERT`` construct (the one with ``on_conflict_do_update``).

    Imported on first use: ``sqlalchemy.dialects.postgresql`` loads its four drivers' modules,
    which a SQLite session (and ``bill-viewer --version``) never needs.
    """
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        raise ValueError(f"no upsert for the {dialect!r} dialect")
    return insert(table)


def upsert_statement(
    dialect: str, table: Table, values: Mapping[str, Any], keys: Sequence[str]
) -> Insert:
    """``INSERT`` ``values`` into ``table``; where a row with the same ``keys`` exists, update it.

    Raises:
        ValueError: a dialect without an upsert written here (a bug, not a user error).
    """
    stmt = _insert(dialect, table).values(**values)
    updates = {name: stmt.excluded[name] for name in values if name not in keys}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=updates)
