"""The paged bill model: Qt model contract, decoding roles, snapshot and supersession."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from viewer.core import codes
from viewer.core.columns import IDX
from viewer.core.filters import BillFilter
from viewer.core.timefmt import from_epoch
from viewer.data import queries
from viewer.gui.bill_model import PAGE, BillTableModel
from viewer.gui.roles import PK_ROLE, RAW_ROLE

pytestmark = pytest.mark.gui


def _col(model: BillTableModel, key: str) -> int:
    return next(i for i, c in enumerate(model.columns) if c.key == key)


def _loaded(qtbot, model: BillTableModel, f: BillFilter) -> None:
    with qtbot.waitSignal(model.snapshot_ready, timeout=10_000):
        model.set_filter(f)


def test_model_contract_and_counts(qtbot, qtmodeltester, filled_db) -> None:
    model = BillTableModel(filled_db)
    _loaded(qtbot, model, BillFilter())
    qtmodeltester.check(model)
    assert model.rowCount() == 3000
    assert model.matching() == 3000
    assert model.total == 3000
    model.close()


def test_rows_follow_sql_order_and_decode(qtbot, filled_db) -> None:
    model = BillTableModel(filled_db)
    f = BillFilter(op_types=(3,), sort="begin_time", descending=True)
    _loaded(qtbot, model, f)
    with filled_db.engine.connect() as conn:
        expected = queries.ids_for(conn, f)
        count = queries.count(conn, f)
    assert model.rowCount() == count > 0
    op, reason, begin = _col(model, "op_type"), _col(model, "op_cause"), _col(model, "begin_time")
    for row in (0, count // 2, count - 1):
        assert model.index(row, op).data(PK_ROLE) == expected[row]
        r = model.row_tuple(row)
        assert r is not None
        assert model.index(row, op).data(RAW_ROLE) == 3
        assert model.index(row, op).data() == f"3 {codes.explain_op_type(3).text}"
        cause = r[IDX["op_cause"]]
        assert model.index(row, reason).data() == codes.explain_reason(3, cause).text
        assert model.index(row, reason).data(RAW_ROLE) == cause
        assert model.index(row, begin).data() == from_epoch(r[IDX["begin_time"]])
        tip = model.index(row, reason).data(Qt.ItemDataRole.ToolTipRole)
        assert f"raw value {cause}" in tip
    model.close()


def test_unknown_codes_are_marked(qtbot, tmp_path, fixtures_dir) -> None:
    from viewer.data.db import open_database
    from viewer.data.importer import import_paths

    db = open_database(tmp_path / "u.sqlite")
    import_paths(db, [fixtures_dir / "unknown_codes.csv"])
    model = BillTableModel(db)
    _loaded(qtbot, model, BillFilter(op_types=(99,)))
    assert model.rowCount() == 1
    op = _col(model, "op_type")
    assert "unknown" in model.index(0, op).data()
    assert model.index(0, op).data(Qt.ItemDataRole.BackgroundRole) is not None
    model.close()
    db.close()


def test_site_label_shows_and_last_page_loads(qtbot, filled_db) -> None:
    from viewer.data.labels import set_label

    with filled_db.engine.connect() as conn:
        rows = queries.reason_counts(conn, [3])
    site_codes = [c for _t, c, _n in rows if isinstance(c, int) and 200 <= c <= 250]
    assert site_codes, "the generator writes site busy codes"
    set_label(filled_db, 3, site_codes[0], "Coaching")
    model = BillTableModel(filled_db)
    _loaded(qtbot, model, BillFilter(reasons=((3, site_codes[0]),)))
    reason = _col(model, "op_cause")
    assert model.index(0, reason).data() == "Coaching"
    assert model.index(0, reason).data(Qt.ItemDataRole.FontRole).italic()
    # The last row of a larger result comes from a primary-key page lookup.
    _loaded(qtbot, model, BillFilter())
    last = model.rowCount() - 1
    assert last > PAGE
    assert model.index(last, 0).data(PK_ROLE) == model.pk_at(last)
    model.close()


def test_newer_filter_supersedes(qtbot, filled_db) -> None:
    model = BillTableModel(filled_db)
    model.set_filter(BillFilter(op_types=(60,)))
    with qtbot.waitSignal(model.snapshot_ready, timeout=10_000):
        model.set_filter(BillFilter(op_types=(1,)))
    qtbot.wait(200)  # a late result of the first filter must not replace the second
    assert model.bill_filter.op_types == (1,)
    with filled_db.engine.connect() as conn:
        assert model.rowCount() == queries.count(conn, BillFilter(op_types=(1,)))
    model.close()


def test_sort_happens_in_sql(qtbot, filled_db) -> None:
    model = BillTableModel(filled_db)
    _loaded(qtbot, model, BillFilter())
    agent = _col(model, "agent_id")
    with qtbot.waitSignal(model.snapshot_ready, timeout=10_000):
        model.sort(agent, Qt.SortOrder.DescendingOrder)
    values = [model.index(r, agent).data() for r in range(model.rowCount())]
    assert values == sorted(values, reverse=True)
    assert model.bill_filter.sort == "agent_id" and model.bill_filter.descending
    model.close()


def test_copy_text_has_header_and_tabs(qtbot, filled_db) -> None:
    model = BillTableModel(filled_db)
    _loaded(qtbot, model, BillFilter())
    cols = [_col(model, "begin_time"), _col(model, "agent_id")]
    text = model.copy_text([0, 1], cols)
    lines = text.splitlines()
    assert lines[0] == "Begin\tAgent"
    assert len(lines) == 3
    assert lines[1].split("\t")[1] == model.index(0, cols[1]).data()
    model.close()
