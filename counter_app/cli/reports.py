"""``counter-app report`` and ``counter-app consolidate`` (registered by counter_app.cli)."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path

from counter_app.i18n import tr

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def register(subparsers) -> None:
    p = subparsers.add_parser("report", help=tr("write the weekly Excel report"))
    p.add_argument("--week", help=tr("ISO week, e.g. 2026-W47 (default: the last full week)"))
    p.add_argument("--from", dest="date_from", help=tr("first day, dd/mm/yyyy or yyyy-mm-dd"))
    p.add_argument("--to", dest="date_to", help=tr("last day, dd/mm/yyyy or yyyy-mm-dd"))
    p.add_argument("--out", type=Path, help=tr("output file (default: the exports folder)"))
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser(
        "consolidate", help=tr("merge several offices' report files into one")
    )
    p.add_argument(
        "files", nargs="+", type=Path, help=tr("the offices' weekly report files (.xlsx)")
    )
    p.add_argument("--out", type=Path, help=tr("output file (default: the exports folder)"))
    p.set_defaults(func=cmd_consolidate)


def parse_day(text: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def period_from_args(args: argparse.Namespace):
    """The Period asked for; ValueError carries a Vietnamese message."""
    from counter_app.reports.period import Period, last_full_week

    if args.date_from or args.date_to:
        if args.week:
            raise ValueError(tr("Give either --week or --from/--to, not both."))
        if not (args.date_from and args.date_to):
            raise ValueError(tr("Give both --from and --to."))
        try:
            start, end = parse_day(args.date_from), parse_day(args.date_to)
        except ValueError as exc:
            raise ValueError(
                tr("Not a date: {text}. Write it as dd/mm/yyyy.").format(text=exc.args[0])
            ) from exc
        if end < start:
            raise ValueError(tr("The last day is before the first day."))
        return Period.custom(start, end)
    if args.week:
        try:
            return Period.parse_week(args.week)
        except ValueError as exc:
            raise ValueError(
                tr("Not a week: {text}. Write it like 2026-W47.").format(text=args.week)
            ) from exc
    return last_full_week()


def cmd_report(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_default_store
    from counter_app.reports.export import ReportTooLargeError, export_report

    try:
        period = period_from_args(args)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    store = open_default_store()
    try:
        path = export_report(store, period, args.out)
    except ReportTooLargeError as exc:
        _err(str(exc))
        return EXIT_FAIL
    except OSError as exc:
        _err(tr("The report could not be written: {error}").format(error=exc))
        return EXIT_FAIL
    finally:
        store.close(backup_on_exit=False)
    print(tr("Report for {period} written: {path}").format(period=period.label, path=path))
    return EXIT_OK


def cmd_consolidate(args: argparse.Namespace) -> int:
    from counter_app.reports.consolidate import ConsolidationError, consolidate
    from counter_app.reports.export import ReportTooLargeError

    try:
        result = consolidate(args.files, args.out)
    except (ConsolidationError, ReportTooLargeError) as exc:
        _err(str(exc))
        return EXIT_FAIL
    except OSError as exc:
        _err(tr("The report could not be written: {error}").format(error=exc))
        return EXIT_FAIL
    print(
        tr(
            "Consolidated {files} files ({sessions} sessions, {duplicates} duplicates "
            "counted once): {path}"
        ).format(
            files=result.files,
            sessions=result.sessions,
            duplicates=result.duplicates,
            path=result.path,
        )
    )
    return EXIT_OK


def _err(message: str) -> None:
    if sys.stderr:
        print(message, file=sys.stderr)
