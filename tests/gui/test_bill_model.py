"""The paged bill model: Qt model contract, decoding roles, snapshot and supersession."""

from __future__ import annotations

import contextlib
import csv
import sqlite3
import threading

import pytest
from PySide6.QtCore import Qt

from viewer.core.filters import BillFilter
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


# The export's 21 columns in file order (the vendor's specification), for reading a fixture.
EXPORT_COLUMNS = (
    "id", "developer_id", "account_id", "agent_id", "service_no", "skill_id", "call_id",
    "begin_time", "end_time", "op_type", "op_object", "op_cause", "media_type", "vdn_id", "cc_id",
    "agent_type", "phone_no", "callIn_out", "location_id", "logon_sn", "skillInfo_sn",
)  # fmt: skip

# The vendor's busy reasons (op_type 3) as the table shows them; 200-250 are the site's own.
BUSY_REASONS = {
    1: "Set busy by the agent",
    2: "Forced busy: call not answered",
    3: "Forced busy by an inspector",
    4: "Rest",
    5: "Phone unavailable",
    7: "Call rejected",
    **{c: f"Busy reason defined by the site (code {c})" for c in range(200, 251)},
}


def _export_rows(path) -> dict[str, dict[str, str]]:  # noqa: ANN001
    """The export's records by bill id, read with the csv module (the fixture's own data)."""
    with open(path, newline="", encoding="utf-8") as fh:
        return {r[0]: dict(zip(EXPORT_COLUMNS, r, strict=True)) for r in csv.reader(fh)}


def _stored_keys(db) -> dict[int, str]:  # noqa: ANN001
    """Row key -> bill id of every stored bill, read with plain sqlite3."""
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        return dict(conn.execute("SELECT pk, bill_id FROM bill"))


def test_rows_follow_sql_order_and_decode(qtbot, filled_db, export_csv) -> None:
    model = BillTableModel(filled_db)
    f = BillFilter(op_types=(3,), sort="begin_time", descending=True)
    _loaded(qtbot, model, f)
    export = _export_rows(export_csv)
    keys = _stored_keys(filled_db)
    # Latest first, bills of the same second by row key (descending too); the export's time
    # text sorts as the time does.
    busy = sorted(
        (
            (export[bid]["begin_time"], pk)
            for pk, bid in keys.items()
            if export[bid]["op_type"] == "3"
        ),
        reverse=True,
    )
    expected = [pk for _begin, pk in busy]
    assert len(expected) == sum(r["op_type"] == "3" for r in export.values()) > 0
    assert model.rowCount() == len(expected)
    op, reason, begin = _col(model, "op_type"), _col(model, "op_cause"), _col(model, "begin_time")
    assert [model.index(r, op).data(PK_ROLE) for r in range(model.rowCount())] == expected
    for row in range(model.rowCount()):
        source = export[keys[expected[row]]]
        cause = int(source["op_cause"])
        assert model.index(row, op).data(RAW_ROLE) == 3
        assert model.index(row, op).data() == "3 Busy"
        assert model.index(row, reason).data() == BUSY_REASONS[cause]
        assert model.index(row, reason).data(RAW_ROLE) == cause
        assert model.index(row, begin).data() == source["begin_time"]
        tip = model.index(row, reason).data(Qt.ItemDataRole.ToolTipRole)
        assert f"raw value {cause}" in tip
    model.close()


def test_unknown_codes_are_marked(qtbot, tmp_path, fixtures_dir) -> None:
    from viewer.data.db import open_database
    from viewer.data.imports.loading import import_paths

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


def _keys_of_type(db, op_type: int) -> list[int]:  # noqa: ANN001
    """Row keys of the stored bills of one op_type in the default order (begin time, row key),
    read with plain sqlite3 and a Python predicate."""
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        rows = conn.execute("SELECT begin_time, pk, op_type FROM bill").fetchall()
    return [pk for _begin, pk, op in sorted(rows) if op == op_type]


def _shown_keys(model: BillTableModel) -> list[int | None]:
    return [model.pk_at(r) for r in range(model.rowCount())]


def _model_events(model: BillTableModel) -> list[object]:
    """Everything the model tells its views from now on (resets, counts, snapshot ready)."""
    seen: list[object] = []
    model.modelReset.connect(lambda: seen.append("reset"))
    model.counts_changed.connect(lambda matching, total: seen.append(("counts", matching)))
    model.snapshot_ready.connect(lambda: seen.append("snapshot_ready"))
    return seen


def test_newer_filter_supersedes(qtbot, filled_db) -> None:
    """The older filter's result arriving after the newer one's is dropped, not shown."""
    model = BillTableModel(filled_db)
    worker = model._snapshot  # the background side: its signals carry each filter's result
    sent: list[tuple[str, tuple]] = []
    worker.preview.connect(lambda *args: sent.append(("preview", args)))
    worker.ready.connect(lambda *args: sent.append(("ready", args)))
    _loaded(qtbot, model, BillFilter(op_types=(60,)))
    qtbot.waitUntil(lambda: len(sent) == 2, timeout=10_000)
    old = list(sent)  # what the worker really delivered for the old filter, in order
    assert [kind for kind, _args in old] == ["preview", "ready"]
    _loaded(qtbot, model, BillFilter(op_types=(1,)))
    new_keys = _keys_of_type(filled_db, 1)
    assert _shown_keys(model) == new_keys
    assert 0 < len(new_keys) < old[1][1][1].count  # the ready signal's exact count
    seen = _model_events(model)

    def deliver_late() -> None:  # from another thread, as the worker sends its results
        worker.preview.emit(*old[0][1])
        worker.ready.emit(*old[1][1])

    late = threading.Thread(target=deliver_late)
    late.start()
    late.join(10)
    qtbot.wait(100)  # the queued late results reach the model
    assert seen == []
    assert _shown_keys(model) == new_keys
    assert model.has_snapshot and not model.is_loading
    assert model.matching() == len(new_keys)
    model.close()


def test_running_query_of_an_older_filter_never_replaces_the_newer(
    qtbot, filled_db, monkeypatch
) -> None:
    """An older filter's full scan ending after the newer filter is shown delivers nothing."""
    release, entered = threading.Event(), threading.Event()
    old_runs: list[threading.Thread] = []
    real_scan = queries.scan_checkpoints

    def slow_scan(conn, f, cancel_check=None):  # noqa: ANN001, ANN202
        points = real_scan(conn, f, cancel_check=cancel_check)
        if f.op_types == (60,):  # the old filter's scan ends only when the test says so
            old_runs.append(threading.current_thread())
            entered.set()
            release.wait(10)
        return points

    monkeypatch.setattr(queries, "scan_checkpoints", slow_scan)
    model = BillTableModel(filled_db)
    model.set_filter(BillFilter(op_types=(60,)))
    qtbot.waitUntil(entered.is_set, timeout=10_000)
    with qtbot.waitSignal(model.snapshot_ready, timeout=10_000):
        model.set_filter(BillFilter(op_types=(1,)))
    new_keys = _keys_of_type(filled_db, 1)
    assert _shown_keys(model) == new_keys
    seen = _model_events(model)
    from_worker: list[object] = []
    model._snapshot.preview.connect(lambda *args: from_worker.append(args))
    model._snapshot.ready.connect(lambda *args: from_worker.append(args))
    release.set()
    old_runs[0].join(10)
    assert not old_runs[0].is_alive()
    qtbot.wait(100)  # anything it queued reaches the model
    assert from_worker == []  # the superseded run stopped at its next check
    assert seen == []
    assert _shown_keys(model) == new_keys
    assert model.has_snapshot and not model.is_loading
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
