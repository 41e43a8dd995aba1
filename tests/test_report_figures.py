"""The summary sheet's figures against independent SQL counts on a generated week."""

from __future__ import annotations

import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from counter_app.domain.models import SessionProcedure, TriState
from counter_app.reports import Period, export_report
from counter_app.reports import labels as L
from counter_app.services.demo import generate
from counter_app.services.sessions import SessionService
from tests.helpers.shown import same_figure

WEEK = Period.iso_week(2026, 47)  # 16/11/2026 .. 22/11/2026
SECRET_NAME = "Nguyễn Văn Bímật"
SECRET_PHONE = "0912345678"
SECRET_ID = "079123456789"


def build_week(world) -> dict:
    """Demo sessions for weeks 46–47 plus the edge cases a report must get right."""
    generate(world.store, weeks=2, per_day=12, end=date(2026, 11, 22), seed=7)
    svc = SessionService(world.store, clock=lambda: datetime(2026, 11, 30, 12))
    lk = world.lookup
    made = {}

    def save(**kw):
        kw.setdefault("backdated_reason", "nhập bù")
        return svc.create(world.make(**kw))

    made["sunday_last"] = save(started_at=datetime(2026, 11, 22, 23, 59), minutes=5)
    made["monday_first"] = save(started_at=datetime(2026, 11, 16, 0, 0), minutes=7)
    made["next_monday"] = save(started_at=datetime(2026, 11, 23, 0, 0))  # week 48
    made["prev_sunday"] = save(started_at=datetime(2026, 11, 15, 23, 59))  # week 46
    made["multi"] = save(
        started_at=datetime(2026, 11, 18, 9, 30),
        minutes=25,
        applicant_type_id=lk("applicant_type", "organisation"),
        elderly=TriState.YES,
        ethnic_minority=TriState.YES,
        disability=TriState.YES,
        procedures=[
            SessionProcedure("1.001193", lk("outcome", "submitted")),
            SessionProcedure(
                "1.004222",
                lk("outcome", "not_submitted"),
                [lk("barrier", "payment_error"), lk("barrier", "no_smartphone")],
            ),
        ],
    )
    voided = save(
        started_at=datetime(2026, 11, 19, 10, 0),
        minutes=40,
        citizen_name=SECRET_NAME,
        citizen_phone=SECRET_PHONE,
    )
    svc.void(voided.uuid, world.supervisor.id, "nhập nhầm")
    made["voided"] = voided
    made["personal"] = save(
        started_at=datetime(2026, 11, 20, 14, 0),
        citizen_name=SECRET_NAME,
        citizen_phone=SECRET_PHONE,
        citizen_id_number=SECRET_ID,
        note='=HYPERLINK("http://x","bấm")',
    )
    for note in ("+84 gọi lại", "-2 giấy tờ", "@SUM(A1:A3)"):
        save(started_at=datetime(2026, 11, 20, 15, 0), note=note)
    # retired values stay readable: used, then retired
    custom = world.lookups.add("barrier", "Mất điện")
    made["retired"] = save(
        started_at=datetime(2026, 11, 21, 8, 0),
        procedures=[SessionProcedure("1.001193", lk("outcome", "not_submitted"), [custom.id])],
    )
    world.lookups.set_active(custom.id, False)
    world.lookups.set_active(lk("help_type", "install_app"), False)
    return made


def sql_figures(db, start: str, end: str) -> dict:
    """Independent counts straight from the tables."""
    q = lambda sql: db.execute(sql, [start, end]).fetchone()[0]  # noqa: E731
    base = "FROM session s WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?"
    sessions = q(f"SELECT count(*) {base}")
    procs = q(
        "SELECT count(*) FROM session_procedure sp JOIN session s ON s.id = sp.session_id "
        "WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?"
    )
    ok = q(
        "SELECT count(*) FROM session_procedure sp JOIN session s ON s.id = sp.session_id "
        "JOIN lookup l ON l.id = sp.outcome_id WHERE l.code = 'submitted' AND s.voided = 0 "
        "AND s.started_at >= ? AND s.started_at < ?"
    )
    minutes = q(f"SELECT coalesce(sum(minutes), 0) {base}")

    def applicant(code):
        return q(
            "SELECT count(*) FROM session s JOIN lookup l ON l.id = s.applicant_type_id "
            f"WHERE l.code = '{code}' AND s.voided = 0 AND s.started_at >= ? "
            "AND s.started_at < ?"
        )

    def tri(col):
        return q(f"SELECT count(*) {base} AND s.{col} = 'yes'")

    return {
        L.KF_SESSIONS: sessions,
        L.KF_INDIVIDUALS.strip(): applicant("individual"),
        L.KF_ORGANISATIONS.strip(): applicant("organisation"),
        L.KF_PROCEDURES: procs,
        L.KF_SUBMITTED: ok,
        L.KF_SUCCESS_RATE: ok / procs,
        L.KF_AVG_MINUTES: minutes / sessions,
        L.KF_ELDERLY: tri("elderly") / sessions,
        L.KF_ETHNIC: tri("ethnic_minority") / sessions,
        L.KF_DISABILITY: tri("disability") / sessions,
    }


@pytest.fixture
def report_file(world, tmp_path):
    made = build_week(world)
    path = export_report(world.store, WEEK, tmp_path / "week.xlsx")
    return world, made, path


def summary_values(path) -> dict[str, tuple]:
    ws = load_workbook(path)[L.SHEET_SUMMARY]
    out = {}
    for row in ws.iter_rows(values_only=True):
        if isinstance(row[1], str):
            out[row[1].strip()] = row[2:4]
    return out


def test_every_summary_figure_matches_sql(report_file):
    world, _, path = report_file
    got = summary_values(path)
    db = world.store.db.conn
    current = sql_figures(db, "2026-11-16T00:00:00", "2026-11-23T00:00:00")
    previous = sql_figures(db, "2026-11-09T00:00:00", "2026-11-16T00:00:00")
    assert current[L.KF_SESSIONS] > 50
    for label, value in current.items():
        assert same_figure(got[label][0], value), (label, got[label][0], value)
        assert same_figure(got[label][1], previous[label]), (label, got[label][1])


def test_edges_voided_and_multi_procedure_sessions(report_file):
    world, made, path = report_file
    wb = load_workbook(path, read_only=True)
    detail = list(wb[L.SHEET_DETAIL].iter_rows(min_row=4, values_only=True))
    uuids = [r[1] for r in detail]
    assert made["sunday_last"].uuid in uuids
    assert made["monday_first"].uuid in uuids
    assert made["next_monday"].uuid not in uuids
    assert made["prev_sunday"].uuid not in uuids
    assert made["voided"].uuid not in uuids
    multi = [r for r in detail if r[1] == made["multi"].uuid]
    headers = list(L.DETAIL_HEADERS)
    count_col = headers.index("Tính lượt")
    assert len(multi) == 2 and [r[count_col] for r in multi] == [1, 0]
    assert sum(r[count_col] for r in detail) == summary_values(path)[L.KF_SESSIONS][0]


def test_procedure_and_barrier_tables_match_sql(report_file):
    world, _, path = report_file
    wb = load_workbook(path, read_only=True)
    db = world.store.db.conn
    args = ["2026-11-16T00:00:00", "2026-11-23T00:00:00"]
    expected = dict(
        db.execute(
            "SELECT sp.procedure_code, count(*) FROM session_procedure sp JOIN session s "
            "ON s.id = sp.session_id WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ? "
            "GROUP BY 1",
            args,
        )
    )
    rows = list(wb[L.SHEET_PROCEDURES].iter_rows(min_row=4, values_only=True))
    head = list(rows[0])
    code, count = head.index(L.COL_PROC_CODE), head.index(L.COL_PROCEDURES)
    got = {r[code]: r[count] for r in rows[1:] if r[code] and isinstance(r[count], int)}
    assert got == expected
    assert [r[0] for r in rows[1 : len(got) + 1]] == list(range(1, len(got) + 1))  # STT
    barriers = dict(
        db.execute(
            "SELECT l.label, count(*) FROM session_procedure_barrier b JOIN lookup l "
            "ON l.id = b.barrier_id JOIN session_procedure sp ON sp.id = b.session_procedure_id "
            "JOIN session s ON s.id = sp.session_id WHERE s.voided = 0 AND s.started_at >= ? "
            "AND s.started_at < ? GROUP BY 1",
            args,
        )
    )
    sheet = {
        r[1]: r[2] for r in wb[L.SHEET_BARRIERS].iter_rows(values_only=True) if r[1] in barriers
    }
    assert sheet == barriers
    assert sheet["Mất điện"] == 1  # retired value still readable


def test_no_personal_data_anywhere(report_file):
    _, _, path = report_file
    with zipfile.ZipFile(path) as z:
        blob = b"".join(z.read(n) for n in z.namelist())
    for secret in (SECRET_NAME, SECRET_PHONE, SECRET_ID):
        assert secret.encode("utf-8") not in blob


def test_default_name_and_never_overwrite(world):
    build_week(world)
    first = export_report(world.store, WEEK)
    second = export_report(world.store, WEEK)
    assert first.name == "BaoCao_Tuan47-2026_XA01.xlsx"
    assert second.name == "BaoCao_Tuan47-2026_XA01 (2).xlsx"
    assert first.exists() and second.exists()
    assert not [p for p in first.parent.iterdir() if p.name.startswith(".~")]


def test_empty_week_still_makes_a_report(world, tmp_path):
    path = export_report(world.store, WEEK, tmp_path / "empty.xlsx")
    got = summary_values(path)
    assert got[L.KF_SESSIONS][0] == 0
    # an undefined rate reads "—" like the previous week's, never a blank cell
    for label in (L.KF_SUCCESS_RATE, L.KF_AVG_MINUTES, L.KF_ELDERLY):
        assert got[label] == (L.NO_PREVIOUS, L.NO_PREVIOUS)


def test_sql_totals_agree_with_aggregated_records(world):
    from counter_app.reports.aggregate import totals
    from counter_app.reports.source import load_sessions, load_totals

    build_week(world)
    for p in (WEEK, WEEK.previous(), Period.month(2026, 11)):
        assert load_totals(world.store, p.start, p.end) == totals(
            load_sessions(world.store, p.start, p.end)
        )


class _SaveMidway:
    """A reader connection that lets the officer save a session (on the app's own
    connection) just before the report's last query, as a worker export allows."""

    def __init__(self, conn, save):
        self._conn, self._save, self.fired = conn, save, False

    def __getattr__(self, name):
        return getattr(self._conn, name)

    def execute(self, sql, *args):
        if not self.fired and "LEFT JOIN office o" in sql:
            self.fired = True
            self._save()
        return self._conn.execute(sql, *args)


def test_a_session_saved_during_the_export_is_wholly_in_or_out(file_world):
    from counter_app.reports.export import compute

    svc = SessionService(file_world.store, clock=lambda: datetime(2026, 11, 30, 12))

    def save():
        svc.create(
            file_world.make(started_at=datetime(2026, 11, 18, 9), backdated_reason="nhập bù")
        )

    save()
    reader = file_world.store.reader()
    try:
        reader.db.conn = spy = _SaveMidway(reader.db.conn, save)
        report, sessions = compute(reader, WEEK)
    finally:
        reader.close()
    assert spy.fired
    assert all(s.procedures and s.help_types for s in sessions)
    assert report.totals.procedures == sum(len(s.procedures) for s in sessions)
