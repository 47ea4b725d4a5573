"""The filter panel: widgets that build a ``BillFilter`` and say it in one sentence.

Lists (agents, operation types, reasons) come with bill counts read in the background. Every
change emits ``filter_changed`` after a short pause so typing does not start a query per key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QDateTime, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from viewer.core import codes
from viewer.core.describe import describe_filter
from viewer.core.errors import KnownError
from viewer.core.filters import BillFilter, shift_time
from viewer.core.records import TIME_LABEL
from viewer.core.timefmt import TIME_MAX, from_epoch
from viewer.gui.dialogs import show_failure
from viewer.gui.i18n import sentences
from viewer.gui.palette import colors
from viewer.gui.workers import BackgroundCall, failure_of, status_problem
from viewer.services.browse import BrowseService
from viewer.services.database import Database
from viewer.services.saved_filters import SavedFiltersService

DEBOUNCE_MS = 250
TIME_FMT = "yyyy-MM-dd HH:mm:ss"


def _qdt(stored: str) -> QDateTime:
    return QDateTime.fromString(stored, TIME_FMT)


def _stored(edit: QDateTimeEdit) -> str:
    return edit.dateTime().toString(TIME_FMT)


def saved_filter_label(name: str, saved_by: str | None) -> str:
    """How a saved filter is listed: its name and who saved it (if that was recorded)."""
    if not saved_by:
        return name
    return QCoreApplication.translate("FilterPanel", "{name} — saved by {user}").format(
        name=name, user=saved_by
    )


class CheckList(QWidget):
    """A searchable checklist with an "exclude" switch; items carry a value and a count.

    The checked values are the list's own state, not the items': a value checked before its item
    exists (a saved filter opened while the lists load, an agent absent from this database) stays
    checked and is shown as an item marked "not in the data", so no restriction is ever dropped
    without the user seeing it.
    """

    changed = Signal()

    def __init__(self, search: str, parent: QWidget | None = None, *, paste: str = "") -> None:
        """``search``: the search field's hint (e.g. "Search agents…").

        ``paste``: what the pasted values are (e.g. "agent IDs"); empty: no Paste button.
        """
        super().__init__(parent)
        self._checked: dict[Any, None] = {}  # ordered set
        self._paste_what = paste
        self._items: list[tuple[Any, str, str]] = []
        self.search = QLineEdit(placeholderText=search)
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget()
        self.list.setUniformItemSizes(True)
        self.list.setMinimumHeight(150)
        self.exclude = QCheckBox(self.tr("Exclude checked"))
        self.exclude.setToolTip(self.tr("Show every bill except those of the checked items"))
        self.only_checked = QCheckBox(self.tr("Checked only"))
        self.only_checked.setToolTip(self.tr("List only the checked items"))
        self.none_btn = QPushButton(self.tr("None"))
        self.none_btn.setToolTip(self.tr("Uncheck all"))
        self.paste_btn = QPushButton(self.tr("Paste…"))
        self.paste_btn.setToolTip(
            self.tr(
                "Check a list of {what} pasted from elsewhere (one per line, or separated by "
                "commas or spaces)"
            ).format(what=paste)
        )
        self.paste_btn.setVisible(bool(paste))
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        # two short rows rather than one long one: the pane stays narrow enough to leave the
        # table its room on a 1366-pixel screen
        row = QGridLayout()
        row.addWidget(self.exclude, 0, 0)
        row.addWidget(self.only_checked, 0, 1)
        row.addWidget(self.paste_btn, 1, 0)
        row.addWidget(self.none_btn, 1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.search)
        lay.addWidget(self.list)
        lay.addWidget(self.note)
        lay.addLayout(row)
        self.only_checked.toggled.connect(lambda _on: self._apply_search(self.search.text()))
        self.paste_btn.clicked.connect(self._paste_dialog)
        self.search.textChanged.connect(self._apply_search)
        self.list.itemChanged.connect(self._item_changed)
        self.exclude.toggled.connect(lambda _on: self.changed.emit() if self.checked() else None)
        self.none_btn.clicked.connect(self.clear)

    def set_items(self, items: list[tuple[Any, str, str]]) -> None:
        """Replace the items: ``(value, text, tooltip)``; checked values stay checked."""
        self._items = list(items)
        self._rebuild()

    def _rebuild(self) -> None:
        present = {value for value, _text, _tip in self._items}
        missing = [
            (
                v,
                self.tr("{value}  (not in the data)").format(value=v),
                self.tr("checked, but no bill in the database has it"),
            )
            for v in self._checked
            if v not in present
        ]
        self.list.blockSignals(True)
        self.list.clear()
        for value, text, tip in [*missing, *self._items]:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, value)
            item.setToolTip(tip)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            on = value in self._checked
            item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.list.blockSignals(False)
        self._apply_search(self.search.text())

    def _item_changed(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if item.checkState() == Qt.CheckState.Checked:
            self._checked[value] = None
        else:
            self._checked.pop(value, None)
            if self.only_checked.isChecked():
                item.setHidden(True)
        self.changed.emit()

    def checked(self) -> list[Any]:
        """The checked values, in the order they were checked."""
        return list(self._checked)

    def set_checked(self, values: list[Any], exclude: bool = False) -> None:
        """Check exactly these values (without emitting per item)."""
        self._checked = dict.fromkeys(values)
        self._rebuild()
        self.exclude.blockSignals(True)
        self.exclude.setChecked(exclude)
        self.exclude.blockSignals(False)

    def retain(self, keep: Callable[[Any], bool]) -> bool:
        """Uncheck the values ``keep`` rejects (without emitting); True if any was unchecked."""
        dropped = [v for v in self._checked if not keep(v)]
        if dropped:
            for v in dropped:
                del self._checked[v]
            self._rebuild()
        return bool(dropped)

    def clear(self) -> None:
        """Uncheck everything."""
        self.note.hide()
        if self.checked():
            self.set_checked([], self.exclude.isChecked())
            self.changed.emit()

    def check_pasted(self, text: str) -> tuple[list[str], list[str]]:
        """Check the values listed in ``text`` (newline, comma, semicolon or space separated).

        Values already checked stay checked. A value no item has is checked all the same and
        listed as "not in the data" (as a saved filter's would be), and the note under the list
        names it. Emits ``changed`` once.

        Returns:
            ``(found, missing)``: the distinct pasted values with an item, and without one.
        """
        pasted = list(dict.fromkeys(v for v in re.split(r"[\s,;]+", text) if v))
        present = {str(value) for value, _text, _tip in self._items}
        found = [v for v in pasted if v in present]
        missing = [v for v in pasted if v not in present]
        what = self._paste_what or self.tr("values")
        if not pasted:
            self.note.setText(self.tr("No {what} found in the pasted text.").format(what=what))
            self.note.show()
            return found, missing
        self.set_checked([*self._checked, *pasted], self.exclude.isChecked())
        message = self.tr("Checked {found} of {pasted} pasted {what}.").format(
            found=f"{len(found):,}", pasted=f"{len(pasted):,}", what=what
        )
        if missing:
            shown = ", ".join(missing[:20]) + (
                self.tr(" and {n} more").format(n=f"{len(missing) - 20:,}")
                if len(missing) > 20
                else ""
            )
            message = sentences(
                message,
                self.tr(
                    "{n} not in the data: {values} (kept checked, listed as “not in the data”)."
                ).format(n=f"{len(missing):,}", values=shown),
            )
            self.note.setStyleSheet(f"color: {colors(self.palette()).warning_fg.name()};")
        else:
            self.note.setStyleSheet("")
        self.note.setText(message)
        self.note.show()
        self.changed.emit()
        return found, missing

    def _paste_dialog(self) -> None:
        text, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Check {what}").format(what=self._paste_what),
            self.tr("Paste {what}: one per line, or separated by commas or spaces.").format(
                what=self._paste_what
            ),
        )
        if ok:
            self.check_pasted(text)

    def _apply_search(self, text: str) -> None:
        needle = text.strip().lower()
        only = self.only_checked.isChecked()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(
                (bool(needle) and needle not in item.text().lower())
                or (only and item.checkState() != Qt.CheckState.Checked)
            )


class FilterPanel(QWidget):
    """All filters of the window; emits ``filter_changed(BillFilter)``."""

    filter_changed = Signal(object)
    message = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._db = db
        self._labels: dict[tuple[int, int], str] = {}
        self._time_label = TIME_LABEL
        self._sort = ("begin_time", False)
        self._ids: tuple[int, ...] = ()
        self._span: tuple[str, str] | None = None
        self._selected_begin: str | None = None
        self._lists: dict[str, Any] | None = None
        """The last lists read (agents, types, media, span): said again on a language change."""
        self._counts = BackgroundCall(self)
        self._reason_counts = BackgroundCall(self)
        self._timer = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)

        self.saved = QComboBox()
        self.saved.setPlaceholderText(self.tr("Saved filters"))
        self.saved.setToolTip(self.tr("Open a saved filter"))
        save_btn = QPushButton(self.tr("Save…"))
        del_btn = QPushButton(self.tr("Delete"))
        self._writing_buttons = (save_btn, del_btn)  # off for a read-only database
        self.clear_btn = QPushButton(self.tr("Clear all filters"))
        saved_row = QHBoxLayout()
        saved_row.addWidget(self.saved, 1)
        saved_row.addWidget(save_btn)
        saved_row.addWidget(del_btn)

        # time
        self.use_from = QCheckBox(self.tr("From"))
        self.use_to = QCheckBox(self.tr("To (before)"))
        self.time_from = QDateTimeEdit(displayFormat=TIME_FMT, calendarPopup=True)
        self.time_to = QDateTimeEdit(displayFormat=TIME_FMT, calendarPopup=True)
        for edit in (self.time_from, self.time_to):
            # A typed time applies when complete (Enter, leaving the field, the arrows, the
            # calendar), not per keystroke: a half-typed year selects nothing.
            edit.setKeyboardTracking(False)
        self.overlapping = QCheckBox(self.tr("Overlapping: going on in the range"))
        self.overlapping.setToolTip(
            self.tr(
                "Off: bills that begin in the range.\n"
                "On: bills that were going on in it: begun before 'To' and ended after 'From'\n"
                "(a bill with no end time counts as still open). For an incident window."
            )
        )
        self.time_note = QLabel()
        self.time_note.setWordWrap(True)
        self.time_note.hide()
        self._valid_time: tuple[str | None, str | None] = (None, None)
        presets = QGridLayout()  # two by two: a narrow pane (see the checklists' rows)
        self.preset_btns: dict[str, QPushButton] = {}
        for i, (key, text) in enumerate(
            (
                ("all", self.tr("Whole data")),
                ("hour", self.tr("An hour")),
                ("day", self.tr("A day")),
                ("around", self.tr("Around bill")),
            )
        ):
            btn = QPushButton(text)
            btn.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
            btn.clicked.connect(lambda _c=False, k=key: self.apply_preset(k))
            presets.addWidget(btn, i // 2, i % 2)
            self.preset_btns[key] = btn
        self.preset_btns["hour"].setToolTip(
            self.tr("One hour from the 'From' time (or the data's start)")
        )
        self.preset_btns["day"].setToolTip(
            self.tr("One day from the 'From' time (or the data's start)")
        )
        self.preset_btns["around"].setToolTip(
            self.tr("15 minutes either side of the selected bill")
        )
        self.time_box = time_box = QGroupBox()
        tf = QFormLayout(time_box)
        tf.addRow(self.use_from, self.time_from)
        tf.addRow(self.use_to, self.time_to)
        tf.addRow(self.time_note)
        tf.addRow(self.overlapping)
        tf.addRow(presets)

        self.agents = CheckList(self.tr("Search agents…"), paste=self.tr("agent IDs"))
        self.op_types = CheckList(self.tr("Search operation types…"))
        self.reasons = CheckList(self.tr("Search reasons…"))
        self.call_id = QLineEdit(placeholderText=self.tr("exact call ID"))
        self.skill = QLineEdit(placeholderText=self.tr("skill ID"))
        self.media = QComboBox()
        self.media.addItem(self.tr("Any media type"), None)
        self.text = QLineEdit(
            placeholderText=self.tr("text in agent, call ID, phone/IP, object, ids…")
        )
        # the hint is cut in a narrow pane: the whole of it one hover away
        self.text.setToolTip(
            self.tr(
                "Shows the bills whose agent, call ID, phone/IP, object or ids contain this text"
            )
        )
        for edit in (self.call_id, self.skill, self.text):
            edit.setClearButtonEnabled(True)
        misc = QGroupBox(self.tr("Call, skill, media, text"))
        mf = QFormLayout(misc)
        mf.addRow(self.tr("Call ID"), self.call_id)
        mf.addRow(self.tr("Skill"), self.skill)
        mf.addRow(self.tr("Media"), self.media)
        mf.addRow(self.tr("Text"), self.text)

        def boxed(title: str, w: QWidget) -> QGroupBox:
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(w)
            return box

        lay = QVBoxLayout(self)
        lay.addLayout(saved_row)
        lay.addWidget(self.clear_btn)
        self.set_time_label(TIME_LABEL)
        lay.addWidget(time_box)
        lay.addWidget(boxed(self.tr("Agents"), self.agents), 3)
        lay.addWidget(boxed(self.tr("Operation types"), self.op_types), 3)
        lay.addWidget(boxed(self.tr("Reasons (of the checked types)"), self.reasons), 2)
        lay.addWidget(misc)

        self.use_from.toggled.connect(self._changed)
        self.use_to.toggled.connect(self._changed)
        self.overlapping.toggled.connect(
            lambda _on: (self.use_from.isChecked() or self.use_to.isChecked()) and self._changed()
        )
        self.time_from.dateTimeChanged.connect(
            lambda _d: self.use_from.isChecked() and self._changed()
        )
        self.time_to.dateTimeChanged.connect(lambda _d: self.use_to.isChecked() and self._changed())
        self.agents.changed.connect(self._changed)
        self.op_types.changed.connect(self._op_types_changed)
        self.reasons.changed.connect(self._changed)
        for edit in (self.call_id, self.skill, self.text):
            edit.textChanged.connect(self._changed)
        self.media.currentIndexChanged.connect(self._changed)
        self.clear_btn.clicked.connect(self.clear)
        save_btn.clicked.connect(self._save)
        del_btn.clicked.connect(self._delete)
        self.saved.activated.connect(self._open_saved)

    # -- data ----------------------------------------------------------------------------

    def set_database(self, db: Database) -> None:
        """Point the panel at another database (lists reload, filter clears)."""
        self._db = db
        self.clear(emit=False)
        self.reload()

    def set_read_only(self, readonly: bool) -> None:
        """A read-only database: saved filters can be opened, not saved or deleted."""
        for button in self._writing_buttons:
            button.setEnabled(not readonly)
            button.setToolTip(self.tr("The database is open read-only") if readonly else "")

    def set_time_label(self, label: str) -> None:
        """How times are qualified (the data's zone where a user named it)."""
        self._time_label = label
        self.time_box.setTitle(self.tr("Time, {label}").format(label=label))

    def set_labels(self, labels: dict[tuple[int, int], str]) -> None:
        """Site labels to name reasons with."""
        self._labels = dict(labels)
        self._load_reasons()

    def reload(self) -> None:
        """Re-read lists and counts (after an import or a label change)."""
        db = self._db

        def work() -> dict[str, Any]:
            return BrowseService(db).filter_lists()

        self._counts.run(work, self._fill_lists, lambda msg: self.message.emit(msg))
        self._refresh_saved()

    def retranslate(self) -> None:
        """Say the lists, notes and checked values again in the language now in force."""
        if self._lists is not None:
            self._fill_lists(self._lists)
        for checklist in (self.agents, self.op_types, self.reasons):
            checklist.set_items(checklist._items)
        self._check_time()
        self._refresh_saved()  # "— saved by …"

    def _fill_lists(self, data: dict[str, Any]) -> None:
        self._lists = data
        self.agents.set_items(
            [
                (
                    str(a),
                    f"{a}  ({n:,})",
                    self.tr("agent {agent}: {n} bills").format(agent=a, n=f"{n:,}"),
                )
                for a, n in data["agents"]
            ]
        )
        items = []
        for t, n in data["types"]:
            exp = codes.explain_op_type(t)
            info = codes.op_type_info(codes.parse_code(t))
            tip = exp.generic or exp.text
            if info is not None and not info.billed:
                tip += "\n" + self.tr("(documented as not normally billed)")
            items.append((t, f"{t}  {exp.text}  ({n:,})", tip))
        self.op_types.set_items(items)
        self.media.blockSignals(True)
        current = self.media.currentData()
        self.media.clear()
        self.media.addItem(self.tr("Any media type"), None)
        for m, n in data["media"]:
            code = codes.parse_code(m)
            if code is None or not codes.CODE_MIN <= code <= codes.CODE_MAX:
                continue  # no code, or one Qt cannot carry (a rounded 20-digit real, old data)
            self.media.addItem(f"{m} {codes.explain_media_type(m).text} ({n:,})", code)
        idx = self.media.findData(current)
        self.media.setCurrentIndex(max(idx, 0))
        self.media.blockSignals(False)
        lo, hi = data["span"]
        if lo is not None:
            # The end is exclusive: one second past the last bill, but not past year 9999.
            self._span = (from_epoch(lo), from_epoch(min(hi + 1, TIME_MAX)))
            if not self.use_from.isChecked():
                self.time_from.blockSignals(True)
                self.time_from.setDateTime(_qdt(self._span[0]))
                self.time_from.blockSignals(False)
            if not self.use_to.isChecked():
                self.time_to.blockSignals(True)
                self.time_to.setDateTime(_qdt(self._span[1]))
                self.time_to.blockSignals(False)
        self._load_reasons()

    def _reason_types(self) -> set[int]:
        """The operation types whose reasons are offered: the checked ones, when included."""
        if self.op_types.exclude.isChecked():
            return set()
        return {int(t) for t in self.op_types.checked() if codes.parse_code(t) is not None}

    def _op_types_changed(self) -> None:
        # Unchecking a type unchecks its reasons now, not when the reason list arrives, so the
        # filter emitted meanwhile never keeps a reason the panel no longer offers.
        types = self._reason_types()
        self.reasons.retain(lambda value: value[0] in types)
        self._load_reasons()
        self._changed()

    def _load_reasons(self) -> None:
        types = sorted(self._reason_types())
        if not types:
            self.reasons.set_items([])
            return
        db = self._db
        labels = dict(self._labels)

        def work() -> list[tuple[int, Any, int]]:
            return BrowseService(db).reason_counts(types)

        def fill(rows: list[tuple[int, Any, int]]) -> None:
            items = []
            for t, c, n in rows:
                exp = codes.explain_reason(t, c, labels)
                value = (int(t), None if codes.is_not_used(c) else codes.parse_code(c))
                if value[1] is None and not codes.is_not_used(c):
                    continue  # a non-numeric cause cannot be filtered on by code
                items.append(
                    (
                        value,
                        f"{t}:{'-' if value[1] is None else c}  {exp.text}  ({n:,})",
                        exp.generic or exp.text,
                    )
                )
            merged: dict[Any, tuple[Any, str, str]] = {}
            for item in items:
                merged.setdefault(item[0], item)
            self.reasons.set_items(list(merged.values()))

        self._reason_counts.run(work, fill, lambda msg: self.message.emit(msg))

    # -- filter --------------------------------------------------------------------------

    def current_filter(self) -> BillFilter:
        """The filter the widgets describe."""
        agents = tuple(str(a) for a in self.agents.checked())
        types = tuple(int(t) for t in self.op_types.checked() if codes.parse_code(t) is not None)
        offered = self._reason_types()
        reasons = tuple(r for r in self.reasons.checked() if r[0] in offered)
        call_id = self.call_id.text().strip() or None
        text = self.text.text().strip() or None
        skill = self.skill.text().strip() or None
        media = self.media.currentData()
        time_from, time_to = self._typed_time()
        if self._time_problem(time_from, time_to) == "inverted":
            time_from, time_to = self._valid_time  # not applied: the last valid range stays
        return BillFilter(
            agents=() if self.agents.exclude.isChecked() else agents,
            exclude_agents=agents if self.agents.exclude.isChecked() else (),
            op_types=() if self.op_types.exclude.isChecked() else types,
            exclude_op_types=types if self.op_types.exclude.isChecked() else (),
            reasons=() if self.reasons.exclude.isChecked() else reasons,
            exclude_reasons=reasons if self.reasons.exclude.isChecked() else (),
            time_from=time_from,
            time_to=time_to,
            overlapping=self.overlapping.isChecked(),
            call_id=call_id,
            skill=skill,
            media_types=() if media is None else (int(media),),
            text=text,
            sort=self._sort[0],
            descending=self._sort[1],
            ids=self._ids,
        )

    def describe(self, f: BillFilter | None = None) -> str:
        """The plain sentence for a filter (the window's and the export's)."""
        return describe_filter(f or self.current_filter(), self._labels, self._time_label)

    def set_sort(self, key: str, descending: bool) -> None:
        """Remember the table's sort so that emitted filters keep it."""
        self._sort = (key, descending)

    def set_filter(self, f: BillFilter) -> None:
        """Show a filter in the widgets (a saved one, or one from a drill-down)."""
        widgets: list[Any] = [
            self.use_from,
            self.use_to,
            self.time_from,
            self.time_to,
            self.overlapping,
            self.call_id,
            self.skill,
            self.text,
            self.media,
        ]
        for w in widgets:
            w.blockSignals(True)
        self.agents.set_checked(list(f.agents or f.exclude_agents), bool(f.exclude_agents))
        reasons = list(f.reasons or f.exclude_reasons)
        if f.exclude_op_types:
            self.op_types.set_checked(list(f.exclude_op_types), True)
        else:  # a reason is offered under its type: a filter of reasons alone ticks their types
            types = dict.fromkeys([*f.op_types, *(t for t, _c in reasons)])
            self.op_types.set_checked(list(types), False)
        self.reasons.set_checked(reasons, bool(f.exclude_reasons))
        self._load_reasons()
        self.use_from.setChecked(f.time_from is not None)
        self.use_to.setChecked(f.time_to is not None)
        if f.time_from:
            self.time_from.setDateTime(_qdt(f.time_from))
        if f.time_to:
            self.time_to.setDateTime(_qdt(f.time_to))
        self.overlapping.setChecked(f.overlapping)
        self._valid_time = (f.time_from, f.time_to)
        self._check_time()
        self.call_id.setText(f.call_id or "")
        self.skill.setText(f.skill or "")
        self.text.setText(f.text or "")
        idx = self.media.findData(f.media_types[0]) if f.media_types else 0
        self.media.setCurrentIndex(max(idx, 0))
        for w in widgets:
            w.blockSignals(False)
        self._sort = (f.sort, f.descending)
        self._ids = f.ids
        self._timer.stop()
        self._emit()

    def show_bills(self, pks: tuple[int, ...]) -> None:
        """Restrict the table to these bills (a drill-down); Clear removes the restriction."""
        self._ids = tuple(pks)
        self._changed()

    def clear(self, emit: bool = True) -> None:
        """Remove every restriction (the sort stays)."""
        self.set_filter(BillFilter(sort=self._sort[0], descending=self._sort[1]))
        if not emit:
            self._timer.stop()

    def set_selected_begin(self, begin_seconds: int | None) -> None:
        """The begin time of the selected bill, for the "around bill" preset."""
        self._selected_begin = None if begin_seconds is None else from_epoch(begin_seconds)
        self.preset_btns["around"].setEnabled(self._selected_begin is not None)

    def apply_preset(self, key: str) -> None:
        """Set the time range to a preset: whole data, an hour, a day, around the bill."""
        start = (
            _stored(self.time_from)
            if self.use_from.isChecked()
            else (self._span[0] if self._span else _stored(self.time_from))
        )
        self.time_from.blockSignals(True)
        self.time_to.blockSignals(True)
        self.use_from.blockSignals(True)
        self.use_to.blockSignals(True)
        if key == "all":
            self.use_from.setChecked(False)
            self.use_to.setChecked(False)
        else:
            if key == "around":
                if self._selected_begin is None:
                    self.message.emit(self.tr("Select a bill first to show the time around it."))
                    return
                start = shift_time(self._selected_begin, -15 * 60)
                end = shift_time(self._selected_begin, 15 * 60)
            else:
                end = shift_time(start, 3600 if key == "hour" else 86400)
            self.time_from.setDateTime(_qdt(start))
            self.time_to.setDateTime(_qdt(end))
            self.use_from.setChecked(True)
            self.use_to.setChecked(True)
        for w in (self.time_from, self.time_to, self.use_from, self.use_to):
            w.blockSignals(False)
        self._changed()

    def _typed_time(self) -> tuple[str | None, str | None]:
        """The time range the fields show (None for an unticked side)."""
        return (
            _stored(self.time_from) if self.use_from.isChecked() else None,
            _stored(self.time_to) if self.use_to.isChecked() else None,
        )

    def _time_problem(self, time_from: str | None, time_to: str | None) -> str | None:
        """What is wrong with a time range, or None.

        ``"inverted"``: From after To; ``"empty"``: no bill can begin in it; ``"outside"``: the
        data's bills all begin outside it.
        """
        overlapping = self.overlapping.isChecked()
        if time_from is not None and time_to is not None:
            if time_from > time_to:
                return "inverted"
            if time_from == time_to and not overlapping:
                return "empty"
        if self._span is not None:
            first, after_last = self._span
            if (time_to is not None and time_to <= first) or (
                not overlapping and time_from is not None and time_from >= after_last
            ):
                return "outside"
        return None

    def _check_time(self) -> None:
        """Say by the fields when the range is inverted or empty; remember a valid range."""
        time_from, time_to = self._typed_time()
        problem = self._time_problem(time_from, time_to)
        if problem != "inverted":
            self._valid_time = (time_from, time_to)
        if problem is None:
            self.time_note.hide()
            return
        if problem == "inverted":
            applied = self._valid_time
            text = (
                self.tr(
                    "From is after To: no time can match, so this range is not applied "
                    "(the table keeps the time range it had)."
                )
                if applied[0] or applied[1]
                else self.tr(
                    "From is after To: no time can match, so this range is not applied "
                    "(the table is not limited by time)."
                )
            )
            colour = colors(self.palette()).error_fg.name()
        elif problem == "empty":
            text = self.tr(
                "From equals To: the range is empty, no bill begins in it. "
                "Tick Overlapping for the bills going on at that moment."
            )
            colour = colors(self.palette()).warning_fg.name()
        else:
            first, after_last = self._span or ("", "")
            text = self.tr(
                "No bill begins in this range: the data's bills begin from {first} to "
                "before {after_last}."
            ).format(first=first, after_last=after_last)
            colour = colors(self.palette()).warning_fg.name()
        self.time_note.setStyleSheet(f"color: {colour};")
        self.time_note.setText(text)
        self.time_note.show()

    def _changed(self, *_args: Any) -> None:
        self._check_time()
        self._timer.start()

    def _emit(self) -> None:
        self.filter_changed.emit(self.current_filter())

    # -- saved filters -------------------------------------------------------------------

    def _refresh_saved(self) -> None:
        try:
            service = SavedFiltersService(self._db)
            names = service.names()
            savers = service.saved_by()
        except Exception as exc:  # noqa: BLE001 - shown, not raised; a bug said to be one
            problem = status_problem(exc, "reading the saved filters")
            said = self.tr("Saved filters unavailable: {problem}")
            self.message.emit(said.format(problem=problem))
            return
        self.saved.blockSignals(True)
        self.saved.clear()
        for name in names:  # the text says who saved it; the item's data is the name itself
            self.saved.addItem(saved_filter_label(name, savers.get(name)), name)
        self.saved.setCurrentIndex(-1)
        self.saved.blockSignals(False)

    def _save(self) -> None:
        name, ok = QInputDialog.getText(
            self, self.tr("Save filter"), self.tr("Name of this filter:")
        )
        if not ok or not name.strip():
            return
        try:
            SavedFiltersService(self._db).save(name, self.current_filter())
        except KnownError as exc:  # a read-only or locked database, say
            QMessageBox.warning(
                self,
                self.tr("Save filter"),
                self.tr("The filter could not be saved:\n{problem}").format(problem=exc),
            )
            return
        except Exception as exc:  # noqa: BLE001 - a bug: shown as one, with its traceback
            show_failure(self, self.tr("Save filter"), failure_of(exc, "saving a filter"))
            return
        self._refresh_saved()
        self.message.emit(self.tr("Saved filter “{name}”.").format(name=name.strip()))

    def _delete(self) -> None:
        name = self.saved.currentData()
        if not name:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Delete filter"),
            self.tr("Delete the saved filter “{name}”?").format(name=name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            SavedFiltersService(self._db).delete(name)
        except KnownError as exc:  # a read-only or locked database, say
            QMessageBox.warning(
                self,
                self.tr("Delete filter"),
                self.tr("The filter could not be deleted:\n{problem}").format(problem=exc),
            )
            return
        except Exception as exc:  # noqa: BLE001 - a bug: shown as one, with its traceback
            show_failure(self, self.tr("Delete filter"), failure_of(exc, "deleting a filter"))
            return
        self._refresh_saved()
        self.message.emit(self.tr("Deleted saved filter “{name}”.").format(name=name))

    def _open_saved(self, index: int) -> None:
        name = str(self.saved.itemData(index))
        try:
            saved = SavedFiltersService(self._db).get(name)
        except Exception as exc:  # noqa: BLE001 - shown, not raised; a bug said to be one
            problem = status_problem(exc, "reading a saved filter")
            self.message.emit(
                self.tr("Saved filter “{name}” could not be read: {problem}").format(
                    name=name, problem=problem
                )
            )
            return
        if saved is not None:
            self.set_filter(saved)
            self.message.emit(self.tr("Opened saved filter “{name}”.").format(name=name))

    # -- keyboard and empty state (used by the window) ---------------------------------------

    def focus_text(self, append: str = "") -> QWidget:
        """Put the cursor in the free-text filter; ``append`` adds typed text, else select all."""
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if append:
            self.text.deselect()
            self.text.setText(self.text.text() + append)
            self.text.end(False)
        else:
            self.text.selectAll()
        return self.text

    def focus_agents(self) -> QWidget:
        """Put the cursor in the agents' search field."""
        self.agents.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.agents.search.selectAll()
        return self.agents.search

    def focus_op_types(self) -> QWidget:
        """Put the cursor in the operation types' search field."""
        self.op_types.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.op_types.search.selectAll()
        return self.op_types.search

    def focus_time(self) -> QWidget:
        """Put the focus on the time range's "From" switch."""
        self.use_from.setFocus(Qt.FocusReason.ShortcutFocusReason)
        return self.use_from

    def show_no_data(self, empty: bool) -> None:
        """With no bills, the time fields show a dash (no invented 2000-01-01) and are disabled."""
        self.time_box.setEnabled(not empty)
        for use, edit in ((self.use_from, self.time_from), (self.use_to, self.time_to)):
            edit.blockSignals(True)
            if empty and not use.isChecked():  # a time the user chose stays
                edit.setSpecialValueText("—")
                edit.setDateTime(edit.minimumDateTime())
            elif not empty:
                edit.setSpecialValueText("")
                if self._span is not None and edit.dateTime() == edit.minimumDateTime():
                    start, end = self._span
                    edit.setDateTime(_qdt(start if edit is self.time_from else end))
            edit.blockSignals(False)
