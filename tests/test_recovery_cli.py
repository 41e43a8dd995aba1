"""The command line says what happened to the data (issue 10, item 6) and asks for the
supervisor before changing shared data (item 7). In process, through ``cli.run``."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app import paths
from counter_app.cli import run
from counter_app.services import settings
from counter_app.services.auth import AuthService
from counter_app.storage import backup
from counter_app.storage.database import open_store
from tests.conftest import World
from tests.helpers.clock import TEST_NOW
from tests.helpers.datafiles import corrupt_pages

EXIT_RESTORED, EXIT_DATA_MISSING, EXIT_DENIED = 3, 4, 5
SUPERVISOR = "Lê Thị Hồng"
PIN = "2468"


def home_store():
    paths.ensure_dirs()
    return open_store(paths.database_path(), paths.backups_dir(), paths.damaged_dir())


def office(sessions: int = 6, backup_first: bool = True, pin: str | None = None) -> World:
    store = home_store()
    world = World(store)
    if pin:
        AuthService(store).set_pin(world.supervisor.id, pin)
    for i in range(sessions):
        world.save(
            note=f"lượt {i}",
            started_at=TEST_NOW - timedelta(days=7, hours=i),
            backdated_reason="nhập bù",
        )
    if backup_first:
        store.backup("manual", now=TEST_NOW)
    world.save(note="chỉ trong tệp đang dùng")
    store.close(backup_on_exit=False)
    return world


def cli(capsys, *args, stdin: str = "", monkeypatch=None):
    if monkeypatch is not None:
        import io

        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = run(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


# -- item 6: every command that opens the store tells about a recovery --------------------


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--week", "2026-W47"],
        ["catalogue", "search", "khai", "sinh"],
        ["backup"],
        ["catalogue", "export", "OUT", "--overwrite"],
    ],
    ids=["report", "catalogue search", "backup", "catalogue export"],
)
def test_a_command_after_a_recovery_tells_on_stderr_with_its_own_exit_code(
    capsys, tmp_path, command
):
    office()
    corrupt_pages(paths.database_path())
    command = [str(tmp_path / "catalogue.xlsx") if c == "OUT" else c for c in command]
    code, out, err = cli(capsys, *command)
    assert code == EXIT_RESTORED, (out, err)
    assert "bản sao lưu" in err and "khôi phục" in err
    assert str(paths.damaged_dir()) in err  # where the damaged file is
    assert "26/11/2026" in err  # data as of when
    # Told once: the next command runs normally.
    code, out, err = cli(capsys, *command)
    assert code == 0 and "khôi phục" not in err


def test_report_with_the_data_lost_writes_nothing(capsys, tmp_path):
    office(backup_first=False)
    corrupt_pages(paths.database_path())
    target = tmp_path / "baocao.xlsx"
    code, out, err = cli(capsys, "report", "--week", "2026-W47", "--out", str(target))
    assert code == EXIT_DATA_MISSING
    assert not target.exists()  # never a zero report in place of lost data
    assert "không tìm thấy bản sao lưu" in err and "Chưa thực hiện gì" in err
    assert not paths.database_path().exists()  # no empty data file was created
    code, _, err = cli(capsys, "report", "--week", "2026-W47", "--out", str(target))
    assert code == EXIT_DATA_MISSING and not target.exists()  # every time, until handled


def test_check_says_good_for_a_healthy_office(capsys):
    office()
    code, out, err = cli(capsys, "check")
    assert code == 0 and "Tình trạng tệp: tốt" in out


def test_check_is_not_good_while_a_recovery_is_unfinished(capsys, monkeypatch):
    from counter_app.storage import fileops

    office()
    corrupt_pages(paths.database_path())

    class Killed(BaseException):
        pass

    def die(op, path):
        if op == "replace" and path == paths.database_path():
            raise Killed()

    monkeypatch.setattr(fileops, "on_operation", die)
    with pytest.raises(Killed):
        home_store()
    monkeypatch.setattr(fileops, "on_operation", None)
    code, out, err = cli(capsys, "check")
    assert "Tình trạng tệp: tốt" not in out
    assert code == EXIT_DATA_MISSING
    assert "khôi phục" in out + err


def test_check_is_not_good_for_an_unexplained_empty_data_file(capsys):
    office()
    for suffix in ("", "-wal", "-shm", ".clean-exit"):
        Path(str(paths.database_path()) + suffix).unlink(missing_ok=True)
    conn = sqlite3.connect(paths.database_path())  # an empty database of the app
    conn.close()
    open_store(
        paths.database_path(), paths.backups_dir(), paths.damaged_dir(), expect_new=True
    ).close(backup_on_exit=False)
    code, out, err = cli(capsys, "check")
    assert "Tình trạng tệp: tốt" not in out
    assert code == EXIT_DATA_MISSING
    assert "6" in out + err  # the backup holds the sessions the data file lacks


def test_check_searches_the_backup_folder_chosen_in_settings(capsys, tmp_path):
    world = office(backup_first=False)
    chosen = tmp_path / "o_D" / "saoluu"
    store = home_store()
    try:
        settings.BACKUP_FOLDER.set(store, str(chosen))
        backup.take_backup(store.path, chosen, "manual")
    finally:
        store.close(backup_on_exit=False)
    del world
    code, out, err = cli(capsys, "check")
    assert str(chosen) in out
    assert code == 0 and "Tình trạng tệp: tốt" in out


# -- item 7: supervisor commands need the supervisor --------------------------------------


def one_line_csv(tmp_path: Path, new: bool = False) -> Path:
    """A list of one procedure: a known one, or (``new``) one the catalogue lacks."""
    path = tmp_path / ("moi.csv" if new else "mot_dong.csv")
    row = "1.999991,Thủ tục thử nghiệm mới" if new else "1.001193,Đăng ký khai sinh"
    path.write_text(f"Mã số,Tên thủ tục\n{row}\n", encoding="utf-8")
    return path


def active_procedures() -> int:
    store = home_store()
    try:
        return store.db.execute("SELECT count(*) FROM procedure WHERE active = 1").fetchone()[0]
    finally:
        store.close(backup_on_exit=False)


def audit_rows(action: str) -> list[tuple]:
    conn = sqlite3.connect(paths.database_path())
    try:
        return conn.execute(
            "SELECT officer_id, after_json FROM audit WHERE action = ?", [action]
        ).fetchall()
    finally:
        conn.close()


def test_retire_missing_without_the_supervisor_changes_nothing(capsys, tmp_path, monkeypatch):
    office(pin=PIN)
    before = active_procedures()
    monkeypatch.delenv("COUNTER_APP_PIN", raising=False)
    code, out, err = cli(
        capsys,
        "catalogue",
        "import",
        str(one_line_csv(tmp_path)),
        "--retire-missing",
        "--yes",
        monkeypatch=monkeypatch,
    )
    assert code == EXIT_DENIED, (out, err)
    assert "lãnh đạo" in err.lower()
    assert active_procedures() == before > 500


def test_retire_missing_with_the_supervisor_is_applied_and_audited(capsys, tmp_path, monkeypatch):
    world = office(pin=PIN)
    monkeypatch.setenv("COUNTER_APP_PIN", PIN)
    code, out, err = cli(
        capsys,
        "catalogue",
        "import",
        str(one_line_csv(tmp_path)),
        "--retire-missing",
        "--yes",
        "--officer",
        SUPERVISOR,
    )
    assert code == 0, (out, err)
    assert active_procedures() == 1
    ((officer_id, after),) = audit_rows("import")
    assert officer_id == world.supervisor.id and json.loads(after)["retired"] > 500


def test_the_pin_can_be_typed_at_the_prompt(capsys, tmp_path, monkeypatch):
    office(pin=PIN)
    monkeypatch.delenv("COUNTER_APP_PIN", raising=False)
    monkeypatch.setattr("counter_app.cli.core.getpass", lambda prompt="": PIN)
    code, out, err = cli(
        capsys,
        "catalogue",
        "import",
        str(one_line_csv(tmp_path, new=True)),
        "--yes",
        stdin=SUPERVISOR + "\n",
        monkeypatch=monkeypatch,
    )
    assert code == 0, (out, err)


def test_wrong_pins_count_towards_the_same_lockout(capsys, tmp_path, monkeypatch):
    office(pin=PIN)
    csv = str(one_line_csv(tmp_path))
    monkeypatch.setenv("COUNTER_APP_PIN", "0000")
    for _ in range(5):
        code, _, err = cli(
            capsys, "catalogue", "import", csv, "--yes", "--retire-missing", "--officer", SUPERVISOR
        )
        assert code == EXIT_DENIED
    assert "Thử lại sau" in err
    monkeypatch.setenv("COUNTER_APP_PIN", PIN)  # right PIN, but locked out
    code, _, err = cli(
        capsys, "catalogue", "import", csv, "--yes", "--retire-missing", "--officer", SUPERVISOR
    )
    assert code == EXIT_DENIED and "Thử lại sau" in err
    assert active_procedures() > 500


def test_restore_needs_the_supervisor_and_names_them_in_the_audit(capsys, monkeypatch):
    world = office(pin=PIN)
    (copy,) = backup.list_backups(paths.backups_dir())
    monkeypatch.delenv("COUNTER_APP_PIN", raising=False)
    code, out, err = cli(capsys, "restore", str(copy.path), "--yes", monkeypatch=monkeypatch)
    assert code == EXIT_DENIED
    assert not list(paths.damaged_dir().glob("*replaced*"))
    monkeypatch.setenv("COUNTER_APP_PIN", PIN)
    code, out, err = cli(capsys, "restore", str(copy.path), "--yes", "--officer", SUPERVISOR)
    assert code == 0, (out, err)
    ((officer_id, after),) = audit_rows("restore")
    assert officer_id == world.supervisor.id
    assert SUPERVISOR in json.loads(after)["officer"]


def test_no_pin_asked_while_no_supervisor_has_one(capsys, tmp_path):
    office()
    code, out, err = cli(
        capsys, "catalogue", "import", str(one_line_csv(tmp_path, new=True)), "--yes"
    )
    assert code == 0, (out, err)
    assert "1 " in out and active_procedures() > 551
