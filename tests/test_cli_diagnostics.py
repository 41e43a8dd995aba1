"""“Gửi nhật ký cho IT”: one zip with the logs and the data check, no personal data —
from the command line and from the Settings screen."""

from __future__ import annotations

import logging
import zipfile
from unittest.mock import MagicMock

import pytest

from counter_app import paths
from counter_app.cli import run
from counter_app.presenters.settings import SettingsPresenter, SettingsView
from counter_app.services import diagnostics
from counter_app.services.diagnostics import scrub, write_log_bundle
from tests.helpers.fake_app import FakeApp

NAME, PHONE, ID_NUMBER = "Phạm Thị Xuân", "0912 345 678", "079123456789"


def read_zip(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name).decode("utf-8") for name in zf.namelist()}


@pytest.fixture
def office_with_personal_data(file_world):
    """A data file holding a citizen's name, phone and ID number, and a log whose lines
    carry them (the worst case: an error message quoting what was typed)."""
    file_world.save()
    store = file_world.store
    with store.transaction():
        store.db.execute(
            "UPDATE session SET citizen_name = ?, citizen_phone = ?, citizen_id_number = ?",
            [NAME, PHONE, ID_NUMBER],
        )
    logs = paths.logs_dir()
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "counter_app.log").write_text(
        "2026-11-26 10:30:00,000 INFO counter_app: started\n"
        f"2026-11-26 10:31:00,000 ERROR x: not saved: {NAME}, {PHONE}, {ID_NUMBER}\n"
        "2026-11-26 10:32:00,000 ERROR y: mail nguoidan@example.vn, tel +84 912 345 679\n"
        "2026-11-26 10:33:00,000 INFO storage: backup written: "
        "counter_app-20261126-103300-manual.db (12345678 bytes, pid 4242)\n",
        encoding="utf-8",
    )
    (logs / "counter_app.log.1").write_text("older lines\n", encoding="utf-8")
    return file_world


def test_the_bundle_holds_logs_check_and_system_and_nothing_personal(
    office_with_personal_data, tmp_path, clock
):
    world = office_with_personal_data
    result = write_log_bundle(tmp_path / "out", clock=clock, backups_dir=world.store.backups_dir)
    assert result.path.name == "nhat-ky-counter_app-20261126-103000.zip"
    files = read_zip(result.path)
    assert set(files) == {
        "DOC-TRUOC.txt",
        "system.txt",
        "check.txt",
        "logs/counter_app.log",
        "logs/counter_app.log.1",
    }
    assert result.log_files == 2
    everything = "\n".join(files.values())
    for personal in (NAME, PHONE, ID_NUMBER, "nguoidan@example.vn", "912 345 679"):
        assert personal not in everything, personal
    log = files["logs/counter_app.log"]
    assert log.count(diagnostics.MASK) == 5
    # what IT needs survives the masking: times, file names, sizes, process ids
    assert "counter_app-20261126-103300-manual.db (12345678 bytes, pid 4242)" in log
    assert "2026-11-26 10:31:00,000 ERROR x: not saved:" in log
    assert "Tình trạng tệp: tốt" in files["check.txt"]
    assert "counter_app.db" in files["system.txt"] and "backups/" in files["system.txt"]
    assert not any(name.endswith((".db", ".xlsx", ".toml")) for name in files)
    assert "không có tệp dữ liệu" in files["DOC-TRUOC.txt"]
    assert not list((tmp_path / "out").glob("*.partial"))


def test_scrub_masks_shapes_of_personal_data_but_not_log_furniture():
    text, n = scrub(
        "phone 0987654321 / 098.765.4321; CCCD 001203004005; CMND 123456789; "
        "a@b.vn; at 2026-11-26 10:30:00,123 pid 12345 epoch=1796169982.620 v0.2.0.post3"
    )
    assert n == 5
    assert "0987654321" not in text and "001203004005" not in text and "a@b.vn" not in text
    assert "2026-11-26 10:30:00,123 pid 12345 epoch=1796169982.620 v0.2.0.post3" in text


def test_the_command_line_bundle_holds_checks_own_output(
    office_with_personal_data, capsys, monkeypatch
):
    assert run(["check"]) == 0
    check_output = capsys.readouterr().out
    assert run(["diagnostics"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Đã tạo tệp gửi cho IT (")
    [bundle] = paths.exports_dir().glob("nhat-ky-counter_app-*.zip")
    files = read_zip(bundle)
    assert files["check.txt"].startswith(check_output)
    assert "(check exit code 0)" in files["check.txt"]
    assert NAME not in "\n".join(files.values())
    for h in logging.getLogger().handlers:
        h.flush()


def test_the_command_line_bundle_goes_where_asked(file_world, tmp_path, capsys):
    assert run(["diagnostics", "--out", str(tmp_path / "cho IT")]) == 0
    assert list((tmp_path / "cho IT").glob("nhat-ky-counter_app-*.zip"))


def test_settings_button_writes_the_bundle_on_the_worker_and_says_where(file_world):
    app = FakeApp(file_world.store, file_world.supervisor, clock=file_world.clock)
    settings = SettingsPresenter(MagicMock(spec=SettingsView), app)
    app.defer_jobs = True
    settings.send_logs_to_it()
    assert not list(paths.exports_dir().glob("*.zip"))  # not on the UI thread
    app.finish_jobs()
    app.show_error.assert_not_called()
    [bundle] = paths.exports_dir().glob("nhat-ky-counter_app-*.zip")
    message = app.show_info.call_args.args[0]
    assert str(bundle) in message and "không có thông tin cá nhân" in message
    assert "check.txt" in read_zip(bundle)


def test_a_bundle_that_cannot_be_written_is_a_message(file_world, monkeypatch):
    app = FakeApp(file_world.store, file_world.supervisor, clock=file_world.clock)
    settings = SettingsPresenter(MagicMock(spec=SettingsView), app)

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(diagnostics, "write_log_bundle", full)
    settings.send_logs_to_it()
    assert "Không tạo được tệp gửi cho IT" in app.show_error.call_args.args[0]


def test_a_data_file_that_is_not_there_yet_is_said_plainly(tmp_path, clock):
    result = write_log_bundle(tmp_path, clock=clock)
    assert "Chưa có tệp dữ liệu" in read_zip(result.path)["check.txt"]
