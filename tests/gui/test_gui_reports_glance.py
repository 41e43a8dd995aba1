"""The week at a glance on the Reports screen, in the real window at 1366×768: the four
charts carry the numbers of this week and the last eight, readable in both themes
(text in the theme's foreground on its background), and follow a save at once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.reports.glance import load_glance
from counter_app.services.demo import generate
from counter_app.services.sessions import SessionService
from tests.gui.conftest import press, pump, settle
from tests.helpers.clock import TEST_NOW

pytestmark = pytest.mark.gui


def _hex(widget, color: str) -> str:
    r, g, b = (v // 256 for v in widget.winfo_rgb(color))
    return f"#{r:02x}{g:02x}{b:02x}"


def _contrast(a: str, b: str) -> float:
    def lum(color: str) -> float:
        color = color.lstrip("#")
        rgb = [int(color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_week_at_a_glance_reads_in_both_themes(world, window, screenshot, theme):
    generate(world.store, weeks=9, per_day=10, end=TEST_NOW.date(), seed=5)
    window.apply_theme(theme)
    press(window, "<F4>")
    screen = window.screens["reports"]
    glance = screen.glance
    settle(window, lambda: all(chart.data is not None for chart in glance.charts))
    expected = load_glance(world.store, TEST_NOW.date())
    days = glance.days.texts()
    for label, this, last in expected.days:
        assert label in days and str(last) in days
        assert this is None or str(this) in days
    rates = glance.rates.texts()
    assert len(expected.rates) == 8
    for week, rate in expected.rates:
        assert week in rates
        if rate is not None:
            assert f"{round(rate * 100)}%" in rates
    procedures = glance.procedures.texts()
    assert len(expected.procedures) == 5
    for name, count in expected.procedures:
        assert str(count) in procedures
        assert any(t.rstrip("…") and name.startswith(t.rstrip("…")) for t in procedures)
    for _name, count in expected.barriers:
        assert str(count) in glance.barriers.texts()
    # readable: the text colour against the chart's background, in this theme
    chart = glance.days
    text_color = chart.itemcget(chart.find_all()[0], "fill")
    background = chart.cget("background")
    assert _contrast(_hex(chart, text_color), _hex(chart, background)) >= 4.5
    shot = screenshot(window, f"reports_glance_{theme}")
    assert shot is None or shot.stat().st_size > 10_000


def test_the_glance_follows_a_save(world, window):
    press(window, "<F4>")
    glance = window.screens["reports"].glance
    settle(window, lambda: glance.days.data is not None)
    weekday = TEST_NOW.weekday()
    before = glance.days.data[weekday][1]
    svc = SessionService(world.store, clock=lambda: TEST_NOW)
    svc.create(world.make(started_at=TEST_NOW - timedelta(minutes=30)))
    window.sessions_changed()  # what the form does after a save
    settle(window, lambda: glance.days.data[weekday][1] == before + 1)
    assert str(before + 1) in glance.days.texts()


def test_the_glance_of_an_empty_week_says_so(world, window):
    press(window, "<F4>")
    glance = window.screens["reports"].glance
    settle(window, lambda: glance.procedures.data is not None)
    assert "Tuần này chưa ghi nhận lượt nào." in glance.procedures.texts()
    this_week = [this for _, this, _ in glance.days.data]
    assert this_week == [0, 0, 0, 0, None, None, None]  # Thursday: the rest is to come
    pump(window)


def test_a_hidden_reports_screen_follows_saves_when_shown_not_at_each_save(world, window):
    """Each save refreshed the Reports screen's figures and glance even while the officer
    was on the form; now the screen on view follows at once and a hidden one when shown."""
    press(window, "<F4>")
    reports = window.screens["reports"]
    settle(window, lambda: reports.glance.days.data is not None)
    press(window, "<F2>")
    calls = []
    reports.presenter.sessions_changed = lambda: calls.append("refresh")
    svc = SessionService(world.store, clock=lambda: TEST_NOW)
    for minutes in (40, 30):
        svc.create(world.make(started_at=TEST_NOW - timedelta(minutes=minutes)))
        window.sessions_changed()  # what the form does after each save
    assert calls == []
    press(window, "<F4>")
    assert calls == ["refresh"]  # once, however many saves there were
    window.sessions_changed()  # on view: at once
    assert calls == ["refresh", "refresh"]
