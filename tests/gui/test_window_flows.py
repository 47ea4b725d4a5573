"""The window's import, export and database flows: reports, progress, failures, read-only."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QThread, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QMessageBox, QPushButton

from viewer.core.errors import KnownError
from viewer.core.filters import BillFilter
from viewer.core.records import ImportStatus
from viewer.data import queries
from viewer.data.db import Database, open_database
from viewer.gui import workers
from viewer.gui.dialogs import ExportDoneDialog, ImportReportDialog
from viewer.gui.main_window import MainWindow
from viewer.services.export import EXPORT_PHASES

pytestmark = pytest.mark.gui

BROKEN = ("bad_lines.csv", "binary.csv", "20261102101530123456_call_1.csv")


def _settled(w: MainWindow) -> bool:
    return w.model.has_snapshot and not w.model.is_loading


def _window(qtbot, db: Database, settings: QSettings) -> MainWindow:  # noqa: ANN001
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: _settled(w), timeout=10_000)
    return w


def _reports(w: MainWindow) -> list[ImportReportDialog]:
    return [d for d in w.findChildren(ImportReportDialog) if d.isVisible()]


def _bug_boxes(w: MainWindow) -> list[QMessageBox]:
    return [b for b in w.findChildren(QMessageBox) if b.isVisible()]


# -- item 1: the quiet start-up import silences nothing after it -------------------------------


def test_after_a_quiet_startup_import_later_imports_and_export_failures_are_shown(
    qtbot, tmp_path, settings, export_csv, fixtures_dir, warnings
) -> None:
    db = open_database(tmp_path / "demo.sqlite")
    w = _window(qtbot, db, settings)
    w.quiet_reports = True  # what `bill-viewer --demo` does for its start-up import
    with qtbot.waitSignal(w.import_finished, timeout=20_000):
        w.import_paths([export_csv])
    assert _reports(w) == []  # the start-up import only speaks in the status bar
    # Ctrl+O with broken files: the report is shown.
    with qtbot.waitSignal(w.import_finished, timeout=20_000) as blocker:
        w.import_paths([fixtures_dir / name for name in BROKEN])
    assert len(blocker.args[0].files) == 3
    qtbot.waitUntil(lambda: len(_reports(w)) == 1, timeout=5_000)
    assert "2 file(s) could not be imported" in w.statusBar().currentMessage()
    # An export failure is shown too.
    with qtbot.waitSignal(w.export_finished, timeout=20_000) as exported:
        w.export_to(tmp_path / "no such folder" / "out.xlsx")
    assert exported.args[0] is None
    assert len(warnings) == 1 and "no such folder" in warnings[0]
    w.close()
    db.close()


# -- item 2: the import report ------------------------------------------------------------------


def test_import_report_shows_status_and_reason_first_with_full_paths_copyable(
    qtbot, tmp_path, fixtures_dir
) -> None:
    from viewer.data.imports.loading import import_paths

    db = open_database(tmp_path / "r.sqlite")
    # A long folder name, as real export folders have: it must not push the reason away.
    folder = tmp_path / ("exports of the contact center for november 2026 " * 3).strip()
    folder.mkdir()
    paths = [Path(shutil.copy(fixtures_dir / name, folder / name)) for name in BROKEN]
    report = import_paths(db, paths)
    db.close()
    refused = [f for f in report.files if f.status != ImportStatus.IMPORTED]
    assert len(refused) == 2 and all(f.message for f in refused)
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    dialog.show()
    table = dialog.files
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[:3] == ["File", "Status", "Reason"]
    for row, f in enumerate(report.files):
        name_item = table.item(row, 0)
        assert name_item.text() == Path(f.path).name
        assert name_item.toolTip() == f.path  # the full path
        assert table.item(row, 2).toolTip() == f.message
        assert f.path not in table.item(row, 2).text()  # said once, in the File column
        assert not f.message or table.item(row, 2).text() in f.message

    # The reason column is on screen, whole (wrapped if long), without scrolling sideways,
    # also in a narrow dialog.
    def whole() -> bool:
        width = table.viewport().width()
        return (
            table.columnViewportPosition(2) + table.columnWidth(2) <= width
            and table.horizontalScrollBar().maximum() == 0
            # every row is as tall as its wrapped lines
            and all(table.rowHeight(r) >= table.sizeHintForRow(r) for r in range(table.rowCount()))
        )

    qtbot.waitUntil(whole, timeout=5_000)
    dialog.resize(dialog.minimumWidth(), 600)
    qtbot.waitUntil(lambda: table.viewport().width() < dialog.minimumWidth(), timeout=5_000)
    qtbot.waitUntil(whole, timeout=5_000)
    assert max(table.rowHeight(r) for r in range(table.rowCount())) > table.rowHeight(0)
    # Copying gives full paths and every reason, as a spreadsheet row each.
    copied = table.selection_text().splitlines()
    assert copied[0].split("\t")[:3] == ["File", "Status", "Reason"]
    for line, f in zip(copied[1:], report.files, strict=True):
        assert line.split("\t")[0] == f.path
        assert line.split("\t")[2] == f.message
    # Rejected lines stay below, copyable with the full path.
    rejected = dialog.rejects.selection_text().splitlines()
    assert rejected[0] == "File\tLine\tReason\tRaw text"
    assert str(folder / "bad_lines.csv") + "\t2\ttoo few columns" in rejected[1]
    assert dialog.rejects.item(0, 0).text() == "bad_lines.csv"


# -- item 3: export progress, cancel, the export-finished dialog --------------------------------


def test_export_progress_is_one_bar_that_never_goes_back(
    qtbot, filled_db, settings, tmp_path, monkeypatch
) -> None:
    seen: list[tuple[int, int]] = []
    real = workers._Worker._progress

    def record(self, done: int, total: int) -> None:  # noqa: ANN001
        if QThread.currentThread().objectName() == "export":
            seen.append((done, total))  # every report the work makes, before the throttle
        real(self, done, total)

    monkeypatch.setattr(workers._Worker, "_progress", record)
    w = _window(qtbot, filled_db, settings)
    labels: list[str] = []
    with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
        w.export_to(tmp_path / "bar.xlsx")
        w.exports.runner.progress.connect(
            lambda *_: labels.append(w.exports.export_progress.labelText())
        )
    assert blocker.args[0] is not None and blocker.args[0].rows == 3000
    fractions = [done / total for done, total in seen]
    assert len(fractions) > 3
    assert fractions == sorted(fractions), fractions  # one bar: it never restarts
    states_share = EXPORT_PHASES[0][1]
    assert states_share in fractions  # the agent states fill the bar's first part, not all of it
    assert fractions[-1] >= 0.9
    assert labels and all(text.startswith("Exporting: ") for text in labels)
    w.close()


def test_phased_progress_maps_each_phase_into_its_share() -> None:
    reported: list[tuple[int, int]] = []
    bar = workers.PhasedProgress(lambda d, t: reported.append((d, t)), (("a", 0.25), ("b", 0.75)))
    a, b = bar.phase("a"), bar.phase("b", after="saving")
    a(0, 80)
    a(40, 80)
    a(80, 80)
    assert bar.words == "a, 80 of 80 rows"
    b(0, 1000)
    b(500, 1000)
    assert bar.words == "b, 500 of 1,000 rows"
    b(1000, 1000)
    assert bar.words == "saving"
    assert [d for d, _t in reported] == [0, 125, 250, 250, 625, 1000]
    assert {t for _d, t in reported} == {1000}


def test_cancelled_export_is_a_status_message_not_a_warning(
    qtbot, filled_db, settings, tmp_path, warnings
) -> None:
    import viewer.services.export as mw

    w = _window(qtbot, filled_db, settings)
    real = mw.export_xlsx

    def cancel_midway(*args, progress, cancel, **kwargs):  # noqa: ANN002, ANN003
        def progress_and_cancel(done: int, total: int) -> None:
            progress(done, total)
            if done >= 1000:
                w.exports.runner.cancel()  # what the progress dialog's Cancel button calls

        return real(*args, progress=progress_and_cancel, cancel=cancel, **kwargs)

    mw.export_xlsx = cancel_midway
    try:
        with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
            w.export_to(tmp_path / "cancelled.xlsx")
    finally:
        mw.export_xlsx = real
    assert blocker.args[0] is None
    assert not (tmp_path / "cancelled.xlsx").exists()
    assert warnings == []
    assert _bug_boxes(w) == []
    assert w.statusBar().currentMessage() == "Export cancelled; no file written."
    w.close()


def test_export_offers_to_open_the_file_or_its_folder(qtbot, filled_db, settings, tmp_path) -> None:
    w = _window(qtbot, filled_db, settings)
    opened: list[QUrl] = []
    w.exports.open_url = opened.append
    out = tmp_path / "done.xlsx"
    with qtbot.waitSignal(w.export_finished, timeout=60_000):
        w.export_to(out)
    dialogs = [d for d in w.findChildren(ExportDoneDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert "3,000 bills" in dialog.message.text() and str(out) in dialog.message.text()
    assert [b.text() for b in dialog.findChildren(QPushButton)] == [
        "Open file",
        "Open folder",
        "Close",
    ]
    dialog.open_file.click()
    assert opened == [QUrl.fromLocalFile(str(out))]
    assert not dialog.isVisible()
    with qtbot.waitSignal(w.export_finished, timeout=60_000):
        w.export_to(out, force=True)
    w.exports.export_done_dialog.open_folder.click()
    assert opened[1] == QUrl.fromLocalFile(str(tmp_path))
    with qtbot.waitSignal(w.export_finished, timeout=60_000):
        w.export_to(out, force=True)
    w.exports.export_done_dialog.close_button.click()
    assert len(opened) == 2
    w.close()


# -- item 4: read-only databases ----------------------------------------------------------------


def _drop(w: MainWindow, paths: list[Path]) -> QDropEvent:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    w.dropEvent(event)
    return event


def test_read_only_database_browses_filters_exports_and_refuses_writes(
    qtbot, filled_db, settings, tmp_path, fixtures_dir
) -> None:
    path = filled_db.path
    ro = open_database(path, readonly=True)
    w = _window(qtbot, ro, settings)
    assert w.windowTitle().endswith("(read-only)")
    for act in (
        w.imports.act_open,
        w.imports.act_open_folder,
        w.dialogs.act_labels,
        w.dialogs.act_zone,
    ):
        assert not act.isEnabled(), act.text()
    assert w.exports.act_export.isEnabled() and w.databases.act_open_db.isEnabled()
    buttons = {b.text(): b for b in w.filters.findChildren(QPushButton)}
    assert not buttons["Save…"].isEnabled() and not buttons["Delete"].isEnabled()
    assert buttons["Clear all filters"].isEnabled()
    # Browse and filter.
    assert w.model.matching() == 3000
    w.filters.set_filter(BillFilter(op_types=(60,)))
    qtbot.waitUntil(lambda: _settled(w) and w.model.bill_filter.op_types == (60,), timeout=10_000)
    shown = w.model.matching()
    assert 0 < shown < 3000
    # Export what is shown.
    out = tmp_path / "ro.xlsx"
    with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
        w.export_to(out)
    assert blocker.args[0] is not None
    assert openpyxl.load_workbook(out)["Bills"].max_row == shown + 1
    # A drop of files is refused with one clear line; nothing is imported.
    event = _drop(w, [fixtures_dir / "cols21.csv"])
    assert not event.isAccepted()
    message = w.statusBar().currentMessage()
    assert "read-only" in message and path.name in message and "\n" not in message
    assert w.imports.runner is None
    w.close()
    ro.close()
    with filled_db.engine.connect() as conn:
        assert queries.total_bills(conn) == 3000


def test_switching_to_a_database_it_may_not_write_opens_it_read_only(
    qtbot, filled_db, settings, tmp_path, monkeypatch
) -> None:
    import viewer.services.database as opening

    other = tmp_path / "shared" / "colleague.sqlite"
    other.parent.mkdir()
    open_database(other).close()
    real_access = opening.os.access

    def access(path, mode, **kwargs) -> bool:  # noqa: ANN001, ANN003
        # As on a share mounted read-only: the file and its folder are not writable.
        if mode & opening.os.W_OK and Path(path) in (other, other.parent):
            return False
        return real_access(path, mode, **kwargs)

    monkeypatch.setattr(opening.os, "access", access)
    w = _window(qtbot, filled_db, settings)
    assert not w.windowTitle().endswith("(read-only)")
    with qtbot.waitSignal(w.database_switched, timeout=20_000) as blocker:
        w.switch_database(other, create=False)
    assert blocker.args[0] == other
    assert w.windowTitle() == "Agent Bill Viewer — colleague.sqlite (read-only)"
    assert not w.imports.act_open.isEnabled() and not w.dialogs.act_labels.isEnabled()
    # Back to a writable database: everything is enabled again.
    with qtbot.waitSignal(w.database_switched, timeout=20_000):
        w.switch_database(filled_db.path, create=False)
    assert not w.windowTitle().endswith("(read-only)")
    assert (
        w.imports.act_open.isEnabled()
        and w.dialogs.act_labels.isEnabled()
        and w.dialogs.act_zone.isEnabled()
    )
    w.close()


def _unmount(target: Path) -> None:
    if subprocess.run(["umount", str(target)], capture_output=True, check=False).returncode:
        subprocess.run(["umount", "-l", str(target)], capture_output=True, check=False)


def _ro_bind_mount(source: Path, target: Path) -> bool:
    """Mount ``source`` read-only at ``target`` (root with mount rights only)."""
    target.mkdir()
    for cmd in (
        ["mount", "--bind", str(source), str(target)],
        ["mount", "-o", "remount,ro,bind", str(target)],
    ):
        if shutil.which(cmd[0]) is None:
            return False
        done = subprocess.run(cmd, capture_output=True, check=False)
        if done.returncode != 0:
            _unmount(target)
            return False
    return True


@pytest.mark.parametrize(
    ("journal", "access_knows"),
    [
        ("wal", True),
        ("delete", True),
        # os.access may say "writable" where writing fails (some network shares): opening it
        # writable fails with a read-only error, and the window opens it read-only then.
        ("delete", False),
    ],
)
def test_database_on_a_read_only_mount_opens_read_only(
    qtbot, filled_db, settings, tmp_path, warnings, monkeypatch, journal, access_knows
) -> None:
    import sqlite3

    import viewer.services.database as opening

    source = tmp_path / "src"
    source.mkdir()
    db_file = source / "mounted.sqlite"
    open_database(db_file).close()
    con = sqlite3.connect(db_file)  # the journal mode a copy on the share was left in
    con.execute(f"PRAGMA journal_mode = {journal}")
    con.close()
    mount = tmp_path / "ro"
    if not _ro_bind_mount(source, mount):
        pytest.skip("needs permission to make a read-only bind mount")
    try:
        try:
            open_database(mount / "mounted.sqlite", readonly=True).close()
        except KnownError as exc:  # the data layer's part (viewer.data.db), not the window's
            pytest.skip(f"open_database cannot read it read-only here: {exc}")
        if not access_knows:
            monkeypatch.setattr(opening, "writable", lambda _path: True)
        w = _window(qtbot, filled_db, settings)
        with qtbot.waitSignal(w.database_switched, timeout=20_000) as blocker:
            w.switch_database(mount / "mounted.sqlite", create=False)
        assert blocker.args[0] == mount / "mounted.sqlite", warnings
        assert w.windowTitle().endswith("(read-only)")
        assert not w.imports.act_open.isEnabled()
        qtbot.waitUntil(lambda: _settled(w), timeout=10_000)
        assert w.model.matching() == 0  # browsing works
        w.close()
        w._db.close()  # the window leaves closing its database to its owner
    finally:
        _unmount(mount)


# -- item 5: recent databases -------------------------------------------------------------------


def test_recent_databases_are_stored_as_absolute_paths(
    qtbot, tmp_path, settings, monkeypatch
) -> None:
    kept = tmp_path / "kept.sqlite"
    open_database(kept).close()
    settings.setValue("recent/databases", ["typed.sqlite", str(kept), str(tmp_path / "gone.db")])
    monkeypatch.chdir(tmp_path)
    db = open_database("here.sqlite")  # as typed: bill-viewer --db here.sqlite
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    assert w.recent_databases() == [str((tmp_path / "here.sqlite").resolve()), str(kept)]
    assert [a.text() for a in w.databases.recent_menu.actions()] == w.recent_databases()
    w.close()
    db.close()


# -- item 6: one clear message, or "This is a bug" with the details -----------------------------


def test_known_export_error_is_one_line_and_a_bug_says_so_with_its_traceback(
    qtbot, filled_db, settings, tmp_path, warnings, caplog
) -> None:
    w = _window(qtbot, filled_db, settings)
    with qtbot.waitSignal(w.export_finished, timeout=20_000):
        w.export_to(tmp_path / "missing" / "x.xlsx")
    assert len(warnings) == 1
    assert "missing" in warnings[0] and "Traceback" not in warnings[0] and "\n" not in warnings[0]
    assert _bug_boxes(w) == []
    # A column key the exporter does not know is a programming error, not the user's.
    w.visible_column_keys = lambda: ["no_such_column"]
    with caplog.at_level(logging.ERROR), qtbot.waitSignal(w.export_finished, timeout=20_000):
        w.export_to(tmp_path / "bug.xlsx")
    assert len(warnings) == 1  # not dressed up as a user error
    boxes = _bug_boxes(w)
    assert len(boxes) == 1
    assert boxes[0].text().startswith("This is a bug")
    assert "Traceback" in boxes[0].detailedText() and "no_such_column" in boxes[0].detailedText()
    assert any(r.exc_info and "export" in r.getMessage() for r in caplog.records)
    boxes[0].close()
    w.close()


def test_a_bug_while_importing_or_opening_is_shown_as_a_bug(
    qtbot, filled_db, settings, tmp_path, warnings, monkeypatch, caplog
) -> None:
    import viewer.gui.controllers.databases as databases
    from viewer.services.imports import ImportService

    def broken_import(*_args, **_kwargs):  # noqa: ANN002, ANN003
        raise ZeroDivisionError("division by zero in the importer")

    def broken_open(*_args, **_kwargs):  # noqa: ANN002, ANN003
        raise KeyError("schema")

    w = _window(qtbot, filled_db, settings)
    monkeypatch.setattr(ImportService, "import_paths", broken_import)
    w.quiet_reports = True  # even the quiet start-up import shows a bug
    with caplog.at_level(logging.ERROR):
        w.import_paths([tmp_path])
        qtbot.waitUntil(lambda: len(_bug_boxes(w)) == 1, timeout=10_000)
    box = _bug_boxes(w)[0]
    assert box.text().startswith("This is a bug") and "ZeroDivisionError" in box.text()
    assert "broken_import" in box.detailedText()
    box.close()
    qtbot.waitUntil(lambda: _bug_boxes(w) == [], timeout=5_000)
    monkeypatch.setattr(databases, "open_or_read_only", broken_open)
    with (
        caplog.at_level(logging.ERROR),
        qtbot.waitSignal(w.database_switched, timeout=10_000) as blocker,
    ):
        w.switch_database(tmp_path / "any.sqlite")
    assert blocker.args[0] is None
    boxes = _bug_boxes(w)
    assert len(boxes) == 1 and boxes[0].text().startswith("This is a bug")
    assert "KeyError" in boxes[0].detailedText()
    assert warnings == []
    assert sum(1 for r in caplog.records if r.exc_info) == 2
    boxes[0].close()
    w.close()


def test_known_open_error_is_one_clear_line(qtbot, filled_db, settings, tmp_path, warnings) -> None:
    w = _window(qtbot, filled_db, settings)
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database" * 100)
    with qtbot.waitSignal(w.database_switched, timeout=10_000) as blocker:
        w.switch_database(junk, create=False)
    assert blocker.args[0] is None
    assert len(warnings) == 1 and str(junk) in warnings[0] and "\n" not in warnings[0]
    assert _bug_boxes(w) == []
    w.close()
