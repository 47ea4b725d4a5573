"""Startup benchmark: the standalone bundle against the source install, side by side.

For each of the two ways of running the application, on the same database (the demo export,
imported once into a temporary file):

a. launch ``gui --db X --smoke-test`` offscreen and time, from outside, the moment the process
   prints ``rows shown: N`` (launch to first rows shown, the number a user feels), beside the
   ``startup ms:`` the window measures itself (from ``viewer.gui.app.run`` to rows shown, so the
   difference is interpreter start-up, unpacking and imports) and the time until the process
   exits;
b. ``--version`` wall time (interpreter + command line, no Qt);
c. the size on disk: the bundle folder against the installed packages it replaces (the
   ``viewer`` package and its dependency closure: PySide6-Essentials, shiboken6, SQLAlchemy,
   openpyxl, platformdirs, ...), plus the Python standard library the source install also needs.

Each launch runs ``--runs`` times (the first run, with cold file caches, is reported apart).

Run: ``python benchmarks/bench_startup.py`` (builds ``packaging/dist/bill-viewer`` first if it
is missing; ``--build`` rebuilds it; ``--bundle DIR`` measures another build).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "packaging" / "viewer.spec"
DEFAULT_BUNDLE = REPO / "packaging" / "dist" / "bill-viewer"
TIMEOUT = 120
MB = 1024 * 1024


@dataclass
class Launch:
    """One ``--smoke-test`` run."""

    first_rows_s: float  # launch to the "rows shown" line, measured outside
    exit_s: float  # launch to process exit
    startup_ms: float | None  # the window's own "startup ms"
    rows: int


def exe_name(folder: Path) -> Path:
    """The bundle's executable in its folder."""
    return folder / ("bill-viewer.exe" if sys.platform == "win32" else "bill-viewer")


def build(dist: Path) -> float:
    """Build the bundle with a console (the benchmark reads its stdout); returns seconds."""
    env = dict(os.environ, BILL_VIEWER_CONSOLE="1")
    cmd = [
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", str(dist), "--workpath", str(REPO / "packaging" / "build"), str(SPEC),
    ]  # fmt: skip
    started = time.perf_counter()
    subprocess.run(cmd, cwd=REPO, env=env, check=True)
    return time.perf_counter() - started


def smoke(cmd: list[str], env: dict[str, str]) -> Launch:
    """Launch the window offscreen and time the first rows shown and the exit."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, bufsize=1
    )
    assert proc.stdout is not None
    first_rows = None
    out: list[str] = []
    for line in proc.stdout:
        out.append(line)
        if first_rows is None and line.startswith("rows shown:"):
            first_rows = time.perf_counter() - started
    _, err = proc.communicate(timeout=TIMEOUT)
    exit_s = time.perf_counter() - started
    text = "".join(out)
    rows = re.search(r"^rows shown:\s*(\d+)", text, re.M)
    ms = re.search(r"^startup ms:\s*([\d.]+)", text, re.M)
    if proc.returncode != 0 or not rows or int(rows.group(1)) == 0 or first_rows is None:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{text}\n{err}")
    return Launch(first_rows, exit_s, float(ms.group(1)) if ms else None, int(rows.group(1)))


def wall(cmd: list[str], env: dict[str, str]) -> float:
    """Seconds a short command takes."""
    started = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True, timeout=TIMEOUT)
    return time.perf_counter() - started


def tree_size(path: Path) -> int:
    """Bytes of the regular files under a folder (or of one file)."""
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            p = Path(root, name)
            if not p.is_symlink():
                total += p.stat().st_size
    return total


def _requirement_names(dist: metadata.Distribution) -> list[str]:
    names = []
    for req in dist.requires or []:
        if "extra ==" in req:
            continue
        name = re.split(r"[\s;<>=!~\[(]", req, maxsplit=1)[0]
        if name:
            names.append(name)
    return names


def installed_size() -> tuple[int, list[tuple[str, int]]]:
    """Bytes of the ``viewer`` package and its installed dependency closure (per distribution)."""
    seen: dict[str, int] = {}
    todo = _requirement_names(metadata.distribution("agent-bill-viewer"))
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        size = 0
        for f in dist.files or []:
            p = Path(str(dist.locate_file(f)))
            if p.is_file():
                size += p.stat().st_size
        seen[key] = size
        todo.extend(_requirement_names(dist))
    parts = [("viewer (source)", tree_size(REPO / "viewer"))]
    parts += sorted(seen.items(), key=lambda kv: -kv[1])
    return sum(s for _, s in parts), parts


STDLIB_SKIP = ("site-packages", "dist-packages", "test", "idlelib", "config-")


def stdlib_size() -> int:
    """Bytes of the Python standard library the source install runs on.

    Leaves out what a running program never needs: other packages (site-packages), CPython's
    own test suite, IDLE and the build configuration (``config-3.x-...``).
    """
    root = Path(sysconfig.get_paths()["stdlib"])
    total = 0
    for entry in root.iterdir():
        if entry.name.startswith(STDLIB_SKIP):
            continue
        total += tree_size(entry)
    return total


def summary(values: list[float]) -> str:
    """Median and range of the warm runs."""
    if not values:
        return "-"
    med = statistics.median(values)
    return f"{med:7.3f} s ({min(values):.3f}-{max(values):.3f})"


def main(argv: list[str] | None = None) -> int:
    """Prepare the database, measure both installs, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bundle", type=Path, default=DEFAULT_BUNDLE, help="bundle folder")
    parser.add_argument("--build", action="store_true", help="(re)build the bundle first")
    parser.add_argument("--runs", type=int, default=5, help="launches per install (>= 2)")
    args = parser.parse_args(argv)
    runs = max(2, args.runs)

    bundle_dir: Path = args.bundle.resolve()
    build_s = None
    if args.build or not exe_name(bundle_dir).exists():
        if bundle_dir != DEFAULT_BUNDLE:
            raise SystemExit(f"no bundle at {bundle_dir}; build it or leave out --bundle")
        build_s = build(bundle_dir.parent)
    bundle_exe = exe_name(bundle_dir)

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as tmp:
        home = Path(tmp)
        env.update(
            BILL_VIEWER_DB=str(home / "default.sqlite"),
            XDG_DATA_HOME=str(home / "data"),
            XDG_CONFIG_HOME=str(home / "config"),
        )
        db = home / "demo.sqlite"
        sys.path.insert(0, str(REPO))
        from viewer.core.resources import demo_export

        subprocess.run(
            [sys.executable, "-m", "viewer", "import", "--db", str(db), str(demo_export())],
            env=env, check=True, capture_output=True,
        )  # fmt: skip

        commands = {
            "bundle": [str(bundle_exe)],
            "source": [sys.executable, "-m", "viewer"],
        }
        launches: dict[str, list[Launch]] = {k: [] for k in commands}
        versions: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(runs):  # interleaved, so that both see the same machine state
            for key, base in commands.items():
                launches[key].append(smoke([*base, "gui", "--db", str(db), "--smoke-test"], env))
                versions[key].append(wall([*base, "--version"], env))

    bundle_bytes = tree_size(bundle_dir)
    inst_bytes, parts = installed_size()
    std_bytes = stdlib_size()

    rows = launches["bundle"][0].rows
    print()
    print(f"demo export, {rows:,} rows shown; {runs} launches each, first (cold) apart,")
    print("warm: median (min-max). Offscreen Qt.")
    if build_s is not None:
        print(f"bundle built in {build_s:.1f} s")
    print(f"{'measure':<34} {'bundle':>26} {'source install':>26}")

    def line(name: str, b: str, s: str) -> None:
        print(f"{name:<34} {b:>26} {s:>26}")

    for label, get in (
        ("launch -> first rows shown", lambda x: x.first_rows_s),
        ("  window's own startup", lambda x: (x.startup_ms or 0) / 1000),
        ("launch -> exit", lambda x: x.exit_s),
    ):
        line(
            label + " (first)",
            f"{get(launches['bundle'][0]):.3f} s",
            f"{get(launches['source'][0]):.3f} s",
        )
        line(
            label,
            summary([get(x) for x in launches["bundle"][1:]]),
            summary([get(x) for x in launches["source"][1:]]),
        )
    line("--version", summary(versions["bundle"][1:]), summary(versions["source"][1:]))
    line(
        "size on disk (app + libraries)",
        f"{bundle_bytes / MB:.1f} MB",
        f"{inst_bytes / MB:.1f} MB",
    )
    line("  + Python standard library", "(included)", f"{(inst_bytes + std_bytes) / MB:.1f} MB")
    print()
    print(f"bundle: {bundle_dir}")
    print("source install, by distribution:")
    for name, size in parts:
        print(f"  {name:<30} {size / MB:8.1f} MB")
    stdlib = sysconfig.get_paths()["stdlib"]
    print(f"  {'(Python stdlib, runtime part)':<30} {std_bytes / MB:8.1f} MB  {stdlib}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
