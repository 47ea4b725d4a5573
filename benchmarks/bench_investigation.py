"""Investigation benchmark: opening it for a day and for a month of a big center, on any backend.

On an existing database (``--db``: a SQLite file or a ``postgresql://`` URL, e.g. the one
``bench_window.py`` built), each figure is measured in a fresh child process (wall time and peak
resident memory, so one run's caches and heap do not count in the next) beside its reference
in the same run, the bare SQL scan of the same rows:

a. ``scan``: the loader's SELECT (``state_query``: state columns ordered by agent, begin time,
   pk) fetched and dropped, nothing held (the reference);
b. ``states``: every agent's states held (``agent_states``: what the panel held before this
   change, and still holds up to ``FULL_STATES_MAX_BILLS`` bills);
c. ``overview``: what the panel opens above that (``overview``: one agent's states at a time,
   summary, anomalies, busiest moment);
d. ``lanes``: the timeline's first screen after the overview: 60 agents (20 lanes in view and a
   screenful each side) over the whole period (``lane_states``);
e. ``moment``: every agent's state at 10:00 on the period's middle day
   (``InvestigationService.at``: the look-back of 24 hours read, one agent at a time).

(d) and (e) are timed from when the agents are known, as in the panel (the overview lists them).

A child gets at most ``--max-gb`` of address space (default 6): a figure that needs more is
reported as "out of memory" rather than pushing the machine into its OOM killer.

Run: ``python benchmarks/bench_investigation.py --db bench-out/window-20000000-a2000.sqlite``
(on PostgreSQL inside ``pg_virtualenv -t``, ``--db postgresql:///bills``).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

MODES = ("scan", "states", "overview", "lanes", "moment")
LANES = 60


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(target: str, mode: str, time_from: str, time_to: str) -> dict[str, Any]:
    """One figure in this (fresh) process: seconds, peak RSS MB and what was found."""
    from viewer.core.filters import BillFilter
    from viewer.data import investigation as inv
    from viewer.data.db import open_database
    from viewer.services.investigation import InvestigationService

    db = open_database(target if "://" in target else Path(target), readonly=True)
    f = BillFilter(time_from=time_from, time_to=time_to)
    base = _peak_mb()
    started = time.perf_counter()
    out: dict[str, Any] = {}
    try:
        if mode == "scan":
            stmt = inv.state_query(f, inv.window_for(db, f))
            n = 0
            with db.engine.connect() as conn:
                for chunk in inv._chunks(conn, stmt):  # noqa: SLF001 - the loader's own fetch
                    n += len(chunk)
            out["rows"] = n
        elif mode == "states":
            found = inv.agent_states(db, f, labels={})
            out["agents"] = len(found.states)
            out["intervals"] = sum(len(s.intervals) for s in found.states)
        elif mode == "overview":
            ov = inv.overview(db, f, labels={})
            out["agents"] = len(ov.agents)
            out["rows"] = ov.bills_read
            out["most_held"] = ov.most_held
            out["anomalies"] = len(ov.anomalies)
        else:  # what the panel reads once the overview is shown (it knows the agents)
            agents = inv.filter_agents(db, BillFilter(time_from=time_from, time_to=time_to))
            lo, hi = inv._period(f)  # noqa: SLF001 - the period in stored seconds
            assert lo is not None and hi is not None
            base = _peak_mb()
            started = time.perf_counter()
            if mode == "lanes":
                lanes = inv.lane_states(db, f, agents[:LANES], lo, hi, labels={})
                out["lanes"] = len(lanes)
                out["lane_bills"] = sum(s.bill_count for s in lanes.values())
            else:  # 10:00 on the middle day of the period
                t = lo + (hi - lo) // 86400 // 2 * 86400 + 10 * 3600
                moments = InvestigationService(db).at(f, t, labels={}, agents=agents)
                out["moments"] = len(moments)
    except MemoryError:
        out["error"] = "out of memory"
    out["seconds"] = time.perf_counter() - started
    out["peak_mb"] = _peak_mb()
    out["base_mb"] = base
    db.close()
    return out


def run_child(args: argparse.Namespace, mode: str, time_from: str, time_to: str) -> dict[str, Any]:
    """A figure measured in a child process with the address-space cap."""
    limit = int(args.max_gb * 1024**3)

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, "--db", args.db]
        + ["--from", time_from, "--to", time_to],
        capture_output=True,
        text=True,
        preexec_fn=cap,  # noqa: PLW1509 - no threads started yet in this process
        check=False,
    )
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
    if proc.returncode or not lines:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"error": f"exit {proc.returncode}: {tail[:80]}", "seconds": float("nan")}
    return dict(json.loads(lines[-1]))


def main(argv: list[str] | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="a SQLite file or a postgresql:// URL")
    parser.add_argument(
        "--day", default="2026-11-16", help="the day measured (default %(default)s)"
    )
    parser.add_argument(
        "--month",
        default="2026-11-02,2026-12-02",
        help="the month measured, FROM,TO (default %(default)s)",
    )
    parser.add_argument("--modes", default=",".join(MODES), help="which figures")
    parser.add_argument("--cases", default="day,month", help="which periods (day, month)")
    parser.add_argument("--max-gb", type=float, default=6.0, help="address space of a child")
    parser.add_argument("--child", choices=MODES, help=argparse.SUPPRESS)
    parser.add_argument("--from", dest="time_from", help=argparse.SUPPRESS)
    parser.add_argument("--to", dest="time_to", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.db, args.child, args.time_from, args.time_to)))
        return 0
    day_to = (date.fromisoformat(args.day) + timedelta(days=1)).isoformat()
    m_from, m_to = args.month.split(",")
    cases = []
    if "day" in args.cases:
        cases.append(("one day", f"{args.day} 00:00:00", f"{day_to} 00:00:00"))
    if "month" in args.cases:
        cases.append(("a month", f"{m_from} 00:00:00", f"{m_to} 00:00:00"))
    modes = args.modes.split(",")
    print(f"database {args.db}; each figure in a fresh process capped at {args.max_gb:g} GB\n")
    head = f"{'case':<9} {'figure':<9} {'seconds':>8} {'x scan':>7} {'peak MB':>8}  found"
    print(head)
    print("-" * len(head))
    for name, lo, hi in cases:
        scan_s = None
        for mode in modes:
            r = run_child(args, mode, lo, hi)
            if mode == "scan":
                scan_s = r.get("seconds")
            compared = mode in ("states", "overview") and scan_s
            ratio = f"{r['seconds'] / scan_s:.2f}" if compared else "-"
            found = r.get("error") or ", ".join(
                f"{k} {v:,}" for k, v in r.items() if k not in ("seconds", "peak_mb", "base_mb")
            )
            peak = r.get("peak_mb", float("nan"))
            print(f"{name:<9} {mode:<9} {r['seconds']:8.1f} {ratio:>7} {peak:8,.0f}  {found}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
