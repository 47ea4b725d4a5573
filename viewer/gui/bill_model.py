"""The bill table model: millions of rows without holding them.

On a filter change a background thread first fetches the first page (shown at once), then (on
PostgreSQL) the planner's estimate of the matching bills ("about N"), then scans the matching
keys once for the exact count, keeping only a bounded list of checkpoints (every ``stride``-th
row's sort key and row key, ``queries.MAX_CHECKPOINTS`` at most). ``rowCount`` is the count;
``data`` reads pages of 256 rows by keyset: after the page above, before the page below, or a
short OFFSET from the nearest checkpoint (or from the end), kept in a small LRU cache. The
memory of the table is a few pages and the checkpoints, whatever the number of bills.

A sort the database cannot seek (no index leads with its first key: every column but those of
``viewer.core.columns.FAST_SORT_KEYS``) would cost a scan and a sort of the matching bills for
every page read away from its neighbours, on the GUI thread. For those sorts only, the
background scan keeps every matching row key in order instead of the checkpoints, in a
``KeyList``: the first million in memory, the rest in a temporary file (8 bytes a bill on disk:
160 MB at 20,000,000 bills), and a page is read by primary key, so neither the window's memory
nor what the GUI thread reads grows with the bills. The trade: a temporary file for those
sorts, against a far jump of O(page) instead of O(bills).

A newer filter supersedes a running query (generation counter, the database's
interrupt/cancel). Sorting happens in SQL; while a sort without index runs, ``sort_status``
says so (the window shows "Sorting N bills by <column>…" with Cancel).
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QFont

from viewer.core import codes
from viewer.core.columns import (
    ALL_COLUMNS,
    BY_KEY,
    CODE,
    DURATION,
    IDX,
    SOURCE,
    TIME,
    Column,
    sorts_fast,
)
from viewer.core.filters import BillFilter
from viewer.core.timefmt import format_duration, from_epoch
from viewer.gui.palette import SchemeWatcher, colors
from viewer.gui.roles import PK_ROLE, RAW_ROLE, ROW_ROLE
from viewer.gui.workers import status_problem
from viewer.services.browse import BillReader, BrowseService, Checkpoints, Key, KeyList
from viewer.services.database import Database
from viewer.services.labels import LabelsService

log = logging.getLogger(__name__)

PAGE = 256
MAX_PAGES = 64
Index = QModelIndex | QPersistentModelIndex


class _Superseded(Exception):
    """A newer filter was asked for: the running snapshot stops without a word."""


@dataclass(frozen=True)
class _Page:
    """Rows of one page with the keyset keys of its first and last row."""

    rows: list[tuple[Any, ...]]
    first: Key | None
    last: Key | None


def _page_of(pairs: list[tuple[tuple[Any, ...], Key]]) -> _Page:
    return _Page(
        [r for r, _k in pairs], pairs[0][1] if pairs else None, pairs[-1][1] if pairs else None
    )


class _Snapshot(QObject):
    """Runs the queries of a filter change on a plain thread and reports by queued signals.

    Each run has its own connection. A newer run interrupts the older ones' statements and makes
    them stop at their next check between statements and between chunks of keys, so a
    superseded full scan never keeps a core busy.
    """

    preview = Signal(int, object, object)  # generation, first page (row, key) pairs, total bills
    estimated = Signal(int, object)  # generation, the planner's estimate of the matching bills
    ready = Signal(int, object, object, object)
    """generation, Checkpoints, {kept pk: row or None}, every row key (unseekable sorts) or None"""

    failed = Signal(int, str)
    sorting = Signal(int, int, int)
    """generation, keys read (-1 while the database sorts), bills sorted (-1 under a filter):
    a sort without index runs"""

    def __init__(self, db: Database) -> None:
        super().__init__()
        self._browse = BrowseService(db)
        self._lock = threading.Condition()
        self._latest = 0
        self._seen = 0
        self._keep: dict[int, int | None] = {}
        self._running: dict[int, BillReader] = {}

    def start(self, generation: int, f: BillFilter, total: int | None = None) -> None:
        """Read ``f``'s rows in the background; ``total``: the bills counted already, if known."""
        with self._lock:
            self._latest = generation
        self.interrupt(before=generation)
        threading.Thread(
            target=self._run,
            args=(generation, f, total),
            name=f"snapshot-{generation}",
            daemon=True,
        ).start()

    def interrupt(self, before: int | None = None) -> None:
        """Stop the runs older than ``before`` (all runs when None)."""
        with self._lock:
            if before is None:
                self._latest += 1
            for generation, reader in self._running.items():
                if before is None or generation < before:
                    reader.interrupt()
            self._lock.notify_all()

    def preview_seen(self, generation: int, keep: int | None) -> None:
        """The window has shown the preview of ``generation`` and wants bill ``keep`` located."""
        with self._lock:
            self._seen = max(self._seen, generation)
            self._keep[generation] = keep
            self._lock.notify_all()

    def _check(self, generation: int) -> None:
        if generation != self._latest:
            raise _Superseded

    def _kept(self, generation: int) -> int | None:
        """Wait until the window has taken the preview in; the bill it asks to keep.

        A window that never does (gone without ``close``) is waited for 10 s at most.
        """
        with self._lock:
            for _ in range(200):
                self._check(generation)
                if self._seen >= generation:
                    break
                self._lock.wait(0.05)
            return self._keep.pop(generation, None)

    def _run(self, generation: int, f: BillFilter, known_total: int | None) -> None:
        try:
            self._check(generation)
            with self._browse.reader() as reader:
                with self._lock:
                    self._running[generation] = reader
                try:
                    self._check(generation)
                    # The bills in the database: counted once per refresh, not per filter change
                    # (a full count: 20M bills, hundreds of ms before every first page).
                    total = reader.total() if known_total is None else known_total
                    self._check(generation)
                    # bills to sort: all of them, or unknown before the count under a filter
                    everything = replace(f, sort="begin_time", descending=False) == BillFilter()
                    bills = total if everything else -1
                    if not self._browse.seekable(f) and total > PAGE:
                        self.sorting.emit(generation, -1, bills)  # seconds at millions of bills
                    first = reader.page(f, PAGE)
                    self._check(generation)
                    self.preview.emit(generation, first, total)
                    ids: KeyList | None = None
                    if len(first) < PAGE:
                        # A short first page is the whole result, in order: no second scan
                        # (a rare text search on 5M bills: 5.1 s to the final count, 2.9 s without).
                        points = Checkpoints(len(first), PAGE, [k for _r, k in first[:1]])
                        if not self._browse.seekable(f):
                            ids = KeyList.of(r[0] for r, _k in first)
                    else:
                        estimate = reader.estimate(f)
                        if estimate is not None:
                            self._check(generation)
                            self.estimated.emit(generation, estimate)
                        if self._browse.seekable(f):
                            points = reader.checkpoints(f, lambda: self._check(generation))
                        else:
                            ids = reader.ids_for(
                                f,
                                lambda: self._check(generation),
                                lambda n: self.sorting.emit(generation, n, bills),
                            )
                            points = Checkpoints(len(ids), PAGE, [k for _r, k in first[:1]])
                    reader.end_read()
                    keep = self._kept(generation)
                    found: dict[int, int | None] = {}
                    if keep is not None and not any(r[0] == keep for r, _k in first):
                        if ids is not None:  # a search through the keys held: no query
                            try:
                                found[keep] = ids.index(keep)
                            except ValueError:
                                found[keep] = None
                        else:
                            found[keep] = reader.position_of(f, keep)
                            reader.end_read()
                    self._check(generation)
                    self.ready.emit(generation, points, found, ids)
                finally:
                    with self._lock:
                        self._running.pop(generation, None)
                    reader.end_read()
        except _Superseded:
            return
        except Exception as exc:  # noqa: BLE001 - reported to the window, never raised in a thread
            text = str(exc)
            if generation != self._latest or "interrupted" in text or "canceling" in text:
                return
            self.failed.emit(generation, status_problem(exc, "counting the bills"))


class BillTableModel(QAbstractTableModel):
    """All columns of ``viewer.core.columns``; the view picks which are visible, in what order."""

    counts_changed = Signal(int, int)
    """Bills matching the filter (-1 while counting), bills in the database."""
    count_estimated = Signal(int)
    """The planner's estimate of the bills matching the filter, before the exact count."""
    loading_changed = Signal(bool)
    failed = Signal(str)
    snapshot_ready = Signal()
    """The exact count and the checkpoints are in place (row positions are final)."""
    sort_status = Signal(str, int, int)
    """A sort without index is running: the column's title, keys read so far (-1 while the
    database sorts the bills), the bills being sorted (-1: the matching bills, not counted yet).
    An empty title: no such sort runs."""

    def __init__(self, db: Database, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._columns: tuple[Column, ...] = ALL_COLUMNS
        self._db = db
        self._filter = BillFilter()
        self._shown_filter = BillFilter()
        self._generation = 0
        self._count = 0
        self._points = Checkpoints(0, 1, [])
        self._positions: dict[int, int | None] = {}
        self._keep: int | None = None
        self._preview: list[tuple[Any, ...]] | None = None
        self._first = _Page([], None, None)
        self._pages: OrderedDict[int, _Page] = OrderedDict()
        self._ids: KeyList | None = None
        self._labels: dict[tuple[int, int], str] = {}
        self._sources: dict[int, str] = {}
        self._total = 0
        self._total_known = False
        """Whether ``_total`` counts the database as it is (a filter change then reuses it)."""
        self._loading = False
        self._browse = BrowseService(db)
        self._reader: BillReader | None = None
        self._pages_failed = False
        self._time_cache: dict[int, str] = {}
        self._start_pending = False
        self._closed = False
        self._snapshot = _Snapshot(db)
        self._snapshot.preview.connect(self._on_preview)
        self._snapshot.estimated.connect(self._on_estimated)
        self._snapshot.ready.connect(self._on_ready)
        self._snapshot.failed.connect(self._on_failed)
        self._snapshot.sorting.connect(self._on_sorting)
        self._settled: BillFilter | None = None
        """The filter of the last finished snapshot (where Cancel of a slow sort returns)."""
        self._scheme = SchemeWatcher(self._colors_changed, self)

    # -- state ---------------------------------------------------------------------------

    @property
    def columns(self) -> tuple[Column, ...]:
        """The model's columns in model order."""
        return self._columns

    @property
    def bill_filter(self) -> BillFilter:
        """The filter the model shows."""
        return self._filter

    @property
    def labels(self) -> dict[tuple[int, int], str]:
        """Site labels in force."""
        return self._labels

    @property
    def total(self) -> int:
        """Bills in the database."""
        return self._total

    @property
    def is_loading(self) -> bool:
        """Whether a snapshot query is running."""
        return self._loading

    @property
    def has_snapshot(self) -> bool:
        """Whether row positions are final (not the first-page preview)."""
        return self._preview is None

    def held_rows(self) -> int:
        """Rows and checkpoints the model holds (bounded, whatever the bills).

        A sort the database cannot seek also holds its row keys: see ``held_keys``.
        """
        rows = sum(len(p.rows) for p in self._pages.values())
        return rows + len(self._preview or ()) + len(self._points.keys)

    def held_keys(self) -> int:
        """Row keys held for a sort the database cannot seek (8 bytes each), 0 for the others."""
        return 0 if self._ids is None else len(self._ids)

    def matching(self) -> int:
        """Bills matching the filter (-1 while they are being counted)."""
        return -1 if self._preview is not None else self._count

    def set_filter(self, f: BillFilter) -> None:
        """Show the bills of ``f``; a query still running for an older filter is dropped.

        The database's total is not counted again: only the filter changed.
        """
        self._filter = f
        self._reload()

    def keep(self, pk: int | None) -> None:
        """Locate bill ``pk`` in the rows of the filter being read (``row_of`` then knows it).

        The window calls it as the rows are reset, to select the same bill again.
        """
        self._keep = pk

    def refresh(self) -> None:
        """Re-read labels, sources, the database's total and the filter's rows (after an import).

        The query starts when control returns to the event loop, so that the several changes
        one user action makes (sort indicator, restored header, filter) cost one query.
        """
        self._total_known = False
        self._reload()

    def _reload(self) -> None:
        """Read the current filter again when control returns to the event loop."""
        self._generation += 1
        self.sort_status.emit("", 0, 0)
        self._set_loading(True)
        if self._pages_failed:  # read again through a new connection (after a lost one, say)
            self._pages_failed = False
            self._drop_reader()
        if not self._start_pending:
            self._start_pending = True
            QTimer.singleShot(0, self, self._start)

    def _start(self) -> None:
        self._start_pending = False
        if self._closed:
            return
        self._reload_side_tables()
        total = self._total if self._total_known else None
        self._snapshot.start(self._generation, self._filter, total)

    def reload_labels(self) -> None:
        """Re-read the site labels and repaint (a label changes no row: no query)."""
        self._reload_side_tables()
        if self.rowCount():
            self.dataChanged.emit(
                self.index(0, 0), self.index(self.rowCount() - 1, self.columnCount() - 1)
            )

    def row_of(self, pk: int) -> int | None:
        """The row showing the bill with row key ``pk`` (None when the filter hides it).

        Found among the rows read so far, or located by the snapshot run (see ``keep``).
        """
        if self._preview is not None:
            return next((i for i, r in enumerate(self._preview) if r[0] == pk), None)
        for page_no, page in self._pages.items():
            for i, r in enumerate(page.rows):
                if r[0] == pk:
                    return page_no * PAGE + i
        return self._positions.get(pk)

    def close(self) -> None:
        """Stop background work and release the read connection."""
        self._closed = True
        self._generation += 1
        self._snapshot.interrupt()
        self.sort_status.emit("", 0, 0)
        self._drop_reader()

    def _drop_reader(self) -> None:
        """Give the page reader's connection back (a broken one is discarded by the pool)."""
        reader, self._reader = self._reader, None
        if reader is not None:
            try:
                reader.close()
            except Exception as exc:  # noqa: BLE001 - a dead connection may fail to close
                log.info("closing the page reader: %s", exc)

    def _reload_side_tables(self) -> None:
        try:
            self._labels = LabelsService(self._db).labels()
            self._sources = self._browse.source_names()
        except Exception as exc:  # noqa: BLE001 - shown in the window
            self.failed.emit(status_problem(exc, "reading the site labels and file names"))

    def _set_loading(self, loading: bool) -> None:
        if loading != self._loading:
            self._loading = loading
            self.loading_changed.emit(loading)

    def _on_preview(
        self, generation: int, first: list[tuple[tuple[Any, ...], Key]], total: int
    ) -> None:
        if generation != self._generation:
            self._snapshot.preview_seen(generation, None)
            return
        self._keep = None
        self.beginResetModel()  # the window notes the bill to keep (``keep``)
        self._preview = [r for r, _k in first]
        self._first = _page_of(first)
        self._shown_filter = self._filter
        self._count = 0
        self._positions = {}
        self._pages.clear()
        self._set_ids(None)
        self._total = int(total)
        self._total_known = True
        self.endResetModel()
        self._snapshot.preview_seen(generation, self._keep)
        self.counts_changed.emit(-1, self._total)

    def _set_ids(self, ids: KeyList | None) -> None:
        """Hold ``ids`` (the row keys of a sort without index), closing the list they replace."""
        if self._ids is not None and self._ids is not ids:
            self._ids.close()  # its temporary file goes now, not whenever it is collected
        self._ids = ids

    def _on_sorting(self, generation: int, read: int, bills: int) -> None:
        if generation == self._generation:
            self.sort_status.emit(BY_KEY[self._filter.sort].title, int(read), int(bills))

    def sort_to_restore(self) -> tuple[str, bool]:
        """The sort Cancel of a running sort returns to: ``(column key, descending)``.

        The sort of the last finished snapshot if it was another column's, else begin time.
        """
        settled = self._settled
        if settled is not None and settled.sort != self._filter.sort:
            return settled.sort, settled.descending
        return "begin_time", False

    def _on_estimated(self, generation: int, estimate: int) -> None:
        if generation == self._generation and self._preview is not None:
            self.count_estimated.emit(int(estimate))

    def _on_ready(
        self,
        generation: int,
        points: Checkpoints,
        positions: dict[int, int | None],
        ids: KeyList | None,
    ) -> None:
        if generation != self._generation:
            return
        self.beginResetModel()
        self._preview = None
        self._points = points
        self._count = points.count
        self._positions = dict(positions)
        self._pages.clear()
        self._set_ids(ids)
        if self._first.rows:
            self._pages[0] = self._first
        self.endResetModel()
        self._settled = self._filter
        self._set_loading(False)
        self.sort_status.emit("", 0, 0)
        self.counts_changed.emit(self._count, self._total)
        self.snapshot_ready.emit()

    def _on_failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self._set_loading(False)
        self.sort_status.emit("", 0, 0)
        self.failed.emit(message)

    # -- rows ----------------------------------------------------------------------------

    def _page_reader(self) -> BillReader:
        if self._reader is None:
            self._reader = self._browse.reader()
        return self._reader

    def _seek(self, reader: BillReader, start: int, n: int) -> list[tuple[tuple[Any, ...], Key]]:
        """``n`` rows from row ``start``: from the nearest checkpoint, or back from the end."""
        f = self._shown_filter
        stride = self._points.stride
        c = min(start // stride, len(self._points.keys) - 1)
        from_point = start - c * stride
        from_end = self._count - (start + n)
        if c < 0 or from_end <= from_point:
            return reader.page(f, n, backward=True, offset=from_end)
        return reader.page(f, n, after=self._points.keys[c], inclusive=True, offset=from_point)

    def _read_page(self, page_no: int) -> _Page:
        """Rows of page ``page_no`` by keyset, from the nearest thing known about them.

        A sort the database can seek reads the page itself (after the page above, before the
        page below, or from a checkpoint); any other sort reads its page by the row keys the
        snapshot kept (a query on it would cost a scan and a sort of the matching bills).
        """
        f = self._shown_filter
        start = page_no * PAGE
        n = min(PAGE, self._count - start)
        reader = self._page_reader()
        above, below = self._pages.get(page_no - 1), self._pages.get(page_no + 1)
        if self._ids is not None:
            keys = self._ids[start : start + n]
            by_pk = {r[0]: r for r in reader.rows_by_ids(keys)}
            # rows deleted meanwhile: keep positions stable
            pairs = [(by_pk.get(k) or _missing_row(k), (k,)) for k in keys]
        elif above is not None and above.last is not None:
            pairs = reader.page(f, n, after=above.last)
        elif below is not None and below.first is not None:
            pairs = reader.page(f, n, after=below.first, backward=True)
        else:
            pairs = self._seek(reader, start, n)
        reader.end_read()  # so that WAL checkpoints can proceed
        page = _page_of(pairs)
        if len(page.rows) < n:  # rows deleted meanwhile: keep positions stable
            page = _Page(page.rows + [_missing_row(0)] * (n - len(page.rows)), page.first, None)
        return page

    def row_tuple(self, row: int) -> tuple[Any, ...] | None:
        """The database row shown at ``row`` (None if out of range or unreadable)."""
        if self._preview is not None:
            return self._preview[row] if 0 <= row < len(self._preview) else None
        if not 0 <= row < self._count:
            return None
        page_no = row // PAGE
        page = self._pages.get(page_no)
        if page is None:
            if self._pages_failed:  # said once; Refresh reads again
                return None
            try:
                page = self._read_page(page_no)
            except Exception as exc:  # noqa: BLE001 - a vanished/locked database must not crash paint
                # No read per painted cell after that (a server that is gone would stall each
                # one): the window says so once, and Refresh reads through a new connection.
                self._pages_failed = True
                self._drop_reader()
                self.failed.emit(status_problem(exc, "reading a page of bills"))
                return None
            self._pages[page_no] = page
            if len(self._pages) > MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.rows[row - page_no * PAGE]

    def pk_at(self, row: int) -> int | None:
        """Row key of the bill at ``row``."""
        r = self.row_tuple(row)
        return None if r is None else int(r[0])

    def source_name(self, source_id: int) -> str:
        """File name of a source in the ledger."""
        return self._sources.get(int(source_id), self.tr("file #{n}").format(n=source_id))

    # -- Qt model interface --------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self._preview) if self._preview is not None else self._count

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self._columns):
            col = self._columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return col.title
            if role == Qt.ItemDataRole.ToolTipRole:
                if sorts_fast(col.key):
                    return self.tr("{title} ({key}); click to sort").format(
                        title=col.title, key=col.key
                    )
                return self.tr(
                    "{title} ({key}); click to sort (no index: the database sorts "
                    "every matching bill first, seconds at millions of bills)"
                ).format(title=col.title, key=col.key)
        if orientation == Qt.Orientation.Vertical and role == Qt.ItemDataRole.DisplayRole:
            return section + 1
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self._columns):
            return
        key = self._columns[column].key
        self.set_filter(
            replace(self._filter, sort=key, descending=order == Qt.SortOrder.DescendingOrder)
        )

    def _time(self, seconds: Any) -> str:
        if seconds is None or seconds == "":
            return ""
        text = self._time_cache.get(seconds)
        if text is None:
            if len(self._time_cache) > 100_000:
                self._time_cache.clear()
            text = self._time_cache[seconds] = from_epoch(seconds)
        return text

    def retranslate(self) -> None:
        """Have the views ask again for the headers and cells (their words follow the language)."""
        if self._columns:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._columns) - 1)
        rows, cols = self.rowCount(), self.columnCount()
        if rows and cols:
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, cols - 1))

    def _colors_changed(self) -> None:
        """The OS colour scheme changed: have the views repaint every cell's colours."""
        rows, cols = self.rowCount(), self.columnCount()
        if rows and cols:
            roles = [Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.BackgroundRole]
            self.dataChanged.emit(self.index(0, 0), self.index(rows - 1, cols - 1), roles)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self.row_tuple(index.row())
        if row is None:
            return "…" if role == Qt.ItemDataRole.DisplayRole else None
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(col, row)
        if role == RAW_ROLE:
            return col.raw(row)
        if role == PK_ROLE:
            return row[0]
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(col, row)
        if col.kind == CODE and col.explain is not None:
            exp = col.explain(row, self._labels)
            if role == Qt.ItemDataRole.BackgroundRole:
                if not exp.known:
                    return QBrush(colors().unknown_bg)
                if col.key == "op_type" and _not_billed(row):
                    return QBrush(colors().not_billed_bg)
            elif role == Qt.ItemDataRole.ForegroundRole:
                # A cell with its own background gets its own text colour too (the palette's
                # text may be light, e.g. on an amber cell in a dark scheme).
                if not exp.known:
                    return QBrush(colors().unknown_fg)
                if col.key == "op_type" and _not_billed(row):
                    return QBrush(colors().not_billed_fg)
                if exp.site_label:
                    return QBrush(colors().label_fg)
                if exp.not_used:
                    return QBrush(colors().not_used_fg)
            elif role == Qt.ItemDataRole.FontRole and exp.site_label:
                font = QFont()
                font.setItalic(True)
                return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col.kind in (TIME, DURATION):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def display_text(self, col: Column, row: tuple[Any, ...]) -> str:
        """What a cell shows: decoded codes, formatted times, file names."""
        if col.kind == TIME:
            return self._time(row[IDX[col.field or ""]])
        if col.kind == DURATION:
            return format_duration(col.raw(row))
        if col.kind == SOURCE:
            return f"{self.source_name(row[IDX['source_id']])}:{row[IDX['line']]}"
        if col.kind == CODE and col.explain is not None:
            exp = col.explain(row, self._labels)
            if col.key == "op_type":
                mark = " ⚠" if _not_billed(row) else ""
                return f"{_raw_text(row[IDX['op_type']])} {exp.text}{mark}"
            return exp.text
        value = row[IDX[col.field or ""]]
        return "" if value is None else str(value)

    def tooltip(self, col: Column, row: tuple[Any, ...]) -> str:
        """Raw value and full explanation of a cell (the raw code is always one hover away)."""
        if col.kind == CODE and col.explain is not None:
            exp = col.explain(row, self._labels)
            raw = _raw_text(col.raw(row)) or self.tr("(empty)")
            lines = [
                self.tr("{title}: raw value {raw}").format(title=col.title, raw=raw),
                exp.text,
            ]
            if exp.generic and exp.generic != exp.text:
                lines.append(self.tr("documented: {text}").format(text=exp.generic))
            if exp.site_label:
                lines.append(self.tr("(site label)"))
            if not exp.known:
                lines.append(self.tr("not in the vendor's tables"))
            if col.key == "op_type" and _not_billed(row):
                lines.append(
                    self.tr("this operation is documented as not normally written to the bill")
                )
            return "\n".join(lines)
        if col.kind == TIME:
            return self.tr("{time} (as exported, tenant time)\nstored: {raw}").format(
                time=self._time(col.raw(row)), raw=col.raw(row)
            )
        if col.kind == SOURCE:
            return self.tr("{file}, line {line}").format(
                file=self.source_name(row[IDX["source_id"]]), line=row[IDX["line"]]
            )
        return self.display_text(col, row)

    def copy_text(self, rows: Sequence[int], column_order: Sequence[int]) -> str:
        """Tab-separated text with a header for the given rows and model columns."""
        cols = [self._columns[c] for c in column_order]
        lines = ["\t".join(c.title for c in cols)]
        for r in rows:
            row = self.row_tuple(r)
            if row is None:
                continue
            lines.append(
                "\t".join(
                    self.display_text(c, row).replace("\t", " ").replace("\n", " ") for c in cols
                )
            )
        return "\n".join(lines) + "\n"


def _raw_text(value: Any) -> str:
    return "" if value is None else str(value)


def _not_billed(row: tuple[Any, ...]) -> bool:
    code = codes.parse_code(row[IDX["op_type"]])
    return code is not None and code in codes.NOT_NORMALLY_BILLED


def _missing_row(pk: int) -> tuple[Any, ...]:
    row: list[Any] = [None] * len(IDX)
    row[0] = pk
    row[IDX["begin_time"]] = 0
    row[IDX["source_id"]] = 0
    row[IDX["line"]] = 0
    return tuple(row)
