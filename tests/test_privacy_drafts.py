"""Personal-data retention purge (with its audit row), masking, and form drafts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from counter_app.services.audit import audit_trail
from counter_app.services.drafts import DraftService
from counter_app.services.privacy import mask, purge_personal_data
from tests.helpers.clock import TEST_NOW


def purge_due(store, clock) -> int:
    """The automatic purge as the window runs it (after sign-in), in one go."""
    from counter_app.services.housekeeping import Housekeeping

    return Housekeeping(store, clock=clock).purge_personal_data(None)


NOW = TEST_NOW


def test_purge_blanks_only_old_personal_fields(world):
    old = world.save(
        started_at=NOW - timedelta(days=40),
        backdated_reason="x",
        citizen_name="Nguyễn Văn Bình",
        citizen_phone="0912345678",
        citizen_id_number="079123456789",
    )
    recent = world.save(
        started_at=NOW - timedelta(days=2), backdated_reason="x", citizen_name="Trần Thị Cúc"
    )
    n = purge_personal_data(world.store, 30, actor_id=world.supervisor.id, clock=world.clock)
    assert n == 1
    o, r = world.sessions.get(old.uuid), world.sessions.get(recent.uuid)
    assert (o.citizen_name, o.citizen_phone, o.citizen_id_number) == ("", "", "")
    assert r.citizen_name == "Trần Thị Cúc"
    [entry] = audit_trail(world.store.db, "privacy", "session")
    assert entry.after["sessions"] == 1 and entry.officer_id == world.supervisor.id
    # nothing left: no second audit row
    assert purge_personal_data(world.store, 30, clock=world.clock) == 0
    assert len(audit_trail(world.store.db, "privacy", "session")) == 1


@pytest.mark.parametrize(
    "value, shown",
    [
        ("", ""),
        ("0912345678", "•••••••678"),
        ("An", "•••An"),
    ],
)
def test_mask(value, shown):
    assert mask(value) == shown


def test_draft_roundtrip_and_discard(memory_store):
    drafts = DraftService(memory_store, officer_id=1)
    assert drafts.load() is None
    drafts.save({"note": "Người dân lớn tuổi", "procedures": []})
    assert DraftService(memory_store, officer_id=1).load()["note"] == "Người dân lớn tuổi"
    drafts.discard()
    assert drafts.load() is None


def test_automatic_purge_scans_only_what_aged_since_the_last_run(world):
    old = world.save(
        started_at=NOW - timedelta(days=20), backdated_reason="x", citizen_name="Lý Văn Dũng"
    )
    # 180 days pass without the app starting (the service never stores a name on a
    # session already past the period, so the row ages in place)
    aged = (NOW - timedelta(days=200)).isoformat()
    world.store.db.execute("UPDATE session SET started_at = ? WHERE id = ?", [aged, old.id])
    assert purge_due(world.store, clock=world.clock) == 1  # first run: everything past 90 days
    assert world.sessions.get(old.uuid).citizen_name == ""
    # Data put back into an already-purged period is outside the incremental window...
    world.store.db.execute("UPDATE session SET citizen_name = 'x' WHERE id = ?", [old.id])
    assert purge_due(world.store, clock=world.clock) == 0
    # ...but the supervisor's "purge now" (a full scan) still catches it.
    assert purge_personal_data(world.store, 90, clock=world.clock) == 1


def test_drafts_are_kept_per_officer(memory_store):
    mine, theirs = (
        DraftService(memory_store, officer_id=1),
        DraftService(memory_store, officer_id=2),
    )
    mine.save({"note": "của tôi"})
    assert theirs.load() is None
    theirs.discard()
    assert mine.load() == {"note": "của tôi"}
    theirs.save({"note": "của đồng nghiệp"})
    assert mine.load() == {"note": "của tôi"}


def test_automatic_purge_also_blanks_personal_data_in_old_drafts(world):
    now = datetime(2026, 11, 23, 9, 0)
    old, recent = (DraftService(world.store, officer_id=i) for i in (1, 2))
    old.save(
        {
            "first_input_at": (now - timedelta(days=200)).isoformat(),
            "note": "dở",
            "citizen_name": "Nguyễn Văn A",
            "citizen_phone": "0912345678",
        }
    )
    recent.save(
        {"first_input_at": (now - timedelta(days=2)).isoformat(), "citizen_name": "Trần Thị B"}
    )
    purge_due(world.store, clock=lambda: now)
    assert old.load()["citizen_name"] == "" and old.load()["citizen_phone"] == ""
    assert old.load()["note"] == "dở"  # the rest of the draft stays
    assert recent.load()["citizen_name"] == "Trần Thị B"
