"""The investigation service's summary and anomalies are summed one agent at a time.

``bill-viewer summary`` over a month of a big center must not hold every agent's states: the
figures are those of the states held in memory, and the summary keeps none of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from viewer.core.filters import BillFilter
from viewer.data import investigation
from viewer.demo.generator import GeneratorConfig, write_export_zip
from viewer.services.database import Database, open_database
from viewer.services.imports import ImportService
from viewer.services.investigation import InvestigationService

CONFIG = GeneratorConfig(agents=10, days=2, seed=9, start=datetime(2026, 11, 2, 8, 0, 0))
PERIOD = BillFilter(time_from="2026-11-02 11:00:00", time_to="2026-11-03 15:00:00")


@pytest.fixture(scope="module")
def gen_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("svc-bounded")
    db = open_database(folder / "bills.sqlite")
    assert ImportService(db).import_paths([write_export_zip(folder, CONFIG)]).ok
    yield db
    db.close()


def test_summary_and_anomalies_hold_no_states(gen_db: Database) -> None:
    service = InvestigationService(gen_db)
    full = investigation.agent_states(gen_db, PERIOD)
    summary = service.summary(PERIOD)
    assert summary.states == {}
    assert [r.as_dict() for r in summary.rows] == [r.as_dict() for r in full.summary().rows]
    assert summary.total.as_dict() == full.summary().total.as_dict()
    assert service.anomalies(PERIOD) == full.anomalies()
    assert full.anomalies()  # the comparison is not between two empty lists


def test_summary_options_still_apply(gen_db: Database) -> None:
    service = InvestigationService(gen_db)
    short = service.anomalies(PERIOD, gap_seconds=60)
    assert len(short) > len(service.anomalies(PERIOD))
    assert short == investigation.agent_states(gen_db, PERIOD, gap_seconds=60).anomalies()
    late = service.summary(PERIOD, lookback_seconds=0)
    assert late.total.as_dict() == (
        investigation.agent_states(gen_db, PERIOD, lookback_seconds=0).summary().total.as_dict()
    )
