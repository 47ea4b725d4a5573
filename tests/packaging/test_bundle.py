"""The standalone application: build the PyInstaller bundle and run what it ships.

Slow (a full PyInstaller build, about a minute on two cores with a warm cache). In CI the
packaging extra is installed, so a missing PyInstaller there is a failure, not a skip.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "packaging" / "viewer.spec"
GUI_APP = ROOT / "viewer" / "gui" / "app.py"
BUILD_TIMEOUT = 600
RUN_TIMEOUT = 120

pytestmark = pytest.mark.slow


def _pyproject() -> dict:
    with open(ROOT / "pyproject.toml", "rb") as fp:
        return tomllib.load(fp)["project"]


def _require_pyinstaller() -> None:
    if importlib.util.find_spec("PyInstaller") is not None:
        return
    msg = "PyInstaller is not installed (pip install -e '.[packaging]')"
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(msg + " - CI installs the packaging extra, so this is an error")
    pytest.skip(msg)


@dataclass(frozen=True)
class Bundle:
    folder: Path
    exe: Path
    build_seconds: float


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.update(kwargs.pop("env", {}))
    return subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        env=env,
        timeout=kwargs.pop("timeout", RUN_TIMEOUT),
        **kwargs,
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bundle]:
    """The one-folder bundle, built once for this module into a temporary folder."""
    _require_pyinstaller()
    base = tmp_path_factory.mktemp("pyinstaller")
    name = next(iter(_pyproject()["scripts"]))
    cmd = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--log-level",
        "WARN",
        "--distpath",
        str(base / "dist"),
        "--workpath",
        str(base / "build"),
        str(SPEC),
    ]
    started = time.perf_counter()
    # A console executable on every platform, so that the test can read stdout.
    proc = _run(cmd, cwd=ROOT, env={"BILL_VIEWER_CONSOLE": "1"}, timeout=BUILD_TIMEOUT)
    seconds = time.perf_counter() - started
    assert proc.returncode == 0, f"PyInstaller failed:\n{proc.stdout}\n{proc.stderr[-6000:]}"
    folder = base / "dist" / name
    exe = folder / (name + (".exe" if sys.platform == "win32" else ""))
    assert exe.is_file(), f"no executable at {exe}: {sorted(p.name for p in folder.iterdir())}"
    print(f"\nbundle built in {seconds:.1f} s at {folder}")
    yield Bundle(folder, exe, seconds)


def _bundled_resources(b: Bundle) -> Path:
    found = [p for p in b.folder.rglob("resources") if (p / "demo").is_dir()]
    assert found, "resources/ (icons + demo) is not in the bundle"
    return found[0]


def test_bundle_contents(bundle: Bundle) -> None:
    res = _bundled_resources(bundle)
    assert (res / "icons" / "bill-viewer.png").is_file()
    assert list((res / "demo").glob("*.zip")), "the demo export is not in the bundle"
    names = {p.name for p in bundle.folder.rglob("*")}
    for unwanted in ("QtQml", "QtQuick", "QtWebEngineCore", "Qt3DCore", "QtNetwork"):
        assert not any(n.startswith(unwanted + ".") for n in names), f"{unwanted} was bundled"
    if sys.platform.startswith("linux"):
        assert (bundle.folder / "bill-viewer.desktop").is_file()


def test_version(bundle: Bundle) -> None:
    proc = _run([str(bundle.exe), "--version"])
    assert proc.returncode == 0, proc.stderr
    version = _pyproject()["version"]
    first = proc.stdout.splitlines()[0]
    assert first.endswith(f" {version}"), proc.stdout
    assert "SQLAlchemy" in proc.stdout
    assert re.search(r"^Qt.* \d+\.\d+", proc.stdout, re.M), proc.stdout
    assert "database:" in proc.stdout and "data folder:" in proc.stdout


@pytest.fixture(scope="module")
def demo_db(bundle: Bundle, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled demo export imported headless by the bundle into a temporary database."""
    db = tmp_path_factory.mktemp("bundle-db") / "demo.sqlite"
    demo = sorted((_bundled_resources(bundle) / "demo").glob("*.zip"))[0]
    proc = _run([str(bundle.exe), "import", "--db", str(db), str(demo), "--json"])
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    report = json.loads(proc.stdout)
    assert report["imported"] > 0, report
    assert report["files"] and all(f["status"] == "imported" for f in report["files"]), report
    assert report["rejected"] == 0, report
    return db


def test_import_demo(demo_db: Path) -> None:
    assert demo_db.stat().st_size > 0


def test_window_shows_rows(bundle: Bundle, demo_db: Path) -> None:
    if not GUI_APP.exists():
        pytest.skip("viewer/gui/app.py (the window) does not exist yet")
    started = time.perf_counter()
    proc = _run(
        [str(bundle.exe), "gui", "--db", str(demo_db), "--smoke-test"],
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    wall = time.perf_counter() - started
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    rows = re.search(r"^rows shown:\s*(\d+)", proc.stdout, re.M)
    assert rows, proc.stdout
    assert int(rows.group(1)) > 0, proc.stdout
    startup = re.search(r"^startup ms:\s*([\d.]+)", proc.stdout, re.M)
    print(
        f"\nwindow: {rows.group(1)} rows shown, startup "
        f"{startup.group(1) if startup else '?'} ms, process {wall:.2f} s"
    )


def test_demo_window_finds_bundled_export(bundle: Bundle, tmp_path: Path) -> None:
    """``--demo`` locates the demo export inside the bundle (``sys._MEIPASS/resources``)."""
    if not GUI_APP.exists():
        pytest.skip("viewer/gui/app.py (the window) does not exist yet")
    proc = _run(
        [str(bundle.exe), "--demo", "--smoke-test"],
        cwd=tmp_path,  # not the source tree: resources must come from the bundle
        env={"QT_QPA_PLATFORM": "offscreen"},
    )
    assert proc.returncode == 0, f"{proc.stdout}\n{proc.stderr}"
    rows = re.search(r"^rows shown:\s*(\d+)", proc.stdout, re.M)
    assert rows and int(rows.group(1)) > 0, proc.stdout


def test_big_file_is_read_with_a_second_process(bundle: Bundle, tmp_path: Path) -> None:
    """A file above the threshold is imported with a child process: in a frozen build the child
    starts through ``multiprocessing.freeze_support()`` and must do its part (no warning that
    the file was read again in one part), with its staging folder in the temporary folder."""
    from viewer.data.imports.loading import PARALLEL_MIN_BYTES
    from viewer.data.imports.parallel import STAGING_PREFIX
    from viewer.demo.generator import GeneratorConfig, generate_bills, write_csv

    path = tmp_path / "big.csv"
    target = PARALLEL_MIN_BYTES // 160 + 20_000  # about 166 bytes a bill
    config = GeneratorConfig(agents=300, seed=3, target_bills=target)
    bills = write_csv(path, generate_bills(config))
    assert path.stat().st_size > PARALLEL_MIN_BYTES
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    cmd = [str(bundle.exe), "import", "--db", str(tmp_path / "big.sqlite"), str(path), "--json"]
    staged = False
    with subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(tmp)},
    ) as proc:
        deadline = time.monotonic() + RUN_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            staged = staged or any(p.name.startswith(STAGING_PREFIX) for p in tmp.iterdir())
            time.sleep(0.01)
        out, err = proc.communicate(timeout=RUN_TIMEOUT)
    assert proc.returncode == 0, f"{out}\n{err}"
    report = json.loads(out)
    assert (report["imported"], report["rejected"]) == (bills, 0), report
    assert staged, "no staging folder appeared: the file was not read with a second process"
    assert "WARNING" not in err and "Traceback" not in err, err
    assert list(tmp.iterdir()) == []
