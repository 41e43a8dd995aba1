"""The catalogue screen's logic, free of Tk so it is tested with a fake view.

The view (``ui/catalogue_screen.py``) builds widgets and forwards user actions here;
this class talks to the catalogue services and tells the view what to show. Every
message box goes through ``app`` (show_error / show_info / confirm / toast).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from counter_app.catalog.abbreviations import AbbreviationService
from counter_app.catalog.bundles import Bundle, BundleService
from counter_app.catalog.exporter import export_catalogue
from counter_app.catalog.importer import (
    CatalogueImportError,
    ImportPreview,
    ParsedFile,
    apply_import,
    build_preview,
    read_catalogue_file,
)
from counter_app.catalog.online_levels import (
    LevelPreview,
    apply_levels,
    missing_level_count,
    preview_levels,
)
from counter_app.catalog.procedures import CatalogueEntry, ProcedureService
from counter_app.catalog.search import CatalogueSearch
from counter_app.domain.models import Role
from counter_app.domain.validation import ValidationError
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.storage.errors import StorageError

log = logging.getLogger(__name__)
ALL_FIELDS = "__all__"
FAVOURITES = "__favourites__"
NO_LEVEL = "__no_level__"  # "Chưa có mức độ": the procedures whose online level is unknown
MAX_ROWS_SHOWN = 400  # a table never holds thousands of rows: refine by field or search
ONLINE_LEVELS = ("", "toàn trình", "một phần")


class CataloguePresenter:
    def __init__(self, view: Any, app: AppLike):
        self.view = view
        self.app = app
        store = app.store
        self.procedures = ProcedureService(store)
        self.bundles = BundleService(store)
        self.abbreviations = AbbreviationService(store)
        self.search = CatalogueSearch(store, clock=app.clock)
        self.field_filter: str = ALL_FIELDS
        self.query = ""
        self.include_retired = False
        self.selected_code: str | None = None
        self.preview: ImportPreview | None = None
        self.bundle_codes: list[str] = []
        self.bundle_id: int | None = None
        self.reading = False  # a file chosen for import is being read
        self.level_preview: LevelPreview | None = None  # a list of online levels read

    # -- common -------------------------------------------------------------------------
    def start(self) -> None:
        self.view.set_editable(self.can_edit())
        self.refresh_all()

    def can_edit(self) -> bool:
        officer = self.app.current_officer
        return officer is not None and officer.role == Role.SUPERVISOR

    def _officer_id(self) -> int | None:
        officer = self.app.current_officer
        return officer.id if officer else None

    def _guard(self) -> bool:
        if not self.can_edit():
            self.app.show_error(tr("Only a supervisor can change the catalogue."))
            return False
        return True

    def _run(self, action: Callable[[], Any]) -> Any:
        """Run a change; turn validation and storage problems into messages."""
        try:
            return action()
        except ValidationError as exc:
            self.app.show_error(str(exc))
        except StorageError as exc:
            self.app.show_error(str(exc))
        return None

    def refresh_all(self) -> None:
        self.search.refresh()
        self._show_fields()
        self.refresh_list()
        self.refresh_bundles()
        self.refresh_abbreviations()
        self._catalogue_changed()

    def _catalogue_changed(self) -> None:
        self.app.catalogue_changed()

    # -- browse and search ----------------------------------------------------------------
    def _show_fields(self) -> None:
        fields = self.procedures.fields(include_retired=self.include_retired)
        total = sum(n for _, n in fields)
        no_level = missing_level_count(self.app.store, include_retired=self.include_retired)
        items = [
            (ALL_FIELDS, tr("All fields ({n})").format(n=total)),
            (FAVOURITES, tr("★ Favourites")),
            (NO_LEVEL, tr("Without online level ({n})").format(n=no_level)),
        ]
        items += [(f, f"{f or tr('(no field)')} ({n})") for f, n in fields]
        self.view.show_fields(items)
        self.view.show_field_choices([f for f, _ in fields if f])

    def select_field(self, key: str) -> None:
        self.field_filter = key
        self.refresh_list()

    def set_query(self, text: str) -> None:
        self.query = text
        self.refresh_list()

    def set_include_retired(self, value: bool) -> None:
        self.include_retired = bool(value)
        self._show_fields()
        self.refresh_list()

    def refresh_list(self) -> None:
        if self.query.strip():
            hits = self.search.search(
                self.query, limit=MAX_ROWS_SHOWN, include_retired=self.include_retired
            )
            codes = [h.code for h in hits]
            entries = self.procedures.browse(codes=codes, include_retired=True)
            if self.field_filter == FAVOURITES:
                entries = [e for e in entries if e.favourite]
            elif self.field_filter == NO_LEVEL:
                entries = [e for e in entries if not e.online_level]
            elif self.field_filter != ALL_FIELDS:
                entries = [e for e in entries if e.field == self.field_filter]
            self.view.show_procedures(entries, len(entries))
            return
        if self.field_filter == FAVOURITES:
            entries = self.procedures.browse(
                favourites_only=True, include_retired=self.include_retired
            )
        elif self.field_filter == NO_LEVEL:
            entries = [
                e
                for e in self.procedures.browse(include_retired=self.include_retired)
                if not e.online_level
            ]
        else:
            field = None if self.field_filter == ALL_FIELDS else self.field_filter
            entries = self.procedures.browse(field, include_retired=self.include_retired)
        self.view.show_procedures(entries[:MAX_ROWS_SHOWN], len(entries))

    def select_procedure(self, code: str | None) -> None:
        self.selected_code = code
        entry = self.procedures.get(code) if code else None
        usage = self.procedures.usage_count(code) if code else 0
        self.view.show_procedure_form(entry, is_new=False, usage=usage)

    def new_procedure(self) -> None:
        self.selected_code = None
        self.view.show_procedure_form(None, is_new=True, usage=0)

    def save_procedure(self, values: dict[str, Any], is_new: bool) -> bool:
        if not self._guard():
            return False
        current = self.procedures.get(values.get("code", "")) if not is_new else None
        entry = CatalogueEntry(
            code=values.get("code", ""),
            name=values.get("name", ""),
            field=values.get("field", ""),
            level=values.get("level", ""),
            online_level=values.get("online_level", ""),
            favourite=current.favourite if current else False,
        )
        saved = self._run(
            lambda: self.procedures.save(entry, is_new=is_new, officer_id=self._officer_id())
        )
        if saved is None:
            return False
        self.app.toast(tr("Saved {code}").format(code=saved.code))
        self.refresh_all()
        self.select_procedure(saved.code)
        return True

    def _selected_for_change(self) -> CatalogueEntry | None:
        """The selected procedure, when one is selected and this user may change it."""
        code = self.selected_code
        if not code or not self._guard():
            return None
        return self.procedures.get(code)

    def toggle_active(self) -> None:
        entry = self._selected_for_change()
        if entry is None:
            return
        code = entry.code
        if entry.active:
            question = tr(
                "Retire {code}? It is hidden from the procedure picker and kept in "
                "every session and report that used it."
            ).format(code=code)
            if not self.app.confirm(question):
                return
        self._run(lambda: self.procedures.set_active(code, not entry.active, self._officer_id()))
        self.app.toast(
            tr("Restored {code}").format(code=code)
            if not entry.active
            else tr("Retired {code}").format(code=code)
        )
        self.refresh_all()
        self.select_procedure(code)

    def toggle_favourite(self) -> None:
        entry = self._selected_for_change()
        if entry is None:
            return
        code = entry.code
        self._run(lambda: self.procedures.set_favourite(code, not entry.favourite))
        self.refresh_all()
        self.select_procedure(code)

    # -- bundles --------------------------------------------------------------------------
    def refresh_bundles(self) -> None:
        self.view.show_bundles(self.bundles.list(include_retired=True))

    def select_bundle(self, bundle_id: int | None) -> None:
        bundle = self.bundles.get(bundle_id) if bundle_id is not None else None
        self.bundle_id = bundle.id if bundle else None
        self.bundle_codes = list(bundle.codes) if bundle else []
        self.view.show_bundle(
            bundle.name if bundle else "", self._bundle_items(), bundle.active if bundle else True
        )

    def _bundle_items(self) -> list[tuple[str, str]]:
        entries = self.procedures.browse(codes=self.bundle_codes, include_retired=True)
        return [(e.code, e.name) for e in entries]

    def new_bundle(self) -> None:
        self.select_bundle(None)

    def bundle_search(self, text: str) -> None:
        self.view.show_bundle_candidates(self.search.search(text, limit=30) if text.strip() else [])

    def bundle_add(self, code: str) -> None:
        if code and code not in self.bundle_codes:
            self.bundle_codes.append(code)
        self.view.show_bundle_items(self._bundle_items())

    def bundle_remove(self, code: str) -> None:
        if code in self.bundle_codes:
            self.bundle_codes.remove(code)
        self.view.show_bundle_items(self._bundle_items())

    def bundle_move(self, code: str, delta: int) -> None:
        if code not in self.bundle_codes:
            return
        i = self.bundle_codes.index(code)
        j = max(0, min(len(self.bundle_codes) - 1, i + delta))
        self.bundle_codes.insert(j, self.bundle_codes.pop(i))
        self.view.show_bundle_items(self._bundle_items())

    def save_bundle(self, name: str) -> bool:
        if not self._guard():
            return False
        bundle = Bundle(self.bundle_id, name, list(self.bundle_codes))
        saved = self._run(lambda: self.bundles.save(bundle, self._officer_id()))
        if saved is None:
            return False
        self.app.toast(tr("Bundle saved: {name}").format(name=saved.name))
        self.refresh_bundles()
        self.select_bundle(saved.id)
        self._catalogue_changed()
        return True

    def toggle_bundle_active(self) -> None:
        if self.bundle_id is None or not self._guard():
            return
        bundle = self.bundles.get(self.bundle_id)
        if bundle is None or bundle.id is None:
            return
        bundle_id = bundle.id
        self._run(lambda: self.bundles.set_active(bundle_id, not bundle.active, self._officer_id()))
        self.refresh_bundles()
        self.select_bundle(bundle.id)
        self._catalogue_changed()

    # -- abbreviations --------------------------------------------------------------------
    def refresh_abbreviations(self) -> None:
        self.view.show_abbreviations(self.abbreviations.list())

    def add_abbreviation(self, short: str, expansion: str) -> bool:
        if not self._guard():
            return False
        added = self._run(lambda: self.abbreviations.add(short, expansion))
        if added is None:
            return False
        self.search.refresh()
        self.refresh_abbreviations()
        self._catalogue_changed()
        return True

    def toggle_abbreviation(self, abbreviation_id: int, active: bool) -> None:
        if not self._guard():
            return
        self._run(lambda: self.abbreviations.set_active(abbreviation_id, active))
        self.search.refresh()
        self.refresh_abbreviations()
        self._catalogue_changed()

    # -- import and export ----------------------------------------------------------------
    def choose_import_file(self, path: str | Path | None, retire_missing: bool) -> None:
        """Read and compare in the background; the preview appears when done."""
        if not path or not self._guard() or self.reading:
            return
        self.preview = None
        self.level_preview = None
        self.view.show_preview([tr("Reading {name}…").format(name=Path(path).name)], False)
        path = Path(path)

        def work() -> ParsedFile:  # file only: the database stays on the Tk thread
            return read_catalogue_file(path)

        def done(parsed: ParsedFile | None, error: BaseException | None) -> None:
            self.reading = False
            self.view.show_reading(False)
            preview = None
            if error is None and parsed is not None:
                try:
                    preview = build_preview(self.app.store, parsed, path, retire_missing)
                except StorageError as exc:
                    error = exc
            self._preview_ready(preview, error)

        self.reading = True
        self.view.show_reading(True)
        self.app.run_in_background(work, done, key="catalogue-import")

    def _preview_ready(self, result: ImportPreview | None, error: BaseException | None) -> None:
        if error is not None:
            message = (
                str(error)
                if isinstance(error, (CatalogueImportError, StorageError))
                else tr("The file could not be read: {error}").format(error=error)
            )
            if not isinstance(error, (CatalogueImportError, StorageError)):
                log.error("import preview failed", exc_info=error)
            self.view.show_preview([message, tr("Nothing was changed.")], False)
            self.app.show_error(message)
            return
        if result is None:
            return
        self.preview = result
        lines = result.summary_lines(max_rejected=200)
        if not result.has_changes:
            lines.append(tr("The catalogue is already up to date; nothing to apply."))
        self.view.show_preview(lines, result.has_changes)

    def choose_levels_file(self, path: str | Path | None) -> None:
        """A province's list of online services (code + level): read in the background,
        compared on the Tk thread; it sets only the online level of known procedures."""
        if not path or not self._guard() or self.reading:
            return
        self.preview = None
        path = Path(path)
        self.view.show_preview([tr("Reading {name}…").format(name=path.name)], False)
        store = self.app.store

        def work() -> Any:
            from counter_app.catalog.online_levels import read_levels

            return read_levels(path)  # file only

        def done(parsed: Any, error: BaseException | None) -> None:
            self.reading = False
            self.view.show_reading(False)
            preview: LevelPreview | None = None
            if error is None:
                try:
                    preview = preview_levels(store, path, parsed)  # not read twice
                except (CatalogueImportError, StorageError) as exc:
                    error = exc
            if error is not None:
                self._preview_ready(None, error)
                return
            assert preview is not None
            self.level_preview = preview
            lines = preview.summary_lines()
            if not preview.has_changes:
                lines.append(tr("The catalogue is already up to date; nothing to apply."))
            self.view.show_preview(lines, preview.has_changes)

        self.reading = True
        self.view.show_reading(True)
        self.app.run_in_background(work, done, key="catalogue-import")

    def _apply_levels(self, preview: LevelPreview) -> None:
        question = tr("Set the online level of {n} procedures from {name}?").format(
            n=len(preview.changes), name=preview.path.name
        )
        if not self.app.confirm(question):
            return
        n = self._run(
            lambda: apply_levels(self.app.store, preview, self._officer_id(), self.app.clock())
        )
        if n is None:
            return
        self.level_preview = None
        message = tr("The online level of {n} procedures was set.").format(n=n)
        self.view.show_preview([message], False)
        self.app.show_info(message)
        self.refresh_all()
        self._catalogue_changed()

    def apply_preview(self) -> None:
        levels = getattr(self, "level_preview", None)
        if levels is not None and self.preview is None:
            if levels.has_changes and self._guard():
                self._apply_levels(levels)
            return
        preview = self.preview
        if preview is None or not preview.has_changes or not self._guard():
            return
        question = tr(
            "Apply the import of {name}: {new} new, {changed} changed, {retired} retired?"
        ).format(
            name=preview.path.name,
            new=len(preview.new),
            changed=len(preview.changed),
            retired=len(preview.to_retire),
        )
        if not self.app.confirm(question):
            return
        result = self._run(lambda: apply_import(self.app.store, preview, self._officer_id()))
        if result is None:
            return
        self.preview = None
        self.view.show_preview([result.message()], False)
        self.app.show_info(result.message())
        self.refresh_all()

    def export(self, path: str | Path | None) -> None:
        if not path:
            return
        try:
            n = export_catalogue(self.app.store, path)
        except OSError as exc:
            self.app.show_error(
                tr("The file {path} could not be written: {error}").format(
                    path=path, error=exc.strerror or exc
                )
            )
            return
        self.app.toast(tr("Exported {n} procedures to {path}").format(n=n, path=path))
