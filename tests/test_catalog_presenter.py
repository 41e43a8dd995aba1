"""The catalogue screen's presenter with a fake view: no Tk, no display."""

from __future__ import annotations

from unittest.mock import MagicMock

from counter_app.presenters.catalogue import ALL_FIELDS, FAVOURITES, CataloguePresenter
from counter_app.ui.catalogue_screen import CatalogueScreen
from tests.helpers.fake_app import FakeApp
from tests.test_catalog_import import PORTAL_ROWS, make_portal_xlsx


def make(world, officer):
    view = MagicMock(spec=CatalogueScreen)
    app = FakeApp(world.store, officer, clock=world.clock)  # background jobs run at once here
    presenter = CataloguePresenter(view, app)
    presenter.start()
    return presenter, view, app


def test_start_shows_fields_list_and_editing_state(world):
    presenter, view, _ = make(world, world.supervisor)
    view.set_editable.assert_called_with(True)
    keys = [key for key, _ in view.show_fields.call_args.args[0]]
    assert keys[:2] == [ALL_FIELDS, FAVOURITES] and "Hộ tịch" in keys
    entries, total = view.show_procedures.call_args.args
    assert total == 551 and len(entries) == 400


def test_query_and_field_filter(world):
    presenter, view, _ = make(world, world.supervisor)
    presenter.set_query("ks")
    entries, _ = view.show_procedures.call_args.args
    assert entries[0].code == "1.001193"
    presenter.select_field("Chứng thực")
    assert view.show_procedures.call_args.args[0] == []  # no "ks" among Chứng thực
    presenter.set_query("")
    entries, total = view.show_procedures.call_args.args
    assert total == len(entries) == 12 and all(e.field == "Chứng thực" for e in entries)


def test_import_preview_and_apply(world, tmp_path):
    presenter, view, app = make(world, world.supervisor)
    path = make_portal_xlsx(tmp_path / "p.xlsx", PORTAL_ROWS)
    presenter.choose_import_file(str(path), retire_missing=False)
    lines, can_apply = view.show_preview.call_args.args
    assert can_apply and "2 thủ tục mới" in lines
    presenter.apply_preview()
    assert app.confirmations and "thêm 2" in app.infos[-1]
    assert (
        world.store.db.execute("SELECT count(*) FROM procedure WHERE code = '2.099002'").fetchone()[
            0
        ]
        == 1
    )


def test_declined_import_changes_nothing(world, tmp_path):
    presenter, view, app = make(world, world.supervisor)
    app.confirm_answer = False
    path = make_portal_xlsx(tmp_path / "p.xlsx", PORTAL_ROWS)
    presenter.choose_import_file(str(path), retire_missing=True)
    presenter.apply_preview()
    assert (
        world.store.db.execute("SELECT count(*) FROM procedure WHERE active = 0").fetchone()[0] == 0
    )
    assert not app.infos


def test_officer_gets_read_only_screen(world):
    presenter, view, app = make(world, world.officer)
    view.set_editable.assert_called_with(False)
    assert presenter.add_abbreviation("xx", "thử") is False
    assert app.errors == ["Chỉ lãnh đạo bộ phận mới được sửa danh mục."]
