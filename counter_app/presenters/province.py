"""The "Tổng hợp" screen (supervisors): take in the week's files from the offices, see
who has not sent, and write the province's report from the consolidated store.

Tk-free. The screen keeps the store open (its lock) for as long as it lives; every
reading and the ingestion run on the app's job runner, on connections of their own made
here on the Tk thread (``reader()`` for reading, ``worker_connection`` for writing).
After an ingestion a verified backup of the store is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.presenters.reports import open_exports_folder, period_choices, period_kinds
from counter_app.province.board import Board, status_label, week_board
from counter_app.province.ingest import IngestReport, ingest
from counter_app.province.offices import import_office_list, read_office_list, set_office
from counter_app.province.queries import file_periods, store_figures
from counter_app.province.store import open_province_store, worker_connection
from counter_app.reports.period import Period, last_full_week
from counter_app.reports.source import load_office
from counter_app.services.report_document import load_document_settings, report_formats
from counter_app.storage.backup import take_backup

BoardLine = tuple[str, str, str, str, str, str, str]


class ProvinceView(Protocol):
    def ask_files(self) -> list[str]: ...
    def ask_folder(self) -> str: ...
    def ask_office_list(self) -> str: ...
    def ask_csv_folder(self) -> str: ...
    def show_working(self, message: str) -> None: ...
    def show_progress(self, fraction: float, message: str = "") -> None: ...
    def show_idle(self, status: str) -> None: ...
    def show_ingest_result(self, lines: list[str]) -> None: ...
    def show_store(self, summary: str) -> None: ...
    def show_weeks(self, labels: list[str], index: int) -> None: ...
    def get_week_index(self) -> int: ...
    def show_board(self, summary: str, rows: list[BoardLine]) -> None: ...
    def show_period_choices(self, labels: list[str], index: int) -> None: ...
    def get_period_index(self) -> int: ...
    def open_folder(self, folder: Path) -> None: ...


def board_lines(board: Board) -> list[BoardLine]:
    def when(d: Any) -> str:
        return d.strftime("%H:%M %d/%m/%Y") if d else ""

    return [
        (
            r.code,
            r.name,
            r.kind,
            status_label(r.status) + (tr(" (re-sent)") if r.resent else ""),
            when(r.first_export),
            str(r.files),
            str(r.sessions),
        )
        for r in board.rows
    ]


class ProvincePresenter:
    def __init__(self, view: ProvinceView, app: AppLike):
        self.view = view
        self.app = app
        self.clock = app.clock
        self.store: Any = None
        self.weeks: list[Period] = []
        self.kind = "week"
        self.periods: list[Period] = []
        self.working = False
        self.last_export: Path | None = None
        self.last_report: IngestReport | None = None

    # -- life -----------------------------------------------------------------------------
    def start(self) -> bool:
        try:
            self.store = open_province_store()
        except Exception as exc:  # noqa: BLE001 - locked, damaged, a newer file: say so
            self.app.show_error(
                tr("The consolidated store could not be opened: {error}").format(error=exc)
            )
            return False
        self.choose_kind("week")
        self.refresh()
        return True

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None

    def _today(self) -> date:
        return self.clock().date()

    # -- reading on the runner ----------------------------------------------------------
    def _read(self, work: Callable[[Any], Any], done: Callable[[Any], None], key: str) -> None:
        if self.store is None:
            return
        try:
            reader = self.store.reader()
        except Exception as exc:  # noqa: BLE001
            self.app.show_error(str(exc) or repr(exc))
            return

        def job() -> Any:
            try:
                return work(reader)
            finally:
                reader.close()

        def finished(value: Any, error: BaseException | None) -> None:
            if error is not None:
                self.app.show_error(str(error) or repr(error))
                return
            done(value)

        self.app.run_in_background(job, finished, key=key)

    def refresh(self) -> None:
        """What the store holds, the weeks it has files of, and the chosen week's board."""
        today = self._today()

        def work(reader: Any) -> tuple[dict, list[Period]]:
            return store_figures(reader), file_periods(reader)

        def done(value: tuple[dict, list[Period]]) -> None:
            figures, weeks = value
            self.view.show_store(
                tr(
                    "The store holds {files} files from {offices} offices ({expected} "
                    "expected): {sessions} sessions."
                ).format(**figures)
            )
            current = self.selected_week()
            default = last_full_week(today)
            self.weeks = sorted({*weeks, default, Period.week_of(today)}, key=lambda p: p.start)[
                ::-1
            ]
            chosen = current if current in self.weeks else default
            self.view.show_weeks([p.label for p in self.weeks], self.weeks.index(chosen))
            self.refresh_board()

        self._read(work, done, key="province.status")

    def selected_week(self) -> Period | None:
        index = self.view.get_week_index()
        return self.weeks[index] if 0 <= index < len(self.weeks) else None

    def refresh_board(self) -> None:
        week = self.selected_week()
        if week is None:
            return

        def work(reader: Any) -> Board:
            return week_board(reader, week)

        def done(board: Board) -> None:
            self.view.show_board(board.summary(), board_lines(board))

        self._read(work, done, key="province.board")

    # -- ingesting ------------------------------------------------------------------------
    def ingest_files(self) -> None:
        self._ingest(self.view.ask_files())

    def ingest_folder(self) -> None:
        folder = self.view.ask_folder()
        self._ingest([folder] if folder else [])

    def _ingest(self, items: list[str]) -> None:
        if not items or self.store is None or self.working:
            return
        try:
            writer = worker_connection(self.store)
        except Exception as exc:  # noqa: BLE001
            self.app.show_error(str(exc) or repr(exc))
            return
        officer = self.app.current_officer
        by = officer.name if officer else ""
        clock = self.clock
        store = self.store

        def job(progress: Callable[[float, str], None]) -> IngestReport:
            try:
                report = ingest(writer, items, by=by, clock=clock, progress=progress)
            finally:
                writer.close()
            if report.ingested:
                take_backup(store.path, store.backups_dir, reason="ingest")
            return report

        self.working = True
        self.view.show_working(tr("Ingesting the files…"))

        def done(report: IngestReport | None, error: BaseException | None) -> None:
            self.working = False
            if error is not None:
                self.view.show_idle("")
                self.app.show_error(str(error) or repr(error))
                return
            assert report is not None
            self.last_report = report
            self.view.show_idle(report.summary())
            self.view.show_ingest_result(report.lines())
            if report.bad:
                self.app.show_warning(
                    "\n".join([report.summary(), *[o.line() for o in report.bad]])
                )
            self.refresh()

        self.app.run_in_background(job, done, progress=self.view.show_progress)

    # -- the list of offices -------------------------------------------------------------
    def import_offices(self, replace: bool = False) -> None:
        path = self.view.ask_office_list()
        if not path or self.store is None:
            return
        from counter_app.catalog.import_files import CatalogueImportError

        try:
            listed = read_office_list(path)
        except CatalogueImportError as exc:
            self.app.show_error(str(exc))
            return
        added, updated = import_office_list(self.store, listed, replace=replace)
        message = tr("{added} offices added, {updated} updated; {rejected} rows not used.").format(
            added=added, updated=updated, rejected=len(listed.rejected)
        )
        self.app.show_info(message)
        self.refresh_board()

    def save_office(self, code: str, name: str, kind: str, parent: str, expected: bool) -> bool:
        if self.store is None:
            return False
        try:
            set_office(self.store, code, name, kind, parent, expected)
        except ValueError as exc:
            self.app.show_error(str(exc))
            return False
        self.app.toast(tr("Saved."))
        self.refresh_board()
        return True

    # -- reports --------------------------------------------------------------------------
    def choose_kind(self, kind: str) -> None:
        self.kind = kind if kind in ("week", "month", "quarter") else "week"
        self.periods = period_choices(self.kind, self._today())
        self.view.show_period_choices([p.label for p in self.periods], 0)

    def selected_period(self) -> Period | None:
        index = self.view.get_period_index()
        return self.periods[index] if 0 <= index < len(self.periods) else None

    def write_report(self) -> None:
        period = self.selected_period()
        if period is None or self.store is None or self.working:
            if period is None:
                self.app.show_error(tr("Choose a period first."))
            return
        from counter_app.province.report import export_province

        office = load_office(self.app.store)
        document = load_document_settings(self.app.store)
        formats = report_formats(self.app.store)
        now = self.clock()
        try:
            reader = self.store.reader()
        except Exception as exc:  # noqa: BLE001
            self.app.show_error(str(exc) or repr(exc))
            return

        def job(progress: Callable[[float, str], None]) -> Any:
            try:
                return export_province(
                    reader,
                    period,
                    office,
                    formats=formats,
                    document=document,
                    now=now,
                    progress=progress,
                )
            finally:
                reader.close()

        self.working = True
        self.view.show_working(tr("Writing the report…"))

        def done(result: Any, error: BaseException | None) -> None:
            self.working = False
            if error is not None:
                self.view.show_idle("")
                self.app.show_error(str(error) or repr(error))
                return
            self.last_export = result.paths[-1]
            names = ", ".join(p.name for p in result.paths)
            self.view.show_idle(tr("Saved: {name}").format(name=names))
            self.app.toast(tr("Report saved: {name}").format(name=names))

        self.app.run_in_background(job, done, progress=self.view.show_progress)

    def export_csv(self) -> None:
        folder = self.view.ask_csv_folder()
        if not folder or self.store is None or self.working:
            return
        from counter_app.province.export_csv import export_csv

        target = Path(folder)

        def work(reader: Any) -> dict[str, int]:
            return export_csv(reader, target)

        def done(counts: dict[str, int]) -> None:
            self.last_export = target / "README.md"
            self.app.show_info(
                tr("The dataset was written to {folder}: {sessions} sessions.").format(
                    folder=target, sessions=counts.get("sessions.csv", 0)
                )
            )

        self._read(work, done, key="province.csv")

    def open_exports(self) -> None:
        open_exports_folder(self.app, self.view, self.last_export)


__all__ = ["ProvincePresenter", "ProvinceView", "board_lines", "period_kinds"]
