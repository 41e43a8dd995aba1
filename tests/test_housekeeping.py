"""The purge after sign-in in steps: found on a reader, blanked in short batches."""

from __future__ import annotations

from datetime import timedelta

from counter_app.services import housekeeping as hk_module
from counter_app.services import settings
from counter_app.services.audit import audit_trail
from counter_app.services.drafts import DraftService
from counter_app.services.housekeeping import Housekeeping


def _old_sessions(world, n: int, days: int = 40):
    """Sessions of ``days`` ago with a name and phone, then a retention of 30 days: the
    office shortened it, so they are due."""
    saved = [
        world.save(
            started_at=world.clock() - timedelta(days=days, minutes=i),
            backdated_reason="sổ giấy",
            citizen_name=f"Người {i}",
            citizen_phone="0912345678",
        )
        for i in range(n)
    ]
    settings.RETENTION_DAYS.set(world.store, 30)
    return saved


def test_found_on_a_reader_then_blanked_in_batches_each_audited(world, monkeypatch):
    monkeypatch.setattr(hk_module, "PURGE_BATCH", 4)
    old = _old_sessions(world, 10)
    recent = world.save(citizen_name="Hôm nay")  # within the retention period
    hk = Housekeeping(world.store, clock=world.clock)
    run = hk.purge_due()
    reader = world.store.reader()
    try:
        run.ids = hk.find_personal(reader, run)  # what the worker does
    finally:
        reader.close()
    assert len(run.ids) == 10
    steps = 0
    while hk.purge_step(run, world.supervisor.id):
        steps += 1
        # between two batches the cutoff is not moved yet: an interrupted run restarts
        assert settings.PURGED_BEFORE.get(world.store) == ""
    assert steps == 2 and run.purged == 10
    assert all(world.sessions.get(s.uuid).citizen_name == "" for s in old)
    assert world.sessions.get(recent.uuid).citizen_name == "Hôm nay"
    audit = audit_trail(world.store.db, "privacy", "session")
    assert [a.after["sessions"] for a in audit] == [4, 4, 2]
    assert settings.PURGED_BEFORE.get(world.store) == run.cutoff


def test_the_next_run_reads_only_what_aged_since(world):
    hk = Housekeeping(world.store, clock=world.clock)
    _old_sessions(world, 3)
    assert hk.purge_personal_data(world.supervisor.id) == 3
    run = hk.purge_due()
    assert run.since is not None and hk.find_personal(world.store, run) == []


def test_a_session_changed_since_the_scan_is_left_as_the_rule_says(world):
    hk = Housekeeping(world.store, clock=world.clock)
    (s,) = _old_sessions(world, 1)
    run = hk.purge_due()
    run.ids = hk.find_personal(world.store, run)
    world.store.db.execute("UPDATE session SET citizen_name = '', citizen_phone = ''")
    hk.purge_step(run, None)
    assert run.purged == 0 and audit_trail(world.store.db, "privacy", "session") == []


def test_old_drafts_lose_their_personal_data_at_the_end(world):
    drafts = DraftService(world.store, officer_id=world.officer.id)
    began = (world.clock() - timedelta(days=200)).isoformat()
    drafts.save({"first_input_at": began, "citizen_name": "Lê Văn C", "procedures": []})
    Housekeeping(world.store, clock=world.clock).purge_personal_data(None)
    assert drafts.load()["citizen_name"] == ""


def test_the_purge_after_sign_in_masks_numbers_typed_into_old_notes(world):
    """A session past the retention period with no name or phone, only "SĐT …" typed
    into its note: the window's batched purge masks it like the purge in Settings does;
    a recent note and a note without personal data are left as they are."""
    old = world.save(
        started_at=world.clock() - timedelta(days=40),
        backdated_reason="sổ giấy",
        note="Gọi lại SĐT 0987654321 khi có kết quả",
    )
    plain = world.save(
        started_at=world.clock() - timedelta(days=41),
        backdated_reason="sổ giấy",
        note="Nộp 2 bộ hồ sơ",
    )
    recent = world.save(note="SĐT 0912345678")
    settings.RETENTION_DAYS.set(world.store, 30)
    hk = Housekeeping(world.store, clock=world.clock)
    run = hk.purge_due()
    run.ids = hk.find_personal(world.store, run)
    while hk.purge_step(run, world.supervisor.id):
        pass
    assert "0987654321" not in world.sessions.get(old.uuid).note
    assert world.sessions.get(old.uuid).note.startswith("Gọi lại SĐT ")
    assert world.sessions.get(plain.uuid).note == "Nộp 2 bộ hồ sơ"
    assert world.sessions.get(recent.uuid).note == "SĐT 0912345678"
    (audit,) = audit_trail(world.store.db, "privacy", "session")
    assert audit.after["notes_masked"] == 1 and run.purged == 1
