"""A corpus of malformed weekly report files, generated from one good file: broken
packages, foreign workbooks, hand-edited data sheets (every rule of a saved session and
of the file's own period), hostile XML and zip bombs. ``make_corpus(good, folder)``
writes them and returns [(file, words the message must contain)].

Run as a script it also checks them, one by one, through ``counter-app consolidate``
in this process and prints one JSON line per file (what the test asserts), then the
peak RSS. The test runs it in a subprocess under a memory cap (``resource.setrlimit``):
``python tests/report_corpus.py GOOD FOLDER --cap-mb 1500``.
"""

from __future__ import annotations

import io
import json
import random
import re
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

DATA_SHEET_NAME = "Dữ liệu máy đọc"
DAMAGED = "bị hỏng"  # "tệp bị hỏng hoặc …" (damaged, incomplete or edited by hand)
FOREIGN = "không phải báo cáo"
NEWER = "phiên bản mới hơn"
TOO_LARGE = "quá lớn"
INCOMPLETE = "không đầy đủ"
NOT_FOUND = "không tìm thấy"


# -- the good file's parts ----------------------------------------------------------------
def _parts(good: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(good) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _data_part(parts: dict[str, bytes]) -> str:
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and b"COUNTER_APP_REPORT_DATA" in data:
            return name
    raise AssertionError("no data sheet in the good file")


def _write(path: Path, parts: dict[str, bytes], compress: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compress) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return path


_ROW = re.compile(rb'<row r="(\d+)"[^>]*>(.*?)</row>', re.S)
_CELL = re.compile(rb"<c(?: [^>]*)?(?:/>|>.*?</c>)", re.S)


def _cell_xml(value: object) -> bytes:
    if value is None:
        return b"<c/>"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"<c><v>{value}</v></c>".encode()
    text = str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'.encode()


class Sheet:
    """The data sheet's rows as lists of cell XML, editable by tag and column name."""

    def __init__(self, xml: bytes) -> None:
        start = xml.index(b"<sheetData>") + len(b"<sheetData>")
        end = xml.index(b"</sheetData>")
        self.head, self.tail = xml[:start], xml[end:]
        self.rows = [_CELL.findall(m.group(2)) for m in _ROW.finditer(xml[start:end])]

    @staticmethod
    def text(cell: bytes) -> str:
        m = re.search(rb"<t[^>]*>(.*?)</t>", cell, re.S) or re.search(rb"<v>(.*?)</v>", cell)
        return m.group(1).decode() if m else ""

    def tag_rows(self, tag: str) -> list[list[bytes]]:
        return [r for r in self.rows if r and self.text(r[0]) == tag]

    def columns(self, tag: str) -> list[str]:
        header = self.tag_rows("#" + tag)[0]
        return [self.text(c) for c in header]

    def set(self, tag: str, index: int, column: str, value: object) -> None:
        row = self.tag_rows(tag)[index]
        col = self.columns(tag).index(column)
        while len(row) <= col:
            row.append(b"<c/>")
        row[col] = _cell_xml(value)

    def get(self, tag: str, index: int, column: str) -> str:
        row = self.tag_rows(tag)[index]
        return self.text(row[self.columns(tag).index(column)])

    def meta(self, key: str, value: object) -> None:
        for row in self.tag_rows("M"):
            if self.text(row[1]) == key:
                row[2] = _cell_xml(value)
                return
        self.rows.insert(1, [_cell_xml("M"), _cell_xml(key), _cell_xml(value)])

    def xml(self) -> bytes:
        body = b"".join(
            b'<row r="%d">' % (i + 1) + b"".join(cells) + b"</row>"
            for i, cells in enumerate(self.rows)
        )
        return self.head + body + self.tail


def _edited(good: Path, path: Path, edit: Callable[[Sheet], None]) -> Path:
    parts = _parts(good)
    name = _data_part(parts)
    sheet = Sheet(parts[name])
    edit(sheet)
    parts[name] = sheet.xml()
    return _write(path, parts)


# -- the corpus ---------------------------------------------------------------------------
def _structural(good: Path, folder: Path) -> list[tuple[Path, str]]:
    out = []
    raw = good.read_bytes()
    p = folder / "ghi_chu.xlsx"
    p.write_text("không phải báo cáo", encoding="utf-8")
    out.append((p, DAMAGED))
    p = folder / "rong.xlsx"
    p.write_bytes(b"")
    out.append((p, DAMAGED))
    p = folder / "chep_do.xlsx"
    p.write_bytes(raw[: len(raw) // 3])
    out.append((p, DAMAGED))
    p = folder / "rac.xlsx"
    p.write_bytes(b"PK\x03\x04" + b"\x00" * 300)
    out.append((p, DAMAGED))
    p = folder / "van_ban.txt"
    p.write_text("Báo cáo tuần", encoding="utf-8")
    out.append((p, FOREIGN))
    parts = _parts(good)
    out.append(
        (
            _write(
                folder / "khong_workbook.xlsx",
                {k: v for k, v in parts.items() if k != "xl/workbook.xml"},
            ),
            FOREIGN,
        )
    )
    no_data = dict(parts)
    no_data["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        DATA_SHEET_NAME.encode(), "Trang khác".encode()
    )
    out.append((_write(folder / "khong_trang_du_lieu.xlsx", no_data), FOREIGN))
    missing = {k: v for k, v in parts.items() if k != _data_part(parts)}
    out.append((_write(folder / "mat_trang.xlsx", missing), DAMAGED))
    p = folder / "pk_zip_khac.xlsx"
    _write(p, {"hello.txt": b"xin chao"})
    out.append((p, FOREIGN))
    return out


def _header_edits() -> list[tuple[str, Callable[[Sheet], None], str]]:
    def marker(value: object) -> Callable[[Sheet], None]:
        return lambda s: s.rows[0].__setitem__(0, _cell_xml(value))

    def version(value: object) -> Callable[[Sheet], None]:
        return lambda s: s.rows[0].__setitem__(1, _cell_xml(value))

    def drop_end(s: Sheet) -> None:
        s.rows = [r for r in s.rows if s.text(r[0]) != "END"]

    def wrong_end(s: Sheet) -> None:
        s.tag_rows("END")[0][1] = _cell_xml(999)

    def after_end(s: Sheet) -> None:
        s.rows.append(list(s.tag_rows("S")[0]))

    return [
        ("sai_dau_trang.xlsx", marker("SO_THEO_DOI"), FOREIGN),
        ("phien_ban_99.xlsx", version(99), NEWER),
        ("phien_ban_chu.xlsx", version("abc"), FOREIGN),
        ("phien_ban_0.xlsx", version(0), FOREIGN),
        ("mat_dong_end.xlsx", drop_end, INCOMPLETE),
        ("dem_end_sai.xlsx", wrong_end, INCOMPLETE),
        ("dong_sau_end.xlsx", after_end, "sau dòng END"),
        ("thieu_ky.xlsx", lambda s: s.meta("period", ""), "kỳ báo cáo"),
        ("ky_sai.xlsx", lambda s: s.meta("period", "tuan:47"), "kỳ báo cáo"),
        ("ky_truoc_am.xlsx", lambda s: s.meta("prev_totals", '{"sessions": -3}'), "kỳ trước"),
        ("ky_truoc_chu.xlsx", lambda s: s.meta("prev_totals", "nhiều"), "kỳ trước"),
        ("ky_truoc_le.xlsx", lambda s: s.meta("prev_totals", '{"sessions": 2.5}'), "kỳ trước"),
        ("ky_truoc_bool.xlsx", lambda s: s.meta("prev_totals", '{"sessions": true}'), "kỳ trước"),
        ("ma_don_vi_tep_trong.xlsx", lambda s: s.meta("office_code", ""), "mã đơn vị"),
        ("xuat_luc_sai.xlsx", lambda s: s.meta("generated_at", "hôm qua"), "thời điểm xuất"),
        (
            "danh_muc_active_7.xlsx",
            lambda s: s.set("L", 0, "active", 7),
            "active",
        ),
    ]


def _session_edits(sheet_info: dict[str, str]) -> list[tuple[str, Callable[[Sheet], None], str]]:
    def s_set(column: str, value: object) -> Callable[[Sheet], None]:
        return lambda s: s.set("S", 0, column, value)

    def p_set(column: str, value: object) -> Callable[[Sheet], None]:
        return lambda s: s.set("P", 0, column, value)

    def duplicate_uuid(s: Sheet) -> None:
        s.set("S", 1, "uuid", s.get("S", 0, "uuid"))

    def duplicate_procedure(s: Sheet) -> None:
        s.rows.insert(s.rows.index(s.tag_rows("P")[0]), list(s.tag_rows("P")[0]))
        end = s.tag_rows("END")[0]
        end[2] = _cell_xml(int(s.text(end[2])) + 1)

    def no_procedures(s: Sheet) -> None:
        first = s.get("S", 0, "uuid")
        kept = [r for r in s.rows if not (s.text(r[0]) == "P" and s.text(r[1]) == first)]
        removed = len(s.rows) - len(kept)
        s.rows = kept
        end = s.tag_rows("END")[0]
        end[2] = _cell_xml(int(s.text(end[2])) - removed)

    def s_before_header(s: Sheet) -> None:
        header = s.tag_rows("#S")[0]
        s.rows.insert(s.rows.index(header), list(s.tag_rows("S")[0]))
        end = s.tag_rows("END")[0]
        end[1] = _cell_xml(int(s.text(end[1])) + 1)

    late = sheet_info["late"]
    return [
        ("phut_0.xlsx", s_set("minutes", 0), "số phút 0"),
        ("phut_1440.xlsx", s_set("minutes", 1440), "số phút 1440"),
        ("phut_am.xlsx", s_set("minutes", -5), "số phút -5"),
        ("phut_chu.xlsx", s_set("minutes", "mười"), "số phút"),
        ("phut_le.xlsx", s_set("minutes", 12.5), "số phút"),
        ("nam_2099.xlsx", s_set("started_at", "2099-11-18T09:00:00"), "ngoài kỳ"),
        ("ngoai_ky.xlsx", s_set("started_at", "2026-11-09T09:00:00"), "ngoài kỳ"),
        ("mui_gio.xlsx", s_set("started_at", "2026-11-17T08:00:00+07:00"), "múi giờ"),
        ("gio_sai.xlsx", s_set("started_at", "thứ hai"), "thời điểm bắt đầu"),
        ("sau_khi_xuat.xlsx", s_set("started_at", late), "sau khi tệp được xuất"),
        ("ma_don_vi_trong.xlsx", s_set("office_code", ""), "mã đơn vị"),
        ("ma_don_vi_khac.xlsx", s_set("office_code", "XA99"), "XA99"),
        ("ma_luot_trong.xlsx", s_set("uuid", ""), "mã lượt"),
        ("ma_luot_sai.xlsx", s_set("uuid", "lượt-1"), "mã lượt"),
        ("ma_luot_lap.xlsx", duplicate_uuid, "hai lần"),
        ("nhan_so.xlsx", s_set("help_types", "[1]"), "nhãn"),
        ("nhan_doi_tuong.xlsx", s_set("help_types", '{"a": 1}'), "nhãn"),
        ("nhan_khong_doc.xlsx", s_set("help_types", "[không đóng"), "nhãn"),
        ("cao_tuoi_sai.xlsx", s_set("elderly", "có lẽ"), "elderly"),
        ("ghi_chu_dai.xlsx", s_set("note", "x" * 1500), "ghi chú"),
        ("cap_nhat_sai.xlsx", s_set("updated_at", "mai"), "cập nhật"),
        (
            "thu_tuc_la.xlsx",
            p_set("session_uuid", "00000000-0000-4000-8000-000000000000"),
            "không có trong tệp",
        ),
        ("ma_thu_tuc_trong.xlsx", p_set("code", ""), "mã thủ tục"),
        ("thu_tuc_lap.xlsx", duplicate_procedure, "hai lần"),
        ("vuong_mac_sai.xlsx", p_set("barriers", "lỗi"), "nhãn"),
        ("ma_ho_so_dai.xlsx", p_set("dossier_code", "H" * 80), "mã hồ sơ"),
        ("thu_tu_am.xlsx", p_set("position", -1), "thứ tự"),
        ("luot_khong_thu_tuc.xlsx", no_procedures, "không có thủ tục"),
        ("dong_truoc_tieu_de.xlsx", s_before_header, "trước dòng tiêu đề"),
    ]


def _xml_attacks(good: Path, folder: Path) -> list[tuple[Path, str]]:
    out = []
    parts = _parts(good)
    name = _data_part(parts)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + b"".join(
            b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i else b"&lol;") * 10)
            for i in range(1, 10)
        )
        + b"]>"
    )
    bad = dict(parts)
    bad[name] = (
        laughs + parts[name].split(b"?>", 1)[-1]
        if parts[name].startswith(b"<?xml")
        else laughs + parts[name]
    )
    out.append((_write(folder / "tieng_cuoi_ty_ty.xlsx", bad), DAMAGED))
    huge = dict(parts)
    giant = (
        b'<row r="2"><c t="inlineStr"><is><t>' + b"x" * (6 * 1024 * 1024) + b"</t></is></c></row>"
    )
    huge[name] = parts[name].replace(b"<sheetData>", b"<sheetData>" + giant, 1)
    out.append((_write(folder / "o_khong_lo.xlsx", huge), TOO_LARGE))
    index = dict(parts)
    index[name] = parts[name].replace(
        b'<c t="inlineStr"><is><t>M</t></is></c>', b'<c t="s"><v>999</v></c>', 1
    )
    out.append((_write(folder / "chi_so_chuoi_sai.xlsx", index), DAMAGED))
    text_number = dict(parts)
    text_number[name] = re.sub(
        rb'<c t="inlineStr"><is><t>END</t></is></c><c><v>\d+</v></c>',
        b'<c t="inlineStr"><is><t>END</t></is></c><c t="n"><v>abc</v></c>',
        parts[name],
        count=1,
    )
    out.append((_write(folder / "so_la_chu.xlsx", text_number), DAMAGED))
    far = dict(parts)
    far[name] = parts[name].replace(b'<row r="2">', b'<row r="2"><c r="ZZZ2"><v>1</v></c>', 1)
    out.append((_write(folder / "cot_qua_xa.xlsx", far), DAMAGED))
    return out


def _bombs(good: Path, folder: Path, size_mb: int) -> list[tuple[Path, str]]:
    """Shared strings that unpack to ``size_mb`` MB packed about 155:1 (under the
    declared-size checks), and a data sheet of the same size: refused while streaming,
    in bounded memory."""
    out = []
    parts = _parts(good)
    rnd = random.Random(7)

    def blocks(total: int, make: Callable[[], bytes]):
        written = 0
        while written < total:
            chunk = b"".join(make() for _ in range(256))
            written += len(chunk)
            yield chunk

    def shared_string() -> bytes:
        return b"<si><t>" + b"%02x" % rnd.randrange(256) + b"y" * 1000 + b"</t></si>"

    total = size_mb * 1024 * 1024
    for label, part, body, head, tail in (
        (
            "bom_chuoi_chung.xlsx",
            "xl/sharedStrings.xml",
            shared_string,
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
            b"</sst>",
        ),
    ):
        path = folder / label
        rels = parts["xl/_rels/workbook.xml.rels"]
        if b"sharedStrings" not in rels:
            rels = rels.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdSS" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                b"</Relationships>",
            )
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                if name == "xl/_rels/workbook.xml.rels":
                    data = rels
                if name != part:
                    z.writestr(name, data)
            with z.open(part, "w", force_zip64=True) as stream:
                stream.write(head)
                for chunk in blocks(total, body):
                    stream.write(chunk)
                stream.write(tail)
        out.append((path, TOO_LARGE))
    data_name = _data_part(parts)
    path = folder / "bom_trang_du_lieu.xlsx"
    row = (
        b'<row r="9"><c t="inlineStr"><is><t>X</t></is></c><c t="inlineStr"><is><t>'
        + b"z" * 900
        + b"</t></is></c></row>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            if name != data_name:
                z.writestr(name, data)
        head, tail = parts[data_name].split(b"<sheetData>", 1)
        with z.open(data_name, "w", force_zip64=True) as stream:
            stream.write(head + b"<sheetData>")
            written = 0
            while written < total:
                chunk = row * 1024
                stream.write(chunk)
                written += len(chunk)
            stream.write(tail)
    out.append((path, TOO_LARGE))
    return out


def _late_start(good: Path) -> str:
    """A start inside the file's period but after the file was exported."""
    parts = _parts(good)
    sheet = Sheet(parts[_data_part(parts)])
    meta = {sheet.text(r[1]): sheet.text(r[2]) for r in sheet.tag_rows("M")}
    from datetime import datetime, timedelta

    generated = datetime.fromisoformat(meta["generated_at"])
    return (generated + timedelta(hours=2)).isoformat(timespec="seconds")


def make_corpus(good: Path, folder: Path, bomb_mb: int = 900) -> list[tuple[Path, str]]:
    """Write the corpus into ``folder``; [(file, words its message must contain)]."""
    folder.mkdir(parents=True, exist_ok=True)
    out = _structural(good, folder)
    for name, edit, words in _header_edits():
        out.append((_edited(good, folder / name, edit), words))
    for name, edit, words in _session_edits({"late": _late_start(good)}):
        out.append((_edited(good, folder / name, edit), words))
    out += _xml_attacks(good, folder)
    if bomb_mb:
        out += _bombs(good, folder, bomb_mb)
    return out


# -- running it ---------------------------------------------------------------------------
def _peak_rss_mb() -> float:
    """Peak resident memory of this process: VmHWM on Linux (ru_maxrss survives exec
    there, and would report the forking test runner's size), else getrusage."""
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def check(good: Path, corpus: list[tuple[Path, str]], out_dir: Path) -> list[dict]:
    """Consolidate the good file with each bad one through the command line: the result,
    its message, whether anything was written, and the peak RSS so far."""
    from counter_app import cli

    results = []
    for path, words in corpus:
        out = out_dir / f"tong_hop_{path.stem}.xlsx"
        err = io.StringIO()
        stdout = io.StringIO()
        real_err, real_out = sys.stderr, sys.stdout
        sys.stderr, sys.stdout = err, stdout
        try:
            code = cli.run(["consolidate", str(good), str(path), "--xlsx", "--out", str(out)])
            crashed = ""
        except BaseException as exc:  # noqa: BLE001 - the point is to see it
            code, crashed = -1, f"{type(exc).__name__}: {exc}"
        finally:
            sys.stderr, sys.stdout = real_err, real_out
        message = err.getvalue()
        results.append(
            {
                "file": path.name,
                "words": words,
                "code": code,
                "message": message,
                "crashed": crashed,
                "written": sorted(p.name for p in out_dir.iterdir()),
                "rss_mb": round(_peak_rss_mb(), 1),
            }
        )
    return results


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("good", type=Path)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--cap-mb", type=int, default=0, help="address-space cap (setrlimit)")
    parser.add_argument("--bomb-mb", type=int, default=900)
    args = parser.parse_args(argv)
    corpus = make_corpus(args.good, args.folder / "corpus", args.bomb_mb)
    if args.cap_mb:
        import resource

        cap = args.cap_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    out_dir = args.folder / "out"
    out_dir.mkdir(exist_ok=True)
    for result in check(args.good, corpus, out_dir):
        print(json.dumps(result, ensure_ascii=False), flush=True)
    print(json.dumps({"peak_rss_mb": round(_peak_rss_mb(), 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main(sys.argv[1:]))
