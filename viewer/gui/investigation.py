"""The investigation panel: timeline, the state at a moment, time per state, anomalies.

``InvestigationPanel(db)`` rebuilds the agent states of a filter in the background
(``viewer.services.investigation.InvestigationService.states`` on a ``TaskRunner``; a newer
filter cancels the older computation) and shows them in four tabs. A filter that reads more
than ``full_limit`` bills (a month of a big center) gets an overview instead
(``InvestigationService.overview``: one agent's states held at a time); the timeline then reads
the states of the lanes in view as they scroll or zoom into view, and the moments and the
summary's drill-down are read in the background, so the panel's memory follows the screen,
not the bills.

1. Timeline: one lane per agent (``viewer.gui.timeline``), with a legend;
2. At a moment: every agent's state at a moment, and what changed between two moments;
3. Summary: time per state per agent with a total row (one column per busy/rest reason);
4. Anomalies: what looks wrong, one row each.

A click selects (a timeline bar is outlined and described under the timeline); a double-click or
Enter on a timeline bar, a summary cell, a moment row or an anomaly emits ``bills_selected`` with
the row keys of the bills behind it (the window then shows those bills). Progress and errors are
shown as text at the top of the panel, never in a dialog.

The first moment defaults to the selected bill's begin (``selected_begin``), else to the busiest
moment (most agents signed in, found off the GUI thread with the states); the second moment
follows the first (one hour later) until the user sets it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDateTime,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    QTimeZone,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from viewer.core import codes
from viewer.core import investigation as st
from viewer.core.describe import op_type_name, reason_name
from viewer.core.filters import BillFilter
from viewer.core.i18n import QT_TRANSLATE_NOOP
from viewer.core.investigation import (
    ALL_REASONS,
    AgentChange,
    AgentMoment,
    Anomaly,
    Interval,
    Summary,
    SummaryColumn,
    summary_columns,
    summary_value,
)
from viewer.core.timefmt import format_duration, from_epoch
from viewer.gui.timeline import TimelineLegend, TimelineView
from viewer.gui.workers import BackgroundCall, TaskRunner, status_problem
from viewer.services.investigation import (
    FULL_STATES_MAX_BILLS,
    AgentStates,
    Database,
    Investigation,
    InvestigationService,
    Overview,
)

SORT_ROLE = int(Qt.ItemDataRole.UserRole) + 20
"""Raw value of a cell (seconds, counts, text) for sorting and tests."""

_INDEX = QModelIndex | QPersistentModelIndex
Labels = Mapping[tuple[int, int], str]

TAB_TIMELINE, TAB_MOMENT, TAB_SUMMARY, TAB_ANOMALIES = range(4)


TIMELINE_HINT = QT_TRANSLATE_NOOP(
    "InvestigationPanel",
    "Click a bar to describe it; double-click it or press Enter to show its bills.",
)

SECOND_MOMENT_AFTER = 3600
"""Seconds from the first moment to the second while the user has not set the second."""


def busiest_moment(
    states: Sequence[st.AgentStates], lo: int | None = None, hi: int | None = None
) -> int | None:
    """The earliest moment in ``[lo, hi)`` with the most agents signed in (None: nobody is)."""
    spans = ((iv.start, iv.end) for agent in states for iv in agent.sessions())
    return st.busiest_moment(spans, lo, hi)


class Result:
    """What the background computation hands to the panel.

    Either every agent's states (``investigation``; moments and drill-down are computed from
    them on the spot) or, for more bills than the panel's ``full_limit``, an ``overview``
    (figures only: the timeline, moments and drill-down read the database in the background).
    """

    def __init__(self, found: Investigation | Overview) -> None:
        self.investigation: Investigation | None = None
        self.overview: Overview | None = None
        if isinstance(found, Overview):
            self.overview = found
            self.summary: Summary = found.summary
            self.anomalies: list[Anomaly] = found.anomalies
            self.busiest: int | None = found.busiest
            self.labels: Labels = found.labels
            return
        self.investigation = found
        self.summary = found.summary()
        self.anomalies = found.anomalies()
        self.busiest = busiest_moment(found.states, found.start, found.end)
        self.labels = found.labels

    @property
    def filter(self) -> BillFilter:
        """The filter computed."""
        return self.overview.filter if self.overview is not None else self._inv().filter

    @property
    def start(self) -> int | None:
        """The period's start (None: open)."""
        return self.overview.start if self.overview is not None else self._inv().start

    @property
    def end(self) -> int | None:
        """The period's end (None: open)."""
        return self.overview.end if self.overview is not None else self._inv().end

    def _inv(self) -> Investigation:
        assert self.investigation is not None
        return self.investigation


# ------------------------------------------------------------------------------------------------
# Table models
# ------------------------------------------------------------------------------------------------


class RowsModel(QAbstractTableModel):
    """A read-only table of display rows, with raw values for sorting and a payload per row."""

    def __init__(self, header: Sequence[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._header = list(header)
        self._rows: list[list[Any]] = []
        self._raw: list[list[Any]] = []
        self._tips: list[str | None] = []
        self._cell_tips: list[Sequence[str | None]] = []
        self.payloads: list[Any] = []
        self.bold_last = False

    def set_rows(
        self,
        rows: Sequence[Sequence[Any]],
        raw: Sequence[Sequence[Any]] | None = None,
        payloads: Sequence[Any] | None = None,
        header: Sequence[str] | None = None,
        tips: Sequence[str | None] | None = None,
        cell_tips: Sequence[Sequence[str | None]] | None = None,
    ) -> None:
        """Replace the content (``raw`` defaults to the display values).

        The tooltip of a cell is its ``cell_tips`` entry, else its row's ``tips`` entry, else
        its own text (the full text of a cell too narrow to show it).
        """
        self.beginResetModel()
        if header is not None:
            self._header = list(header)
        self._rows = [list(r) for r in rows]
        self._raw = [list(r) for r in (raw if raw is not None else rows)]
        self.payloads = list(payloads) if payloads is not None else [None] * len(self._rows)
        self._tips = list(tips) if tips is not None else [None] * len(self._rows)
        self._cell_tips = list(cell_tips) if cell_tips is not None else []
        self.endResetModel()

    def header(self) -> list[str]:
        """Column titles."""
        return list(self._header)

    def rowCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _INDEX = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._header)

    def data(self, index: _INDEX, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            v = self._rows[r][c]
            return "" if v is None else str(v)
        if role == SORT_ROLE:
            return self._raw[r][c]
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = self._cell_tips[r][c] if r < len(self._cell_tips) else None
            if not tip:
                tip = self._tips[r]
            if not tip:
                v = self._rows[r][c]
                tip = None if v is None or v == "" else str(v)
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(self._raw[r][c], int | float):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and self.bold_last and r == len(self._rows) - 1:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(  # noqa: N802 - Qt override
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            if not 0 <= section < len(self._header):
                return None
            return QCoreApplication.translate("InvestigationPanel", self._header[section])
        return super().headerData(section, orientation, role)


class _Proxy(QSortFilterProxyModel):
    """Sorts on the raw values; None sorts first."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def lessThan(self, left: _INDEX, right: _INDEX) -> bool:  # noqa: N802 - Qt override
        a = left.data(SORT_ROLE)
        b = right.data(SORT_ROLE)
        if a is None or b is None:
            return a is None and b is not None
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


def _table(parent: QWidget | None = None) -> QTableView:
    view = QTableView(parent)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
    view.setWordWrap(False)
    return view


LONG_TEXT_MIN_CHARS = 24
"""Narrowest a free-text column is shrunk to (average characters) when the table is too wide."""


def fit_columns(view: QTableView, long_columns: Sequence[Sequence[int]] = ()) -> None:
    """Size every column to its title and content, then shrink the widest free-text columns.

    Times, durations and titles are shown in full; when the whole does not fit in the view,
    free-text columns give up width (down to LONG_TEXT_MIN_CHARS, then if need be to their
    title), the widest first, one group of ``long_columns`` after the other (least important
    first);
    their text is elided in the middle, the tooltip has it in full. The last column stretches.
    """
    view.resizeColumnsToContents()
    header = view.horizontalHeader()
    floor = view.fontMetrics().averageCharWidth() * LONG_TEXT_MIN_CHARS
    bar = view.verticalScrollBar()  # may not be shown yet: leave room for it
    room = view.viewport().width() - (0 if bar.isVisible() else bar.sizeHint().width())
    excess = header.length() - room
    for group in long_columns:
        excess = _shrink(view, group, floor, excess)
    for group in long_columns:  # still too wide: down to the titles
        excess = _shrink(view, group, 0, excess)


def _shrink(view: QTableView, columns: Sequence[int], floor: int, excess: int) -> int:
    """Take up to ``excess`` pixels from the widest of ``columns``; returns what is left."""
    header = view.horizontalHeader()
    lows = {c: max(floor, header.sectionSizeHint(c)) for c in columns}
    while excess > 0:
        wide = [c for c in columns if view.columnWidth(c) > lows[c]]
        if not wide:
            break
        wide.sort(key=view.columnWidth, reverse=True)
        first = view.columnWidth(wide[0])
        runner_up = view.columnWidth(wide[1]) if len(wide) > 1 else 0
        new = max(lows[wide[0]], runner_up, first - excess)
        if new >= first:  # two equally wide columns: shrink them together
            new = max(lows[wide[0]], first - max(1, excess // len(wide)))
        view.setColumnWidth(wide[0], new)
        excess -= first - new
    return excess


class _ElideRight(QStyledItemDelegate):
    """Elides at the right: for cells whose start matters most ("26 states: 12 Busy, ...")."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: _INDEX) -> None:  # noqa: N802
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight  # type: ignore[attr-defined]


def _sorted_view(model: RowsModel, parent: QWidget | None = None) -> QTableView:
    view = _table(parent)
    proxy = _Proxy(view)
    proxy.setSourceModel(model)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    return view


def _on_enter(view: QTableView, slot: Callable[[QModelIndex], None]) -> None:
    """Enter or Return on the view calls ``slot`` with its current cell (like a double-click)."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        shortcut = QShortcut(QKeySequence(key), view)
        shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        shortcut.activated.connect(
            lambda v=view: slot(v.currentIndex()) if v.currentIndex().isValid() else None
        )


def _source_row(view: QTableView, index: QModelIndex) -> int:
    model = view.model()
    if isinstance(model, QSortFilterProxyModel):
        return model.mapToSource(index).row()
    return index.row()


# ------------------------------------------------------------------------------------------------
# Tab contents
# ------------------------------------------------------------------------------------------------


def time_near(seconds: int | None, moment: int) -> str:
    """A time beside a moment: "hh:mm:ss" on the moment's day, else the full date and time."""
    text = from_epoch(seconds)
    return text[11:] if text and text[:10] == from_epoch(moment)[:10] else text


def _moment_rows(
    moments: Sequence[AgentMoment],
) -> tuple[list[list[Any]], list[list[Any]], list[list[str | None]]]:
    shown: list[list[Any]] = []
    raw: list[list[Any]] = []
    tips: list[list[str | None]] = []
    for m in moments:
        details = [iv for iv in m.details if iv.kind is not st.StateKind.SIGNED_IN]
        other = "; ".join(iv.label for iv in details)
        for_s = m.time - m.since if m.since is not None else None
        session = (
            QCoreApplication.translate("InvestigationPanel", "since {time}").format(
                time=time_near(m.session_start, m.time)
            )
            if m.signed_in
            else QCoreApplication.translate("InvestigationPanel", "no")
        )
        shown.append(
            [m.agent, m.label, time_near(m.since, m.time), format_duration(for_s), session, other]
        )
        raw.append([m.agent, m.label, m.since, for_s, m.session_start, other])
        full_session = (
            QCoreApplication.translate("InvestigationPanel", "Signed in since {time}").format(
                time=from_epoch(m.session_start)
            )
            if m.signed_in
            else None
        )
        tips.append([None, None, from_epoch(m.since) or None, None, full_session, None])
    return shown, raw, tips


MOMENT_HEADER = (
    QT_TRANSLATE_NOOP("InvestigationPanel", "Agent"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "State"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Since"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "For"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Signed in"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Other active states"),
)
MOMENT_LONG_COLUMNS = ((5,), (1,))
CHANGES_LONG_COLUMNS = ((3, 4), (1, 2))
CHANGES_HEADER = (
    QT_TRANSLATE_NOOP("InvestigationPanel", "Agent"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "At first moment"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "At second moment"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Began between"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Ended between"),
)
"""Short titles: the table's label says "Changes between the moment above and ..."."""
ANOMALY_HEADER = (
    QT_TRANSLATE_NOOP("InvestigationPanel", "Agent"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Begin"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "End"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Duration"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Anomaly"),
    QT_TRANSLATE_NOOP("InvestigationPanel", "Details"),
)
ANOMALY_LONG_COLUMNS = ((5,), (4,))


class _DateTimeEdit(QDateTimeEdit):
    """A date-time field in stored seconds (wall-clock time read as UTC, no zone shift)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTimeZone(QTimeZone.utc())
        self.setDisplayFormat("yyyy-MM-dd HH:mm:ss")
        self.setCalendarPopup(True)

    def seconds(self) -> int:
        """The shown moment in stored seconds."""
        return int(self.dateTime().toSecsSinceEpoch())

    def set_seconds(self, seconds: int) -> None:
        """Show a moment given in stored seconds."""
        self.setDateTime(QDateTime.fromSecsSinceEpoch(int(seconds), QTimeZone.utc()))


# ------------------------------------------------------------------------------------------------
# The panel
# ------------------------------------------------------------------------------------------------


def _labels(intervals: Sequence[Interval]) -> str:
    """One interval's label; several: how many, then how many of each kind, commonest first.

    E.g. "26 states: 12 In conversation, 8 Busy, 6 Working" (the tooltip lists them all).
    """
    if len(intervals) <= 1:
        return intervals[0].label if intervals else ""
    kinds = Counter(iv.kind.title for iv in intervals)
    parts = ", ".join(f"{n} {title}" for title, n in kinds.most_common())
    return QCoreApplication.translate("InvestigationPanel", "{n} states: {kinds}").format(
        n=len(intervals), kinds=parts
    )


def _interval_lines(intervals: Sequence[Interval], shown: int = 30) -> str | None:
    """A tooltip listing intervals with their times, one a line (None: no interval)."""
    lines = [
        f"{iv.label}: {from_epoch(iv.start)} - {from_epoch(iv.end)}" for iv in intervals[:shown]
    ]
    if len(intervals) > shown:
        lines.append(
            QCoreApplication.translate("InvestigationPanel", "and {n} more").format(
                n=len(intervals) - shown
            )
        )
    return "\n".join(lines) or None


class InvestigationPanel(QWidget):
    """Agent states of the current filter: timeline, at a moment, summary, anomalies.

    Signals:
        bills_selected(tuple[int, ...]): row keys of the bills behind what the user picked.
        computed(object): an investigation was computed and shown (the ``Investigation``).
        failed(str): the computation failed (the message is also shown in the panel).
    """

    bills_selected = Signal(object)
    computed = Signal(object)
    failed = Signal(str)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.service = InvestigationService(db)
        self.investigation: Investigation | None = None
        """Every agent's states, when the filter reads at most ``full_limit`` bills."""
        self.overview: Overview | None = None
        """The figures only, when it reads more (the rest is read in the background)."""
        self.result: Result | None = None
        self.full_limit = FULL_STATES_MAX_BILLS
        """Above this many bills to read, an overview instead of every state."""
        self._lanes_call = BackgroundCall(self)
        self._moment_call = BackgroundCall(self)
        self._changes_call = BackgroundCall(self)
        self._drill_call = BackgroundCall(self)
        self._runner: TaskRunner | None = None
        self._runners: set[TaskRunner] = set()
        self._generation = 0
        self._bill_text_cache: dict[int, str] = {}
        self.selected_begin: Callable[[], int | None] | None = None
        """Gives the selected bill's begin (stored seconds), the default first moment."""
        self._moment_chosen = False  # the user set the first moment
        self._moment2_chosen = False  # the user set the second moment
        self._fit_moment = True  # size the moment tables' columns on their next fill
        self._moment_value = 0  # the moments before a new range may clamp them
        self._pending_fit: dict[QTableView, Sequence[Sequence[int]]] = {}  # fitted once visible
        self._moment2_value = 0

        self.status = QLabel(self.tr("No filter yet."))
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tabs = QTabWidget()

        # 1. Timeline
        self.timeline = TimelineView()
        self.timeline.describe_bills = self._describe_bills
        self.legend = TimelineLegend()
        zoom_in = QPushButton(self.tr("Zoom in"))
        zoom_out = QPushButton(self.tr("Zoom out"))
        show_all = QPushButton(self.tr("Show all"))
        zoom_in.clicked.connect(lambda: self.timeline.zoom(1.5))
        zoom_out.clicked.connect(lambda: self.timeline.zoom(1 / 1.5))
        show_all.clicked.connect(self.timeline.show_all)
        self.range_label = QLabel()
        self.range_label.setWordWrap(True)  # else its width squeezes the filter pane (1366 px)
        self.timeline.view_changed.connect(self._update_range_label)
        tl_bar = QHBoxLayout()
        tl_bar.addWidget(zoom_in)
        tl_bar.addWidget(zoom_out)
        tl_bar.addWidget(show_all)
        tl_bar.addWidget(self.range_label, 1)
        tl = QWidget()
        tl_layout = QVBoxLayout(tl)
        tl_layout.setContentsMargins(2, 2, 2, 2)
        tl_layout.addLayout(tl_bar)
        tl_layout.addWidget(self.legend)
        tl_layout.addWidget(self.timeline, 1)
        self.timeline_details = QLabel()
        self.timeline_details.setWordWrap(True)
        self.timeline_details.setTextFormat(Qt.TextFormat.PlainText)
        self.timeline_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        tl_layout.addWidget(self.timeline_details)
        self.timeline.item_selected.connect(self._on_timeline_selected)
        self.timeline.item_activated.connect(self._on_timeline_activated)
        self.timeline.lanes_wanted.connect(self._read_lanes)

        # 2. At a moment
        self.moment_edit = _DateTimeEdit()
        self.moment2_edit = _DateTimeEdit()
        self.moment_model = RowsModel(MOMENT_HEADER, self)
        self.moment_table = _sorted_view(self.moment_model)
        self.changes_model = RowsModel(CHANGES_HEADER, self)
        self.changes_table = _sorted_view(self.changes_model)
        self._elide_right = _ElideRight(self.changes_table)
        for column in (3, 4):  # the counts by kind of what began and ended
            self.changes_table.setItemDelegateForColumn(column, self._elide_right)
        self.changes_label = QLabel()
        self._moment_timer = QTimer(self, singleShot=True, interval=200)
        self._moment_timer.timeout.connect(self.refresh_moment)
        self._changes_timer = QTimer(self, singleShot=True, interval=200)
        self._changes_timer.timeout.connect(self.refresh_changes)
        self.moment_edit.dateTimeChanged.connect(self._on_moment_edited)
        self.moment2_edit.dateTimeChanged.connect(self._on_moment2_edited)
        self.moment_table.doubleClicked.connect(self._on_moment_double)
        self.changes_table.doubleClicked.connect(self._on_change_double)
        m_top = QHBoxLayout()
        m_top.addWidget(QLabel(self.tr("State at")))
        m_top.addWidget(self.moment_edit)
        m_top.addStretch(1)
        c_top = QHBoxLayout()
        changes_title = QLabel(self.tr("Changes between the moment above and"))
        for label in (changes_title, self.changes_label):  # wrap rather than squeeze the panes
            label.setWordWrap(True)
        c_top.addWidget(changes_title)
        c_top.addWidget(self.moment2_edit)
        c_top.addWidget(self.changes_label, 1)
        upper = QWidget()
        ul = QVBoxLayout(upper)
        ul.setContentsMargins(0, 0, 0, 0)
        ul.addLayout(m_top)
        ul.addWidget(self.moment_table)
        lower = QWidget()
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addLayout(c_top)
        ll.addWidget(self.changes_table)
        moment = QSplitter(Qt.Orientation.Vertical)
        moment.addWidget(upper)
        moment.addWidget(lower)

        # 3. Summary
        self.summary_model = RowsModel([MOMENT_HEADER[0]], self)
        self.summary_model.bold_last = True
        self.summary_view = _table()
        self.summary_view.setModel(self.summary_model)
        self.summary_view.doubleClicked.connect(self._on_summary_double)
        self._summary_cols: list[SummaryColumn] = []

        # 4. Anomalies
        self.anomalies_model = RowsModel(ANOMALY_HEADER, self)
        self.anomalies_view = _sorted_view(self.anomalies_model)
        self.anomalies_view.setItemDelegateForColumn(5, _ElideRight(self.anomalies_view))  # prose
        self.anomalies_view.doubleClicked.connect(self._on_anomaly_double)
        for view, slot in (
            (self.moment_table, self._on_moment_double),
            (self.changes_table, self._on_change_double),
            (self.summary_view, self._on_summary_double),
            (self.anomalies_view, self._on_anomaly_double),
        ):
            _on_enter(view, slot)

        self.tabs.addTab(tl, self.tr("Timeline"))
        self.tabs.addTab(moment, self.tr("At a moment"))
        self.tabs.addTab(self.summary_view, self.tr("Summary"))
        self.tabs.addTab(self.anomalies_view, self.tr("Anomalies"))
        hint = self.tr("Double-click a row or cell to show its bills.")
        for i in (TAB_MOMENT, TAB_SUMMARY, TAB_ANOMALIES):
            self.tabs.setTabToolTip(i, hint)
        self.tabs.setTabToolTip(TAB_TIMELINE, self.tr(TIMELINE_HINT))

        self.tabs.currentChanged.connect(self._fit_pending_later)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(self.tabs, 1)
        self._set_enabled(False)
        self.destroyed.connect(self._cancel_all)

    # ---------------------------------------------------------------- computing

    @property
    def is_computing(self) -> bool:
        """Whether a computation for the newest filter is running."""
        return self._runner is not None

    def set_filter(self, f: BillFilter, labels: Labels | None = None) -> None:
        """Rebuild the agent states of ``f`` in the background (cancels an older computation)."""
        self._cancel_current()
        self._generation += 1
        service = self.service
        label_map = dict(labels) if labels is not None else None

        full_limit = self.full_limit

        def work(progress: Callable[[int, int], None], cancel: Any) -> Result:
            found: Investigation | Overview
            if service.more_bills_than(f, full_limit):
                found = service.overview(f, labels=label_map, progress=progress, cancel=cancel)
            else:
                found = service.states(f, labels=label_map, progress=progress, cancel=cancel)
            cancel.raise_if_set()
            return Result(found)

        runner = TaskRunner(work, self, name="investigation")
        self._runner = runner
        self._runners.add(runner)
        runner.progress.connect(lambda done, total, r=runner: self._on_progress(r, done, total))
        runner.finished.connect(lambda result, r=runner: self._on_finished(r, result))
        runner.failed.connect(lambda message, r=runner: self._on_failed(r, message))
        runner.cancelled.connect(lambda r=runner: self._on_cancelled(r))
        runner.done.connect(lambda r=runner: self._runners.discard(r))
        self.status.setText(self.tr("Computing agent states…"))
        self._set_enabled(False)
        runner.start()

    def cancel(self) -> None:
        """Stop the running computation (the shown results stay)."""
        if self._runner is not None:
            self._cancel_current()
            self.status.setText(self.tr("Computation cancelled."))
            self._set_enabled(self.result is not None)

    def shutdown(self, ms: int = 30_000) -> None:
        """Cancel every computation and wait for their threads (before closing the window)."""
        runners = list(self._runners)
        self._runner = None
        for r in runners:
            r.cancel()
        for r in runners:
            r.wait(ms)

    def _cancel_current(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            self._runner = None

    @Slot()
    def _cancel_all(self) -> None:
        for r in list(self._runners):
            r.cancel()

    def _on_progress(self, runner: TaskRunner, done: object, total: object) -> None:
        if runner is not self._runner:
            return
        if isinstance(done, int) and isinstance(total, int) and total > 0:
            self.status.setText(
                self.tr("Computing agent states… {done} of {total} bills read").format(
                    done=f"{done:,}", total=f"{total:,}"
                )
            )

    def _on_finished(self, runner: TaskRunner, result: Result) -> None:
        if runner is not self._runner:
            return
        self._runner = None
        try:
            self._show(result)
        except Exception as exc:  # noqa: BLE001 - a bug: said to be one, logged with its traceback
            self._on_failed(
                None,
                self.tr("Could not show the results: {error}").format(
                    error=status_problem(exc, "showing the agent states")
                ),
            )
            return
        self.computed.emit(result.investigation)

    def _on_failed(self, runner: TaskRunner | None, message: str) -> None:
        if runner is not None and runner is not self._runner:
            return
        self._runner = None
        self.status.setText(
            self.tr("Could not compute agent states: {problem}").format(problem=message)
        )
        self._set_enabled(self.result is not None)
        self.failed.emit(message)

    def _on_cancelled(self, runner: TaskRunner) -> None:
        if runner is self._runner:
            self._runner = None
            self.status.setText(self.tr("Computation cancelled."))

    def _set_enabled(self, enabled: bool) -> None:
        self.tabs.setEnabled(enabled)

    # ---------------------------------------------------------------- showing

    def retranslate(self) -> None:
        """Say the headers and the computed results again in the language now in force."""
        for model in (
            self.moment_model,
            self.changes_model,
            self.summary_model,
            self.anomalies_model,
        ):
            if model.columnCount():
                model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, model.columnCount() - 1)
        self.legend.retranslate()
        if self.result is not None:
            self._show(self.result)
            self._update_range_label()

    def _show(self, result: Result) -> None:
        inv, ov = result.investigation, result.overview
        self.result = result
        self.investigation = inv
        self.overview = ov
        self._bill_text_cache.clear()
        if inv is not None:
            self.timeline.set_states(inv.states, inv.start, inv.end)
            agents = len(inv.states)
        else:
            assert ov is not None
            lo, hi = ov.extent or (0, 3600)
            lo = ov.start if ov.start is not None else lo
            hi = ov.end if ov.end is not None else hi
            self.timeline.set_lanes(ov.agents, lo, hi)
            agents = len(ov.agents)
        self._fill_summary(result.summary)
        self._fill_anomalies(result.anomalies)
        self._on_timeline_selected(None)
        lo, hi = self.timeline.data_range()
        for edit in (self.moment_edit, self.moment2_edit):
            edit.blockSignals(True)
            edit.setDateTimeRange(
                QDateTime.fromSecsSinceEpoch(lo, QTimeZone.utc()),
                QDateTime.fromSecsSinceEpoch(hi, QTimeZone.utc()),
            )
        # (setting the range may have clamped the shown moments: compare the values before)
        if not self._moment_chosen or not lo <= self._moment_value <= hi:
            self._moment_chosen = False
            self.moment_edit.set_seconds(self._default_moment(result, lo, hi))
        else:
            self.moment_edit.set_seconds(self._moment_value)
        if not self._moment2_chosen or not lo <= self._moment2_value <= hi:
            self._moment2_chosen = False
            self.moment2_edit.set_seconds(min(hi, self.moment_edit.seconds() + SECOND_MOMENT_AFTER))
        else:
            self.moment2_edit.set_seconds(self._moment2_value)
        for edit in (self.moment_edit, self.moment2_edit):
            edit.blockSignals(False)
        self._remember_moments()
        self._fit_moment = True
        self.refresh_moment()
        self.refresh_changes()
        self._set_enabled(True)
        self.status.setText(
            self.tr(
                "{agents} agents, {first} to {last}; {anomalies} anomalies. "
                "Double-click a bar, row or cell to show its bills."
            ).format(
                agents=agents,
                first=from_epoch(result.start) or self.tr("the first bill"),
                last=from_epoch(result.end) or self.tr("the last bill"),
                anomalies=len(result.anomalies),
            )
        )

    def _fill_summary(self, summary: Summary) -> None:
        cols = summary_columns(summary)
        self._summary_cols = cols
        rows: list[list[Any]] = []
        raw: list[list[Any]] = []
        for row in [*summary.rows, summary.total]:
            r_raw = [summary_value(row, c) for c in cols]
            rows.append(
                [
                    format_duration(v) if c.is_duration else v
                    for c, v in zip(cols, r_raw, strict=True)
                ]
            )
            raw.append(r_raw)
        payloads = [r.agent for r in summary.rows] + [None]
        self.summary_model.set_rows(rows, raw, payloads, header=[c.title for c in cols])
        self.summary_view.resizeColumnsToContents()

    def _fill_anomalies(self, anomalies: Sequence[Anomaly]) -> None:
        rows = [
            [
                a.agent,
                from_epoch(a.start),
                from_epoch(a.end),
                format_duration(a.end - a.start),
                a.kind.title,
                a.message,
            ]
            for a in anomalies
        ]
        raw = [
            [a.agent, a.start, a.end, a.end - a.start, a.kind.title, a.message] for a in anomalies
        ]
        self.anomalies_model.set_rows(
            rows, raw, list(anomalies), tips=[a.message for a in anomalies]
        )
        self._fit(self.anomalies_view, ANOMALY_LONG_COLUMNS)

    def _fit(self, view: QTableView, long_columns: Sequence[Sequence[int]]) -> None:
        """Fit the columns now, or when the view is first shown (its width is known then)."""
        if view.isVisible():
            self._pending_fit.pop(view, None)
            fit_columns(view, long_columns)
        else:
            self._pending_fit[view] = long_columns

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        super().showEvent(event)
        self._fit_pending_later()

    def _fit_pending_later(self, _index: int = 0) -> None:
        if self._pending_fit:
            QTimer.singleShot(0, self, self._fit_pending)  # once the layout has sized the tables

    def _fit_pending(self) -> None:
        for view, cols in list(self._pending_fit.items()):
            if view.isVisible():
                self._fit(view, cols)

    def _default_moment(self, result: Result, lo: int, hi: int) -> int:
        """The selected bill's begin when it lies in range, else the busiest moment."""
        selected = self.selected_begin() if self.selected_begin is not None else None
        if selected is not None and lo <= selected <= hi:
            return int(selected)
        if result.busiest is not None and lo <= result.busiest <= hi:
            return result.busiest
        return lo

    def follow_selected_bill(self) -> None:
        """Another bill was selected: the first moment moves to its begin until the user sets one.

        (The moment was only settled when the investigation was computed, so selecting a bill
        afterwards left "At a moment" at the bill selected before.)
        """
        if self._moment_chosen or self.result is None:
            return
        lo, hi = self.timeline.data_range()
        seconds = self._default_moment(self.result, lo, hi)
        if seconds == self.moment_edit.seconds():
            return
        self.moment_edit.blockSignals(True)
        self.moment_edit.set_seconds(seconds)
        self.moment_edit.blockSignals(False)
        self._first_moment_moved()

    def _remember_moments(self) -> None:
        self._moment_value = self.moment_edit.seconds()
        self._moment2_value = self.moment2_edit.seconds()

    def _follow_first_moment(self) -> None:
        """Keep the second moment one hour after the first until the user sets it."""
        if self._moment2_chosen:
            return
        hi = self.timeline.data_range()[1] if self.result is not None else None
        t2 = self.moment_edit.seconds() + SECOND_MOMENT_AFTER
        self.moment2_edit.blockSignals(True)
        self.moment2_edit.set_seconds(t2 if hi is None else min(hi, t2))
        self.moment2_edit.blockSignals(False)

    def _first_moment_moved(self) -> None:
        """The second moment follows the first; both tables refresh after a short pause."""
        self._follow_first_moment()
        self._remember_moments()
        self._moment_timer.start()
        self._changes_timer.start()

    def _on_moment_edited(self, _dt: object = None) -> None:
        self._moment_chosen = True
        self._first_moment_moved()

    def _on_moment2_edited(self, _dt: object = None) -> None:
        self._moment2_chosen = True
        self._remember_moments()
        self._changes_timer.start()

    @Slot(int)
    def set_moment(self, seconds: int) -> None:
        """Show every agent's state at ``seconds`` (stored seconds, e.g. a bill's begin)."""
        self.moment_edit.blockSignals(True)
        self.moment_edit.set_seconds(seconds)
        self.moment_edit.blockSignals(False)
        self._moment_chosen = True
        self._follow_first_moment()
        self._remember_moments()
        self.refresh_moment()
        self.refresh_changes()

    def moment(self) -> int:
        """The first moment (stored seconds)."""
        return self.moment_edit.seconds()

    def set_second_moment(self, seconds: int) -> None:
        """Set the second moment of "changes between" and refresh that table."""
        self.moment2_edit.blockSignals(True)
        self.moment2_edit.set_seconds(seconds)
        self.moment2_edit.blockSignals(False)
        self._moment2_chosen = True
        self._remember_moments()
        self.refresh_changes()

    def second_moment(self) -> int:
        """The second moment (stored seconds)."""
        return self.moment2_edit.seconds()

    @Slot()
    def refresh_moment(self) -> None:
        """Recompute the "at a moment" table from the current investigation."""
        self._moment_timer.stop()
        t = self.moment_edit.seconds()
        if self.overview is not None:
            ov = self.overview
            self._moment_call.run(
                lambda: self.service.at(ov.filter, t, labels=ov.labels, agents=ov.agents),
                self._current(self._fill_moment),
                self._background_failed,
                what="the state at a moment",
            )
            return
        if self.investigation is None:
            self.moment_model.set_rows([])
            return
        self._fill_moment(self.investigation.at(t))

    def _fill_moment(self, moments: list[AgentMoment]) -> None:
        shown, raw, tips = _moment_rows(moments)
        self.moment_model.set_rows(shown, raw, moments, cell_tips=tips)
        if self._fit_moment:
            self._fit(self.moment_table, MOMENT_LONG_COLUMNS)

    @Slot()
    def refresh_changes(self) -> None:
        """Recompute the "changes between" table from the current investigation."""
        self._changes_timer.stop()
        t1, t2 = self.moment_edit.seconds(), self.moment2_edit.seconds()
        if self.overview is not None:
            ov = self.overview
            self._changes_call.run(
                lambda: self.service.changes(ov.filter, t1, t2, labels=ov.labels, agents=ov.agents),
                self._current(self._fill_changes),
                self._background_failed,
                what="the changes between two moments",
            )
            return
        if self.investigation is None:
            self.changes_model.set_rows([])
            return
        self._fill_changes(self.investigation.changes(t1, t2))

    def _fill_changes(self, changes: list[AgentChange]) -> None:
        shown = [
            [c.agent, c.before.label, c.after.label, _labels(c.started), _labels(c.ended)]
            for c in changes
        ]
        raw = [  # (count, text): sorted by how many, then by name; left-aligned as text
            [
                c.agent,
                c.before.label,
                c.after.label,
                (len(c.started), row[3]),
                (len(c.ended), row[4]),
            ]
            for c, row in zip(changes, shown, strict=True)
        ]
        tips = [
            [None, None, None, _interval_lines(c.started), _interval_lines(c.ended)]
            for c in changes
        ]
        self.changes_model.set_rows(shown, raw, changes, cell_tips=tips)
        if self._fit_moment:
            self._fit_moment = False
            self._fit(self.changes_table, CHANGES_LONG_COLUMNS)
        self.changes_label.setText(self.tr("{n} agent(s) changed").format(n=len(changes)))

    def _update_range_label(self) -> None:
        lo, hi = self.timeline.visible_range()
        self.range_label.setText(
            self.tr("{start} to {end} ({duration})").format(
                start=from_epoch(int(lo)),
                end=from_epoch(int(hi)),
                duration=format_duration(int(hi - lo)),
            )
        )

    # ---------------------------------------------------------------- drill-down

    def _emit(self, pks: Sequence[int]) -> None:
        if pks:
            self.bills_selected.emit(tuple(pks))

    def _on_timeline_selected(self, item: Interval | Anomaly | None) -> None:
        """Describe the selected bar or anomaly under the timeline."""
        if item is None:
            self.timeline_details.setText(self.tr(TIMELINE_HINT))
        else:
            self.timeline_details.setText(self.timeline.summary_text(item))

    def _on_timeline_activated(self, item: Interval | Anomaly) -> None:
        self._emit(item.bill_pks)

    def _on_summary_double(self, index: QModelIndex) -> None:
        if self.result is None or not index.isValid():
            return
        col = index.column()
        agent = self.summary_model.payloads[index.row()]
        figure = self._summary_cols[col][1] if col < len(self._summary_cols) else None
        if figure is None:
            figure, reason = "signed_in", ALL_REASONS
        else:
            reason = self._summary_cols[col][2]
        if self.overview is None:
            self._emit(self.result.summary.bill_pks(agent, figure, reason))
            return
        ov = self.overview
        self.status.setText(self.tr("Finding the bills of that cell…"))
        self._drill_call.run(
            lambda: self.service.summary_bill_pks(
                ov.filter, agent, figure, reason, labels=ov.labels
            ),
            self._current(self._emit_found),
            self._background_failed,
            what="the bills of a summary cell",
        )

    def _emit_found(self, pks: Sequence[int]) -> None:
        self.status.setText(self.tr("{n} bills behind that cell.").format(n=f"{len(pks):,}"))
        self._emit(pks)

    # ---------------------------------------------------------------- overview reads

    def _read_lanes(self, first: int, last: int, lo: int, hi: int) -> None:
        """Read the states of the timeline's lanes in view (an overview) in the background."""
        ov = self.overview
        if ov is None:
            return
        agents = ov.agents[first:last]

        def read() -> tuple[int, int, int, int, dict[str, AgentStates]]:
            return (
                first,
                last,
                lo,
                hi,
                self.service.lane_states(ov.filter, agents, lo, hi, labels=ov.labels),
            )

        self._lanes_call.run(
            read,
            self._current(self._show_lanes),
            self._background_failed,
            what="the timeline's lanes",
        )

    def _show_lanes(self, found: tuple[int, int, int, int, dict[str, AgentStates]]) -> None:
        if self.overview is None:
            return
        first, last, lo, hi, states = found
        self.timeline.set_lane_states(first, last, lo, hi, states)

    def _current(self, fill: Callable[[Any], None]) -> Callable[[Any], None]:
        """``fill``, run only if the result shown is still the one it was read for."""
        result = self.result

        def run(value: Any) -> None:
            if self.result is result:
                fill(value)

        return run

    def _background_failed(self, message: str) -> None:
        self.status.setText(self.tr("Could not read the bills: {message}").format(message=message))

    def _on_anomaly_double(self, index: QModelIndex) -> None:
        a: Anomaly = self.anomalies_model.payloads[_source_row(self.anomalies_view, index)]
        self._emit(a.bill_pks)

    def _on_moment_double(self, index: QModelIndex) -> None:
        m: AgentMoment = self.moment_model.payloads[_source_row(self.moment_table, index)]
        self._moment_chosen = True  # the moment looked at stays when its bills get selected
        self._emit(m.bill_pks)

    def _on_change_double(self, index: QModelIndex) -> None:
        c: AgentChange = self.changes_model.payloads[_source_row(self.changes_table, index)]
        self._moment_chosen = self._moment2_chosen = True  # (as for a moment row)
        pks = [*c.before.bill_pks, *(pk for iv in (*c.started, *c.ended) for pk in iv.bill_pks)]
        pks.extend(c.after.bill_pks)
        self._emit(list(dict.fromkeys(pks)))

    # ---------------------------------------------------------------- tooltips

    def _describe_bills(self, pks: Sequence[int]) -> list[str]:
        """One decoded line per bill (a primary-key lookup; cached per computation)."""
        missing = [pk for pk in pks if pk not in self._bill_text_cache]
        if missing:
            labels = self.result.labels if self.result is not None else None
            rows = self.service.bill_briefs(missing)
            for pk, bill_id, op_type, cause, begin, end in rows:
                what = (
                    op_type_name(op_type) if op_type is not None else self.tr("no operation type")
                )
                reason = ""
                if op_type is not None:
                    code = None if codes.is_not_used(cause) else codes.parse_code(cause)
                    reason = self.tr(", reason {reason}").format(
                        reason=reason_name(op_type, code, labels)
                    )
                self._bill_text_cache[pk] = (
                    f"{bill_id}: {what}{reason}, {from_epoch(begin)} - {from_epoch(end)}"
                )
        return [self._bill_text_cache[pk] for pk in pks if pk in self._bill_text_cache]
