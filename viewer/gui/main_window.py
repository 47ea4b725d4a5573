"""The main window: menus, the bill table, filters, details, import and export. Holds no SQL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QModelIndex,
    QPoint,
    QProcess,
    QRect,
    QSettings,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QDockWidget,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from viewer.core import codes
from viewer.core.columns import ALL_COLUMNS, CODE, DEFAULT_KEYS, IDX
from viewer.core.errors import KnownError
from viewer.core.filters import BillFilter
from viewer.core.paths import xlsx_target
from viewer.core.records import TIME_LABEL, ImportReport, ImportStatus
from viewer.core.resources import icon_path
from viewer.core.tasks import PhasedProgress
from viewer.data import browse
from viewer.data.db import Database, friendly_db_error
from viewer.data.importer import import_paths
from viewer.data.zone import data_time_label, data_time_zone, set_data_time_zone
from viewer.gui.bill_model import BillTableModel
from viewer.gui.bill_table import BillTableView
from viewer.gui.dialogs import (
    ExportDoneDialog,
    ImportReportDialog,
    Opener,
    SiteLabelsDialog,
    about_text,
    run_with_progress,
    show_failure,
)
from viewer.gui.empty_state import EmptyState, demo_command
from viewer.gui.filter_panel import FilterPanel
from viewer.gui.investigation import InvestigationPanel
from viewer.gui.opening import open_for_window
from viewer.gui.palette import colors
from viewer.gui.status_bar import ElidedLabel, StatusBar
from viewer.gui.workers import BackgroundCall, Failure, TaskRunner
from viewer.services.export import EXPORT_PHASES, ExportService

log = logging.getLogger(__name__)
MAX_RECENT = 8
MAX_COPY_ROWS = 100_000
ROW_HEIGHT = 22
FIRST_SIZE = QSize(1500, 900)
NARROW_SCREEN = 1100
"""Below this available width (device-independent pixels) the details dock shares a column."""


def _first_focusable(container: QWidget) -> QWidget:
    """The first widget inside ``container`` that Tab would stop at (else the container)."""
    if container.focusPolicy() & Qt.FocusPolicy.TabFocus and container.isEnabled():
        return container
    widget = container.nextInFocusChain()
    while widget is not None and widget is not container:
        if (
            container.isAncestorOf(widget)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isVisibleTo(container)
            and widget.isEnabled()
        ):
            return widget
        widget = widget.nextInFocusChain()
    return container


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class MainWindow(QMainWindow):
    """The window a team lead opens."""

    import_finished = Signal(object)
    """An ``ImportReport`` (for tests and scripts)."""
    export_finished = Signal(object)

    database_switched = Signal(object)
    """The ``Path`` of the database now shown, or None when opening another one failed."""

    def __init__(
        self,
        db: Database,
        settings: QSettings | None = None,
        *,
        remember_db: bool = True,
        transient: bool = False,
    ) -> None:
        """Show ``db``.

        Args:
            db: The database to show.
            settings: Where layout and recent databases persist (the user's by default).
            remember_db: Add ``db`` to the recent databases (not for a throwaway demo).
            transient: Save no layout on close (smoke tests of the bundle).
        """
        super().__init__()
        self._db = db
        self._settings = settings or QSettings("agent-bill-viewer", "Agent Bill Viewer")
        self.transient = transient
        self._remember = remember_db
        self._runner: TaskRunner | None = None
        self._export_runner: TaskRunner | None = None
        self._opener = BackgroundCall(self)
        self._keep_pk: int | None = None
        self.quiet_reports = False
        """Report the next import (the start-up one) in the status bar only; later ones not."""
        self._quiet_import = False
        self.open_url: Opener = QDesktopServices.openUrl
        """What the export-finished dialog opens files and folders with (tests record)."""
        self.export_done_dialog: ExportDoneDialog | None = None
        self.last_report: ImportReport | None = None
        self._refit_when_shown = False
        self._dock_sizes: tuple[list[QDockWidget], list[int]] | None = None
        self.start_detached: Callable[[str, list[str]], Any] = QProcess.startDetached
        """Starts a program on its own (the demo window); tests put a recorder here."""
        self.setWindowTitle("Agent Bill Viewer")
        if icon_path().exists():
            self.setWindowIcon(QIcon(str(icon_path())))
        self.setAcceptDrops(True)

        self.model = BillTableModel(db, self)
        self.table = BillTableView()
        self.table.text_typed.connect(self._typed_in_table)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        hh = self.table.horizontalHeader()
        hh.setSectionsMovable(True)
        hh.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        hh.customContextMenuRequested.connect(self._header_menu)
        hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        hh.sortIndicatorChanged.connect(self._sort_changed)
        for i, col in enumerate(self.model.columns):
            self.table.setColumnHidden(i, col.key not in DEFAULT_KEYS)
            self.table.setColumnWidth(i, 160 if col.kind in (CODE, "time") else 110)

        self.sentence = QLabel()
        self.sentence.setWordWrap(True)
        self.sentence.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        central = QWidget()
        lay = QVBoxLayout(central)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.sentence)
        self.empty_state = EmptyState()
        self.table_stack = QStackedWidget()
        self.table_stack.addWidget(self.table)
        self.table_stack.addWidget(self.empty_state)
        lay.addWidget(self.table_stack, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(central, "Bills")
        self.setCentralWidget(self.tabs)

        self.filters = FilterPanel(db)
        self.filter_scroll = scroll = QScrollArea()
        scroll.setWidget(self.filters)
        scroll.setWidgetResizable(True)
        self.filter_dock = QDockWidget("Filters", self)
        self.filter_dock.setObjectName("filters")
        self.filter_dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.filter_dock)

        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details_dock = QDockWidget("Bill details", self)
        self.details_dock.setObjectName("details")
        self.details_dock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)

        self.investigation: InvestigationPanel | None = None
        self._investigated: BillFilter | None = None
        self._add_investigation()
        self.tabs.currentChanged.connect(self._tab_changed)

        self.status_db = ElidedLabel(Qt.TextElideMode.ElideMiddle)
        self.status_count = QLabel()
        self.status_tz = QLabel()
        sb = StatusBar(self)
        self.setStatusBar(sb)
        sb.add_permanent(self.status_count)
        sb.add_permanent(self.status_tz)
        sb.add_permanent(self.status_db, share=0.2)

        self._build_actions()
        self.empty_state.open_exports.connect(self.open_exports)
        self.empty_state.open_folder.connect(self.open_folder)
        self.empty_state.open_database.connect(self.open_db_dialog)
        self.empty_state.open_demo.connect(self.open_demo)
        self.filters.filter_changed.connect(self._apply_filter)
        self.filters.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self._connect_model()
        self._restore_settings()
        self._show_db()
        self._show_time_label()
        self.filters.set_labels(self.model.labels)
        self.filters.reload()
        self.model.set_filter(self.filters.current_filter())
        self._update_sentence(self.model.bill_filter)

    # -- construction --------------------------------------------------------------------

    def _connect_model(self) -> None:
        m = self.model
        m.counts_changed.connect(self._counts)
        m.failed.connect(self._model_failed)
        m.loading_changed.connect(self._loading)
        m.modelAboutToBeReset.connect(self._remember_current)
        m.snapshot_ready.connect(self._restore_current)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)

    def _add_investigation(self) -> None:
        self.investigation = InvestigationPanel(self._db)
        self.tabs.addTab(self.investigation, "Investigation")
        self.investigation.bills_selected.connect(self.show_bills)
        self.investigation.selected_begin = self._selected_begin

    def _selected_begin(self) -> int | None:
        """The selected bill's begin (the investigation's default moment), or None."""
        row = self.model.row_tuple(self.table.currentIndex().row())
        return None if row is None else int(row[IDX["begin_time"]])

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        std = QKeySequence.StandardKey
        self.act_open = self._action(
            "&Open exports…", self.open_exports, std.Open, "Import CSV files or zips of exports"
        )
        self.act_open_folder = self._action(
            "Open export &folder…",
            self.open_folder,
            "Ctrl+Shift+F",
            "Import every export in a folder",
        )
        self.act_open_db = self._action("Open &database…", self.open_db_dialog, "Ctrl+Shift+O")
        self.act_new_db = self._action("&New database…", self.new_db_dialog, std.New)
        self.act_export = self._action(
            "&Export to Excel…",
            self.export_dialog,
            "Ctrl+E",
            "Export the bills shown, as shown, to an .xlsx workbook",
        )
        self.act_quit = self._action("&Quit", self.close, std.Quit)
        self.act_copy = self._action(
            "&Copy rows", self.copy_rows, std.Copy, "Copy the selected rows as tab-separated text"
        )
        self.act_clear = self._action("C&lear filters", self.filters.clear, "Ctrl+Shift+L")
        self.act_refresh = self._action(
            "&Refresh",
            self.refresh_data,
            std.Refresh,
            "Read the database again (bills imported by another window or program)",
        )
        self.act_labels = self._action("&Site labels…", self.labels_dialog, "Ctrl+L")
        self.act_zone = self._action(
            "Time &zone of the data…",
            self.time_zone_dialog,
            tip="Name the tenant's time zone: shown beside every time and in every export",
        )
        self.act_about = self._action("&About", self.about)
        self.act_moment = self._action(
            "State of all agents at this &bill",
            self.moment_at_selection,
            "Ctrl+T",
            "Show every agent's state at the selected bill's begin time",
        )
        self.act_last = self._action("Go to las&t row", self.go_last, "Ctrl+End")
        self.act_first = self._action("Go to &first row", self.go_first, "Ctrl+Home")
        self.act_find = self._action(
            "&Find (text filter)",
            self.focus_text_filter,
            std.Find,
            "Type text to show only the bills containing it (searched in the database)",
        )
        self.act_go_agents = self._action(
            "&Agents filter", lambda: self._reveal_filter(self.filters.focus_agents()), "Alt+1"
        )
        self.act_go_types = self._action(
            "&Operation types filter",
            lambda: self._reveal_filter(self.filters.focus_op_types()),
            "Alt+2",
        )
        self.act_go_time = self._action(
            "T&ime filter", lambda: self._reveal_filter(self.filters.focus_time()), "Alt+3"
        )
        self.act_go_table = self._action("Bill &table", self.focus_table, "Alt+0")
        self.act_next_pane = self._action(
            "&Next pane", lambda: self.cycle_pane(1), "F6", "Filters, table, details in turn"
        )
        self.act_prev_pane = self._action("&Previous pane", lambda: self.cycle_pane(-1), "Shift+F6")
        self.act_sort_asc = self._action(
            "Sort &ascending by this column",
            lambda: self.sort_current_column(Qt.SortOrder.AscendingOrder),
        )
        self.act_sort_desc = self._action(
            "Sort &descending by this column",
            lambda: self.sort_current_column(Qt.SortOrder.DescendingOrder),
        )
        self.act_demo = self._action(
            "Open the &demo in a new window",
            self.open_demo,
            tip="Sample bills in a throwaway database, in a second window",
        )
        self.filter_dock.toggleViewAction().setText("F&ilters pane")
        self.details_dock.toggleViewAction().setText("Bill detail&s pane")
        self.recent_menu = QMenu("&Recent databases", self)

        mb = self.menuBar()
        m = mb.addMenu("&File")
        for a in (self.act_open, self.act_open_folder):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_open_db)
        m.addAction(self.act_new_db)
        m.addMenu(self.recent_menu)
        m.addSeparator()
        m.addAction(self.act_export)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu("&Edit")
        m.addAction(self.act_copy)
        m.addAction(self.act_find)
        m = mb.addMenu("&View")
        m.addAction(self.act_refresh)
        m.addAction(self.act_clear)
        m.addAction(self.act_first)
        m.addAction(self.act_last)
        m.addAction(self.act_sort_asc)
        m.addAction(self.act_sort_desc)
        go = m.addMenu("&Go to")
        for a in (
            self.act_go_table,
            self.act_go_agents,
            self.act_go_types,
            self.act_go_time,
            self.act_next_pane,
            self.act_prev_pane,
        ):
            go.addAction(a)
        m.addAction(self.filter_dock.toggleViewAction())
        m.addAction(self.details_dock.toggleViewAction())
        cols = m.addMenu("&Columns")
        cols.aboutToShow.connect(lambda: self._fill_column_menu(cols))
        m = mb.addMenu("&Tools")
        m.addAction(self.act_moment)
        m.addAction(self.act_labels)
        m.addAction(self.act_zone)
        m = mb.addMenu("&Help")
        m.addAction(self.act_demo)
        m.addAction(self.act_about)

        tb = self.addToolBar("Main")
        tb.setObjectName("main-toolbar")
        for a in (
            self.act_open,
            self.act_open_db,
            self.act_export,
            self.act_clear,
            self.act_labels,
        ):
            tb.addAction(a)

    # -- settings ------------------------------------------------------------------------

    def _restore_settings(self) -> None:
        s = self._settings
        geometry = s.value("window/geometry")
        if isinstance(geometry, QByteArray) and self.restoreGeometry(geometry):
            self._fit_on_screen()
            self._refit_when_shown = True  # the frame's size is known once shown
        else:
            self._first_size()
        state = s.value("window/state")
        if not (isinstance(state, QByteArray) and self.restoreState(state)):
            self._first_layout()
        header = s.value("table/header")
        if isinstance(header, QByteArray):
            self.table.horizontalHeader().restoreState(header)
            self.table.horizontalHeader().setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        self._remember_db(self._db.path)

    def _available(self) -> QRect:
        """The available area of the screen the window is (mostly) on, else the primary one."""
        screen = QGuiApplication.screenAt(self.geometry().center()) or self.screen()
        screen = screen or QGuiApplication.primaryScreen()
        return screen.availableGeometry() if screen is not None else QRect(0, 0, 1024, 768)

    def _first_size(self) -> None:
        """No saved layout: 1500x900 centred where it fits, else maximised (1366x768, scale 2)."""
        area = self._available()
        if area.width() >= FIRST_SIZE.width() + 60 and area.height() >= FIRST_SIZE.height() + 60:
            self.resize(FIRST_SIZE)
            self.move(area.center() - self.rect().center())
            return
        # the normal size (after un-maximising) still fits the screen
        self.resize(int(area.width() * 0.9), int(area.height() * 0.9))
        self.move(area.topLeft())
        self.setWindowState(self.windowState() | Qt.WindowState.WindowMaximized)

    def _first_layout(self) -> None:
        """No saved layout: docks sized to their content and the screen.

        The filters get the width their widgets need (no sideways scrolling); on a narrow screen
        (1366 pixels at scale 2 leaves 683) the details share the filters' column as a tab, so
        that the table keeps room.
        """
        area = self._available()
        bar = self.filter_scroll.verticalScrollBar().sizeHint().width()
        filters = self.filters.minimumSizeHint().width() + bar + 2 * self.filter_scroll.frameWidth()
        if area.width() < NARROW_SCREEN:
            self.tabifyDockWidget(self.filter_dock, self.details_dock)
            self.filter_dock.raise_()
            self._dock_sizes = ([self.filter_dock], [min(filters, int(area.width() * 0.45))])
        else:
            details = max(220, min(360, area.width() // 6))
            self._dock_sizes = ([self.filter_dock, self.details_dock], [filters, details])

    def _size_docks(self) -> None:
        """Give the docks the widths ``_first_layout`` chose (resizeDocks needs a shown window)."""
        if self._dock_sizes is not None:
            docks, widths = self._dock_sizes
            self._dock_sizes = None
            self.resizeDocks(docks, widths, Qt.Orientation.Horizontal)

    def _fit_on_screen(self) -> None:
        """Bring a restored window that no longer fits (another screen, a scale) back on screen."""
        if self.windowState() & (Qt.WindowState.WindowMaximized | Qt.WindowState.WindowFullScreen):
            return
        area = self._available()
        geo, frame = self.geometry(), self.frameGeometry()  # frame = geo until first shown
        extra_w, extra_h = frame.width() - geo.width(), frame.height() - geo.height()
        width = min(frame.width(), area.width())
        height = min(frame.height(), area.height())
        x = min(max(frame.x(), area.left()), area.left() + area.width() - width)
        y = min(max(frame.y(), area.top()), area.top() + area.height() - height)
        if (x, y, width, height) != (frame.x(), frame.y(), frame.width(), frame.height()):
            self.resize(width - extra_w, height - extra_h)
            self.move(x, y)  # move() places the frame

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_databases():
            self.recent_menu.addAction(
                p.replace("&", "&&"), lambda p=p: self.switch_database(Path(p), create=False)
            )
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def _save_settings(self) -> None:
        if self.transient:
            return
        s = self._settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.setValue("table/header", self.table.horizontalHeader().saveState())
        s.sync()

    def recent_databases(self) -> list[str]:
        """Recently opened databases (absolute paths of existing files), newest first.

        Entries stored as typed by earlier versions (relative to a folder nobody knows now)
        are left out.
        """
        value = self._settings.value("recent/databases", [])
        if isinstance(value, str):
            value = [value]
        paths = [Path(str(v)) for v in (value or [])]
        return [str(p) for p in paths if p.is_absolute() and p.exists()]

    def _remember_db(self, path: Path) -> None:
        if self._remember and not self.transient:
            here = str(Path(path).expanduser().resolve())
            recent = [p for p in self.recent_databases() if p != here]
            recent.insert(0, here)
            self._settings.setValue("recent/databases", recent[:MAX_RECENT])
        self._fill_recent_menu()

    # -- columns -------------------------------------------------------------------------

    def visible_column_keys(self) -> list[str]:
        """Keys of the visible columns in their on-screen order (what an export writes)."""
        hh = self.table.horizontalHeader()
        order = sorted(
            (hh.visualIndex(i), i)
            for i in range(self.model.columnCount())
            if not self.table.isColumnHidden(i)
        )
        return [self.model.columns[i].key for _v, i in order]

    def _fill_column_menu(self, menu: QMenu) -> None:
        menu.clear()
        for i, col in enumerate(self.model.columns):
            act = menu.addAction(col.title)
            act.setCheckable(True)
            act.setChecked(not self.table.isColumnHidden(i))
            act.toggled.connect(lambda on, i=i: self.table.setColumnHidden(i, not on))

    def _header_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        self._fill_column_menu(menu)
        menu.exec(self.table.horizontalHeader().mapToGlobal(pos))

    # -- filtering -----------------------------------------------------------------------

    def _sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        key, descending = self.model.columns[section].key, order == Qt.SortOrder.DescendingOrder
        self.filters.set_sort(key, descending)
        # the sentence says the sort the table shows, whichever way it changed
        self._update_sentence(replace(self.model.bill_filter, sort=key, descending=descending))

    def _apply_filter(self, f: BillFilter) -> None:
        f = replace(
            f, sort=self.model.bill_filter.sort, descending=self.model.bill_filter.descending
        )
        self.model.set_filter(f)
        self._update_sentence(f)
        self._investigate()

    def _tab_changed(self, _index: int) -> None:
        self._investigate()

    def _investigate(self, force: bool = False) -> None:
        """Show the investigation of the filter when its tab is open.

        Its scope is the filter without the bills of a drill-down: picking the bills of one bar
        must not shrink the timeline to that agent.
        """
        if self.investigation is None or self.tabs.currentWidget() is not self.investigation:
            return
        scope = replace(self.model.bill_filter, ids=())
        if force or scope != self._investigated:
            self._investigated = scope
            self.investigation.set_filter(scope, self.model.labels)

    def _update_sentence(self, f: BillFilter) -> None:
        self.sentence.setText(self.filters.describe(f))

    def show_bills(self, pks: Any) -> None:
        """Show exactly these bills in the table (drill-down from the investigation views).

        The sentence above the table says "N selected bills" and Clear filters lifts it; the
        first of them is selected so the details pane shows it.
        """
        keys = tuple(int(p) for p in pks)
        self.filters.show_bills(keys)
        self._keep_pk = keys[0] if keys else None
        self.tabs.setCurrentIndex(0)

    def _counts(self, shown: int, total: int) -> None:
        shown_text = "counting…" if shown < 0 else f"{shown:,}"
        self.status_count.setText(f"{shown_text} of {total:,} bills")
        self._show_empty_state(total == 0)

    def _show_empty_state(self, empty: bool) -> None:
        """No bill in the database: say what to do instead of an empty table and made-up times."""
        had_focus = self.table.hasFocus()
        self.table_stack.setCurrentWidget(self.empty_state if empty else self.table)
        self.sentence.setVisible(not empty)
        self.filters.show_no_data(empty)
        if not empty and had_focus:
            self.table.setFocus()

    def _loading(self, loading: bool) -> None:
        if loading:
            self.status_count.setText(self.status_count.text().split(" of ")[0] + " …")

    def refresh_data(self) -> None:
        """Read the database again: rows, counts, lists and the investigation."""
        self.model.refresh()
        self.filters.reload()
        self._investigate(force=True)

    def _model_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"Database problem: {message}", 15000)

    def _show_db(self) -> None:
        self.status_db.set_full_text(str(self._db.path))
        self.setWindowTitle(f"Agent Bill Viewer — {self._db.path.name}")
        self._show_access()

    def _show_access(self) -> None:
        """A read-only database says so in the title, and what writes is disabled.

        Browsing, filtering and export work; import, drop, site labels, time zone and saving or
        deleting saved filters do not.
        """
        readonly = self._db.readonly
        if readonly:
            self.setWindowTitle(f"{self.windowTitle()} (read-only)")
        importing = self._runner is not None and self._runner.running
        for act in (*self._import_actions(), self.act_labels, self.act_zone):
            act.setToolTip("The database is open read-only" if readonly else "")
            act.setEnabled(not readonly)
        if importing:
            for act in self._import_actions():
                act.setEnabled(False)
        self.filters.set_read_only(readonly)
        self.empty_state.set_state(readonly=readonly, importing=importing)

    def _import_actions(self) -> tuple[QAction, ...]:
        return (self.act_open, self.act_open_folder)

    def _read_only_line(self) -> str:
        return (
            f"{self._db.path.name} is open read-only: nothing can be imported into it. "
            "Open a database you may write to (File ▸ Open database) to import."
        )

    # -- keyboard ------------------------------------------------------------------------

    def _typed_in_table(self, text: str) -> None:
        """Text typed in the table goes to the text filter (a database query), never a row walk."""
        self._reveal_filter(self.filters.focus_text(append=text))

    def focus_text_filter(self) -> None:
        """Ctrl+F: the text filter, focused with its text selected."""
        self._reveal_filter(self.filters.focus_text())

    def _reveal_filter(self, widget: QWidget) -> None:
        """Show the filter pane and scroll it to ``widget`` (which has the focus)."""
        self.filter_dock.show()
        self.filter_dock.raise_()
        self.filter_scroll.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_table(self) -> None:
        """The bill table (or, with no bills, the first button of the empty state)."""
        self.tabs.setCurrentIndex(0)
        target = self.table_stack.currentWidget()
        _first_focusable(target).setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _panes(self) -> list[QWidget]:
        """The panes F6 visits, left to right: filters, the tab shown, details (when visible)."""
        central = self.tabs.currentWidget()
        if central is self.tabs.widget(0):
            central = self.table_stack.currentWidget()
        panes: list[QWidget] = []
        if self.filter_dock.isVisible():
            panes.append(self.filter_scroll)
        panes.append(central)
        if self.details_dock.isVisible():
            panes.append(self.details)
        return panes

    def cycle_pane(self, step: int) -> None:
        """F6 / Shift+F6: the focus to the next / previous pane (as in spreadsheets)."""
        panes = self._panes()
        focus = QApplication.focusWidget()
        current = next(
            (i for i, p in enumerate(panes) if focus is p or (focus and p.isAncestorOf(focus))),
            -1,
        )
        pane = panes[(current + step) % len(panes)] if current >= 0 else panes[0]
        target = _first_focusable(pane)
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if pane is self.filter_scroll:
            self.filter_scroll.ensureWidgetVisible(target)

    def sort_current_column(self, order: Qt.SortOrder) -> None:
        """Sort by the column of the current cell (the sorted column when there is none)."""
        index = self.table.currentIndex()
        header = self.table.horizontalHeader()
        column = index.column() if index.isValid() else header.sortIndicatorSection()
        self.table.sortByColumn(column, order)

    def open_demo(self) -> None:
        """Open the demo export in a new window on a throwaway database (this one stays as is)."""
        program, args = demo_command()
        result = self.start_detached(program, args)
        started = result[0] if isinstance(result, tuple) else bool(result)
        self.statusBar().showMessage(
            "Opening the demo in a new window…" if started else f"Could not start {program}.",
            8000,
        )

    # -- table ---------------------------------------------------------------------------

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_details(current.row() if current.isValid() else None)

    def _show_details(self, row_no: int | None) -> None:
        row = None if row_no is None else self.model.row_tuple(row_no)
        self.filters.set_selected_begin(None if row is None else row[IDX["begin_time"]])
        if row is not None and self.investigation is not None:
            self.investigation.follow_selected_bill()
        self.details.setHtml(self.details_html(row) if row is not None else "")

    def _remember_current(self) -> None:
        """Before the rows change, note the selected bill (a reset drops the selection).

        Only a selected one: Qt makes the first cell current when the table gets the focus,
        and keeping that bill would scroll a re-sorted table to wherever it lands.
        """
        if self._keep_pk is None:
            index = self.table.currentIndex()
            chosen = self.table.selectionModel()
            selected = index.isValid() and chosen.rowIntersectsSelection(index.row())
            self._keep_pk = self.model.pk_at(index.row()) if selected else None

    def _restore_current(self) -> None:
        """Select the noted bill again where the new rows hold it; else clear the details."""
        pk, self._keep_pk = self._keep_pk, None
        row = None if pk is None else self.model.row_of(pk)
        if row is None:
            self._show_details(None)
            return
        index = self.model.index(row, self.table.horizontalHeader().logicalIndex(0))
        self.table.setCurrentIndex(index)
        self.table.selectRow(row)
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)
        # The reset cleared the current index, so setCurrentIndex has shown the details.

    def details_html(self, row: tuple[Any, ...]) -> str:
        """The details pane: every field, each code explained, provenance and conflicts."""
        labels = self.model.labels
        tint = colors(self.details.palette())  # readable on the pane's light or dark base
        muted, error = tint.not_used_fg.name(), tint.error_fg.name()
        warning = tint.warning_fg.name()
        parts = ["<table cellspacing=2>"]
        for col in ALL_COLUMNS:
            if col.kind == CODE and col.explain is not None:
                exp = col.explain(row, labels)
                raw = col.raw(row)
                text = f"<b>{_esc(exp.text)}</b> <span style='color:{muted}'>(raw {_esc(raw)})"
                text += "</span>"
                if exp.generic and exp.generic != exp.text:
                    text += f"<br><i>{_esc(exp.generic)}</i>"
                if not exp.known:
                    text += f"<br><span style='color:{error}'>not in the vendor's tables</span>"
                if col.key == "op_type":
                    info = codes.op_type_info(codes.parse_code(raw))
                    if info is not None and not info.billed:
                        text += (
                            f"<br><span style='color:{warning}'>"
                            "documented as not normally billed</span>"
                        )
            else:
                text = _esc(self.model.display_text(col, row))
            parts.append(f"<tr><td valign=top><b>{_esc(col.title)}</b></td><td>{text}</td></tr>")
        parts.append("</table>")
        try:
            source, conflicts = browse.provenance(
                self._db, row[IDX["source_id"]], str(row[IDX["bill_id"]])
            )
        except Exception as exc:  # noqa: BLE001 - show what we can
            source, conflicts = None, []
            parts.append(f"<p>Provenance unavailable: {_esc(exc)}</p>")
        if source:
            parts.append(
                f"<p><b>Source</b>: {_esc(source['path'])}, line {row[IDX['line']]}<br>"
                f"SHA-256 {source['sha256']}<br>imported {source['imported_at']}</p>"
            )
        if row[IDX["extra"]]:
            parts.append(f"<p><b>Extra trailing columns</b>: {_esc(row[IDX['extra']])}</p>")
        if conflicts:
            parts.append(
                f"<p style='color:{error}'><b>{len(conflicts)} conflicting copy(ies) "
                "of this bill id were imported with other values:</b></p><ul>"
            )
            for c in conflicts:
                parts.append(
                    f"<li>{_esc(c['path'])} line {c['line']}: differs in "
                    f"{_esc(', '.join(c['differs']))}</li>"
                )
            parts.append("</ul>")
        return "".join(parts)

    def moment_at_selection(self) -> None:
        """Open the investigation at the selected bill's begin time."""
        row = self.model.row_tuple(self.table.currentIndex().row())
        if row is None or self.investigation is None:
            self.statusBar().showMessage("Select a bill first.", 5000)
            return
        self.tabs.setCurrentWidget(self.investigation)
        self.investigation.set_moment(int(row[IDX["begin_time"]]))

    def copy_rows(self) -> None:
        """Copy the selected rows (visible columns, on-screen order) with a header.

        At most ``MAX_COPY_ROWS``: more would read and hold the whole selection on the GUI
        thread; the Excel export is the way to take a large selection out.
        """
        selected = self.table.selectionModel().selection()
        n = sum(r.height() for r in selected)
        if not n:
            return
        if n > MAX_COPY_ROWS:
            QMessageBox.information(
                self,
                "Copy rows",
                f"{n:,} rows are selected; copying is limited to {MAX_COPY_ROWS:,}. "
                "Use File ▸ Export to Excel for more.",
            )
            return
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        keys = self.visible_column_keys()
        order = [next(i for i, c in enumerate(self.model.columns) if c.key == k) for k in keys]
        QGuiApplication.clipboard().setText(self.model.copy_text(rows, order))
        self.statusBar().showMessage(f"Copied {len(rows):,} row(s).", 4000)

    def go_last(self) -> None:
        """Select and show the last row."""
        n = self.model.rowCount()
        if n:
            self.table.selectRow(n - 1)
            self.table.scrollToBottom()

    def go_first(self) -> None:
        """Select and show the first row."""
        if self.model.rowCount():
            self.table.selectRow(0)
            self.table.scrollToTop()

    # -- import --------------------------------------------------------------------------

    def open_exports(self) -> None:
        """Choose export files or zips and import them."""
        files, _ = QFileDialog.getOpenFileNames(
            self, "Open exports", "", "Bill exports (*.zip *.csv *.txt);;All files (*)"
        )
        if files:
            self.import_paths([Path(f) for f in files])

    def open_folder(self) -> None:
        """Choose a folder and import every export in it."""
        folder = QFileDialog.getExistingDirectory(self, "Open export folder")
        if folder:
            self.import_paths([Path(folder)])

    def import_paths(self, paths: list[Path], force: bool = False) -> None:
        """Import in the background with progress and Cancel; the table stays usable.

        A read-only database refuses with one line in the status bar. ``quiet_reports``
        silences this import's report and failure (the start-up import) and is then reset.
        """
        if self._db.readonly:
            self.statusBar().showMessage(self._read_only_line(), 15000)
            return
        if self._runner is not None and self._runner.running:
            QMessageBox.information(self, "Import", "An import is already running.")
            return
        self._quiet_import, self.quiet_reports = self.quiet_reports, False
        db = self._db

        def work(progress: Any, cancel: Any) -> ImportReport:
            return import_paths(db, paths, force=force, progress=progress, cancel=cancel)

        runner = TaskRunner(work, self, "import")
        self._runner = runner
        for act in self._import_actions():
            act.setEnabled(False)
        self.empty_state.set_state(readonly=False, importing=True)
        self.progress_dialog = run_with_progress(self, runner, "Importing", "bytes")
        runner.finished.connect(self._import_done)
        runner.failed.connect(lambda msg: self._import_failed(runner.failure or Failure(msg)))
        runner.cancelled.connect(
            lambda: self.statusBar().showMessage("Import cancelled; nothing was imported.", 15000)
        )
        runner.done.connect(self._import_ended)
        runner.start()

    def _import_ended(self) -> None:
        for act in self._import_actions():
            act.setEnabled(not self._db.readonly)
        self.empty_state.set_state(readonly=self._db.readonly, importing=False)
        # Whatever the outcome, earlier files may have landed: show what the database holds.
        self.refresh_data()

    def _import_done(self, report: ImportReport) -> None:
        self.last_report = report
        self.import_finished.emit(report)
        imported = report.total("imported")
        already = sum(1 for f in report.files if f.status == ImportStatus.ALREADY_IMPORTED)
        cancelled = [f for f in report.files if f.status == ImportStatus.CANCELLED]
        msg = f"Imported {imported:,} bills from {len(report.files)} file(s)."
        if cancelled:
            msg = (
                f"Import cancelled: {cancelled[0].path} was rolled back; "
                f"{imported:,} bills from the files before it stay imported."
            )
        if already:
            msg += f" {already} file(s) had been imported already."
        refused = sum(
            1
            for f in report.files
            if f.status in (ImportStatus.NOT_A_BILL_EXPORT, ImportStatus.FAILED)
        )
        if refused:
            msg += f" {refused} file(s) could not be imported (see the import report)."
        self.statusBar().showMessage(msg, 15000)
        if not self._quiet_import:
            dialog = ImportReportDialog(report, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()

    def _import_failed(self, failure: Failure) -> None:
        self.statusBar().showMessage(failure.message, 15000)
        if failure.bug or not self._quiet_import:  # a bug is never kept quiet
            show_failure(self, "Import", failure)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths and self._db.readonly:
            event.ignore()
            self.statusBar().showMessage(self._read_only_line(), 15000)
        elif paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- databases -----------------------------------------------------------------------

    def open_db_dialog(self) -> None:
        """Open an existing bill database."""
        name, _ = QFileDialog.getOpenFileName(
            self, "Open database", "", "Bill databases (*.sqlite *.db);;All files (*)"
        )
        if name:
            self.switch_database(Path(name), create=False)

    def new_db_dialog(self) -> None:
        """Create a new, empty bill database (an existing file is never emptied)."""
        name, _ = QFileDialog.getSaveFileName(
            self,
            "New database",
            "bills.sqlite",
            "Bill databases (*.sqlite)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if not name:
            return
        path = Path(name)
        if path.suffix == "":
            path = path.with_name(path.name + ".sqlite")
        if path.exists():
            answer = QMessageBox.question(
                self,
                "New database",
                f"{path} already exists. Open it instead?\n\n"
                "(A new database needs a new file name; existing bills are never deleted.)",
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            self.switch_database(path, create=False)
            return
        self.switch_database(path)

    def switch_database(self, path: Path, create: bool = True) -> None:
        """Show another database, opened off the GUI thread (a locked file must not freeze).

        A problem is reported and the current database stays open; ``database_switched`` tells
        the outcome.
        """
        self.statusBar().showMessage(f"Opening {path}…")

        def opened(db: Database) -> None:
            self._adopt_database(db)
            self.database_switched.emit(db.path)

        def failed(failure: Failure) -> None:
            self.statusBar().showMessage(failure.message, 15000)
            show_failure(self, "Open database", failure)
            self.database_switched.emit(None)

        self._opener.run(
            lambda: open_for_window(path, create=create),
            opened,
            on_failure=failed,
            what=f"opening {path}",
        )

    def _adopt_database(self, db: Database) -> None:
        if self._runner is not None and self._runner.running:
            self._runner.cancel()
            self._runner.wait()
        self.model.close()
        old = self._db
        self._db = db
        new_model = BillTableModel(db, self)
        self.model.deleteLater()
        self.model = new_model
        self.table.setModel(new_model)
        self._connect_model()
        self._keep_pk = None
        self.details.clear()
        self.filters.set_database(db)
        self.filters.set_labels(new_model.labels)
        if self.investigation is not None:  # the panel is bound to its database: make a new one
            self.investigation.shutdown()
            self.tabs.removeTab(self.tabs.indexOf(self.investigation))
            self.investigation.deleteLater()
            self.investigation = None
            self._investigated = None
            self._add_investigation()
        new_model.set_filter(self.filters.current_filter())
        self._update_sentence(new_model.bill_filter)
        old.close()
        self._remember_db(self._db.path)
        self._show_db()
        self._show_time_label()
        mode = " read-only: browse, filter and export; nothing can be changed"
        self.statusBar().showMessage(f"Opened {db.path}{mode if db.readonly else ''}", 8000)

    # -- labels, export, about -----------------------------------------------------------

    def labels_dialog(self) -> None:
        """Edit site labels; the table updates at once."""
        dialog = SiteLabelsDialog(self._db, self)
        dialog.labels_changed.connect(self._labels_changed)
        dialog.exec()

    def _labels_changed(self) -> None:
        self.model.reload_labels()
        self.filters.set_labels(self.model.labels)
        self._update_sentence(self.model.bill_filter)
        index = self.table.currentIndex()
        self._show_details(index.row() if index.isValid() else None)
        self._investigate(force=True)

    def _show_time_label(self) -> None:
        try:
            label = data_time_label(self._db)
        except Exception as exc:  # noqa: BLE001 - a locked database: keep the generic label
            log.warning("time zone unreadable: %s", exc)
            label = TIME_LABEL
        self.status_tz.setText(f"times {label}")
        self.filters.set_time_label(label)
        self._update_sentence(self.model.bill_filter)

    def time_zone_dialog(self) -> None:
        """Name the data's time zone (a statement beside every time; nothing is converted)."""
        current = data_time_zone(self._db) or ""
        text, ok = QInputDialog.getText(
            self,
            "Time zone of the data",
            "Bill exports carry no time zone, so times are shown as exported.\n"
            "Name the tenant's zone (e.g. Asia/Shanghai or UTC+08:00) to state it beside\n"
            "every time and in every export; leave empty to remove it.",
            text=current,
        )
        if ok:
            self.set_time_zone(text)

    def set_time_zone(self, text: str) -> None:
        """Store the data's zone name (empty removes it) and show it everywhere."""
        try:
            set_data_time_zone(self._db, text)
        except (ValueError, KnownError) as exc:
            QMessageBox.warning(self, "Time zone of the data", str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - a read-only or locked database
            message = str(friendly_db_error(exc, self._db.path))
            QMessageBox.warning(self, "Time zone of the data", message)
            return
        self._show_time_label()

    def export_dialog(self) -> None:
        """Choose a file and export exactly what the table shows."""
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Export to Excel",
            "bills.xlsx",
            "Excel workbook (*.xlsx)",
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if name:
            self.export_to_chosen(Path(name))

    def export_to_chosen(self, path: Path) -> None:
        """Export to a file the user named: add ``.xlsx``, confirm before replacing a file."""
        if path.suffix.lower() != ".xlsx":
            path = xlsx_target(path)  # "Q3 v1.2" stays "Q3 v1.2.xlsx"
        force = False
        if path.exists():
            answer = QMessageBox.question(
                self, "Export to Excel", f"{path} already exists. Replace it?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
            force = True
        self.export_to(path, force=force)

    def export_to(self, path: Path, force: bool = False) -> None:
        """Export the current filter, sort and visible columns in the background."""
        if self._export_runner is not None and self._export_runner.running:
            QMessageBox.information(self, "Export", "An export is already running.")
            return
        service = ExportService(self._db)
        f, keys = self.model.bill_filter, self.visible_column_keys()
        sentence = self.filters.describe(f)

        bar: list[PhasedProgress] = []

        def work(progress: Any, cancel: Any) -> Any:
            # One bar for the whole job: the states (read first) and the bills fill their shares.
            phased = PhasedProgress(progress, EXPORT_PHASES, on_phase_end=runner.flush_progress)
            bar.append(phased)
            return service.export(
                f,
                path,
                columns=keys,
                force=force,
                filter_sentence=sentence,
                progress=phased,
                cancel=cancel,
            )

        runner = TaskRunner(work, self, "export")
        self._export_runner = runner
        self.act_export.setEnabled(False)
        self.export_progress = run_with_progress(
            self, runner, "Exporting", "rows", words=lambda: bar[0].words if bar else ""
        )
        runner.finished.connect(self._export_done)
        runner.failed.connect(lambda msg: self._export_failed(runner.failure or Failure(msg)))
        runner.cancelled.connect(self._export_cancelled)
        runner.done.connect(lambda: self.act_export.setEnabled(True))
        runner.start()

    def _export_done(self, result: Any) -> None:
        self.export_finished.emit(result)
        msg = f"Exported {result.rows:,} bills to {result.path}."
        if result.cut_cells:
            msg += (
                f" {result.cut_cells:,} cell(s) longer than Excel allows were cut and marked "
                "(counted on the Report sheet)."
            )
        self.statusBar().showMessage(msg, 20000)
        dialog = ExportDoneDialog(result, self, opener=self.open_url)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.export_done_dialog = dialog

    def _export_cancelled(self) -> None:
        """A cancel is the user's choice, not a problem: said in the status bar only."""
        self.export_finished.emit(None)
        self.statusBar().showMessage("Export cancelled; no file written.", 15000)

    def _export_failed(self, failure: Failure) -> None:
        self.export_finished.emit(None)
        self.statusBar().showMessage(failure.message, 15000)
        show_failure(self, "Export", failure)

    def about(self) -> None:
        """Versions, database path and data folder."""
        QMessageBox.about(self, "About Agent Bill Viewer", about_text(str(self._db.path)))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._refit_when_shown:
            self._refit_when_shown = False
            QTimer.singleShot(0, self, self._fit_on_screen)
        if self._dock_sizes is not None:
            QTimer.singleShot(0, self, self._size_docks)

    def closeEvent(self, event: QCloseEvent) -> None:
        for runner in (self._runner, self._export_runner):
            if runner is not None and runner.running:
                runner.cancel()
                runner.wait()
        if self.investigation is not None:
            self.investigation.shutdown()
        self._save_settings()
        self.model.close()
        if not BackgroundCall.wait_all():
            log.warning("a background query was still running as the window closed")
        super().closeEvent(event)
