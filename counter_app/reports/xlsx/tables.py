"""The breakdown sheets: each ``Table`` of the aggregation as a boxed table with a total
row where its columns add up (known from the columns' roles, never from header text)."""

from __future__ import annotations

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from counter_app.reports import labels as L
from counter_app.reports.aggregate import Report
from counter_app.reports.table import Column, Table
from counter_app.reports.xlsx.cells import (
    FORMATS,
    TEXT_FIGURES,
    TOTAL_FILL,
    figure_value,
    header_cell,
    lines,
    merge_put,
    print_setup,
    put,
)

TOTAL_LABEL = "Tổng cộng"
HEADING_ROWS = 2  # title, then period and who reports
FIRST_ROW = 4  # the table's header row

# (sheet name, table key) in the order of the workbook: one table per sheet, so that its
# column headers repeat at the top of every printed page (Excel repeats one row range
# per sheet; a second table on the sheet would print its page 2 without headers).
TABLE_SHEETS: list[tuple[str, str]] = [
    (L.SHEET_PROCEDURES, "procedures"),
    (L.SHEET_FIELDS, "fields"),
    (L.SHEET_OUTCOMES, "outcomes"),
    (L.SHEET_WEEKS, "weeks"),
    (L.SHEET_DAYS, "days"),
    (L.SHEET_WEEKDAYS, "weekdays"),
    (L.SHEET_HOURS, "hours"),
    (L.SHEET_OFFICERS, "officers"),
    (L.SHEET_COUNTERS, "counters"),
    (L.SHEET_HELP, "help_types"),
    (L.SHEET_BARRIERS, "barriers"),
    (L.SHEET_CHANNELS, "channels"),
    (L.SHEET_PORTALS, "portals"),
    (L.SHEET_GROUPS, "groups"),
    (L.SHEET_SELF_RELIANCE, "self_reliance"),
    (L.SHEET_SATISFACTION, "satisfaction"),
]
OFFICES_SHEET = (L.SHEET_OFFICES, "offices")  # consolidated reports only


def sheet_heading(ws: Worksheet, title: str, report: Report, width: int) -> None:
    """Rows 1–2 of a sheet: its title, then the period and who reports."""
    merge_put(ws, 1, 1, max(width, 6), title.upper(), size=13, bold=True)
    who = (
        report.office.name
        if not report.consolidated
        else L.CONSOLIDATED_OF.format(n=len(report.offices))
    )
    merge_put(ws, 2, 1, max(width, 6), f"{report.period.label} — {who}", size=11, italic=True)


def write_tables_sheet(ws: Worksheet, report: Report, key: str) -> None:
    """One table of the report on its own sheet (see ``write_table_sheet``)."""
    write_table_sheet(ws, report, report.tables[key])


def write_table_sheet(ws: Worksheet, report: Report, table: Table) -> None:
    """One table on its own sheet: heading, the table with a filter, frozen and repeated
    headers; text columns empty on every row are left out."""
    table = table.without_empty_columns()
    sheet_heading(ws, table.title, report, len(table.columns))
    write_table(ws, table, FIRST_ROW, filter_=True, title=False)
    ws.freeze_panes = f"A{FIRST_ROW + 1}"
    print_setup(ws, f"1:{FIRST_ROW}")


def write_table(
    ws: Worksheet, table: Table, row: int, *, filter_: bool = False, title: bool = True
) -> int:
    """Render ``table`` from ``row``; return the next free row."""
    ncol = len(table.columns)
    if title:
        merge_put(ws, row, 1, ncol, table.title, size=12, bold=True)
        row += 1
    header = row
    _header_row(ws, table.columns, row)
    row = _data_rows(ws, table, row)
    last_data = row
    if not table.rows:  # an empty table says so instead of ending at its header
        row += 1
        merge_put(ws, row, 1, ncol, L.NO_DATA, italic=True, border=True)
    if table.has_total and table.rows:
        row += 1
        _total_row(ws, table, row)
    if filter_ and table.rows:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(ncol)}{last_data}"
    if table.note:
        row += 1
        merge_put(ws, row, 1, ncol, table.note, size=10, italic=True, wrap=True)
        total_w = sum(c.width for c in table.columns)
        ws.row_dimensions[row].height = 13.5 * lines(table.note, total_w * 1.05) + 3
    return row + 2


def _header_row(ws: Worksheet, columns: list[Column], row: int) -> None:
    for c, col in enumerate(columns, 1):
        header_cell(ws, row, c, col.header)
        dim = ws.column_dimensions[get_column_letter(c)]
        dim.width = max(dim.width or 0, col.width)
    ws.row_dimensions[row].height = 31


def _data_rows(ws: Worksheet, table: Table, row: int) -> int:
    """One row per table row after ``row``; returns the last row written."""
    wrapped = [i for i, col in enumerate(table.columns) if col.kind == "text"]
    for values in table.rows:
        row += 1
        for c, (col, v) in enumerate(zip(table.columns, values, strict=False), 1):
            put(
                ws,
                row,
                c,
                figure_value(v, col.kind),
                fmt=FORMATS.get(col.kind) if col.kind != "text" else None,
                border=True,
                wrap=col.kind == "text",
                align=_align(col),
            )
        height = max(
            [lines(str(values[i] or ""), table.columns[i].width, 0.8) for i in wrapped] or [1]
        )
        if height > 1:
            ws.row_dimensions[row].height = 15 * height + 1
    return row


def total_values(table: Table) -> list[int | float | None]:
    """The total row after its label: sums of the summed columns, rates recomputed from
    the sums of their numerator and denominator (values, not formulas), else blank."""
    values: list[int | float | None] = []
    first = table.label_index + 1
    for i, col in enumerate(table.columns[first:], first):
        if col.rate_of is not None:
            num, den = (table.column_sum(table.column_of(role)) for role in col.rate_of)
            values.append(num / den if den else None)
        else:
            values.append(table.column_sum(i) if col.summed else None)
    return values


def _total_row(ws: Worksheet, table: Table, row: int) -> None:
    """ "Tổng cộng" in the first column (over the STT and label columns, merged), then the
    totals."""
    label_end = table.label_index + 1
    for c in range(2, label_end + 1):
        put(ws, row, c, None, border=True, fill=TOTAL_FILL)
    merge_put(ws, row, 1, label_end, TOTAL_LABEL, bold=True, border=True, fill=TOTAL_FILL)
    first = label_end + 1
    columns = table.columns[label_end:]
    for c, (col, v) in enumerate(zip(columns, total_values(table), strict=True), first):
        put(
            ws,
            row,
            c,
            figure_value(v, "pct" if col.rate_of is not None else "int"),
            fmt=FORMATS["int"],
            bold=True,
            border=True,
            fill=TOTAL_FILL,
            align="right",
        )


def _align(col: Column) -> str | None:
    """Dates and row numbers centred; figures written as text right-aligned like numbers."""
    if col.kind == "date" or col.role == "no":
        return "center"
    return "right" if col.kind in TEXT_FIGURES else None
