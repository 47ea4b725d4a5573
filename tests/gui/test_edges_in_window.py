"""Issue 15 in the window: times at the edges of the range and codes kept verbatim.

The filter panel raised ``OverflowError`` for a bill at 9999-12-31 23:59:59 (its "to" edit is
one second past the last bill) and for a media type beyond 64 bits (stored as a rounded real by
earlier versions); the table and the details show a verbatim code as the file wrote it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from viewer.core.filters import BillFilter
from viewer.core.timefmt import TIME_MAX_TEXT, TIME_MIN_TEXT, to_epoch
from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.gui.bill_model import BillTableModel
from viewer.gui.filter_panel import TIME_FMT, FilterPanel
from viewer.gui.main_window import MainWindow
from viewer.gui.roles import RAW_ROLE

pytestmark = pytest.mark.gui

ONE_BILL = (
    "02019b2d4c6e8a0b1c2d3e4f5a6b7c8d,1075100312,ECC20190815,0107,1,0,,2026-11-02 08:00:05,"
    "2026-11-02 08:00:05,3,65535,201,5,12,1,4,61234,0,0,4180017,6102"
)
BASE = ONE_BILL.split(",")
TIMES = [TIME_MIN_TEXT, "2026-11-02 08:00:00", TIME_MAX_TEXT]


@pytest.fixture
def edge_db(tmp_path: Path) -> Database:
    """Bills at both ends of the range and one ordinary, whose codes are not plain integers."""
    lines = []
    for k, t in enumerate(TIMES):
        row = list(BASE)
        row[0] = f"{k:08d}9b2d4c6e8a0b1c2d3e4f5a6b"
        row[7] = row[8] = t
        if k == 1:
            row[9], row[12] = " 3 ", "9223372036854775808"  # op_type, media_type
        lines.append(",".join(row) + "\n")
    path = tmp_path / "edges.csv"
    path.write_text("".join(lines))
    db = open_database(tmp_path / "edges.sqlite")
    assert import_paths(db, [path]).total("imported") == 3
    return db


def _col(model: BillTableModel, key: str) -> int:
    return next(i for i, c in enumerate(model.columns) if c.key == key)


def test_table_shows_edge_times_and_verbatim_codes(qtbot, edge_db: Database) -> None:
    model = BillTableModel(edge_db)
    with qtbot.waitSignal(model.snapshot_ready, timeout=10_000):
        model.set_filter(BillFilter(sort="begin_time"))
    begin, op, media = _col(model, "begin_time"), _col(model, "op_type"), _col(model, "media_type")
    assert [model.index(r, begin).data() for r in range(3)] == TIMES
    assert model.index(1, op).data(RAW_ROLE) == " 3 "
    assert model.index(1, media).data(RAW_ROLE) == "9223372036854775808"
    assert model.index(1, media).data() == 'unknown media type "9223372036854775808"'
    tip = model.index(1, op).data(Qt.ItemDataRole.ToolTipRole)
    assert "raw value  3 \n" in tip and 'unknown operation type " 3 "' in tip
    assert model.index(0, op).data(RAW_ROLE) == 3
    model.close()
    edge_db.close()


def test_details_show_the_verbatim_code(qtbot, edge_db: Database, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(edge_db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    rows = [w.model.row_tuple(r) for r in range(w.model.rowCount())]
    [odd] = [r for r in rows if r is not None and r[8] == to_epoch(TIMES[1])]
    html = w.bill_details.details_html(odd)
    assert "(raw &quot;9223372036854775808&quot;)" in html or "(raw 9223372036854775808)" in html
    assert "unknown media type" in html
    w.close()
    edge_db.close()


def test_filter_panel_fills_at_the_top_of_the_range(qtbot, edge_db: Database) -> None:
    panel = FilterPanel(edge_db)
    qtbot.addWidget(panel)
    panel.reload()
    qtbot.waitUntil(lambda: panel.media.count() > 1, timeout=10_000)
    assert panel.time_from.dateTime().toString(TIME_FMT) == TIME_MIN_TEXT
    assert panel.time_to.dateTime().toString(TIME_FMT) == TIME_MAX_TEXT
    assert [panel.media.itemData(i) for i in range(panel.media.count())] == [None, 5]
    edge_db.close()


def test_filter_panel_takes_overflowing_values_stored_by_earlier_versions(
    qtbot, tmp_path: Path
) -> None:
    db = open_database(tmp_path / "old.sqlite")
    with db.engine.begin() as conn:
        for k, media in enumerate((9.223372036854776e18, 1e20, 5)):
            conn.exec_driver_sql(
                "INSERT INTO bill (bill_id, begin_time, media_type, source_id, line) "
                "VALUES (?, ?, ?, 1, ?)",
                (f"b{k}", to_epoch(TIME_MAX_TEXT) - k, media, k + 1),
            )
    panel = FilterPanel(db)
    qtbot.addWidget(panel)
    panel.reload()
    qtbot.waitUntil(lambda: panel.media.count() > 1, timeout=10_000)
    assert [panel.media.itemData(i) for i in range(panel.media.count())] == [None, 5]
    assert panel.time_to.dateTime().toString(TIME_FMT) == TIME_MAX_TEXT
    db.close()


def test_time_presets_stay_in_the_range_at_its_top(qtbot, edge_db: Database) -> None:
    """The presets "around the bill" and "a day" at 9999-12-31 raised OverflowError."""
    panel = FilterPanel(edge_db)
    qtbot.addWidget(panel)
    panel.reload()
    qtbot.waitUntil(lambda: panel.media.count() > 1, timeout=10_000)
    panel.set_selected_begin(to_epoch(TIME_MAX_TEXT))
    panel.apply_preset("around")
    shown = (_text(panel.time_from), _text(panel.time_to))
    assert shown == ("9999-12-31 23:44:59", TIME_MAX_TEXT)
    panel.apply_preset("day")
    assert (_text(panel.time_from), _text(panel.time_to)) == ("9999-12-31 23:44:59", TIME_MAX_TEXT)
    f = panel.current_filter()
    assert (f.time_from, f.time_to) == ("9999-12-31 23:44:59", TIME_MAX_TEXT)
    edge_db.close()


def _text(edit) -> str:  # noqa: ANN001 - a QDateTimeEdit
    return edit.dateTime().toString(TIME_FMT)
