"""The supervisor's catalogue screen in a real Tk window (Xvfb), with a small fake app."""

from __future__ import annotations

import pytest

from counter_app.catalog.search import CatalogueSearch
from tests.helpers.screens import ScreenHarness
from tests.helpers.wait import wait_until
from tests.test_catalog_import import PORTAL_ROWS, make_portal_xlsx

pytestmark = pytest.mark.gui


@pytest.fixture
def screen_for():
    from counter_app.ui.catalogue_screen import CatalogueScreen

    harness = ScreenHarness()
    yield lambda store, officer=None: harness.make(
        CatalogueScreen, store, officer, size=(1280, 820)
    )
    harness.close()


def rows(tree) -> list[tuple]:
    return [tuple(tree.item(i, "values")) for i in tree.get_children()]


def settle(screen) -> None:
    """Until the debounced searches of the screen have run."""
    wait_until(
        lambda: screen._search_job is None and screen.bundles._search_job is None,
        step=screen.update,
    )


def test_search_browse_edit_retire(world, screen_for):
    screen, app = screen_for(world.store, world.supervisor)
    first_field = rows(screen.field_tree)[0][0]
    assert first_field == "Tất cả lĩnh vực (551)"
    assert screen.count_var.get().startswith("Đang hiện 400/551")
    screen.search_var.set("dang ky khai sinh")
    settle(screen)
    assert rows(screen.proc_tree)[0][:2] == ("1.001193", "Thủ tục đăng ký khai sinh")
    screen.proc_tree.selection_set("1.001193")
    screen.update()
    assert screen.form_vars["name"].get() == "Thủ tục đăng ký khai sinh"
    assert str(screen.code_entry.cget("state")) == "readonly"
    screen.form_vars["name"].set("Đăng ký khai sinh (tên tại đơn vị)")
    screen.save_button.invoke()
    row = world.store.db.execute(
        "SELECT name, source FROM procedure WHERE code = '1.001193'"
    ).fetchone()
    assert row == ("Đăng ký khai sinh (tên tại đơn vị)", "local")
    screen.active_button.invoke()
    assert app.confirmations and "1.001193" in app.confirmations[-1]
    assert (
        world.store.db.execute("SELECT active FROM procedure WHERE code = '1.001193'").fetchone()[0]
        == 0
    )
    assert str(screen.active_button.cget("text")) == "Khôi phục"
    assert app.changes > 0 and not app.errors


def test_browse_by_field_sorted_in_vietnamese_order(world, screen_for):
    from counter_app.catalog.sorting import sort_vietnamese

    screen, _ = screen_for(world.store, world.supervisor)
    labels = {
        v[0]: iid
        for iid, v in zip(screen.field_tree.get_children(), rows(screen.field_tree), strict=True)
    }
    iid = next(i for label, i in labels.items() if label.startswith("Hộ tịch"))
    screen.field_tree.selection_set(iid)
    screen.update()
    names = [r[1] for r in rows(screen.proc_tree)]
    assert names and names == sort_vietnamese(names)
    assert all(r[2] == "Hộ tịch" for r in rows(screen.proc_tree))


def test_add_procedure_and_favourite(world, screen_for):
    screen, app = screen_for(world.store, world.supervisor)
    screen.new_button.invoke()
    assert str(screen.code_entry.cget("state")) == "normal"
    for key, value in (
        ("code", "1.999001.H19"),
        ("name", "Thủ tục riêng của tỉnh"),
        ("field", "Hộ tịch"),
        ("level", "Cấp xã"),
    ):
        screen.form_vars[key].set(value)
    screen.save_button.invoke()
    assert not app.errors
    seeded = {h.code for h in CatalogueSearch(world.store).favourites()}
    screen.favourite_button.invoke()
    favourites = {h.code for h in CatalogueSearch(world.store).favourites()}
    assert favourites - seeded == {"1.999001"}
    screen.new_button.invoke()
    screen.form_vars["code"].set("khong-phai-ma")
    screen.save_button.invoke()
    assert app.errors and "1.001193" in app.errors[-1]


def test_bundle_editing(world, screen_for):
    screen, app = screen_for(world.store, world.supervisor)
    screen.notebook.select(1)
    assert len(rows(screen.bundle_tree)) == 2
    screen.presenter.new_bundle()
    screen.bundle_name.set("Kết hôn – Thường trú")
    for query, code in (("ket hon", "1.000894"), ("dang ky thuong tru", "1.004222")):
        screen.bundle_search_var.set(query)
        settle(screen)
        screen.bundle_candidates.selection_set(code)
        screen._add_candidate()
    assert [r[0] for r in rows(screen.bundle_items)] == ["1.000894", "1.004222"]
    screen.bundle_save.invoke()
    assert not app.errors, app.errors
    saved = world.store.db.execute(
        "SELECT b.name, group_concat(i.procedure_code) FROM bundle b JOIN bundle_item i "
        "ON i.bundle_id = b.id WHERE b.name LIKE 'Kết hôn%' GROUP BY b.id"
    ).fetchone()
    assert saved == ("Kết hôn – Thường trú", "1.000894,1.004222")


def test_abbreviations_tab(world, screen_for):
    screen, app = screen_for(world.store, world.supervisor)
    screen.abbr_short.set("HNX")
    screen.abbr_expansion.set("xác nhận tình trạng hôn nhân")
    screen._add_abbr()
    assert not app.errors
    assert ("hnx", "xác nhận tình trạng hôn nhân", "Bật") in rows(screen.abbr_tree)
    assert screen.presenter.search.search("hnx")[0].code == "1.004873"


def test_import_with_preview_then_apply(world, screen_for, tmp_path, monkeypatch):
    path = make_portal_xlsx(tmp_path / "portal.xlsx", PORTAL_ROWS)
    screen, app = screen_for(world.store, world.supervisor)
    monkeypatch.setattr(screen, "ask_open_file", lambda: str(path))
    screen.notebook.select(3)
    screen._choose_file()
    wait_until(lambda: str(screen.apply_button.cget("state")) == "normal", 30, screen.update)
    text = screen.preview_text.get("1.0", "end")
    assert "2 thủ tục mới" in text and "dòng 13" in text, text
    assert (
        world.store.db.execute("SELECT count(*) FROM procedure WHERE code = '2.099002'").fetchone()[
            0
        ]
        == 0
    )
    screen.apply_button.invoke()
    assert not app.errors, app.errors
    assert app.infos and "thêm 2" in app.infos[-1]
    assert (
        world.store.db.execute("SELECT count(*) FROM procedure WHERE code = '2.099002'").fetchone()[
            0
        ]
        == 1
    )
    assert str(screen.apply_button.cget("state")) == "disabled"


def test_bad_import_file_shows_message(world, screen_for, tmp_path, monkeypatch):
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"")
    screen, app = screen_for(world.store, world.supervisor)
    monkeypatch.setattr(screen, "ask_open_file", lambda: str(path))
    screen._choose_file()
    wait_until(lambda: app.errors, 30, screen.update)
    assert "không có dữ liệu" in app.errors[0]
    assert "Không có gì thay đổi." in screen.preview_text.get("1.0", "end")


def test_officer_cannot_edit(world, screen_for):
    screen, app = screen_for(world.store, world.officer)
    assert str(screen.save_button.cget("state")) == "disabled"
    assert str(screen.bundle_save.cget("state")) == "disabled"
    screen.presenter.select_procedure("1.001193")
    screen.presenter.toggle_active()
    assert app.errors == ["Chỉ lãnh đạo bộ phận mới được sửa danh mục."]
    assert (
        world.store.db.execute("SELECT active FROM procedure WHERE code = '1.001193'").fetchone()[0]
        == 1
    )
