"""Durability: crashes, corruption, newer/older schemas, second instance, bad folders."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from counter_app.domain.models import SessionFilter
from counter_app.storage import backup
from counter_app.storage.database import open_store
from counter_app.storage.errors import (
    DataFolderError,
    DiskFullError,
    InstanceLockedError,
    SchemaTooNewError,
)
from counter_app.storage.lock import InstanceLock
from counter_app.storage.schema import SCHEMA_VERSION, migrations
from tests.conftest import World
from tests.helpers.clock import TEST_NOW

ROOT = Path(__file__).resolve().parent.parent


def open_in(folder: Path, **kwargs):
    return open_store(folder / "counter_app.db", folder / "backups", folder / "damaged", **kwargs)


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- crash safety ---------------------------------------------------------------------


@pytest.mark.slow
def test_sigkill_never_loses_an_acknowledged_session(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    store = open_in(folder)
    World(store)  # office 1, counter 1, officer 1
    store.close(backup_on_exit=False)

    rng = random.Random(7)
    acknowledged: list[str] = []
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    for _round in range(12):
        child = subprocess.Popen(
            [sys.executable, "-m", "tests.helpers.crash_child", str(folder)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        assert child.stdout.readline().strip() == "READY", child.stderr.read()
        deadline = time.monotonic() + rng.uniform(0.05, 0.6)
        while time.monotonic() < deadline:
            line = child.stdout.readline().strip()
            if line:
                acknowledged.append(line)
        child.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        rest, _ = child.communicate()
        # Lines already written before the kill were acknowledged too.
        acknowledged.extend(x for x in rest.split() if len(x) == 36)
    assert len(acknowledged) > 50

    assert backup.check_integrity(folder / "counter_app.db") == "ok"
    store = open_in(folder)
    try:
        stored = {r[0] for r in store.db.execute("SELECT uuid FROM session")}
        missing = [u for u in acknowledged if u not in stored]
        assert missing == []
    finally:
        store.close(backup_on_exit=False)


# -- corruption -----------------------------------------------------------------------


def corrupt(path: Path, where: str) -> None:
    data = bytearray(path.read_bytes())
    if where == "header":
        data[0:100] = b"\x07" * 100
    elif where == "tail":  # the last pages: session rows and indexes, not the schema
        page = 4096
        data[-page * 8 : -page * 2] = os.urandom(page * 6)
    else:  # scribble over the middle pages: b-tree pages become garbage
        page = 4096
        start = page * 3
        data[start : start + page * 20] = os.urandom(page * 20)
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("where", ["header", "pages"])
def test_corrupt_database_restored_from_newest_verified_backup(tmp_path, where):
    folder = tmp_path / "data"
    store = open_in(folder)
    world = World(store)
    for _ in range(300):
        world.save(note="trước sao lưu " * 5)
    first_backup = store.backup("manual", now=TEST_NOW)
    newest = store.backup("manual", now=TEST_NOW + timedelta(seconds=5))
    world.save(note="sau sao lưu")  # lost with the damaged file, as the message says
    store.close(backup_on_exit=False)
    # The newest backup is itself damaged: the older verified one must be chosen.
    corrupt(newest, "header")

    db_path = folder / "counter_app.db"
    shutil.copy(db_path, tmp_path / "original.db")
    corrupt(db_path, where)
    assert backup.check_integrity(db_path, quick=True) != "ok"

    store = open_in(folder)
    try:
        assert store.recovery is not None
        # The older backup was packed when the newer one was written: the same copy.
        assert store.recovery.restored_from.name.startswith(first_backup.stem)
        assert "sao lưu" in store.recovery.message() and "hỏng" in store.recovery.message()
        assert store.db.execute("SELECT count(*) FROM session").fetchone()[0] == 300
        damaged = list((folder / "damaged").iterdir())
        assert any(p.name.startswith("counter_app-damaged") for p in damaged)
    finally:
        store.close(backup_on_exit=False)


def test_corrupt_database_without_backup_is_kept_aside(tmp_path):
    folder = tmp_path / "data"
    store = open_in(folder)
    World(store).save()
    store.close(backup_on_exit=False)
    corrupt(folder / "counter_app.db", "header")
    store = open_in(folder)
    try:
        assert store.recovery and store.recovery.restored_from is None
        assert "không tìm thấy bản sao lưu" in store.recovery.message()
        assert store.recovery.damaged_copy.exists()
    finally:
        store.close(backup_on_exit=False)


# -- schema versions ------------------------------------------------------------------


def test_newer_schema_refused_and_file_untouched(tmp_path):
    folder = tmp_path / "data"
    store = open_in(folder)
    World(store).save()
    store.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    store.db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('counter_app', 'm999_from_the_future', '2027-01-01')"
    )
    store.close(backup_on_exit=False)
    db_path = folder / "counter_app.db"
    sqlite3.connect(db_path).execute("PRAGMA journal_mode=DELETE").close()
    before = sha(db_path)
    with pytest.raises(SchemaTooNewError) as info:
        open_in(folder)
    assert "phiên bản ứng dụng mới hơn" in str(info.value)
    assert sha(db_path) == before
    assert not (folder / "backups").exists() or not any((folder / "backups").iterdir())
    # The refused open released its lock: a newer app could open the file now.
    InstanceLock(db_path).acquire().release()


def _fill_version_1(old) -> None:
    """An office with 500 sessions as the first release stored them."""
    old.execute("INSERT INTO office (code, name) VALUES ('X', 'Xã X')")
    old.execute("INSERT INTO counter (office_id, name) VALUES (1, 'Quầy 1')")
    old.execute("INSERT INTO officer (office_id, name) VALUES (1, 'Cán bộ')")
    old.execute("INSERT INTO procedure (code, name) VALUES ('1.001193', 'Đăng ký khai sinh')")
    for i in range(500):
        old.execute(
            "INSERT INTO session (uuid, office_id, counter_id, officer_id, started_at, ended_at,"
            " minutes, note, created_at, updated_at) VALUES (?, 1, 1, 1, ?, ?, 5, ?, ?, ?)",
            [
                f"uuid-{i}",
                "2026-11-02T08:00:00",
                "2026-11-02T08:05:00",
                f"ghi chú {i}",
                "2026-11-02T08:05:00",
                "2026-11-02T08:05:00",
            ],
        )
        old.execute(
            "INSERT INTO session_procedure (session_id, procedure_code) VALUES (?, ?)",
            [i + 1, "1.001193"],
        )


def test_older_schema_migrated_with_every_row(tmp_path):
    from sqlite_utils import Database

    folder = tmp_path / "data"
    folder.mkdir()
    db_path = folder / "counter_app.db"
    old = Database(db_path)
    migrations.apply(old, stop_before="m002_procedure_search")  # the version-1 schema
    with old.atomic():  # one transaction: 1,000 inserts, one sync to the disk
        _fill_version_1(old)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old.close()

    store = open_in(folder)
    try:
        assert store.migrated_from == 1
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        notes = [r[0] for r in store.db.execute("SELECT note FROM session ORDER BY id")]
        assert notes == [f"ghi chú {i}" for i in range(500)]
        assert store.db.execute("SELECT count(*) FROM session_procedure").fetchone()[0] == 500
        # The catalogue arrived with the migration, the session's procedure kept.
        assert store.db.execute("SELECT count(*) FROM procedure").fetchone()[0] >= 551
        pre = [b for b in backup.list_backups(folder / "backups") if b.reason == "pre_migration"]
        assert len(pre) == 1 and backup.check_integrity(pre[0].path) == "ok"
    finally:
        store.close(backup_on_exit=False)


# -- one instance, bad folders --------------------------------------------------------


def test_second_instance_refused_cleanly(tmp_path):
    folder = tmp_path / "data"
    first = open_in(folder)
    try:
        World(first).save()
        code = (
            "import sys\n"
            "from pathlib import Path\n"
            "from counter_app.storage.database import open_store\n"
            "from counter_app.storage.errors import InstanceLockedError\n"
            "f = Path(sys.argv[1])\n"
            "try:\n"
            "    open_store(f / 'counter_app.db', f / 'backups', f / 'damaged')\n"
            "except InstanceLockedError as e:\n"
            "    print('REFUSED', e)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code, str(folder)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
        )
        assert out.stdout.startswith("REFUSED"), out.stderr
        assert "đang mở" in out.stdout
        with pytest.raises(InstanceLockedError):
            open_in(folder)
        assert first.db.execute("SELECT count(*) FROM session").fetchone()[0] == 1
    finally:
        first.close(backup_on_exit=False)
    open_in(folder).close(backup_on_exit=False)  # released on close


def test_data_folder_that_cannot_be_created(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(DataFolderError) as info:
        open_in(blocker / "data")
    assert "Không ghi được vào thư mục dữ liệu" in str(info.value)


def _mount_tmpfs(target: Path, options: str) -> bool:
    if sys.platform != "linux" or os.geteuid() != 0:
        return False
    target.mkdir(parents=True, exist_ok=True)
    return (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(target)], capture_output=True
        ).returncode
        == 0
    )


@pytest.fixture
def small_disk(tmp_path):
    target = tmp_path / "small"
    # room for a fresh data file and its write-ahead log while it is created (~0.9 MB)
    if not _mount_tmpfs(target, "size=1200k"):
        pytest.skip("needs root on Linux to mount a small tmpfs (max_page_count test covers it)")
    yield target
    subprocess.run(["umount", "-l", str(target)], check=False)


def test_read_only_data_folder_gives_clear_error(tmp_path, small_disk):
    folder = small_disk / "data"
    open_in(folder).close(backup_on_exit=False)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(DataFolderError) as info:
        open_in(folder)
    assert "chỉ đọc" in str(info.value)


def test_full_disk_save_fails_cleanly_and_keeps_data(tmp_path, small_disk):
    folder = small_disk / "data"
    store = open_in(folder)
    world = World(store)
    saved = 0
    with pytest.raises(DiskFullError) as info:
        for _ in range(100_000):
            world.save(note="đầy ổ đĩa " * 90)
            saved += 1
    assert "CHƯA được lưu" in str(info.value)
    assert store.db.execute("SELECT count(*) FROM session").fetchone()[0] == saved
    store.close(backup_on_exit=False)
    assert backup.check_integrity(folder / "counter_app.db") == "ok"


def test_database_full_is_reported_and_rolled_back(world):
    """The same path without root: SQLITE_FULL through max_page_count."""
    count = world.store.db.execute("PRAGMA page_count").fetchone()[0]
    world.store.db.execute(f"PRAGMA max_page_count = {count + 2}")
    with pytest.raises(DiskFullError):
        for _ in range(1000):
            world.save(note="x" * 900)
    total = world.sessions.count(SessionFilter(include_voided=True))
    children = world.store.db.execute(
        "SELECT count(DISTINCT session_id) FROM session_procedure"
    ).fetchone()[0]
    assert total == children  # no half-written session


# -- start-up check after a clean exit ---------------------------------------------------


def test_clean_exit_defers_the_check_and_the_background_check_passes(tmp_path):
    folder = tmp_path / "data"
    store = open_in(folder)
    World(store).save()
    store.close(backup_on_exit=False)
    assert (folder / "counter_app.db.clean-exit").exists()
    store = open_in(folder, trust_clean_exit=True)
    try:
        assert store.check_deferred and store.recovery is None
        assert not (folder / "counter_app.db.clean-exit").exists()  # a crash now leaves none
        results = []
        store.check_in_background(results.append).join(30)
        assert results == ["ok"] and not store.check_failed
    finally:
        store.close(backup_on_exit=False)


def test_file_changed_after_clean_exit_is_checked_before_opening(tmp_path):
    folder = tmp_path / "data"
    store = open_in(folder)
    World(store).save()
    store.backup("manual")
    store.close(backup_on_exit=False)
    corrupt(folder / "counter_app.db", "header")
    store = open_in(folder, trust_clean_exit=True)
    try:
        assert not store.check_deferred
        assert store.recovery is not None and store.recovery.restored_from is not None
    finally:
        store.close(backup_on_exit=False)


def test_silent_damage_found_by_background_check_forces_full_check_next_start(tmp_path):
    folder = tmp_path / "data"
    db_path = folder / "counter_app.db"
    store = open_in(folder)
    world = World(store)
    for _ in range(300):
        world.save(note="dữ liệu " * 20)
    store.backup("manual")
    store.close(backup_on_exit=False)
    st = db_path.stat()
    corrupt(db_path, "tail")
    os.utime(db_path, ns=(st.st_atime_ns, st.st_mtime_ns))  # bit rot: same size and time

    store = open_in(folder, trust_clean_exit=True)
    assert store.check_deferred
    results = []
    store.check_in_background(results.append).join(60)
    assert results and results[0] != "ok" and store.check_failed
    store.close(backup_on_exit=False)
    assert not (folder / "counter_app.db.clean-exit").exists()

    store = open_in(folder, trust_clean_exit=True)
    try:
        assert store.recovery is not None and store.recovery.restored_from is not None
    finally:
        store.close(backup_on_exit=False)


def test_damage_met_while_opening_a_trusted_file_falls_back_to_recovery(tmp_path):
    folder = tmp_path / "data"
    db_path = folder / "counter_app.db"
    store = open_in(folder)
    World(store).save()
    store.backup("manual")
    store.close(backup_on_exit=False)
    st = db_path.stat()
    corrupt(db_path, "pages")
    os.utime(db_path, ns=(st.st_atime_ns, st.st_mtime_ns))
    store = open_in(folder, trust_clean_exit=True)
    try:
        if store.check_deferred:  # the damage missed what opening reads
            results = []
            store.check_in_background(results.append).join(60)
            assert results[0] != "ok"
        else:
            assert store.recovery is not None
    finally:
        store.close(backup_on_exit=False)


# -- every opened store is durable ------------------------------------------------------


def _pragmas(store) -> tuple[str, int, int]:
    db = store.db
    return (
        db.execute("PRAGMA journal_mode").fetchone()[0],
        db.execute("PRAGMA synchronous").fetchone()[0],
        db.execute("PRAGMA foreign_keys").fetchone()[0],
    )


def _open_default(tmp_path):
    from counter_app.bootstrap import open_default_store

    return open_default_store()


def _open_demo(tmp_path):
    from counter_app.bootstrap import open_demo_store

    return open_demo_store(weeks=1)


def _open_after_restore(tmp_path):
    from counter_app import paths
    from counter_app.storage.restore import restore_file

    first = open_in(tmp_path / "source")
    copy = first.backup("manual")
    first.close(backup_on_exit=False)
    restore_file(copy)
    return open_store(paths.database_path(), paths.backups_dir(), paths.damaged_dir())


def _open_trusted(tmp_path):
    store = open_in(tmp_path / "data")
    store.close(backup_on_exit=False)  # a clean exit: the next open defers quick_check
    return open_in(tmp_path / "data", trust_clean_exit=True)


@pytest.mark.parametrize(
    "opener",
    [
        lambda tmp_path: open_in(tmp_path / "data"),
        _open_trusted,
        _open_default,
        _open_demo,
        _open_after_restore,
    ],
    ids=["open_store", "after_clean_exit", "default", "demo", "after_restore"],
)
def test_every_opened_store_is_wal_synchronous_full_with_foreign_keys(tmp_path, opener):
    """WAL + synchronous=FULL: a saved session is on the disk before save() returns;
    foreign keys: no procedure line without its session. SQLite's defaults are DELETE,
    FULL-but-not-in-WAL (NORMAL is common in wrappers) and foreign keys OFF."""
    store = opener(tmp_path)
    try:
        assert _pragmas(store) == ("wal", 2, 1)
    finally:
        store.close(backup_on_exit=False)


def test_a_reader_is_read_only_on_the_same_wal_file(file_store):
    reader = file_store.reader()
    try:
        assert reader.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        with pytest.raises(sqlite3.OperationalError):
            reader.db.execute("INSERT INTO setting (key, value) VALUES ('x', '1')")
    finally:
        reader.close()


def test_synchronous_off_would_be_caught(tmp_path, monkeypatch):
    """The test above can fail: with the pragma weakened, it sees it."""
    from counter_app.storage import database

    real = database.configure

    def weak(db):
        real(db)
        db.execute("PRAGMA synchronous = OFF")

    monkeypatch.setattr(database, "configure", weak)
    store = open_in(tmp_path / "data")
    try:
        assert _pragmas(store) != ("wal", 2, 1)
    finally:
        store.close(backup_on_exit=False)
