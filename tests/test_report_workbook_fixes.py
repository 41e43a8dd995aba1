"""The workbook as a supervisor reads and prints it: headers on every printed page, ties in
Vietnamese order, barriers as shares of what was not submitted, "Trong đó" rows that add
up, chart columns named for what they hold, STT columns, the detail sheet's print setup,
the quote prefix, the "made by" line off the paper, no column that is empty throughout."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

import pytest
from openpyxl import load_workbook

from counter_app.domain.models import OUTCOME_NOT_SUBMITTED, OUTCOME_SUBMITTED
from counter_app.reports import export_report
from counter_app.reports import labels as L
from counter_app.reports.breakdowns import fields_table, procedures_table
from counter_app.reports.records import LookupOrder, LookupRec, ProcRec, SessionRec
from counter_app.reports.shares import barriers_table, top_counts
from counter_app.reports.xlsx.cells import INT_FORMAT
from counter_app.reports.xlsx.tables import FIRST_ROW, TABLE_SHEETS
from tests.test_report_figures import WEEK, build_week, summary_values


@pytest.fixture
def book(world, tmp_path):
    build_week(world)
    path = export_report(world.store, WEEK, tmp_path / "week.xlsx")
    return load_workbook(path), path


def _session(uuid: str, *procs: ProcRec) -> SessionRec:
    return SessionRec(
        uuid, "XA01", "Xã", datetime(2026, 11, 17, 9), 10, "A", "Q1", procedures=[*procs]
    )


def _proc(code: str, name: str, field: str, outcome: str, barriers=()) -> ProcRec:
    return ProcRec(code, name, field, "", outcome, outcome, tuple(barriers))


def test_every_table_sheet_repeats_its_column_headers_on_every_printed_page(book):
    wb, _ = book
    for name, key in TABLE_SHEETS:
        if name not in wb.sheetnames:
            assert key == "weeks"  # a week's report has no breakdown by week
            continue
        ws = wb[name]
        assert ws.print_title_rows.replace("$", "") == f"1:{FIRST_ROW}", name
        header_rows = [  # rows of shaded column headers: exactly one table per sheet
            r
            for r in range(1, ws.max_row + 1)
            if str(ws.cell(r, 1).fill.fgColor.rgb).endswith("DDE4EE")
        ]
        assert header_rows == [FIRST_ROW], (name, header_rows)  # one table per sheet
        assert ws.freeze_panes == f"A{FIRST_ROW + 1}"


def test_ties_sort_in_vietnamese_dictionary_order():
    sessions = [
        _session("1", _proc("1.1", "A", "Chính sách", OUTCOME_SUBMITTED)),
        _session("2", _proc("1.2", "B", "Chăn nuôi", OUTCOME_SUBMITTED)),
        _session("3", _proc("1.3", "C", "Đất đai", OUTCOME_SUBMITTED)),
        _session("4", _proc("1.4", "D", "Dân tộc", OUTCOME_SUBMITTED)),
    ]
    fields = [r[1] for r in fields_table(sessions, 4).rows]
    assert fields == ["Chăn nuôi", "Chính sách", "Dân tộc", "Đất đai"]
    assert top_counts(Counter({"Ơ": 2, "O": 2, "Ô": 2, "Z": 3}), 4) == [
        ("Z", 3),
        ("O", 2),
        ("Ô", 2),
        ("Ơ", 2),
    ]


def test_barriers_ranked_with_their_share_of_procedures_not_submitted():
    lookups = LookupOrder.from_records(
        [LookupRec("barrier", c, c.upper(), i, True) for i, c in enumerate("abcd")]
    )
    table = barriers_table(Counter({"B": 3, "C": 5, "A": 3}), 10, lookups)
    assert [r[:3] for r in table.rows] == [[1, "C", 5], [2, "A", 3], [3, "B", 3], [4, "D", 0]]
    assert [r[3] for r in table.rows] == [0.5, 0.3, 0.3, 0.0]
    assert table.columns[3].header == L.COL_SHARE_NOT_SUBMITTED


def test_the_in_which_rows_add_up_to_their_total(book, world):
    _, path = book
    got = summary_values(path)
    parts = (L.KF_INDIVIDUALS, L.KF_ORGANISATIONS, L.KF_OTHER_APPLICANTS)
    for column in (0, 1):  # this week and the previous one
        assert sum(got[p.strip()][column] for p in parts) == got[L.KF_SESSIONS][column]
    assert got[L.KF_OTHER_APPLICANTS.strip()][0] > 0  # the "Không rõ" sessions are shown


def test_chart_data_columns_say_what_they_hold(book):
    wb, _ = book
    ws = wb[L.SHEET_CHARTS]
    headers = [ws.cell(r, 1).value for r in range(1, ws.max_row + 1)]
    assert L.COL_PROCEDURE in headers and L.COL_BARRIER in headers
    assert L.COL_VALUE not in headers


def test_long_tables_have_an_stt_column(book):
    wb, _ = book
    for name in (L.SHEET_PROCEDURES, L.SHEET_FIELDS, L.SHEET_BARRIERS):
        ws = wb[name]
        assert ws.cell(FIRST_ROW, 1).value == L.COL_NO, name
        numbers = []
        for r in range(FIRST_ROW + 1, ws.max_row + 1):
            value = ws.cell(r, 1).value
            if not isinstance(value, int):
                break
            numbers.append(value)
        assert numbers and numbers == list(range(1, len(numbers) + 1)), name


def test_counts_read_with_vietnamese_thousands_dots_on_any_pc(book):
    wb, _ = book
    ws = wb[L.SHEET_PROCEDURES]
    header = [c.value for c in ws[FIRST_ROW]]
    cell = ws.cell(FIRST_ROW + 1, header.index(L.COL_PROCEDURES) + 1)
    assert cell.number_format == INT_FORMAT
    assert '"."' in INT_FORMAT and "#,##0" not in INT_FORMAT


def test_detail_sheet_prints_its_identifying_columns_on_every_page_and_wraps_text(book):
    wb, _ = book
    ws = wb[L.SHEET_DETAIL]
    assert ws.print_title_cols.replace("$", "") == "A:D"
    assert ws.print_title_rows.replace("$", "") == "3:3"
    header = [c.value for c in ws[3]]
    name_col = header.index("Tên thủ tục") + 1
    assert ws.cell(4, name_col).alignment.wrap_text
    tall = [r for r in range(4, ws.max_row + 1) if len(str(ws.cell(r, name_col).value or "")) > 120]
    assert tall and all(
        ws.row_dimensions[r].height and ws.row_dimensions[r].height > 20 for r in tall
    )


def test_text_starting_like_a_formula_carries_the_quote_prefix(book):
    wb, _ = book
    found = []
    for name in (L.SHEET_DETAIL, L.SHEET_DATA):
        for row in wb[name].iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(("=", "+", "-", "@")):
                    found.append((name, cell.value))
                    assert cell.quotePrefix, (name, cell.coordinate, cell.value)
                    assert cell.data_type == "s"
    assert {n for n, _ in found} == {L.SHEET_DETAIL, L.SHEET_DATA}


def test_the_made_by_line_is_outside_the_print_area(book):
    wb, _ = book
    cover = wb[L.SHEET_SUMMARY]
    area = cover.print_area
    last = int(str(area).rsplit("$", 1)[-1]) if "$" in str(area) else int(str(area).split(":F")[1])
    made = [
        r for r in range(1, cover.max_row + 1) if str(cover.cell(r, 1).value).startswith("Lập bằng")
    ]
    assert made and made[0] > last
    signs = [r for r in range(1, cover.max_row + 1) if cover.cell(r, 3).value == L.SIGN_RIGHT]
    assert signs and signs[0] <= last


def test_a_column_empty_for_every_row_is_left_out_and_kept_when_filled(world, tmp_path):
    build_week(world)
    wb = load_workbook(export_report(world.store, WEEK, tmp_path / "a.xlsx"))
    assert L.COL_ONLINE_LEVEL not in [c.value for c in wb[L.SHEET_PROCEDURES][FIRST_ROW]]
    assert "Mức độ DVC" not in [c.value for c in wb[L.SHEET_DETAIL][3]]
    world.store.db.execute(
        "UPDATE procedure SET online_level = 'toàn trình' WHERE code = '1.001193'"
    )
    wb = load_workbook(export_report(world.store, WEEK, tmp_path / "b.xlsx"))
    assert L.COL_ONLINE_LEVEL in [c.value for c in wb[L.SHEET_PROCEDURES][FIRST_ROW]]
    detail_header = [c.value for c in wb[L.SHEET_DETAIL][3]]
    assert "Mức độ DVC" in detail_header
    level_col = detail_header.index("Mức độ DVC")
    code_col = detail_header.index("Mã TTHC")
    levels = {
        r[code_col]: r[level_col]
        for r in wb[L.SHEET_DETAIL].iter_rows(min_row=4, values_only=True)
        if r[code_col]
    }
    assert levels["1.001193"] == "toàn trình"


def test_submitted_by_online_level_on_the_cover_when_levels_are_known(world, tmp_path):
    build_week(world)
    world.store.db.execute(
        "UPDATE procedure SET online_level = 'toàn trình' WHERE code = '1.001193'"
    )
    world.store.db.execute("UPDATE procedure SET online_level = 'một phần' WHERE code = '1.004222'")
    got = summary_values(export_report(world.store, WEEK, tmp_path / "a.xlsx"))
    full = world.store.db.execute(
        "SELECT count(*) FROM session_procedure sp JOIN session s ON s.id = sp.session_id "
        "JOIN lookup l ON l.id = sp.outcome_id WHERE s.voided = 0 AND l.code = 'submitted' "
        "AND sp.procedure_code = '1.001193' AND s.started_at >= '2026-11-16' "
        "AND s.started_at < '2026-11-23'"
    ).fetchone()[0]
    assert got[L.KF_SUBMITTED_FULL.strip()][0] == full > 0
    parts = (L.KF_SUBMITTED_FULL, L.KF_SUBMITTED_PARTIAL, L.KF_SUBMITTED_UNKNOWN)
    assert sum(got[p.strip()][0] for p in parts) == got[L.KF_SUBMITTED][0]


def test_without_levels_the_cover_has_no_split(book):
    _, path = book
    assert L.KF_SUBMITTED_FULL.strip() not in summary_values(path)


def test_procedures_table_numbers_rows_in_rank_order():
    sessions = [
        _session("1", _proc("1.1", "Đăng ký", "F", OUTCOME_NOT_SUBMITTED)),
        _session("2", _proc("1.2", "Chứng thực", "F", OUTCOME_SUBMITTED)),
        _session("3", _proc("1.2", "Chứng thực", "F", OUTCOME_SUBMITTED)),
    ]
    rows = procedures_table(sessions).rows
    assert [(r[0], r[1]) for r in rows] == [(1, "1.2"), (2, "1.1")]


def test_a_key_figure_label_that_wraps_gets_the_room_for_its_lines(book):
    """Excel and LibreOffice keep a row's height as given: a wrapped label must not be
    drawn over the next row. One-line labels keep the default height."""
    from counter_app.reports.xlsx.cells import lines
    from counter_app.reports.xlsx.cover import COVER_WIDTHS

    wb, _ = book
    ws = wb.worksheets[0]  # the cover
    seen = 0
    for row in range(1, ws.max_row + 1):
        number, label = ws.cell(row, 1).value, ws.cell(row, 2).value
        if not isinstance(label, str) or ws.cell(row, 3).value is None or number == "STT":
            continue
        sub = number is None
        wrapped = lines(label, (COVER_WIDTHS[1] - (3 if sub else 1)) * 1.15, 1.0)
        height = ws.row_dimensions[row].height
        if wrapped > 1:
            assert height is not None and height >= 16 * wrapped, (row, label, height)
            seen += 1
        else:
            assert height is None, (row, label, height)
    assert seen >= 1  # "Thời gian hướng dẫn trung bình (phút/lượt)" wraps
