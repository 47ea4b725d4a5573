"""The export and verify services: one flow that the window and ``bill-viewer export`` share.

A real database built by importing a generated export; every workbook is read back with openpyxl.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QSettings

from viewer.cli import main
from viewer.core.filters import BillFilter
from viewer.core.records import COLUMNS
from viewer.core.tasks import Cancelled, CancelToken, PhasedProgress
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.gui.main_window import MainWindow
from viewer.services.export import EXPORT_BILLS, EXPORT_PHASES, EXPORT_STATES, ExportService
from viewer.services.verify import VerifyService

BILLS = 2000
OP_TYPE = 60
"""The filter both exports use: the bills of one operation type."""
CONFIG = GeneratorConfig(agents=5, seed=11, target_bills=BILLS)
VARYING = {"Generated at", "Signature (Ed25519, base64)"}
"""Report rows that differ between two exports of the same view (the clock, the signature)."""


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "20261102101530123456_agentOprInfo_1.csv"
    write_csv(path, generate_bills(CONFIG))
    return path


@pytest.fixture
def filled(tmp_path: Path, csv_file: Path) -> Iterator[Database]:
    db = open_database(tmp_path / "bills.sqlite")
    assert import_paths(db, [csv_file]).total("imported") == BILLS
    yield db
    db.close()


def _sheets(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every sheet's cell values, the Report's varying rows left out."""
    out = {}
    for ws in openpyxl.load_workbook(path).worksheets:
        rows = list(ws.iter_rows(values_only=True))
        if ws.title == "Report":
            rows = [r for r in rows if not r or r[0] not in VARYING]
        out[ws.title] = rows
    return out


def _bills_of_op_type() -> int:
    """The bills of ``OP_TYPE`` among the generated rows, counted from the rows themselves."""
    col = COLUMNS.index("op_type")
    return sum(1 for row in generate_bills(CONFIG) if row[col] == str(OP_TYPE))


@pytest.mark.gui
def test_window_and_command_line_export_the_same_sheets(
    qtbot, filled: Database, tmp_path: Path
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(filled, settings)
    qtbot.addWidget(w)
    w.show()
    w.filters.set_filter(BillFilter(op_types=(OP_TYPE,)))
    qtbot.waitUntil(
        lambda: (
            w.model.has_snapshot
            and not w.model.is_loading
            and w.model.bill_filter.op_types == (OP_TYPE,)
        ),
        timeout=10_000,
    )
    keys = w.visible_column_keys()
    window_out = tmp_path / "window.xlsx"
    with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
        w.export_to(window_out)
    assert blocker.args[0] is not None
    w.close()

    cli_out = tmp_path / "cli.xlsx"
    argv = ["export", "--db", str(filled.path), "--out", str(cli_out)]
    argv += ["--op-type", str(OP_TYPE), "--columns", ",".join(keys)]
    assert main(argv) == 0

    window_sheets, cli_sheets = _sheets(window_out), _sheets(cli_out)
    assert list(window_sheets) == ["Bills", "Summary", "Anomalies", "Report"]
    assert list(cli_sheets) == list(window_sheets)
    expected = _bills_of_op_type()
    assert 0 < expected < BILLS
    assert len(window_sheets["Bills"]) == expected + 1  # the header and the bills of the filter
    for title in window_sheets:
        assert cli_sheets[title] == window_sheets[title], title


def test_one_bar_that_never_goes_back_and_phases_in_order(filled: Database, tmp_path: Path) -> None:
    service = ExportService(filled)
    bar: list[tuple[int, int]] = []
    result = service.export(
        BillFilter(), tmp_path / "bar.xlsx", progress=lambda d, t: bar.append((d, t))
    )
    assert result.rows == BILLS
    positions = [d for d, _t in bar]
    assert positions == sorted(positions) and len(positions) > 2
    assert {t for _d, t in bar} == {PhasedProgress.SCALE}
    states_end = round(EXPORT_PHASES[0][1] * PhasedProgress.SCALE)
    assert states_end in positions  # the states fill the first share, the bills the next
    filled_share = sum(s for _w, s in EXPORT_PHASES) * PhasedProgress.SCALE
    assert abs(positions[-1] - filled_share) <= 1  # both phases full; the save has no share

    seen: list[str] = []

    class Phases:
        def phase(self, words: str, unit: str = "rows", after: str = "") -> Any:
            seen.append(words)
            return lambda d, t: None

    service.export(BillFilter(), tmp_path / "phases.xlsx", progress=Phases())
    assert seen == [EXPORT_STATES, EXPORT_BILLS]
    seen.clear()
    service.export(BillFilter(), tmp_path / "plain.xlsx", progress=Phases(), investigation=False)
    assert seen == [EXPORT_BILLS]
    assert openpyxl.load_workbook(tmp_path / "plain.xlsx").sheetnames == [
        "Bills",
        "Report",
    ]


def test_cancel_during_the_states_leaves_nothing(filled: Database, tmp_path: Path) -> None:
    cancel = CancelToken()

    class Phases:
        def phase(self, words: str, unit: str = "rows", after: str = "") -> Any:
            def progress(done: int, total: int) -> None:
                if words == EXPORT_STATES and done > 0:
                    cancel.set()

            return progress

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(Cancelled):
        ExportService(filled).export(
            BillFilter(), folder / "x.xlsx", progress=Phases(), cancel=cancel
        )
    assert list(folder.iterdir()) == []  # neither the workbook nor its hidden .part folder


def test_verify_service_names_the_own_key_and_the_trusted_one(
    filled: Database, tmp_path: Path
) -> None:
    out = tmp_path / "signed.xlsx"
    ExportService(filled).export(BillFilter(), out, investigation=False)
    verify = VerifyService()
    own = verify.own_key()
    assert own is not None  # made by the export
    pem = tmp_path / "mine.pem"
    pem.write_bytes(verify.public_key_pem(verify.signing_key()))
    checked = verify.verify(out, trusted_key=pem)
    assert checked.result.ok and checked.own_key
    assert checked.trusted_fingerprint == own.fingerprint == checked.result.signature.fingerprint
    other = VerifyService(tmp_path / "other-keys")
    assert other.own_key() is None
    assert not other.verify(out).own_key  # someone else's computer: not their key
