"""The week at a glance (Reports screen): sessions per day this week against last week,
the success rate of the last eight weeks, the five procedures and the five barriers met
most this week. A handful of grouped SQL counts (``source``), cheap at any data size;
run on the job runner all the same."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from counter_app.catalog.sorting import vietnamese_key
from counter_app.reports.period import Period
from counter_app.reports.source import (
    barrier_label_counts,
    day_counts,
    procedure_counts,
    snapshot,
)
from counter_app.reports.table import ratio
from counter_app.storage.database import Store

SHORT_DAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")
WEEKS = 8
TOP = 5


@dataclass
class Glance:
    week: Period
    # label, this week (None for a day still to come), last week
    days: list[tuple[str, int | None, int]] = field(default_factory=list)
    rates: list[tuple[str, float | None]] = field(default_factory=list)  # week label, rate
    procedures: list[tuple[str, int]] = field(default_factory=list)
    barriers: list[tuple[str, int]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((this or 0) or last for _, this, last in self.days) and not any(
            r is not None for _, r in self.rates
        )


def _ranked(items: list[tuple[str, int]], n: int) -> list[tuple[str, int]]:
    return sorted(items, key=lambda kv: (-kv[1], vietnamese_key(kv[0])))[:n]


def load_glance(store: Store, today: date) -> Glance:
    week = Period.week_of(today)
    last = week.previous()
    first_week = Period.week_of(week.start - timedelta(days=7 * (WEEKS - 1)))
    with snapshot(store):
        days = day_counts(store, first_week.start, week.end)
        procedures = procedure_counts(store, week.start, week.end)
        barriers = barrier_label_counts(store, week.start, week.end)
    glance = Glance(week)
    for i in range(7):
        this_day = week.start + timedelta(days=i)
        glance.days.append(
            (
                SHORT_DAYS[i],
                days.get(this_day, (0, 0, 0))[0] if this_day <= today else None,
                days.get(last.start + timedelta(days=i), (0, 0, 0))[0],
            )
        )
    start = first_week.start
    for _ in range(WEEKS):
        procs = ok = 0
        for i in range(7):
            _, p, s = days.get(start + timedelta(days=i), (0, 0, 0))
            procs, ok = procs + p, ok + s
        glance.rates.append((str(start.isocalendar()[1]), ratio(ok, procs)))
        start += timedelta(days=7)
    glance.procedures = _ranked([(name, n) for _, name, n in procedures], TOP)
    glance.barriers = _ranked(barriers, TOP)
    return glance
