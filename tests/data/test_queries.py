"""Tests of the read queries (viewer.data.queries) on a small generated database.

Every expectation is computed in Python from the stored rows (an independent model of the
filter and of SQLite's ordering), so the tests check the SQL, not numbers copied from it.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection

from viewer.core.columns import DB_FIELDS, IDX
from viewer.core.criteria import predicates
from viewer.core.filters import SORTABLE_COLUMNS, BillFilter
from viewer.core.records import COLUMNS
from viewer.core.timefmt import from_epoch, to_epoch
from viewer.data import queries
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

Row = tuple[Any, ...]
DB_NAME = dict(zip(COLUMNS, DB_FIELDS, strict=True))
NOT_USED = (None, 65535, -1, "")


class Data:
    """The generated database and every stored row in row-key order."""

    def __init__(self, db: Database, rows: list[Row], special: list[list[str]]) -> None:
        self.db = db
        self.rows = rows
        self.special = special

    def ids(self, keep: Callable[[Row], bool]) -> set[int]:
        return {r[0] for r in self.rows if keep(r)}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Data]:
    folder = tmp_path_factory.mktemp("queries")
    config = GeneratorConfig(agents=12, seed=3, unused_minus_one=0.05, unused_empty=0.05)
    generated = list(generate_bills(config))
    write_csv(folder / "generated.csv", generated)
    # hand-made bills for the text search and the "open operation" (no end time) cases
    special = [list(generated[i]) for i in (10, 20, 30, 40, 50)]
    for k, (row, phone) in enumerate(
        zip(special, ("50%off", "a_b", "back\\slash", "5000ff", "ab"), strict=True)
    ):
        row[0] = f"ffff{k:028d}"
        row[16] = phone
    special[4][8] = ""  # still open
    conflicting = list(generated[0])
    conflicting[16] = "elsewhere"
    bad = ["x"] * 5
    write_csv(folder / "special.csv", [*special, conflicting])
    with (folder / "special.csv").open("a") as fp:
        fp.write(",".join(bad) + "\n")
    db = open_database(folder / "queries.sqlite")
    import_paths(db, [folder / "generated.csv", folder / "special.csv"])
    with db.engine.connect() as conn:
        cols = ", ".join(queries.ROW_COLUMNS)
        rows = [tuple(r) for r in conn.exec_driver_sql(f"SELECT {cols} FROM bill ORDER BY pk")]
    yield Data(db, rows, special)
    db.close()


@pytest.fixture
def conn(data: Data) -> Iterator[Connection]:
    with data.db.engine.connect() as connection:
        yield connection


def field(row: Row, name: str) -> Any:
    return row[IDX[name]]


def matched(conn: Connection, f: BillFilter) -> set[int]:
    ids = set(queries.ids_for(conn, f))
    assert queries.count(conn, f) == len(ids)
    return ids


# --- where_clause -------------------------------------------------------------------------------


def test_unrestricted(conn: Connection, data: Data) -> None:
    assert predicates(BillFilter()) == []
    assert matched(conn, BillFilter()) == data.ids(lambda r: True)
    assert queries.total_bills(conn) == len(data.rows)


def test_agents_and_excluded_agents(conn: Connection, data: Data) -> None:
    agents = sorted({field(r, "agent_id") for r in data.rows})
    pick = (agents[0], agents[3])
    assert matched(conn, BillFilter(agents=pick)) == data.ids(
        lambda r: field(r, "agent_id") in pick
    )
    assert matched(conn, BillFilter(exclude_agents=pick)) == data.ids(
        lambda r: field(r, "agent_id") not in pick
    )
    assert matched(conn, BillFilter(agents=pick, exclude_agents=pick[:1])) == data.ids(
        lambda r: field(r, "agent_id") == pick[1]
    )


def test_agent_ids_are_text(conn: Connection, data: Data) -> None:
    zero = [a for a in {field(r, "agent_id") for r in data.rows} if a.startswith("0")]
    assert zero, "the generator writes work numbers with leading zeros"
    assert matched(conn, BillFilter(agents=(zero[0],))) == data.ids(
        lambda r: field(r, "agent_id") == zero[0]
    )
    assert matched(conn, BillFilter(agents=(zero[0].lstrip("0"),))) == set()


def test_op_types(conn: Connection, data: Data) -> None:
    assert matched(conn, BillFilter(op_types=(3, 26))) == data.ids(
        lambda r: field(r, "op_type") in (3, 26)
    )
    assert matched(conn, BillFilter(exclude_op_types=(60, 27))) == data.ids(
        lambda r: field(r, "op_type") not in (60, 27)
    )


def reason_model(reasons: tuple[tuple[int, int | None], ...]) -> Callable[[Row], bool]:
    def keep(r: Row) -> bool:
        t, c = field(r, "op_type"), field(r, "op_cause")
        return any(t == rt and (c in NOT_USED if rc is None else c == rc) for rt, rc in reasons)

    return keep


def test_reasons_including_not_used(conn: Connection, data: Data) -> None:
    causes_38 = Counter(field(r, "op_cause") for r in data.rows if field(r, "op_type") == 38)
    assert {65535, -1, ""} <= set(causes_38), "every not-used marker occurs"
    reasons = ((38, None), (3, 201), (0, 258))
    keep = reason_model(reasons)
    assert matched(conn, BillFilter(reasons=reasons)) == data.ids(keep)
    assert len(data.ids(reason_model(((38, None),)))) == sum(causes_38[m] for m in (65535, -1, ""))
    assert matched(conn, BillFilter(exclude_reasons=reasons)) == data.ids(lambda r: not keep(r))
    both = BillFilter(op_types=(38, 3), exclude_reasons=((38, None),))
    assert matched(conn, both) == data.ids(
        lambda r: field(r, "op_type") in (38, 3) and not reason_model(((38, None),))(r)
    )


def test_a_reason_narrows_its_own_type_and_keeps_the_others(conn: Connection, data: Data) -> None:
    busy_201 = reason_model(((3, 201),))
    assert data.ids(busy_201), "the generator writes busy reason 201"
    rest = data.ids(lambda r: field(r, "op_type") == 26)
    assert rest
    f = BillFilter(op_types=(3, 26), reasons=((3, 201),))
    assert matched(conn, f) == rest | data.ids(busy_201)
    # The same reason with its own type ticked, or alone, is the same selection.
    assert matched(conn, BillFilter(op_types=(3,), reasons=((3, 201),))) == data.ids(busy_201)
    assert matched(conn, BillFilter(reasons=((3, 201),))) == data.ids(busy_201)
    assert queries.count(conn, f) == len(rest | data.ids(busy_201))


def test_time_range_is_inclusive_then_exclusive(conn: Connection, data: Data) -> None:
    begins = sorted(field(r, "begin_time") for r in data.rows)
    lo, hi = begins[len(begins) // 3], begins[2 * len(begins) // 3]
    assert lo < hi
    f = BillFilter(time_from=from_epoch(lo), time_to=from_epoch(hi))
    got = matched(conn, f)
    assert got == data.ids(lambda r: lo <= field(r, "begin_time") < hi)
    assert data.ids(lambda r: field(r, "begin_time") == lo) <= got
    assert not data.ids(lambda r: field(r, "begin_time") == hi) & got
    assert matched(conn, BillFilter(time_from=from_epoch(hi))) == data.ids(
        lambda r: field(r, "begin_time") >= hi
    )
    assert matched(conn, BillFilter(time_to=from_epoch(lo))) == data.ids(
        lambda r: field(r, "begin_time") < lo
    )
    assert to_epoch(from_epoch(lo)) == lo


def test_call_id_skill_and_media(conn: Connection, data: Data) -> None:
    calls = Counter(field(r, "call_id") for r in data.rows if field(r, "call_id"))
    call, n = calls.most_common(1)[0]
    assert n > 1
    assert matched(conn, BillFilter(call_id=call)) == data.ids(
        lambda r: field(r, "call_id") == call
    )
    assert matched(conn, BillFilter(skill="201")) == data.ids(
        lambda r: field(r, "skill_id") == "201"
    )
    assert matched(conn, BillFilter(media_types=(1, 53))) == data.ids(
        lambda r: field(r, "media_type") in (1, 53)
    )
    combined = BillFilter(skill="201", media_types=(53,), op_types=(60,))
    assert matched(conn, combined) == data.ids(
        lambda r: (
            field(r, "skill_id") == "201"
            and field(r, "media_type") == 53
            and field(r, "op_type") == 60
        )
    )


def text_model(text: str) -> Callable[[Row], bool]:
    low = text.lower()
    return lambda r: any(
        low in str(field(r, c)).lower() for c in queries.TEXT_COLUMNS if field(r, c) is not None
    )


@pytest.mark.parametrize(
    ("text", "phone"),
    [("%", "50%off"), ("0%o", "50%off"), ("_", "a_b"), ("a_b", "a_b"), ("\\", "back\\slash")],
)
def test_text_search_escapes_wildcards(conn: Connection, data: Data, text: str, phone: str) -> None:
    got = matched(conn, BillFilter(text=text))
    assert got == data.ids(text_model(text))
    assert {field(r, "phone_no") for r in data.rows if r[0] in got} == {phone}


def test_text_search_across_columns(conn: Connection, data: Data) -> None:
    call = next(field(r, "call_id") for r in data.rows if field(r, "call_id"))
    fragment = call[3:9]
    assert matched(conn, BillFilter(text=fragment)) == data.ids(text_model(fragment))
    bill_part = data.rows[5][IDX["bill_id"]][4:14]
    assert data.rows[5][0] in matched(conn, BillFilter(text=bill_part))


def test_explicit_ids(conn: Connection, data: Data) -> None:
    rng = random.Random(4)
    few = tuple(rng.sample([r[0] for r in data.rows], 25))
    many = tuple(rng.sample([r[0] for r in data.rows], 1500))  # more than one statement's vars
    assert matched(conn, BillFilter(ids=few)) == set(few)
    assert matched(conn, BillFilter(ids=many)) == set(many)
    assert matched(conn, BillFilter(ids=many, op_types=(60,))) == {
        r[0] for r in data.rows if r[0] in set(many) and field(r, "op_type") == 60
    }


# --- ordering --------------------------------------------------------------------------------


def sqlite_key(value: Any) -> tuple[Any, ...]:
    """SQLite's order of mixed values: NULL, then numbers, then text (binary collation)."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    return (2, value)


def sort_key(column: str) -> Callable[[Row], tuple[Any, ...]]:
    if column == "duration":

        def duration(r: Row) -> tuple[Any, ...]:
            end = field(r, "end_time")
            return (sqlite_key(None if end is None else end - field(r, "begin_time")), r[0])

        return duration
    if column == "source":
        return lambda r: (field(r, "source_id"), field(r, "line"), r[0])
    then = {"agent_id": ("begin_time",), "op_type": ("op_cause", "begin_time")}.get(column, ())
    if then:  # equal values in the order of the rest of their index
        names = (column, *then)
        return lambda r: (*(sqlite_key(field(r, n)) for n in names), r[0])
    name = DB_NAME[column]
    return lambda r: (sqlite_key(field(r, name)), r[0])


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("column", SORTABLE_COLUMNS)
def test_sort_by_every_column(conn: Connection, data: Data, column: str, descending: bool) -> None:
    f = BillFilter(sort=column, descending=descending)
    expected = [r[0] for r in sorted(data.rows, key=sort_key(column), reverse=descending)]
    assert list(queries.ids_for(conn, f)) == expected


def test_open_operations_sort_first_by_duration(conn: Connection, data: Data) -> None:
    ids = list(queries.ids_for(conn, BillFilter(sort="duration")))
    first = {r[0]: r for r in data.rows}[ids[0]]
    assert field(first, "end_time") is None
    assert field(first, "phone_no") == data.special[4][16]


def test_sorted_and_filtered(conn: Connection, data: Data) -> None:
    f = BillFilter(op_types=(60,), sort="agent_id", descending=True)
    expected = [
        r[0]
        for r in sorted(data.rows, key=sort_key("agent_id"), reverse=True)
        if field(r, "op_type") == 60
    ]
    assert list(queries.ids_for(conn, f)) == expected


def test_first_rows_and_iter_rows_follow_ids_for(conn: Connection, data: Data) -> None:
    for f in (
        BillFilter(),
        BillFilter(sort="duration", descending=True),
        BillFilter(op_types=(3, 27), sort="op_cause"),
    ):
        ids = list(queries.ids_for(conn, f))
        first = queries.first_rows(conn, f, 40)
        assert [r[0] for r in first] == ids[:40]
        assert [r[0] for r in queries.iter_rows(conn, f, batch=97)] == ids
        by_pk = {r[0]: r for r in data.rows}
        assert first == [by_pk[i] for i in ids[:40]]


def test_ids_for_checks_cancel(conn: Connection) -> None:
    calls: list[int] = []
    ids = queries.ids_for(conn, BillFilter(), cancel_check=lambda: calls.append(1))
    assert len(ids) > 0 and calls


def test_rows_by_ids_keeps_the_given_order(conn: Connection, data: Data) -> None:
    by_pk = {r[0]: r for r in data.rows}
    ids = [r[0] for r in data.rows]
    random.Random(8).shuffle(ids)
    picked = ids[:2000]  # several chunks
    got = queries.rows_by_ids(conn, picked)
    assert [r[0] for r in got] == picked
    assert got == [by_pk[i] for i in picked]
    assert queries.rows_by_ids(conn, [picked[0], 10**9, picked[1]]) == [
        by_pk[picked[0]],
        by_pk[picked[1]],
    ]
    assert queries.rows_by_ids(conn, []) == []


# --- counts and stats ------------------------------------------------------------------------


@pytest.mark.parametrize("column", ["agent_id", "op_type", "media_type", "skill_id"])
def test_value_counts(conn: Connection, data: Data, column: str) -> None:
    counts = Counter(field(r, column) for r in data.rows)
    expected = sorted(counts.items(), key=lambda kv: sqlite_key(kv[0]))
    assert queries.value_counts(conn, column) == expected
    assert queries.value_counts(conn, column, limit=3) == expected[:3]
    f = BillFilter(op_types=(60,))
    sub = Counter(field(r, column) for r in data.rows if field(r, "op_type") == 60)
    assert queries.value_counts(conn, column, f) == sorted(
        sub.items(), key=lambda kv: sqlite_key(kv[0])
    )


def test_value_counts_refuses_other_columns(conn: Connection) -> None:
    with pytest.raises(ValueError, match="phone_no"):
        queries.value_counts(conn, "phone_no")


def test_reason_counts(conn: Connection, data: Data) -> None:
    types = (3, 26, 38)
    counts = Counter(
        (field(r, "op_type"), field(r, "op_cause"))
        for r in data.rows
        if field(r, "op_type") in types
    )
    expected = sorted(
        ((t, c, n) for (t, c), n in counts.items()), key=lambda x: (x[0], sqlite_key(x[1]))
    )
    assert queries.reason_counts(conn, types) == expected
    agent = field(data.rows[0], "agent_id")
    f = BillFilter(agents=(agent,))
    sub = Counter(
        (field(r, "op_type"), field(r, "op_cause"))
        for r in data.rows
        if field(r, "op_type") in types and field(r, "agent_id") == agent
    )
    assert queries.reason_counts(conn, types, f) == sorted(
        ((t, c, n) for (t, c), n in sub.items()), key=lambda x: (x[0], sqlite_key(x[1]))
    )
    assert queries.reason_counts(conn, ()) == []


def test_stats(data: Data) -> None:
    s = queries.stats(data.db)
    begins = [field(r, "begin_time") for r in data.rows]
    assert s.bills == len(data.rows)
    assert s.agents == len({field(r, "agent_id") for r in data.rows})
    assert s.first_begin == from_epoch(min(begins))
    assert s.last_begin == from_epoch(max(begins))
    assert (s.files, s.rejects, s.conflicts) == (2, 1, 1)
    assert s.as_dict()["bills"] == s.bills


def test_stats_of_an_empty_database(tmp_path: Path) -> None:
    db = open_database(tmp_path / "empty.sqlite")
    try:
        s = queries.stats(db)
    finally:
        db.close()
    assert (s.bills, s.agents, s.files, s.rejects, s.conflicts) == (0, 0, 0, 0, 0)
    assert s.first_begin == s.last_begin == ""


def test_conflicts_and_source_of(conn: Connection, data: Data) -> None:
    [(bill_id,)] = conn.exec_driver_sql("SELECT bill_id FROM conflict").all()
    [c] = queries.conflicts_for(conn, bill_id)
    assert c["differs"] == ["phone_no"]
    assert c["fields"][16] == "elsewhere"
    assert c["path"].endswith("special.csv")
    assert c["line"] == len(data.special) + 1
    stored = next(r for r in data.rows if field(r, "bill_id") == bill_id)
    src = queries.source_of(conn, field(stored, "source_id"))
    assert src is not None and src["name"] == "generated.csv"
    assert queries.source_of(conn, 10**6) is None
