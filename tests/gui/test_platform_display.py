"""A DISPLAY where no X server answers is said in one line, not by Qt's abort (exit 134)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from viewer.gui import platform_check
from viewer.gui.platform_check import display_problem

REPO = Path(__file__).resolve().parents[2]


def _free_display() -> str:
    """A display number no X server on this machine uses (no socket, no lock file)."""
    for n in range(170, 260):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return f":{n}"
    pytest.skip("no free display number")


def test_a_display_nobody_answers_at_is_named() -> None:
    problem = display_problem({"DISPLAY": ":7"}, "linux", lambda _s: True, lambda _d: False)
    assert problem is not None and "\n" not in problem
    assert problem.startswith("no display") and "DISPLAY=:7" in problem
    assert "QT_QPA_PLATFORM=offscreen" in problem


def test_wayland_is_not_asked_for_an_x_server() -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":7", "QT_QPA_PLATFORM": "wayland"}
    assert display_problem(env, "linux", lambda _s: True, lambda _d: False) is None


def test_the_real_check_finds_no_server_at_a_free_display() -> None:
    if not sys.platform.startswith("linux") or not platform_check.loadable("libxcb.so.1"):
        pytest.skip("needs libxcb (Linux)")
    assert not platform_check.display_reachable(_free_display())


def test_a_real_process_with_a_dead_display_says_one_line(tmp_path: Path) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is Linux's")
    display = _free_display()
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",
        "XDG_CONFIG_HOME": str(tmp_path),
        "BILL_VIEWER_DB": str(tmp_path / "x.sqlite"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "viewer", "--demo"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )
    if result.stderr.startswith("bill-viewer: Qt cannot open a window"):
        pytest.skip("X11 libraries missing here: " + result.stderr.strip())
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        f"bill-viewer: no display: no X server answers at DISPLAY={display} "
        "(start the desktop session, or fix DISPLAY; tests and scripts can set "
        "QT_QPA_PLATFORM=offscreen)\n"
    )
