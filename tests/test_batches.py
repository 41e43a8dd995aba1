""" "Ghi nhiều lượt": N real sessions in one action, found and voided together."""

from __future__ import annotations

from dataclasses import replace

import pytest

from counter_app.domain.models import SessionFilter, SessionProcedure
from counter_app.domain.validation import ValidationError
from counter_app.services.batches import ACTION, MAX_BATCH, BatchService


@pytest.fixture
def batches(world):
    return BatchService(world.store, clock=world.clock)


def _template(world, **overrides):
    outcome = world.lookup("outcome", "submitted")
    values = dict(
        procedures=[SessionProcedure("3.000228", outcome, [], "HS-001")],
        channel_id=world.lookup("channel", "mobile_team"),
        citizen_name="Nguyễn Văn A",
        citizen_phone="0912345678",
        note="Chợ phiên sáng thứ Năm",
        minutes=4,
    )
    values.update(overrides)
    return world.make(**values)


def test_n_real_sessions_each_with_its_uuid_and_audit(world, batches):
    batch = batches.record(_template(world), 25, actor_id=world.officer.id)
    assert (batch.size, batch.active) == (25, 25)
    assert world.sessions.count(SessionFilter()) == 25
    rows = batches.rows(batch.uuid)
    assert len({r.uuid for r in rows}) == 25
    for row in rows:
        s = world.sessions.get(row.uuid)
        assert [p.procedure_code for p in s.procedures] == ["3.000228"]
        assert s.channel_id == world.lookup("channel", "mobile_team")
        assert s.minutes == 4 and s.note == "Chợ phiên sáng thứ Năm"
        # one citizen's details are never copied into a tally
        assert (s.citizen_name, s.citizen_phone, s.procedures[0].dossier_code) == ("", "", "")
        trail = world.sessions.audit(row.uuid)
        assert [a.action for a in trail] == [ACTION]
        assert trail[0].after["batch"] == batch.uuid and trail[0].after["batch_size"] == 25
    assert batches.of_session(rows[3].uuid).uuid == batch.uuid
    assert batches.membership([rows[0].uuid, "nope"]) == {rows[0].uuid: (batch.uuid, 25)}


@pytest.mark.parametrize("n", [0, -3, MAX_BATCH + 1, 2.5])
def test_a_size_outside_1_to_200_is_refused_and_nothing_is_written(world, batches, n):
    with pytest.raises(ValidationError) as info:
        batches.record(_template(world), n)
    assert "200" in str(info.value)
    assert world.sessions.count(SessionFilter(include_voided=True)) == 0
    assert batches.recent() == []


def test_an_invalid_template_writes_nothing(world, batches):
    with pytest.raises(ValidationError):
        batches.record(_template(world, procedures=[]), 10)
    assert world.sessions.count(SessionFilter(include_voided=True)) == 0


def test_all_or_nothing(world, batches, monkeypatch):
    """A failure at the 7th session leaves no batch and no session behind."""
    real = batches.sessions.insert_checked
    calls = []

    def failing(s, actor_id, batch_id=None):
        calls.append(1)
        if len(calls) == 7:
            raise RuntimeError("disk gone")
        return real(s, actor_id, batch_id=batch_id)

    monkeypatch.setattr(batches.sessions, "insert_checked", failing)
    with pytest.raises(RuntimeError):
        batches.record(_template(world), 12)
    assert world.store.db.execute("SELECT count(*) FROM session").fetchone()[0] == 0
    assert world.store.db.execute("SELECT count(*) FROM session_batch").fetchone()[0] == 0


def test_the_batch_is_voided_together_with_an_audit_row_each(world, batches):
    batch = batches.record(_template(world), 5, actor_id=world.officer.id)
    lone = world.save()
    one = batches.rows(batch.uuid)[0].uuid
    world.sessions.void(one, world.supervisor.id, "Nhập nhầm")
    assert batches.void(batch.uuid, world.supervisor.id, "Cả nhóm ghi trùng") == 4
    assert world.sessions.count(SessionFilter()) == 1  # the session entered alone
    assert not world.sessions.get(lone.uuid).voided
    for row in batches.rows(batch.uuid):
        assert row.voided
        assert world.sessions.audit(row.uuid)[-1].action == "void"
    assert batches.get(batch.uuid).active == 0
    with pytest.raises(ValidationError):
        batches.void(batch.uuid, world.supervisor.id, "lại")


def test_voiding_a_batch_needs_a_reason(world, batches):
    batch = batches.record(_template(world), 3)
    with pytest.raises(ValidationError):
        batches.void(batch.uuid, world.supervisor.id, "  ")
    assert batches.get(batch.uuid).active == 3


def test_recent_batches_newest_first_per_counter(world, batches):
    first = batches.record(_template(world), 2)
    other = batches.record(replace(_template(world), counter_id=world.counter2.id), 3)
    second = batches.record(_template(world), 4)
    assert [b.uuid for b in batches.recent(world.counter1.id)] == [second.uuid, first.uuid]
    assert [b.uuid for b in batches.recent()] == [second.uuid, other.uuid, first.uuid]
    assert batches.recent(world.counter1.id)[0].procedures == "3.000228"
