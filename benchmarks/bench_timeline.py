"""Benchmark: paint the investigation timeline of 500 agents over one day, offscreen.

Generates one day of ~500 agents (``viewer.demo.generator``), imports it into a database in
``--workdir`` (cached), rebuilds the states (``InvestigationService.states``, as the window) and
shows them in a ``TimelineView`` of ``--width`` x ``--height`` pixels. It then repaints the viewport
``--repeat`` times at full-day zoom and at 1-hour zoom (panning through the day, scrolling through
the lanes) and prints the mean and max paint time (``TimelineView.paint_ms``) against the 50 ms
target.

Usage: ``python benchmarks/bench_timeline.py [--agents N] [--workdir DIR] [--repeat N] [--check]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from viewer.core.filters import BillFilter  # noqa: E402
from viewer.data.db import open_database  # noqa: E402
from viewer.data.imports.loading import import_paths  # noqa: E402  # noqa: E402
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv  # noqa: E402
from viewer.gui.timeline import TimelineView  # noqa: E402
from viewer.services.investigation import InvestigationService  # noqa: E402

TARGET_MS = 50.0
DAY = BillFilter(time_from="2026-11-02 00:00:00", time_to="2026-11-03 00:00:00")


def build(workdir: Path, agents: int, seed: int) -> Path:
    """The cached database of one generated day of ``agents`` agents."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"timeline-{agents}-{seed}.sqlite"
    if db_path.exists():
        return db_path
    started = time.perf_counter()
    csv = workdir / f"timeline-{agents}-{seed}.csv"
    config = GeneratorConfig(agents=agents, days=1, seed=seed, start=datetime(2026, 11, 2, 8))
    bills = write_csv(csv, generate_bills(config))
    part = db_path.with_name(db_path.name + ".part")
    if part.exists():
        part.unlink()
    db = open_database(part)
    try:
        report = import_paths(db, [csv])
        if not report.ok:
            raise SystemExit(f"import failed: {report}")
    finally:
        db.close()
    part.replace(db_path)
    csv.unlink()
    print(f"built {db_path} ({bills:,} bills) in {time.perf_counter() - started:.1f} s")
    return db_path


def measure(
    view: TimelineView, image: QImage, frames: list[tuple[float, float, int]]
) -> list[float]:
    """Paint each ``(lo, span, lane)`` frame into ``image``; the paint times in ms."""
    out: list[float] = []
    for lo, span, lane in frames:
        view.set_view(lo, span)
        view.verticalScrollBar().setValue(lane * 22)
        image.fill(0)
        view.viewport().render(image)
        out.append(view.paint_ms)
    return out


def report(name: str, times: list[float]) -> bool:
    """Print the mean and max of ``times``; whether the max meets the target."""
    mean = statistics.fmean(times)
    worst = max(times)
    ok = worst <= TARGET_MS
    print(
        f"{name:<28} frames {len(times):3d}  mean {mean:6.1f} ms  max {worst:6.1f} ms  "
        f"(target {TARGET_MS:.0f} ms: {'OK' if ok else 'MISSED'})"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Build (or reuse) the database, rebuild the states, time the paints."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/bill-viewer-bench"))
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--width", type=int, default=1600)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    db = open_database(build(args.workdir, args.agents, args.seed), readonly=True)
    started = time.perf_counter()
    inv = InvestigationService(db).states(DAY)
    rebuild_s = time.perf_counter() - started
    intervals = sum(len(s.intervals) for s in inv.states)
    print(
        f"{len(inv.states)} agents, {intervals:,} intervals, "
        f"{sum(len(s.anomalies) for s in inv.states):,} anomalies; rebuilt in {rebuild_s:.2f} s"
    )

    view = TimelineView()
    view.resize(args.width, args.height)
    view.set_states(inv.states, inv.start, inv.end)
    view.show()
    app.processEvents()
    vp = view.viewport()
    image = QImage(vp.size(), QImage.Format.Format_ARGB32_Premultiplied)
    lanes = max(1, view.lane_count() - vp.height() // 22)
    t0, t1 = view.data_range()
    n = args.repeat
    measure(view, image, [(t0, t1 - t0, 0)] * 3)  # warm-up (fonts, caches)

    full = [(t0, t1 - t0, (i * 37) % lanes) for i in range(n)]
    busy_hours = t0 + 8 * 3600  # the generated shifts start at 08:00
    hour = [(busy_hours + (i * 1800) % (10 * 3600), 3600, (i * 53) % lanes) for i in range(n)]
    ok = report("full day (24 h)", measure(view, image, full))
    ok &= report("1 hour", measure(view, image, hour))
    minute5 = [(busy_hours + (i * 600) % (10 * 3600), 300, (i * 11) % lanes) for i in range(n)]
    ok &= report("5 minutes", measure(view, image, minute5))
    # A full widget grab too (the painting path the window's screen update takes).
    view.set_view(t0, t1 - t0)
    started = time.perf_counter()
    for _ in range(5):
        view.grab()
    grab_ms = (time.perf_counter() - started) / 5 * 1000
    print(f"{'grab() of the whole view':<28} mean {grab_ms:6.1f} ms")
    view.close()
    db.close()
    return 0 if ok or not args.check else 1


if __name__ == "__main__":
    raise SystemExit(main())
