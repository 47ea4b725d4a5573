"""Issue 12: Cancel answers within a second, also while one long SQLite statement runs.

The export checks its ``CancelToken`` between rows, but the database's quick check (over a second
at 1M bills) and the sort before the first row are single statements that check nothing; a
cancel must interrupt them (``CancelToken.calling``) and still end as ``Cancelled``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from viewer.core.filters import BillFilter
from viewer.core.tasks import Cancelled, CancelToken
from viewer.data.db import Database, open_database
from viewer.data.export.exporter import export_xlsx
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv


@pytest.fixture(scope="module")
def bills(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    folder = tmp_path_factory.mktemp("cancel")
    write_csv(
        folder / "b.csv", generate_bills(GeneratorConfig(agents=5, seed=4, target_bills=3000))
    )
    db = open_database(folder / "b.sqlite")
    assert import_paths(db, [folder / "b.csv"]).ok
    yield db
    db.close()


def test_calling_runs_the_callback_on_set_only_inside_its_block() -> None:
    token = CancelToken()
    calls: list[str] = []
    with token.calling(lambda: calls.append("inside")):
        assert calls == []
        token.set()
        assert calls == ["inside"]
    with token.calling(lambda: calls.append("late")):
        pass
    token.set()
    assert calls == ["inside"]
    assert token.is_set()


def test_cancel_during_the_database_check_stops_it_before_any_bill_is_read(
    bills: Database, tmp_path: Path
) -> None:
    """The cancel arrives while ``PRAGMA quick_check`` runs (set from SQLite's progress callback,
    i.e. in the middle of that statement): the check is interrupted, no bill query starts, the
    export raises ``Cancelled`` (not "the database is damaged") and leaves nothing behind."""
    cancel = CancelToken()
    after_cancel: list[str] = []
    interrupted: list[str] = []

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if cancel.is_set():
            after_cancel.append(statement)
        if "quick_check" in statement:
            conn.connection.driver_connection.set_progress_handler(during_check, 1)

    def during_check() -> int:
        if not cancel.is_set():
            cancel.set()
        return 0

    def after(conn: Any, *_args: Any) -> None:
        conn.connection.driver_connection.set_progress_handler(None, 0)

    def failed(context: Any) -> None:
        context.connection.connection.driver_connection.set_progress_handler(None, 0)
        interrupted.append(context.statement or "")

    event.listen(bills.engine, "before_cursor_execute", before)
    event.listen(bills.engine, "after_cursor_execute", after)
    event.listen(bills.engine, "handle_error", failed)
    try:
        out = tmp_path / "c.xlsx"
        with pytest.raises(Cancelled):
            export_xlsx(bills, BillFilter(), out, cancel=cancel)
    finally:
        event.remove(bills.engine, "before_cursor_execute", before)
        event.remove(bills.engine, "after_cursor_execute", after)
        event.remove(bills.engine, "handle_error", failed)
    assert cancel.is_set()
    assert any("quick_check" in s for s in interrupted), interrupted
    assert not [s for s in after_cancel if "FROM bill" in s], after_cancel
    assert list(tmp_path.iterdir()) == []
    # the connection went back to the pool usable: the next export completes
    export_xlsx(bills, BillFilter(), tmp_path / "d.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == ["d.xlsx"]


def test_cancel_during_the_sort_stops_the_bill_query_at_once(
    bills: Database, tmp_path: Path
) -> None:
    """The cancel arrives while the ordered bill query computes its first rows: SQLite runs
    almost nothing more of it (before: the query went on to read the 1,000-row sample of the
    column widths, thousands of SQLite steps, before the next check of the token)."""
    cancel = CancelToken()
    steps_after_cancel = [0]

    def before(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if "FROM bill " in " ".join(statement.split()) and "ORDER BY" in statement:
            conn.connection.driver_connection.set_progress_handler(during_query, 1)

    def during_query() -> int:
        if cancel.is_set():
            steps_after_cancel[0] += 1
        else:
            cancel.set()
        return 0

    def failed(context: Any) -> None:
        context.connection.connection.driver_connection.set_progress_handler(None, 0)

    event.listen(bills.engine, "before_cursor_execute", before)
    event.listen(bills.engine, "handle_error", failed)
    try:
        with pytest.raises(Cancelled):
            export_xlsx(bills, BillFilter(), tmp_path / "c.xlsx", cancel=cancel)
    finally:
        event.remove(bills.engine, "before_cursor_execute", before)
        event.remove(bills.engine, "handle_error", failed)
    assert cancel.is_set()
    # SQLite looks at the interrupt at its loops' steps: a few dozen steps (before: ~58,000)
    assert steps_after_cancel[0] < 1000, steps_after_cancel
    assert list(tmp_path.iterdir()) == []
