"""History under Xvfb: filter and paging, edit → audit row, void, end-of-day check."""

from __future__ import annotations

from datetime import timedelta

import pytest

from counter_app.domain.models import SessionFilter, SessionProcedure
from tests.gui.conftest import press, pump, settle, settle_jobs, type_text
from tests.helpers.clock import TEST_NOW

pytestmark = pytest.mark.gui
BASE = TEST_NOW.replace(hour=0, minute=50, second=0, microsecond=0)


@pytest.fixture
def filled(world):
    for i in range(120):
        code = "1.004222" if i % 4 == 0 else "1.001193"
        world.save(
            started_at=BASE - timedelta(days=i // 20, minutes=i % 20),
            backdated_reason="nhập bù",
            procedures=[SessionProcedure(code, world.lookup("outcome", "submitted"))],
        )
    return world


def open_history(window):
    press(window, "<F3>")
    pump(window)
    history = window.screens["history"]
    settle(window, lambda: "/" in history.page_label.cget("text"))  # the count is back
    return history


def test_history_paging_and_filter(window, filled, screenshot):
    history = open_history(window)
    assert window.current_screen() == "history"
    assert len(history.tree.get_children()) == 50
    assert "1/3" in history.page_label.cget("text") and "120" in history.page_label.cget("text")
    press(history.tree, "<Next>")
    assert "2/3" in history.page_label.cget("text")
    press(history.tree, "<Next>")
    assert len(history.tree.get_children()) == 20
    screenshot(window, "history_page3")
    code_entry = history.procedure_entry
    type_text(code_entry, "1.004222")
    press(code_entry, "<Return>")
    settle(window, lambda: "/" in history.page_label.cget("text"))  # the count is back
    assert "30" in history.page_label.cget("text")
    assert len(history.tree.get_children()) == 30
    rows = [history.tree.item(i, "values") for i in history.tree.get_children()]
    assert all(r[4] == "1.004222 Đăng ký thường trú" for r in rows)  # code and short name


def test_edit_from_history_writes_an_audit_row(window, world):
    s = world.save(started_at=BASE, note="ghi nhầm")
    history = open_history(window)
    history.tree.selection_set(s.uuid)
    history.tree.focus(s.uuid)
    press(history.tree, "<Return>")
    form = window.screens["session"]
    assert window.current_screen() == "session"
    assert form.presenter.state.editing_uuid == s.uuid
    form.vars["note"].set("")
    type_text(form.search_entry, "")
    note_entry = [
        w
        for w in form.details_box.winfo_children()
        if "textvariable" in w.keys() and str(w.cget("textvariable")) == str(form.vars["note"])
    ][0]
    type_text(note_entry, "da sua")
    form.vars["edit_reason"].set("Sửa ghi chú")
    press(note_entry, "<Control-Return>")
    after = world.sessions.get(s.uuid)
    assert after.note == "da sua"
    [entry] = world.sessions.audit(s.uuid)
    assert entry.action == "update" and entry.reason == "Sửa ghi chú"
    assert entry.before["note"] == "ghi nhầm" and entry.after["note"] == "da sua"
    assert window.current_screen() == "history"
    assert form.presenter.state.editing_uuid is None


def test_find_and_correct_with_the_keyboard(window, world):
    """F3, type in the text filter, Enter, Enter on the row, fix the note, Ctrl+Enter."""
    s = world.save(started_at=BASE, note="Mang cham")
    world.save(started_at=BASE - timedelta(minutes=5), note="khac")
    press(window, "<F3>")
    history = window.screens["history"]
    text_entry = history.text_entry
    type_text(text_entry, "mang cham")
    press(text_entry, "<Return>")
    assert history.tree.get_children() == (s.uuid,)
    assert window.focus_get() is history.tree
    press(history.tree, "<Return>")
    form = window.screens["session"]
    assert form.presenter.state.editing_uuid == s.uuid
    form.search_entry.focus_force()
    note_entry = [
        w
        for w in form.details_box.winfo_children()
        if "textvariable" in w.keys() and str(w.cget("textvariable")) == str(form.vars["note"])
    ][0]
    press(note_entry, "<End>")
    type_text(note_entry, ", nop lai lan 2")
    press(note_entry, "<Control-Return>")
    assert world.sessions.get(s.uuid).note == "Mang cham, nop lai lan 2"
    assert world.sessions.audit(s.uuid)[-1].action == "update"


def test_void_from_history(window, world):
    s = world.save(started_at=BASE)
    history = open_history(window)
    history.tree.selection_set(s.uuid)
    window.ask_answer = "Nhập trùng lượt"
    press(history.tree, "<Delete>")
    assert world.sessions.get(s.uuid).voided
    assert window.questions
    assert world.sessions.count(SessionFilter()) == 0
    assert history.tree.get_children() == ()


def test_audit_window_and_end_of_day(window, world, screenshot):
    long = world.save(started_at=BASE, minutes=90)
    history = open_history(window)
    history.end_of_day()
    assert history.tree.get_children() == (long.uuid,)
    assert "quá 60 phút" in history.tree.item(long.uuid, "values")[6]
    pump(window)
    assert history.page_label.cget("text") == ""  # not the history's "page 1/1 · n"
    screenshot(window, "history_end_of_day")
    history.tree.selection_set(long.uuid)
    history.audit_selected()
    pump(window)
    assert history.audit_window.winfo_exists()
    history.audit_window.destroy()


def test_count_runs_in_the_background_on_a_file_database(file_world, make_window):
    world = file_world
    for i in range(60):
        world.save(started_at=BASE - timedelta(minutes=i), backdated_reason="nhập bù")
    window = make_window(world.store, user=(world.supervisor.id, world.counter1.id))
    history = open_history(window)
    assert len(history.tree.get_children()) == 50
    settle(window, lambda: "/" in history.page_label.cget("text"))  # the worker's count
    assert "1/2" in history.page_label.cget("text")
    assert "60" in history.page_label.cget("text")


def test_closing_with_sessions_to_fix_offers_the_end_of_day_check(world, make_window):
    long = world.save(started_at=BASE, minutes=95)
    world.save(started_at=BASE, minutes=75, officer_id=world.officer2.id)  # a colleague's
    window = make_window(world.store, user=(world.officer.id, world.counter1.id))
    window.confirm_answer = False
    window.close()
    assert window.winfo_exists()  # still open, on the list to fix
    assert window.current_screen() == "history"
    history = window.screens["history"]
    assert history.tree.get_children() == (long.uuid,)  # only this officer's, as counted
    assert window.confirmations[-1].startswith("Hôm nay bạn còn 1 lượt")
    press(history.tree, "<Return>")  # fix it: the list comes back, still only theirs
    form = window.screens["session"]
    form.vars["minutes_text"].set("40")
    press(form.search_entry, "<Control-Return>")
    pump(window)
    assert window.current_screen() == "history" and history.mode == "endofday"
    assert history.tree.get_children() == ()
    asked = len(window.confirmations)
    window.close()  # nothing left to fix: closes without asking
    assert len(window.confirmations) == asked


def _correct_note(window, world, text):
    s = world.save(started_at=BASE, note="ghi nhầm")
    window.edit_session(s.uuid)
    pump(window)
    form = window.screens["session"]
    form.vars["note"].set(text)
    pump(window)
    return s, form


def test_closing_during_an_unsaved_correction_asks_and_keeps_it(world, make_window):
    window = make_window(world.store, user=(world.supervisor.id, world.counter1.id))
    s, form = _correct_note(window, world, "đã sửa")
    window.show_screen("history")
    window.confirm_answer = False
    window.close()
    assert window.winfo_exists()  # still open, back on the correction
    assert window.current_screen() == "session"
    assert form.presenter.state.editing_uuid == s.uuid
    assert form.vars["note"].get() == "đã sửa"
    assert any("chưa được lưu" in c for c in window.confirmations)
    assert window.confirm_defaults[-1] is False  # Enter keeps the typed correction
    window.switch_user()  # refused the same way
    assert window.current_officer is not None and "session" in window.screens


def test_language_switch_keeps_a_correction_in_progress(world, make_window):
    window = make_window(world.store, user=(world.supervisor.id, world.counter1.id))
    s, _form = _correct_note(window, world, "đã sửa")
    window.apply_language("en")
    pump(window)
    try:
        form = window.screens["session"]
        assert form.presenter.state.editing_uuid == s.uuid
        assert form.vars["note"].get() == "đã sửa"
        assert form.presenter.has_unsaved_edit()
    finally:
        window.apply_language("vi")
        pump(window)


def test_f3_puts_the_keys_on_the_table_not_the_hidden_form(window, world):
    s = world.save(started_at=BASE, note="mở bằng Enter")
    form = window.screens["session"]
    type_text(form.search_entry, "khai sinh")  # hits waiting in the form
    press(form.search_entry, "<F3>")
    pump(window)
    history = window.screens["history"]
    assert window.focus_get() is history.tree
    press(window.focus_get(), "<Return>")
    assert form.presenter.state.editing_uuid == s.uuid
    assert [p.code for p in form.presenter.state.procedures] == [
        p.procedure_code for p in s.procedures
    ]


def test_a_voided_session_is_not_opened_for_correction(window, world):
    s = world.save(started_at=BASE)
    world.sessions.void(s.uuid, actor_id=world.supervisor.id, reason="Nhập trùng")
    history = open_history(window)
    history.voided_var.set(True)
    history.apply()
    settle_jobs(window)  # the page is read on the job runner
    history.tree.selection_set(s.uuid)
    press(history.tree, "<Return>")
    assert window.current_screen() == "history"
    assert window.screens["session"].presenter.state.editing_uuid is None
    assert any("đã hủy" in e for e in window.errors)


def test_void_dialog_buttons_do_not_read_as_void(window):
    """The void question is a ttkbootstrap Querybox: its Cancel must not say "Hủy" (the
    app's word for voiding), or "Hủy" cancels while the officer means to void."""
    from ttkbootstrap.dialogs import QueryDialog

    dialog = QueryDialog("Vì sao hủy lượt này? (bắt buộc)", parent=window)
    dialog.build()  # the window the officer sees, without waiting on it
    try:
        labels, todo = [], [dialog._toplevel]
        while todo:
            widget = todo.pop()
            todo.extend(widget.winfo_children())
            if widget.winfo_class() == "TButton":
                labels.append(widget.cget("text"))
    finally:
        dialog._toplevel.destroy()
    assert labels and all(label != "Hủy" for label in labels), labels
    assert "Bỏ qua" in labels


def test_enter_in_a_date_box_applies_the_filter(window, world):
    old = world.save(started_at=BASE - timedelta(days=3), backdated_reason="sổ giấy")
    new = world.save(started_at=BASE)
    history = open_history(window)
    assert set(history.tree.get_children()) == {old.uuid, new.uuid}
    entry = history.from_date.entry
    entry.delete(0, "end")
    type_text(entry, (BASE - timedelta(days=1)).strftime("%d/%m/%Y"))
    press(entry, "<Return>")
    assert history.tree.get_children() == (new.uuid,)
