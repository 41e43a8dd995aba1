"""The Word report read back with python-docx: the Decree 30 header, title and subject,
every heading, every key figure (equal to the workbook's and to independent SQL), the
barriers, the proposals, the signature block and "Nơi nhận"; page setup; Vietnamese
numbers; masking of personal data; month and quarter periods; the pair or nothing."""

from __future__ import annotations

import zipfile
from datetime import datetime

import pytest
from docx import Document

from counter_app import cli, paths
from counter_app.reports import Period
from counter_app.reports import labels as L
from counter_app.reports.docx import content as C
from counter_app.reports.export import export_documents
from counter_app.reports.vn import place_and_date, vn_dec, vn_int, vn_pct
from counter_app.services import settings
from counter_app.services.report_document import DocumentSettings, save_document_settings
from counter_app.services.sessions import SessionService
from tests.helpers.shown import same_figure
from tests.test_report_figures import WEEK, build_week, sql_figures, summary_values

NOW = datetime(2026, 2, 5, 9, 30)  # a date line with both leading zeros
DOC = DocumentSettings(
    symbol="UBND",
    place="Tân Hòa",
    signer_title="Phó Chủ tịch",
    signer_name="Nguyễn Văn An",
    signer_authority="KT. Chủ tịch",
    recipients=["UBND tỉnh Đồng Tháp", "Sở Nội vụ"],
    proposals="Đề nghị bố trí thêm 02 máy tính tại Bộ phận Một cửa.",
)


@pytest.fixture
def exported(world, tmp_path):
    build_week(world)
    save_document_settings(world.store, DOC)
    result = export_documents(world.store, WEEK, tmp_path / "bc.xlsx", now=NOW)
    return world, result


def texts(path) -> list[str]:
    """Every paragraph of the document, tables included, in reading order."""
    doc = Document(str(path))
    out = []
    body = doc.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            out.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for p in child.iter():
                if p.tag.endswith("}p"):
                    out.append("".join(t.text or "" for t in p.iter() if t.tag.endswith("}t")))
    return [t for t in out if t.strip()]


def figure_table(path) -> dict[str, tuple[str, str, str]]:
    doc = Document(str(path))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "STT")
    head = [c.text for c in table.rows[0].cells]
    assert head == list(C.FIGURE_HEADERS)
    return {
        r.cells[1].text: (r.cells[2].text, r.cells[3].text, r.cells[4].text) for r in table.rows[1:]
    }


def test_both_files_by_default_under_one_name(exported):
    _, result = exported
    assert set(result.files) == {"docx", "xlsx"}
    assert result.files["docx"].stem == result.files["xlsx"].stem == "bc"


def test_header_title_subject_and_every_heading(exported):
    _, result = exported
    lines = texts(result.files["docx"])
    for expected in (
        "UBND XÃ TÂN HÒA",
        "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ TÂN HÒA",
        L.NATIONAL_1,
        L.NATIONAL_2,
        "Số:        /BC-UBND",
        "Tân Hòa, ngày 05 tháng 02 năm 2026",
        C.TITLE,
        "Kết quả hướng dẫn người dân thực hiện dịch vụ công trực tuyến tuần 47/2026 "
        "(từ 16/11/2026 đến 22/11/2026)",
        C.SECTION_RESULTS,
        C.PART_FIGURES,
        C.PART_REMARKS,
        C.SECTION_BARRIERS,
        C.PART_BARRIERS,
        C.PART_FAILING,
        C.SECTION_PROPOSALS,
        C.ANNEX_LINE,
    ):
        assert expected in lines, expected
    order = [lines.index(h) for h in (C.SECTION_RESULTS, C.SECTION_BARRIERS, C.SECTION_PROPOSALS)]
    assert order == sorted(order)
    remarks = lines[lines.index(C.PART_REMARKS) + 1]
    assert remarks.startswith("Trong tuần 47/2026 (từ 16/11/2026 đến 22/11/2026)")


def test_every_key_figure_equals_the_workbook_and_independent_sql(exported):
    world, result = exported
    word = figure_table(result.files["docx"])
    book = summary_values(result.files["xlsx"])
    db = world.store.db.conn
    current = sql_figures(db, "2026-11-16T00:00:00", "2026-11-23T00:00:00")
    previous = sql_figures(db, "2026-11-09T00:00:00", "2026-11-16T00:00:00")
    label_of = {kf.strip(): kf.strip() for kf in book}
    checked = 0
    for label, value in current.items():
        key = label if label in word else "- " + label.removeprefix("Trong đó: ")
        this, before, _change = word[key]
        fmt = vn_pct if "Tỷ lệ" in label else (vn_dec if "phút" in label else vn_int)
        assert this == fmt(value), label
        assert before == fmt(previous[label]), label
        assert same_figure(book[label_of[label]][0], value), (label, book[label_of[label]][0])
        checked += 1
    assert checked == len(current) == 10
    # and every row of the Word table is a row of the workbook's cover
    assert len(word) == sum(1 for k in book if k in {f.strip() for f in _kf_labels()})


def _kf_labels():
    return [v for k, v in vars(L).items() if k.startswith("KF_")]


def test_barriers_as_shares_of_what_was_not_submitted_and_failing_procedures(exported):
    world, result = exported
    lines = texts(result.files["docx"])
    start = lines.index(C.PART_BARRIERS) + 1
    head = lines[start]
    db = world.store.db.conn
    not_submitted = db.execute(
        "SELECT count(*) FROM session_procedure sp JOIN session s ON s.id = sp.session_id "
        "LEFT JOIN lookup l ON l.id = sp.outcome_id WHERE s.voided = 0 "
        "AND coalesce(l.code, '') <> 'submitted' AND s.started_at >= '2026-11-16' "
        "AND s.started_at < '2026-11-23'"
    ).fetchone()[0]
    assert head.startswith(f"Trong kỳ có {vn_int(not_submitted)} lượt thủ tục chưa nộp")
    first = lines[start + 1]
    label, rest = first.removeprefix("- ").split(": ", 1)
    count = int(rest.split(" lượt")[0])
    assert f"bằng {vn_pct(count / not_submitted)} số lượt TTHC chưa nộp được" in rest
    failing = lines[lines.index(C.PART_FAILING) + 1]
    assert "lượt chưa nộp trực tuyến được" in failing


def test_proposals_own_text_then_suggestions_from_the_barriers(exported, world, tmp_path):
    _, result = exported
    lines = texts(result.files["docx"])
    own = lines.index(DOC.proposals)
    assert own == lines.index(C.SECTION_PROPOSALS) + 1
    suggested = [t for t in lines[own + 1 :] if t.removeprefix("- ") in C.SUGGESTIONS.values()]
    assert suggested  # the most frequent barriers have one each
    settings.REPORT_SUGGESTIONS.set(world.store, False)
    again = export_documents(world.store, WEEK, tmp_path / "b.xlsx", formats=("docx",), now=NOW)
    lines = texts(again.files["docx"])
    assert not [t for t in lines if t.removeprefix("- ") in C.SUGGESTIONS.values()]


def test_signature_block_and_recipients(exported):
    _, result = exported
    doc = Document(str(result.files["docx"]))
    sign = doc.tables[-1]
    left, right = sign.rows[0].cells
    assert [p.text for p in left.paragraphs if p.text] == [
        "Nơi nhận:",
        "- UBND tỉnh Đồng Tháp;",
        "- Sở Nội vụ;",
        "- Lưu: VT.",
    ]
    signed = [p.text for p in right.paragraphs if p.text]
    assert signed == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn An"]
    blank = [p for p in right.paragraphs if not p.text]
    assert len(blank) >= 3  # room for the signature and the seal


def test_page_setup_and_fonts(exported):
    _, result = exported
    doc = Document(str(result.files["docx"]))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = [section.top_margin, section.bottom_margin, section.left_margin, section.right_margin]
    assert [round(m.mm) for m in margins] == [20, 20, 30, 15]  # Decree 30
    assert section.different_first_page_header_footer  # page numbers from page 2
    fonts = {r.font.name for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert fonts == {"Times New Roman"}
    sizes = {r.font.size.pt for p in doc.paragraphs for r in p.runs if r.text.strip()}
    assert sizes <= {13.0, 14.0}
    with zipfile.ZipFile(result.files["docx"]) as z:
        assert b"PAGE" in z.read("word/header1.xml") or any(
            b"PAGE" in z.read(n) for n in z.namelist() if n.startswith("word/header")
        )


def test_defaults_without_settings(world, tmp_path):
    build_week(world)
    result = export_documents(world.store, WEEK, tmp_path / "bc.docx", formats=("docx",), now=NOW)
    assert set(result.files) == {"docx"}
    lines = texts(result.files["docx"])
    assert "Số:        /BC-XA01" in lines  # the office code
    assert "Đồng Tháp, ngày 05 tháng 02 năm 2026" in lines  # the province, without "Tỉnh"
    assert C.DEFAULT_SIGNER in lines and "- UBND xã Tân Hòa;" in lines
    assert C.ANNEX_LINE not in lines  # no annex written alongside


@pytest.mark.parametrize(
    "day, expected",
    [
        (datetime(2026, 2, 5), "Tân Hòa, ngày 05 tháng 02 năm 2026"),
        (datetime(2026, 3, 9), "Tân Hòa, ngày 09 tháng 3 năm 2026"),
        (datetime(2026, 11, 23), "Tân Hòa, ngày 23 tháng 11 năm 2026"),
        (datetime(2026, 1, 15), "Tân Hòa, ngày 15 tháng 01 năm 2026"),
    ],
)
def test_date_line_leading_zero_rule(day, expected):
    assert place_and_date("Tân Hòa", day.date()) == expected


def test_vietnamese_numbers_whatever_the_locale(monkeypatch):
    import locale

    try:
        locale.setlocale(locale.LC_ALL, "C.UTF-8")
    except locale.Error:
        pass
    assert vn_int(1116) == "1.116" and vn_int(1234567) == "1.234.567"
    assert vn_pct(0.641) == "64,1%" and vn_dec(1234.5) == "1.234,5"


@pytest.mark.parametrize(
    "period, subject, when",
    [
        (
            Period.month(2026, 11),
            "tháng 11/2026 (từ 01/11/2026 đến 30/11/2026)",
            "Trong tháng 11/2026,",
        ),
        (
            Period.quarter(2026, 4),
            "quý IV/2026 (từ 01/10/2026 đến 31/12/2026)",
            "Trong quý IV/2026,",
        ),
        (
            Period.custom(datetime(2026, 11, 1).date(), datetime(2026, 11, 15).date()),
            "từ 01/11/2026 đến 15/11/2026",
            "Trong thời gian từ 01/11/2026 đến 15/11/2026,",
        ),
    ],
)
def test_month_quarter_and_custom_periods_read_as_such(world, tmp_path, period, subject, when):
    build_week(world)
    result = export_documents(world.store, period, tmp_path / "p.xlsx", now=NOW)
    lines = texts(result.files["docx"])
    assert C.SUBJECT + " " + subject in lines
    remarks = lines[lines.index(C.PART_REMARKS) + 1]
    assert remarks.startswith(when)
    book = summary_values(result.files["xlsx"])
    assert book[L.KF_SESSIONS][0] == figure_int(figure_table(result.files["docx"]), L.KF_SESSIONS)
    from openpyxl import load_workbook

    names = load_workbook(result.files["xlsx"], read_only=True).sheetnames
    assert (L.SHEET_WEEKS in names) == (period.kind in ("month", "quarter"))


def figure_int(table, label: str) -> int:
    return int(table[label][0].replace(".", ""))


def test_weeks_breakdown_of_a_month_adds_up(world, tmp_path):
    from openpyxl import load_workbook

    build_week(world)
    result = export_documents(world.store, Period.month(2026, 11), tmp_path / "m.xlsx", now=NOW)
    ws = load_workbook(result.files["xlsx"])[L.SHEET_WEEKS]
    rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if str(r[0]).startswith("Tuần")]
    assert [r[1] for r in rows][0] == "01/11–01/11"  # Sunday 1 November: week 44, cut
    assert len(rows) == 6
    total = summary_values(result.files["xlsx"])[L.KF_SESSIONS][0]
    assert sum(r[2] for r in rows) == total


def test_personal_data_typed_into_notes_never_leaves_the_office(world, tmp_path):
    build_week(world)
    svc = SessionService(world.store, clock=lambda: datetime(2026, 11, 30, 12))
    svc.create(
        world.make(
            started_at=datetime(2026, 11, 18, 10),
            backdated_reason="nhập bù",
            note="SĐT 0987 654 321, CCCD 079123456789, mail chi.lan@gmail.com; hồ sơ "
            "000.00.12.H12-241126-0001",
        )
    )
    result = export_documents(world.store, WEEK, tmp_path / "bc.xlsx", now=NOW)
    for path in result.paths:
        with zipfile.ZipFile(path) as z:
            blob = b"".join(z.read(n) for n in z.namelist())
        for secret in ("0987 654 321", "079123456789", "chi.lan@gmail.com"):
            assert secret.encode() not in blob, (path.name, secret)
    with zipfile.ZipFile(result.files["xlsx"]) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    assert "[SĐT], CCCD [số giấy tờ], mail [email]".encode() in blob
    assert b"000.00.12.H12-241126-0001" in blob  # a dossier code is kept


def test_an_office_can_leave_notes_out_of_exports(world, tmp_path):
    from openpyxl import load_workbook

    build_week(world)
    settings.EXPORT_NOTES.set(world.store, False)
    result = export_documents(world.store, WEEK, tmp_path / "bc.xlsx", formats=("xlsx",))
    wb = load_workbook(result.files["xlsx"])
    assert "Ghi chú" not in [c.value for c in wb[L.SHEET_DETAIL][3]]
    notes = [r for r in wb[L.SHEET_DATA].iter_rows(values_only=True) if r[0] == "S"]
    header = next(r for r in wb[L.SHEET_DATA].iter_rows(values_only=True) if r[0] == "#S")
    assert notes and all(not r[header.index("note")] for r in notes)


def test_the_pair_or_nothing(world, tmp_path, monkeypatch):
    from counter_app.reports.docx import writer

    build_week(world)

    def boom(*_a, **_k):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(writer, "write", boom)
    with pytest.raises(OSError):
        export_documents(world.store, WEEK, tmp_path / "bc.xlsx")
    assert [p.name for p in tmp_path.iterdir()] == []


def test_report_command_month_quarter_and_one_format(file_world, capsys):
    build_week(file_world)
    file_world.store.close(backup_on_exit=False)
    assert cli.run(["report", "--month", "2026-11"]) == 0
    out = capsys.readouterr().out
    for suffix in (".docx", ".xlsx"):
        assert (paths.exports_dir() / f"BaoCao_Thang11-2026_XA01{suffix}").exists()
        assert f"BaoCao_Thang11-2026_XA01{suffix}" in out
    assert cli.run(["report", "--quarter", "2026-Q4", "--docx"]) == 0
    assert (paths.exports_dir() / "BaoCao_Quy4-2026_XA01.docx").exists()
    assert not (paths.exports_dir() / "BaoCao_Quy4-2026_XA01.xlsx").exists()
    assert cli.run(["report", "--week", "2026-W47", "--xlsx"]) == 0
    assert not (paths.exports_dir() / "BaoCao_Tuan47-2026_XA01.docx").exists()
    for argv in (["report", "--month", "2026-13"], ["report", "--quarter", "2026-Q5"]):
        assert cli.run(argv) == 2
    assert cli.run(["report", "--month", "2026-11", "--week", "2026-W47"]) == 2
    err = capsys.readouterr().err
    assert "--week" in err and "--month" in err


def test_report_on_a_folder_never_set_up_says_there_is_nothing(isolated_home, capsys):
    assert cli.run(["report", "--week", "2026-W47"]) == 1
    err = capsys.readouterr().err
    assert "Chưa có gì để báo cáo" in err
    assert not paths.database_path().exists()  # no empty office file was made


def test_a_report_past_excel_rows_is_refused_before_anything_is_loaded(
    world, tmp_path, monkeypatch
):
    from counter_app.reports import export
    from counter_app.reports.xlsx import workbook

    build_week(world)
    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 60)

    def never(*_a, **_k):
        raise AssertionError("sessions were loaded")

    monkeypatch.setattr(export, "load_sessions", never)
    with pytest.raises(workbook.ReportTooLargeError) as info:
        export_documents(world.store, WEEK, tmp_path / "bc.xlsx")
    assert "(60)" in str(info.value) and list(tmp_path.iterdir()) == []


class _Terminal:
    def __init__(self):
        self.text = ""

    def isatty(self):
        return True

    def write(self, s):
        self.text += s

    def flush(self):
        pass


def test_long_commands_show_progress_on_a_terminal_only(file_world, monkeypatch):
    import sys

    build_week(file_world)
    file_world.store.close(backup_on_exit=False)
    tty = _Terminal()
    monkeypatch.setattr(sys, "stderr", tty)
    assert cli.run(["report", "--week", "2026-W47"]) == 0
    assert "\rĐang ghi báo cáo… 100%" in tty.text
    assert tty.text.endswith("\r")  # the line is cleared: what is printed next starts clean
    pipe = __import__("io").StringIO()  # a file or a pipe: nothing but the command's lines
    monkeypatch.setattr(sys, "stderr", pipe)
    assert cli.run(["report", "--week", "2026-W47"]) == 0
    assert "%" not in pipe.getvalue()


def test_the_annex_cover_carries_the_same_number_place_and_signer(exported):
    from openpyxl import load_workbook

    _, result = exported
    cover = load_workbook(result.files["xlsx"])[L.SHEET_SUMMARY]
    cells = {c.value for row in cover.iter_rows() for c in row if c.value}
    assert "Số:        /BC-UBND" in cells
    assert "Tân Hòa, ngày 05 tháng 02 năm 2026" in cells
    assert "(Phụ lục kèm theo Báo cáo số        /BC-UBND)" in cells
    assert "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH" in cells and "Nguyễn Văn An" in cells
    assert {"- UBND tỉnh Đồng Tháp;", "- Sở Nội vụ;"} <= cells
