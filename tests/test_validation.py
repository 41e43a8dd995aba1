"""Validation of sessions: the messages officers see, and normalisation of what is stored."""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta

import pytest

from counter_app.domain.models import SessionProcedure
from counter_app.domain.validation import ValidationError, normalise_session, validate_session

NOW = datetime(2026, 11, 23, 15, 0, 0)


def fields_of(errors):
    return sorted({e.field for e in errors})


@pytest.mark.parametrize(
    ("overrides", "bad_fields"),
    [
        ({}, []),
        ({"started_at": NOW + timedelta(hours=1)}, ["started_at"]),
        ({"started_at": NOW + timedelta(minutes=3)}, []),  # small clock skew tolerated
        ({"started_at": NOW - timedelta(days=2)}, ["backdated_reason"]),
        ({"started_at": NOW - timedelta(days=2), "backdated_reason": "Mất điện"}, []),
        ({"minutes": 0}, ["minutes"]),
        ({"minutes": 481}, ["minutes"]),
        ({"minutes": 480}, []),
        ({"minutes": 1}, []),
        ({"procedures": []}, ["procedures"]),
        ({"citizen_id_number": "0790912345"}, ["citizen_id_number"]),
        ({"citizen_id_number": "07909123456a"}, ["citizen_id_number"]),
        ({"citizen_id_number": "079091234567"}, []),
        ({"citizen_id_number": "079 091 234 567"}, []),
        ({"citizen_phone": "0912345678"}, []),
        ({"citizen_phone": "0912 345 678"}, []),
        ({"citizen_phone": "+84912345678"}, []),
        ({"citizen_phone": "02773851234"}, []),  # landline, province code 277
        ({"citizen_phone": "091234567"}, ["citizen_phone"]),
        ({"citizen_phone": "0112345678"}, ["citizen_phone"]),
        ({"citizen_phone": "abc"}, ["citizen_phone"]),
        ({"note": "x" * 1001}, ["note"]),
    ],
)
def test_validation_table(world, overrides, bad_fields):
    values = {"started_at": NOW - timedelta(minutes=30)} | overrides
    session = normalise_session(world.make(**values))
    assert fields_of(validate_session(session, now=NOW)) == bad_fields


def test_messages_are_vietnamese(world):
    session = normalise_session(world.make(minutes=0, procedures=[]))
    messages = [e.message for e in validate_session(session, now=NOW)]
    assert "Thời lượng phải là số phút nguyên từ 1 đến 480." in messages
    assert "Hãy chọn ít nhất một thủ tục." in messages


def test_duplicate_procedure_rejected(world):
    sp = SessionProcedure("1.001193", world.lookup("outcome", "submitted"))
    session = normalise_session(world.make(procedures=[sp, sp]))
    assert fields_of(validate_session(session, now=world.clock())) == ["procedures"]


def test_nfd_input_is_stored_nfc_and_d_kept(world):
    nfd_note = unicodedata.normalize("NFD", "  Đã hướng dẫn đăng ký khai sinh  ")
    saved = world.save(note=nfd_note, citizen_name=unicodedata.normalize("NFD", "Đỗ Thị Ðào"))
    stored = world.sessions.get(saved.uuid)
    assert stored.note == "Đã hướng dẫn đăng ký khai sinh"
    assert unicodedata.is_normalized("NFC", stored.note)
    assert stored.note.startswith("Đ")  # đ/Đ kept, not folded to d
    assert unicodedata.is_normalized("NFC", stored.citizen_name)


def test_invalid_session_changes_nothing(world):
    before = world.sessions.count(world_filter())
    with pytest.raises(ValidationError) as info:
        world.save(minutes=9999)
    assert "480" in str(info.value)
    assert world.sessions.count(world_filter()) == before


def test_unknown_procedure_rejected(world):
    with pytest.raises(ValidationError) as info:
        world.save(procedures=[SessionProcedure("9.999999", None)])
    assert "9.999999" in str(info.value)


def world_filter():
    from counter_app.domain.models import SessionFilter

    return SessionFilter(include_voided=True)


def test_time_zoned_start_is_stored_as_local_wall_clock_time(world):
    from datetime import timezone

    local = world.clock() - timedelta(minutes=30)
    aware = local.astimezone(timezone(timedelta(hours=-5)))  # same instant, other zone
    saved = world.save(started_at=aware)
    stored = world.sessions.get(saved.uuid).started_at
    assert stored.tzinfo is None and stored == local
