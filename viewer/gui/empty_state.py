"""The table area while the database holds no bill: what to do, with buttons that do it."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from viewer.core.i18n import QT_TRANSLATE_NOOP


def demo_command() -> tuple[str, list[str]]:
    """The program and arguments that open the demo in a new window (a throwaway database)."""
    if getattr(sys, "frozen", False):  # a PyInstaller bundle: the executable is the viewer
        return sys.executable, ["--demo"]
    return sys.executable, ["-m", "viewer", "--demo"]


TITLE = QT_TRANSLATE_NOOP("EmptyState", "<h2>No bills yet</h2>")
IMPORTING_TITLE = QT_TRANSLATE_NOOP("EmptyState", "<h2>Importing…</h2>")
IMPORTING_TEXT = QT_TRANSLATE_NOOP(
    "EmptyState", "The bills appear here as soon as the import ends."
)
IMPORT_TEXT = QT_TRANSLATE_NOOP(
    "EmptyState",
    "Open the agent operation bill exports of your contact center (CSV files, zips or "
    "a folder of them), or drop them on this window. They are imported into this "
    "database once; every later start shows them at once.",
)
READ_ONLY_TEXT = QT_TRANSLATE_NOOP(
    "EmptyState",
    "This database is open read-only, so nothing can be imported into it. Open a database "
    "that holds bills, or one you may write to (File ▸ New database), or try the demo.",
)


class EmptyState(QWidget):
    """No bills yet: open exports, open a folder, open a database, or try the demo."""

    open_exports = Signal()
    open_folder = Signal()
    open_database = Signal()
    open_demo = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel(self.tr(TITLE))
        self.title = title
        text = QLabel(self.tr(IMPORT_TEXT))
        text.setWordWrap(True)
        self.text = text
        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()  # two by two: narrow enough for 1366 pixels at scale 2
        for n, (key, label, tip, signal) in enumerate(
            (
                (
                    "exports",
                    self.tr("&Open exports…"),
                    self.tr("Import CSV files or zips of exports"),
                    self.open_exports,
                ),
                (
                    "folder",
                    self.tr("Open export fo&lder…"),
                    self.tr("Import every export in a folder"),
                    self.open_folder,
                ),
                (
                    "database",
                    self.tr("Open &database…"),
                    self.tr("Show a bill database imported earlier"),
                    self.open_database,
                ),
                (
                    "demo",
                    self.tr("Try the de&mo"),
                    self.tr(
                        "Open a window on sample bills (a throwaway database; this one stays empty)"
                    ),
                    self.open_demo,
                ),
            )
        ):
            button = QPushButton(label)
            button.setToolTip(tip)
            button.clicked.connect(signal.emit)
            grid.addWidget(button, n // 2, n % 2)
            self.buttons[key] = button
        row = QHBoxLayout()
        row.addStretch(1)
        row.addLayout(grid)
        row.addStretch(1)
        self.buttons["exports"].setDefault(True)
        box = QWidget()  # a column of readable width, centred
        box.setMaximumWidth(620)
        inner = QVBoxLayout(box)
        for w in (title, text):
            w.setAlignment(Qt.AlignmentFlag.AlignCenter)
            inner.addWidget(w)
        inner.addLayout(row)
        middle = QHBoxLayout()
        middle.addStretch(1)
        middle.addWidget(box, 100)
        middle.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addStretch(1)
        lay.addLayout(middle)
        lay.addStretch(2)

    def set_state(self, *, readonly: bool, importing: bool) -> None:
        """Say what can be done now: a read-only database takes no import; one is running."""
        if importing:
            self.title.setText(self.tr(IMPORTING_TITLE))
            self.text.setText(self.tr(IMPORTING_TEXT))
        else:
            self.title.setText(self.tr(TITLE))
            self.text.setText(self.tr(READ_ONLY_TEXT if readonly else IMPORT_TEXT))
        for key in ("exports", "folder"):
            self.buttons[key].setEnabled(not readonly and not importing)
        self.buttons["exports"].setDefault(not readonly)
        self.buttons["database"].setDefault(readonly)
