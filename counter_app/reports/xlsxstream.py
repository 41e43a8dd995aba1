"""Fast streaming of very large sheets into a workbook openpyxl has already saved.

openpyxl builds a Python object per cell (≈100 000 cells/s here), too slow for a
full-year detail sheet. openpyxl writes every styled, small sheet plus an empty
placeholder for each large one (with its header row, print setup, filter, and a
template row whose cell styles we reuse); this module then copies the package, splicing
rows generated as XML text into the placeholders. Strings are written inline
(``t="inlineStr"``): always text, never a formula, whatever they start with; a string
that starts like a formula (=, +, -, @) also gets the column's "quote prefix" style, so
editing the cell in Excel later does not turn it into one.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from openpyxl.utils import get_column_letter

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EPOCH = date(1899, 12, 30)
_LETTERS = [get_column_letter(i) for i in range(1, 400)]


FORMULA_LEADS = ("=", "+", "-", "@")

# Excel refuses a cell longer than this and "repairs" the whole file on opening; text from
# another office's file (consolidation) is not bound by this app's own length limits.
MAX_CELL_CHARS = 32_767


def clean_text(value: str) -> str:
    """Remove characters XML 1.0 cannot hold (pasted control characters); cut text Excel
    could not hold in one cell."""
    value = _ILLEGAL.sub("", value)
    return value if len(value) <= MAX_CELL_CHARS else value[: MAX_CELL_CHARS - 1] + "…"


def _esc(value: str) -> str:
    if _ILLEGAL.search(value) or len(value) > MAX_CELL_CHARS:
        value = clean_text(value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


def excel_serial(value: date | datetime) -> float:
    if isinstance(value, datetime):
        delta = value - datetime(1899, 12, 30)
        return delta.days + delta.seconds / 86400
    return float((value - _EPOCH).days)


def time_serial(value: time) -> float:
    return (value.hour * 3600 + value.minute * 60 + value.second) / 86400


class Raw(str):
    """Cells already rendered as XML (unstyled, without references): a run of 0/1 flag
    columns that repeats across rows is rendered once and reused."""

    __slots__ = ()


def flag_cells(flags) -> Raw:
    """XML of consecutive unstyled cells holding 0/1."""
    return Raw("".join("<c><v>1</v></c>" if f else "<c><v>0</v></c>" for f in flags))


@dataclass
class BigSheet:
    """Rows to splice into the placeholder sheet at ``index`` (0-based worksheet position).

    ``styles`` maps 0-based column → style id; ``style_from_template`` takes them from
    the template row ``first_row`` openpyxl wrote (it is replaced by the real rows), and
    the styles with the quote prefix from the row after it (``quote_template``).
    ``row_height(values)`` gives a row its height in points (None: the default).
    """

    index: int
    rows: Iterable[list]
    first_row: int
    style_from_template: bool = True
    styles: dict[int, int] = field(default_factory=dict)
    quote_template: bool = False
    quote_styles: dict[int, int] = field(default_factory=dict)
    row_height: Callable[[list], float | None] | None = None
    written: int = 0


class _RowWriter:
    """Turns value lists into <row> XML. Cells carry no ``r`` reference (optional in
    SpreadsheetML: a cell without one follows the previous cell), so a cell's XML does
    not depend on its row and the common ones (0, 1, empty) are prepared once."""

    def __init__(self, styles: dict[int, int], quote_styles: dict[int, int] | None = None):
        self.styles = styles
        self.quote_styles = quote_styles or {}
        self.heads: list[str] = []
        self.quotes: list[str] = []
        self.zeros: list[str] = []
        self.ones: list[str] = []
        self._grow(max([512, *[k + 1 for k in styles]]))

    def _grow(self, n: int) -> None:
        for i in range(len(self.heads), n):
            s = self.styles.get(i)
            head = "<c" if s is None else f'<c s="{s}"'
            self.heads.append(head)
            q = self.quote_styles.get(i)
            self.quotes.append(head if q is None else f'<c s="{q}"')
            self.zeros.append(f"{head}><v>0</v></c>")
            self.ones.append(f"{head}><v>1</v></c>")

    def row(self, values: list, r: int, height: float | None = None) -> str:
        heads, zeros, ones = self.heads, self.zeros, self.ones
        if height:
            parts = [f'<row r="{r}" ht="{height:g}" customHeight="1">']
        else:
            parts = [f'<row r="{r}">']
        append = parts.append
        i = 0
        for v in values:
            t = type(v)
            if t is Raw:
                append(v)
                i += v.count("<c>")
                continue
            if t is int:
                if v == 0:
                    append(zeros[i])
                elif v == 1:
                    append(ones[i])
                else:
                    append(f"{heads[i]}><v>{v}</v></c>")
            elif t is str:
                text = _esc(v)
                head = self.quotes[i] if text.startswith(FORMULA_LEADS) else heads[i]
                if not text:
                    append("<c/>")
                elif text[0].isspace() or text[-1].isspace():
                    append(f'{head} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
                else:
                    append(f'{head} t="inlineStr"><is><t>{text}</t></is></c>')
            elif v is None:
                append("<c/>")
            elif t is float:
                append(f"{heads[i]}><v>{v!r}</v></c>")
            elif t is date:
                append(f"{heads[i]}><v>{(v - _EPOCH).days}</v></c>")
            elif t is time:
                append(f"{heads[i]}><v>{time_serial(v)!r}</v></c>")
            elif t is datetime:
                append(f"{heads[i]}><v>{excel_serial(v)!r}</v></c>")
            elif t is bool:
                append(f'{heads[i]} t="b"><v>{int(v)}</v></c>')
            elif isinstance(v, (int, float)):
                append(f"{heads[i]}><v>{float(v)!r}</v></c>")
            else:
                append(f'{heads[i]} t="inlineStr"><is><t>{_esc(str(v))}</t></is></c>')
            i += 1
        append("</row>")
        return "".join(parts)


_TEMPLATE_CELL = re.compile(r'<c r="([A-Z]+)(\d+)"[^>]*?\bs="(\d+)"')


def _template_styles(xml: str, row: int) -> dict[int, int]:
    letters = {letter: i for i, letter in enumerate(_LETTERS)}
    return {
        letters[m.group(1)]: int(m.group(3))
        for m in _TEMPLATE_CELL.finditer(xml)
        if int(m.group(2)) == row
    }


def _chunks(sheet: BigSheet, progress: Callable[[int], None] | None) -> Iterator[str]:
    buf: list[str] = []
    r = sheet.first_row
    writer = _RowWriter(sheet.styles, sheet.quote_styles)
    height = sheet.row_height
    for values in sheet.rows:
        buf.append(writer.row(values, r, height(values) if height else None))
        r += 1
        if len(buf) >= 2000:
            yield "".join(buf)
            buf.clear()
            if progress:
                progress(2000)
    sheet.written = r - sheet.first_row
    if buf:
        yield "".join(buf)
        if progress:
            progress(len(buf))


def splice(
    src: Path,
    dst: Path,
    sheets: list[BigSheet],
    progress: Callable[[int], None] | None = None,
    compresslevel: int = 1,
) -> None:
    """Copy the package ``src`` to ``dst`` with each BigSheet's rows spliced in."""
    by_path = {f"xl/worksheets/sheet{s.index + 1}.xml": s for s in sheets}
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            sheet = by_path.get(info.filename)
            if _WORKSHEET.fullmatch(info.filename):
                data = text_is_text(data.decode("utf-8")).encode("utf-8")
            if sheet is None:
                zout.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
                continue
            xml = data.decode("utf-8")
            if sheet.style_from_template:
                sheet.styles = {**_template_styles(xml, sheet.first_row), **sheet.styles}
            if sheet.quote_template:
                quotes = _template_styles(xml, sheet.first_row + 1)
                sheet.quote_styles = {**quotes, **sheet.quote_styles}
            head, tail = _split(xml, sheet.first_row)
            entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry._compresslevel = compresslevel  # honoured by ZipFile.open(..., "w")
            with zout.open(entry, "w", force_zip64=True) as out:
                # the dimension is fixed below; rows come between head and tail
                pending = [head]
                for chunk in _chunks(sheet, progress):
                    pending.append(chunk)
                    out.write("".join(pending).encode("utf-8"))
                    pending.clear()
                out.write(("".join(pending) + tail).encode("utf-8"))


_WORKSHEET = re.compile(r"xl/worksheets/sheet\d+\.xml")
# CT_Worksheet's children after ``ignoredErrors``, in schema order: the element goes
# before the first of them present (openpyxl writes only drawing, legacyDrawing,
# tableParts and extLst of these), else at the end.
_AFTER_IGNORED = (
    "<smartTags",
    "<drawing",
    "<legacyDrawing",
    "<legacyDrawingHF",
    "<drawingHF",
    "<picture",
    "<oleObjects",
    "<controls",
    "<webPublishItems",
    "<tableParts",
    "<extLst",
    "</worksheet>",
)
IGNORE_TEXT_NUMBERS = (
    '<ignoredErrors><ignoredError sqref="A1:XFD1048576" numberStoredAsText="1"/></ignoredErrors>'
)


def text_is_text(xml: str) -> str:
    """Tell Excel that text which looks like a number is text on purpose.

    Rates are written as Vietnamese text ("64,1%"), and dossier codes or notes may be all
    digits: on a PC whose settings read "64,1%" as a number, Excel would mark each such
    cell with a green "number stored as text" triangle and offer to convert it."""
    if "<ignoredErrors" in xml:
        return xml
    at = min((i for tag in _AFTER_IGNORED if (i := xml.find(tag)) >= 0), default=-1)
    if at < 0:
        return xml  # not a worksheet part openpyxl wrote
    return xml[:at] + IGNORE_TEXT_NUMBERS + xml[at:]


def _split(xml: str, first_row: int) -> tuple[str, str]:
    """Cut the sheet XML where rows from ``first_row`` on belong (dropping the template)."""
    xml = re.sub(r'<dimension ref="[^"]*"\s*/>', "", xml, count=1)
    if "<sheetData/>" in xml or "<sheetData />" in xml:
        xml = xml.replace("<sheetData />", "<sheetData/>")
        head, tail = xml.split("<sheetData/>", 1)
        return head + "<sheetData>", "</sheetData>" + tail
    start = xml.index("<sheetData>") + len("<sheetData>")
    end = xml.index("</sheetData>")
    rows = xml[start:end]
    m = re.search(rf'<row r="{first_row}"[ >]', rows)
    keep = rows[: m.start()] if m else rows
    return xml[:start] + keep, xml[end:]
