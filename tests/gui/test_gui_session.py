"""The new-session form driven by keyboard events only, asserting on the database."""

from __future__ import annotations

import pytest

from counter_app.domain.models import SessionFilter
from counter_app.services.drafts import DraftService
from tests.gui.conftest import press, pump, type_text

pytestmark = pytest.mark.gui


def stored(world):
    rows = world.sessions.list(SessionFilter(), limit=100)
    return [world.sessions.get(r.uuid) for r in rows]


def test_type_a_session_with_the_keyboard(window, world, screenshot):
    form = window.screens["session"]
    assert window.focus_get() is form.search_entry
    type_text(form.search_entry, "1.001193")
    assert form.hits_list.size() >= 1
    press(form.search_entry, "<Return>")
    assert [p.code for p in form.presenter.state.procedures] == ["1.001193"]
    assert form.search_var.get() == ""
    press(form.search_entry, "<Control-Key-4>")  # help type 4: e-form
    press(form.search_entry, "<Control-Key-2>")  # help type 2: VNeID
    screenshot(window, "session_filled")
    press(form.search_entry, "<Control-Return>")
    [session] = stored(world)
    assert [p.procedure_code for p in session.procedures] == ["1.001193"]
    assert session.procedures[0].outcome_id == world.lookup("outcome", "submitted")
    assert sorted(session.help_type_ids) == sorted(
        [world.lookup("help_type", "eform"), world.lookup("help_type", "vneid_level2")]
    )
    assert session.officer_id == world.supervisor.id
    assert window.toasts[-1].startswith("Đã lưu:") and "khai sinh" in window.toasts[-1]
    assert window.focus_get() is form.search_entry
    # "save & keep": the help types stay for the next citizen
    assert form.help_vars[world.lookup("help_type", "eform")].get()
    assert "1" in window.counts_var.get()


def test_common_case_in_two_key_actions(window, world):
    """From an empty form: Alt+1 (first favourite), Ctrl+Enter (save & keep)."""
    form = window.screens["session"]
    press(form.search_entry, "<Alt-Key-1>")
    press(form.search_entry, "<Control-Return>")
    [session] = stored(world)
    assert session.procedures[0].procedure_code == form.choices.favourites[0].code
    assert session.procedures[0].outcome_id == world.lookup("outcome", "submitted")


def test_vietnamese_search_and_note_then_save_and_clear(window, world):
    form = window.screens["session"]
    type_text(form.search_entry, "đăng ký khai sinh")
    press(form.search_entry, "<Down>")
    press(form.hits_list, "<Return>")
    assert form.presenter.state.procedures
    note_entry = [
        w
        for w in form.details_box.winfo_children()
        if str(w.cget("textvariable") if "textvariable" in w.keys() else "")
        == str(form.vars["note"])
    ][0]
    type_text(note_entry, "Người dân lớn tuổi")
    press(note_entry, "<Alt-Return>")
    [session] = stored(world)
    assert session.note == "Người dân lớn tuổi"
    assert form.vars["note"].get() == ""


def test_error_is_shown_in_the_form_not_a_dialog(window, world):
    form = window.screens["session"]
    press(form.search_entry, "<Control-Return>")
    assert stored(world) == []
    assert "thủ tục" in form.errors_label.cget("text")
    assert window.errors == []


def test_draft_comes_back_after_the_window_is_destroyed(world, make_window):
    first = make_window(world.store, user=(world.officer.id, world.counter1.id))
    form = first.screens["session"]
    type_text(form.search_entry, "1.004222")
    press(form.search_entry, "<Return>")
    form.vars["note"].set("Hẹn quay lại bổ sung giấy tờ")
    first.destroy()  # no close(): as if the app was killed after the last change
    assert DraftService(world.store, officer_id=world.officer.id).load() is not None
    second = make_window(world.store, user=(world.officer.id, world.counter1.id))
    assert second.confirmations  # offered back
    form2 = second.screens["session"]
    assert [p.code for p in form2.presenter.state.procedures] == ["1.004222"]
    assert form2.vars["note"].get() == "Hẹn quay lại bổ sung giấy tờ"
    press(form2.search_entry, "<Control-Return>")
    assert len(stored(world)) == 1
    assert DraftService(world.store, officer_id=world.officer.id).load() is None


def test_ten_sessions_with_keyboard_only(window, world):
    form = window.screens["session"]
    queries = [
        "khai sinh",
        "thuong tru",
        "1.004222",
        "ket hon",
        "khai tu",
        "chung thuc",
        "bao hiem",
        "tam tru",
        "ho tich",
        "1.001193",
    ]
    for q in queries:
        type_text(form.search_entry, q)
        if form.presenter.hits:
            press(form.search_entry, "<Return>")
        else:
            press(form.search_entry, "<Alt-Key-1>")
        press(form.search_entry, "<Control-Key-3>")
        press(form.search_entry, "<Control-Return>")
        pump(window)
    assert len(stored(world)) == 10
    assert window.tk_errors == []


def _on_screen(window, widget) -> bool:
    """Mapped and its bottom edge inside the window (nothing cut off at 1366×768)."""
    pump(window)
    bottom = widget.winfo_rooty() + widget.winfo_height()
    return bool(widget.winfo_ismapped()) and bottom <= window.winfo_rooty() + window.winfo_height()


def test_correcting_an_old_session_keeps_reason_and_errors_on_screen(window, world, screenshot):
    from datetime import datetime, timedelta

    s = world.save()  # entered on its day, no late-entry reason; now three days old
    old = (datetime.now() - timedelta(days=3)).replace(microsecond=0).isoformat()
    world.store.db.execute("UPDATE session SET started_at = ? WHERE uuid = ?", [old, s.uuid])
    window.edit_session(s.uuid)
    form = window.screens["session"]
    pump(window)
    assert not form.late_entry.winfo_ismapped()  # the start was not changed
    assert _on_screen(window, form.edit_entry)
    form.vars["minutes_text"].set("nhiều")
    press(form.search_entry, "<Control-Return>")
    screenshot(window, "correction_refused")
    assert "phút" in form.errors_label.cget("text")
    assert _on_screen(window, form.errors_label)
    assert world.sessions.get(s.uuid).minutes == s.minutes


def test_change_user_keeps_the_draft_for_its_officer(world, make_window):
    window = make_window(world.store, user=(world.officer.id, world.counter1.id))
    form = window.screens["session"]
    type_text(form.search_entry, "1.004222")
    press(form.search_entry, "<Return>")
    window.switch_user()
    pump(window)
    login = window.screens["login"]
    login.officer.set_value(world.officer2.id)
    login.officer.event_generate("<<ComboboxSelected>>")
    press(login.ok, "<Return>")
    pump(window)
    assert window.current_officer.id == world.officer2.id
    assert window.confirmations == []  # not offered a colleague's session
    assert window.screens["session"].presenter.state.procedures == []
    window.switch_user()
    pump(window)
    login = window.screens["login"]
    login.officer.set_value(world.officer.id)
    login.officer.event_generate("<<ComboboxSelected>>")
    press(login.ok, "<Return>")
    pump(window)
    assert window.confirmations  # their own half-entered session comes back
    codes = [p.code for p in window.screens["session"].presenter.state.procedures]
    assert codes == ["1.004222"]


def test_unmatched_text_in_the_procedure_box_stops_the_save(window, world):
    form = window.screens["session"]
    type_text(form.search_entry, "1.001193")
    press(form.search_entry, "<Return>")
    type_text(form.search_entry, "zzqqxx")  # a second procedure, mistyped
    press(form.search_entry, "<Control-Return>")
    assert stored(world) == []
    assert "zzqqxx" in form.errors_label.cget("text")
    assert form.search_var.get() == "zzqqxx"
    press(form.search_entry, "<Escape>")
    press(form.search_entry, "<Control-Return>")
    assert len(stored(world)) == 1


def test_cancel_the_correction_asks_when_something_was_changed(window, world):
    s = world.save(note="cũ")
    window.edit_session(s.uuid)
    form = window.screens["session"]
    form.vars["note"].set("đã sửa một nửa")
    window.confirm_answer = False
    form.clear_button.invoke()
    assert window.confirm_defaults == [False]  # Enter keeps the typed changes
    assert form.presenter.state.editing_uuid == s.uuid
    assert form.vars["note"].get() == "đã sửa một nửa"
    window.confirm_answer = True
    form.clear_button.invoke()
    assert form.presenter.state.editing_uuid is None
    assert world.sessions.get(s.uuid).note == "cũ"


def test_questions_that_lose_work_default_to_no(window, monkeypatch):
    """The real dialog: Enter on a "lose your typing?" question must answer No."""
    import ttkbootstrap.dialogs as dialogs

    from counter_app.ui.main_window import MainWindow

    made = []

    class FakeDialog:
        def __init__(self, message, title, **kwargs):
            made.append(kwargs)
            self.result = kwargs["default"]  # as if Enter was pressed

        def show(self):
            pass

    monkeypatch.setattr(dialogs, "MessageDialog", FakeDialog)
    assert MainWindow.confirm(window, "Xóa trắng biểu mẫu?", default=False) is False
    assert MainWindow.confirm(window, "Vẫn đóng ứng dụng?") is True
    assert [m["default"] for m in made] == ["Không", "Có"]


def test_alt_digit_on_a_help_box_adds_the_favourite_not_the_help(window, world):
    form = window.screens["session"]
    box = [w for w in form.help_box.winfo_children() if w.winfo_class() == "TCheckbutton"][0]
    press(box, "<Alt-Key-1>")
    state = form.presenter.state
    assert [p.code for p in state.procedures] == [form.choices.favourites[0].code]
    assert state.help_type_ids == []
    press(box, "<Key-2>")  # a plain digit on a help box still toggles that help type
    assert state.help_type_ids == [form.choices.help_types[1].id]
