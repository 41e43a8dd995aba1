"""The one way a report is exported, for the command line and the Reports screen alike:
count what the period holds (refusing at once a report no Excel sheet could hold), read
it from a store (``compute``), then write the Word report and/or the workbook (its annex)
under names that are free."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from counter_app.reports.aggregate import Report, build_report
from counter_app.reports.period import Period
from counter_app.reports.records import SessionRec
from counter_app.reports.source import (
    count_rows,
    load_lookups,
    load_office,
    load_sessions,
    load_tombstones,
    load_totals,
    snapshot,
)
from counter_app.reports.xlsx import workbook as _workbook
from counter_app.reports.xlsx.publish import default_name, unique_path
from counter_app.reports.xlsx.workbook import Progress, ReportTooLargeError, write_workbook
from counter_app.services.report_document import export_notes, load_document_settings
from counter_app.storage.database import Store

__all__ = [
    "FORMATS",
    "ExportResult",
    "Progress",
    "ReportTooLargeError",
    "compute",
    "export_documents",
    "export_report",
    "refuse_if_too_large",
    "write_workbook",
]
FORMATS = ("docx", "xlsx")
DATA_SHEET_EXTRA_ROWS = 200  # meta, lookup and catalogue rows of the data sheet, at most


@dataclass
class ExportResult:
    period: Period
    files: dict[str, Path] = field(default_factory=dict)  # "docx"/"xlsx" → where it went
    sessions: int = 0

    @property
    def paths(self) -> list[Path]:
        return [self.files[f] for f in FORMATS if f in self.files]


def write_files(
    report: Report,
    sessions: list[SessionRec],
    base: Path,
    formats: Sequence[str],
    *,
    progress: Progress | None = None,
    extra: Any = None,
    content: Any = None,
) -> dict[str, Path]:
    """The workbook and/or the Word report beside it, under names that are free (an
    office's report, a consolidation, the province's); the pair or nothing: when the
    second cannot be written the first is removed, since a workbook without its report
    (or a report without its annex) would be sent alone. ``extra`` adds sheets to the
    workbook, ``content`` is what the Word report says when it is more than the office
    report's."""
    from counter_app.reports.docx import write_document

    files: dict[str, Path] = {}
    try:
        if "xlsx" in formats:
            files["xlsx"] = write_workbook(
                report, sessions, unique_path(base.with_suffix(".xlsx")), progress, extra
            )
        if "docx" in formats:
            files["docx"] = write_document(
                report, sessions, unique_path(base.with_suffix(".docx")), content
            )
    except BaseException:
        for written in files.values():
            written.unlink(missing_ok=True)
        raise
    return files


def refuse_if_too_large(sessions: int, procedures: int, detail_rows: int) -> None:
    """Refuse from the counts alone, before a row is loaded: the detail sheet (a row per
    procedure) and the data sheet (a row per session and per procedure) must fit in one
    Excel sheet. A year of a big province took minutes and a gigabyte to be refused."""
    detail = 3 + detail_rows
    data = DATA_SHEET_EXTRA_ROWS + sessions + procedures
    biggest = max(detail, data)
    if biggest > _workbook.EXCEL_MAX_ROWS:
        raise ReportTooLargeError(biggest)


def compute(
    store: Store, period: Period, *, with_annex: bool = False, check_size: bool = False
) -> tuple[Report, list[SessionRec]]:
    """Read the period (and the previous one's totals) from ``store`` and aggregate; one
    read transaction, so a session saved meanwhile is wholly in or wholly out."""
    with snapshot(store):
        if check_size:
            refuse_if_too_large(*count_rows(store, period.start, period.end))
        info = load_office(store)
        sessions = load_sessions(store, period.start, period.end, notes=export_notes(store))
        prev = period.previous()
        prev_totals = load_totals(store, prev.start, prev.end)
        lookups = load_lookups(store)
        document = load_document_settings(store)
        tombstones = load_tombstones(store, period.start, period.end)
    report = build_report(sessions, lookups, period, info, prev_totals)
    report.document = document
    report.with_annex = with_annex
    report.tombstones = tombstones
    return report, sessions


def export_report(
    store: Store, period: Period, out: Path | None = None, *, progress: Progress | None = None
) -> Path:
    """Write the workbook of ``period`` and return its path (the Excel file alone; see
    ``export_documents`` for the Word report).

    Default place: ``paths.exports_dir()/BaoCao_Tuan47-2026_<office-code>.xlsx``; an
    existing file is never overwritten: " (2)", " (3)"… are added. ``progress(fraction,
    message)`` is called from the calling thread."""
    result = export_documents(store, period, out, formats=("xlsx",), progress=progress)
    return result.files["xlsx"]


def export_documents(
    store: Store,
    period: Period,
    out: Path | None = None,
    *,
    formats: Sequence[str] = FORMATS,
    progress: Progress | None = None,
    now: datetime | None = None,
) -> ExportResult:
    """Write the Word report and/or the workbook of ``period``.

    ``out`` names the file (its suffix is replaced for each format) or is None for the
    exports folder. The report is refused before anything is read when a sheet would
    pass Excel's row limit (only when a workbook is asked for: the Word report holds the
    figures, not the rows)."""
    from counter_app import paths

    chosen = [f for f in FORMATS if f in formats]
    if not chosen:
        raise ValueError("no format")
    if progress:
        progress(0.0, "read")
    report, sessions = compute(
        store, period, with_annex="xlsx" in chosen, check_size="xlsx" in chosen
    )
    if now is not None:
        report.generated_at = now.replace(microsecond=0)
    result = ExportResult(period, sessions=len(sessions))
    base = (
        Path(out)
        if out is not None
        else paths.exports_dir() / default_name(period, report.office.code)
    )
    docx_only = chosen == ["docx"]

    def scaled(fraction: float, message: str) -> None:
        if progress:
            progress(0.9 * fraction, message)

    result.files = write_files(
        report, sessions, base, chosen, progress=scaled if progress else None
    )
    if progress:
        progress(1.0, "done" if not docx_only else "docx")
    return result
