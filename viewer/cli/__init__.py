"""The ``bill-viewer`` command: the window without a subcommand, headless work with one."""

from __future__ import annotations

import argparse
import contextlib
import logging
import multiprocessing
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from types import FrameType

from viewer.cli import commands
from viewer.cli.common import UsageError
from viewer.core.errors import KnownError
from viewer.core.i18n import resolve_language, set_language, translate
from viewer.services.database import version_text
from viewer.services.imports import reason_text

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
    add_lang_arg(parser, default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in commands.REGISTRY:
        register(sub)
    for command in _commands(parser):
        # Before or after the command name alike; a subcommand's absent option keeps the main one.
        add_lang_arg(command, default=argparse.SUPPRESS)
    return parser


def _commands(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    """Every subcommand's parser, nested ones (``key show``) included."""
    for action in parser._actions:  # noqa: SLF001 - argparse lists subcommands nowhere else
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for command in action.choices.values():
                yield command
                yield from _commands(command)


def add_lang_arg(parser: argparse.ArgumentParser, default: object) -> None:
    """``--lang zh_CN|en|system``: the language of the output (default: LANG/LC_MESSAGES)."""
    parser.add_argument(
        "--lang",
        choices=("zh_CN", "en", "system"),
        default=default,
        help="language of the output: zh_CN (简体中文), en, or system (the default: the "
        "locale in LANGUAGE, LC_ALL, LC_MESSAGES or LANG); JSON keeps its English keys and codes",
    )


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread like Ctrl-C so that the same clean-up runs."""


TERMINATED_STATUS = 128 + 15
"""Exit status after SIGTERM (what a shell reports for a process the signal ended)."""


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    # A second SIGTERM (clean-up stuck?) ends the process the default way.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    raise Terminated()


@contextlib.contextmanager
def _sigterm_raises() -> Iterator[None]:
    """While inside, SIGTERM raises ``Terminated`` (where signals can be handled: main thread)."""
    term = getattr(signal, "SIGTERM", None)
    if term is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    try:
        previous = signal.signal(term, _terminate)
    except (ValueError, OSError):  # not the main interpreter, or unsupported here
        yield
        return
    try:
        yield
    finally:
        signal.signal(term, previous if previous is not None else signal.SIG_DFL)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``bill-viewer`` and ``python -m viewer``; returns the exit status."""
    # In a frozen build, a child process of the import (see viewer.data.imports.parallel) does
    # its work here and exits; elsewhere this does nothing.
    multiprocessing.freeze_support()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    set_language(resolve_language(args.lang))
    if args.version:
        sys.stdout.write(version_text() + "\n")
        return 0
    handler: Callable[[argparse.Namespace], int] | None = getattr(args, "handler", None)
    if handler is None:
        handler = commands.run_gui
    # Headless commands clean up on SIGTERM as on Ctrl-C (temporary files of an export); the
    # window keeps the default (Qt's event loop would only print a raised exception).
    guard = contextlib.nullcontext() if handler is commands.run_gui else _sigterm_raises()
    try:
        with guard:
            return handler(args)
    except UsageError as exc:
        parser.print_usage(sys.stderr)
        said = translate("Cli", "error: {error}").format(error=exc)
        sys.stderr.write(f"bill-viewer: {said}\n")
        return 2
    except KnownError as exc:
        # An import's reasons are made in English (they are stored); they read translated.
        sys.stderr.write(f"bill-viewer: {reason_text(str(exc))}\n")
        return 1
    except Terminated:
        said = translate("Cli", "terminated")
        sys.stderr.write(f"bill-viewer: {said}\n")
        return TERMINATED_STATUS
    except KeyboardInterrupt:
        said = translate("Cli", "interrupted")
        sys.stderr.write(f"bill-viewer: {said}\n")
        return 130
