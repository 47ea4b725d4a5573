"""Value lists longer than one statement's parameters go as one JSON list: same bills selected.

Expectations are Python predicates over the rows read back with plain SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from viewer.core.filters import BillFilter
from viewer.data import investigation, queries
from viewer.data.criteria import MAX_VARS
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, list[Any]]]:
    folder = tmp_path_factory.mktemp("long-lists")
    write_csv(folder / "b.csv", list(generate_bills(GeneratorConfig(agents=12, seed=5))))
    db = open_database(folder / "b.sqlite")
    import_paths(db, [folder / "b.csv"])
    with db.engine.connect() as conn:
        rows = list(conn.exec_driver_sql("SELECT pk, agent_id FROM bill ORDER BY pk"))
    yield db, rows
    db.close()


def _fillers(n: int) -> tuple[str, ...]:
    return tuple(f"nobody-{i}" for i in range(n))


def test_many_agents_and_many_excluded_agents(stored: tuple[Database, list[Any]]) -> None:
    db, rows = stored
    agents = sorted({r[1] for r in rows})
    chosen, excluded = agents[:3], agents[:1]
    f = BillFilter(agents=(*chosen, *_fillers(MAX_VARS)))
    g = BillFilter(exclude_agents=(*excluded, *_fillers(MAX_VARS)))
    with db.engine.connect() as conn:
        assert set(queries.ids_for(conn, f)) == {r[0] for r in rows if r[1] in chosen}
        assert set(queries.ids_for(conn, g)) == {r[0] for r in rows if r[1] not in excluded}
        assert queries.count(conn, g) == sum(1 for r in rows if r[1] not in excluded)
    assert investigation.filter_agents(db, f) == chosen


def test_the_state_loader_reads_many_agents(stored: tuple[Database, list[Any]]) -> None:
    db, rows = stored
    agents = sorted({r[1] for r in rows})
    window = investigation.Window((*agents[:2], *_fillers(MAX_VARS)), None, None, None, None)
    stmt = investigation.state_query(BillFilter(), window)
    with db.engine.connect() as conn:
        got = [r[0] for r in conn.execute(stmt)]
    expected = [r[0] for r in rows if r[1] in agents[:2]]
    assert sorted(got) == sorted(expected)
    assert len(got) == len(set(got))


def test_many_row_keys(stored: tuple[Database, list[Any]]) -> None:
    db, rows = stored
    keys = [r[0] for r in rows[: MAX_VARS * 2 + 7]]
    with db.engine.connect() as conn:
        assert set(queries.ids_for(conn, BillFilter(ids=tuple(keys)))) == set(keys)
        assert [r[0] for r in queries.rows_by_ids(conn, keys)] == keys
    assert set(investigation.bill_ids_for(db, keys)) == set(keys)
