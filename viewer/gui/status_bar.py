"""A status bar whose texts never run into each other in a narrow window.

QStatusBar draws a message up to the first permanent label and cuts it there mid-word, so
"Imported 11,795 bills from 1 file(s)." beside "11,795 of 11,795 bills" read as one sentence at
1366 pixels. Here the message is a label that takes the free width and ends in "…" when it does
not fit (the whole text in its tooltip), and the permanent labels elide too.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QStatusBar, QWidget

MIN_ELASTIC = 60


class ElidedLabel(QLabel):
    """A one-line label that shows "…" instead of overflowing; the full text is its tooltip."""

    def __init__(self, mode: Qt.TextElideMode = Qt.TextElideMode.ElideRight) -> None:
        super().__init__()
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def full_text(self) -> str:
        """The text as set (not elided)."""
        return self._full

    def set_full_text(self, text: str) -> None:
        """Show ``text``, elided to the label's width."""
        self._full = text
        self.setToolTip(text)
        self.updateGeometry()
        self._elide()

    def sizeHint(self) -> QSize:
        """Room for the whole text (a layout may give less: then it is elided)."""
        hint = super().sizeHint()
        margins = self.contentsMargins()
        width = self.fontMetrics().horizontalAdvance(self._full) + margins.left() + margins.right()
        return QSize(min(width + 4, self.maximumWidth()), hint.height())

    def minimumSizeHint(self) -> QSize:
        """As narrow as "…": eliding, not overflowing, is how the label fits."""
        width = self.fontMetrics().horizontalAdvance("…") + 4
        return QSize(width, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(0, self.contentsRect().width())
        self.setText(self.fontMetrics().elidedText(self._full, self._mode, width))


class StatusBar(QStatusBar):
    """``showMessage`` shows an elided label; permanent texts keep their own room."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._label = ElidedLabel()
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.clearMessage)
        self._elastic: list[tuple[QLabel, float]] = []
        self.addWidget(self._label, 1)

    def add_permanent(self, label: QLabel, share: float = 0.0) -> None:
        """A permanent text after a separator line; an elided label gets ``share`` of the width."""
        line = QFrame()
        line.setFrameShape(QFrame.Shape.VLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        self.addPermanentWidget(line)
        if share:
            self._elastic.append((label, share))
            label.setMaximumWidth(max(MIN_ELASTIC, int(self.width() * share)))
        self.addPermanentWidget(label)

    def resizeEvent(self, event: QResizeEvent) -> None:
        for label, share in self._elastic:
            label.setMaximumWidth(max(MIN_ELASTIC, int(event.size().width() * share)))
        super().resizeEvent(event)

    def showMessage(self, text: str, timeout: int = 0) -> None:  # noqa: D102 - Qt's meaning
        self._label.set_full_text(text)
        self.messageChanged.emit(text)
        if timeout > 0:
            self._timer.start(timeout)
        else:
            self._timer.stop()

    def clearMessage(self) -> None:  # noqa: D102 - Qt's meaning
        self._timer.stop()
        if self._label.full_text():
            self._label.set_full_text("")
            self.messageChanged.emit("")

    def currentMessage(self) -> str:  # noqa: D102 - Qt's meaning
        return self._label.full_text()

    def message_label(self) -> ElidedLabel:
        """The label showing the message (tests and screenshots look at what it shows)."""
        return self._label
