"""Settings logic headless: office, counters, officers, lists, privacy, look."""

from __future__ import annotations

from unittest.mock import MagicMock

import pytest

from counter_app.domain.models import LookupKind, Role
from counter_app.presenters.settings import SettingsPresenter, SettingsView
from counter_app.services import settings as settings_module
from counter_app.services.privacy import load_settings
from tests.helpers.fake_app import FakeApp


@pytest.fixture
def app(supervisor_app):
    return supervisor_app


@pytest.fixture
def settings(app):
    presenter = SettingsPresenter(MagicMock(spec=SettingsView), app)
    presenter.start()
    return presenter


def test_office_profile_saved(settings, world, app):
    assert settings.save_office("TT PVHCC xã Tân Hòa", "XA01", "Tỉnh Đồng Tháp", "UBND xã")
    assert world.offices.office().parent_body == "UBND xã"
    app.office_changed.assert_called_once()


def test_counters_add_rename_retire(settings, world, app):
    assert settings.add_counter("Quầy 3")
    new = [c for c in world.offices.counters() if c.name == "Quầy 3"][0]
    assert settings.rename_counter(new.id, "Quầy lưu động")
    assert settings.set_counter_active(new.id, False)
    assert "Quầy lưu động" not in [c.name for c in world.offices.counters()]
    assert "Quầy lưu động" in [c.name for c in world.offices.counters(include_retired=True)]
    assert not settings.set_counter_active(world.counter1.id, False)  # in use
    app.show_error.assert_called_once()


def test_officers_add_with_pin_and_role_change(settings, world, app):
    assert not settings.add_officer("Phan Văn Tú", Role.SUPERVISOR, "")  # needs a PIN
    assert settings.add_officer("Phan Văn Tú", Role.SUPERVISOR, "13579")
    tu = [o for o in world.offices.officers() if o.name == "Phan Văn Tú"][0]
    assert tu.role == Role.SUPERVISOR and tu.pin_hash
    # With a second supervisor the first may become an officer.
    assert settings.update_officer(world.supervisor.id, "Lê Thị Hồng", Role.OFFICER)
    assert not settings.set_officer_active(tu.id, False)  # now the only supervisor


def test_cannot_remove_the_only_supervisor_or_oneself(settings, world, app):
    assert not settings.update_officer(world.supervisor.id, "Lê Thị Hồng", Role.OFFICER)
    assert not settings.set_officer_active(world.supervisor.id, False)
    assert app.show_error.call_count == 2
    assert settings.set_officer_active(world.officer.id, False)
    assert world.officer.id not in [o.id for o in world.offices.officers()]


def test_lookup_add_rename_retire_keeps_old_records(settings, world):
    settings.select_kind(LookupKind.BARRIER)
    assert settings.add_value("Không mang CCCD")
    assert not settings.add_value("không mang cccd")  # duplicate
    value = [v for v in world.lookups.values("barrier") if v.label == "Không mang CCCD"][0]
    assert settings.rename_value(value.id, "Không mang căn cước")
    assert settings.set_value_active(value.id, False)
    assert value.id not in [v.id for v in world.lookups.values("barrier")]
    assert world.lookups.labels()[value.id] == "Không mang căn cước"


def test_outcomes_cannot_be_retired(settings, world):
    settings.select_kind(LookupKind.OUTCOME)
    assert not settings.set_value_active(world.lookup("outcome", "submitted"), False)


@pytest.mark.parametrize("days, ok", [("30", True), ("0", False), ("ba mươi", False)])
def test_privacy_settings(settings, world, days, ok):
    assert settings.save_privacy(True, days) is ok
    if ok:
        assert load_settings(world.store).retention_days == 30


def test_theme_and_language_go_to_the_app(settings, app, world):
    settings.set_theme("dark")
    app.apply_theme.assert_called_once_with("dark")
    settings.set_language("en")
    app.apply_language.assert_called_once_with("en")
    assert settings_module.THEME.get(world.store) == "dark"


def test_restore_needs_confirmation(settings, app, tmp_path):
    app.confirm.return_value = False
    assert not settings.restore(str(tmp_path / "x.db"))
    app.restore_from.assert_not_called()
    app.confirm.return_value = True
    assert settings.restore(str(tmp_path / "x.db"))
    app.restore_from.assert_called_once()


def test_backup_folder_setting(settings, world, tmp_path):
    folder = tmp_path / "sao lưu"
    assert settings.set_backup_folder(str(folder))
    assert world.store.backups_dir == folder and folder.is_dir()


def test_backup_now_writes_a_verified_copy(file_world, tmp_path):
    app = FakeApp(file_world.store, file_world.supervisor, clock=file_world.clock)
    settings = SettingsPresenter(MagicMock(spec=SettingsView), app)
    settings.set_backup_folder(str(tmp_path / "bk"))
    settings.backup_now()
    app.show_error.assert_not_called()
    assert list((tmp_path / "bk").glob("counter_app-*-manual.db"))


def test_a_pin_set_in_settings_must_be_typed_twice_alike(settings, world, app):
    from counter_app.services.auth import AuthService

    def me():
        return next(o for o in world.offices.officers() if o.id == world.supervisor.id)

    assert settings.set_officer_pin(world.supervisor.id, "2468", "2468")
    assert not settings.set_officer_pin(world.supervisor.id, "1357", "1375")  # a typo
    assert AuthService(world.store).login(me(), "2468").ok  # the old PIN still works
    assert not settings.add_officer("Phan Văn Tú", Role.SUPERVISOR, "13579", "13570")
    assert "Phan Văn Tú" not in [o.name for o in world.offices.officers()]
    assert app.show_error.call_count == 2
    assert "không khớp" in app.show_error.call_args.args[0]


def test_a_counter_name_already_used_is_refused_with_a_message(settings, world, app):
    assert not settings.add_counter(world.counter2.name)
    assert not settings.rename_counter(world.counter2.id, world.counter1.name.upper())
    assert app.show_error.call_count == 2
    assert "Đã có quầy" in app.show_error.call_args.args[0]
    assert settings.rename_counter(world.counter2.id, world.counter2.name)  # unchanged: fine
    assert sorted(c.name for c in world.offices.counters()) == sorted(
        [world.counter1.name, world.counter2.name]
    )


@pytest.mark.parametrize(
    "action",
    [
        lambda p: p.save_defaults(None, None, []),
        lambda p: p.save_privacy(True, "30"),
        lambda p: p.set_officer_pin_required(True),
    ],
)
def test_a_busy_database_is_explained_not_a_crash(settings, app, monkeypatch, action):
    from counter_app.storage.errors import DatabaseBusyError

    monkeypatch.setattr(
        "counter_app.services.settings.Setting.set", MagicMock(side_effect=DatabaseBusyError())
    )
    assert action(settings) is False
    app.show_error.assert_called_once_with(str(DatabaseBusyError()))
    app.toast.assert_not_called()
