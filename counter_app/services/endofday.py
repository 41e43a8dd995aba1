"""The end-of-day check: today's sessions an officer should look at before leaving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from counter_app.i18n import tr
from counter_app.storage.database import Store

LONG_MINUTES = 60


@dataclass(frozen=True)
class Flagged:
    uuid: str
    started_at: datetime
    minutes: int
    officer_name: str
    procedures: str
    problems: list[str]
    counter_name: str = ""
    outcomes: str = ""  # the outcome of each procedure that has one


def check_day(store: Store, day: date, officer_id: int | None = None) -> list[Flagged]:
    """Sessions of ``day`` with a procedure lacking an outcome, or longer than 60 minutes."""
    start = datetime.combine(day, datetime.min.time())
    params: list = [
        start.isoformat(timespec="seconds"),
        (start + timedelta(days=1)).isoformat(timespec="seconds"),
    ]
    extra = ""
    if officer_id:
        extra = " AND s.officer_id = ?"
        params.append(officer_id)
    sql = f"""
        SELECT s.uuid, s.started_at, s.minutes, o.name AS officer_name,
               c.name AS counter_name,
               (SELECT group_concat(sp.procedure_code, ', ') FROM session_procedure sp
                 WHERE sp.session_id = s.id) AS procedures,
               (SELECT group_concat(l.label, ', ') FROM session_procedure sp
                 JOIN lookup l ON l.id = sp.outcome_id WHERE sp.session_id = s.id)
                 AS outcomes,
               (SELECT count(*) FROM session_procedure sp
                 WHERE sp.session_id = s.id AND sp.outcome_id IS NULL) AS missing,
               (SELECT count(*) FROM session_procedure sp
                 WHERE sp.session_id = s.id) AS n_procedures
        FROM session s JOIN officer o ON o.id = s.officer_id
        JOIN counter c ON c.id = s.counter_id
        WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?{extra}
          AND (s.minutes > {LONG_MINUTES}
               OR EXISTS (SELECT 1 FROM session_procedure sp
                          WHERE sp.session_id = s.id AND sp.outcome_id IS NULL)
               OR NOT EXISTS (SELECT 1 FROM session_procedure sp WHERE sp.session_id = s.id))
        ORDER BY s.started_at
    """
    out = []
    for r in store.db.query(sql, params):
        problems = []
        if r["missing"] or not r["n_procedures"]:
            problems.append(tr("outcome missing"))
        if r["minutes"] > LONG_MINUTES:
            problems.append(tr("over 60 minutes"))
        out.append(
            Flagged(
                r["uuid"],
                datetime.fromisoformat(r["started_at"]),
                r["minutes"],
                r["officer_name"],
                r["procedures"] or "",
                problems,
                counter_name=r["counter_name"],
                outcomes=r["outcomes"] or "",
            )
        )
    return out
