"""Backups keep purged personal fields (issue 10, item 10): the Settings screen says so
plainly, with the rotation's own numbers, next to the retention setting."""

from __future__ import annotations

from unittest.mock import MagicMock

from counter_app.presenters.settings import SettingsPresenter, SettingsView
from counter_app.storage import backup
from tests.helpers.fake_app import FakeApp


def test_settings_say_how_long_backups_keep_purged_personal_data(world):
    view = MagicMock(spec=SettingsView)
    app = FakeApp(world.store, world.supervisor, world.counter1, clock=world.clock)
    SettingsPresenter(view, app).start()
    ((schedule, kept), _) = view.show_backup_notes.call_args
    assert f"{backup.KEEP_MONTHLY + 1} tháng" in kept
    assert "sao lưu" in kept and "số điện thoại" in kept
    assert f"{backup.KEEP_DAILY} ngày" in schedule and f"{backup.KEEP_WEEKLY} tuần" in schedule
