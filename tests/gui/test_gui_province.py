"""The "Tổng hợp" screen in the real window at 1366×768: supervisors only, receives a
folder of files on the job runner, shows the week's board and writes the report."""

from __future__ import annotations

import pytest

from tests.gui.conftest import press, pump, settle
from tests.test_report_consolidate_v2 import W47, Office_

pytestmark = pytest.mark.gui


@pytest.fixture
def folder(tmp_path):
    made = [Office_("XA01", "UBND xã Mẫu Sơn", 1), Office_("PH02", "UBND phường An Lạc", 2)]
    try:
        for o in made:
            o.export(W47, tmp_path / "nhan" / f"{o.code}.xlsx")
    finally:
        for o in made:
            o.close()
    (tmp_path / "nhan" / "hong.xlsx").write_bytes(b"PK\x03\x04 broken")
    return tmp_path / "nhan"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_receive_a_folder_and_see_the_board(window, folder, screenshot, theme):
    window.apply_theme(theme)
    press(window, "<Control-F4>")
    assert window.current_screen() == "province"
    screen = window.screens["province"]
    screen.ask_folder = lambda: str(folder)
    screen.folder_button.invoke()
    settle(window, lambda: not screen.working and screen.presenter.last_report is not None, 30)
    report = screen.presenter.last_report
    assert len(report.ingested) == 2 and [o.path.name for o in report.bad] == ["hong.xlsx"]
    assert window.errors and "hong.xlsx" in window.errors[-1]  # told, not hidden
    labels = list(screen.week_box.cget("values"))
    week = next(i for i, label in enumerate(labels) if label.startswith("Tuần 47/2026"))
    screen.week_box.current(week)
    screen.presenter.refresh_board()
    settle(window, lambda: len(screen.board_rows()) == 2)
    assert {r[0] for r in screen.board_rows()} == {"XA01", "PH02"}
    screenshot(window, f"province_{theme}")
    pump(window)


def test_an_officer_has_no_consolidation_screen(world, make_window):
    window = make_window(world.store, user=(world.officer.id, world.counter1.id))
    press(window, "<Control-F4>")
    assert window.current_screen() == "session" and "province" not in window.screens
