"""What every controller of the main window shares: the window it serves, how it makes actions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow


def make_action(
    parent: QObject, text: str, slot: Any, shortcut: Any = None, tip: str = ""
) -> QAction:
    """A menu/toolbar action calling ``slot``, with an optional shortcut and status tip."""
    action = QAction(text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    return action


class Controller(QObject):
    """One flow of the main window: its actions and slots, working on the window's widgets."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.win = window

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        """An action of the window (its parent, as the menus are the window's)."""
        return make_action(self.win, text, slot, shortcut, tip)
