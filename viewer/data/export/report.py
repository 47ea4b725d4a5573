"""The Report sheet: who, when, which database, filter and files, the counts, hash and signature.

A filter too long for one cell keeps its JSON whole by moving its long lists to "Filter <field>"
sheets (``_filter_json``); the signature is the Report's last cell, made when every other cell
of the workbook has been digested.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl

from viewer import __version__
from viewer.core import codes
from viewer.core.filters import BillFilter
from viewer.core.i18n import QT_TRANSLATE_NOOP, in_every_language, translate
from viewer.core.records import TIME_LABEL
from viewer.core.timefmt import now_local_text
from viewer.data.export import signing
from viewer.data.export.bill_rows import Labels, _Written
from viewer.data.export.cells import _MAX_TEXT, TRUNCATED_MARK, _fits
from viewer.data.export.workbook import SheetSpec, _Book, _row_height, _write_extra

REPORT_TITLE = QT_TRANSLATE_NOOP("Sheet", "Report")
"""The Report sheet's title (English source: written in the export's language, read in any)."""
HASH_LABEL = QT_TRANSLATE_NOOP("Report", "SHA-256 of the exported rows")
"""Column A of the Report row whose column B holds the row hash (``verify_xlsx`` reads it)."""
EXPORTED_LABEL = QT_TRANSLATE_NOOP("Report", "Bills exported")
SIGNED_BY_LABEL = QT_TRANSLATE_NOOP("Report", "Signed by")
PUBLIC_KEY_LABEL = QT_TRANSLATE_NOOP("Report", "Signing key (Ed25519 public key, base64)")
FINGERPRINT_LABEL = QT_TRANSLATE_NOOP("Report", "Signing key fingerprint")
SIGNATURE_LABEL = QT_TRANSLATE_NOOP("Report", "Signature (Ed25519, base64)")
"""Column A of the Report's last row; its column B, the signature, is the one cell not signed."""

SIGNATURE_MEANING = QT_TRANSLATE_NOOP(
    "Report",
    "The SHA-256 of the rows only catches accidents: anyone who edits a cell can recompute it. "
    "The signature covers the whole workbook (every sheet, cell, type and number format, this "
    "Report's statements included) and can only be made with the private key whose public "
    "key and fingerprint are above. A valid signature proves that nothing changed since the "
    "holder of that key made the file. It does not prove who holds the key (compare the "
    "fingerprint with the one the maker gave you, or check with 'bill-viewer verify FILE.xlsx "
    "--key THEIR-KEY.pem'), that the database and its source files were complete or genuine, "
    "or when the file was made ('Generated at' is the clock of the computer that made it).",
)


HASH_METHOD = QT_TRANSLATE_NOOP(
    "Report",
    "Take the sheets Bills, Bills (2), ... in order: the header row once, then every row below "
    "the header of each sheet (an empty export's single note row excepted). Write each cell as "
    "text: an empty cell as nothing; text as Excel shows it, which is not always as it is stored: "
    "the file keeps a character XML cannot carry (a control character such as CR) as Excel's "
    "escape _xHHHH_ and a literal '_xHHHH_' of the data as '_x005F_xHHHH_'; Excel decodes these, "
    "openpyxl and some other readers return them as stored, so replace every _xHHHH_ (H a hex "
    "digit) by the character U+HHHH in one left-to-right pass; a whole number in decimal digits, "
    "any other number as Python's repr() of the float, a date-time as YYYY-MM-DD HH:MM:SS. A "
    "cell cut to fit Excel's limit counts as it stands, its '\u2026 [truncated, N characters]' "
    "included. Pad each row with empty cells to the header's width, join its cells with a tab "
    "(U+0009) and end it with a line feed (U+000A). The SHA-256 of that text encoded as UTF-8, "
    "in hex, must equal the value above. 'bill-viewer verify FILE.xlsx' recomputes it.",
)
"""How to recompute the row hash (the Report sheet states it). Files made by version 0.1.0 hashed
text as stored, escapes undecoded; ``verify_xlsx`` accepts that form too (``VerifyResult.legacy``).
"""


CUT_LABEL = QT_TRANSLATE_NOOP("Report", "Cells cut to Excel's limit")
"""Column A of the Report row whose column B counts the cells that end with ``TRUNCATED_MARK``."""

FILTER_JSON_LABEL = QT_TRANSLATE_NOOP("Report", "Filter (JSON)")
FILTER_SHEET_PREFIX = "Filter "
"""A filter list too long for the Report's JSON cell goes to the sheet "Filter <field>"."""


_REPORT_WRAP = 90


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a service, a container) is not an error
        return "unknown"


@dataclass(frozen=True)
class _FilterList:
    """A filter list too long for the Report's JSON cell, written to its own sheet(s)."""

    key: str
    values: list[Any]
    sheets: tuple[str, ...]
    sha256: str

    @property
    def reference(self) -> dict[str, Any]:
        """What stands in the JSON in place of the list."""
        return {"sheets": list(self.sheets), "count": len(self.values), "sha256": self.sha256}


def _list_sha256(values: Iterable[Any]) -> str:
    """SHA-256 of a filter list: one value per line as JSON, each line ending with LF."""
    text = "".join(json.dumps(v, ensure_ascii=False) + "\n" for v in values)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _table_titles(title: str, rows: int, max_rows: int) -> tuple[str, ...]:
    """The sheets a table of ``rows`` data rows takes ("T", "T (2)", ... as ``_Table`` names)."""
    n = max(1, -(-rows // max_rows))
    return tuple(title if i == 1 else f"{title} ({i})" for i in range(1, n + 1))


def _filter_json(f: BillFilter, max_rows: int) -> tuple[str, list[_FilterList]]:
    """The filter's JSON for one cell, and the lists moved out of it to keep it whole.

    ``f.to_json()`` when it fits a cell (the usual case). Otherwise its longest lists, one by
    one until the rest fits, are replaced by ``{"sheets": [...], "count": N, "sha256": H}`` and
    written to the sheets "Filter <field>": the JSON stays valid and nothing is cut.
    """
    text = f.to_json()
    if _fits(text):
        return text, []
    data = f.to_dict()
    lists = sorted(
        (k for k, v in data.items() if isinstance(v, list) and v),
        key=lambda k: (-len(json.dumps(data[k], ensure_ascii=False)), k),
    )
    moved: list[_FilterList] = []
    for key in lists:
        values = list(data[key])
        titles = _table_titles(FILTER_SHEET_PREFIX + key, len(values), max_rows)
        item = _FilterList(key, values, titles, _list_sha256(values))
        data[key] = item.reference
        moved.append(item)
        text = json.dumps(data, sort_keys=True, ensure_ascii=False)
        if _fits(text):
            break
    return text, moved


MACHINE_LABELS: tuple[str, ...] = (
    HASH_LABEL,
    EXPORTED_LABEL,
    SIGNED_BY_LABEL,
    PUBLIC_KEY_LABEL,
    FINGERPRINT_LABEL,
    SIGNATURE_LABEL,
    CUT_LABEL,
    FILTER_JSON_LABEL,
)
"""The Report's labels that ``verify_xlsx`` reads, by their English source."""


def report_title() -> str:
    """The Report sheet's title in the current language."""
    return translate("Sheet", REPORT_TITLE)


def is_report_sheet(title: object) -> bool:
    """Whether ``title`` is the Report sheet's, in any of the application's languages."""
    return isinstance(title, str) and title in in_every_language("Sheet", REPORT_TITLE)


def report_key(label: object) -> object:
    """A Report label as its English source when it is one the verifier reads, in any language.

    Anything else comes back as it is.
    """
    if isinstance(label, str):
        for source in MACHINE_LABELS:
            if label in in_every_language("Report", source):
                return source
    return label


def _is_filter_sheet(title: str) -> bool:
    m = re.fullmatch(rf"{FILTER_SHEET_PREFIX}(\w+)(?: \(\d+\))?", title)
    return m is not None and m.group(1) in BillFilter.__dataclass_fields__


def _write_filter_list(book: _Book, item: _FilterList, max_rows: int) -> list[str]:
    """One moved filter list, one value per row (a reason as operation type and code)."""
    pairs = any(isinstance(v, list) for v in item.values)
    header = [f"{item.key}: operation type", f"{item.key}: code"] if pairs else [item.key]
    rows = (list(v) if pairs else [v] for v in item.values)
    written = _write_extra(book, SheetSpec(item.sheets[0], header, rows), None, max_rows)
    assert tuple(written) == item.sheets
    return written


def _filter_lists_note(lists: Sequence[_FilterList]) -> str:
    where = "; ".join(
        f"{x.key} ({len(x.values):,} values, sheet {' + '.join(repr(t) for t in x.sheets)})"
        for x in lists
    )
    return (
        "The filter is too long for one cell, so the JSON above keeps these lists on their own "
        f"sheets: {where}. In the JSON each stands replaced by "
        '{"sheets": [...], "count": N, "sha256": H}. A sheet holds its list one value per row '
        "below a header, in order, continued on the next sheet listed (a reason takes two "
        "cells, operation type and code; an empty code is null); put the list back in place of "
        "that object to get the complete filter. H is the SHA-256 (hex) of the list written one "
        "value per line as JSON (a number in digits, text in double quotes, a reason as "
        "[3, 201]), each line ending with a line feed (U+000A), encoded as UTF-8. "
        "'bill-viewer verify FILE.xlsx' checks N and H."
    )


@dataclass(frozen=True)
class _ReportFacts:
    db_path: Path | str
    f: BillFilter
    sentence: str
    keys: tuple[str, ...]
    total: int
    matching: int
    written: _Written
    sheets: tuple[str, ...]
    ledger: list[tuple[Any, ...]]
    labels: Labels
    filter_json: str
    filter_lists: list[_FilterList]
    time_label: str
    key: signing.SigningKey | None = None


def times_statement(label: str = TIME_LABEL) -> str:
    """The Report's statement about the times (``label``: the data's time label)."""
    return translate(
        "Report",
        "Begin and end are {label}: the platform's bill export carries no time zone, so they "
        "are the wall-clock times it wrote, unconverted. Durations are end minus begin in seconds.",
    ).format(label=translate("Time", label))


IMPORT_TIMES_NOTE = QT_TRANSLATE_NOOP(
    "Report",
    "The source files' 'Imported at': the database records each import in the local time of "
    "the computer that ran it, without a zone. It is shown here in ISO 8601 with the UTC offset "
    "that this computer's time zone ({zone}) had on that date, as 'Generated at' is; an import "
    "run on a computer in another zone keeps its wall-clock time but not its offset.",
)


def _imported_at(stored: object) -> tuple[str, bool]:
    """An import time as ISO 8601 text with its UTC offset, and whether the offset was assumed.

    The importer stores naive local time (``datetime.now()``); such a time gets the offset of
    this computer's zone at that date. A time stored with an offset keeps it; anything
    unreadable is shown as stored.
    """
    text = "" if stored is None else str(stored)
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return text, False
    if when.tzinfo is not None:
        return when.isoformat(timespec="seconds"), False
    try:
        return when.astimezone().isoformat(timespec="seconds"), True
    except (OverflowError, OSError, ValueError):
        return text, False


_CUT_COUNT = object()
_CUT_NOTE = object()
"""Report cells filled in last, when every other cell (the Report's own) has been counted."""
_SIGNATURE = object()
"""The signature's cell, filled in when every other cell of the workbook has been digested."""


def _cut_note(cut: Mapping[str, int]) -> str:
    if not cut:
        return translate(
            "Report", "None: every value fits its cell (Excel holds at most {limit} characters)."
        ).format(limit=f"{_MAX_TEXT:,}")
    by_place = "; ".join(f"{where} {n:,}" for where, n in sorted(cut.items()))
    return translate(
        "Report",
        "Excel holds at most {limit} characters in a cell. These cells keep what fits and "
        "end with '{mark}', N being the full length of the value (the database keeps it whole: "
        "find the bill by its Bill ID or its source file and line). The row hash covers the "
        "cells as written. By sheet and column: {places}.",
    ).format(limit=f"{_MAX_TEXT:,}", mark=TRUNCATED_MARK.replace("{n:,}", "N"), places=by_place)


def _report_rows(facts: _ReportFacts) -> list[tuple[list[Any], bool]]:
    """``(values, bold)`` rows of the Report sheet."""
    w = facts.written
    comma = translate("Report", ", ")
    bill_sheets = comma.join(w.sheets)
    if w.rows:
        result = translate("Report", "{count} bill(s) exported to the sheet(s) {sheets}.").format(
            count=f"{w.rows:,}", sheets=bill_sheets
        )
    else:
        result = translate(
            "Report",
            "No bill matches the filter: the Bills sheet holds only its header and a note.",
        )
    rows: list[tuple[list[Any], bool]] = [
        ([translate("Report", "Agent Bill Viewer: bill export")], True),
        ([], False),
        ([translate("Report", "Item"), translate("Report", "Value")], True),
        ([translate("Report", "Generated at"), now_local_text()], False),
        ([translate("Report", "Generated by"), _user()], False),
        (
            [
                translate("Report", "Application"),
                f"Agent Bill Viewer {__version__} (openpyxl {openpyxl.__version__})",
            ],
            False,
        ),
        # a team database is named by its server and database (its URL has no password)
        (
            [
                translate("Report", "Database"),
                str(facts.db_path.resolve() if isinstance(facts.db_path, Path) else facts.db_path),
            ],
            False,
        ),
        ([translate("Report", "Filter"), facts.sentence], False),
        ([translate("Report", FILTER_JSON_LABEL), facts.filter_json], False),
    ]
    if facts.filter_lists:
        rows.append(
            (
                [
                    translate("Report", "Filter lists on other sheets"),
                    _filter_lists_note(facts.filter_lists),
                ],
                False,
            )
        )
    rows += [
        ([translate("Report", "Columns (JSON)"), json.dumps(list(facts.keys))], False),
        ([translate("Report", "Times"), times_statement(facts.time_label)], False),
    ]
    ledger = []
    assumed = False
    for sid, name, path, sha, stored_at, imported in facts.ledger:
        imported_at, local = _imported_at(stored_at)
        assumed = assumed or local
        ledger.append([name, path, sha, imported_at, w.per_source[sid], imported])
    if assumed:
        zone = datetime.now().astimezone().tzname() or translate("Report", "local time")
        note = translate("Report", IMPORT_TIMES_NOTE).format(zone=zone)
        rows.append(([translate("Report", "Import times"), note], False))
    rows += [
        ([translate("Report", "Bills in the database"), facts.total], False),
        ([translate("Report", "Bills matching the filter"), facts.matching], False),
        ([translate("Report", EXPORTED_LABEL), w.rows], False),
        ([translate("Report", "Result"), result], False),
        ([translate("Report", "Sheets"), comma.join(facts.sheets)], False),
        ([translate("Report", HASH_LABEL), w.sha256], False),
        (
            [translate("Report", "How to recompute the SHA-256"), translate("Report", HASH_METHOD)],
            False,
        ),
        ([translate("Report", CUT_LABEL), _CUT_COUNT], False),
        ([translate("Report", "About cut cells"), _CUT_NOTE], False),
    ]
    if facts.key is not None:
        rows += [
            ([translate("Report", SIGNED_BY_LABEL), facts.key.name], False),
            ([translate("Report", PUBLIC_KEY_LABEL), facts.key.public_b64], False),
            ([translate("Report", FINGERPRINT_LABEL), facts.key.fingerprint], False),
            ([translate("Report", SIGNATURE_LABEL), _SIGNATURE], False),
            (
                [
                    translate("Report", "What the hash and the signature prove"),
                    translate("Report", SIGNATURE_MEANING),
                ],
                False,
            ),
            ([translate("Report", "How to check the signature"), signing.canon_method()], False),
        ]
    rows += [
        ([], False),
        ([translate("Report", "Source files that contributed exported rows")], True),
        (
            [
                translate("Report", "File name"),
                translate("Report", "Path when imported"),
                translate("Report", "SHA-256"),
                translate("Report", "Imported at"),
                translate("Report", "Bills exported"),
                translate("Report", "Bills imported from the file"),
            ],
            True,
        ),
    ]
    if not ledger:
        rows.append(([translate("Report", "(none)")], False))
    rows += [(entry, False) for entry in ledger]
    rows += [
        ([], False),
        ([translate("Report", "Site labels in force (names this site gives its own codes)")], True),
        (
            [
                translate("Report", "Operation type"),
                translate("Report", "Code"),
                translate("Report", "Label"),
                translate("Report", "Documented meaning"),
            ],
            True,
        ),
    ]
    if not facts.labels:
        rows.append(([translate("Report", "(none)")], False))
    for (op_type, code), label in sorted(facts.labels.items()):
        site = codes.site_code(op_type, code)
        if site is not None:
            documented = site.generic_text
        else:
            documented = translate("Report", "not site-definable: the label is not used")
        rows.append(
            (
                [f"{codes.explain_op_type(op_type).text} ({op_type})", code, label, documented],
                False,
            )
        )
    return rows


_REPORT_WIDTHS = (34, 90, 66, 22, 16, 16)


def _write_report(book: _Book, facts: _ReportFacts) -> None:
    """The Report sheet; signed (its last row) when ``facts.key`` is given."""
    title = report_title()
    ws = book.create(title)
    book.start(ws, _REPORT_WIDTHS, freeze_header=False)
    cells = book.cells
    table: list[list[Any]] = []
    for values, bold in _report_rows(facts):
        if bold:
            table.append(cells.header([str(v) for v in values]))
            continue
        where = f"{title}: {values[0]}" if values else title
        out = []
        for value in values:
            if value is _CUT_COUNT or value is _CUT_NOTE or value is _SIGNATURE:
                out.append(value)
                continue
            cell = cells.value(value, where=where)[0]
            if isinstance(value, str) and len(value) > _REPORT_WRAP:
                cell = cells.wrapped(cell)
            out.append(cell)
        table.append(out)
    total, note = sum(cells.cut.values()), _cut_note(cells.cut)
    signed: tuple[list[Any], int] | None = None
    for out in table:
        for j, value in enumerate(out):
            if value is _CUT_COUNT:
                out[j] = total
            elif value is _CUT_NOTE:
                out[j] = cells.wrapped(cells.value(note)[0])
            elif value is _SIGNATURE:
                signed, out[j] = (out, j), None  # the signature's own cell counts as empty
        if out and isinstance(out[0], str) and _row_height(out, _REPORT_WIDTHS):
            out[0] = cells.wrapped(out[0])  # the label at the top of its tall row
        book.canon.written(out)
    if signed is not None and facts.key is not None:
        # The Report is the workbook's last sheet: every other cell has been digested.
        row, j = signed
        row[j] = facts.key.sign(book.canon.digest())
    for n, out in enumerate(table, 1):
        height = _row_height(out, _REPORT_WIDTHS)
        if height is not None:  # wrapped text: tall enough to print without overprinting
            ws.row_dimensions[n].height = height
        ws.append(out)
    ws.close()
