"""The main window driven as a user would: import, filter, details, copy, export, faults."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer.core.filters import BillFilter
from viewer.core.records import ImportStatus
from viewer.data import queries
from viewer.data.db import open_database
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record message boxes instead of blocking on them."""
    seen: list[str] = []

    def record(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        seen.append(text)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "information", record)
    return seen


def _window(qtbot, db, settings) -> MainWindow:
    w = MainWindow(db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    return w


def test_import_through_window_updates_table_and_reports(
    qtbot, tmp_path, settings, export_csv, fixtures_dir
) -> None:
    db = open_database(tmp_path / "w.sqlite")
    w = _window(qtbot, db, settings)
    assert w.model.rowCount() == 0
    with qtbot.waitSignal(w.import_finished, timeout=20_000) as blocker:
        w.import_paths([export_csv, fixtures_dir / "bad_lines.csv"])
    report = blocker.args[0]
    assert [f.status for f in report.files] == [ImportStatus.IMPORTED, ImportStatus.IMPORTED]
    qtbot.waitUntil(lambda: w.model.rowCount() == 3004, timeout=10_000)
    assert "3,004 of 3,004 bills" in w.status_count.text()
    # The report dialog lists every rejected line with file, line, reason and raw text.
    from viewer.gui.dialogs import ImportReportDialog

    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.rejects.rowCount() == 5
    text = dialog.rejects.selection_text()
    assert text.splitlines()[0] == "File\tLine\tReason\tRaw text"
    assert "bad_lines.csv\t2\ttoo few columns" in text
    # Importing the same file again is said plainly.
    with qtbot.waitSignal(w.import_finished, timeout=20_000) as again:
        w.import_paths([export_csv])
    assert again.args[0].files[0].status == ImportStatus.ALREADY_IMPORTED
    assert "imported already" in w.statusBar().currentMessage()
    w.close()
    db.close()


def test_cancelled_import_rolls_back_the_file(qtbot, tmp_path, settings, export_csv) -> None:
    db = open_database(tmp_path / "c.sqlite")
    w = _window(qtbot, db, settings)
    import viewer.gui.main_window as mw

    real = mw.import_paths

    def slow_import(db_, paths, *, force, progress, cancel):  # noqa: ANN001
        def progress_and_cancel(done: int, total: int) -> None:
            progress(done, total)
            if done > 0:
                cancel.set()

        return real(db_, paths, force=force, progress=progress_and_cancel, cancel=cancel)

    mw.import_paths = slow_import
    try:
        w.import_paths([export_csv])
        qtbot.waitUntil(lambda: not w._runner.running, timeout=20_000)
    finally:
        mw.import_paths = real
    with db.engine.connect() as conn:
        assert queries.total_bills(conn) == 0
        assert conn.exec_driver_sql("SELECT count(*) FROM source_file").scalar() == 0
    assert "cancel" in w.statusBar().currentMessage().lower()
    w.close()
    db.close()


def test_filter_panel_drives_table_and_sentence(qtbot, filled_db, settings) -> None:
    w = _window(qtbot, filled_db, settings)
    qtbot.waitUntil(lambda: w.filters.op_types.list.count() > 0, timeout=10_000)
    # Check operation type 3 in the checklist, as a user would.
    item = next(
        w.filters.op_types.list.item(i)
        for i in range(w.filters.op_types.list.count())
        if w.filters.op_types.list.item(i).data(Qt.ItemDataRole.UserRole) == 3
    )
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000) as blocker:
        item.setCheckState(Qt.CheckState.Checked)
    f = blocker.args[0]
    assert f.op_types == (3,)
    with filled_db.engine.connect() as conn:
        expected = queries.count(conn, BillFilter(op_types=(3,)))
    qtbot.waitUntil(lambda: w.model.matching() == expected, timeout=10_000)
    assert "Busy" in w.sentence.text()
    # Exclude turns the same selection around.
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000) as blocker:
        w.filters.op_types.exclude.setChecked(True)
    assert blocker.args[0].exclude_op_types == (3,)
    qtbot.waitUntil(lambda: w.model.matching() == 3000 - expected, timeout=10_000)
    # Free text search and clearing.
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000) as blocker:
        qtbot.keyClicks(w.filters.text, "10.")
    assert blocker.args[0].text == "10."
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000) as blocker:
        w.filters.clear()
    assert blocker.args[0].restriction() == BillFilter()
    qtbot.waitUntil(lambda: w.model.matching() == 3000, timeout=10_000)
    assert w.sentence.text().startswith("All bills")
    w.close()


def test_details_copy_and_columns(qtbot, filled_db, settings) -> None:
    w = _window(qtbot, filled_db, settings)
    w.table.selectRow(5)
    row = w.model.row_tuple(5)
    html = w.details.toPlainText()
    assert str(row[1]) in html  # the bill id
    assert "Source" in html and ".csv, line" in html
    w.table.selectRow(0)
    w.copy_rows()
    copied = QApplication.clipboard().text().splitlines()
    assert copied[0].split("\t")[:2] == ["Begin", "End"]
    # Hide a column and move another: the export order follows the screen.
    agent = next(i for i, c in enumerate(w.model.columns) if c.key == "agent_id")
    hh = w.table.horizontalHeader()
    hh.moveSection(hh.visualIndex(agent), 0)
    w.table.setColumnHidden(
        next(i for i, c in enumerate(w.model.columns) if c.key == "end_time"), True
    )
    keys = w.visible_column_keys()
    assert keys[0] == "agent_id" and "end_time" not in keys
    w.close()
    # The layout persists.
    w2 = _window(qtbot, filled_db, settings)
    assert w2.visible_column_keys() == keys
    w2.close()


def test_export_from_window_matches_the_view(qtbot, filled_db, settings, tmp_path) -> None:
    w = _window(qtbot, filled_db, settings)
    w.filters.set_filter(BillFilter(op_types=(60,)))
    qtbot.waitUntil(
        lambda: (
            w.model.bill_filter.op_types == (60,)
            and w.model.has_snapshot
            and not w.model.is_loading
        ),
        timeout=10_000,
    )
    out = tmp_path / "view.xlsx"
    with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
        w.export_to(out)
    assert blocker.args[0] is not None
    wb = openpyxl.load_workbook(out)
    assert {"Bills", "Report", "Summary", "Anomalies"} <= set(wb.sheetnames)
    ws = wb["Bills"]
    assert ws.max_row - 1 == w.model.rowCount()
    header = [c.value for c in ws[1]]
    assert header[0] == "Begin"
    assert "Operation (meaning)" in header
    report_text = " ".join(str(c.value) for row in wb["Report"].iter_rows() for c in row if c.value)
    assert w.sentence.text() in report_text
    w.close()


def test_newer_or_corrupt_database_keeps_window_usable(
    qtbot, filled_db, settings, tmp_path, warnings
) -> None:
    w = _window(qtbot, filled_db, settings)
    newer = tmp_path / "newer.sqlite"
    other = open_database(newer)
    other.meta_set("schema_version", "99")
    other.close()
    assert w.switch_database(newer, create=False) is False
    assert "newer" in warnings[-1]
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    assert w.switch_database(junk, create=False) is False
    assert "not a bill database" in warnings[-1] or "damaged" in warnings[-1]
    assert w.model.rowCount() == 3000  # still showing the database it had
    w.close()


def test_two_windows_on_one_database(qtbot, tmp_path, settings, export_csv) -> None:
    a_db = open_database(tmp_path / "shared.sqlite")
    b_db = open_database(tmp_path / "shared.sqlite")
    a = _window(qtbot, a_db, settings)
    b = _window(qtbot, b_db, settings)
    with qtbot.waitSignal(a.import_finished, timeout=20_000):
        a.import_paths([export_csv])
    b.model.refresh()
    qtbot.waitUntil(lambda: b.model.matching() == 3000, timeout=10_000)
    a.close()
    b.close()
    a_db.close()
    b_db.close()


def test_switch_database_and_moment_at_bill(qtbot, filled_db, settings, tmp_path) -> None:
    w = _window(qtbot, filled_db, settings)
    w.table.selectRow(10)
    w.table.setCurrentIndex(w.model.index(10, 0))
    begin = w.model.row_tuple(10)[2 + 6]  # begin_time follows pk and six id columns
    w.moment_at_selection()
    assert w.tabs.currentWidget() is w.investigation
    assert w.investigation.moment() == begin
    old_panel = w.investigation
    assert w.switch_database(tmp_path / "empty.sqlite") is True
    assert w.investigation is not None and w.investigation is not old_panel
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    assert w.model.rowCount() == 0
    assert str(tmp_path / "empty.sqlite") in w.recent_databases()[0]
    w.close()
