"""A corpus of malformed procedure-list files (issue 10, item 8), generated, never stored.

    python -m tests.catalogue_corpus OUT_DIR     # writes the files and corpus.json

Each case is a file an office might be handed — damaged, hostile, or just odd — and what
the import must do with it: refuse the whole file with a Vietnamese message naming the
file and the reason, or read it with the bad rows rejected by number. Some files are
built by hand at the XML level (openpyxl would refuse to write them): a shared-string
index out of range, text in a number cell, a bad date, zip bombs, broken XML.
"""

from __future__ import annotations

import json
import sys
import zipfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

HEADER = ["Mã số", "Tên thủ tục", "Lĩnh vực"]


@dataclass
class Case:
    name: str
    expect: str  # "refused" or "read"
    says: list[str] = field(default_factory=list)  # words of the Vietnamese message
    rows: dict[int, str] = field(default_factory=dict)  # rejected row → words of its reason
    note: str = ""


# -- writing xlsx by hand ------------------------------------------------------------------

_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SML}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_SML}.worksheet+xml"/>'
    "</Types>"
)
_OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_OFFICE_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
RNS = f'xmlns:r="{_OFFICE_REL}"'
XML = '<?xml version="1.0" encoding="UTF-8"?>'


def workbook_xml(sheets: list[str]) -> str:
    items = "".join(
        f'<sheet name="{escape(s)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>'
        for i, s in enumerate(sheets)
    )
    return f"{XML}<workbook {NS} {RNS}><sheets>{items}</sheets></workbook>"


def workbook_rels(n: int, shared: bool = True) -> str:
    rels = "".join(
        f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/'
        f'2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
        for i in range(n)
    )
    if shared:
        rels += (
            '<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships '
        'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{rels}</Relationships>"
    )


def col(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def cell(ref: str, value, kind: str = "inlineStr") -> str:
    if kind == "inlineStr":
        text = escape(str(value))
        return f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if kind == "raw":
        return value
    return f'<c r="{ref}" t="{kind}"><v>{escape(str(value))}</v></c>'


def sheet_xml(rows: list[list], first_row: int = 1) -> str:
    out = []
    for r, values in enumerate(rows, start=first_row):
        cells = []
        for c, v in enumerate(values):
            if v is None:
                continue
            if isinstance(v, tuple):  # (kind, value) or ("raw", xml)
                cells.append(cell(f"{col(c)}{r}", v[1], v[0]))
            else:
                cells.append(cell(f"{col(c)}{r}", v))
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return f"{XML}<worksheet {NS}><sheetData>{''.join(out)}</sheetData></worksheet>"


def shared_xml(strings: list[str]) -> str:
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    n = len(strings)
    return f'{XML}<sst {NS} count="{n}" uniqueCount="{n}">{items}</sst>'


def write_xlsx(
    path: Path,
    sheets: dict[str, str],
    shared: str | None = None,
    extra: dict[str, bytes | str] | None = None,
    skip: tuple[str, ...] = (),
) -> Path:
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": workbook_xml(list(sheets)),
        "xl/_rels/workbook.xml.rels": workbook_rels(len(sheets), shared is not None),
    }
    for i, xml in enumerate(sheets.values()):
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = xml
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    parts.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, data in parts.items():
            if name not in skip:
                z.writestr(name, data)
    return path


def simple_rows(*rows: list) -> list[list]:
    return [HEADER, *rows]


GOOD = ["1.001193", "Thủ tục đăng ký khai sinh", "Hộ tịch"]


def xlsx_rows(path: Path, rows: list[list]) -> Path:
    return write_xlsx(path, {"Danh sách TTHC": sheet_xml(simple_rows(*rows))})


def csv_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(to_cp1258(text) if encoding == "cp1258" else text.encode(encoding))
    return path


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters precomposed, tones combining."""
    import unicodedata

    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        decomposed = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(m for m in decomposed if m not in tones))
        out += (base + "".join(m for m in decomposed if m in tones)).encode("cp1258")
    return out


def csv_rows(path: Path, rows: list[list[str]], sep: str = ",") -> Path:
    lines = [sep.join(HEADER)] + [sep.join(r) for r in rows]
    return csv_text(path, "\n".join(lines) + "\n")


# -- bombs ---------------------------------------------------------------------------------


def shared_strings_bomb(path: Path, megabytes: int = 260) -> Path:
    """A small file whose sharedStrings part unpacks to hundreds of MB."""
    piece = "<si><t>Thủ tục hành chính mẫu số một</t></si>" * 2000
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", ROOT_RELS)
        z.writestr("xl/workbook.xml", workbook_xml(["Danh sách TTHC"]))
        z.writestr("xl/_rels/workbook.xml.rels", workbook_rels(1))
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml([HEADER, [("s", 0), ("s", 1)]]))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0"?><sst {NS}>'.encode())
            chunk = piece.encode()
            for _ in range(megabytes * 1024 * 1024 // len(chunk)):
                f.write(chunk)
            f.write(b"</sst>")
    return path


def lying_sizes(path: Path) -> Path:
    """A sheet part whose zip headers claim 1 KB while it unpacks to 10 MB."""
    real = sheet_xml(
        simple_rows(*[[f"1.{i:06d}", f"Thủ tục {i}", "Hộ tịch"] for i in range(60_000)])
    )
    write_xlsx(path, {"Danh sách TTHC": real})
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    fake = (1024).to_bytes(4, "little")
    at = data.find(name)
    while at >= 0:
        if data[at - 30 : at - 26] == b"PK\x03\x04":  # local header: size at +22
            data[at - 30 + 22 : at - 30 + 26] = fake
        elif data[at - 46 : at - 42] == b"PK\x01\x02":  # central directory: size at +24
            data[at - 46 + 24 : at - 46 + 28] = fake
        at = data.find(name, at + len(name))
    path.write_bytes(bytes(data))
    return path


def truncated(path: Path) -> Path:
    xlsx_rows(path, [GOOD] * 50)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def zip_of_text(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "xin chào")
    return path


def raw_bytes(data: bytes) -> Maker:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def many_tiny_strings(path: Path, count: int = 1_400_000) -> Path:
    strings = "".join("<si><t>a</t></si>" for _ in range(count))
    shared = f'<?xml version="1.0"?><sst {NS}>{strings}</sst>'
    return write_xlsx(
        path, {"Danh sách TTHC": sheet_xml([HEADER, [("s", 0), ("s", 1)]])}, shared=shared
    )


def many_parts(path: Path) -> Path:
    extra = {f"xl/media/image{i}.xml": "<x/>" for i in range(3000)}
    return write_xlsx(path, {"Danh sách TTHC": sheet_xml(simple_rows(GOOD))}, extra=extra)


def entity_expansion(path: Path) -> Path:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
        '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
        '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
        '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
        '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
        f']><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;'
        "</t></is></c></row></sheetData></worksheet>"
    )
    return write_xlsx(path, {"Danh sách TTHC": lol})


# -- the corpus ----------------------------------------------------------------------------

Maker = Callable[[Path], Path]
CASES: list[tuple[Case, Maker]] = []


def case(name: str, expect: str, says=(), rows=None, note: str = ""):
    def register(make: Maker) -> Maker:
        CASES.append((Case(name, expect, list(says), dict(rows or {}), note), make))
        return make

    return register


# whole files refused -----------------------------------------------------------------------

case("ss_index_out_of_range.xlsx", "refused", ["hỏng", "dòng 2"])(
    lambda p: write_xlsx(
        p,
        {"Danh sách TTHC": sheet_xml([[("s", 0), ("s", 1), ("s", 2)], [("s", 999), ("s", 1)]])},
        shared=shared_xml(HEADER),
    )
)
case("number_cell_holding_text.xlsx", "refused", ["dòng 2", "số"])(
    lambda p: xlsx_rows(p, [[("n", "1.001193 (mã)"), "Thủ tục đăng ký khai sinh", "Hộ tịch"]])
)
case("date_cell_holding_garbage.xlsx", "refused", ["dòng 2", "ngày"])(
    lambda p: xlsx_rows(p, [[("d", "2026-13-45T99:00"), "Thủ tục đăng ký khai sinh", "Hộ tịch"]])
)
case("shared_strings_missing.xlsx", "refused", ["hỏng"])(
    lambda p: write_xlsx(
        p, {"Danh sách TTHC": sheet_xml([[("s", 0), ("s", 1)], [("s", 2), ("s", 3)]])}
    )
)
case("shared_strings_bomb.xlsx", "refused", ["MB"], note="sharedStrings unpacks to 260 MB")(
    shared_strings_bomb
)
case("lying_zip_sizes.xlsx", "refused", ["hỏng"])(lying_sizes)
case("many_tiny_shared_strings.xlsx", "refused", ["quá nhiều"])(many_tiny_strings)
case("thousands_of_parts.xlsx", "refused", ["quá nhiều"])(many_parts)
case("entity_expansion.xlsx", "refused", ["hỏng"])(entity_expansion)
case("broken_sheet_xml.xlsx", "refused", ["hỏng"])(
    lambda p: write_xlsx(p, {"Danh sách TTHC": "<worksheet><sheetData><row><c t="})
)
case("sheet_part_missing.xlsx", "refused", ["hỏng"])(
    lambda p: write_xlsx(
        p, {"Danh sách TTHC": sheet_xml(simple_rows(GOOD))}, skip=("xl/worksheets/sheet1.xml",)
    )
)
case("workbook_without_sheets.xlsx", "refused", ["không có dữ liệu"])(
    lambda p: write_xlsx(p, {}, skip=())
)
case("bad_cell_reference.xlsx", "refused", ["hỏng"])(
    lambda p: xlsx_rows(p, [[("raw", '<c r="ZZZZZ9" t="inlineStr"><is><t>x</t></is></c>')]])
)
case("truncated_zip.xlsx", "refused", ["bảng tính"])(truncated)
case("zip_of_a_text_file.xlsx", "refused", ["không phải bảng tính"])(zip_of_text)
case("formula_in_xlsx.xlsx", "refused", ["công thức", "B2"])(
    lambda p: xlsx_rows(
        p, [["1.001193", ("raw", '<c r="B2"><f>CONCATENATE("a","b")</f><v>ab</v></c>'), "x"]]
    )
)
case("formula_as_text_xlsx.xlsx", "refused", ["công thức"])(
    lambda p: xlsx_rows(p, [["1.001193", '=HYPERLINK("http://x","Bấm")', "Hộ tịch"]])
)
case("formula_behind_space.csv", "refused", ["công thức"])(
    lambda p: csv_rows(p, [["1.001193", ' =HYPERLINK("http://x")', "Hộ tịch"]])
)
case("formula_behind_tab.csv", "refused", ["công thức"])(
    lambda p: csv_text(p, "Mã số;Tên thủ tục\n1.001193;\t=cmd|' /C calc'!A0\n")
)
case("dde_plus.csv", "refused", ["công thức"])(
    lambda p: csv_rows(p, [["1.001193", "+cmd|' /C notepad'!A0", "Hộ tịch"]])
)
case("dde_minus.csv", "refused", ["công thức"])(
    lambda p: csv_rows(p, [["1.001193", "-2+3+cmd|' /C calc'!A0", "Hộ tịch"]])
)
case("at_sum.csv", "refused", ["công thức"])(
    lambda p: csv_rows(p, [["1.001193", "@SUM(1+1)*cmd|' /C calc'!A0", "Hộ tịch"]])
)
case("formula_in_code_column.csv", "refused", ["công thức"])(
    lambda p: csv_rows(p, [["=1+1", "Thủ tục", "Hộ tịch"]])
)
case("zero_bytes.csv", "refused", ["không có dữ liệu"])(lambda p: csv_text(p, ""))
case("blank_lines.csv", "refused", ["không có dữ liệu"])(lambda p: csv_text(p, "\n,,\n , \n"))
case("header_only.csv", "refused", ["không có thủ tục"])(lambda p: csv_rows(p, []))
case("no_header.csv", "refused", ["Không tìm thấy dòng tiêu đề"])(
    lambda p: csv_text(p, "".join(f"1.0{i:05d},chữ,khác\n" for i in range(40)))
)
case("conflicting_names.csv", "refused", ["hai tên khác nhau", "dòng 2", "dòng 3"])(
    lambda p: csv_rows(p, [GOOD, ["1.001193", "Thủ tục khác hẳn", "Hộ tịch"]])
)
case("every_row_bad.csv", "refused", ["dòng 2"])(
    lambda p: csv_rows(p, [["abc", "Tên", ""], ["x.y", "Tên 2", ""]])
)
case("nul_bytes.csv", "refused", ["không phải bảng tính"])(
    lambda p: csv_text(p, "Mã số,Tên\n1.001193,Đăng ký\x00\x00\x00 khai sinh\n")
)
case("utf16_without_bom.csv", "refused", ["không phải bảng tính"])(
    raw_bytes("Mã số,Tên\n1.001193,Đăng ký\n".encode("utf-16-le"))
)
case("field_too_long.csv", "refused", ["dòng 2"])(
    lambda p: csv_text(p, 'Mã số,Tên\n1.001193,"' + "a" * 200_000 + '"\n')
)
case("thirty_megabytes.csv", "refused", ["MB", "quá lớn"])(
    lambda p: csv_text(p, "Mã số,Tên\n" + ("1.001193,Đăng ký khai sinh\n" * 1_200_000))
)
case("too_many_rows.csv", "refused", ["60000"])(
    lambda p: csv_text(
        p, "Mã số,Tên\n" + "".join(f"1.{i:06d},Thủ tục {i}\n" for i in range(61_000))
    )
)
case("pdf_named_xlsx.xlsx", "refused", ["không phải bảng tính"])(
    raw_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 10)
)
case("png_named_csv.csv", "refused", ["không phải bảng tính"])(
    raw_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 10)
)
case("names_only_control_chars.csv", "refused", ["dòng 2"])(
    lambda p: csv_rows(p, [["1.001193", "\x1b[31m\x07\x08", ""]])
)
case("too_much_text.xlsx", "refused", ["quá nhiều"])(
    lambda p: write_xlsx(
        p,
        {
            "Danh sách TTHC": sheet_xml(
                [[("s", 0), ("s", 1)]] + [[f"1.{i:06d}", ("s", 2)] for i in range(9000)]
            )
        },
        shared=shared_xml(["Mã số", "Tên", "Thủ tục rất dài " * 120]),
    )
)

# read, with bad rows rejected by number ---------------------------------------------------

case("ansi_codes_in_names.csv", "read", note="escape codes stripped, never printed raw")(
    lambda p: csv_rows(p, [["1.999101", "\x1b[31mThủ tục đỏ\x1b[0m mới", "Hộ tịch\x07"]])
)
case("c1_controls.csv", "read")(
    lambda p: csv_rows(p, [["1.999102", "Thủ tục\x85 có\x9b ký tự lạ", "Hộ tịch"]])
)
case("fullwidth_digits.csv", "read", note="１.００１１９３ is 1.001193, not a second code")(
    lambda p: csv_rows(p, [["１．００１１９３", "Thủ tục đăng ký khai sinh", "Hộ tịch"]])
)
case("arabic_indic_digits.csv", "read")(
    lambda p: csv_rows(p, [["١.٠٠١١٩٣", "Thủ tục đăng ký khai sinh", "Hộ tịch"]])
)
case("devanagari_digits.xlsx", "read")(
    lambda p: xlsx_rows(p, [["१.००११९३", "Thủ tục đăng ký khai sinh", "Hộ tịch"]])
)
case("letter_lookalikes.csv", "read", rows={2: "không phải mã thủ tục"})(
    lambda p: csv_rows(p, [["l.OO1193", "Thủ tục giả mã", ""], GOOD])
)
case("superscript_digits.csv", "read", rows={2: "không phải mã thủ tục"})(
    lambda p: csv_rows(p, [["¹.⁰⁰¹¹⁹³", "Thủ tục giả mã", ""], GOOD])
)
case("zero_width_only_name.csv", "read", rows={2: "không có tên"})(
    lambda p: csv_rows(p, [["1.999103", "\u200b\u200c\u200d\ufeff", ""], GOOD])
)
case("bidi_override_name.csv", "read", rows={2: "ẩn"})(
    lambda p: csv_rows(p, [["1.999104", "Thủ tục \u202egnứđ\u202c", ""], GOOD])
)
case("bidi_isolate_name.xlsx", "read", rows={2: "ẩn"})(
    lambda p: xlsx_rows(p, [["1.999105", "\u2067Thủ tục\u2069", ""], GOOD])
)
case("zero_width_inside_name.csv", "read")(
    lambda p: csv_rows(p, [["1.999106", "Đăng\u200b ký\u200d mới", "Hộ tịch"]])
)
case("zero_width_in_code.csv", "read")(
    lambda p: csv_rows(p, [["1.001\u200b193\ufeff", "Thủ tục đăng ký khai sinh", "Hộ tịch"]])
)
case("long_cell.csv", "read", rows={2: "dài"})(
    lambda p: csv_rows(p, [["1.999107", "Tên " * 700, ""], GOOD])
)
case("mixed_good_and_bad.xlsx", "read", rows={3: "không phải mã thủ tục", 5: "không có tên"})(
    lambda p: xlsx_rows(
        p,
        [
            GOOD,
            ["mã?", "Thủ tục", ""],
            ["1.000656", "Thủ tục đăng ký khai tử", "Hộ tịch"],
            ["1.999108", "", ""],
        ],
    )
)
case("number_code_cell.xlsx", "read")(
    lambda p: xlsx_rows(p, [[("n", "1.00011"), "Thủ tục số hóa", "Hộ tịch"]])
)
case("negative_and_bool_codes.xlsx", "read", rows={2: "không phải", 3: "không phải"})(
    lambda p: xlsx_rows(p, [[("n", "-1.001193"), "Âm", ""], [("b", "1"), "Đúng", ""], GOOD])
)
case("error_cells.xlsx", "read", rows={2: "không phải"})(
    lambda p: xlsx_rows(p, [[("e", "#N/A"), "Lỗi", ""], GOOD])
)
case("valid_date_in_code.xlsx", "read", rows={2: "không phải"})(
    lambda p: xlsx_rows(p, [[("d", "2026-11-26T00:00:00"), "Ngày", ""], GOOD])
)
case("rich_text_shared_strings.xlsx", "read")(
    lambda p: write_xlsx(
        p,
        {"Danh sách TTHC": sheet_xml([[("s", 0), ("s", 1)], [("s", 2), ("s", 3)]])},
        shared=(
            f'<?xml version="1.0"?><sst {NS}><si><t>Mã số</t></si><si><t>Tên</t></si>'
            "<si><t>1.001193</t></si><si><r><t>Thủ tục </t></r><r><rPr><b/></rPr>"
            "<t>đăng ký khai sinh</t></r><rPh><t>ふりがな</t></rPh></si></sst>"
        ),
    )
)
case("cells_without_references.xlsx", "read")(
    lambda p: write_xlsx(
        p,
        {
            "Danh sách TTHC": (
                f'<?xml version="1.0"?><worksheet {NS}><sheetData>'
                '<row><c t="inlineStr"><is><t>Mã số</t></is></c><c t="inlineStr"><is><t>Tên'
                '</t></is></c></row><row><c t="inlineStr"><is><t>1.001193</t></is></c>'
                '<c t="inlineStr"><is><t>Thủ tục đăng ký khai sinh</t></is></c></row>'
                "</sheetData></worksheet>"
            )
        },
    )
)
case("portal_sheet_second.xlsx", "read")(
    lambda p: write_xlsx(
        p,
        {
            "Hướng dẫn": sheet_xml([["Tệp xuất từ Cổng"]]),
            "Danh sách TTHC": sheet_xml(simple_rows(GOOD)),
        },
    )
)
case("cp1258.csv", "read")(
    lambda p: csv_text(p, "Mã số,Tên thủ tục\n1.001193,Thủ tục đăng ký khai sinh\n", "cp1258")
)
case("semicolon_bom.csv", "read")(
    lambda p: csv_text(p, "\ufeffMã số;Tên thủ tục\n1.001193;Thủ tục đăng ký khai sinh\n")
)
case("unterminated_quote.csv", "read", rows={})(
    lambda p: csv_text(p, 'Mã số,Tên\n1.001193,Thủ tục đăng ký khai sinh\n1.999109,"Chưa đóng\n')
)
case("nbsp_in_code.csv", "read")(
    lambda p: csv_rows(p, [["1.\u00a0001193\u2009", "Thủ tục đăng ký khai sinh", "Hộ tịch"]])
)
case("styles_garbage.xlsx", "read")(
    lambda p: write_xlsx(
        p,
        {"Danh sách TTHC": sheet_xml(simple_rows(GOOD))},
        extra={"xl/styles.xml": "<<<không phải xml>>>"},
    )
)


def build(folder: Path) -> list[Case]:
    """Write every file of the corpus into ``folder``; returns the cases."""
    folder.mkdir(parents=True, exist_ok=True)
    cases = []
    for c, make in CASES:
        make(folder / c.name)
        cases.append(c)
    (folder / "corpus.json").write_text(
        json.dumps([asdict(c) for c in cases], ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return cases


if __name__ == "__main__":
    made = build(Path(sys.argv[1]))
    print(f"{len(made)} files in {sys.argv[1]}")
