"""Subcommands of the import foundation: import, decode, labels, stats."""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from pathlib import Path
from typing import Any

from viewer.cli.common import UsageError, add_db_arg, open_db_from, plural, progress_printer
from viewer.core import codes
from viewer.core.errors import KnownError
from viewer.core.i18n import QT_TRANSLATE_NOOP, language, translate
from viewer.core.records import TIME_LABEL
from viewer.services.browse import BrowseService
from viewer.services.database import default_db_path, exists
from viewer.services.imports import FileReport, ImportService, ImportStatus, reason_text
from viewer.services.labels import LabelsService

_STATUS_WORDS = {
    ImportStatus.IMPORTED: QT_TRANSLATE_NOOP("Cli", "imported"),
    ImportStatus.ALREADY_IMPORTED: QT_TRANSLATE_NOOP("Cli", "already imported"),
    ImportStatus.NOT_A_BILL_EXPORT: QT_TRANSLATE_NOOP("Cli", "not a bill export"),
    ImportStatus.FAILED: QT_TRANSLATE_NOOP("Cli", "FAILED"),
    ImportStatus.CANCELLED: QT_TRANSLATE_NOOP("Cli", "cancelled"),
}


def _file_line(f: FileReport) -> str:
    if f.status == ImportStatus.IMPORTED:
        line = translate(
            "Cli",
            "{path}: {read} lines read, {imported} imported, {duplicates} duplicates "
            "({conflicts} conflicting), {rejected} rejected",
        ).format(
            path=f.path,
            read=f"{f.rows_read:,}",
            imported=f"{f.imported:,}",
            duplicates=f"{f.duplicates:,}",
            conflicts=f"{f.conflicts:,}",
            rejected=f"{f.rejected:,}",
        )
        return line + (f" [{reason_text(f.message)}]" if f.message else "")
    if f.message:
        return reason_text(f.message)
    words = _STATUS_WORDS.get(f.status)
    return f"{f.path}: {translate('Cli', words) if words else f.status}"


def cmd_import(args: argparse.Namespace) -> int:
    """Import exports and print a per-file and total summary (or one JSON object)."""
    db = open_db_from(args)
    try:
        interactive = not args.json and sys.stderr.isatty()
        report = ImportService(db).import_paths(
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
                line = translate("Cli", "  line {line}: {reason}")
                out.write(line.format(line=issue.line, reason=reason_text(issue.reason)) + "\n")
            if f.rejected > 20:
                more = translate(
                    "Cli",
                    "  ... {count} more rejected lines (all are stored; see the window's import "
                    "report)",
                )
                out.write(more.format(count=f"{f.rejected - 20:,}") + "\n")
        files = len(report.files)
        total = translate(
            "Cli",
            "total: {files}, {read} lines read, {imported} imported, {duplicates} duplicates "
            "({conflicts} conflicting), {rejected} rejected -> {db}",
        ).format(
            files=plural(files, "file")
            if language() == "en"
            else translate("Cli", "{count} file(s)").format(count=f"{files:,}"),
            read=f"{report.total('rows_read'):,}",
            imported=f"{report.total('imported'):,}",
            duplicates=f"{report.total('duplicates'):,}",
            conflicts=f"{report.total('conflicts'):,}",
            rejected=f"{report.total('rejected'):,}",
            db=db.path,
        )
        out.write(total + "\n")
    return 0 if report.ok else 1


def _int_arg(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        said = translate("Cli", "{what} must be a whole number, not {value}")
        raise UsageError(said.format(what=what, value=repr(value))) from None


def _words(text: str) -> str:
    """A name as compared: lower case, every run of other characters one space."""
    return " ".join(re.findall(r"[0-9a-z]+", text.lower()))


def op_type_arg(text: str) -> int:
    """``OP_TYPE`` of ``decode``: a number, or an operation type's name.

    Names are those of the code tables (``busy``, ``Forcible logout``), in any case, or an
    unambiguous start of one; or the name exactly as the current language writes it (``示忙``).
    An exact name wins over longer names it starts; a name matching several types, or none, is
    a usage error listing the candidates.
    """
    try:
        return int(text)
    except ValueError:
        pass
    shown = {code: info.short_text for code, info in codes.OP_TYPES.items()}
    same = [code for code, name in shown.items() if name == text.strip()]
    if len(same) == 1:  # the name as the current language writes it (示忙)
        return same[0]
    wanted = _words(text)
    if not wanted:
        said = translate("Cli", "OP_TYPE must be a number or an operation type's name, not {text}")
        raise UsageError(said.format(text=repr(text)))
    names = {code: _words(info.short) for code, info in codes.OP_TYPES.items()}
    exact = [code for code, name in names.items() if name == wanted]
    found = exact or [code for code, name in names.items() if name.startswith(wanted)]
    if len(found) == 1:
        return found[0]

    def listing(found: list[int]) -> str:
        return translate("Cli", "; ").join(f"{c} {codes.OP_TYPES[c].short_text}" for c in found)

    if found:
        said = translate("Cli", "OP_TYPE {text} could be any of {count} operation types: {types}")
        raise UsageError(said.format(text=repr(text), count=len(found), types=listing(found)))
    near = [c for c, name in names.items() if any(w in name.split() for w in wanted.split())]
    if not near:
        near = [
            c
            for c, name in names.items()
            if difflib.get_close_matches(wanted, [name, *name.split()], n=1, cutoff=0.75)
        ]
    if near:
        said = translate("Cli", "no operation type is named {text}; did you mean: {types}")
        raise UsageError(said.format(text=repr(text), types=listing(near)))
    said = translate("Cli", "no operation type is named {text}; the types are: {types}")
    raise UsageError(said.format(text=repr(text), types=listing(list(names))))


def cmd_decode(args: argparse.Namespace) -> int:
    """Print what an operation type, reason and object mean, with the site's own labels."""
    op_type = op_type_arg(args.op_type)
    labels = _decode_labels(args)
    sys.stdout.write(codes.describe_codes(op_type, args.cause, args.object, labels) + "\n")
    return 0


def _decode_labels(args: argparse.Namespace) -> dict[tuple[int, int], str]:
    """Site labels from ``--db``, else from the default database if that file exists.

    ``decode`` is the quick answer about a pasted bill line: it never creates a database, and
    a default database that cannot be opened only costs the labels (with a warning), since the
    user did not name it.
    """
    if args.db is None and not exists(default_db_path()):
        return {}
    try:
        db = open_db_from(args, create=False)
    except KnownError as exc:
        if args.db is not None:
            raise
        said = translate("Cli", "warning: site labels not loaded: {error}").format(error=exc)
        sys.stderr.write(f"bill-viewer: {said}\n")
        return {}
    try:
        return LabelsService(db).labels()
    finally:
        db.close()


def cmd_labels(args: argparse.Namespace) -> int:
    """List, set or remove site labels (arguments are checked before the database is opened)."""
    if args.action == "list":
        return _list_labels(args)
    if len(args.values) < 2:
        raise UsageError(
            translate("Cli", "labels {action} needs TYPE CODE").format(action=args.action)
        )
    op_type = _int_arg(args.values[0], "TYPE")
    code = _int_arg(args.values[1], "CODE")
    text = " ".join(args.values[2:])
    if args.action == "set":
        if len(args.values) < 3:
            raise UsageError(translate("Cli", "labels set needs TYPE CODE TEXT"))
        problem = LabelsService.problem(op_type, code, text)
        if problem is not None:
            raise UsageError(problem)
    db = open_db_from(args)
    try:
        labels = LabelsService(db)
        if args.action == "set":
            labels.set(op_type, code, text)
            sys.stdout.write(f"{op_type}:{code} = {text}\n")
        elif not labels.unset(op_type, code):
            said = translate("Cli", "{op_type}:{code} had no label")
            sys.stdout.write(said.format(op_type=op_type, code=code) + "\n")
        return 0
    finally:
        db.close()


def _list_labels(args: argparse.Namespace) -> int:
    """Print every site-definable code range with the labels the database holds in it."""
    db = open_db_from(args)
    try:
        ranges = LabelsService(db).by_range()
    finally:
        db.close()
    for site, labels in ranges:
        info = codes.op_type_info(site.op_type)
        head = info.short_text if info else str(site.op_type)
        said = translate("Cli", "type {op_type} ({name}), codes {low}-{high}: {meaning}")
        line = said.format(
            op_type=site.op_type, name=head, low=site.low, high=site.high, meaning=site.generic_text
        )
        sys.stdout.write(line + "\n")
        for t, c, label in labels:
            sys.stdout.write(f"  {t}:{c} = {label}\n")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    """Print headline figures of the database."""
    db = open_db_from(args, create=False)
    try:
        s = BrowseService(db).stats()
    finally:
        db.close()
    if args.json:
        sys.stdout.write(json.dumps(s.as_dict(), indent=2) + "\n")
        return 0
    if language() != "en":
        span = (
            translate("Cli", "{first} to {last}").format(first=s.first_begin, last=s.last_begin)
            if s.first_begin
            else "-"
        )
        rows = [
            (translate("Cli", "database"), str(db.path)),
            (translate("Cli", "bills"), f"{s.bills:,}"),
            (translate("Cli", "agents"), f"{s.agents:,}"),
            (
                translate("Cli", "time span"),
                translate("Cli", "{span}, times {label}").format(
                    span=span, label=translate("Time", TIME_LABEL)
                ),
            ),
            (translate("Cli", "files"), f"{s.files:,}"),
            (translate("Cli", "rejects"), f"{s.rejects:,}"),
            (translate("Cli", "conflicts"), f"{s.conflicts:,}"),
        ]
        sys.stdout.write("".join(f"{name}：{value}\n" for name, value in rows))
        return 0
    span = f"{s.first_begin} to {s.last_begin}" if s.first_begin else "-"
    sys.stdout.write(
        f"database:  {db.path}\nbills:     {s.bills:,}\nagents:    {s.agents:,}\n"
        f"time span: {span} (as exported, tenant time)\nfiles:     {s.files:,}\n"
        f"rejects:   {s.rejects:,}\nconflicts: {s.conflicts:,}\n"
    )
    return 0


def _site_codes_text() -> str:
    """The site-definable code ranges, one line each, made from ``codes.SITE_DEFINABLE``."""
    lines = []
    for site in codes.SITE_DEFINABLE:
        info = codes.op_type_info(site.op_type)
        head = info.short if info else str(site.op_type)
        lines.append(
            f"  type {site.op_type:<2} ({head}), codes {site.low}-{site.high}: {site.generic}"
        )
    return "\n".join(lines)


_LABELS_DESCRIPTION = (
    "Name your site's own codes; the names live in the database and win over the generic\n"
    "text in the window, 'decode' and exports. Only these codes can be labelled (the others\n"
    "have fixed vendor meanings; setting one is a usage error):\n\n"
    + _site_codes_text()
    + "\n\nRest reasons (type 26) have no documented range: the bill table says only that the\n"
    "client sets them, default 0; 0-255 is what the platform's rest-reason configuration\n"
    "accepts. Other rest codes still decode, with the generic text.\n\n"
    "  labels list | labels set TYPE CODE TEXT | labels unset TYPE CODE"
)


def register(sub: Any) -> None:
    """Add import, decode, labels and stats to the subcommand parser."""
    p = sub.add_parser("import", help="import exports (CSV, zip, folder) into the database")
    add_db_arg(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--force", action="store_true", help="read files again even if already imported")
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser(
        "decode",
        help="explain an operation type, reason and object",
        description="Explain an operation type, reason and object. Site labels come from "
        "--db, else from the default database if it exists (none is created).",
    )
    p.add_argument(
        "op_type",
        metavar="OP_TYPE",
        help="a type number, or its name as the code tables write it (busy, 'forcible "
        "logout'), any case; an unambiguous start will do (forcible-l)",
    )
    p.add_argument("--cause", help="operation reason code (op_cause)")
    p.add_argument("--object", help="operation object (op_object)")
    add_db_arg(p)
    p.set_defaults(handler=cmd_decode)

    p = sub.add_parser(
        "labels",
        help="list, set or remove site labels of site-defined codes",
        description=_LABELS_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("action", choices=("list", "set", "unset"))
    p.add_argument("values", nargs="*", metavar="TYPE CODE [TEXT]")
    add_db_arg(p)
    p.set_defaults(handler=cmd_labels)

    p = sub.add_parser("stats", help="bills, agents, time span, files, rejects, conflicts")
    add_db_arg(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)
