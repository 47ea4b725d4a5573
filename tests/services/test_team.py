"""TeamService: team-database settings as URLs without password, the keyring, testing a server.

The server tests need a real PostgreSQL server: run them under ``pg_virtualenv -t`` (it sets PGHOST,
PGPORT, PGUSER, PGPASSWORD, PGDATABASE). Passwords are kept by a real in-memory keyring backend,
chosen with ``keyring.set_keyring`` (keyring's documented way to pick a backend).
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from viewer.core.errors import DatabaseError, KnownError
from viewer.services.team import (
    KEYRING_SERVICE,
    PasswordRequiredError,
    PasswordStore,
    ServerRefusedError,
    TeamDatabase,
    TeamService,
    is_team_url,
    parse_team_url,
)

if TYPE_CHECKING:
    from conftest import MemoryKeyring

# -- settings and URLs -----------------------------------------------------------------------


def test_a_url_is_parsed_into_settings_and_written_back_without_its_password() -> None:
    team, password = parse_team_url("postgres://bob:s%40cret@db1:5432/bills?sslmode=require")
    assert team == TeamDatabase("db1", 5432, "bills", "bob", "require")
    assert password == "s@cret"
    assert team.label == "bob@db1:5432/bills"
    assert team.url_text() == "postgresql+psycopg://bob@db1:5432/bills?sslmode=require"
    assert "cret" not in team.url_text()
    # the password goes to the driver only when asked for
    assert team.url("p w").password == "p w"
    assert parse_team_url(team.url_text()) == (team, None)


def test_parts_left_out_are_left_to_libpq() -> None:
    team, password = parse_team_url("postgresql:///bills")
    assert (team, password) == (TeamDatabase(database="bills"), None)
    url = team.url()
    assert (url.host, url.port, url.username, url.password) == (None, None, None, None)
    assert "sslmode" not in url.query
    assert team.label == "default host/bills"


def test_only_postgresql_urls_are_team_databases() -> None:
    assert is_team_url("postgresql+psycopg://h/db")
    assert is_team_url(" POSTGRES://h/db")
    assert not is_team_url("/home/me/bills.sqlite")
    with pytest.raises(KnownError, match="not a PostgreSQL URL"):
        parse_team_url("bills.sqlite")
    with pytest.raises(KnownError, match="malformed") as caught:
        parse_team_url("postgresql://bob:hush@db1:notaport/bills")
    assert "hush" not in str(caught.value)


# -- the keyring -----------------------------------------------------------------------------


def test_a_remembered_password_is_in_the_keyring_under_user_host_port_db(
    memory_keyring: MemoryKeyring,
) -> None:
    store = PasswordStore()
    team = TeamDatabase("db1", 5432, "bills", "bob")
    assert store.available()
    assert store.get(team) is None
    store.remember(team, "hunter2")
    assert memory_keyring.passwords == {(KEYRING_SERVICE, "bob@db1:5432/bills"): "hunter2"}
    assert store.get(team) == "hunter2"
    assert store.get(TeamDatabase("db1", 5432, "bills", "alice")) is None
    store.forget(team)
    store.forget(team)  # nothing remembered: nothing happens
    assert memory_keyring.passwords == {}


def test_without_a_keyring_backend_nothing_is_remembered(no_keyring: None) -> None:
    store = PasswordStore()
    team = TeamDatabase("db1", 5432, "bills", "bob")
    assert not store.available()
    assert store.get(team) is None
    with pytest.raises(KnownError, match="no password store"):
        store.remember(team, "hunter2")


# -- a real server ---------------------------------------------------------------------------


def test_test_says_who_answered(pg_server: TeamDatabase, no_keyring: None) -> None:
    said = TeamService().test(pg_server, os.environ["PGPASSWORD"])
    version = said.rsplit("(PostgreSQL ", 1)[1].rstrip(")")
    assert said == (
        f"Connected to {pg_server.database} on {pg_server.host}:{pg_server.port} "
        f"(PostgreSQL {version})"
    )
    assert version[:2].isdigit()


def test_a_wrong_password_is_one_line_without_the_password(
    pg_server: TeamDatabase, no_keyring: None
) -> None:
    with pytest.raises(ServerRefusedError) as caught:
        TeamService().test(pg_server, "not-the-password")
    message = str(caught.value)
    assert message == f"{pg_server.label}: the server refused the user name or password"
    assert "not-the-password" not in message


def test_no_password_anywhere_asks_for_one(
    pg_server: TeamDatabase, no_keyring: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    with pytest.raises(PasswordRequiredError, match="asks for a password"):
        TeamService().test(pg_server, None)


def test_libpq_pgpass_works_untouched(
    pg_server: TeamDatabase, no_keyring: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{pg_server.user}:{os.environ['PGPASSWORD']}\n")
    pgpass.chmod(0o600)
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    assert TeamService().test(pg_server, None).startswith("Connected to ")


def test_the_remembered_password_is_used(
    pg_server: TeamDatabase,
    memory_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    password = os.environ["PGPASSWORD"]
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    PasswordStore().remember(pg_server, password)
    assert TeamService().test(pg_server, None).startswith("Connected to ")


def test_a_missing_database_is_one_line(pg_server: TeamDatabase, no_keyring: None) -> None:
    missing = TeamDatabase(pg_server.host, pg_server.port, "no_such_db", pg_server.user)
    with pytest.raises(DatabaseError) as caught:
        TeamService().test(missing, os.environ["PGPASSWORD"])
    assert str(caught.value) == f'{missing.label}: database "no_such_db" does not exist'


def test_a_stopped_server_is_one_line(no_keyring: None) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        free = sock.getsockname()[1]
    down = TeamDatabase("127.0.0.1", free, "bills", "bob")
    with pytest.raises(DatabaseError) as caught:
        TeamService().test(down, "pw")
    assert str(caught.value) == (
        f"bob@127.0.0.1:{free}/bills: no server answers there (connection refused); is it running?"
    )


def test_a_server_dropping_the_connection_is_one_line(no_keyring: None) -> None:
    """A listener that hangs up on every connection, as a server stopping does."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(10)
    port = listener.getsockname()[1]

    def hang_up() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                conn.recv(1024)
                conn.close()

    thread = threading.Thread(target=hang_up, daemon=True)
    thread.start()
    team = TeamDatabase("127.0.0.1", port, "bills", "bob")
    try:
        with pytest.raises(DatabaseError) as caught:
            TeamService().test(team, "pw")
    finally:
        with contextlib.suppress(OSError):
            listener.shutdown(socket.SHUT_RDWR)  # wakes the accept
        listener.close()
        thread.join(15)
    assert str(caught.value) == (
        f"bob@127.0.0.1:{port}/bills: the server closed the connection (stopped or restarting?)"
    )
