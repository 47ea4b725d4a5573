"""The export's statements compile for PostgreSQL too (no server): no SQLite-only text survives."""

from __future__ import annotations

import pytest
from sqlalchemy.dialects import postgresql

from viewer.data.export import reads

SQLITE_ONLY = ("json_extract", "rowid", "insert or", "pragma", "glob", "sqlite_master")
BUILDERS = [
    reads.labels_statement,
    reads.zone_statement,
    reads.source_names_statement,
    reads.ledger_statement,
]


def _postgresql(statement) -> str:  # noqa: ANN001
    return str(statement.compile(dialect=postgresql.dialect()))


@pytest.mark.parametrize("builder", BUILDERS, ids=lambda b: b.__name__)
def test_export_statement_compiles_for_postgresql(builder) -> None:  # noqa: ANN001
    sql = _postgresql(builder())
    assert sql.lstrip().upper().startswith("SELECT")
    lowered = sql.lower()
    assert not [word for word in SQLITE_ONLY if word in lowered], sql
    assert "?" not in sql  # PostgreSQL's parameters are named, not SQLite's question marks


def test_ledger_statement_binds_its_ids_as_a_list() -> None:
    statement = reads.ledger_statement().params(ids=[3, 1])
    sql = str(
        statement.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True})
    )
    assert "IN (3, 1)" in sql and "ORDER BY source_file.id" in sql
