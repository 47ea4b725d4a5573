"""One investigation service behind the window and the command line: the same figures in both.

A real database imported from a generated export; the command line runs in-process
(``viewer.cli.main``) and the window's panel under the offscreen platform.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.core.filters import BillFilter
from viewer.core.timefmt import from_epoch, to_epoch
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, write_export_zip
from viewer.gui.investigation import SORT_ROLE, InvestigationPanel
from viewer.services.investigation import InvestigationService, StateKind

CONFIG = GeneratorConfig(agents=7, days=1, seed=23, start=datetime(2026, 11, 2, 8, 0, 0))
FROM, TO = "2026-11-02 09:00:00", "2026-11-02 15:00:00"
FILTER = BillFilter(time_from=FROM, time_to=TO)

# The command line's JSON key of each figure column, written out here (not read from the code).
JSON_KEYS = {
    "Signed in": "signed_in",
    "In conversation": "conversation",
    "Conversations": "conversations",
    "Busy": "busy",
    "Rest": "rest",
    "Working": "work",
    "Study": "study",
    "Forced events": "forced",
    "Anomalies": "anomalies",
}


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("investigation-service")
    zip_path = write_export_zip(folder, CONFIG, files=1)
    path = folder / "bills.sqlite"
    database = open_database(path)
    try:
        assert import_paths(database, [zip_path]).ok
    finally:
        database.close()
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = open_database(db_path)
    yield database
    database.close()


@pytest.fixture
def panel(qtbot, db: Database) -> Iterator[InvestigationPanel]:  # type: ignore[no-untyped-def]
    widget = InvestigationPanel(db)
    qtbot.addWidget(widget)
    widget.resize(1400, 800)
    widget.show()
    with qtbot.waitSignal(widget.computed, timeout=30_000):
        widget.set_filter(FILTER, InvestigationService(db).labels())
    yield widget
    widget.shutdown()


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def _panel_summary(panel: InvestigationPanel) -> tuple[list[str], list[list[str]], list[list]]:
    """The window's summary table: header, shown texts and raw values, in model order."""
    model = panel.summary_model
    cells = [
        [model.index(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())
    ]
    shown = [[i.data() for i in row] for row in cells]
    raw = [[i.data(SORT_ROLE) for i in row] for row in cells]
    return model.header(), shown, raw


def _is_reason_column(title: str) -> bool:
    """A per-reason column ("Busy: ...", "Rest: ...", "Busy 4 (rest)"), not a figure's total."""
    return title.startswith(("Busy:", "Rest:", "Busy 4"))


@pytest.mark.gui
def test_cli_summary_table_and_window_summary_show_the_same_cells(
    qtbot,  # type: ignore[no-untyped-def]
    panel: InvestigationPanel,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = _cli(capsys, "summary", "--db", str(db_path), "--from", FROM, "--to", TO)
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Agent"))
    cli_header = re.split(r"\s{2,}", lines[start].strip())
    cli_rows = []
    for line in lines[start + 2 :]:
        if not line.strip():
            break
        cli_rows.append(re.split(r"\s{2,}", line.strip()))

    header, shown, _raw = _panel_summary(panel)
    keep = [i for i, title in enumerate(header) if not _is_reason_column(title)]
    assert cli_header == [header[i] for i in keep]
    assert len(cli_rows) == len(shown) == CONFIG.agents + 1
    assert cli_rows == [[row[i] for i in keep] for row in shown]


@pytest.mark.gui
def test_cli_summary_json_and_window_summary_show_the_same_figures(
    qtbot,  # type: ignore[no-untyped-def]
    panel: InvestigationPanel,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = json.loads(
        _cli(capsys, "summary", "--db", str(db_path), "--from", FROM, "--to", TO, "--json")
    )
    header, _shown, raw = _panel_summary(panel)
    json_rows = [*data["agents"], data["total"]]
    assert [r[0] for r in raw] == [r["agent"] or "Total" for r in json_rows]
    for row, cli in zip(raw, json_rows, strict=True):
        for title, key in JSON_KEYS.items():
            assert row[header.index(title)] == cli[key], (cli["agent"], title)
        busy_cols = [
            v for t, v in zip(header, row, strict=True) if t.startswith(("Busy:", "Busy 4"))
        ]
        by_reason = cli["busy_by_reason"].values()  # an agent's own reasons; the window has all
        assert sorted(v for v in busy_cols if v) == sorted(v for v in by_reason if v)
        assert sum(busy_cols) == cli["busy"]
    assert any(r["busy"] for r in data["agents"])  # the period holds busy time to compare


@pytest.mark.gui
def test_cli_at_and_window_moment_table_show_the_same_states(
    qtbot,  # type: ignore[no-untyped-def]
    panel: InvestigationPanel,
    db_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    t = panel.moment()  # the busiest moment of the period
    assert to_epoch(FROM) <= t < to_epoch(TO)
    data = json.loads(
        _cli(
            capsys, "at", "--db", str(db_path), "--from", FROM, "--to", TO, "--json", from_epoch(t)
        )
    )
    model = panel.moment_model
    window = {m.agent: (str(m.kind), m.label, from_epoch(m.since)) for m in model.payloads}
    cli = {a["agent"]: (a["state"], a["label"], a["since"] or "") for a in data["agents"]}
    assert window and set(window) <= set(cli)
    assert {a: cli[a] for a in window} == window
    assert any(state != str(StateKind.SIGNED_OUT) for state, _l, _s in window.values())


def test_service_moments_and_changes_agree(db: Database) -> None:
    service = InvestigationService(db)
    inv = service.states(FILTER)
    t1, t2 = to_epoch("2026-11-02 10:00:00"), to_epoch("2026-11-02 10:30:00")
    read_around = {m.agent: m for m in service.at(FILTER, t1)}
    for m in inv.at(t1):  # the same state; open edges differ with what was read
        assert read_around[m.agent].same_state(m) and read_around[m.agent].label == m.label
    changes = {c.agent: c for c in service.changes(FILTER, t1, t2, only_changed=False)}
    assert set(changes) == set(read_around)
    for agent, c in changes.items():
        assert c.before.same_state(read_around[agent])
        assert c.after.same_state(next(m for m in service.at(FILTER, t2) if m.agent == agent))
    assert any(c.eventful for c in changes.values())
    assert service.summary(FILTER).total == inv.summary().total
    assert service.anomalies(FILTER) == inv.anomalies()


@pytest.mark.parametrize("gap", [None, 600])
def test_the_services_summary_and_anomalies_hold_no_agents_states(
    db: Database, gap: int | None
) -> None:
    """``summary``/``anomalies`` (the command line's) give the figures of every state held,
    rebuilt one agent at a time: the summary keeps no states (memory follows the agents)."""
    service = InvestigationService(db)
    options = {} if gap is None else {"gap_seconds": gap}
    full = service.states(FILTER, **options)
    expected = full.summary()
    s = service.summary(FILTER, **options)
    assert [r.as_dict() for r in s.rows] == [r.as_dict() for r in expected.rows]
    assert s.total.as_dict() == expected.total.as_dict()
    assert (s.busy_reasons, s.rest_reasons) == (expected.busy_reasons, expected.rest_reasons)
    assert s.reason_labels == expected.reason_labels
    assert expected.states and s.states == {}  # the full rebuild holds them; this one does not
    assert service.anomalies(FILTER, **options) == full.anomalies()
