"""The registry of subcommands and the window launcher.

Each feature module contributes a ``register(subparsers)``; adding a command is one line here.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from viewer.cli import basic, export_cmd, investigation_cmd, key_cmd, zone_cmd


def run_gui(args: argparse.Namespace) -> int:
    """Open the main window (imported lazily so headless commands never load Qt).

    First checks that Qt can open a window here: without a display or the X11 libraries Qt
    aborts with a page of text, so one line naming the packages to install is said instead.
    """
    from viewer.gui.platform_check import display_problem

    problem = display_problem()
    if problem is not None:
        sys.stderr.write(f"bill-viewer: {problem}\n")
        return 1
    from viewer.gui.app import run

    return run(args)


def _register_gui(sub: Any) -> None:
    from pathlib import Path

    from viewer.cli.common import add_db_arg

    p = sub.add_parser("gui", help="open the window on a database and import the given exports")
    add_db_arg(p)
    p.add_argument("paths", nargs="*", type=Path, metavar="PATH")
    p.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window, wait for the first rows, print the startup time, quit",
    )
    p.add_argument(
        "--lang",
        choices=("en", "zh_CN", "system"),
        help="the window's language for this run (default: View > Language, else the system's)",
    )
    p.set_defaults(handler=run_gui)


REGISTRY: list[Callable[[Any], None]] = [
    basic.register,
    _register_gui,
    investigation_cmd.register,
    export_cmd.register,
    zone_cmd.register,
    key_cmd.register,
]
