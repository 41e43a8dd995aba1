"""The whole workbook: cover, breakdown sheets, charts, the detail sheet and the hidden
machine-readable data sheet (docs/PRODUCT.md §5). Every number is a value; every text a
person typed is written as text; nothing partial ever appears at the destination.

The small sheets are written with openpyxl into a skeleton file; the two large ones are
streamed into it by ``xlsxstream.splice``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from counter_app import __version__
from counter_app.i18n import tr
from counter_app.reports import labels as L
from counter_app.reports.aggregate import Report
from counter_app.reports.datasheet import data_rows
from counter_app.reports.records import SessionRec
from counter_app.reports.sentences import sentences
from counter_app.reports.xlsx.charts import write_charts
from counter_app.reports.xlsx.cover import write_cover
from counter_app.reports.xlsx.detail import (
    count_detail_rows,
    detail_heights,
    detail_rows,
    empty_columns,
    prepare_detail,
)
from counter_app.reports.xlsx.publish import publish, temp_files
from counter_app.reports.xlsx.tables import OFFICES_SHEET, TABLE_SHEETS, write_tables_sheet
from counter_app.reports.xlsxstream import BigSheet, splice

Progress = Callable[[float, str], None]
EXCEL_MAX_ROWS = 1_048_576
DATA_COLUMNS = 24  # the data sheet's widest row (the session rows) and a margin


class ReportTooLargeError(ValueError):
    """More rows than one Excel sheet holds; ``str()`` is the Vietnamese message."""

    def __init__(self, rows: int):
        self.rows = rows
        super().__init__(
            tr(
                "The report would need {rows} rows on one sheet, more than Excel can open "
                "({limit}). Nothing was written; choose a shorter period or fewer files."
            ).format(
                rows=f"{rows:,}".replace(",", "."), limit=f"{EXCEL_MAX_ROWS:,}".replace(",", ".")
            )
        )


def check_sheet_sizes(report: Report, sessions: list[SessionRec]) -> None:
    """Excel silently drops (or "repairs" away) rows past its limit: refuse beforehand."""
    procedures = sum(len(s.procedures) for s in sessions)
    detail = 3 + count_detail_rows(sessions)
    data = (
        20
        + len(report.tombstones)
        + len(report.lookups.records())
        + len({s.office_code for s in sessions})
        + len({p.code for s in sessions for p in s.procedures})
        + len(sessions)
        + procedures
    )
    biggest = max(detail, data)
    if biggest > EXCEL_MAX_ROWS:
        raise ReportTooLargeError(biggest)


def write_workbook(
    report: Report,
    sessions: list[SessionRec],
    out: Path,
    progress: Progress | None = None,
    extra: Callable[[Workbook], None] | None = None,
) -> Path:
    """Write the workbook to ``out`` (or ``out (2)``… if a file of that name appeared
    meanwhile) and return where it went; nothing partial ever appears there."""
    check_sheet_sizes(report, sessions)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    total_rows = count_detail_rows(sessions) * 2 + len(sessions) + 50
    done = [0]

    def tick(n: int) -> None:
        done[0] += n
        if progress:
            progress(min(0.3 + 0.68 * done[0] / total_rows, 0.98), "rows")

    if progress:
        progress(0.1, "sheets")
    wb, big = skeleton(report, sessions, extra)
    with temp_files(out.parent, ".~skel_", ".~report_") as (skeleton_file, tmp):
        wb.save(skeleton_file)
        if progress:
            progress(0.3, "rows")
        splice(skeleton_file, tmp, big, tick)
        out = publish(tmp, out)
    if progress:
        progress(1.0, "done")
    return out


def skeleton(
    report: Report,
    sessions: list[SessionRec],
    extra: Callable[[Workbook], None] | None = None,
) -> tuple[Workbook, list[BigSheet]]:
    """Every sheet but the rows of the two large ones, and those rows to stream in;
    ``extra(wb)`` adds sheets of its own before the detail (the province's)."""
    wb = Workbook()
    cover = wb.active
    cover.title = L.SHEET_SUMMARY
    write_cover(cover, report, sentences(report))
    for name, key in TABLE_SHEETS:
        if key in report.tables:
            write_tables_sheet(wb.create_sheet(name), report, key)
    write_charts(wb.create_sheet(L.SHEET_CHARTS), report)
    if report.consolidated:
        name, key = OFFICES_SHEET
        write_tables_sheet(wb.create_sheet(name), report, key)
    if extra is not None:
        extra(wb)
    detail = wb.create_sheet(L.SHEET_DETAIL)
    empty = empty_columns(sessions)
    first = prepare_detail(detail, report, count_detail_rows(sessions), empty)
    data = wb.create_sheet(L.SHEET_DATA)
    data.sheet_state = "hidden"
    for c in range(1, DATA_COLUMNS + 1):  # template rows: no style, then the quote prefix
        data.cell(1, c, 0)
        data.cell(2, c, 0).quotePrefix = True
    wb.active = 0
    names = wb.sheetnames
    rows = data_rows(
        report.period,
        report.office,
        sessions,
        report.lookups,
        report.prev_totals,
        consolidated=report.consolidated,
        app_version=__version__,
        generated_at=report.generated_at,
        tombstones=report.tombstones,
    )
    big = [
        BigSheet(
            names.index(L.SHEET_DETAIL),
            detail_rows(report, sessions, empty),
            first,
            quote_template=True,
            row_height=detail_heights(report, empty),
        ),
        BigSheet(names.index(L.SHEET_DATA), rows, 1, quote_template=True),
    ]
    return wb, big
