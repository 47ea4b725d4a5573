"""Benchmark: rebuild the states of 1,000,000 bills, beside one SQL scan of the same rows.

Builds (once, cached in ``--workdir``) a database of generated bills with the generator and the
importer's command line, then times in the same run:

(a) the loader's SELECT (``viewer.data.investigation.state_query``: state columns ordered by agent,
    begin time and pk), fetched into Python and nothing else;
(b) the full rebuild: load, reconstruct every agent's intervals and anomalies
    (``viewer.services.investigation.InvestigationService.states``, what the window runs).

It prints both and their ratio (target: at most 3), best of ``--repeat`` runs each, and the time
of one day's states (every agent, the window's timeline case).

Usage: ``python benchmarks/bench_states.py [--workdir DIR] [--bills N] [--agents N] [--check]``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

from viewer.core.filters import BillFilter
from viewer.data import investigation
from viewer.data.db import Database, open_database
from viewer.services.investigation import Investigation, InvestigationService

TARGET = 3.0


def build(workdir: Path, bills: int, agents: int, seed: int) -> Path:
    """The cached database of ``bills`` generated bills (generated and imported if missing)."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_path = workdir / f"states-{bills}-{agents}-{seed}.sqlite"
    if db_path.exists():
        return db_path
    export = workdir / f"export-{bills}-{agents}-{seed}"
    zips = sorted(export.glob("*.zip")) if export.exists() else []
    started = time.perf_counter()
    if not zips:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "viewer.demo.generator",
                "--bills",
                str(bills),
                "--agents",
                str(agents),
                "--seed",
                str(seed),
                "--out",
                str(export),
            ],
            check=True,
        )
        zips = sorted(export.glob("*.zip"))
    part = db_path.with_name(db_path.name + ".part")
    for leftover in workdir.glob(part.name + "*"):
        leftover.unlink()
    subprocess.run(
        [sys.executable, "-m", "viewer", "import", "--db", str(part), *map(str, zips)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    part.replace(db_path)
    print(f"built {db_path} in {time.perf_counter() - started:.1f} s")
    return db_path


def scan(db: Database, f: BillFilter) -> tuple[float, int]:
    """(a): the loader's SELECT, every row fetched into Python, nothing else."""
    started = time.perf_counter()
    stmt = investigation.state_query(f, investigation.window_for(db, f))
    rows = 0
    with db.engine.connect() as conn:
        cur = conn.execute(stmt).cursor
        while chunk := cur.fetchmany(20_000):
            rows += len(chunk)
    return time.perf_counter() - started, rows


def rebuild(db: Database, f: BillFilter) -> tuple[float, Investigation]:
    """(b): load and reconstruct every agent's intervals and anomalies."""
    started = time.perf_counter()
    result = InvestigationService(db).states(f)
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; returns 1 with ``--check`` when the ratio misses the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, default=Path("bench-out"))
    parser.add_argument("--bills", type=int, default=1_000_000)
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if the ratio > {TARGET}")
    args = parser.parse_args(argv)
    db = open_database(build(args.workdir, args.bills, args.agents, args.seed), readonly=True)
    try:
        f = BillFilter()
        scans, rebuilds = [], []
        result = None
        for _ in range(max(1, args.repeat)):
            seconds, rows = scan(db, f)
            scans.append(seconds)
            seconds, result = rebuild(db, f)
            rebuilds.append(seconds)
        assert result is not None
        intervals = sum(len(s.intervals) for s in result.states)
        anomalies = Counter(str(a.kind) for s in result.states for a in s.anomalies)
        best_scan, best_rebuild = min(scans), min(rebuilds)
        ratio = best_rebuild / best_scan
        print(f"bills: {rows:,}  agents: {len(result.states):,}  intervals: {intervals:,}")
        print(f"anomalies: {sum(anomalies.values()):,} {dict(sorted(anomalies.items()))}")
        print(f"(a) SQL scan of the same rows:  {best_scan:6.2f} s  (runs: {_fmt(scans)})")
        print(f"(b) load + reconstruct states:  {best_rebuild:6.2f} s  (runs: {_fmt(rebuilds)})")
        print(f"ratio (b)/(a): {ratio:.2f}  (target <= {TARGET:g})")
        day = _busiest_day(db)
        if day:
            next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
            one_day = BillFilter(time_from=f"{day} 00:00:00", time_to=f"{next_day} 00:00:00")
            seconds, day_result = rebuild(db, one_day)
            day_intervals = sum(len(s.intervals) for s in day_result.states)
            print(
                f"one day ({day}, 24 h look-back): {len(day_result.states)} agents, "
                f"{day_intervals:,} intervals in {seconds:.2f} s"
            )
    finally:
        db.close()
    return 1 if args.check and ratio > TARGET else 0


def _fmt(values: list[float]) -> str:
    return ", ".join(f"{v:.2f}" for v in values)


def _busiest_day(db: Database) -> str | None:
    with db.engine.connect() as conn:
        row = conn.exec_driver_sql(
            "SELECT date(begin_time, 'unixepoch') AS d FROM bill GROUP BY d "
            "ORDER BY count(*) DESC LIMIT 1"
        ).first()
    return row[0] if row else None


if __name__ == "__main__":
    sys.exit(main())
