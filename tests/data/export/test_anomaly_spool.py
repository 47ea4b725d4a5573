"""The Anomalies sheet streams: anomalies sorted through a temporary file, in the sheet's order."""

from __future__ import annotations

import gc
import random
import tempfile
from pathlib import Path

import openpyxl
import pytest

from viewer.core.filters import BillFilter
from viewer.core.investigation import Anomaly, AnomalyKind
from viewer.core.records import COLUMNS
from viewer.core.timefmt import to_datetime
from viewer.data.db import Database
from viewer.data.export import investigation_sheets
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.investigation_sheets import AnomalySpool, investigation_sheet_specs
from viewer.data.imports.loading import import_paths
from viewer.data.investigation import agent_states
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


@pytest.fixture(autouse=True)
def own_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Spools go to this test's own folder: other processes' spools in /tmp come and go."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))


def _spool_dirs() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("bill-viewer-anomalies-*"))


def test_spool_reads_back_by_time_agent_kind_keeping_ties_in_order() -> None:
    rng = random.Random(4)
    kinds = list(AnomalyKind)
    made = [
        Anomaly(
            f"{rng.randrange(5)}",
            rng.choice(kinds),
            f"n{n}",
            rng.randrange(50),
            100,
            tuple(rng.randrange(10**6) for _ in range(rng.randrange(4))),
        )
        for n in range(investigation_sheets._SPOOL_CHUNK * 2 + 7)  # over chunk boundaries
    ]
    before = _spool_dirs()
    spool = AnomalySpool()
    for a in made:
        spool.add(a)
    assert spool.count == len(made)
    assert len(_spool_dirs() - before) == 1
    chunks = list(spool.sorted())
    assert max(len(c) for c in chunks) == investigation_sheets._SPOOL_CHUNK
    back = [a for c in chunks for a in c]
    # sorted() of Python is stable: ties (same start, agent, kind) keep the order of arrival
    assert back == sorted(made, key=lambda a: (a.start, a.agent, a.kind))
    assert _spool_dirs() == before  # read once, then removed


def test_spool_never_read_is_removed_when_dropped() -> None:
    before = _spool_dirs()
    spool = AnomalySpool()
    spool.add(Anomaly("1", AnomalyKind.GAP, "m", 1, 2, (3,)))
    assert len(_spool_dirs() - before) == 1
    del spool
    gc.collect()
    assert _spool_dirs() == before


def test_anomaly_heavy_export_lists_every_anomaly_in_order(db: Database, tmp_path: Path) -> None:
    # Every bill a sign-in: nearly every bill is an anomaly (a repeated sign-in).
    op = COLUMNS.index("op_type")
    rows = generate_bills(GeneratorConfig(agents=6, seed=9, target_bills=3000))
    csv = tmp_path / "signins.csv"
    write_csv(csv, ([*r[:op], "1", *r[op + 1 :]] for r in rows))
    import_paths(db, [csv])
    f = BillFilter()
    expected = sorted(agent_states(db, f).anomalies(), key=lambda a: (a.start, a.agent, a.kind))
    assert len(expected) > 2500
    out = tmp_path / "heavy.xlsx"
    export_xlsx(db, f, out, extra_sheets=investigation_sheet_specs(db, f))
    sheet = list(openpyxl.load_workbook(out)["Anomalies"].iter_rows(values_only=True))
    header, body = sheet[0], sheet[1:]
    agent, begin, details = (header.index(n) for n in ("Agent", "Begin", "Details"))
    assert [(r[agent], r[begin], r[details]) for r in body] == [
        (a.agent, to_datetime(a.start), a.message) for a in expected
    ]
