"""Reaching a PostgreSQL server: connect once, say who answered, or say in one line why not.

The window's "Test" button and its connect step use it before opening a team database, so a
server that is down, a refused password or a missing database is one clear sentence, never a
driver's traceback. libpq fills in what the URL leaves out (``PG*`` variables, ``~/.pgpass``,
``PGSERVICE``). The driver (psycopg 3) is reached through SQLAlchemy only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import URL, create_engine
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.pool import NullPool

from viewer.core.errors import DatabaseError
from viewer.core.i18n import translate

CONNECT_TIMEOUT = 10
"""Seconds to wait for a server before saying it does not answer."""


class ServerRefusedError(DatabaseError):
    """The server refused the user name or password (a password must be asked for again)."""


class PasswordRequiredError(ServerRefusedError):
    """The server asks for a password and none was given (none remembered, none in pgpass)."""


@dataclass(frozen=True)
class ServerInfo:
    """Who answered: the database, where (as libpq resolved it) and the server's version."""

    database: str
    host: str
    port: int
    version: str

    def sentence(self) -> str:
        """``Connected to bills on db1:5432 (PostgreSQL 15.4)``."""
        return translate(
            "Server", "Connected to {database} on {where} (PostgreSQL {version})"
        ).format(database=self.database, where=f"{self.host}:{self.port}", version=self.version)


def probe_server(url: URL, label: str, *, timeout: int = CONNECT_TIMEOUT) -> ServerInfo:
    """Connect to ``url`` once (no pool) and return who answered.

    ``label`` names the server in messages (never the password).

    Raises:
        PasswordRequiredError: the server wants a password and none was given.
        ServerRefusedError: the server refused the user or password.
        DatabaseError: anything else that kept us from connecting, in one line.
    """
    try:
        engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": timeout})
    except (NoSuchModuleError, ArgumentError, ImportError) as exc:
        raise DatabaseError(
            translate("Server", "{label}: cannot reach PostgreSQL from here ({error})").format(
                label=label, error=exc
            )
        ) from None
    try:
        with engine.connect() as conn:
            # psycopg's ConnectionInfo: the host, port and database libpq actually used
            info = conn.connection.driver_connection.info  # type: ignore[union-attr]
            version = str(info.parameter_status("server_version") or "").split(" ")[0]
            return ServerInfo(str(info.dbname), str(info.host), int(info.port), version)
    except DBAPIError as exc:
        raise connection_error(exc.orig, label, url.password) from None
    finally:
        engine.dispose()


def connection_error(exc: BaseException | None, label: str, password: str | None) -> DatabaseError:
    """One line saying why connecting to ``label`` failed (libpq's own words, shortened)."""
    raw = str(exc or translate("Server", "the connection failed"))
    if password:
        raw = raw.replace(password, "***")  # libpq never echoes it; be sure anyway
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    first = lines[0] if lines else raw
    low = raw.lower()
    if "no password supplied" in low or "password is required" in low:
        said = translate("Server", "{label}: the server asks for a password")
        return PasswordRequiredError(said.format(label=label))
    if "password authentication failed" in low or "authentication failed" in low:
        said = translate("Server", "{label}: the server refused the user name or password")
        return ServerRefusedError(said.format(label=label))
    if "connection refused" in low:
        said = translate(
            "Server", "{label}: no server answers there (connection refused); is it running?"
        )
    elif "closed the connection unexpectedly" in low or "terminating connection" in low:
        said = translate(
            "Server", "{label}: the server closed the connection (stopped or restarting?)"
        )
    elif "timeout expired" in low or "timed out" in low:
        said = translate("Server", "{label}: no answer from the server (timed out)")
    elif "could not translate host name" in low or "name or service not known" in low:
        said = translate("Server", "{label}: unknown host name")
    else:
        said = ""
    if said:
        return DatabaseError(said.format(label=label))
    # e.g. 'connection failed: connection to server at "h", port 5432 failed: FATAL:  database ...'
    reason = re.sub(r"^.*failed:\s*", "", first)
    reason = re.sub(r"^(FATAL|ERROR):\s*", "", reason).strip()
    return DatabaseError(f"{label}: {reason or first}")
