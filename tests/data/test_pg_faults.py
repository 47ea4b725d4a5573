"""Faults of a team database, each one clear line (no traceback, never the password).

A server that is not there, a wrong password, a viewer role writing, a connection the server
drops while browsing (reconnects). The newer schema is in test_pg_schema.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url

from viewer.core.errors import DatabaseError, ReadOnlyDatabaseError
from viewer.data import schema
from viewer.data.backend.postgres import ensure_partitions, month_start
from viewer.data.db import open_database, user_errors
from viewer.services.labels import LabelsService
from viewer.services.saved_filters import SavedFiltersService

PASSWORD = "right-Horse-7731"
WRONG = "wrong-Battery-4409"
NOV_2026 = month_start(2026, 11)


def role_url(pg_url: str, role: str, password: str) -> str:
    """``pg_url`` logged in as ``role`` over TCP (where the server asks for passwords)."""
    host = os.environ.get("PGHOST") or "localhost"
    if host.startswith("/"):
        host = "localhost"
    port = os.environ.get("PGPORT") or "5432"
    return f"postgresql://{role}:{password}@{host}:{port}/{make_url(pg_url).database}"


def test_a_server_that_is_not_there_is_one_line() -> None:
    url = "postgresql://127.0.0.1:1/bills"  # nothing listens on port 1
    with pytest.raises(DatabaseError) as info:
        open_database(url)
    message = str(info.value)
    assert message.startswith(f"{url}: cannot reach the team database (")
    assert "Connection refused" in message and "\n" not in message


def test_a_wrong_password_is_one_line_without_the_password(
    pg_url: str, pg_role: Callable[..., str]
) -> None:
    role = pg_role("viewer", PASSWORD)
    right = open_database(role_url(pg_url, role, PASSWORD), create=False)
    right.close()  # the role can log in with its password
    url = role_url(pg_url, role, WRONG)
    try:
        open_database(url)
    except DatabaseError as exc:
        error: DatabaseError = exc
    else:
        pytest.skip("this server does not ask for passwords over TCP (trust)")
    message = str(error)
    assert WRONG not in message and PASSWORD not in message
    shown = url.replace(f":{WRONG}", "")
    assert message.startswith(f"{shown}: cannot reach the team database (")
    assert "password authentication failed" in message and "\n" not in message
    assert not any(WRONG in said for said in info_chain(error))


def info_chain(exc: BaseException) -> list[str]:
    """The messages of an error and the errors it was raised from (what a log would show)."""
    out = []
    seen: BaseException | None = exc
    while seen is not None:
        out.append(str(seen))
        seen = seen.__cause__
    return out


def test_a_viewer_role_reads_and_writing_says_it_may_only_read(
    pg_url: str, pg_role: Callable[..., str]
) -> None:
    owner = open_database(pg_url)
    LabelsService(owner).set(3, 201, "Coaching")
    owner.close()
    role = pg_role("viewer", PASSWORD)
    db = open_database(role_url(pg_url, role, PASSWORD))
    try:
        assert db.readonly  # may not add bills
        assert LabelsService(db).labels() == {(3, 201): "Coaching"}
        with pytest.raises(ReadOnlyDatabaseError) as info:
            LabelsService(db).set(3, 202, "Training")
        message = str(info.value)
        assert message == (
            f"{db.display_name}: this role may only read the team database; "
            "ask for the importer role to import or edit labels"
        )
        assert PASSWORD not in message
        with pytest.raises(ReadOnlyDatabaseError, match="this role may only read"):
            SavedFiltersService(db).delete("anything")
        assert LabelsService(db).labels() == {(3, 201): "Coaching"}  # nothing written
    finally:
        db.close()


def test_a_connection_dropped_while_browsing_is_one_line_then_reconnects(pg_url: str) -> None:
    db = open_database(pg_url)
    try:
        with db.engine.connect() as conn:
            pid = conn.execute(text("SELECT pg_backend_pid()")).scalar()
            killer = open_database(pg_url)
            with killer.engine.connect() as other:
                other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            killer.close()
            with pytest.raises(DatabaseError) as info, user_errors(db.path):
                conn.execute(select(schema.bill.c.pk)).all()
        message = str(info.value)
        assert message.startswith(f"{pg_url}: cannot reach the team database (")
        assert "\n" not in message
        with db.engine.connect() as conn:  # the pool pings, drops the dead one, reconnects
            assert conn.execute(select(schema.bill.c.pk)).all() == []
    finally:
        db.close()


def test_an_importer_role_adds_months_and_a_viewer_role_may_not(
    pg_url: str, pg_role: Callable[..., str]
) -> None:
    open_database(pg_url).close()
    importer = open_database(role_url(pg_url, pg_role("importer", PASSWORD), PASSWORD))
    viewer = open_database(role_url(pg_url, pg_role("viewer", PASSWORD), PASSWORD))
    try:
        assert not importer.readonly and viewer.readonly
        with importer.engine.begin() as conn:
            made = ensure_partitions(conn, NOV_2026, NOV_2026 + 40 * 86400)
            conn.execute(
                insert(schema.bill).values(
                    bill_id="b1", begin_time=NOV_2026 + 5, source_id=1, line=1
                )
            )
        assert made == ["bill_y2026m11", "bill_y2026m12"]
        refused = pytest.raises(ReadOnlyDatabaseError, match="this role may only read")
        with refused, user_errors(viewer.path), viewer.engine.begin() as conn:
            ensure_partitions(conn, month_start(2027, 3), month_start(2027, 3))
        with viewer.engine.connect() as conn:
            assert conn.execute(select(schema.bill.c.bill_id)).scalars().all() == ["b1"]
    finally:
        importer.close()
        viewer.close()


def test_a_viewer_role_importing_gets_one_line_and_nothing_is_written(
    pg_url: str, pg_role: Any, tmp_path: Path
) -> None:
    from viewer.services.imports import ImportService

    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "crlf.csv"
    viewer = pg_role("viewer", "view-pw-1")
    url = pg_url.replace("postgresql:///", f"postgresql://{viewer}:view-pw-1@/")
    db = open_database(url)
    try:
        with pytest.raises(ReadOnlyDatabaseError) as caught:
            ImportService(db).import_paths([fixture])
    finally:
        db.close()
    message = str(caught.value)
    assert "\n" not in message and "view-pw-1" not in message
    assert "this role may only read the team database" in message
    assert "nothing was imported" in message
    owner = open_database(pg_url)
    try:
        with owner.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM bill")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM source_file")).scalar() == 0
        importer = pg_role("importer", "imp-pw-2")
    finally:
        owner.close()
    url = pg_url.replace("postgresql:///", f"postgresql://{importer}:imp-pw-2@/")
    db = open_database(url)
    try:
        report = ImportService(db).import_paths([fixture])
    finally:
        db.close()
    assert report.total("imported") > 0
