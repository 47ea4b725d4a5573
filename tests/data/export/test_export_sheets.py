"""The Summary and Anomalies sheets of an export are typed and agree with the investigation."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import openpyxl

from viewer.core.filters import BillFilter
from viewer.data.db import Database
from viewer.data.export.exporter import export_xlsx
from viewer.data.export.investigation_sheets import investigation_sheet_specs
from viewer.data.imports.loading import import_paths
from viewer.data.investigation import agent_states
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


def test_summary_and_anomalies_sheets_are_typed(db: Database, tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    write_csv(csv, generate_bills(GeneratorConfig(agents=4, seed=3, target_bills=2500)))
    import_paths(db, [csv])
    f = BillFilter()
    out = tmp_path / "out.xlsx"
    export_xlsx(db, f, out, extra_sheets=investigation_sheet_specs(db, f))
    wb = openpyxl.load_workbook(out)
    summary = list(wb["Summary"].iter_rows(values_only=True))
    header, rows = summary[0], summary[1:]
    expected = agent_states(db, f).summary()
    assert len(rows) == len(expected.rows) + 1
    signed = header.index("Signed in")
    total = rows[-1]
    assert total[0] == "Total"
    assert all(isinstance(r[signed], timedelta) for r in rows)
    assert sum((r[signed] for r in rows[:-1]), timedelta()) == total[signed]
    by_agent = {r.agent: r for r in expected.rows}
    first = rows[0]
    assert first[signed] == timedelta(seconds=by_agent[first[0]].signed_in)
    conv = header.index("Conversations")
    assert isinstance(first[conv], int)
    assert wb["Summary"].cell(row=2, column=signed + 1).number_format == "[h]:mm:ss"
    anomalies = list(wb["Anomalies"].iter_rows(values_only=True))
    assert len(anomalies) - 1 == len(agent_states(db, f).anomalies())
    if len(anomalies) > 1:
        begin = anomalies[0].index("Begin")
        assert isinstance(anomalies[1][begin], datetime)


def test_investigation_phase_reports_progress(db: Database, tmp_path: Path) -> None:
    csv = tmp_path / "x.csv"
    write_csv(csv, generate_bills(GeneratorConfig(agents=8, seed=4, target_bills=45_000)))
    import_paths(db, [csv])
    f = BillFilter()
    calls: list[tuple[int, int]] = []
    specs = investigation_sheet_specs(db, f, progress=lambda d, t: calls.append((d, t)))
    assert [s.title for s in specs] == ["Summary", "Anomalies"]
    assert len(calls) >= 3  # 45,000 rows: once per 20,000 rows, then done
    assert calls[-1] == (calls[-1][1], calls[-1][1]) and calls[-1][1] >= 45_000
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert all(t == calls[-1][1] for _, t in calls)
    assert calls[0][0] < calls[-1][0]  # it moves before the sheets are ready
    # the sheets are the same with or without a progress callback
    plain = investigation_sheet_specs(db, f)
    assert [list(s.rows) for s in plain] == [list(s.rows) for s in specs]
    # nothing to read: no call (no 0-of-0 to divide by)
    quiet: list[tuple[int, int]] = []
    investigation_sheet_specs(
        db, BillFilter(agents=("nobody",)), progress=lambda *a: quiet.append(a)
    )
    assert quiet == []
