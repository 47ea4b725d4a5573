"""Colours readable in a light and in a dark palette, and following a change of scheme.

The contrast is computed here with the WCAG 2 formula from the colours the real model returns
(ForegroundRole/BackgroundRole) and the real timeline paints, never from the code's constants:
text needs 4.5:1 against its background, a timeline state 3:1 against the lane.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QImage, QPalette
from PySide6.QtWidgets import QApplication

from viewer.core.columns import CODE
from viewer.core.filters import BillFilter
from viewer.core.investigation import StateKind
from viewer.data.db import Database
from viewer.data.imports.loading import import_paths
from viewer.data.labels import set_label
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.gui.bill_model import BillTableModel
from viewer.gui.investigation import InvestigationPanel
from viewer.gui.main_window import MainWindow
from viewer.gui.timeline import LABEL_WIDTH, LANE_HEIGHT, LEGEND_KINDS, MAIN_KINDS, TimelineLegend

pytestmark = [pytest.mark.gui, pytest.mark.qt_log_ignore("propagateSizeHints")]

TEXT_AA = 4.5
GRAPHICS = 3.0

LIGHT = {  # Qt's Fusion light palette
    QPalette.ColorRole.Window: "#efefef",
    QPalette.ColorRole.WindowText: "#000000",
    QPalette.ColorRole.Base: "#ffffff",
    QPalette.ColorRole.AlternateBase: "#f7f7f7",
    QPalette.ColorRole.Text: "#000000",
    QPalette.ColorRole.Button: "#efefef",
    QPalette.ColorRole.ButtonText: "#000000",
    QPalette.ColorRole.Highlight: "#308cc6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
}
DARK = {  # the usual dark Fusion palette
    QPalette.ColorRole.Window: "#353535",
    QPalette.ColorRole.WindowText: "#ffffff",
    QPalette.ColorRole.Base: "#2a2a2a",
    QPalette.ColorRole.AlternateBase: "#353535",
    QPalette.ColorRole.Text: "#ffffff",
    QPalette.ColorRole.Button: "#353535",
    QPalette.ColorRole.ButtonText: "#ffffff",
    QPalette.ColorRole.Highlight: "#2a82da",
    QPalette.ColorRole.HighlightedText: "#000000",
}
SCHEMES = {"light": LIGHT, "dark": DARK}


def relative_luminance(color: QColor) -> float:
    """WCAG 2.x relative luminance from 8-bit sRGB."""

    def lin(c8: int) -> float:
        c = c8 / 255.0
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(color.red()) + 0.7152 * lin(color.green()) + 0.0722 * lin(color.blue())


def ratio(a: QColor, b: QColor) -> float:
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _palette(roles: dict[QPalette.ColorRole, str]) -> QPalette:
    pal = QPalette()
    for role, value in roles.items():
        pal.setColor(role, QColor(value))
    return pal


@pytest.fixture(params=["light", "dark"])
def scheme(request: pytest.FixtureRequest, qapp: QApplication) -> Iterator[str]:
    """The application in a light or a dark palette (restored afterwards)."""
    before = QGuiApplication.palette()
    qapp.setPalette(_palette(SCHEMES[request.param]))
    qapp.processEvents()  # the widgets take the new palette from posted events
    yield request.param
    qapp.setPalette(before)
    qapp.processEvents()


def _use(qtbot, qapp: QApplication, roles: dict[QPalette.ColorRole, str], widget) -> None:  # type: ignore[no-untyped-def]
    """Set the application palette and wait until ``widget`` has taken it."""
    qapp.setPalette(_palette(roles))
    base = QColor(roles[QPalette.ColorRole.Base])
    qtbot.waitUntil(lambda: widget.palette().color(QPalette.ColorRole.Base) == base, timeout=2000)


def _color(value: object) -> QColor | None:
    if isinstance(value, QBrush):
        return value.color()
    if isinstance(value, QColor):
        return value
    return None


# ------------------------------------------------------------------------------------------------
# The bill table's decoding colours
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def coded_db(db: Database, tmp_path: Path, fixtures_dir: Path) -> Database:
    """Bills with an unknown code, a type not normally billed, a site label and "not used"."""
    lines = (fixtures_dir / "unknown_codes.csv").read_text().splitlines()
    template = lines[2].split(",")  # a busy bill of agent 0107
    extra = []
    for n, (op_type, cause) in enumerate([("2", "65535"), ("3", "210"), ("2", "201")]):
        row = list(template)
        row[0] = f"1108{n}9b2d4c6e8a0b1c2d3e4f5a6b7c8d"
        row[9], row[11] = op_type, cause
        extra.append(",".join(row))
    path = tmp_path / "coded.csv"
    path.write_text("\n".join([*lines, *extra]) + "\n")
    assert import_paths(db, [path]).ok
    set_label(db, 3, 210, "Team meeting")
    return db


def test_bill_cells_are_readable_in_light_and_dark(qtbot, scheme: str, coded_db: Database) -> None:  # type: ignore[no-untyped-def]
    model = BillTableModel(coded_db)
    with qtbot.waitSignal(model.snapshot_ready, timeout=10_000):
        model.set_filter(BillFilter())
    pal = QGuiApplication.palette()
    base, alt = pal.color(QPalette.ColorRole.Base), pal.color(QPalette.ColorRole.AlternateBase)
    text = pal.color(QPalette.ColorRole.Text)
    seen = {"own background": 0, "unknown": 0, "not billed": 0, "site label": 0, "not used": 0}
    code_columns = [c for c, col in enumerate(model.columns) if col.kind == CODE]
    for r in range(model.rowCount()):
        for c in code_columns:
            index = model.index(r, c)
            shown = index.data() or ""
            fg = _color(index.data(Qt.ItemDataRole.ForegroundRole))
            bg = _color(index.data(Qt.ItemDataRole.BackgroundRole))
            backgrounds = [bg] if bg is not None else [base, alt]
            for back in backgrounds:
                got = ratio(fg or text, back)
                assert got >= TEXT_AA, (scheme, shown, (fg or text).name(), back.name(), got)
            if bg is not None:
                seen["own background"] += 1
            if shown.startswith("unknown") or "unknown" in shown:
                seen["unknown"] += 1
            if "⚠" in shown:
                seen["not billed"] += 1
            if shown == "Team meeting":
                seen["site label"] += 1
            if shown == "not used":
                seen["not used"] += 1
    assert all(seen.values()), seen
    model.close()


# ------------------------------------------------------------------------------------------------
# The timeline's state colours
# ------------------------------------------------------------------------------------------------

CONFIG = GeneratorConfig(agents=8, days=1, seed=5, start=datetime(2026, 11, 2, 8, 0, 0))


@pytest.fixture
def panel(qtbot, db: Database, tmp_path: Path) -> Iterator[InvestigationPanel]:  # type: ignore[no-untyped-def]
    path = tmp_path / "export.csv"
    write_csv(path, generate_bills(CONFIG))
    assert import_paths(db, [path]).ok
    widget = InvestigationPanel(db)
    qtbot.addWidget(widget)
    widget.resize(1200, 800)
    widget.show()
    qtbot.waitExposed(widget)
    with qtbot.waitSignal(widget.computed, timeout=30_000):
        widget.set_filter(BillFilter(time_from="2026-11-02 00:00:00"), {})
    yield widget
    widget.shutdown()


def _pixel(image: QImage, point: QPoint) -> QColor:
    return QColor(image.pixel(point.x(), point.y()))


def _painted_state_colors(panel: InvestigationPanel) -> dict[StateKind, tuple[QColor, QColor]]:
    """Per kind found in the data: the painted bar pixel and the lane pixel just above it."""
    tl = panel.timeline
    found: dict[StateKind, tuple[QColor, QColor]] = {}
    for lane, agent in enumerate(tl.states()):
        for iv in agent.intervals:
            wanted = iv.kind in MAIN_KINDS and iv.kind is not StateKind.OTHER
            if iv.kind in found or not wanted or iv.duration < 60:
                continue
            tl.set_view(iv.start - iv.duration, 3 * iv.duration + 60)
            tl.scroll_to_lane(lane)
            pos = tl.position_of(agent.agent, iv)
            if pos is None or tl.hit(pos) != iv:
                continue
            image = tl.viewport().grab().toImage()
            found[iv.kind] = (_pixel(image, pos), _lane_pixel(image, tl.lane_top(lane) + 1))
    return found


def _lane_pixel(image: QImage, y: int) -> QColor:
    """The lane's background: the commonest colour along a row of the lane's top edge."""
    counts = Counter(image.pixel(x, y) for x in range(LABEL_WIDTH + 2, image.width(), 3))
    return QColor(counts.most_common(1)[0][0])


def test_timeline_states_stand_out_from_the_lanes(  # type: ignore[no-untyped-def]
    qtbot, scheme: str, panel: InvestigationPanel
) -> None:
    tl = panel.timeline
    # What is really painted: each bar's pixel against its lane's background.
    painted = _painted_state_colors(panel)
    assert {StateKind.BUSY, StateKind.REST, StateKind.CONVERSATION} <= set(painted), painted
    for kind, (bar, lane) in painted.items():
        got = ratio(bar, lane)
        assert got >= GRAPHICS, (scheme, kind, bar.name(), lane.name(), got)
    for kind, (bar, _lane) in painted.items():
        assert bar == tl.kind_color(kind), kind
    # Every kind the timeline can draw (some are not in the generated day), on both lane shades.
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    lanes = tl.lane_colors()
    assert lanes[0] == base
    drawn = [*LEGEND_KINDS]
    for kind in drawn:
        for lane in lanes:
            got = ratio(tl.kind_color(kind), lane)
            assert got >= GRAPHICS, (scheme, kind, tl.kind_color(kind).name(), lane.name(), got)
    for lane in lanes:
        assert ratio(tl.anomaly_color(), lane) >= GRAPHICS, (scheme, "anomaly")
    # the legend shows the same colours
    legend: TimelineLegend = panel.legend
    colours = {title: color for title, color, _x, _line in legend.layout_items(600)}
    for kind in drawn:
        assert colours[kind.title] == tl.kind_color(kind)


def test_forced_ticks_stay_visible_in_dark(  # type: ignore[no-untyped-def]
    qtbot, qapp, panel: InvestigationPanel
) -> None:
    """The near-black "Forced" tick of the light scheme would vanish on a dark lane."""
    before = QGuiApplication.palette()
    try:
        tl = panel.timeline
        _use(qtbot, qapp, DARK, tl)
        forced = next(
            (lane, iv)
            for lane, s in enumerate(tl.states())
            for iv in s.intervals
            if iv.kind is StateKind.FORCED
        )
        lane, iv = forced
        tl.set_view(iv.start - 300, 600)
        tl.scroll_to_lane(lane)
        image = tl.viewport().grab().toImage()
        x = int(tl.x_for(iv.start))
        # the tick's bottom end, below the signed-in band (nothing else is drawn there)
        y = tl.lane_top(lane) + LANE_HEIGHT - 2
        lane_bg = _lane_pixel(image, y)
        tick = max(
            (_pixel(image, QPoint(xx, y)) for xx in range(x - 1, x + 3)),
            key=lambda c: ratio(c, lane_bg),
        )
        assert ratio(tick, lane_bg) >= GRAPHICS, (tick.name(), lane_bg.name())
    finally:
        qapp.setPalette(before)
        qapp.processEvents()


def test_colours_follow_a_change_of_palette_and_scheme(  # type: ignore[no-untyped-def]
    qtbot, qapp, panel: InvestigationPanel
) -> None:
    tl = panel.timeline
    before = QGuiApplication.palette()
    try:
        _use(qtbot, qapp, LIGHT, tl)
        light = tl.kind_color(StateKind.FORCED)
        _use(qtbot, qapp, DARK, tl)  # what the platform does when the OS scheme turns dark
        dark = tl.kind_color(StateKind.FORCED)
        assert light != dark
        assert ratio(dark, QColor(DARK[QPalette.ColorRole.Base])) >= GRAPHICS
        # The scheme signal alone repaints the timeline with freshly derived colours.
        qtbot.wait(50)  # the repaint of the palette change is done
        tl.paint_ms = -1.0
        QGuiApplication.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
        qtbot.waitUntil(lambda: tl.paint_ms >= 0, timeout=2000)
    finally:
        qapp.setPalette(before)
        qapp.processEvents()


def test_details_pane_notes_are_readable(  # type: ignore[no-untyped-def]
    qtbot, tmp_path: Path, scheme: str, coded_db: Database
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(coded_db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    base = w.details.palette().color(QPalette.ColorRole.Base)
    assert (relative_luminance(base) < 0.2) == (scheme == "dark")
    found: set[str] = set()
    for r in range(w.model.rowCount()):
        html = w.bill_details.details_html(w.model.row_tuple(r))  # type: ignore[arg-type]
        found.update(re.findall(r"color:\s*(#[0-9a-fA-F]{6}|#[0-9a-fA-F]{3})\b", html))
    assert len(found) >= 3, found  # the raw values, unknown codes, types not normally billed
    for value in found:
        got = ratio(QColor(value), base)
        assert got >= TEXT_AA, (scheme, value, base.name(), got)


def test_filter_panel_notes_are_readable(qtbot, scheme: str, coded_db: Database) -> None:  # type: ignore[no-untyped-def]
    """The time-range and pasted-agents notes take their colours from the palette."""
    from PySide6.QtCore import QDateTime

    from viewer.gui.filter_panel import TIME_FMT, FilterPanel

    panel = FilterPanel(coded_db)
    qtbot.addWidget(panel)
    panel.show()
    panel.reload()
    qtbot.waitUntil(lambda: panel.agents.list.count() > 0, timeout=10_000)
    background = panel.palette().color(QPalette.ColorRole.Window)
    assert (relative_luminance(background) < 0.2) == (scheme == "dark")
    panel.time_from.setDateTime(QDateTime.fromString("2026-11-02 10:00:00", TIME_FMT))
    panel.time_to.setDateTime(QDateTime.fromString("2026-11-02 09:00:00", TIME_FMT))
    panel.use_from.setChecked(True)
    panel.use_to.setChecked(True)
    qtbot.waitUntil(lambda: panel.time_note.isVisible(), timeout=5_000)
    panel.agents.check_pasted("9998 9999")
    qtbot.waitUntil(lambda: panel.agents.note.isVisible(), timeout=5_000)
    for label in (panel.time_note, panel.agents.note):
        found = re.findall(r"color:\s*(#[0-9a-fA-F]{6})", label.styleSheet())
        assert found, label.styleSheet()
        got = ratio(QColor(found[0]), background)
        assert got >= TEXT_AA, (scheme, label.text()[:40], found[0], background.name(), got)
