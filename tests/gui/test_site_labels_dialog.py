"""The site-labels dialog reads its bill counts off the GUI thread and lists what it read."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import Counter
from typing import Any

import pytest

from viewer.core import codes
from viewer.data import browse
from viewer.data.db import Database
from viewer.data.labels import set_label
from viewer.gui.dialogs import SiteLabelsDialog

pytestmark = pytest.mark.gui


def _site_counts(db: Database) -> dict[tuple[int, int], int]:
    """Bills per site-definable (type, code), read with plain sqlite3 and counted in Python."""
    with contextlib.closing(sqlite3.connect(db.path)) as conn:
        rows = conn.execute("SELECT op_type, op_cause FROM bill").fetchall()
    return dict(
        Counter(
            (t, c)
            for t, c in rows
            if isinstance(t, int) and isinstance(c, int) and codes.is_site_definable(t, c)
        )
    )


def _table(dialog: SiteLabelsDialog) -> dict[tuple[int, int], tuple[int, str]]:
    t = dialog.table
    return {
        (int(t.item(r, 0).text()), int(t.item(r, 1).text())): (
            int(t.item(r, 3).text().replace(",", "")),
            t.item(r, 4).text(),
        )
        for r in range(t.rowCount())
    }


def test_dialog_lists_the_site_codes_in_the_data_counted_off_the_gui_thread(
    qtbot: Any, filled_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _site_counts(filled_db)
    assert expected  # the generated data uses site-definable reasons
    set_label(filled_db, 3, 249, "Coffee")
    expected.setdefault((3, 249), 0)
    threads: list[threading.Thread] = []
    real = browse.reason_counts

    def recording(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(browse, "reason_counts", recording)
    dialog = SiteLabelsDialog(filled_db)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.table.rowCount() == len(expected), timeout=10_000)
    rows = _table(dialog)
    assert {k: n for k, (n, _) in rows.items()} == expected
    assert rows[(3, 249)][1] == "Coffee"
    assert threads and all(t is not threading.main_thread() for t in threads)


def test_setting_a_label_lists_it_after_the_reload(qtbot: Any, db: Database) -> None:
    dialog = SiteLabelsDialog(db)
    qtbot.addWidget(dialog)
    qtbot.wait(50)
    assert dialog.table.rowCount() == 0  # an empty database: nothing present, nothing named
    site = dialog.type_box.currentData()
    dialog.code_box.setValue(site.low)
    dialog.text_edit.setText("Team meeting")
    with qtbot.waitSignal(dialog.labels_changed, timeout=5000):
        dialog._add()
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 1, timeout=10_000)
    assert _table(dialog) == {(site.op_type, site.low): (0, "Team meeting")}
