"""Bill times: exported ``YYYY-MM-DD hh:mm:ss`` text <-> stored whole seconds.

The export carries no zone, so the stored number is the wall-clock time read as if it were UTC:
it orders and subtracts correctly and converts back to exactly the exported text. Integers keep
the database and its time indexes small and make durations a subtraction.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from viewer.core.i18n import translate

EPOCH = datetime(1970, 1, 1)
_DAY = 86400

TIME_MIN_TEXT = "1900-03-01 00:00:00"
"""The earliest bill time the viewer takes: Excel's 1900 date system (the export's date cells)
is wrong before 1900-03-01 (it counts a 1900-02-29 that never was), so an earlier time would be
exported as another one, or read back as a time of day."""

TIME_MAX_TEXT = "9999-12-31 23:59:59"
"""The latest bill time the viewer takes: Python's, Qt's and Excel's dates end in year 9999."""

TIME_RANGE_TEXT = f"{TIME_MIN_TEXT} to {TIME_MAX_TEXT}"
"""The range in words, for reject reasons and documentation."""


def to_epoch(text: str) -> int:
    """Seconds for a canonical ``YYYY-MM-DD hh:mm:ss`` text (validated by the caller)."""
    return (
        _day_seconds(text[:10]) + int(text[11:13]) * 3600 + int(text[14:16]) * 60 + int(text[17:19])
    )


_day_cache: dict[str, int] = {}


def _day_seconds(day: str) -> int:
    seconds = _day_cache.get(day)
    if seconds is None:
        seconds = (datetime(int(day[:4]), int(day[5:7]), int(day[8:10])) - EPOCH).days * _DAY
        if len(_day_cache) > 100_000:
            _day_cache.clear()
        _day_cache[day] = seconds
    return seconds


TIME_MIN = to_epoch(TIME_MIN_TEXT)
"""``TIME_MIN_TEXT`` in stored seconds."""

TIME_MAX = to_epoch(TIME_MAX_TEXT)
"""``TIME_MAX_TEXT`` in stored seconds."""


def in_time_range(text: str) -> bool:
    """Whether a canonical ``YYYY-MM-DD hh:mm:ss`` time lies in the range the viewer takes.

    Canonical texts have fixed widths, so comparing them as text compares them as times.
    """
    return TIME_MIN_TEXT <= text <= TIME_MAX_TEXT


class EpochCache(dict[str, int]):
    """A memo of text -> seconds; ``map(cache.__getitem__, texts)`` converts at C speed on hits.

    Bills cluster in time (many share a second), so most lookups hit.
    """

    def __missing__(self, text: str) -> int:
        if len(self) > 200_000:
            self.clear()
        value = to_epoch(text)
        self[text] = value
        return value


def from_epoch(seconds: int | None) -> str:
    """The exported text for stored seconds (empty for None); the year has its four digits.

    ``isoformat`` pads the year where ``strftime("%Y")`` on glibc does not (year 1 would read
    ``1-01-01``, which no parser takes back).
    """
    if seconds is None or seconds == "":
        return ""
    return (EPOCH + timedelta(seconds=int(seconds))).isoformat(" ")


def format_time(dt: datetime) -> str:
    """``YYYY-MM-DD hh:mm:ss`` for a datetime, the year always in four digits."""
    return dt.replace(microsecond=0).isoformat(" ")


def to_datetime(seconds: int | None) -> datetime | None:
    """A naive ``datetime`` (tenant wall-clock time) for stored seconds."""
    if seconds is None or seconds == "":
        return None
    return EPOCH + timedelta(seconds=int(seconds))


def format_duration(seconds: int | None) -> str:
    """``h:mm:ss`` for a duration in seconds (empty for None)."""
    if seconds is None:
        return ""
    sign = "-" if seconds < 0 else ""
    s = abs(int(seconds))
    return f"{sign}{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"


def now_local_text() -> str:
    """The current local time with its UTC offset, for report headers."""
    return datetime.now(UTC).astimezone().isoformat(timespec="seconds")


MAX_ZONE_NAME = 64


def time_label(zone: str | None = None) -> str:
    """How every view and export qualifies bill times.

    The export carries no zone: times are shown as exported. Where a user has named the data's
    zone (a per-database setting), the label says so; times are never converted.
    """
    if not zone:
        return translate("Time", "as exported (tenant time)")
    return translate("Time", "as exported (tenant time, {zone})").format(zone=zone)


def clean_zone_name(text: str) -> str | None:
    """A user's name for the data's time zone, trimmed; None for an empty text (no zone).

    Any short printable text is accepted ("Asia/Shanghai", "UTC+08:00", "Beijing time"):
    it is a statement shown beside the times, never used to convert them.

    Raises:
        ValueError: the text is too long or holds control characters.
    """
    name = " ".join(text.split())
    if not name:
        return None
    if len(name) > MAX_ZONE_NAME or not name.isprintable():
        raise ValueError(
            translate(
                "Time",
                "a time zone name is up to {count} printable characters, "
                "e.g. Asia/Shanghai or UTC+08:00",
            ).format(count=MAX_ZONE_NAME)
        )
    return name
