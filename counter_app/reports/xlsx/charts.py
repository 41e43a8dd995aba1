"""The charts sheet: three charts (sessions per day, top procedures, top barriers), each
beside the small table it draws, so it prints readably."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from counter_app.reports import labels as L
from counter_app.reports.aggregate import Report
from counter_app.reports.xlsx.cells import FORMATS, HEADER_FILL, merge_put, print_setup, put
from counter_app.reports.xlsx.tables import sheet_heading

SHORT_DAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
BLOCK_ROWS = 26  # rows a chart takes, so the next block starts below it


@dataclass
class ChartBlock:
    title: str
    category_header: str
    value_header: str
    data: list[tuple[str, int]]
    style: str  # "col": columns (a line over a long period), "bar": horizontal bars


def short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def chart_blocks(report: Report) -> list[ChartBlock]:
    days = report.tables["days"].rows
    long_period = len(days) > 31
    per_day = [
        (f"{d:%d/%m}" if long_period else f"{SHORT_DAYS[d.weekday()]} {d:%d/%m}", n)
        for d, _weekday, n, *_rest in days
    ]
    procedures = [(short(name), c) for _, name, c in report.top_procedures]
    barriers = [(short(label), c) for label, c in report.top_barriers]
    return [
        ChartBlock(L.CHART_DAYS, L.COL_DATE, L.COL_SESSIONS, per_day, "col"),
        ChartBlock(L.CHART_PROCEDURES, L.COL_PROCEDURE, L.COL_PROCEDURES, procedures, "bar"),
        ChartBlock(L.CHART_BARRIERS, L.COL_BARRIER, L.COL_PROCEDURES, barriers, "bar"),
    ]


def write_charts(ws: Worksheet, report: Report) -> None:
    sheet_heading(ws, L.SHEET_CHARTS, report, 3)
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 3
    long_period = len(report.tables["days"].rows) > 31
    row = 4
    anchor_rows = []
    for block in chart_blocks(report):
        first, last = _block_table(ws, block, row)
        if block.data:
            chart = _chart(block, long_period)
            chart.add_data(
                Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True
            )
            chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
            ws.add_chart(chart, f"D{row}")
        anchor_rows.append(row)
        row = max(last + 2, row + BLOCK_ROWS)
    print_setup(ws, "1:2")
    for r in anchor_rows[1:]:
        ws.row_breaks.append(Break(id=r - 1))


def _block_table(ws: Worksheet, block: ChartBlock, row: int) -> tuple[int, int]:
    """Title, headers and data of one block; returns its first and last data rows."""
    merge_put(ws, row, 1, 2, block.title, size=12, bold=True)
    put(ws, row + 1, 1, block.category_header, bold=True, border=True, fill=HEADER_FILL)
    put(ws, row + 1, 2, block.value_header, bold=True, border=True, fill=HEADER_FILL)
    first = row + 2
    for i, (label, value) in enumerate(block.data):
        put(ws, first + i, 1, label, border=True)
        put(ws, first + i, 2, value, fmt=FORMATS["int"], border=True)
    return first, first + max(len(block.data), 1) - 1


def _chart(block: ChartBlock, long_period: bool) -> BarChart | LineChart:
    chart: BarChart | LineChart
    if block.style == "col" and long_period:
        chart = LineChart()
    else:
        chart = BarChart()
        chart.type = block.style
        chart.gapWidth = 60
        if block.style == "bar":
            chart.y_axis.scaling.orientation = "minMax"
            chart.x_axis.scaling.orientation = "maxMin"
        chart.dataLabels = DataLabelList()
        chart.dataLabels.showVal = True
        chart.dataLabels.showCatName = False
        chart.dataLabels.showSerName = False
        chart.dataLabels.showLegendKey = False
    chart.title = block.title
    chart.legend = None
    chart.style = 10
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.y_axis.majorGridlines = None
    chart.width = 22
    chart.height = 12
    return chart
