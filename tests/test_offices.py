"""The office service's rules: one transaction for a new office, unique counter names,
always an active supervisor."""

from __future__ import annotations

import pytest

from counter_app.domain.models import Office, Role
from counter_app.domain.text import same_label
from counter_app.services.lookups import LookupService
from counter_app.services.offices import NewOfficer, OfficeService

OFFICE = Office(code="XA02", name="Trung tâm Phục vụ hành chính công xã Bình Minh")


def test_create_office_writes_office_counters_and_supervisor_together(memory_store):
    offices = OfficeService(memory_store)
    created = offices.create_office(
        OFFICE, ["Quầy 1", " Quầy 2 "], [NewOfficer("Lê Thị Hồng", Role.SUPERVISOR)]
    )
    assert [c.name for c in offices.counters()] == ["Quầy 1", "Quầy 2"]
    assert [(o.name, o.role) for o in offices.officers()] == [("Lê Thị Hồng", Role.SUPERVISOR)]
    assert created.office.id == offices.office().id


def test_create_office_failing_half_way_leaves_nothing(memory_store, monkeypatch):
    offices = OfficeService(memory_store)

    def broken(*args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(offices, "add_officer", broken)
    with pytest.raises(RuntimeError):
        offices.create_office(OFFICE, ["Quầy 1"], [NewOfficer("Lê Thị Hồng", Role.SUPERVISOR)])
    assert offices.office() is None and offices.counters(True) == []


@pytest.mark.parametrize(
    ("counters", "officers", "problem"),
    [
        ([], [NewOfficer("A", Role.SUPERVISOR)], "Nhập ít nhất một quầy."),
        (["Quầy 1", "quầy 1"], [NewOfficer("A", Role.SUPERVISOR)], "Có hai quầy trùng tên."),
        (["Quầy 1"], [NewOfficer("Trần Văn Đức")], "Nhập họ tên lãnh đạo"),
    ],
)
def test_create_office_refuses_with_every_problem_named(memory_store, counters, officers, problem):
    offices = OfficeService(memory_store)
    with pytest.raises(ValueError) as info:
        offices.create_office(OFFICE, counters, officers)
    assert problem in str(info.value)
    assert offices.office() is None


def test_counter_names_are_unique_by_the_one_label_rule(world):
    with pytest.raises(ValueError, match="Đã có quầy"):
        world.offices.add_counter(world.office.id, "QUẦY 1")
    with pytest.raises(ValueError, match="Đã có quầy"):
        world.offices.rename_counter(world.counter2.id, " quầy 1")
    world.offices.rename_counter(world.counter2.id, "Quầy 2 (tầng 1)")


def test_lookup_values_use_the_same_label_rule(world):
    lookups = LookupService(world.store)
    with pytest.raises(ValueError, match="đã có"):
        lookups.add("barrier", "thiếu giấy tờ")
    other = lookups.add("barrier", "Mất điện")
    with pytest.raises(ValueError, match="cùng tên"):
        lookups.rename(other.id, "THIẾU GIẤY TỜ")
    assert same_label("Thiếu giấy tờ", " thiếu giấy tờ ") and not same_label("Khác", "Khác nữa")


def test_the_last_supervisor_cannot_be_demoted_or_retired(world):
    with pytest.raises(ValueError, match="ít nhất một"):
        world.offices.update_officer(world.supervisor.id, world.supervisor.name, Role.OFFICER)
    with pytest.raises(ValueError, match="ít nhất một"):
        world.offices.set_officer_active(world.supervisor.id, False)
    with pytest.raises(ValueError, match="chính mình"):
        world.offices.set_officer_active(world.officer.id, False, actor_id=world.officer.id)
    world.offices.set_officer_active(world.officer.id, False, actor_id=world.supervisor.id)


def test_an_outcome_is_renamed_never_retired(world):
    with pytest.raises(ValueError, match="không thể ngừng"):
        LookupService(world.store).set_active(world.lookup("outcome", "submitted"), False)
