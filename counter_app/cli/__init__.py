"""Command line: the GUI by default, plus headless jobs, one module per area.

``core`` (backup, restore, check, demo data), ``catalogue`` and ``reports`` each add their
subcommands through ``register(subparsers)``; each subcommand sets ``func``.
"""

from __future__ import annotations

import argparse
import logging
import sys

from counter_app import __version__
from counter_app.cli import catalogue, core, reports
from counter_app.cli.core import EXIT_DATA_MISSING, EXIT_FAIL, EXIT_OK, EXIT_RESTORED
from counter_app.i18n import tr
from counter_app.logging_setup import setup_logging
from counter_app.storage.errors import DataMissingError, StorageError

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="counter-app",
        description=tr("Guidance sessions at the one-stop-shop counter."),
    )
    parser.add_argument("--version", action="version", version=f"counter-app {__version__}")
    parser.add_argument(
        "--demo",
        action="store_true",
        help=tr("open a throwaway training database filled with demo data"),
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help=tr("check that the app works on this computer, then exit"),
    )
    sub = parser.add_subparsers(dest="command")
    for area in (core, catalogue, reports):
        area.register(sub)
    return parser


def run(argv: list[str]) -> int:
    _utf8_console()
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_logging()
    try:
        if args.self_test:
            from counter_app.selftest import run_self_test

            return run_self_test()
        if args.command is None:
            from counter_app.ui.app import run_gui

            return run_gui(demo=args.demo)
        return _run_command(args)
    except DataMissingError as exc:
        log.error("%s", exc)
        if sys.stderr:
            print(str(exc), file=sys.stderr)
        return EXIT_DATA_MISSING
    except StorageError as exc:
        log.error("%s", exc)
        if sys.stderr:
            print(str(exc), file=sys.stderr)
        return EXIT_FAIL


def _run_command(args: argparse.Namespace) -> int:
    """A command: a recovery while it opened the data is told on stderr and gives its
    own exit code (the command still did its work, on the restored data)."""
    from counter_app import bootstrap

    core.reset_command_state()
    bootstrap.for_command_line(core.tell_recovery)
    code = args.func(args)
    if code == EXIT_OK and core.recovered_during_command():
        return EXIT_RESTORED
    return code


def _utf8_console() -> None:
    """Vietnamese text on a Windows console that defaults to a legacy code page."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
