"""Before Qt loads, the window command says in one line what a machine lacks to open a window."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from viewer.cli import main
from viewer.gui import platform_check
from viewer.gui.platform_check import display_problem

REPO = Path(__file__).resolve().parents[2]
FRESH_DEBIAN_MISSING = {"libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"}


def fresh_debian(soname: str) -> bool:
    """The libraries of the issue's fresh Debian 12: all there but three."""
    return soname not in FRESH_DEBIAN_MISSING


def test_missing_xcb_libraries_name_their_packages() -> None:
    env = {"DISPLAY": ":0"}
    problem = display_problem(env, "linux", fresh_debian)
    assert problem is not None
    assert "\n" not in problem
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in problem
    for soname in FRESH_DEBIAN_MISSING:
        assert soname in problem


def test_explicit_xcb_platform_is_checked_the_same_way() -> None:
    problem = display_problem({"DISPLAY": ":1", "QT_QPA_PLATFORM": "xcb"}, "linux", fresh_debian)
    assert problem is not None and "libxcb-cursor0" in problem


def test_a_library_two_sonames_share_is_named_once() -> None:
    problem = display_problem(
        {"DISPLAY": ":0"}, "linux", lambda s: not s.startswith(("libglib", "libgthread"))
    )
    assert problem is not None
    assert problem.endswith("sudo apt install libglib2.0-0")


def test_nothing_missing_is_no_problem() -> None:
    assert display_problem({"DISPLAY": ":0"}, "linux", lambda _s: True, lambda _d: True) is None


def test_no_display_says_so_and_names_offscreen() -> None:
    problem = display_problem({}, "linux", lambda _s: True)
    assert problem is not None
    assert "no display" in problem and "QT_QPA_PLATFORM=offscreen" in problem


def test_offscreen_and_other_systems_are_not_checked() -> None:
    def nothing(_soname: str) -> bool:
        return False

    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", nothing) is None
    assert display_problem({}, "win32", nothing) is None
    assert display_problem({}, "darwin", nothing) is None


def test_wayland_session_needs_no_xcb_libraries() -> None:
    env = {"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}
    assert display_problem(env, "linux", fresh_debian) is None


def test_the_real_lookup_loads_a_present_library_and_not_an_absent_one() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("sonames are Linux's")
    assert platform_check.loadable("libc.so.6")
    assert not platform_check.loadable("libno-such-library-bill-viewer.so.9")


def test_window_command_prints_one_line_and_exits_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(platform_check.sys, "platform", "linux")
    monkeypatch.setattr(platform_check, "loadable", fresh_debian)
    monkeypatch.setenv("DISPLAY", ":0")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert main(["--demo"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("bill-viewer: Qt cannot open a window")
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in err


def test_no_display_in_a_real_process_is_one_line_not_an_abort() -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(REPO), "BILL_VIEWER_DB": "/nonexistent/x.sqlite"}
    result = subprocess.run(
        [sys.executable, "-m", "viewer", "--demo"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
        env=env,
    )
    if not sys.platform.startswith("linux"):
        pytest.skip("the display check is Linux's")
    assert result.returncode == 1
    assert result.stderr.startswith("bill-viewer: no display")
    assert result.stderr.count("\n") == 1


def test_a_library_the_loader_cannot_load_is_named_by_a_real_process(tmp_path: Path) -> None:
    """An unloadable libxcb-cursor.so.0 first on the library path: one line, not Qt's abort."""
    if not sys.platform.startswith("linux"):
        pytest.skip("sonames are Linux's")
    (tmp_path / "libxcb-cursor.so.0").write_bytes(b"")  # found first, and not a library
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DISPLAY": ":99",
        "QT_QPA_PLATFORM": "xcb",
        "LD_LIBRARY_PATH": str(tmp_path),
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
    assert result.returncode == 1, result.stderr
    assert result.stderr == (
        "bill-viewer: Qt cannot open a window: libxcb-cursor.so.0 missing; "
        "install with: sudo apt install libxcb-cursor0\n"
    )
