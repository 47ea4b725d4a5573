"""The window on a team database (PostgreSQL): saved filters name who saved them, a lost
connection is one line and Refresh reads again, and filter, sort, investigation and export work.

Run against a real server: ``pg_virtualenv -t env QT_QPA_PLATFORM=offscreen .venv/bin/python -m
pytest tests/gui/test_team_window.py``; without one the PostgreSQL cases skip (fail under CI=true).
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from viewer.core.filters import BillFilter
from viewer.data.db import Database, open_database
from viewer.gui.main_window import MainWindow
from viewer.services.imports import ImportService
from viewer.services.saved_filters import SavedFiltersService

PASSWORD = "blue-Kettle-5513"


def _role_url(pg_url: str, role: str, password: str) -> str:
    """``pg_url`` logged in as ``role`` over TCP (where the server asks for passwords)."""
    host = os.environ.get("PGHOST") or "localhost"
    if host.startswith("/"):
        host = "localhost"
    port = os.environ.get("PGPORT") or "5432"
    return f"postgresql://{role}:{password}@{host}:{port}/{make_url(pg_url).database}"


@pytest.fixture
def team_db(pg_url: str, export_csv: Path) -> Iterator[Database]:
    """A team database on the real server with the generated export imported (3,000 bills)."""
    db = open_database(pg_url)
    report = ImportService(db).import_paths([export_csv])
    assert report.total("imported") == 3000
    yield db
    db.close()


@pytest.fixture
def bug_boxes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every bug box (``show_failure``) and warning box the window opens, instead of opening it."""
    seen: list[str] = []

    def record(_parent: Any, _title: str, text_: str, *args: Any, **kwargs: Any) -> Any:
        seen.append(text_)
        return QMessageBox.StandardButton.Ok

    monkeypatch.setattr(QMessageBox, "warning", record)
    monkeypatch.setattr(QMessageBox, "critical", record)
    return seen


def _window(qtbot: Any, db: Database, settings: QSettings) -> MainWindow:
    w = MainWindow(db, settings)
    w.quiet_reports = True
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(_settled(w), timeout=15_000)
    return w


def _settled(w: MainWindow) -> Callable[[], bool]:
    return lambda: w.model.has_snapshot and not w.model.is_loading


def _open_boxes(w: MainWindow) -> list[str]:
    """The message boxes open over the window (a bug box opens without blocking)."""
    return [b.text() for b in w.findChildren(QMessageBox) if b.isVisible()]


def _saved_labels(w: MainWindow) -> list[str]:
    return [w.filters.saved.itemText(i) for i in range(w.filters.saved.count())]


# -- 1. saved filters show who saved them -------------------------------------------------------


def test_saved_filter_list_names_who_saved_it_on_both_backends(
    qtbot: Any, any_db: Database, settings: QSettings
) -> None:
    SavedFiltersService(any_db).save("Busy at noon", BillFilter(op_types=(3,)))
    who = "current_user" if any_db.engine.dialect.name == "postgresql" else None
    if who:
        with any_db.engine.connect() as conn:
            who = conn.execute(text("SELECT current_user")).scalar_one()
    else:
        who = getpass.getuser()
    w = _window(qtbot, any_db, settings)
    qtbot.waitUntil(lambda: w.filters.saved.count() == 1, timeout=10_000)
    assert _saved_labels(w) == [f"Busy at noon — saved by {who}"]
    # Choosing the entry opens the filter saved under its name (not under the label).
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000) as blocker:
        w.filters.saved.activated.emit(0)
    assert blocker.args[0].op_types == (3,)
    w.close()


def test_a_filter_saved_by_another_role_shows_that_roles_name(
    qtbot: Any, pg_url: str, pg_role: Callable[..., str], settings: QSettings
) -> None:
    alice = pg_role("importer", PASSWORD)
    theirs = open_database(_role_url(pg_url, alice, PASSWORD))
    try:
        SavedFiltersService(theirs).save("Rests of the night", BillFilter(op_types=(26,)))
    finally:
        theirs.close()
    mine = open_database(pg_url)  # the owner's window: someone else
    try:
        w = _window(qtbot, mine, settings)
        qtbot.waitUntil(lambda: w.filters.saved.count() == 1, timeout=10_000)
        assert _saved_labels(w) == [f"Rests of the night — saved by {alice}"]
        w.close()
    finally:
        mine.close()


# -- 2. a lost connection while browsing --------------------------------------------------------


def _terminate_window_backends(pg_url: str) -> int:
    """Have the server end every connection of the application (as a DBA or a restart would)."""
    admin = create_engine(make_url(pg_url).set(drivername="postgresql+psycopg"), poolclass=NullPool)
    try:
        with admin.connect() as conn:
            ended = conn.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE application_name = 'bill-viewer' AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
    finally:
        admin.dispose()
    return int(ended)


def test_a_lost_connection_is_one_line_and_refresh_reads_again(
    qtbot: Any, team_db: Database, pg_url: str, settings: QSettings, bug_boxes: list[str]
) -> None:
    w = _window(qtbot, team_db, settings)
    assert w.model.matching() == 3000
    # A page far from the first is read through the connection the table keeps between pages.
    assert w.model.row_tuple(2999) is not None
    assert _terminate_window_backends(pg_url) >= 1
    assert w.model.row_tuple(1500) is None  # that connection is gone: said once, not per cell
    assert w.model.row_tuple(1700) is None
    qtbot.waitUntil(lambda: "connection" in w.statusBar().currentMessage().lower(), timeout=15_000)
    w.filters.set_filter(BillFilter(op_types=(3,)))
    line = w.statusBar().currentMessage()
    assert "\n" not in line and "Traceback" not in line
    assert "Refresh" in line or "F5" in line
    assert bug_boxes == [] and _open_boxes(w) == []
    assert w.isEnabled() and w.isVisible()
    # View > Refresh reads again through a new connection: the rows of the filter come back.
    with team_db.engine.connect() as conn:
        busy = conn.execute(text("SELECT count(*) FROM bill WHERE op_type = 3")).scalar_one()
    assert busy > 0
    w.browse.refresh_data()
    qtbot.waitUntil(lambda: _settled(w)() and w.model.matching() == busy, timeout=15_000)
    assert w.model.rowCount() == busy
    assert w.model.row_tuple(0) is not None
    assert bug_boxes == [] and _open_boxes(w) == []
    w.close()


# -- 3. filter, sort, investigation and export on a team database ------------------------------


def test_filter_on_a_team_database(qtbot: Any, team_db: Database, settings: QSettings) -> None:
    w = _window(qtbot, team_db, settings)
    qtbot.waitUntil(lambda: w.filters.op_types.list.count() > 0, timeout=10_000)
    item = next(
        w.filters.op_types.list.item(i)
        for i in range(w.filters.op_types.list.count())
        if w.filters.op_types.list.item(i).data(Qt.ItemDataRole.UserRole) == 3
    )
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000):
        item.setCheckState(Qt.CheckState.Checked)
    with team_db.engine.connect() as conn:
        busy = conn.execute(text("SELECT count(*) FROM bill WHERE op_type = 3")).scalar_one()
    qtbot.waitUntil(lambda: _settled(w)() and w.model.matching() == busy, timeout=10_000)
    assert 0 < busy < 3000
    assert "Busy" in w.sentence.text()
    with qtbot.waitSignal(w.filters.filter_changed, timeout=5_000):
        qtbot.keyClicks(w.filters.text, "10.")
    qtbot.waitUntil(_settled(w), timeout=10_000)
    assert w.model.matching() <= busy
    w.filters.clear()
    qtbot.waitUntil(lambda: _settled(w)() and w.model.matching() == 3000, timeout=10_000)
    w.close()


def test_sort_on_a_team_database(qtbot: Any, team_db: Database, settings: QSettings) -> None:
    w = _window(qtbot, team_db, settings)
    agent = next(i for i, c in enumerate(w.model.columns) if c.key == "agent_id")
    with team_db.engine.connect() as conn:
        agents = [
            str(a)
            for (a,) in conn.execute(text("SELECT agent_id FROM bill ORDER BY agent_id DESC"))
        ]
    with qtbot.waitSignal(w.model.snapshot_ready, timeout=10_000):
        w.table.sortByColumn(agent, Qt.SortOrder.DescendingOrder)
    shown = [w.model.index(r, agent).data() for r in range(w.model.rowCount())]
    assert shown == agents  # the server's own order (its collation), every row readable
    assert w.model.bill_filter.sort == "agent_id" and w.model.bill_filter.descending
    w.close()


def test_investigation_on_a_team_database(
    qtbot: Any, team_db: Database, settings: QSettings
) -> None:
    w = _window(qtbot, team_db, settings)
    w.tabs.setCurrentWidget(w.investigation)
    qtbot.waitUntil(lambda: w.investigation.investigation is not None, timeout=30_000)
    states = w.investigation.investigation.states
    assert len(states) == 6  # the generated export's six agents
    iv = next(i for s in states for i in s.intervals if i.bill_pks)
    w.investigation.bills_selected.emit(tuple(iv.bill_pks))
    qtbot.waitUntil(
        lambda: _settled(w)() and w.model.matching() == len(set(iv.bill_pks)), timeout=10_000
    )
    assert w.model.pk_at(w.table.currentIndex().row()) == iv.bill_pks[0]
    w.close()


def test_export_on_a_team_database(
    qtbot: Any, team_db: Database, pg_url: str, settings: QSettings, tmp_path: Path
) -> None:
    w = _window(qtbot, team_db, settings)
    w.filters.set_filter(BillFilter(op_types=(60,)))
    qtbot.waitUntil(lambda: w.model.bill_filter.op_types == (60,) and _settled(w)(), timeout=10_000)
    out = tmp_path / "team.xlsx"
    with qtbot.waitSignal(w.export_finished, timeout=60_000) as blocker:
        w.export_to(out)
    assert blocker.args[0] is not None
    wb = openpyxl.load_workbook(out)
    assert {"Bills", "Report", "Summary", "Anomalies"} <= set(wb.sheetnames)
    assert wb["Bills"].max_row - 1 == w.model.rowCount()
    report = " ".join(str(c.value) for row in wb["Report"].iter_rows() for c in row if c.value)
    assert make_url(pg_url).database in report
    w.close()
