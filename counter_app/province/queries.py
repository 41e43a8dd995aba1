"""What the consolidated store answers (the only SQL of the province package besides
ingestion): a period's sessions as report records (the same workbook and Word report as
an office's), totals straight from SQL, and what only a province needs — one row per
office compared with the previous period, trends over weeks, the year to date, groups
by kind of office. Voided sessions never count."""

from __future__ import annotations

import uuid as uuidlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.models import (
    APPLICANT_INDIVIDUAL,
    APPLICANT_ORGANISATION,
    OUTCOME_SUBMITTED,
)
from counter_app.reports import source
from counter_app.reports.aggregate import LEVEL_FULL, LEVEL_PARTIAL, Totals, level_kind
from counter_app.reports.period import Period
from counter_app.reports.records import LookupOrder, LookupRec, OfficeInfo, ProcRec, SessionRec
from counter_app.reports.source import bounds
from counter_app.reports.table import ratio
from counter_app.storage.database import Store

TRI = {0: "no", 1: "yes", 2: "unknown"}
KINDS = ("xã", "phường", "đặc khu", "sở ngành")


def count_rows(store: Store, period: Period) -> tuple[int, int, int]:
    """(sessions, procedures, detail rows) of the period in one COUNT: the office
    report's own (the store's session tables have the same columns)."""
    return source.count_rows(store, period.start, period.end)


def offices(store: Store) -> list[OfficeInfo]:
    return [
        OfficeInfo(code, name, "", parent, kind)
        for code, name, kind, parent in store.db.execute(
            "SELECT code, name, kind, parent FROM office ORDER BY sort_order, code"
        )
    ]


def lookups(store: Store) -> LookupOrder:
    rows = store.db.execute(
        "SELECT kind, code, label, sort_order, active FROM lookup ORDER BY kind, sort_order"
    )
    return LookupOrder.from_records([LookupRec(k, c, lb, o, bool(a)) for k, c, lb, o, a in rows])


def load_sessions(store: Store, period: Period) -> list[SessionRec]:
    """Every non-voided session of the period as a report record, oldest first."""
    conn = store.db.conn
    args = bounds(period.start, period.end)
    labels = {i: (code, text) for i, code, text in conn.execute("SELECT id, code, text FROM label")}

    def text(i: int | None) -> str:
        return labels[i][1] if i is not None else ""

    procedures = {
        i: (code, name, fld, level)
        for i, code, name, fld, level in conn.execute(
            "SELECT id, code, name, field, online_level FROM procedure"
        )
    }
    helps: dict[int, tuple[str, ...]] = {}
    for sid, lid in conn.execute(
        """
        SELECT h.session_id, h.label_id FROM session_help h JOIN session s ON s.id = h.session_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
        """,
        args,
    ):
        helps[sid] = (*helps.get(sid, ()), text(lid))
    barriers: dict[int, tuple[str, ...]] = {}
    for spid, lid in conn.execute(
        """
        SELECT b.session_procedure_id, b.label_id FROM procedure_barrier b
        JOIN session_procedure sp ON sp.id = b.session_procedure_id
        JOIN session s ON s.id = sp.session_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
        """,
        args,
    ):
        barriers[spid] = (*barriers.get(spid, ()), text(lid))
    procs: dict[int, list[ProcRec]] = {}
    for spid, sid, pos, pid, oid, dossier in conn.execute(
        """
        SELECT sp.id, sp.session_id, sp.position, sp.procedure_id, sp.outcome_id, sp.dossier_code
        FROM session_procedure sp JOIN session s ON s.id = sp.session_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
        ORDER BY sp.session_id, sp.position, sp.id
        """,
        args,
    ):
        code, name, fld, level = procedures[pid]
        ocode, olabel = labels[oid] if oid is not None else ("", "")
        procs.setdefault(sid, []).append(
            ProcRec(code, name, fld, level, ocode, olabel, barriers.get(spid, ()), dossier, pos)
        )
    office_of = {
        i: (code, name) for i, code, name in conn.execute("SELECT id, code, name FROM office")
    }
    fromiso = datetime.fromisoformat
    out = []
    for row in conn.execute(
        """
        SELECT id, uuid, office_id, started_at, minutes, officer_id, counter_id, channel_id,
               portal_id, applicant_id, elderly, ethnic_minority, disability, self_reliance_id,
               satisfaction_id, note, updated_at
        FROM session WHERE voided = 0 AND started_at >= ? AND started_at < ?
        ORDER BY started_at, id
        """,
        args,
    ):
        (sid, key, oid, started, minutes, officer, counter, channel, portal, applicant) = row[:10]
        code, name = office_of[oid]
        app_code, app_text = labels[applicant] if applicant is not None else ("", "")
        out.append(
            SessionRec(
                str(uuidlib.UUID(bytes=key)),
                code,
                name,
                fromiso(started),
                minutes,
                text(officer),
                text(counter),
                text(channel),
                text(portal),
                app_code,
                app_text,
                TRI[row[10]],
                TRI[row[11]],
                TRI[row[12]],
                text(row[13]),
                text(row[14]),
                helps.get(sid, ()),
                row[15],
                procs.get(sid, []),
                row[16],
            )
        )
    return out


def totals(store: Store, start: date, end: date) -> Totals:
    """The key figures of a range from SQL (a previous period, the year to date)."""
    args = bounds(start, end)
    conn = store.db.conn
    n, individuals, organisations, minutes, elderly, ethnic, disability = conn.execute(
        """
        SELECT count(*), coalesce(sum(l.code = ?), 0), coalesce(sum(l.code = ?), 0),
               coalesce(sum(s.minutes), 0), coalesce(sum(s.elderly = 1), 0),
               coalesce(sum(s.ethnic_minority = 1), 0), coalesce(sum(s.disability = 1), 0)
        FROM session s LEFT JOIN label l ON l.id = s.applicant_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
        """,
        [APPLICANT_INDIVIDUAL, APPLICANT_ORGANISATION, *args],
    ).fetchone()
    t = Totals(
        sessions=n,
        individuals=individuals,
        organisations=organisations,
        minutes=minutes,
        elderly=elderly,
        ethnic_minority=ethnic,
        disability=disability,
    )
    for level, count, ok in conn.execute(
        """
        SELECT p.online_level, count(*), coalesce(sum(l.code = ?), 0)
        FROM session_procedure sp JOIN session s ON s.id = sp.session_id
        JOIN procedure p ON p.id = sp.procedure_id
        LEFT JOIN label l ON l.id = sp.outcome_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1
        """,
        [OUTCOME_SUBMITTED, *args],
    ):
        t.procedures += count
        t.submitted += ok
        kind = level_kind(level)
        t.submitted_full += ok if kind == LEVEL_FULL else 0
        t.submitted_partial += ok if kind == LEVEL_PARTIAL else 0
    return t


# -- one row per office ------------------------------------------------------------------
@dataclass
class OfficeFigures:
    code: str
    name: str
    kind: str
    expected: bool
    sessions: int = 0
    procedures: int = 0
    submitted: int = 0
    elderly: int = 0
    ethnic: int = 0
    disability: int = 0
    previous: int | None = None  # sessions of the previous period (None: no data then)
    top_barrier: str = ""

    @property
    def rate(self) -> float | None:
        return ratio(self.submitted, self.procedures)

    @property
    def change(self) -> float | None:
        if not self.previous:
            return None
        return (self.sessions - self.previous) / self.previous


@dataclass
class Comparison:
    period: Period
    rows: list[OfficeFigures] = field(default_factory=list)  # ranked
    total: OfficeFigures = field(default_factory=lambda: OfficeFigures("", "", "", False))


def _per_office(store: Store, start: date, end: date) -> dict[int, list[int]]:
    """office id → [sessions, procedures, submitted, elderly, ethnic, disability]."""
    args = bounds(start, end)
    conn = store.db.conn
    out: dict[int, list[int]] = {}
    for oid, n, eld, eth, dis in conn.execute(
        """
        SELECT office_id, count(*), sum(elderly = 1), sum(ethnic_minority = 1),
               sum(disability = 1)
        FROM session WHERE voided = 0 AND started_at >= ? AND started_at < ? GROUP BY 1
        """,
        args,
    ):
        out[oid] = [n, 0, 0, eld, eth, dis]
    for oid, procs, ok in conn.execute(
        """
        SELECT s.office_id, count(*), coalesce(sum(l.code = ?), 0)
        FROM session_procedure sp JOIN session s ON s.id = sp.session_id
        LEFT JOIN label l ON l.id = sp.outcome_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1
        """,
        [OUTCOME_SUBMITTED, *args],
    ):
        entry = out.setdefault(oid, [0, 0, 0, 0, 0, 0])
        entry[1], entry[2] = procs, ok
    return out


def _top_barriers(store: Store, start: date, end: date) -> dict[int, str]:
    best: dict[int, tuple[int, str]] = {}
    for oid, label, n in store.db.execute(
        """
        SELECT s.office_id, l.text, count(*) FROM procedure_barrier b
        JOIN label l ON l.id = b.label_id
        JOIN session_procedure sp ON sp.id = b.session_procedure_id
        JOIN session s ON s.id = sp.session_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1, 2
        """,
        bounds(start, end),
    ):
        current = best.get(oid)
        if (
            current is None
            or n > current[0]
            or (n == current[0] and vietnamese_key(label) < vietnamese_key(current[1]))
        ):
            best[oid] = (n, label)
    return {oid: label for oid, (_, label) in best.items()}


def comparison(store: Store, period: Period) -> Comparison:
    """One row per office (every expected office, and any other that sent data),
    ranked by sessions (ties by name, Vietnamese order), with the province total."""
    now = _per_office(store, period.start, period.end)
    prev_period = period.previous()
    before = _per_office(store, prev_period.start, prev_period.end)
    barriers = _top_barriers(store, period.start, period.end)
    result = Comparison(period)
    for oid, code, name, kind, expected in store.db.execute(
        "SELECT id, code, name, kind, expected FROM office"
    ):
        if not expected and oid not in now:
            continue
        n = now.get(oid, [0, 0, 0, 0, 0, 0])
        result.rows.append(
            OfficeFigures(
                code,
                name,
                kind,
                bool(expected),
                sessions=n[0],
                procedures=n[1],
                submitted=n[2],
                elderly=n[3],
                ethnic=n[4],
                disability=n[5],
                previous=before[oid][0] if oid in before else None,
                top_barrier=barriers.get(oid, ""),
            )
        )
    result.rows.sort(key=lambda r: (-r.sessions, vietnamese_key(r.name or r.code)))
    total = result.total
    for r in result.rows:
        total.sessions += r.sessions
        total.procedures += r.procedures
        total.submitted += r.submitted
        total.elderly += r.elderly
        total.ethnic += r.ethnic
        total.disability += r.disability
    prev_total = sum(v[0] for v in before.values())
    total.previous = prev_total if before else None
    all_barriers = Counter(
        dict(
            store.db.execute(
                """
                SELECT l.text, count(*) FROM procedure_barrier b JOIN label l ON l.id = b.label_id
                JOIN session_procedure sp ON sp.id = b.session_procedure_id
                JOIN session s ON s.id = sp.session_id
                WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1
                """,
                bounds(period.start, period.end),
            ).fetchall()
        )
    )
    if all_barriers:
        total.top_barrier = sorted(
            all_barriers.items(), key=lambda kv: (-kv[1], vietnamese_key(kv[0]))
        )[0][0]
    return result


def by_kind(comparison_: Comparison) -> list[tuple[str, OfficeFigures, int]]:
    """The comparison summed by kind of office (xã, phường, đặc khu, sở ngành…): a
    two-tier province has no district level to group by. (kind, sums, offices)."""
    groups: dict[str, tuple[OfficeFigures, int]] = {}
    for r in comparison_.rows:
        kind = r.kind or "(chưa phân loại)"
        sums, n = groups.get(kind, (OfficeFigures("", kind, kind, False), 0))
        sums.sessions += r.sessions
        sums.procedures += r.procedures
        sums.submitted += r.submitted
        sums.elderly += r.elderly
        sums.ethnic += r.ethnic
        sums.disability += r.disability
        groups[kind] = (sums, n + 1)
    order = {k: i for i, k in enumerate(KINDS)}
    return [
        (kind, sums, n)
        for kind, (sums, n) in sorted(
            groups.items(), key=lambda kv: (order.get(kv[0], 99), vietnamese_key(kv[0]))
        )
    ]


# -- trends --------------------------------------------------------------------------------
@dataclass
class Trend:
    weeks: list[Period]
    total: list[tuple[int, int, int]]  # per week: sessions, procedures, submitted
    offices: list[tuple[str, str, list[int]]]  # code, name, sessions per week


def trend(store: Store, last_week: Period, weeks: int = 8) -> Trend:
    """The last ``weeks`` ISO weeks up to ``last_week``: totals and sessions per office."""
    periods = [last_week]
    while len(periods) < weeks:
        periods.insert(0, periods[0].previous())
    start, end = periods[0].start, periods[-1].end
    args = bounds(start, end)
    index = {p.start: i for i, p in enumerate(periods)}
    conn = store.db.conn
    per_office: dict[int, list[int]] = {}
    total = [[0, 0, 0] for _ in periods]
    for oid, day, n in conn.execute(
        """
        SELECT office_id, substr(started_at, 1, 10), count(*) FROM session
        WHERE voided = 0 AND started_at >= ? AND started_at < ? GROUP BY 1, 2
        """,
        args,
    ):
        d = date.fromisoformat(day)
        i = index[d - timedelta(days=d.weekday())]
        per_office.setdefault(oid, [0] * len(periods))[i] += n
        total[i][0] += n
    for day, procs, ok in conn.execute(
        """
        SELECT substr(s.started_at, 1, 10), count(*), coalesce(sum(l.code = ?), 0)
        FROM session_procedure sp JOIN session s ON s.id = sp.session_id
        LEFT JOIN label l ON l.id = sp.outcome_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? GROUP BY 1
        """,
        [OUTCOME_SUBMITTED, *args],
    ):
        d = date.fromisoformat(day)
        i = index[d - timedelta(days=d.weekday())]
        total[i][1] += procs
        total[i][2] += ok
    names = {i: (c, n) for i, c, n in conn.execute("SELECT id, code, name FROM office")}
    rows = sorted(
        ((names[o][0], names[o][1], counts) for o, counts in per_office.items()),
        key=lambda r: (-sum(r[2]), vietnamese_key(r[1] or r[0])),
    )
    return Trend(periods, [(a, b, c) for a, b, c in total], rows)


def year_to_date(store: Store, period: Period) -> tuple[Period, Totals]:
    start = date(period.end.year, 1, 1)
    ytd = Period.custom(start, period.end)
    return ytd, totals(store, start, period.end)


def file_periods(store: Store) -> list[Period]:
    """The weeks for which files were received, newest first (the board's choices)."""
    rows = store.db.execute(
        "SELECT DISTINCT period_start FROM received_file WHERE period_kind = 'week' "
        "ORDER BY period_start DESC"
    ).fetchall()
    return [Period.week_of(date.fromisoformat(r[0])) for r in rows]


def store_figures(store: Store) -> dict[str, Any]:
    """What the store holds, for the status line and the benchmarks."""
    db = store.db
    one = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    return {
        "files": one("SELECT count(*) FROM received_file"),
        "offices": one("SELECT count(*) FROM office"),
        "expected": one("SELECT count(*) FROM office WHERE expected = 1"),
        "sessions": one("SELECT count(*) FROM session WHERE voided = 0"),
        "voided": one("SELECT count(*) FROM session WHERE voided = 1"),
        "first": one("SELECT min(started_at) FROM session"),
        "last": one("SELECT max(started_at) FROM session"),
    }
