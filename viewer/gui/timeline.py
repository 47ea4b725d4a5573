"""The investigation timeline: one lane per agent, time along x, states as coloured bars.

A ``QAbstractScrollArea`` that paints its viewport itself: the vertical scroll bar moves through
the lanes, the horizontal one through time (one step per second). Only what is visible is painted:
the lanes in view, and in each lane the intervals that ``AgentStates.overlapping`` finds for the
visible time window. Sub-pixel intervals of one kind are merged into one bar, and bars are drawn
in one ``drawRects`` call per colour, so a full day of 500 agents stays well under 50 ms a frame.
With ``set_lanes`` (an investigation too big to hold) the lanes start empty and the view asks
for the states of those in view (``lanes_wanted``), holding only the last lanes answered.

Geometry of a lane (``LANE_HEIGHT`` pixels): the exclusive states (busy, rest, working, study,
conversation) as the main bar; held, internal help, three-party, conference and listening as a
thinner bar drawn over its middle; the signed-in session as a thin band under the main bar;
forced events as a vertical tick; anomalies as a red triangle at the lane's top edge.

Mouse and keys: Ctrl+wheel or ``+``/``-`` zoom in time (around the cursor or the centre); drag,
Shift+wheel, a horizontal wheel or Left/Right pan in time; the wheel, Up/Down and Page keys scroll
the lanes; ``0`` (or Home) shows everything. A click on a bar or an anomaly's triangle selects it
(outlined; ``item_selected``), a double-click or Enter on the selection emits ``item_activated``
(the panel then shows its bills), Escape clears the selection; hovering shows a tooltip.

Colours come from ``viewer.gui.palette`` for the widget's palette (light or dark scheme, each
state at least 3:1 against the lanes) and are rebuilt when the palette or the OS colour scheme
changes.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping, Sequence

from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygon,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QSizePolicy, QToolTip, QWidget

from viewer.core.investigation import AgentStates, Anomaly, Interval, StateKind
from viewer.core.timefmt import format_duration, from_epoch
from viewer.gui.palette import SchemeWatcher, colors
from viewer.gui.workers import status_problem

LANE_HEIGHT = 22
"""Pixels per agent lane."""

AXIS_HEIGHT = 22
"""Pixels of the time axis at the top."""

LABEL_WIDTH = 90
"""Pixels of the agent-name column at the left."""

MIN_SPAN = 60
"""The narrowest visible time span (seconds)."""

ZOOM_STEP = 1.25
"""Span factor per wheel notch or key press."""

MAIN_KINDS: tuple[StateKind, ...] = (
    StateKind.BUSY,
    StateKind.REST,
    StateKind.WORK,
    StateKind.STUDY,
    StateKind.CONVERSATION,
    StateKind.OTHER,
)
"""Kinds drawn as the lane's main bar (``OTHER`` operations as short grey bars or ticks)."""

NESTED_KINDS: tuple[StateKind, ...] = (
    StateKind.HELD,
    StateKind.INTERNAL_HELP,
    StateKind.THREE_PARTY,
    StateKind.CONFERENCE,
    StateKind.LISTENING,
)
"""Kinds drawn as a thinner bar over the main bar."""

LEGEND_KINDS: tuple[StateKind, ...] = (
    StateKind.SIGNED_IN,
    StateKind.CONVERSATION,
    StateKind.BUSY,
    StateKind.REST,
    StateKind.WORK,
    StateKind.STUDY,
    StateKind.HELD,
    StateKind.INTERNAL_HELP,
    StateKind.THREE_PARTY,
    StateKind.CONFERENCE,
    StateKind.LISTENING,
    StateKind.FORCED,
    StateKind.OTHER,
)

# Vertical layout inside a lane (offsets from the lane's top).
_MAIN_TOP, _MAIN_H = 3, 13
_NESTED_TOP, _NESTED_H = 7, 5
_SIGNED_TOP, _SIGNED_H = 17, 3
_TRI = 5  # anomaly triangle half-width / height

_TICKS = (
    1,
    5,
    10,
    30,
    60,
    300,
    600,
    900,
    1800,
    3600,
    7200,
    10800,
    21600,
    43200,
    86400,
    172800,
    604800,
)

BillDescriber = Callable[[Sequence[int]], list[str]]
"""Returns one decoded line per bill row key (for tooltips); may return fewer lines."""


class TimelineView(QAbstractScrollArea):
    """The lanes of the investigation's agents; see the module notes."""

    item_selected = Signal(object)
    """The selected ``Interval`` or ``Anomaly`` changed (None: nothing selected)."""
    item_activated = Signal(object)
    """The user double-clicked the selected ``Interval``/``Anomaly`` or pressed Enter on it."""
    view_changed = Signal()
    """The visible time window changed (zoom or pan)."""
    lanes_wanted = Signal(int, int, int, int)
    """Lanes set by ``set_lanes``: the states of lanes ``[first, last)`` over ``[lo, hi)`` are
    needed (those in view with a screenful around them); answer with ``set_lane_states``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        self.viewport().setMouseTracking(True)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self._states: list[AgentStates] = []
        self._lazy = False  # lanes of set_lanes: only those read by set_lane_states hold states
        self._loaded: tuple[int, int, int, int] | None = None  # (first, last, lo, hi) held
        self._wanted: tuple[int, int, int, int] | None = None  # asked for, not yet answered
        self._t0 = 0
        self._t1 = 3600
        self._lo = 0.0
        self._span = 3600.0
        self._drag: tuple[QPoint, float, int] | None = None
        self._dragged = False
        self._syncing = False
        self.paint_ms = 0.0
        """Duration of the last paint (milliseconds), for the benchmark."""
        self.describe_bills: BillDescriber | None = None
        """Optional decoder of bill row keys for the tooltip (set by the panel)."""
        self._selected: Interval | Anomaly | None = None
        self._brushes: dict[StateKind, QBrush] = {}
        self._anomaly_brush = QBrush()
        self._update_colors()
        self._scheme = SchemeWatcher(self._update_colors, self)
        self.horizontalScrollBar().valueChanged.connect(self._on_hscroll)
        self.verticalScrollBar().valueChanged.connect(self.viewport().update)
        self.verticalScrollBar().valueChanged.connect(self._want_lanes)
        self.view_changed.connect(self._want_lanes)

    # ---------------------------------------------------------------- data and view window

    def set_states(
        self, states: Sequence[AgentStates], start: int | None = None, end: int | None = None
    ) -> None:
        """Show these agents (one lane each) over ``[start, end)`` (None: their extent)."""
        self._lazy = False
        self._loaded = self._wanted = None
        self._states = list(states)
        self._selected = None
        for st in self._states:
            st.sessions()  # builds the lookup index now rather than on the first paint
        lo = start
        hi = end
        if lo is None or hi is None:
            firsts = [s.intervals[0].start for s in self._states if s.intervals]
            lasts = [max(iv.end for iv in s.intervals) for s in self._states if s.intervals]
            if lo is None:
                lo = min(firsts, default=hi - 3600 if hi is not None else 0)
            if hi is None:
                hi = max(lasts, default=lo + 3600)
        if hi <= lo:
            hi = lo + 3600
        self._t0, self._t1 = int(lo), int(hi)
        self._lo, self._span = float(self._t0), float(self._t1 - self._t0)
        self.verticalScrollBar().setValue(0)
        self._sync_scrollbars()
        self.viewport().update()
        self.view_changed.emit()

    def set_lanes(self, agents: Sequence[str], start: int, end: int) -> None:
        """Show these agents' lanes over ``[start, end)`` before any of their states is read.

        For an investigation too big to hold (a month of a big center): the view asks for the
        states of the lanes in view through ``lanes_wanted`` whenever they scroll or zoom
        into view, and holds only the last lanes answered (``set_lane_states``), so its
        memory follows the lanes on screen, not the bills.
        """
        self.set_states([AgentStates(a, [], []) for a in agents], start, end)
        self._lazy = True
        self._want_lanes()

    def set_lane_states(
        self, first: int, last: int, lo: int, hi: int, states: Mapping[str, AgentStates]
    ) -> None:
        """The states of lanes ``[first, last)`` read over ``[lo, hi)``; others are emptied."""
        if not self._lazy:
            return
        last = min(last, len(self._states))
        if self._loaded is not None:
            for i in range(self._loaded[0], min(self._loaded[1], len(self._states))):
                if not first <= i < last:
                    self._states[i] = AgentStates(self._states[i].agent, [], [])
        for i in range(first, last):
            agent = self._states[i].agent
            lane = states.get(agent) or AgentStates(agent, [], [])
            lane.sessions()  # builds the lookup index now rather than on the first paint
            self._states[i] = lane
        self._loaded = (first, last, lo, hi)
        if self._wanted == self._loaded:
            self._wanted = None
        self.viewport().update()
        self._want_lanes()

    def loaded_lanes(self) -> tuple[int, int, int, int] | None:
        """``(first, last, lo, hi)``: the lanes and time whose states are held (lazy lanes)."""
        return self._loaded

    def _covers(self, have: tuple[int, int, int, int] | None, lanes: range) -> bool:
        if have is None:
            return False
        lo, hi = self.visible_range()
        first, last, have_lo, have_hi = have
        return (
            first <= lanes.start
            and lanes.stop <= last
            and have_lo <= max(lo, self._t0)
            and min(hi, self._t1) <= have_hi
        )

    def _want_lanes(self, *_args: object) -> None:
        """Ask for the lanes in view (and a screenful around them) unless they are held."""
        if not self._lazy or not self._states:
            return
        lanes = self.visible_lanes()
        if not lanes:
            lanes = range(0, min(len(self._states), 1))
        if self._covers(self._loaded, lanes) or self._covers(self._wanted, lanes):
            return
        n = max(1, len(lanes))
        first, last = max(0, lanes.start - n), min(len(self._states), lanes.stop + n)
        lo, hi = self.visible_range()
        span = hi - lo
        want_lo = int(max(self._t0, lo - span))
        want_hi = int(min(self._t1, hi + span + 1))
        self._wanted = (first, last, want_lo, want_hi)
        self.lanes_wanted.emit(first, last, want_lo, want_hi)

    def states(self) -> list[AgentStates]:
        """The agents shown, one per lane in order."""
        return list(self._states)

    def lane_count(self) -> int:
        """Number of lanes (agents)."""
        return len(self._states)

    def data_range(self) -> tuple[int, int]:
        """The whole time range ``(start, end)`` the view can show."""
        return self._t0, self._t1

    def visible_range(self) -> tuple[float, float]:
        """The visible time window ``(lo, hi)`` in stored seconds."""
        return self._lo, self._lo + self._span

    def visible_span(self) -> float:
        """Seconds across the visible time window."""
        return self._span

    def set_view(self, lo: float, span: float) -> None:
        """Show ``span`` seconds from ``lo`` (clamped to the data range and zoom limits)."""
        full = float(self._t1 - self._t0)
        span = max(float(MIN_SPAN), min(float(span), full)) if full > MIN_SPAN else full
        lo = max(float(self._t0), min(float(lo), self._t1 - span))
        if (lo, span) == (self._lo, self._span):
            return
        self._lo, self._span = lo, span
        self._sync_scrollbars()
        self.viewport().update()
        self.view_changed.emit()

    def show_all(self) -> None:
        """Zoom out to the whole data range."""
        self.set_view(self._t0, self._t1 - self._t0)

    def zoom(self, factor: float, anchor_x: float | None = None) -> None:
        """Divide the visible span by ``factor`` (>1 zooms in), keeping the time under x fixed."""
        width = self._plot_width()
        frac = 0.5 if anchor_x is None else min(1.0, max(0.0, (anchor_x - LABEL_WIDTH) / width))
        anchor_t = self._lo + frac * self._span
        span = self._span / factor
        full = float(self._t1 - self._t0)
        span = max(float(MIN_SPAN), min(span, full))
        self.set_view(anchor_t - frac * span, span)

    def pan(self, seconds: float) -> None:
        """Move the visible window by ``seconds`` (positive: later)."""
        self.set_view(self._lo + seconds, self._span)

    def _sync_scrollbars(self) -> None:
        self._syncing = True
        try:
            h = self.horizontalScrollBar()
            full = self._t1 - self._t0
            span = int(round(self._span))
            h.setRange(0, max(0, full - span))
            h.setPageStep(max(1, span))
            h.setSingleStep(max(1, span // 10))
            h.setValue(int(round(self._lo - self._t0)))
            v = self.verticalScrollBar()
            plot_h = max(1, self.viewport().height() - AXIS_HEIGHT)
            v.setRange(0, max(0, len(self._states) * LANE_HEIGHT - plot_h))
            v.setPageStep(plot_h)
            v.setSingleStep(LANE_HEIGHT)
        finally:
            self._syncing = False

    def _on_hscroll(self, value: int) -> None:
        if self._syncing:
            return
        self.set_view(self._t0 + value, self._span)

    # ---------------------------------------------------------------- geometry

    def _plot_width(self) -> float:
        return float(max(1, self.viewport().width() - LABEL_WIDTH))

    def _scale(self) -> float:
        """Pixels per second."""
        return self._plot_width() / self._span if self._span > 0 else 1.0

    def x_for(self, t: float) -> float:
        """Viewport x of time ``t``."""
        return LABEL_WIDTH + (t - self._lo) * self._scale()

    def time_at(self, x: float) -> float:
        """Time at viewport x."""
        return self._lo + (x - LABEL_WIDTH) / self._scale()

    def lane_top(self, index: int) -> int:
        """Viewport y of the top of lane ``index`` (may lie outside the viewport)."""
        return AXIS_HEIGHT + index * LANE_HEIGHT - self.verticalScrollBar().value()

    def lane_at(self, y: float) -> int | None:
        """The lane index at viewport y, or None."""
        if y < AXIS_HEIGHT:
            return None
        i = int((y - AXIS_HEIGHT + self.verticalScrollBar().value()) // LANE_HEIGHT)
        return i if 0 <= i < len(self._states) else None

    def visible_lanes(self) -> range:
        """Indexes of the lanes at least partly in view."""
        top = self.verticalScrollBar().value()
        plot_h = max(0, self.viewport().height() - AXIS_HEIGHT)
        first = top // LANE_HEIGHT
        last = min(len(self._states), (top + plot_h + LANE_HEIGHT - 1) // LANE_HEIGHT)
        return range(first, max(first, last))

    def scroll_to_lane(self, index: int) -> None:
        """Scroll vertically so that lane ``index`` is in view."""
        v = self.verticalScrollBar()
        top = index * LANE_HEIGHT
        plot_h = max(1, self.viewport().height() - AXIS_HEIGHT)
        if top < v.value():
            v.setValue(top)
        elif top + LANE_HEIGHT > v.value() + plot_h:
            v.setValue(top + LANE_HEIGHT - plot_h)

    def position_of(self, agent: str, interval: Interval) -> QPoint | None:
        """A viewport point on ``interval``'s bar in ``agent``'s lane (None when out of view)."""
        index = next((i for i, s in enumerate(self._states) if s.agent == agent), None)
        if index is None:
            return None
        lo, hi = self.visible_range()
        a, b = max(interval.start, lo), min(max(interval.end, interval.start + 1), hi)
        if b < a:
            return None
        x = int(self.x_for((a + b) / 2))
        top = self.lane_top(index)
        if interval.kind is StateKind.SIGNED_IN:
            y = top + _SIGNED_TOP + 1
        elif interval.kind in NESTED_KINDS:
            y = top + _NESTED_TOP + 2
        else:
            y = top + _MAIN_TOP + 2
        return QPoint(x, y)

    # ---------------------------------------------------------------- colours and selection

    def _update_colors(self) -> None:
        """Rebuild the brushes from the current palette and repaint."""
        c = colors(self.palette())
        self._brushes = {k: QBrush(c.kind(k)) for k in c.kinds}
        self._anomaly_brush = QBrush(c.anomaly)
        self.viewport().update()

    def kind_color(self, kind: StateKind) -> QColor:
        """The colour the bars of ``kind`` are painted with."""
        return self._brushes[kind].color()

    def anomaly_color(self) -> QColor:
        """The colour of the anomaly markers."""
        return self._anomaly_brush.color()

    def lane_colors(self) -> tuple[QColor, QColor]:
        """The backgrounds of the even and the odd lanes."""
        c = colors(self.palette())
        return c.lane, c.lane_shade

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._update_colors()

    def selected(self) -> Interval | Anomaly | None:
        """The selected bar or anomaly (None: nothing)."""
        return self._selected

    def select(self, item: Interval | Anomaly | None) -> None:
        """Select (outline) a bar or an anomaly; emits ``item_selected`` when it changes."""
        if item == self._selected:
            return
        self._selected = item
        self.viewport().update()
        self.item_selected.emit(item)

    def selection_rect(self) -> QRect | None:
        """The viewport rectangle outlining the selection (None: nothing selected or shown)."""
        item = self._selected
        if item is None:
            return None
        index = next((i for i, s in enumerate(self._states) if s.agent == item.agent), None)
        if index is None:
            return None
        top = self.lane_top(index)
        x1 = int(self.x_for(max(item.start, self._lo)))
        if isinstance(item, Anomaly):
            return QRect(x1 - _TRI - 2, top - 1, 2 * _TRI + 4, _TRI + 3)
        x2 = max(x1 + 2, int(self.x_for(min(item.end, self._lo + self._span))))
        if item.kind is StateKind.SIGNED_IN:
            y, h = _SIGNED_TOP, _SIGNED_H
        elif item.kind in NESTED_KINDS:
            y, h = _NESTED_TOP, _NESTED_H
        else:
            y, h = _MAIN_TOP, _MAIN_H
        return QRect(x1 - 2, top + y - 2, x2 - x1 + 4, h + 4)

    # ---------------------------------------------------------------- painting

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._sync_scrollbars()
        self._want_lanes()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        started = time.perf_counter()
        # The paint allocates thousands of short-lived rectangles (freed by reference counting,
        # no cycles): a full collection over the rebuilt states in the middle of it would cost
        # more than the paint itself, so the collector waits until the frame is done.
        collecting = gc.isenabled()
        gc.disable()
        painter = QPainter(self.viewport())
        try:
            self._paint(painter)
        finally:
            painter.end()
            if collecting:
                gc.enable()
        self.paint_ms = (time.perf_counter() - started) * 1000.0

    def _paint(self, p: QPainter) -> None:
        vp = self.viewport()
        width, height = vp.width(), vp.height()
        pal = self.palette()
        scheme = colors(pal)
        p.fillRect(0, 0, width, height, scheme.lane)
        lanes = self.visible_lanes()
        lo, hi = self._lo, self._lo + self._span
        scale = self._scale()
        ilo, ihi = int(lo), int(hi) + 1
        left = LABEL_WIDTH
        right = width
        text_pen = QPen(pal.text().color())
        grid_pen = QPen(scheme.grid)

        p.setClipRect(left, AXIS_HEIGHT, max(0, width - left), max(0, height - AXIS_HEIGHT))
        # Alternate lane shading and the tick grid.
        shade = scheme.lane_shade
        for i in lanes:
            if i % 2:
                p.fillRect(left, self.lane_top(i), width - left, LANE_HEIGHT, shade)
        ticks = self._ticks(lo, hi, scale)
        p.setPen(grid_pen)
        for t in ticks:
            x = int(left + (t - lo) * scale)
            p.drawLine(x, AXIS_HEIGHT, x, height)

        p.setPen(Qt.PenStyle.NoPen)
        by_kind: dict[StateKind, list[QRect]] = {}
        nested: dict[StateKind, list[QRect]] = {}
        ticks_forced: list[QRect] = []
        tris: list[QPolygon] = []
        main_set = frozenset(MAIN_KINDS)
        nested_set = frozenset(NESTED_KINDS)
        for i in lanes:
            st = self._states[i]
            top = self.lane_top(i)
            # last drawn pixel column per kind in this lane, for merging sub-pixel bars
            last: dict[StateKind, list[int]] = {}
            for iv in st.overlapping(ilo, ihi):
                kind = iv.kind
                x1 = int(left + (iv.start - lo) * scale)
                x2 = int(left + (iv.end - lo) * scale)
                if x1 < left - 2:
                    x1 = left - 2
                if x2 > right + 2:
                    x2 = right + 2
                if kind is StateKind.FORCED:
                    ticks_forced.append(QRect(x1, top + 1, 2, LANE_HEIGHT - 2))
                    continue
                if x2 <= x1:
                    x2 = x1 + 1
                prev = last.get(kind)
                if prev is not None and x1 <= prev[1]:
                    if x2 > prev[1]:
                        prev[1] = x2
                    continue
                cell = [x1, x2]
                last[kind] = cell
                if kind in main_set:
                    by_kind.setdefault(kind, []).append(cell)  # type: ignore[arg-type]
                    cell.append(top + _MAIN_TOP)
                    cell.append(_MAIN_H)
                elif kind in nested_set:
                    nested.setdefault(kind, []).append(cell)  # type: ignore[arg-type]
                    cell.append(top + _NESTED_TOP)
                    cell.append(_NESTED_H)
                else:  # signed in
                    by_kind.setdefault(kind, []).append(cell)  # type: ignore[arg-type]
                    cell.append(top + _SIGNED_TOP)
                    cell.append(_SIGNED_H)
            for a in st.anomalies:
                if a.start >= ihi:
                    break
                if a.end < ilo and a.start < ilo:
                    continue
                x = int(left + (max(a.start, lo) - lo) * scale)
                tris.append(
                    QPolygon([QPoint(x - _TRI, top), QPoint(x + _TRI, top), QPoint(x, top + _TRI)])
                )

        def draw(groups: dict[StateKind, list[QRect]]) -> None:
            for kind, cells in groups.items():
                p.setBrush(self._brushes[kind])
                p.drawRects([QRect(c[0], c[2], c[1] - c[0], c[3]) for c in cells])  # type: ignore[index]

        draw(by_kind)
        draw(nested)
        if ticks_forced:
            p.setBrush(self._brushes[StateKind.FORCED])
            p.drawRects(ticks_forced)
        if tris:
            p.setBrush(self._anomaly_brush)
            for tri in tris:
                p.drawPolygon(tri)
        outline = self.selection_rect()
        if outline is not None:
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(QPen(pal.text().color(), 2))
            p.drawRect(outline)

        # Agent names and the time axis, outside the plot clip.
        p.setClipping(False)
        p.fillRect(0, AXIS_HEIGHT, left, height - AXIS_HEIGHT, pal.window())
        p.fillRect(0, 0, width, AXIS_HEIGHT, pal.window())
        p.setPen(text_pen)
        fm = QFontMetrics(self.font())
        p.setClipRect(0, AXIS_HEIGHT, left, max(0, height - AXIS_HEIGHT))
        for i in lanes:
            top = self.lane_top(i)
            name = fm.elidedText(self._states[i].agent, Qt.TextElideMode.ElideRight, left - 8)
            p.drawText(QRect(4, top, left - 8, LANE_HEIGHT), Qt.AlignmentFlag.AlignVCenter, name)
        p.setClipping(False)
        p.setPen(grid_pen)
        p.drawLine(left, 0, left, height)
        p.drawLine(0, AXIS_HEIGHT - 1, width, AXIS_HEIGHT - 1)
        p.setPen(text_pen)
        step = ticks[1] - ticks[0] if len(ticks) > 1 else 3600
        fmt = _tick_format(step, self._span)
        for t in ticks:
            x = int(left + (t - lo) * scale)
            if x < left or x > width - 20:
                continue
            p.drawLine(x, AXIS_HEIGHT - 5, x, AXIS_HEIGHT - 1)
            p.drawText(x + 3, AXIS_HEIGHT - 7, _tick_text(t, fmt))
        p.drawText(
            QRect(4, 0, left - 8, AXIS_HEIGHT),
            Qt.AlignmentFlag.AlignVCenter,
            self.tr("{n} agents").format(n=len(self._states)),
        )

    @staticmethod
    def _ticks(lo: float, hi: float, scale: float) -> list[int]:
        step = next((s for s in _TICKS if s * scale >= 90), _TICKS[-1])
        first = int(lo // step) * step
        return list(range(first, int(hi) + step, step))

    # ---------------------------------------------------------------- hit testing

    def hit(self, pos: QPoint) -> Interval | Anomaly | None:
        """The anomaly marker or the interval under a viewport point (None: nothing)."""
        lane = self.lane_at(pos.y())
        if lane is None or pos.x() < LABEL_WIDTH:
            return None
        st = self._states[lane]
        top = self.lane_top(lane)
        dy = pos.y() - top
        scale = self._scale()
        tol = 3.0 / scale
        t = self.time_at(pos.x())
        if dy <= _TRI + 1:
            near = [a for a in st.anomalies if abs(max(a.start, self._lo) - t) <= 1.5 * tol + 2]
            if near:
                return min(near, key=lambda a: abs(a.start - t))
        cands = st.overlapping(int(t - tol) - 1, int(t + tol) + 2)
        if not cands:
            return None
        if dy >= _SIGNED_TOP - 1:
            bands: tuple[frozenset[StateKind], ...] = (frozenset({StateKind.SIGNED_IN}),)
        elif _NESTED_TOP <= dy < _NESTED_TOP + _NESTED_H:
            bands = (
                frozenset(NESTED_KINDS),
                frozenset(MAIN_KINDS) | {StateKind.FORCED},
                frozenset({StateKind.SIGNED_IN}),
            )
        else:
            bands = (frozenset(MAIN_KINDS) | {StateKind.FORCED}, frozenset({StateKind.SIGNED_IN}))
        for band in bands:
            found = [iv for iv in cands if iv.kind in band]
            if not found:
                continue
            inside = [iv for iv in found if iv.start <= t < iv.end]
            if inside:
                return min(inside, key=lambda iv: (iv.duration, -iv.start))
            return min(found, key=lambda iv: min(abs(iv.start - t), abs(iv.end - t)))
        return None

    def _head_lines(self, item: Interval | Anomaly) -> list[str]:
        """What an interval or anomaly is and when, ending with how many bills it has."""
        if isinstance(item, Anomaly):
            lines = [
                self.tr("Anomaly: {kind}").format(kind=item.kind.title),
                self.tr("Agent {agent}").format(agent=item.agent),
                item.message,
                f"{from_epoch(item.start)} - {from_epoch(item.end)}"
                f" ({format_duration(item.end - item.start)})",
            ]
        else:
            lines = [item.label, self.tr("Agent {agent}").format(agent=item.agent)]
            if item.reason is not None:
                lines.append(self.tr("Reason code {code}").format(code=item.reason))
            lines.append(
                f"{from_epoch(item.start)} - {from_epoch(item.end)}"
                f" ({format_duration(item.duration)})"
                + (self.tr(" (open-ended)") if item.open_ended else "")
            )
        lines.append(
            self.tr("{n} bill(s); double-click or press Enter to show them").format(
                n=len(item.bill_pks)
            )
        )
        return lines

    def _decoded(self, pks: Sequence[int]) -> list[str]:
        """One decoded line for each of the first five bills (a tooltip never raises)."""
        if self.describe_bills is None or not pks:
            return []
        try:
            return self.describe_bills(pks[:5])
        except Exception as exc:  # noqa: BLE001 - a tooltip never raises; a bug is said to be one
            problem = status_problem(exc, "reading the bills of a tooltip")
            return [self.tr("(bills not readable: {problem})").format(problem=problem)]

    def tooltip_text(self, item: Interval | Anomaly) -> str:
        """The tooltip for an interval or an anomaly (plain text lines)."""
        pks = item.bill_pks
        lines = self._head_lines(item)
        lines.extend("  " + d for d in self._decoded(pks))
        if self.describe_bills is not None and len(pks) > 5:
            lines.append("  " + self.tr("... and {n} more").format(n=len(pks) - 5))
        return "\n".join(lines)

    def summary_text(self, item: Interval | Anomaly, bills: int = 2) -> str:
        """Two short lines for the details under the timeline: what and when, then its bills."""
        head = " \u00b7 ".join(self._head_lines(item))
        decoded = self._decoded(item.bill_pks)
        more = len(item.bill_pks) - min(bills, len(decoded))
        tail = "; ".join(decoded[:bills])
        if decoded and more > 0:
            tail += "; " + self.tr("and {n} more").format(n=more)
        return head + ("\n" + tail if tail else "")

    # ---------------------------------------------------------------- events

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.ToolTip:
            help_event: QHelpEvent = event  # type: ignore[assignment]
            item = self.hit(help_event.pos())
            if item is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(help_event.globalPos(), self.tooltip_text(item), self.viewport())
            return True
        return super().viewportEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 - Qt override
        delta = event.angleDelta()
        mods = event.modifiers()
        if mods & Qt.KeyboardModifier.ControlModifier:
            notches = delta.y() / 120.0
            if notches:
                self.zoom(ZOOM_STEP**notches, event.position().x())
            event.accept()
            return
        if mods & Qt.KeyboardModifier.ShiftModifier or (delta.x() and not delta.y()):
            d = delta.x() or delta.y()
            self.pan(-d / 120.0 * self._span / 10.0)
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(ZOOM_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(1 / ZOOM_STEP)
        elif key in (Qt.Key.Key_0, Qt.Key.Key_Home):
            self.show_all()
        elif key == Qt.Key.Key_Left:
            self.pan(-self._span / 10.0)
        elif key == Qt.Key.Key_Right:
            self.pan(self._span / 10.0)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._selected is not None:
            self.item_activated.emit(self._selected)
        elif key == Qt.Key.Key_Escape and self._selected is not None:
            self.select(None)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag = (event.position().toPoint(), self._lo, self.verticalScrollBar().value())
            self._dragged = False
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if self._drag is not None and event.buttons() & Qt.MouseButton.LeftButton:
            start, lo, vtop = self._drag
            d = event.position().toPoint() - start
            if self._dragged or abs(d.x()) + abs(d.y()) > 4:
                self._dragged = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                self.set_view(lo - d.x() / self._scale(), self._span)
                self.verticalScrollBar().setValue(vtop - d.y())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self._drag is not None:
            dragged = self._dragged
            self._drag = None
            self._dragged = False
            self.unsetCursor()
            if not dragged:
                self.select(self.hit(event.position().toPoint()))
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton:
            item = self.hit(event.position().toPoint())
            if item is not None:
                self.select(item)
                self.item_activated.emit(item)
            event.accept()
            return
        super().mouseDoubleClickEvent(event)


def _tick_format(step: int, span: float) -> str:
    if step >= 86400:
        return "%m-%d"
    if step < 60:
        return "%H:%M:%S"
    return "%H:%M"


def _tick_text(t: int, fmt: str) -> str:
    text = from_epoch(t)  # YYYY-MM-DD hh:mm:ss
    if fmt == "%m-%d":
        return text[5:10]
    if fmt == "%H:%M:%S":
        return text[11:19]
    if text[11:16] == "00:00":
        return text[5:10]
    return text[11:16]


class TimelineLegend(QWidget):
    """The legend: a swatch and a title per drawn kind and the anomaly marker, wrapped to fit.

    Every entry is always shown: a narrow panel gets more lines (height for width), never a
    legend that silently stops at the right edge.
    """

    _SWATCH = 14
    _GAP = 12
    _PAD = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._items: list[tuple[str, StateKind | None]] = []
        self.retranslate()
        self._scheme = SchemeWatcher(self.update, self)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setToolTip(
            self.tr(
                "Main bar: busy, rest, working, study, conversation, other operations.\n"
                "Thin bar on top: held, internal help, three-party, conference, listening.\n"
                "Band underneath: signed in. Tick across the lane: forced event. "
                "Triangle: anomaly.\n"
                "Ctrl+wheel or +/-: zoom; drag, Shift+wheel or Left/Right: pan; 0: show all."
            )
        )

    def retranslate(self) -> None:
        """The entries' titles in the language now in force (the kinds' titles and Anomaly)."""
        self._items = [(k.title, k) for k in LEGEND_KINDS]
        self._items.append((self.tr("Anomaly"), None))
        self.updateGeometry()
        self.update()

    @property
    def titles(self) -> list[str]:
        """The entries, in order."""
        return [title for title, _kind in self._items]

    def layout_items(self, width: int) -> list[tuple[str, QColor, int, int]]:
        """``(title, colour, x, line)`` of every entry when the legend is ``width`` wide."""
        fm = QFontMetrics(self.font())
        scheme = colors(self.palette())
        out = []
        x, line = self._PAD, 0
        for title, kind in self._items:
            color = scheme.anomaly if kind is None else scheme.kind(kind)
            w = self._SWATCH + fm.horizontalAdvance(title)
            if x > self._PAD and x + w > width - self._PAD:
                x, line = self._PAD, line + 1
            out.append((title, color, x, line))
            x += w + self._GAP
        return out

    def _line_height(self) -> int:
        return QFontMetrics(self.font()).height() + 6

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt override
        lines = 1 + max((line for *_rest, line in self.layout_items(width)), default=0)
        return lines * self._line_height() + 2

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        width = max(self.width(), 200)
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(100, self.heightForWidth(self.width() or 100))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        wanted = self.heightForWidth(event.size().width())
        if wanted != self.minimumHeight():
            self.setMinimumHeight(wanted)  # re-lay out the panel for the new line count

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        p = QPainter(self)
        try:
            fm = QFontMetrics(self.font())
            lh = self._line_height()
            anomaly = self._items[-1][0]
            for title, color, x, line in self.layout_items(self.width()):
                mid = line * lh + lh / 2
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(color)
                if title == anomaly:
                    cy = int(mid) - 4
                    p.drawPolygon(
                        QPolygon([QPoint(x, cy), QPoint(x + 10, cy), QPoint(x + 5, cy + 6)])
                    )
                else:
                    p.drawRect(QRectF(x, mid - 5, 10, 10))
                p.setPen(self.palette().text().color())
                p.drawText(x + self._SWATCH, int(mid + fm.ascent() / 2 - 1), title)
        finally:
            p.end()
