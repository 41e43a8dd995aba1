"""Importing published procedure lists: the portal layout, variants, and bad files."""

from __future__ import annotations

import csv
import io
import tracemalloc
import unicodedata
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment

from counter_app.catalog.exporter import export_catalogue
from counter_app.catalog.import_files import CatalogueImportError
from counter_app.catalog.import_rows import column_for_heading, normalise_code, read_catalogue_file
from counter_app.catalog.importer import apply_import, preview_import

FIXTURES = Path(__file__).parent / "fixtures" / "catalog"
PORTAL_HEADER = ["Mã số", "Tên", "Cơ quan ban hành", "Cơ quan thực hiện", "Lĩnh vực"]


def make_portal_xlsx(
    path: Path, rows: list[list], header: list[str] | None = None, sheet: str = "Danh sách TTHC"
) -> Path:
    """A workbook shaped like the portal's "Xuất Excel": merged title block, then header."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws["A1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
    ws.merge_cells("A1:E2")
    ws["A3"] = "DANH SÁCH THỦ TỤC HÀNH CHÍNH"
    ws.merge_cells("A3:E3")
    ws["A3"].alignment = Alignment(horizontal="center", wrap_text=True)
    ws["A4"] = "(Kèm theo Quyết định số 123/QĐ-UBND ngày 01/07/2026)"
    ws.merge_cells("A4:E4")
    header = header or PORTAL_HEADER
    for c, text in enumerate(header, start=1):
        ws.cell(row=6, column=c, value=text)
    for r, values in enumerate(rows, start=7):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    wb.save(path)
    return path


PORTAL_ROWS = [
    ["1.001193 ", "Thủ tục đăng ký khai sinh\n", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch "],
    ["1.000656", "Thủ tục đăng ký\nkhai tử (sửa tên)  ", "Bộ Tư pháp", "UBND cấp xã", "Hộ tịch"],
    [
        "1.012753.H19",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử "
        "dụng đất, quyền sở hữu tài sản gắn liền với đất lần đầu",
        "Bộ Nông nghiệp và Môi trường",
        "UBND cấp xã",
        "Đất đai",
    ],
    [
        "1.099001.000.00.00.H01",
        "Thủ tục thử nghiệm cấp tỉnh mới",
        "UBND tỉnh",
        "Sở Tư pháp",
        "Hộ tịch",
    ],
    ["2.099002", "Thủ tục mới thứ hai", "UBND tỉnh", "UBND cấp xã", "Chứng thực"],
    ["", "", "", "", ""],
    ["I. LĨNH VỰC HỘ TỊCH", None, None, None, None],
    ["3.099003", "", "", "", "Hộ tịch"],
    ["1.001193", "Thủ tục đăng ký khai sinh", "", "", "Hộ tịch"],  # repeated, same name
]


def test_portal_export_preview_then_apply(memory_store, tmp_path):
    path = make_portal_xlsx(tmp_path / "portal.xlsx", PORTAL_ROWS)
    preview = preview_import(memory_store, path)
    assert preview.parsed.header_row == 6
    assert preview.parsed.sheet == "Danh sách TTHC"
    assert sorted(r.code for r in preview.new) == ["1.099001", "2.099002"]
    assert [c.row.code for c in preview.changed] == ["1.000656", "1.012753"]
    renamed = preview.changed[0]
    assert renamed.before == {"name": "Thủ tục đăng ký khai tử"}
    assert renamed.row.name == "Thủ tục đăng ký khai tử (sửa tên)"
    assert preview.unchanged == 1
    assert preview.parsed.repeated == 1
    assert [(r.row, r.reason) for r in preview.rejected] == [
        (13, '"I. LĨNH VỰC HỘ TỊCH" không phải mã thủ tục (dạng 1.001193)'),
        (14, "mã 3.099003 không có tên"),
    ]
    text = "\n".join(preview.summary_lines())
    assert "2 thủ tục mới" in text and "2 dòng bị loại" in text and "dòng 13" in text
    # nothing written by the preview
    db = memory_store.db
    assert db.execute("SELECT count(*) FROM procedure WHERE code = '1.099001'").fetchone()[0] == 0

    result = apply_import(memory_store, preview)
    assert (result.added, result.changed, result.retired) == (2, 2, 0)
    row = db.execute(
        "SELECT code, full_code, name, field, source FROM procedure WHERE code = '1.099001'"
    ).fetchone()
    assert row == (
        "1.099001",
        "1.099001.000.00.00.H01",
        "Thủ tục thử nghiệm cấp tỉnh mới",
        "Hộ tịch",
        "import",
    )
    assert (
        db.execute("SELECT full_code FROM procedure WHERE code = '1.012753'").fetchone()[0]
        == "1.012753.H19"
    )
    assert (
        db.execute("SELECT name_folded FROM procedure WHERE code = '1.000656'").fetchone()[0]
        == "thu tuc dang ky khai tu (sua ten)"
    )
    # a second import of the same file changes nothing
    assert not preview_import(memory_store, path).has_changes


def test_variant_headings_and_header_further_down(memory_store, tmp_path):
    path = tmp_path / "tinh.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    for r in range(1, 12):
        ws.cell(row=r, column=1, value=f"Tiêu đề dòng {r}" if r % 3 else None)
    ws.append(["STT", "MÃ TTHC", "TÊN THỦ TỤC HÀNH CHÍNH", "Cấp thực hiện", "Mức độ", "lĩnh vực"])
    ws.append([1, "1.098001", "Thủ tục có tiêu đề khác", "Cấp xã", "Toàn trình", "Hộ tịch"])
    ws.append([2, 1.09801, "Mã bị Excel đổi thành số", "Cấp tỉnh", "Một phần", "Đất đai"])
    wb.save(path)
    preview = preview_import(memory_store, path)
    assert preview.parsed.header_row == 12
    rows = {r.code: r for r in preview.new}
    assert rows["1.098001"].online_level == "toàn trình"
    assert rows["1.098001"].level == "Cấp xã"
    assert rows["1.098010"].online_level == "một phần"


@pytest.mark.parametrize(
    ("heading", "column"),
    [
        ("Mã số", "code"),
        ("Mã TTHC", "code"),
        ("mã thủ tục", "code"),
        ("MA SO", "code"),
        ("Mã lĩnh vực", None),
        ("Tên", "name"),
        ("Tên thủ tục hành chính", "name"),
        ("Ten TTHC", "name"),
        ("Tên lĩnh vực", "field"),
        ("Lĩnh vực", "field"),
        ("Cấp thực hiện", "level"),
        ("Mức độ", "online_level"),
        ("Mức độ DVC trực tuyến", "online_level"),
        ("Cơ quan ban hành", None),
        ("STT", None),
        ("Tên\ncơ quan thực hiện", None),
    ],
)
def test_headings_mapped_by_meaning(heading, column):
    assert column_for_heading(heading) == column


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1.001193", ("1.001193", "1.001193")),
        (" 1.012753.H19\n", ("1.012753", "1.012753.H19")),
        ("1.000110.000.00.00.H01", ("1.000110", "1.000110.000.00.00.H01")),
        (1.00011, ("1.000110", "1.000110")),
        ("1.014955-Xoa", None),
        ("abc", None),
        ("", None),
    ],
)
def test_codes_map_to_base_code(cell, expected):
    assert normalise_code(cell) == expected


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as old Vietnamese Windows software writes it: tones as combining marks."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
        out += (base + "".join(m for m in decomposed if m in tones)).encode("cp1258")
    return out


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258", "utf-16"])
def test_csv_in_common_encodings(memory_store, tmp_path, encoding):
    path = tmp_path / "list.csv"
    buffer = io.StringIO()
    w = csv.writer(buffer, delimiter=";")
    w.writerow(["Mã thủ tục", "Tên thủ tục", "Lĩnh vực"])
    w.writerow(["1.097001", "Đăng ký thử ở Đồng Tháp", "Hộ tịch"])
    text = buffer.getvalue()
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    preview = preview_import(memory_store, path)
    assert [(r.code, r.name) for r in preview.new] == [("1.097001", "Đăng ký thử ở Đồng Tháp")]


def test_retire_missing_never_deletes(world, tmp_path):
    world.save()  # a session that used 1.001193
    path = make_portal_xlsx(
        tmp_path / "short.xlsx",
        [
            ["1.000656", "Thủ tục đăng ký khai tử", "", "", "Hộ tịch"],
            ["1.000894", "Thủ tục đăng ký kết hôn", "", "", "Hộ tịch"],
        ],
    )
    db = world.store.db
    before = db.execute("SELECT count(*) FROM procedure").fetchone()[0]
    plain = preview_import(world.store, path)
    assert plain.to_retire == [] and not plain.has_changes
    preview = preview_import(world.store, path, retire_missing=True)
    assert len(preview.to_retire) == before - 2
    assert "1.001193" in preview.to_retire
    result = apply_import(world.store, preview)
    assert result.retired == before - 2
    assert db.execute("SELECT count(*) FROM procedure").fetchone()[0] == before
    assert db.execute("SELECT active FROM procedure WHERE code = '1.001193'").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM procedure WHERE active = 1").fetchone()[0] == 2
    assert (
        db.execute(
            "SELECT count(*) FROM session_procedure WHERE procedure_code = '1.001193'"
        ).fetchone()[0]
        == 1
    )
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_import_is_audited(memory_store, tmp_path):
    path = make_portal_xlsx(tmp_path / "a.xlsx", [["2.099002", "Thủ tục mới", "", "", ""]])
    apply_import(memory_store, preview_import(memory_store, path))
    row = memory_store.db.execute(
        "SELECT entity, action, after_json FROM audit WHERE entity = 'catalogue'"
    ).fetchone()
    assert row[:2] == ("catalogue", "import") and '"added": 1' in row[2]


def test_full_national_catalogue_imports(memory_store):
    preview = preview_import(memory_store, FIXTURES / "catalog_full.csv")
    assert len(preview.new) + len(preview.changed) + preview.unchanged == 5668
    assert [r.text[:20] for r in preview.rejected] == ["Hỗ trợ tổ chức, cá n"]
    apply_import(memory_store, preview)
    count = memory_store.db.execute("SELECT count(*) FROM procedure").fetchone()[0]
    assert count == 5668


def test_export_reimports_unchanged(memory_store, tmp_path):
    from counter_app.catalog.procedures import ProcedureService

    ProcedureService(memory_store).set_active("1.000094", False)
    path = tmp_path / "export.xlsx"
    n = export_catalogue(memory_store, path)
    assert n == 551
    ws = load_workbook(path).active
    assert ws.title == "Danh sách TTHC"
    assert [c.value for c in ws[6]][:5] == PORTAL_HEADER
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}
    preview = preview_import(memory_store, path)
    assert preview.parsed.header_row == 6
    assert not preview.has_changes and preview.unchanged == 551
    assert preview.retired_here == 1


def test_export_writes_formula_like_text_as_text(memory_store, tmp_path):
    memory_store.db.execute(
        "UPDATE procedure SET name = '=HYPERLINK(\"x\")' WHERE code = '1.001193'"
    )
    path = tmp_path / "e.xlsx"
    export_catalogue(memory_store, path)
    ws = load_workbook(path).active
    cell = next(row[1] for row in ws.iter_rows(min_row=7) if row[0].value == "1.001193")
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("x")'


# -- bad files: a clear Vietnamese message and nothing changed ------------------------------
def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def _fake_encrypted(path: Path) -> Path:
    """An OLE compound file like Excel writes for a password-protected workbook."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    directory = "EncryptedPackage".encode("utf-16-le") + b"\x00" * 94
    return _write_bytes(path, header + b"\x00" * 512 + directory + b"\x00" * 1024)


def _docx_like(path: Path) -> Path:
    import zipfile

    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return path


def _formula_file(path: Path) -> Path:
    make_portal_xlsx(
        path,
        [
            ["1.001193", "Thủ tục đăng ký khai sinh", "", "", "Hộ tịch"],
            ["1.000656", '=CONCATENATE("Thủ tục ", "khai tử")', "", "", ""],
        ],
    )
    return path


def _duplicate_codes(path: Path) -> Path:
    return make_portal_xlsx(
        path,
        [
            ["1.001193", "Thủ tục đăng ký khai sinh", "", "", ""],
            ["1.001193.H19", "Thủ tục khác hẳn", "", "", ""],
        ],
    )


def _no_header(path: Path) -> Path:
    wb = Workbook()
    for _ in range(40):
        wb.active.append(["1.001193", "chữ", "không có tiêu đề"])
    wb.save(path)
    return path


def _empty_workbook(path: Path) -> Path:
    Workbook().save(path)
    return path


def _header_only(path: Path) -> Path:
    return make_portal_xlsx(path, [])


BAD_FILES = [
    (
        "not_a_spreadsheet.xlsx",
        lambda p: _write_bytes(p, b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(range(256)) * 20),
        "không phải bảng tính",
    ),
    (
        "picture.csv",
        lambda p: _write_bytes(p, b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20),
        "không phải bảng tính",
    ),
    ("document.xlsx", _docx_like, "không phải bảng tính"),
    ("locked.xlsx", _fake_encrypted, "mật khẩu"),
    (
        "old_word.doc",
        lambda p: _write_bytes(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 3000),
        "Excel",
    ),
    ("empty.xlsx", lambda p: _write_bytes(p, b""), "không có dữ liệu"),
    ("blank.xlsx", _empty_workbook, "không có dữ liệu"),
    ("blank.csv", lambda p: _write_bytes(p, b"\r\n ,,\r\n"), "không có dữ liệu"),
    ("header_only.xlsx", _header_only, "không có thủ tục"),
    ("no_header.xlsx", _no_header, "Không tìm thấy dòng tiêu đề"),
    ("duplicates.xlsx", _duplicate_codes, "hai tên khác nhau"),
    ("formulas.xlsx", _formula_file, "công thức"),
    ("broken.xlsx", lambda p: _write_bytes(p, b"PK\x03\x04" + b"\x00" * 100), "bảng tính"),
]


@pytest.mark.parametrize(("name", "make", "message"), BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_files_get_a_message_and_change_nothing(memory_store, tmp_path, name, make, message):
    path = make(tmp_path / name)
    before = memory_store.db.execute(
        "SELECT count(*), total(length(name)) FROM procedure"
    ).fetchone()
    with pytest.raises(CatalogueImportError) as info:
        preview_import(memory_store, path)
    assert message in str(info.value)
    assert name in str(info.value)
    after = memory_store.db.execute(
        "SELECT count(*), total(length(name)) FROM procedure"
    ).fetchone()
    assert before == after


def test_duplicate_message_names_both_rows(tmp_path):
    with pytest.raises(CatalogueImportError) as info:
        read_catalogue_file(_duplicate_codes(tmp_path / "d.xlsx"))
    assert "dòng 7" in str(info.value) and "dòng 8" in str(info.value)


def test_formula_message_names_the_cell(tmp_path):
    with pytest.raises(CatalogueImportError) as info:
        read_catalogue_file(_formula_file(tmp_path / "f.xlsx"))
    assert "B8" in str(info.value)


def test_fifty_megabyte_file_is_refused_with_bounded_memory(tmp_path):
    path = tmp_path / "huge.csv"
    line = "1.001193,Thủ tục đăng ký khai sinh " + "x" * 200 + ",Hộ tịch\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write("Mã số,Tên,Lĩnh vực\n")
        for _ in range(50 * 1024 * 1024 // len(line.encode()) + 1):
            f.write(line)
    assert path.stat().st_size >= 50 * 1024 * 1024
    tracemalloc.start()
    try:
        with pytest.raises(CatalogueImportError) as info:
            read_catalogue_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "MB" in str(info.value) and "quá lớn" in str(info.value)
    assert peak < 5 * 1024 * 1024


def test_streaming_keeps_memory_bounded_below_the_cap(tmp_path, monkeypatch):
    """A large (but allowed) file is streamed: memory grows with rows kept, not file size."""
    from counter_app.catalog import import_rows

    monkeypatch.setattr(import_rows, "MAX_ROWS", 1000)
    path = tmp_path / "long.csv"
    with open(path, "w", encoding="utf-8") as f:
        f.write("Mã số,Tên\n")
        for i in range(200_000):
            f.write(f"1.{i:06d},Thủ tục {i}\n")
    tracemalloc.start()
    try:
        with pytest.raises(CatalogueImportError) as info:
            read_catalogue_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "1000" in str(info.value)
    assert peak < 3 * 1024 * 1024
