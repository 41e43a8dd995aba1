"""`counter-app catalogue import|search|export`: the catalogue from the command line."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app.cli.core import EXIT_DENIED, SupervisorRefused, add_officer_option
from counter_app.i18n import tr

EXIT_OK, EXIT_FAIL = 0, 1


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("catalogue", help=tr("the procedure catalogue"))
    sub = parser.add_subparsers(dest="catalogue_command", required=True)

    p = sub.add_parser("import", help=tr("import a procedure list (.xlsx or .csv)"))
    p.add_argument("file", type=Path, help=tr("the procedure list (.xlsx or .csv)"))
    p.add_argument("--yes", action="store_true", help=tr("apply without asking"))
    p.add_argument(
        "--retire-missing",
        action="store_true",
        help=tr("retire procedures missing from the file (a full list)"),
    )
    add_officer_option(p)
    p.set_defaults(func=cmd_import)

    p = sub.add_parser(
        "levels", help=tr("set the online level of procedures from a province's list")
    )
    p.add_argument(
        "file", type=Path, help=tr("the list of online services (.xlsx or .csv: code, level)")
    )
    p.add_argument("--yes", action="store_true", help=tr("apply without asking"))
    add_officer_option(p)
    p.set_defaults(func=cmd_levels)

    p = sub.add_parser("search", help=tr("search the catalogue"))
    p.add_argument("query", nargs="+", help=tr("a code or words, with or without diacritics"))
    p.add_argument("--limit", type=int, default=20, help=tr("at most this many lines"))
    p.add_argument(
        "--counter",
        type=int,
        default=None,
        help=tr("rank by this counter's recent use (counter id)"),
    )
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("export", help=tr("export the catalogue to .xlsx"))
    p.add_argument("file", type=Path, help=tr("the .xlsx file to write"))
    p.add_argument(
        "--overwrite", action="store_true", help=tr("replace the file if it already exists")
    )
    p.set_defaults(func=cmd_export)


def _open():
    from counter_app.bootstrap import open_default_store
    from counter_app.catalog.builtin import sync_builtin_catalogue

    store = open_default_store()
    try:
        sync_builtin_catalogue(store)
    except BaseException:
        store.close(backup_on_exit=False)
        raise
    return store


def cmd_import(args: argparse.Namespace) -> int:
    from counter_app.catalog.importer import apply_import, preview_import
    from counter_app.cli.progress import Progress

    def read(store):
        with Progress(tr("Catalogue import"), tick=True) as progress:
            progress.step(tr("reading and comparing the file"))
            return preview_import(store, args.file, retire_missing=args.retire_missing)

    def apply(store, preview, officer_id: int | None) -> str:
        with Progress(tr("Catalogue import"), tick=True) as progress:
            progress.step(tr("applying the changes"))
            return apply_import(store, preview, officer_id=officer_id).message()

    return _preview_then_apply(args, read, apply)


def cmd_levels(args: argparse.Namespace) -> int:
    """Online levels (toàn trình / một phần) from a list of codes and levels."""
    from counter_app.catalog.online_levels import apply_levels, preview_levels

    def apply(store, preview, officer_id: int | None) -> str:
        n = apply_levels(store, preview, officer_id=officer_id)
        return tr("The online level of {n} procedures was set.").format(n=n)

    return _preview_then_apply(args, lambda store: preview_levels(store, args.file), apply)


def _preview_then_apply(
    args: argparse.Namespace,
    read: Callable[[Any], Any],
    apply: Callable[[Any, Any, int | None], str],
) -> int:
    """What every catalogue change from a file does: read and compare the file (a bad
    file changes nothing), show what would change, then — the catalogue belongs to the
    supervisors, as on the Danh mục TTHC tab — ask for the supervisor and a yes, apply,
    and print what was done."""
    from counter_app.catalog.import_files import CatalogueImportError
    from counter_app.cli.core import ask_yes_no, require_supervisor

    store = _open()
    try:
        try:
            preview = read(store)
        except CatalogueImportError as exc:
            print(str(exc), file=sys.stderr)
            print(tr("Nothing was changed."), file=sys.stderr)
            return EXIT_FAIL
        for line in preview.summary_lines():
            print(line)
        if not preview.has_changes:
            print(tr("The catalogue is already up to date; nothing to apply."))
            return EXIT_OK
        try:
            supervisor = require_supervisor(store, args)
        except SupervisorRefused as exc:
            print(str(exc), file=sys.stderr)
            print(tr("Nothing was changed."), file=sys.stderr)
            return EXIT_DENIED
        if not args.yes and not ask_yes_no(tr("Apply these changes? [y/N] ")):
            print(tr("Nothing was changed."))
            return EXIT_FAIL
        print(apply(store, preview, supervisor.id if supervisor else None))
        return EXIT_OK
    finally:
        store.close()


def cmd_search(args: argparse.Namespace) -> int:
    from counter_app.catalog.search import CatalogueSearch

    store = _open()
    try:
        hits = CatalogueSearch(store).search(
            " ".join(args.query), counter_id=args.counter, limit=args.limit
        )
        for hit in hits:
            print(f"{hit.code}\t{hit.name}")
        return EXIT_OK if hits else EXIT_FAIL
    finally:
        store.close(backup_on_exit=False)


def cmd_export(args: argparse.Namespace) -> int:
    from counter_app.catalog.exporter import export_catalogue

    if args.file.exists() and not args.overwrite:
        print(
            tr(
                "The file {path} already exists; nothing was written. Choose another name "
                "or add --overwrite."
            ).format(path=args.file),
            file=sys.stderr,
        )
        return EXIT_FAIL
    store = _open()
    try:
        n = export_catalogue(store, args.file)
    except OSError as exc:
        print(
            tr("The file {path} could not be written: {error}").format(
                path=args.file, error=exc.strerror or exc
            ),
            file=sys.stderr,
        )
        return EXIT_FAIL
    finally:
        store.close(backup_on_exit=False)
    print(tr("Exported {n} procedures to {path}").format(n=n, path=args.file))
    return EXIT_OK
