"""The Reports screen in a real Tk window (Xvfb): preview, export on a worker thread with
progress, open folder, consolidation — with a small fake app object."""

from __future__ import annotations

import functools
import time
from datetime import date, datetime

import pytest

from counter_app.reports import Period, export_report
from counter_app.reports import labels as L
from counter_app.services.demo import generate
from tests.helpers.screens import ScreenHarness
from tests.helpers.wait import wait_until
from tests.test_report_figures import WEEK, build_week

pytestmark = pytest.mark.gui
NOW = datetime(2026, 11, 25, 10, 0)  # a Wednesday of week 48: the last full week is 47


@pytest.fixture
def screen_for():
    from counter_app.ui.reports_screen import ReportsScreen

    harness = ScreenHarness()
    screen_class = functools.partial(ReportsScreen, clock=lambda: NOW)
    yield lambda store, officer=None: harness.make(screen_class, store, officer)
    harness.close()


def wait_until_idle(screen, limit_s: float = 60) -> None:
    end = time.monotonic() + limit_s
    while screen.working and time.monotonic() < end:
        screen.update()
        time.sleep(0.02)
    screen.update()
    assert not screen.working


def test_defaults_to_last_full_week_and_previews_figures(file_world, screen_for):
    build_week(file_world)
    screen, app = screen_for(file_world.store, file_world.officer)
    first = screen.selected_period()
    assert first.kind == "week" and first.end < NOW.date() and first == WEEK
    screen.set_period(WEEK)
    wait_until(lambda: screen.preview_texts(), 10, screen.update)
    rows = screen.preview_texts()
    assert rows[0] == ("Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng/giảm")
    sessions = file_world.store.db.execute(
        "SELECT count(*) FROM session WHERE voided = 0 AND started_at >= '2026-11-16' "
        "AND started_at < '2026-11-23'"
    ).fetchone()[0]
    assert rows[1][0] == L.KF_SESSIONS and rows[1][1] == str(sessions)
    assert not app.errors


def test_export_runs_on_a_worker_and_writes_the_file(file_world, screen_for, monkeypatch):
    build_week(file_world)
    screen, app = screen_for(file_world.store, file_world.officer)
    screen.set_period(WEEK)
    screen.export_button.invoke()
    assert screen.working and str(screen.export_button.cget("state")) == "disabled"
    wait_until_idle(screen)
    assert not app.errors, app.errors
    assert screen.last_export is not None and screen.last_export.exists()
    assert screen.last_export.name == "BaoCao_Tuan47-2026_XA01.xlsx"
    assert float(screen.progress.cget("value")) == pytest.approx(1.0)
    assert app.toasts
    opened = []
    monkeypatch.setattr(screen, "open_folder", opened.append)
    screen.folder_button.invoke()
    assert opened == [screen.last_export.parent]


def test_export_from_in_memory_data(world, screen_for):
    build_week(world)
    screen, app = screen_for(world.store)
    screen.set_period(WEEK)
    screen.export()
    wait_until_idle(screen)
    assert not app.errors and screen.last_export.exists()


def test_open_folder_failure_is_a_message(world, screen_for, monkeypatch):
    screen, app = screen_for(world.store)

    def boom(folder):
        raise OSError("no file manager")

    monkeypatch.setattr(screen, "open_folder", boom)
    screen.open_exports()
    assert app.errors and "no file manager" in app.errors[0]


def test_consolidate_from_the_screen(world, screen_for, tmp_path, monkeypatch):
    generate(world.store, weeks=1, per_day=8, end=date(2026, 11, 22))
    good = export_report(world.store, WEEK, tmp_path / "a.xlsx")
    other = export_report(world.store, Period.iso_week(2026, 46), tmp_path / "b.xlsx")
    bad = tmp_path / "khong_phai.xlsx"
    bad.write_bytes(b"not a zip")
    screen, app = screen_for(world.store)
    monkeypatch.setattr(screen, "ask_files", lambda: [str(good), str(other), str(good)])
    screen.add_files()
    assert screen.file_list.size() == 2
    screen.consolidate_button.invoke()
    wait_until_idle(screen)
    assert not app.errors, app.errors
    assert app.infos and "2 tệp" in app.infos[0]
    monkeypatch.setattr(screen, "ask_files", lambda: [str(bad)])
    screen.add_files()
    screen.consolidate()
    wait_until_idle(screen)
    assert app.errors and "khong_phai.xlsx" in app.errors[0]


def test_custom_range(world, screen_for):
    screen, app = screen_for(world.store)
    screen.set_period(Period.custom(date(2026, 11, 1), date(2026, 11, 15)))
    assert screen.selected_period() == Period.custom(date(2026, 11, 1), date(2026, 11, 15))
    assert screen.preview_title.cget("text").startswith("Từ 01/11/2026")
