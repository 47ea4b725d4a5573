"""The main window: its widgets, menus and the wiring between them and the controllers.

Each flow lives in a controller (``viewer.gui.controllers``); this module builds the widgets,
makes the controllers, connects the widgets' signals to them and puts their actions in the
menus and the toolbar. Holds no SQL.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QEvent,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDockWidget,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from viewer.core.columns import CODE, DEFAULT_KEYS, IDX
from viewer.core.resources import icon_path
from viewer.gui.bill_model import BillTableModel
from viewer.gui.bill_table import BillTableView
from viewer.gui.controllers.base import make_action
from viewer.gui.controllers.browsing import BrowseController
from viewer.gui.controllers.databases import DatabaseController
from viewer.gui.controllers.details import DetailsController
from viewer.gui.controllers.dialogs import DialogsController
from viewer.gui.controllers.exporting import ExportController
from viewer.gui.controllers.importing import ImportController
from viewer.gui.controllers.layout import LayoutController
from viewer.gui.controllers.navigation import NavigationController
from viewer.gui.controllers.text_index import TextIndexController
from viewer.gui.empty_state import EmptyState
from viewer.gui.filter_panel import FilterPanel
from viewer.gui.i18n import SETTING, apply_language, choice_menu
from viewer.gui.investigation import InvestigationPanel
from viewer.gui.sort_status import SortStatus
from viewer.gui.status_bar import ElidedLabel, StatusBar
from viewer.gui.workers import BackgroundCall
from viewer.services.database import Database

log = logging.getLogger(__name__)
ROW_HEIGHT = 22


class MainWindow(QMainWindow):
    """The window a team lead opens: widgets and wiring; each flow in its controller.

    - ``imports`` (``ImportController``): Open exports / folder, drops, the background import,
      its progress and report.
    - ``exports`` (``ExportController``): Export to Excel, the target file, the background
      export with its investigation sheets, the result dialog.
    - ``databases`` (``DatabaseController``): open / new / recent databases, switching off the
      GUI thread, the title and what read-only disables.
    - ``bill_details`` (``DetailsController``): the details pane of the current bill with its
      provenance, keeping it selected across reloads, Copy rows, its moment.
    - ``window_layout`` (``LayoutController``): first size and dock widths, fitting on screen,
      saved settings, the columns menu.
    - ``navigation`` (``NavigationController``): Go to, F6 panes, Ctrl+F, first/last row,
      keyboard sort.
    - ``dialogs`` (``DialogsController``): site labels, the data's time zone, About, the demo.
    - ``browse`` (``BrowseController``): the filter and sort applied to the table and the
      investigation, the sentence, the counts, the empty state, drill-downs, Refresh.
    """

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
        self._retranslate_timer = QTimer(self, singleShot=True, interval=0)
        self._retranslate_timer.timeout.connect(self.retranslate)
        self._db = db
        self._settings = settings or QSettings("agent-bill-viewer", "Agent Bill Viewer")
        self.transient = transient
        self.quiet_reports = False
        """Report the next import (the start-up one) in the status bar only; later ones not."""
        self.setWindowTitle(self.tr("Agent Bill Viewer"))
        if icon_path().exists():
            self.setWindowIcon(QIcon(str(icon_path())))
        self.setAcceptDrops(True)

        # The controllers hold the window and read its widgets when they act: made first, so
        # that the widgets below can be connected to them.
        self.browse = BrowseController(self)
        self.imports = ImportController(self)
        self.exports = ExportController(self)
        self.databases = DatabaseController(self, remember_db=remember_db)
        self.bill_details = DetailsController(self)
        self.window_layout = LayoutController(self)
        self.navigation = NavigationController(self)
        self.dialogs = DialogsController(self)
        self.text_index = TextIndexController(self)

        self.model = BillTableModel(db, self)
        self.table = BillTableView()
        self.table.text_typed.connect(self.navigation.typed_in_table)
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
        hh.customContextMenuRequested.connect(self.window_layout.header_menu)
        hh.setSortIndicator(0, Qt.SortOrder.AscendingOrder)
        hh.sortIndicatorChanged.connect(self.browse.sort_changed)
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
        self.tabs.addTab(central, self.tr("Bills"))
        self.setCentralWidget(self.tabs)

        self.filters = FilterPanel(db)
        self.filter_scroll = scroll = QScrollArea()
        scroll.setWidget(self.filters)
        scroll.setWidgetResizable(True)
        self.filter_dock = QDockWidget(self.tr("Filters"), self)
        self.filter_dock.setObjectName("filters")
        self.filter_dock.setWidget(scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.filter_dock)

        self.details = QTextBrowser()
        self.details.setOpenLinks(False)
        self.details_dock = QDockWidget(self.tr("Bill details"), self)
        self.details_dock.setObjectName("details")
        self.details_dock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)

        self.investigation: InvestigationPanel | None = None
        self.add_investigation()
        self.tabs.currentChanged.connect(self.browse.tab_changed)

        self.status_db = ElidedLabel(Qt.TextElideMode.ElideMiddle)
        self.status_count = QLabel()
        self.status_tz = QLabel()
        sb = StatusBar(self)
        self.setStatusBar(sb)
        self.sort_status = SortStatus()
        self.sort_status.cancel_requested.connect(self.browse.cancel_sort)
        sb.addWidget(self.sort_status)
        sb.add_permanent(self.status_count)
        sb.add_permanent(self.status_tz)
        sb.add_permanent(self.status_db, share=0.2)
        self.text_index.add_to(sb)

        self._build_actions()
        self.empty_state.open_exports.connect(self.imports.open_exports)
        self.empty_state.open_folder.connect(self.imports.open_folder)
        self.empty_state.open_database.connect(self.databases.open_db_dialog)
        self.empty_state.open_demo.connect(self.dialogs.open_demo)
        self.filters.filter_changed.connect(self.browse.apply_filter)
        self.filters.message.connect(lambda m: self.statusBar().showMessage(m, 8000))
        self.connect_model()
        self.window_layout.restore_settings()
        self.databases.show_db()
        self.dialogs.show_time_label()
        self.filters.set_labels(self.model.labels)
        self.filters.reload()
        self.model.set_filter(self.filters.current_filter())
        self.browse.update_sentence(self.model.bill_filter)
        self.import_finished.connect(lambda _report: self.text_index.start())
        self.text_index.start()

    # -- wiring ------------------------------------------------------------------------------

    def connect_model(self) -> None:
        """Connect the table's model (a new one for each database) to the controllers."""
        m = self.model
        m.counts_changed.connect(self.browse.counts)
        m.count_estimated.connect(self.browse.estimated)
        m.failed.connect(self.browse.model_failed)
        m.loading_changed.connect(self.browse.loading)
        m.sort_status.connect(self.sort_status.show_status)
        m.modelAboutToBeReset.connect(self.bill_details.remember_current)
        m.snapshot_ready.connect(self.bill_details.restore_current)
        self.table.selectionModel().currentRowChanged.connect(self.bill_details.current_changed)

    def add_investigation(self) -> None:
        """A new Investigation tab for the database shown (the panel is bound to it)."""
        self.investigation = InvestigationPanel(self._db)
        self.tabs.addTab(self.investigation, self.tr("Investigation"))
        self.investigation.bills_selected.connect(self.browse.show_bills)
        self.investigation.selected_begin = self._selected_begin

    def _selected_begin(self) -> int | None:
        """The selected bill's begin (the investigation's default moment), or None."""
        row = self.model.row_tuple(self.table.currentIndex().row())
        return None if row is None else int(row[IDX["begin_time"]])

    def _build_actions(self) -> None:
        """The window's own actions, and the menus and toolbar of every controller's actions."""
        std = QKeySequence.StandardKey
        self.act_quit = make_action(self, self.tr("&Quit"), self.close, std.Quit)
        self.act_clear = make_action(
            self, self.tr("C&lear filters"), self.filters.clear, "Ctrl+Shift+L"
        )
        self.act_refresh = make_action(
            self,
            self.tr("&Refresh"),
            self.browse.refresh_data,
            std.Refresh,
            self.tr("Read the database again (bills imported by another window or program)"),
        )
        self._name_dock_actions()

        mb = self.menuBar()
        m = mb.addMenu(self.tr("&File"))
        for a in self.imports.import_actions():
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.databases.act_open_db)
        m.addAction(self.databases.act_new_db)
        m.addAction(self.databases.act_connect)
        m.addMenu(self.databases.recent_menu)
        m.addSeparator()
        m.addAction(self.exports.act_export)
        m.addMenu(self.exports.language_menu)
        m.addSeparator()
        m.addAction(self.act_quit)
        m = mb.addMenu(self.tr("&Edit"))
        m.addAction(self.bill_details.act_copy)
        m.addAction(self.navigation.act_find)
        m = mb.addMenu(self.tr("&View"))
        m.addAction(self.act_refresh)
        m.addAction(self.act_clear)
        m.addAction(self.navigation.act_first)
        m.addAction(self.navigation.act_last)
        m.addAction(self.navigation.act_sort_asc)
        m.addAction(self.navigation.act_sort_desc)
        go = m.addMenu(self.tr("&Go to"))
        for a in self.navigation.go_to_actions():
            go.addAction(a)
        m.addAction(self.filter_dock.toggleViewAction())
        m.addAction(self.details_dock.toggleViewAction())
        cols = m.addMenu(self.tr("&Columns"))
        cols.aboutToShow.connect(lambda: self.window_layout.fill_column_menu(cols))
        m.addMenu(self._language_menu())
        m = mb.addMenu(self.tr("&Tools"))
        m.addAction(self.bill_details.act_moment)
        m.addAction(self.dialogs.act_labels)
        m.addAction(self.dialogs.act_zone)
        m = mb.addMenu(self.tr("&Help"))
        m.addAction(self.dialogs.act_demo)
        m.addAction(self.dialogs.act_about)

        tb = self.addToolBar(self.tr("Main"))
        tb.setObjectName("main-toolbar")
        for a in (
            self.imports.act_open,
            self.databases.act_open_db,
            self.exports.act_export,
            self.act_clear,
            self.dialogs.act_labels,
        ):
            tb.addAction(a)

    def _name_dock_actions(self) -> None:
        """The View menu's names of the docks (Qt names them after the dock's title)."""
        self.filter_dock.toggleViewAction().setText(self.tr("F&ilters pane"))
        self.details_dock.toggleViewAction().setText(self.tr("Bill detail&s pane"))

    def _language_menu(self) -> QMenu:
        """View ▸ Language: English, 简体中文 (each in its own words) or the system's language."""
        menu, self.language_actions = choice_menu(
            self.tr("&Language"),
            self,
            (
                ("en", "&English"),
                ("zh_CN", "简体中文(&C)"),
                ("system", self.tr("Follow the &system")),
            ),
            str(self._settings.value(SETTING, "system") or "system"),
            self.choose_language,
        )
        return menu

    def choose_language(self, choice: str) -> None:
        """Speak ``choice`` (``en``, ``zh_CN``, ``system``) now and at the next start.

        The filter, sort and selection stay: only the words change.
        """
        self.language_actions[choice].setChecked(True)
        if not self.transient:
            self._settings.setValue(SETTING, choice)
        apply_language(choice)

    def changeEvent(self, event: QEvent) -> None:
        """On a language change, re-render the composed texts (once, after the event burst)."""
        if event.type() == QEvent.Type.LanguageChange:
            self._retranslate_timer.start()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Say again, in the language now in force, what the window composes from data.

        Static texts were re-worded by ``viewer.gui.i18n.relabel``; these are built from
        the filter, the counts, the selected bill, the columns and the investigation.
        """
        self._name_dock_actions()
        self.databases.show_db()
        self.dialogs.show_time_label()
        self.browse.update_sentence(self.model.bill_filter)
        self.browse.recount()
        self.model.retranslate()
        self.filters.retranslate()
        index = self.table.currentIndex()
        if index.isValid():
            self.bill_details.show_details(index.row())
        if self.investigation is not None:
            self.investigation.retranslate()

    def visible_column_keys(self) -> list[str]:
        """Keys of the visible columns in their on-screen order (what an export writes)."""
        hh = self.table.horizontalHeader()
        order = sorted(
            (hh.visualIndex(i), i)
            for i in range(self.model.columnCount())
            if not self.table.isColumnHidden(i)
        )
        return [self.model.columns[i].key for _v, i in order]

    # -- events and the window's public surface (each delegates to its controller) -------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        self.imports.drop(event)

    def switch_database(self, path: Path, create: bool = True) -> None:
        """Show another database (see ``DatabaseController.switch_database``)."""
        self.databases.switch_database(path, create=create)

    def recent_databases(self) -> list[str]:
        """Recently opened databases, newest first (see ``DatabaseController``)."""
        return self.databases.recent_databases()

    def export_to(self, path: Path, force: bool = False) -> None:
        """Export in the background (see ``ExportController.export_to``)."""
        self.exports.export_to(path, force=force)

    def import_paths(self, paths: list[Path], force: bool = False) -> None:
        """Import in the background (see ``ImportController.import_paths``)."""
        self.imports.import_paths(paths, force=force)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.window_layout.shown()

    def closeEvent(self, event: QCloseEvent) -> None:
        for runner in (self.imports.runner, self.exports.runner, self.text_index.runner):
            if runner is not None and runner.running:
                runner.cancel()
                runner.wait()
        if self.investigation is not None:
            self.investigation.shutdown()
        self.window_layout.save_settings()
        self.model.close()
        if not BackgroundCall.wait_all():
            log.warning("a background query was still running as the window closed")
        super().closeEvent(event)
