"""History filters answered from indexes: the query plans, and the same answers as a
plain scan would give (text, procedure, outcome, their combinations, short texts)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.domain.models import SessionFilter, SessionProcedure
from counter_app.domain.text import fold
from counter_app.services import session_queries


def plan_lines(world, flt: SessionFilter, for_page: bool) -> list[str]:
    db = world.store.db
    plan = session_queries.plan_for(db, flt)
    if for_page:
        sql = (
            f"SELECT {'DISTINCT ' if plan.distinct else ''}{plan.key} FROM {plan.source} "
            f"WHERE {plan.where_sql} ORDER BY {plan.order_by('DESC')} LIMIT 50"
        )
    else:
        what = f"count(DISTINCT {plan.key})" if plan.distinct else "count(*)"
        sql = f"SELECT {what} FROM {plan.source} WHERE {plan.where_sql}"
    return [r[3] for r in db.execute("EXPLAIN QUERY PLAN " + sql, plan.params)]


def scans_session(lines: list[str]) -> list[str]:
    """Plan lines that read the session table row by row (with or without an index)."""
    return [line for line in lines if line == "SCAN s" or line.startswith("SCAN s ")]


@pytest.fixture
def filled(world):
    submitted = world.lookup("outcome", "submitted")
    referred = world.lookup("outcome", "referred_to_counter")
    base = world.clock() - timedelta(days=3)
    notes = ["", "Mạng chậm, nộp lại", "Người dân lớn tuổi", 'Ghi "đặc biệt" 100%', "Đắk Lắk"]
    for i in range(60):
        procedures = [SessionProcedure("1.001193", submitted if i % 3 else referred)]
        if i % 7 == 0:
            procedures.append(SessionProcedure("1.004222", referred))
        saved = world.save(
            started_at=base + timedelta(minutes=i),
            backdated_reason="nhập bù",
            note=notes[i % len(notes)],
            procedures=procedures,
            officer_id=world.officer.id if i % 2 else world.officer2.id,
        )
        if i % 11 == 0:
            world.sessions.void(saved.uuid, world.supervisor.id, "nhầm")
    return world


FILTERS = {
    "procedure": lambda w: SessionFilter(procedure_code="1.004222"),
    "outcome": lambda w: SessionFilter(outcome_id=w.lookup("outcome", "referred_to_counter")),
    "text": lambda w: SessionFilter(text="mang cham"),
    "officer": lambda w: SessionFilter(officer_id=w.officer.id),
    "dates": lambda w: SessionFilter(
        date_from=w.clock() - timedelta(days=4), date_to=w.clock() - timedelta(days=2)
    ),
    "rare procedure + common text": lambda w: SessionFilter(
        procedure_code="1.004222", text="1.001193"
    ),
    "outcome + rare text": lambda w: SessionFilter(
        outcome_id=w.lookup("outcome", "submitted"), text="dak lak"
    ),
    "procedure + outcome + text": lambda w: SessionFilter(
        procedure_code="1.001193",
        outcome_id=w.lookup("outcome", "referred_to_counter"),
        text="lon tuoi",
    ),
}


@pytest.mark.parametrize("name", FILTERS)
def test_no_filter_scans_the_session_table(filled, name):
    flt = FILTERS[name](filled)
    assert session_queries.has_fulltext(filled.store.db)
    assert scans_session(plan_lines(filled, flt, for_page=True)) == []
    assert scans_session(plan_lines(filled, flt, for_page=False)) == []


def test_a_text_page_needs_no_sort_however_common_the_text(filled):
    """The full-text index hands out its matches in start order (its rowid is the start):
    a page is its first rows, never a sort of every match."""
    for text in ("mang cham", "1.001193"):
        page = plan_lines(filled, SessionFilter(text=text), for_page=True)
        assert not any("TEMP B-TREE" in line for line in page), page
        assert scans_session(page) == []


def test_text_and_procedure_are_driven_by_the_rarer(filled):
    db = filled.store.db
    rare_procedure = session_queries.plan_for(db, FILTERS["rare procedure + common text"](filled))
    assert rare_procedure.source.startswith("session_procedure")
    rare_text = session_queries.plan_for(db, FILTERS["outcome + rare text"](filled))
    assert rare_text.source.startswith("session_fts")


def test_the_checker_sees_a_scan(filled):
    """The plan test above can fail: the EXISTS-per-session query it replaced scans."""
    sql = (
        "SELECT s.id FROM session s WHERE EXISTS (SELECT 1 FROM session_procedure sp "
        "WHERE sp.session_id = s.id AND sp.procedure_code = ?) ORDER BY s.started_at DESC"
    )
    lines = [r[3] for r in filled.store.db.execute("EXPLAIN QUERY PLAN " + sql, ["1.004222"])]
    assert scans_session(lines)


def expected(world, flt: SessionFilter) -> list[str]:
    """The answer computed the slow, obvious way in Python."""
    out = []
    for row in world.sessions.list(SessionFilter(include_voided=True), limit=10_000):
        s = world.sessions.get(row.uuid)
        if s.voided and not flt.include_voided:
            continue
        if flt.officer_id and s.officer_id != flt.officer_id:
            continue
        codes = {p.procedure_code for p in s.procedures}
        if flt.procedure_code and flt.procedure_code not in codes:
            continue
        if flt.outcome_id and flt.outcome_id not in {p.outcome_id for p in s.procedures}:
            continue
        haystack = fold(" ".join([s.note, *codes]))
        if flt.text and fold(flt.text) not in haystack:
            continue
        out.append(s.uuid)
    return out


@pytest.mark.parametrize(
    "text",
    ["mang cham", "MẠNG CHẬM", "dak lak", "Đắk", '"đặc biệt"', "100%", "lớn", "zzz", "ly", "1.004"],
)
def test_text_matches_like_a_substring_of_the_folded_text(filled, text):
    flt = SessionFilter(text=text)
    got = [r.uuid for r in filled.sessions.list(flt, limit=200)]
    assert got == expected(filled, flt)
    assert filled.sessions.count(flt) == len(got)


@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("voided", [False, True])
def test_every_filter_gives_the_obvious_answer_in_date_order(filled, name, voided):
    flt = FILTERS[name](filled)
    flt.include_voided = voided
    got = [r.uuid for r in filled.sessions.list(flt, limit=200)]
    assert got == expected(filled, flt)
    assert filled.sessions.count(flt) == len(got)
    oldest = [r.uuid for r in filled.sessions.list(flt, limit=200, oldest_first=True)]
    assert oldest == list(reversed(got))


def test_the_index_follows_corrections_and_new_starts(filled):
    s = filled.save(note="Chuyển hộ khẩu")
    assert [r.uuid for r in filled.sessions.list(SessionFilter(text="chuyen ho"))] == [s.uuid]
    edited = filled.sessions.get(s.uuid)
    edited.note = "Đổi ghi chú"
    edited.started_at = filled.clock() - timedelta(hours=2)
    filled.sessions.update(s.uuid, edited, actor_id=filled.supervisor.id)
    assert filled.sessions.list(SessionFilter(text="chuyen ho")) == []
    assert [r.uuid for r in filled.sessions.list(SessionFilter(text="doi ghi"))] == [s.uuid]
    lines = filled.store.db.execute(
        "SELECT DISTINCT sp.started_at FROM session_procedure sp JOIN session s "
        "ON s.id = sp.session_id WHERE s.uuid = ?",
        [s.uuid],
    ).fetchall()
    assert lines == [(edited.started_at.isoformat(timespec="seconds"),)]
