"""History logic headless: filters and paging in SQL, void, audit trail, end of day."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import MagicMock

import pytest

from counter_app.domain.models import SessionProcedure
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
    assert "note: trước → sau" in text
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
