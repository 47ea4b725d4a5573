"""The window builds the text index in the background, with progress and Cancel in the status bar.

Until the index covers the bills a text search scans; imported bills are indexed after the
import; the table's search answers are the scan's whichever way they are found.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from viewer.core.filters import BillFilter
from viewer.data import queries, text_index
from viewer.data.db import Database
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv
from viewer.gui.main_window import MainWindow

pytestmark = pytest.mark.gui


def _state(db: Database) -> text_index.IndexState:
    with db.engine.connect() as conn:
        return text_index.state(conn)


def _scan_count(db: Database, text: str) -> int:
    with db.engine.connect() as conn:  # no plan: the LIKE scan
        return queries.count(conn, BillFilter(text=text))


def _window(qtbot, db: Database, settings: QSettings) -> MainWindow:  # noqa: ANN001
    w = MainWindow(db, settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.model.has_snapshot and not w.model.is_loading, timeout=10_000)
    return w


def _search(qtbot, w: MainWindow, text: str) -> int:  # noqa: ANN001
    with qtbot.waitSignal(w.model.snapshot_ready, timeout=10_000):
        w.model.set_filter(BillFilter(text=text))
    return w.model.matching()


def test_the_window_indexes_its_database_and_searches_answer_the_same(
    qtbot, filled_db: Database, settings: QSettings
) -> None:
    assert not _state(filled_db).ready  # the import leaves the index to the window
    w = _window(qtbot, filled_db, settings)
    assert w.text_index.running or _state(filled_db).ready
    qtbot.waitUntil(lambda: not w.text_index.running, timeout=30_000)
    assert _state(filled_db).ready and _state(filled_db).top == 3000
    assert not w.text_index.bar.isVisible()
    for needle in ("10.", "1075", "ECC2", "cc20"):
        with filled_db.engine.connect() as conn:
            assert text_index.choose(conn, needle) is not None  # through the index
        assert _search(qtbot, w, needle) == _scan_count(filled_db, needle) > 0


def test_cancel_stops_the_build_and_searches_scan_meanwhile(
    qtbot, filled_db: Database, settings: QSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    clicked = threading.Event()
    build = text_index.build

    def build_until_clicked(conn, progress=None, cancel_check=None, chunk=None):  # noqa: ANN001, ANN202
        def check() -> None:  # after each chunk: wait for the user's click
            clicked.wait(10)
            cancel_check()

        return build(conn, progress, check, 100)

    monkeypatch.setattr(text_index, "build", build_until_clicked)
    w = _window(qtbot, filled_db, settings)
    assert w.text_index.running and w.text_index.bar.isVisible()
    w.text_index.cancel_button.clicked.connect(clicked.set)
    w.text_index.cancel_button.click()
    qtbot.waitUntil(lambda: not w.text_index.running, timeout=30_000)
    st = _state(filled_db)
    assert st.upto == 100 and st.top == 3000  # the chunk done stays; the rest is left
    assert not w.text_index.bar.isVisible() and not w.text_index.cancel_button.isVisible()
    assert "Text search index" not in w.statusBar().currentMessage()  # a cancel is no failure
    assert _search(qtbot, w, "ECC2") == _scan_count(filled_db, "ECC2") == 3000
    assert _search(qtbot, w, "cc20") == _scan_count(filled_db, "cc20") == 3000


def test_bills_imported_later_are_indexed_after_the_import(
    qtbot, filled_db: Database, settings: QSettings, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    w = _window(qtbot, filled_db, settings)
    qtbot.waitUntil(lambda: not w.text_index.running, timeout=30_000)
    more = tmp_path / "20261109101530123456_agentOprInfo_1.csv"
    write_csv(more, generate_bills(GeneratorConfig(agents=3, seed=99, target_bills=500)))
    w.quiet_reports = True
    with qtbot.waitSignal(w.import_finished, timeout=30_000):
        w.import_paths([more])
    qtbot.waitUntil(lambda: _state(filled_db).ready, timeout=30_000)
    qtbot.waitUntil(lambda: not w.text_index.running, timeout=30_000)
    assert _state(filled_db).top > 3000
    with filled_db.engine.connect() as conn:
        assert text_index.choose(conn, "1075") is not None
