"""Writing one cell, with the report's fonts, borders, fills and number formats, and the
print setup every sheet shares."""

from __future__ import annotations

import copy
import functools
import math
from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from counter_app.reports.vn import figure_text
from counter_app.reports.xlsxstream import clean_text

FONT_NAME = "Times New Roman"
FORMULA_LEADS = ("=", "+", "-", "@")
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
# Counts read "1.116" on every PC: Excel's "#,##0" takes the thousands mark from the PC's
# regional settings (an English Windows shows "1,116", read in Vietnam as 1 point 116), so
# the dots are literal, placed by value range. No number format can force a decimal comma
# (every "." in a format is the PC's decimal mark), so rates, averages and changes are
# written as the app's own Vietnamese text ("64,1%", "12,5", "+1,5 điểm %"), right-aligned,
# like the Word report; the hidden data sheet keeps every figure's sources as numbers.
INT_FORMAT = '[>=1000000]#"."###"."###;[>=1000]#"."###;0'
FORMATS = {
    "int": INT_FORMAT,
    "date": "dd/mm/yyyy",
    "time": "hh:mm",
    "text": "@",
}
TEXT_FIGURES = ("pct", "dec", "change")  # figure kinds written as Vietnamese text


def figure_value(value: float | None, kind: str, empty: str | None = None) -> Any:
    """What a figure cell holds: a count as a number (shown by ``INT_FORMAT``), a rate or
    an average as its Vietnamese text; ``empty`` where there is no value."""
    if value is None:
        return empty
    return figure_text(value, kind) if kind in TEXT_FIGURES else value


@functools.cache
def font(size: float = 12, bold: bool = False, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=bold, italic=italic)


def put(
    ws: Worksheet,
    row: int,
    col: int,
    value: Any,
    *,
    fmt: str | None = None,
    bold: bool = False,
    italic: bool = False,
    size: float = 11,
    align: str | None = None,
    wrap: bool = False,
    border: bool = False,
    fill: PatternFill | None = None,
) -> Cell:
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


def merge_put(ws: Worksheet, row: int, c1: int, c2: int, value: Any, **kw: Any) -> None:
    """``put`` into the first cell of columns c1..c2 of ``row``, merged."""
    put(ws, row, c1, value, **kw)
    if c2 > c1:
        ws.merge_cells(start_row=row, start_column=c1, end_row=row, end_column=c2)


def header_cell(ws: Worksheet, row: int, col: int, text: str, size: float = 11) -> None:
    """A bold, boxed, shaded column header, centred and wrapped."""
    put(ws, row, col, text, size=size, bold=True, border=True, fill=HEADER_FILL)
    ws.cell(row, col).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def print_setup(
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


def lines(text: str, width_chars: float, factor: float = 1.08) -> int:
    """Estimated wrapped lines (Excel and LibreOffice keep row heights as given)."""
    return max(1, math.ceil(len(text) * factor / max(width_chars, 1)))
