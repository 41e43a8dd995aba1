"""The defects of consolidation as a provincial desk met them: the cover headed by the
first file, files of different periods merged silently, a session edited between two
exports refusing both files, a voided one still counting — and format 1 files still
readable beside format 2."""

from __future__ import annotations

import zipfile
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook

from counter_app import cli, paths
from counter_app.domain.models import Office
from counter_app.reports import Period
from counter_app.reports import labels as L
from counter_app.reports.consolidate import MixedPeriodsError, consolidate
from counter_app.reports.datasheet_reader import read_data_file
from counter_app.reports.export import export_documents
from counter_app.services.demo import generate
from counter_app.services.sessions import SessionService
from counter_app.storage.database import open_memory_store
from tests.conftest import World
from tests.helpers.shown import shown
from tests.test_report_figures import summary_values

W47, W48 = Period.iso_week(2026, 47), Period.iso_week(2026, 48)


class Office_:
    """One office's data and a clock that can move between its exports."""

    def __init__(self, code: str, name: str, seed: int):
        self.code = code
        self.store = open_memory_store()
        self.now = datetime(2026, 11, 30, 8, 0)
        self.world = World(self.store, clock=lambda: self.now)
        self.world.offices.save_office(
            Office(code=code, name=name, province="Tỉnh Đồng Tháp", id=self.world.office.id)
        )
        generate(self.store, weeks=3, per_day=6, end=date(2026, 11, 29), seed=seed)
        self.sessions = SessionService(self.store, clock=lambda: self.now)

    def export(self, period: Period, path) -> object:
        return export_documents(self.store, period, path, formats=("xlsx",), now=self.now).files[
            "xlsx"
        ]

    def count(self, period: Period) -> int:
        return self.store.db.execute(
            "SELECT count(*) FROM session WHERE voided = 0 AND started_at >= ? AND started_at < ?",
            [period.start.isoformat(), (period.end + timedelta(days=1)).isoformat()],
        ).fetchone()[0]

    def first_uuid(self, period: Period) -> str:
        return self.store.db.execute(
            "SELECT uuid FROM session WHERE voided = 0 AND started_at >= ? ORDER BY started_at",
            [period.start.isoformat()],
        ).fetchone()[0]

    def close(self) -> None:
        self.store.close(backup_on_exit=False)


@pytest.fixture
def two():
    a, b = Office_("XA01", "UBND xã Mẫu Sơn", 1), Office_("XA02", "UBND xã Tân Hòa", 2)
    yield a, b
    a.close()
    b.close()


def to_format_1(src, dst):
    """The same file as an app of format 1 wrote it: no update times, no tombstones."""
    wb = load_workbook(src)
    ws = wb[L.SHEET_DATA]
    ws["B1"] = 1
    drop = []
    updated_col = None
    for row in ws.iter_rows():
        tag = row[0].value
        if tag == "#S":
            updated_col = [c.value for c in row].index("updated_at")
            row[updated_col].value = None
        elif tag == "S" and updated_col is not None:
            row[updated_col].value = None
        elif tag in ("#V", "V"):
            drop.append(row[0].row)
        elif tag == "END":
            row[3].value = None
    for r in reversed(drop):
        ws.delete_rows(r)
    wb.save(dst)
    return dst


def test_the_consolidating_office_heads_the_result_never_the_first_file(two, tmp_path):
    a, b = two
    files = [a.export(W47, tmp_path / "a.xlsx"), b.export(W47, tmp_path / "b.xlsx")]
    from counter_app.reports.records import OfficeInfo

    me = OfficeInfo("STP", "Sở Nội vụ tỉnh Đồng Tháp", "Tỉnh Đồng Tháp", "UBND tỉnh Đồng Tháp")
    result = consolidate(files, tmp_path / "th.xlsx", office=me)
    cover = [
        c
        for r in load_workbook(result.path)[L.SHEET_SUMMARY].iter_rows(values_only=True)
        for c in r
        if c
    ]
    assert "SỞ NỘI VỤ TỈNH ĐỒNG THÁP" in cover and "UBND TỈNH ĐỒNG THÁP" in cover
    assert not any("MẪU SƠN" in str(c) for c in cover[:6])
    # without an office: a neutral heading, not the first file's
    plain = consolidate(files, tmp_path / "th2.xlsx")
    cover = [
        c
        for r in load_workbook(plain.path)[L.SHEET_SUMMARY].iter_rows(values_only=True)
        for c in r
        if c
    ]
    assert not any("MẪU SƠN" in str(c) for c in cover[:6])


def test_the_command_heads_with_this_apps_office_or_the_one_given(
    two, tmp_path, file_world, capsys
):
    a, b = two
    files = [str(a.export(W47, tmp_path / "a.xlsx")), str(b.export(W47, tmp_path / "b.xlsx"))]
    file_world.store.close(backup_on_exit=False)  # this PC's office: XA01 "…xã Tân Hòa"
    out = tmp_path / "th.xlsx"
    assert cli.run(["consolidate", *files, "--xlsx", "--out", str(out)]) == 0
    cover = [
        c for r in load_workbook(out)[L.SHEET_SUMMARY].iter_rows(values_only=True) for c in r if c
    ]
    assert "TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ TÂN HÒA" in cover
    printed = capsys.readouterr().out
    assert (
        "a.xlsx" in printed and "Tuần 47/2026" in printed and "xuất lúc 08:00 30/11/2026" in printed
    )
    out2 = tmp_path / "th2.xlsx"
    argv = ["consolidate", *files, "--xlsx", "--office", "Sở Nội vụ tỉnh Đồng Tháp"]
    assert cli.run([*argv, "--out", str(out2)]) == 0
    cover = [
        c for r in load_workbook(out2)[L.SHEET_SUMMARY].iter_rows(values_only=True) for c in r if c
    ]
    assert "SỞ NỘI VỤ TỈNH ĐỒNG THÁP" in cover
    assert paths.database_path().exists()


def test_files_of_different_periods_are_refused_unless_asked(two, tmp_path, capsys):
    a, b = two
    w48 = [a.export(W48, tmp_path / "a48.xlsx"), b.export(W48, tmp_path / "b48.xlsx")]
    w47 = b.export(W47, tmp_path / "b47.xlsx")
    out = tmp_path / "out" / "th.xlsx"
    out.parent.mkdir()
    with pytest.raises(MixedPeriodsError) as info:
        consolidate([*w48, w47], out)
    message = str(info.value)
    assert "Tuần 47/2026" in message and "Tuần 48/2026" in message
    for f in (*w48, w47):
        assert f.name in message  # every file with its office, period and export time
    assert "UBND xã Tân Hòa" in message and "xuất lúc" in message
    assert list(out.parent.iterdir()) == []
    assert cli.run(["consolidate", *map(str, [*w48, w47]), "--out", str(out)]) == 1
    assert "kỳ báo cáo khác nhau" in capsys.readouterr().err
    result = consolidate([*w48, w47], out, mixed_periods=True)
    assert result.sessions == a.count(W48) + b.count(W48) + b.count(W47)


def test_the_newer_copy_of_an_edited_session_wins(two, tmp_path):
    a, _ = two
    before = a.export(W47, tmp_path / "truoc.xlsx")
    uuid = a.first_uuid(W47)
    a.now += timedelta(hours=3)
    session = a.sessions.get(uuid)
    session.minutes = 33
    a.sessions.update(uuid, session, a.world.supervisor.id, "sửa thời gian")
    after = a.export(W47, tmp_path / "sau.xlsx")
    for files in ([before, after], [after, before]):  # whichever comes first
        result = consolidate(files, tmp_path / f"th_{files[0].stem}.xlsx")
        assert result.sessions == a.count(W47) and result.replaced == 1
        got = summary_values(result.path)[L.KF_AVG_MINUTES][0]
        minutes = a.store.db.execute(
            "SELECT avg(minutes) FROM session WHERE voided = 0 AND started_at >= '2026-11-16' "
            "AND started_at < '2026-11-23'"
        ).fetchone()[0]
        assert got == shown(minutes, "dec")


def test_a_void_travels_in_the_later_file(two, tmp_path):
    a, b = two
    before = a.export(W47, tmp_path / "truoc.xlsx")
    uuid = a.first_uuid(W47)
    a.now += timedelta(hours=1)
    a.sessions.void(uuid, a.world.supervisor.id, "nhập nhầm")
    after = a.export(W47, tmp_path / "sau.xlsx")
    data = read_data_file(after, L.SHEET_DATA)
    assert [t.uuid for t in data.tombstones] == [uuid] and data.version == 2
    other = b.export(W47, tmp_path / "b.xlsx")
    for files in ([before, after, other], [after, before, other]):
        result = consolidate(files, tmp_path / f"th_{files[0].stem}.xlsx")
        assert result.voided == 1
        assert result.sessions == a.count(W47) + b.count(W47)


def test_format_1_files_stay_readable_and_mix_with_format_2(two, tmp_path):
    a, b = two
    new_a = a.export(W47, tmp_path / "a2.xlsx")
    old_a = to_format_1(new_a, tmp_path / "a1.xlsx")
    data = read_data_file(old_a, L.SHEET_DATA)
    assert data.version == 1 and not data.tombstones
    assert all(s.updated_at == "" for s in data.sessions)
    new_b = b.export(W47, tmp_path / "b2.xlsx")
    mixed = consolidate([old_a, new_b], tmp_path / "th.xlsx")
    modern = consolidate([new_a, new_b], tmp_path / "th2.xlsx")
    assert mixed.sessions == modern.sessions == a.count(W47) + b.count(W47)
    assert summary_values(mixed.path) == summary_values(modern.path)
    # the same session in a format 1 and a format 2 file: one copy, no conflict
    both = consolidate([old_a, new_a, new_b], tmp_path / "th3.xlsx")
    assert both.sessions == mixed.sessions and both.duplicates == a.count(W47)


def test_data_sheet_format_2_is_written(two, tmp_path):
    a, _ = two
    path = a.export(W47, tmp_path / "a.xlsx")
    with zipfile.ZipFile(path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert b"<t>updated_at</t>" in xml and b"<t>#V</t>" in xml
    assert read_data_file(path, L.SHEET_DATA).version == 2


def test_a_consolidation_that_cannot_write_its_workbook_leaves_no_word_report(
    two, tmp_path, monkeypatch
):
    """The pair or nothing, as for an office's report: the Word report was written first
    and stayed alone when the workbook then failed (a full disk)."""
    from counter_app.reports.xlsx import workbook

    a, b = two
    files = [a.export(W47, tmp_path / "a.xlsx"), b.export(W47, tmp_path / "b.xlsx")]
    out = tmp_path / "out"
    out.mkdir()

    def full_disk(*_args, **_kwargs):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(workbook, "skeleton", full_disk)  # inside the workbook's writing
    with pytest.raises(OSError):
        consolidate(files, out / "th.xlsx", formats=("docx", "xlsx"))
    assert list(out.iterdir()) == []
