"""SavedFiltersService: named filters kept in the database (the filter panel's saved filters)."""

from __future__ import annotations

import contextlib
import json
import sqlite3

import pytest

from viewer.core.errors import KnownError
from viewer.core.filters import BillFilter
from viewer.data.db import Database
from viewer.services.saved_filters import SavedFiltersService


def _stored(db: Database) -> dict[str, dict]:
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        rows = conn.execute("SELECT name, filter_json FROM saved_filter").fetchall()
    return {name: json.loads(text) for name, text in rows}


def test_a_saved_filter_keeps_its_criteria_not_the_selected_bills(db: Database) -> None:
    saved = SavedFiltersService(db)
    f = BillFilter(agents=("1001",), reasons=((3, 201),), ids=(5, 6, 7), text="x")
    assert saved.save("  lunch ", f) == "lunch"
    assert list(_stored(db)) == ["lunch"]
    got = saved.get("lunch")
    assert got is not None
    assert got.ids == ()
    assert (got.agents, got.reasons, got.text) == (("1001",), ((3, 201),), "x")
    assert saved.get("no such") is None


def test_names_are_sorted_and_replaced_filters_keep_one_name(db: Database) -> None:
    saved = SavedFiltersService(db)
    saved.save("b", BillFilter(op_types=(3,)))
    saved.save("a", BillFilter(op_types=(26,)))
    saved.save("b", BillFilter(op_types=(4,)))
    assert saved.names() == ["a", "b"]
    assert saved.get("b") == BillFilter(op_types=(4,))
    saved.delete("a")
    assert saved.names() == ["b"]


def test_a_blank_name_is_refused(db: Database) -> None:
    with pytest.raises(KnownError, match="needs a name"):
        SavedFiltersService(db).save("   ", BillFilter())
    assert _stored(db) == {}


def test_an_entry_that_no_longer_parses_is_left_out(db: Database) -> None:
    SavedFiltersService(db).save("good", BillFilter(op_types=(3,)))
    with contextlib.closing(sqlite3.connect(db.path)) as conn, conn:
        conn.execute("INSERT INTO saved_filter (name, filter_json) VALUES ('broken', '{not json')")
    assert SavedFiltersService(db).names() == ["good"]
