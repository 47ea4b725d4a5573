"""The installed PySide6 keeps the reference counts of None and True (the dependency pin's guard).

PySide6 6.12.0 on Python 3.11 drops one reference to ``None`` per call of a Qt method returning
void and one to ``True`` per ``Signal.emit()``; a session of painting then aborts the interpreter
("none_dealloc: deallocating None"). pyproject excludes that version, and no other release from
6.6 on does it, so the application carries no workaround: this test fails if a version the pin
lets in brings the fault back. From Python 3.12 on, None and True are immortal and it cannot fail.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest
from PySide6.QtCore import QObject, QRect, Signal
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QWidget

pytestmark = [
    pytest.mark.gui,
    pytest.mark.skipif(
        sys.version_info >= (3, 12), reason="None and True are immortal from Python 3.12 on"
    ),
]

CALLS = 200


class _Emitter(QObject):
    changed = Signal(int)


def _lost(obj: object, call: Callable[[], object]) -> int:
    """References to ``obj`` lost over ``CALLS`` calls of ``call``."""
    call()
    before = sys.getrefcount(obj)
    for _ in range(CALLS):
        call()
    return before - sys.getrefcount(obj)


def test_void_qt_calls_keep_none_referenced(qtbot) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    image = QImage(40, 40, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    rect = QRect(1, 1, 10, 10)
    try:
        # A faulty binding loses one per call; allow for noise from anything else running.
        assert _lost(None, lambda: painter.drawRect(rect)) < CALLS // 2
        assert _lost(None, widget.update) < CALLS // 2
    finally:
        painter.end()


def test_signal_emit_keeps_true_referenced(qtbot) -> None:
    emitter = _Emitter()
    received: list[int] = []
    emitter.changed.connect(received.append)
    assert _lost(True, lambda: emitter.changed.emit(1)) < CALLS // 2
    assert len(received) == CALLS + 1
