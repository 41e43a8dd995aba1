"""The window and the data behind it (issue 10 item 5, issue 15 item 1): opening at once
after an unclean exit in a visible "checking data…" state, saves waiting for the check,
backup failures shown, damage found behind the window going through recovery."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from counter_app import paths
from counter_app.bootstrap import open_default_store
from counter_app.storage import backup
from counter_app.storage.errors import BackupError
from counter_app.ui import app
from tests.gui.conftest import press, pump, settle, type_text
from tests.helpers.datafiles import DB, damage_index, office_with_backup

pytestmark = pytest.mark.gui


def unclean_home() -> None:
    """The app's data folder as a power cut leaves it: sessions in the -wal, no marker."""
    home = paths.data_dir()
    live = home.parent / "live"
    office_with_backup(live, before=8, after=0)
    conn = sqlite3.connect(live / DB)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO setting (key, value) VALUES ('crash.probe', '1')")
    conn.commit()
    home.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        shutil.copy(str(live / DB) + suffix, str(home / DB) + suffix)
    conn.close()
    shutil.copytree(live / "backups", paths.backups_dir())


def signed_in(make_window, store):
    officer = store.db.execute("SELECT min(id) FROM officer").fetchone()[0]
    counter = store.db.execute("SELECT min(id) FROM counter").fetchone()[0]
    return make_window(store, user=(officer, counter))


def test_after_an_unclean_exit_the_window_opens_checking_and_saves_wait(make_window, screenshot):
    unclean_home()
    store = open_default_store(trust_clean_exit=True, defer_check=True)
    assert store.check_deferred and store.saves_gated
    window = signed_in(make_window, store)
    # The check has not run yet: show the state and try to save.
    window.show_checking(True)
    pump(window)
    assert window.check_banner.winfo_ismapped()
    form = window.screens["session"]
    type_text(form.search_entry, "1.001193")
    press(form.search_entry, "<Return>")
    pump(window)
    screenshot(window, "checking_after_unclean_exit")
    before = store.db.execute("SELECT count(*) FROM session").fetchone()[0]
    form.presenter.save()
    assert any("CHƯA được lưu" in e for e in window.errors)
    assert store.db.execute("SELECT count(*) FROM session").fetchone()[0] == before
    assert form.presenter.has_input()  # what was typed is still there
    app.run_deferred_check(window, store)
    settle(window, lambda: not store.saves_gated)
    assert not window.check_banner.winfo_ismapped()
    assert any("kiểm tra xong" in t for t in window.toasts)
    assert form.presenter.save() is not None
    assert store.db.execute("SELECT count(*) FROM session").fetchone()[0] == before + 1


def test_a_failed_backup_behind_the_window_is_shown(make_window, monkeypatch):
    store = open_default_store()
    try:
        window = make_window(store)
        store.db.execute("INSERT INTO setting (key, value) VALUES ('x', '1')")

        def fail(*args, **kwargs):
            raise BackupError("Không ghi được bản sao lưu: ổ USB đã bị rút ra")

        monkeypatch.setattr(backup, "take_backup", fail)
        assert app.backup_now(window, store)
        settle(window, lambda: window.errors)
        assert "ổ USB" in window.errors[0] and "Cài đặt" in window.errors[0]
    finally:
        store.close(backup_on_exit=False)


def test_damage_found_behind_the_window_goes_through_recovery_at_once(make_window):
    home = paths.data_dir()
    office_with_backup(home, before=30, after=0)
    damage_index(home / DB)
    store = open_default_store()  # quick_check passes: the window opens
    store.close(backup_on_exit=False)  # a clean exit: the full check runs behind
    store = open_default_store(trust_clean_exit=True, defer_check=True)
    assert store.check_deferred and store.check_kind == "full"
    window = signed_in(make_window, store)
    form = window.screens["session"]
    type_text(form.search_entry, "1.001193")
    press(form.search_entry, "<Return>")
    pump(window)
    app.run_deferred_check(window, store)
    settle(window, lambda: window.recover_problem is not None, timeout=30)
    assert any("hỏng" in e for e in window.errors)
    assert window.carried_draft is not None  # the typed session goes along
    officer_id, draft = window.carried_draft
    store = open_default_store(known_damage=window.recover_problem)
    try:
        assert store.recovery is not None and store.recovery.restored_from is not None
        assert store.db.execute("SELECT count(*) FROM session").fetchone()[0] == 30
        app.carry_draft(store, officer_id, draft)
        from counter_app.services.drafts import DraftService

        assert DraftService(store, officer_id).load() is not None
        assert backup.check_integrity(Path(store.path)) == "ok"
    finally:
        store.close(backup_on_exit=False)


def test_restore_from_settings_names_the_supervisor_and_is_told_once(file_world, make_window):
    import json

    world = file_world
    world.save()
    copy = world.store.backup("manual")
    world.save()
    window = make_window(world.store, user=(world.supervisor.id, world.counter1.id))
    window.restore_from(copy)
    assert window.infos and "khôi phục" in window.infos[0].lower()
    store = open_default_store()
    try:
        assert store.recovery is None  # shown once, then acknowledged
        ((officer_id, after),) = store.db.execute(
            "SELECT officer_id, after_json FROM audit WHERE action = 'restore'"
        ).fetchall()
        assert officer_id == world.supervisor.id
        assert json.loads(after)["officer"] == world.supervisor.name
    finally:
        store.close(backup_on_exit=False)
