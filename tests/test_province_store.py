"""The province's consolidated store: ingested once each (hash), newest copy wins, voids
travel, format 1 and 2 files mix, a folder of good and bad files, the expected offices
and the week's board, the per-office comparison against a consolidation of the same
files, the CSV dataset reloaded and cross-checked, and the store's own safety."""

from __future__ import annotations

import csv
import shutil
import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook

from counter_app.province import queries as Q
from counter_app.province.board import LATE, MISSING, RECEIVED, week_board
from counter_app.province.export_csv import TABLES, export_csv
from counter_app.province.ingest import ingest
from counter_app.province.offices import import_office_list, read_office_list
from counter_app.province.store import open_province_store
from counter_app.reports import Period
from counter_app.reports import labels as L
from counter_app.reports.consolidate import consolidate
from tests.test_report_consolidate_v2 import W47, Office_, to_format_1
from tests.test_report_figures import summary_values

NOW = datetime(2026, 11, 30, 9, 0)


@pytest.fixture
def offices():
    made = [
        Office_("XA01", "UBND xã Mẫu Sơn", 1),
        Office_("XA02", "UBND xã Tân Hòa", 2),
        Office_("PH03", "UBND phường An Lạc", 3),
    ]
    yield made
    for o in made:
        o.close()


@pytest.fixture
def store(tmp_path):
    s = open_province_store(tmp_path / "kho")
    yield s
    s.close(backup_on_exit=False)


def damage_first_page(path: Path) -> None:
    """Overwrite the first page after the header: the file no longer opens as a store."""
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))


def sessions_in(store, period: Period) -> int:
    return Q.count_rows(store, period)[0]


def test_the_store_is_opened_like_the_office_database(store, tmp_path):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.path.name == "kho_tong_hop.db" and store.lock is not None


def test_a_damaged_store_is_restored_from_its_newest_backup(tmp_path, offices):
    folder = tmp_path / "kho"
    s = open_province_store(folder)
    ingest(s, [offices[0].export(W47, tmp_path / "a.xlsx")], clock=lambda: NOW)
    s.backup("manual")
    count = sessions_in(s, W47)
    s.close(backup_on_exit=False)
    damage_first_page(folder / "kho_tong_hop.db")
    s = open_province_store(folder)
    try:
        assert s.recovery is not None and s.recovery.restored_from is not None
        assert sessions_in(s, W47) == count
        assert list((folder / "damaged").iterdir())
    finally:
        s.close(backup_on_exit=False)


def test_the_store_counts_its_writes_and_counts_on_above_a_restored_backup(tmp_path, offices):
    """Like the office file, the store orders its backups by a write counter (not the PC
    clock): after a restore it counts on above every backup seen."""
    folder = tmp_path / "kho"
    s = open_province_store(folder)
    ingest(s, [offices[0].export(W47, tmp_path / "a.xlsx")], clock=lambda: NOW)
    s.backup("manual")
    ingest(s, [offices[1].export(W47, tmp_path / "b.xlsx")], clock=lambda: NOW)
    newest = s.backup("manual")
    count = sessions_in(s, W47)
    writes = s.db.execute("SELECT value FROM storage_meta WHERE key = 'writes'").fetchone()[0]
    s.close(backup_on_exit=False)
    assert writes >= 2
    damage_first_page(folder / "kho_tong_hop.db")
    s = open_province_store(folder)
    try:
        assert s.recovery is not None and s.recovery.restored_from == newest
        assert sessions_in(s, W47) == count
        after = s.db.execute("SELECT value FROM storage_meta WHERE key = 'writes'").fetchone()[0]
        assert after > writes
    finally:
        s.close(backup_on_exit=False)


def test_a_store_from_a_newer_app_is_refused_untouched(tmp_path):
    from counter_app.storage.errors import SchemaTooNewError

    folder = tmp_path / "kho"
    open_province_store(folder).close(backup_on_exit=False)
    path = folder / "kho_tong_hop.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError):
        open_province_store(folder)
    assert path.read_bytes() == before


def test_each_file_is_ingested_once_and_a_re_export_counts_once(store, offices, tmp_path):
    a = offices[0]
    first = a.export(W47, tmp_path / "a.xlsx")
    report = ingest(store, [first], by="Văn thư", clock=lambda: NOW)
    assert len(report.ingested) == 1 and report.ingested[0].new == a.count(W47)
    again = ingest(store, [first, first], clock=lambda: NOW)
    assert [o.status for o in again.outcomes] == ["known"]  # the same path twice is one
    copy = tmp_path / "ban_sao.xlsx"
    shutil.copyfile(first, copy)
    known = ingest(store, [copy], clock=lambda: NOW)
    assert known.known and "a.xlsx" in known.known[0].reason  # recognised by its content
    a.now += timedelta(hours=1)
    re_export = a.export(W47, tmp_path / "a_lai.xlsx")  # same data, another file
    third = ingest(store, [re_export], clock=lambda: NOW)
    assert third.ingested[0].new == 0
    assert sessions_in(store, W47) == a.count(W47)
    row = store.db.execute(
        "SELECT name, ingested_by, sessions, new_sessions FROM received_file ORDER BY id"
    ).fetchone()
    assert row == ("a.xlsx", "Văn thư", a.count(W47), a.count(W47))


def test_newest_copy_wins_and_voids_travel_in_either_order(offices, tmp_path):
    a = offices[0]
    before = a.export(W47, tmp_path / "truoc.xlsx")
    edited, voided = a.first_uuid(W47), None
    a.now += timedelta(hours=2)
    session = a.sessions.get(edited)
    session.minutes = 41
    a.sessions.update(edited, session, a.world.supervisor.id, "sửa")
    voided = a.store.db.execute(
        "SELECT uuid FROM session WHERE voided = 0 AND uuid <> ? AND started_at >= '2026-11-16' "
        "ORDER BY started_at LIMIT 1",
        [edited],
    ).fetchone()[0]
    a.sessions.void(voided, a.world.supervisor.id, "nhập nhầm")
    after = a.export(W47, tmp_path / "sau.xlsx")
    for order in ([before, after], [after, before]):
        s = open_province_store(tmp_path / f"kho_{order[0].stem}")
        try:
            for f in order:
                ingest(s, [f], clock=lambda: NOW)
            assert sessions_in(s, W47) == a.count(W47)
            minutes = {
                str(__import__("uuid").UUID(bytes=k)): m
                for k, m in s.db.execute("SELECT uuid, minutes FROM session WHERE voided = 0")
            }
            assert minutes[edited] == 41 and voided not in minutes
        finally:
            s.close(backup_on_exit=False)


def test_format_1_and_2_files_mixed(store, offices, tmp_path):
    a, b, _ = offices
    old = to_format_1(a.export(W47, tmp_path / "a2.xlsx"), tmp_path / "a1.xlsx")
    report = ingest(store, [old, b.export(W47, tmp_path / "b2.xlsx")], clock=lambda: NOW)
    assert len(report.ingested) == 2
    assert sessions_in(store, W47) == a.count(W47) + b.count(W47)
    versions = [r[0] for r in store.db.execute("SELECT format_version FROM received_file")]
    assert sorted(versions) == [1, 2]
    # the format 2 copy of the same sessions replaces nothing it should not
    ingest(store, [tmp_path / "a2.xlsx"], clock=lambda: NOW)
    assert sessions_in(store, W47) == a.count(W47) + b.count(W47)


def test_a_folder_of_good_and_bad_files(store, offices, tmp_path):
    folder = tmp_path / "zalo"
    (folder / "tuan47").mkdir(parents=True)
    for o in offices:
        o.export(W47, folder / "tuan47" / f"{o.code}.xlsx")
    (folder / "ghi_chu.xlsx").write_text("không phải", encoding="utf-8")
    (folder / "~$dang_mo.xlsx").write_bytes(b"lock")  # Excel's lock file: not a report
    (folder / "anh.jpg").write_bytes(b"\xff\xd8")
    wb = Workbook()
    wb.active["A1"] = "Sổ tay"
    wb.save(folder / "so_tay.xlsx")
    report = ingest(store, [folder], clock=lambda: NOW)
    assert len(report.ingested) == 3
    assert sorted(o.path.name for o in report.bad) == ["ghi_chu.xlsx", "so_tay.xlsx"]
    lines = "\n".join(report.lines())
    assert "ghi_chu.xlsx: không nhận — tệp bị hỏng" in lines
    assert "so_tay.xlsx: không nhận — không phải báo cáo" in lines
    assert sessions_in(store, W47) == sum(o.count(W47) for o in offices)


def office_list(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐƠN VỊ HÀNH CHÍNH CẤP XÃ"])
    ws.append(["STT", "Mã đơn vị", "Tên đơn vị", "Loại", "Trực thuộc"])
    rows = [
        ("XA01", "UBND xã Mẫu Sơn", "Xã"),
        ("XA02", "UBND xã Tân Hòa", "xã"),
        ("PH03", "UBND phường An Lạc", "Phường"),
        ("XA04", "UBND xã Mỹ An", "xã"),
        ("SNV", "Sở Nội vụ", "Sở"),
    ]
    for i, (code, name, kind) in enumerate(rows, 1):
        ws.append([i, code, name, kind, "Tỉnh Đồng Tháp"])
    ws.append([6, "", "Không mã", "xã", ""])
    wb.save(path)
    return path


def test_received_missing_late_and_resent_against_the_expected_list(store, offices, tmp_path):
    listed = read_office_list(office_list(tmp_path / "ds.xlsx"))
    assert [o.kind for o in listed.offices] == ["xã", "xã", "phường", "xã", "sở ngành"]
    assert listed.rejected and listed.rejected[0][0] == 8
    assert import_office_list(store, listed) == (5, 0)
    a, b, c = offices
    a.now = datetime(2026, 11, 23, 10)  # Monday, before the 17:00 deadline
    ingest(store, [a.export(W47, tmp_path / "a.xlsx")], clock=lambda: NOW)
    b.now = datetime(2026, 11, 24, 9)  # Tuesday: late
    ingest(store, [b.export(W47, tmp_path / "b.xlsx")], clock=lambda: NOW)
    a.now = datetime(2026, 11, 23, 15)
    ingest(store, [a.export(W47, tmp_path / "a_lai.xlsx")], clock=lambda: NOW)  # re-sent
    ingest(store, [c.export(W47.previous(), tmp_path / "c46.xlsx")], clock=lambda: NOW)
    board = week_board(store, W47)
    status = {r.code: (r.status, r.resent) for r in board.rows}
    assert status == {
        "XA01": (RECEIVED, True),
        "XA02": (LATE, False),
        "PH03": (MISSING, False),  # sent only the week before
        "XA04": (MISSING, False),
        "SNV": (MISSING, False),
    }
    order = {MISSING: 0, LATE: 1, RECEIVED: 2}  # the desk sees who has not sent first
    assert [r.status for r in board.rows] == sorted((r.status for r in board.rows), key=order.get)
    assert board.summary().startswith(W47.label + ": 2/5 đơn vị đã gửi báo cáo · 3 chưa gửi")


def test_comparison_totals_add_up_and_equal_a_consolidation(store, offices, tmp_path):
    files = [o.export(W47, tmp_path / f"{i}.xlsx") for i, o in enumerate(offices)]
    previous = [o.export(W47.previous(), tmp_path / f"p{i}.xlsx") for i, o in enumerate(offices)]
    ingest(store, files + previous, clock=lambda: NOW)
    c = Q.comparison(store, W47)
    assert [r.sessions for r in c.rows] == sorted((r.sessions for r in c.rows), reverse=True)
    for attr in ("sessions", "procedures", "submitted", "elderly", "ethnic", "disability"):
        assert getattr(c.total, attr) == sum(getattr(r, attr) for r in c.rows), attr
    assert c.total.previous == sum(o.count(W47.previous()) for o in offices)
    merged = consolidate(files, tmp_path / "th.xlsx")
    got = summary_values(merged.path)
    assert c.total.sessions == merged.sessions == got[L.KF_SESSIONS][0]
    assert c.total.procedures == got[L.KF_PROCEDURES][0]
    assert c.total.submitted == got[L.KF_SUBMITTED][0]
    assert {r.code: (r.sessions, r.previous) for r in c.rows} == {
        o.code: (o.count(W47), o.count(W47.previous())) for o in offices
    }
    kinds = {k: (sums.sessions, n) for k, sums, n in Q.by_kind(c)}
    assert sum(s for s, _ in kinds.values()) == c.total.sessions


def test_trend_and_year_to_date(store, offices, tmp_path):
    weeks = [W47.previous().previous(), W47.previous(), W47]
    ingest(
        store,
        [
            o.export(w, tmp_path / f"{i}_{w.week}.xlsx")
            for i, o in enumerate(offices)
            for w in weeks
        ],
        clock=lambda: NOW,
    )
    t = Q.trend(store, W47, 8)
    assert len(t.weeks) == 8 and t.weeks[-1] == W47
    assert [n for n, _, _ in t.total][-3:] == [sum(o.count(w) for o in offices) for w in weeks]
    assert sum(sum(counts) for _, _, counts in t.offices) == sum(n for n, _, _ in t.total)
    _, ytd = Q.year_to_date(store, W47)
    assert ytd.sessions == sum(n for n, _, _ in t.total)


def test_the_csv_dataset_reloads_into_a_fresh_database(store, offices, tmp_path):
    files = [o.export(W47, tmp_path / f"{i}.xlsx") for i, o in enumerate(offices)]
    a = offices[0]
    a.now += timedelta(hours=1)
    a.sessions.void(a.first_uuid(W47), a.world.supervisor.id, "nhầm")
    ingest(store, files + [a.export(W47, tmp_path / "a_sau.xlsx")], clock=lambda: NOW)
    counts = export_csv(store, tmp_path / "csv")
    db = sqlite3.connect(":memory:")
    for name, columns, _sql in TABLES:
        table = name.removesuffix(".csv")
        header = [c for c, _, _ in columns]
        db.execute(f"CREATE TABLE {table} ({', '.join(header)})")
        with open(tmp_path / "csv" / name, encoding="utf-8", newline="") as f:
            raw = f.read(3)
            assert raw != "\ufeff"[:1] * 3 and not raw.startswith("\ufeff")  # no BOM
            f.seek(0)
            rows = list(csv.reader(f))
        assert rows[0] == header
        db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(header))})", rows[1:])
        assert len(rows) - 1 == counts[name]
    q = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    assert q("SELECT count(*) FROM sessions") == sessions_in(store, W47)
    assert q("SELECT count(*) FROM procedures") == Q.count_rows(store, W47)[1]
    c = Q.comparison(store, W47)
    assert q("SELECT sum(submitted) FROM procedures") == c.total.submitted
    assert q("SELECT sum(minutes) FROM sessions") == Q.totals(store, W47.start, W47.end).minutes
    per_office = dict(db.execute("SELECT office_code, count(*) FROM sessions GROUP BY 1"))
    assert per_office == {r.code: r.sessions for r in c.rows if r.sessions}
    assert (
        q(
            "SELECT count(*) FROM procedures p LEFT JOIN sessions s USING (session_uuid) "
            "WHERE s.session_uuid IS NULL"
        )
        == 0
    )
    assert q("SELECT count(*) FROM sessions WHERE elderly NOT IN ('yes','no','unknown')") == 0
    assert (tmp_path / "csv" / "README.md").read_text(encoding="utf-8").count("## ") == len(TABLES)
    assert (tmp_path / "csv" / "datapackage.json").exists()


def test_reading_in_a_second_process_ingests_the_same(offices, tmp_path, caplog):
    """The files may be read by spawned processes ahead of the writer (a server's cores):
    the store ends the same as when one process does everything."""
    files = [
        o.export(w, tmp_path / f"{o.code}_{w.week}.xlsx")
        for o in offices
        for w in (W47.previous(), W47)
    ]
    results = []
    for workers in (0, 1):
        s = open_province_store(tmp_path / f"kho{workers}")
        try:
            report = ingest(s, files, clock=lambda: NOW, workers=workers)
            rows = s.db.execute(
                "SELECT uuid, minutes, voided FROM session ORDER BY uuid"
            ).fetchall()
            results.append(([o.status for o in report.outcomes], rows))
        finally:
            s.close(backup_on_exit=False)
    assert results[0] == results[1] and len(results[0][1]) > 0
    assert "reading processes unavailable" not in caplog.text  # the reader really ran
