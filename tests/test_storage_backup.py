"""Backups: verified, rotated, restorable; unsafe locations refused."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from counter_app.storage import backup
from counter_app.storage.database import open_store
from counter_app.storage.errors import UnsafeLocationError
from counter_app.storage.locations import unsafe_reason
from counter_app.storage.restore import RestoreError, restore_file
from tests.conftest import World

ROOT = Path(__file__).resolve().parent.parent


def test_backup_is_verified_self_contained_copy(file_world):
    file_world.save(note="một")
    path = file_world.store.backup("manual")
    assert path.parent == file_world.store.backups_dir
    assert backup.check_integrity(path) == "ok"
    assert not Path(str(path) + "-wal").exists()
    assert not list(path.parent.glob("*.tmp"))
    import sqlite3

    conn = sqlite3.connect(path)
    assert conn.execute("SELECT note FROM session").fetchall() == [("một",)]
    conn.close()


def test_backup_if_changed_only_after_a_save(file_world):
    store = file_world.store
    store.backup("manual")
    assert store.backup_if_changed() is None
    file_world.save()
    assert store.backup_if_changed() is not None
    assert store.backup_if_changed() is None


def test_thinning_keeps_daily_weekly_monthly(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2025, 1, 1, 9, 0, 0)
    for hours in range(0, 24 * 400, 6):  # four backups a day for 400 days
        when = start + timedelta(hours=hours)
        (folder / f"counter_app-{when:%Y%m%d-%H%M%S}-auto.db").write_bytes(b"")
    backup.thin_backups(folder)
    kept = backup.list_backups(folder)
    days = {b.taken_at.date() for b in kept}
    months = {(b.taken_at.year, b.taken_at.month) for b in kept}
    newest = max(b.taken_at for b in kept)
    assert newest == start + timedelta(hours=24 * 400 - 6)
    assert (
        len(kept)
        <= backup.KEEP_LATEST + backup.KEEP_DAILY + backup.KEEP_WEEKLY + backup.KEEP_MONTHLY
    )
    assert len(days) >= 12 and len(months) == 9
    # the 12 most recent days each have their newest backup
    recent_days = sorted(days, reverse=True)[:12]
    assert recent_days[0] - recent_days[-1] == timedelta(days=11)


def test_failed_verification_leaves_no_backup(file_world, monkeypatch):
    monkeypatch.setattr(
        backup, "check_integrity", lambda p, quick=False, **kw: "page 3 is never used"
    )
    with pytest.raises(backup.BackupError):
        file_world.store.backup("manual")
    assert backup.list_backups(file_world.store.backups_dir) == []
    assert not list(file_world.store.backups_dir.glob("*.tmp"))


def test_restore_verifies_and_keeps_current_aside(tmp_path):
    folder = tmp_path / "data"
    store = open_store(folder / "counter_app.db", folder / "backups", folder / "damaged")
    world = World(store)
    world.save(note="trong bản sao lưu")
    saved_backup = store.backup("manual")
    world.save(note="sau sao lưu")
    store.close(backup_on_exit=False)

    result = restore_file(
        saved_backup, folder / "counter_app.db", folder / "backups", folder / "damaged"
    )
    assert result.sessions == 1
    assert result.previous_kept_at and result.previous_kept_at.exists()
    store = open_store(folder / "counter_app.db", folder / "backups", folder / "damaged")
    notes = [r[0] for r in store.db.execute("SELECT note FROM session")]
    store.close(backup_on_exit=False)
    assert notes == ["trong bản sao lưu"]


@pytest.mark.parametrize("content", [b"", b"not a database at all" * 100])
def test_restore_refuses_bad_file_and_changes_nothing(tmp_path, file_world, content):
    bad = tmp_path / "bad.db"
    bad.write_bytes(content)
    file_world.save()
    with pytest.raises(RestoreError):
        restore_file(bad)
    assert (
        file_world.sessions.count(
            __import__("counter_app.domain.models", fromlist=["SessionFilter"]).SessionFilter()
        )
        == 1
    )


def test_restore_refused_while_app_has_the_data_open(file_world, tmp_path):
    good = file_world.store.backup("manual")
    from counter_app.storage.errors import InstanceLockedError

    with pytest.raises(InstanceLockedError):
        restore_file(good)


@pytest.mark.parametrize(
    ("path", "unsafe"),
    [
        (r"\\server\share\counter_app\counter_app.db", True),
        ("//server/share/counter_app.db", True),
        (r"C:\Users\lan\OneDrive\counter_app\counter_app.db", True),
        (r"C:\Users\lan\OneDrive - UBND xa\counter_app.db", True),
        ("/home/lan/Dropbox/counter_app.db", True),
        (r"G:\My Drive\counter_app.db", True),
        (r"C:\Users\lan\AppData\Local\counter_app\counter_app\counter_app.db", False),
        ("/home/lan/.local/share/counter_app/counter_app.db", False),
        (r"C:\Users\lan\Documents\OneDriveNotes\x.db", False),
    ],
)
def test_unsafe_locations(path, unsafe):
    assert (unsafe_reason(path) is not None) == unsafe


def test_onedrive_env_folder_refused(tmp_path, monkeypatch):
    synced = tmp_path / "Company Files"
    monkeypatch.setenv("OneDriveCommercial", str(synced))
    with pytest.raises(UnsafeLocationError) as info:
        open_store(synced / "counter_app.db", tmp_path / "b", tmp_path / "d")
    assert "đồng bộ" in str(info.value)
    assert not (synced / "counter_app.db").exists()


@pytest.mark.slow  # seven processes
def test_cli_backup_check_restore_round_trip(tmp_path, isolated_home):
    env = {"COUNTER_APP_HOME": str(isolated_home), "PYTHONPATH": str(ROOT)}
    import os

    env = dict(os.environ, **env)

    def cli(*args, stdin=None):
        return subprocess.run(
            [sys.executable, "-m", "counter_app", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            input=stdin,
        )

    assert cli("--version").stdout.startswith("counter-app ")
    made = cli("demo-data", "--weeks", "1", "--per-day", "10")
    assert made.returncode == 0 and "Đã thêm" in made.stdout
    out = cli("backup")
    assert out.returncode == 0 and "Đã sao lưu" in out.stdout
    check = cli("check")
    assert check.returncode == 0 and "tốt" in check.stdout
    backups = sorted((isolated_home / "backups").glob("*.db"))
    assert cli("restore", str(backups[0]), stdin="k\n").returncode == 1  # answered no
    restored = cli("restore", str(backups[0]), "--yes")
    assert restored.returncode == 0 and "Đã khôi phục" in restored.stdout
    assert list((isolated_home / "damaged").glob("counter_app-replaced-*.db"))


def test_background_backup_after_a_save(file_world):
    store = file_world.store
    store.backup("manual")
    assert store.backup_in_background() is None  # nothing changed since
    file_world.save(note="nền")
    done = []
    thread = store.backup_in_background("auto", lambda p, e: done.append((p, e)))
    assert thread is not None
    thread.join(30)
    ((path, error),) = done
    assert error is None and backup.check_integrity(path) == "ok"
    assert store.backup_in_background() is None  # nothing new since
