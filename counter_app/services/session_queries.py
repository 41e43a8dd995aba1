"""History queries: one page of sessions and the count of a filter, paged in SQL."""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from counter_app.domain.models import SessionFilter, SessionRow
from counter_app.domain.text import fold, nfc

ISO = "seconds"


def list_page(
    db: Database,
    flt: SessionFilter,
    limit: int = 50,
    offset: int = 0,
    oldest_first: bool = False,
) -> list[SessionRow]:
    """One page of history, newest first (or oldest first), paged in SQL.

    ``oldest_first`` lets a pager reach the last pages of a long history by a small
    offset from the other end instead of skipping a million rows."""
    where, params = where_clause(flt)
    direction = "ASC" if oldest_first else "DESC"
    sql = f"""
        SELECT s.id, s.uuid, s.started_at, s.minutes, s.note, s.voided,
               o.name AS officer_name, c.name AS counter_name,
               (SELECT group_concat(sp.procedure_code, ', ') FROM session_procedure sp
                 WHERE sp.session_id = s.id) AS procedures,
               (SELECT group_concat(l.label, ', ') FROM session_procedure sp
                 JOIN lookup l ON l.id = sp.outcome_id WHERE sp.session_id = s.id)
                 AS outcomes
        FROM session s
        JOIN officer o ON o.id = s.officer_id
        JOIN counter c ON c.id = s.counter_id
        WHERE {where}
        ORDER BY s.started_at {direction}, s.id {direction}
        LIMIT ? OFFSET ?
    """
    return [
        SessionRow(
            id=r["id"],
            uuid=r["uuid"],
            started_at=datetime.fromisoformat(r["started_at"]),
            minutes=r["minutes"],
            officer_name=r["officer_name"],
            counter_name=r["counter_name"],
            procedures=r["procedures"] or "",
            outcomes=r["outcomes"] or "",
            note=r["note"],
            voided=bool(r["voided"]),
        )
        for r in db.query(sql, params + [int(limit), int(offset)])
    ]


def count(db: Database, flt: SessionFilter) -> int:
    where, params = where_clause(flt)
    sql = f"SELECT count(*) FROM session s WHERE {where}"
    return db.execute(sql, params).fetchone()[0]


def where_clause(flt: SessionFilter) -> tuple[str, list[object]]:
    """The WHERE of a history filter, with its parameters (never user text in SQL)."""
    clauses: list[str] = ["1 = 1"]
    params: list[object] = []
    if not flt.include_voided:
        clauses.append("s.voided = 0")
    if flt.date_from:
        clauses.append("s.started_at >= ?")
        params.append(flt.date_from.isoformat(timespec=ISO))
    if flt.date_to:
        clauses.append("s.started_at < ?")
        params.append(flt.date_to.isoformat(timespec=ISO))
    if flt.officer_id:
        clauses.append("s.officer_id = ?")
        params.append(flt.officer_id)
    if flt.counter_id:
        clauses.append("s.counter_id = ?")
        params.append(flt.counter_id)
    if flt.procedure_code:
        clauses.append(
            "EXISTS (SELECT 1 FROM session_procedure sp WHERE sp.session_id = "
            "s.id AND sp.procedure_code = ?)"
        )
        params.append(flt.procedure_code)
    if flt.outcome_id:
        clauses.append(
            "EXISTS (SELECT 1 FROM session_procedure sp WHERE sp.session_id = "
            "s.id AND sp.outcome_id = ?)"
        )
        params.append(flt.outcome_id)
    text = fold(nfc(flt.text))
    if text:
        clauses.append("s.search_text LIKE ? ESCAPE '\\'")
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.append(f"%{escaped}%")
    return " AND ".join(clauses), params
