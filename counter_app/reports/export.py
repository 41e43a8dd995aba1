"""The one way a report is exported, for the command line and the Reports screen alike:
read the period from a store (``compute``), then write the workbook (``write_workbook``)
under a name that is free."""

from __future__ import annotations

from pathlib import Path

from counter_app.reports.aggregate import Report, build_report
from counter_app.reports.period import Period
from counter_app.reports.records import SessionRec
from counter_app.reports.source import (
    load_lookups,
    load_office,
    load_sessions,
    load_totals,
    snapshot,
)
from counter_app.reports.xlsx.publish import default_name, unique_path
from counter_app.reports.xlsx.workbook import Progress, ReportTooLargeError, write_workbook
from counter_app.storage.database import Store

__all__ = ["Progress", "ReportTooLargeError", "compute", "export_report", "write_workbook"]


def compute(store: Store, period: Period) -> tuple[Report, list[SessionRec]]:
    """Read the period (and the previous one's totals) from ``store`` and aggregate; one
    read transaction, so a session saved meanwhile is wholly in or wholly out."""
    with snapshot(store):
        info = load_office(store)
        sessions = load_sessions(store, period.start, period.end)
        prev = period.previous()
        prev_totals = load_totals(store, prev.start, prev.end)
        lookups = load_lookups(store)
    return build_report(sessions, lookups, period, info, prev_totals), sessions


def export_report(
    store: Store, period: Period, out: Path | None = None, *, progress: Progress | None = None
) -> Path:
    """Write the report of ``period`` as .xlsx and return its path.

    Default place: ``paths.exports_dir()/BaoCao_Tuan47-2026_<office-code>.xlsx``; an
    existing file is never overwritten: " (2)", " (3)"… are added. ``progress(fraction,
    message)`` is called from the calling thread."""
    from counter_app import paths

    if progress:
        progress(0.0, "read")
    report, sessions = compute(store, period)
    if out is None:
        out = paths.exports_dir() / default_name(period, report.office.code)
    return write_workbook(report, sessions, unique_path(Path(out)), progress)
