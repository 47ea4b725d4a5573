"""Databases: open, create and switch databases (off the GUI thread), the recent list, the title.

Team databases (PostgreSQL) are connected through ``viewer.services.team``; the recent list holds
them as URLs without password, shown as ``user@host:port/db``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from viewer.gui.bill_model import BillTableModel
from viewer.gui.connect_dialog import ConnectDialog
from viewer.gui.controllers.base import Controller
from viewer.gui.dialogs import show_failure
from viewer.gui.workers import BackgroundCall, Failure
from viewer.services.database import Database, open_or_read_only
from viewer.services.team import (
    KnownError,
    ServerRefusedError,
    TeamDatabase,
    TeamService,
    is_team_url,
    parse_team_url,
    team_of,
)

if TYPE_CHECKING:
    from viewer.gui.main_window import MainWindow

MAX_RECENT = 8


class _AskPassword:
    """A connect the server refused for want of the right password: ask for it (``message``)."""

    def __init__(self, message: str) -> None:
        self.message = message


class DatabaseController(Controller):
    """Which database the window shows: opening, creating, switching, remembering, read-only."""

    def __init__(self, window: MainWindow, *, remember_db: bool = True) -> None:
        super().__init__(window)
        self._remember = remember_db
        self._opener = BackgroundCall(self.win)
        std = QKeySequence.StandardKey
        self.act_open_db = self._action(
            self.tr("Open &database…"), self.open_db_dialog, "Ctrl+Shift+O"
        )
        self.act_new_db = self._action(self.tr("&New database…"), self.new_db_dialog, std.New)
        self.act_connect = self._action(
            self.tr("Connect to &team database…"), self.connect_dialog_open
        )
        self.recent_menu = QMenu(self.tr("&Recent databases"), self.win)
        self.team_service = TeamService()
        self.connect_dialog: ConnectDialog | None = None
        """The last Connect dialog opened (for tests; replaced by the next one)."""

    def open_db_dialog(self) -> None:
        """Open an existing bill database."""
        name, _ = QFileDialog.getOpenFileName(
            self.win,
            self.tr("Open database"),
            "",
            self.tr("Bill databases (*.sqlite *.db);;All files (*)"),
        )
        if name:
            self.switch_database(Path(name), create=False)

    def new_db_dialog(self) -> None:
        """Create a new, empty bill database (an existing file is never emptied)."""
        name, _ = QFileDialog.getSaveFileName(
            self.win,
            self.tr("New database"),
            "bills.sqlite",
            self.tr("Bill databases (*.sqlite)"),
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
                self.tr("New database"),
                self.tr(
                    "{path} already exists. Open it instead?\n\n"
                    "(A new database needs a new file name; existing bills are never deleted.)"
                ).format(path=path),
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
        self.win.statusBar().showMessage(self.tr("Opening {path}…").format(path=path))

        def opened(db: Database) -> None:
            self._adopt_database(db)
            self.win.database_switched.emit(db.path)

        def failed(failure: Failure) -> None:
            self.win.statusBar().showMessage(failure.message, 15000)
            show_failure(self.win, self.tr("Open database"), failure)
            self.win.database_switched.emit(None)

        self._opener.run(
            lambda: open_or_read_only(path, create=create),
            opened,
            on_failure=failed,
            what=f"opening {path}",
        )

    def connect_dialog_open(
        self, team: TeamDatabase | None = None, note: str = ""
    ) -> ConnectDialog:
        """Show the Connect to team database dialog (not blocking); Connect connects.

        ``team`` fills the fields in (asking again for a password: ``note`` says why).
        """
        if self.connect_dialog is not None:
            self.connect_dialog.deleteLater()
        dlg = ConnectDialog(self.team_service, self.win, team, note)
        dlg.setWindowModality(Qt.WindowModality.WindowModal)
        self.connect_dialog = dlg

        def accepted() -> None:
            password = dlg.password()
            remember: bool | None = None
            if dlg.keyring_available and password:
                remember = dlg.remember_password()  # unticked: a stale remembered one goes
            self.connect_team(dlg.team(), password, remember=remember)

        dlg.accepted.connect(accepted)
        dlg.open()
        return dlg

    def connect_team(
        self, team: TeamDatabase, password: str | None, *, remember: bool | None = None
    ) -> None:
        """Switch to a team database, connected off the GUI thread.

        ``password`` None: the remembered one, else libpq's (~/.pgpass, PGPASSWORD); when the
        server wants another, the Connect dialog asks for it. Any other problem is one message
        and the current database stays open; ``database_switched`` tells the outcome (the
        team database's URL without password, or None).
        """
        self.win.statusBar().showMessage(self.tr("Connecting to {team}…").format(team=team.label))

        def work() -> Database | _AskPassword:
            try:
                return self.team_service.connect(team, password, remember=remember)
            except ServerRefusedError as exc:
                return _AskPassword(str(exc))

        def done(result: Database | _AskPassword) -> None:
            if isinstance(result, _AskPassword):
                self.win.statusBar().showMessage(result.message, 15000)
                self.win.database_switched.emit(None)
                self.connect_dialog_open(team, result.message)
                return
            self._adopt_database(result)
            self.win.database_switched.emit(team.url_text())

        def failed(failure: Failure) -> None:
            self.win.statusBar().showMessage(failure.message, 15000)
            show_failure(self.win, self.tr("Connect to team database"), failure)
            self.win.database_switched.emit(None)

        self._opener.run(work, done, on_failure=failed, what=f"connecting to {team.label}")

    def reconnect(self, url: str) -> None:
        """Connect again to a team database of the recent list (``url`` has no password)."""
        team, _ = parse_team_url(url)
        self.connect_team(team, None)

    def _adopt_database(self, db: Database) -> None:
        if self.win.imports.runner is not None and self.win.imports.runner.running:
            self.win.imports.runner.cancel()
            self.win.imports.runner.wait()
        self.win.text_index.stop()
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
        self.win.text_index.start()
        self.remember_db(self.win._db.path)
        self.show_db()
        self.win.dialogs.show_time_label()
        team = team_of(db)
        name = team.label if team is not None else db.path
        opened = (
            self.tr("Opened {name} read-only: browse, filter and export; nothing can be changed")
            if db.readonly
            else self.tr("Opened {name}")
        )
        self.win.statusBar().showMessage(opened.format(name=name), 8000)

    def recent_databases(self) -> list[str]:
        """Recently opened databases, newest first (files and team databases).

        Files as absolute paths of existing files, team databases as URLs without password.
        Entries stored as typed by earlier versions (relative to a folder nobody knows now)
        are left out.
        """
        value = self.win._settings.value("recent/databases", [])
        if isinstance(value, str):
            value = [value]
        kept = []
        for entry in (str(v) for v in value or []):
            if is_team_url(entry):
                try:
                    parse_team_url(entry)
                except KnownError:  # edited by hand into something unreadable: left out
                    continue
                kept.append(entry)
            elif (path := Path(entry)).is_absolute() and path.exists():
                kept.append(str(path))
        return kept

    def remember_db(self, path: Path) -> None:
        """Put the database shown (at ``path``) first in the recent databases.

        A team database is kept as its URL without password. Not for a demo or transient window.
        """
        if self._remember and not self.win.transient:
            team = team_of(self.win._db)
            here = team.url_text() if team is not None else str(Path(path).expanduser().resolve())
            recent = [p for p in self.recent_databases() if p != here]
            recent.insert(0, here)
            self.win._settings.setValue("recent/databases", recent[:MAX_RECENT])
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        for p in self.recent_databases():
            if is_team_url(p):
                label = parse_team_url(p)[0].label
                self.recent_menu.addAction(label.replace("&", "&&"), lambda p=p: self.reconnect(p))
                continue
            self.recent_menu.addAction(
                p.replace("&", "&&"), lambda p=p: self.switch_database(Path(p), create=False)
            )
        self.recent_menu.setEnabled(not self.recent_menu.isEmpty())

    def show_db(self) -> None:
        """The database's path in the status bar and title; what read-only disables."""
        team = team_of(self.win._db)
        if team is not None:
            self.win.status_db.set_full_text(team.url_text())
            self.win.setWindowTitle(self.tr("Agent Bill Viewer — {name}").format(name=team.label))
        else:
            self.win.status_db.set_full_text(str(self.win._db.path))
            self.win.setWindowTitle(
                self.tr("Agent Bill Viewer — {name}").format(name=self.win._db.path.name)
            )
        self._show_access()

    def _show_access(self) -> None:
        """A read-only database says so in the title, and what writes is disabled.

        Browsing, filtering and export work; import, drop, site labels, time zone and saving or
        deleting saved filters do not.
        """
        readonly = self.win._db.readonly
        if readonly:
            self.win.setWindowTitle(
                self.tr("{title} (read-only)").format(title=self.win.windowTitle())
            )
        importing = self.win.imports.running
        for act in (
            *self.win.imports.import_actions(),
            self.win.dialogs.act_labels,
            self.win.dialogs.act_zone,
        ):
            act.setToolTip(self.tr("The database is open read-only") if readonly else "")
            act.setEnabled(not readonly)
        if importing:
            for act in self.win.imports.import_actions():
                act.setEnabled(False)
        self.win.filters.set_read_only(readonly)
        self.win.empty_state.set_state(readonly=readonly, importing=importing)
