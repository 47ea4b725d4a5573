"""Signed exports (viewer.data.export.signing, the exporter's Report, ``verify`` and ``key``).

Every tampering is done as a forger would: the saved workbook is edited with openpyxl and saved
again, with the row hash and count recomputed where that alone fooled ``verify`` before.
"""

from __future__ import annotations

import base64
import os
import stat
import sys
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from viewer.cli import main
from viewer.core.filters import BillFilter
from viewer.data.db import Database, open_database
from viewer.data.export import signing
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.investigation_sheets import investigation_sheet_specs
from viewer.data.export.report import (
    EXPORTED_LABEL,
    FINGERPRINT_LABEL,
    HASH_LABEL,
    PUBLIC_KEY_LABEL,
    SIGNATURE_LABEL,
    SIGNED_BY_LABEL,
)
from viewer.data.export.verify import canonical_digest, recompute_sha256, verify_xlsx
from viewer.data.export.workbook import SheetSpec
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

COLUMNS = ("id", "begin_time", "duration", "agent_id", "op_type", "phone_no", "source")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("signing")
    write_csv(folder / "bills.csv", generate_bills(GeneratorConfig(agents=4, seed=5, days=1)))
    database = open_database(folder / "bills.sqlite")
    assert import_paths(database, [folder / "bills.csv"]).ok
    yield database
    database.close()


@pytest.fixture
def key_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "keys"
    monkeypatch.setenv(signing.ENV_KEY_DIR, str(folder))
    return folder


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def export(db: Database, out: Path, **kw: Any) -> None:
    f = BillFilter()
    export_xlsx(db, f, out, columns=COLUMNS, extra_sheets=investigation_sheet_specs(db, f), **kw)


def report_cell(wb: Any, label: str) -> Any:
    """Column B of the Report row labelled ``label`` (a cell of a workbook in normal mode)."""
    return next(r[1] for r in wb["Report"].iter_rows() if r[0].value == label)


def column_of(ws: Any, title: str) -> int:
    return next(c.column for c in ws[1] if c.value == title)


def test_export_is_signed_by_the_users_key(
    db: Database, key_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "signed.xlsx"
    export(db, out)
    key = signing.load_or_create_key()
    assert not key.created  # the export made it on first use
    wb = openpyxl.load_workbook(out)
    assert report_cell(wb, SIGNED_BY_LABEL).value == key.name
    public = base64.b64decode(report_cell(wb, PUBLIC_KEY_LABEL).value)
    assert report_cell(wb, FINGERPRINT_LABEL).value == key.fingerprint
    assert key.fingerprint.endswith(__import__("hashlib").sha256(public).hexdigest())
    # an Ed25519 signature by that key, of the version line and the workbook's digest
    signature = base64.b64decode(report_cell(wb, SIGNATURE_LABEL).value)
    Ed25519PublicKey.from_public_bytes(public).verify(
        signature, signing.CANON_VERSION.encode() + b"\n" + canonical_digest(out)
    )
    result = verify_xlsx(out)
    assert result.ok and result.signature is not None and result.signature.valid
    assert result.signature.fingerprint == key.fingerprint
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 0 and stdout.startswith("OK ")
    assert f"signed by {key.name}, key {key.fingerprint}" in stdout


def test_a_resave_without_changes_still_verifies(
    db: Database, key_dir: Path, tmp_path: Path
) -> None:
    """The canonical form is what openpyxl reads back: an untouched re-save keeps the signature."""
    out = tmp_path / "resaved.xlsx"
    export(db, out)
    openpyxl.load_workbook(out).save(out)
    result = verify_xlsx(out)
    assert result.ok and result.signature is not None and result.signature.valid


def test_typed_values_survive_the_round_trip(db: Database, key_dir: Path, tmp_path: Path) -> None:
    """Dates, durations, floats, big integers, booleans and escaped text sign as read back."""
    rows = [
        [datetime(2026, 11, 2, 10, 15, 30), date(2026, 1, 1), 0.5, 0.1, 10**17, True, "_x000D_"],
        [datetime(1900, 2, 10, 1, 2, 3), date(1899, 12, 31), 1 / 3, 1e-300, -7, False, "a\rb"],
        [datetime(2026, 1, 1, 0, 0, 0, 123456), None, 25.75, 123456789.12345679, 0, None, "=1+1"],
        [None, None, None, -0.0, 2**53 + 1, None, "#N/A"],
        [None, None, None, None, None, None, " lead\tand\nfeed \U0001f600 \ud800"],
    ]
    spec = SheetSpec(
        "Odd values",
        ["when", "day", "span", "float", "int", "bool", "text"],
        rows,
        {2: "[h]:mm:ss", 3: "0.000"},
    )
    out = tmp_path / "odd.xlsx"
    export_xlsx(db, BillFilter(agents=("nobody",)), out, columns=COLUMNS, extra_sheets=[spec])
    result = verify_xlsx(out)
    assert result.signature is not None and result.signature.valid, result.signature


def _edit_bills_cell(wb: Any, path: Path) -> None:
    ws = wb["Bills"]
    ws.cell(2, column_of(ws, "Agent")).value = "+49 30 0000"


def _delete_row_and_restate(wb: Any, path: Path) -> None:
    wb["Bills"].delete_rows(3)
    wb.save(path)
    report_cell(wb, HASH_LABEL).value = recompute_sha256(path)
    cell = report_cell(wb, EXPORTED_LABEL)
    cell.value -= 1


def _edit_filter_sentence(wb: Any, path: Path) -> None:
    report_cell(wb, "Filter").value = "Bills of agent 1001 only."


def _edit_generation_time(wb: Any, path: Path) -> None:
    report_cell(wb, "Generated at").value = "2020-01-01T09:00:00+00:00"


def _edit_summary(wb: Any, path: Path) -> None:
    ws = wb["Summary"]
    cell = ws.cell(2, 1)
    cell.value = f"{cell.value}x"


def _number_to_text(wb: Any, path: Path) -> None:
    ws = wb["Bills"]
    cell = ws.cell(2, column_of(ws, "Source line"))
    assert isinstance(cell.value, int)
    cell.value = str(cell.value)  # shows the same, hashes the same: only the type changed


TAMPERING: dict[str, tuple[Callable[[Any, Path], None], bool]] = {
    "a Bills cell": (_edit_bills_cell, False),
    "a deleted row, hash and count restated": (_delete_row_and_restate, True),
    "the filter sentence": (_edit_filter_sentence, True),
    "the generation time": (_edit_generation_time, True),
    "a Summary cell": (_edit_summary, True),
    "a number made text": (_number_to_text, True),
}


@pytest.mark.parametrize("what", list(TAMPERING))
def test_tampering_breaks_the_signature(
    db: Database,
    key_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    what: str,
) -> None:
    edit, hash_still_matches = TAMPERING[what]
    out = tmp_path / "tampered.xlsx"
    export(db, out)
    wb = openpyxl.load_workbook(out)
    edit(wb, out)
    wb.save(out)
    result = verify_xlsx(out)
    assert result.hash_ok is hash_still_matches  # the row hash alone cannot tell
    assert result.signature is not None and not result.signature.valid
    assert not result.ok
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 1 and stdout.startswith("MISMATCH ")
    assert "changed after signing" in stdout


def test_resigning_with_another_key(
    db: Database, key_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A forger re-signs with their own key: only a trusted copy of the real key tells."""
    out = tmp_path / "forged.xlsx"
    export(db, out)
    real_pem = tmp_path / "real.pem"
    assert run_cli(capsys, "key", "export", "--out", real_pem)[0] == 0
    other = signing.load_or_create_key(tmp_path / "other-keys")
    wb = openpyxl.load_workbook(out)
    _edit_bills_cell(wb, out)
    wb.save(out)
    report_cell(wb, HASH_LABEL).value = recompute_sha256(out)
    report_cell(wb, SIGNED_BY_LABEL).value = signing.load_or_create_key().name  # the same name
    report_cell(wb, PUBLIC_KEY_LABEL).value = other.public_b64
    report_cell(wb, FINGERPRINT_LABEL).value = other.fingerprint
    report_cell(wb, SIGNATURE_LABEL).value = None
    wb.save(out)
    report_cell(wb, SIGNATURE_LABEL).value = other.sign(canonical_digest(out))
    wb.save(out)

    plain = verify_xlsx(out)
    assert plain.ok and plain.signature is not None
    assert plain.signature.fingerprint == other.fingerprint
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 0 and other.fingerprint in stdout and "this computer's key" not in stdout

    trusted = verify_xlsx(out, key=signing.load_public_key(real_pem))
    assert not trusted.ok and trusted.signature is not None
    assert trusted.signature.valid and trusted.signature.trusted is False
    code, stdout, _ = run_cli(capsys, "verify", out, "--key", real_pem)
    assert code == 1 and stdout.startswith("MISMATCH ")
    assert other.fingerprint in stdout and signing.load_or_create_key().fingerprint in stdout


def test_verify_with_the_real_key(
    db: Database, key_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "real.xlsx"
    export(db, out)
    pem = tmp_path / "auditor.pem"
    code, stdout, _ = run_cli(capsys, "key", "export", "--out", pem)
    assert code == 0 and pem.read_text().startswith("-----BEGIN PUBLIC KEY-----")
    code, stdout, _ = run_cli(capsys, "verify", out, "--key", pem)
    assert code == 0 and stdout.startswith("OK ") and f"the key in {pem}" in stdout
    code, _, err = run_cli(capsys, "verify", out, "--key", out)
    assert code == 1 and "not a public key file" in err and "Traceback" not in err


def test_unsigned_files_of_earlier_versions(
    db: Database, key_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "old.xlsx"
    export(db, out, sign=False)
    wb = openpyxl.load_workbook(out)
    labels = {r[0].value for r in wb["Report"].iter_rows()}
    assert SIGNATURE_LABEL not in labels and PUBLIC_KEY_LABEL not in labels
    result = verify_xlsx(out)
    assert result.ok and result.hash_ok and result.signature is None
    code, stdout, _ = run_cli(capsys, "verify", out)
    assert code == 3 and stdout.startswith("UNSIGNED ") and "no signature" in stdout


def test_key_is_private_and_made_once(key_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, err = run_cli(capsys, "key", "show")
    assert code == 0 and "made a new signing key" in err
    key = signing.load_or_create_key()
    assert not key.created
    assert f"fingerprint: {key.fingerprint}" in stdout and f"name: {key.name}" in stdout
    assert "@" in key.name
    code, stdout, err = run_cli(capsys, "key", "show")
    assert code == 0 and err == "" and key.fingerprint in stdout
    code, pem, _ = run_cli(capsys, "key", "export")
    assert code == 0 and pem.startswith("-----BEGIN PUBLIC KEY-----")
    if sys.platform != "win32":
        assert stat.S_IMODE(os.stat(key.path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(key_dir).st_mode) == 0o700
        os.chmod(key.path, 0o644)
        with pytest.raises(signing.SigningKeyError, match="readable by its owner only"):
            signing.load_or_create_key()
        code, _, err = run_cli(capsys, "key", "show")
        assert code == 1 and "chmod 600" in err


def test_the_export_command_says_who_signed(
    db: Database, key_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "cli.xlsx"
    code, stdout, err = run_cli(
        capsys, "export", "--db", db.path, "--out", out, "--no-investigation"
    )
    assert code == 0, err
    key = signing.load_or_create_key()
    assert f"signed by {key.name}, key {key.fingerprint}" in stdout
    assert run_cli(capsys, "verify", out)[0] == 0
