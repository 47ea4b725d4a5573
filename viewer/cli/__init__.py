"""The ``bill-viewer`` command: the window without a subcommand, headless work with one."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from viewer.cli import commands
from viewer.cli.common import UsageError
from viewer.core.errors import KnownError
from viewer.data.about import version_text

log = logging.getLogger("viewer")


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser (subcommands register themselves in ``commands``)."""
    parser = argparse.ArgumentParser(
        prog="bill-viewer",
        description="View, decode, investigate and export Huawei agent operation bills.",
    )
    parser.add_argument(
        "--version", action="store_true", help="print versions and paths, then exit"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the window on a throwaway database with the demo export",
    )
    parser.add_argument("--smoke-test", action="store_true", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in commands.REGISTRY:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``bill-viewer`` and ``python -m viewer``; returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.version:
        sys.stdout.write(version_text() + "\n")
        return 0
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        handler = commands.run_gui
    try:
        return handler(args)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        sys.stderr.write(f"bill-viewer: error: {exc}\n")
        return 2
    except KnownError as exc:
        sys.stderr.write(f"bill-viewer: {exc}\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write("bill-viewer: interrupted\n")
        return 130
