"""A database error that is no user's doing reaches the window as a bug, with its traceback."""

from __future__ import annotations

import contextlib
import logging
import sqlite3

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer.core.errors import KnownError
from viewer.gui.main_window import MainWindow
from viewer.gui.workers import BUG_TEXT
from viewer.services.saved_filters import SavedFiltersService


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


def _bug_logged(caplog: pytest.LogCaptureFixture, table: str) -> bool:
    """The log holds the failure with its traceback (the driver's words in the exception)."""
    return any(
        r.levelno >= logging.ERROR
        and r.exc_info
        and f"no such table: {table}" in str(r.exc_info[1])
        for r in caplog.records
    )


def _drop(db, table: str) -> None:  # noqa: ANN001
    """A programming error, as a schema missing a table the read needs (SQLite's code 1)."""
    with contextlib.closing(sqlite3.connect(db.path)) as con:
        con.execute(f"DROP TABLE {table}")
        con.commit()


@pytest.fixture
def window(qtbot, filled_db, settings):  # noqa: ANN001, ANN201
    w = MainWindow(filled_db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    yield w
    w.close()


def test_reading_the_saved_filters_says_a_bug_is_one(
    window, filled_db, caplog: pytest.LogCaptureFixture
) -> None:
    said: list[str] = []
    window.filters.message.connect(said.append)
    _drop(filled_db, "saved_filter")
    with caplog.at_level(logging.ERROR):
        window.filters._refresh_saved()
    assert said and said[-1].startswith(f"Saved filters unavailable: {BUG_TEXT}")
    assert "no such table: saved_filter" in said[-1]
    assert _bug_logged(caplog, "saved_filter")


def test_reading_the_site_labels_says_a_bug_is_one(
    qtbot, window, filled_db, caplog: pytest.LogCaptureFixture
) -> None:
    _drop(filled_db, "site_label")
    with caplog.at_level(logging.ERROR), qtbot.waitSignal(window.model.failed) as got:
        window.model._reload_side_tables()
    assert got.args[0].startswith(BUG_TEXT) and "no such table: site_label" in got.args[0]
    assert _bug_logged(caplog, "site_label")


def test_the_time_zone_label_says_a_bug_is_one_and_keeps_the_generic_label(
    window, filled_db, caplog: pytest.LogCaptureFixture
) -> None:
    _drop(filled_db, "meta")
    with caplog.at_level(logging.ERROR):
        window.dialogs.show_time_label()
    assert window.statusBar().currentMessage().startswith(BUG_TEXT)
    assert window.status_tz.text() == "times as exported (tenant time)"
    assert _bug_logged(caplog, "meta")


def test_a_timeline_tooltip_says_a_bug_is_one(
    window, filled_db, caplog: pytest.LogCaptureFixture
) -> None:
    panel = window.investigation
    assert panel is not None
    _drop(filled_db, "bill")  # the tooltip's lines read the bills
    with caplog.at_level(logging.ERROR):
        lines = panel.timeline._decoded([1, 2])
    assert lines and lines[0].startswith(f"(bills not readable: {BUG_TEXT}")
    assert _bug_logged(caplog, "bill")


def test_the_users_situation_stays_a_plain_message_not_a_bug(
    window, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    said: list[str] = []
    window.filters.message.connect(said.append)

    def locked(_self: SavedFiltersService) -> list[str]:
        raise KnownError("the database file is locked by another program")

    monkeypatch.setattr(SavedFiltersService, "names", locked)
    with caplog.at_level(logging.ERROR):
        window.filters._refresh_saved()
    assert said[-1] == ("Saved filters unavailable: the database file is locked by another program")
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_checking_the_text_index_says_a_bug_is_one(
    qtbot, window, filled_db, caplog: pytest.LogCaptureFixture
) -> None:
    qtbot.waitUntil(lambda: not window.text_index.running, timeout=10_000)  # the build at open
    _drop(filled_db, "meta")  # where the index keeps how far it has come
    with caplog.at_level(logging.ERROR):
        window.text_index.start()
    assert not window.text_index.running
    assert window.statusBar().currentMessage().startswith(BUG_TEXT)
    assert _bug_logged(caplog, "meta")
