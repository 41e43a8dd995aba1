"""The core commands: backup, restore, check, demo data."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from counter_app import paths
from counter_app.i18n import tr

log = logging.getLogger(__name__)
EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("backup", help=tr("write a verified backup of the data now"))
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help=tr("replace the data with a backup file"))
    p.add_argument("file", type=Path)
    p.add_argument("--yes", action="store_true", help=tr("do not ask for confirmation"))
    p.set_defaults(func=cmd_restore)

    p = sub.add_parser("check", help=tr("check the data file and the backups"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("demo-data", help=tr("add realistic demo sessions"))
    p.add_argument("--weeks", type=int, default=4)
    p.add_argument("--per-day", type=int, default=40)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument(
        "--force", action="store_true", help=tr("add demo data even though real sessions exist")
    )
    p.set_defaults(func=cmd_demo_data)


def cmd_backup(args: argparse.Namespace) -> int:
    from counter_app.storage.backup import take_backup

    path = paths.database_path()
    if not path.exists():
        _err(tr("There is no data file yet at {path}.").format(path=path))
        return EXIT_FAIL
    out = take_backup(path, paths.backups_dir(), reason="manual")
    print(tr("Backup written and verified: {path}").format(path=out))
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    from counter_app.storage.restore import RestoreError, restore_file

    if not args.yes and not ask_yes_no(
        tr(
            "Replace the current data with {file}? The current data file is kept aside. [y/N] "
        ).format(file=args.file)
    ):
        print(tr("Nothing was changed."))
        return EXIT_FAIL
    try:
        result = restore_file(args.file)
    except RestoreError as exc:
        _err(str(exc))
        return EXIT_FAIL
    print(result.message())
    result.acknowledge()
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from counter_app.storage.backup import check_integrity, list_backups
    from counter_app.storage.database import stored_schema

    path = paths.database_path()
    print(tr("Data file: {path}").format(path=path))
    if not path.exists():
        print(tr("No data file yet (it is created when the app first starts)."))
        return EXIT_OK
    result = check_integrity(path)
    ok = result == "ok"
    version, _ = stored_schema(path) if ok else (None, None)
    print(tr("Integrity: {result}").format(result=tr("good") if ok else result))
    if ok:
        print(tr("Data version: {version}").format(version=version))
    backups = list_backups(paths.backups_dir())
    print(tr("Backups: {n} in {folder}").format(n=len(backups), folder=paths.backups_dir()))
    if backups:
        newest = backups[0]
        good = check_integrity(newest.path) == "ok"
        print(
            tr("Newest backup: {when} ({state})").format(
                when=newest.taken_at.strftime("%H:%M %d/%m/%Y"),
                state=tr("good") if good else tr("damaged"),
            )
        )
    return EXIT_OK if ok else EXIT_FAIL


def cmd_demo_data(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_default_store
    from counter_app.services.demo import RealDataError, generate

    store = open_default_store()
    try:
        result = generate(
            store, weeks=args.weeks, per_day=args.per_day, seed=args.seed, force=args.force
        )
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
