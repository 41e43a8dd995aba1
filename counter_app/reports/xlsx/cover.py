"""The cover sheet: an administrative report in the style of Decree 30/2020 — national
heading, title, the key figures against the previous period, remarks, signatures."""

from __future__ import annotations

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from counter_app import __version__
from counter_app.reports import labels as L
from counter_app.reports.aggregate import KeyFigure, Report
from counter_app.reports.vn import place_and_date, signed_pct, signed_text
from counter_app.reports.xlsx.cells import (
    FORMATS,
    figure_value,
    header_cell,
    lines,
    merge_put,
    print_setup,
    put,
)
from counter_app.services.report_document import place_name

__all__ = ["place_and_date", "write_cover"]

COVER_WIDTHS = [5, 37, 11.5, 11.5, 12, 11]


def write_cover(ws: Worksheet, report: Report, remarks: list[str]) -> None:
    ws.sheet_view.showGridLines = False
    for i, w in enumerate(COVER_WIDTHS, 1):
        ws.column_dimensions[get_column_letter(i)].width = w
    _heading(ws, report)
    row = 9
    if report.consolidated:
        row = _offices_line(ws, report, row)
    row = _figures(ws, report, row)
    row = _remarks(ws, remarks, row + 1)
    last = _signatures(ws, report, row + 2)
    print_setup(ws, portrait=True)
    # the "made by counter_app" line is for whoever opens the file, not for the paper
    ws.print_area = f"A1:F{last - 2}"
    ws.freeze_panes = None


def _heading(ws: Worksheet, report: Report) -> None:
    """Rows 1–7: who reports (left), the national motto (right), number, place and date,
    title and period."""
    office = report.office
    left_top = (office.parent_body or "").upper()
    left_name = (
        (L.COL_OFFICE.upper() + " TỔNG HỢP")
        if report.consolidated and not office.name
        else (office.name or "").upper()
    )
    merge_put(ws, 1, 1, 2, left_top, size=12, align="center")
    merge_put(ws, 1, 3, 6, L.NATIONAL_1, size=12, bold=True, align="center")
    merge_put(ws, 2, 1, 2, left_name, size=12, bold=True, align="center", wrap=True)
    merge_put(ws, 2, 3, 6, L.NATIONAL_2, size=13, bold=True, align="center")
    ws.cell(2, 1).alignment = Alignment(horizontal="center", vertical="top", wrap_text=True)
    ws.row_dimensions[2].height = 16 * lines(left_name, 40) + 2
    merge_put(ws, 3, 1, 2, "—————", size=12, align="center")
    merge_put(ws, 3, 3, 6, "———————————", size=12, align="center")
    doc = report.document  # the same symbol, place and signer as the Word report
    code = doc.symbol or (office.code if not report.consolidated else "TH")
    merge_put(ws, 4, 1, 2, L.NUMBER_LINE + code, size=13, align="center")
    when = place_and_date(place_name(doc.place, office.province), report.generated_at.date())
    merge_put(ws, 4, 3, 6, when, size=13, italic=True, align="center")
    title = L.TITLE_CONSOLIDATED if report.consolidated else L.TITLE
    merge_put(ws, 6, 1, 6, title, size=14, bold=True, align="center", wrap=True)
    ws.row_dimensions[6].height = 20 * lines(title, 84, 1.3) + 4
    merge_put(ws, 7, 1, 6, report.period.label, size=13, bold=True, align="center")
    if report.with_annex:  # the workbook goes as the annex of the Word report
        merge_put(ws, 8, 1, 6, L.ANNEX_OF.format(symbol=code), size=12, italic=True, align="center")


def _offices_line(ws: Worksheet, report: Report, row: int) -> int:
    names = "; ".join(f"{o.name} ({o.code})" for o in report.offices)
    text = L.SECTION_OFFICES.format(n=len(report.offices), names=names)
    merge_put(ws, row, 1, 6, text, size=12, italic=True, wrap=True)
    ws.row_dimensions[row].height = 17 * lines(text, 80) + 4
    return row + 2


def _figures(ws: Worksheet, report: Report, row: int) -> int:
    """Section I: the key figures table and its counting note; returns the note's row."""
    merge_put(ws, row, 1, 6, L.SECTION_FIGURES, size=13, bold=True)
    row += 1
    heads = [
        L.COL_NO,
        L.COL_INDICATOR,
        report.period.name,
        report.previous.name,
        L.COL_DELTA,
        L.COL_DELTA_PCT,
    ]
    for c, h in enumerate(heads, 1):
        header_cell(ws, row, c, h, size=12)
    ws.row_dimensions[row].height = 34
    n = 0
    for kf in report.key_figures():
        row += 1
        sub = kf.label.startswith(" ")
        if not sub:
            n += 1
        _figure_row(ws, row, kf, None if sub else n)
    row += 1
    merge_put(ws, row, 1, 6, L.NOTE_COUNTING, size=10, italic=True, wrap=True)
    ws.row_dimensions[row].height = 13.5 * lines(L.NOTE_COUNTING, 100) + 4
    return row


def _figure_row(ws: Worksheet, row: int, kf: KeyFigure, number: int | None) -> None:
    """One key figure; ``number`` None for a sub-figure (indented, in italics)."""
    sub = number is None
    fmt = FORMATS.get(kf.kind)  # counts; rates and averages are text
    put(ws, row, 1, number, size=12, align="center", border=True)
    put(ws, row, 2, kf.label.strip(), size=12, italic=sub, border=True, wrap=True)
    if sub:
        ws.cell(row, 2).alignment = Alignment(indent=2, vertical="center", wrap_text=True)
    # A label that wraps gets the room for its lines: readers keep a row's height as
    # given, so the second line would otherwise be drawn over the next row.
    # (Times New Roman 12 fits about 1.15 characters per unit of column width.)
    wrapped = lines(kf.label.strip(), (COVER_WIDTHS[1] - (3 if sub else 1)) * 1.15, 1.0)
    if wrapped > 1:
        ws.row_dimensions[row].height = 16 * wrapped + 2
    # a rate of an empty period is not defined: "—" as for the previous period, not a
    # blank cell a reader takes for a figure someone forgot to fill in
    current = figure_value(kf.current, kf.kind, L.NO_PREVIOUS)
    previous = figure_value(kf.previous, kf.kind, L.NO_PREVIOUS)
    put(ws, row, 3, current, fmt=fmt, size=12, bold=not sub, align="right", border=True)
    put(ws, row, 4, previous, fmt=fmt, size=12, align="right", border=True)
    delta, rel = _delta_cells(kf)
    put(ws, row, 5, delta, size=12, align="right", border=True)
    put(ws, row, 6, rel, size=12, align="right", border=True)


def _delta_cells(kf: KeyFigure) -> tuple[str | None, str | None]:
    """The change and the relative change as shown ("+12", "+1,5 điểm %", "+8,5%"):
    text, so that a change reads the same on every PC; "—" without a previous value."""
    if kf.delta is None:
        return (L.NO_PREVIOUS if kf.previous is None else None), None
    rel = None if kf.relative is None else signed_pct(kf.relative)
    return signed_text(kf.delta, kf.kind), rel


def _remarks(ws: Worksheet, remarks: list[str], row: int) -> int:
    """Section II: the prose remarks; returns the last row used."""
    row += 1
    merge_put(ws, row, 1, 6, L.SECTION_REMARKS, size=13, bold=True)
    for text in remarks:
        row += 1
        merge_put(ws, row, 1, 6, text, size=13, wrap=True)
        ws.cell(row, 1).alignment = Alignment(horizontal="justify", vertical="top", wrap_text=True)
        ws.row_dimensions[row].height = 17.5 * lines(text, 84, 1.0) + 4
    return row


def _signatures(ws: Worksheet, report: Report, sign: int) -> int:
    """Signatures, recipients and the "made by" line; returns the last row."""
    merge_put(ws, sign, 1, 2, L.SIGN_LEFT, size=13, bold=True, align="center")
    merge_put(ws, sign + 1, 1, 2, L.SIGN_LEFT_HINT, size=12, italic=True, align="center")
    doc = report.document
    right = (doc.signer_title or L.SIGN_RIGHT).upper()
    if doc.signer_authority:
        right = doc.signer_authority.upper() + "\n" + right
    merge_put(ws, sign, 3, 6, right, size=13, bold=True, align="center", wrap=True)
    if "\n" in right:
        ws.row_dimensions[sign].height = 36
    merge_put(ws, sign + 1, 3, 6, L.SIGN_RIGHT_HINT, size=12, italic=True, align="center")
    if doc.signer_name:
        merge_put(ws, sign + 5, 3, 6, doc.signer_name, size=13, bold=True, align="center")
    rec = sign + 7
    recipients = list(doc.recipients) or [report.office.parent_body or "Lãnh đạo đơn vị"]
    merge_put(ws, rec, 1, 2, L.RECIPIENTS, size=12, bold=True, italic=True)
    for i, name in enumerate(recipients, start=1):
        merge_put(ws, rec + i, 1, 2, "- " + name + ";", size=11)
    rec += len(recipients) - 1
    merge_put(ws, rec + 2, 1, 2, L.RECIPIENT_ARCHIVE, size=11)
    gen = L.GENERATED.format(
        version=__version__, when=report.generated_at.strftime("%H:%M %d/%m/%Y")
    )
    merge_put(ws, rec + 4, 1, 6, gen, size=9, italic=True)
    return rec + 4
