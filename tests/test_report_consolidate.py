"""Consolidation: duplicates and overlaps count once; bad files are named, nothing written."""

from __future__ import annotations

import shutil
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from counter_app.domain.models import Office
from counter_app.reports import Period, export_report
from counter_app.reports import labels as L
from counter_app.reports.consolidate import ConsolidationError, consolidate
from counter_app.services.demo import generate
from counter_app.storage.database import open_memory_store
from tests.conftest import World
from tests.test_report_figures import WEEK, summary_values


@pytest.fixture(scope="module")
def _built_offices(tmp_path_factory):
    """Built once per module (demo data and three exports take a while): two offices
    with three weeks of sessions each; their week-47 files (and a November file for the
    first office, overlapping week 47)."""
    folder = tmp_path_factory.mktemp("offices")
    stores, files = [], {}
    for code, name, seed in (
        ("XA01", "Trung tâm PVHCC xã Tân Hòa", 1),
        ("XA02", "Trung tâm PVHCC xã Phú Mỹ", 2),
    ):
        store = open_memory_store()
        stores.append(store)
        world = World(store)
        world.offices.save_office(
            Office(
                code=code,
                name=name,
                province="Tỉnh Đồng Tháp",
                parent_body="UBND tỉnh Đồng Tháp",
                id=world.office.id,
            )
        )
        generate(store, weeks=3, per_day=10, end=date(2026, 11, 22), seed=seed)
        files[code] = export_report(store, WEEK, folder / f"{code}.xlsx")
    files["XA01-month"] = export_report(
        stores[0],
        Period.custom(date(2026, 11, 10), date(2026, 11, 22)),
        folder / "XA01-month.xlsx",
    )
    yield stores, files
    for s in stores:
        s.close(backup_on_exit=False)


@pytest.fixture
def offices(_built_offices, tmp_path):
    """Each test gets its own copies of the stores and files: it may change them."""
    built_stores, built_files = _built_offices
    stores = []
    for built in built_stores:
        store = open_memory_store()
        built.conn.backup(store.conn)
        stores.append(store)
    files = {}
    for key, path in built_files.items():
        files[key] = tmp_path / path.name
        shutil.copyfile(path, files[key])
    yield stores, files
    for s in stores:
        s.close(backup_on_exit=False)


def count(store, start: str, end: str) -> int:
    return store.db.execute(
        "SELECT count(*) FROM session WHERE voided = 0 AND started_at >= ? AND started_at < ?",
        [start, end],
    ).fetchone()[0]


def test_same_file_twice_counts_once(offices, tmp_path):
    (a, b), files = offices
    result = consolidate([files["XA01"], files["XA01"], files["XA02"]], tmp_path / "out.xlsx")
    expected = sum(count(s, "2026-11-16", "2026-11-23") for s in (a, b))
    assert result.sessions == expected
    assert result.duplicates == count(a, "2026-11-16", "2026-11-23")
    got = summary_values(result.path)
    assert got[L.KF_SESSIONS][0] == expected
    wb = load_workbook(result.path, read_only=True)
    per_office = {
        r[0]: r[2]
        for r in wb[L.SHEET_OFFICES].iter_rows(values_only=True)
        if r[0] in ("XA01", "XA02")
    }
    assert per_office == {
        "XA01": count(a, "2026-11-16", "2026-11-23"),
        "XA02": count(b, "2026-11-16", "2026-11-23"),
    }
    people = [
        r[0]
        for r in wb[L.SHEET_PEOPLE].iter_rows(values_only=True)
        if isinstance(r[0], str) and r[0].endswith(("(XA01)", "(XA02)"))
    ]
    assert people, "officers and counters are told apart per office"
    # previous week: one per office, summed
    prev = sum(count(s, "2026-11-09", "2026-11-16") for s in (a, b))
    assert got[L.KF_SESSIONS][1] == prev


def test_overlapping_periods_count_each_session_once(offices, tmp_path):
    (a, _), files = offices
    result = consolidate(
        [files["XA01"], files["XA01-month"]], tmp_path / "out.xlsx", mixed_periods=True
    )
    assert result.sessions == count(a, "2026-11-10", "2026-11-23")
    assert result.period == Period.custom(date(2026, 11, 10), date(2026, 11, 22))
    assert summary_values(result.path)[L.KF_SESSIONS][0] == result.sessions


def test_consolidated_file_can_be_consolidated_again(offices, tmp_path):
    _, files = offices
    first = consolidate([files["XA01"], files["XA02"]], tmp_path / "one.xlsx")
    again = consolidate([first.path, files["XA02"]], tmp_path / "two.xlsx")
    assert again.sessions == first.sessions


def _bad_files(files, tmp_path) -> dict[str, object]:
    foreign = tmp_path / "bang_tinh_khac.xlsx"
    wb = Workbook()
    wb.active["A1"] = "Sổ theo dõi tự làm"
    wb.save(foreign)
    newer = tmp_path / "phien_ban_moi.xlsx"
    wb = load_workbook(files["XA02"])
    wb[L.SHEET_DATA]["B1"] = 99
    wb.save(newer)
    cut = tmp_path / "thieu_du_lieu.xlsx"
    wb = load_workbook(files["XA02"])
    ws = wb[L.SHEET_DATA]
    ws.delete_rows(ws.max_row)
    wb.save(cut)
    corrupt = tmp_path / "hong.xlsx"
    corrupt.write_bytes(files["XA02"].read_bytes()[:5000])
    garbage = tmp_path / "rac.xlsx"
    garbage.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    text = tmp_path / "ghi_chu.txt"
    text.write_text("không phải báo cáo", encoding="utf-8")
    return {
        "foreign": foreign,
        "newer": newer,
        "truncated": cut,
        "corrupt": corrupt,
        "garbage": garbage,
        "text": text,
    }


@pytest.mark.parametrize(
    "kind, words",
    [
        ("foreign", "không phải báo cáo"),
        ("text", "không phải báo cáo"),
        ("newer", "phiên bản mới hơn"),
        ("truncated", "không đầy đủ"),
        ("corrupt", "bị hỏng"),
        ("garbage", "bị hỏng"),
    ],
)
def test_bad_file_is_named_and_nothing_is_written(offices, tmp_path, kind, words):
    _, files = offices
    bad = _bad_files(files, tmp_path)[kind]
    out = tmp_path / "out" / "tong_hop.xlsx"
    out.parent.mkdir()
    with pytest.raises(ConsolidationError) as info:
        consolidate([files["XA01"], bad], out)
    message = str(info.value)
    assert bad.name in message and words in message
    assert files["XA01"].name not in message
    assert list(out.parent.iterdir()) == []


def test_all_bad_files_are_listed_together(offices, tmp_path):
    _, files = offices
    bad = _bad_files(files, tmp_path)
    with pytest.raises(ConsolidationError) as info:
        consolidate([bad["foreign"], bad["newer"], files["XA01"]], tmp_path / "x.xlsx")
    assert len(info.value.problems) == 2
    assert not (tmp_path / "x.xlsx").exists()


def test_a_file_saved_again_by_another_program_still_consolidates(offices, tmp_path):
    """Opening the weekly file and saving it again turns inline strings into shared
    strings and adds cell references; the data must read the same."""
    (a, _), files = offices
    resaved = tmp_path / "resaved.xlsx"
    load_workbook(files["XA01"]).save(resaved)
    result = consolidate([resaved], tmp_path / "out.xlsx")
    assert result.sessions == count(a, "2026-11-16", "2026-11-23")
    direct = consolidate([files["XA01"]], tmp_path / "out2.xlsx")
    assert summary_values(result.path) == summary_values(direct.path)


# -- odd files: edited copies, repeated UUIDs, wrong types, zip bombs --------------------


def _edit_data(src, dst, edit):
    """Copy the report ``src`` to ``dst`` with ``edit(rows_by_tag)`` applied to its data
    sheet; rows_by_tag maps "S"/"P"/... to a list of {column name: cell}, in order."""
    wb = load_workbook(src)
    ws = wb[L.SHEET_DATA]
    headers, rows = {}, {}
    for row in ws.iter_rows():
        tag = row[0].value
        if isinstance(tag, str) and tag.startswith("#"):
            headers[tag[1:]] = [c.value for c in row]
        elif tag in headers:
            rows.setdefault(tag, []).append(dict(zip(headers[tag], row, strict=False)))
    edit(rows)
    wb.save(dst)
    return dst


def test_same_session_edited_between_exports_is_refused(offices, tmp_path):
    _, files = offices

    def edit(rows):
        rows["S"][0]["note"].value = "đã sửa sau khi xuất"

    edited = _edit_data(files["XA02"], tmp_path / "XA02_sua.xlsx", edit)
    out = tmp_path / "out" / "tong_hop.xlsx"
    out.parent.mkdir()
    with pytest.raises(ConsolidationError) as info:
        consolidate([files["XA02"], edited], out)
    message = str(info.value)
    assert edited.name in message and files["XA02"].name in message
    assert "tệp mới hơn" in message
    assert list(out.parent.iterdir()) == []


def test_a_file_repeating_a_session_uuid_is_damaged(offices, tmp_path):
    _, files = offices

    def edit(rows):
        first, second = rows["S"][0]["uuid"].value, rows["S"][1]["uuid"].value
        rows["S"][1]["uuid"].value = first
        for p in rows["P"]:
            if p["session_uuid"].value == second:
                p["session_uuid"].value = first

    bad = _edit_data(files["XA02"], tmp_path / "lap_ma.xlsx", edit)
    with pytest.raises(ConsolidationError) as info:
        consolidate([files["XA01"], bad], tmp_path / "x.xlsx")
    assert "lap_ma.xlsx" in str(info.value) and "bị hỏng" in str(info.value)
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize(
    "column, value",
    [
        ("help_types", "[1]"),
        ("help_types", '{"a": 1}'),
        ("started_at", "2026-11-17T08:00:00+07:00"),
        ("minutes", -5),
    ],
)
def test_wrong_types_in_the_data_sheet_are_named_not_a_crash(offices, tmp_path, column, value):
    _, files = offices

    def edit(rows):
        rows["S"][0][column].value = value

    bad = _edit_data(files["XA02"], tmp_path / "sai_kieu.xlsx", edit)
    with pytest.raises(ConsolidationError) as info:
        consolidate([files["XA01"], bad], tmp_path / "x.xlsx")
    assert "sai_kieu.xlsx" in str(info.value) and "bị hỏng" in str(info.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(offices, tmp_path, monkeypatch):
    import zipfile

    from counter_app.reports import datasheet, datasheet_reader

    _, files = offices
    monkeypatch.setattr(datasheet_reader, "RATIO_FROM_BYTES", 1024 * 1024)
    bomb = tmp_path / "bom.xlsx"
    with (
        zipfile.ZipFile(files["XA02"]) as zin,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zout,
    ):
        for info in zin.infolist():
            data = zin.read(info.filename)
            if datasheet.MARKER.encode() in data:
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * (8 << 20), 1)
            zout.writestr(info.filename, data)
    with pytest.raises(ConsolidationError) as info:
        consolidate([files["XA01"], bomb], tmp_path / "x.xlsx")
    assert "bom.xlsx" in str(info.value) and "nén bất thường" in str(info.value)
    assert not (tmp_path / "x.xlsx").exists()


def test_two_counter_pcs_of_one_office_each_add_their_previous_week(offices, tmp_path):
    """Each counter PC keeps its own data file under the same office code: their weekly
    files hold different sessions, and the previous week's figure is the sum of both."""
    (a, _), files = offices
    other_pc = open_memory_store()
    try:
        world = World(other_pc)
        world.offices.save_office(
            Office(
                code="XA01",
                name="Trung tâm PVHCC xã Tân Hòa",
                province="Tỉnh Đồng Tháp",
                id=world.office.id,
            )
        )
        generate(other_pc, weeks=3, per_day=6, end=date(2026, 11, 22), seed=7)
        second = export_report(other_pc, WEEK, tmp_path / "XA01_quay2.xlsx")
        result = consolidate([files["XA01"], second, files["XA01"]], tmp_path / "out.xlsx")
        got = summary_values(result.path)[L.KF_SESSIONS]
        week = [count(s, "2026-11-16", "2026-11-23") for s in (a, other_pc)]
        prev = [count(s, "2026-11-09", "2026-11-16") for s in (a, other_pc)]
        assert got[0] == sum(week)
        assert got[1] == sum(prev)
    finally:
        other_pc.close(backup_on_exit=False)


def test_a_missing_file_is_reported_as_not_found(offices, tmp_path):
    _, files = offices
    with pytest.raises(ConsolidationError) as info:
        consolidate([files["XA01"], tmp_path / "go_nham_ten.xlsx"], tmp_path / "x.xlsx")
    message = str(info.value)
    assert "go_nham_ten.xlsx" in message and "không tìm thấy" in message
    assert "không phải báo cáo" not in message
