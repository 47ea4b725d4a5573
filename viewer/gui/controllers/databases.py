"""Databases: open, create and switch databases (off the GUI thread), the recent list, the title."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from viewer.gui.bill_model import BillTableModel
from viewer.gui.controllers.base import Controller
from viewer.gui.dialogs import show_failure
from viewer.gui.workers import BackgroundCall, Failure
from viewer.services.database import Database, open_or_read_only

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow

MAX_RECENT = 8


class DatabaseController(Controller):
    """Which database the window shows: opening, creating, switching, remembering, read-only."""

    def __init__(self, window: MainWindow, *, remember_db: bool = True) -> None:
        super().__init__(window)
        self._remember = remember_db
        self._opener = BackgroundCall(self.win)
        std = QKeySequence.StandardKey
        self.act_open_db = self._action("Open &database…", self.open_db_dialog, "Ctrl+Shift+O")
        self.act_new_db = self._action("&New database…", self.new_db_dialog, std.New)
        self.recent_menu = QMenu("&Recent databases", self.win)

    def open_db_dialog(self) -> None:
        """Open an existing bill database."""
        name, _ = QFileDialog.getOpenFileName(
            self.win, "Open database", "", "Bill databases (*.sqlite *.db);;All files (*)"
        )
        if name:
            self.switch_database(Path(name), create=False)

    def new_db_dialog(self) -> None:
        """Create a new, empty bill database (an existing file is never emptied)."""
        name, _ = QFileDialog.getSaveFileName(
            self.win,
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
                self.win,
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
        self.win.statusBar().showMessage(f"Opening {path}…")

        def opened(db: Database) -> None:
            self._adopt_database(db)
            self.win.database_switched.emit(db.path)

        def failed(failure: Failure) -> None:
            self.win.statusBar().showMessage(failure.message, 15000)
            show_failure(self.win, "Open database", failure)
            self.win.database_switched.emit(None)

        self._opener.run(
            lambda: open_or_read_only(path, create=create),
            opened,
            on_failure=failed,
            what=f"opening {path}",
        )

    def _adopt_database(self, db: Database) -> None:
        if self.win.imports.runner is not None and self.win.imports.runner.running:
            self.win.imports.runner.cancel()
            self.win.imports.runner.wait()
        self.win.model.close()
        old = self.win._db
        self.win._db = db
        new_model = BillTableModel(db, self.win)
        self.win.model.deleteLater()
        self.win.model = new_model
        self.win.table.setModel(new_model)
        self.win.connect_model()
        self.win.bill_details.keep_pk = None
        self.win.details.clear()
        self.win.filters.set_database(db)
        self.win.filters.set_labels(new_model.labels)
        if self.win.investigation is not None:  # the panel is bound to its database: make a new one
            self.win.investigation.shutdown()
            self.win.tabs.removeTab(self.win.tabs.indexOf(self.win.investigation))
            self.win.investigation.deleteLater()
            self.win.investigation = None
            self.win.browse.investigated = None
            self.win.add_investigation()
        new_model.set_filter(self.win.filters.current_filter())
        self.win.browse.update_sentence(new_model.bill_filter)
        old.close()
        self.remember_db(self.win._db.path)
        self.show_db()
        self.win.dialogs.show_time_label()
        mode = " read-only: browse, filter and export; nothing can be changed"
        self.win.statusBar().showMessage(f"Opened {db.path}{mode if db.readonly else ''}", 8000)

    def recent_databases(self) -> list[str]:
        """Recently opened databases (absolute paths of existing files), newest first.

        Entries stored as typed by earlier versions (relative to a folder nobody knows now)
        are left out.
        """
        value = self.win._settings.value("recent/databases", [])
        if isinstance(value, str):
            value = [value]
        paths = [Path(str(v)) for v in (value or [])]
        return [str(p) for p in paths if p.is_absolute() and p.exists()]

    def remember_db(self, path: Path) -> None:
        """Put ``path`` first in the recent databases (unless a demo or transient window)."""
        if self._remember and not self.win.transient:
            here = str(Path(path).expanduser().resolve())
            recent = [p for p in self.recent_databases() if p != here]
            recent.insert(0, here)
            self.win._settings.setValue("recent/databases", recent[:MAX_RECENT])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_databases():
            self.recent_menu.addAction(
                p.replace("&", "&&"), lambda p=p: self.switch_database(Path(p), create=False)
            )
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def show_db(self) -> None:
        """The database's path in the status bar and title; what read-only disables."""
        self.win.status_db.set_full_text(str(self.win._db.path))
        self.win.setWindowTitle(f"Agent Bill Viewer — {self.win._db.path.name}")
        self._show_access()

    def _show_access(self) -> None:
        """A read-only database says so in the title, and what writes is disabled.

        Browsing, filtering and export work; import, drop, site labels, time zone and saving or
        deleting saved filters do not.
        """
        readonly = self.win._db.readonly
        if readonly:
            self.win.setWindowTitle(f"{self.win.windowTitle()} (read-only)")
        importing = self.win.imports.running
        for act in (
            *self.win.imports.import_actions(),
            self.win.dialogs.act_labels,
            self.win.dialogs.act_zone,
        ):
            act.setToolTip("The database is open read-only" if readonly else "")
            act.setEnabled(not readonly)
        if importing:
            for act in self.win.imports.import_actions():
                act.setEnabled(False)
        self.win.filters.set_read_only(readonly)
        self.win.empty_state.set_state(readonly=readonly, importing=importing)
