"""Shared fixtures: Qt offscreen, temporary databases (SQLite files, PostgreSQL), exports.

PostgreSQL: ``pg_url`` is a fresh, migrated, empty database per test on the server that the
PG* variables (or libpq's defaults) name, copied from a template migrated once per session;
``any_db`` is an opened ``Database`` on each backend in turn. Without a server the PostgreSQL
tests skip with one line saying how to run them; under ``CI=true`` a missing server fails.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import itertools  # noqa: E402
import socket  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable, Iterator, Mapping, Sequence  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import keyring  # noqa: E402
import keyring.backend  # noqa: E402
import keyring.errors  # noqa: E402
import pytest  # noqa: E402
from keyring.backends import fail  # noqa: E402
from sqlalchemy import Engine, create_engine, insert, text  # noqa: E402
from sqlalchemy.exc import OperationalError  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from viewer.data import schema  # noqa: E402
from viewer.data.db import Database, open_database  # noqa: E402
from viewer.services.team import TeamDatabase  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_DIR = ROOT / "resources" / "demo"


@pytest.fixture
def fixtures_dir() -> Path:
    """The folder of tiny synthetic export files (see tests/fixtures/README.md)."""
    return FIXTURES


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    """A fresh bill database in a temporary file."""
    database = open_database(tmp_path / "bills.sqlite")
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the real user's data folder, default database and settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("BILL_VIEWER_DB", str(home / "default.sqlite"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture(autouse=True)
def _english_unless_chosen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read English whatever the machine's locale; a test wanting Chinese says so.

    The command line follows LANGUAGE/LC_ALL/LC_MESSAGES/LANG (``viewer.core.i18n``), so a
    Chinese locale on a developer's machine must not turn the English expectations Chinese.
    """
    from viewer.core import i18n

    monkeypatch.setenv("LANGUAGE", "en")
    yield
    i18n.set_language("en")


PG_HOW = (
    "no PostgreSQL server answers: run the PostgreSQL tests inside a throwaway cluster with "
    "`pg_virtualenv .venv/bin/python -m pytest ...` (Debian's postgresql package), or set "
    "PGHOST/PGPORT/PGUSER/PGPASSWORD for a server where this user may create databases"
)
_pg_counter = itertools.count()


def pg_admin() -> Engine:
    """An autocommit engine on the server's maintenance database (CREATE/DROP DATABASE, roles)."""
    maintenance = os.environ.get("PGDATABASE") or "postgres"
    return create_engine(
        f"postgresql+psycopg:///{maintenance}",
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": 5},
        poolclass=NullPool,
    )


def pg_server_or_skip() -> None:
    """Skip the test (fail it under ``CI=true``) when no PostgreSQL server answers."""
    admin = pg_admin()
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true needs a PostgreSQL server: {str(exc.orig).splitlines()[0]}")
        pytest.skip(PG_HOW)
    finally:
        admin.dispose()


@pytest.fixture(scope="session")
def pg_template() -> Iterator[str]:
    """A database migrated to the head once per session: the template ``pg_url`` copies.

    Skips (fails under ``CI=true``) when no server answers.
    """
    pg_server_or_skip()
    name = f"bv_template_{os.getpid()}"
    admin = pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        open_database(f"postgresql:///{name}").close()
        yield name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture
def pg_url(pg_template: str) -> Iterator[str]:
    """A fresh, migrated, empty PostgreSQL database for one test: its URL (no password in it).

    ``CREATE DATABASE ... TEMPLATE`` copies the migrated template: a few tens of milliseconds.
    """
    name = f"bv_test_{os.getpid()}_{next(_pg_counter)}"
    admin = pg_admin()
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {pg_template}"))
    try:
        yield f"postgresql:///{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """An opened, empty bill database on each backend in turn (a SQLite file; a server's)."""
    if request.param == "sqlite":
        database = open_database(tmp_path / "bills.sqlite")
    else:
        database = open_database(request.getfixturevalue("pg_url"))
    yield database
    database.close()


@pytest.fixture
def pg_role(pg_url: str) -> Iterator[Callable[..., str]]:
    """Make login roles on the server for one test: ``make(kind, password)`` -> the role's name.

    ``kind`` ``"viewer"``: may connect and SELECT every table of the ``pg_url`` database (the
    README's read-only role); ``"importer"``: may also write the tables and add months
    (``bill_add_month``); ``"login"``: may only connect. Roles are dropped afterwards.
    """
    database = pg_url.rsplit("/", 1)[1]
    made: list[str] = []

    def make(kind: str, password: str) -> str:
        role = f"bv_{kind}_{os.getpid()}_{next(_pg_counter)}"
        admin = pg_admin()
        with admin.connect() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'"))
            conn.execute(text(f"GRANT CONNECT ON DATABASE {database} TO {role}"))
        admin.dispose()
        made.append(role)
        if kind in ("viewer", "importer"):
            owner = create_engine(f"postgresql+psycopg:///{database}", poolclass=NullPool)
            with owner.begin() as conn:
                conn.execute(text(f"GRANT USAGE ON SCHEMA public TO {role}"))
                conn.execute(text(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}"))
                if kind == "importer":
                    conn.execute(
                        text(
                            "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public "
                            f"TO {role};"
                            f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {role};"
                            f"GRANT EXECUTE ON FUNCTION bill_add_month(text, bigint, bigint) "
                            f"TO {role}"
                        )
                    )
            owner.dispose()
        return role

    yield make
    if not made:
        return
    names = ", ".join(made)
    owner = create_engine(f"postgresql+psycopg:///{database}", poolclass=NullPool)
    with owner.begin() as conn:
        conn.execute(text(f"DROP OWNED BY {names}"))  # the grants in the test's database
    owner.dispose()
    admin = pg_admin()
    with admin.connect() as conn:
        conn.execute(
            text(
                f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                f"WHERE usename IN ({', '.join(repr(r) for r in made)})"
            )
        )
        conn.execute(text(f"REVOKE ALL ON DATABASE {database} FROM {names}"))
        conn.execute(text(f"DROP ROLE {names}"))
    admin.dispose()


StoreBills = Callable[[Database, Sequence[Mapping[str, Any]]], None]


def _store_bills(db: Database, bills: Sequence[Mapping[str, Any]]) -> None:
    """Store ``bills`` (column -> value; ``bill_id`` and ``begin_time`` required) with Core.

    On PostgreSQL the months the bills begin in get their partitions first and their ids go into
    ``bill_key``, as an import does.
    """
    rows = [{"source_id": 1, "line": n + 1, **b} for n, b in enumerate(bills)]
    with db.engine.begin() as conn:
        if db.is_server:
            from viewer.data.backend.postgres import ensure_partitions

            times = [int(r["begin_time"]) for r in rows]
            ensure_partitions(conn, min(times), max(times))
            conn.execute(
                insert(schema.pg_bill_key),
                [{"bill_id": r["bill_id"], "begin_time": r["begin_time"]} for r in rows],
            )
        conn.execute(insert(schema.bill), rows)


@pytest.fixture
def store_bills() -> StoreBills:
    """Store bills with Core on either backend (see :func:`_store_bills`)."""
    return _store_bills


# -- team databases as the Connect dialog names them (host, port, user; keyring) ---------------

PG_SERVER_HOW = (
    "no PostgreSQL server answers (PGHOST/PGPORT): run these tests under "
    "`pg_virtualenv -t .venv/bin/python -m pytest ...`"
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring backend holding passwords in a dict (a real backend class, for tests)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """The in-memory keyring as keyring's backend for the test."""
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No usable keyring backend, as on a headless Linux."""
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def pg_server() -> TeamDatabase:
    """The server of the environment (pg_virtualenv's), as settings naming it explicitly."""
    host, port = os.environ.get("PGHOST", ""), os.environ.get("PGPORT", "")
    reachable = False
    if host and port and "PGPASSWORD" in os.environ:
        try:
            socket.create_connection((host, int(port)), timeout=2).close()
            reachable = True
        except OSError:
            pass
    if not reachable:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true: " + PG_SERVER_HOW)
        pytest.skip(PG_SERVER_HOW)
    return TeamDatabase(
        host=host,
        port=int(port),
        database=os.environ.get("PGDATABASE", "postgres"),
        user=os.environ.get("PGUSER", "postgres"),
    )


@pytest.fixture
def team_db(pg_server: TeamDatabase) -> Iterator[TeamDatabase]:
    """A fresh, empty database on the server (the application creates its tables in it)."""
    name = f"bills_{uuid.uuid4().hex[:10]}"
    admin = create_engine(pg_server.url(os.environ["PGPASSWORD"]), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    yield TeamDatabase(pg_server.host, pg_server.port, name, pg_server.user)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def no_libpq_password(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> str:
    """Neither PGPASSWORD nor a ~/.pgpass entry: the server's password only the test knows."""
    password = os.environ["PGPASSWORD"]
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no-pgpass"))
    return password
