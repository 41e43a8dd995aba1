"""`counter-app catalogue search|import|export` end to end on the real data folder."""

from __future__ import annotations

import pytest

from counter_app.cli import run
from tests.test_catalog_import import make_portal_xlsx


@pytest.mark.parametrize("query", [["khai", "sinh"], ["dang ky khai sinh"], ["1001193"], ["ks"]])
def test_search_prints_code_tab_name_ranked(capsys, query):
    assert run(["catalogue", "search", *query, "--limit", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "1.001193\tThủ tục đăng ký khai sinh"
    assert 1 <= len(lines) <= 3 and all("\t" in line for line in lines)


def test_search_with_no_match_fails(capsys):
    assert run(["catalogue", "search", "zzqxw"]) == 1
    assert capsys.readouterr().out == ""


def test_import_asks_then_applies(capsys, tmp_path, monkeypatch):
    path = make_portal_xlsx(
        tmp_path / "portal.xlsx", [["2.099002", "Thủ tục mới thứ hai", "", "", "Chứng thực"]]
    )
    monkeypatch.setattr("builtins.input", lambda prompt="": "k")
    assert run(["catalogue", "import", str(path)]) == 1
    out = capsys.readouterr().out
    assert "1 thủ tục mới" in out and "Không có gì thay đổi." in out
    assert run(["catalogue", "search", "2.099002"]) == 1  # declined: nothing applied
    capsys.readouterr()
    monkeypatch.setattr("builtins.input", lambda prompt="": "c")
    assert run(["catalogue", "import", str(path)]) == 0
    assert "thêm 1" in capsys.readouterr().out
    assert run(["catalogue", "search", "2.099002"]) == 0
    assert capsys.readouterr().out == "2.099002\tThủ tục mới thứ hai\n"


def test_import_yes_and_retire_missing(capsys, tmp_path):
    path = make_portal_xlsx(
        tmp_path / "full.xlsx", [["1.001193", "Thủ tục đăng ký khai sinh", "", "", "Hộ tịch"]]
    )
    assert run(["catalogue", "import", str(path), "--yes", "--retire-missing"]) == 0
    assert "ngừng 550" in capsys.readouterr().out
    assert run(["catalogue", "search", "khai tu"]) == 0
    assert capsys.readouterr().out.splitlines() == ["1.001193\tThủ tục đăng ký khai sinh"]


def test_bad_file_message_on_stderr(capsys, tmp_path):
    path = tmp_path / "notes.xlsx"
    path.write_bytes(b"%PDF-1.7 " + bytes(range(256)) * 4)
    assert run(["catalogue", "import", str(path), "--yes"]) == 1
    err = capsys.readouterr().err
    assert "không phải bảng tính" in err


def test_export_then_reimport_is_a_no_op(capsys, tmp_path):
    out = tmp_path / "danh_muc.xlsx"
    assert run(["catalogue", "export", str(out)]) == 0
    assert "551" in capsys.readouterr().out
    assert run(["catalogue", "import", str(out), "--yes"]) == 0
    assert "551 thủ tục không đổi" in capsys.readouterr().out


def test_export_never_overwrites_an_existing_file_unasked(capsys, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "danh_muc.xlsx"
    out.write_bytes(b"a file the user keeps")
    assert run(["catalogue", "export", str(out)]) == 1
    assert "đã có" in capsys.readouterr().err
    assert out.read_bytes() == b"a file the user keeps"
    assert run(["catalogue", "export", str(out), "--overwrite"]) == 0
    assert out.read_bytes().startswith(b"PK")
    assert [p.name for p in out.parent.iterdir()] == ["danh_muc.xlsx"]  # no temp left


def test_a_failed_export_leaves_nothing_behind(tmp_path, monkeypatch, memory_store):
    from openpyxl import Workbook

    from counter_app.catalog.exporter import export_catalogue

    def full_disk(self, filename):
        with open(filename, "wb") as f:
            f.write(b"PK half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Workbook, "save", full_disk)
    (tmp_path / "out").mkdir()
    with pytest.raises(OSError):
        export_catalogue(memory_store, tmp_path / "out" / "danh_muc.xlsx")
    assert list((tmp_path / "out").iterdir()) == []


def test_export_over_a_file_open_in_excel_says_so(capsys, tmp_path, monkeypatch):
    """On Windows os.replace over a file Excel holds open raises PermissionError."""
    import os

    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "danh_muc.xlsx"
    out.write_bytes(b"open in Excel")

    def locked(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", locked)
    assert run(["catalogue", "export", str(out), "--overwrite"]) == 1
    assert "đang được mở bằng chương trình khác" in capsys.readouterr().err
    assert out.read_bytes() == b"open in Excel"
    assert [p.name for p in out.parent.iterdir()] == ["danh_muc.xlsx"]
