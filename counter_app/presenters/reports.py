"""Reports: which period (the last full week by default), its key figures beside the
previous period's, the week at a glance, the export (the Word report and its Excel
annex, both by default) and the consolidation of other offices' files.

Tk-free. All reading goes through the app's one job runner — the preview too: a year at
a million sessions took 2.3 s on the Tk thread — on a read-only ``Store.reader()`` made
here, on the Tk thread, and closed by the worker when it is done. A newer preview
supersedes one still running (the runner's ``key``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from counter_app import paths
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.reports.aggregate import KeyFigure, key_figures
from counter_app.reports.glance import Glance, load_glance
from counter_app.reports.period import Period, last_full_week
from counter_app.reports.source import load_office, load_totals
from counter_app.reports.vn import change_text, figure_text
from counter_app.services.report_document import (
    load_document_settings,
    report_formats,
    set_report_formats,
)

PERIOD_KINDS = ("week", "month", "quarter", "custom")
RECENT = {"week": 52, "month": 24, "quarter": 12}  # how many periods each list offers

FigureRow = tuple[str, str, str, str]
Job = Callable[[Callable[[float, str], None]], Any]


def period_kinds() -> list[tuple[str, str]]:
    """(kind, label shown) for the kind chooser."""
    return [
        ("week", tr("Week")),
        ("month", tr("Month")),
        ("quarter", tr("Quarter")),
        ("custom", tr("Custom range")),
    ]


def period_choices(kind: str, today: date) -> list[Period]:
    """Recent periods of ``kind`` in date order, the newest (the current one so far)
    first; ``default_choice`` says which one to select."""
    if kind == "week":
        current = Period.week_of(today)
        first = last_full_week(today)
        older = _going_back(first, RECENT["week"])
        return ([current] if current != first else []) + older
    if kind == "month":
        return _going_back(Period.month(today.year, today.month), RECENT["month"])
    if kind == "quarter":
        quarter = Period.quarter(today.year, (today.month - 1) // 3 + 1)
        return _going_back(quarter, RECENT["quarter"])
    return []


def default_choice(kind: str, periods: list[Period], today: date) -> int:
    """The period selected at first: for weeks the last full one (a Friday report is
    usually about the week before), else the newest."""
    if kind == "week":
        full = last_full_week(today)
        return periods.index(full) if full in periods else 0
    return 0


def _going_back(first: Period, count: int) -> list[Period]:
    items = [first]
    while len(items) < count:
        items.append(items[-1].previous())
    return items


def figure_rows(figures: list[KeyFigure]) -> list[FigureRow]:
    """[(label, this period, previous period, change)]; sub-figures stay indented."""
    rows = []
    for kf in figures:
        indent = "    " if kf.label.startswith(" ") else ""
        rows.append(
            (
                indent + kf.label.strip(),
                figure_text(kf.current, kf.kind),
                figure_text(kf.previous, kf.kind),
                change_text(kf),
            )
        )
    return rows


class ReportsView(Protocol):
    def show_period_kind(self, kind: str) -> None: ...
    def show_period_choices(self, labels: list[str], index: int) -> None: ...
    def show_custom_range(self, start: date, end: date) -> None: ...
    def get_period_index(self) -> int: ...
    def get_custom_range(self) -> tuple[date | None, date | None]: ...
    def show_figures(self, title: str, rows: list[FigureRow]) -> None: ...
    def show_working(self, message: str) -> None: ...
    def show_progress(self, fraction: float) -> None: ...
    def show_idle(self, status: str, progress: float) -> None: ...
    def show_files(self, files: list[Path]) -> None: ...
    def ask_files(self) -> list[str]: ...
    def open_folder(self, folder: Path) -> None: ...
    def show_formats(self, formats: list[str]) -> None: ...
    def show_glance(self, glance: Glance | None) -> None: ...


class ReportsPresenter:
    def __init__(
        self, view: ReportsView, app: AppLike, clock: Callable[[], datetime] | None = None
    ):
        self.view = view
        self.app = app
        self.clock = clock or app.clock
        self.kind = "week"
        self.periods: list[Period] = []
        self.files: list[Path] = []
        self.last_export: Path | None = None
        self.working = False
        self.formats: list[str] = report_formats(app.store)

    def start(self) -> None:
        self.view.show_formats(self.formats)
        self.choose_kind("week")
        self.refresh_glance()

    # -- period -------------------------------------------------------------------------
    def choose_kind(self, kind: str) -> None:
        self._show_kind(kind)
        self.refresh_preview()

    def _show_kind(self, kind: str) -> None:
        self.kind = kind if kind in PERIOD_KINDS else "week"
        self.view.show_period_kind(self.kind)
        if self.kind != "custom":
            today = self.clock().date()
            self.periods = period_choices(self.kind, today)
            self.view.show_period_choices(
                [p.label for p in self.periods], default_choice(self.kind, self.periods, today)
            )

    def selected_period(self) -> Period | None:
        if self.kind == "custom":
            start, end = self.view.get_custom_range()
            if start is None or end is None or end < start:
                return None
            return Period.custom(start, end)
        index = self.view.get_period_index()
        return self.periods[index] if 0 <= index < len(self.periods) else None

    def set_period(self, period: Period) -> None:
        """Select ``period`` (for callers that know what they want), even one the list of
        recent periods does not offer."""
        self._show_kind(period.kind)
        if period.kind == "custom":
            self.view.show_custom_range(period.start, period.end)
        else:
            if period not in self.periods:
                self.periods.insert(0, period)
            self.view.show_period_choices(
                [p.label for p in self.periods], self.periods.index(period)
            )
        self.refresh_preview()

    # -- preview ------------------------------------------------------------------------
    def refresh_preview(self) -> None:
        """Key figures of the period and the one before, from SQL on the job runner; the
        newest request wins when the user changes the period quickly."""
        period = self.selected_period()
        if period is None:
            self.view.show_figures(tr("Choose a period."), [])
            return
        reader = self._reader()
        if reader is None:
            return
        prev = period.previous()

        def job() -> list[KeyFigure]:
            try:
                current = load_totals(reader, period.start, period.end)
                before = load_totals(reader, prev.start, prev.end)
            finally:
                reader.close()
            levels = any(t.submitted_full or t.submitted_partial for t in (current, before))
            return key_figures(current, before, levels=levels)

        def done(figures: list[KeyFigure] | None, error: BaseException | None) -> None:
            if error is not None:
                self.app.show_error(str(error) or repr(error))
                return
            self.view.show_figures(period.label, figure_rows(figures or []))

        self.view.show_figures(period.label + " — " + tr("counting…"), [])
        self.app.run_in_background(job, done, key="reports.preview")

    def refresh_glance(self) -> None:
        """The week at a glance (this week by the app's clock), on the job runner."""
        reader = self._reader(quiet=True)
        if reader is None:
            return
        today = self.clock().date()

        def job() -> Glance:
            try:
                return load_glance(reader, today)
            finally:
                reader.close()

        def done(glance: Glance | None, error: BaseException | None) -> None:
            if error is None:
                self.view.show_glance(glance)

        self.app.run_in_background(job, done, key="reports.glance")

    def sessions_changed(self) -> None:
        """A session was saved, corrected or voided: the glance and the figures follow."""
        self.refresh_glance()
        self.refresh_preview()

    def _reader(self, quiet: bool = False) -> Any:
        try:
            return self.app.store.reader()
        except Exception as exc:  # noqa: BLE001 - e.g. the data file is locked: say so
            if not quiet:
                self.app.show_error(str(exc) or repr(exc))
            return None

    # -- which files ----------------------------------------------------------------------
    def set_formats(self, formats: list[str]) -> bool:
        """Word, Excel or both (remembered); at least one."""
        try:
            set_report_formats(self.app.store, formats)
        except ValueError as exc:
            self.app.show_error(str(exc))
            self.view.show_formats(self.formats)
            return False
        self.formats = report_formats(self.app.store)
        return True

    # -- export ---------------------------------------------------------------------------
    def export(self) -> None:
        period = self.selected_period()
        if period is None:
            self.app.show_error(tr("Choose a period first."))
            return
        if self.working:
            return
        from counter_app.reports.export import export_documents

        reader = self._reader()
        if reader is None:
            return
        formats = list(self.formats)
        now = self.clock()

        def job(progress: Callable[[float, str], None]) -> Any:
            try:
                return export_documents(reader, period, formats=formats, progress=progress, now=now)
            finally:
                reader.close()

        self.start_work(job, self._exported, tr("Writing the report…"))

    def _exported(self, result: Any) -> None:
        paths_written = result.paths
        self.last_export = result.files.get("xlsx") or paths_written[0]
        names = ", ".join(p.name for p in paths_written)
        self.view.show_idle(tr("Saved: {name}").format(name=names), 1.0)
        self.app.toast(tr("Report saved: {name}").format(name=names))

    def open_exports(self) -> None:
        open_exports_folder(self.app, self.view, self.last_export)

    # -- consolidation ------------------------------------------------------------------
    def add_files(self) -> None:
        for name in self.view.ask_files():
            path = Path(name)
            if path not in self.files:
                self.files.append(path)
        self.view.show_files(list(self.files))

    def clear_files(self) -> None:
        self.files.clear()
        self.view.show_files([])

    def consolidate(self, mixed_periods: bool = False) -> None:
        if not self.files:
            self.app.show_error(tr("Add the report files to consolidate first."))
            return
        if self.working:
            return
        from counter_app.reports.consolidate import MixedPeriodsError, consolidate

        office = load_office(self.app.store)  # who consolidates: the cover's header
        document = load_document_settings(self.app.store)
        files = list(self.files)
        formats = list(self.formats)

        def job(progress: Callable[[float, str], None]) -> Any:
            try:
                return consolidate(
                    files,
                    office=office,
                    progress=progress,
                    mixed_periods=mixed_periods,
                    document=document,
                    formats=formats,
                )
            except MixedPeriodsError as exc:
                return exc  # not an error yet: the user may confirm

        def finished(result: Any) -> None:
            if isinstance(result, MixedPeriodsError):
                self.view.show_idle("", 0.0)
                if self.app.confirm(
                    str(result) + "\n\n" + tr("Merge these periods into one report anyway?"),
                    default=False,
                ):
                    self.consolidate(mixed_periods=True)
                return
            self._consolidated(result)

        self.start_work(job, finished, tr("Consolidating…"))

    def _consolidated(self, result: Any) -> None:
        self.last_export = result.path
        names = ", ".join(p.name for p in result.outputs.values()) or result.path.name
        self.view.show_idle(tr("Saved: {name}").format(name=names), 1.0)
        lines = [
            tr(
                "Consolidated {files} files: {sessions} sessions ({duplicates} "
                "duplicates counted once).\n{path}"
            ).format(
                files=result.files,
                sessions=result.sessions,
                duplicates=result.duplicates,
                path=result.path,
            )
        ]
        if result.replaced or result.voided:
            lines.append(
                tr(
                    "{replaced} sessions edited between two exports: the newer copy counts; "
                    "{voided} sessions voided at their office no longer count."
                ).format(replaced=result.replaced, voided=result.voided)
            )
        lines.append(tr("Files (office, period, export time):"))
        lines += ["- " + source.line() for source in result.sources]
        self.app.show_info("\n".join(lines))

    # -- background work ----------------------------------------------------------------
    def start_work(self, job: Job, finished: Callable[[Any], None], message: str) -> None:
        """Run ``job(progress)`` on the app's job runner, one at a time: the view shows
        ``message`` and the progress; ``finished(result)`` runs on the Tk thread, an error
        becomes a message."""
        if self.working:
            return
        self.working = True
        self.view.show_working(message)

        def done(result: Any, error: BaseException | None) -> None:
            self.working = False
            if error is not None:
                self.view.show_idle("", 0.0)
                self.app.show_error(str(error) if str(error) else repr(error))
                return
            finished(result)

        self.app.run_in_background(job, done, progress=self._progress)

    def _progress(self, fraction: float, _message: str) -> None:
        self.view.show_progress(fraction)


def open_exports_folder(app: AppLike, view: Any, last_export: Path | None) -> None:
    """Show the folder of the last file written (else the exports folder) in the file
    manager; a folder that cannot be opened is a message. The Reports and the Tổng hợp
    screens alike."""
    folder = last_export.parent if last_export else paths.exports_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        view.open_folder(folder)
    except (OSError, AttributeError) as exc:
        app.show_error(
            tr("The folder could not be opened: {folder} ({error})").format(
                folder=folder, error=exc
            )
        )
