"""The data's time zone as a user names it: a per-database statement shown beside every time.

Bill exports carry no zone, so times are stored and shown exactly as exported. A user who knows
the tenant's zone names it once per database; every view and export then says "as exported
(tenant time, <zone>)". Nothing is converted.
"""

from __future__ import annotations

from viewer.core.timefmt import clean_zone_name, time_label
from viewer.data.db import Database, user_errors

ZONE_KEY = "time_zone"


def data_time_zone(db: Database) -> str | None:
    """The zone a user named for this database's bills, or None."""
    with user_errors(db.path):
        return db.meta_get(ZONE_KEY) or None


def set_data_time_zone(db: Database, text: str | None) -> str | None:
    """Name the data's zone (an empty text or None removes it); returns the stored name.

    Raises:
        ValueError: the name is not acceptable (see ``clean_zone_name``).
    """
    name = clean_zone_name(text or "")
    with user_errors(db.path):
        db.meta_set(ZONE_KEY, name or "")
    return name


def data_time_label(db: Database) -> str:
    """The label of this database's times (``viewer.core.timefmt.time_label``)."""
    return time_label(data_time_zone(db))
