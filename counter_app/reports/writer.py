"""The report workbook (DESIGN.md §5) with openpyxl; large sheets streamed by xlsxstream.

Sheets: administrative cover (Decree 30/2020 style), breakdown sheets, charts, the detail
sheet (one row per session-procedure), and the hidden machine-readable data sheet.
Every number is a value; every text a person typed is written as text; nothing partial
ever appears at the destination (temporary file, then ``os.replace``).
"""

from __future__ import annotations

import copy
import functools
import math
import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, time
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from counter_app import __version__
from counter_app.i18n import tr
from counter_app.reports import labels as L
from counter_app.reports.aggregate import Report, Table, Totals, build_report
from counter_app.reports.datasheet import data_rows
from counter_app.reports.period import Period
from counter_app.reports.records import SessionRec
from counter_app.reports.sentences import sentences
from counter_app.reports.xlsxstream import BigSheet, Raw, clean_text, flag_cells, splice

Progress = Callable[[float, str], None]
FONT_NAME = "Times New Roman"
FORMULA_LEADS = ("=", "+", "-", "@")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
FORMATS = {
    "int": "#,##0",
    "pct": "0.0%",
    "dec": "#,##0.0",
    "date": "dd/mm/yyyy",
    "time": "hh:mm",
    "text": "@",
}


@functools.cache
def font(size: float = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value,
    *,
    fmt: str | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float = 11,
    align: str | None = None,
    wrap: bool = False,
    border: bool = False,
    fill: PatternFill | None = None,
):
    """Write one cell. Strings are always text: a note starting with "=" stays a note.

    Styles are built once per combination and copied afterwards: setting openpyxl style
    objects cell by cell costs more than everything else on the small sheets."""
    cell = ws.cell(row=row, column=col)
    quote = False
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        cell.data_type = "s"
        quote = value.startswith(FORMULA_LEADS)
    else:
        cell.value = value
    # style ids index the workbook's own tables, so the cache lives on the workbook
    cache = ws.parent.__dict__.setdefault("_report_style_cache", {})
    key = (
        fmt,
        bold,
        italic,
        size,
        align,
        wrap,
        border,
        None if fill is None else fill.fgColor.rgb,
        quote,
    )
    cached = cache.get(key)
    if cached is not None:
        cell._style = copy.copy(cached)
        return cell
    if fmt:
        cell.number_format = fmt
    cell.font = font(size, bold, italic)
    cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=wrap)
    if border:
        cell.border = BOX
    if fill is not None:
        cell.fill = fill
    if quote:
        cell.quotePrefix = True
    cache[key] = copy.copy(cell._style)
    return cell


def _merge_put(ws: Worksheet, row: int, c1: int, c2: int, value, **kw) -> None:
    put(ws, row, c1, value, **kw)
    if c2 > c1:
        ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)


def _print_setup(
    ws: Worksheet, title_rows: str | None = None, portrait: bool = False, fit: bool = True
) -> None:
    ws.page_setup.orientation = "portrait" if portrait else "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    # fit: one page wide; otherwise (the wide detail sheet) three pages wide, left to right
    ws.page_setup.fitToWidth = 1 if fit else 3
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    if not fit:
        ws.page_setup.pageOrder = "overThenDown"
    # Decree 30 margins: left 3 cm, right 1.5 cm, top/bottom 2 cm (portrait cover);
    # a little narrower for landscape tables.
    ws.page_margins.left = 1.18 if portrait else 0.79
    ws.page_margins.right = 0.59
    ws.page_margins.top = 0.79 if portrait else 0.71
    ws.page_margins.bottom = 0.79 if portrait else 0.71
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "Trang &P/&N"
    ws.oddFooter.center.font = FONT_NAME
    ws.oddFooter.center.size = 10
    if title_rows:
        ws.print_title_rows = title_rows


def _lines(text: str, width_chars: float, factor: float = 1.08) -> int:
    """Estimated wrapped lines (Excel and LibreOffice keep row heights as given)."""
    return max(1, math.ceil(len(text) * factor / max(width_chars, 1)))


# --- cover ------------------------------------------------------------------------------
COVER_WIDTHS = [5, 37, 11.5, 11.5, 12, 11]


def place_and_date(province: str, day: date) -> str:
    """ "Đồng Tháp, ngày 05 tháng 02 năm 2026": Decree 30 zero-pads days below 10 and the
    months 1 and 2 only; the province's administrative prefix is dropped."""
    place = province.strip()
    for prefix in ("Tỉnh ", "tỉnh ", "Thành phố ", "thành phố ", "TP. ", "TP "):
        if place.startswith(prefix):
            place = place[len(prefix) :]
            break
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    when = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {when}" if place else when.capitalize()


def _delta_cells(kf) -> tuple:
    if kf.delta is None:
        return (L.NO_PREVIOUS if kf.previous is None else None), None
    return kf.delta, kf.relative


def write_cover(ws: Worksheet, report: Report, remarks: list[str]) -> None:
    ws.sheet_view.showGridLines = False
    for i, w in enumerate(COVER_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    office = report.office
    left_top = (office.parent_body or "").upper()
    left_name = (
        (L.COL_OFFICE.upper() + " TỔNG HỢP")
        if report.consolidated and not office.name
        else (office.name or "").upper()
    )
    _merge_put(ws, 1, 1, 2, left_top, size=12, align="center")
    _merge_put(ws, 1, 3, 6, L.NATIONAL_1, size=12, bold=True, align="center")
    _merge_put(ws, 2, 1, 2, left_name, size=12, bold=True, align="center", wrap=True)
    _merge_put(ws, 2, 3, 6, L.NATIONAL_2, size=13, bold=True, align="center")
    ws.cell(2, 1).alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    ws.row_dimensions[2].height = 16 * _lines(left_name, 40) + 2
    _merge_put(ws, 3, 1, 2, "—————", size=12, align="center")
    _merge_put(ws, 3, 3, 6, "———————————", size=12, align="center")
    code = office.code if not report.consolidated else "TH"
    _merge_put(ws, 4, 1, 2, L.NUMBER_LINE + code, size=13, align="center")
    _merge_put(
        ws,
        4,
        3,
        6,
        place_and_date(office.province, report.generated_at.date()),
        size=13,
        italic=True,
        align="center",
    )
    title = L.TITLE_CONSOLIDATED if report.consolidated else L.TITLE
    _merge_put(ws, 6, 1, 6, title, size=14, bold=True, align="center", wrap=True)
    ws.row_dimensions[6].height = 20 * _lines(title, 84, 1.3) + 4
    _merge_put(ws, 7, 1, 6, report.period.label, size=13, bold=True, align="center")
    row = 9
    if report.consolidated:
        names = "; ".join(f"{o.name} ({o.code})" for o in report.offices)
        text = L.SECTION_OFFICES.format(n=len(report.offices), names=names)
        _merge_put(ws, row, 1, 6, text, size=12, italic=True, wrap=True)
        ws.row_dimensions[row].height = 17 * _lines(text, 80) + 4
        row += 2
    _merge_put(ws, row, 1, 6, L.SECTION_FIGURES, size=13, bold=True)
    row += 1
    prev_name = report.previous.name
    heads = [L.COL_NO, L.COL_INDICATOR, report.period.name, prev_name, L.COL_DELTA, L.COL_DELTA_PCT]
    for c, h in enumerate(heads, 1):
        put(
            ws,
            row,
            c,
            h,
            size=12,
            bold=True,
            align="center",
            wrap=True,
            border=True,
            fill=HEADER_FILL,
        )
        ws.cell(row, c).alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
    ws.row_dimensions[row].height = 34
    n = 0
    for kf in report.key_figures():
        row += 1
        sub = kf.label.startswith(" ")
        if not sub:
            n += 1
        fmt = FORMATS[kf.kind]
        put(ws, row, 1, None if sub else n, size=12, align="center", border=True)
        put(ws, row, 2, kf.label.strip(), size=12, italic=sub, border=True, wrap=True)
        if sub:
            ws.cell(row, 2).alignment = Alignment(indent=2, vertical="center", wrap_text=True)
        # a rate of an empty period is not defined: "—" as for the previous period, not a
        # blank cell a reader takes for a figure someone forgot to fill in
        put(
            ws,
            row,
            3,
            kf.current if kf.current is not None else L.NO_PREVIOUS,
            fmt=fmt,
            size=12,
            bold=not sub,
            align="right",
            border=True,
        )
        put(
            ws,
            row,
            4,
            kf.previous if kf.previous is not None else L.NO_PREVIOUS,
            fmt=fmt,
            size=12,
            align="right",
            border=True,
        )
        delta, rel = _delta_cells(kf)
        dfmt = {
            "int": "+#,##0;−#,##0;0",
            "pct": '+0.0" điểm %";−0.0" điểm %";0',
            "dec": "+#,##0.0;−#,##0.0;0",
        }[kf.kind]
        if kf.kind == "pct" and isinstance(delta, float):
            delta = delta * 100
        put(ws, row, 5, delta, fmt=dfmt, size=12, align="right", border=True)
        put(ws, row, 6, rel, fmt="+0.0%;−0.0%;0.0%", size=12, align="right", border=True)
    row += 1
    _merge_put(ws, row, 1, 6, L.NOTE_COUNTING, size=10, italic=True, wrap=True)
    ws.row_dimensions[row].height = 13.5 * _lines(L.NOTE_COUNTING, 100) + 4
    row += 2
    _merge_put(ws, row, 1, 6, L.SECTION_REMARKS, size=13, bold=True)
    for text in remarks:
        row += 1
        _merge_put(ws, row, 1, 6, text, size=13, wrap=True)
        ws.cell(row, 1).alignment = Alignment(horizontal="justify", vertical="top", wrap_text=True)
        ws.row_dimensions[row].height = 17.5 * _lines(text, 84, 1.0) + 4
    row += 2
    sign = row
    _merge_put(ws, sign, 1, 2, L.SIGN_LEFT, size=13, bold=True, align="center")
    _merge_put(ws, sign + 1, 1, 2, L.SIGN_LEFT_HINT, size=12, italic=True, align="center")
    _merge_put(ws, sign, 3, 6, L.SIGN_RIGHT, size=13, bold=True, align="center")
    _merge_put(ws, sign + 1, 3, 6, L.SIGN_RIGHT_HINT, size=12, italic=True, align="center")
    rec = sign + 7
    _merge_put(ws, rec, 1, 2, L.RECIPIENTS, size=12, bold=True, italic=True)
    _merge_put(ws, rec + 1, 1, 2, "- " + (office.parent_body or "Lãnh đạo đơn vị") + ";", size=11)
    _merge_put(ws, rec + 2, 1, 2, L.RECIPIENT_ARCHIVE, size=11)
    gen = L.GENERATED.format(
        version=__version__, when=report.generated_at.strftime("%H:%M %d/%m/%Y")
    )
    _merge_put(ws, rec + 4, 1, 6, gen, size=9, italic=True)
    _print_setup(ws, portrait=True)
    ws.print_area = f"A1:F{rec + 4}"
    ws.freeze_panes = None


# --- breakdown sheets -------------------------------------------------------------------
TOTAL_TABLES = {
    "procedures": (4, 5, 6, 7),
    "fields": (1, 2),
    "days": (2, 3, 4),
    "weekdays": (1, 2, 3),
    "officers": (1, 2, 3),
    "counters": (1, 2, 3),
    "offices": (2, 3, 4),
}


def _sheet_heading(ws: Worksheet, title: str, report: Report, width: int) -> None:
    _merge_put(ws, 1, 1, max(width, 6), title.upper(), size=13, bold=True)
    who = (
        report.office.name
        if not report.consolidated
        else L.CONSOLIDATED_OF.format(n=len(report.offices))
    )
    _merge_put(ws, 2, 1, max(width, 6), f"{report.period.label} — {who}", size=11, italic=True)


def write_table(
    ws: Worksheet, table: Table, row: int, *, filter_: bool = False, title: bool = True
) -> int:
    """Render ``table`` from ``row``; return the next free row."""
    ncol = len(table.columns)
    if title:
        _merge_put(ws, row, 1, ncol, table.title, size=12, bold=True)
        row += 1
    header = row
    for c, col in enumerate(table.columns, 1):
        put(ws, row, c, col.header, size=11, bold=True, border=True, fill=HEADER_FILL)
        ws.cell(row, c).alignment = Alignment(
            horizontal="center", vertical="center", wrap_text=True
        )
        dim = ws.column_dimensions[get_column_letter(c)]
        dim.width = max(dim.width or 0, col.width)
    ws.row_dimensions[row].height = 31
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
        lines = max(
            [_lines(str(values[i] or ""), table.columns[i].width, 0.8) for i in wrapped] or [1]
        )
        if lines > 1:
            ws.row_dimensions[row].height = 15 * lines + 1
    last_data = row
    sums = TOTAL_TABLES.get(table.key)
    if sums and table.rows:
        row += 1
        put(ws, row, 1, "Tổng cộng", bold=True, border=True, fill=TOTAL_FILL)
        for c in range(2, ncol + 1):
            idx = c - 1
            v = None
            if idx in sums:
                v = sum(r[idx] or 0 for r in table.rows)
            put(ws, row, c, v, fmt=FORMATS["int"], bold=True, border=True, fill=TOTAL_FILL)
        # rates in the total row, computed from the sums (values, not formulas)
        for c, col in enumerate(table.columns, 1):
            if col.header == L.COL_RATE:
                proc_idx = next(
                    i for i, x in enumerate(table.columns) if x.header == L.COL_PROCEDURES
                )
                ok_idx = next(i for i, x in enumerate(table.columns) if x.header == L.COL_SUBMITTED)
                den = sum(r[proc_idx] or 0 for r in table.rows)
                num = sum(r[ok_idx] or 0 for r in table.rows)
                put(
                    ws,
                    row,
                    c,
                    num / den if den else None,
                    fmt=FORMATS["pct"],
                    bold=True,
                    border=True,
                    fill=TOTAL_FILL,
                )
    if filter_ and table.rows:
        ws.auto_filter.ref = f"A{header}:{get_column_letter(ncol)}{last_data}"
    if table.note:
        row += 1
        _merge_put(ws, row, 1, ncol, table.note, size=10, italic=True, wrap=True)
        total_w = sum(c.width for c in table.columns)
        ws.row_dimensions[row].height = 13.5 * _lines(table.note, total_w * 1.05) + 3
    return row + 2


def write_tables_sheet(ws: Worksheet, report: Report, title: str, keys: list[str]) -> None:
    tables = [report.tables[k] for k in keys if k in report.tables]
    width = max(len(t.columns) for t in tables)
    _sheet_heading(ws, title, report, width)
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
    _print_setup(ws, ws.print_title_rows)


def short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


SHORT_DAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


def write_charts(ws: Worksheet, report: Report) -> None:
    """Three charts, each beside the small table it draws (so it prints readably)."""
    _sheet_heading(ws, L.SHEET_CHARTS, report, 3)
    ws.column_dimensions["A"].width = 50
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 3
    days = report.tables["days"].rows
    long_period = len(days) > 31
    blocks = [
        (
            L.CHART_DAYS,
            [
                (f"{d:%d/%m}" if long_period else f"{SHORT_DAYS[d.weekday()]} {d:%d/%m}", n)
                for d, _weekday, n, *_rest in days
            ],
            "col",
        ),
        (L.CHART_PROCEDURES, [(short(name), c) for _, name, c in report.top_procedures], "bar"),
        (L.CHART_BARRIERS, [(short(label), c) for label, c in report.top_barriers], "bar"),
    ]
    row = 4
    anchor_rows = []
    for title, data, style in blocks:
        _merge_put(ws, row, 1, 2, title, size=12, bold=True)
        put(
            ws,
            row + 1,
            1,
            L.COL_VALUE if style == "bar" else L.COL_DATE,
            bold=True,
            border=True,
            fill=HEADER_FILL,
        )
        put(
            ws,
            row + 1,
            2,
            L.COL_SESSIONS if "ngày" in title else L.COL_PROCEDURES,
            bold=True,
            border=True,
            fill=HEADER_FILL,
        )
        first = row + 2
        for i, (label, value) in enumerate(data):
            put(ws, first + i, 1, label, border=True)
            put(ws, first + i, 2, value, fmt=FORMATS["int"], border=True)
        last = first + max(len(data), 1) - 1
        if data:
            if style == "col" and long_period:
                chart = LineChart()
            else:
                chart = BarChart()
                chart.type = style
                chart.gapWidth = 60
                if style == "bar":
                    chart.y_axis.scaling.orientation = "minMax"
                    chart.x_axis.scaling.orientation = "maxMin"
                chart.dataLabels = DataLabelList()
                chart.dataLabels.showVal = True
                chart.dataLabels.showCatName = False
                chart.dataLabels.showSerName = False
                chart.dataLabels.showLegendKey = False
            chart.title = title
            chart.legend = None
            chart.style = 10
            chart.add_data(
                Reference(ws, min_col=2, min_row=first - 1, max_row=last), titles_from_data=True
            )
            chart.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
            chart.x_axis.delete = False
            chart.y_axis.delete = False
            chart.y_axis.majorGridlines = None
            chart.width = 22
            chart.height = 12
            ws.add_chart(chart, f"D{row}")
        anchor_rows.append(row)
        row = max(last + 2, row + 26)
    _print_setup(ws, "1:2")
    for r in anchor_rows[1:]:
        from openpyxl.worksheet.pagebreak import Break

        ws.row_breaks.append(Break(id=r - 1))


# --- detail and data sheets (streamed) --------------------------------------------------
def detail_headers(report: Report) -> list[str]:
    base = list(L.DETAIL_HEADERS)
    note = base.pop()
    return (
        base
        + [L.HELP_PREFIX + h for h in report.help_labels]
        + [L.BARRIER_PREFIX + b for b in report.barrier_labels]
        + [note]
    )


def detail_rows(report: Report, sessions: list[SessionRec]) -> Iterator[list]:
    helps = report.help_labels
    barriers = report.barrier_labels
    tri = L.TRI_LABELS
    days = L.WEEKDAYS
    # the 0/1 columns repeat a few hundred patterns: render each pattern once
    help_xml: dict[tuple[str, ...], Raw] = {}
    barrier_xml: dict[tuple[str, ...], Raw] = {}
    n = 0
    for s in sessions:
        when = s.started_at
        session_part = [
            s.uuid,
            s.office_code,
            when.date(),
            time(when.hour, when.minute),
            days[when.weekday()],
            s.officer,
            s.counter,
            s.channel,
            s.portal,
            s.applicant_type,
            tri.get(s.elderly, s.elderly),
            tri.get(s.ethnic_minority, s.ethnic_minority),
            tri.get(s.disability, s.disability),
            s.minutes,
        ]
        help_flags = help_xml.get(s.help_types)
        if help_flags is None:
            hs = set(s.help_types)
            help_flags = help_xml[s.help_types] = flag_cells(h in hs for h in helps)
        for i, p in enumerate(s.procedures or [None]):
            n += 1
            if p is None:
                proc_part = [1, None, "", "", "", "", "", 0, ""]
                key: tuple[str, ...] = ()
            else:
                proc_part = [
                    1 if i == 0 else 0,
                    i + 1,
                    p.code,
                    p.name,
                    p.field,
                    p.online_level,
                    p.outcome,
                    1 if p.submitted else 0,
                    p.dossier_code,
                ]
                key = p.barriers
            barrier_flags = barrier_xml.get(key)
            if barrier_flags is None:
                bs = set(key)
                barrier_flags = barrier_xml[key] = flag_cells(b in bs for b in barriers)
            row = [n, *session_part, *proc_part, s.self_reliance, s.satisfaction]
            if helps:
                row.append(help_flags)
            if barriers:
                row.append(barrier_flags)
            row.append(s.note)
            yield row


DETAIL_WIDTHS = {
    "STT": 7,
    "Mã lượt": 12,
    "Mã đơn vị": 10,
    "Ngày": 11,
    "Giờ": 7,
    "Thứ": 9,
    "Cán bộ": 20,
    "Quầy": 9,
    "Hình thức": 14,
    "Cổng/ứng dụng": 14,
    "Loại đối tượng": 12,
    "Số phút": 8,
    "Tính lượt": 7,
    "TT thủ tục": 7,
    "Mã TTHC": 10,
    "Tên thủ tục": 45,
    "Lĩnh vực": 16,
    "Mức độ DVC": 11,
    "Kết quả": 18,
    "Nộp thành công": 9,
    "Mã hồ sơ": 14,
    "Ghi chú": 40,
}


def prepare_detail(ws: Worksheet, report: Report, n_rows: int) -> int:
    """Header, widths, print setup and the template row; returns the first data row."""
    headers = detail_headers(report)
    _merge_put(
        ws, 1, 1, 12, f"{L.SHEET_DETAIL.upper()} — {report.period.label}", size=12, bold=True
    )
    _merge_put(ws, 2, 1, 20, L.NOTE_DETAIL, size=10, italic=True)
    for c, h in enumerate(headers, 1):
        put(ws, 3, c, h, size=10, bold=True, border=True, fill=HEADER_FILL)
        ws.cell(3, c).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = DETAIL_WIDTHS.get(
            h, 9 if h.startswith((L.HELP_PREFIX, L.BARRIER_PREFIX)) else 11
        )
    ws.row_dimensions[3].height = 64
    # template row: the streamed rows reuse these cell styles
    template = {"Ngày": FORMATS["date"], "Giờ": FORMATS["time"]}
    for c, h in enumerate(headers, 1):
        cell = ws.cell(4, c, 0)
        cell.font = font(10)
        if h in template:
            cell.number_format = template[h]
            cell.alignment = Alignment(horizontal="center")
    last_col = get_column_letter(len(headers))
    ws.freeze_panes = "D4"
    ws.print_title_rows = "3:3"
    ws.auto_filter.ref = f"A3:{last_col}{3 + max(n_rows, 1)}"
    _print_setup(ws, fit=False)
    return 4


def count_detail_rows(sessions: list[SessionRec]) -> int:
    return sum(max(1, len(s.procedures)) for s in sessions)


# --- whole workbook ---------------------------------------------------------------------
EXCEL_MAX_ROWS = 1_048_576


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


def _check_sheet_sizes(report: Report, sessions: list[SessionRec]) -> None:
    """Excel silently drops (or "repairs" away) rows past its limit: refuse beforehand."""
    procedures = sum(len(s.procedures) for s in sessions)
    detail = 3 + count_detail_rows(sessions)
    data = (
        20
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
    report: Report, sessions: list[SessionRec], out: Path, progress: Progress | None = None
) -> Path:
    """Write the workbook to ``out`` (or ``out (2)``… if a file of that name appeared
    meanwhile) and return where it went; nothing partial ever appears there."""
    _check_sheet_sizes(report, sessions)
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
    wb = Workbook()
    cover = wb.active
    cover.title = L.SHEET_SUMMARY
    write_cover(cover, report, sentences(report))
    write_tables_sheet(wb.create_sheet(L.SHEET_PROCEDURES), report, L.T_PROCEDURES, ["procedures"])
    write_tables_sheet(
        wb.create_sheet("Lĩnh vực - Kết quả"),
        report,
        "Theo lĩnh vực và kết quả",
        ["fields", "outcomes"],
    )
    write_tables_sheet(
        wb.create_sheet(L.SHEET_TIME), report, L.SHEET_TIME, ["days", "weekdays", "hours"]
    )
    write_tables_sheet(
        wb.create_sheet(L.SHEET_PEOPLE), report, L.SHEET_PEOPLE, ["officers", "counters"]
    )
    write_tables_sheet(
        wb.create_sheet(L.SHEET_HELP), report, L.SHEET_HELP, ["help_types", "barriers"]
    )
    write_tables_sheet(
        wb.create_sheet(L.SHEET_CHANNELS),
        report,
        L.SHEET_CHANNELS,
        ["channels", "portals", "groups", "self_reliance", "satisfaction"],
    )
    write_charts(wb.create_sheet(L.SHEET_CHARTS), report)
    if report.consolidated:
        write_tables_sheet(wb.create_sheet(L.SHEET_OFFICES), report, L.T_OFFICES, ["offices"])
    detail = wb.create_sheet(L.SHEET_DETAIL)
    first = prepare_detail(detail, report, count_detail_rows(sessions))
    data = wb.create_sheet(L.SHEET_DATA)
    data.sheet_state = "hidden"
    wb.active = 0
    names = wb.sheetnames
    big = [
        BigSheet(names.index(L.SHEET_DETAIL), detail_rows(report, sessions), first),
        BigSheet(
            names.index(L.SHEET_DATA),
            data_rows(
                report.period,
                report.office,
                sessions,
                report.lookups,
                report.prev_totals,
                consolidated=report.consolidated,
                app_version=__version__,
                generated_at=report.generated_at,
            ),
            1,
            style_from_template=False,
        ),
    ]
    fd, skeleton = tempfile.mkstemp(suffix=".xlsx", dir=out.parent, prefix=".~skel_")
    os.close(fd)
    fd, tmp = tempfile.mkstemp(suffix=".xlsx", dir=out.parent, prefix=".~report_")
    os.close(fd)
    try:
        wb.save(skeleton)
        if progress:
            progress(0.3, "rows")
        splice(Path(skeleton), Path(tmp), big, tick)
        out = _publish(Path(tmp), out)
    finally:
        for leftover in (skeleton, tmp):
            try:
                os.unlink(leftover)
            except OSError:  # gone already, or held by a scanner on Windows: harmless
                pass
    if progress:
        progress(1.0, "done")
    return out


def _publish(tmp: Path, out: Path) -> Path:
    """Move the finished ``tmp`` to ``out`` without ever replacing an existing file.

    The name was chosen free when the export started, but a long export gives another
    program (or another PC on a shared folder) time to create it: a hard link fails
    atomically when the name is taken. Where links are unsupported (FAT32, some shares)
    a last existence check narrows the window before ``os.replace``."""
    while True:
        try:
            os.link(tmp, out)
        except FileExistsError:
            out = unique_path(out)
            continue
        except OSError:
            if out.exists():
                out = unique_path(out)
            os.replace(tmp, out)
            return out
        try:
            os.unlink(tmp)
        except OSError:
            pass  # Windows: a virus scanner may hold it a moment; the report is in place
        return out


def unique_path(path: Path) -> Path:
    """``path``, or ``name (2).xlsx``, ``name (3).xlsx``… if it exists: never overwrite."""
    path = Path(path)
    if not path.exists():
        return path
    n = 2
    while True:
        candidate = path.with_name(f"{path.stem} ({n}){path.suffix}")
        if not candidate.exists():
            return candidate
        n += 1


def default_name(period: Period, office_code: str) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in office_code) or "DonVi"
    return f"BaoCao_{period.file_tag}_{safe}.xlsx"


def compute(store, period: Period) -> tuple[Report, list[SessionRec]]:
    """Read the period (and the previous one's totals) from ``store`` and aggregate."""
    from counter_app.reports.source import (
        load_lookups,
        load_office,
        load_sessions,
        load_totals,
        snapshot,
    )

    with snapshot(store):
        info = load_office(store)
        sessions = load_sessions(store, period.start, period.end)
        prev = period.previous()
        prev_totals: Totals = load_totals(store, prev.start, prev.end)
        lookups = load_lookups(store)
    report = build_report(sessions, lookups, period, info, prev_totals)
    return report, sessions


def export_report(
    store, period: Period, out: Path | None = None, *, progress: Progress | None = None
) -> Path:
    from counter_app import paths

    if progress:
        progress(0.0, "read")
    report, sessions = compute(store, period)
    if out is None:
        out = paths.exports_dir() / default_name(period, report.office.code)
    target = unique_path(Path(out))
    return write_workbook(report, sessions, target, progress)
