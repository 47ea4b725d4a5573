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
database of N bills (default target: 1,000,000 rows in less than 250 MB). ``--profile`` prints
where the export spends its time (cProfile of ``export_xlsx`` in this process, by function,
own time first, and the deflate time that the compressing thread takes off the main thread).

Run: ``python benchmarks/bench_export.py [--bills 200000] [--memory-rows 1000000] [--profile]``
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import json
import pstats
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

from openpyxl import Workbook  # noqa: E402

from viewer.core.columns import ALL_COLUMNS, CODE, DURATION, SOURCE, TIME, Column  # noqa: E402
from viewer.core.filters import BillFilter  # noqa: E402
from viewer.core.timefmt import to_datetime  # noqa: E402
from viewer.data import queries  # noqa: E402
from viewer.data.db import Database, open_database  # noqa: E402
from viewer.data.export_sheets import investigation_sheet_specs  # noqa: E402
from viewer.data.exporter import export_header, export_xlsx  # noqa: E402
from viewer.data.labels import load_labels  # noqa: E402

TARGET_RATIO = 0.2
TARGET_PEAK_MB = 250.0
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
        generator = [sys.executable, "-m", "viewer.data.generator", "--bills", str(bills)]
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


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; with ``--check`` exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("bench-out"))
    parser.add_argument("--bills", type=int, default=200_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--memory-rows", type=int, default=0, help="also export N bills (RSS)")
    parser.add_argument("--profile", action="store_true", help="cProfile the export")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args(argv)
    workdir: Path = args.workdir.resolve()
    db_path = build(workdir, args.bills, args.agents, args.seed)
    failed = False

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
    failed |= ratio > TARGET_RATIO

    del rows
    gc.unfreeze()
    if args.profile:
        profile_export(db_path, workdir / "bench-profile.xlsx")

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
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
