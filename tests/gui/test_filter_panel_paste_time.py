"""The filter panel's time fields, pasted agent lists, "checked only" and the overlapping option.

Real widgets on a real database (``filled_db``: 3,000 generated bills of 6 agents).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import QDateTimeEdit, QInputDialog
from pytestqt.qtbot import QtBot

from viewer.core.filters import BillFilter
from viewer.data import queries
from viewer.data.db import Database
from viewer.gui.filter_panel import DEBOUNCE_MS, TIME_FMT, FilterPanel


@pytest.fixture
def panel(qtbot: QtBot, filled_db: Database) -> Iterator[FilterPanel]:
    p = FilterPanel(filled_db)
    qtbot.addWidget(p)
    p.show()
    p.reload()
    qtbot.waitUntil(lambda: p.agents.list.count() == 6, timeout=10_000)
    yield p


class Emitted:
    """Every filter the panel emits."""

    def __init__(self, panel: FilterPanel) -> None:
        self.filters: list[BillFilter] = []
        panel.filter_changed.connect(self.filters.append)


def settle(qtbot: QtBot) -> None:
    """Wait past the panel's debounce, so anything pending has been emitted."""
    qtbot.wait(DEBOUNCE_MS * 3)


def set_time(edit: QDateTimeEdit, text: str) -> None:
    edit.setDateTime(QDateTime.fromString(text, TIME_FMT))


def type_year(qtbot: QtBot, edit: QDateTimeEdit, year: str) -> None:
    edit.setFocus()
    edit.setSelectedSection(QDateTimeEdit.Section.YearSection)
    qtbot.keyClicks(edit, year)


def agent_values(panel: FilterPanel) -> list[str]:
    return [
        panel.agents.list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(panel.agents.list.count())
    ]


def visible_values(panel: FilterPanel) -> list[Any]:
    return [
        panel.agents.list.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(panel.agents.list.count())
        if not panel.agents.list.item(i).isHidden()
    ]


# --- time fields ---------------------------------------------------------------------------


def test_a_time_applies_when_typed_completely_not_per_keystroke(
    qtbot: QtBot, panel: FilterPanel
) -> None:
    set_time(panel.time_from, "2026-11-02 08:00:00")
    emitted = Emitted(panel)
    panel.use_from.setChecked(True)
    settle(qtbot)
    assert [f.time_from for f in emitted.filters] == ["2026-11-02 08:00:00"]

    type_year(qtbot, panel.time_from, "2025")  # each digit a complete-looking year on the way
    settle(qtbot)
    assert len(emitted.filters) == 1, [f.time_from for f in emitted.filters]
    qtbot.keyClick(panel.time_from, Qt.Key.Key_Return)
    settle(qtbot)
    assert [f.time_from for f in emitted.filters] == [
        "2026-11-02 08:00:00",
        "2025-11-02 08:00:00",
    ]


def test_an_inverted_range_is_said_and_not_applied(
    qtbot: QtBot, panel: FilterPanel, filled_db: Database
) -> None:
    set_time(panel.time_from, "2026-11-02 08:00:00")
    set_time(panel.time_to, "2026-11-02 09:00:00")
    emitted = Emitted(panel)
    panel.use_from.setChecked(True)
    panel.use_to.setChecked(True)
    settle(qtbot)
    valid = emitted.filters[-1]
    assert (valid.time_from, valid.time_to) == ("2026-11-02 08:00:00", "2026-11-02 09:00:00")
    assert not panel.time_note.isVisible()

    set_time(panel.time_from, "2026-11-02 10:00:00")  # after To
    settle(qtbot)
    assert panel.time_note.isVisible()
    assert "From is after To" in panel.time_note.text()
    assert "not applied" in panel.time_note.text()
    current = panel.current_filter()
    assert (current.time_from, current.time_to) == (valid.time_from, valid.time_to)
    assert all(
        (f.time_from, f.time_to) == (valid.time_from, valid.time_to) for f in emitted.filters
    )
    with filled_db.engine.connect() as conn:
        assert queries.count(conn, current) > 0

    set_time(panel.time_to, "2026-11-02 11:00:00")  # fixed: applied, the message goes
    settle(qtbot)
    assert not panel.time_note.isVisible()
    last = emitted.filters[-1]
    assert (last.time_from, last.time_to) == ("2026-11-02 10:00:00", "2026-11-02 11:00:00")


def test_an_empty_range_is_said(qtbot: QtBot, panel: FilterPanel) -> None:
    set_time(panel.time_from, "2026-11-02 08:00:00")
    set_time(panel.time_to, "2026-11-02 08:00:00")
    panel.use_from.setChecked(True)
    panel.use_to.setChecked(True)
    settle(qtbot)
    assert panel.time_note.isVisible() and "empty" in panel.time_note.text()
    panel.overlapping.setChecked(True)  # what was going on at that moment: not empty
    settle(qtbot)
    assert not panel.time_note.isVisible()
    f = panel.current_filter()
    assert f.overlapping and f.time_from == f.time_to == "2026-11-02 08:00:00"

    panel.overlapping.setChecked(False)
    set_time(panel.time_from, "2020-01-01 00:00:00")
    set_time(panel.time_to, "2020-01-02 00:00:00")  # long before the data
    settle(qtbot)
    assert panel.time_note.isVisible() and "No bill begins in this range" in panel.time_note.text()


# --- overlapping ---------------------------------------------------------------------------


def test_overlapping_option_builds_and_shows_the_filter(
    qtbot: QtBot, panel: FilterPanel, filled_db: Database
) -> None:
    set_time(panel.time_from, "2026-11-02 09:00:00")
    set_time(panel.time_to, "2026-11-02 09:10:00")
    panel.use_from.setChecked(True)
    panel.use_to.setChecked(True)
    emitted = Emitted(panel)
    panel.overlapping.setChecked(True)
    settle(qtbot)
    assert emitted.filters and emitted.filters[-1].overlapping
    f = panel.current_filter()
    assert "going on between 2026-11-02 09:00:00 and 2026-11-02 09:10:00" in panel.describe(f)
    with filled_db.engine.connect() as conn:
        assert queries.count(conn, f) > queries.count(
            conn, BillFilter(time_from=f.time_from, time_to=f.time_to)
        )

    panel.clear()
    assert not panel.overlapping.isChecked()
    panel.set_filter(f)  # a saved filter comes back whole
    assert panel.overlapping.isChecked()
    assert panel.current_filter() == f


# --- pasted agents, checked only -----------------------------------------------------------


def test_pasting_agent_ids_checks_them_and_reports_the_unknown(
    qtbot: QtBot, panel: FilterPanel
) -> None:
    first, second = agent_values(panel)[:2]
    emitted = Emitted(panel)
    found, missing = panel.agents.check_pasted(f"{first}\n{second}, 9998 {first};\t9999\n")
    assert found == [first, second]
    assert missing == ["9998", "9999"]
    assert panel.agents.checked() == [first, second, "9998", "9999"]
    note = panel.agents.note.text()
    assert panel.agents.note.isVisible()
    assert "2 of 4" in note and "9998, 9999" in note and "not in the data" in note
    texts = [panel.agents.list.item(i).text() for i in range(panel.agents.list.count())]
    assert "9998  (not in the data)" in texts and "9999  (not in the data)" in texts
    settle(qtbot)
    assert len(emitted.filters) == 1  # one query for the whole list
    assert emitted.filters[0].agents == (first, second, "9998", "9999")


def test_checked_only_lists_only_the_checked(qtbot: QtBot, panel: FilterPanel) -> None:
    values = agent_values(panel)
    panel.agents.check_pasted(" ".join(values[1:3]))
    panel.agents.only_checked.setChecked(True)
    assert visible_values(panel) == values[1:3]
    panel.agents.search.setText(values[2])  # search within the checked
    assert visible_values(panel) == [values[2]]
    panel.agents.search.clear()
    panel.agents.only_checked.setChecked(False)
    assert visible_values(panel) == values


def test_the_paste_button_opens_a_multi_line_box(
    qtbot: QtBot, panel: FilterPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    value = agent_values(panel)[3]
    monkeypatch.setattr(
        QInputDialog, "getMultiLineText", staticmethod(lambda *_a, **_k: (f"{value}\n", True))
    )
    assert panel.agents.paste_btn.isVisible()
    assert not panel.op_types.paste_btn.isVisible()
    qtbot.mouseClick(panel.agents.paste_btn, Qt.MouseButton.LeftButton)
    assert panel.agents.checked() == [value]
    assert "Checked 1 of 1" in panel.agents.note.text()
