"""The question a provincial desk asks first each Monday: for a week, which offices have
sent their file, which have not, which sent it late, which sent it more than once.

An office's week is "received" when a file of that week from it is in the store; "late"
when its first file was exported after the deadline (by default the Monday after the
week at 17:00); "re-sent" when more than one distinct file arrived (the newest copy of
each session counts); "missing" when an expected office sent nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from counter_app.catalog.sorting import vietnamese_key
from counter_app.i18n import tr
from counter_app.province.store import deadline
from counter_app.reports.period import Period
from counter_app.storage.database import Store

RECEIVED, LATE, MISSING = "received", "late", "missing"


def status_label(status: str) -> str:
    return {
        RECEIVED: tr("received"),
        LATE: tr("late"),
        MISSING: tr("missing"),
    }[status]


@dataclass
class BoardRow:
    code: str
    name: str
    kind: str
    expected: bool
    status: str
    files: int = 0
    first_export: datetime | None = None
    last_export: datetime | None = None
    last_ingest: datetime | None = None
    sessions: int = 0

    @property
    def resent(self) -> bool:
        return self.files > 1


@dataclass
class Board:
    week: Period
    due: datetime
    rows: list[BoardRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def resent(self) -> int:
        return sum(1 for r in self.rows if r.resent)

    @property
    def expected(self) -> int:
        return sum(1 for r in self.rows if r.expected)

    def summary(self) -> str:
        sent = sum(1 for r in self.rows if r.expected and r.status != MISSING)
        unlisted = sum(1 for r in self.rows if not r.expected)
        text = tr(
            "{week}: {sent} of {expected} offices sent their file · {missing} missing · "
            "{late} late · {resent} re-sent"
        ).format(
            week=self.week.label,
            sent=sent,
            expected=self.expected,
            missing=self.count(MISSING),
            late=self.count(LATE),
            resent=self.resent,
        )
        if unlisted:
            text += " · " + tr("{n} not on the list").format(n=unlisted)
        return text


def week_board(store: Store, week: Period) -> Board:
    days, hour = deadline(store)
    due = datetime.combine(week.end + timedelta(days=days), time(hour))
    files: dict[int, list[tuple[str, str, int]]] = {}
    for oid, exported, ingested, sessions in store.db.execute(
        """
        SELECT office_id, generated_at, ingested_at, sessions FROM received_file
        WHERE period_kind = 'week' AND period_start = ? AND office_id IS NOT NULL
        ORDER BY generated_at
        """,
        [week.start.isoformat()],
    ):
        files.setdefault(oid, []).append((exported, ingested, sessions))
    board = Board(week, due)
    for oid, code, name, kind, expected in store.db.execute(
        "SELECT id, code, name, kind, expected FROM office"
    ):
        got = files.get(oid, [])
        if not expected and not got:
            continue
        row = BoardRow(code, name, kind, bool(expected), MISSING, files=len(got))
        if got:
            exports = [datetime.fromisoformat(e) for e, _, _ in got if e]
            row.first_export = min(exports) if exports else None
            row.last_export = max(exports) if exports else None
            row.last_ingest = max(datetime.fromisoformat(i) for _, i, _ in got)
            row.sessions = max(s for _, _, s in got)
            first = row.first_export or row.last_ingest
            row.status = LATE if first is not None and first > due else RECEIVED
        board.rows.append(row)
    order = {MISSING: 0, LATE: 1, RECEIVED: 2}
    board.rows.sort(key=lambda r: (order[r.status], vietnamese_key(r.name or r.code)))
    return board
