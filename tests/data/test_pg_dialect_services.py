"""The statements of site labels, saved filters and the time zone compile for PostgreSQL.

No server: each statement builder of ``viewer.data.labels``, ``viewer.data.saved`` and
``viewer.data.zone`` is compiled with SQLAlchemy's PostgreSQL dialect, and the text must hold
nothing only SQLite understands. A builder added without a case here fails the walk below.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql, sqlite

from viewer.data import labels, saved, upsert, zone
from viewer.data.schema import meta

SQLITE_ONLY = re.compile(r"json_extract|\browid\b|INSERT\s+OR|PRAGMA|\bGLOB\b", re.IGNORECASE)

CASES: dict[str, Callable[[str], Any]] = {
    "labels.labels_statement": lambda d: labels.labels_statement(),
    "labels.set_label_statement": lambda d: labels.set_label_statement(d, 3, 201, "Meeting"),
    "labels.unset_label_statement": lambda d: labels.unset_label_statement(3, 201),
    "saved.saved_filters_statement": lambda d: saved.saved_filters_statement(),
    "saved.save_filter_statement": lambda d: saved.save_filter_statement(d, "lunch", "{}"),
    "saved.delete_filter_statement": lambda d: saved.delete_filter_statement("lunch"),
    "saved.savers_statement": lambda d: saved.savers_statement(),
    "zone.meta_value_statement": lambda d: zone.meta_value_statement("time_zone"),
    "zone.meta_set_statement": lambda d: zone.meta_set_statement(d, "time_zone", "UTC"),
}


def _builders(*modules: ModuleType) -> set[str]:
    return {
        f"{m.__name__.rsplit('.', 1)[1]}.{name}"
        for m in modules
        for name, value in vars(m).items()
        if name.endswith("_statement") and callable(value) and value.__module__ == m.__name__
    }


def test_every_statement_builder_has_a_case() -> None:
    assert _builders(labels, saved, zone) == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_statement_compiles_for_postgresql_without_sqlite_text(name: str) -> None:
    stmt = CASES[name]("postgresql")
    compiled = stmt.compile(dialect=postgresql.dialect())
    sql = str(compiled)
    assert not SQLITE_ONLY.search(sql), sql
    # Values are bound parameters (PostgreSQL's %(name)s), never pasted into the text.
    assert all(f"%({key})s" in sql for key in compiled.params), sql
    assert not any(f"'{value}'" in sql for value in compiled.params.values()), sql


@pytest.mark.parametrize(
    ("name", "conflict"),
    [
        ("labels.set_label_statement", "ON CONFLICT (op_type, code) DO UPDATE SET text = "),
        ("saved.save_filter_statement", "ON CONFLICT (name) DO UPDATE SET filter_json = "),
        ("zone.meta_set_statement", "ON CONFLICT (key) DO UPDATE SET value = "),
    ],
)
def test_upserts_replace_by_key_in_both_dialects(name: str, conflict: str) -> None:
    for dialect in (postgresql.dialect(), sqlite.dialect()):
        text = str(CASES[name](dialect.name).compile(dialect=dialect)).replace('"', "")
        sql = " ".join(text.split())
        assert sql.startswith("INSERT INTO "), sql
        assert conflict in sql and "excluded." in sql, sql


def test_an_unknown_dialect_has_no_upsert() -> None:
    with pytest.raises(ValueError, match="mysql"):
        upsert.upsert_statement("mysql", meta, {"key": "k", "value": "v"}, ("key",))
