"""The province's report from the store, for any week, month, quarter or custom period:
the same workbook and Word report as an office's (consolidated), plus what only a
province needs — the per-office comparison (ranked, with the province total), groups by
kind of office, a chart by office, the trend of the last weeks (total and per office),
the year to date and, for a week, who sent their file.

Refused from one COUNT before anything is loaded when a sheet would pass Excel's rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference

from counter_app.province import queries as Q
from counter_app.province.board import Board, status_label, week_board
from counter_app.reports import labels as L
from counter_app.reports.aggregate import Report, Totals, build_report, key_figures
from counter_app.reports.export import ExportResult, refuse_if_too_large
from counter_app.reports.period import Period
from counter_app.reports.records import OfficeInfo, SessionRec
from counter_app.reports.table import Column, Table, count_col, label_col, no_col, rate_col, ratio
from counter_app.reports.vn import figure_text, signed_pct, vn_int, vn_pct
from counter_app.services.report_document import DocumentSettings
from counter_app.storage.database import Store

T_COMPARISON = "So sánh kết quả giữa các đơn vị"
T_KINDS = "Theo loại đơn vị"
T_TREND = "Xu hướng {n} tuần gần nhất (toàn tỉnh)"
T_TREND_OFFICES = "Số lượt hướng dẫn theo đơn vị, {n} tuần gần nhất"
T_YTD = "Lũy kế từ đầu năm ({range})"
T_BOARD = "Tình hình gửi báo cáo tuần"
SHEET_COMPARISON = "So sánh đơn vị"
SHEET_KINDS = "Theo loại đơn vị"
SHEET_TREND = "Xu hướng"
SHEET_TREND_OFFICES = "Xu hướng theo đơn vị"
SHEET_YTD = "Lũy kế năm"
SHEET_BOARD = "Tình hình gửi báo cáo"
SHEET_OFFICE_CHART = "Biểu đồ đơn vị"
NOT_SENT = "chưa gửi"
TREND_WEEKS = 12
CHART_OFFICES = 40


@dataclass
class ProvinceReport:
    report: Report
    sessions: list[SessionRec]
    comparison: Q.Comparison
    kinds: list[tuple[str, Q.OfficeFigures, int]]
    trend: Q.Trend
    ytd: tuple[Period, Totals]
    board: Board | None = None
    tables: dict[str, Table] = field(default_factory=dict)


def comparison_table(c: Q.Comparison) -> Table:
    """One row per office, ranked; counts add up in the total row, rates recomputed."""
    columns = [
        no_col(),
        label_col(L.COL_OFFICE_CODE, 12),
        label_col(L.COL_OFFICE, 40),
        label_col("Loại", 10),
        count_col(L.COL_SESSIONS, "sessions", 10),
        count_col(L.COL_PROCEDURES, "procedures", 10),
        count_col(L.COL_SUBMITTED, "submitted", 12),
        rate_col(11),
        Column("Kỳ trước (lượt)", "int", 11, "label", summed=True),
        Column("Tăng/giảm", "change", 10, "share"),
        Column("Tỷ lệ người cao tuổi", "pct", 10, "share"),
        Column("Tỷ lệ DTTS", "pct", 10, "share"),
        Column("Tỷ lệ khuyết tật", "pct", 10, "share"),
        label_col("Vướng mắc nhiều nhất", 30),
        label_col("Ghi chú", 10),
    ]
    rows = []
    for i, r in enumerate(c.rows, start=1):
        rows.append(
            [
                i,
                r.code,
                r.name,
                r.kind,
                r.sessions,
                r.procedures,
                r.submitted,
                r.rate,
                r.previous,
                r.change,
                ratio(r.elderly, r.sessions),
                ratio(r.ethnic, r.sessions),
                ratio(r.disability, r.sessions),
                r.top_barrier,
                NOT_SENT
                if r.expected and not r.sessions
                else ("" if r.expected else "ngoài danh sách"),
            ]
        )
    return Table("province_comparison", T_COMPARISON, columns, rows)


def kinds_table(kinds: list[tuple[str, Q.OfficeFigures, int]]) -> Table:
    columns = [
        label_col("Loại đơn vị", 20),
        count_col("Số đơn vị", "sessions", 10),
        count_col(L.COL_SESSIONS, "sessions", 10),
        count_col(L.COL_PROCEDURES, "procedures", 10),
        count_col(L.COL_SUBMITTED, "submitted", 12),
        rate_col(11),
    ]
    # the first "sessions" column is the number of offices: the rate reads the others
    columns[1] = Column("Số đơn vị", "int", 10, "label", summed=True)
    rows = [[k, n, s.sessions, s.procedures, s.submitted, s.rate] for k, s, n in kinds]
    return Table("province_kinds", T_KINDS, columns, rows)


def trend_table(t: Q.Trend) -> Table:
    columns = [
        label_col(L.COL_WEEK, 14),
        label_col(L.COL_DAYS, 14),
        count_col(L.COL_SESSIONS, "sessions", 11),
        count_col(L.COL_PROCEDURES, "procedures", 11),
        count_col(L.COL_SUBMITTED, "submitted", 13),
        rate_col(11),
    ]
    rows = [
        [f"Tuần {w.week}/{w.year}", f"{w.start:%d/%m}–{w.end:%d/%m}", n, p, s, ratio(s, p)]
        for w, (n, p, s) in zip(t.weeks, t.total, strict=True)
    ]
    return Table("province_trend", T_TREND.format(n=len(t.weeks)), columns, rows)


def trend_offices_table(t: Q.Trend) -> Table:
    columns = [no_col(), label_col(L.COL_OFFICE_CODE, 12), label_col(L.COL_OFFICE, 36)]
    columns += [Column(f"T{w.week}", "int", 7, "label", summed=True) for w in t.weeks]
    columns.append(count_col("Cộng", "sessions", 9))
    rows = [
        [i, code, name, *counts, sum(counts)]
        for i, (code, name, counts) in enumerate(t.offices, start=1)
    ]
    return Table("province_trend_offices", T_TREND_OFFICES.format(n=len(t.weeks)), columns, rows)


def ytd_table(ytd: tuple[Period, Totals]) -> Table:
    period, t = ytd
    columns = [label_col(L.COL_INDICATOR, 46), label_col("Lũy kế", 16)]
    rows = [[kf.label.strip(), figure_text(kf.current, kf.kind)] for kf in key_figures(t, None)]
    return Table("province_ytd", T_YTD.format(range=period.range_text), columns, rows)


def board_table(b: Board) -> Table:
    columns = [
        no_col(),
        label_col(L.COL_OFFICE_CODE, 12),
        label_col(L.COL_OFFICE, 40),
        label_col("Loại", 10),
        label_col("Tình trạng", 12),
        label_col("Xuất lúc", 17),
        label_col("Nhận lúc", 17),
        Column("Số tệp", "int", 8, "label", summed=True),
        count_col(L.COL_SESSIONS, "sessions", 10),
    ]

    def when(d: datetime | None) -> str:
        return d.strftime("%H:%M %d/%m/%Y") if d else ""

    rows = [
        [
            i,
            r.code,
            r.name,
            r.kind,
            status_label(r.status) + (" (gửi lại)" if r.resent else ""),
            when(r.first_export),
            when(r.last_ingest),
            r.files,
            r.sessions,
        ]
        for i, r in enumerate(b.rows, start=1)
    ]
    return Table("province_board", f"{T_BOARD} — hạn {b.due:%H:%M %d/%m/%Y}", columns, rows)


def build(
    store: Store,
    period: Period,
    office: OfficeInfo,
    *,
    document: DocumentSettings | None = None,
    now: datetime | None = None,
    check_size: bool = True,
) -> ProvinceReport:
    """Everything the province's report says about ``period``, from the store."""
    if check_size:
        refuse_if_too_large(*Q.count_rows(store, period))
    sessions = Q.load_sessions(store, period)
    sent = {s.office_code for s in sessions}
    prev = period.previous()
    report = build_report(
        sessions,
        Q.lookups(store),
        period,
        office,
        Q.totals(store, prev.start, prev.end),
        consolidated=True,
        offices=[o for o in Q.offices(store) if o.code in sent],
        generated_at=(now or datetime.now()).replace(microsecond=0),
    )
    if document is not None:
        report.document = document
    comparison = Q.comparison(store, period)
    last_week = Period.week_of(period.end)
    province = ProvinceReport(
        report,
        sessions,
        comparison,
        Q.by_kind(comparison),
        Q.trend(store, last_week, TREND_WEEKS),
        Q.year_to_date(store, period),
        week_board(store, period) if period.kind == "week" else None,
    )
    province.tables = {
        SHEET_COMPARISON: comparison_table(comparison),
        SHEET_KINDS: kinds_table(province.kinds),
        SHEET_TREND: trend_table(province.trend),
        SHEET_TREND_OFFICES: trend_offices_table(province.trend),
        SHEET_YTD: ytd_table(province.ytd),
    }
    if province.board is not None:
        province.tables[SHEET_BOARD] = board_table(province.board)
    return province


def _extra_sheets(p: ProvinceReport):
    from counter_app.reports.xlsx.cells import print_setup
    from counter_app.reports.xlsx.tables import FIRST_ROW, write_table_sheet

    def extra(wb: Workbook) -> None:
        for name, table in p.tables.items():
            write_table_sheet(wb.create_sheet(name), p.report, table)
        ws = wb.create_sheet(SHEET_OFFICE_CHART)
        ws["A1"] = "SỐ LƯỢT HƯỚNG DẪN THEO ĐƠN VỊ VÀ XU HƯỚNG TOÀN TỈNH"
        ws["A3"], ws["B3"] = L.COL_OFFICE, L.COL_SESSIONS
        rows = p.comparison.rows[:CHART_OFFICES]
        for i, r in enumerate(rows, start=FIRST_ROW):
            ws.cell(i, 1, r.name or r.code)
            ws.cell(i, 2, r.sessions)
        ws.column_dimensions["A"].width = 36
        if rows:
            chart = BarChart()
            chart.type = "bar"
            chart.title = f"Số lượt hướng dẫn theo đơn vị ({len(rows)} đơn vị nhiều nhất)"
            chart.legend = None
            chart.x_axis.scaling.orientation = "maxMin"
            chart.add_data(
                Reference(ws, min_col=2, min_row=3, max_row=FIRST_ROW + len(rows) - 1),
                titles_from_data=True,
            )
            chart.set_categories(
                Reference(ws, min_col=1, min_row=FIRST_ROW, max_row=FIRST_ROW + len(rows) - 1)
            )
            chart.height = max(8, 0.5 * len(rows))
            chart.width = 20
            ws.add_chart(chart, "D3")
        start = FIRST_ROW + len(rows) + 2
        ws.cell(start, 1, L.COL_WEEK)
        ws.cell(start, 2, L.COL_SESSIONS)
        for i, (w, (n, _, _)) in enumerate(zip(p.trend.weeks, p.trend.total, strict=True), 1):
            ws.cell(start + i, 1, f"T{w.week}")
            ws.cell(start + i, 2, n)
        line = LineChart()
        line.title = "Số lượt hướng dẫn toàn tỉnh theo tuần"
        line.legend = None
        line.add_data(
            Reference(ws, min_col=2, min_row=start, max_row=start + len(p.trend.weeks)),
            titles_from_data=True,
        )
        line.set_categories(
            Reference(ws, min_col=1, min_row=start + 1, max_row=start + len(p.trend.weeks))
        )
        ws.add_chart(line, f"D{start}")
        print_setup(ws)

    return extra


def _document_sections(p: ProvinceReport):
    """What the Word report adds for a province: the per-office table, who sent, the
    trend and the year to date."""
    from counter_app.reports.docx.content import build_content

    content = build_content(p.report, p.sessions)
    head = ("STT", "Đơn vị", "Số lượt", "Lượt TTHC", "Tỷ lệ thành công", "Tăng/giảm")
    rows: list[tuple[str, ...]] = [head]
    for i, r in enumerate(p.comparison.rows, start=1):
        rows.append(
            (
                str(i),
                r.name or r.code,
                vn_int(r.sessions),
                vn_int(r.procedures),
                vn_pct(r.rate),
                "—" if r.change is None else signed_pct(r.change),
            )
        )
    t = p.comparison.total
    rows.append(
        (
            "",
            "Toàn tỉnh",
            vn_int(t.sessions),
            vn_int(t.procedures),
            vn_pct(t.rate),
            "—" if t.change is None else signed_pct(t.change),
        )
    )
    content.office_table = rows
    content.office_table_title = "3. Kết quả theo đơn vị (xếp theo số lượt hướng dẫn)"
    sections = []
    if p.board is not None:
        b = p.board
        missing = [r.name or r.code for r in b.rows if r.status == "missing"]
        late = [r.name or r.code for r in b.rows if r.status == "late"]
        sent = sum(1 for r in b.rows if r.expected and r.status != "missing")
        lines = [
            f"Đến hạn {b.due:%H:%M ngày %d/%m/%Y}, {sent}/{b.expected} đơn vị đã gửi báo cáo "
            f"tuần; {b.count('missing')} đơn vị chưa gửi, {b.count('late')} đơn vị gửi sau "
            f"hạn, {b.resent} đơn vị gửi lại."
        ]
        if missing:
            lines.append("Các đơn vị chưa gửi báo cáo: " + ", ".join(missing) + ".")
        if late:
            lines.append("Các đơn vị gửi báo cáo sau hạn: " + ", ".join(late) + ".")
        sections.append(("4. Tình hình gửi báo cáo của các đơn vị", lines))
    weeks = p.trend.weeks
    totals = [n for n, _, _ in p.trend.total]
    first = next((i for i, n in enumerate(totals) if n), len(totals))
    weeks, totals = weeks[first:], totals[first:]  # from the first week with data
    if weeks:
        trend_line = (
            f"Số lượt hướng dẫn toàn tỉnh {len(weeks)} tuần gần nhất (tuần {weeks[0].week} đến "
            f"tuần {weeks[-1].week}/{weeks[-1].year}): "
            + "; ".join(vn_int(n) for n in totals)
            + "."
        )
        sections.append((f"{len(sections) + 4}. Xu hướng", [trend_line]))
    period, ytd = p.ytd
    sections.append(
        (
            f"{len(sections) + 4}. Lũy kế từ đầu năm",
            [
                f"Từ {period.start:%d/%m/%Y} đến {period.end:%d/%m/%Y}, toàn tỉnh đã hướng dẫn "
                f"{vn_int(ytd.sessions)} lượt, {vn_int(ytd.procedures)} lượt thủ tục; nộp "
                f"trực tuyến thành công {vn_int(ytd.submitted)} hồ sơ ({vn_pct(ytd.success_rate)})."
            ],
        )
    )
    content.extra_sections = sections
    return content


def export_province(
    store: Store,
    period: Period,
    office: OfficeInfo,
    out: Path | None = None,
    *,
    formats: Sequence[str] = ("docx", "xlsx"),
    document: DocumentSettings | None = None,
    now: datetime | None = None,
    progress=None,
) -> ExportResult:
    """Write the province's Word report and/or workbook of ``period``; the pair or
    nothing."""
    from counter_app import paths
    from counter_app.reports.export import write_files

    chosen = [f for f in ("docx", "xlsx") if f in formats]
    p = build(store, period, office, document=document, now=now, check_size="xlsx" in chosen)
    p.report.with_annex = "xlsx" in chosen
    base = (
        Path(out)
        if out is not None
        else paths.exports_dir() / f"BaoCao_Tinh_{period.file_tag}.xlsx"
    )
    result = ExportResult(period, sessions=len(p.sessions))
    result.files = write_files(
        p.report,
        p.sessions,
        base,
        chosen,
        progress=progress,
        extra=_extra_sheets(p),
        content=_document_sections(p) if "docx" in chosen else None,
    )
    return result
