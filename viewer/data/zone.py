"""The data's time zone as a user names it: a per-database statement shown beside every time.

Bill exports carry no zone, so times are stored and shown exactly as exported. A user who knows
the tenant's zone names it once per database; every view and export then says "as exported
(tenant time, <zone>)". Nothing is converted. The name is a value of the ``meta`` table, read
and written by the ``*_statement`` builders below (SQLAlchemy Core, any dialect).
"""

from __future__ import annotations

from sqlalchemy import Select, select
from sqlalchemy.sql.dml import Insert

from viewer.core.timefmt import clean_zone_name, time_label
from viewer.data.db import Database, user_errors
from viewer.data.schema import meta
from viewer.data.upsert import upsert_statement

ZONE_KEY = "time_zone"


def meta_value_statement(key: str) -> Select:
    """The value stored under ``key`` in the ``meta`` table (no row when none is)."""
    return select(meta.c.value).where(meta.c.key == key)


def meta_set_statement(dialect: str, key: str, value: str) -> Insert:
    """Store ``value`` under ``key`` in the ``meta`` table, replacing the one there."""
    return upsert_statement(dialect, meta, {"key": key, "value": value}, ("key",))


def data_time_zone(db: Database) -> str | None:
    """The zone a user named for this database's bills, or None."""
    with user_errors(db.path), db.engine.connect() as conn:
        value = conn.execute(meta_value_statement(ZONE_KEY)).scalar()
    return value or None


def set_data_time_zone(db: Database, text: str | None) -> str | None:
    """Name the data's zone (an empty text or None removes it); returns the stored name.

    Raises:
        ValueError: the name is not acceptable (see ``clean_zone_name``).
    """
    name = clean_zone_name(text or "")
    with user_errors(db.path), db.engine.begin() as conn:
        conn.execute(meta_set_statement(conn.dialect.name, ZONE_KEY, name or ""))
    return name


def data_time_label(db: Database) -> str:
    """The label of this database's times (``viewer.core.timefmt.time_label``)."""
    return time_label(data_time_zone(db))
