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
from viewer.core.i18n import language, translate
from viewer.core.paths import xlsx_target
from viewer.core.tasks import ProgressFn
from viewer.services.export import EXPORT_STATES, ExportService
from viewer.services.verify import SignatureCheck, VerifyService


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
        said = translate("Cli", "--columns lists a column twice: {text}")
        raise UsageError(said.format(text=text))
    return keys


def _bills(d: int, t: int) -> str:
    if d >= t:
        return f"{plural(d, 'bill')} written; saving the workbook (compressing)…"
    return f"{100 * d / t:5.1f}% ({d:,} of {t:,} bills)"


def _states(d: int, t: int) -> str:
    return f"states {100 * d / t:5.1f}% ({d:,} of {t:,} bills read)"


class _Phases:
    """The export's phases on the terminal line, each worded with its own counts."""

    def __init__(self, line: ProgressLine) -> None:
        self.line = line

    def phase(self, words: str, unit: str = "rows", after: str = "") -> ProgressFn:
        """Announce the phase as it begins; its callback shows its own percentage."""
        if words == EXPORT_STATES:
            self.line.show("reading the bills for the Summary and Anomalies sheets…")
            return self.line.counter(_states)
        self.line.show("selecting and sorting the bills…")
        return self.line.counter(_bills)


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
        result = ExportService(db).export(
            f,
            out,
            columns=keys,
            force=args.force,
            investigation=not args.no_investigation,
            progress=_Phases(line) if line.live else None,
        )
    finally:
        db.close()
        line.clear()
    sheets = len(result.bill_sheets)
    if language() == "en":
        bills, sheet_count = plural(result.rows, "bill"), plural(sheets, "sheet")
    else:
        bills = translate("Cli", "{count} bill(s)").format(count=f"{result.rows:,}")
        sheet_count = translate("Cli", "{count} sheet(s)").format(count=f"{sheets:,}")
    done = translate("Cli", "exported {bills} in {sheets} to {path} (rows sha256 {sha})")
    sys.stdout.write(
        done.format(bills=bills, sheets=sheet_count, path=result.path, sha=result.sha256) + "\n"
    )
    if result.fingerprint:
        signed = translate("Cli", "signed by {name}, key {fingerprint}")
        sys.stdout.write(
            signed.format(name=result.signed_by, fingerprint=result.fingerprint) + "\n"
        )
    if result.cut_cells:
        if result.cut_cells == 1:
            note = translate(
                "Cli",
                "note: 1 cell longer than Excel's limit of 32,767 characters was cut; it ends "
                "with '\u2026 [truncated, N characters]' (see the Report sheet)",
            )
        else:
            note = translate(
                "Cli",
                "note: {count} cells longer than Excel's limit of 32,767 characters were cut; "
                "each ends with '\u2026 [truncated, N characters]' (see the Report sheet)",
            )
        sys.stderr.write(f"bill-viewer: {note.format(count=f'{result.cut_cells:,}')}\n")
    return 0


UNSIGNED_STATUS = 3
"""``verify``'s exit status for a file whose rows match its hash but which is not signed."""


def _signer(sig: SignatureCheck, mine: bool) -> str:
    """Who signed, as ``verify`` words it."""
    if mine:
        said = translate("Cli", "signed by {name}, key {fingerprint} (this computer's key)")
    else:
        said = translate("Cli", "signed by {name}, key {fingerprint}")
    return said.format(name=sig.name, fingerprint=sig.fingerprint)


def cmd_verify(args: argparse.Namespace) -> int:
    """Recompute an export's row hash, compare it with its Report sheet, check its signature.

    The first word (``OK``, ``UNSIGNED``, ``MISMATCH``), the path, the row count's digits, the
    hashes and the exit status are the same in every language; the words between them are not.
    """
    checked = VerifyService().verify(args.file, trusted_key=args.key)
    result, mine = checked.result, checked.own_key
    sig = result.signature
    if result.ok:
        sha = result.expected if result.legacy else result.actual
        how = (
            translate("Cli", " (hashed as version 0.1.0 did: _xHHHH_ escapes as stored)")
            if result.legacy
            else ""
        )
        head = translate("Cli", "{path}: {rows} rows, sha256 {sha}{how}").format(
            path=result.path, rows=f"{result.rows:,}", sha=sha, how=how
        )
        if sig is None:
            said = translate(
                "Cli",
                "{head}; the rows match the Report's hash, but the file has no signature (made "
                "before exports were signed): anyone could have edited it and recomputed the hash",
            )
            sys.stdout.write(f"UNSIGNED {said.format(head=head)}\n")
            return UNSIGNED_STATUS
        check = (
            translate("Cli", "the key in {key}").format(key=args.key)
            if sig.trusted
            else translate(
                "Cli",
                "compare this fingerprint with the signer's, or check with --key THEIR-KEY.pem",
            )
        )
        said = translate("Cli", "{head}; signature valid, {signer} ({check})")
        sys.stdout.write(f"OK {said.format(head=head, signer=_signer(sig, mine), check=check)}\n")
        return 0
    details = []
    if sig is not None and not sig.valid:
        details.append(f"{sig.problem} ({_signer(sig, mine)})")
    elif sig is not None and sig.trusted is False:
        details.append(
            translate("Cli", "{signer}, not with the key in {key} ({fingerprint})").format(
                signer=_signer(sig, mine), key=args.key, fingerprint=checked.trusted_fingerprint
            )
        )
    if result.expected != result.actual and not result.legacy:
        details.append(
            translate("Cli", "the Report states {expected}, the rows hash to {actual}").format(
                expected=result.expected, actual=result.actual
            )
        )
    if result.stated_rows is not None and result.stated_rows != result.rows:
        details.append(
            translate("Cli", "the Report states {stated} rows, the sheets hold {rows}").format(
                stated=f"{result.stated_rows:,}", rows=f"{result.rows:,}"
            )
        )
    details += result.problems
    sys.stdout.write(f"MISMATCH {result.path}: {translate('Cli', '; ').join(details)}\n")
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
        help="check an exported workbook's signature and its rows against its Report sheet",
        description=(
            "Check the export's signature (the whole workbook, unchanged since the key named in "
            "its Report signed it) and say whose key signed; recompute the SHA-256 of its Bills "
            "sheets as its Report sheet describes and compare it with the value stated there; "
            "also check the filter lists kept on 'Filter ...' sheets against their count and "
            "SHA-256. Exit status 0 when signed and all agree, 1 when anything disagrees (or "
            f"--key names another key), {UNSIGNED_STATUS} for an unsigned file of an earlier "
            "version whose rows match its hash."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE.xlsx")
    p.add_argument(
        "--key",
        type=Path,
        metavar="FILE.pem",
        help="the signer's public key ('bill-viewer key export'): the file must be signed by it",
    )
    p.set_defaults(handler=cmd_verify)
