"""Closing the window waits for its background queries (a late one crashed the process on exit)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from PySide6.QtCore import QSettings

from viewer.data.db import open_database
from viewer.gui.main_window import MainWindow
from viewer.gui.workers import BackgroundCall


def _calls_alive() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "background-call"]


def test_closing_waits_for_running_background_calls(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = open_database(tmp_path / "bills.sqlite")
    window = MainWindow(db, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    ended = threading.Event()

    def slow() -> int:
        time.sleep(0.8)
        ended.set()
        return 1

    call = BackgroundCall(window)
    call.run(slow, lambda _r: None)
    assert _calls_alive()
    window.close()  # must not return while the call can still emit on a deleted object
    assert ended.is_set()
    assert not _calls_alive()
    db.close()


def test_wait_all_is_bounded() -> None:
    started = time.monotonic()
    stop = threading.Event()
    call = BackgroundCall()
    call.run(lambda: stop.wait(10), lambda _r: None)
    assert BackgroundCall.wait_all(timeout=0.2) is False
    assert time.monotonic() - started < 5
    stop.set()
    assert BackgroundCall.wait_all(timeout=5) is True
