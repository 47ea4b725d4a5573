"""Subcommands of the import foundation: import, decode, labels, stats."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from viewer.cli.common import UsageError, add_db_arg, open_db_from, progress_printer
from viewer.core import codes
from viewer.core.records import FileReport, ImportStatus
from viewer.data.importer import import_paths
from viewer.data.labels import load_labels, set_label, unset_label
from viewer.data.queries import stats

_STATUS_WORDS = {
    ImportStatus.IMPORTED: "imported",
    ImportStatus.ALREADY_IMPORTED: "already imported",
    ImportStatus.NOT_A_BILL_EXPORT: "not a bill export",
    ImportStatus.FAILED: "FAILED",
    ImportStatus.CANCELLED: "cancelled",
}


def _file_line(f: FileReport) -> str:
    if f.status == ImportStatus.IMPORTED:
        line = (
            f"{f.path}: {f.rows_read:,} lines read, {f.imported:,} imported, "
            f"{f.duplicates:,} duplicates ({f.conflicts:,} conflicting), "
            f"{f.rejected:,} rejected"
        )
        return line + (f" [{f.message}]" if f.message else "")
    return f.message or f"{f.path}: {_STATUS_WORDS.get(f.status, f.status)}"


def cmd_import(args: argparse.Namespace) -> int:
    """Import exports and print a per-file and total summary (or one JSON object)."""
    db = open_db_from(args)
    try:
        interactive = not args.json and sys.stderr.isatty()
        report = import_paths(
            db,
            args.paths,
            force=args.force,
            progress=progress_printer(
                sys.stderr, lambda d, t: f"{100 * d / t:5.1f}% of {t / 2 / 1e6:,.1f} MB"
            )
            if interactive
            else None,
        )
    finally:
        db.close()
    if interactive:
        sys.stderr.write("\r" + " " * 40 + "\r")
    if args.json:
        sys.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        out = sys.stdout
        for f in report.files:
            out.write(_file_line(f) + "\n")
            for issue in f.rejects[:20]:
                out.write(f"  line {issue.line}: {issue.reason}\n")
            if f.rejected > 20:
                out.write(
                    f"  ... {f.rejected - 20:,} more rejected lines "
                    "(all are stored; see the window's import report)\n"
                )
        out.write(
            f"total: {len(report.files)} file(s), {report.total('rows_read'):,} lines read, "
            f"{report.total('imported'):,} imported, {report.total('duplicates'):,} duplicates "
            f"({report.total('conflicts'):,} conflicting), {report.total('rejected'):,} rejected "
            f"-> {db.path}\n"
        )
    return 0 if report.ok else 1


def _int_arg(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise UsageError(f"{what} must be a whole number, not {value!r}") from None


def cmd_decode(args: argparse.Namespace) -> int:
    """Print what an operation type, reason and object mean."""
    labels: dict[tuple[int, int], str] = {}
    if args.db is not None:
        db = open_db_from(args, create=False)
        try:
            labels = load_labels(db)
        finally:
            db.close()
    op_type = _int_arg(args.op_type, "OP_TYPE")
    sys.stdout.write(codes.describe_codes(op_type, args.cause, args.object, labels) + "\n")
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    """List, set or remove site labels."""
    db = open_db_from(args)
    try:
        if args.action == "list":
            labels = load_labels(db)
            for site in codes.SITE_DEFINABLE:
                info = codes.op_type_info(site.op_type)
                head = info.short if info else str(site.op_type)
                sys.stdout.write(
                    f"type {site.op_type} ({head}), codes {site.low}-{site.high}: {site.generic}\n"
                )
                for (t, c), text in sorted(labels.items()):
                    if t == site.op_type and site.low <= c <= site.high:
                        sys.stdout.write(f"  {t}:{c} = {text}\n")
            return 0
        if len(args.values) < 2:
            raise UsageError(f"labels {args.action} needs TYPE CODE")
        op_type = _int_arg(args.values[0], "TYPE")
        code = _int_arg(args.values[1], "CODE")
        if args.action == "set":
            if len(args.values) < 3:
                raise UsageError("labels set needs TYPE CODE TEXT")
            set_label(db, op_type, code, " ".join(args.values[2:]))
            sys.stdout.write(f"{op_type}:{code} = {' '.join(args.values[2:])}\n")
            return 0
        if not unset_label(db, op_type, code):
            sys.stdout.write(f"{op_type}:{code} had no label\n")
        return 0
    finally:
        db.close()


def cmd_stats(args: argparse.Namespace) -> int:
    """Print headline figures of the database."""
    db = open_db_from(args, create=False)
    try:
        s = stats(db)
    finally:
        db.close()
    if args.json:
        sys.stdout.write(json.dumps(s.as_dict(), indent=2) + "\n")
        return 0
    span = f"{s.first_begin} to {s.last_begin}" if s.first_begin else "-"
    sys.stdout.write(
        f"database:  {db.path}\nbills:     {s.bills:,}\nagents:    {s.agents:,}\n"
        f"time span: {span} (as exported, tenant time)\nfiles:     {s.files:,}\n"
        f"rejects:   {s.rejects:,}\nconflicts: {s.conflicts:,}\n"
    )
    return 0


def register(sub: Any) -> None:
    """Add import, decode, labels and stats to the subcommand parser."""
    p = sub.add_parser("import", help="import exports (CSV, zip, folder) into the database")
    add_db_arg(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--force", action="store_true", help="read files again even if already imported")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("decode", help="explain an operation type, reason and object")
    p.add_argument("op_type", metavar="OP_TYPE")
    p.add_argument("--cause", help="operation reason code (op_cause)")
    p.add_argument("--object", help="operation object (op_object)")
    add_db_arg(p)
    p.set_defaults(handler=cmd_decode)

    p = sub.add_parser("labels", help="list, set or remove site labels of site-defined codes")
    p.add_argument("action", choices=("list", "set", "unset"))
    p.add_argument("values", nargs="*", metavar="TYPE CODE [TEXT]")
    add_db_arg(p)
    p.set_defaults(handler=cmd_labels)

    p = sub.add_parser("stats", help="bills, agents, time span, files, rejects, conflicts")
    add_db_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)
