"""Every statement of the browse queries, the criteria and the investigation loader compiles for
PostgreSQL (no server needed) with no SQLite-only text left in it."""

from __future__ import annotations

import re
import typing
from collections.abc import Callable
from types import ModuleType
from typing import Any

import pytest
from sqlalchemy import ClauseElement, select
from sqlalchemy.dialects import postgresql, sqlite

from viewer.core import criteria as cr
from viewer.core.filters import BillFilter
from viewer.data import criteria, investigation, queries
from viewer.data.schema import bill

EVERY = BillFilter(
    ids=(4, 2, 9),
    agents=("0107", "2231"),
    exclude_agents=("9999",),
    op_types=(3, 60),
    exclude_op_types=(27,),
    reasons=((3, 201), (0, None)),
    exclude_reasons=((60, 1), (3, None)),
    time_from="2026-11-02 08:00:00",
    time_to="2026-11-03 00:00:00",
    overlapping=True,
    call_id="1793577688-34",
    skill="101",
    media_types=(5, 53),
    text="10_12%",
    sort="duration",
    descending=True,
)
"""A filter that sets every criterion (checked below)."""

MANY = BillFilter(ids=tuple(range(1, 2000)), agents=tuple(f"{i:04d}" for i in range(1000)))
"""Lists longer than ``criteria.MAX_VARS``: passed as one JSON list."""

SQLITE_ONLY = re.compile(
    r"json_extract|json_each|\browid\b|INSERT\s+OR|PRAGMA|\bGLOB\b|\bIFNULL\b", re.IGNORECASE
)
WINDOW = investigation.Window(("0107", "2231"), 1_000, 2_000, 1_000, None)
OPEN_WINDOW = investigation.Window(None, None, 2_000, None, 2_000)
BIG_WINDOW = investigation.Window(tuple(f"{i:04d}" for i in range(1000)), 1, 2, None, None)


def _statements() -> dict[str, ClauseElement]:
    out: dict[str, ClauseElement] = {}
    for name, f in (("every", EVERY), ("many", MANY), ("none", BillFilter())):
        out[f"count_statement/{name}"] = queries.count_statement(f)
        out[f"ids_statement/{name}"] = queries.ids_statement(f)
        out[f"rows_statement/{name}"] = queries.rows_statement(f, 256)
        out[f"reason_counts_statement/{name}"] = queries.reason_counts_statement([3, 60], f)
        out[f"filter_agents_statement/{name}"] = investigation.filter_agents_statement(f)
        out[f"where_clause/{name}"] = select(bill.c.pk).where(criteria.where_clause(f))
        for column in queries.VALUE_COUNT_COLUMNS:
            out[f"value_counts_statement/{column}/{name}"] = queries.value_counts_statement(
                column, f, 10
            )
        key = (1_000, 9)
        for low in (True, False):
            out[f"page_statement/{name}/{low}"] = queries.page_statement(
                f, 256, after=(1_000, 7), offset=40, backward=not low, inclusive=low, low=low
            )
            out[f"position_statement/{name}/{low}"] = queries.position_statement(f, key, low)
        out[f"key_statement/{name}"] = queries.key_statement(f, 7)
        out[f"checkpoints_statement/{name}"] = queries.checkpoints_statement(f)
        out[f"estimate_statement/{name}"] = queries.estimate_statement(f)
        for window_name, window in (("agents", WINDOW), ("open", OPEN_WINDOW), ("big", BIG_WINDOW)):
            out[f"state_query/{name}/{window_name}"] = investigation.state_query(f, window)
    for n in (3, 2000):
        keys = list(range(n))
        out[f"rows_by_ids_statement/{n}"] = queries.rows_by_ids_statement(keys)
        out[f"briefs_statement/{n}"] = queries.briefs_statement(keys)
        out[f"bill_ids_statement/{n}"] = investigation.bill_ids_statement(keys)
    out["total_statement"] = queries.total_statement()
    out["conflicts_statement"] = queries.conflicts_statement("B1")
    out["source_statement"] = queries.source_statement(1)
    out["time_span_statement"] = queries.time_span_statement()
    out["source_names_statement"] = queries.source_names_statement()
    for key, stmt in queries.stats_statements().items():
        out[f"stats_statements/{key}"] = stmt
    before, after = investigation.edge_statements(1_000, 2_000)
    out["edge_statements/before"] = before
    out["edge_statements/after"] = after
    return out


STATEMENTS = _statements()


BUILDERS = ("state_query", "where_clause")
"""Statement builders not named ``*_statement(s)``."""


def test_the_filter_sets_every_criterion() -> None:
    assert [c.name for c in cr.CRITERIA if c.predicate(EVERY) is None] == []


def _builders(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if callable(value)
        and getattr(value, "__module__", None) == module.__name__
        and (
            name.endswith(("_statement", "_statements")) or name in ("state_query", "where_clause")
        )
    }


def test_every_statement_builder_is_compiled_here() -> None:
    builders = _builders(queries) | _builders(investigation) | _builders(criteria)
    covered = {key.split("/")[0] for key in STATEMENTS}
    assert builders == covered


def _pg(stmt: ClauseElement) -> str:
    return str(
        stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"render_postcompile": True})
    )


@pytest.mark.parametrize("key", sorted(STATEMENTS))
def test_compiles_for_postgresql_without_sqlite_text(key: str) -> None:
    text = _pg(STATEMENTS[key])
    assert text.lstrip().upper().startswith("SELECT"), text
    assert not SQLITE_ONLY.search(text), text


def test_postgresql_reads_raw_codes_with_its_json_operator() -> None:
    text = _pg(STATEMENTS["where_clause/every"])
    assert "->>" in text  # the "not used" reason looks at the exported text
    assert "json_array_elements_text" in _pg(STATEMENTS["where_clause/many"])
    assert "json_each" in str(STATEMENTS["where_clause/many"].compile(dialect=sqlite.dialect()))


@pytest.mark.parametrize("key", sorted(STATEMENTS))
def test_binds_values_as_parameters(key: str) -> None:
    """No value of the filter is pasted into the SQL text (e.g. the text search's pattern)."""
    text = str(STATEMENTS[key].compile(dialect=postgresql.dialect()))
    for value in ("0107", "10_12", "1793577688-34", "B1"):
        assert value not in text


def test_every_predicate_kind_translates() -> None:
    samples: dict[type, Callable[[], Any]] = {
        cr.OneOf: lambda: cr.OneOf("agent_id", ("a",)),
        cr.Equals: lambda: cr.Equals("call_id", "c"),
        cr.AtLeast: lambda: cr.AtLeast("begin_time", 1),
        cr.Below: lambda: cr.Below("begin_time", 2),
        cr.AfterOrOpen: lambda: cr.AfterOrOpen("end_time", 1),
        cr.Contains: lambda: cr.Contains(("phone_no",), "5"),
        cr.ReasonIs: lambda: cr.ReasonIs(3, None),
        cr.AnyOf: lambda: cr.AnyOf((cr.ReasonIs(3, 1),)),
        cr.AllOf: lambda: cr.AllOf((cr.Below("begin_time", 2),)),
        cr.Not: lambda: cr.Not(cr.Equals("skill_id", "s")),
    }
    assert set(samples) == set(typing.get_args(cr.Predicate))
    for make in samples.values():
        assert _pg(select(bill.c.pk).where(criteria.to_sql(make())))
    with pytest.raises(TypeError):
        criteria.to_sql("agent_id = 1")  # type: ignore[arg-type]
