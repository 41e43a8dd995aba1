"""Command line: the GUI by default, plus headless jobs, one module per area.

``core`` (backup, restore, check, demo data, IT log bundle), ``catalogue`` and
``reports`` each add their subcommands through ``register(subparsers)``; each subcommand
sets ``func``.

This is also the last line of defence of the windowed exe, which has no console: every
exception that escapes (a ``TclError`` before the main window exists, a module missing
from a build, a bug) is logged with its traceback and shown in Vietnamese with the log
file's path — in a Tk message box if Tk works, in a Win32 ``MessageBoxW`` if Tk itself
is what failed, and on stderr when there is one. Output to a closed pipe
(``counter-app … | head -1``) ends quietly. argparse speaks Vietnamese too.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import logging
import os
import sys
from collections.abc import Iterator

log = logging.getLogger(__name__)
# 3, 4, 5 are the data commands' own (cli/core.py: restored, data missing, supervisor needed)
EXIT_OK, EXIT_FAIL, EXIT_USAGE, EXIT_UNSUPPORTED = 0, 1, 2, 6
EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell reports it
EXIT_CLOSED_PIPE = 141  # 128 + SIGPIPE: what `yes | head -1` gives `yes`
# Shown only when even the translations cannot be loaded.
FALLBACK_MESSAGE = (
    "Ứng dụng không khởi động được do một lỗi không lường trước ({problem}). "
    "Chi tiết đã được ghi vào tệp nhật ký: {log}"
)


def build_parser() -> argparse.ArgumentParser:
    from counter_app import __version__
    from counter_app.cli import catalogue, core, reports, store
    from counter_app.i18n import tr

    parser = argparse.ArgumentParser(
        prog="counter-app",
        description=tr("Guidance sessions at the one-stop-shop counter."),
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"counter-app {__version__}",
        help=tr("print the version of this build and exit"),
    )
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
    sub = parser.add_subparsers(dest="command", title=tr("commands"))
    for area in (core, catalogue, reports, store):
        area.register(sub)
    return parser


@contextlib.contextmanager
def vietnamese_argparse() -> Iterator[None]:
    """argparse's own words (usage:, options, its error messages) through ``tr()`` while
    our parser is built and used; restored after, so no other argparse user is touched.
    argparse looks ``_`` and ``ngettext`` up in its module at call time."""
    from counter_app.i18n import tr

    saved = argparse._, argparse.ngettext  # type: ignore[attr-defined]
    argparse._ = tr  # type: ignore[attr-defined]
    # Vietnamese has one form: the singular and plural msgids carry the same text.
    argparse.ngettext = lambda one, many, n: tr(one if n == 1 else many)  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved  # type: ignore[attr-defined]


def run(argv: list[str]) -> int:
    """The whole command; returns the process exit code and never lets anything escape."""
    _utf8_console()
    try:
        code = _run(argv)
    except SystemExit as exc:  # argparse: -h, --version, a usage error (already printed)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except KeyboardInterrupt:
        _stderr(_tr("Stopped."))
        return EXIT_INTERRUPTED
    except BaseException as exc:  # noqa: BLE001 - the entry point reports everything
        if _closed_pipe(exc):
            return _quiet_closed_pipe()
        return report_fatal(exc, window=window_run(argv))
    return _flush_stdout(code)


def _run(argv: list[str]) -> int:
    from counter_app.logging_setup import setup_logging

    with vietnamese_argparse():
        args = build_parser().parse_args(argv)
    setup_logging()
    if refuse_unsupported_windows(window=args.command is None and not args.self_test):
        return EXIT_UNSUPPORTED
    from counter_app.cli.core import EXIT_DATA_MISSING
    from counter_app.storage.errors import DataMissingError, StorageError

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
        _stderr(str(exc))
        return EXIT_DATA_MISSING
    except StorageError as exc:
        log.error("%s", exc)
        _stderr(str(exc))
        return EXIT_FAIL


def _run_command(args: argparse.Namespace) -> int:
    """A command: a recovery while it opened the data is told on stderr and gives its
    own exit code (the command still did its work, on the restored data)."""
    from counter_app import bootstrap
    from counter_app.cli import core
    from counter_app.cli.core import EXIT_OK, EXIT_RESTORED

    core.reset_command_state()
    bootstrap.for_command_line(core.tell_recovery)
    code = int(args.func(args))
    if code == EXIT_OK and core.recovered_during_command():
        return EXIT_RESTORED
    return code


def window_run(argv: list[str]) -> bool:
    """Is this the app's window (no command), where a message box is the only voice?"""
    words = [a for a in argv if not a.startswith("-")]
    return not words and "--self-test" not in argv


def refuse_unsupported_windows(window: bool) -> bool:
    """Windows older than 8.1 or 32-bit: say so (as the installer does) and stop."""
    from counter_app.platform_check import unsupported_reason

    reason = unsupported_reason()
    if reason is None:
        return False
    log.error("unsupported system: %s", reason)
    if window or sys.stderr is None:
        show_error_box(_title(), reason)
    _stderr(reason)
    return True


# -- the last line of defence -------------------------------------------------------------


def report_fatal(exc: BaseException, window: bool) -> int:
    """Log ``exc`` with its traceback and tell the person in Vietnamese where the log is."""
    log_path = _log_file()
    started = _window_existed()
    logging.getLogger("counter_app").critical(
        "unexpected error %s", "after the window opened" if started else "at start", exc_info=exc
    )
    message = fatal_message(exc, log_path, started=started, window=window)
    if window or sys.stderr is None:
        show_error_box(_title(), message)
    _stderr(message)
    return EXIT_FAIL


def fatal_message(
    exc: BaseException, log_path: os.PathLike | str | None, started: bool, window: bool
) -> str:
    problem = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    if len(problem) > 300:
        problem = problem[:300] + "…"
    try:
        from counter_app.i18n import tr
    except Exception:  # noqa: BLE001 - the translations themselves may be what broke
        return FALLBACK_MESSAGE.format(problem=problem, log=log_path)
    if not window:
        head = tr("The command stopped because of an unexpected error ({problem}).")
    elif started:
        head = tr("The app stopped because of an unexpected error ({problem}).")
    else:
        head = tr("The app could not start because of an unexpected error ({problem}).")
    where = (
        tr(
            "The details were written to the log file:\n{log}\n"
            "Please send this file to the IT person."
        )
        if log_path
        else tr("No log file could be written either.")
    )
    return head.format(problem=problem) + "\n\n" + where.format(log=log_path)


def show_error_box(title: str, message: str, platform: str | None = None) -> str:
    """A message box without the main window: Tk's if Tk works, else Win32's. Returns
    which one was shown ("tk", "win32"), or "" when neither could be (then only stderr
    and the log have it)."""
    try:
        import tkinter
        from tkinter import messagebox

        root = tkinter.Tk()
        try:
            root.withdraw()
            messagebox.showerror(title, message, parent=root)
        finally:
            root.destroy()
        return "tk"
    except Exception:  # noqa: BLE001 - Tk may be exactly what failed
        log.warning("no Tk message box", exc_info=True)
    if (platform or sys.platform) == "win32":
        try:
            import ctypes

            mb_iconerror, mb_setforeground, mb_topmost = 0x10, 0x10000, 0x40000
            ctypes.windll.user32.MessageBoxW(  # type: ignore[attr-defined]
                None, message, title, mb_iconerror | mb_setforeground | mb_topmost
            )
            return "win32"
        except Exception:  # noqa: BLE001
            log.warning("no Win32 message box either", exc_info=True)
    return ""


def _log_file() -> os.PathLike | None:
    try:
        from counter_app.logging_setup import current_log_file, setup_logging

        setup_logging()
        return current_log_file()
    except Exception:  # noqa: BLE001 - a broken log must not hide the message
        return None


def _window_existed() -> bool:
    tk = sys.modules.get("tkinter")
    return tk is not None and getattr(tk, "_default_root", None) is not None


def _title() -> str:
    return _tr("Counter guidance log")


def _tr(text: str) -> str:
    try:
        from counter_app.i18n import tr

        return tr(text)
    except Exception:  # noqa: BLE001
        return text


# -- consoles and pipes -------------------------------------------------------------------


def _closed_pipe(exc: BaseException) -> bool:
    """Writing to a pipe whose reader is gone: BrokenPipeError on POSIX; on Windows an
    OSError (EINVAL) from stdout, which then also fails to flush."""
    if isinstance(exc, BrokenPipeError):
        return True
    if isinstance(exc, OSError) and exc.errno in (errno.EINVAL, errno.EPIPE):
        try:
            if sys.stdout is not None:
                sys.stdout.flush()
        except OSError:
            return True
    return False


def _quiet_closed_pipe() -> int:
    """Point stdout at the null device, so the interpreter's own flush at exit does not
    print "Exception ignored … BrokenPipeError" after we have finished quietly."""
    try:
        if sys.stdout is not None:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    except (OSError, ValueError):
        pass
    return EXIT_CLOSED_PIPE


def _flush_stdout(code: int) -> int:
    """Flush now, while a closed pipe can still be handled here."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except OSError:  # the reader went away after our last write
        return _quiet_closed_pipe()
    return code


def _stderr(message: str) -> None:
    if sys.stderr is None:
        return
    try:
        print(message, file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _utf8_console() -> None:
    """Vietnamese text on a Windows console that defaults to a legacy code page."""
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):
                pass
