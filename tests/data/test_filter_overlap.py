"""The "overlapping the time window" filter: hand-made bills straddling each edge, real SQLite.

Window [08:00:00, 09:00:00). Each bill is named by where it lies; the expected sets are stated
from the rule (began before the end, and ended after the start or not ended), not read back
from the SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.criteria import where_clause
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.data.schema import bill
from viewer.demo.generator import write_csv

DAY = "2026-11-02"
BILLS: dict[str, tuple[str, str | None]] = {
    # name: (begin, end) on DAY; None = no end time (still open)
    "before": ("07:00:00", "07:30:00"),
    "ends_at_start": ("07:30:00", "08:00:00"),
    "straddles_start": ("07:50:00", "08:10:00"),
    "inside": ("08:20:00", "08:30:00"),
    "begins_at_start": ("08:00:00", "08:05:00"),
    "straddles_end": ("08:50:00", "09:10:00"),
    "spans_window": ("07:00:00", "10:00:00"),
    "begins_at_end": ("09:00:00", "09:05:00"),
    "after": ("09:30:00", "09:40:00"),
    "open_before": ("07:00:00", None),
    "open_inside": ("08:40:00", None),
    "open_after": ("09:20:00", None),
}
TEMPLATE = [
    "",
    "1075100312",
    "ECC20190815",
    "",
    "1",
    "0",
    "",
    "",
    "",
    "3",
    "65535",
    "65535",
    "5",
    "12",
    "1",
    "11",
    "10.1.1.1",
    "0",
    "0",
    "4180000",
    "",
]


@pytest.fixture(scope="module")
def edge_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("overlap")
    rows = []
    for n, (name, (begin, end)) in enumerate(BILLS.items()):
        row = list(TEMPLATE)
        row[0] = f"{n:032x}"
        row[3] = name  # the agent column carries the bill's name
        row[7] = f"{DAY} {begin}"
        row[8] = f"{DAY} {end}" if end else ""
        rows.append(row)
    write_csv(folder / "edges.csv", rows)
    db = open_database(folder / "edges.sqlite")
    report = import_paths(db, [folder / "edges.csv"])
    assert report.total("imported") == len(BILLS)
    yield db
    db.close()


def names(db: Database, f: BillFilter) -> set[str]:
    with db.engine.connect() as conn:
        rows = conn.execute(select(bill.c.agent_id).where(where_clause(f)))
        found = {r[0] for r in rows}
        assert queries.count(conn, f) == len(found)
    return found


FROM, TO = f"{DAY} 08:00:00", f"{DAY} 09:00:00"


def test_overlapping_takes_every_bill_going_on_in_the_window(edge_db: Database) -> None:
    f = BillFilter(time_from=FROM, time_to=TO, overlapping=True)
    assert names(edge_db, f) == {
        "straddles_start",
        "inside",
        "begins_at_start",
        "straddles_end",
        "spans_window",
        "open_before",
        "open_inside",
    }


def test_begins_within_stays_the_default(edge_db: Database) -> None:
    f = BillFilter(time_from=FROM, time_to=TO)
    assert not f.overlapping
    assert names(edge_db, f) == {"inside", "begins_at_start", "straddles_end", "open_inside"}


def test_overlapping_with_one_bound(edge_db: Database) -> None:
    assert names(edge_db, BillFilter(time_from=FROM, overlapping=True)) == set(BILLS) - {
        "before",
        "ends_at_start",
    }
    # began before the end: the same with or without overlapping
    before_end = set(BILLS) - {"begins_at_end", "after", "open_after"}
    assert names(edge_db, BillFilter(time_to=TO, overlapping=True)) == before_end
    assert names(edge_db, BillFilter(time_to=TO)) == before_end


def test_a_moment_is_what_was_going_on_then(edge_db: Database) -> None:
    moment = f"{DAY} 08:45:00"
    f = BillFilter(time_from=moment, time_to=moment, overlapping=True)
    assert names(edge_db, f) == {"spans_window", "open_before", "open_inside"}


def test_the_upper_bound_uses_the_begin_time_index(edge_db: Database) -> None:
    f = BillFilter(time_from=FROM, time_to=TO, overlapping=True)
    with edge_db.engine.connect() as conn:
        stmt = select(bill.c.pk).where(where_clause(f)).compile(conn)
        params = tuple(stmt.params[k] for k in stmt.positiontup or ())
        plan = " ".join(
            str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {stmt}", params)
        )
    assert "ix_bill_begin" in plan and "begin_time<?" in plan.replace(" ", ""), plan


def test_describe_says_overlapping_and_has_no_nested_brackets() -> None:
    f = BillFilter(time_from=FROM, time_to=TO, overlapping=True)
    text = f.describe()
    assert f"going on between {FROM} and {TO}" in text
    assert "not ended" in text
    assert "((" not in text and "))" not in text
    plain = BillFilter(time_from=FROM, time_to=TO).describe(time_label="as exported (tenant time)")
    assert f"begin from {FROM} to before {TO}, times as exported (tenant time)" in plain
    assert "))" not in plain


def test_overlapping_round_trips_and_old_filters_load() -> None:
    f = BillFilter(time_from=FROM, overlapping=True)
    assert BillFilter.from_json(f.to_json()) == f
    old = json.loads(BillFilter(time_from=FROM).to_json())
    del old["overlapping"]  # a saved filter / export Report of an earlier version
    loaded = BillFilter.from_dict(old)
    assert loaded == BillFilter(time_from=FROM)
    assert not loaded.overlapping


def test_overlapping_without_a_time_restricts_nothing() -> None:
    assert BillFilter(overlapping=True).is_empty
    assert not BillFilter(time_to=TO, overlapping=True).is_empty


def test_filter_with_overlapping_is_exported_and_read_back(
    edge_db: Database, tmp_path: Path
) -> None:
    from viewer.data.export.exporter import export_xlsx
    from viewer.data.export.verify import read_export_filter

    f = BillFilter(time_from=FROM, time_to=TO, overlapping=True)
    result = export_xlsx(edge_db, f, tmp_path / "o.xlsx")
    assert result.rows == 7
    assert read_export_filter(result.path) == f
