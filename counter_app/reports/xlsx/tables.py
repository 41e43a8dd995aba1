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
    TOTAL_FILL,
    header_cell,
    lines,
    merge_put,
    print_setup,
    put,
)

TOTAL_LABEL = "Tổng cộng"

# (sheet name, heading, table keys) in the order of the workbook
TABLE_SHEETS: list[tuple[str, str, list[str]]] = [
    (L.SHEET_PROCEDURES, L.T_PROCEDURES, ["procedures"]),
    ("Lĩnh vực - Kết quả", "Theo lĩnh vực và kết quả", ["fields", "outcomes"]),
    (L.SHEET_TIME, L.SHEET_TIME, ["days", "weekdays", "hours"]),
    (L.SHEET_PEOPLE, L.SHEET_PEOPLE, ["officers", "counters"]),
    (L.SHEET_HELP, L.SHEET_HELP, ["help_types", "barriers"]),
    (
        L.SHEET_CHANNELS,
        L.SHEET_CHANNELS,
        ["channels", "portals", "groups", "self_reliance", "satisfaction"],
    ),
]
OFFICES_SHEET = (L.SHEET_OFFICES, L.T_OFFICES, ["offices"])  # consolidated reports only


def sheet_heading(ws: Worksheet, title: str, report: Report, width: int) -> None:
    """Rows 1–2 of a sheet: its title, then the period and who reports."""
    merge_put(ws, 1, 1, max(width, 6), title.upper(), size=13, bold=True)
    who = (
        report.office.name
        if not report.consolidated
        else L.CONSOLIDATED_OF.format(n=len(report.offices))
    )
    merge_put(ws, 2, 1, max(width, 6), f"{report.period.label} — {who}", size=11, italic=True)


def write_tables_sheet(ws: Worksheet, report: Report, title: str, keys: list[str]) -> None:
    tables = [report.tables[k] for k in keys if k in report.tables]
    width = max(len(t.columns) for t in tables)
    sheet_heading(ws, title, report, width)
    row = 4
    single = len(tables) == 1
    for t in tables:
        header_row = row if single else row + 1
        row = write_table(ws, t, row, filter_=single, title=not single)
        if single:
            ws.freeze_panes = f"A{header_row + 1}"
            ws.print_title_rows = f"1:{header_row}"
    if not single:
        ws.freeze_panes = "A4"
        ws.print_title_rows = "1:2"
    print_setup(ws, ws.print_title_rows)


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
                v,
                fmt=FORMATS.get(col.kind) if col.kind != "text" else None,
                border=True,
                wrap=col.kind == "text",
                align="center" if col.kind == "date" else None,
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
    for i, col in enumerate(table.columns[1:], 1):
        if col.rate_of is not None:
            num, den = (table.column_sum(table.column_of(role)) for role in col.rate_of)
            values.append(num / den if den else None)
        else:
            values.append(table.column_sum(i) if col.summed else None)
    return values


def _total_row(ws: Worksheet, table: Table, row: int) -> None:
    put(ws, row, 1, TOTAL_LABEL, bold=True, border=True, fill=TOTAL_FILL)
    for c, (col, v) in enumerate(zip(table.columns[1:], total_values(table), strict=True), 2):
        fmt = FORMATS["pct"] if col.rate_of is not None else FORMATS["int"]
        put(ws, row, c, v, fmt=fmt, bold=True, border=True, fill=TOTAL_FILL)
