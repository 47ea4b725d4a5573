"""The window's export language (File ▸ Export language) and the import report in the reader's
language: an auditor gets the workbook in the language they read, whatever the window speaks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtCore import QSettings

from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.gui.controllers.exporting import EXPORT_LANGUAGE_SETTING
from viewer.gui.dialogs import ImportReportDialog
from viewer.gui.i18n import apply_language
from viewer.gui.main_window import MainWindow


@pytest.fixture(autouse=True)
def english_afterwards(qapp) -> Iterator[None]:  # noqa: ANN001 - pytest-qt's fixture
    """The language is process-wide: every test here leaves the application in English."""
    yield
    apply_language("en", qapp)


def _export(qtbot, w: MainWindow, out: Path) -> list[str]:  # noqa: ANN001 - pytest-qt's fixture
    with qtbot.waitSignal(w.export_finished, timeout=60_000):
        w.export_to(out)
    book = openpyxl.load_workbook(out, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def test_an_english_window_exports_in_chinese_when_asked(
    qtbot, filled_db: Database, settings: QSettings, tmp_path: Path
) -> None:
    w = MainWindow(filled_db, settings)
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.model.rowCount() > 0, timeout=20_000)
    assert _export(qtbot, w, tmp_path / "same.xlsx")[0] == "Bills"
    w.exports.export_language_actions["zh_CN"].trigger()
    assert settings.value(EXPORT_LANGUAGE_SETTING) == "zh_CN"
    sheets = _export(qtbot, w, tmp_path / "zh.xlsx")
    assert sheets[0] == "话单" and "报告" in sheets
    book = openpyxl.load_workbook(tmp_path / "zh.xlsx", read_only=True)
    try:
        rows = book["报告"].iter_rows(values_only=True)
        report = {r[0]: r[1] for r in rows if len(r) > 1 and r[0]}
    finally:
        book.close()
    assert report["筛选条件"].startswith("全部话单")  # the export worded the filter itself
    assert w.menuBar().actions()[0].text() == "&File"  # the window still speaks English
    w.close()


def test_a_chinese_window_exports_in_english_for_an_auditor(
    qtbot, filled_db: Database, settings: QSettings, tmp_path: Path
) -> None:
    settings.setValue(EXPORT_LANGUAGE_SETTING, "en")
    w = MainWindow(filled_db, settings)
    qtbot.addWidget(w)
    w.choose_language("zh_CN")
    qtbot.waitUntil(lambda: w.model.rowCount() > 0, timeout=20_000)
    assert w.exports.export_language_actions["en"].isChecked()
    assert _export(qtbot, w, tmp_path / "en.xlsx")[0] == "Bills"
    w.exports.export_language_actions["window"].trigger()
    assert _export(qtbot, w, tmp_path / "zh.xlsx")[0] == "话单"
    w.close()


def test_the_import_report_shows_reasons_in_the_reader_s_language(
    qtbot, tmp_path: Path, export_csv: Path
) -> None:
    lines = export_csv.read_bytes().splitlines(keepends=True)
    bad = tmp_path / "bad_lines.csv"
    bad.write_bytes(lines[0] + lines[1] + b"only,three,columns\r\n")
    db = open_database(tmp_path / "r.sqlite")
    try:
        report = import_paths(db, [bad])
    finally:
        db.close()
    english = ImportReportDialog(report)
    qtbot.addWidget(english)
    english_reason = english.rejects.item(0, 2).text()
    assert "too few columns" in english_reason
    apply_language("zh_CN")
    chinese = ImportReportDialog(report)
    qtbot.addWidget(chinese)
    reason = chinese.rejects.item(0, 2).text()
    assert reason != english_reason and any("\u4e00" <= c <= "\u9fff" for c in reason)
