"""Time is a parameter: one fixed clock for the whole suite.

``TEST_NOW`` is a Thursday mid-morning in the week after the report tests' ISO week
(2026-W47, 16–22/11/2026), so "today", "this week" and "the last full week" all have
data-free, unambiguous meanings. Tests move time with ``clock.advance(minutes=…)``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

TEST_NOW = datetime(2026, 11, 26, 10, 30, 0)


class FrozenClock:
    def __init__(self, now: datetime = TEST_NOW):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)
