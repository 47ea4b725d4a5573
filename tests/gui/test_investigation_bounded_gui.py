"""The investigation panel over more bills than it holds: an overview, lanes read as they show.

``full_limit`` is lowered so that a small generated day takes the path a month of a big center
takes; every figure is compared with the states held in memory (``agent_states``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

import pytest

from viewer.core.filters import BillFilter
from viewer.core.investigation import AgentStates
from viewer.data import investigation
from viewer.data.db import Database
from viewer.demo.generator import GeneratorConfig
from viewer.gui.investigation import SORT_ROLE, InvestigationPanel

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

FILTER = BillFilter(time_from="2026-11-02 00:00:00", time_to="2026-11-03 00:00:00")


@pytest.fixture
def gen_config() -> GeneratorConfig:
    """One day of 40 agents: more lanes than the timeline shows at once."""
    return GeneratorConfig(agents=40, days=1, seed=5, start=datetime(2026, 11, 2, 8, 0, 0))


@pytest.fixture
def panel(qtbot, gen_db: Database) -> Iterator[InvestigationPanel]:  # type: ignore[no-untyped-def]
    widget = InvestigationPanel(gen_db)
    widget.full_limit = 1_000  # the day holds some 20,000 bills: an overview
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def _compute(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.computed, timeout=60_000):
        panel.set_filter(FILTER, {})
    assert panel.overview is not None and panel.investigation is None


def _cells(panel: InvestigationPanel) -> list[list[object]]:
    model = panel.summary_model
    return [
        [model.index(r, c).data(SORT_ROLE) for c in range(model.columnCount())]
        for r in range(model.rowCount())
    ]


def _empty(lane: AgentStates) -> bool:
    return not lane.intervals and not lane.anomalies


def test_overview_shows_the_summary_and_anomalies_of_every_state(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel, gen_db: Database
) -> None:
    _compute(qtbot, panel)
    full = investigation.agent_states(gen_db, FILTER, labels={})
    summary = full.summary()
    assert len(full.states) == 40
    cells = _cells(panel)
    assert [row[0] for row in cells] == [s.agent for s in full.states] + ["Total"]
    header = panel.summary_model.header()
    signed = header.index("Signed in")
    assert [row[signed] for row in cells[:-1]] == [r.signed_in for r in summary.rows]
    assert cells[-1][signed] == summary.total.signed_in > 0
    assert panel.anomalies_model.payloads == full.anomalies()
    assert "40 agents" in panel.status.text()


def test_timeline_holds_only_the_lanes_in_view(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel, gen_db: Database
) -> None:
    _compute(qtbot, panel)
    tl = panel.timeline
    full = investigation.agent_states(gen_db, FILTER, labels={}).by_agent()
    assert tl.lane_count() == 40
    qtbot.waitUntil(lambda: tl.loaded_lanes() is not None, timeout=30_000)
    loaded = tl.loaded_lanes()
    assert loaded is not None
    first, last = loaded[0], loaded[1]
    visible = tl.visible_lanes()
    assert first <= visible.start and visible.stop <= last < 40
    lanes = tl.states()
    for i, lane in enumerate(lanes):
        if first <= i < last:  # read over the whole day: the states every state held gives
            assert lane.intervals == full[lane.agent].intervals
        else:
            assert _empty(lane), i
    # scrolled to the last lanes: those are read, the first ones dropped
    tl.verticalScrollBar().setValue(tl.verticalScrollBar().maximum())
    qtbot.waitUntil(lambda: (tl.loaded_lanes() or (0, 0))[1] == 40, timeout=30_000)
    lanes = tl.states()
    assert lanes[-1].intervals == full[lanes[-1].agent].intervals
    assert _empty(lanes[0])
    held = sum(not _empty(lane) for lane in lanes)
    assert 0 < held < 40


def test_zoomed_timeline_reads_around_the_visible_hours(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel
) -> None:
    _compute(qtbot, panel)
    tl = panel.timeline
    qtbot.waitUntil(lambda: tl.loaded_lanes() is not None, timeout=30_000)
    day = tl.loaded_lanes()
    assert day is not None
    lo, hi = tl.data_range()
    tl.set_view(lo + 12 * 3600, 3600)
    assert tl.loaded_lanes() == day  # what is held covers the hour: nothing more is read
    tl.verticalScrollBar().setValue(tl.verticalScrollBar().maximum())  # other lanes
    qtbot.waitUntil(lambda: tl.loaded_lanes() != day, timeout=30_000)
    now = tl.loaded_lanes()
    assert now is not None
    assert lo + 11 * 3600 <= now[2] and now[3] <= lo + 14 * 3600 + 1
    lane = next(s for s in tl.states() if s.intervals)
    assert all(iv.start < now[3] for iv in lane.intervals)


def test_moments_and_drill_down_read_in_the_background(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel, gen_db: Database
) -> None:
    _compute(qtbot, panel)
    full = investigation.agent_states(gen_db, FILTER, labels={})
    t = panel.moment()
    qtbot.waitUntil(lambda: panel.moment_model.rowCount() == 40, timeout=30_000)
    assert [(m.agent, m.kind, m.since) for m in panel.moment_model.payloads] == [
        (m.agent, m.kind, m.since) for m in full.at(t)
    ]
    t2 = panel.second_moment()
    expected_changes = full.changes(t, t2)
    qtbot.waitUntil(
        lambda: (
            [c.agent for c in panel.changes_model.payloads] == [c.agent for c in expected_changes]
        ),
        timeout=30_000,
    )
    summary = full.summary()
    col = panel.summary_model.header().index("In conversation")
    agent = summary.rows[1].agent
    with qtbot.waitSignal(panel.bills_selected, timeout=30_000) as blocker:
        panel.summary_view.doubleClicked.emit(panel.summary_model.index(1, col))
    assert blocker.args == [tuple(summary.bill_pks(agent, "conversation"))]
    total = panel.summary_model.index(panel.summary_model.rowCount() - 1, col)
    with qtbot.waitSignal(panel.bills_selected, timeout=30_000) as blocker:
        panel.summary_view.doubleClicked.emit(total)
    assert blocker.args == [tuple(summary.bill_pks(None, "conversation"))]
