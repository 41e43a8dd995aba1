"""Every figure of the report, as pure functions over records (no SQL, no openpyxl).

This module holds the period's totals, the key figures and the ``Report`` itself; the
breakdown tables (by procedure, day, officer…) are built in ``reports.breakdowns``.

Counting rules, stated on the sheets too:
- a session counts once in session totals, whatever the number of procedures in it;
- a procedure table counts each procedure of a session once ("lượt TTHC"), so a session
  with two procedures adds 1 to the sessions and 2 to the procedure rows;
- success rate = procedures submitted online successfully / procedures guided;
- help types, barriers are multi-choice: shares do not add up to 100 %.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from counter_app.domain.models import (
    APPLICANT_INDIVIDUAL,
    APPLICANT_ORGANISATION,
    OUTCOME_SUBMITTED,
    TriState,
)
from counter_app.domain.text import fold
from counter_app.reports import labels as L
from counter_app.reports.breakdowns import breakdown_tables
from counter_app.reports.period import Period
from counter_app.reports.records import LookupOrder, OfficeInfo, SessionRec, Tombstone
from counter_app.reports.shares import barrier_counts, help_counts, ordered_labels, top_counts
from counter_app.reports.table import Table, ratio
from counter_app.services.report_document import DocumentSettings

LEVEL_FULL, LEVEL_PARTIAL = "full", "partial"


def level_kind(online_level: str) -> str:
    """ "full" (toàn trình), "partial" (một phần) or "" (not known) for a procedure's
    online level as the catalogue holds it (normalised on import, any wording here)."""
    folded = fold(online_level or "")
    if not folded:
        return ""
    if "toan trinh" in folded or folded.strip() in ("4", "muc 4", "muc do 4"):
        return LEVEL_FULL
    if "mot phan" in folded or folded.strip() in ("3", "muc 3", "muc do 3"):
        return LEVEL_PARTIAL
    return ""


@dataclass
class Totals:
    """The key figures of a period."""

    sessions: int = 0
    individuals: int = 0
    organisations: int = 0
    procedures: int = 0
    submitted: int = 0
    submitted_full: int = 0  # of which the procedure is "toàn trình" online
    submitted_partial: int = 0  # … "một phần"
    minutes: int = 0
    elderly: int = 0
    ethnic_minority: int = 0
    disability: int = 0

    @property
    def other_applicants(self) -> int:
        """Sessions neither of an individual nor of an organisation (not recorded,
        "Không rõ" or an office's own value): the "Trong đó" rows add up to the total."""
        return self.sessions - self.individuals - self.organisations

    @property
    def submitted_unknown_level(self) -> int:
        return self.submitted - self.submitted_full - self.submitted_partial

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
    levels_known: bool = False  # some procedure has its online level in the catalogue
    not_submitted: int = 0  # procedures guided but not submitted online (barrier shares)
    document: DocumentSettings = field(default_factory=DocumentSettings)  # symbol, signer…
    with_annex: bool = False  # the Word report and the workbook are made together
    tombstones: list[Tombstone] = field(default_factory=list)  # voided: for the data sheet

    def key_figures(self) -> list[KeyFigure]:
        return key_figures(self.totals, self.prev_totals, levels=self.levels_known)


def key_figures(t: Totals, p: Totals | None, *, levels: bool = False) -> list[KeyFigure]:
    """The cover's key figures with the previous period's values (None: not known).
    "Trong đó" rows add up to the row above them; the split of submitted procedures by
    online level is shown when the catalogue knows levels (``levels``)."""

    def prev(attr: str) -> float | None:
        return None if p is None else getattr(p, attr)

    by_level = []
    if levels:
        by_level = [
            KeyFigure(L.KF_SUBMITTED_FULL, t.submitted_full, prev("submitted_full")),
            KeyFigure(L.KF_SUBMITTED_PARTIAL, t.submitted_partial, prev("submitted_partial")),
            KeyFigure(
                L.KF_SUBMITTED_UNKNOWN, t.submitted_unknown_level, prev("submitted_unknown_level")
            ),
        ]
    return [
        KeyFigure(L.KF_SESSIONS, t.sessions, prev("sessions")),
        KeyFigure(L.KF_INDIVIDUALS, t.individuals, prev("individuals")),
        KeyFigure(L.KF_ORGANISATIONS, t.organisations, prev("organisations")),
        KeyFigure(L.KF_OTHER_APPLICANTS, t.other_applicants, prev("other_applicants")),
        KeyFigure(L.KF_PROCEDURES, t.procedures, prev("procedures")),
        KeyFigure(L.KF_SUBMITTED, t.submitted, prev("submitted")),
        *by_level,
        KeyFigure(L.KF_SUCCESS_RATE, t.success_rate, prev("success_rate"), "pct"),
        KeyFigure(L.KF_AVG_MINUTES, t.avg_minutes, prev("avg_minutes"), "dec"),
        KeyFigure(L.KF_ELDERLY, t.elderly_share, prev("elderly_share"), "pct"),
        KeyFigure(L.KF_ETHNIC, t.ethnic_share, prev("ethnic_share"), "pct"),
        KeyFigure(L.KF_DISABILITY, t.disability_share, prev("disability_share"), "pct"),
    ]


def totals(sessions: Iterable[SessionRec]) -> Totals:
    t = Totals()
    for s in sessions:
        t.sessions += 1
        t.minutes += s.minutes
        if s.applicant_code == APPLICANT_INDIVIDUAL:
            t.individuals += 1
        elif s.applicant_code == APPLICANT_ORGANISATION:
            t.organisations += 1
        t.elderly += s.elderly == TriState.YES
        t.ethnic_minority += s.ethnic_minority == TriState.YES
        t.disability += s.disability == TriState.YES
        for p in s.procedures:
            t.procedures += 1
            if p.outcome_code == OUTCOME_SUBMITTED:
                t.submitted += 1
                kind = level_kind(p.online_level)
                t.submitted_full += kind == LEVEL_FULL
                t.submitted_partial += kind == LEVEL_PARTIAL
    return t


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
    helps, barriers = help_counts(sessions), barrier_counts(sessions)
    tables = breakdown_tables(sessions, lookups, period, helps, barriers, consolidated)
    return Report(
        period=period,
        previous=period.previous(),
        office=office,
        totals=t,
        prev_totals=prev_totals,
        tables=tables,
        lookups=lookups,
        help_labels=ordered_labels(helps, lookups, "help_type"),
        barrier_labels=ordered_labels(barriers, lookups, "barrier"),
        generated_at=generated_at or datetime.now().replace(microsecond=0),
        consolidated=consolidated,
        offices=list(offices or [office]),
        top_procedures=top_procedures(tables["procedures"], 10),
        top_barriers=top_counts(barriers, 10),
        levels_known=any(level_kind(p.online_level) for s in sessions for p in s.procedures),
        not_submitted=t.procedures - t.submitted,
    )


def top_procedures(table: Table, n: int) -> list[tuple[str, str, int]]:
    """(code, name, procedures) of the table's first ``n`` rows (it is ranked)."""
    code, name = table.column_of_header(L.COL_PROC_CODE), table.column_of_header(L.COL_PROC_NAME)
    count = table.column_of("procedures")
    return [(r[code], r[name], r[count]) for r in table.rows[:n]]
