"""An export filtered by text reads through the text index, with exactly the scan's rows.

The window searched through the index (FTS5 on SQLite, ``pg_trgm`` on a team database) while
the export of the same filter scanned every bill: at millions of bills the export of a phone
number fragment took the scan's time before its first row. Both backends, a real workbook
read back.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import event

from tests.conftest import StoreBills
from tests.data.test_text_index import _bills, _needles
from viewer.core.filters import BillFilter
from viewer.data import queries, text_index
from viewer.data.db import Database
from viewer.data.export.bill_rows import EMPTY_NOTE
from viewer.data.export.exporter import export_xlsx
from viewer.data.schema import bill

KEYS = ("id", "agent_id", "begin_time")
"""The exported columns: the bill id first (it is hidden by default)."""


def _exported_ids(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        next(rows)  # the header
        return [str(r[0]) for r in rows if r[0] not in (None, EMPTY_NOTE)]
    finally:
        book.close()


@contextmanager
def _statements(db: Database) -> Iterator[list[str]]:
    """The SQL the engine sends while inside."""
    seen: list[str] = []

    def keep(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)


def _scan(db: Database, f: BillFilter) -> list[str]:
    """The bill ids of the filter's rows in its order, by the plain LIKE scan (no plan)."""
    stmt = queries.rows_statement(f).with_only_columns(bill.c.bill_id)
    with db.engine.connect() as conn:
        return [str(r[0]) for r in conn.execute(stmt)]


def test_export_of_a_text_filter_uses_the_index_and_keeps_the_scans_rows(
    any_db: Database, store_bills: StoreBills, tmp_path: Path
) -> None:
    rng = random.Random(11)
    bills = _bills(rng, 300, 0)
    store_bills(any_db, bills)
    if not any_db.is_server:
        with any_db.engine.connect() as conn:
            text_index.build(conn)
    needles = [n for n in _needles(rng, bills, 60) if len(n) >= 3 and n.isalnum()][:6]
    needles.append("#12")  # a bill id fragment: several bills, one trigram run of three
    used = 0
    for k, needle in enumerate(needles):
        f = BillFilter(text=needle)
        with any_db.engine.connect() as conn:
            planned = text_index.choose(conn, needle)
        out = tmp_path / f"text-{k}.xlsx"
        with _statements(any_db) as seen:
            export_xlsx(any_db, f, out, columns=KEYS, sign=False)
        assert _exported_ids(out) == _scan(any_db, f), needle
        used += planned is not None
        if planned is None:
            continue
        # the count and the rows: through the index (FTS5's table; the joined text pg_trgm has)
        reads = [s for s in seen if "LIKE" in s.upper()]
        marker = "bill_text" if not any_db.is_server else "x1f"
        assert len(reads) >= 2 and all(marker in s for s in reads), (needle, reads)
    assert used >= 3


@pytest.mark.parametrize("needle", ["ab", "#1"])
def test_short_needles_export_by_the_scan(
    db: Database, store_bills: StoreBills, tmp_path: Path, needle: str
) -> None:
    store_bills(db, _bills(random.Random(5), 120, 0))
    with db.engine.connect() as conn:
        text_index.build(conn)
        assert text_index.choose(conn, needle) is None
    out = tmp_path / "short.xlsx"
    export_xlsx(db, BillFilter(text=needle), out, columns=KEYS, sign=False)
    assert _exported_ids(out) == _scan(db, BillFilter(text=needle))
