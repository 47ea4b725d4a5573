"""TimeZoneService: the zone statement of a database, as the window and ``time-zone`` set it."""

from __future__ import annotations

import contextlib
import sqlite3

import pytest

from viewer.core.errors import KnownError
from viewer.data.db import Database
from viewer.services.time_zone import TimeZoneService, ZoneNameError


def _stored(db: Database) -> str | None:
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        row = conn.execute("SELECT value FROM meta WHERE key = 'time_zone'").fetchone()
    return None if row is None else row[0]


def test_a_named_zone_is_stored_trimmed_and_labels_the_times(db: Database) -> None:
    zones = TimeZoneService(db)
    assert zones.zone() is None
    assert zones.label() == "as exported (tenant time)"
    assert zones.set_zone("  Asia/Shanghai ") == "Asia/Shanghai"
    assert _stored(db) == "Asia/Shanghai"
    assert TimeZoneService(db).label() == "as exported (tenant time, Asia/Shanghai)"
    assert zones.set_zone(None) is None
    assert zones.zone() is None


def test_a_bad_name_is_a_known_error_and_keeps_the_zone(db: Database) -> None:
    zones = TimeZoneService(db)
    zones.set_zone("UTC+08:00")
    with pytest.raises(ZoneNameError, match="time zone name") as caught:
        zones.set_zone("Asia/\x00Shanghai")
    assert isinstance(caught.value, KnownError)
    assert _stored(db) == "UTC+08:00"
