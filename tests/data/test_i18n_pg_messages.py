"""The team database's messages in Chinese: the backend's explanations, the Connect dialog's
Test answers and errors, URL and keyring errors. English otherwise, word for word as before.

The errors are real: psycopg's own on a port nobody listens on, a server's refusal of a wrong
password and of a viewer role's write (those need a server: run under ``pg_virtualenv -t``).
"""

from __future__ import annotations

import os
import re
import socket
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine
from sqlalchemy.exc import DBAPIError

from viewer.core.errors import DatabaseError, KnownError, ReadOnlyDatabaseError
from viewer.core.i18n import use_language
from viewer.data.backend import ErrorKind
from viewer.data.backend.postgres import POSTGRES, normalise_url
from viewer.data.db import open_database
from viewer.data.server import PasswordRequiredError, ServerRefusedError
from viewer.services.labels import LabelsService
from viewer.services.team import (
    PasswordStore,
    TeamDatabase,
    TeamService,
    parse_team_url,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
PASSWORD = "right-Horse-7731"


def in_both(make: Callable[[], str]) -> dict[str, str]:
    """What ``make`` says in English and in Chinese."""
    said = {}
    for lang in ("en", "zh_CN"):
        with use_language(lang):
            said[lang] = make()
    return said


def raised(call: Callable[[], object], kind: type[BaseException] = KnownError) -> Callable[[], str]:
    """A maker of the message ``call`` raises (``kind``)."""

    def make() -> str:
        with pytest.raises(kind) as caught:
            call()
        return str(caught.value)

    return make


def assert_chinese(said: dict[str, str]) -> None:
    assert CJK.search(said["zh_CN"]), said
    assert not CJK.search(said["en"]), said
    assert said["zh_CN"] != said["en"]
    assert "\n" not in said["zh_CN"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def refused_connection() -> DBAPIError:
    """psycopg's own error for a server that is not there (through SQLAlchemy, as the app sees)."""
    with pytest.raises(DBAPIError) as caught:
        engine = create_engine(f"postgresql+psycopg://bob@127.0.0.1:{free_port()}/bills")
        try:
            engine.connect()
        finally:
            engine.dispose()
    return caught.value


ENGLISH_START = {
    ErrorKind.UNREACHABLE: "db: cannot reach the team database (",
    ErrorKind.AUTH: "db: the server refused the login (",
    ErrorKind.READONLY: "db: this role may only read the team database; ",
    ErrorKind.FULL: "db: the database server is out of disk or memory (",
    ErrorKind.LOCKED: "db: the team database is busy with another session; try again (",
    ErrorKind.DAMAGED: "db: the server reports damaged data (",
    ErrorKind.IOERR: "db: the database server could not read or write its disk (",
}
CHINESE_START = {
    ErrorKind.UNREACHABLE: "db：无法连接团队数据库（",
    ErrorKind.AUTH: "db：服务器拒绝登录（",
    ErrorKind.READONLY: "db：此角色只能读取团队数据库；",
    ErrorKind.FULL: "db：数据库服务器的磁盘或内存已耗尽（",
    ErrorKind.LOCKED: "db：团队数据库正被另一个会话占用；请重试（",
    ErrorKind.DAMAGED: "db：服务器报告数据已损坏（",
    ErrorKind.IOERR: "db：数据库服务器无法读写其磁盘（",
}


@pytest.mark.parametrize("kind", list(ENGLISH_START))
def test_explain_says_each_kind_in_chinese_with_libpq_s_own_line(kind: ErrorKind) -> None:
    error = refused_connection()
    said = in_both(lambda: POSTGRES.explain(kind, error, "db"))
    assert said["en"].startswith(ENGLISH_START[kind])
    assert said["zh_CN"].startswith(CHINESE_START[kind])
    assert_chinese(said)
    if kind is not ErrorKind.READONLY:  # the server's own words, quoted as they are
        assert "Connection refused" in said["en"] and "Connection refused" in said["zh_CN"]


def test_a_server_that_is_not_there_is_one_chinese_line() -> None:
    url = f"postgresql://127.0.0.1:{free_port()}/bills"
    said = in_both(raised(lambda: open_database(url), DatabaseError))
    assert said["en"].startswith(f"{url}: cannot reach the team database (")
    assert said["zh_CN"].startswith(f"{url}：无法连接团队数据库（")
    assert said["zh_CN"].endswith("）；请检查服务器、网络和登录信息，然后重新连接")
    assert_chinese(said)


def test_url_errors_in_chinese() -> None:
    said = in_both(raised(lambda: normalise_url("mysql://db1/bills"), DatabaseError))
    shown = said["en"].removesuffix(": not a PostgreSQL URL")
    assert shown != said["en"] and shown.endswith("//db1/bills")
    assert said["zh_CN"] == f"{shown}：不是 PostgreSQL URL"
    said = in_both(raised(lambda: parse_team_url("db1/bills")))
    assert said["en"] == "not a PostgreSQL URL: 'db1/bills' (postgresql://host/dbname)"
    assert said["zh_CN"] == "不是 PostgreSQL URL：'db1/bills'（postgresql://host/dbname）"
    said = in_both(raised(lambda: parse_team_url("postgresql://u:pw@db1:port/x")))
    assert said["en"].startswith("malformed PostgreSQL URL …@db1:port/x: ")
    assert said["zh_CN"].startswith("格式错误的 PostgreSQL URL …@db1:port/x：")
    assert "pw" not in said["zh_CN"]


def test_the_connect_dialog_s_test_of_a_stopped_server_in_chinese(no_keyring: None) -> None:
    port = free_port()
    down = TeamDatabase("127.0.0.1", port, "bills", "bob")
    said = in_both(raised(lambda: TeamService().test(down, "pw"), DatabaseError))
    assert said["en"] == (
        f"bob@127.0.0.1:{port}/bills: no server answers there (connection refused); is it running?"
    )
    assert said["zh_CN"] == (
        f"bob@127.0.0.1:{port}/bills：该地址没有服务器应答（连接被拒绝）；服务器是否在运行？"
    )


def test_no_keyring_is_said_in_chinese(no_keyring: None) -> None:
    team = TeamDatabase("db1", 5432, "bills", "bob")
    said = in_both(raised(lambda: PasswordStore().remember(team, "pw")))
    assert said["en"] == "no password store (keyring) is available: the password is not kept"
    assert said["zh_CN"] == "没有可用的密码存储（密钥环）：密码不会被保存"


# -- with a server (pg_virtualenv -t) ---------------------------------------------------------


def test_the_test_button_answers_in_chinese(pg_server: TeamDatabase, no_keyring: None) -> None:
    said = in_both(lambda: TeamService().test(pg_server, os.environ["PGPASSWORD"]))
    where = f"{pg_server.host}:{pg_server.port}"
    assert said["en"].startswith(f"Connected to {pg_server.database} on {where} (PostgreSQL ")
    assert said["zh_CN"].startswith(f"已连接到 {where} 上的 {pg_server.database}（PostgreSQL ")
    assert_chinese(said)


def test_a_refused_or_missing_password_in_chinese(
    pg_server: TeamDatabase,
    no_keyring: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    wrong = in_both(
        raised(lambda: TeamService().test(pg_server, "not-the-password"), ServerRefusedError)
    )
    assert wrong["en"] == f"{pg_server.label}: the server refused the user name or password"
    assert wrong["zh_CN"] == f"{pg_server.label}：服务器拒绝了用户名或密码"
    monkeypatch.delenv("PGPASSWORD")
    monkeypatch.setenv("PGPASSFILE", os.devnull)
    none = in_both(raised(lambda: TeamService().test(pg_server, None), PasswordRequiredError))
    assert none["en"] == f"{pg_server.label}: the server asks for a password"
    assert none["zh_CN"] == f"{pg_server.label}：服务器要求输入密码"


def test_a_viewer_role_writing_is_told_in_chinese(pg_url: str, pg_role: Callable[..., str]) -> None:
    role = pg_role("viewer", PASSWORD)
    host = os.environ.get("PGHOST") or "localhost"
    host = "localhost" if host.startswith("/") else host
    port = os.environ.get("PGPORT") or "5432"
    database = pg_url.rsplit("/", 1)[1]
    db = open_database(f"postgresql://{role}:{PASSWORD}@{host}:{port}/{database}")
    try:
        said = in_both(raised(lambda: LabelsService(db).set(3, 202, "x"), ReadOnlyDatabaseError))
    finally:
        db.close()
    assert said["en"] == (
        f"{db.display_name}: this role may only read the team database; "
        "ask for the importer role to import or edit labels"
    )
    assert said["zh_CN"] == (
        f"{db.display_name}：此角色只能读取团队数据库；如需导入或编辑标签，请申请导入者角色"
    )
    assert PASSWORD not in said["zh_CN"]
