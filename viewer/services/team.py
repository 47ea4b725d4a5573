"""Team databases on a PostgreSQL server: connection settings, passwords, testing, connecting.

A team database is named by its settings (host, port, database, user, TLS mode); empty parts
are libpq's defaults (``PGHOST``, ``PGPORT``, ``PGUSER``, ``PGDATABASE``, ``~/.pgpass``,
``PGSERVICE``). The settings are written (the recent list) as a URL without password. A
password is never written in plain text: it stays in memory, or in the OS keyring (the
``keyring`` library) when the user asks to remember it; libpq's ``~/.pgpass`` works untouched.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backends import fail
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from viewer.core.errors import KnownError
from viewer.core.i18n import translate
from viewer.data.server import (
    PasswordRequiredError,
    ServerInfo,
    ServerRefusedError,
    probe_server,
)
from viewer.services.database import Database, open_database

__all__ = [
    "KEYRING_SERVICE",
    "KnownError",
    "SSL_MODES",
    "PasswordRequiredError",
    "PasswordStore",
    "ServerInfo",
    "ServerRefusedError",
    "TeamDatabase",
    "TeamService",
    "is_team_url",
    "parse_team_url",
    "team_of",
]

log = logging.getLogger(__name__)

SSL_MODES = ("disable", "prefer", "require", "verify-full")
"""The TLS modes the dialog offers (libpq's ``sslmode``; ``prefer`` is libpq's default)."""

KEYRING_SERVICE = "Agent Bill Viewer"
"""The keyring service the remembered passwords are filed under (the key: user@host:port/db)."""

_SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")
DRIVER = "postgresql+psycopg"


def is_team_url(text: str) -> bool:
    """Whether ``text`` names a PostgreSQL database (a URL) rather than a SQLite file."""
    return text.strip().lower().startswith(_SCHEMES)


@dataclass(frozen=True)
class TeamDatabase:
    """Where a team database is: its connection settings, without the password.

    Empty strings and ``port=None`` leave the part to libpq's defaults.
    """

    host: str = ""
    port: int | None = None
    database: str = ""
    user: str = ""
    sslmode: str = ""

    def url(self, password: str | None = None) -> URL:
        """The SQLAlchemy URL (``postgresql+psycopg``), with ``password`` only if given."""
        return URL.create(
            DRIVER,
            username=self.user or None,
            password=password or None,
            host=self.host or None,
            port=self.port,
            database=self.database or None,
            query={"sslmode": self.sslmode} if self.sslmode else {},
        )

    def url_text(self) -> str:
        """The URL as written in settings and shown to the user: never with a password."""
        return self.url().render_as_string(hide_password=True)

    @property
    def label(self) -> str:
        """``user@host:port/db`` (parts left to libpq's defaults are left out)."""
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port else ""
        return f"{user}{self.host or 'default host'}{port}/{self.database or 'default database'}"


def parse_team_url(text: str) -> tuple[TeamDatabase, str | None]:
    """The settings and password (if the URL holds one) of a ``postgresql://`` URL.

    Raises:
        KnownError: ``text`` is not a PostgreSQL URL, or a malformed one.
    """
    if not is_team_url(text):
        raise KnownError(
            translate("Server", "not a PostgreSQL URL: {text} (postgresql://host/dbname)").format(
                text=repr(text)
            )
        )
    try:
        url = make_url(text.strip())
    except (ArgumentError, ValueError) as exc:
        shown = text.split("@")[-1]  # whatever precedes '@' may hold a password
        raise KnownError(
            translate("Server", "malformed PostgreSQL URL …@{shown}: {error}").format(
                shown=shown, error=exc
            )
        ) from None
    return _team_from(url), url.password


def _team_from(url: URL) -> TeamDatabase:
    """The settings a PostgreSQL URL names (its password left out)."""
    sslmode = url.query.get("sslmode", "")
    return TeamDatabase(
        host=url.host or "",
        port=url.port,
        database=url.database or "",
        user=url.username or "",
        sslmode=sslmode if isinstance(sslmode, str) else sslmode[0],
    )


class PasswordStore:
    """Passwords remembered in the OS keyring, keyed by ``user@host:port/db``.

    Without a usable keyring backend (a headless Linux has none) nothing is remembered and
    ``available`` says so; the password is then asked for each time (or kept in ~/.pgpass).
    """

    def __init__(self, service: str = KEYRING_SERVICE) -> None:
        self.service = service

    def available(self) -> bool:
        """Whether a keyring backend that can store passwords is there."""
        try:
            backend = keyring.get_keyring()
            return not isinstance(backend, fail.Keyring) and float(backend.priority) > 0
        except Exception:  # noqa: BLE001 - a broken backend is no backend
            log.warning("the keyring backend cannot be used", exc_info=True)
            return False

    def get(self, team: TeamDatabase) -> str | None:
        """The remembered password of ``team``, or None."""
        if not self.available():
            return None
        try:
            return keyring.get_password(self.service, team.label)
        except keyring.errors.KeyringError as exc:
            log.warning("could not read the keyring for %s: %s", team.label, exc)
            return None

    def remember(self, team: TeamDatabase, password: str) -> None:
        """Keep ``password`` for ``team`` in the keyring.

        Raises:
            KnownError: the keyring refused it (locked, no backend).
        """
        if not self.available():
            raise KnownError(
                translate(
                    "Server", "no password store (keyring) is available: the password is not kept"
                )
            )
        try:
            keyring.set_password(self.service, team.label, password)
        except keyring.errors.KeyringError as exc:
            raise KnownError(
                translate("Server", "the keyring did not keep the password: {error}").format(
                    error=exc
                )
            ) from None

    def forget(self, team: TeamDatabase) -> None:
        """Remove the remembered password of ``team`` (none remembered: nothing happens)."""
        if not self.available():
            return
        try:
            keyring.delete_password(self.service, team.label)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            log.warning("could not forget the password of %s: %s", team.label, exc)


class TeamService:
    """Test, connect to and remember team databases (one method per user-level operation)."""

    def __init__(self, passwords: PasswordStore | None = None) -> None:
        self.passwords = passwords or PasswordStore()

    def test(self, team: TeamDatabase, password: str | None) -> str:
        """Connect once and say who answered: ``Connected to bills on db1:5432 (PostgreSQL 15.4)``.

        ``password`` None: the remembered one, else libpq's (``PGPASSWORD``, ``~/.pgpass``).

        Raises:
            DatabaseError: one line saying why not (``ServerRefusedError`` for a refused
            password, ``PasswordRequiredError`` when one is needed).
        """
        if password is None:
            password = self.passwords.get(team)
        return probe_server(team.url(password), team.label).sentence()

    def connect(
        self, team: TeamDatabase, password: str | None, *, remember: bool | None = None
    ) -> Database:
        """Open the team database (created or upgraded as ``open_database`` does).

        ``password`` None: the remembered one, else libpq's. ``remember`` True keeps a given
        password in the keyring once the server accepted it, False forgets a remembered one,
        None leaves the keyring alone.

        Raises:
            PasswordRequiredError / ServerRefusedError: ask the user for the password.
            DatabaseError: the server is down, the database missing, the schema too new...
        """
        if password is None:
            password = self.passwords.get(team)
        probe_server(team.url(password), team.label)
        try:
            db = open_database(team.url(password).render_as_string(hide_password=False))
        except KnownError as exc:
            if password and password in str(exc):  # a message never shows the password
                raise type(exc)(str(exc).replace(password, "***")) from None
            raise
        except Exception as exc:
            if password and password in str(exc):  # a bug is logged: not with the password
                shown = str(exc).replace(password, "***")
                raise RuntimeError(f"{type(exc).__name__}: {shown}") from None
            raise
        if remember and password:
            try:
                self.passwords.remember(team, password)
            except KnownError as exc:
                log.warning("%s: %s", team.label, exc)
        elif remember is False:
            self.passwords.forget(team)
        return db


def team_of(db: Database) -> TeamDatabase | None:
    """The settings of ``db`` when it is a team database (without its password), else None."""
    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        return None
    return _team_from(url)
