"""Window benchmark: the real table model on a big database, each figure beside its bare SQL.

Drives ``viewer.gui.bill_model.BillTableModel`` in a ``QTableView`` offscreen on a generated
database (5,000,000 bills of 500 agents by default) and prints, for each figure, the time of the
bare ``viewer.data.queries`` call behind it measured in the same run, so the overhead of the model,
the signals and the view is the ratio between the two:

a. launch to first rows shown: ``python -m viewer gui --db X --smoke-test`` in a subprocess (its
   own ``startup ms`` and the wall time until it prints ``rows shown``), beside
   ``first_rows(BillFilter(), 256)`` (and ``total_bills``, which the model runs before it);
b. filter change -> first rows shown (the preview page is in the model and the viewport has been
   painted; target 300 ms) and -> final count (``snapshot_ready``: the exact count and the
   keyset checkpoints are in place), beside ``page(f, 256)`` and ``scan_checkpoints(f)`` (for a
   sort the database cannot seek, ``ids_for(f)``: the model keeps its row keys) / ``count(f)``,
   for an agent, an operation type, a type and reason, one hour, a text search, a sort by each
   fast-sortable column (``viewer.core.columns.FAST_SORT_KEYS``: duration, begin, agent,
   operation type, id) and one by a column without an index (phone);
c. jump to the last row of the unfiltered table (``scrollToBottom`` + a synchronous paint of
   the viewport, which reads the visible rows through ``data()``; target 200 ms), beside the
   last page's keyset query ``page(BillFilter(), 256, backward=True)``; c'. jump to the middle
   row sorted by begin time and by duration (beside its page from the nearest checkpoint) and
   by phone (no index: beside ``rows_by_ids`` of the page's held keys, and the page by query);
d. a keystroke in the table: "In" typed into the table with a row selected (``keyClicks`` until
   the event queue is idle), beside ``first_rows(BillFilter(), 256)``; Qt's own keyboard search
   read every row through the model here (18 s on 600,000 bills); ``--qt-search`` also times
   that in a plain ``QTableView`` for comparison (slow: it walks all rows);
e. resident memory with the database open and the unfiltered table counted and painted
   (target < 300 MB), and what loading it added, measured in a fresh child process so the
   benchmark's own connection and earlier snapshots do not count. The model holds a few pages
   and at most ``queries.MAX_CHECKPOINTS`` keys, whatever the number of bills; sorted by
   phone (no index) it also holds the matching row keys: the first million in memory (8 MB), the
   rest in a temporary file (``viewer.data.keylist``).

The model keeps showing the previous filter's rows until the new preview arrives, so "first rows"
is timed to the model reset of the new filter (``counts_changed(-1, total)``), not to
``rowCount() > 0``.

The database is built once and cached in ``--workdir`` (default ``./bench-out``):
``python -m viewer.demo.generator --bills N --agents 500 --out X.csv`` then
``python -m viewer import --db X.sqlite X.csv``.

PostgreSQL: ``--db postgresql://...`` (or ``--db postgresql:///bills`` with the PG* variables)
imports the same generated CSV into that team database instead (``python -m viewer import --db
URL X.csv``: COPY, monthly partitions) unless it already holds exactly ``--bills`` bills, and
measures the same figures on it; the database is left in place for EXPLAIN. The figures mean
something beside their bare SQL only: the server runs on the same machine.

Run: ``python benchmarks/bench_window.py`` (``--bills 200000`` for a quick run), on a throwaway
server ``pg_virtualenv -t .venv/bin/python benchmarks/bench_window.py --db postgresql:///bills``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
PAGE = 256
TIMEOUT_S = 600


def guard_emit_refcount_bug() -> None:
    """Keep a known PySide6 fault from aborting the benchmark before it has measured anything.

    On PySide6 6.12.0 with CPython < 3.12 (where ``True`` is not immortal) every Python-side
    ``Signal.emit()`` drops one reference to ``True``; after a few hundred emits the process
    aborts with "bool_dealloc: deallocating True or False". A benchmark run emits thousands, so
    it holds extra references here. The window itself is not protected by this: see the report.
    """
    import PySide6

    if PySide6.__version__ == "6.12.0" and sys.version_info < (3, 12):
        globals()["_EXTRA_TRUE_REFS"] = [True] * 1_000_000  # 8 MB, negligible in the RSS figures


# --- building the database -------------------------------------------------------------------


def build_db(workdir: Path, bills: int, agents: int) -> Path:
    """The cached ``window-N-aA.sqlite`` in ``workdir``, generated and imported if missing."""
    workdir.mkdir(parents=True, exist_ok=True)
    stem = f"window-{bills}-a{agents}"
    csv = workdir / f"{stem}.csv"
    db = workdir / f"{stem}.sqlite"
    done = workdir / f"{stem}.sqlite.done"
    if db.exists() and done.exists():
        return db
    py = sys.executable
    if not csv.exists():
        part = workdir / f"{stem}.part.csv"  # the generator picks the format from the suffix
        print(f"generating {bills:,} bills -> {csv}", flush=True)
        started = time.perf_counter()
        subprocess.run(
            [
                py,
                "-m",
                "viewer.demo.generator",
                "--bills",
                str(bills),
                "--agents",
                str(agents),
                "--out",
                str(part),
            ],
            cwd=REPO,
            check=True,
        )
        part.rename(csv)
        print(f"  generated in {time.perf_counter() - started:.1f} s", flush=True)
    for leftover in workdir.glob(f"{stem}.sqlite*"):
        leftover.unlink()  # a half-built database from an interrupted run
    print(f"importing -> {db}", flush=True)
    started = time.perf_counter()
    subprocess.run([py, "-m", "viewer", "import", "--db", str(db), str(csv)], cwd=REPO, check=True)
    print(f"  imported in {time.perf_counter() - started:.1f} s", flush=True)
    done.write_text(f"{bills} bills, {agents} agents\n")
    return db


def build_pg(url: str, workdir: Path, bills: int, agents: int) -> str:
    """The team database at ``url`` holding the generated bills (imported if it holds others).

    The database is created on the server when missing; the CSV is the one the SQLite mode
    generates (``build_db`` makes it if needed, without the SQLite import when it is cached).
    """
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    csv = workdir / f"window-{bills}-a{agents}.csv"
    if not csv.exists():
        workdir.mkdir(parents=True, exist_ok=True)
        part = workdir / f"window-{bills}-a{agents}.part.csv"
        subprocess.run(
            [sys.executable, "-m", "viewer.demo.generator", "--bills", str(bills)]
            + ["--agents", str(agents), "--out", str(part)],
            cwd=REPO,
            check=True,
        )
        part.rename(csv)
    name = make_url(url).database or os.environ.get("PGDATABASE") or "bills"
    admin = create_engine(
        make_url(url).set(drivername="postgresql+psycopg", database="postgres"),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        exists = conn.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
        ).first()
        if exists is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    held = 0
    if exists is not None:
        engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
        with engine.connect() as conn:
            try:
                held = int(conn.exec_driver_sql("SELECT count(*) FROM bill").scalar_one())
            except Exception:  # noqa: BLE001 - no bill table yet: import
                held = 0
        engine.dispose()
    if held == bills:
        return url
    if held:
        raise SystemExit(f"{url} holds {held:,} bills, not {bills:,}: use an empty database")
    print(f"importing -> {url}", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "viewer", "import", "--db", url, str(csv)], check=True)
    print(f"  imported in {time.perf_counter() - started:.1f} s", flush=True)
    return url


def db_size_mb(target: Path | str) -> float:
    """The database's size on disk: the SQLite file and its journals, or the server's figure."""
    if isinstance(target, Path):
        files = target.parent.glob(target.name + "*")
        return sum(p.stat().st_size for p in files if p.is_file()) / MB
    from viewer.data.db import open_database

    db = open_database(target)
    try:
        with db.engine.connect() as conn:
            size = conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar()
    finally:
        db.close()
    return float(size or 0) / MB


# --- measuring -------------------------------------------------------------------------------


def rss_mb() -> tuple[float, float]:
    """Resident and peak resident memory of this process, MB (psutil if present, else /proc)."""
    try:
        import psutil  # type: ignore[import-untyped]

        info = psutil.Process().memory_info()
        peak = getattr(info, "peak_wset", None) or 0
        if not peak:
            import resource

            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        return info.rss / MB, peak / MB
    except ImportError:
        fields: dict[str, float] = {}
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    fields[key] = int(value.split()[0]) / 1024
        return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds ``fn`` took and what it returned."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def med(values: list[float]) -> float:
    """Median (NaN for no values)."""
    return statistics.median(values) if values else float("nan")


@dataclass
class Figure:
    """One row of the result table (times in seconds, memory in MB)."""

    name: str
    measured: float
    bare: float | None
    target: float | None
    unit: str = "ms"
    note: str = ""

    def cells(self) -> list[str]:
        """The figure's cells in table order."""
        scale = 1000.0 if self.unit == "ms" else 1.0

        def fmt(v: float | None) -> str:
            if v is None:
                return "-"
            digits = 2 if abs(v * scale) < 10 else 0  # a sub-millisecond figure is not "0 ms"
            return f"{v * scale:,.{digits}f} {self.unit}"

        ratio = "-" if not self.bare else f"{self.measured / self.bare:.2f}x"
        if self.target is None:
            target = "report"
        else:
            ok = "ok" if self.measured <= self.target else "MISSED"
            target = f"< {self.target * scale:,.0f} {self.unit} {ok}"
        return [self.name, fmt(self.measured), fmt(self.bare), ratio, target, self.note]


def print_table(figures: list[Figure]) -> None:
    """Print the figures as an aligned table."""
    head = ["figure", "measured", "bare SQL", "ratio", "target", "note"]
    rows = [head] + [f.cells() for f in figures]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    for n, r in enumerate(rows):
        print(
            "  ".join(
                c.ljust(w) if i in (0, 4, 5) else c.rjust(w)
                for i, (c, w) in enumerate(zip(r, widths, strict=True))
            ).rstrip()
        )
        if n == 0:
            print("  ".join("-" * w for w in widths))


# --- a. launch ---------------------------------------------------------------------------------


def launch(db: Path | str) -> tuple[float, float, int, int]:
    """Wall seconds to ``rows shown``, the window's own ``startup ms`` (s), rows shown, exit code.

    A failing exit after ``rows shown`` is reported, not fatal (a shutdown fault is not a
    startup-time figure).
    """
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    cmd = [sys.executable, "-m", "viewer", "gui", "--db", str(db), "--smoke-test"]
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    first = None
    out = []
    for line in proc.stdout:
        out.append(line)
        if first is None and line.startswith("rows shown:"):
            first = time.perf_counter() - started
    _, err = proc.communicate(timeout=TIMEOUT_S)
    text = "".join(out)
    rows = re.search(r"^rows shown:\s*(\d+)", text, re.M)
    ms = re.search(r"^startup ms:\s*([\d.]+)", text, re.M)
    if first is None or not rows or not ms or int(rows.group(1)) == 0:
        raise SystemExit(f"smoke test failed ({proc.returncode}):\n{text}\n{err}")
    if proc.returncode:
        tail = [ln for ln in err.splitlines() if "propagateSizeHints" not in ln][-2:]
        print(f"  note: smoke test exited {proc.returncode} after rows shown: {tail}", flush=True)
    return first, float(ms.group(1)) / 1000, int(rows.group(1)), proc.returncode


# --- b-d. in process -------------------------------------------------------------------------


class Harness:
    """A ``BillTableModel`` in a ``QTableView`` set up like the main window's table."""

    def __init__(self, db_path: Path | str, plain_view: bool = False) -> None:
        from PySide6.QtWidgets import (
            QAbstractItemView,
            QApplication,
            QHeaderView,
            QLineEdit,
            QTableView,
        )

        from viewer.core.columns import DEFAULT_KEYS
        from viewer.data.db import open_database
        from viewer.gui.bill_model import BillTableModel
        from viewer.gui.bill_table import BillTableView
        from viewer.gui.main_window import ROW_HEIGHT

        self.app = QApplication.instance() or QApplication([sys.argv[0]])
        self.db = open_database(db_path)
        self.model = BillTableModel(self.db)
        self.plain_view = plain_view
        self.view = QTableView() if plain_view else BillTableView()
        self.typed = QLineEdit()  # where the window sends typed text (its text filter)
        if isinstance(self.view, BillTableView):
            self.view.text_typed.connect(lambda t: self.typed.setText(self.typed.text() + t))
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        vh = self.view.verticalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(ROW_HEIGHT)
        for i, col in enumerate(self.model.columns):
            self.view.setColumnHidden(i, col.key not in DEFAULT_KEYS)
            self.view.setColumnWidth(i, 160 if col.kind in ("code", "time") else 110)
        self.view.resize(1400, 900)
        self.view.show()
        self._preview_at: float | None = None
        self._preview_rows = 0
        self._ready_at: float | None = None
        self._failed: str | None = None
        self._loop: Any = None
        self.model.counts_changed.connect(self._counts)
        self.model.snapshot_ready.connect(self._ready)
        self.model.failed.connect(self._fail)

    def _counts(self, shown: int, _total: int) -> None:
        if shown == -1 and self._preview_at is None:
            # the preview page of the new filter is in the model: paint it now, as a user sees it
            self.view.viewport().repaint()
            self._preview_at = time.perf_counter()
            self._preview_rows = self.model.rowCount()

    def _ready(self) -> None:
        self._ready_at = time.perf_counter()
        if self._loop is not None:
            self._loop.quit()

    def _fail(self, message: str) -> None:
        self._failed = message
        if self._loop is not None:
            self._loop.quit()

    def apply(self, f: Any) -> tuple[float, float, int, int]:
        """Set a filter; seconds to first rows painted and to the final snapshot, row counts."""
        from PySide6.QtCore import QEventLoop, QTimer

        self._preview_at = self._ready_at = None
        self._failed = None
        # Wait in a real event loop, as the window does: a processEvents(WaitForMoreEvents)
        # polling loop holds the GIL while it waits and halved the snapshot thread's speed.
        self._loop = QEventLoop()
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(self._loop.quit)
        guard.start(TIMEOUT_S * 1000)
        started = time.perf_counter()
        self.model.set_filter(f)
        self._loop.exec()
        guard.stop()
        self._loop = None
        if self._ready_at is None and self._failed is None:
            raise SystemExit(f"no snapshot after {TIMEOUT_S} s for {f}")
        if self._failed is not None:
            raise SystemExit(f"model failed for {f}: {self._failed}")
        self.app.processEvents()
        assert self._preview_at is not None
        return (
            self._preview_at - started,
            self._ready_at - started,
            self._preview_rows,
            self.model.rowCount(),
        )

    def jump_to_last(self) -> tuple[float, int]:
        """Seconds for scrollToBottom + a synchronous paint; the last row painted."""
        self.view.scrollToTop()
        self.app.processEvents()
        self.model._pages.clear()  # noqa: SLF001 - every repeat reads the last page from SQLite
        started = time.perf_counter()
        self.view.scrollToBottom()
        self.view.viewport().repaint()
        elapsed = time.perf_counter() - started
        last = self.view.rowAt(self.view.viewport().height() - 2)
        return elapsed, last

    def jump_to_middle(self) -> tuple[float, int]:
        """Seconds to scroll to the middle row + a synchronous paint (no page cached near it)."""
        self.view.scrollToTop()
        self.app.processEvents()
        self.model._pages.clear()  # noqa: SLF001 - every repeat reads from the database
        middle = self.model.rowCount() // 2
        started = time.perf_counter()
        self.view.scrollTo(self.model.index(middle, 0))
        self.view.viewport().repaint()
        return time.perf_counter() - started, middle

    def keystroke(self, text: str) -> float:
        """Seconds from typing ``text`` into the table (a row selected) to an idle event queue."""
        from PySide6.QtTest import QTest

        self.view.scrollToTop()
        column = next(c for c in range(self.model.columnCount()) if not self.view.isColumnHidden(c))
        self.view.setCurrentIndex(self.model.index(0, column))
        self.view.setFocus()
        self.app.processEvents()
        self.model._pages.clear()  # noqa: SLF001 - rows come from SQLite, not the page cache
        self.typed.clear()
        started = time.perf_counter()
        QTest.keyClicks(self.view, text)
        self.app.processEvents()
        elapsed = time.perf_counter() - started
        if not self.plain_view and self.typed.text() != text:
            raise SystemExit(f"typed {text!r} but the text filter got {self.typed.text()!r}")
        return elapsed

    def close(self) -> None:
        """Stop the model and close the view and the database."""
        self.model.close()
        self.view.close()
        self.db.close()


def probe_memory(db_path: Path | str) -> dict[str, float]:
    """In a fresh process: RSS before the model, with the unfiltered snapshot, after the jump."""
    from viewer.core.filters import BillFilter

    h = Harness(db_path)
    h.app.processEvents()
    # BillTableModel starts with no filter applied: the main window calls set_filter at startup
    base = rss_mb()[0]
    _, ready_s, _, rows = h.apply(BillFilter())
    loaded = rss_mb()[0]
    h.jump_to_last()
    after, peak = rss_mb()
    held = h.model.held_rows()
    h.apply(BillFilter(sort="phone_no"))  # no index: its row keys are held
    h.jump_to_middle()
    unseekable, peak = rss_mb()
    h.close()
    return {
        "base": base,
        "loaded": loaded,
        "after_jump": after,
        "unseekable": unseekable,
        "peak": peak,
        "rows": rows,
        "ready_s": ready_s,
        "held": held,
    }


def pick_filters(conn: Any, text: str | None) -> list[tuple[str, Any]]:
    """Realistic filters for this database: a mid-sized agent, type 3, 3/201, one hour, text."""
    from viewer.core.filters import BillFilter
    from viewer.core.timefmt import from_epoch
    from viewer.data import queries

    agents = queries.value_counts(conn, "agent_id")
    agents.sort(key=lambda kv: kv[1])
    agent = agents[len(agents) // 2][0]
    lo, hi = conn.exec_driver_sql("SELECT min(begin_time), max(begin_time) FROM bill").one()
    mid = (int(lo) + int(hi)) // 2
    mid -= mid % 3600
    if text is None:  # a digit string found in some but far from all bills
        from sqlalchemy import text as sql_text

        phone = conn.execute(
            sql_text(
                "SELECT phone_no FROM bill WHERE begin_time >= :mid AND length(phone_no) >= 8 "
                "LIMIT 1"
            ),
            {"mid": mid},
        ).scalar()
        text = str(phone)[-6:] if phone else "1234"
    return [
        (f"agent {agent}", BillFilter(agents=(str(agent),))),
        ("op type 3", BillFilter(op_types=(3,))),
        ("type 3 + reason 201", BillFilter(op_types=(3,), reasons=((3, 201),))),
        ("one hour", BillFilter(time_from=from_epoch(mid), time_to=from_epoch(mid + 3600))),
        (f"text {text!r}", BillFilter(text=text)),
        ("sort duration desc", BillFilter(sort="duration", descending=True)),
        ("sort begin desc", BillFilter(descending=True)),
        ("sort agent desc", BillFilter(sort="agent_id", descending=True)),
        ("sort op type desc", BillFilter(sort="op_type", descending=True)),
        ("sort id", BillFilter(sort="id")),
        ("sort phone (no index)", BillFilter(sort="phone_no")),
    ]


def _indexed(fn: Callable[..., Any], conn: Any, f: Any, **kw: Any) -> Any:
    """``fn(conn, f, ...)`` with the filter's text search planned as the window's reader does."""
    from viewer.data import text_index

    with text_index.searching(conn, f):
        return fn(conn, f, **kw)


def text_index_figures(db: Any, db_path: Path) -> list[Figure]:
    """Build the text index if the database lacks it (timed), and its disk cost beside the CSV.

    The window builds it in the background after an import; the benchmark builds it first so
    the search figures are the index's. Disk: the database (with the index) / the CSV, target
    2.0x; the index's own pages through ``dbstat`` where this SQLite has it.
    """
    from viewer.services.text_index import TextIndexService

    service = TextIndexService(db)
    figures = []
    before = service.state()
    if before is not None and not before.ready:
        print(f"building the text index ({before.top - before.upto:,} bills)", flush=True)
        t, _ = timed(service.build)
        figures.append(Figure("text index build (background)", t, None, None, unit="s"))
    with db.engine.connect() as conn:  # the build's write-ahead log is no part of the file
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    csv = db_path.with_suffix(".csv")
    size = sum(p.stat().st_size for p in db_path.parent.glob(db_path.name + "*") if p.is_file())
    index = None
    # no dbstat in this SQLite: the total only
    with db.engine.connect() as conn, contextlib.suppress(Exception):
        index = conn.exec_driver_sql(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'bill_text%'"
        ).scalar()
    if csv.exists():
        ratio = size / csv.stat().st_size
        note = f"database {size / MB:,.0f} MB / CSV {csv.stat().st_size / MB:,.0f} MB"
        if index:
            note += f"; index {index / MB:,.0f} MB ({index / csv.stat().st_size:.2f}x CSV)"
        figures.append(Figure("disk: database / CSV", ratio, None, 2.0, unit="x", note=note))
    return figures


def run_team(args: argparse.Namespace) -> int:
    """Text search on a team database (``--team-url``): the index's bare queries beside the scan.

    Imports the generated CSV into the (empty) database first with ``bill-viewer import``; the
    window's figures are SQLite's (above), these are the server's bare queries, as the reader
    runs them, and the disk the trigram index takes beside the bills and the CSV.
    """
    from sqlalchemy import func, select

    from viewer.core.filters import BillFilter
    from viewer.data import queries
    from viewer.data.db import open_database
    from viewer.data.schema import bill

    csv = args.workdir / f"window-{args.bills}-a{args.agents}.csv"
    if not csv.exists():
        build_db(args.workdir, args.bills, args.agents)  # generates the CSV (and the file)
    db = open_database(args.team_url)
    with db.engine.connect() as conn:
        n = queries.total_bills(conn)
    if n == 0:
        print(f"importing {csv.name} -> {db.display_name}", flush=True)
        t, _ = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "viewer", "import", "--db", args.team_url, str(csv)],
                cwd=REPO,
                check=True,
            )
        )
        print(f"  imported in {t:.1f} s", flush=True)
    figures: list[Figure] = []

    def bare(fn: Callable[[Any], Any]) -> tuple[float, Any]:
        times, result = [], None
        for _ in range(args.repeat):
            with db.engine.connect() as conn:
                t, result = timed(lambda c=conn: fn(c))  # type: ignore[misc]
                conn.rollback()
            times.append(t)
        return med(times), result

    with db.engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE bill")
        conn.commit()
        text = args.text
        if text is None:  # as pick_filters: a phone number fragment from mid-range
            lo, hi = queries.time_span(conn)
            mid = (int(lo or 0) + int(hi or 0)) // 2
            phone = conn.execute(
                select(bill.c.phone_no)
                .where(bill.c.begin_time >= mid - mid % 3600, func.length(bill.c.phone_no) >= 8)
                .order_by(bill.c.begin_time)
                .limit(1)
            ).scalar()
            text = str(phone)[-6:] if phone else "1234"
        f = BillFilter(text=text)
        sizes = conn.exec_driver_sql(
            "SELECT (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('bill')),"
            " (SELECT sum(pg_relation_size(relid)) FROM pg_partition_tree('ix_bill_text_trgm'))"
        ).one()
    t_rows, _ = bare(partial(queries.page, f=f, limit=PAGE))
    t_rows_ix, _ = bare(partial(_indexed, queries.page, f=f, limit=PAGE))
    t_ids, n = bare(partial(queries.scan_checkpoints, f=f))
    t_ids_ix, n_ix = bare(partial(_indexed, queries.scan_checkpoints, f=f))
    assert n.count == n_ix.count, (n.count, n_ix.count)
    name = f"team: text {f.text!r}"
    figures.append(Figure(f"{name}: first page, index", t_rows_ix, t_rows, 0.300))
    figures.append(
        Figure(
            f"{name}: final count, index",
            t_ids_ix,
            t_ids,
            1.0,
            note=f"{n.count:,} bills; bare = the ILIKE scan's (count + checkpoints)",
        )
    )
    table, index = (int(v or 0) for v in sizes)
    big = csv.stat().st_size
    figures.append(
        Figure(
            "team: trigram index / CSV",
            index / big,
            None,
            None,
            unit="x",
            note=f"index {index / MB:,.0f} MB; bills with all indexes {table / MB:,.0f} MB "
            f"({table / big:.2f}x CSV {big / MB:,.0f} MB)",
        )
    )
    db.close()
    print_table(figures)
    return 0


def run(args: argparse.Namespace) -> int:
    """Build or reuse the database, measure everything, print the table."""
    from viewer.core.filters import BillFilter
    from viewer.data import queries
    from viewer.data.db import open_database

    db_path: Path | str
    if args.db:
        db_path = build_pg(args.db, args.workdir, args.bills, args.agents)
    else:
        db_path = build_db(args.workdir, args.bills, args.agents)
    figures: list[Figure] = []
    bare_db = open_database(db_path)
    if isinstance(db_path, Path):  # a team database keeps its trigram index current itself
        figures.extend(text_index_figures(bare_db, db_path))
    size = db_size_mb(db_path)
    print(f"database {db_path} ({size:,.0f} MB), {args.repeat} repeat(s), median shown\n")

    def bare(fn: Callable[[Any], Any]) -> tuple[float, Any]:
        times = []
        result = None
        for _ in range(args.repeat):
            with bare_db.engine.connect() as conn:
                t, result = timed(lambda c=conn: fn(c))  # type: ignore[misc]
                conn.rollback()
            times.append(t)
        return med(times), result

    # a. launch (a separate process; the first launch warms the file cache)
    walls, own = [], []
    rows_shown = bad_exits = 0
    for _ in range(args.runs):
        w, s, rows_shown, code = launch(db_path)
        walls.append(w)
        own.append(s)
        bad_exits += code != 0
    t_total, total = bare(queries.total_bills)
    t_first, _ = bare(lambda c: queries.page(c, BillFilter(), PAGE))
    figures.append(
        Figure(
            "launch -> rows shown, startup ms",
            med(own),
            t_total + t_first,
            None,
            note=f"{rows_shown} rows; bare = total_bills + first page",
        )
    )
    figures.append(
        Figure(
            "launch -> rows shown, wall",
            med(walls),
            t_total + t_first,
            None,
            note=f"incl. interpreter start; {bad_exits}/{args.runs} bad exits",
        )
    )
    figures.append(
        Figure(
            "  bare total_bills (count(*))",
            t_total,
            None,
            None,
            note=f"{total:,} bills; runs before the preview page",
        )
    )

    # b. filter changes
    h = Harness(db_path)
    h.app.processEvents()
    first_s, ready_s, _, n_all = h.apply(BillFilter())  # the window's startup filter
    with bare_db.engine.connect() as conn:
        filters = pick_filters(conn, args.text)
        conn.rollback()
    if args.sorts_only:
        filters = [(name, f) for name, f in filters if name.startswith("sort ")]
    for name, f in filters:
        firsts, readies = [], []
        shown = final = 0
        for _ in range(args.repeat):
            a, b, shown, final = h.apply(f)
            firsts.append(a)
            readies.append(b)
            h.apply(BillFilter())  # back to all bills, as between two user filters
        t_rows, _ = bare(partial(queries.page, f=f, limit=PAGE))
        scan = queries.scan_checkpoints if queries.seekable(f) else queries.ids_for
        t_ids, _ = bare(partial(scan, f=f))
        t_count, n = bare(partial(queries.count, f=f))
        assert n == final, (name, n, final)
        if f.text:  # the index's bare queries beside the scan's (the bare figures above)
            t_rows_ix, _ = bare(partial(_indexed, queries.page, f=f, limit=PAGE))
            t_ids_ix, _ = bare(partial(_indexed, scan, f=f))
            t_count_ix, n_ix = bare(partial(_indexed, queries.count, f=f))
            assert n_ix == n, (name, n_ix, n)
            figures.append(
                Figure(
                    "  bare first page, text index",
                    t_rows_ix,
                    t_rows,
                    None,
                    note="bare = the LIKE scan's page",
                )
            )
            figures.append(
                Figure(
                    "  bare final count, text index",
                    t_ids_ix,
                    t_ids,
                    None,
                    note=f"bare = the LIKE scan's; count() {t_count_ix * 1000:,.0f} ms",
                )
            )
        figures.append(
            Figure(
                f"{name}: first rows", med(firsts), t_rows, 0.300, note=f"{shown} rows in preview"
            )
        )
        figures.append(
            Figure(
                f"{name}: final count",
                med(readies),
                t_ids,
                None,
                note=f"{final:,} bills; bare count() {t_count * 1000:,.0f} ms",
            )
        )

    if args.sorts_only:
        h.close()
        bare_db.close()
        return finish(figures, args)

    # c. jump to the last row of the unfiltered snapshot
    _, _, _, n_all = h.apply(BillFilter())
    jumps = []
    last = -1
    for _ in range(args.repeat):
        t, last = h.jump_to_last()
        jumps.append(t)
    tail = [int(h.model.pk_at(r) or 0) for r in range(max(0, n_all - PAGE), n_all)]
    t_tail, got = bare(lambda c: queries.page(c, BillFilter(), PAGE, backward=True))
    assert [r[0] for r, _k in got] == tail
    figures.append(
        Figure(
            "jump to last row (scroll + paint)",
            med(jumps),
            t_tail,
            0.200,
            note=f"last row painted {last + 1:,} of {n_all:,}",
        )
    )

    # c'. scroll to the middle row, by begin time, by duration (its index) and by phone (none)
    by_name = dict(filters)
    for name, f in (
        ("begin", BillFilter()),
        ("duration desc", by_name["sort duration desc"]),
        ("phone (no index)", by_name["sort phone (no index)"]),
    ):
        h.apply(f)
        mids = []
        middle = 0
        for _ in range(args.repeat):
            t, middle = h.jump_to_middle()
            mids.append(t)
        ids = h.model._ids  # noqa: SLF001 - the bare query reads what the model reads
        if ids is not None:  # a sort the database cannot seek: the page by the row keys held
            keys = ids[middle : middle + PAGE]
            t_mid, _ = bare(lambda c_, k_=keys: queries.rows_by_ids(c_, k_))
            how = "its page by the row keys held"
        else:
            points = h.model._points  # noqa: SLF001 - the bare query starts where the model does
            c = min(middle // points.stride, len(points.keys) - 1)  # as the model seeks
            t_mid, _ = bare(
                lambda c_, f_=f, k_=points.keys[c], o_=middle - c * points.stride: queries.page(
                    c_, f_, PAGE, after=k_, inclusive=True, offset=o_
                )
            )
            how = "its page from the nearest checkpoint"
        figures.append(
            Figure(
                f"jump to middle row, sort {name}",
                med(mids),
                t_mid,
                0.200,
                note=f"row {middle:,}; bare = {how}",
            )
        )
        if ids is not None:
            t_query, _ = bare(lambda c_, f_=f, m_=middle: queries.page(c_, f_, PAGE, offset=m_))
            figures.append(
                Figure(
                    "  bare page by query, same row",
                    t_query,
                    None,
                    None,
                    note="what a query of that page costs (a sort of every bill)",
                )
            )
    h.apply(BillFilter())

    # d. a keystroke in the table
    keys = [h.keystroke("In") for _ in range(args.repeat)]
    figures.append(
        Figure(
            "keystroke in table ('In')",
            med(keys),
            t_first,
            None,
            note=f"{n_all:,} rows; bare = the first-page query",
        )
    )
    h.close()
    if args.qt_search:
        plain = Harness(db_path, plain_view=True)
        plain.app.processEvents()
        plain.apply(BillFilter())
        figures.append(
            Figure(
                "  keystroke, Qt's keyboard search",
                plain.keystroke("In"),
                t_first,
                None,
                note="a plain QTableView (before): reads every row",
            )
        )
        plain.close()
    bare_db.close()

    # e. memory in a fresh process
    out = subprocess.run(
        [sys.executable, __file__, "--probe-memory", str(db_path)],
        cwd=REPO,
        check=True,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )
    mem = json.loads(out.stdout.strip().splitlines()[-1])
    figures.append(
        Figure(
            "RSS, unfiltered table loaded",
            mem["loaded"],
            None,
            300,
            unit="MB",
            note=f"{mem['rows']:,} rows; before model {mem['base']:,.0f} MB",
        )
    )
    figures.append(
        Figure(
            "RSS after jump / peak",
            mem["after_jump"],
            None,
            300,
            unit="MB",
        )
    )
    figures.append(
        Figure(
            "RSS, sorted by phone (no index), jump",
            mem["unseekable"],
            None,
            300,
            unit="MB",
            note=f"row keys held, beyond a million in a file; peak {mem['peak']:,.0f} MB",
        )
    )
    figures.append(
        Figure(
            "  RSS added by loading the table",
            mem["loaded"] - mem["base"],
            None,
            None,
            unit="MB",
            note=f"held rows + checkpoint keys: {mem['held']:,.0f}",
        )
    )

    return finish(figures, args)


def finish(figures: list[Figure], args: argparse.Namespace) -> int:
    """Print the table (and write the JSON when asked)."""
    print_table(figures)
    if args.json:
        args.json.write_text(json.dumps([f.__dict__ for f in figures], indent=1))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bills", type=int, default=5_000_000, help="bills (default 5,000,000)")
    parser.add_argument("--agents", type=int, default=500, help="agents (default 500)")
    parser.add_argument("--workdir", type=Path, default=Path("bench-out"), help="database cache")
    parser.add_argument("--repeat", type=int, default=3, help="repeats of each figure (median)")
    parser.add_argument("--runs", type=int, default=3, help="launches of the smoke test")
    parser.add_argument("--text", help="text to search (default: a phone number fragment)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    parser.add_argument(
        "--qt-search",
        action="store_true",
        help="also time a keystroke in a plain QTableView (Qt's keyboard search; slow)",
    )
    parser.add_argument(
        "--team-url",
        help="measure text search on this team database instead (imports the CSV if empty)",
    )
    parser.add_argument(
        "--sorts-only",
        action="store_true",
        help="only the launch and the sort figures (b, one per fast-sortable column and phone)",
    )
    parser.add_argument(
        "--db",
        help="a team database URL (postgresql://...): import there and measure it, not SQLite",
    )
    parser.add_argument("--probe-memory", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    guard_emit_refcount_bug()
    if args.probe_memory:
        target = args.probe_memory
        print(json.dumps(probe_memory(target if "://" in target else Path(target))))
        return 0
    args.workdir = args.workdir.resolve()
    return run_team(args) if args.team_url else run(args)


if __name__ == "__main__":
    sys.exit(main())
