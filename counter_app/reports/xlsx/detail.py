"""The detail sheet: one row per procedure of each session (a session without procedures
still gets its row), with 0/1 columns per help type and barrier. The rows are streamed
into the saved file by ``xlsxstream``; this module prepares the sheet and yields them."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from datetime import time

from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from counter_app.reports import labels as L
from counter_app.reports.aggregate import Report
from counter_app.reports.records import ProcRec, SessionRec
from counter_app.reports.xlsx.cells import FORMATS, font, header_cell, merge_put, print_setup
from counter_app.reports.xlsxstream import Raw, flag_cells

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
NO_PROCEDURE = [1, None, "", "", "", "", "", 0, ""]  # a session with no procedure
# Columns left out when empty on every row (after "Tính lượt", so the identifying and
# counting columns keep their places): a catalogue without online levels, an office
# that records no dossier codes or leaves notes out of exports.
OPTIONAL = ("Lĩnh vực", "Mức độ DVC", "Mã hồ sơ", "Lần sau tự thực hiện", "Mức độ hài lòng")
NOTE_HEADER = L.DETAIL_HEADERS[-1]
TEXT_COLUMNS = ("Tên thủ tục", "Kết quả", "Cán bộ", "Ghi chú", "Lĩnh vực", "Hình thức")
ID_COLUMNS = "A:D"  # STT, Mã lượt, Mã đơn vị, Ngày: repeated on every printed page
LINE_POINTS = 13.0
MAX_LINES = 6


def empty_columns(sessions: list[SessionRec]) -> frozenset[str]:
    """Which optional columns hold nothing in any row: computed once per workbook and
    handed to the header, the rows and the row heights alike."""
    filled: set[str] = set()
    for s in sessions:
        if s.self_reliance:
            filled.add("Lần sau tự thực hiện")
        if s.satisfaction:
            filled.add("Mức độ hài lòng")
        if s.note:
            filled.add(NOTE_HEADER)
        for p in s.procedures:
            if p.field:
                filled.add("Lĩnh vực")
            if p.online_level:
                filled.add("Mức độ DVC")
            if p.dossier_code:
                filled.add("Mã hồ sơ")
        if len(filled) == len(OPTIONAL) + 1:
            break
    return frozenset(h for h in (*OPTIONAL, NOTE_HEADER) if h not in filled)


def _all_headers(report: Report) -> list[str]:
    base = list(L.DETAIL_HEADERS)
    note = base.pop()
    return (
        base
        + [L.HELP_PREFIX + h for h in report.help_labels]
        + [L.BARRIER_PREFIX + b for b in report.barrier_labels]
        + [note]
    )


def detail_headers(report: Report, empty: frozenset[str] = frozenset()) -> list[str]:
    """The detail sheet's columns, without the ``empty`` ones (``empty_columns``)."""
    return [h for h in _all_headers(report) if h not in empty]


def _row_height(widths: Sequence[tuple[int, float]]) -> Callable[[list], float | None]:
    """A row's height from its longest wrapped text (the row never grows past six lines):
    long names and notes are printed whole instead of spilling into the next column."""

    def height(row: list) -> float | None:
        lines = 1
        for index, width in widths:
            value = row[index] if index < len(row) else None
            if isinstance(value, str) and len(value) > width:
                lines = max(lines, min(MAX_LINES, math.ceil(len(value) * 1.1 / width)))
        return LINE_POINTS * lines + 2 if lines > 1 else None

    return height


def count_detail_rows(sessions: list[SessionRec]) -> int:
    return sum(max(1, len(s.procedures)) for s in sessions)


def _session_cells(s: SessionRec) -> list:
    when = s.started_at
    tri = L.TRI_LABELS
    return [
        s.uuid,
        s.office_code,
        when.date(),
        time(when.hour, when.minute),
        L.WEEKDAYS[when.weekday()],
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


def _procedure_cells(i: int, p: ProcRec) -> list:
    """Cells of the ``i``-th procedure; only the first one counts the session."""
    return [
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


def detail_rows(
    report: Report, sessions: list[SessionRec], empty: frozenset[str] = frozenset()
) -> Iterator[list]:
    """The rows of the detail sheet, with the columns of ``detail_headers(report, empty)``."""
    if not empty:
        yield from _full_rows(report, sessions)
        return
    keep = [i for i, h in enumerate(_logical(report)) if h not in empty]
    for row in _full_rows(report, sessions):
        yield [row[i] for i in keep]


def _full_rows(report: Report, sessions: list[SessionRec]) -> Iterator[list]:
    helps = report.help_labels
    barriers = report.barrier_labels
    # the 0/1 columns repeat a few hundred patterns: render each pattern once
    help_xml: dict[tuple[str, ...], Raw] = {}
    barrier_xml: dict[tuple[str, ...], Raw] = {}

    def flags(cache: dict[tuple[str, ...], Raw], chosen: tuple[str, ...], labels: list[str]) -> Raw:
        xml = cache.get(chosen)
        if xml is None:
            picked = set(chosen)
            xml = cache[chosen] = flag_cells(label in picked for label in labels)
        return xml

    n = 0
    for s in sessions:
        session_part = _session_cells(s)
        help_flags = flags(help_xml, s.help_types, helps)
        for i, p in enumerate(s.procedures or [None]):
            n += 1
            proc_part = NO_PROCEDURE if p is None else _procedure_cells(i, p)
            barrier_flags = flags(barrier_xml, () if p is None else p.barriers, barriers)
            row = [n, *session_part, *proc_part, s.self_reliance, s.satisfaction]
            if helps:
                row.append(help_flags)
            if barriers:
                row.append(barrier_flags)
            row.append(s.note)
            yield row


def _logical(report: Report) -> list[str]:
    """The columns of a row as ``_full_rows`` builds it: the help and barrier flags are
    one element each (pre-rendered XML)."""
    logical = list(L.DETAIL_HEADERS[:-1])
    if report.help_labels:
        logical.append("#help")
    if report.barrier_labels:
        logical.append("#barriers")
    logical.append(NOTE_HEADER)
    return logical


def detail_heights(
    report: Report, empty: frozenset[str] = frozenset()
) -> Callable[[list], float | None]:
    """Row heights for the streamed rows (see ``_row_height``)."""
    logical = [h for h in _logical(report) if h not in empty]
    widths = [(i, DETAIL_WIDTHS.get(h, 11)) for i, h in enumerate(logical) if h in TEXT_COLUMNS]
    return _row_height(widths)


def prepare_detail(
    ws: Worksheet, report: Report, n_rows: int, empty: frozenset[str] = frozenset()
) -> int:
    """Header, widths, print setup and the two template rows (plain, then with the quote
    prefix for text that starts like a formula); returns the first data row."""
    headers = detail_headers(report, empty)
    merge_put(ws, 1, 1, 12, f"{L.SHEET_DETAIL.upper()} — {report.period.label}", size=12, bold=True)
    merge_put(ws, 2, 1, 20, L.NOTE_DETAIL, size=10, italic=True)
    for c, h in enumerate(headers, 1):
        header_cell(ws, 3, c, h, size=10)
        ws.column_dimensions[get_column_letter(c)].width = DETAIL_WIDTHS.get(
            h, 9 if h.startswith((L.HELP_PREFIX, L.BARRIER_PREFIX)) else 11
        )
    ws.row_dimensions[3].height = 64
    # template rows: the streamed rows reuse these cell styles
    template = {"Ngày": FORMATS["date"], "Giờ": FORMATS["time"]}
    for c, h in enumerate(headers, 1):
        for row, quote in ((4, False), (5, True)):
            cell = ws.cell(row, c, 0)
            cell.font = font(10)
            if h in template:
                cell.number_format = template[h]
                cell.alignment = Alignment(horizontal="center")
            elif h in TEXT_COLUMNS:
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            else:
                cell.alignment = Alignment(vertical="top")
            if quote:
                cell.quotePrefix = True
    last_col = get_column_letter(len(headers))
    ws.freeze_panes = "E4"
    ws.print_title_rows = "3:3"
    ws.print_title_cols = ID_COLUMNS
    ws.auto_filter.ref = f"A3:{last_col}{3 + max(n_rows, 1)}"
    print_setup(ws, fit=False)
    return 4
