"""The investigation panel on a real database built by importing a small generated export."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QPoint, Qt

from viewer.core.filters import BillFilter
from viewer.core.investigation import StateKind
from viewer.core.timefmt import to_epoch
from viewer.data import investigation
from viewer.data.db import Database
from viewer.demo.generator import GeneratorConfig
from viewer.gui.investigation import SORT_ROLE, InvestigationPanel
from viewer.gui.timeline import MAIN_KINDS

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

FILTER = BillFilter(time_from="2026-11-02 00:00:00", time_to="2026-11-03 00:00:00")


@pytest.fixture
def panel(qtbot, gen_db: Database) -> Iterator[InvestigationPanel]:  # type: ignore[no-untyped-def]
    widget = InvestigationPanel(gen_db)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def _compute(qtbot, panel: InvestigationPanel, f: BillFilter = FILTER) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.computed, timeout=30_000):
        panel.set_filter(f, {})
    assert not panel.is_computing
    assert panel.investigation is not None


def test_lanes_summary_and_anomalies(qtbot, panel: InvestigationPanel, gen_db, gen_config) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    inv = panel.investigation
    assert inv is not None
    expected = investigation.agent_states(gen_db, FILTER, labels={})
    agents = [s.agent for s in expected.states]
    assert len(agents) == gen_config.agents
    assert panel.timeline.lane_count() == len(agents)
    assert [s.agent for s in panel.timeline.states()] == agents
    assert panel.tabs.isEnabled()
    assert "agents" in panel.status.text()

    model = panel.summary_model
    assert model.rowCount() == len(agents) + 1
    cols = model.columnCount()
    header = model.header()
    assert header[0] == "Agent" and "Busy" in header and "Forced events" in header
    total_row = model.rowCount() - 1
    assert model.index(total_row, 0).data() == "Total"
    for c in range(1, cols):
        values = [model.index(r, c).data(SORT_ROLE) for r in range(total_row)]
        assert model.index(total_row, c).data(SORT_ROLE) == sum(values), header[c]
    signed = header.index("Signed in")
    assert model.index(total_row, signed).data(SORT_ROLE) > 0

    anomalies = expected.anomalies()
    assert panel.anomalies_model.rowCount() == len(anomalies)


def test_summary_double_click_drills_down(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    assert panel.result is not None
    summary = panel.result.summary
    header = panel.summary_model.header()
    col = header.index("In conversation")
    view = panel.summary_view
    panel.tabs.setCurrentIndex(2)
    qtbot.waitExposed(view)
    index = panel.summary_model.index(0, col)
    view.scrollTo(index)
    rect = view.visualRect(index)
    agent = summary.rows[0].agent
    expected = tuple(summary.bill_pks(agent, "conversation"))
    assert expected
    # (an item view takes a double-click on the index pressed just before)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [expected]
    # the total row drills into every agent
    total = panel.summary_model.index(panel.summary_model.rowCount() - 1, col)
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        panel.summary_view.doubleClicked.emit(total)
    assert blocker.args == [tuple(summary.bill_pks(None, "conversation"))]


def test_click_on_interval_emits_its_bills(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    tl = panel.timeline
    states = tl.states()
    lane = 2
    agent = states[lane]
    iv = next(
        i
        for i in agent.intervals
        if i.kind in MAIN_KINDS and i.kind is not StateKind.OTHER and i.duration >= 60
    )
    # Zoom around the interval so that it is several pixels wide, no other bar beside it.
    tl.set_view(iv.start - iv.duration, 3 * iv.duration + 60)
    tl.scroll_to_lane(lane)
    pos = tl.position_of(agent.agent, iv)
    assert pos is not None
    assert tl.hit(pos) == iv
    # A click selects the bar; a double-click shows its bills (see test_investigation_tables.py).
    with qtbot.waitSignal(tl.item_selected, timeout=2000):
        qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert tl.selected() == iv
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        qtbot.mouseDClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [tuple(iv.bill_pks)]
    # The tooltip names the state and decodes the bills.
    text = tl.tooltip_text(iv)
    assert iv.label in text
    assert "bill(s)" in text


def test_zoom_and_pan_change_the_visible_window(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    tl = panel.timeline
    t0, t1 = tl.data_range()
    assert (t0, t1) == (to_epoch(FILTER.time_from or ""), to_epoch(FILTER.time_to or ""))
    full = tl.visible_span()
    assert full == t1 - t0
    tl.setFocus()
    qtbot.keyClick(tl, Qt.Key.Key_Plus)
    assert tl.visible_span() < full
    zoomed = tl.visible_span()
    lo_before = tl.visible_range()[0]
    qtbot.keyClick(tl, Qt.Key.Key_Right)
    assert tl.visible_range()[0] > lo_before
    assert tl.visible_span() == pytest.approx(zoomed)
    qtbot.keyClick(tl, Qt.Key.Key_Minus)
    assert tl.visible_span() > zoomed
    qtbot.keyClick(tl, Qt.Key.Key_0)
    assert tl.visible_span() == full
    # Drag pans in time.
    tl.zoom(4)
    lo = tl.visible_range()[0]
    vp = tl.viewport()
    qtbot.mousePress(vp, Qt.MouseButton.LeftButton, pos=QPoint(600, 300))
    qtbot.mouseMove(vp, QPoint(500, 300))
    qtbot.mouseRelease(vp, Qt.MouseButton.LeftButton, pos=QPoint(500, 300))
    assert tl.visible_range()[0] > lo
    # Painting happened and was timed.
    tl.viewport().repaint()
    assert tl.paint_ms > 0


def test_at_a_moment_matches_the_investigation(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    inv = panel.investigation
    assert inv is not None
    t = to_epoch("2026-11-02 11:30:00")
    panel.set_moment(t)
    assert panel.moment() == t
    moments = inv.at(t)
    model = panel.moment_model
    assert model.rowCount() == len(moments)
    for r, m in enumerate(moments):
        assert model.index(r, 0).data() == m.agent
        assert model.index(r, 1).data() == m.label
        assert model.index(r, 2).data(SORT_ROLE) == m.since
    assert any(m.kind is not StateKind.SIGNED_OUT for m in moments)

    t2 = to_epoch("2026-11-02 12:30:00")
    panel.set_second_moment(t2)
    changes = inv.changes(t, t2)
    assert panel.changes_model.rowCount() == len(changes)
    assert [panel.changes_model.index(r, 0).data() for r in range(len(changes))] == [
        c.agent for c in changes
    ]
    # What ended in between has its own column (a state that only ended is a change too).
    ended = next(r for r, c in enumerate(changes) if c.ended)
    cell = panel.changes_model.index(ended, 4)
    assert changes[ended].ended[0].kind.title in cell.data()
    assert changes[ended].ended[0].label in cell.data(Qt.ItemDataRole.ToolTipRole)
    # Double-click a moment row: the bills behind that agent's state.
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        row = next(i for i, m in enumerate(moments) if m.bill_pks)
        panel.moment_table.doubleClicked.emit(panel.moment_table.model().index(row, 1))
    assert blocker.args == [tuple(moments[row].bill_pks)]


def test_anomaly_double_click(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    assert panel.result is not None
    anomalies = panel.result.anomalies
    if not anomalies:
        pytest.skip("the generated day has no anomaly")
    view = panel.anomalies_view
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        view.doubleClicked.emit(view.model().index(0, 0))
    first = panel.anomalies_model.payloads[
        view.model().mapToSource(view.model().index(0, 0)).row()  # type: ignore[attr-defined]
    ]
    assert blocker.args == [tuple(first.bill_pks)]


def test_newer_filter_supersedes_and_errors_are_text(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel, gen_config: GeneratorConfig
) -> None:
    one = BillFilter(agents=("no-such-agent",), time_from=FILTER.time_from)
    panel.set_filter(one, {})
    assert panel.is_computing
    assert "Computing" in panel.status.text()
    _compute(qtbot, panel)  # supersedes the first
    assert panel.timeline.lane_count() == gen_config.agents
    qtbot.waitUntil(lambda: not panel._runners, timeout=30_000)

    def boom(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk on fire")

    original = panel.service.states
    panel.service.states = boom  # type: ignore[method-assign]
    try:
        with qtbot.waitSignal(panel.failed, timeout=10_000):
            panel.set_filter(FILTER, {})
    finally:
        panel.service.states = original  # type: ignore[method-assign]
    assert "disk on fire" in panel.status.text()
    assert panel.tabs.isEnabled()  # the earlier results stay usable


@pytest.mark.parametrize("width", [600, 900, 1600])
def test_legend_wraps_and_shows_every_entry(qtbot, panel: InvestigationPanel, width: int) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QFontMetrics

    panel.resize(width, 800)
    qtbot.wait(50)
    legend = panel.legend
    placed = legend.layout_items(legend.width())
    assert [t for t, *_ in placed] == legend.titles
    assert "Anomaly" in legend.titles and len(legend.titles) >= 10
    fm = QFontMetrics(legend.font())
    for title, _color, x, _line in placed:
        assert x + 14 + fm.horizontalAdvance(title) <= legend.width(), title
    one_line = sum(14 + fm.horizontalAdvance(t) + 12 for t in legend.titles)
    lines = 1 + max(line for *_rest, line in placed)
    assert (lines > 1) == (one_line > legend.width())
    qtbot.waitUntil(lambda: legend.height() >= legend.heightForWidth(legend.width()), timeout=5_000)
