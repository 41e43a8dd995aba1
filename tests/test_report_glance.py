"""The week at a glance from SQL: this week's days against last week's, eight weeks of
success rates, the top procedures and barriers (ties in Vietnamese order)."""

from __future__ import annotations

from datetime import date

from counter_app.reports.glance import load_glance
from counter_app.services.demo import generate


def test_glance_weeks_and_days_from_sql(world):
    generate(world.store, weeks=3, per_day=5, end=date(2026, 11, 26), seed=2)
    g = load_glance(world.store, date(2026, 11, 26))
    db = world.store.db

    def count(start: str, end: str) -> int:
        return db.execute(
            "SELECT count(*) FROM session WHERE voided = 0 AND started_at >= ? AND started_at < ?",
            [start, end],
        ).fetchone()[0]

    assert sum(this or 0 for _, this, _last in g.days) == count("2026-11-23", "2026-11-30")
    assert [this is None for _, this, _ in g.days] == [False] * 4 + [True] * 3  # Thu 26/11
    assert sum(last for _, _this, last in g.days) == count("2026-11-16", "2026-11-23")
    assert [w for w, _ in g.rates] == ["41", "42", "43", "44", "45", "46", "47", "48"]
    ok, procs = db.execute(
        "SELECT sum(l.code = 'submitted'), count(*) FROM session_procedure sp "
        "JOIN session s ON s.id = sp.session_id LEFT JOIN lookup l ON l.id = sp.outcome_id "
        "WHERE s.voided = 0 AND s.started_at >= '2026-11-16' AND s.started_at < '2026-11-23'"
    ).fetchone()
    assert g.rates[-2][1] == ok / procs
    assert g.rates[0][1] is None  # no data eight weeks back
    top = db.execute(
        "SELECT count(*) FROM session_procedure sp JOIN session s ON s.id = sp.session_id "
        "WHERE s.voided = 0 AND s.started_at >= '2026-11-23' GROUP BY sp.procedure_code "
        "ORDER BY 1 DESC LIMIT 5"
    ).fetchall()
    assert [n for _, n in g.procedures] == [r[0] for r in top]
    assert g.week.start == date(2026, 11, 23) and not g.empty


def test_glance_of_nothing(world):
    g = load_glance(world.store, date(2026, 11, 26))
    assert g.empty and g.procedures == [] and g.barriers == []
