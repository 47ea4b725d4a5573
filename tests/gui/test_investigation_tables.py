"""Investigation tables that read well: fitted columns, default moments, timeline selection.

Real widgets on a real database imported from a generated export (offscreen Qt).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
from PySide6.QtWidgets import QTableView

from viewer.core.columns import IDX
from viewer.core.filters import BillFilter
from viewer.core.investigation import StateKind
from viewer.core.timefmt import from_epoch, to_epoch
from viewer.data.db import Database
from viewer.gui.investigation import TAB_ANOMALIES, TAB_MOMENT, InvestigationPanel
from viewer.gui.main_window import MainWindow
from viewer.gui.timeline import MAIN_KINDS

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

FILTER = BillFilter(time_from="2026-11-02 00:00:00", time_to="2026-11-03 00:00:00")


@pytest.fixture
def panel(qtbot, gen_db: Database) -> Iterator[InvestigationPanel]:  # type: ignore[no-untyped-def]
    widget = InvestigationPanel(gen_db)
    qtbot.addWidget(widget)
    widget.resize(900, 700)  # about the panel's width beside the filters in a 1366 px window
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def _compute(qtbot, panel: InvestigationPanel, f: BillFilter = FILTER) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(panel.computed, timeout=30_000):
        panel.set_filter(f, {})
    assert panel.investigation is not None


def _show_tab(qtbot, panel: InvestigationPanel, tab: int) -> None:  # type: ignore[no-untyped-def]
    panel.tabs.setCurrentIndex(tab)
    qtbot.wait(50)  # let the layout size the page and the deferred column fitting run


def _cells(view: QTableView, column: int) -> list[QModelIndex]:
    model = view.model()
    return [model.index(r, column) for r in range(model.rowCount())]


# ------------------------------------------------------------------------------------------------
# 1. At a moment / Changes between
# ------------------------------------------------------------------------------------------------


def test_moment_columns_show_titles_and_times_in_full(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    _show_tab(qtbot, panel, TAB_MOMENT)
    for view in (panel.moment_table, panel.changes_table):
        header = view.horizontalHeader()
        model = view.model()
        titles = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(header.count())]
        for c, title in enumerate(titles):
            # no clipped title ("ther active state", "egan in betwee")
            assert header.sectionSize(c) >= header.sectionSizeHint(c), title
        assert header.length() <= view.viewport().width() + 1, "no column pushed out of view"
        assert view.textElideMode() == Qt.TextElideMode.ElideMiddle
    view = panel.moment_table
    titles = panel.moment_model.header()
    for title in ("Agent", "Since", "For", "Signed in"):
        c = titles.index(title)
        # times and short values are never cut ("2026-11-02 ..." hid the time)
        assert view.columnWidth(c) >= view.sizeHintForColumn(c), title
    # "Signed in" no longer takes all the spare width
    signed = titles.index("Signed in")
    widest = max(view.sizeHintForColumn(signed), view.horizontalHeader().sectionSizeHint(signed))
    assert view.columnWidth(signed) <= widest + 2


def test_moment_times_show_the_date_only_where_it_changes(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    inv = panel.investigation
    assert inv is not None
    t = to_epoch("2026-11-02 11:30:00")
    panel.set_moment(t)
    since = panel.moment_model.header().index("Since")
    signed = panel.moment_model.header().index("Signed in")
    moments = inv.at(t)
    seen_time_only = 0
    for r, m in enumerate(moments):
        shown = panel.moment_model.index(r, since).data()
        tip = panel.moment_model.index(r, since).data(Qt.ItemDataRole.ToolTipRole)
        if m.since is None:
            continue
        stamp = from_epoch(m.since)
        if stamp.startswith("2026-11-02 "):
            assert shown == stamp[11:]  # hh:mm:ss, the day is the moment's
            seen_time_only += 1
        else:
            assert shown == stamp  # another day: date and time
        assert tip == stamp  # the tooltip always has the full date and time
        if m.signed_in and m.session_start is not None:
            cell = panel.moment_model.index(r, signed)
            assert from_epoch(m.session_start)[11:] in cell.data()
            assert from_epoch(m.session_start) in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert seen_time_only > 0


def test_changes_tooltips_list_every_state_in_full(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    inv = panel.investigation
    assert inv is not None
    t1, t2 = to_epoch("2026-11-02 10:00:00"), to_epoch("2026-11-02 12:00:00")
    panel.set_moment(t1)
    panel.set_second_moment(t2)
    changes = inv.changes(t1, t2)
    model = panel.changes_model
    began = model.header().index("Began between")
    ended = model.header().index("Ended between")
    many = [r for r, c in enumerate(changes) if len(c.started) > 5]
    assert many, "the generated day has agents with many states in two hours"
    for r in many:
        tip = model.index(r, began).data(Qt.ItemDataRole.ToolTipRole)
        for iv in changes[r].started[:30]:
            assert f"{iv.label}: {from_epoch(iv.start)}" in tip
        # the cell itself stays short: how many, then how many of each kind
        shown = model.index(r, began).data()
        assert shown.startswith(f"{len(changes[r].started)} states: ")
        for kind in {iv.kind for iv in changes[r].started}:
            n = sum(1 for iv in changes[r].started if iv.kind is kind)
            assert f"{n} {kind.title}" in shown
    r = next(r for r, c in enumerate(changes) if c.ended)
    tip = model.index(r, ended).data(Qt.ItemDataRole.ToolTipRole)
    assert changes[r].ended[0].label in tip
    # the lists sort by how many states they hold
    view = panel.changes_table
    view.sortByColumn(began, Qt.SortOrder.AscendingOrder)
    proxy = view.model()
    rows = [proxy.mapToSource(i).row() for i in _cells(view, began)]  # type: ignore[attr-defined]
    counts = [len(model.payloads[r].started) for r in rows]
    assert counts == sorted(counts)


def test_default_moment_is_the_busiest_and_the_second_follows(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel
) -> None:
    _compute(qtbot, panel)
    inv = panel.investigation
    assert inv is not None

    def signed_in(t: int) -> int:
        return sum(1 for m in inv.at(t) if m.signed_in)

    # The earliest moment with the most agents signed in: a session start (counted directly).
    starts = sorted({iv.start for s in inv.states for iv in s.sessions()})
    lo, hi = panel.timeline.data_range()
    candidates = [t for t in starts if lo <= t <= hi]
    most = max(signed_in(t) for t in candidates)
    earliest = next(t for t in candidates if signed_in(t) == most)
    assert most > signed_in(lo)  # the first bill is no good default
    assert panel.moment() == earliest
    assert signed_in(panel.moment()) == most
    # The second moment follows the first (one hour on) until the user sets it.
    assert panel.second_moment() == panel.moment() + 3600
    panel.moment_edit.setFocus()
    panel.moment_edit.set_seconds(earliest + 600)  # as if typed: the edit emits its change
    assert panel.moment() == earliest + 600
    assert panel.second_moment() == earliest + 600 + 3600
    panel.moment2_edit.set_seconds(earliest + 7200)  # the user picks the second moment
    panel.moment_edit.set_seconds(earliest + 900)
    assert panel.second_moment() == earliest + 7200
    qtbot.waitUntil(lambda: not panel._changes_timer.isActive(), timeout=2000)  # noqa: SLF001
    assert panel.changes_model.rowCount() == len(inv.changes(earliest + 900, earliest + 7200))


def test_default_moment_is_the_selected_bills_begin(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    chosen = to_epoch("2026-11-02 13:17:05")
    panel.selected_begin = lambda: chosen
    _compute(qtbot, panel)
    assert panel.moment() == chosen
    assert panel.second_moment() == chosen + 3600
    # a new filter keeps a moment the user set
    panel.set_moment(chosen + 60)
    _compute(qtbot, panel, BillFilter(time_from="2026-11-02 00:00:00"))
    assert panel.moment() == chosen + 60


def test_window_tells_the_panel_the_selected_bill(qtbot, tmp_path: Path, gen_db: Database) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(gen_db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    row = w.model.rowCount() // 2
    w.table.setCurrentIndex(w.model.index(row, 0))
    begin = w.model.row_tuple(row)[IDX["begin_time"]]  # type: ignore[index]
    assert w.investigation is not None
    with qtbot.waitSignal(w.investigation.computed, timeout=30_000):
        w.tabs.setCurrentWidget(w.investigation)
    assert w.investigation.moment() == begin
    w.investigation.shutdown()


# ------------------------------------------------------------------------------------------------
# 2. Anomalies: begin and end, in view, sorted as times
# ------------------------------------------------------------------------------------------------


def test_anomalies_show_begin_and_end_sorted_as_times(qtbot, panel: InvestigationPanel) -> None:  # type: ignore[no-untyped-def]
    _compute(qtbot, panel)
    assert panel.result is not None
    anomalies = panel.result.anomalies
    assert len(anomalies) > 3
    _show_tab(qtbot, panel, TAB_ANOMALIES)
    view = panel.anomalies_view
    header = panel.anomalies_model.header()
    begin, end = header.index("Begin"), header.index("End")
    width = view.viewport().width()
    for c in (begin, end):
        # the whole column is on screen without scrolling, wide enough for its times
        assert view.columnViewportPosition(c) >= 0
        assert view.columnViewportPosition(c) + view.columnWidth(c) <= width, header[c]
        assert view.columnWidth(c) >= view.sizeHintForColumn(c)
    proxy = view.model()
    for column, key in ((begin, "start"), (end, "end")):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            view.sortByColumn(column, order)
            rows = [proxy.mapToSource(i).row() for i in _cells(view, column)]  # type: ignore[attr-defined]
            times = [getattr(panel.anomalies_model.payloads[r], key) for r in rows]
            assert times == sorted(times, reverse=order == Qt.SortOrder.DescendingOrder)
            shown = [i.data() for i in _cells(view, column)]
            assert shown == [from_epoch(t) for t in times]


# ------------------------------------------------------------------------------------------------
# 3. Timeline: a click selects and describes, a double-click or Enter drills down
# ------------------------------------------------------------------------------------------------


def test_timeline_click_selects_double_click_and_enter_drill_down(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel
) -> None:
    _compute(qtbot, panel)
    tl = panel.timeline
    lane = 2
    agent = tl.states()[lane]
    iv = next(
        i
        for i in agent.intervals
        if i.kind in MAIN_KINDS and i.kind is not StateKind.OTHER and i.duration >= 60
    )
    tl.set_view(iv.start - iv.duration, 3 * iv.duration + 60)
    tl.scroll_to_lane(lane)
    pos = tl.position_of(agent.agent, iv)
    assert pos is not None
    drilled: list[object] = []
    panel.bills_selected.connect(drilled.append)
    with qtbot.waitSignal(tl.item_selected, timeout=2000) as blocker:
        qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    qtbot.wait(50)
    assert blocker.args == [iv]
    assert drilled == []  # a single click does not leave the tab
    assert tl.selected() == iv
    assert iv.label in panel.timeline_details.text()  # the details of the selection are shown
    assert tl.selection_rect() is not None and tl.selection_rect().contains(pos)  # type: ignore[union-attr]
    # Enter drills down into the selection
    tl.setFocus()
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        qtbot.keyClick(tl, Qt.Key.Key_Return)
    assert blocker.args == [tuple(iv.bill_pks)]
    # Escape clears the selection; a double-click drills down too
    qtbot.keyClick(tl, Qt.Key.Key_Escape)
    assert tl.selected() is None
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        qtbot.mouseDClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert blocker.args == [tuple(iv.bill_pks)]
    # a click on empty space clears the selection
    with qtbot.waitSignal(tl.item_selected, timeout=2000) as blocker:
        qtbot.mouseClick(tl.viewport(), Qt.MouseButton.LeftButton, pos=pos.__class__(5, 5))
    assert blocker.args == [None]


def test_tables_click_selects_enter_drills_down(  # type: ignore[no-untyped-def]
    qtbot, panel: InvestigationPanel
) -> None:
    _compute(qtbot, panel)
    _show_tab(qtbot, panel, TAB_ANOMALIES)
    view = panel.anomalies_view
    drilled: list[object] = []
    panel.bills_selected.connect(drilled.append)
    index = view.model().index(1, 0)
    pos = view.visualRect(index).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert view.currentIndex().row() == 1
    assert drilled == []  # a click only selects
    view.setFocus()
    with qtbot.waitSignal(panel.bills_selected, timeout=2000) as blocker:
        qtbot.keyClick(view, Qt.Key.Key_Return)
    row = view.model().mapToSource(index).row()  # type: ignore[attr-defined]
    assert blocker.args == [tuple(panel.anomalies_model.payloads[row].bill_pks)]


# ------------------------------------------------------------------------------------------------
# 5. The investigation tables keep Qt's model contract
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "which",
    [
        "moment",
        "changes",
        "summary",
        "anomalies",
        "moment-sorted",
        "changes-sorted",
        "anomalies-sorted",
    ],
)
def test_investigation_models_pass_the_model_tester(  # type: ignore[no-untyped-def]
    qtbot, qtmodeltester, panel: InvestigationPanel, which: str
) -> None:
    _compute(qtbot, panel)
    panel.set_moment(to_epoch("2026-11-02 11:30:00"))
    panel.set_second_moment(to_epoch("2026-11-02 12:30:00"))
    models = {
        "moment": panel.moment_model,
        "changes": panel.changes_model,
        "summary": panel.summary_model,
        "anomalies": panel.anomalies_model,
        "anomalies-sorted": panel.anomalies_view.model(),
        "moment-sorted": panel.moment_table.model(),
        "changes-sorted": panel.changes_table.model(),
    }
    model = models[which]
    if which.endswith("sorted"):
        view = {
            "moment": panel.moment_table,
            "changes": panel.changes_table,
            "anomalies": panel.anomalies_view,
        }[which.split("-")[0]]
        view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
    # the tester keeps watching while the content is replaced
    panel.set_moment(to_epoch("2026-11-02 15:00:00"))
    _compute(qtbot, panel, BillFilter(time_from="2026-11-02 09:00:00"))
    assert model.rowCount() > 0
    qtmodeltester.check(model, force_py=True)
