"""File > Connect to team database: the dialog, its Test button, connecting, the recent list.

Real widgets (pytest-qt) against a real PostgreSQL server: run under ``pg_virtualenv -t`` (it sets
PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE); without a server those tests skip with one line
(and fail under CI=true). Passwords are kept by a real in-memory keyring backend chosen with
``keyring.set_keyring``.
"""

from __future__ import annotations

import logging
import os
import re
import socket
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialogButtonBox

from viewer.gui.connect_dialog import NO_KEYRING_NOTE, ConnectDialog
from viewer.gui.main_window import MainWindow
from viewer.services.database import Database
from viewer.services.team import KEYRING_SERVICE, TeamDatabase, TeamService

pytestmark = pytest.mark.gui


def _settled(w: MainWindow) -> bool:
    return w.model.has_snapshot and not w.model.is_loading


def _window(qtbot: Any, db: Database, settings: QSettings) -> MainWindow:
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: _settled(w), timeout=10_000)
    return w


def _fill(dlg: ConnectDialog, team: TeamDatabase, password: str) -> None:
    dlg.host.setText(team.host)
    dlg.port.setText(str(team.port or ""))
    dlg.database.setText(team.database)
    dlg.user.setText(team.user)
    dlg.password_edit.setText(password)


def _settings_text(settings: QSettings) -> str:
    settings.sync()
    return Path(settings.fileName()).read_text(encoding="utf-8")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _connect_action(w: MainWindow) -> Any:
    file_menu = next(a.menu() for a in w.menuBar().actions() if a.text().replace("&", "") == "File")
    found = [
        a for a in file_menu.actions() if a.text().replace("&", "") == "Connect to team database…"
    ]
    assert len(found) == 1
    return found[0]


# -- the dialog ------------------------------------------------------------------------------


def test_empty_fields_are_libpq_defaults_and_the_dialog_says_so(qtbot, no_keyring) -> None:
    dlg = ConnectDialog(TeamService())
    qtbot.addWidget(dlg)
    assert dlg.team() == TeamDatabase(sslmode="prefer")
    assert dlg.password() is None
    assert "PGHOST" in dlg.defaults_note.text() and "~/.pgpass" in dlg.defaults_note.text()
    assert [dlg.tls.itemText(i) for i in range(dlg.tls.count())] == [
        "disable",
        "prefer",
        "require",
        "verify-full",
    ]
    dlg.host.setText(" db1 ")
    dlg.port.setText("5432")
    dlg.database.setText("bills")
    dlg.user.setText("bob")
    dlg.tls.setCurrentText("verify-full")
    assert dlg.team() == TeamDatabase("db1", 5432, "bills", "bob", "verify-full")


def test_without_a_keyring_remembering_is_not_offered(qtbot, no_keyring) -> None:
    dlg = ConnectDialog(TeamService())
    qtbot.addWidget(dlg)
    dlg.show()
    assert not dlg.remember.isVisible()
    assert NO_KEYRING_NOTE in dlg.defaults_note.text()
    dlg.remember.setChecked(True)  # even if something ticked it
    assert not dlg.remember_password()


def test_with_a_keyring_remembering_is_offered(qtbot, memory_keyring) -> None:
    dlg = ConnectDialog(TeamService())
    qtbot.addWidget(dlg)
    dlg.show()
    assert dlg.remember.isVisible() and dlg.remember.isEnabled()
    assert NO_KEYRING_NOTE not in dlg.defaults_note.text()
    dlg.remember.setChecked(True)
    assert dlg.remember_password()


def test_the_test_button_says_who_answered_or_why_not(qtbot, pg_server, no_keyring) -> None:
    dlg = ConnectDialog(TeamService())
    qtbot.addWidget(dlg)
    dlg.show()
    _fill(dlg, pg_server, os.environ["PGPASSWORD"])
    dlg.test_button.click()
    assert not dlg.test_button.isEnabled()  # the test runs off the GUI thread
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=15_000)
    where = f"{pg_server.host}:{pg_server.port}"
    said = rf"Connected to {pg_server.database} on {re.escape(where)} \(PostgreSQL \d+\.\d+\)"
    assert re.fullmatch(said, dlg.result.text()), dlg.result.text()

    dlg.password_edit.setText("wrong-password")
    dlg.test_button.click()
    qtbot.waitUntil(lambda: dlg.test_button.isEnabled(), timeout=15_000)
    assert dlg.result.text() == f"{pg_server.label}: the server refused the user name or password"


# -- the window ------------------------------------------------------------------------------


def test_a_server_that_is_down_is_one_message_and_the_database_stays_open(
    qtbot, filled_db, settings, warnings, no_keyring
) -> None:
    w = _window(qtbot, filled_db, settings)
    before = w.windowTitle()
    _connect_action(w).trigger()
    dlg = w.databases.connect_dialog
    assert dlg is not None and dlg.isVisible()
    down = TeamDatabase("127.0.0.1", _free_port(), "bills", "bob")
    _fill(dlg, down, "secret-pw")
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as blocker:
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert blocker.args == [None]
    assert warnings == [
        f"{down.label}: no server answers there (connection refused); is it running?"
    ]
    assert w.windowTitle() == before
    assert w._db is filled_db
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == 3000, timeout=10_000)
    assert "secret-pw" not in _settings_text(settings)
    w.close()


def test_a_refused_password_asks_again_and_is_written_nowhere(
    qtbot, filled_db, settings, warnings, pg_server, memory_keyring, caplog
) -> None:
    caplog.set_level(logging.DEBUG)
    w = _window(qtbot, filled_db, settings)
    _connect_action(w).trigger()
    first = w.databases.connect_dialog
    assert first is not None
    _fill(first, pg_server, "wrong-password")
    first.remember.setChecked(True)
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as blocker:
        first.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert blocker.args == [None]
    again = w.databases.connect_dialog
    assert again is not None and again is not first and again.isVisible()
    assert again.note.text() == f"{pg_server.label}: the server refused the user name or password"
    assert again.team() == TeamDatabase(
        pg_server.host, pg_server.port, pg_server.database, pg_server.user, "prefer"
    )
    assert again.password() is None  # typed again, never kept
    assert warnings == []  # asking again is the message
    assert memory_keyring.passwords == {}  # a refused password is not remembered
    assert w._db is filled_db
    assert "wrong-password" not in _settings_text(settings)
    assert "wrong-password" not in caplog.text
    again.reject()
    w.close()


def test_recent_shows_team_databases_and_reopening_asks_for_a_password_nowhere_else(
    qtbot, tmp_path, filled_db, settings, warnings, pg_server, no_keyring, no_libpq_password
) -> None:
    kept = pg_server.url_text()
    settings.setValue("recent/databases", [kept, "relative.sqlite", "postgresql://h:port/x"])
    w = _window(qtbot, filled_db, settings)
    assert w.recent_databases() == [str(filled_db.path.resolve()), kept]
    texts = [a.text() for a in w.databases.recent_menu.actions()]
    assert texts == [str(filled_db.path.resolve()), pg_server.label]
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as asked:
        w.databases.recent_menu.actions()[1].trigger()
    assert asked.args == [None]
    prompt = w.databases.connect_dialog
    assert prompt is not None and prompt.isVisible()
    assert prompt.note.text() == f"{pg_server.label}: the server asks for a password"
    assert prompt.team() == TeamDatabase(
        pg_server.host, pg_server.port, pg_server.database, pg_server.user, "prefer"
    )
    assert not prompt.remember.isVisible()  # no keyring here: asked each time
    assert warnings == []
    assert w._db is filled_db
    prompt.reject()
    w.close()


def test_connect_switches_the_window_and_recent_reconnects_asking_for_the_password(
    qtbot, filled_db, settings, warnings, team_db, memory_keyring, no_libpq_password
) -> None:
    password = no_libpq_password
    w = _window(qtbot, filled_db, settings)
    _connect_action(w).trigger()
    dlg = w.databases.connect_dialog
    assert dlg is not None
    _fill(dlg, team_db, password)
    with qtbot.waitSignal(w.database_switched, timeout=30_000) as blocker:
        dlg.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    url = f"postgresql+psycopg://{team_db.user}@{team_db.host}:{team_db.port}/{team_db.database}"
    assert blocker.args == [url + "?sslmode=prefer"]
    assert warnings == []
    assert w.windowTitle() == f"Agent Bill Viewer — {team_db.label}"
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == 0, timeout=10_000)
    assert w.recent_databases()[0] == url + "?sslmode=prefer"
    recent = w.databases.recent_menu.actions()
    assert recent[0].text() == team_db.label
    assert memory_keyring.passwords == {}  # not asked to remember
    assert password not in _settings_text(settings)

    # back to the file, then the team database from Recent: the password is asked for
    with qtbot.waitSignal(w.database_switched, timeout=20_000):
        w.databases.switch_database(filled_db.path, create=False)
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as asked:
        w.databases.recent_menu.actions()[1].trigger()
    assert asked.args == [None]
    prompt = w.databases.connect_dialog
    assert prompt is not None and prompt.isVisible()
    assert prompt.note.text() == f"{team_db.label}: the server asks for a password"
    prompt.password_edit.setText(password)
    prompt.remember.setChecked(True)
    with qtbot.waitSignal(w.database_switched, timeout=30_000) as back:
        prompt.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert back.args == [url + "?sslmode=prefer"]
    assert memory_keyring.passwords == {(KEYRING_SERVICE, team_db.label): password}
    assert password not in _settings_text(settings)
    w.close()
    w._db.close()
