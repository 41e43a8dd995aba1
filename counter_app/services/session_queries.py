"""History queries: one page of sessions and the count of a filter, paged in SQL.

Each filter is answered from an index, never by testing every session (at a million
sessions a scan blocks for a second): the query is driven by the most selective thing
the filter names —

- a procedure code: the procedure lines' (code, start) index, in date order;
- an outcome: the lines' (outcome, start) index (a session with two lines of that
  outcome is counted once);
- a text of 3 characters or more: the trigram full-text index of the folded text
  (``session_fts``), whose rowid orders its matches by start (migration m004), so a page
  is its first 50 matches however common the text;
- otherwise the session table's own indexes (live sessions, start, officer, counter).

The other conditions of the filter are then checked on the rows found. A text shorter
than 3 characters (or a SQLite without FTS5 trigram) falls back to ``LIKE`` on the folded
text: correct, but it reads the table, which is why the history runs its queries on the
job runner, off the window's thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from counter_app.domain.models import SessionFilter, SessionRow
from counter_app.domain.text import fold, nfc

ISO = "seconds"
MIN_INDEXED_TEXT = 3  # the trigram index matches substrings of three characters or more
ESTIMATE_CAP = 20_000  # rows a selectivity estimate reads at most
# The full-text rowid of a moment: as migration m004 builds it (start in seconds above
# 21 bits of session id), for date bounds.
_MOMENT_KEY = "(CAST(strftime('%s', ?) AS INTEGER) << 21)"

# A history line: session ``s`` joined to its officer ``o`` and counter ``c``.
HISTORY_COLUMNS = """
    s.id, s.uuid, s.started_at, s.minutes, s.note, s.voided,
    o.name AS officer_name, c.name AS counter_name,
    (SELECT group_concat(sp.procedure_code, ', ') FROM session_procedure sp
      WHERE sp.session_id = s.id) AS procedures,
    (SELECT group_concat(l.label, ', ') FROM session_procedure sp
      JOIN lookup l ON l.id = sp.outcome_id WHERE sp.session_id = s.id) AS outcomes
"""


@dataclass
class Plan:
    """The FROM, WHERE and ORDER of one filter, with its parameters."""

    source: str
    order: str  # the column to sort on (in start order), of the driving table
    key: str  # the session id column of the driving table
    distinct: bool = False
    moment: str = "?"  # how a date bound is compared with ``order``
    unique: bool = False  # ``order`` alone orders rows (no tie-break on the id)

    def order_by(self, direction: str) -> str:
        if self.unique:
            return f"{self.order} {direction}"
        return f"{self.order} {direction}, {self.key} {direction}"

    where: list[str] = field(default_factory=list)
    params: list[object] = field(default_factory=list)

    def add(self, clause: str, *params: object) -> None:
        self.where.append(clause)
        self.params.extend(params)

    @property
    def where_sql(self) -> str:
        return " AND ".join(self.where) or "1 = 1"


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
    plan = plan_for(db, flt)
    direction = "ASC" if oldest_first else "DESC"
    sql = f"""
        SELECT {HISTORY_COLUMNS}
        FROM (SELECT {"DISTINCT " if plan.distinct else ""}{plan.key} AS id,
                     {plan.order} AS sort_key
              FROM {plan.source}
              WHERE {plan.where_sql}
              ORDER BY {plan.order_by(direction)}
              LIMIT ? OFFSET ?) page
        CROSS JOIN session s ON s.id = page.id
        JOIN officer o ON o.id = s.officer_id
        JOIN counter c ON c.id = s.counter_id
        ORDER BY s.started_at {direction}, s.id {direction}
    """
    return history_rows(db, sql, plan.params + [int(limit), int(offset)])


def history_rows(db: Database, sql: str, params: list) -> list[SessionRow]:
    """The history lines a query selecting ``HISTORY_COLUMNS`` returns."""
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
        for r in db.query(sql, params)
    ]


def count(db: Database, flt: SessionFilter) -> int:
    plan = plan_for(db, flt)
    what = f"count(DISTINCT {plan.key})" if plan.distinct else "count(*)"
    sql = f"SELECT {what} FROM {plan.source} WHERE {plan.where_sql}"
    return int(db.execute(sql, plan.params).fetchone()[0])


def plan_for(db: Database, flt: SessionFilter) -> Plan:
    """Pick the index the filter is answered from; see the module docstring. With a text
    AND a procedure or outcome, the one with fewer rows drives (bounded counts decide);
    the other is checked row by row, which is cheap on the rows found."""
    text = fold(nfc(flt.text))
    indexed_text = len(text) >= MIN_INDEXED_TEXT and has_fulltext(db)
    line_filter = bool(flt.procedure_code or flt.outcome_id)
    if indexed_text and (not line_filter or _text_is_rarer(db, flt, text)):
        plan = _text_plan(text)
        _add_line_checks(plan, flt)
    elif line_filter:
        plan = _line_plan(flt)
        if text:  # the procedure's rows are few: the folded text is checked on each
            _add_like(plan, text)
    else:
        plan = Plan("session s", "s.started_at", "s.id")
        if text:
            _add_like(plan, text)  # shorter than the index's 3 characters, or no index
    _add_session_conditions(plan, flt)
    return plan


def _line_plan(flt: SessionFilter) -> Plan:
    """Driven by the procedure lines' (code, start) or (outcome, start) index."""
    plan = Plan(
        "session_procedure d CROSS JOIN session s ON s.id = d.session_id",
        "d.started_at",
        "d.session_id",
        distinct=not flt.procedure_code,  # two lines of one outcome: one session
    )
    if flt.procedure_code:
        plan.add("d.procedure_code = ?", flt.procedure_code)
        if flt.outcome_id:
            _add_outcome_check(plan, flt.outcome_id)
    else:
        plan.add("d.outcome_id = ?", flt.outcome_id)
    return plan


def _text_plan(text: str) -> Plan:
    """Driven by the full-text index, whose rowid orders its matches by start."""
    plan = Plan(
        "session_fts f CROSS JOIN session s ON s.id = f.session_id",
        "f.rowid",
        "f.session_id",
        moment=_MOMENT_KEY,
        unique=True,
    )
    plan.add("session_fts MATCH ?", _phrase(text))
    return plan


def _add_line_checks(plan: Plan, flt: SessionFilter) -> None:
    if flt.procedure_code:
        plan.add(
            "EXISTS (SELECT 1 FROM session_procedure sp WHERE sp.session_id = s.id "
            "AND sp.procedure_code = ?)",
            flt.procedure_code,
        )
    if flt.outcome_id:
        _add_outcome_check(plan, flt.outcome_id)


def _add_outcome_check(plan: Plan, outcome_id: int) -> None:
    plan.add(
        "EXISTS (SELECT 1 FROM session_procedure sp WHERE sp.session_id = s.id "
        "AND sp.outcome_id = ?)",
        outcome_id,
    )


def _add_like(plan: Plan, text: str) -> None:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    plan.add("s.search_text LIKE ? ESCAPE '\\'", f"%{escaped}%")


def _add_session_conditions(plan: Plan, flt: SessionFilter) -> None:
    if not flt.include_voided:
        plan.add("s.voided = 0")
    if flt.date_from:
        plan.add(f"{plan.order} >= {plan.moment}", flt.date_from.isoformat(timespec=ISO))
    if flt.date_to:
        plan.add(f"{plan.order} < {plan.moment}", flt.date_to.isoformat(timespec=ISO))
    if flt.officer_id:
        plan.add("s.officer_id = ?", flt.officer_id)
    if flt.counter_id:
        plan.add("s.counter_id = ?", flt.counter_id)


def _text_is_rarer(db: Database, flt: SessionFilter, text: str) -> bool:
    """Whether fewer sessions hold ``text`` than lines the procedure/outcome has; each
    side is counted up to ESTIMATE_CAP rows only (a few milliseconds)."""
    cap = ESTIMATE_CAP + 1
    texts = db.execute(
        "SELECT count(*) FROM (SELECT 1 FROM session_fts WHERE session_fts MATCH ? LIMIT ?)",
        [_phrase(text), cap],
    ).fetchone()[0]
    column, value = (
        ("procedure_code", flt.procedure_code)
        if flt.procedure_code
        else ("outcome_id", flt.outcome_id)
    )
    lines = db.execute(
        f"SELECT count(*) FROM (SELECT 1 FROM session_procedure WHERE {column} = ? LIMIT ?)",
        [value, cap],
    ).fetchone()[0]
    return bool(texts < lines)


def _phrase(text: str) -> str:
    """A full-text query that matches ``text`` as a substring, quotes and all."""
    return '"' + text.replace('"', '""') + '"'


def has_fulltext(db: Database) -> bool:
    """Whether this database has the trigram index (every SQLite since 3.34 does)."""
    cached = getattr(db, "_counter_app_fts", None)
    if cached is None:
        cached = bool(
            db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'session_fts'"
            ).fetchone()
        )
        db._counter_app_fts = cached  # type: ignore[attr-defined]
    return bool(cached)
