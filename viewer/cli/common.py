"""Shared command-line pieces: database option, filter options, error handling."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import IO

from viewer.core.filters import SORTABLE_COLUMNS, BillFilter, parse_reason, parse_user_time
from viewer.services.database import Database, db_target, default_db_path, open_database


class UsageError(Exception):
    """Bad command-line input: exit status 2 with the message."""


def add_db_arg(parser: argparse.ArgumentParser) -> None:
    """``--db PATH|URL`` (default: ``$BILL_VIEWER_DB`` or the user's data folder)."""
    parser.add_argument(
        "--db",
        type=db_target,
        default=None,
        metavar="PATH|URL",
        help="database file, or a team database as postgresql://[user@][host][:port]/dbname "
        "(parts left out come from PGHOST, PGPORT, PGUSER, PGPASSWORD, ~/.pgpass, PGSERVICE; "
        "default: $BILL_VIEWER_DB or bills.sqlite in the user's data folder)",
    )


def open_db_from(args: argparse.Namespace, *, create: bool = True) -> Database:
    """Open the database named by ``--db`` or the default one."""
    return open_database(args.db or default_db_path(), create=create)


def add_filter_args(parser: argparse.ArgumentParser, *, sort: bool = True) -> None:
    """The window's filters as options (shared by export, summary and at)."""
    g = parser.add_argument_group("filters (combined with AND)")
    g.add_argument("--agent", action="append", default=[], metavar="A", help="agent work number")
    g.add_argument("--exclude-agent", action="append", default=[], metavar="A")
    g.add_argument("--op-type", action="append", default=[], type=int, metavar="N")
    g.add_argument("--exclude-op-type", action="append", default=[], type=int, metavar="N")
    g.add_argument(
        "--reason",
        action="append",
        default=[],
        metavar="TYPE:CODE",
        help="operation type and reason code, e.g. 3:201 (CODE '-' = not used)",
    )
    g.add_argument("--exclude-reason", action="append", default=[], metavar="TYPE:CODE")
    g.add_argument(
        "--from",
        dest="time_from",
        metavar="TIME",
        help="begin at or after YYYY-MM-DD[ HH:MM[:SS]] (inclusive)",
    )
    g.add_argument(
        "--to",
        dest="time_to",
        metavar="TIME",
        help="begin before YYYY-MM-DD[ HH:MM[:SS]] (exclusive)",
    )
    g.add_argument(
        "--overlapping",
        action="store_true",
        help="--from/--to select the bills going on in the window instead of those beginning "
        "in it: begun before --to and ended after --from (a bill with no end counts as open)",
    )
    g.add_argument("--call-id")
    g.add_argument("--skill")
    g.add_argument("--media-type", action="append", default=[], type=int, metavar="N")
    g.add_argument("--text", help="text contained in agent, call ID, phone/IP, object, ids ...")
    if sort:
        g.add_argument(
            "--sort",
            default="begin_time",
            metavar="COLUMN[:desc]",
            help=f"sort column: {', '.join(SORTABLE_COLUMNS)}",
        )


def filter_from_args(args: argparse.Namespace) -> BillFilter:
    """Build the ``BillFilter`` from parsed filter options; raises ``UsageError``."""
    try:
        sort, descending = "begin_time", False
        if getattr(args, "sort", None):
            name, _, direction = args.sort.partition(":")
            if direction not in ("", "asc", "desc"):
                raise ValueError(f"invalid sort direction {direction!r}: use asc or desc")
            sort, descending = name, direction == "desc"
        return BillFilter(
            agents=tuple(args.agent),
            exclude_agents=tuple(args.exclude_agent),
            op_types=tuple(args.op_type),
            exclude_op_types=tuple(args.exclude_op_type),
            reasons=tuple(parse_reason(r) for r in args.reason),
            exclude_reasons=tuple(parse_reason(r) for r in args.exclude_reason),
            time_from=parse_user_time(args.time_from) if args.time_from else None,
            time_to=parse_user_time(args.time_to) if args.time_to else None,
            call_id=args.call_id or None,
            skill=args.skill or None,
            media_types=tuple(args.media_type),
            text=args.text or None,
            overlapping=bool(getattr(args, "overlapping", False)),
            sort=sort,
            descending=descending,
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def plural(n: int, word: str, many: str | None = None) -> str:
    """``"1 bill"``, ``"2 bills"``, ``"1,000 bills"``: a count with its noun in the right number."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


class ProgressLine:
    """One terminal line rewritten in place, or nothing at all when the stream is not a terminal.

    Whether to show progress is decided here, once, from the stream itself: a piped or
    redirected stream (a script, a log file) never receives carriage returns or percentages.
    """

    def __init__(self, stream: IO[str], every: float = 0.5) -> None:
        self.stream = stream
        self.every = every
        isatty = getattr(stream, "isatty", None)
        self.live = bool(isatty and isatty())
        self._width = 0
        self._last = 0.0

    def show(self, text: str) -> None:
        """Replace the line with ``text`` (padded over a longer previous text)."""
        if not self.live:
            return
        self.stream.write("\r" + text.ljust(self._width))
        self.stream.flush()
        self._width = len(text)
        self._last = time.monotonic()

    def counter(self, describe: Callable[[int, int], str]) -> Callable[[int, int], None]:
        """A ``progress(done, total)`` callback showing ``describe(done, total)``.

        At most every ``every`` seconds, and always at the end.
        """

        def progress(done: int, total: int) -> None:
            if total and (time.monotonic() - self._last > self.every or done >= total):
                self.show(describe(done, total))

        return progress

    def clear(self) -> None:
        """Blank the line (before the command's own output)."""
        if self.live and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


def progress_printer(
    stream: IO[str], describe: Callable[[int, int], str], every: float = 0.5
) -> Callable[[int, int], None]:
    """A progress callback that rewrites one terminal line at most every ``every`` seconds.

    Silent when ``stream`` is not a terminal (see ``ProgressLine``).
    """
    return ProgressLine(stream, every).counter(describe)
