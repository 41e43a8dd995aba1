"""The produced workbook read back by openpyxl and by a second reader (python-calamine);
user text never becomes a formula; print setup is there."""

from __future__ import annotations

import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from counter_app.reports import export_report
from counter_app.reports import labels as L
from counter_app.reports.xlsx.cover import place_and_date
from tests.helpers.shown import shown
from tests.test_report_figures import WEEK, build_week, summary_values

INJECTIONS = ['=HYPERLINK("http://x","bấm")', "+84 gọi lại", "-2 giấy tờ", "@SUM(A1:A3)"]


@pytest.fixture
def path(world, tmp_path):
    build_week(world)
    return export_report(world.store, WEEK, tmp_path / "week.xlsx")


def test_second_reader_sees_the_same_key_cells(path):
    ours = summary_values(path)
    book = CalamineWorkbook.from_path(str(path))
    assert book.sheet_names[0] == L.SHEET_SUMMARY
    assert L.SHEET_DATA in book.sheet_names
    rows = book.get_sheet_by_name(L.SHEET_SUMMARY).to_python()
    flat = [str(v) for r in rows for v in r]
    assert L.NATIONAL_1 in flat and L.TITLE in flat and WEEK.label in flat
    assert L.SIGN_LEFT in flat and L.SIGN_RIGHT in flat
    theirs = {r[1].strip(): r[2:4] for r in rows if isinstance(r[1], str) and r[1]}
    for label in (L.KF_SESSIONS, L.KF_PROCEDURES, L.KF_SUBMITTED, L.KF_SUCCESS_RATE):
        assert theirs[label][0] == pytest.approx(ours[label][0])
        assert theirs[label][1] == pytest.approx(ours[label][1])
    detail = book.get_sheet_by_name(L.SHEET_DETAIL).to_python()
    assert isinstance(detail[3][3], date)  # a real date cell, not text


def test_user_text_is_never_a_formula(path):
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name), name
    wb = load_workbook(path)
    found = {}
    for ws in (wb[L.SHEET_DETAIL], wb[L.SHEET_DATA]):
        for row in ws.iter_rows():
            for cell in row:
                if cell.value in INJECTIONS:
                    assert cell.data_type in ("s", "inlineStr"), cell.coordinate
                    found.setdefault(ws.title, set()).add(cell.value)
    assert found[L.SHEET_DETAIL] == set(INJECTIONS)
    assert found[L.SHEET_DATA] == set(INJECTIONS)
    calamine = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.SHEET_DETAIL)
    values = {v for r in calamine.to_python() for v in r}
    assert set(INJECTIONS) <= values


def test_text_with_formula_lead_in_small_sheets_stays_text(world, tmp_path):
    world.offices.save_office(
        world.office.__class__(
            code="XA01",
            name="=cmd|' /C calc'!A0",
            province="Tỉnh Đồng Tháp",
            parent_body="+UBND",
            id=world.office.id,
        )
    )
    build_week(world)
    path = export_report(world.store, WEEK, tmp_path / "w.xlsx")
    wb = load_workbook(path)
    cells = [
        c
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("=", "+"))
    ]
    assert cells and all(c.data_type == "s" for c in cells)


def test_print_setup_and_sheet_furniture(path):
    wb = load_workbook(path)
    cover = wb[L.SHEET_SUMMARY]
    assert int(cover.page_setup.paperSize) == 9  # A4
    assert cover["A1"].font.name == "Times New Roman"
    for name in (L.SHEET_PROCEDURES, L.SHEET_TIME, L.SHEET_DETAIL):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows
        assert ws.freeze_panes
        assert "&P" in ws.oddFooter.center.text
    assert wb[L.SHEET_PROCEDURES].sheet_properties.pageSetUpPr.fitToPage
    assert wb[L.SHEET_PROCEDURES].auto_filter.ref
    assert wb[L.SHEET_DETAIL].auto_filter.ref
    assert wb[L.SHEET_DATA].sheet_state == "hidden"
    assert len(wb[L.SHEET_CHARTS]._charts) == 3
    assert wb[L.SHEET_DETAIL]["D4"].number_format == "dd/mm/yyyy"


def test_generated_sentences_are_on_the_cover(path):
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.SHEET_SUMMARY).to_python()
    texts = [r[0] for r in rows if isinstance(r[0], str) and r[0]]
    start = texts.index(L.SECTION_REMARKS)
    remarks = texts[start + 1 : texts.index(L.SIGN_LEFT)]
    assert 3 <= len(remarks) <= 6
    assert remarks[0].startswith("Trong tuần 47/2026")


@pytest.mark.parametrize(
    "province, day, expected",
    [
        ("Tỉnh Đồng Tháp", date(2026, 2, 5), "Đồng Tháp, ngày 05 tháng 02 năm 2026"),
        ("Thành phố Hà Nội", date(2026, 11, 23), "Hà Nội, ngày 23 tháng 11 năm 2026"),
        ("", date(2026, 3, 1), "Ngày 01 tháng 3 năm 2026"),
    ],
)
def test_place_and_date_line(province, day, expected):
    assert place_and_date(province, day) == expected


def test_control_characters_in_notes_do_not_break_the_file(world, tmp_path):
    from datetime import datetime

    from counter_app.services.sessions import SessionService

    svc = SessionService(world.store, clock=lambda: datetime(2026, 11, 30))
    svc.create(
        world.make(
            started_at=datetime(2026, 11, 17, 9),
            backdated_reason="bù",
            note="chuông\x07 <b>&amp; \x1b",
        )
    )
    path = export_report(world.store, WEEK, tmp_path / "w.xlsx")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.SHEET_DETAIL).to_python()
    assert rows[3][-1] == "chuông <b>&amp; "


def test_a_file_created_during_a_long_export_is_never_replaced(world, tmp_path):
    """The name is free when the export starts; another program (or PC on a shared
    folder) may take it before the export ends: that file must survive untouched."""
    from counter_app.reports.export import compute, write_workbook

    build_week(world)
    report, sessions = compute(world.store, WEEK)
    target = tmp_path / "BaoCao.xlsx"

    def progress(fraction, _message):
        if fraction >= 0.3 and not target.exists():
            target.write_bytes(b"someone else's file")

    written = write_workbook(report, sessions, target, progress)
    assert target.read_bytes() == b"someone else's file"
    assert written == tmp_path / "BaoCao (2).xlsx"
    assert summary_values(written)[L.KF_SESSIONS][0] == report.totals.sessions
    assert sorted(p.name for p in tmp_path.iterdir()) == ["BaoCao (2).xlsx", "BaoCao.xlsx"]


def test_text_longer_than_an_excel_cell_is_cut_not_a_broken_file(world, tmp_path):
    """Consolidated files bring text this app's own limits never saw; Excel refuses a
    cell over 32 767 characters and offers to "repair" the whole workbook."""
    from counter_app.reports.export import compute, write_workbook

    build_week(world)
    report, sessions = compute(world.store, WEEK)
    sessions[0].note = "ghi chú rất dài " * 3000
    report.office.name = "Đơn vị " * 6000
    path = write_workbook(report, sessions, tmp_path / "dai.xlsx")
    book = CalamineWorkbook.from_path(str(path))
    longest = max(
        len(v)
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for v in row
        if isinstance(v, str)
    )
    assert 30_000 < longest <= 32_767


def test_more_rows_than_excel_holds_is_refused_before_writing(world, tmp_path, monkeypatch):
    """A year of a whole province consolidated passes Excel's 1 048 576 rows per sheet;
    Excel would drop the rest. Refuse with a message; write nothing."""
    from counter_app.reports.xlsx import workbook

    build_week(world)
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 40)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(workbook.ReportTooLargeError) as info:
        export_report(world.store, WEEK, out / "lon.xlsx")
    assert "nhiều hơn số dòng Excel mở được (40)" in str(info.value)
    assert list(out.iterdir()) == []


def test_every_total_row_is_the_sum_of_its_rows_by_column_role(world, tmp_path):
    """Totals come from the columns' roles: counts add up, the success rate is recomputed
    from the summed submitted / procedures, shares and averages stay blank."""
    from collections import Counter

    from counter_app.reports.breakdowns import breakdown_tables
    from counter_app.reports.consolidate import consolidate
    from counter_app.reports.export import compute
    from counter_app.reports.records import LookupOrder
    from counter_app.reports.xlsx.tables import TOTAL_LABEL

    build_week(world)
    single = export_report(world.store, WEEK, tmp_path / "a.xlsx")
    merged = consolidate([single], tmp_path / "th.xlsx").path
    layouts = breakdown_tables([], LookupOrder(), WEEK, Counter(), Counter(), consolidated=True)
    written, _ = compute(world.store, WEEK)  # a text column empty on every row is left out
    layouts = {
        k: written.tables[k].without_empty_columns() if k in written.tables else t
        for k, t in layouts.items()
    }
    checked = set()
    for path in (single, merged):
        book = CalamineWorkbook.from_path(str(path))
        rows = [r for n in book.sheet_names for r in book.get_sheet_by_name(n).to_python()]
        for key, table in layouts.items():
            if not table.has_total:
                continue
            columns = table.columns
            found = _body_and_total(rows, [c.header for c in columns], TOTAL_LABEL)
            if found is None:
                continue
            body, total = found
            assert body, key
            for i, col in enumerate(columns[1:], 1):
                where = (path.name, key, col.header)
                if col.rate_of is not None:
                    num, den = (sum(r[table.column_of(role)] for r in body) for role in col.rate_of)
                    assert total[i] == shown(num / den, "pct"), where
                elif col.summed:
                    assert total[i] == sum(r[i] for r in body), where
                else:
                    assert total[i] == "", where
            checked.add((path.name, key))
    summed = {"procedures", "fields", "days", "weekdays", "officers", "counters"}
    assert checked == {("a.xlsx", k) for k in summed} | {
        ("th.xlsx", k) for k in summed | {"offices"}
    }


def _body_and_total(rows: list[list], headers: list[str], total_label: str):
    """The rows of the table whose header row is ``headers``, and its total row."""
    n = len(headers)
    start = next((i for i, r in enumerate(rows) if list(r[:n]) == headers), None)
    if start is None:
        return None
    body = []
    for r in rows[start + 1 :]:
        if r[0] == total_label:
            return body, r
        body.append(r)
    raise AssertionError(f"no total row after {headers}")
