"""Recovery never hides data (issue 10, items 1–5 and 10): every failure path of opening
the data file, through the real ``open_store``/``open_default_store``.

The kill-at-every-step trials (SIGKILL between file operations of recovery and of
restore, random kills) are in ``test_recovery_kills.py``; the command line's messages,
exit codes and PIN in ``test_recovery_cli.py``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from counter_app import paths
from counter_app.storage import backup
from counter_app.storage.errors import StorageError
from tests.conftest import World
from tests.helpers.clock import TEST_NOW
from tests.helpers.datafiles import (
    DB,
    corrupt_header,
    corrupt_pages,
    damage_index,
    foreign_database,
    later,
    lone_wal,
    office_with_backup,
    open_in,
    sessions_in,
    sha,
)

ROOT = Path(__file__).resolve().parent.parent


def restored_count(store) -> int:
    return store.db.execute("SELECT count(*) FROM session").fetchone()[0]


# -- item 1: no silent empty database -----------------------------------------------------


def test_missing_data_file_with_backups_is_restored_and_told(tmp_path):
    folder = tmp_path / "data"
    office_with_backup(folder, before=12, after=3)
    (folder / DB).unlink()
    store = open_in(folder)
    try:
        assert store.recovery is not None, "an empty database was opened without a word"
        assert restored_count(store) == 12
        assert "thiếu" in store.recovery.message() or "không còn" in store.recovery.message()
    finally:
        store.close(backup_on_exit=False)


def test_missing_data_file_with_recent_damaged_files_is_told(tmp_path):
    folder = tmp_path / "data"
    store = open_in(folder)
    World(store).save()
    store.close(backup_on_exit=False)
    (folder / "damaged").mkdir()
    shutil.move(str(folder / DB), str(folder / "damaged" / "counter_app-damaged-x.db"))
    store = open_in(folder)
    try:
        assert store.recovery is not None and store.recovery.restored_from is None
        assert "damaged" in store.recovery.message()
    finally:
        store.close(backup_on_exit=False)
    # Told until acknowledged: a second start (the first one killed) tells again.
    store = open_in(folder)
    try:
        assert store.recovery is not None
        store.acknowledge_recovery()
    finally:
        store.close(backup_on_exit=False)
    store = open_in(folder)
    try:
        assert store.recovery is None
    finally:
        store.close(backup_on_exit=False)


def test_interrupted_recovery_is_finished_at_next_start(tmp_path, monkeypatch):
    """A process that dies right after moving the damaged file aside (the moment that
    left no data file at all) leaves a marker; the next start finishes the job."""
    from counter_app.storage import fileops

    folder = tmp_path / "data"
    office_with_backup(folder, before=9, after=2)
    corrupt_pages(folder / DB)

    class Killed(BaseException):
        pass

    def die_after_move(op, path):
        if op == "replace" and path == folder / DB:
            raise Killed()

    monkeypatch.setattr(fileops, "on_operation", die_after_move)
    with pytest.raises(Killed):
        open_in(folder)
    monkeypatch.setattr(fileops, "on_operation", None)
    assert not (folder / DB).exists()  # the dangerous moment
    store = open_in(folder)
    try:
        assert store.recovery is not None and store.recovery.interrupted
        assert restored_count(store) == 9
        assert "gián đoạn" in store.recovery.message()
    finally:
        store.close(backup_on_exit=False)
    damaged = list((folder / "damaged").glob("counter_app-damaged-*.db"))
    assert len(damaged) == 1  # kept, never deleted


def test_recovery_message_repeats_until_the_user_was_told(tmp_path):
    folder = tmp_path / "data"
    office_with_backup(folder)
    corrupt_header(folder / DB)
    first = open_in(folder)
    first.close(backup_on_exit=False)  # killed before showing its message, say
    second = open_in(folder)
    try:
        assert second.recovery is not None and second.recovery.restored_from is not None
        second.acknowledge_recovery()
    finally:
        second.close(backup_on_exit=False)
    third = open_in(folder)
    try:
        assert third.recovery is None
    finally:
        third.close(backup_on_exit=False)


# -- item 2: held or unreadable is not damage ---------------------------------------------

HOLDER = r"""
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("SELECT count(*) FROM session").fetchone()
print("HELD", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("COMMIT")
conn.close()
"""


def hold(db: Path, seconds: float) -> subprocess.Popen:
    child = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(db), str(seconds)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout.readline().strip() == "HELD", child.stderr.read()
    return child


def test_file_held_exclusively_by_another_program_is_not_damage(tmp_path, monkeypatch):
    from counter_app.storage import health

    monkeypatch.setattr(health, "BUSY_WAIT_S", 1.0)
    folder = tmp_path / "data"
    office_with_backup(folder, before=10, after=4)
    db = folder / DB
    sqlite3.connect(db).execute("PRAGMA journal_mode=DELETE").close()
    before = sha(db)
    child = hold(db, 30)
    try:
        started = time.monotonic()
        with pytest.raises(StorageError) as info:
            open_in(folder)
        assert time.monotonic() - started < 15
        assert "chương trình khác" in str(info.value)
        assert "Chưa có gì bị thay đổi" in str(info.value)
    finally:
        child.kill()
        child.wait()
    assert sha(db) == before
    assert not (folder / "damaged").exists() or not any((folder / "damaged").iterdir())
    store = open_in(folder)  # released: the newest data, nothing restored
    try:
        assert store.recovery is None and restored_count(store) == 14
    finally:
        store.close(backup_on_exit=False)


def test_file_held_for_a_moment_opens_normally(tmp_path):
    folder = tmp_path / "data"
    office_with_backup(folder, before=6, after=1)
    db = folder / DB
    sqlite3.connect(db).execute("PRAGMA journal_mode=DELETE").close()
    child = hold(db, 0.8)
    try:
        store = open_in(folder)
    finally:
        child.wait()
    try:
        assert store.recovery is None and restored_count(store) == 7
    finally:
        store.close(backup_on_exit=False)


UNREADABLE_CHILD = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from counter_app.storage.database import open_store
from counter_app.storage.errors import StorageError
f = Path(sys.argv[1])
try:
    open_store(f / "counter_app.db", f / "backups", f / "damaged")
except StorageError as e:
    print("REFUSED", e)
else:
    print("OPENED")
"""


def _without_root_powers() -> list[str] | None:
    """A command prefix under which file permissions apply (root ignores them)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None
    return [setpriv, "--bounding-set", "-dac_override,-dac_read_search", "--"]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_unreadable_file_is_not_damage(tmp_path):
    prefix = _without_root_powers()
    if prefix is None:
        pytest.skip("running as root without setpriv: permissions cannot be enforced")
    folder = tmp_path / "data"
    office_with_backup(folder, before=5, after=2)
    db = folder / DB
    sqlite3.connect(db).execute("PRAGMA journal_mode=DELETE").close()
    before = sha(db)
    os.chmod(db, 0o000)
    try:
        out = subprocess.run(
            [*prefix, sys.executable, "-c", UNREADABLE_CHILD, str(folder), str(ROOT)],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
    finally:
        os.chmod(db, 0o644)
    assert out.stdout.startswith("REFUSED"), out.stdout + out.stderr
    assert "không có quyền" in out.stdout
    assert sha(db) == before
    assert not (folder / "damaged").exists() or not any((folder / "damaged").iterdir())


def test_rename_retried_while_a_scanner_holds_the_file(tmp_path, monkeypatch):
    """Windows: an antivirus holds a just-written file for a moment; os.replace fails
    with PermissionError and must be retried, not reported as a failed recovery."""
    from counter_app.storage import fileops

    folder = tmp_path / "data"
    office_with_backup(folder, before=4, after=1)
    corrupt_pages(folder / DB)
    real = os.replace
    failures = {"left": 3}

    def flaky(src, dst):
        if failures["left"] > 0:
            failures["left"] -= 1
            raise PermissionError(13, "The process cannot access the file")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", flaky)
    monkeypatch.setattr(fileops, "FIRST_DELAY", 0.001)
    store = open_in(folder)
    try:
        assert failures["left"] == 0
        assert store.recovery is not None and restored_count(store) == 4
    finally:
        store.close(backup_on_exit=False)


# -- item 3: recovery looks where the backups are -----------------------------------------


def test_recovery_uses_the_backup_folder_chosen_in_settings(tmp_path):
    from counter_app.bootstrap import open_default_store
    from counter_app.services import settings

    chosen = tmp_path / "USB" / "saoluu"
    store = open_default_store()
    try:
        world = World(store)
        for i in range(8):
            world.save(note=f"lượt {i}")
        settings.BACKUP_FOLDER.set(store, str(chosen))
        backup.take_backup(store.path, chosen, "manual")
    finally:
        store.close(backup_on_exit=False)
    for p in paths.backups_dir().glob("*"):
        p.unlink()  # only the chosen folder holds a copy
    corrupt_pages(paths.database_path())
    store = open_default_store()
    try:
        assert store.recovery is not None and store.recovery.restored_from is not None
        assert store.recovery.restored_from.parent == chosen
        assert restored_count(store) == 8
    finally:
        store.close(backup_on_exit=False)


@pytest.mark.parametrize("wrong_year", [2099, 2000])
def test_newest_backup_is_chosen_by_content_not_by_its_name(tmp_path, wrong_year):
    """A backup named by a wrong PC clock must not win over a newer copy."""
    folder = tmp_path / "data"
    store = open_in(folder)
    try:
        world = World(store)
        for i in range(5):
            world.save(note=f"cũ {i}")
        if wrong_year == 2099:
            # the clock ran ahead for a while: an OLD copy named 2099
            store.backup("auto", now=TEST_NOW.replace(year=2099))
            for i in range(6):
                world.save(note=f"mới {i}")
            store.backup("auto", now=TEST_NOW)
        else:
            store.backup("auto", now=TEST_NOW)
            for i in range(6):
                world.save(note=f"mới {i}")
            # the clock is now back in 2000: the NEW copy is named 2000
            store.backup("auto", now=TEST_NOW.replace(year=2000))
        world.save(note="chỉ trong tệp đang dùng")
    finally:
        store.close(backup_on_exit=False)
    corrupt_pages(folder / DB)
    store = open_in(folder)
    try:
        assert store.recovery is not None
        assert restored_count(store) == 11
    finally:
        store.close(backup_on_exit=False)


# -- item 4: empty, lone journal, another program's file ------------------------------------


@pytest.mark.parametrize("kind", ["zero_bytes", "lone_wal", "foreign"])
def test_not_a_data_file_with_backups_present_is_damage(tmp_path, kind):
    folder = tmp_path / "data"
    office_with_backup(folder, before=7, after=2)
    db = folder / DB
    foreign_sha = None
    if kind == "zero_bytes":
        db.write_bytes(b"")
    elif kind == "lone_wal":
        lone_wal(folder)
    else:
        foreign_database(db)
        foreign_sha = sha(db)
    store = open_in(folder)
    try:
        assert store.recovery is not None, f"{kind} was taken as a new empty database"
        assert restored_count(store) == 7
        assert store.recovery.damaged_copy is not None
    finally:
        store.close(backup_on_exit=False)
    if foreign_sha is not None:
        kept = list((folder / "damaged").glob("counter_app-damaged-*.db"))
        assert [sha(p) for p in kept] == [foreign_sha]  # never written to


def test_foreign_file_without_backups_is_never_written_to(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / DB
    foreign_database(db)
    before = sha(db)
    store = open_in(folder)
    try:
        assert store.recovery is not None and store.recovery.data_missing
    finally:
        store.close(backup_on_exit=False)
    kept = list((folder / "damaged").glob("*.db"))
    assert [sha(p) for p in kept] == [before]
    conn = sqlite3.connect(kept[0])
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()
    assert tables == {"customers"}  # no migration was applied into it


def test_zero_byte_file_without_backups_is_a_new_file(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / DB).write_bytes(b"")
    store = open_in(folder)
    try:
        assert store.recovery is None
        assert store.db.execute("SELECT count(*) FROM lookup").fetchone()[0] > 0
    finally:
        store.close(backup_on_exit=False)


# -- item 5: damage inside an index -------------------------------------------------------


def test_index_damage_passes_quick_check_but_not_the_check_behind_the_window(tmp_path):
    folder = tmp_path / "data"
    office_with_backup(folder, before=30, after=0)
    db = folder / DB
    damage_index(db)
    assert backup.check_integrity(db, quick=True) == "ok"
    assert backup.check_integrity(db) != "ok"
    # A clean exit vouches for the file: the check runs behind the window, in full.
    store = open_in(folder)
    store.close(backup_on_exit=False)
    store = open_in(folder, trust_clean_exit=True)
    try:
        assert store.check_deferred
        result = store.deferred_check()
        assert result != "ok" and store.check_failed
    finally:
        store.close(backup_on_exit=False)
    # The damage is remembered: even if the app was killed now, the next start recovers.
    store = open_in(folder, trust_clean_exit=True)
    try:
        assert store.recovery is not None and store.recovery.restored_from is not None
        assert backup.check_integrity(db) == "ok"
    finally:
        store.close(backup_on_exit=False)


def test_index_damage_found_by_a_backup_is_treated_as_damage(tmp_path):
    folder = tmp_path / "data"
    good = office_with_backup(folder, before=25, after=3)
    damage_index(folder / DB)
    store = open_in(folder)  # quick_check passes
    try:
        assert store.recovery is None
        with pytest.raises(backup.BackupError):
            store.backup("manual", now=later(5))
        assert store.check_failed
    finally:
        store.close(backup_on_exit=False)
    store = open_in(folder)
    try:
        assert store.recovery is not None
        assert store.recovery.restored_from.name.startswith(good.stem)
        assert restored_count(store) == 25
    finally:
        store.close(backup_on_exit=False)


# -- item 10: housekeeping ----------------------------------------------------------------


def test_stale_temporary_files_are_removed_at_start(tmp_path):
    folder = tmp_path / "data"
    office_with_backup(folder, before=2, after=0)
    old = time.time() - 3600
    stale = [
        folder / "counter_app.db.restore.tmp",
        folder / ".write-test-abc123",
        folder / "backups" / "counter_app-20261126-173000-exit.db.tmp",
        folder / "backups" / "counter_app-20261126-173000-manual.dbpack.tmp",
    ]
    fresh = folder / "backups" / "counter_app-20261126-180000-exit.db.tmp"
    foreign = [folder / "backups" / "notes.tmp", folder / "my-report.xlsx.tmp"]
    for p in [*stale, fresh, *foreign]:
        p.write_bytes(b"x" * 1000)
    for p in [*stale, *foreign]:
        os.utime(p, (old, old))
    store = open_in(folder)
    store.close(backup_on_exit=False)
    assert [p for p in stale if p.exists()] == []
    assert fresh.exists()  # maybe another run is writing it
    assert all(p.exists() for p in foreign)  # not our names


def test_stale_report_temporaries_are_removed_at_start(isolated_home):
    from counter_app.bootstrap import open_default_store

    paths.ensure_dirs()
    old = time.time() - 3600
    stale = paths.exports_dir() / ".~report_abc.xlsx"
    stale.write_bytes(b"x")
    os.utime(stale, (old, old))
    open_default_store().close(backup_on_exit=False)
    assert not stale.exists()


# -- issue 15: a quick close, the exit copy, a relaunch during it ---------------------------


def test_quick_close_while_the_check_runs_writes_the_clean_exit_marker(tmp_path):
    """Closing within a second of starting, while the check behind the window still
    holds its connection, must still leave the clean-exit marker (else every such start
    pays the full check before the window)."""
    folder = tmp_path / "data"
    office_with_backup(folder, before=50, after=0)
    conn = sqlite3.connect(folder / DB)
    columns = [r[1] for r in conn.execute("PRAGMA table_info(session)") if r[1] != "id"]
    select = ", ".join("lower(hex(randomblob(16)))" if c == "uuid" else c for c in columns)
    for _ in range(11):  # 50 → 100,000 sessions: the check takes a while
        conn.execute(f"INSERT INTO session ({', '.join(columns)}) SELECT {select} FROM session")
    conn.commit()
    conn.close()
    open_in(folder).close(backup_on_exit=False)
    store = open_in(folder, trust_clean_exit=True)
    thread = store.check_in_background()
    time.sleep(0.1)  # the check has opened its own connection and is reading
    assert thread.is_alive()
    store.close(backup_on_exit=False)
    assert (folder / "counter_app.db.clean-exit").exists()


def test_exit_copy_is_verified_at_the_next_start(tmp_path):
    folder = tmp_path / "data"
    store = open_in(folder)
    World(store).save(note="trước khi đóng")
    store.close()  # something changed: the exit copy
    pending = list((folder / "backups").glob("*-exit.db.pending"))
    assert len(pending) == 1 and backup.check_integrity(pending[0]) == "ok"
    store = open_in(folder, trust_clean_exit=True)
    try:
        assert store.maintain_backups() == []
    finally:
        store.close(backup_on_exit=False)
    verified = [b for b in backup.list_backups(folder / "backups") if b.reason == "exit"]
    assert [b.kind for b in verified] == ["plain"]
    assert sessions_in(verified[0].path) == 1


def test_torn_exit_copy_is_deleted_at_the_next_start(tmp_path):
    folder = tmp_path / "data"
    store = open_in(folder)
    World(store).save()
    store.close()
    (pending,) = (folder / "backups").glob("*-exit.db.pending")
    data = bytearray(pending.read_bytes())
    data[4096 * 2 :] = b"\0" * (len(data) - 4096 * 2)  # a power cut before the write-back
    pending.write_bytes(bytes(data))
    store = open_in(folder, trust_clean_exit=True)
    try:
        failed = store.maintain_backups()
    finally:
        store.close(backup_on_exit=False)
    assert [p for p, _ in failed] == [pending] and not pending.exists()


BACKING_UP = r"""
import sys, time
from pathlib import Path
from counter_app.storage.database import backing_up_marker
from counter_app.storage.lock import InstanceLock
db = Path(sys.argv[1])
lock = InstanceLock(db).acquire()
backing_up_marker(db).write_text("1")
print("BACKING UP", flush=True)
time.sleep(20)
"""


def test_relaunch_while_the_exit_backup_runs_says_please_wait(tmp_path):
    folder = tmp_path / "data"
    office_with_backup(folder, before=1, after=0)
    child = subprocess.Popen(
        [sys.executable, "-c", BACKING_UP, str(folder / DB)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )
    try:
        assert child.stdout.readline().strip() == "BACKING UP", child.stderr.read()
        with pytest.raises(StorageError) as info:
            open_in(folder)
        assert "đang sao lưu" in str(info.value) and "vui lòng chờ" in str(info.value)
    finally:
        child.kill()
        child.wait()
    open_in(folder).close(backup_on_exit=False)  # the stale marker is harmless after


# -- issue 15: after an unclean exit the window opens at once, saves wait for the check ----


def crashed(folder: Path, sessions: int = 6) -> Path:
    """A data folder as a power cut leaves it: a -wal with committed sessions, no
    clean-exit marker (copied while the app still had it open)."""
    live = folder.parent / (folder.name + "-live")
    office_with_backup(live, before=sessions, after=0)
    store = open_in(live)
    store.db.execute("PRAGMA wal_autocheckpoint = 0")
    officer = store.db.execute("SELECT min(id) FROM officer").fetchone()[0]
    store.db.execute("INSERT INTO setting (key, value) VALUES ('crash.probe', ?)", [str(officer)])
    store.conn.commit()
    folder.mkdir(parents=True)
    for suffix in ("", "-wal"):
        shutil.copy(str(live / DB) + suffix, str(folder / DB) + suffix)
    shutil.copytree(live / "backups", folder / "backups")
    store.close(backup_on_exit=False)
    return folder


class existing_world:
    """Sessions for the office already in ``store``."""

    def __init__(self, store):
        from counter_app.services.sessions import SessionService

        self.store = store
        self.officer_id = store.db.execute("SELECT min(id) FROM officer").fetchone()[0]
        self.counter_id = store.db.execute("SELECT min(id) FROM counter").fetchone()[0]
        self.service = SessionService(store, clock=lambda: TEST_NOW)

    def save(self, note: str):
        from counter_app.domain.models import Session, SessionProcedure

        outcome = self.store.db.execute(
            "SELECT id FROM lookup WHERE kind = 'outcome' AND code = 'submitted'"
        ).fetchone()[0]
        return self.service.create(
            Session(
                officer_id=self.officer_id,
                counter_id=self.counter_id,
                started_at=TEST_NOW.replace(minute=0, second=0, microsecond=0),
                minutes=5,
                note=note,
                procedures=[SessionProcedure("1.001193", outcome)],
            )
        )


def test_after_an_unclean_exit_the_store_opens_at_once_and_saves_wait(tmp_path):
    from counter_app.storage.errors import DataCheckPendingError

    folder = crashed(tmp_path / "data")
    assert not (folder / "counter_app.db.clean-exit").exists()
    store = open_in(folder, defer_check=True)
    try:
        assert store.check_deferred and store.saves_gated and store.recovery is None
        world = existing_world(store)
        with pytest.raises(DataCheckPendingError) as info:
            world.save(note="đang kiểm tra")
        assert "CHƯA được lưu" in str(info.value)
        from counter_app.services import settings

        settings.DRAFTS.of(world.officer_id).set(store, {"note": "bản nháp"})  # kept
        settings.LAST_USER.set(store, {"officer_id": world.officer_id})  # sign-in works
        assert store.deferred_check() == "ok"
        store.open_gate()
        world.save(note="sau khi kiểm tra")
    finally:
        store.close(backup_on_exit=False)
    store = open_in(folder)
    try:
        notes = [r[0] for r in store.db.execute("SELECT note FROM session")]
        assert "sau khi kiểm tra" in notes and "đang kiểm tra" not in notes
    finally:
        store.close(backup_on_exit=False)


def test_damage_found_by_the_check_after_an_unclean_exit_goes_through_recovery(tmp_path):
    folder = crashed(tmp_path / "data", sessions=40)
    db = folder / DB
    conn = sqlite3.connect(db)  # fold the -wal in, then damage pages past the schema
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(db.read_bytes())
    data[-4096 * 3 : -4096] = os.urandom(4096 * 2)
    db.write_bytes(bytes(data))
    store = open_in(folder, defer_check=True)
    assert store.saves_gated
    problem = store.deferred_check()
    assert problem != "ok" and store.check_failed
    store.close(backup_on_exit=False)
    assert not (folder / "counter_app.db.clean-exit").exists()
    store = open_in(folder, known_damage=problem)
    try:
        assert store.recovery is not None and store.recovery.restored_from is not None
        assert restored_count(store) == 40
    finally:
        store.close(backup_on_exit=False)


def test_closing_before_the_check_passed_leaves_no_clean_exit_marker(tmp_path):
    folder = crashed(tmp_path / "data")
    store = open_in(folder, defer_check=True)
    store.close(backup_on_exit=False)
    assert not (folder / "counter_app.db.clean-exit").exists()  # still unchecked
