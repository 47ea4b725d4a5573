"""The database's total is counted once per refresh, not before every filter change's first page
(a full count of 20M bills costs hundreds of milliseconds each time)."""

from __future__ import annotations

import sqlite3

from viewer.core.filters import BillFilter
from viewer.gui.bill_model import BillTableModel


def _loaded(qtbot, model: BillTableModel, f: BillFilter | None = None) -> None:  # noqa: ANN001
    with qtbot.waitSignal(model.snapshot_ready, timeout=10_000):
        if f is None:
            model.refresh()
        else:
            model.set_filter(f)


def test_a_filter_change_reuses_the_total_and_refresh_counts_again(qtbot, filled_db) -> None:
    model = BillTableModel(filled_db)
    _loaded(qtbot, model, BillFilter())
    assert model.total == 3000
    # Another process removes bills: the next filter change does not count the database again...
    with sqlite3.connect(filled_db.path) as conn:
        conn.execute("DELETE FROM bill WHERE pk <= 10")
    _loaded(qtbot, model, BillFilter(sort="end_time"))
    assert model.total == 3000
    assert model.matching() == 2990  # ...while the filter's own count is always exact
    # ...and Refresh (F5, the end of an import) does.
    _loaded(qtbot, model)
    assert model.total == 2990
    assert model.matching() == 2990
    model.close()
