"""Layout: first size and docks, fitting a restored window on screen, settings, columns shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QDockWidget, QMenu

from viewer.gui.controllers.base import Controller

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow

FIRST_SIZE = QSize(1500, 900)
NARROW_SCREEN = 1100
"""Below this available width (device-independent pixels) the details dock shares a column."""


class LayoutController(Controller):
    """Sizes and places the window and its docks, saves and restores them, shows/hides columns."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._refit_when_shown = False
        self._dock_sizes: tuple[list[QDockWidget], list[int]] | None = None

    def shown(self) -> None:
        """The window was shown: finish what needs its frame (refit, dock widths)."""
        if self._refit_when_shown:
            self._refit_when_shown = False
            QTimer.singleShot(0, self.win, self._fit_on_screen)
        if self._dock_sizes is not None:
            QTimer.singleShot(0, self.win, self._size_docks)

    def restore_settings(self) -> None:
        """The saved geometry, docks and columns, else a first size and layout for this screen."""
        s = self.win._settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.win.restoreGeometry(geometry):
            self._fit_on_screen()
            self._refit_when_shown = True  # the frame's size is known once shown
        else:
            self._first_size()
        state = s.value("window/state")
        if not (isinstance(state, QByteArray) and self.win.restoreState(state)):
            self._first_layout()
        header = s.value("table/header")
        if isinstance(header, QByteArray):
            self.win.table.horizontalHeader().restoreState(header)
            self.win.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self.win.databases.remember_db(self.win._db.path)

    def _available(self) -> QRect:
        """The available area of the screen the window is (mostly) on, else the primary one."""
        screen = QGuiApplication.screenAt(self.win.geometry().center()) or self.win.screen()
        screen = screen or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)

    def _first_size(self) -> None:
        """No saved layout: 1500x900 centred where it fits, else maximised (1366x768, scale 2)."""
        area = self._available()
        if area.width() >= FIRST_SIZE.width() + 60 and area.height() >= FIRST_SIZE.height() + 60:
            self.win.resize(FIRST_SIZE)
            self.win.move(area.center() - self.win.rect().center())
            return
        # the normal size (after un-maximising) still fits the screen
        self.win.resize(int(area.width() * 0.9), int(area.height() * 0.9))
        self.win.move(area.topLeft())
        self.win.setWindowState(self.win.windowState() | Qt.WindowState.WindowMaximized)

    def _first_layout(self) -> None:
        """No saved layout: docks sized to their content and the screen.

        The filters get the width their widgets need (no sideways scrolling); on a narrow screen
        (1366 pixels at scale 2 leaves 683) the details share the filters' column as a tab, so
        that the table keeps room.
        """
        area = self._available()
        bar = self.win.filter_scroll.verticalScrollBar().sizeHint().width()
        filters = (
            self.win.filters.minimumSizeHint().width()
            + bar
            + 2 * self.win.filter_scroll.frameWidth()
        )
        if area.width() < NARROW_SCREEN:
            self.win.tabifyDockWidget(self.win.filter_dock, self.win.details_dock)
            self.win.filter_dock.raise_()
            self._dock_sizes = ([self.win.filter_dock], [min(filters, int(area.width() * 0.45))])
        else:
            details = max(220, min(360, area.width() // 6))
            self._dock_sizes = ([self.win.filter_dock, self.win.details_dock], [filters, details])

    def _size_docks(self) -> None:
        """Give the docks the widths ``_first_layout`` chose (resizeDocks needs a shown window)."""
        if self._dock_sizes is not None:
            docks, widths = self._dock_sizes
            self._dock_sizes = None
            self.win.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    def _fit_on_screen(self) -> None:
        """Bring a restored window that no longer fits (another screen, a scale) back on screen."""
        if self.win.windowState() & (
            Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen
        ):
            return
        area = self._available()
        geo, frame = self.win.geometry(), self.win.frameGeometry()  # frame = geo until first shown
        extra_w, extra_h = frame.width() - geo.width(), frame.height() - geo.height()
        width = min(frame.width(), area.width())
        height = min(frame.height(), area.height())
        x = min(max(frame.x(), area.left()), area.left() + area.width() - width)
        y = min(max(frame.y(), area.top()), area.top() + area.height() - height)
        if (x, y, width, height) != (frame.x(), frame.y(), frame.width(), frame.height()):
            self.win.resize(width - extra_w, height - extra_h)
            self.win.move(x, y)  # move() places the frame

    def save_settings(self) -> None:
        """Save the geometry, docks and columns (not for a transient window)."""
        if self.win.transient:
            return
        s = self.win._settings
        s.setValue("window/geometry", self.win.saveGeometry())
        s.setValue("window/state", self.win.saveState())
        s.setValue("table/header", self.win.table.horizontalHeader().saveState())
        s.sync()

    def fill_column_menu(self, menu: QMenu) -> None:
        """One checkable entry per column: shown or hidden."""
        menu.clear()
        for i, col in enumerate(self.win.model.columns):
            act = menu.addAction(col.title)
            act.setCheckable(True)
            act.setChecked(not self.win.table.isColumnHidden(i))
            act.toggled.connect(lambda on, i=i: self.win.table.setColumnHidden(i, not on))

    def header_menu(self, pos: QPoint) -> None:
        """The columns menu at ``pos`` on the table's header."""
        menu = QMenu(self.win)
        self.fill_column_menu(menu)
        menu.exec(self.win.table.horizontalHeader().mapToGlobal(pos))
