"""A database error that is no user's doing reaches the window as a bug, with its traceback."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer.gui.main_window import MainWindow
from viewer.gui.workers import BUG_TEXT


def test_a_programming_error_setting_the_time_zone_is_shown_as_a_bug(
    qtbot, filled_db, settings, warnings, caplog: pytest.LogCaptureFixture
) -> None:
    w = MainWindow(filled_db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    with contextlib.closing(sqlite3.connect(filled_db.path)) as con:
        con.execute("DROP TABLE meta")  # the write then fails with "no such table": code 1
        con.commit()
    with caplog.at_level(logging.ERROR):
        w.dialogs.set_time_zone("UTC")
    assert warnings == []  # not a plain warning a user is meant to act on
    boxes = [
        b for b in QApplication.topLevelWidgets() if isinstance(b, QMessageBox) and b.isVisible()
    ]
    assert len(boxes) == 1 and boxes[0].text().startswith(BUG_TEXT)
    assert "no such table: meta" in boxes[0].detailedText()  # the traceback, to copy
    assert any(r.exc_info and "no such table" in str(r.exc_info[1]) for r in caplog.records)
    boxes[0].close()
    w.close()
