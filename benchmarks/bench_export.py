"""Export benchmark: ``bill-viewer export`` against plain openpyxl writing the same cells.

Builds (once, cached in ``--workdir``) a database of generated bills with the generator and the
importer's command line, then in the same run:

a. runs the real command ``python -m viewer export --db X --out Y --columns <all keys>`` as a
   subprocess, timed, with its peak memory (resident set size, ``getrusage(RUSAGE_CHILDREN)`` in
   a separate measuring process, so that only the export counts), before and after b (on a
   shared machine the load changes: the slower of the two counts);
b. computes the same cell values first (untimed, in this process: date-times, numbers, codes,
   explanations, text), then writes them with plain openpyxl write-only mode, no styles, timed.

It prints both with their rows per second and the ratio a/b (target: at most 0.2, i.e. at least
5x faster than plain openpyxl although (a) also reads the database, computes every cell, hashes
the rows and writes Summary, Anomalies and Report). With ``--memory-rows N`` it also exports a
database of N bills (default target: 1,000,000 rows in less than 250 MB); with
``--anomaly-rows N`` it exports N bills that are nearly all anomalies (every bill a sign-in)
beside N ordinary bills, peak RSS of each. ``--profile`` prints
where the export spends its time (cProfile of ``export_xlsx`` in this process, by function,
own time first, and the deflate time that the compressing thread takes off the main thread).

Issue 12's progress and Cancel, on the whole job as the window runs it (the Summary and
Anomalies states read first, then ``export_xlsx``, all columns), in this process, with the
database of ``--job-rows`` bills (default: the ``--memory-rows`` size if given, else ``--bills``):

* ``--progress``: every ``progress`` call recorded (time, phase, done, total): the number of
  calls, the longest gap between two calls (the job's start and end count as calls) and its
  phase, whether ``done`` ever goes back (within a phase, and on the window's one bar,
  ``PhasedProgress``), beside the reference: the job's time divided by the number of calls;
* ``--cancel``: the same job in a thread, its ``CancelToken`` set during the Summary phase, as
  the export starts (its database check), half way between the states and the first bill row,
  at 10 %, 50 % and 90 % of the first run's time and while saving (each point anchored to the
  first run's progress calls); prints the time from ``cancel.set()`` to ``Cancelled`` reaching
  the caller (target: under 1 s each) and what was left in the target's folder (target:
  nothing, neither the workbook nor a hidden ``.part`` folder).

Run: ``python benchmarks/bench_export.py [--bills 200000] [--memory-rows 1000000] [--profile]``
``[--anomaly-rows N]``
``[--progress] [--cancel] [--job-rows N] [--skip-ratio]``
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

from openpyxl import Workbook  # noqa: E402

from viewer.core.columns import ALL_COLUMNS, CODE, DURATION, SOURCE, TIME, Column  # noqa: E402
from viewer.core.filters import BillFilter  # noqa: E402
from viewer.core.records import COLUMNS  # noqa: E402
from viewer.core.tasks import Cancelled, CancelToken, PhasedProgress, ProgressFn  # noqa: E402
from viewer.core.timefmt import to_datetime  # noqa: E402
from viewer.data import queries  # noqa: E402
from viewer.data.db import Database, open_database  # noqa: E402
from viewer.data.export.bill_rows import export_header  # noqa: E402
from viewer.data.export.exporter import export_xlsx  # noqa: E402
from viewer.data.export.investigation_sheets import investigation_sheet_specs  # noqa: E402
from viewer.data.labels import load_labels  # noqa: E402
from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv  # noqa: E402
from viewer.services.export import EXPORT_PHASES, EXPORT_STATES, ExportService  # noqa: E402

TARGET_RATIO = 0.2
TARGET_PEAK_MB = 250.0
TARGET_CANCEL_SECONDS = 1.0
ALL_KEYS = tuple(c.key for c in ALL_COLUMNS)

# Runs a command and reports its wall time and peak RSS. A separate process, so that
# RUSAGE_CHILDREN sees only the measured command (it keeps the largest child ever waited for).
_MEASURE = r"""
import json, resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
started = time.perf_counter()
proc = subprocess.run(cmd, capture_output=True, text=True)
seconds = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
rss_bytes = rss if sys.platform == "darwin" else rss * 1024
with open(out, "w") as fp:
    json.dump({"rc": proc.returncode, "seconds": seconds, "rss": rss_bytes,
               "stdout": proc.stdout, "stderr": proc.stderr}, fp)
"""


def build(workdir: Path, bills: int, agents: int, seed: int) -> Path:
    """The cached database of ``bills`` generated bills (generated and imported if missing)."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"export-bench-{bills}-{agents}-{seed}.sqlite"
    if db_path.exists():
        return db_path
    export = workdir / f"export-{bills}-{agents}-{seed}"
    zips = sorted(export.glob("*.zip")) if export.exists() else []
    started = time.perf_counter()
    if not zips:
        generator = [sys.executable, "-m", "viewer.demo.generator", "--bills", str(bills)]
        generator += ["--agents", str(agents), "--seed", str(seed), "--out", str(export)]
        subprocess.run(generator, check=True, cwd=REPO)
        zips = sorted(export.glob("*.zip"))
    part = db_path.with_name(db_path.name + ".part")
    for leftover in workdir.glob(part.name + "*"):
        leftover.unlink()
    subprocess.run(
        [sys.executable, "-m", "viewer", "import", "--db", str(part), *map(str, zips)],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=REPO,
    )
    part.replace(db_path)
    print(f"built {db_path} in {time.perf_counter() - started:.1f} s")
    return db_path


def build_heavy(workdir: Path, bills: int, agents: int, seed: int) -> Path:
    """The cached database of ``bills`` generated bills made sign-ins (op type 1).

    Nearly every bill is then an anomaly (a repeated sign-in): the Anomalies sheet as long as
    the Bills sheet, the case that held every anomaly in memory at once.
    """
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"export-heavy-{bills}-{agents}-{seed}.sqlite"
    if db_path.exists():
        return db_path
    started = time.perf_counter()
    op = COLUMNS.index("op_type")
    rows = generate_bills(GeneratorConfig(agents=agents, seed=seed, target_bills=bills))
    csv = workdir / f"heavy-{bills}-{agents}-{seed}" / "20261102101530123456_agentOprInfo_1.csv"
    csv.parent.mkdir(exist_ok=True)
    write_csv(csv, ([*r[:op], "1", *r[op + 1 :]] for r in rows))
    part = db_path.with_name(db_path.name + ".part")
    for leftover in workdir.glob(part.name + "*"):
        leftover.unlink()
    subprocess.run(
        [sys.executable, "-m", "viewer", "import", "--db", str(part), str(csv)],
        check=True,
        stdout=subprocess.DEVNULL,
        cwd=REPO,
    )
    part.replace(db_path)
    print(f"built {db_path} in {time.perf_counter() - started:.1f} s")
    return db_path


def measure(cmd: Sequence[str]) -> dict[str, Any]:
    """Run ``cmd``; its exit status, wall seconds, peak RSS (bytes) and output."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "measure.json"
        subprocess.run([sys.executable, "-c", _MEASURE, str(report), *cmd], check=True, cwd=REPO)
        result: dict[str, Any] = json.loads(report.read_text())
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({result['rc']}):\n{result['stderr']}")
    return result


def run_export(db_path: Path, out: Path) -> dict[str, Any]:
    """(a): the real command, all columns, replacing ``out``."""
    cmd = [sys.executable, "-m", "viewer", "export", "--db", str(db_path), "--out", str(out)]
    return measure([*cmd, "--force", "--columns", ",".join(ALL_KEYS)])


def cell_values(db: Database) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The header and every row's cell values as the export writes them, without styles.

    Times are ``datetime`` objects, durations and codes numbers, explanations and the rest text.
    """
    labels = load_labels(db)
    cols: list[Column] = [c for c in ALL_COLUMNS]
    with db.engine.connect() as conn:
        names = dict(conn.exec_driver_sql("SELECT id, name FROM source_file").all())
        meanings: dict[tuple[str, Any, Any], str] = {}
        rows: list[tuple[Any, ...]] = []
        for row in queries.iter_rows(conn, BillFilter()):
            out: list[Any] = []
            for col in cols:
                raw = col.raw(row)
                if col.kind == TIME:
                    out.append(to_datetime(raw))
                elif col.kind == DURATION:
                    out.append(raw)
                elif col.kind == CODE:
                    key = (col.key, row[10], raw)
                    if key not in meanings:
                        assert col.explain is not None
                        meanings[key] = col.explain(row, labels).text
                    number = raw
                    if isinstance(raw, str) and raw.lstrip("-").isdigit():
                        number = int(raw)
                    out += [number if raw != "" else None, meanings[key] or None]
                elif col.kind == SOURCE:
                    out += [names[raw[0]], raw[1]]
                else:
                    out.append(raw if raw != "" else None)
            rows.append(tuple(out))
    return export_header(ALL_KEYS), rows


def write_plain(header: Sequence[str], rows: Sequence[Sequence[Any]], out: Path) -> float:
    """(b): plain openpyxl write-only mode, the values as they are; returns seconds."""
    started = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Bills")
    ws.append(list(header))
    for row in rows:
        ws.append(row)
    wb.save(out)
    return time.perf_counter() - started


def profile_export(db_path: Path, out: Path) -> None:
    """Where the export spends its time: cProfile of ``export_xlsx`` (main thread), own time.

    The compressing thread is not seen by cProfile: its share is the deflate time measured
    separately on the sheet XML the export wrote.
    """
    db = open_database(db_path, readonly=True)
    profiler = cProfile.Profile()
    started = time.perf_counter()
    try:
        profiler.enable()
        specs = investigation_sheet_specs(db, BillFilter())
        export_xlsx(db, BillFilter(), out, columns=ALL_KEYS, force=True, extra_sheets=specs)
        profiler.disable()
    finally:
        db.close()
    seconds = time.perf_counter() - started
    print(f"\nprofile of the export (cProfile, {seconds:.1f} s with its overhead), own time:")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(20)
    with zipfile.ZipFile(out) as package:
        xml = package.read("xl/worksheets/sheet1.xml")
    started = time.perf_counter()
    zlib.compress(xml, 1)
    deflate = time.perf_counter() - started
    print(
        f"deflate level 1 of the Bills sheet XML ({len(xml) / 2**20:,.0f} MB): {deflate:.2f} s "
        "(on the second thread, beside the rows being formatted)"
    )


def ratio_figures(workdir: Path, args: argparse.Namespace) -> bool:
    """(a) against (b) on ``--bills`` bills (and ``--profile``); True if the ratio misses."""
    db_path = build(workdir, args.bills, args.agents, args.seed)
    db = open_database(db_path, readonly=True)
    try:
        header, rows = cell_values(db)
    finally:
        db.close()
    gc.collect()
    gc.freeze()  # the precomputed rows must not slow the collector down during (b)
    # (a) before and after (b): on a shared machine the load changes during the run, and the
    # slower of the two is compared
    before = run_export(db_path, workdir / "bench-export.xlsx")
    plain = write_plain(header, rows, workdir / "bench-plain.xlsx")
    after = run_export(db_path, workdir / "bench-export.xlsx")
    exported = max(before, after, key=lambda r: r["seconds"])
    n, cols = len(rows), len(header)
    ratio = exported["seconds"] / plain
    print(f"bills: {n:,}  columns: {cols} (all {len(ALL_KEYS)} keys, codes with meanings)")
    print(f"  {exported['stdout'].strip()}")
    for label, result in (("before (b)", before), ("after (b)", after)):
        print(
            f"(a) bill-viewer export, {label}: {result['seconds']:7.2f} s  "
            f"{n / result['seconds']:9,.0f} rows/s  peak RSS {result['rss'] / 2**20:6.1f} MB"
        )
    print(f"(b) plain openpyxl write-only:    {plain:7.2f} s  {n / plain:9,.0f} rows/s")
    print(f"ratio (a)/(b), the slower (a): {ratio:.3f}  (target <= {TARGET_RATIO:g})")

    del rows
    gc.unfreeze()
    if args.profile:
        profile_export(db_path, workdir / "bench-profile.xlsx")
    return ratio > TARGET_RATIO


STATES, BILLS = "states", "bills"
"""The job's phases as recorded: the Summary/Anomalies states, then the bills."""
_GAP_WHERE = {
    ("start", STATES): "before the first states call (counting the states' rows)",
    ("start", BILLS): "before the first call",
    (STATES, STATES): "the Summary phase (reading the states)",
    (STATES, BILLS): "between the states and the first bill row (sheets made, checks, sort)",
    (BILLS, BILLS): "the bills",
    (BILLS, "end"): "after the last bill (Summary/Anomalies/Report sheets, saving)",
    (STATES, "end"): "after the states (the export)",
    ("start", "end"): "the whole job (no call)",
}


@dataclass(frozen=True)
class Call:
    """One ``progress`` call of the job: when (seconds since its start), phase, done, total."""

    at: float
    phase: str
    done: int
    total: int
    bar: int
    """The window's one bar after the call (``PhasedProgress`` position out of its SCALE)."""


def run_job(
    db_path: Path,
    out: Path,
    cancel: CancelToken | None = None,
    record: Callable[[str, int, int, int], None] | None = None,
) -> None:
    """The window's export job (``ExportService.export``, all columns): states, then the bills.

    ``record(phase, done, total, bar)`` sees every progress call, ``bar`` being the window's
    one bar (``PhasedProgress`` with the window's phases) after it.
    """
    bar = [0]

    def moved(position: int, _scale: int) -> None:
        bar[0] = position

    phased = PhasedProgress(moved, EXPORT_PHASES)

    class Recording:
        """The export's phases on the window's bar, each call recorded."""

        def phase(self, words: str, unit: str = "rows", after: str = "") -> ProgressFn:
            assert record is not None
            window = phased.phase(words, unit, after)
            name = STATES if words == EXPORT_STATES else BILLS

            def progress(done: int, total: int) -> None:
                window(done, total)
                record(name, done, total, bar[0])

            return progress

    db = open_database(db_path, readonly=True)
    try:
        ExportService(db).export(
            BillFilter(),
            out,
            columns=ALL_KEYS,
            force=True,
            progress=Recording() if record is not None else None,
            cancel=cancel,
        )
    finally:
        db.close()


def progress_steadiness(db_path: Path, out: Path, bills: int) -> tuple[list[Call], float]:
    """Run the job once, recording every progress call; print the figures, return the calls."""
    calls: list[Call] = []
    started = time.perf_counter()

    def record(phase: str, done: int, total: int, bar: int) -> None:
        calls.append(Call(time.perf_counter() - started, phase, done, total, bar))

    run_job(db_path, out, record=record)
    seconds = time.perf_counter() - started
    marks = [("start", 0.0), *((c.phase, c.at) for c in calls), ("end", seconds)]
    gaps = [(b[1] - a[1], a[0], b[0], a[1]) for a, b in zip(marks, marks[1:], strict=False)]
    longest = max(gaps)
    by_where: dict[str, float] = {}
    for gap, before, after, _at in gaps:
        where = _GAP_WHERE[(before, after)]
        by_where[where] = max(by_where.get(where, 0.0), gap)
    back = [
        f"{b.phase} {a.done:,} -> {b.done:,}"
        for a, b in zip(calls, calls[1:], strict=False)
        if a.phase == b.phase and b.done < a.done
    ]
    bar_back = sum(1 for a, b in zip(calls, calls[1:], strict=False) if b.bar < a.bar)
    counts = {p: sum(1 for c in calls if c.phase == p) for p in (STATES, BILLS)}
    print(f"\nprogress: the window's job on {bills:,} bills (states, then the export, all columns)")
    print(
        f"  {len(calls):,} progress calls in {seconds:.1f} s "
        f"(states {counts[STATES]:,}, bills {counts[BILLS]:,})"
    )
    print(
        f"  longest gap between two calls: {longest[0]:.2f} s at {longest[3]:.1f} s, "
        f"{_GAP_WHERE[(longest[1], longest[2])]}; reference: job time / calls = "
        f"{seconds / max(len(calls), 1):.3f} s"
    )
    for where, gap in by_where.items():
        print(f"    longest in {where}: {gap:.2f} s")
    within = f"yes, {len(back)} times (first: {back[0]})" if back else "never"
    bar = f"goes back {bar_back} times" if bar_back else "never goes back"
    end = calls[-1].bar if calls else 0
    print(
        f"  done goes back within a phase: {within}; the window's bar: {bar} "
        f"(ends at {end} of {PhasedProgress.SCALE})"
    )
    return calls, seconds


def cancel_points(calls: Sequence[Call], seconds: float) -> list[tuple[str, int, float]]:
    """When to set Cancel, from a previous run's progress calls: ``(label, after, delay)``.

    Cancel is set ``delay`` seconds after the job's ``after``-th progress call (0: its start):
    anchored to calls, the points in short phases (the export's database check, saving) are
    hit, and a job slower or faster than the first is still cancelled before its end.
    """
    states = [c.at for c in calls if c.phase == STATES]
    bills = [c.at for c in calls if c.phase == BILLS]

    def at(label: str, when: float) -> tuple[str, int, float]:
        after = sum(1 for c in calls if c.at <= when)
        return label, after, when - (calls[after - 1].at if after else 0.0)

    points: list[tuple[str, int, float]] = []
    if states:
        points.append(at("Summary phase, half way", (states[0] + states[-1]) / 2))
    if states and bills:
        gap = bills[0] - states[-1]
        points.append(("export's start (database check)", len(states), min(0.05, gap / 4)))
        points.append(("after the states, before the first bill", len(states), gap / 2))
    points += [at(f"{p} % of the job's time", seconds * p / 100) for p in (10, 50, 90)]
    if bills:
        points.append(("after the last bill (saving)", len(calls), (seconds - bills[-1]) / 2))
    return points


def cancel_once(db_path: Path, where: Path, after: int, delay: float) -> tuple[str, float, float]:
    """Run the job in a thread and set Cancel ``delay`` s after its ``after``-th progress call.

    Returns how the job ended ("cancelled", "finished" or "failed: ..."), when Cancel was set
    (seconds after the start) and the seconds from ``cancel.set()`` to the job's end.
    """
    token = CancelToken()
    anchor = threading.Event()
    seen = [0]
    ended: dict[str, Any] = {}

    def record(*_call: object) -> None:
        seen[0] += 1
        if seen[0] == after:
            anchor.set()

    def job() -> None:
        try:
            run_job(db_path, where / "bench-cancel.xlsx", cancel=token, record=record)
            ended["how"] = "finished"
        except Cancelled:
            ended["how"] = "cancelled"
        except BaseException as exc:  # noqa: BLE001 - shown in the figures
            ended["how"] = f"failed: {exc!r}"
        ended["at"] = time.perf_counter()

    thread = threading.Thread(target=job, name="bench-cancel")
    started = time.perf_counter()
    thread.start()
    if after:
        while not anchor.wait(0.01) and thread.is_alive():
            pass
    thread.join(delay)
    set_at = time.perf_counter()
    token.set()
    thread.join()
    return ended["how"], set_at - started, ended["at"] - set_at


def cancel_latency(db_path: Path, folder: Path, points: Sequence[tuple[str, int, float]]) -> bool:
    """Cancel the job at each point; print the latency and leftovers; True if all met target."""
    print(f"\ncancel: time from cancel.set() to Cancelled (target < {TARGET_CANCEL_SECONDS:g} s)")
    ok = True
    for n, (label, after, delay) in enumerate(points, 1):
        where = folder / f"cancel-{n}"
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir(parents=True)
        how, set_at, latency = cancel_once(db_path, where, after, delay)
        left = sorted(p.name for p in where.iterdir())
        shutil.rmtree(where, ignore_errors=True)
        if how != "cancelled":
            print(f"  {label}: not measured, the job {how} first")
            ok &= how == "finished"
            continue
        ok &= latency < TARGET_CANCEL_SECONDS and not left
        print(
            f"  {label} (set at {set_at:.1f} s): {latency:.3f} s; "
            f"left in the folder: {', '.join(left) if left else 'nothing'}"
        )
    return ok


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; with ``--check`` exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("bench-out"))
    parser.add_argument("--bills", type=int, default=200_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-rows", type=int, default=0, help="also export N bills (RSS)")
    parser.add_argument(
        "--anomaly-rows",
        type=int,
        default=0,
        help="also export N bills that are nearly all anomalies (RSS), beside N ordinary bills",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the export")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    parser.add_argument(
        "--progress",
        action="store_true",
        help="run the window's export job once, recording every progress call: calls, longest "
        "gap and its phase, whether done goes back",
    )
    parser.add_argument(
        "--cancel",
        action="store_true",
        help="cancel the job at several points (Summary phase, database check, 10/50/90 %% of "
        "its time, saving): "
        "time from cancel.set() to Cancelled and leftovers (target < 1 s, nothing left)",
    )
    parser.add_argument(
        "--job-rows",
        type=int,
        default=0,
        help="bills of --progress and --cancel (default: --memory-rows if given, else --bills)",
    )
    parser.add_argument(
        "--skip-ratio",
        action="store_true",
        help="skip the (a)/(b) comparison (e.g. to measure only --progress and --cancel)",
    )
    args = parser.parse_args(argv)
    workdir: Path = args.workdir.resolve()
    failed = False
    if not args.skip_ratio:
        failed |= ratio_figures(workdir, args)

    if args.memory_rows:
        big = build(workdir, args.memory_rows, args.agents, args.seed)
        result = run_export(big, workdir / "bench-memory.xlsx")
        peak = result["rss"] / 2**20
        print(
            f"memory: {args.memory_rows:,} bills exported in {result['seconds']:.1f} s "
            f"({args.memory_rows / result['seconds']:,.0f} rows/s), peak RSS {peak:.1f} MB "
            f"(target < {TARGET_PEAK_MB:g} MB)"
        )
        print(f"  {result['stdout'].strip()}")
        failed |= peak >= TARGET_PEAK_MB

    if args.anomaly_rows:
        n = args.anomaly_rows
        plain = run_export(build(workdir, n, args.agents, args.seed), workdir / "bench-plain.xlsx")
        heavy = run_export(
            build_heavy(workdir, n, args.agents, args.seed), workdir / "bench-heavy.xlsx"
        )
        plain_mb, heavy_mb = plain["rss"] / 2**20, heavy["rss"] / 2**20
        print(
            f"anomaly-heavy: {n:,} bills (nearly each an anomaly) exported in "
            f"{heavy['seconds']:.1f} s, peak RSS {heavy_mb:.1f} MB; reference: {n:,} ordinary "
            f"bills in {plain['seconds']:.1f} s, peak RSS {plain_mb:.1f} MB "
            f"(ratio {heavy_mb / plain_mb:.2f})"
        )

    if args.progress or args.cancel:
        bills = args.job_rows or args.memory_rows or args.bills
        job_db = build(workdir, bills, args.agents, args.seed)
        calls, seconds = progress_steadiness(job_db, workdir / "bench-job.xlsx", bills)
        if args.cancel:
            failed |= not cancel_latency(job_db, workdir, cancel_points(calls, seconds))
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
