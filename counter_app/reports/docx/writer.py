"""The Word report laid out in the Decree 30/2020 form (Appendix I: technical rules of
presentation) with python-docx: A4 portrait, Times New Roman, margins 20/20/30/15 mm, the
header table (issuing office left, national motto right, a short rule under each), the
number and the place-date line, title and subject, the body, the signature block and
"Nơi nhận" bottom left, page numbers from page 2 at the top centre."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt
from docx.table import Table as DocxTable
from docx.text.paragraph import Paragraph

from counter_app.reports import labels as L
from counter_app.reports.docx.content import (
    ARCHIVE,
    FIGURE_HEADERS,
    NO_PROPOSALS,
    PART_BARRIERS,
    PART_FAILING,
    PART_FIGURES,
    PART_REMARKS,
    RECIPIENTS,
    SECTION_BARRIERS,
    SECTION_PROPOSALS,
    SECTION_RESULTS,
    TITLE,
    Content,
)
from counter_app.reports.xlsxstream import clean_text

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 12
TEXT_WIDTH_MM = 210 - 30 - 15
LEFT_MM, RIGHT_MM = 62, TEXT_WIDTH_MM - 62  # header and signature columns
CenterAlign = WD_ALIGN_PARAGRAPH.CENTER


def _font(run, size: float, bold: bool = False, italic: bool = False) -> None:
    run.font.name = FONT
    run.font.size = Pt(size)
    run.bold = bold
    run.italic = italic
    # Word takes the East Asian font slot for some Vietnamese characters: set it too
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)


def _para(
    container,
    text: str = "",
    *,
    size: float = BODY_PT,
    bold: bool = False,
    italic: bool = False,
    align=WD_ALIGN_PARAGRAPH.JUSTIFY,
    indent: bool = False,
    before: float = 0,
    after: float = 6,
) -> Paragraph:
    p = container.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    if bold and align != CenterAlign:  # a heading stays with what follows it
        fmt.keep_with_next = True
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    fmt.line_spacing = 1.1
    if indent:
        fmt.first_line_indent = Cm(1.0)
    if text:
        _font(p.add_run(clean_text(text)), size, bold, italic)
    return p


def _rule(cell, width_mm: float, cell_mm: float) -> None:
    """A short horizontal line centred in ``cell``: an empty paragraph whose top border
    spans ``width_mm`` between its indents (Decree 30: the rule under the office name and
    under the motto)."""
    p = cell.add_paragraph()
    fmt = p.paragraph_format
    side = max((cell_mm - width_mm) / 2, 0)
    fmt.left_indent = Mm(side)
    fmt.right_indent = Mm(side)
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(2)
    p_pr = p._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    top = OxmlElement("w:top")
    for key, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "000000")):
        top.set(qn(key), value)
    borders.append(top)
    p_pr.append(borders)


def _cell_text(cell, text: str, size: float, bold=False, italic=False, align=CenterAlign) -> None:
    p = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    p.alignment = align
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.space_before = Pt(0)
    if text:
        _font(p.add_run(clean_text(text)), size, bold, italic)


def _no_borders(table: DocxTable) -> None:
    tbl_pr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def _widths(table: DocxTable, widths_mm: Sequence[float]) -> None:
    """Column widths as Word and LibreOffice both read them: the grid (``gridCol``, which
    LibreOffice follows) and every cell (``tcW``, which Word follows), fixed layout."""
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_mm, strict=False):
            cell.width = Mm(width)
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _text_width_mm(text: str, size_pt: float, bold: bool) -> float:
    """A rough width of a line of Times New Roman capitals/words (for rule lengths)."""
    per_char = size_pt * (0.62 if text.isupper() else 0.48) * (1.06 if bold else 1.0)
    return len(text) * per_char * 0.3528  # points to mm


def _page(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.header_distance = Mm(10)
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(BODY_PT)
    r_pr = normal.element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT)
    # page numbers from page 2, top centre
    section.different_first_page_header_footer = True
    header = section.header.paragraphs[0]
    header.alignment = CenterAlign
    run = header.add_run()
    _font(run, 13)
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)


def _heading_block(document, c: Content) -> None:
    table = document.add_table(rows=2, cols=2)
    _no_borders(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(table, [LEFT_MM, RIGHT_MM])
    left, right = table.rows[0].cells
    if c.parent_body:
        _cell_text(left, c.parent_body, 12)
    _cell_text(left, c.office_name, 12, bold=True)
    name_width = _text_width_mm(max(c.office_name.split("\n"), key=len), 12, True)
    _rule(left, min(max(name_width / 2.5, 18), LEFT_MM * 0.5), LEFT_MM)
    _cell_text(right, L.NATIONAL_1, 12, bold=True)
    _cell_text(right, L.NATIONAL_2, 13, bold=True)
    _rule(right, _text_width_mm(L.NATIONAL_2, 13, True), RIGHT_MM)
    number, place = table.rows[1].cells
    _cell_text(number, "", 6)
    _cell_text(number, c.number_line, 13)
    _cell_text(place, "", 6)
    _cell_text(place, c.place_date, 13, italic=True)


def _title(document, c: Content) -> None:
    _para(document, TITLE, bold=True, align=CenterAlign, before=18, after=0)
    _para(document, c.subject, bold=True, align=CenterAlign, after=0)
    rule = document.add_table(rows=1, cols=1)
    _no_borders(rule)
    rule.alignment = WD_TABLE_ALIGNMENT.CENTER
    _widths(rule, [TEXT_WIDTH_MM])
    _rule(rule.rows[0].cells[0], 40, TEXT_WIDTH_MM)
    _para(document, "", after=6)


def _figures_table(document, c: Content) -> None:
    table = document.add_table(rows=1, cols=len(FIGURE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    widths = [12, 72, 24, 24, 33]
    for cell, text in zip(table.rows[0].cells, FIGURE_HEADERS, strict=True):
        _cell_text(cell, text, TABLE_PT, bold=True)
    for row in c.figures:
        cells = table.add_row().cells
        sub = not row[0]
        _cell_text(cells[0], row[0], TABLE_PT)
        _cell_text(cells[1], row[1], TABLE_PT, italic=sub, align=WD_ALIGN_PARAGRAPH.LEFT)
        if sub:
            cells[1].paragraphs[0].paragraph_format.left_indent = Mm(4)
        for i in (2, 3, 4):
            _cell_text(
                cells[i],
                row[i],
                TABLE_PT,
                bold=(i == 2 and not sub),
                align=WD_ALIGN_PARAGRAPH.RIGHT,
            )
    _widths(table, widths)
    _repeat_header(table)


def _repeat_header(table: DocxTable) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    tr_pr.append(el)


def _office_table(document, c: Content) -> None:
    if not c.office_table:
        return
    _para(document, c.office_table_title, bold=True, indent=True, before=6)
    head, *rows = c.office_table
    table = document.add_table(rows=1, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, head, strict=True):
        _cell_text(cell, text, 11, bold=True)
    for values in rows:
        cells = table.add_row().cells
        total = values[0] == ""
        for i, (cell, text) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if i == 1 else WD_ALIGN_PARAGRAPH.RIGHT
            _cell_text(cell, text, 11, bold=total, align=CenterAlign if i == 0 else align)
    rest = (TEXT_WIDTH_MM - 12 - 62) / max(len(head) - 2, 1)
    _widths(table, [12, 62] + [rest] * (len(head) - 2))
    _repeat_header(table)


def _body(document, c: Content) -> None:
    _para(document, SECTION_RESULTS, bold=True, indent=True, before=6)
    _para(document, PART_FIGURES, bold=True, indent=True)
    _figures_table(document, c)
    _para(document, PART_REMARKS, bold=True, indent=True, before=6)
    for text in c.remarks:
        _para(document, text, indent=True)
    _office_table(document, c)
    for title, lines in c.extra_sections:
        _para(document, title, bold=True, indent=True, before=6)
        for text in lines:
            _para(document, text, indent=True)
    if c.annex_line:
        _para(document, c.annex_line, italic=True, indent=True)
    _para(document, SECTION_BARRIERS, bold=True, indent=True, before=6)
    _para(document, PART_BARRIERS, bold=True, indent=True)
    first, *rest = c.barriers
    _para(document, first, indent=True)
    for text in rest:
        _para(document, "- " + text, indent=True)
    _para(document, PART_FAILING, bold=True, indent=True)
    for text in c.failing:
        _para(document, ("- " + text) if ":" in text else text, indent=True)
    _para(document, SECTION_PROPOSALS, bold=True, indent=True, before=6)
    for text in c.proposals:
        _para(document, text, indent=True)
    for text in c.suggestions:
        _para(document, "- " + text, indent=True)
    if not c.proposals and not c.suggestions:
        _para(document, NO_PROPOSALS, indent=True)


def _signature(document, c: Content) -> None:
    _para(document, "", after=0)
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    _widths(table, [LEFT_MM + 14, RIGHT_MM - 14])
    left, right = table.rows[0].cells
    _cell_text(left, RECIPIENTS, 12, bold=True, italic=True, align=WD_ALIGN_PARAGRAPH.LEFT)
    for r in c.recipients:
        _cell_text(left, f"- {r};", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _cell_text(left, f"- {ARCHIVE}", 11, align=WD_ALIGN_PARAGRAPH.LEFT)
    if c.signer_authority:
        _cell_text(right, c.signer_authority, 14, bold=True)
    _cell_text(right, c.signer_title, 14, bold=True)
    for _ in range(4):  # room for the signature and the seal
        right.add_paragraph()
    if c.signer_name:
        _cell_text(right, c.signer_name, 14, bold=True)


def render(c: Content) -> Any:
    document = Document()
    _page(document)
    # python-docx's template opens with an empty paragraph: reuse it as nothing
    _heading_block(document, c)
    _title(document, c)
    _body(document, c)
    _signature(document, c)
    first = document.paragraphs[0] if document.paragraphs else None
    if first is not None and not first.text and first._p.getprevious() is None:
        first._p.getparent().remove(first._p)
    props = document.core_properties
    props.title = c.subject
    props.author = c.office_name.title() if c.office_name else "counter_app"
    props.language = "vi-VN"
    return document


def write(c: Content, path: Path) -> None:
    render(c).save(str(path))
