"""The session service: create, edit and void with an audit trail; listing and counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.domain.models import SessionFilter, SessionProcedure
from counter_app.domain.validation import ValidationError


def test_create_and_get_round_trip(world):
    not_sub = world.lookup("outcome", "not_submitted")
    barrier = world.lookup("barrier", "no_vneid_level2")
    saved = world.save(
        procedures=[
            SessionProcedure("1.001193", world.lookup("outcome", "submitted"), [], "H12.34-567"),
            SessionProcedure("1.004222", not_sub, [barrier]),
        ],
        help_type_ids=[
            world.lookup("help_type", "eform"),
            world.lookup("help_type", "vneid_level2"),
        ],
        note="Người dân 70 tuổi",
    )
    got = world.sessions.get(saved.uuid)
    assert [p.procedure_code for p in got.procedures] == ["1.001193", "1.004222"]
    assert got.procedures[0].dossier_code == "H12.34-567"
    assert got.procedures[1].barrier_ids == [barrier]
    assert sorted(got.help_type_ids) == sorted(saved.help_type_ids)
    assert got.office_id == world.office.id
    assert len(got.uuid) == 36


def test_update_writes_audit_with_before_and_after(world):
    saved = world.save(minutes=10, note="cũ")
    edited = world.sessions.get(saved.uuid)
    edited.minutes, edited.note = 25, "mới"
    world.sessions.update(saved.uuid, edited, actor_id=world.supervisor.id, reason="Sửa thời lượng")
    trail = world.sessions.audit(saved.uuid)
    assert [a.action for a in trail] == ["update"]
    entry = trail[0]
    assert entry.officer_id == world.supervisor.id
    assert entry.before["minutes"] == 10 and entry.after["minutes"] == 25
    assert entry.before["note"] == "cũ" and entry.after["note"] == "mới"
    assert entry.reason == "Sửa thời lượng"
    assert world.sessions.get(saved.uuid).minutes == 25


def test_void_needs_reason_and_keeps_row(world):
    saved = world.save()
    with pytest.raises(ValidationError):
        world.sessions.void(saved.uuid, actor_id=world.supervisor.id, reason="  ")
    assert world.sessions.audit(saved.uuid) == []
    world.sessions.void(saved.uuid, actor_id=world.supervisor.id, reason="Nhập trùng")
    got = world.sessions.get(saved.uuid)
    assert got.voided and got.void_reason == "Nhập trùng"
    trail = world.sessions.audit(saved.uuid)
    assert trail[-1].action == "void" and trail[-1].after["voided"] is True
    assert world.sessions.count(SessionFilter()) == 0
    assert world.sessions.count(SessionFilter(include_voided=True)) == 1
    with pytest.raises(ValidationError):
        world.sessions.update(saved.uuid, got, actor_id=world.supervisor.id)


def test_counts_today_and_week(world):
    now = world.clock()
    world.save(started_at=now - timedelta(minutes=30))
    world.save(
        started_at=now - timedelta(minutes=20),
        procedures=[SessionProcedure("1.001193", world.lookup("outcome", "not_submitted"))],
    )
    voided = world.save(started_at=now - timedelta(minutes=10))
    world.sessions.void(voided.uuid, world.supervisor.id, "sai")
    counts = world.sessions.counts()
    assert (counts.today, counts.submitted_today) == (2, 1)
    assert counts.week >= 2


def test_list_filters_and_paging(world):
    base = world.clock() - timedelta(hours=5)
    for i in range(25):
        world.save(
            started_at=base + timedelta(minutes=i),
            officer_id=world.officer.id if i % 2 else world.officer2.id,
            note=f"ghi chú số {i}",
        )
    world.save(
        started_at=base + timedelta(minutes=40),
        note="Đăng ký thường trú",
        procedures=[SessionProcedure("1.004222", world.lookup("outcome", "submitted"))],
    )
    page1 = world.sessions.list(SessionFilter(), limit=10)
    page3 = world.sessions.list(SessionFilter(), limit=10, offset=20)
    assert len(page1) == 10 and len(page3) == 6
    assert page1[0].started_at > page1[-1].started_at  # newest first
    assert world.sessions.count(SessionFilter(officer_id=world.officer2.id)) == 13
    assert world.sessions.count(SessionFilter(procedure_code="1.004222")) == 1
    # text search ignores diacritics and case
    assert [r.note for r in world.sessions.list(SessionFilter(text="dang KY thuong"))] == [
        "Đăng ký thường trú"
    ]
    assert world.sessions.count(SessionFilter(text="100%")) == 0


def test_editing_old_session_needs_no_new_reason(world):
    old = world.save(started_at=world.clock() - timedelta(days=3), backdated_reason="Mất mạng")
    got = world.sessions.get(old.uuid)
    got.note = "bổ sung"
    world.sessions.update(old.uuid, got, actor_id=world.supervisor.id)
    assert world.sessions.get(old.uuid).note == "bổ sung"


def test_oldest_first_mirrors_newest_first(world):
    base = world.clock() - timedelta(hours=3)
    for i in range(7):
        world.save(started_at=base + timedelta(minutes=i // 2))  # ties broken by id
    newest = [r.uuid for r in world.sessions.list(SessionFilter(), limit=10)]
    oldest = [r.uuid for r in world.sessions.list(SessionFilter(), limit=10, oldest_first=True)]
    assert oldest == list(reversed(newest))


# -- references: lookup kinds, retired values ------------------------------------------


def _retire(world, table: str, row_id: int) -> None:
    with world.store.transaction() as db:
        db.execute(f"UPDATE {table} SET active = 0 WHERE id = ?", [row_id])


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel_id": ("portal", "national")}, "channel_id"),
        ({"portal_id": ("channel", "counter")}, "portal_id"),
        ({"help_type_ids": [("barrier", "missing_documents")]}, "help_type_ids"),
        ({"satisfaction_id": 999_999}, "satisfaction_id"),
    ],
)
def test_lookup_of_the_wrong_kind_is_refused(world, overrides, field):
    values = {
        k: (
            world.lookup(*v)
            if isinstance(v, tuple)
            else [world.lookup(*x) for x in v]
            if isinstance(v, list)
            else v
        )
        for k, v in overrides.items()
    }
    before = world.sessions.count(SessionFilter(include_voided=True))
    with pytest.raises(ValidationError) as info:
        world.save(**values)
    assert [e.field for e in info.value.errors] == [field]
    assert world.sessions.count(SessionFilter(include_voided=True)) == before


def test_outcome_and_barrier_ids_must_be_outcomes_and_barriers(world):
    submitted = world.lookup("outcome", "submitted")
    bad = SessionProcedure("1.001193", world.lookup("barrier", "missing_documents"), [submitted])
    with pytest.raises(ValidationError) as info:
        world.save(procedures=[bad])
    assert sorted(e.field for e in info.value.errors) == ["barrier_ids", "outcome_id"]


def test_retired_officer_and_counter_refused_for_new_sessions(world):
    _retire(world, "officer", world.officer2.id)
    _retire(world, "counter", world.counter2.id)
    with pytest.raises(ValidationError) as info:
        world.save(officer_id=world.officer2.id, counter_id=world.counter2.id)
    assert sorted(e.field for e in info.value.errors) == ["counter", "officer"]


def test_a_retired_lookup_value_does_not_block_a_save(world):
    """The form's saved defaults may still hold a value retired since: saving at the
    queue must not fail on it (reports list it as retired)."""
    portal = world.lookup("portal", "national")
    _retire(world, "lookup", portal)
    assert world.sessions.get(world.save(portal_id=portal).uuid).portal_id == portal


def test_old_session_with_retired_values_stays_editable(world):
    portal = world.lookup("portal", "national")
    saved = world.save(officer_id=world.officer2.id, portal_id=portal)
    _retire(world, "officer", world.officer2.id)
    _retire(world, "lookup", portal)
    edited = world.make(
        officer_id=world.officer2.id,
        portal_id=portal,
        note="sửa ghi chú",
        started_at=saved.started_at,
    )
    world.sessions.update(saved.uuid, edited, actor_id=world.supervisor.id, reason="sửa")
    assert world.sessions.get(saved.uuid).note == "sửa ghi chú"


def test_audit_trail_never_holds_personal_data_in_clear(world):
    saved = world.save(
        citizen_name="Nguyễn Văn Bình", citizen_phone="0912345678", citizen_id_number="079091234567"
    )
    edited = world.make(
        started_at=saved.started_at,
        citizen_name="Nguyễn Văn Bình",
        citizen_phone="0987654321",
        citizen_id_number="079091234567",
    )
    world.sessions.update(saved.uuid, edited, actor_id=world.supervisor.id, reason="sửa số")
    world.sessions.void(saved.uuid, world.supervisor.id, "nhập nhầm")
    stored = world.store.db.execute(
        "SELECT group_concat(coalesce(before_json, '') || coalesce(after_json, ''), '') "
        "FROM audit WHERE entity = 'session'"
    ).fetchone()[0]
    for secret in ("Nguyễn Văn Bình", "0912345678", "0987654321", "079091234567"):
        assert secret not in stored
    update = world.sessions.audit(saved.uuid)[0]
    assert update.before["citizen_phone"].endswith("678")  # still recognisable
    assert update.after["citizen_phone"].endswith("321")


def test_interrupted_demo_generation_leaves_no_sessions_that_look_real(memory_store, monkeypatch):
    """Demo sessions are written in chunks; each chunk is counted as demo data in its own
    transaction, so stopping half-way never turns them into "real" sessions."""
    from datetime import date

    from counter_app.services import demo

    monkeypatch.setattr(demo, "CHUNK", 20)

    def stop(_made):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        demo.generate(memory_store, weeks=2, per_day=20, end=date(2026, 11, 22), progress=stop)
    assert memory_store.db.execute("SELECT count(*) FROM session").fetchone()[0] >= 20
    assert demo.real_session_count(memory_store) == 0
    demo.generate(memory_store, weeks=1, per_day=5, end=date(2026, 11, 22))  # not refused


@pytest.mark.parametrize("label", ["  ", "Tại quầy", "TẠI QUẦY"])
def test_renaming_a_value_to_an_empty_or_taken_label_is_refused(world, label):
    """Reports count by label: two values of one list with the same label would be
    silently added together."""
    from counter_app.services.lookups import LookupService

    lookups = LookupService(world.store)
    phone = world.lookup("channel", "phone_zalo")
    before = lookups.labels()[phone]
    with pytest.raises(ValueError):
        lookups.rename(phone, label)
    assert lookups.labels()[phone] == before
    lookups.rename(phone, "Qua điện thoại")
    assert lookups.labels()[phone] == "Qua điện thoại"


def test_update_past_the_retention_period_stores_no_personal_data(world):
    """The retention rule is the service's, not the form's: a direct call cannot put a
    name back on a session older than the period (90 days by default)."""
    old = world.save(
        started_at=world.clock() - timedelta(days=100),
        backdated_reason="nhập bù",
    )
    edited = world.sessions.get(old.uuid)
    edited.citizen_name, edited.citizen_phone = "Nguyễn Văn A", "0912345678"
    world.sessions.update(old.uuid, edited, actor_id=world.supervisor.id)
    stored = world.sessions.get(old.uuid)
    assert (stored.citizen_name, stored.citizen_phone) == ("", "")


def test_late_entry_past_the_retention_period_stores_no_personal_data(world):
    saved = world.save(
        started_at=world.clock() - timedelta(days=95),
        backdated_reason="sổ giấy",
        citizen_id_number="001234567890",
    )
    assert world.sessions.get(saved.uuid).citizen_id_number == ""
    recent = world.save(citizen_id_number="001234567890")
    assert world.sessions.get(recent.uuid).citizen_id_number == "001234567890"


def test_a_correction_keeps_the_officer_and_counter_of_the_session(world):
    saved = world.save()
    edited = world.sessions.get(saved.uuid)
    edited.officer_id, edited.counter_id = world.officer2.id, world.counter2.id
    edited.note = "sửa ghi chú"
    world.sessions.update(saved.uuid, edited, actor_id=world.supervisor.id)
    stored = world.sessions.get(saved.uuid)
    assert (stored.officer_id, stored.counter_id) == (world.officer.id, world.counter1.id)
    assert stored.note == "sửa ghi chú"


def test_the_strip_counts_dossiers_as_the_weekly_report_does(world):
    """Issue 13: the strip's "hồ sơ nộp trực tuyến thành công" is the report's key figure
    (procedure lines submitted), not the sessions that had one."""
    from counter_app.reports.aggregate import totals
    from counter_app.reports.source import load_sessions

    submitted = world.lookup("outcome", "submitted")
    now = world.clock()
    world.save(
        started_at=now - timedelta(minutes=30),
        procedures=[
            SessionProcedure("1.001193", submitted),
            SessionProcedure("1.004222", submitted),
            SessionProcedure("1.014137", world.lookup("outcome", "not_submitted")),
        ],
    )
    world.save(started_at=now - timedelta(minutes=10))
    counts = world.sessions.counts()
    assert (counts.today, counts.submitted_today) == (2, 3)
    report = totals(load_sessions(world.store, now.date(), now.date()))
    assert (report.sessions, report.submitted) == (counts.today, counts.submitted_today)
