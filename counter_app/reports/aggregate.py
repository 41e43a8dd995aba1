"""Every figure of the report, as pure functions over records (no SQL, no openpyxl).

Counting rules, stated on the sheets too:
- a session counts once in session totals, whatever the number of procedures in it;
- a procedure table counts each procedure of a session once ("lượt TTHC"), so a session
  with two procedures adds 1 to the sessions and 2 to the procedure rows;
- success rate = procedures submitted online successfully / procedures guided;
- help types, barriers are multi-choice: shares do not add up to 100 %.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from counter_app.reports import labels as L
from counter_app.reports.period import Period
from counter_app.reports.records import LookupOrder, OfficeInfo, SessionRec

TRI_CODES = ("yes", "no", "unknown")


@dataclass
class Totals:
    """The key figures of a period."""

    sessions: int = 0
    individuals: int = 0
    organisations: int = 0
    procedures: int = 0
    submitted: int = 0
    minutes: int = 0
    elderly: int = 0
    ethnic_minority: int = 0
    disability: int = 0

    @property
    def success_rate(self) -> float | None:
        return ratio(self.submitted, self.procedures)

    @property
    def avg_minutes(self) -> float | None:
        return ratio(self.minutes, self.sessions)

    @property
    def elderly_share(self) -> float | None:
        return ratio(self.elderly, self.sessions)

    @property
    def ethnic_share(self) -> float | None:
        return ratio(self.ethnic_minority, self.sessions)

    @property
    def disability_share(self) -> float | None:
        return ratio(self.disability, self.sessions)

    def as_dict(self) -> dict[str, int]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, values: dict[str, int]) -> Totals:
        return cls(**{k: int(values.get(k, 0) or 0) for k in cls().__dict__})

    def __add__(self, other: Totals) -> Totals:
        return Totals(**{k: v + getattr(other, k) for k, v in self.__dict__.items()})


@dataclass
class Column:
    header: str
    kind: str = "text"  # text | int | pct | dec | date
    width: float = 12


@dataclass
class Table:
    """A titled breakdown, ready to render: rows of plain values, None for "not defined"."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""


@dataclass
class KeyFigure:
    label: str
    current: float | None
    previous: float | None
    kind: str = "int"  # int | pct | dec

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def relative(self) -> float | None:
        """Relative change for counts; rates compare in percentage points instead."""
        if self.kind != "int" or self.delta is None or not self.previous:
            return None
        return self.delta / self.previous


@dataclass
class Report:
    period: Period
    previous: Period
    office: OfficeInfo
    totals: Totals
    prev_totals: Totals | None
    tables: dict[str, Table]
    lookups: LookupOrder
    help_labels: list[str]
    barrier_labels: list[str]
    generated_at: datetime
    consolidated: bool = False
    offices: list[OfficeInfo] = field(default_factory=list)
    top_procedures: list[tuple[str, str, int]] = field(default_factory=list)
    top_barriers: list[tuple[str, int]] = field(default_factory=list)

    def key_figures(self) -> list[KeyFigure]:
        return key_figures(self.totals, self.prev_totals)


def key_figures(t: Totals, p: Totals | None) -> list[KeyFigure]:
    """The cover's key figures with the previous period's values (None: not known)."""

    def prev(attr: str) -> float | None:
        return None if p is None else getattr(p, attr)

    return [
        KeyFigure(L.KF_SESSIONS, t.sessions, prev("sessions")),
        KeyFigure(L.KF_INDIVIDUALS, t.individuals, prev("individuals")),
        KeyFigure(L.KF_ORGANISATIONS, t.organisations, prev("organisations")),
        KeyFigure(L.KF_PROCEDURES, t.procedures, prev("procedures")),
        KeyFigure(L.KF_SUBMITTED, t.submitted, prev("submitted")),
        KeyFigure(L.KF_SUCCESS_RATE, t.success_rate, prev("success_rate"), "pct"),
        KeyFigure(L.KF_AVG_MINUTES, t.avg_minutes, prev("avg_minutes"), "dec"),
        KeyFigure(L.KF_ELDERLY, t.elderly_share, prev("elderly_share"), "pct"),
        KeyFigure(L.KF_ETHNIC, t.ethnic_share, prev("ethnic_share"), "pct"),
        KeyFigure(L.KF_DISABILITY, t.disability_share, prev("disability_share"), "pct"),
    ]


def ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def totals(sessions: Iterable[SessionRec]) -> Totals:
    t = Totals()
    for s in sessions:
        t.sessions += 1
        t.minutes += s.minutes
        if s.applicant_code == "individual":
            t.individuals += 1
        elif s.applicant_code == "organisation":
            t.organisations += 1
        t.elderly += s.elderly == "yes"
        t.ethnic_minority += s.ethnic_minority == "yes"
        t.disability += s.disability == "yes"
        for p in s.procedures:
            t.procedures += 1
            t.submitted += p.outcome_code == "submitted"
    return t


def _ordered(counter: Counter, order: list[str], active: list[str]) -> list[str]:
    """Active values in their set order (zeros shown), then retired or unknown values that
    occur, then the empty label last."""
    keys = list(active)
    keys += [k for k in order if k not in keys and counter.get(k)]
    keys += sorted(k for k in counter if k not in keys and k)
    if counter.get(""):
        keys.append("")
    return keys


def _share_table(
    key: str,
    title: str,
    first: str,
    counter: Counter,
    den: int,
    lookups: LookupOrder,
    kind: str,
    unit: str = L.COL_SESSIONS,
    note: str = "",
) -> Table:
    rows = [
        [label or L.NOT_RECORDED, counter.get(label, 0), ratio(counter.get(label, 0), den)]
        for label in _ordered(counter, lookups.labels(kind), lookups.active_labels(kind))
    ]
    return Table(
        key,
        title,
        [Column(first, "text", 42), Column(unit, "int", 14), Column(L.COL_SHARE, "pct", 12)],
        rows,
        note,
    )


def _group_stats(groups: dict[str, list[int]]) -> list[list]:
    """[name, sessions, procedures, submitted, rate, avg minutes] sorted by sessions."""
    rows = []
    for name, (n, procs, ok, minutes) in groups.items():
        rows.append([name or L.NOT_RECORDED, n, procs, ok, ratio(ok, procs), ratio(minutes, n)])
    rows.sort(key=lambda r: (-r[1], r[0]))
    return rows


def _stat_columns(first: str, width: float = 30) -> list[Column]:
    return [
        Column(first, "text", width),
        Column(L.COL_SESSIONS, "int", 12),
        Column(L.COL_PROCEDURES, "int", 12),
        Column(L.COL_SUBMITTED, "int", 14),
        Column(L.COL_RATE, "pct", 12),
        Column(L.COL_AVG_MINUTES, "dec", 14),
    ]


def build_report(
    sessions: list[SessionRec],
    lookups: LookupOrder,
    period: Period,
    office: OfficeInfo,
    prev_totals: Totals | None,
    *,
    consolidated: bool = False,
    offices: list[OfficeInfo] | None = None,
    generated_at: datetime | None = None,
) -> Report:
    """All figures and breakdown tables of ``sessions`` (already restricted to ``period``)."""
    t = totals(sessions)
    n = t.sessions
    by_proc: dict[str, list] = {}
    by_field: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    outcome = Counter()
    barriers = Counter()
    helps = Counter()
    channel, portal, applicant = Counter(), Counter(), Counter()
    self_rel, satisf = Counter(), Counter()
    tri = {k: Counter() for k in ("elderly", "ethnic_minority", "disability")}
    by_day: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_weekday = [[0, 0, 0] for _ in range(7)]
    by_hour: Counter = Counter()
    officers: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    counters: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    per_office: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])

    for s in sessions:
        procs = len(s.procedures)
        ok = 0
        for p in s.procedures:
            entry = by_proc.get(p.code)
            if entry is None:
                entry = by_proc[p.code] = [p.name, p.field, p.online_level, 0, 0, 0, 0]
            entry[3] += 1
            if p.outcome_code == "submitted":
                entry[4] += 1
                ok += 1
            elif p.outcome_code == "not_submitted":
                entry[5] += 1
            elif p.outcome_code == "referred_to_counter":
                entry[6] += 1
            f = by_field[p.field]
            f[0] += 1
            f[1] += p.outcome_code == "submitted"
            outcome[p.outcome] += 1
            barriers.update(p.barriers)
        helps.update(s.help_types)
        channel[s.channel] += 1
        portal[s.portal] += 1
        applicant[s.applicant_type] += 1
        self_rel[s.self_reliance] += 1
        satisf[s.satisfaction] += 1
        tri["elderly"][s.elderly] += 1
        tri["ethnic_minority"][s.ethnic_minority] += 1
        tri["disability"][s.disability] += 1
        day = s.started_at.date()
        d = by_day[day]
        d[0] += 1
        d[1] += procs
        d[2] += ok
        w = by_weekday[day.weekday()]
        w[0] += 1
        w[1] += procs
        w[2] += ok
        by_hour[s.started_at.hour] += 1
        if consolidated:  # the same name in two offices is two people, two desks
            officer, counter = f"{s.officer} ({s.office_code})", f"{s.counter} ({s.office_code})"
        else:
            officer, counter = s.officer, s.counter
        for group in (
            officers[officer],
            counters[counter],
            per_office[(s.office_code, s.office_name)],
        ):
            group[0] += 1
            group[1] += procs
            group[2] += ok
            group[3] += s.minutes

    tables: dict[str, Table] = {}
    proc_rows = sorted(
        ([code, *v[:3], v[3], v[4], v[5], v[6], ratio(v[4], v[3])] for code, v in by_proc.items()),
        key=lambda r: (-r[4], r[0]),
    )
    tables["procedures"] = Table(
        "procedures",
        L.T_PROCEDURES,
        [
            Column(L.COL_PROC_CODE, "text", 11),
            Column(L.COL_PROC_NAME, "text", 60),
            Column(L.COL_FIELD, "text", 22),
            Column(L.COL_ONLINE_LEVEL, "text", 14),
            Column(L.COL_PROCEDURES, "int", 11),
            Column(L.COL_SUBMITTED, "int", 12),
            Column(L.COL_NOT_SUBMITTED, "int", 11),
            Column(L.COL_REFERRED, "int", 13),
            Column(L.COL_RATE, "pct", 11),
        ],
        proc_rows,
        L.NOTE_PROCEDURE_COUNTING,
    )
    field_rows = sorted(
        (
            [name or L.NOT_RECORDED, c, ok, ratio(ok, c), ratio(c, t.procedures)]
            for name, (c, ok) in by_field.items()
        ),
        key=lambda r: (-r[1], r[0]),
    )
    tables["fields"] = Table(
        "fields",
        L.T_FIELDS,
        [
            Column(L.COL_FIELD, "text", 40),
            Column(L.COL_PROCEDURES, "int", 12),
            Column(L.COL_SUBMITTED, "int", 14),
            Column(L.COL_RATE, "pct", 12),
            Column(L.COL_SHARE, "pct", 12),
        ],
        field_rows,
    )
    tables["outcomes"] = _share_table(
        "outcomes",
        L.T_OUTCOMES,
        L.COL_OUTCOME,
        outcome,
        t.procedures,
        lookups,
        "outcome",
        L.COL_PROCEDURES,
    )

    days = []
    day = period.start
    while day <= period.end:
        v = by_day.get(day, [0, 0, 0])
        days.append([day, L.WEEKDAYS[day.weekday()], v[0], v[1], v[2], ratio(v[2], v[1])])
        day += timedelta(days=1)
    tables["days"] = Table(
        "days",
        L.T_DAYS,
        [
            Column(L.COL_DATE, "date", 12),
            Column(L.COL_WEEKDAY, "text", 11),
            Column(L.COL_SESSIONS, "int", 11),
            Column(L.COL_PROCEDURES, "int", 11),
            Column(L.COL_SUBMITTED, "int", 14),
            Column(L.COL_RATE, "pct", 11),
        ],
        days,
    )
    tables["weekdays"] = Table(
        "weekdays",
        L.T_WEEKDAYS,
        [
            Column(L.COL_WEEKDAY, "text", 12),
            Column(L.COL_SESSIONS, "int", 11),
            Column(L.COL_PROCEDURES, "int", 11),
            Column(L.COL_SUBMITTED, "int", 14),
            Column(L.COL_SHARE, "pct", 11),
        ],
        [[L.WEEKDAYS[i], w[0], w[1], w[2], ratio(w[0], n)] for i, w in enumerate(by_weekday)],
    )
    hours = sorted(set(range(7, 18)) | set(by_hour))
    tables["hours"] = Table(
        "hours",
        L.T_HOURS,
        [
            Column(L.COL_HOUR, "text", 14),
            Column(L.COL_SESSIONS, "int", 11),
            Column(L.COL_SHARE, "pct", 11),
        ],
        [[f"{h:02d}:00–{h:02d}:59", by_hour.get(h, 0), ratio(by_hour.get(h, 0), n)] for h in hours],
    )
    tables["officers"] = Table(
        "officers", L.T_OFFICERS, _stat_columns(L.COL_OFFICER), _group_stats(officers)
    )
    tables["counters"] = Table(
        "counters", L.T_COUNTERS, _stat_columns(L.COL_COUNTER), _group_stats(counters)
    )
    tables["help_types"] = _share_table(
        "help_types", L.T_HELP, L.COL_HELP, helps, n, lookups, "help_type", note=L.NOTE_MULTI
    )
    tables["barriers"] = _share_table(
        "barriers",
        L.T_BARRIERS,
        L.COL_BARRIER,
        barriers,
        t.procedures,
        lookups,
        "barrier",
        L.COL_PROCEDURES,
        L.NOTE_BARRIERS,
    )
    tables["channels"] = _share_table(
        "channels", L.T_CHANNELS, L.COL_CHANNEL, channel, n, lookups, "channel"
    )
    tables["portals"] = _share_table(
        "portals", L.T_PORTALS, L.COL_PORTAL, portal, n, lookups, "portal"
    )
    group_rows = []
    for label, c in (
        (lb or L.NOT_RECORDED, applicant.get(lb, 0))
        for lb in _ordered(
            applicant, lookups.labels("applicant_type"), lookups.active_labels("applicant_type")
        )
    ):
        group_rows.append([L.GROUP_APPLICANT, label, c, ratio(c, n)])
    for key, name in L.TRI_GROUPS.items():
        for code in TRI_CODES:
            c = tri[key].get(code, 0)
            group_rows.append([name, L.TRI_LABELS[code], c, ratio(c, n)])
    tables["groups"] = Table(
        "groups",
        L.T_GROUPS,
        [
            Column(L.COL_GROUP, "text", 28),
            Column(L.COL_VALUE, "text", 24),
            Column(L.COL_SESSIONS, "int", 11),
            Column(L.COL_SHARE, "pct", 11),
        ],
        group_rows,
    )
    tables["self_reliance"] = _share_table(
        "self_reliance", L.T_SELF_RELIANCE, L.COL_ANSWER, self_rel, n, lookups, "self_reliance"
    )
    tables["satisfaction"] = _share_table(
        "satisfaction", L.T_SATISFACTION, L.COL_ANSWER, satisf, n, lookups, "satisfaction"
    )
    if consolidated:
        rows = []
        for (code, name), v in per_office.items():
            rows.append([code, name, v[0], v[1], v[2], ratio(v[2], v[1]), ratio(v[3], v[0])])
        rows.sort(key=lambda r: (-r[2], r[0]))
        tables["offices"] = Table(
            "offices",
            L.T_OFFICES,
            [
                Column(L.COL_OFFICE_CODE, "text", 14),
                Column(L.COL_OFFICE, "text", 50),
                *_stat_columns("")[1:],
            ],
            rows,
        )

    help_labels = _ordered(helps, lookups.labels("help_type"), lookups.active_labels("help_type"))
    barrier_labels = _ordered(barriers, lookups.labels("barrier"), lookups.active_labels("barrier"))
    return Report(
        period=period,
        previous=period.previous(),
        office=office,
        totals=t,
        prev_totals=prev_totals,
        tables=tables,
        lookups=lookups,
        help_labels=[h for h in help_labels if h],
        barrier_labels=[b for b in barrier_labels if b],
        generated_at=generated_at or datetime.now().replace(microsecond=0),
        consolidated=consolidated,
        offices=list(offices or [office]),
        top_procedures=[(r[0], r[1], r[4]) for r in proc_rows[:10]],
        top_barriers=sorted(
            ((k, v) for k, v in barriers.items() if k), key=lambda kv: (-kv[1], kv[0])
        )[:10],
    )
