"""``counter-app report`` and ``counter-app consolidate`` (registered by counter_app.cli).

Both write the Word report and its Excel annex by default; ``--docx`` or ``--xlsx``
chooses one. Long jobs show their progress on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.cli.progress import Progress
from counter_app.i18n import tr

if TYPE_CHECKING:  # the commands import their engines lazily: a quick --help
    from counter_app.reports.period import Period
    from counter_app.storage.database import Store

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def _format_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--docx", action="store_true", help=tr("write only the Word report (default: both files)")
    )
    p.add_argument(
        "--xlsx", action="store_true", help=tr("write only the Excel annex (default: both files)")
    )


def add_period_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--week", help=tr("ISO week, e.g. 2026-W47 (default: the last full week)"))
    p.add_argument("--month", help=tr("a month, e.g. 2026-11"))
    p.add_argument("--quarter", help=tr("a quarter, e.g. 2026-Q4"))
    p.add_argument("--from", dest="date_from", help=tr("first day, dd/mm/yyyy or yyyy-mm-dd"))
    p.add_argument("--to", dest="date_to", help=tr("last day, dd/mm/yyyy or yyyy-mm-dd"))


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "report", help=tr("write the report: the Word document and its Excel annex")
    )
    add_period_options(p)
    _format_options(p)
    p.add_argument("--out", type=Path, help=tr("output file (default: the exports folder)"))
    p.set_defaults(func=cmd_report)

    p = subparsers.add_parser(
        "consolidate", help=tr("merge several offices' report files into one")
    )
    p.add_argument(
        "files", nargs="+", type=Path, help=tr("the offices' weekly report files (.xlsx)")
    )
    p.add_argument("--out", type=Path, help=tr("output file (default: the exports folder)"))
    p.add_argument(
        "--office",
        help=tr("name of the consolidating office for the header (default: this app's office)"),
    )
    p.add_argument(
        "--mixed-periods",
        action="store_true",
        help=tr("merge files of different periods into one report"),
    )
    _format_options(p)
    p.set_defaults(func=cmd_consolidate)


def parse_day(text: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def period_from_args(args: argparse.Namespace, today: date | None = None):
    """The Period asked for; ValueError carries a Vietnamese message."""
    from counter_app.reports.period import Period, last_full_week

    chosen = [
        name
        for name, value in (
            ("--week", args.week),
            ("--month", getattr(args, "month", None)),
            ("--quarter", getattr(args, "quarter", None)),
            ("--from/--to", args.date_from or args.date_to),
        )
        if value
    ]
    if len(chosen) > 1:
        if chosen == ["--week", "--from/--to"]:
            raise ValueError(tr("Give either --week or --from/--to, not both."))
        raise ValueError(tr("Give one period only: {options}.").format(options=", ".join(chosen)))
    if args.date_from or args.date_to:
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
    if getattr(args, "month", None):
        try:
            return Period.parse_month(args.month)
        except ValueError as exc:
            raise ValueError(
                tr("Not a month: {text}. Write it like 2026-11.").format(text=args.month)
            ) from exc
    if getattr(args, "quarter", None):
        try:
            return Period.parse_quarter(args.quarter)
        except ValueError as exc:
            raise ValueError(
                tr("Not a quarter: {text}. Write it like 2026-Q4.").format(text=args.quarter)
            ) from exc
    return last_full_week(today or date.today())


def formats_from_args(args: argparse.Namespace) -> list[str]:
    if args.docx == args.xlsx:  # neither or both: both
        return ["docx", "xlsx"]
    return ["docx"] if args.docx else ["xlsx"]


def nothing_to_report() -> str | None:
    """The message when this PC has never been set up (no data file, no recovery that
    lost one): ``report`` must not create an empty office file and write a zero report."""
    from counter_app import paths
    from counter_app.storage.recovery import marker_path

    db_path = paths.database_path()
    if db_path.exists() or marker_path(db_path).exists():
        return None  # a file, or a recovery that lost it: the store open says which
    return tr(
        "There is nothing to report: no data file at {path} (this PC has not been set up "
        "yet). Start the app to set up the office and record sessions first."
    ).format(path=paths.database_path())


def cmd_report(args: argparse.Namespace) -> int:
    from counter_app.bootstrap import open_default_store
    from counter_app.reports.export import export_documents

    try:
        period = period_from_args(args)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    empty = nothing_to_report()
    if empty:
        _err(empty)
        return EXIT_FAIL
    return write_report(
        open_default_store(),
        period,
        lambda store, progress: export_documents(
            store, period, args.out, formats=formats_from_args(args), progress=progress
        ),
    )


def write_report(store: Store, period: Period, write: Callable[[Store, Any], Any]) -> int:
    """Write a report from ``store`` (closed afterwards) and say where it went; a report
    too large for Excel or a file that cannot be written is a message, not a traceback.
    The office's ``report`` and the store's ``store report`` alike."""
    from counter_app.reports.export import ReportTooLargeError

    try:
        with Progress(tr("Writing the report…")) as progress:
            result = write(store, progress.fraction)
    except ReportTooLargeError as exc:
        _err(str(exc))
        return EXIT_FAIL
    except OSError as exc:
        _err(tr("The report could not be written: {error}").format(error=exc))
        return EXIT_FAIL
    finally:
        store.close(backup_on_exit=False)
    for path in result.paths:
        print(tr("Report for {period} written: {path}").format(period=period.label, path=path))
    return EXIT_OK


def consolidating_office(args: argparse.Namespace):
    """Who consolidates: ``--office``, else this PC's own office, read without opening the
    data for writing (the window may be running)."""
    from counter_app import paths
    from counter_app.reports.records import OfficeInfo
    from counter_app.reports.source import office_of_file

    own = office_of_file(paths.database_path())
    if args.office:
        return OfficeInfo(
            "", args.office.strip(), own.province if own else "", own.parent_body if own else ""
        ), own
    return own, own


def cmd_consolidate(args: argparse.Namespace) -> int:
    from counter_app import paths
    from counter_app.reports.consolidate import ConsolidationError, consolidate
    from counter_app.reports.export import ReportTooLargeError
    from counter_app.reports.source import document_of_file

    office, _own = consolidating_office(args)
    try:
        with Progress(tr("Consolidating…")) as progress:
            result = consolidate(
                args.files,
                args.out,
                office=office,
                mixed_periods=args.mixed_periods,
                document=document_of_file(paths.database_path()),
                formats=formats_from_args(args),
                progress=progress.fraction,
            )
    except (ConsolidationError, ReportTooLargeError) as exc:
        _err(str(exc))
        return EXIT_FAIL
    except OSError as exc:
        _err(tr("The report could not be written: {error}").format(error=exc))
        return EXIT_FAIL
    for source in result.sources:
        print("- " + source.line())
    if result.replaced or result.voided:
        print(
            tr(
                "{replaced} sessions edited between two exports: the newer copy counts; "
                "{voided} sessions voided at their office no longer count."
            ).format(replaced=result.replaced, voided=result.voided)
        )
    for path in result.outputs.values():
        print(
            tr(
                "Consolidated {files} files ({sessions} sessions, {duplicates} duplicates "
                "counted once): {path}"
            ).format(
                files=result.files,
                sessions=result.sessions,
                duplicates=result.duplicates,
                path=path,
            )
        )
    return EXIT_OK


def _err(message: str) -> None:
    if sys.stderr:
        print(message, file=sys.stderr)
