"""Can Qt open a window here? Checked before Qt is loaded, because Qt aborts when it cannot.

On Linux, Qt's xcb platform plugin needs a dozen X11 libraries that a fresh Debian or Ubuntu
install lacks (``libxcb-cursor0`` above all); without them Qt prints a page of text and aborts
(qFatal), which no Python code can catch. This module looks the libraries up first and says, in
one line, which packages to install. It imports no Qt, so a missing Qt library is named too.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# soname -> Debian 12 / Ubuntu package. The libraries PySide6's QtGui, QtWidgets, QtDBus and the
# xcb platform plugin (libqxcb.so, libQt6XcbQpa.so.6) link to that a desktop install may lack;
# read from their ELF NEEDED entries and mapped with ``dpkg -S`` on Debian 12.
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}
QT_GUI_LIBRARIES: dict[str, str] = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libdbus-1.so.3": "libdbus-1-3",
    "libxkbcommon.so.0": "libxkbcommon0",
}

Lookup = Callable[[str], bool]


def loadable(soname: str) -> bool:
    """Whether the dynamic loader finds and loads ``soname`` (what Qt's own loading does)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def display_reachable(display: str) -> bool:
    """Whether an X server answers at ``display`` (Qt's xcb plugin aborts when none does).

    Connects with libxcb, as the plugin would, and disconnects at once.
    """
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return False
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    connection = xcb.xcb_connect(display.encode(), None)
    try:
        return bool(connection) and xcb.xcb_connection_has_error(connection) == 0
    finally:
        if connection:
            xcb.xcb_disconnect(connection)


def _platform_name(env: Mapping[str, str]) -> str:
    """The first platform Qt would try ("xcb" from "xcb:option" or "xcb;offscreen"), or ""."""
    value = env.get("QT_QPA_PLATFORM", "").strip()
    return value.split(";")[0].split(":")[0].strip().lower()


def display_problem(
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
    lookup: Lookup | None = None,
    reach: Callable[[str], bool] | None = None,
) -> str | None:
    """One line saying why Qt cannot open a window here, or None when it should be able to.

    Args:
        env: The environment (``os.environ`` by default).
        platform: ``sys.platform`` by default; only Linux is checked.
        lookup: Whether a shared library loads (``loadable`` by default; injectable so tests
            can make libraries missing).
        reach: Whether an X server answers at a DISPLAY (``display_reachable`` by default).
    """
    lookup = lookup or loadable
    reach = reach or display_reachable
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if not platform.startswith("linux"):
        return None
    qpa = _platform_name(env)
    if qpa not in ("", "xcb", "wayland"):
        return None  # offscreen, minimal, vnc, eglfs...: the user chose; Qt says what it needs
    display, wayland = env.get("DISPLAY"), env.get("WAYLAND_DISPLAY")
    if qpa == "" and not display and not wayland:
        return (
            "no display: neither DISPLAY nor WAYLAND_DISPLAY is set, so no window can open "
            "(run it in a desktop session; tests and scripts can set QT_QPA_PLATFORM=offscreen)"
        )
    needed = dict(QT_GUI_LIBRARIES)
    if qpa == "xcb" or (qpa == "" and not wayland):
        if not display:
            return (
                "no display: QT_QPA_PLATFORM=xcb but DISPLAY is not set "
                "(tests and scripts can set QT_QPA_PLATFORM=offscreen)"
            )
        needed.update(XCB_LIBRARIES)
    missing = [soname for soname in needed if not lookup(soname)]
    if not missing:
        if display and "libxcb.so.1" in needed and not reach(display):
            return (
                f"no display: no X server answers at DISPLAY={display} "
                "(start the desktop session, or fix DISPLAY; tests and scripts can set "
                "QT_QPA_PLATFORM=offscreen)"
            )
        return None
    packages = " ".join(dict.fromkeys(needed[s] for s in missing))
    return (
        f"Qt cannot open a window: {', '.join(missing)} missing; "
        f"install with: sudo apt install {packages}"
    )
