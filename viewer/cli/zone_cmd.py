"""``bill-viewer time-zone``: name the time zone of a database's bills (a label, no conversion)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from viewer.cli.common import UsageError, add_db_arg, open_db_from
from viewer.core.i18n import translate
from viewer.core.timefmt import time_label
from viewer.services.time_zone import TimeZoneService, ZoneNameError


def cmd_time_zone(args: argparse.Namespace) -> int:
    """Print, set or clear the data's time zone; prints the resulting time label."""
    if args.clear and args.name:
        raise UsageError(translate("Cli", "give a NAME or --clear, not both"))
    changing = args.clear or bool(args.name)
    db = open_db_from(args, create=changing)
    try:
        zones = TimeZoneService(db)
        if changing:
            try:
                zone = zones.set_zone(None if args.clear else " ".join(args.name))
            except ZoneNameError as exc:
                raise UsageError(str(exc)) from None
        else:
            zone = zones.zone()
    finally:
        db.close()
    said = translate("Cli", "times are shown {label}").format(label=time_label(zone))
    sys.stdout.write(said + "\n")
    return 0


def register(sub: Any) -> None:
    """Add the ``time-zone`` subcommand."""
    p = sub.add_parser(
        "time-zone",
        help="name the time zone of the bills (shown beside every time; nothing is converted)",
        description="Bill exports carry no time zone: times are shown as exported. Name the "
        "tenant's zone once per database (e.g. Asia/Shanghai or UTC+08:00) and every view, "
        "summary and export states it. Without NAME: print the current statement.",
    )
    add_db_arg(p)
    p.add_argument("name", nargs="*", metavar="NAME", help="the zone, e.g. Asia/Shanghai")
    p.add_argument("--clear", action="store_true", help="remove the zone's name")
    p.set_defaults(handler=cmd_time_zone)
