"""Files written for the user (report, catalogue export, the store's CSV dataset) are
moved into place with the storage layer's retry: on Windows an antivirus or the search
indexer holds a just-written file for a moment, and the rename then fails with
PermissionError and succeeds a little later. Held for good (Excel has the file open),
the user still gets the message."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from counter_app.catalog.exporter import export_catalogue
from counter_app.reports.xlsx.publish import publish
from counter_app.storage import fileops


@pytest.fixture
def held(monkeypatch):
    """Make the next ``times`` renames onto a target fail as if the file were held."""
    monkeypatch.setattr(fileops, "FIRST_DELAY", 0.001)
    real = os.replace
    state = {"left": 0, "failed": 0}

    def replace(src, dst):
        if state["left"] > 0:
            state["left"] -= 1
            state["failed"] += 1
            raise PermissionError(13, "held by another program", str(dst))
        return real(src, dst)

    monkeypatch.setattr(fileops.os, "replace", replace)

    def arm(times: int) -> dict[str, int]:
        state["left"] = times
        return state

    return arm


def test_a_report_held_for_a_moment_is_published(held, tmp_path, monkeypatch):
    def no_links(src, dst):
        raise OSError(1, "links not supported here (FAT32)")

    monkeypatch.setattr(os, "link", no_links)
    tmp = tmp_path / ".~report_1.xlsx"
    tmp.write_bytes(b"report")
    state = held(3)
    out = publish(tmp, tmp_path / "BaoCao.xlsx")
    assert out == tmp_path / "BaoCao.xlsx" and out.read_bytes() == b"report"
    assert state["failed"] == 3 and not tmp.exists()


def test_a_catalogue_export_held_for_a_moment_is_written(held, memory_store, tmp_path):
    state = held(2)
    target = tmp_path / "danh_muc.xlsx"
    n = export_catalogue(memory_store, target)
    assert n > 0 and target.stat().st_size > 0 and state["failed"] == 2
    assert not list(tmp_path.glob(".~catalogue_*"))


def test_a_catalogue_file_open_in_excel_is_a_message_and_no_leftover(held, memory_store, tmp_path):
    held(fileops.RETRIES + 5)
    target = tmp_path / "danh_muc.xlsx"
    target.write_bytes(b"open in Excel")
    with pytest.raises(PermissionError) as caught:
        export_catalogue(memory_store, target)
    assert "Excel" in str(caught.value)
    assert target.read_bytes() == b"open in Excel"
    assert not list(tmp_path.glob(".~catalogue_*"))


def test_the_store_dataset_held_for_a_moment_is_written(held, tmp_path):
    from counter_app.province.export_csv import export_csv
    from counter_app.province.store import open_province_store

    store = open_province_store(tmp_path / "kho")
    try:
        state = held(2)
        export_csv(store, tmp_path / "csv")
    finally:
        store.close(backup_on_exit=False)
    assert state["failed"] == 2
    files = sorted(p.name for p in Path(tmp_path / "csv").glob("*.csv"))
    assert files and not list(Path(tmp_path / "csv").glob(".~*"))
