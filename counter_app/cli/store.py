"""``counter-app store …``: the province's consolidated store from the command line.

store ingest PATHS...            files and folders (every new .xlsx), hash skip
store status [--week W]          what the store holds; who sent that week's file
store report --week W [--docx|--xlsx] [--out F]   (also --month/--quarter/--from --to)
store offices import FILE [--replace]      the province's list of offices
store offices set CODE NAME [--kind K] [--parent P] [--not-expected]
store offices list
store export --csv DIR           the tidy dataset (CSV + README + datapackage.json)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from counter_app.cli.progress import Progress
from counter_app.cli.reports import (
    add_period_options,
    consolidating_office,
    formats_from_args,
    period_from_args,
    write_report,
)
from counter_app.i18n import tr

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "store", help=tr("the province's consolidated store of every office's weekly files")
    )
    sub = parser.add_subparsers(dest="store_command", required=True)

    p = sub.add_parser("ingest", help=tr("take report files and folders into the store"))
    p.add_argument(
        "paths", nargs="+", type=Path, help=tr("report files (.xlsx) or folders holding them")
    )
    p.add_argument("--by", default="", help=tr("who ingests (default: this computer's user)"))
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help=tr("processes that read the files while this one writes (a server: cores − 1)"),
    )
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("status", help=tr("what the store holds; who sent a week's file"))
    p.add_argument("--week", help=tr("ISO week, e.g. 2026-W47 (default: the last full week)"))
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("report", help=tr("the province's report from the store"))
    add_period_options(p)
    p.add_argument("--docx", action="store_true", help=tr("write only the Word report"))
    p.add_argument("--xlsx", action="store_true", help=tr("write only the Excel annex"))
    p.add_argument("--out", type=Path, help=tr("output file (default: the exports folder)"))
    p.add_argument("--office", help=tr("name of the consolidating office for the header"))
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("export", help=tr("export the store as a tidy CSV dataset"))
    p.add_argument("--csv", type=Path, required=True, help=tr("folder to write the CSV files to"))
    p.set_defaults(func=cmd_export)

    offices = sub.add_parser("offices", help=tr("the offices expected to send a weekly file"))
    osub = offices.add_subparsers(dest="offices_command", required=True)
    p = osub.add_parser("import", help=tr("import the province's list (code, name, kind, parent)"))
    p.add_argument("file", type=Path, help=tr("the list of offices (.xlsx or .csv)"))
    p.add_argument(
        "--replace",
        action="store_true",
        help=tr("offices missing from the file are no longer expected"),
    )
    p.set_defaults(func=cmd_offices_import)
    p = osub.add_parser("set", help=tr("add or change one office of the list"))
    p.add_argument("code", help=tr("the office's code, as in its weekly files"))
    p.add_argument("name", help=tr("the office's name"))
    p.add_argument("--kind", default="", help=tr("xã, phường, đặc khu or sở ngành"))
    p.add_argument("--parent", default="", help=tr("the body the office belongs to"))
    p.add_argument("--not-expected", action="store_true", help=tr("keep it, but expect no file"))
    p.set_defaults(func=cmd_offices_set)
    p = osub.add_parser("list", help=tr("list the offices"))
    p.set_defaults(func=cmd_offices_list)


def _open():
    from counter_app.province.store import open_province_store

    return open_province_store()


def cmd_ingest(args: argparse.Namespace) -> int:
    from counter_app.province.ingest import ingest

    store = _open()
    try:
        with Progress(tr("Ingesting…")) as progress:
            report = ingest(store, args.paths, by=args.by, progress=progress.fraction)
    finally:
        store.close()
    for line in report.lines():
        print(line)
    return EXIT_FAIL if report.bad else EXIT_OK


def cmd_status(args: argparse.Namespace) -> int:
    from counter_app.province.board import status_label, week_board
    from counter_app.province.queries import store_figures

    try:
        week = period_from_args(
            argparse.Namespace(
                week=args.week, month=None, quarter=None, date_from=None, date_to=None
            )
        )
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    store = _open()
    try:
        figures = store_figures(store)
        board = week_board(store, week)
    finally:
        store.close(backup_on_exit=False)
    print(
        tr(
            "The store holds {files} files from {offices} offices ({expected} expected): "
            "{sessions} sessions."
        ).format(**figures)
    )
    print(board.summary())
    for row in board.rows:
        when = row.first_export.strftime("%H:%M %d/%m/%Y") if row.first_export else ""
        resent = tr(" (re-sent)") if row.resent else ""
        print(f"{row.code}\t{row.name}\t{status_label(row.status)}{resent}\t{when}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from counter_app import paths
    from counter_app.province.report import export_province
    from counter_app.reports.source import document_of_file

    try:
        period = period_from_args(args)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    office, _own = consolidating_office(args)
    if office is None:
        from counter_app.reports.records import OfficeInfo

        office = OfficeInfo("", "")
    return write_report(
        _open(),
        period,
        lambda store, progress: export_province(
            store,
            period,
            office,
            args.out,
            formats=formats_from_args(args),
            document=document_of_file(paths.database_path()),
            progress=progress,
        ),
    )


def cmd_export(args: argparse.Namespace) -> int:
    from counter_app.province.export_csv import export_csv

    store = _open()
    try:
        with Progress(tr("Exporting…")) as progress:
            counts = export_csv(store, args.csv, progress.fraction)
    except OSError as exc:
        _err(tr("The files could not be written: {error}").format(error=exc.strerror or exc))
        return EXIT_FAIL
    finally:
        store.close(backup_on_exit=False)
    for name, n in counts.items():
        print(f"{args.csv / name}\t{n}")
    return EXIT_OK


def cmd_offices_import(args: argparse.Namespace) -> int:
    from counter_app.catalog.import_files import CatalogueImportError
    from counter_app.province.offices import import_office_list, read_office_list

    try:
        listed = read_office_list(args.file)
    except CatalogueImportError as exc:
        _err(str(exc))
        return EXIT_FAIL
    store = _open()
    try:
        added, updated = import_office_list(store, listed, replace=args.replace)
    finally:
        store.close()
    print(
        tr("{added} offices added, {updated} updated; {rejected} rows not used.").format(
            added=added, updated=updated, rejected=len(listed.rejected)
        )
    )
    for row, reason in listed.rejected[:20]:
        print(tr("Row {row}: {reason}").format(row=row, reason=reason))
    return EXIT_OK


def cmd_offices_set(args: argparse.Namespace) -> int:
    from counter_app.province.offices import set_office

    store = _open()
    try:
        set_office(store, args.code, args.name, args.kind, args.parent, not args.not_expected)
    except ValueError as exc:
        _err(str(exc))
        return EXIT_USAGE
    finally:
        store.close()
    print(tr("Saved."))
    return EXIT_OK


def cmd_offices_list(args: argparse.Namespace) -> int:
    from counter_app.province.offices import listed_offices

    store = _open()
    try:
        rows = listed_offices(store)
    finally:
        store.close(backup_on_exit=False)
    for code, name, kind, parent, expected in rows:
        print(f"{code}\t{name}\t{kind}\t{parent}\t{'' if expected else tr('not expected')}")
    return EXIT_OK


def _err(message: str) -> None:
    if sys.stderr:
        print(message, file=sys.stderr)
