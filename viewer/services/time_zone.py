"""The data's time zone: the statement beside every time, named per database by a user.

Bill exports carry no zone, so nothing is converted: the name is only said ("as exported (tenant
time, Asia/Shanghai)"). ``bill-viewer time-zone`` and the window's dialog both go through here.
"""

from __future__ import annotations

from viewer.core.errors import KnownError
from viewer.core.timefmt import clean_zone_name, time_label
from viewer.data.db import Database
from viewer.data.zone import data_time_zone, set_data_time_zone

__all__ = ["TimeZoneService", "ZoneNameError"]


class ZoneNameError(KnownError, ValueError):
    """A text that cannot name a time zone (too long, control characters)."""


class TimeZoneService:
    """Read and name the time zone of one database's bills."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @staticmethod
    def clean(text: str | None) -> str | None:
        """The name as it would be stored (trimmed; None for blank), or ``ZoneNameError``."""
        try:
            return clean_zone_name(text or "")
        except ValueError as exc:
            raise ZoneNameError(str(exc)) from None

    def zone(self) -> str | None:
        """The zone a user named for this database, or None."""
        return data_time_zone(self.db)

    def label(self) -> str:
        """How this database's times are labelled ("as exported (tenant time[, zone])")."""
        return time_label(self.zone())

    def set_zone(self, text: str | None) -> str | None:
        """Name the zone (blank or None removes it); returns the stored name.

        Raises:
            ZoneNameError: the text cannot name a zone (nothing is stored).
            DatabaseError: the database is read-only, locked or damaged.
        """
        self.clean(text)
        return set_data_time_zone(self.db, text)
