"""The core commands: backup, restore, check, demo data — and what every command shares:
the exit codes, telling about a recovery on stderr, asking for the supervisor.

Exit codes (scripts and the IT person's scheduled tasks rely on them):

    0  done
    1  failed (the message says why; nothing was changed)
    2  wrong arguments
    3  done, but the data file had to be restored from a backup first (see stderr)
    4  the data is missing or damaged and no backup could replace it; nothing was done
    5  refused: the supervisor's name and PIN are needed (or were wrong, or locked out)
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from getpass import getpass
from pathlib import Path

from counter_app import paths
from counter_app.i18n import tr

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
EXIT_RESTORED, EXIT_DATA_MISSING, EXIT_DENIED = 3, 4, 5
PIN_ENV = "COUNTER_APP_PIN"

_told: list[str] = []  # recovery messages printed during this command


def tell_recovery(recovery) -> None:
    """Print what happened to the data on stderr (once), and count it for the exit code."""
    message = recovery.message()
    if message not in _told:
        _told.append(message)
        _err(message)


def recovered_during_command() -> bool:
    return bool(_told)


def reset_command_state() -> None:
    _told.clear()


def add_officer_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--officer",
        metavar="NAME",
        help=tr(
            "the supervisor's name (asked when missing); the PIN is asked, or taken from "
            "the COUNTER_APP_PIN environment variable"
        ),
    )


class SupervisorRefused(Exception):
    """The supervisor was needed and not given (``str`` is the message)."""


def require_supervisor(store, args: argparse.Namespace):
    """The supervisor who authorises a change of shared data, or None while the office
    has no supervisor with a PIN (a new install). Raises SupervisorRefused."""
    from counter_app.services.auth import AuthService

    auth = AuthService(store)
    if not auth.supervisor_pin_set():
        return None
    name = getattr(args, "officer", None)
    if not name:
        name = _ask(tr("Supervisor's name: "))
    if not name:
        raise SupervisorRefused(
            tr(
                "This command changes the office's data: a supervisor must give their name "
                "(--officer) and PIN."
            )
        )
    pin = os.environ.get(PIN_ENV)
    if pin is None:
        try:
            pin = getpass(tr("PIN: "))
        except (EOFError, OSError):
            pin = ""
    officer, why = auth.authorize_supervisor(name, pin.strip())
    if officer is None:
        raise SupervisorRefused(why)
    return officer


def _ask(question: str) -> str:
    try:
        return input(question).strip()
    except EOFError:
        return ""


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help=tr("write a verified backup of the data now"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=tr("replace the data with a backup file"))
    p.add_argument("file", type=Path, help=tr("the backup file (.db)"))
    p.add_argument("--yes", action="store_true", help=tr("do not ask for confirmation"))
    add_officer_option(p)
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help=tr("check the data file and the backups"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("demo-data", help=tr("add realistic demo sessions"))
    p.add_argument("--weeks", type=int, default=4, help=tr("how many weeks, up to yesterday"))
    p.add_argument(
        "--per-day", type=int, default=40, help=tr("sessions on an ordinary weekday (about)")
    )
    p.add_argument(
        "--seed", type=int, default=2026, help=tr("the same seed gives the same demo data")
    )
    p.add_argument(
        "--force", action="store_true", help=tr("add demo data even though real sessions exist")
    )
    add_officer_option(p)
    p.set_defaults(func=cmd_demo_data)
    register_diagnostics(sub)


def cmd_backup(args: argparse.Namespace) -> int:
    """With the app closed: open the data as the app does (a recovery is told), back up.
    With the app open: copy the live file without the lock (the app owns recovery)."""
    from counter_app.bootstrap import configured_backup_folder, open_default_store
    from counter_app.storage.backup import take_backup
    from counter_app.storage.errors import InstanceLockedError

    path = paths.database_path()
    if not path.exists():
        _err(tr("There is no data file yet at {path}.").format(path=path))
        return EXIT_FAIL
    try:
        store = open_default_store()
    except InstanceLockedError:
        folder = configured_backup_folder(path) or paths.backups_dir()
        out = take_backup(path, folder, reason="manual")
    else:
        try:
            out = store.backup("manual")
        finally:
            store.close(backup_on_exit=False)
    print(tr("Backup written and verified: {path}").format(path=out))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import audit_restore, configured_backup_folder, open_default_store
    from counter_app.storage.restore import RestoreError, restore_file, verify_backup_file

    try:
        verify_backup_file(args.file)
    except RestoreError as exc:
        _err(str(exc))
        return EXIT_FAIL
    supervisor = None
    if paths.database_path().exists():
        store = open_default_store()
        try:
            supervisor = require_supervisor(store, args)
        except SupervisorRefused as exc:
            _err(str(exc))
            _err(tr("Nothing was changed."))
            return EXIT_DENIED
        finally:
            store.close(backup_on_exit=False)
    if not args.yes and not ask_yes_no(
        tr(
            "Replace the current data with {file}? The current data file is kept aside. [y/N] "
        ).format(file=args.file)
    ):
        print(tr("Nothing was changed."))
        return EXIT_FAIL
    chosen = configured_backup_folder(paths.database_path())
    try:
        result = restore_file(
            args.file,
            backup_dirs=[chosen] if chosen else [],
            on_restored=lambda store: audit_restore(store, args.file, supervisor),
        )
    except RestoreError as exc:
        _err(str(exc))
        return EXIT_FAIL
    print(result.message())
    result.acknowledge()
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    """Never "good" while a recovery is unfinished or the data file is unexplainedly
    empty; every backup folder is searched."""
    from counter_app.bootstrap import configured_backup_folder
    from counter_app.storage import check

    path = paths.database_path()
    chosen = configured_backup_folder(path)
    report = check.check_data(
        path,
        [paths.backups_dir(), *([chosen] if chosen else [])],
        paths.damaged_dir(),
    )
    for line in report.lines:
        print(line)
    return {"good": EXIT_OK, "damaged": EXIT_FAIL, "missing": EXIT_DATA_MISSING}[report.state]


def cmd_demo_data(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_default_store
    from counter_app.cli.progress import Progress
    from counter_app.services.demo import WEEKDAY_WEIGHTS, RealDataError, generate

    store = open_default_store()
    # about how many sessions: generate() draws each day's count around this mean
    expected = round(args.weeks * args.per_day * sum(WEEKDAY_WEIGHTS) / 18)
    try:
        require_supervisor(store, args)
        with Progress(tr("Demo sessions"), total=expected, estimate=True) as progress:
            result = generate(
                store,
                weeks=args.weeks,
                per_day=args.per_day,
                seed=args.seed,
                force=args.force,
                progress=progress,
            )
    except SupervisorRefused as exc:
        _err(str(exc))
        return EXIT_DENIED
    except RealDataError as exc:
        _err(str(exc))
        return EXIT_FAIL
    finally:
        store.close(backup_on_exit=False)
    print(
        tr("Added {n} demo sessions from {first} to {last}.").format(
            n=result.sessions,
            first=result.first_day.strftime("%d/%m/%Y"),
            last=result.last_day.strftime("%d/%m/%Y"),
        )
    )
    return EXIT_OK


def ask_yes_no(question: str) -> bool:
    """A console yes/no; Vietnamese "c"/"có" count as yes, end of input as no."""
    try:
        return input(question).strip().lower() in ("y", "yes", "c", "co", "có")
    except EOFError:
        return False


def _err(message: str) -> None:
    if sys.stderr:
        print(message, file=sys.stderr)


# -- "Gửi nhật ký cho IT" from the command line (the Settings screen has the same button) --


def register_diagnostics(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diagnostics",
        help=tr("pack the logs and the data check into one zip for the IT person"),
    )
    p.add_argument("--out", type=Path, help=tr("folder for the zip (default: the exports folder)"))
    p.set_defaults(func=cmd_diagnostics)


def cmd_diagnostics(args: argparse.Namespace) -> int:
    """The zip holds exactly what ``check`` prints, captured here."""
    import contextlib
    import io
    from datetime import datetime

    from counter_app.services.diagnostics import write_log_bundle

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        try:
            code = cmd_check(args)
            captured.write(f"(check exit code {code})\n")
        except Exception as exc:  # noqa: BLE001 - a failing check is what IT must see
            captured.write(f"check failed: {type(exc).__name__}: {exc}\n")
    try:
        result = write_log_bundle(
            args.out or paths.exports_dir(), clock=datetime.now, check_text=captured.getvalue()
        )
    except OSError as exc:
        _err(tr("The log bundle could not be written: {error}").format(error=exc))
        return EXIT_FAIL
    print(
        tr("Log bundle for the IT person written ({n} log files): {path}").format(
            n=result.log_files, path=result.path
        )
    )
    return EXIT_OK
