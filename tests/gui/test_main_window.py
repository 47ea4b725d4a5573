"""The main window driven as a user would: import, filter, details, copy, export, faults."""

from __future__ import annotations

import contextlib
import csv
import sqlite3
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer.core.filters import BillFilter
from viewer.core.records import ImportStatus
from viewer.data import queries
from viewer.data.db import open_database
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _switch(qtbot, w: MainWindow, path: Path, create: bool = True):
    """Switch databases and wait for the outcome: the new path, or None on failure."""
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as blocker:
        w.switch_database(path, create=create)
    return blocker.args[0]


def _window(qtbot, db, settings) -> MainWindow:
    w = MainWindow(db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    return w


def _judge_lines(path: Path) -> tuple[list[int], list[int]]:
    """The good and the bad record lines of a headerless, unquoted comma export.

    Judged by plain Python predicates (not the importer): a line is good when it is at most
    64 KiB, decodes as UTF-8 or GB18030, has at least 17 fields, a non-empty id and a
    begin_time that is a real time.
    """
    good: list[int] = []
    bad: list[int] = []
    for number, raw in enumerate(path.read_bytes().splitlines(), start=1):
        if not raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = raw.decode("gb18030")
            except UnicodeDecodeError:
                text = None
        fields = text.split(",") if text is not None else []
        try:
            ok = len(raw) <= 64 * 1024 and len(fields) >= 17 and fields[0] != ""
            ok = ok and bool(datetime.strptime(fields[7], "%Y-%m-%d %H:%M:%S"))
        except ValueError:
            ok = False
        (good if ok else bad).append(number)
    return good, bad


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
    # Expectations from the files themselves: every record of the generated export, and the
    # lines of bad_lines.csv that plain Python predicates call good.
    with open(export_csv, newline="", encoding="utf-8") as fh:
        export_records = sum(1 for _ in csv.reader(fh))
    good, bad = _judge_lines(fixtures_dir / "bad_lines.csv")
    assert export_records > 0 and good and bad
    total = export_records + len(good)
    qtbot.waitUntil(lambda: w.model.rowCount() == total, timeout=10_000)
    assert f"{total:,} of {total:,} bills" in w.status_count.text()
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        stored = conn.execute(
            "SELECT bill.line FROM bill JOIN source_file ON source_file.id = bill.source_id"
            " WHERE source_file.name = 'bad_lines.csv' ORDER BY bill.line"
        ).fetchall()
    assert [line for (line,) in stored] == good
    # The report dialog lists every rejected line with file, line, reason and raw text.
    from viewer.gui.dialogs import ImportReportDialog

    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    assert dialog.rejects.rowCount() == len(bad)
    text = dialog.rejects.selection_text()
    assert text.splitlines()[0] == "File\tLine\tReason\tRaw text"
    assert [int(r.split("\t")[1]) for r in text.splitlines()[1:]] == bad
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
    from viewer.services.imports import ImportService

    real = ImportService.import_paths

    def slow_import(service, paths, *, force, progress, cancel):  # noqa: ANN001
        def progress_and_cancel(done: int, total: int) -> None:
            progress(done, total)
            if done > 0:
                cancel.set()

        return real(service, paths, force=force, progress=progress_and_cancel, cancel=cancel)

    ImportService.import_paths = slow_import
    try:
        w.import_paths([export_csv])
        qtbot.waitUntil(lambda: not w.imports.runner.running, timeout=20_000)
    finally:
        ImportService.import_paths = real
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
    w.bill_details.copy_rows()
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
    assert _switch(qtbot, w, newer, create=False) is None
    assert "newer" in warnings[-1]
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    assert _switch(qtbot, w, junk, create=False) is None
    assert "not a bill database" in warnings[-1] or "damaged" in warnings[-1]
    assert w.model.rowCount() == 3000  # still showing the database it had
    w.close()


def test_switch_database_and_moment_at_bill(qtbot, filled_db, settings, tmp_path) -> None:
    w = _window(qtbot, filled_db, settings)
    w.table.selectRow(10)
    w.table.setCurrentIndex(w.model.index(10, 0))
    begin = w.model.row_tuple(10)[2 + 6]  # begin_time follows pk and six id columns
    w.bill_details.moment_at_selection()
    assert w.tabs.currentWidget() is w.investigation
    assert w.investigation.moment() == begin
    old_panel = w.investigation
    assert _switch(qtbot, w, tmp_path / "empty.sqlite") == tmp_path / "empty.sqlite"
    assert w.investigation is not None and w.investigation is not old_panel
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    assert w.model.rowCount() == 0
    assert str(tmp_path / "empty.sqlite") in w.recent_databases()[0]
    w.close()


def test_a_locked_database_does_not_freeze_the_window(qtbot, filled_db, settings, tmp_path) -> None:
    import sqlite3

    locked = tmp_path / "locked.sqlite"
    open_database(locked).close()
    holder = sqlite3.connect(locked, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("INSERT INTO meta(key, value) VALUES ('held', 'yes')")
    w = _window(qtbot, filled_db, settings)
    with qtbot.waitSignal(w.database_switched, timeout=30_000) as blocker:
        w.switch_database(locked, create=False)
        # The call returned while the lock is held: the window still answers, on its database.
        assert w.statusBar().currentMessage().startswith("Opening")
        assert w.model.rowCount() == 3000
        qtbot.wait(300)
        assert w.model.rowCount() == 3000
        holder.execute("ROLLBACK")
        holder.close()
    assert blocker.args[0] == locked
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    assert w.model.rowCount() == 0
    w.close()


# -- behaviours a team lead relies on ----------------------------------------------------------


def _check(checklist, value, on: bool = True) -> None:  # noqa: ANN001
    """Tick (or untick) one item of a filter checklist as a user would."""
    lst = checklist.list
    item = next(
        lst.item(i)
        for i in range(lst.count())
        if lst.item(i).data(Qt.ItemDataRole.UserRole) == value
    )
    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


def _settled(w: MainWindow) -> bool:
    return w.model.has_snapshot and not w.model.is_loading


def test_cancel_in_the_second_file_keeps_the_first_and_reports_both(
    qtbot, tmp_path, settings, export_csv
) -> None:
    second = tmp_path / "20261103101530123456_agentOprInfo_1.csv"
    from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

    write_csv(second, generate_bills(GeneratorConfig(agents=5, seed=8, target_bills=2000)))
    db = open_database(tmp_path / "c2.sqlite")
    w = _window(qtbot, db, settings)
    from viewer.services.imports import ImportService

    real = ImportService.import_paths
    first_share = 2 * export_csv.stat().st_size

    def cancel_in_second(service, paths, *, force, progress, cancel):  # noqa: ANN001
        def progress_and_cancel(done: int, total: int) -> None:
            progress(done, total)
            if done > first_share:
                w.imports.runner.cancel()  # what the progress dialog's Cancel button calls

        return real(service, paths, force=force, progress=progress_and_cancel, cancel=cancel)

    ImportService.import_paths = cancel_in_second
    try:
        with qtbot.waitSignal(w.import_finished, timeout=20_000) as blocker:
            w.import_paths([export_csv, second])
    finally:
        ImportService.import_paths = real
    report = blocker.args[0]
    assert [f.status for f in report.files] == [ImportStatus.IMPORTED, ImportStatus.CANCELLED]
    assert "rolled back" in w.statusBar().currentMessage()
    # The table and the filter lists show the first file's bills.
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == 3000, timeout=10_000)
    qtbot.waitUntil(lambda: w.filters.agents.list.count() == 6, timeout=10_000)
    assert w.filters.op_types.list.count() > 5
    w.close()
    db.close()


def test_progress_dialog_cancel_sets_the_token(qtbot, tmp_path, settings, export_csv) -> None:
    db = open_database(tmp_path / "p.sqlite")
    w = _window(qtbot, db, settings)
    w.import_paths([export_csv])
    runner = w.imports.runner
    from PySide6.QtWidgets import QPushButton

    w.imports.progress_dialog.findChild(QPushButton).click()
    assert runner.token.is_set()
    qtbot.waitUntil(lambda: not runner.running, timeout=20_000)
    w.close()
    db.close()


def test_saved_filter_comes_back_whole(qtbot, filled_db, settings, monkeypatch) -> None:
    from viewer.data.saved import save_filter

    saved = BillFilter(agents=("no-such-agent",), op_types=(26,), reasons=((3, 201),))
    save_filter(filled_db, "lunch or rest", saved)
    w = _window(qtbot, filled_db, settings)
    w.filters.reload()
    qtbot.waitUntil(lambda: w.filters.saved.count() == 1, timeout=10_000)
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000) as blocker:
        w.filters.saved.activated.emit(0)
    got = blocker.args[0]
    assert (
        got.restriction()
        == BillFilter(
            agents=("no-such-agent",), op_types=(26, 3), reasons=((3, 201),)
        ).restriction()
    )
    # Once the reason list has loaded, nothing of it was dropped, and the absent agent shows.
    qtbot.waitUntil(lambda: w.filters.reasons.list.count() > 0, timeout=10_000)
    assert w.filters.current_filter().reasons == ((3, 201),)
    texts = [w.filters.agents.list.item(i).text() for i in range(w.filters.agents.list.count())]
    assert "no-such-agent  (not in the data)" in texts
    assert "no-such-agent" in w.sentence.text() and "3:201" in w.sentence.text()
    w.close()


def test_a_reason_narrows_its_type_and_leaves_with_it(qtbot, filled_db, settings) -> None:
    w = _window(qtbot, filled_db, settings)
    qtbot.waitUntil(lambda: w.filters.op_types.list.count() > 0, timeout=10_000)
    _check(w.filters.op_types, 3)
    _check(w.filters.op_types, 26)
    qtbot.waitUntil(lambda: w.filters.reasons.list.count() > 0, timeout=10_000)
    reason = next(
        w.filters.reasons.list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(w.filters.reasons.list.count())
        if w.filters.reasons.list.item(i).data(Qt.ItemDataRole.UserRole)[0] == 3
    )
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000) as blocker:
        _check(w.filters.reasons, reason)
    f = blocker.args[0]
    with filled_db.engine.connect() as conn:
        rest = queries.count(conn, BillFilter(op_types=(26,)))
        busy = queries.count(conn, BillFilter(reasons=(reason,)))
    assert rest and busy
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == rest + busy, timeout=10_000)
    assert f.reasons == (reason,)
    # Unticking the type drops its reason at once, before the reason list reloads.
    _check(w.filters.op_types, 3, on=False)
    assert w.filters.current_filter().reasons == ()
    assert w.filters.current_filter().op_types == (26,)
    qtbot.waitUntil(lambda: _settled(w) and w.model.matching() == rest, timeout=10_000)
    assert "3:" not in w.sentence.text()
    w.close()


def test_startup_runs_one_snapshot_query(qtbot, filled_db, settings, monkeypatch) -> None:
    from viewer.gui import bill_model

    started: list[object] = []
    real = bill_model._Snapshot.start

    def counting(self, generation, f, total=None):  # noqa: ANN001
        started.append(f)
        return real(self, generation, f, total)

    monkeypatch.setattr(bill_model._Snapshot, "start", counting)
    w = _window(qtbot, filled_db, settings)
    assert len(started) == 1
    assert started[0].sort == "begin_time" and not started[0].descending
    w.close()


def test_label_change_keeps_the_selection_and_updates_details(
    qtbot, filled_db, settings, monkeypatch
) -> None:
    from viewer.data.labels import set_label

    w = _window(qtbot, filled_db, settings)
    w.filters.set_filter(BillFilter(reasons=((3, 201),)))
    qtbot.waitUntil(
        lambda: _settled(w) and w.model.bill_filter.reasons == ((3, 201),), timeout=10_000
    )
    assert w.model.rowCount() > 1
    w.table.setCurrentIndex(w.model.index(1, 0))
    pk = w.model.pk_at(1)
    assert "Coaching" not in w.details.toPlainText()
    set_label(filled_db, 3, 201, "Coaching")
    w.dialogs.labels_changed()  # what the site labels dialog's signal calls
    assert w.model.pk_at(w.table.currentIndex().row()) == pk
    reason_col = next(i for i, c in enumerate(w.model.columns) if c.key == "op_cause")
    assert "Coaching" in w.model.data(w.model.index(1, reason_col))
    assert "Coaching" in w.details.toPlainText()
    assert "Coaching" in w.sentence.text()
    w.close()


def test_two_windows_refresh_and_keep_the_selected_bill(
    qtbot, tmp_path, settings, export_csv
) -> None:
    a_db = open_database(tmp_path / "shared.sqlite")
    b_db = open_database(tmp_path / "shared.sqlite")
    a = _window(qtbot, a_db, settings)
    b = _window(qtbot, b_db, settings)
    with qtbot.waitSignal(a.import_finished, timeout=20_000):
        a.import_paths([export_csv])
    assert b.model.rowCount() == 0
    b.act_refresh.trigger()  # F5
    qtbot.waitUntil(lambda: _settled(b) and b.model.matching() == 3000, timeout=10_000)
    b.table.setCurrentIndex(b.model.index(1234, 0))
    pk = b.model.pk_at(1234)
    b.act_refresh.trigger()
    qtbot.waitUntil(lambda: _settled(b) and b.model.matching() == 3000, timeout=10_000)
    qtbot.waitUntil(lambda: b.table.currentIndex().isValid(), timeout=5_000)
    assert b.model.pk_at(b.table.currentIndex().row()) == pk
    from viewer.core.columns import IDX

    bill_id = str(b.model.row_tuple(b.table.currentIndex().row())[IDX["bill_id"]])
    assert bill_id in b.details.toPlainText()
    for w, d in ((a, a_db), (b, b_db)):
        w.close()
        d.close()


def test_drill_down_does_not_shrink_the_investigation(qtbot, filled_db, settings) -> None:
    w = _window(qtbot, filled_db, settings)
    w.tabs.setCurrentWidget(w.investigation)
    qtbot.waitUntil(lambda: w.investigation.investigation is not None, timeout=30_000)
    lanes = len(w.investigation.investigation.states)
    assert lanes == 6
    iv = next(i for s in w.investigation.investigation.states for i in s.intervals if i.bill_pks)
    w.investigation.bills_selected.emit(tuple(iv.bill_pks))
    assert w.tabs.currentIndex() == 0
    qtbot.waitUntil(
        lambda: _settled(w) and w.model.matching() == len(set(iv.bill_pks)), timeout=10_000
    )
    assert w.model.pk_at(w.table.currentIndex().row()) == iv.bill_pks[0]
    assert "selected bill" in w.sentence.text()
    w.tabs.setCurrentWidget(w.investigation)
    assert not w.investigation.is_computing  # the same scope: nothing to recompute
    assert len(w.investigation.investigation.states) == lanes
    w.close()


def test_export_dialog_adds_the_suffix_and_asks_before_replacing(
    qtbot, filled_db, settings, tmp_path, monkeypatch
) -> None:
    w = _window(qtbot, filled_db, settings)
    answers: list[str] = []

    def answer(_parent, _title, text, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        answers.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)
    target = tmp_path / "Q3 v1.2.xlsx"
    target.write_bytes(b"the auditor's copy")
    w.exports.export_to_chosen(tmp_path / "Q3 v1.2")  # typed without the suffix
    assert answers and "already exists" in answers[0]
    assert target.read_bytes() == b"the auditor's copy"
    assert w.exports.runner is None
    fresh = tmp_path / "export.2026-11"
    with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
        w.exports.export_to_chosen(fresh)
    assert blocker.args[0] is not None
    assert (tmp_path / "export.2026-11.xlsx").is_file()
    assert len(answers) == 1
    w.close()


def test_demo_and_smoke_databases_are_not_remembered(qtbot, filled_db, settings) -> None:
    w = MainWindow(filled_db, settings, remember_db=False)
    qtbot.addWidget(w)
    assert str(filled_db.path) not in w.recent_databases()
    w.close()
    w2 = MainWindow(filled_db, settings)
    qtbot.addWidget(w2)
    assert w2.recent_databases()[0] == str(filled_db.path)
    w2.close()


def test_new_database_never_empties_an_existing_file(
    qtbot, filled_db, settings, tmp_path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    w = _window(qtbot, filled_db, settings)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(filled_db.path), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as blocker:
        w.databases.new_db_dialog()
    assert blocker.args[0] == filled_db.path
    qtbot.waitUntil(lambda: _settled(w), timeout=10_000)
    assert w.model.matching() == 3000
    w.close()


def test_time_zone_is_stated_in_status_filter_and_export(
    qtbot, filled_db, settings, tmp_path
) -> None:
    w = _window(qtbot, filled_db, settings)
    assert w.status_tz.text() == "times as exported (tenant time)"
    w.dialogs.set_time_zone("Asia/Shanghai")
    assert w.status_tz.text() == "times as exported (tenant time, Asia/Shanghai)"
    w.filters.set_filter(BillFilter(time_from="2026-11-02 09:00:00"))
    qtbot.waitUntil(lambda: w.model.bill_filter.time_from is not None, timeout=5_000)
    assert ", times as exported (tenant time, Asia/Shanghai)" in w.sentence.text()
    assert "Asia/Shanghai" in w.filters.time_box.title()
    out = tmp_path / "tz.xlsx"
    with qtbot.waitSignal(w.export_finished, timeout=60_000):
        w.export_to(out)
    report = {r[0].value: r[1].value for r in openpyxl.load_workbook(out)["Report"].iter_rows()}
    assert "Asia/Shanghai" in report["Times"] and "Asia/Shanghai" in report["Filter"]
    w.dialogs.set_time_zone("")
    assert w.status_tz.text() == "times as exported (tenant time)"
    w.close()
