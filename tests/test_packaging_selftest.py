"""`counter-app --self-test` on the real app (source tree), and its failure reports."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import openpyxl
import pytest

from counter_app import paths, selftest
from counter_app.services import profile as prof

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.gui


@pytest.fixture
def temp_root(tmp_path, monkeypatch):
    """The self-test makes its folder with tempfile: keep it inside this test's tmp_path."""
    root = tmp_path / "tmp"
    root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(root))
    return root


@pytest.fixture
def office_profile(monkeypatch):
    monkeypatch.setenv(prof.PROFILE_ENV, str(ROOT / "profiles" / "XA-MAU.toml"))


def test_self_test_passes_on_the_real_app(office_profile, temp_root, isolated_home, capsys):
    assert selftest.run_self_test() == 0
    out = capsys.readouterr().out
    assert "SELFTEST_TIMINGS window_ready_s=" in out
    assert "XA-MAU — Trung tâm Phục vụ hành chính công xã Mẫu Sơn" in out
    assert "Tự kiểm tra ĐẠT" in out
    assert list(temp_root.iterdir()) == []  # its temporary folder is removed
    assert paths.data_dir() == isolated_home  # COUNTER_APP_HOME is restored
    assert not paths.database_path().exists()  # and the user's data was never opened


def test_generic_build_without_profile(temp_root, monkeypatch, tmp_path, capsys):
    monkeypatch.delenv(prof.PROFILE_ENV, raising=False)
    monkeypatch.setattr(prof, "resource_path", lambda *parts: tmp_path.joinpath("none", *parts))
    assert selftest.run_self_test() == 0
    assert "bản cài này không kèm hồ sơ đơn vị" in capsys.readouterr().out


def test_missing_reports_part_fails_clearly(
    office_profile, temp_root, monkeypatch, capsys, isolated_home
):
    monkeypatch.setitem(sys.modules, "counter_app.reports", None)  # as if not bundled
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert "LỖI: xuất báo cáo tuần" in out and "counter_app.reports" in out
    assert "KHÔNG ĐẠT" in out
    kept = list(temp_root.iterdir())
    assert len(kept) == 1 and str(kept[0]) in out  # kept for the IT person to look at
    assert paths.data_dir() == isolated_home


def test_a_window_that_cannot_open_fails_clearly(office_profile, temp_root, monkeypatch, capsys):
    import tkinter

    import counter_app.ui.main_window as main_window

    def no_display(*args, **kwargs):
        raise tkinter.TclError("no display name and no $DISPLAY environment variable")

    monkeypatch.setattr(main_window, "MainWindow", no_display)
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert "LỖI: mở cửa sổ chính: TclError: no display name" in out


def test_a_bad_profile_fails_clearly(temp_root, monkeypatch, tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('[office]\ncode = "X"\n', encoding="utf-8")
    monkeypatch.setenv(prof.PROFILE_ENV, str(bad))
    assert selftest.run_self_test() == 1
    out = capsys.readouterr().out
    assert "LỖI: áp dụng hồ sơ đơn vị: Hồ sơ đơn vị phải có ít nhất một quầy" in out


def _workbook(path: Path, cells: list[str]) -> Path:
    wb = openpyxl.Workbook()
    wb.active.append(["TÊN ĐƠN VỊ"])
    for value in cells:
        wb.active.append([value])
    wb.save(path)
    return path


def test_workbook_check_finds_title_and_procedure(tmp_path):
    path = _workbook(
        tmp_path / "ok.xlsx", ["Tuần 48/2026 (từ 23/11/2026 đến 29/11/2026)", "1.001193"]
    )
    selftest.check_workbook(path, 2026, 48, "1.001193")


@pytest.mark.parametrize(
    "cells, message",
    [
        (["1.001193"], "Tuần 48/2026"),
        (["Tuần 47/2026", "1.001193"], "Tuần 48/2026"),
        (["Tuần 48/2026"], "1.001193"),
    ],
)
def test_workbook_check_fails_without_title_or_procedure(tmp_path, cells, message):
    with pytest.raises(selftest.SelfTestError, match=message):
        selftest.check_workbook(_workbook(tmp_path / "x.xlsx", cells), 2026, 48, "1.001193")
