"""Colours of the bill table, the details pane and the timeline, derived from the palette in use.

Hard-coded colours only suit one palette: an amber cell keeps the palette's light text in a
dark scheme, a near-black tick vanishes on a dark lane. ``colors(palette)`` picks a light or a
dark set by the palette itself (light text on a dark base: dark), then nudges every colour until
it reaches its contrast target against the backgrounds it is drawn on (WCAG 2: 4.5:1 for text,
3:1 for timeline bars against the lane), so even an unusual palette stays readable.

The models ask ``colors()`` on every paint of a cell: the result is cached per palette
(``QPalette.cacheKey``). ``SchemeWatcher`` calls back when the OS colour scheme changes
(``QStyleHints.colorSchemeChanged``, Qt 6.5+) or a widget's palette changes, so the views repaint
with the new colours.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette

from viewer.core.investigation import StateKind

TEXT_CONTRAST = 4.5
"""WCAG AA minimum for normal text."""

GRAPHICS_CONTRAST = 3.0
"""WCAG minimum for graphical objects (timeline bars, ticks, markers)."""

_LIGHT_KINDS: dict[StateKind, str] = {
    StateKind.SIGNED_IN: "#558b2f",
    StateKind.BUSY: "#d32f2f",
    StateKind.REST: "#b75f00",
    StateKind.WORK: "#8e24aa",
    StateKind.STUDY: "#00796b",
    StateKind.CONVERSATION: "#1565c0",
    StateKind.HELD: "#8d6e00",
    StateKind.INTERNAL_HELP: "#6d4c41",
    StateKind.THREE_PARTY: "#00838f",
    StateKind.CONFERENCE: "#3949ab",
    StateKind.LISTENING: "#c2185b",
    StateKind.FORCED: "#212121",
    StateKind.OTHER: "#757575",
}
_DARK_KINDS: dict[StateKind, str] = {
    StateKind.SIGNED_IN: "#9ccc65",
    StateKind.BUSY: "#ef5350",
    StateKind.REST: "#ffa726",
    StateKind.WORK: "#ce93d8",
    StateKind.STUDY: "#4db6ac",
    StateKind.CONVERSATION: "#64b5f6",
    StateKind.HELD: "#fff176",
    StateKind.INTERNAL_HELP: "#bcaaa4",
    StateKind.THREE_PARTY: "#4dd0e1",
    StateKind.CONFERENCE: "#9fa8da",
    StateKind.LISTENING: "#f48fb1",
    StateKind.FORCED: "#eeeeee",
    StateKind.OTHER: "#bdbdbd",
}
_LIGHT = {
    "unknown_bg": "#fde2e1",
    "unknown_fg": "#9b1c1c",
    "not_billed_bg": "#fff4d6",
    "not_billed_fg": "#3d2e00",
    "label_fg": "#1d4ed8",
    "not_used_fg": "#6b6b6b",
    "anomaly": "#c62828",
    "warning_fg": "#9a4a00",
    "error_fg": "#9b1c1c",
}
_DARK = {
    "unknown_bg": "#5c1a1a",
    "unknown_fg": "#ffd7d5",
    "not_billed_bg": "#4a3a10",
    "not_billed_fg": "#ffe9b0",
    "label_fg": "#8ab4f8",
    "not_used_fg": "#b0b0b0",
    "anomaly": "#ff5252",
    "warning_fg": "#ffb74d",
    "error_fg": "#ff8a80",
}


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour (0 black .. 1 white)."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 .. 21)."""
    la, lb = luminance(a), luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: QColor, b: QColor, share_b: float) -> QColor:
    """The opaque colour ``share_b`` of the way from ``a`` to ``b``."""
    s = min(1.0, max(0.0, share_b))
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * s,
        a.greenF() + (b.greenF() - a.greenF()) * s,
        a.blueF() + (b.blueF() - a.blueF()) * s,
    )


def readable(color: QColor, backgrounds: Iterable[QColor], ratio: float) -> QColor:
    """``color``, darkened or lightened just enough to reach ``ratio`` against every background.

    It moves away from the backgrounds' mean luminance (towards black on light backgrounds,
    towards white on dark ones), keeping the hue as long as it can.
    """
    bgs = list(backgrounds)
    if not bgs or min(contrast(color, bg) for bg in bgs) >= ratio:
        return QColor(color)
    darker = sum(luminance(bg) for bg in bgs) / len(bgs) > 0.18
    target = QColor(Qt.GlobalColor.black if darker else Qt.GlobalColor.white)
    for step in range(1, 21):
        candidate = mix(color, target, step / 20)
        if min(contrast(candidate, bg) for bg in bgs) >= ratio:
            return candidate
    other = QColor(Qt.GlobalColor.white if darker else Qt.GlobalColor.black)
    best = max((target, other), key=lambda c: min(contrast(c, bg) for bg in bgs))
    return best


def is_dark(palette: QPalette) -> bool:
    """Whether the palette shows light text on a dark base (a dark scheme)."""
    base = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    return luminance(base) < luminance(text)


@dataclass(frozen=True)
class Colors:
    """Every colour the views draw with, for one palette."""

    dark: bool
    unknown_bg: QColor
    unknown_fg: QColor
    not_billed_bg: QColor
    not_billed_fg: QColor
    label_fg: QColor
    """A code named by the site's own labels (italic)."""
    not_used_fg: QColor
    """A code documented as "not used" (muted)."""
    warning_fg: QColor
    """The details pane's "not normally billed" note."""
    error_fg: QColor
    """The details pane's "not in the vendor's tables" and conflict notes."""
    lane: QColor
    lane_shade: QColor
    """Every second timeline lane."""
    grid: QColor
    anomaly: QColor
    kinds: dict[StateKind, QColor] = field(default_factory=dict)

    def kind(self, kind: StateKind) -> QColor:
        """The timeline colour of a state kind."""
        return self.kinds[kind]


def _build(palette: QPalette) -> Colors:
    dark = is_dark(palette)
    chosen = _DARK if dark else _LIGHT
    kinds = _DARK_KINDS if dark else _LIGHT_KINDS
    group = QPalette.ColorGroup.Active
    base = palette.color(group, QPalette.ColorRole.Base)
    alt = palette.color(group, QPalette.ColorRole.AlternateBase)
    text = palette.color(group, QPalette.ColorRole.Text)
    lane_shade = mix(base, text, 0.05)
    lanes = (base, lane_shade)
    rows = (base, alt)

    def bg_fg(bg_key: str, fg_key: str) -> tuple[QColor, QColor]:
        bg = QColor(chosen[bg_key])
        return bg, readable(QColor(chosen[fg_key]), (bg,), TEXT_CONTRAST)

    unknown_bg, unknown_fg = bg_fg("unknown_bg", "unknown_fg")
    not_billed_bg, not_billed_fg = bg_fg("not_billed_bg", "not_billed_fg")
    return Colors(
        dark=dark,
        unknown_bg=unknown_bg,
        unknown_fg=unknown_fg,
        not_billed_bg=not_billed_bg,
        not_billed_fg=not_billed_fg,
        label_fg=readable(QColor(chosen["label_fg"]), rows, TEXT_CONTRAST),
        not_used_fg=readable(QColor(chosen["not_used_fg"]), rows, TEXT_CONTRAST),
        warning_fg=readable(QColor(chosen["warning_fg"]), (base,), TEXT_CONTRAST),
        error_fg=readable(QColor(chosen["error_fg"]), (base,), TEXT_CONTRAST),
        lane=base,
        lane_shade=lane_shade,
        grid=mix(base, text, 0.15),
        anomaly=readable(QColor(chosen["anomaly"]), lanes, GRAPHICS_CONTRAST),
        kinds={k: readable(QColor(c), lanes, GRAPHICS_CONTRAST) for k, c in kinds.items()},
    )


_cache: dict[int, Colors] = {}


def colors(palette: QPalette | None = None) -> Colors:
    """The colours for ``palette`` (default: the application's), cached per palette."""
    pal = palette if palette is not None else QGuiApplication.palette()
    key = int(pal.cacheKey())
    found = _cache.get(key)
    if found is None:
        if len(_cache) > 16:
            _cache.clear()
        found = _cache[key] = _build(pal)
    return found


class SchemeWatcher(QObject):
    """Calls ``on_change`` when the OS colour scheme changes (Qt 6.5+ ``colorSchemeChanged``).

    The platform then usually restyles the application palette too (each widget gets a
    ``PaletteChange`` event); the callback makes sure the views repaint either way.
    """

    def __init__(self, on_change: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_change = on_change
        hints = QGuiApplication.styleHints()
        if hints is not None and hasattr(hints, "colorSchemeChanged"):
            hints.colorSchemeChanged.connect(self._changed)

    def _changed(self, _scheme: object) -> None:
        _cache.clear()
        self._on_change()
