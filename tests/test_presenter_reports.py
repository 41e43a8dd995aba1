"""Reports logic headless: period choices from a fixed clock, the preview's figures, the
export and consolidation through the app's job runner, and what the user sees on errors."""

from __future__ import annotations

import itertools
import sqlite3
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from unittest.mock import MagicMock

import pytest

from counter_app.presenters.reports import (
    ReportsPresenter,
    ReportsView,
    default_choice,
    figure_rows,
    period_choices,
)
from counter_app.reports import Period, export_report
from counter_app.reports import labels as L
from counter_app.reports.aggregate import KeyFigure
from tests.helpers.clock import FrozenClock
from tests.helpers.fake_app import FakeApp
from tests.test_report_figures import WEEK, build_week

NOW = datetime(2026, 11, 25, 10, 0)  # Wednesday of week 48


@pytest.fixture
def view():
    v = MagicMock(spec=ReportsView)
    # like the real combobox: the index last shown is the one selected
    v.show_period_choices.side_effect = lambda labels, index: setattr(
        v.get_period_index, "return_value", index
    )
    v.get_period_index.return_value = 0
    v.get_custom_range.return_value = (None, None)
    return v


@pytest.fixture
def make(view):
    def make(store, immediate=True, now=NOW):
        app = FakeApp(store, clock=FrozenClock(now))
        app.defer_jobs = not immediate
        presenter = ReportsPresenter(view, app)
        presenter.start()
        return presenter, app

    return make


def test_week_choices_are_in_date_order_with_the_last_full_week_chosen():
    """Issue 13: the list reads in date order (the current week so far on top); the last
    full week is the one selected."""
    weeks = period_choices("week", date(2026, 11, 25))
    assert weeks[:3] == [Period.iso_week(2026, w) for w in (48, 47, 46)]
    assert all(a.start > b.start for a, b in itertools.pairwise(weeks))
    assert len(weeks) == 53
    assert default_choice("week", weeks, date(2026, 11, 25)) == 1
    # on a Sunday the week is not over: the last full week is the one before
    sunday = period_choices("week", date(2026, 11, 22))
    assert sunday[default_choice("week", sunday, date(2026, 11, 22))] == Period.iso_week(2026, 46)


def test_month_and_quarter_choices_go_back_from_the_current_one():
    months = period_choices("month", date(2026, 11, 25))
    assert months[0] == Period.month(2026, 11) and months[1] == Period.month(2026, 10)
    assert len(months) == 24 and months[-1] == Period.month(2024, 12)
    quarters = period_choices("quarter", date(2026, 2, 3))
    assert quarters[:2] == [Period.quarter(2026, 1), Period.quarter(2025, 4)]
    assert len(quarters) == 12
    assert period_choices("custom", date(2026, 2, 3)) == []


def test_start_shows_the_weeks_of_the_clock_and_previews_the_last_full_week(world, make, view):
    build_week(world)
    presenter, app = make(world.store)
    view.show_period_kind.assert_called_with("week")
    labels, index = view.show_period_choices.call_args.args
    assert labels[index] == WEEK.label and index == 1  # below the current week
    assert presenter.selected_period() == WEEK
    title, rows = view.show_figures.call_args.args
    assert title == WEEK.label
    sessions = world.store.db.execute(
        "SELECT count(*) FROM session WHERE voided = 0 AND started_at >= '2026-11-16' "
        "AND started_at < '2026-11-23'"
    ).fetchone()[0]
    assert rows[0][0] == L.KF_SESSIONS and rows[0][1] == str(sessions)
    assert not app.errors


def test_a_period_not_in_the_list_is_added_and_selected(world, make, view):
    presenter, _ = make(world.store)
    old = Period.iso_week(2024, 3)
    view.get_period_index.return_value = 0
    presenter.set_period(old)
    labels, index = view.show_period_choices.call_args.args
    assert labels[index] == old.label and presenter.periods[index] == old
    assert view.show_figures.call_args.args[0] == old.label


def test_custom_range_and_an_impossible_one(world, make, view):
    presenter, _ = make(world.store)
    presenter.set_period(Period.custom(date(2026, 11, 1), date(2026, 11, 15)))
    view.show_custom_range.assert_called_with(date(2026, 11, 1), date(2026, 11, 15))
    view.get_custom_range.return_value = (date(2026, 11, 1), date(2026, 11, 15))
    assert presenter.selected_period() == Period.custom(date(2026, 11, 1), date(2026, 11, 15))
    view.get_custom_range.return_value = (date(2026, 11, 15), date(2026, 11, 1))
    presenter.refresh_preview()
    assert presenter.selected_period() is None
    assert view.show_figures.call_args.args == ("Hãy chọn kỳ báo cáo.", [])


def test_figure_texts_in_vietnamese_number_style():
    rows = figure_rows(
        [
            KeyFigure("Số lượt", 1234, 1000),
            KeyFigure(" trong đó: cá nhân", 5, None),
            KeyFigure("Tỷ lệ", 0.5, 0.485, "pct"),
            KeyFigure("Phút", 12.5, 10.0, "dec"),
            KeyFigure("Trống", None, 0.25, "pct"),
        ]
    )
    assert rows[0] == ("Số lượt", "1.234", "1.000", "+234 (+23,4%)")
    assert rows[1] == ("    trong đó: cá nhân", "5", "—", "—")
    assert rows[2] == ("Tỷ lệ", "50,0%", "48,5%", "+1,5 điểm %")
    assert rows[3] == ("Phút", "12,5", "10,0", "+2,5")
    assert rows[4] == ("Trống", "—", "25,0%", "—")


def test_export_runs_as_a_job_on_a_reader_and_reports_the_file(world, make, view, monkeypatch):
    build_week(world)
    presenter, app = make(world.store, immediate=False)
    app.finish_jobs()  # the preview and the week at a glance, read on the runner too
    readers = []
    real_reader = type(world.store).reader

    def reader(store):
        r = real_reader(store)
        readers.append(r)
        return r

    monkeypatch.setattr(type(world.store), "reader", reader)
    presenter.export()
    assert presenter.working and len(app.pending_jobs) == 1
    view.show_working.assert_called_once()
    presenter.export()  # a second click while writing starts nothing
    assert len(app.pending_jobs) == 1
    app.finish_jobs()
    assert not presenter.working and not app.errors, app.errors
    assert presenter.last_export.name == "BaoCao_Tuan47-2026_XA01.xlsx"
    assert presenter.last_export.exists()
    assert app.toasts and presenter.last_export.name in app.toasts[0]
    word = presenter.last_export.with_suffix(".docx")
    assert word.exists()  # both files by default: the Word report and its Excel annex
    view.show_idle.assert_called_with(f"Đã lưu: {word.name}, {presenter.last_export.name}", 1.0)
    fractions = [c.args[0] for c in view.show_progress.call_args_list]
    assert fractions and fractions == sorted(fractions) and fractions[-1] == 1.0
    assert len(readers) == 1 and readers[0] is not world.store
    with pytest.raises(sqlite3.ProgrammingError):  # the worker closed its reader
        readers[0].db.execute("SELECT 1")


def test_a_failed_export_is_a_message_and_the_screen_is_usable_again(
    world, make, view, monkeypatch
):
    from counter_app.reports import export

    def boom(*_args, **_kw):
        raise OSError("đĩa đầy")

    monkeypatch.setattr(export, "write_workbook", boom)
    presenter, app = make(world.store)
    presenter.export()
    assert app.errors == ["đĩa đầy"]
    view.show_idle.assert_called_with("", 0.0)
    assert not presenter.working and presenter.last_export is None


def test_export_without_a_period_asks_for_one(world, make, view):
    presenter, app = make(world.store)
    view.get_period_index.return_value = -1
    presenter.export()
    assert app.errors == ["Hãy chọn kỳ báo cáo trước."] and not app.pending_jobs


def test_consolidate_files_of_two_weeks(world, make, view, tmp_path):
    build_week(world)
    a = export_report(world.store, WEEK, tmp_path / "a.xlsx")
    b = export_report(world.store, WEEK.previous(), tmp_path / "b.xlsx")
    presenter, app = make(world.store)
    presenter.consolidate()
    assert app.errors and not app.pending_jobs
    view.ask_files.return_value = [str(a), str(b), str(a)]
    presenter.add_files()
    assert presenter.files == [Path(a), Path(b)]
    view.show_files.assert_called_with([Path(a), Path(b)])
    presenter.consolidate()
    assert len(app.errors) == 1, app.errors
    assert app.infos and "2 tệp" in app.infos[0]
    assert presenter.last_export.name.startswith("BaoCao_TongHop_")
    presenter.clear_files()
    assert presenter.files == [] and view.show_files.call_args.args == ([],)


def test_open_folder_shows_the_last_export_or_says_why_not(world, make, view, tmp_path):
    presenter, app = make(world.store)
    presenter.open_exports()
    folder = view.open_folder.call_args.args[0]
    assert folder.is_dir() and folder.name == "exports"
    presenter.last_export = tmp_path / "x" / "r.xlsx"
    view.open_folder.side_effect = OSError("no file manager")
    presenter.open_exports()
    assert app.errors and "no file manager" in app.errors[0]


def test_the_presenter_and_the_engine_load_without_tk():
    code = (
        "import sys; import counter_app.presenters.reports, counter_app.reports.export, "
        "counter_app.reports.consolidate; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tkinter', 'ttkbootstrap') "
        "or m.startswith('counter_app.ui')]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_report_engine_imports_no_presenter_ui_or_cli():
    import ast

    root = Path(__file__).resolve().parent.parent / "counter_app" / "reports"
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                assert not name.startswith(
                    ("counter_app.presenters", "counter_app.ui", "counter_app.cli")
                ), f"{path.name} imports {name}"


def test_a_database_that_cannot_be_read_is_a_message(world, make, monkeypatch):
    presenter, app = make(world.store)

    def locked(_store):
        raise OSError("tệp đang bị khoá")

    monkeypatch.setattr(type(world.store), "reader", locked)
    presenter.export()
    assert app.errors == ["tệp đang bị khoá"] and not presenter.working and not app.pending_jobs
