"""``bill-viewer export`` (filtered bills to .xlsx) and ``bill-viewer verify`` (its row hash)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from viewer.cli.common import (
    ProgressLine,
    UsageError,
    add_db_arg,
    add_filter_args,
    filter_from_args,
    open_db_from,
    plural,
)
from viewer.core.columns import BY_KEY, DEFAULT_KEYS, parse_column_list
from viewer.core.paths import xlsx_target
from viewer.data.export_sheets import investigation_sheet_specs
from viewer.data.exporter import export_xlsx, verify_xlsx


def _columns(text: str | None) -> tuple[str, ...]:
    """``--columns``: ``a,b,c`` in sheet order, or ``all``; default: the window's columns."""
    if text is None:
        return DEFAULT_KEYS
    if text.strip().lower() == "all":
        return tuple(BY_KEY)
    try:
        keys = parse_column_list(text)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if len(set(keys)) != len(keys):
        raise UsageError(f"--columns lists a column twice: {text}")
    return keys


def cmd_export(args: argparse.Namespace) -> int:
    """Export the bills the filter options select to an .xlsx workbook."""
    f = filter_from_args(args)
    keys = _columns(args.columns)
    try:
        out = xlsx_target(args.out)  # the window's rule: "Q3 v1.2" -> "Q3 v1.2.xlsx"
    except ValueError as exc:
        raise UsageError(f"--out: {exc}") from None
    db = open_db_from(args, create=False)
    line = ProgressLine(sys.stderr)  # silent unless stderr is a terminal
    try:
        extra: list[Any] = []
        if not args.no_investigation:
            line.show("reading the bills for the Summary and Anomalies sheets…")
            extra = investigation_sheet_specs(
                db,
                f,
                progress=line.counter(
                    lambda d, t: f"states {100 * d / t:5.1f}% ({d:,} of {t:,} bills read)"
                )
                if line.live
                else None,
            )
        line.show("selecting and sorting the bills…")

        def bills(d: int, t: int) -> str:
            if d >= t:
                return f"{plural(d, 'bill')} written; saving the workbook (compressing)…"
            return f"{100 * d / t:5.1f}% ({d:,} of {t:,} bills)"

        result = export_xlsx(
            db,
            f,
            out,
            columns=keys,
            force=args.force,
            progress=line.counter(bills) if line.live else None,
            extra_sheets=extra,
        )
    finally:
        db.close()
        line.clear()
    sheets = len(result.bill_sheets)
    sys.stdout.write(
        f"exported {plural(result.rows, 'bill')} in {plural(sheets, 'sheet')} "
        f"to {result.path} (rows sha256 {result.sha256})\n"
    )
    if result.cut_cells:
        sys.stderr.write(
            f"bill-viewer: note: {plural(result.cut_cells, 'cell')} longer than Excel's limit "
            f"of 32,767 characters {'was' if result.cut_cells == 1 else 'were'} cut; each ends "
            "with '\u2026 [truncated, N characters]' (see the Report sheet)\n"
        )
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    """Recompute an export's row hash and compare it with its Report sheet."""
    result = verify_xlsx(args.file)
    if result.ok:
        sha = result.expected if result.legacy else result.actual
        how = " (hashed as version 0.1.0 did: _xHHHH_ escapes as stored)" if result.legacy else ""
        sys.stdout.write(f"OK {result.path}: {result.rows:,} rows, sha256 {sha}{how}\n")
        return 0
    details = []
    if result.expected != result.actual and not result.legacy:
        details.append(f"the Report states {result.expected}, the rows hash to {result.actual}")
    if result.stated_rows is not None and result.stated_rows != result.rows:
        details.append(
            f"the Report states {result.stated_rows:,} rows, the sheets hold {result.rows:,}"
        )
    details += result.problems
    sys.stdout.write(f"MISMATCH {result.path}: {'; '.join(details)}\n")
    return 1


def register(sub: Any) -> None:
    """Add export and verify to the subcommand parser."""
    p = sub.add_parser(
        "export",
        help="export the bills the filters select to an .xlsx workbook with a Report sheet",
        description=(
            "Export the bills the filters select, in the sort order, to an .xlsx workbook: a "
            "Bills sheet (typed values, codes with their meanings) and a Report sheet (filter, "
            "counts, source files, site labels, SHA-256 of the rows)."
        ),
    )
    p.add_argument("--out", type=Path, required=True, metavar="FILE.xlsx", help="the workbook")
    add_db_arg(p)
    p.add_argument("--force", action="store_true", help="replace FILE.xlsx if it exists")
    p.add_argument(
        "--no-investigation",
        action="store_true",
        help="leave out the Summary and Anomalies sheets (time per state, anomalies)",
    )
    p.add_argument(
        "--columns",
        metavar="a,b,c",
        help=(
            "columns in sheet order, or 'all' (default: "
            f"{','.join(DEFAULT_KEYS)}); choose from {', '.join(BY_KEY)}"
        ),
    )
    add_filter_args(p)
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser(
        "verify",
        help="check an exported workbook's rows against the SHA-256 in its Report sheet",
        description=(
            "Recompute the SHA-256 of an export's Bills sheets as its Report sheet describes and "
            "compare it with the value stated there; also check the filter lists kept on "
            "'Filter ...' sheets against their count and SHA-256. Exit status 0 when all agree, "
            "1 otherwise."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.set_defaults(handler=cmd_verify)
