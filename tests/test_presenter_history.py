"""History logic headless: filters and paging in SQL, void, audit trail, end of day."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import MagicMock

import pytest

from counter_app.domain.models import SessionProcedure, TriState
from counter_app.presenters.history import HistoryFilter, HistoryPresenter, HistoryView
from tests.helpers.clock import TEST_NOW

# Early in the test day: "today + 10 minutes" is still before the clock's now.
TODAY = TEST_NOW.replace(hour=0, minute=40, second=0, microsecond=0)


@pytest.fixture
def app(supervisor_app):
    return supervisor_app


@pytest.fixture
def history(app, clock):
    view = MagicMock(spec=HistoryView)
    presenter = HistoryPresenter(view, app, clock=clock, page_size=10)
    return presenter


def fill(world, n: int, **overrides):
    for i in range(n):
        world.save(
            started_at=TODAY - timedelta(days=i // 5, minutes=i),
            backdated_reason="demo",
            **overrides,
        )


def test_pages_are_read_in_sql(history, world):
    fill(world, 23)
    history.start()
    info = history.view.show_page.call_args.args[0]
    assert (info.page, info.pages, info.total) == (1, 3, 23)
    assert len(history.view.show_rows.call_args.args[0]) == 10
    history.next_page()
    history.next_page()
    assert len(history.view.show_rows.call_args.args[0]) == 3
    history.next_page()  # no page 4
    assert history.view.show_page.call_args.args[0].page == 3
    history.prev_page()
    assert history.view.show_page.call_args.args[0].page == 2
    history.first_page()
    assert history.page == 0
    history.last_page()
    assert history.page == 2


@pytest.mark.parametrize(
    "flt, expected",
    [
        (HistoryFilter(), 8),
        (HistoryFilter(date_from=TODAY.date(), date_to=TODAY.date()), 7),
        (HistoryFilter(date_to=TODAY.date() - timedelta(days=1)), 1),
        (HistoryFilter(procedure_code="1.004222"), 2),
        (HistoryFilter(text="giấy tờ"), 1),
    ],
)
def test_filters(history, world, flt, expected):
    fill(world, 6)
    world.save(
        started_at=TODAY,
        procedures=[SessionProcedure("1.004222", world.lookup("outcome", "not_submitted"))],
    )
    world.save(
        started_at=TODAY - timedelta(minutes=30),
        note="Thiếu giấy tờ",
        procedures=[SessionProcedure("1.004222", world.lookup("outcome", "submitted"))],
    )
    history.start()
    history.apply_filter(flt)
    assert history.total == expected


def test_filter_by_officer_and_outcome(history, world):
    world.save(started_at=TODAY)
    world.save(
        started_at=TODAY,
        officer_id=world.officer2.id,
        procedures=[SessionProcedure("1.001193", world.lookup("outcome", "not_submitted"))],
    )
    history.start()
    history.apply_filter(HistoryFilter(officer_id=world.officer2.id))
    assert history.total == 1
    history.apply_filter(HistoryFilter(outcome_id=world.lookup("outcome", "submitted")))
    assert history.total == 1


def test_void_asks_a_reason_and_writes_audit(history, world, app):
    s = world.save(started_at=TODAY)
    history.start()
    app.ask_string.return_value = "Nhập trùng"
    assert history.void(s.uuid)
    assert world.sessions.get(s.uuid).voided
    assert world.sessions.audit(s.uuid)[-1].reason == "Nhập trùng"
    app.sessions_changed.assert_called_once()
    history.refresh()
    assert history.total == 0
    history.apply_filter(HistoryFilter(include_voided=True))
    assert history.total == 1


@pytest.mark.parametrize("answer", [None, "   "])
def test_void_without_reason_changes_nothing(history, world, app, answer):
    s = world.save(started_at=TODAY)
    app.ask_string.return_value = answer
    assert not history.void(s.uuid)
    assert not world.sessions.get(s.uuid).voided


def test_audit_lines_show_the_change(history, world):
    s = world.save(started_at=TODAY, note="trước")
    changed = world.make(started_at=TODAY, note="sau")
    world.sessions.update(s.uuid, changed, actor_id=world.supervisor.id, reason="sửa chính tả")
    lines = history.audit_lines(s.uuid)
    text = "\n".join(lines)
    assert "sửa chính tả" in text
    assert "Ghi chú: trước → sau" in text  # the form's label, not the field name
    assert world.supervisor.name in text


def test_open_goes_through_the_app(history, world, app):
    s = world.save(started_at=TODAY)
    history.open(s.uuid)
    app.edit_session.assert_called_once_with(s.uuid)


def test_end_of_day_flags_long_sessions_and_missing_outcomes(history, world):
    long = world.save(started_at=TODAY, minutes=75)
    missing = world.save(
        started_at=TODAY + timedelta(minutes=5), procedures=[SessionProcedure("1.001193", None)]
    )
    world.save(started_at=TODAY + timedelta(minutes=10))
    flagged = history.end_of_day(TODAY.date())
    assert [f.uuid for f in flagged] == [long.uuid, missing.uuid]
    assert flagged[0].problems == ["quá 60 phút"]
    assert flagged[1].problems == ["thiếu kết quả"]
    history.view.show_flagged.assert_called_once_with(flagged)


def test_first_page_shows_before_the_count_and_stale_counts_are_ignored(app, world, clock):
    fill(world, 23)
    app.defer_jobs = True  # the counts stay pending until the test finishes them
    view = MagicMock(spec=HistoryView)
    history = HistoryPresenter(view, app, clock=clock, page_size=10)
    history.start()
    app.finish_jobs("history-page")
    assert len(view.show_rows.call_args.args[0]) == 10
    assert view.show_page.call_args.args[0].total is None  # "counting…"
    history.next_page()  # allowed: the page was full
    app.finish_jobs("history-page")
    assert history.page == 1
    history.last_page()  # unknown yet: stays
    assert history.page == 1
    history.apply_filter(HistoryFilter(procedure_code="1.001193"))
    app.finish_jobs("history-page")
    (_, first_done, _, first_key), (_, second_done, _, second_key) = app.pending_jobs
    assert first_key == second_key  # the newer count supersedes the older in the app
    first_done(23, None)  # the count of the previous filter arrives late: ignored
    assert history.total is None
    second_done(23, None)
    assert view.show_page.call_args.args[0].pages == 3


def test_back_half_pages_read_from_the_other_end_give_the_same_rows(history, world):
    from counter_app.domain.models import SessionFilter

    fill(world, 47)
    history.start()
    expected = [r.uuid for r in world.sessions.list(SessionFilter(), limit=100)]
    seen = []
    for _ in range(5):
        seen += [r.uuid for r in history.view.show_rows.call_args.args[0]]
        history.next_page()
    assert seen == expected
    history.last_page()
    assert [r.uuid for r in history.view.show_rows.call_args.args[0]] == expected[40:]


# -- issue 13: words and labels an officer understands -----------------------------------


def test_the_audit_window_speaks_the_forms_words(history, world):
    """`elderly: unknown → yes` read as "Người cao tuổi: Không rõ → Có"; ids as names."""
    s = world.save(started_at=TODAY)
    changed = world.make(
        started_at=TODAY,
        elderly=TriState.YES,
        channel_id=world.lookup("channel", "mobile_team"),
        procedures=[SessionProcedure("1.001193", world.lookup("outcome", "not_submitted"))],
    )
    world.sessions.update(s.uuid, changed, actor_id=world.supervisor.id, reason="bổ sung")
    text = "\n".join(history.audit_lines(s.uuid))
    assert "Người cao tuổi: Không rõ → Có" in text
    assert "Hình thức: Tại quầy → Lưu động tại cơ sở" in text
    assert "1.001193 Đăng ký khai sinh (Nộp trực tuyến thành công) → " in text
    assert "(Chưa nộp được)" in text
    for english in ("elderly", "unknown", "channel_id", "procedure_code", "outcome_id", "yes"):
        assert english not in text, english


def test_the_void_question_says_which_session(history, world, app):
    s = world.save(started_at=TODAY)
    app.ask_answer = "nhập trùng"
    assert history.void(s.uuid)
    question = app.questions[-1]
    assert "00:40 26/11/2026" in question and "Đăng ký khai sinh" in question


def test_history_rows_show_short_names_beside_codes_and_batch_marks(history, world):
    from counter_app.services.batches import BatchService

    world.save(
        started_at=TODAY,
        procedures=[SessionProcedure("1.004222", world.lookup("outcome", "submitted"))],
    )
    BatchService(world.store, clock=world.clock).record(world.make(started_at=TODAY), 3)
    history.start()
    rows = history.view.show_rows.call_args.args[0]
    assert any(r.procedures == "1.004222 Đăng ký thường trú" for r in rows)
    batch_rows = [r for r in rows if r.procedures.startswith("1.001193 Đăng ký khai sinh")]
    assert len(batch_rows) == 3 and all("3" in r.note and "[" in r.note for r in batch_rows)


def test_a_batch_is_shown_and_voided_together(history, world, app):
    from counter_app.services.batches import BatchService

    batch = BatchService(world.store, clock=world.clock).record(world.make(started_at=TODAY), 4)
    lone = world.save(started_at=TODAY)
    one = BatchService(world.store).rows(batch.uuid)[0].uuid
    assert history.show_batch(one)
    title, rows = history.view.show_batch.call_args.args
    assert "4" in title and len(rows) == 4
    app.ask_answer = "đợt lưu động ghi trùng"
    assert history.void_batch(one)
    assert "4" in app.questions[-1]
    assert BatchService(world.store).get(batch.uuid).active == 0
    assert not world.sessions.get(lone.uuid).voided
    assert not history.void_batch(lone.uuid) and app.infos  # not in a batch: it says so


def test_voiding_one_session_of_a_batch_says_the_others_stay(history, world, app):
    from counter_app.services.batches import BatchService

    batch = BatchService(world.store, clock=world.clock).record(world.make(started_at=TODAY), 5)
    one = BatchService(world.store).rows(batch.uuid)[0].uuid
    app.ask_answer = "một người về sớm"
    assert history.void(one)
    assert "5" in app.questions[-1]
    assert BatchService(world.store).get(batch.uuid).active == 4


def test_the_end_of_day_list_fills_counter_outcome_and_names(history, world):
    world.save(started_at=TODAY, minutes=75)
    flagged = history.end_of_day(TODAY.date())
    assert flagged[0].counter_name == "Quầy 1"
    assert flagged[0].outcomes == "Nộp trực tuyến thành công"
    assert flagged[0].procedures == "1.001193 Đăng ký khai sinh"
