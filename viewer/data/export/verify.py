"""Reading an export back: its row hash, its filter and its signature checked (``verify_xlsx``)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl

from viewer.core.errors import ExportError
from viewer.core.filters import BillFilter
from viewer.core.i18n import in_every_language, translate
from viewer.data.export import signing
from viewer.data.export.bill_rows import EMPTY_NOTE, _is_bill_sheet
from viewer.data.export.cells import canonical_text, excel_text
from viewer.data.export.report import (
    EXPORTED_LABEL,
    FILTER_JSON_LABEL,
    FINGERPRINT_LABEL,
    HASH_LABEL,
    PUBLIC_KEY_LABEL,
    SIGNATURE_LABEL,
    SIGNED_BY_LABEL,
    _list_sha256,
    is_report_sheet,
    report_key,
)


@dataclass(frozen=True)
class SignatureCheck:
    """The signature of a signed export, checked."""

    name: str
    """The key's name as the Report states it ("Signed by")."""
    fingerprint: str
    """Fingerprint of the public key the Report states (the key that signed, if valid)."""
    valid: bool
    """The signature is that key's signature of the workbook as it is now."""
    trusted: bool | None = None
    """That key is the one given to ``verify_xlsx`` (None: none was given)."""
    problem: str = ""
    """Why the signature does not hold (empty when it does)."""


@dataclass(frozen=True)
class VerifyResult:
    """The row hash a workbook's Report states and the one its Bills sheets give now."""

    path: Path
    expected: str
    actual: str
    """The row hash of the sheets now (``HASH_METHOD``: text as Excel shows it)."""
    rows: int
    """Data rows found in the Bills sheets."""
    stated_rows: int | None
    """The Report's "Bills exported"."""
    legacy: bool = False
    """The rows match the hash as version 0.1.0 computed it (text as stored, escapes undecoded)."""
    problems: tuple[str, ...] = ()
    """Other disagreements (a filter list sheet that no longer matches its count or SHA-256)."""
    signature: SignatureCheck | None = None
    """The signature, checked; None for an unsigned file (made before exports were signed)."""

    @property
    def hash_ok(self) -> bool:
        """True when the rows hash to the stated value, their count agrees and nothing fails."""
        return (
            (self.expected == self.actual or self.legacy)
            and self.stated_rows in (None, self.rows)
            and not self.problems
        )

    @property
    def ok(self) -> bool:
        """``hash_ok``, and a signature (if any) valid and by the trusted key (if one was given)."""
        sig = self.signature
        if sig is None:
            return self.hash_ok
        return self.hash_ok and sig.valid and sig.trusted is not False


def _bill_sheet_order(title: str) -> int:
    m = re.fullmatch(r".* \((\d+)\)", title)
    return int(m.group(1)) if m else 1


def _hash_line(values: Sequence[Any], decode: bool = True) -> bytes:
    texts = (canonical_text(excel_text(v) if decode and isinstance(v, str) else v) for v in values)
    return ("\t".join(texts) + "\n").encode("utf-8", "surrogatepass")


def _fit(values: Sequence[Any], width: int) -> list[Any]:
    row = list(values)
    while len(row) > width and row[-1] is None:
        row.pop()
    return row + [None] * (width - len(row))


class _RowHash:
    """The row hash (``HASH_METHOD``) of the Bills sheets' rows, fed sheet by sheet, in order."""

    def __init__(self) -> None:
        self.digest = hashlib.sha256()
        self.legacy = hashlib.sha256()
        self.width = -1
        self.rows = 0
        self._note_pending = False
        self._note: Any = None
        self._header_pending = False

    def _add(self, row: Sequence[Any]) -> None:
        self.digest.update(_hash_line(row))
        self.legacy.update(_hash_line(row, decode=False))

    def sheet(self) -> None:
        """A Bills sheet begins: its first row is its header."""
        self._header_pending = True

    def row(self, values: Sequence[Any]) -> None:
        """A row of the current Bills sheet."""
        if self._header_pending:
            self._header_pending = False
            if self.width < 0:
                header_row = _fit(values, 0)
                self.width = len(header_row)
                self._add(header_row)
            return
        row = _fit(values, self.width)
        if (
            self.rows == 0
            and not self._note_pending
            and row[:1] != [None]
            and row[0] in in_every_language("Sheet", EMPTY_NOTE)
            and not any(row[1:])
        ):
            self._note_pending = True  # the empty export's note: hashed only if rows follow it
            self._note = row[0]
            return
        if self._note_pending:
            self._add(_fit([self._note], self.width))
            self.rows += 1
            self._note_pending = False
        self._add(row)
        self.rows += 1

    def result(self) -> tuple[str, int, str]:
        """``(row hash, data rows, row hash as version 0.1.0 computed it)``."""
        return self.digest.hexdigest(), self.rows, self.legacy.hexdigest()


def _bill_titles(wb: Any) -> list[str]:
    return sorted((t for t in wb.sheetnames if _is_bill_sheet(t)), key=_bill_sheet_order)


def _rehash(wb: Any) -> tuple[str, int, str]:
    """``(row hash, data rows, row hash as version 0.1.0 computed it)``."""
    hasher = _RowHash()
    for title in _bill_titles(wb):
        hasher.sheet()
        for values in wb[title].iter_rows(values_only=True):
            hasher.row(values)
    return hasher.result()


def _read_all(wb: Any) -> tuple[tuple[str, int, str], bytes, str | None]:
    """One pass over every sheet: the row hash, the canonical digest and the signature cell."""
    in_order = [t for t in wb.sheetnames if _is_bill_sheet(t)] == _bill_titles(wb)
    hasher = _RowHash()
    canon = signing.Canon()
    signature: str | None = None
    read_cell = signing.read_cell
    for ws in wb.worksheets:
        title = ws.title
        canon.sheet(title)
        bills = in_order and _is_bill_sheet(title)
        report = is_report_sheet(title)
        if bills:
            hasher.sheet()
        for cells in ws.iter_rows():
            items = [read_cell(c) for c in cells]
            if bills:
                hasher.row([c.value for c in cells])
            elif report and len(items) > 1 and report_key(items[0]) == SIGNATURE_LABEL:
                value = cells[1].value
                if signature is None and isinstance(value, str):
                    signature = value
                items[1] = None  # the signature's own cell is not signed
            canon.row(items)
    row_hash = hasher.result() if in_order else _rehash(wb)
    return row_hash, canon.digest(), signature


def _check_signature(
    stated: Mapping[str, Any], digest: bytes, signature: str | None, key: bytes | None
) -> SignatureCheck | None:
    """The signature checked against the public key the Report states (and ``key``, if given)."""
    public = stated.get(PUBLIC_KEY_LABEL)
    if signature is None and public is None:
        return None
    name = str(stated.get(SIGNED_BY_LABEL) or translate("Verify", "(no name)"))
    if not isinstance(public, str) or not isinstance(signature, str):
        missing = translate("Verify", "the Report's signature or key is missing")
        return SignatureCheck(name, "", False, None, missing)
    try:
        raw = base64.b64decode(public, validate=True)
    except ValueError:
        raw = b""
    print_ = signing.fingerprint(raw)
    trusted = None if key is None else raw == key
    if stated.get(FINGERPRINT_LABEL) != print_:
        wrong = translate("Verify", "the stated fingerprint is not the stated key's")
        return SignatureCheck(name, print_, False, trusted, wrong)
    if not signing.signature_valid(public, digest, signature):
        return SignatureCheck(
            name,
            print_,
            False,
            trusted,
            translate(
                "Verify",
                "the signature does not match the workbook: something was changed after signing",
            ),
        )
    return SignatureCheck(name, print_, True, trusted)


def _open_workbook(path: Path) -> Any:
    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except FileNotFoundError:
        raise ExportError(translate("Verify", "{path}: no such file").format(path=path)) from None
    except Exception as exc:  # noqa: BLE001 - zip, XML and openpyxl errors alike
        raise ExportError(
            translate("Verify", "{path}: not a readable .xlsx workbook ({error})").format(
                path=path, error=exc
            )
        ) from None


def _report_sheet(wb: Any) -> str | None:
    """The title of the workbook's Report sheet (in whichever language it was written), or None."""
    return next((t for t in wb.sheetnames if is_report_sheet(t)), None)


def _report_items(wb: Any) -> dict[str, Any]:
    """Column B of the Report by column A (the first row of each label).

    The labels the verifier reads come under their English source whatever the file's language.
    """
    stated: dict[str, Any] = {}
    title = _report_sheet(wb)
    if title is None:
        return stated
    for values in wb[title].iter_rows(max_col=2, values_only=True):
        if values and isinstance(values[0], str) and len(values) > 1:
            stated.setdefault(report_key(values[0]), values[1])
    return stated


def _read_filter_list(wb: Any, key: str, ref: Mapping[str, Any]) -> tuple[list[Any], list[str]]:
    """A filter list from its sheets, and what disagrees with its reference."""
    sheets = ref.get("sheets")
    if not isinstance(sheets, list) or not sheets:
        return [], [translate("Verify", "the filter's {key} names no sheet").format(key=key)]
    values: list[Any] = []
    for title in sheets:
        if not isinstance(title, str) or title not in wb.sheetnames:
            said = translate("Verify", "the filter's {key}: sheet {title} is missing")
            return [], [said.format(key=key, title=repr(title))]
        rows = wb[title].iter_rows(values_only=True)
        header = [h for h in next(rows, ()) if h is not None]
        for row in rows:
            cells = [excel_text(v) if isinstance(v, str) else v for v in row[: len(header)]]
            if not any(c is not None for c in cells):
                continue
            values.append(cells if len(header) > 1 else cells[0])
    problems = []
    if ref.get("count") != len(values):
        said = translate(
            "Verify",
            "the filter's {key}: the Report states {count} values, the sheet(s) hold {held}",
        )
        problems.append(said.format(key=key, count=ref.get("count"), held=f"{len(values):,}"))
    if ref.get("sha256") != _list_sha256(values):
        said = translate("Verify", "the filter's {key}: the values do not match their SHA-256")
        problems.append(said.format(key=key))
    return values, problems


def _filter_from_workbook(wb: Any, path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """The Report's filter as a dict with its lists put back, and what disagrees (if anything).

    None (and no problem) when the Report's filter is not valid JSON: files of version 0.1.0
    cut a long filter at Excel's cell limit.
    """
    if _report_sheet(wb) is None:
        raise ExportError(
            translate("Verify", "{path}: not an Agent Bill Viewer export (no Report sheet)").format(
                path=path
            )
        )
    text = _report_items(wb).get(FILTER_JSON_LABEL)
    if not isinstance(text, str):
        return None, []
    try:
        data = json.loads(excel_text(text))
    except ValueError:
        return None, []
    if not isinstance(data, dict):
        return None, []
    problems: list[str] = []
    for key, value in list(data.items()):
        if isinstance(value, dict):
            data[key], trouble = _read_filter_list(wb, key, value)
            problems += trouble
    return data, problems


def read_export_filter(path: Path | str) -> BillFilter:
    """The filter an export was made with, from its Report (lists on "Filter ..." sheets included).

    Raises:
        ExportError: Not a readable export, no valid filter JSON, or a filter list sheet that
            does not match the count and SHA-256 the Report states.
    """
    path = Path(path)
    wb = _open_workbook(path)
    try:
        data, problems = _filter_from_workbook(wb, path)
    finally:
        wb.close()
    if data is None:
        said = translate("Verify", "{path}: the Report's {label} is not valid JSON")
        raise ExportError(said.format(path=path, label=repr(FILTER_JSON_LABEL)))
    if problems:
        raise ExportError(f"{path}: " + translate("Verify", "; ").join(problems))
    try:
        return BillFilter.from_dict(data)
    except (TypeError, ValueError) as exc:
        said = translate("Verify", "{path}: the Report's filter is not a valid filter ({error})")
        raise ExportError(said.format(path=path, error=exc)) from None


def canonical_digest(path: Path | str) -> bytes:
    """The SHA-256 of a workbook's canonical form, which its signature signs (``verify_xlsx``)."""
    wb = _open_workbook(Path(path))
    try:
        return _read_all(wb)[1]
    finally:
        wb.close()


def recompute_sha256(path: Path | str) -> str:
    """Recompute the row hash of an exported workbook from its Bills sheets (``HASH_METHOD``)."""
    wb = _open_workbook(Path(path))
    try:
        return _rehash(wb)[0]
    finally:
        wb.close()


def verify_xlsx(path: Path | str, key: bytes | None = None) -> VerifyResult:
    """Compare the Report's row hash with the rows now in the workbook, and check its signature.

    Also checks the filter lists an export keeps on "Filter ..." sheets against the count and
    SHA-256 the Report's filter JSON states for them. The signature is checked against the
    public key the Report states and, when ``key`` (raw Ed25519 public key bytes, see
    ``signing.load_public_key``) is given, that key must be the one that signed.

    Raises:
        ExportError: The file is not a readable workbook or not an export of this application.
    """
    path = Path(path)
    wb = _open_workbook(path)
    try:
        if _report_sheet(wb) is None:
            raise ExportError(
                translate(
                    "Verify", "{path}: not an Agent Bill Viewer export (no Report sheet)"
                ).format(path=path)
            )
        stated = _report_items(wb)
        expected = stated.get(HASH_LABEL)
        if not isinstance(expected, str):
            said = translate("Verify", "{path}: the Report sheet states no {label}")
            raise ExportError(said.format(path=path, label=repr(HASH_LABEL)))
        count = stated.get(EXPORTED_LABEL)
        (actual, rows, legacy), digest, signature = _read_all(wb)
        _data, problems = _filter_from_workbook(wb, path)
    finally:
        wb.close()
    return VerifyResult(
        path,
        expected,
        actual,
        rows,
        count if isinstance(count, int) else None,
        legacy=expected != actual and expected == legacy,
        problems=tuple(problems),
        signature=_check_signature(stated, digest, signature, key),
    )
