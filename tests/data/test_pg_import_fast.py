"""The PostgreSQL import's fast paths (``postgres_bulk``, migration 0007), on a real server.

A file whose bills are all new is merged by one plain insert into ``bill_key`` (its unique
index the check) and its rows go in as staged; an id stored already or repeated in the file
rolls that back and the file is merged the careful way. Either way the bills must be numbered
as SQLite numbers them and counted as SQLite counts them. An importer role that does not own
``bill`` loads new months in bulk too, through the owner's functions, which refuse anything
else. Without a server these tests skip; run them with
``pg_virtualenv -t .venv/bin/python -m pytest tests/data/test_pg_import_fast.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from viewer.core.records import FileReport
from viewer.data.backend.postgres import ensure_partitions, month_start
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

LOAD_GRANT = (
    "GRANT EXECUTE ON FUNCTION bill_new_month(text), bill_attach_month(text), "
    "bill_take_pks(bigint) TO {role}"
)
"""What the README's importer role is granted beside ``bill_add_month`` (migration 0007)."""


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A fresh team database as the application makes it (migrated, no month yet)."""
    db = open_database(pg_url)
    yield db
    db.close()


@pytest.fixture
def lite(tmp_path: Path) -> Iterator[Database]:
    """A SQLite file database: the reference for numbers and counts."""
    db = open_database(tmp_path / "ref.sqlite")
    yield db
    db.close()


def rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _lines(folder: Path, bills: int, seed: int) -> tuple[str, list[str]]:
    """The header and the first ``bills`` bill lines of a generated export (one month)."""
    out = folder / f"generated-{seed}.csv"
    config = GeneratorConfig(agents=4, target_bills=bills + 200, seed=seed)
    write_csv(out, generate_bills(config), header=True)
    header, *lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) >= bills and len({line.split(",")[0] for line in lines}) == len(lines)
    assert len({line.split(",")[7][:7] for line in lines[:bills]}) == 1
    return header, lines[:bills]


def _write(path: Path, header: str, lines: list[str]) -> Path:
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _counts(fr: FileReport) -> tuple[int, int, int, int, int]:
    return (fr.rows_read, fr.imported, fr.duplicates, fr.conflicts, fr.rejected)


def _numbers(db: Database) -> list[tuple[int, int, int]]:
    """``(source, line, pk)`` of every bill, by pk: how the bills were numbered."""
    return [
        (int(s), int(line), int(pk))
        for pk, s, line in rows(db, "SELECT pk, source_id, line FROM bill ORDER BY pk")
    ]


def _import_both(lite: Database, team: Database, path: Path) -> tuple[FileReport, FileReport]:
    a = import_paths(lite, [path]).files[0]
    b = import_paths(team, [path]).files[0]
    assert a.rows_read == a.imported + a.duplicates + a.rejected
    return a, b


def test_new_bills_are_numbered_and_counted_as_on_sqlite(
    lite: Database, pg_db: Database, tmp_path: Path
) -> None:
    """A new month (attached), then a file into it (merged): rejects and a blank line in the
    middle leave no gaps in the numbers, as on SQLite."""
    header, lines = _lines(tmp_path, 600, seed=11)
    first = lines[:300]
    first[100:100] = ["not,a,bill", ""]
    a, b = _import_both(lite, pg_db, _write(tmp_path / "a.csv", header, first))
    assert _counts(b) == _counts(a) and b.rejected == 1
    second = lines[300:]
    second[50:50] = ["garbage line"]
    a, b = _import_both(lite, pg_db, _write(tmp_path / "b.csv", header, second))
    assert _counts(b) == _counts(a) and b.imported == 300
    assert _numbers(pg_db) == _numbers(lite)
    assert [pk for _, _, pk in _numbers(pg_db)] == list(range(1, 601))


def test_an_id_twice_in_a_file_or_stored_already_is_merged_as_on_sqlite(
    lite: Database, pg_db: Database, tmp_path: Path
) -> None:
    """The all-new attempt fails on the repeated id, draws no numbers, and the careful merge
    counts the copy (a conflict when its fields differ) exactly as SQLite does."""
    header, lines = _lines(tmp_path, 400, seed=12)
    changed = lines[5].split(",")
    changed[3] = "9999"  # same bill id, another agent: a conflict
    into_new_month = [*lines[:200], ",".join(changed), lines[7]]
    a, b = _import_both(lite, pg_db, _write(tmp_path / "a.csv", header, into_new_month))
    assert _counts(b) == _counts(a) == (202, 200, 2, 1, 0)
    into_old_month = [*lines[150:400], lines[0]]  # 50 + 1 stored already
    a, b = _import_both(lite, pg_db, _write(tmp_path / "b.csv", header, into_old_month))
    assert _counts(b) == _counts(a) == (251, 200, 51, 0, 0)
    assert _numbers(pg_db) == _numbers(lite)
    assert rows(pg_db, "SELECT count(*) FROM bill_key") == [(400,)]
    assert rows(pg_db, "SELECT bill_id, line FROM conflict") == rows(
        lite, "SELECT bill_id, line FROM conflict"
    )


def _owner_engine(pg_url: str) -> Any:
    return create_engine(
        pg_url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool
    )


def _importer(pg_url: str, pg_role: Callable[..., str], grant: bool) -> str:
    """An importer role's URL (the README's role; ``grant``: also the month functions)."""
    role = pg_role("importer", "imp-pw-7")
    if grant:
        owner = _owner_engine(pg_url)
        with owner.begin() as conn:
            conn.execute(text(LOAD_GRANT.format(role=role)))
        owner.dispose()
    return pg_url.replace("postgresql:///", f"postgresql://{role}:imp-pw-7@/")


def _index_shapes(db: Database, table: str) -> list[str]:
    defs = rows(db, "SELECT indexdef FROM pg_indexes WHERE tablename = :t", t=table)
    return sorted(d.split(" USING ", 1)[1] for (d,) in defs)


def _month_made_in_the_import(db: Database, month: str) -> bool:
    """Whether the month's table was made by the transaction that stored its bills (the bulk
    load), not committed before them by ``bill_add_month`` (the ordinary merge)."""
    found = rows(
        db,
        f"SELECT c.xmin::text = (SELECT xmin::text FROM {month} LIMIT 1) "
        "FROM pg_class c WHERE c.relname = :m",
        m=month,
    )
    return bool(found and found[0][0])


@pytest.mark.parametrize("grant", [True, False], ids=["granted", "not-granted"])
def test_an_importer_role_loads_new_months_in_bulk_when_granted(
    pg_url: str, pg_role: Callable[..., str], tmp_path: Path, grant: bool
) -> None:
    header, lines = _lines(tmp_path, 500, seed=13)
    path = _write(tmp_path / "a.csv", header, lines)
    db = open_database(_importer(pg_url, pg_role, grant))
    try:
        fr = import_paths(db, [path]).files[0]
    finally:
        db.close()
    assert _counts(fr) == (500, 500, 0, 0, 0)
    owner = open_database(pg_url)
    try:
        (month,) = [
            r[0]
            for r in rows(
                owner,
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'bill'::regclass",
            )
        ]
        assert _month_made_in_the_import(owner, month) is grant
        with owner.engine.begin() as conn:
            (reference,) = ensure_partitions(conn, month_start(2031, 1), month_start(2031, 1))
        # the month is as bill_add_month makes one: owner, rights, indexes, no constraint
        same = (
            "SELECT relowner, coalesce(relacl, acldefault('r', relowner))::text, "
            "(SELECT count(*) FROM pg_constraint WHERE conrelid = c.oid AND contype = 'c') "
            "FROM pg_class c WHERE relname = :t"
        )
        assert rows(owner, same, t=month) == rows(owner, same, t=reference)
        assert _index_shapes(owner, month) == _index_shapes(owner, reference)
        assert rows(owner, "SELECT count(*), count(DISTINCT pk) FROM bill") == [(500, 500)]
    finally:
        owner.close()


def test_the_month_functions_refuse_what_they_are_not_for(
    pg_url: str, pg_role: Callable[..., str]
) -> None:
    url = _importer(pg_url, pg_role, grant=True)
    engine = create_engine(
        url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool
    )
    refused = [
        ("SELECT bill_new_month('bill; DROP TABLE bill')", "not a month partition name"),
        ("SELECT bill_new_month('bill_y2026m13')", "not a month partition name"),
        ("SELECT bill_attach_month('bill_y2026m11')", "not a month table made by"),
        ("SELECT bill_attach_month('source_file')", "not a month partition name"),
        ("SELECT bill_take_pks(10)", "without the merge lock"),
    ]
    try:
        for sql, said in refused:
            with engine.connect() as conn, pytest.raises(DBAPIError) as caught:
                conn.execute(text(sql))
            assert said in str(caught.value), sql
        with engine.begin() as conn:  # a month made, not attached: its rows cannot leave it
            conn.execute(text("SELECT bill_new_month('bill_y2026m11')"))
            with pytest.raises(DBAPIError) as caught:
                conn.execute(
                    text(
                        "INSERT INTO bill_y2026m11 (pk, bill_id, begin_time, source_id, line) "
                        "VALUES (1, 'x', 0, 1, 1)"
                    )
                )
            assert "bill_y2026m11_bounds" in str(caught.value)
    finally:
        engine.dispose()
