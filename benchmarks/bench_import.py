"""Import benchmark: ``bill-viewer import`` against the sqlite3 shell's ``.import``.

Generates (once, cached in ``--workdir``) a realistic export with ``viewer.demo.generator``, in
one or both orders of bill ids (``--order``: ``random``, as real exports give no promise of
order, and ``ascending``; the same bills otherwise), then for each order:

a. runs the real command ``python -m viewer import --db X file.csv`` as a subprocess into a fresh
   database, timed, with the command's peak memory (resident set size of the command and of the
   processes it starts: a big file is read with a child process); the database has its indexes
   (the unique bill id, the three the window filters by and the duration's) when the command ends.
   With ``--phases``, the same import once more in a child process with the importer's debug
   log, which says when each phase ended (rows read in one or two parts, the second part
   copied in, the indexes built, the transaction committed), in seconds since the file's
   transaction began (start-up and hashing come before): where the time goes;
b. runs the ``sqlite3`` shell's ``.import`` of the same CSV into a plain table of 21 TEXT columns
   without any index, timed (the floor: parse CSV and write rows, nothing else): the reference
   of the target ratio; and the same followed by building the bill table's indexes (five) on
   those columns (what the indexes cost at C speed, for comparison only);
c. once, runs the same import again (the file is already imported) beside the time to SHA-256
   the file and the start-up of the command itself (``bill-viewer --version``): a re-import
   should cost start-up plus hashing, nothing more.

It prints one compact table with the targets: import time <= 1.5 x sqlite3 ``.import`` (issue
13), peak memory < 300 MB, database size <= 1.5 x CSV size. Each figure only means something
beside its reference of the same run (a shared machine's load moves both).

Run: ``python benchmarks/bench_import.py --bills 1000000 --order both``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:  # runnable from a checkout without installing
    sys.path.insert(0, str(REPO))

from viewer.core.records import COLUMNS  # noqa: E402
from viewer.data.schema import BILL_INDEXES, DB_NAME  # noqa: E402
from viewer.demo.generator import (  # noqa: E402
    ID_ORDERS,
    GeneratorConfig,
    generate_bills,
    write_csv,
)

TARGET_RATIO = 1.5
TARGET_PEAK_MB = 300.0
TARGET_SIZE_RATIO = 1.5

# Runs a command and reports its wall time and peak memory. A separate process, so that
# RUSAGE_CHILDREN sees only the measured command. RUSAGE_CHILDREN keeps the peak of the largest
# single descendant, not of the process tree: an import that reads a big file with a child
# process has two (three with multiprocessing's resource tracker). So on Linux it also samples
# the tree every 50 ms in /proc: each process's peak (VmHWM, kept by the kernel, so nothing
# between samples is missed while the process lives) summed over the processes ("tree" below,
# an upper bound: the peaks need not have been at the same time), and the largest sum of
# resident sizes seen at one sample ("together").
_MEASURE = r"""
import glob, json, os, resource, subprocess, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
stdin = sys.stdin.read() if cmd and cmd[0] == "--stdin" else None
if stdin is not None:
    cmd = cmd[1:]

def kib(pid, key):
    try:
        with open(f"/proc/{pid}/status") as fp:
            for line in fp:
                if line.startswith(key):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0

def tree(root):
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for path in glob.glob(f"/proc/{pid}/task/*/children"):
            try:
                with open(path) as fp:
                    todo.extend(int(c) for c in fp.read().split())
            except OSError:
                pass
    return found

started = time.perf_counter()
proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE, text=True)
sampling = os.path.isdir(f"/proc/{proc.pid}/task")
hwm, together = {}, 0
if stdin is not None or not sampling:
    stdout, stderr = proc.communicate(stdin)
else:
    import threading
    box = {}
    reader = threading.Thread(target=lambda: box.update(zip(("o", "e"), proc.communicate())))
    reader.start()
    while reader.is_alive():
        now = 0
        for pid in tree(proc.pid):
            peak = kib(pid, "VmHWM:")
            if peak:
                hwm[pid] = max(hwm.get(pid, 0), peak)
            now += kib(pid, "VmRSS:")
        together = max(together, now)
        reader.join(0.05)
    stdout, stderr = box.get("o", ""), box.get("e", "")
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
rss, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
rss_bytes = rss if sys.platform == "darwin" else rss * 1024
with open(out, "w") as fp:
    json.dump({"rc": proc.returncode, "seconds": seconds, "rss": rss_bytes,
               "tree_rss": max(rss_bytes, sum(hwm.values()) * 1024),
               "together_rss": together * 1024, "processes": max(len(hwm), 1), "cpu": cpu,
               "stdout": stdout, "stderr": stderr}, fp)
"""


@dataclass
class Measured:
    """One measured command."""

    rc: int
    seconds: float
    rss: int  # peak resident size of the largest single process
    tree_rss: int  # the per-process peaks summed over the process tree (see _MEASURE)
    together_rss: int  # the largest resident size of the tree at one sample
    processes: int
    stdout: str
    stderr: str
    cpu: float = 0.0  # user + system seconds of the command and the processes it waited for


def measure(cmd: list[str], stdin: str | None = None) -> Measured:
    """Run ``cmd`` (feeding ``stdin``), return its exit status, wall time and peak RSS."""
    with tempfile.TemporaryDirectory() as tmp:
        result = Path(tmp) / "result.json"
        args = [sys.executable, "-c", _MEASURE, str(result)]
        args += ["--stdin", *cmd] if stdin is not None else cmd
        subprocess.run(args, input=stdin or "", text=True, check=True)
        data = json.loads(result.read_text())
    return Measured(**data)


def export_file(workdir: Path, bills: int, agents: int, seed: int, order: str = "random") -> Path:
    """The cached generated export (written once; a partial file is never reused)."""
    suffix = "" if order == "random" else f"-{order}"  # random: the name earlier runs cached
    path = workdir / f"bills-{bills}-a{agents}-s{seed}{suffix}.csv"
    if path.exists():
        return path
    workdir.mkdir(parents=True, exist_ok=True)
    part = path.with_name(path.name + ".part")
    started = time.perf_counter()
    config = GeneratorConfig(agents=agents, seed=seed, target_bills=bills, id_order=order)
    written = write_csv(part, generate_bills(config))
    part.replace(path)
    print(
        f"generated {written:,} bills into {path} in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    return path


def db_size(path: Path) -> int:
    """Size of a SQLite database with its WAL and shared-memory files, if any."""
    return sum(
        p.stat().st_size
        for p in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm")))
        if p.exists()
    )


def remove_db(path: Path) -> None:
    """Delete a database and its side files."""
    for p in (path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))):
        p.unlink(missing_ok=True)


def sha256_seconds(path: Path) -> float:
    """Time to SHA-256 the file (1 MiB reads, as the importer does)."""
    started = time.perf_counter()
    digest = hashlib.sha256()
    with path.open("rb") as fp:
        while chunk := fp.read(1 << 20):
            digest.update(chunk)
    digest.hexdigest()
    return time.perf_counter() - started


def index_ddl() -> str:
    """The bill table's indexes (``viewer.data.schema``) on the shell's table of export columns."""
    export_name = {db: col for col, db in DB_NAME.items()}
    out = []
    for index in BILL_INDEXES:
        cols = ", ".join(f'"{export_name.get(c.name, c.name)}"' for c in index.columns)
        unique = "UNIQUE " if index.unique else ""
        out.append(f"CREATE {unique}INDEX {index.name} ON bill ({cols});")
    return "\n".join(out)


def sqlite_import(csv_path: Path, db_path: Path, sqlite: str, *, indexes: bool = False) -> Measured:
    """``.import`` the CSV into a fresh plain table of 21 TEXT columns (then index it)."""
    remove_db(db_path)
    cols = ", ".join(f'"{c}" TEXT' for c in COLUMNS)
    script = f"CREATE TABLE bill ({cols});\n.mode csv\n.import '{csv_path}' bill\n"
    if indexes:
        script += index_ddl() + "\n"
    return measure([sqlite, "-batch", str(db_path)], stdin=script)


def viewer_import(csv_path: Path, db_path: Path) -> tuple[Measured, dict[str, object]]:
    """The real command, JSON output parsed."""
    run = measure(
        [sys.executable, "-m", "viewer", "import", "--db", str(db_path), "--json", str(csv_path)]
    )
    if run.rc != 0:
        sys.exit(f"import failed (exit {run.rc}):\n{run.stdout}\n{run.stderr}")
    return run, json.loads(run.stdout)


_PHASES = r"""
import logging, sys
from pathlib import Path
from viewer.data.db import open_database
from viewer.data.imports.loading import import_paths

if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stdout)
    logging.getLogger("viewer.data.imports.loading").setLevel(logging.DEBUG)
    db = open_database(Path(sys.argv[1]))
    try:
        import_paths(db, [Path(sys.argv[2])])
    finally:
        db.close()
"""


def import_phases(csv_path: Path, db_path: Path) -> list[tuple[str, str]]:
    """Import once more with the importer's debug log: ``(phase, "x.xx s")`` as they ended."""
    remove_db(db_path)
    script = db_path.with_name("phases.py")  # a file: the second process re-imports it
    script.write_text(_PHASES)
    try:
        run = subprocess.run(
            [sys.executable, str(script), str(db_path), str(csv_path)],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        script.unlink(missing_ok=True)
        remove_db(db_path)
    if run.returncode != 0:
        sys.exit(f"import with phases failed (exit {run.returncode}):\n{run.stderr}")
    out = []
    for line in run.stdout.splitlines():
        what = line.rsplit(": ", 1)[-1]  # "<file>: indexes built at 7.10 s"
        if " at " in what:
            phase, _, when = what.rpartition(" at ")
            out.append((phase, when))
        elif " from " in what and " to " in what:  # the second part's reading, in the child
            phase, _, span = what.partition(" from ")
            out.append((phase, span.replace(" s to ", "-")))  # "0.99-26.34 s"
    return out


def row(name: str, value: str, target: str = "", ok: bool | None = None) -> str:
    """One table line."""
    verdict = "" if ok is None else ("ok" if ok else "MISSED")
    return f"{name:<38} {value:>12}  {target:<10} {verdict}"


def main(argv: list[str] | None = None) -> int:
    """Generate (or reuse) the export(s), run the measurements, print a table per order."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--bills", type=int, default=1_000_000, help="bills in the export")
    parser.add_argument(
        "--agents",
        type=int,
        default=1500,
        help="agents (default 1500: a million bills is about 3 days)",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("bench-out"),
        help="cache folder for the export and the databases (default ./bench-out)",
    )
    parser.add_argument(
        "--sqlite3",
        default=shutil.which("sqlite3") or "",
        help="the sqlite3 shell (default: from PATH)",
    )
    parser.add_argument(
        "--order",
        choices=(*ID_ORDERS, "both"),
        default="both",
        help="order of the bill ids in the export: random, ascending or both (default)",
    )
    parser.add_argument(
        "--phases",
        action="store_true",
        help="import once more with the importer's debug log: when each phase ended",
    )
    args = parser.parse_args(argv)
    workdir: Path = args.workdir.resolve()
    os.environ.setdefault("PYTHONPATH", str(REPO))

    orders = ID_ORDERS if args.order == "both" else (args.order,)
    ok = True
    for n, order in enumerate(orders):
        last = n == len(orders) - 1
        ok &= run_order(args, workdir, order, again=last)
    return 0 if ok else 1


def run_order(args: argparse.Namespace, workdir: Path, order: str, *, again: bool) -> bool:
    """Measure one order of ids; print its table. False when the import did not do its work."""
    csv_path = export_file(workdir, args.bills, args.agents, args.seed, order)
    csv_size = csv_path.stat().st_size
    hash_s = min(sha256_seconds(csv_path) for _ in range(2))  # also warms the page cache

    viewer_db = workdir / "viewer.sqlite"
    remove_db(viewer_db)
    first, report = viewer_import(csv_path, viewer_db)
    imported = int(report["imported"])  # type: ignore[call-overload]
    size = db_size(viewer_db)

    shell: Measured | None = None
    shell_ix: Measured | None = None
    if args.sqlite3:
        shell_db = workdir / "sqlite3-shell.sqlite"
        shell = sqlite_import(csv_path, shell_db, args.sqlite3)
        if shell.rc != 0:
            print(f"sqlite3 .import failed: {shell.stderr.strip()}", file=sys.stderr)
            shell = None
        else:
            shell_ix = sqlite_import(csv_path, shell_db, args.sqlite3, indexes=True)
            if shell_ix.rc != 0:
                print(
                    f"sqlite3 .import + indexes failed: {shell_ix.stderr.strip()}", file=sys.stderr
                )
                shell_ix = None
        remove_db(shell_db)

    mb = 1e6
    print()
    print(f"ids in {order} order: {imported:,} bills imported, CSV {csv_size / mb:,.1f} MB")
    print(f"  ({csv_path}; load average {os.getloadavg()[0]:.1f} after the runs)")
    print(row("measure", "value", "target"))
    print(row("-" * 38, "-" * 12, "-" * 10))
    print(row(f"bill-viewer import ({order} ids)", f"{first.seconds:.2f} s"))
    print(row("  bills per second", f"{imported / first.seconds:,.0f}"))
    if shell is not None:
        ratio = first.seconds / shell.seconds
        print(row("sqlite3 .import (21 TEXT, no index)", f"{shell.seconds:.2f} s"))
        print(
            row(
                "import / sqlite3 .import",
                f"{ratio:.2f}",
                f"<= {TARGET_RATIO}",
                ratio <= TARGET_RATIO,
            )
        )
        print(
            row(
                "  CPU seconds: import / .import",
                f"{first.cpu:.1f}/{shell.cpu:.1f} s",
                f"{first.cpu / shell.cpu:.2f}" if shell.cpu else "",
            )
        )
        if shell_ix is not None:
            print(
                row(
                    f"  sqlite3 .import + the {len(BILL_INDEXES)} indexes",
                    f"{shell_ix.seconds:.2f} s",
                )
            )
            print(row("  import / (.import + indexes)", f"{first.seconds / shell_ix.seconds:.2f}"))
    else:
        print(row("sqlite3 .import", "skipped", "(no sqlite3 shell)"))
    peak = first.tree_rss / mb
    print(
        row(
            f"peak memory of the import ({first.processes} proc.)",
            f"{peak:.0f} MB",
            f"< {TARGET_PEAK_MB:.0f} MB",
            peak < TARGET_PEAK_MB,
        )
    )
    print(row("  largest single process", f"{first.rss / mb:.0f} MB"))
    if first.together_rss:
        print(row("  all processes at one time (sampled)", f"{first.together_rss / mb:.0f} MB"))
    if args.phases:
        print(row("phases of one more import (ended at)", ""))
        for phase, when in import_phases(csv_path, workdir / "phases.sqlite"):
            print(row(f"  {phase}", when))
    print(row("database size", f"{size / mb:,.1f} MB"))
    print(
        row(
            "database / CSV size",
            f"{size / csv_size:.2f}",
            f"<= {TARGET_SIZE_RATIO}",
            size / csv_size <= TARGET_SIZE_RATIO,
        )
    )
    status2 = "already_imported"
    if again:
        rerun, report2 = viewer_import(csv_path, viewer_db)
        startup = min(
            measure([sys.executable, "-m", "viewer", "--version"]).seconds for _ in range(3)
        )
        status2 = report2["files"][0]["status"]  # type: ignore[index]
        print(row(f"re-import ({status2})", f"{rerun.seconds:.2f} s"))
        print(row("sha256 of the file", f"{hash_s:.2f} s"))
        print(row("command start-up (--version)", f"{startup:.2f} s"))
        print(row("  re-import - start-up - sha256", f"{rerun.seconds - startup - hash_s:.2f} s"))
    remove_db(viewer_db)
    return status2 == "already_imported" and imported == args.bills


if __name__ == "__main__":
    sys.exit(main())
