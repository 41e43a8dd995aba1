"""A province's list of online services sets only the online level of the procedures it
names, from the screen's presenter and the command line; the catalogue filter "Chưa có
mức độ"; and the report's split of submitted procedures by level once levels are known."""

from __future__ import annotations

import csv

import pytest
from openpyxl import Workbook

from counter_app import cli
from counter_app.catalog.online_levels import apply_levels, missing_level_count, preview_levels
from counter_app.presenters.catalogue import NO_LEVEL, CataloguePresenter


def level_list(path, rows, header=("STT", "Mã TTHC", "Tên thủ tục", "Mức độ")):
    wb = Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH DỊCH VỤ CÔNG TRỰC TUYẾN TỈNH ĐỒNG THÁP"])
    ws.append([])
    ws.append(list(header))
    for i, (code, name, level) in enumerate(rows, 1):
        ws.append([i, code, name, level])
    wb.save(path)
    return path


ROWS = [
    ("1.001193.000.00.00.H20", "Đăng ký khai sinh", "Toàn trình"),
    ("1.004222", "Đăng ký thường trú", "Mức độ 3"),
    ("1.000656", "Đăng ký khai tử", "một phần"),
    ("9.999999", "Không có", "Toàn trình"),
    ("1.003197", "Xóa đăng ký thường trú", "chưa rõ"),
    ("abc", "Sai mã", "Toàn trình"),
]


def test_preview_and_apply_set_only_the_level(world, tmp_path):
    db = world.store.db
    before = {
        r[0]: r[1:] for r in db.execute("SELECT code, name, field, online_level FROM procedure")
    }
    preview = preview_levels(world.store, level_list(tmp_path / "dvc.xlsx", ROWS))
    assert {(c.code, c.after) for c in preview.changes} == {
        ("1.001193", "toàn trình"),
        ("1.004222", "một phần"),
        ("1.000656", "một phần"),
    }
    assert [c for _, c in preview.unknown_codes] == ["9.999999"]
    assert [r for r, _ in preview.rejected] == [8, 9]  # the unknown level, the bad code
    lines = "\n".join(preview.summary_lines())
    assert "3 thủ tục được cập nhật mức độ" in lines and "9.999999" in lines
    missing = missing_level_count(world.store)
    assert apply_levels(world.store, preview, world.supervisor.id) == 3
    after = {
        r[0]: r[1:] for r in db.execute("SELECT code, name, field, online_level FROM procedure")
    }
    changed = {code for code in after if after[code] != before[code]}
    assert changed == {"1.001193", "1.004222", "1.000656"}
    assert all(after[c][:2] == before[c][:2] for c in changed)  # names and fields untouched
    assert missing_level_count(world.store) == missing - 3
    assert (
        db.execute("SELECT count(*) FROM audit WHERE action = 'import_online_levels'").fetchone()[0]
        == 1
    )
    again = preview_levels(world.store, tmp_path / "dvc.xlsx")
    assert not again.has_changes and again.unchanged == 3


def test_a_csv_with_two_levels_for_one_code_skips_it(world, tmp_path):
    path = tmp_path / "dvc.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Mã thủ tục", "Mức độ DVC"])
        w.writerow(["1.001193", "Toàn trình"])
        w.writerow(["1.001193", "Một phần"])
        w.writerow(["1.004222", "Toàn trình"])
    preview = preview_levels(world.store, path)
    assert preview.conflicting == ["1.001193"]
    assert [c.code for c in preview.changes] == ["1.004222"]


def test_a_file_without_the_columns_is_a_message(world, tmp_path):
    from counter_app.catalog.import_files import CatalogueImportError

    path = level_list(tmp_path / "khac.xlsx", ROWS, header=("STT", "Tên", "Ghi chú", "Khác"))
    with pytest.raises(CatalogueImportError) as info:
        preview_levels(world.store, path)
    assert "khac.xlsx" in str(info.value) and "Mức độ" in str(info.value)


class View:
    def __getattr__(self, name):
        def record(*args, **kwargs):
            self.calls.append((name, args))

        return record

    def __init__(self):
        self.calls = []

    def last(self, name):
        return next(a for n, a in reversed(self.calls) if n == name)


def test_the_screen_filter_and_import(world, supervisor_app, tmp_path):
    view = View()
    presenter = CataloguePresenter(view, supervisor_app)
    presenter.start()
    fields = dict(view.last("show_fields")[0])
    total = world.store.db.execute(
        "SELECT count(*) FROM procedure WHERE active = 1 AND online_level = ''"
    ).fetchone()[0]
    assert fields[NO_LEVEL] == f"Chưa có mức độ ({total})"
    presenter.select_field(NO_LEVEL)
    entries, count = view.last("show_procedures")
    assert count == total and all(not e.online_level for e in entries)
    presenter.choose_levels_file(level_list(tmp_path / "dvc.xlsx", ROWS))
    lines, can_apply = view.last("show_preview")
    assert can_apply and "3 thủ tục" in lines[0]
    presenter.apply_preview()
    assert supervisor_app.confirmations and supervisor_app.infos
    assert "Đã cập nhật mức độ DVC trực tuyến của 3 thủ tục." in supervisor_app.infos[-1]
    assert ("catalogue_changed",) in supervisor_app.events
    entries, count = view.last("show_procedures")
    assert count == total - 3


def test_levels_from_the_command_line(file_world, tmp_path, capsys):
    path = level_list(tmp_path / "dvc.xlsx", ROWS)
    file_world.store.close(backup_on_exit=False)
    assert cli.run(["catalogue", "levels", str(path), "--yes"]) == 0
    out = capsys.readouterr().out
    assert "Đã cập nhật mức độ DVC trực tuyến của 3 thủ tục." in out
