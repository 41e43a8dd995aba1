"""The new-session form's logic, headless: a mocked view and the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest.mock import MagicMock

import pytest

from counter_app.domain.models import SessionFilter
from counter_app.presenters.session_form import SessionFormPresenter, SessionFormView
from counter_app.services.drafts import DraftService
from tests.helpers.clock import FrozenClock
from tests.helpers.fake_app import FakeApp

NOW = datetime(2026, 11, 18, 9, 0, 0)


@pytest.fixture
def clock():
    """This module's "now": a Wednesday morning of the report tests' week."""
    return FrozenClock(NOW)


@pytest.fixture
def app(world):
    app = FakeApp(world.store, world.officer, world.counter1, clock=world.clock)
    world.store.db.execute(
        "UPDATE procedure SET favourite = 1 WHERE code IN ('1.001193', '1.004222')"
    )
    return app


@pytest.fixture
def form(app, clock):
    view = MagicMock(spec=SessionFormView)
    presenter = SessionFormPresenter(view, app, clock=clock)
    presenter.start()
    return presenter


def test_common_case_favourite_default_outcome_and_save(form, world, app, clock):
    assert form.add_favourite(1)
    form.toggle_help(4)
    clock.advance(minutes=7, seconds=10)
    saved = form.save(keep=True)
    assert saved is not None
    stored = world.sessions.get(saved.uuid)
    assert [p.procedure_code for p in stored.procedures] == [form.choices.favourites[0].code]
    assert stored.procedures[0].outcome_id == world.lookup("outcome", "submitted")
    assert stored.help_type_ids == [world.lookup("help_type", "eform")]
    assert stored.minutes == 7  # timer from the first input, to the nearest minute
    assert stored.ended_at <= stored.created_at  # it ended by the time it was saved
    assert stored.started_at == NOW
    assert stored.officer_id == world.officer.id and stored.counter_id == world.counter1.id
    app.toast.assert_called_once()
    app.sessions_changed.assert_called_once()
    form.view.focus_procedure_box.assert_called()


def test_save_and_keep_keeps_channel_portal_help(form, world):
    form.add_procedure("1.001193")
    form.set_field("channel_id", world.lookup("channel", "phone_zalo"))
    form.set_field("portal_id", world.lookup("portal", "vneid"))
    form.toggle_help(2)
    form.set_field("note", "Ghi chú")
    assert form.save(keep=True)
    assert form.state.procedures == []
    assert form.state.note == ""
    assert form.state.channel_id == world.lookup("channel", "phone_zalo")
    assert form.state.portal_id == world.lookup("portal", "vneid")
    assert form.state.help_type_ids == [world.lookup("help_type", "vneid_level2")]
    assert form.state.first_input_at is None  # the timer restarts with the next citizen


def test_save_and_clear_resets_to_defaults(form, world):
    form.add_procedure("1.001193")
    form.set_field("channel_id", world.lookup("channel", "phone_zalo"))
    form.toggle_help(2)
    assert form.save(keep=False)
    assert form.state.channel_id == world.lookup("channel", "counter")
    assert form.state.help_type_ids == []


def test_search_then_enter_adds_first_hit(form):
    form.search("khai sinh")
    hits = form.view.show_hits.call_args.args[0]
    assert hits and "khai sinh" in hits[0].name.lower()
    assert form.add_hit(0)
    assert form.state.procedures[0].code == hits[0].code
    form.view.show_hits.assert_called_with([])


def test_adding_the_same_procedure_twice_is_ignored(form):
    assert form.add_procedure("1.001193")
    assert not form.add_procedure("1.001193")
    assert len(form.state.procedures) == 1


def test_several_procedures_each_with_outcome_and_barriers(form, world):
    form.add_procedure("1.001193")
    form.add_procedure("1.004222")
    not_submitted = world.lookup("outcome", "not_submitted")
    form.set_outcome(1, not_submitted)
    form.toggle_barrier(1, world.lookup("barrier", "missing_documents"))
    form.toggle_barrier(1, world.lookup("barrier", "password_otp"))
    form.set_dossier(0, "H12.34-261118-0001")
    saved = form.save()
    stored = world.sessions.get(saved.uuid)
    assert stored.procedures[0].dossier_code == "H12.34-261118-0001"
    assert stored.procedures[1].outcome_id == not_submitted
    assert sorted(stored.procedures[1].barrier_ids) == sorted(
        [world.lookup("barrier", "missing_documents"), world.lookup("barrier", "password_otp")]
    )


def test_barriers_are_dropped_when_the_outcome_is_submitted(form, world):
    form.add_procedure("1.001193")
    form.set_outcome(0, world.lookup("outcome", "not_submitted"))
    form.toggle_barrier(0, world.lookup("barrier", "system_error"))
    form.set_outcome(0, world.lookup("outcome", "submitted"))
    stored = world.sessions.get(form.save().uuid)
    assert stored.procedures[0].barrier_ids == []


def test_missing_procedure_shows_error_and_keeps_form(form, world):
    form.set_field("note", "chưa chọn")
    assert form.save() is None
    errors = form.view.show_errors.call_args.args[0]
    assert any(e.field == "procedures" for e in errors)
    assert form.state.note == "chưa chọn"
    assert world.sessions.count(SessionFilter()) == 0


def test_typed_duration_overrides_the_timer(form, world, clock):
    form.add_procedure("1.001193")
    clock.advance(minutes=3)
    form.set_field("minutes_text", "25")
    assert world.sessions.get(form.save().uuid).minutes == 25


def test_bad_duration_text_is_a_field_error(form):
    form.add_procedure("1.001193")
    form.set_field("minutes_text", "mười")
    assert form.save() is None
    assert form.view.show_errors.call_args.args[0][0].field == "minutes"


def test_backdating_needs_a_reason(form, world):
    form.add_procedure("1.001193")
    form.set_field("started_text", "16/11/2026 14:30")
    assert form.save() is None
    assert any(e.field == "backdated_reason" for e in form.view.show_errors.call_args.args[0])
    form.set_field("backdated_reason", "Mất điện, nhập bù")
    saved = form.save()
    assert saved.started_at == datetime(2026, 11, 16, 14, 30)
    assert world.sessions.get(saved.uuid).backdated_reason == "Mất điện, nhập bù"


def test_bundle_adds_its_procedures(form, world):
    from counter_app.catalog.bundles import Bundle

    form.choices = form.choices.__class__(
        **{
            **form.choices.__dict__,
            "bundles": [Bundle(1, "Khai sinh – thường trú", ["1.001193", "1.004222"])],
        }
    )
    assert form.add_bundle(1)
    assert [p.code for p in form.state.procedures] == ["1.001193", "1.004222"]


def test_draft_saved_and_offered_back(app, world, clock):
    view = MagicMock(spec=SessionFormView)
    first = SessionFormPresenter(view, app, clock=clock)
    first.start()
    first.add_procedure("1.001193")
    first.set_field("note", "đang nhập dở")
    first.save_draft()
    second = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    second.start()
    assert second.offer_draft()
    assert second.state.note == "đang nhập dở"
    assert [p.code for p in second.state.procedures] == ["1.001193"]
    assert second.save() is not None
    assert DraftService(world.store, officer_id=world.officer.id).load() is None


def test_declined_draft_is_discarded(app, world, clock):
    form = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    form.start()
    form.set_field("note", "x")
    form.save_draft()
    app.confirm.return_value = False
    other = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    other.start()
    assert not other.offer_draft()
    assert DraftService(world.store, officer_id=world.officer.id).load() is None


def test_untouched_form_leaves_no_draft(form, world):
    form.save_draft()
    assert DraftService(world.store, officer_id=world.officer.id).load() is None


def test_edit_writes_audit_and_restores_the_draft(form, world, app, clock):
    stored = world.save(started_at=NOW - timedelta(hours=1), note="cũ", backdated_reason="test")
    form.set_field("note", "lượt mới đang nhập")
    form.load_session(stored.uuid)
    assert form.state.editing_uuid == stored.uuid
    assert form.state.note == "cũ"
    form.set_field("note", "đã sửa")
    form.set_field("edit_reason", "ghi nhầm")
    assert form.save() is not None
    after = world.sessions.get(stored.uuid)
    assert after.note == "đã sửa"
    trail = world.sessions.audit(stored.uuid)
    assert trail[-1].action == "update" and trail[-1].reason == "ghi nhầm"
    assert form.state.note == "lượt mới đang nhập"  # the interrupted entry is back
    app.edit_done.assert_called_once()


def test_storage_error_goes_to_show_error(form, app, monkeypatch):
    from counter_app.storage.errors import DiskFullError

    form.add_procedure("1.001193")
    monkeypatch.setattr(form.sessions, "create", MagicMock(side_effect=DiskFullError()))
    assert form.save() is None
    app.show_error.assert_called_once()
    assert form.state.procedures  # nothing lost


def test_personal_fields_ignored_unless_enabled(form, world):
    form.add_procedure("1.001193")
    form.set_field("citizen_name", "Nguyễn Văn A")
    assert world.sessions.get(form.save().uuid).citizen_name == ""


def test_reopening_the_session_being_corrected_keeps_the_changes(form, world, app):
    stored = world.save(note="cũ")
    form.load_session(stored.uuid)
    form.set_field("note", "đang sửa")
    assert form.has_unsaved_edit()
    assert form.load_session(stored.uuid)  # Enter on the same row in History again
    assert form.state.note == "đang sửa"
    app.confirm.assert_not_called()


def test_another_session_replaces_an_unsaved_correction_only_when_agreed(form, world, app):
    first, second = world.save(note="một"), world.save(note="hai")
    form.load_session(first.uuid)
    form.set_field("note", "một đã sửa")
    app.confirm.return_value = False
    assert not form.load_session(second.uuid)
    assert form.state.editing_uuid == first.uuid and form.state.note == "một đã sửa"
    app.confirm.return_value = True
    assert form.load_session(second.uuid)
    assert form.state.editing_uuid == second.uuid and form.state.note == "hai"
    assert not form.has_unsaved_edit()  # opened, nothing changed yet


def test_a_colleague_is_not_offered_my_draft(app, world, clock):
    mine = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    mine.start()
    mine.add_procedure("1.001193")
    mine.save_draft()
    app.current_officer = world.officer2  # "Change user"
    theirs = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    theirs.start()
    assert not theirs.offer_draft()
    app.confirm.assert_not_called()
    app.current_officer = world.officer
    again = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    again.start()
    assert again.offer_draft()
    assert [p.code for p in again.state.procedures] == ["1.001193"]


def test_correcting_an_older_session_keeps_its_start_to_the_second(form, world, app, clock):
    s = world.save()  # entered on its day; the form times it to the second
    start = (NOW - timedelta(days=2)).replace(second=37)
    world.store.db.execute(
        "UPDATE session SET started_at = ? WHERE uuid = ?", [start.isoformat(), s.uuid]
    )
    form.load_session(s.uuid)
    form.set_field("note", "sửa ghi chú")
    assert form.save() is not None  # no late-entry reason asked: the start was not touched
    after = world.sessions.get(s.uuid)
    assert after.started_at == start and after.note == "sửa ghi chú"
    entry = world.sessions.audit(s.uuid)[-1]
    assert entry.before["started_at"] == entry.after["started_at"]


def test_a_failing_draft_cleanup_after_a_save_still_clears_the_form(form, world, monkeypatch):
    from counter_app.storage.errors import DatabaseBusyError

    form.add_procedure("1.001193")
    monkeypatch.setattr(form.drafts, "discard", MagicMock(side_effect=DatabaseBusyError()))
    assert form.save() is not None
    assert form.state.procedures == []  # a second Ctrl+Enter cannot store it twice
    assert world.sessions.count(SessionFilter()) == 1


def test_a_search_typed_and_cleared_is_not_a_half_entered_session(form, world):
    form.search("khai sinh")
    form.search("")  # Esc
    assert not form.has_input()
    form.save_draft()
    assert DraftService(world.store, officer_id=world.officer.id).load() is None
    form.add_procedure("1.001193")
    assert form.has_input()
    form.remove_procedure(0)
    form.set_field("note", "hẹn quay lại")
    assert form.has_input()


def test_retired_defaults_are_not_put_into_new_sessions(app, world, clock):
    from counter_app.services import settings
    from counter_app.services.lookups import LookupService

    zalo = world.lookup("channel", "phone_zalo")
    helps = LookupService(world.store).values("help_type")
    settings.FORM_DEFAULTS.set(
        world.store,
        {"channel_id": zalo, "portal_id": None, "help_type_ids": [helps[0].id, helps[1].id]},
    )
    LookupService(world.store).set_active(zalo, False)
    LookupService(world.store).set_active(helps[0].id, False)
    form = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    form.start()
    assert form.state.channel_id == world.lookup("channel", "counter")
    assert form.state.help_type_ids == [helps[1].id]
    form.add_procedure("1.001193")
    saved = form.save()
    assert world.sessions.get(saved.uuid).help_type_ids == [helps[1].id]


# -- issue 13 ------------------------------------------------------------------------------


def _drafted(world) -> dict | None:
    return DraftService(world.store, officer_id=world.officer.id).load()


def test_typing_in_the_procedure_box_does_not_start_the_timer(form, clock):
    """The timer waited for nothing: a word typed while the citizen sat down, then Esc,
    made an empty form show "tự tính: 2 phút"."""
    form.search("khai")
    clock.advance(minutes=2)
    form.search("")
    form.escape()
    assert form.state.first_input_at is None and form.elapsed_minutes() is None
    form.add_procedure("1.001193")  # the session starts here
    assert form.state.first_input_at == clock().replace(microsecond=0).isoformat()


def test_another_field_set_starts_the_timer_too(form, world, clock):
    form.set_field("channel_id", world.lookup("channel", "phone_zalo"))
    assert form.state.first_input_at == clock().isoformat()


def test_esc_on_a_form_with_nothing_else_resets_the_timer(form, world, clock):
    form.toggle_help(2)
    form.toggle_help(2)  # on and off again: nothing entered
    clock.advance(minutes=3)
    form.escape()
    assert form.state.first_input_at is None
    form.add_procedure("1.001193")
    clock.advance(minutes=1)
    form.escape()  # a procedure is there: Esc only empties the procedure box
    assert form.state.first_input_at is not None and form.elapsed_minutes() == 1


def test_clearing_the_form_resets_the_timer(form, clock):
    form.add_procedure("1.001193")
    clock.advance(minutes=4)
    form.clear()
    assert form.state.first_input_at is None and form.elapsed_minutes() is None


def test_a_session_of_seconds_is_stored_as_one_minute_ending_at_the_save(form, world, clock):
    """The stored end (start + minutes) is never later than the save."""
    form.add_procedure("1.001193")
    clock.advance(seconds=0.1)
    saved = world.sessions.get(form.save().uuid)
    assert saved.minutes == 1
    assert saved.ended_at <= saved.created_at
    assert saved.created_at - saved.ended_at < timedelta(seconds=1)


def test_minutes_typed_longer_than_the_timer_end_at_the_save(form, world, clock):
    form.add_procedure("1.001193")
    clock.advance(minutes=3)
    form.set_field("minutes_text", "25")  # the officer knows it took longer
    saved = world.sessions.get(form.save().uuid)
    assert saved.minutes == 25 and saved.ended_at == saved.created_at


def test_a_timed_session_keeps_its_first_input_as_start(form, world, clock):
    start = clock().replace(microsecond=0)
    form.add_procedure("1.001193")
    clock.advance(minutes=6, seconds=20)
    saved = world.sessions.get(form.save().uuid)
    assert (saved.started_at, saved.minutes) == (start, 6)


def test_a_suggestion_is_never_added_unseen(form, world):
    """ "khai sihn" (a typo) offers "đăng ký khai sinh" as a suggestion: Ctrl+Enter and
    Enter refuse it; chosen in the list it is added."""
    form.search("khai sihn")
    assert form.hits and form.hits[0].tentative
    assert form.save(pending="khai sihn") is None
    assert form.state.procedures == []
    assert world.sessions.count(SessionFilter()) == 0
    assert "↓" in form.view.show_errors.call_args.args[0][0].message
    assert not form.add_hit(0)  # Enter in the box
    suggested = form.hits[0].code
    assert form.add_hit(0, chosen=True)  # ↓ then Enter
    assert [p.code for p in form.state.procedures] == [suggested]


def test_a_sure_hit_is_still_added_by_ctrl_enter(form, world):
    form.search("khai sinh")
    saved = form.save(pending="khai sinh")
    assert [p.procedure_code for p in world.sessions.get(saved.uuid).procedures] == ["1.001193"]


def test_the_message_about_the_box_goes_when_the_box_changes(form):
    form.search("zzqxw")
    assert form.save(pending="zzqxw") is None
    form.view.show_errors.reset_mock()
    form.search("")
    form.view.show_errors.assert_called_once_with([])


def test_every_problem_shows_at_once_and_each_goes_when_fixed(form, world):
    form.add_procedure("1.001193")
    form.set_outcome(0, None)
    form.set_field("minutes_text", "mười")
    assert form.save() is None
    shown = form.view.show_errors.call_args.args[0]
    assert {e.field for e in shown} >= {"minutes", "procedures"}
    form.set_field("minutes_text", "10")  # fixed: that message goes, the other stays
    shown = form.view.show_errors.call_args.args[0]
    assert [e.field for e in shown] == ["procedures"]
    form.set_outcome(0, world.lookup("outcome", "submitted"))
    form.view.show_errors.assert_called_with([])


def test_an_empty_favourite_slot_says_so(app, world, clock):
    world.store.db.execute("UPDATE procedure SET favourite = 0")
    form = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    form.start()
    assert not form.add_favourite(1)
    assert "Alt+1" in app.toasts[-1] and "F5" in app.toasts[-1]


def test_a_procedure_or_a_choice_is_in_the_draft_at_once(form, world):
    form.add_procedure("1.001193")
    assert [p["code"] for p in _drafted(world)["procedures"]] == ["1.001193"]
    form.view.schedule_draft_save.assert_not_called()
    form.set_field("channel_id", world.lookup("channel", "phone_zalo"))
    assert _drafted(world)["channel_id"] == world.lookup("channel", "phone_zalo")
    form.toggle_help(3)
    assert world.lookup("help_type", "scan_documents") in _drafted(world)["help_type_ids"]
    form.set_outcome(0, world.lookup("outcome", "not_submitted"))
    assert _drafted(world)["procedures"][0]["outcome_id"] == world.lookup(
        "outcome", "not_submitted"
    )


def test_typed_text_goes_to_the_draft_through_the_views_timer(form, world):
    form.add_procedure("1.001193")
    form.set_field("note", "đang gõ")
    form.view.schedule_draft_save.assert_called()
    assert _drafted(world)["note"] == ""  # not yet: within two seconds


def test_the_counters_use_is_counted_after_a_save_without_a_new_read(form, world, app):
    """Issue 15: the catalogue's recent-use counts follow each save incrementally."""
    engine = form.search_engine
    form.search("tam tru")
    reads = []
    engine.runner = lambda job, done, key=None: reads.append(job)
    for _ in range(2):
        form.add_procedure("1.004194")
        form.save()
    form.search("tam tru")
    assert form.hits[0].code == "1.004194"
    assert reads == []


def test_many_alike_sessions_from_the_form(form, world, app):
    """Issue 13 (9): the form's content N times, lưu động offered, the citizen's own
    details left out; the form then keeps channel, portal and help for the next one."""
    from counter_app.services.batches import BatchService

    settings_module = __import__("counter_app.services.settings", fromlist=["x"])
    settings_module.PERSONAL_FIELDS.set(world.store, True)
    form.load_choices()
    form.add_procedure("3.000228")
    form.toggle_help(2)
    form.set_field("elderly", "yes")
    form.set_field("citizen_name", "Nguyễn Văn A")
    opened = form.batch_form()
    assert opened.channel_id == world.lookup("channel", "mobile_team")
    assert any("3.000228" in line or "định danh" in line for line in opened.summary)
    assert form.save_batch("0", opened.channel_id, "5") is None
    assert "200" in form.batch_errors[0].message
    assert form.save_batch("30", opened.channel_id, "") is None  # minutes are asked for
    assert world.sessions.count(SessionFilter()) == 0
    batch = form.save_batch("30", opened.channel_id, "5")
    assert batch.size == 30 and world.sessions.count(SessionFilter()) == 30
    rows = BatchService(world.store).rows(batch.uuid)
    s = world.sessions.get(rows[0].uuid)
    assert (s.citizen_name, s.elderly.value, s.minutes) == ("", "yes", 5)
    assert s.help_type_ids == [world.lookup("help_type", "vneid_level2")]
    assert form.state.procedures == [] and form.state.channel_id == opened.channel_id
    assert "30" in app.toasts[-1]
    app.sessions_changed.assert_called()


def test_no_tally_without_a_procedure_or_during_a_correction(form, world):
    assert form.batch_form() is None
    s = world.save()
    form.load_session(s.uuid)
    assert form.batch_form() is None


def test_a_quick_session_just_after_midnight_is_not_moved_into_yesterday(app, world):
    """Moving the start back to end at the save must not make it yesterday's session
    (that would ask for a late-entry reason at 00:00)."""
    clock = FrozenClock(datetime(2026, 11, 19, 0, 0, 10))
    form = SessionFormPresenter(MagicMock(spec=SessionFormView), app, clock=clock)
    form.start()
    form.add_procedure("1.001193")
    clock.advance(seconds=10)
    saved = form.save()
    assert saved is not None
    assert world.sessions.get(saved.uuid).started_at == datetime(2026, 11, 19, 0, 0, 0)
