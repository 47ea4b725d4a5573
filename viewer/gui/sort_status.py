"""The status bar's word on a sort without index: "Sorting 5,000,000 bills by Phone/IP…".

Only the columns of ``viewer.core.columns.FAST_SORT_KEYS`` have an index to page by; a sort by
any other column makes the database read and sort every matching bill before the first row
(seconds at millions of bills), then the table reads the order. Meanwhile this widget says what
is happening, for how long, and how far the order has been read, with a Cancel that returns to
the previous sort. It is hidden when no such sort runs.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget


class SortStatus(QWidget):
    """Label, progress bar and Cancel for a running sort (``BillTableModel.sort_status``)."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(120)
        self.bar.setTextVisible(False)
        self.cancel = QToolButton()
        self.cancel.setText(self.tr("Cancel"))
        self.cancel.setToolTip(self.tr("Stop this sort and go back to the previous one"))
        self.cancel.clicked.connect(self.cancel_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel)
        self._title = ""
        self._read = -1
        self._bills = 0
        self._started = 0.0
        self._clock = QTimer(self)
        self._clock.setInterval(1000)
        self._clock.timeout.connect(self._show)
        self.hide()

    def show_status(self, title: str, read: int, bills: int) -> None:
        """A sort by ``title`` runs: ``read`` keys of ``bills`` read (-1 while the database sorts).

        ``bills`` -1: the bills matching a filter (not counted yet). An empty title: none runs;
        the widget hides.
        """
        if not title:
            self._title = ""
            self._clock.stop()
            self.hide()
            return
        if title != self._title or not self.isVisible():
            self._started = time.monotonic()
            self._clock.start()
        self._title, self._read, self._bills = title, read, bills
        self._show()
        self.show()

    def text(self) -> str:
        """What the label says (also for the tests)."""
        return self.label.text()

    def _show(self) -> None:
        seconds = int(time.monotonic() - self._started)
        if self._bills >= 0:
            bills = self.tr("{n} bills").format(n=f"{self._bills:,}")
        else:
            bills = self.tr("the matching bills")
        head = self.tr("Sorting {bills} by {column}…").format(bills=bills, column=self._title)
        if self._read < 0:
            self.bar.setRange(0, 0)  # busy: the database gives no progress while it sorts
            self.label.setText(
                self.tr("{head} (no index on this column; {seconds} s)").format(
                    head=head, seconds=seconds
                )
            )
            return
        if self._bills > 0:
            self.bar.setRange(0, self._bills)
            self.bar.setValue(min(self._read, self._bills))
        self.label.setText(
            self.tr("{head} reading the order, {read} so far ({seconds} s)").format(
                head=head, read=f"{self._read:,}", seconds=seconds
            )
        )
