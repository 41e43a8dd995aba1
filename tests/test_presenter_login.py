"""First-run setup and the officer/counter/PIN pick, headless."""

from __future__ import annotations

from unittest.mock import MagicMock

from counter_app.presenters.login import (
    LoginPresenter,
    LoginView,
    SetupData,
    SetupPresenter,
    SetupView,
)
from counter_app.services import settings
from counter_app.services.auth import AuthService, verify_pin
from counter_app.services.offices import OfficeService


def good_setup(**overrides) -> SetupData:
    values = dict(
        office_name="Trung tâm PVHCC xã Hòa An",
        office_code="HA01",
        province="Tỉnh Cà Mau",
        counters="Quầy 1, Quầy 2",
        supervisor="Võ Thị Lệ",
        pin="2580",
        pin_again="2580",
    )
    values.update(overrides)
    return SetupData(**values)


def test_setup_creates_office_counters_and_supervisor(memory_store):
    view = MagicMock(spec=SetupView)
    outcome = SetupPresenter(view, memory_store).submit(good_setup())
    offices = OfficeService(memory_store)
    assert offices.office().name == "Trung tâm PVHCC xã Hòa An"
    assert [c.name for c in offices.counters()] == ["Quầy 1", "Quầy 2"]
    [sup] = offices.officers()
    assert sup.role.value == "supervisor" and verify_pin("2580", sup.pin_hash)
    assert outcome.officer.id == sup.id and outcome.counter.name == "Quầy 1"


def test_setup_refuses_bad_input_and_writes_nothing(memory_store):
    view = MagicMock(spec=SetupView)
    assert (
        SetupPresenter(view, memory_store).submit(
            good_setup(office_name=" ", counters="", pin="12", pin_again="13")
        )
        is None
    )
    message = view.show_message.call_args.args[0]
    assert "tên đơn vị" in message and "quầy" in message and "PIN" in message
    assert OfficeService(memory_store).office() is None


def test_login_remembers_the_last_pick(world):
    view = MagicMock(spec=LoginView)
    login = LoginPresenter(view, world.store)
    login.start()
    outcome = login.submit(world.officer2.id, world.counter2.id, "")
    assert outcome.officer.id == world.officer2.id
    assert settings.LAST_USER.get(world.store) == {
        "officer_id": world.officer2.id,
        "counter_id": world.counter2.id,
    }
    again = MagicMock(spec=LoginView)
    LoginPresenter(again, world.store).start()
    _, _, officer_id, counter_id = again.set_people.call_args.args
    assert (officer_id, counter_id) == (world.officer2.id, world.counter2.id)


def test_supervisor_needs_the_pin(world):
    AuthService(world.store).set_pin(world.supervisor.id, "9876")
    view = MagicMock(spec=LoginView)
    login = LoginPresenter(view, world.store)
    login.start()
    login.officer_changed(world.supervisor.id)
    view.set_pin_needed.assert_called_with(True)
    assert login.submit(world.supervisor.id, world.counter1.id, "1111") is None
    assert "Sai mã PIN" in view.show_message.call_args.args[0]
    assert login.submit(world.supervisor.id, world.counter1.id, "9876") is not None


def test_supervisor_without_pin_sets_one_twice_before_starting(world):
    view = MagicMock(spec=LoginView)
    login = LoginPresenter(view, world.store)
    login.start()
    login.officer_changed(world.supervisor.id)
    view.set_new_pin_needed.assert_called_with(True)
    view.set_pin_needed.assert_called_with(False)
    assert "PIN" in view.show_message.call_args.args[0]
    # No PIN, a short PIN, or two different PINs: not signed in, nothing stored.
    assert login.submit(world.supervisor.id, world.counter1.id, "", "") is None
    assert login.submit(world.supervisor.id, world.counter1.id, "12", "12") is None
    assert login.submit(world.supervisor.id, world.counter1.id, "2468", "2469") is None
    assert "không khớp" in view.show_message.call_args.args[0]
    stored = {o.id: o for o in OfficeService(world.store).officers()}
    assert stored[world.supervisor.id].pin_hash is None
    outcome = login.submit(world.supervisor.id, world.counter1.id, "2468", "2468")
    assert outcome is not None and outcome.officer.id == world.supervisor.id
    assert verify_pin("2468", outcome.officer.pin_hash)
    # The next sign-in asks for that PIN.
    again = MagicMock(spec=LoginView)
    next_login = LoginPresenter(again, world.store)
    next_login.start()
    next_login.officer_changed(world.supervisor.id)
    again.set_pin_needed.assert_called_with(True)
    assert next_login.submit(world.supervisor.id, world.counter1.id, "0000") is None
    assert next_login.submit(world.supervisor.id, world.counter1.id, "2468") is not None
