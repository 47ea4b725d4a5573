"""The details pane's provenance read: a bug stays a bug (issue 10, errors by code).

A database error that is no user's doing (here a missing table: a programming error) must not
read as a plain message: the pane says it is a bug and the log keeps its traceback.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from viewer.data.db import Database, open_database
from viewer.data.imports.loading import import_paths
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.gui.main_window import MainWindow
from viewer.gui.workers import BUG_TEXT

pytestmark = pytest.mark.gui


@pytest.fixture
def small_db(tmp_path: Path) -> Database:
    write_csv(
        tmp_path / "b.csv", generate_bills(GeneratorConfig(agents=2, seed=3, target_bills=50))
    )
    db = open_database(tmp_path / "b.sqlite")
    assert import_paths(db, [tmp_path / "b.csv"]).ok
    return db


def test_a_programming_error_in_provenance_is_shown_and_logged_as_a_bug(
    qtbot, small_db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(small_db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    row = w.model.row_tuple(0)
    assert row is not None
    assert "Provenance unavailable" not in w.bill_details.details_html(row)
    with small_db.engine.begin() as conn:  # the schema loses a table the read needs
        conn.exec_driver_sql("DROP TABLE conflict")
    with caplog.at_level(logging.ERROR):
        html = w.bill_details.details_html(row)
    assert f"Provenance unavailable: {BUG_TEXT}" in html
    assert "no such table: conflict" in html
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert record.exc_info is not None and "provenance" in record.getMessage()
    w.close()
    small_db.close()
