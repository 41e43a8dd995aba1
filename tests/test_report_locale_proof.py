"""The workbook reads the Vietnamese way on any PC: counts carry literal thousands dots,
and rates, averages and changes are Vietnamese text, because Excel takes a number cell's
decimal mark from the PC's regional settings and no number format can force a comma.
Excel is also told that such text is text on purpose (no "number stored as text" marks),
with the element where the sheet schema puts it."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from counter_app.reports import export_report
from counter_app.reports import labels as L
from counter_app.reports.aggregate import KeyFigure
from counter_app.reports.consolidate import consolidate
from counter_app.reports.vn import change_text, signed_pct, signed_text, vn_dec
from counter_app.reports.xlsx.tables import FIRST_ROW
from counter_app.reports.xlsxstream import text_is_text
from tests.helpers.shown import pc_dependent_cells, shown, shown_change, shown_relative
from tests.test_report_figures import WEEK, build_week, sql_figures

# CT_Worksheet's children in the order ECMA-376 Part 1 (§18.3.1.99) requires
SHEET_ORDER = [
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData",
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter",
    "sortState", "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr",
    "conditionalFormatting", "dataValidations", "hyperlinks", "printOptions",
    "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing",
    "legacyDrawing", "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls",
    "webPublishItems", "tableParts", "extLst",
]  # fmt: skip
VN_FIGURE = re.compile(r"^[+−]?\d{1,3}(\.\d{3})*(,\d)?( điểm %|%)?$")


@pytest.fixture
def path(world, tmp_path):
    build_week(world)
    return export_report(world.store, WEEK, tmp_path / "week.xlsx")


def test_no_number_cell_takes_a_decimal_or_thousands_mark_from_the_pc(path, tmp_path):
    merged = consolidate([path], tmp_path / "th.xlsx").path
    for book in (path, merged):
        found, checked = pc_dependent_cells(book)
        assert found == [] and checked > 100, (book.name, found[:5])


def test_rates_averages_and_changes_are_vietnamese_text_aligned_right(path):
    wb = load_workbook(path)
    ws = wb[L.SHEET_SUMMARY]
    texts = []
    for row in ws.iter_rows():
        label = row[1].value
        if not isinstance(label, str) or label.strip() not in _kf_labels():
            continue
        for cell in row[2:6]:
            if isinstance(cell.value, str) and cell.value != L.NO_PREVIOUS:
                assert VN_FIGURE.match(cell.value), (label, cell.value)
                assert cell.alignment.horizontal == "right"
                texts.append(cell.value)
    assert any(t.endswith(" điểm %") for t in texts) and any("," in t for t in texts)
    ws = wb[L.SHEET_PROCEDURES]
    header = [c.value for c in ws[FIRST_ROW]]
    rate = header.index(L.COL_RATE) + 1
    rates = [ws.cell(r, rate) for r in range(FIRST_ROW + 1, ws.max_row + 1)]
    rates = [c for c in rates if c.value is not None]
    assert rates and all(VN_FIGURE.match(c.value) for c in rates)
    assert all(c.alignment.horizontal == "right" for c in rates)


def test_the_covers_changes_equal_independent_sql(path, world):
    db = world.store.db.conn
    now = sql_figures(db, "2026-11-16T00:00:00", "2026-11-23T00:00:00")
    before = sql_figures(db, "2026-11-09T00:00:00", "2026-11-16T00:00:00")
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(L.SHEET_SUMMARY).to_python()
    by_label = {str(r[1]).strip(): r for r in rows if str(r[1]).strip() in now}
    assert len(by_label) == len(now) == 10
    for label, value in now.items():
        kind = "pct" if "Tỷ lệ" in label else "dec" if "phút" in label else "int"
        cells = by_label[label]
        assert cells[2] == shown(value, kind) or cells[2] == value, label
        assert cells[4] == shown_change(value - before[label], kind), label
        if kind == "int" and before[label]:  # rates and averages: no relative change
            assert cells[5] == shown_relative((value - before[label]) / before[label]), label
        else:
            assert cells[5] in ("", None), label


def test_every_worksheet_tells_excel_its_text_is_text_in_schema_order(path):
    with zipfile.ZipFile(path) as z:
        sheets = [n for n in z.namelist() if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", n)]
        assert len(sheets) > 10
        for name in sheets:
            root = ElementTree.fromstring(z.read(name))
            children = [child.tag.rsplit("}", 1)[-1] for child in root]
            assert "ignoredErrors" in children, name
            positions = [SHEET_ORDER.index(c) for c in children]
            assert positions == sorted(positions), (name, children)
            ignored = root.find("{*}ignoredErrors/{*}ignoredError")
            assert ignored.get("numberStoredAsText") == "1"
            assert ignored.get("sqref") == "A1:XFD1048576"


@pytest.mark.parametrize(
    "tail",
    [
        "<pageSetup/></worksheet>",
        "<pageSetup/><drawing r:id='rId1'/></worksheet>",
        "<headerFooter/><tableParts count='1'/></worksheet>",
        "<pageMargins/><legacyDrawing r:id='x'/><extLst/></worksheet>",
    ],
)
def test_the_element_goes_before_the_first_later_child(tail):
    xml = "<worksheet><sheetData/>" + tail
    out = text_is_text(xml)
    at = out.index("<ignoredErrors>")
    later = [t for t in ("<drawing", "<legacyDrawing", "<tableParts", "<extLst") if t in out]
    assert all(out.index(t) > at for t in later)
    assert out.index("<sheetData/>") < at
    assert text_is_text(out) == out  # once only


@pytest.mark.parametrize(
    "d, kind, text",
    [
        (12, "int", "+12"),
        (-1116, "int", "−1.116"),
        (0, "int", "0"),
        (0.015, "pct", "+1,5 điểm %"),
        (-0.0004, "pct", "0,0 điểm %"),
        (-0.04, "dec", "0,0"),
        (2.25, "dec", "+2,2"),  # as Python rounds, like the Word report
        (-1234.5, "dec", "−1.234,5"),
    ],
)
def test_signed_text(d, kind, text):
    assert signed_text(d, kind) == text
    assert shown_change(d, kind) == text  # the test's own writer agrees


def test_signed_relative_and_negative_decimals():
    assert signed_pct(0.085) == "+8,5%"
    assert signed_pct(-0.12) == "−12,0%"
    assert signed_pct(-0.0001) == "0,0%"
    assert vn_dec(-0.5) == "−0,5" and vn_dec(-0.04) == "0,0"
    assert change_text(KeyFigure("x", 1116, 1000, "int")) == "+116 (+11,6%)"
    assert change_text(KeyFigure("x", 9.96, 10.0, "dec")) == "0,0"  # no "−0,0"
    assert change_text(KeyFigure("x", 0.5, 0.485, "pct")) == "+1,5 điểm %"


def _kf_labels():
    return {v.strip() for k, v in vars(L).items() if k.startswith("KF_")}
