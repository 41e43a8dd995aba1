"""The detail sheet: one row per procedure of each session (a session without procedures
still gets its row), with 0/1 columns per help type and barrier. The rows are streamed
into the saved file by ``xlsxstream``; this module prepares the sheet and yields them."""

from __future__ import annotations

from collections.abc import Iterator
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


def detail_headers(report: Report) -> list[str]:
    base = list(L.DETAIL_HEADERS)
    note = base.pop()
    return (
        base
        + [L.HELP_PREFIX + h for h in report.help_labels]
        + [L.BARRIER_PREFIX + b for b in report.barrier_labels]
        + [note]
    )


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


def detail_rows(report: Report, sessions: list[SessionRec]) -> Iterator[list]:
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


def prepare_detail(ws: Worksheet, report: Report, n_rows: int) -> int:
    """Header, widths, print setup and the template row; returns the first data row."""
    headers = detail_headers(report)
    merge_put(ws, 1, 1, 12, f"{L.SHEET_DETAIL.upper()} — {report.period.label}", size=12, bold=True)
    merge_put(ws, 2, 1, 20, L.NOTE_DETAIL, size=10, italic=True)
    for c, h in enumerate(headers, 1):
        header_cell(ws, 3, c, h, size=10)
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
    print_setup(ws, fit=False)
    return 4
