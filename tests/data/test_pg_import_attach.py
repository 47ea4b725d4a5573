"""The PostgreSQL import's fast path for new months (``postgres_bulk``), on a real server.

A file whose bills all fall in months the team database has no partition for is loaded into
plain tables and attached to ``bill``: the months must end up exactly as ``bill_add_month``
makes them (partitions of ``bill``, the same indexes, owned by ``bill``'s owner), with row keys
in line order, and later imports into those months must go on with fresh row keys. Without a
server these tests skip; run them with
``pg_virtualenv -t .venv/bin/python -m pytest tests/data/test_pg_import_attach.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from viewer.data.backend.postgres import ensure_partitions, month_start
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


@pytest.fixture
def pg_db(pg_url: str) -> Iterator[Database]:
    """A fresh team database as the application makes it (migrated, no month yet)."""
    db = open_database(pg_url)
    yield db
    db.close()


def rows(db: Database, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with db.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def _export(path: Path, bills: int, seed: int) -> Path:
    """A generated export with a header row."""
    write_csv(
        path, generate_bills(GeneratorConfig(agents=6, target_bills=bills, seed=seed)), header=True
    )
    return path


def _index_shapes(db: Database, table: str) -> list[str]:
    """The table's index definitions without their names (comparable between partitions)."""
    defs = rows(db, "SELECT indexdef FROM pg_indexes WHERE tablename = :t", t=table)
    return sorted(re.sub(r"INDEX \S+ ON \S+", "INDEX ON t", d) for (d,) in defs)


def _partitions(db: Database) -> list[str]:
    return sorted(
        r[0]
        for r in rows(
            db,
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'bill'::regclass",
        )
    )


def test_new_months_are_attached_as_bill_add_month_makes_them(
    pg_db: Database, tmp_path: Path
) -> None:
    path = _export(tmp_path / "a.csv", 3000, seed=3)
    report = import_paths(pg_db, [path])
    fr = report.files[0]
    assert fr.rows_read == fr.imported + fr.duplicates + fr.rejected
    assert fr.imported > 0
    months = _partitions(pg_db)
    assert months, "no month was made"
    # a month made the ordinary way, to compare with
    with pg_db.engine.begin() as conn:
        (reference,) = ensure_partitions(conn, month_start(2031, 1), month_start(2031, 1))
    want = [d.replace(reference, "t") for d in _index_shapes(pg_db, reference)]
    assert len(want) == 7  # primary key, four indexes, the duration and the text search trigram
    owner = rows(pg_db, "SELECT relowner FROM pg_class WHERE oid = 'bill'::regclass")
    for name in months:
        assert [d.replace(name, "t") for d in _index_shapes(pg_db, name)] == want
        assert rows(pg_db, "SELECT relowner FROM pg_class WHERE relname = :n", n=name) == owner
    # row keys follow the lines of the file, every bill has its id in bill_key
    stored = rows(pg_db, "SELECT pk, line FROM bill ORDER BY pk")
    assert len(stored) == fr.imported
    assert [line for _, line in stored] == sorted(line for _, line in stored)
    assert rows(pg_db, "SELECT count(*) FROM bill_key") == [(fr.imported,)]
    assert rows(
        pg_db, "SELECT count(*) FROM bill b JOIN bill_key k USING (bill_id, begin_time)"
    ) == [(fr.imported,)]


def test_a_later_file_into_an_attached_month_gets_fresh_row_keys(
    pg_db: Database, tmp_path: Path
) -> None:
    """The first file attaches its months; the second (same months, half its bills new,
    half the first file's) merges the ordinary way: no row key used twice, counts exact."""
    first = _export(tmp_path / "a.csv", 2000, seed=5)
    report_a = import_paths(pg_db, [first])
    months = _partitions(pg_db)
    generated_a = first.read_text(encoding="utf-8").splitlines()[1:]
    second = tmp_path / "b.csv"
    other = _export(tmp_path / "other.csv", 2000, seed=6).read_text(encoding="utf-8").splitlines()
    header, other_rows = other[0], other[1:]
    months_a = {r.split(",")[7][:7] for r in generated_a}  # "2026-11"
    kept = [r for r in other_rows if r.split(",")[7][:7] in months_a]
    assert kept
    second.write_text("\n".join([header, *generated_a[::2], *kept]) + "\n", encoding="utf-8")
    report_b = import_paths(pg_db, [second])
    fb = report_b.files[0]
    assert fb.rows_read == fb.imported + fb.duplicates + fb.rejected
    assert fb.duplicates >= len(generated_a[::2])
    assert set(months) <= set(_partitions(pg_db))
    total = report_a.files[0].imported + fb.imported
    assert rows(pg_db, "SELECT count(*), count(DISTINCT pk) FROM bill") == [(total, total)]
    assert rows(pg_db, "SELECT count(*) FROM bill_key") == [(total,)]
