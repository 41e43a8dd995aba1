"""The breakdown tables of the report, one small function per table: by procedure, field,
day, weekday, hour, officer, counter and office here; the tables of answers from editable
lists (outcome, help, barrier, channel, portal, groups, self-reliance, satisfaction) in
``reports.shares``. Counting rules: ``reports.aggregate``. No SQL, no openpyxl.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import timedelta
from typing import Any, TypeVar

from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.models import (
    OUTCOME_NOT_SUBMITTED,
    OUTCOME_REFERRED,
    OUTCOME_SUBMITTED,
)
from counter_app.reports import labels as L
from counter_app.reports.period import Period
from counter_app.reports.records import LookupOrder, ProcRec, SessionRec
from counter_app.reports.shares import (
    barriers_table,
    channels_table,
    groups_table,
    help_types_table,
    outcomes_table,
    portals_table,
    satisfaction_table,
    self_reliance_table,
)
from counter_app.reports.table import (
    Column,
    Table,
    count_col,
    label_col,
    no_col,
    numbered,
    rate_col,
    ratio,
    share_col,
)

K = TypeVar("K")


def _stat_columns(first: str, width: float = 30) -> list[Column]:
    return [
        label_col(first, width),
        count_col(L.COL_SESSIONS, "sessions", 12),
        count_col(L.COL_PROCEDURES, "procedures", 12),
        count_col(L.COL_SUBMITTED, "submitted", 14),
        rate_col(12),
        Column(L.COL_AVG_MINUTES, "dec", 14, "avg_minutes"),
    ]


# --- shared helpers ---------------------------------------------------------------------
def procedures_of(sessions: Iterable[SessionRec]) -> Iterator[ProcRec]:
    return (p for s in sessions for p in s.procedures)


def _submitted(s: SessionRec) -> int:
    return sum(1 for p in s.procedures if p.outcome_code == OUTCOME_SUBMITTED)


def _group(sessions: Iterable[SessionRec], key: Callable[[SessionRec], K]) -> dict[K, list[int]]:
    """key → [sessions, procedures, submitted, minutes], in order of first appearance."""
    groups: dict[K, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for s in sessions:
        g = groups[key(s)]
        g[0] += 1
        g[1] += len(s.procedures)
        g[2] += _submitted(s)
        g[3] += s.minutes
    return groups


def _most_first(count: int, label: int = 0) -> Callable[[list[Any]], tuple[Any, Any]]:
    """Sort key: the largest ``row[count]`` first, ties by ``row[label]`` in Vietnamese
    dictionary order ("Chăn nuôi" before "Chính sách"), never by code points."""
    return lambda row: (-row[count], vietnamese_key(str(row[label] or "")))


def _group_stats(groups: dict[str, list[int]]) -> list[list]:
    """[name, sessions, procedures, submitted, rate, avg minutes] sorted by sessions."""
    rows = []
    for name, (n, procs, ok, minutes) in groups.items():
        rows.append([name or L.NOT_RECORDED, n, procs, ok, ratio(ok, procs), ratio(minutes, n)])
    rows.sort(key=_most_first(1))
    return rows


# --- procedures and outcomes ------------------------------------------------------------
# where each outcome is counted in a procedure's running entry
_OUTCOME_SLOT = {OUTCOME_SUBMITTED: 4, OUTCOME_NOT_SUBMITTED: 5, OUTCOME_REFERRED: 6}


def procedures_table(sessions: list[SessionRec]) -> Table:
    by_code: dict[str, list] = {}
    for p in procedures_of(sessions):
        entry = by_code.get(p.code)
        if entry is None:
            entry = by_code[p.code] = [p.name, p.field, p.online_level, 0, 0, 0, 0]
        entry[3] += 1
        slot = _OUTCOME_SLOT.get(p.outcome_code)
        if slot is not None:
            entry[slot] += 1
    rows = sorted(
        ([code, *v[:3], v[3], v[4], v[5], v[6], ratio(v[4], v[3])] for code, v in by_code.items()),
        key=_most_first(4, 1),
    )
    columns = [
        no_col(),
        label_col(L.COL_PROC_CODE, 11),
        label_col(L.COL_PROC_NAME, 60),
        label_col(L.COL_FIELD, 22),
        label_col(L.COL_ONLINE_LEVEL, 14),
        count_col(L.COL_PROCEDURES, "procedures", 11),
        count_col(L.COL_SUBMITTED, "submitted", 12),
        count_col(L.COL_NOT_SUBMITTED, "not_submitted", 11),
        count_col(L.COL_REFERRED, "referred", 13),
        rate_col(11),
    ]
    return Table("procedures", L.T_PROCEDURES, columns, numbered(rows), L.NOTE_PROCEDURE_COUNTING)


def fields_table(sessions: list[SessionRec], procedures: int) -> Table:
    by_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for p in procedures_of(sessions):
        f = by_field[p.field]
        f[0] += 1
        f[1] += p.outcome_code == OUTCOME_SUBMITTED
    rows = sorted(
        (
            [name or L.NOT_RECORDED, c, ok, ratio(ok, c), ratio(c, procedures)]
            for name, (c, ok) in by_field.items()
        ),
        key=_most_first(1),
    )
    columns = [
        no_col(),
        label_col(L.COL_FIELD, 40),
        count_col(L.COL_PROCEDURES, "procedures", 12),
        count_col(L.COL_SUBMITTED, "submitted", 14),
        rate_col(12),
        share_col(12),
    ]
    return Table("fields", L.T_FIELDS, columns, numbered(rows))


# --- time -------------------------------------------------------------------------------
def days_table(sessions: list[SessionRec], period: Period) -> Table:
    """Every day of the period, days without sessions included."""
    by_day = _group(sessions, lambda s: s.started_at.date())
    rows = []
    day = period.start
    while day <= period.end:
        n, procs, ok, _minutes = by_day.get(day, [0, 0, 0, 0])
        rows.append([day, L.WEEKDAYS[day.weekday()], n, procs, ok, ratio(ok, procs)])
        day += timedelta(days=1)
    columns = [
        label_col(L.COL_DATE, 12, "date"),
        label_col(L.COL_WEEKDAY, 11),
        count_col(L.COL_SESSIONS, "sessions", 11),
        count_col(L.COL_PROCEDURES, "procedures", 11),
        count_col(L.COL_SUBMITTED, "submitted", 14),
        rate_col(11),
    ]
    return Table("days", L.T_DAYS, columns, rows)


def weeks_table(sessions: list[SessionRec], period: Period) -> Table:
    """A month's or a quarter's ISO weeks (the first and last cut to the period)."""
    by_week = _group(sessions, lambda s: s.started_at.isocalendar()[:2])
    rows = []
    for week in period.weeks():
        n, procs, ok, _minutes = by_week.get(week.start.isocalendar()[:2], [0, 0, 0, 0])
        name = f"Tuần {week.week}/{week.year}"
        span = f"{week.start:%d/%m}–{week.end:%d/%m}"
        rows.append([name, span, n, procs, ok, ratio(ok, procs)])
    columns = [
        label_col(L.COL_WEEK, 14),
        label_col(L.COL_DAYS, 14),
        count_col(L.COL_SESSIONS, "sessions", 11),
        count_col(L.COL_PROCEDURES, "procedures", 11),
        count_col(L.COL_SUBMITTED, "submitted", 14),
        rate_col(11),
    ]
    return Table("weeks", L.T_WEEKS, columns, rows)


def weekdays_table(sessions: list[SessionRec]) -> Table:
    by_weekday = _group(sessions, lambda s: s.started_at.weekday())
    n = len(sessions)
    rows = []
    for i, name in enumerate(L.WEEKDAYS):
        count, procs, ok, _minutes = by_weekday.get(i, [0, 0, 0, 0])
        rows.append([name, count, procs, ok, ratio(count, n)])
    columns = [
        label_col(L.COL_WEEKDAY, 12),
        count_col(L.COL_SESSIONS, "sessions", 11),
        count_col(L.COL_PROCEDURES, "procedures", 11),
        count_col(L.COL_SUBMITTED, "submitted", 14),
        share_col(11),
    ]
    return Table("weekdays", L.T_WEEKDAYS, columns, rows)


def hours_table(sessions: list[SessionRec]) -> Table:
    """Office hours 07–17 always, plus any hour a session started outside them."""
    by_hour = Counter(s.started_at.hour for s in sessions)
    n = len(sessions)
    rows = [
        [f"{h:02d}:00–{h:02d}:59", by_hour.get(h, 0), ratio(by_hour.get(h, 0), n)]
        for h in sorted(set(range(7, 18)) | set(by_hour))
    ]
    columns = [
        label_col(L.COL_HOUR, 14),
        count_col(L.COL_SESSIONS, "sessions", 11, summed=False),
        share_col(11),
    ]
    return Table("hours", L.T_HOURS, columns, rows)


# --- people -----------------------------------------------------------------------------
def officers_table(sessions: list[SessionRec], consolidated: bool) -> Table:
    # consolidated: the same name in two offices is two people
    groups = _group(
        sessions,
        (lambda s: f"{s.officer} ({s.office_code})") if consolidated else (lambda s: s.officer),
    )
    return Table("officers", L.T_OFFICERS, _stat_columns(L.COL_OFFICER), _group_stats(groups))


def counters_table(sessions: list[SessionRec], consolidated: bool) -> Table:
    # consolidated: "Quầy 1" of two offices is two desks
    groups = _group(
        sessions,
        (lambda s: f"{s.counter} ({s.office_code})") if consolidated else (lambda s: s.counter),
    )
    return Table("counters", L.T_COUNTERS, _stat_columns(L.COL_COUNTER), _group_stats(groups))


def offices_table(sessions: list[SessionRec]) -> Table:
    """One row per office (consolidated reports only)."""
    rows = [
        [code, name, n, procs, ok, ratio(ok, procs), ratio(minutes, n)]
        for (code, name), (n, procs, ok, minutes) in _group(
            sessions, lambda s: (s.office_code, s.office_name)
        ).items()
    ]
    rows.sort(key=_most_first(2))
    columns = [
        label_col(L.COL_OFFICE_CODE, 14),
        label_col(L.COL_OFFICE, 50),
        *_stat_columns("")[1:],
    ]
    return Table("offices", L.T_OFFICES, columns, rows)


# --- all of them ------------------------------------------------------------------------
def breakdown_tables(
    sessions: list[SessionRec],
    lookups: LookupOrder,
    period: Period,
    helps: Counter,
    barriers: Counter,
    consolidated: bool,
) -> dict[str, Table]:
    """Every breakdown of the report, keyed as the writer's sheets ask for them."""
    n = len(sessions)
    procedures = sum(len(s.procedures) for s in sessions)
    tables = [
        procedures_table(sessions),
        fields_table(sessions, procedures),
        outcomes_table(sessions, lookups, procedures),
        days_table(sessions, period),
        weekdays_table(sessions),
        hours_table(sessions),
        officers_table(sessions, consolidated),
        counters_table(sessions, consolidated),
        help_types_table(helps, n, lookups),
        barriers_table(barriers, procedures - sum(_submitted(s) for s in sessions), lookups),
        channels_table(sessions, lookups),
        portals_table(sessions, lookups),
        groups_table(sessions, lookups),
        self_reliance_table(sessions, lookups),
        satisfaction_table(sessions, lookups),
    ]
    if period.kind in ("month", "quarter"):
        tables.insert(3, weeks_table(sessions, period))
    if consolidated:
        tables.append(offices_table(sessions))
    return {t.key: t for t in tables}
