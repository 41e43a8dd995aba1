"""The province's report from the store (workbook and Word), the ``store`` commands and
the "Tổng hợp" presenter."""

from __future__ import annotations

import re
from unittest.mock import MagicMock

import pytest
from docx import Document
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from counter_app import cli, paths
from counter_app.presenters.province import ProvincePresenter, ProvinceView
from counter_app.province import report as R
from counter_app.province.ingest import ingest
from counter_app.province.store import open_province_store
from counter_app.reports import labels as L
from counter_app.reports.records import OfficeInfo
from counter_app.reports.xlsx.tables import TOTAL_LABEL
from tests.helpers.fake_app import FakeApp
from tests.helpers.shown import pc_dependent_cells, shown
from tests.test_province_store import NOW, office_list
from tests.test_report_consolidate_v2 import W47, Office_
from tests.test_report_figures import summary_values

ME = OfficeInfo("SNV", "Sở Nội vụ tỉnh Đồng Tháp", "Tỉnh Đồng Tháp", "UBND tỉnh Đồng Tháp")


@pytest.fixture
def offices():
    made = [Office_("XA01", "UBND xã Mẫu Sơn", 1), Office_("PH02", "UBND phường An Lạc", 2)]
    yield made
    for o in made:
        o.close()


@pytest.fixture
def files(offices, tmp_path):
    out = []
    for o in offices:
        for w in (W47.previous(), W47):
            out.append(o.export(w, tmp_path / "in" / f"{o.code}_{w.week}.xlsx"))
    return out


@pytest.fixture
def store(tmp_path, files):
    s = open_province_store(tmp_path / "kho")
    ingest(s, files, clock=lambda: NOW)
    yield s
    s.close(backup_on_exit=False)


def test_the_province_workbook_has_the_office_sheets_and_its_totals_add_up(
    store, tmp_path, offices
):
    result = R.export_province(store, W47, ME, tmp_path / "out" / "tinh.xlsx", now=NOW)
    assert set(result.files) == {"docx", "xlsx"}
    path = result.files["xlsx"]
    names = load_workbook(path, read_only=True).sheetnames
    for sheet in (
        R.SHEET_COMPARISON,
        R.SHEET_KINDS,
        R.SHEET_TREND,
        R.SHEET_TREND_OFFICES,
        R.SHEET_YTD,
        R.SHEET_BOARD,
        R.SHEET_OFFICE_CHART,
        L.SHEET_DATA,
    ):
        assert sheet in names, sheet
    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_name(R.SHEET_COMPARISON).to_python()
    header = rows[3]
    body = [r for r in rows[4:] if isinstance(r[0], (int, float)) and r[0]]
    total = next(r for r in rows if r[0] == TOTAL_LABEL)
    sessions = header.index(L.COL_SESSIONS)
    assert [r[sessions] for r in body] == sorted((r[sessions] for r in body), reverse=True)
    assert total[sessions] == sum(r[sessions] for r in body) == sum(o.count(W47) for o in offices)
    rate = header.index(L.COL_RATE)
    ok, procs = header.index(L.COL_SUBMITTED), header.index(L.COL_PROCEDURES)
    assert total[rate] == shown(total[ok] / total[procs], "pct")
    assert summary_values(path)[L.KF_SESSIONS][0] == total[sessions]
    assert len(load_workbook(path)[R.SHEET_OFFICE_CHART]._charts) == 2
    found, checked = pc_dependent_cells(path)  # reads the Vietnamese way on any PC
    assert found == [] and checked > 20, found[:5]
    change = header.index("Tăng/giảm")
    assert any(r[change] for r in body)
    assert all(r[change] == "" or re.fullmatch(r"([+−]\d+,\d|0,0)%", r[change]) for r in body)


def test_the_province_word_report_has_the_office_table_and_the_sections(store, tmp_path):
    result = R.export_province(store, W47, ME, tmp_path / "tinh.xlsx", now=NOW, formats=("docx",))
    doc = Document(str(result.files["docx"]))
    text = [p.text for p in doc.paragraphs]
    assert "3. Kết quả theo đơn vị (xếp theo số lượt hướng dẫn)" in text
    assert any(t.startswith("4. Tình hình gửi báo cáo") for t in text)
    assert any(t.startswith("Từ 01/01/2026 đến 22/11/2026, toàn tỉnh đã hướng dẫn") for t in text)
    assert any("Tổng hợp kết quả hướng dẫn" in t for t in text)
    table = next(
        t for t in doc.tables if len(t.columns) > 1 and t.rows[0].cells[1].text == "Đơn vị"
    )
    names = [r.cells[1].text for r in table.rows[1:]]
    assert names[-1] == "Toàn tỉnh" and set(names[:-1]) == {"UBND xã Mẫu Sơn", "UBND phường An Lạc"}
    head = [c.text for c in doc.tables[0].rows[0].cells]
    assert any("SỞ NỘI VỤ" in t for t in [c.text for r in doc.tables[0].rows for c in r.cells])
    assert head


def test_a_report_past_excel_rows_is_refused_from_the_count(store, tmp_path, monkeypatch):
    from counter_app.reports.xlsx import workbook

    monkeypatch.setattr(workbook, "EXCEL_MAX_ROWS", 50)
    loaded = []
    monkeypatch.setattr(R.Q, "load_sessions", lambda *a: loaded.append(a) or [])
    with pytest.raises(workbook.ReportTooLargeError):
        R.export_province(store, W47, ME, tmp_path / "x.xlsx", now=NOW)
    assert loaded == [] and not (tmp_path / "x.xlsx").exists()


def test_store_commands(files, tmp_path, capsys):
    folder = files[0].parent
    (folder / "hong.xlsx").write_bytes(b"PK\x03\x04 broken")
    assert cli.run(["store", "ingest", str(folder), "--by", "Văn thư"]) == 1  # one bad file
    out = capsys.readouterr().out
    assert "Đã nhận 4 tệp" in out and "hong.xlsx: không nhận" in out
    assert cli.run(["store", "ingest", str(folder)]) == 1
    assert "4 tệp đã có trong kho" in capsys.readouterr().out
    listing = office_list(tmp_path / "ds.xlsx")
    assert cli.run(["store", "offices", "import", str(listing)]) == 0
    assert "Thêm 4 đơn vị, cập nhật 1; 1 dòng không dùng được" in capsys.readouterr().out
    assert cli.run(["store", "status", "--week", "2026-W47"]) == 0
    status = capsys.readouterr().out
    assert "1/5 đơn vị đã gửi báo cáo · 4 chưa gửi" in status  # XA01 sent; PH02 is not listed
    assert "1 đơn vị ngoài danh sách" in status
    assert "XA04\tUBND xã Mỹ An\tchưa gửi" in status
    assert cli.run(["store", "offices", "set", "XA04", "UBND xã Mỹ An", "--not-expected"]) == 0
    assert cli.run(["store", "status", "--week", "2026-W47"]) == 0
    assert "1/4 đơn vị" in capsys.readouterr().out
    out_file = tmp_path / "bc" / "tinh.xlsx"
    argv = [
        "store",
        "report",
        "--week",
        "2026-W47",
        "--out",
        str(out_file),
        "--office",
        "Sở Nội vụ",
    ]
    assert cli.run(argv) == 0
    assert out_file.exists() and out_file.with_suffix(".docx").exists()
    assert (
        cli.run(
            ["store", "report", "--month", "2026-11", "--xlsx", "--out", str(tmp_path / "m.xlsx")]
        )
        == 0
    )
    assert cli.run(["store", "export", "--csv", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "sessions.csv").exists()
    assert (paths.data_dir() / "tong_hop" / "kho_tong_hop.db").exists()
    assert list((paths.data_dir() / "tong_hop" / "backups").iterdir())  # backed up on close


def test_the_presenter_ingests_a_folder_and_shows_the_board(world, files, tmp_path):
    view = MagicMock(spec=ProvinceView)
    view.ask_folder.return_value = str(files[0].parent)
    view.get_week_index.return_value = 0
    view.get_period_index.return_value = 0
    app = FakeApp(world.store, world.supervisor, world.counter1)
    presenter = ProvincePresenter(view, app)
    assert presenter.start()
    try:
        presenter.ingest_folder()
        assert not app.errors, app.errors
        summary = view.show_idle.call_args.args[0]
        assert summary.startswith("Đã nhận 4 tệp")
        backups = list((paths.data_dir() / "tong_hop" / "backups").iterdir())
        assert backups  # a verified copy after the ingestion
        labels, _ = view.show_weeks.call_args.args
        index = next(i for i, label in enumerate(labels) if label.startswith("Tuần 47/2026"))
        view.get_week_index.return_value = index
        presenter.refresh_board()
        text, rows = view.show_board.call_args.args
        assert "2/0" not in text and {r[0] for r in rows} == {"XA01", "PH02"}
        row = presenter.store.db.execute("SELECT ingested_by FROM received_file LIMIT 1").fetchone()
        assert row[0] == world.supervisor.name
        presenter.choose_kind("week")
        labels, _ = view.show_period_choices.call_args.args
        view.get_period_index.return_value = next(
            i for i, label in enumerate(labels) if label.startswith("Tuần 47/2026")
        )
        presenter.write_report()
        assert not app.errors, app.errors
        assert presenter.last_export is not None and presenter.last_export.exists()
    finally:
        presenter.close()


def test_a_store_already_open_elsewhere_is_a_message(world):
    other = open_province_store()
    try:
        app = FakeApp(world.store, world.supervisor, world.counter1)
        presenter = ProvincePresenter(MagicMock(spec=ProvinceView), app)
        assert not presenter.start()
        assert app.errors and "kho tổng hợp" in app.errors[0]
    finally:
        other.close(backup_on_exit=False)
