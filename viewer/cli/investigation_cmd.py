"""``bill-viewer summary`` and ``bill-viewer at``: the investigation figures on the command line.

``bill-viewer at TIME --until TIME2`` prints what changed between two moments instead of the
state at one.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from viewer.cli.common import (
    UsageError,
    add_db_arg,
    add_filter_args,
    filter_from_args,
    open_db_from,
    plural,
)
from viewer.core.filters import BillFilter, parse_user_time
from viewer.core.i18n import language, translate
from viewer.core.investigation import reason_key, summary_table
from viewer.core.timefmt import format_duration, from_epoch, to_epoch
from viewer.services.investigation import (
    DEFAULT_GAP_SECONDS,
    DEFAULT_LOOKBACK_SECONDS,
    AgentChange,
    AgentMoment,
    InvestigationService,
    StateKind,
    Summary,
)

ELLIPSIS = "\u2026"
MIN_ELIDED = 8
"""An elided column keeps at least this many characters (its last one the ellipsis)."""


def _fit(widths: list[int], elidable: Sequence[int], limit: int) -> list[int]:
    """Column widths narrowed to ``limit`` characters in all (2 between columns).

    Only the ``elidable`` columns shrink, the widest first, down to ``MIN_ELIDED``; a table
    that cannot fit keeps those minimum widths.
    """
    widths = list(widths)
    excess = sum(widths) + 2 * (len(widths) - 1) - limit
    while excess > 0:
        i = max(elidable, key=lambda k: widths[k], default=None)
        if i is None or widths[i] <= MIN_ELIDED:
            break
        widths[i] -= 1
        excess -= 1
    return widths


def _cols(text: str) -> int:
    """Terminal columns ``text`` takes: a wide (CJK) character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _elide(text: str, width: int) -> str:
    if _cols(text) <= width:
        return text
    out, used = [], 1
    for c in text:
        used += _cols(c)
        if used > width:
            break
        out.append(c)
    return "".join(out) + ELLIPSIS


def _pad(text: str, width: int, right: bool) -> str:
    """``text`` padded with blanks to ``width`` terminal columns."""
    blanks = " " * max(0, width - _cols(text))
    return blanks + text if right else text + blanks


def _agents(n: int) -> str:
    """``"1 agent"``, ``"2 agents"``; Chinese has one form."""
    if language() == "en":
        return plural(n, "agent")
    return translate("Cli", "{count} agent(s)").format(count=f"{n:,}")


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    right: set[int],
    *,
    width: int | None = None,
    elidable: Sequence[int] = (),
) -> str:
    """An aligned plain-text table; columns in ``right`` are right-aligned.

    With ``width``, the ``elidable`` columns are cut (ending with an ellipsis) so that every
    line fits in ``width`` characters.
    """
    cells = [[str(c) for c in header], *[[str(c) for c in row] for row in rows]]
    widths = [max(_cols(r[i]) for r in cells) for i in range(len(header))]
    if width is not None:
        widths = _fit(widths, elidable, width)
    lines = []
    for n, row in enumerate(cells):
        row = [_elide(c, widths[i]) for i, c in enumerate(row)]
        parts = [_pad(c, widths[i], i in right) for i, c in enumerate(row)]
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(args: argparse.Namespace) -> int | None:
    """The width a table must fit: the terminal's (``$COLUMNS`` first); None with ``--wide``."""
    if getattr(args, "wide", False):
        return None
    return shutil.get_terminal_size().columns


def _options(args: argparse.Namespace) -> dict[str, int]:
    if args.gap_minutes <= 0 or args.lookback_hours < 0:
        raise UsageError(
            translate("Cli", "--gap-minutes must be positive and --lookback-hours not negative")
        )
    return {
        "gap_seconds": int(args.gap_minutes * 60),
        "lookback_seconds": int(args.lookback_hours * 3600),
    }


def _summary_json(s: Summary, f: BillFilter, label: str) -> dict[str, Any]:
    return {
        "period": {"from": f.time_from, "to": f.time_to},
        "time_label": label,
        "filter": f.to_dict(),
        "agents": [r.as_dict() for r in s.rows],
        "total": s.total.as_dict(),
        "busy_reasons": {reason_key(r): s.reason_label(StateKind.BUSY, r) for r in s.busy_reasons},
        "rest_reasons": {reason_key(r): s.reason_label(StateKind.REST, r) for r in s.rest_reasons},
    }


def _by_reason_text(s: Summary, kind: StateKind, reasons: list[int | None]) -> str:
    """A per-agent table of one state's time by reason code, with a legend of the codes."""
    attr = "busy" if kind is StateKind.BUSY else "rest"
    not_used = translate("Codes", "not used")
    head = [translate("Summary", "Agent"), *(reason_key(r) or not_used for r in reasons)]
    rows = []
    for row in [*s.rows, s.total]:
        values = getattr(row, attr)
        rows.append(
            [
                translate("Summary", "Total") if row.is_total else row.agent,
                *(format_duration(values.get(r, 0)) for r in reasons),
            ]
        )
    legend = "\n".join(
        f"  {reason_key(r) or not_used} = {s.reason_label(kind, r)}" for r in reasons
    )
    title = translate("Cli", "{state} by reason:").format(state=kind.title)
    return f"{title}\n{_table(head, rows, set(range(1, len(head))))}\n{legend}"


def _summary_text(s: Summary, f: BillFilter, label: str) -> str:
    head, rows = summary_table(s, by_reason=False)
    begin = translate("Column", "Begin").lower()
    order = translate("Filter", "{head}, sorted by {column} ascending.").format(
        head="", column=begin
    )
    scope = f.describe(time_label=label).removesuffix(order).removesuffix(".").removesuffix("。")
    parts = [
        translate("Cli", "Time per state: {scope} ({agents}).").format(
            scope=scope, agents=_agents(len(s.rows))
        ),
        _table(head, rows, set(range(1, len(head)))),
    ]
    if s.busy_reasons:
        parts.append(_by_reason_text(s, StateKind.BUSY, s.busy_reasons))
    if s.rest_reasons:
        parts.append(_by_reason_text(s, StateKind.REST, s.rest_reasons))
    return "\n\n".join(parts) + "\n"


def cmd_summary(args: argparse.Namespace) -> int:
    """Print time per state per agent over the filtered period, with a total row."""
    f = filter_from_args(args)
    options = _options(args)
    db = open_db_from(args, create=False)
    try:
        service = InvestigationService(db)
        s = service.summary(f, labels=service.labels(), **options)
        label = service.time_label()
    finally:
        db.close()
    if args.json:
        data = _summary_json(s, f, label)
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_summary_text(s, f, label))
    return 0


def _parse_time(words: Sequence[str]) -> int:
    text = " ".join(words)
    try:
        return to_epoch(parse_user_time(text))
    except ValueError as exc:
        message = str(exc).replace("YYYY-MM-DD[ HH:MM[:SS]]", "YYYY-MM-DD HH:MM[:SS]")
        raise UsageError(message) from None


def _clock(seconds: int | None, day: str | None) -> str:
    """A time as exported; only ``hh:mm:ss`` when it falls on ``day`` (a narrow table)."""
    if seconds is None:
        return "-"
    text = from_epoch(seconds)
    return text[11:] if day is not None and text[:10] == day else text


def _moment_text(moments: list[AgentMoment], t: int, label: str, width: int | None = None) -> str:
    """The state table of every agent at ``t``.

    With ``width``, times on TIME's day lose their date and the state and "also" texts are cut
    to fit.
    """
    signed = sum(1 for m in moments if m.signed_in)
    day = from_epoch(t)[:10] if width is not None else None
    head = [
        translate("Cli", "Agent"),
        translate("Cli", "State"),
        translate("Cli", "Since"),
        translate("Cli", "For"),
        translate("Cli", "Signed in since"),
        translate("Cli", "Also"),
    ]
    rows = []
    for m in moments:
        also = "; ".join(iv.label for iv in m.details if iv.kind is not StateKind.SIGNED_IN)
        rows.append(
            [
                m.agent,
                m.label,
                _clock(m.since, day),
                format_duration(t - m.since) if m.since is not None else "-",
                _clock(m.session_start, day),
                also,
            ]
        )
    title = translate(
        "Cli", "State at {time}, times {label}: {agents}, {signed} signed in."
    ).format(time=from_epoch(t), label=label, agents=_agents(len(moments)), signed=f"{signed:,}")
    table = _table(head, rows, {3}, width=width, elidable=(1, 5))
    return f"{title}\n{table}\n"


def _changes_text(
    changes: list[AgentChange],
    total: int,
    t1: int,
    t2: int,
    label: str,
    width: int | None = None,
) -> str:
    """The agents whose state changed: a table of both states, then what began and ended.

    With ``width``, times on the first moment's day lose their date and states are cut to fit.
    """
    title = translate(
        "Cli", "Changes between {start} and {end}, times {label}: {changed} of {agents} changed."
    ).format(
        start=from_epoch(t1),
        end=from_epoch(t2),
        label=label,
        changed=f"{len(changes):,}",
        agents=_agents(total),
    )
    day = from_epoch(t1)[:10] if width is not None else None
    since = translate("Cli", "Since")
    head = [
        translate("Cli", "Agent"),
        translate("Cli", "State at first moment"),
        since,
        translate("Cli", "State at second moment"),
        since,
    ]
    rows = [
        [
            c.agent,
            c.before.label,
            _clock(c.before.since, day),
            c.after.label,
            _clock(c.after.since, day),
        ]
        for c in changes
    ]
    parts = [title]
    if changes:
        parts.append(_table(head, rows, set(), width=width, elidable=(1, 3)))
    for c in changes:
        began, ended = translate("Cli", "began"), translate("Cli", "ended")
        events = [(iv.start, 0, began, iv.label) for iv in c.started]
        events.extend((iv.end, 1, ended, iv.label) for iv in c.ended)
        if not events:
            continue
        events.sort(key=lambda ev: (ev[0], ev[1]))
        lines = [f"{c.agent}:"]
        for when, _, verb, text in events:
            line = f"  {from_epoch(when)}  {verb}  {text}"
            lines.append(line if width is None else _elide(line, max(width, 40)))
        parts.append("\n".join(lines))
    return "\n\n".join(parts) + "\n"


def _cmd_changes(args: argparse.Namespace, t1: int, t2: int) -> int:
    """``at TIME --until TIME2``: every agent whose state changed between the two moments."""
    f = filter_from_args(args)
    options = _options(args)
    db = open_db_from(args, create=False)
    try:
        service = InvestigationService(db)
        every = service.changes(f, t1, t2, labels=service.labels(), only_changed=False, **options)
        label = service.time_label()
    finally:
        db.close()
    changes = [c for c in every if c.eventful]
    if args.json:
        data = {
            "from": from_epoch(t1),
            "to": from_epoch(t2),
            "time_label": label,
            "filter": f.to_dict(),
            "agents_total": len(every),
            "agents_changed": len(changes),
            "agents": [c.as_dict() for c in changes],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_changes_text(changes, len(every), t1, t2, label, _width(args)))
    return 0


_CLOCK = re.compile(r"\d{1,2}:\d{2}(:\d{2})?")


def cmd_at(args: argparse.Namespace) -> int:
    """Print every agent's state at a moment and since when (or the changes up to ``--until``)."""
    t = _parse_time(args.time)
    if args.moment_to:
        words = list(args.moment_to)
        if len(words) == 1 and _CLOCK.fullmatch(words[0]):
            words.insert(0, from_epoch(t)[:10])  # a time of day: on TIME's day
        t2 = _parse_time(words)
        if t2 < t:
            raise UsageError(translate("Cli", "--until must not be before TIME"))
        return _cmd_changes(args, t, t2)
    f = filter_from_args(args)
    options = _options(args)
    db = open_db_from(args, create=False)
    try:
        service = InvestigationService(db)
        moments = service.at(f, t, labels=service.labels(), **options)
        label = service.time_label()
    finally:
        db.close()
    if args.json:
        data = {
            "time": from_epoch(t),
            "time_label": label,
            "filter": f.to_dict(),
            "signed_in": sum(1 for m in moments if m.signed_in),
            "agents": [m.as_dict() for m in moments],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(_moment_text(moments, t, label, _width(args)))
    return 0


def _add_common(p: argparse.ArgumentParser) -> None:
    add_db_arg(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument(
        "--gap-minutes",
        type=float,
        default=DEFAULT_GAP_SECONDS / 60,
        metavar="N",
        help="report signed-in stretches with no bill longer than N minutes (default 30)",
    )
    p.add_argument(
        "--lookback-hours",
        type=float,
        default=DEFAULT_LOOKBACK_SECONDS / 3600,
        metavar="H",
        help="read bills up to H hours before the period for sessions already open (default 24)",
    )
    add_filter_args(p, sort=False)


def register(sub: Any) -> None:
    """Add ``summary`` and ``at`` to the subcommand parser."""
    p = sub.add_parser(
        "summary",
        help="time signed in, in conversation, busy, rest, working per agent over the period",
        description="Per agent over the filtered period: time signed in, in conversation "
        "(pieces joined), busy and rest by reason, working; counts of conversations, forced "
        "events and anomalies; and a total row.",
    )
    _add_common(p)
    p.set_defaults(handler=cmd_summary)

    p = sub.add_parser(
        "at",
        help="every agent's state at a moment and since when, or what changed up to --until",
        description="Every agent of the filter and its state at TIME, since when, and what "
        "else was going on (held call, internal help, ...). With --until TIME2: what changed "
        "between TIME and TIME2: each agent whose state changed, its state at both moments "
        "and what began or ended in between.",
    )
    p.add_argument("time", nargs="+", metavar="TIME", help="YYYY-MM-DD HH:MM[:SS]")
    _add_common(p)
    p.add_argument(
        "--wide",
        action="store_true",
        help="print the full table (every text whole, times with their date) instead of "
        "fitting it to the terminal's width",
    )
    p.add_argument(
        "--until",
        dest="moment_to",
        nargs="+",
        metavar="TIME2",
        help="a second moment, YYYY-MM-DD HH:MM[:SS] (or HH:MM[:SS] on TIME's day): print "
        "what changed between TIME and TIME2 (states at both moments, what began and what "
        "ended in between)",
    )
    p.set_defaults(handler=cmd_at)
