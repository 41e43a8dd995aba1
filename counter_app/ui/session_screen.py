"""The new-session form (also used to edit a stored session). A thin view: it builds
widgets, reports explicit actions to ``SessionFormPresenter`` and renders its state.

Data only ever flows from variable traces, ``<<ComboboxSelected>>``, checkbutton
commands and explicit keys (Enter, Ctrl+Enter, shortcuts) — never from raw key events,
which Unikey fakes while composing Vietnamese."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from counter_app.domain.models import TriState
from counter_app.domain.validation import FieldError
from counter_app.i18n import tr
from counter_app.presenters.session_form import SessionFormPresenter
from counter_app.presenters.session_state import TEXT_FIELDS, Choices, FormState
from counter_app.ui import shortcuts
from counter_app.ui.session_parts import BatchDialog, ProcedureLines, fill_help_box, fill_picks
from counter_app.ui.shortcuts import PASS
from counter_app.ui.widgets import (
    ChoiceCombo,
    FitOrScroll,
    Flow,
    listbox_tooltip,
    themed_listbox,
)

# Typed text reaches the draft at most this long after the first unsaved keystroke, even
# while the officer keeps typing (a debounce would wait for a pause that may never come
# before the power goes). Procedures and choices are written at once by the presenter.
DRAFT_MAX_DELAY_MS = 2000
TIMER_TICK_MS = 15_000
ROW_GAP = 1  # pixels above and below each row of the details: 16 rows fit a laptop at 100 %
PERSONAL_FIELDS = ("citizen_name", "citizen_phone", "citizen_id_number")


def tristate_items() -> list[tuple[str, str]]:
    return [
        (TriState.UNKNOWN.value, tr("Unknown")),
        (TriState.YES.value, tr("Yes")),
        (TriState.NO.value, tr("No")),
    ]


class SessionScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, app, presenter_factory=SessionFormPresenter):
        super().__init__(master, padding=(12, 8))
        self.app = app
        self._rendering = False
        self._draft_after: str | None = None
        self._timer_after: str | None = None
        self.choices: Choices | None = None
        self.vars: dict[str, tk.StringVar] = {}
        self._build()
        self.presenter = presenter_factory(self, app)
        self.presenter.start()
        self._tick()

    # -- building -----------------------------------------------------------------------

    def _build(self) -> None:
        self.columnconfigure(0, weight=1)
        self.rowconfigure(1, weight=1)
        self.banner = ttk.Label(self, bootstyle="@warning", padding=(8, 4))
        # The fields scroll when the window is too short for them (125–150 % on a
        # 1366×768 laptop); the banner and the save buttons stay pinned in view.
        self.body = FitOrScroll(self)
        self.body.grid(row=1, column=0, sticky="nsew")
        columns = self.body.inner
        columns.columnconfigure(0, weight=3, uniform="cols")
        columns.columnconfigure(1, weight=2, uniform="cols")
        columns.rowconfigure(0, weight=1)
        left = ttk.Frame(columns)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 12))
        right = ttk.Frame(columns)
        right.grid(row=0, column=1, sticky="nsew")
        self._build_procedures(left)
        self._build_help(left)
        self._build_details(right)
        self._build_buttons()

    def _text_var(self, name: str) -> tk.StringVar:
        var = tk.StringVar(self)
        var.trace_add("write", lambda *_: self._text_changed(name))
        self.vars[name] = var
        return var

    def _build_procedures(self, parent: ttk.Frame) -> None:
        box = ttk.Labelframe(parent, text=tr("Procedures"), padding=(8, 4))
        box.pack(fill="both", expand=True)
        ttk.Label(
            box,
            text=tr("Type a code or name, Enter adds (Alt+1…9: favourites)"),
            bootstyle="secondary",
        ).pack(anchor="w")
        self.search_var = tk.StringVar(self)
        self.search_var.trace_add("write", lambda *_: self._search_changed())
        self.search_entry = ttk.Entry(box, textvariable=self.search_var, font="-size 12")
        self.search_entry.pack(fill="x", pady=(2, 2))
        shortcuts.bind(self.search_entry, "form.search.add", self._enter_in_search, with_event=True)
        shortcuts.bind(self.search_entry, "form.search.to_hits", self._to_hits)
        shortcuts.bind(self.search_entry, "form.search.clear", self._escape)
        self.hits_list = themed_listbox(
            tk.Listbox(box, height=5, activestyle="dotbox", exportselection=False)
        )
        listbox_tooltip(self.hits_list)
        # The full name of the chosen hit, wrapped: long names are cut in the list.
        self.hit_detail = ttk.Label(box, bootstyle="secondary", justify="left", wraplength=600)
        self.hits_list.bind("<<ListboxSelect>>", lambda _e: self._show_hit_detail(), add="+")
        box.bind(
            "<Configure>",
            lambda e: self.hit_detail.configure(wraplength=max(200, e.width - 24)),
            add="+",
        )
        shortcuts.bind(self.hits_list, "form.hits.add", self._enter_in_hits, with_event=True)
        shortcuts.bind(self.hits_list, "form.hits.back", self.focus_procedure_box)
        shortcuts.bind(self.hits_list, "form.hits.up", self._hits_up)
        self.picks = ttk.Frame(box)
        self.picks.pack(fill="x", pady=(4, 4))
        # Several procedures must not push the help types or the save buttons off a
        # small laptop screen at 125–150 %: the lines scroll inside the box instead.
        self.lines = ProcedureLines(box, lambda: self.presenter, height=96)
        self.lines.pack(fill="both", expand=True)

    def _build_help(self, parent: ttk.Frame) -> None:
        self.help_box = ttk.Labelframe(parent, text=tr("Help given (Ctrl+1…9)"), padding=(8, 4))
        self.help_box.pack(fill="x", pady=(8, 0))
        self.help_vars: dict[int, tk.BooleanVar] = {}
        self._build_personal(parent)

    def _build_personal(self, parent: ttk.Frame) -> None:
        """Name, phone and ID number (only where the office records them), side by side
        under the help types: three more rows in the details did not fit a laptop."""
        self.personal_box = ttk.Labelframe(parent, text=tr("Citizen (optional)"), padding=(8, 4))
        cells = Flow(self.personal_box, gap=12)
        cells.pack(fill="x")
        for name, label, width in (
            ("citizen_name", tr("Citizen name"), 16),
            ("citizen_phone", tr("Phone"), 11),
            ("citizen_id_number", tr("ID number (CCCD)"), 12),
        ):
            cell = ttk.Frame(cells)
            ttk.Label(cell, text=label).pack(side="left", padx=(0, 4))
            ttk.Entry(cell, textvariable=self._text_var(name), width=width).pack(side="left")
            cells.add(cell)

    def _show_personal(self, shown: bool) -> None:
        if shown and not self.personal_box.winfo_manager():
            self.personal_box.pack(fill="x", pady=(8, 0), after=self.help_box)
        elif not shown:
            self.personal_box.pack_forget()

    def _build_details(self, parent: ttk.Frame) -> None:
        box = ttk.Labelframe(parent, text=tr("About the session"), padding=(8, 4))
        box.pack(fill="both", expand=True)
        box.columnconfigure(1, weight=1)
        self.combos: dict[str, ChoiceCombo] = {}
        rows = [
            ("channel_id", tr("Channel"), None),
            ("portal_id", tr("Portal"), None),
            ("applicant_type_id", tr("Citizen group"), None),
            ("elderly", tr("Elderly"), None),
            ("ethnic_minority", tr("Ethnic minority"), None),
            ("disability", tr("With disability"), None),
            ("self_reliance_id", tr("Can do it alone next time?"), "—"),
            ("satisfaction_id", tr("Satisfaction"), "—"),
        ]
        self._build_choice_rows(box, rows)
        self._build_time_rows(box, len(rows))

    def _build_choice_rows(self, box: ttk.Labelframe, rows: list) -> None:
        r = 0
        for name, label, blank in rows:
            ttk.Label(box, text=label).grid(row=r, column=0, sticky="w", pady=ROW_GAP, padx=(0, 8))
            combo = ChoiceCombo(
                box, blank=blank, width=24, on_select=lambda v, n=name: self._combo_changed(n, v)
            )
            combo.grid(row=r, column=1, sticky="ew", pady=ROW_GAP)
            self.combos[name] = combo
            r += 1
        for name in ("elderly", "ethnic_minority", "disability"):
            self.combos[name].set_items(tristate_items())

    def _build_time_rows(self, box: ttk.Labelframe, r: int) -> None:
        """Note, start, minutes, late-entry reason, personal fields, correction reason:
        the rows some sessions show and others hide keep their grid row."""
        ttk.Label(box, text=tr("Note")).grid(row=r, column=0, sticky="w", pady=ROW_GAP)
        self.note_entry = ttk.Entry(box, textvariable=self._text_var("note"))
        self.note_entry.grid(row=r, column=1, sticky="ew", pady=ROW_GAP)
        r += 1
        ttk.Separator(box).grid(row=r, column=0, columnspan=2, sticky="ew", pady=3)
        r += 1
        ttk.Label(box, text=tr("Started (dd/mm/yyyy hh:mm)")).grid(
            row=r, column=0, sticky="w", pady=ROW_GAP
        )
        self.started_entry = ttk.Entry(box, textvariable=self._text_var("started_text"))
        self.started_entry.grid(row=r, column=1, sticky="ew", pady=ROW_GAP)
        r += 1
        ttk.Label(box, text=tr("Minutes")).grid(row=r, column=0, sticky="w", pady=ROW_GAP)
        mins = ttk.Frame(box)
        mins.grid(row=r, column=1, sticky="ew", pady=ROW_GAP)
        self.minutes_entry = ttk.Entry(mins, width=6, textvariable=self._text_var("minutes_text"))
        self.minutes_entry.pack(side="left")
        self.timer_label = ttk.Label(mins, bootstyle="secondary")
        self.timer_label.pack(side="left", padx=8)
        r += 1
        self.late_label = ttk.Label(box, text=tr("Reason for late entry"))
        self.late_entry = ttk.Entry(box, textvariable=self._text_var("backdated_reason"))
        self.late_row = r
        r += 1
        self.edit_label = ttk.Label(box, text=tr("Reason for the correction"))
        self.edit_entry = ttk.Entry(box, textvariable=self._text_var("edit_reason"))
        self.edit_row = r
        self.details_box = box

    def _build_buttons(self) -> None:
        bar = ttk.Frame(self)
        bar.grid(row=2, column=0, sticky="ew", pady=(8, 0))
        # Above the buttons, full width, so a refused save is always explained on screen
        # and every problem wraps onto lines of its own (shown only while there are some).
        self.errors_label = ttk.Label(bar, bootstyle="danger", wraplength=900, justify="left")
        bar.bind(
            "<Configure>",
            lambda e: self.errors_label.configure(wraplength=max(240, e.width - 16)),
            add="+",
        )
        self.buttons = buttons = Flow(bar, gap=8)
        buttons.pack(fill="x")
        self.save_button = ttk.Button(
            buttons,
            text=tr("Save & keep (Ctrl+Enter)"),
            bootstyle="success",
            command=lambda: self.save(True),
        )
        self.save_clear_button = ttk.Button(
            buttons,
            text=tr("Save & clear (Alt+Enter)"),
            bootstyle="success-outline",
            command=lambda: self.save(False),
        )
        self.batch_button = ttk.Button(
            buttons,
            text=tr("Many alike… (Ctrl+L)"),
            bootstyle="info-outline",
            command=self.open_batch,
        )
        self.clear_button = ttk.Button(
            buttons, text=tr("Clear the form"), bootstyle="secondary-outline", command=self._clear
        )
        for button in (self.save_button, self.save_clear_button, self.batch_button):
            buttons.add(button)
        buttons.add(self.clear_button)

    # -- presenter → view ---------------------------------------------------------------

    def set_choices(self, choices: Choices) -> None:
        self.choices = choices

        def items(values):
            return [(v.id, v.label) for v in values]

        self.combos["channel_id"].set_items(items(choices.channels))
        self.combos["portal_id"].set_items(items(choices.portals))
        self.combos["applicant_type_id"].set_items(items(choices.applicant_types))
        self.combos["self_reliance_id"].set_items(items(choices.self_reliance))
        self.combos["satisfaction_id"].set_items(items(choices.satisfaction))
        self.help_vars = fill_help_box(
            self.help_box, choices, self._help_clicked, lambda n, e: self._toggle_help(n, e)
        )
        fill_picks(self.picks, choices, self.presenter.add_favourite, self.presenter.add_bundle)
        self._show_personal(choices.personal_fields)

    def render(self, state: FormState) -> None:
        self._rendering = True
        try:
            for name in TEXT_FIELDS:
                if self.vars[name].get() != getattr(state, name):
                    self.vars[name].set(getattr(state, name))
            for name, combo in self.combos.items():
                combo.set_value(getattr(state, name))
            for help_id, var in self.help_vars.items():
                var.set(help_id in state.help_type_ids)
            self.lines.render(state, self.choices)
            editing = bool(state.editing_uuid)
            self._render_buttons(editing)
            self._show_picks()
            if editing:
                self.banner.configure(
                    text=tr("Correcting a stored session — save writes the change to its history.")
                )
                self.banner.grid(row=0, column=0, sticky="ew", pady=(0, 8))
                self.edit_label.grid(row=self.edit_row, column=0, sticky="w", pady=ROW_GAP)
                self.edit_entry.grid(row=self.edit_row, column=1, sticky="ew", pady=ROW_GAP)
                self.clear_button.configure(text=tr("Cancel the correction"))
                # Personal data stays correctable where a session holds some; empty rows
                # of an office that records none would push the reason off the screen.
                self._show_personal(
                    bool(self.choices and self.choices.personal_fields)
                    or any(getattr(state, name) for name in PERSONAL_FIELDS)
                )
            else:
                self.banner.grid_remove()
                self.edit_label.grid_remove()
                self.edit_entry.grid_remove()
                self.clear_button.configure(text=tr("Clear the form"))
                self._show_personal(bool(self.choices and self.choices.personal_fields))
            self._render_late(state)
            self._render_timer()
        finally:
            self._rendering = False

    def _render_buttons(self, editing: bool) -> None:
        """While a stored session is corrected the one save button says so (saving a
        correction never keeps anything for a next citizen)."""
        self.save_button.configure(
            text=tr("Save the correction (Ctrl+Enter)")
            if editing
            else tr("Save & keep (Ctrl+Enter)")
        )
        self.buttons.set_shown(self.save_clear_button, not editing)
        self.buttons.set_shown(self.batch_button, not editing)

    def _render_late(self, state: FormState) -> None:
        if self.presenter.late_reason_wanted(self.presenter.clock()):
            self.late_label.grid(row=self.late_row, column=0, sticky="w", pady=ROW_GAP)
            self.late_entry.grid(row=self.late_row, column=1, sticky="ew", pady=ROW_GAP)
        else:
            self.late_label.grid_remove()
            self.late_entry.grid_remove()

    def _render_timer(self) -> None:
        elapsed = self.presenter.elapsed_minutes() if hasattr(self, "presenter") else None
        if self.presenter.state.editing_uuid:
            text = ""
        elif elapsed is None:
            text = tr("auto")
        else:
            text = tr("auto: {n} min").format(n=elapsed)
        self.timer_label.configure(text=text)

    def show_hits(self, hits: list) -> None:
        """The hits; suggestions (a typo fixed, some words only) are marked "≈", none is
        selected for Enter, and a line says how to take one."""
        self._hits = list(hits)
        self.hits_list.delete(0, "end")
        for hit in hits:
            mark = "≈ " if hit.tentative else ("★ " if hit.favourite else "")
            self.hits_list.insert("end", f"{mark}{hit.code}  {hit.name}")
        if hits:
            if not hits[0].tentative:
                self.hits_list.selection_set(0)
            self.hits_list.pack(fill="x", after=self.search_entry)
            self.hit_detail.pack(fill="x", after=self.hits_list)
            self._show_hit_detail()
        else:
            self.hits_list.pack_forget()
            self.hit_detail.pack_forget()
        self._show_picks()

    def _show_picks(self) -> None:
        """The favourite and bundle buttons, except while a hit list takes their place or
        a stored session is corrected (Alt+n and F7… still work): the procedure lines
        and help types below keep their room on a small screen."""
        editing = bool(self.presenter.state.editing_uuid) if hasattr(self, "presenter") else False
        if getattr(self, "_hits", None) or editing:
            self.picks.pack_forget()
        elif not self.picks.winfo_manager():
            self.picks.pack(fill="x", pady=(4, 4), before=self.lines.container)

    def _show_hit_detail(self) -> None:
        hits = getattr(self, "_hits", [])
        selection = self.hits_list.curselection()
        if hits and hits[0].tentative and not selection:
            text = tr("≈ Close matches only: choose one with ↓ then Enter, or correct the words.")
        elif selection and selection[0] < len(hits):
            hit = hits[selection[0]]
            text = f"{hit.code} — {hit.name}" + (
                "  " + tr("(a close match: Enter adds it)") if hit.tentative else ""
            )
        else:
            text = ""
        self.hit_detail.configure(text=text)

    def show_errors(self, errors: list[FieldError]) -> None:
        self.errors_label.configure(text="\n".join(f"• {e.message}" for e in errors))
        if errors:
            self.errors_label.pack(fill="x", pady=(0, 4), before=self.buttons)
            self.bell()
        else:
            self.errors_label.pack_forget()

    def focus_procedure_box(self) -> None:
        self.search_entry.focus_set()

    def schedule_draft_save(self) -> None:
        """Typed text: one write within ``DRAFT_MAX_DELAY_MS`` of the first unsaved change;
        later keystrokes ride along with it instead of postponing it."""
        if self._draft_after is None:
            self._draft_after = self.after(DRAFT_MAX_DELAY_MS, self._flush_draft)

    # -- view → presenter ---------------------------------------------------------------

    def _flush_draft(self) -> None:
        self._draft_after = None
        self.presenter.save_draft()

    def flush(self) -> None:
        """On close: write the draft now, whatever the debounce timer says."""
        if self._draft_after:
            self.after_cancel(self._draft_after)
            self._draft_after = None
        self.presenter.save_draft()

    def _text_changed(self, name: str) -> None:
        if self._rendering:
            return
        self.presenter.set_field(name, self.vars[name].get())
        if name in ("started_text", "backdated_reason"):
            self._render_late(self.presenter.state)
        if name == "minutes_text" or self.presenter.state.first_input_at:
            self._render_timer()

    def _combo_changed(self, name: str, value) -> None:
        if not self._rendering:
            self.presenter.set_field(name, value)

    def _help_clicked(self, help_id: int) -> None:
        self.presenter.set_help(help_id, self.help_vars[help_id].get())

    def _toggle_help(self, n: int, event=None) -> str | None:
        """A digit on a focused help box. ``<Key-n>`` also matches Alt+n: that one is the
        window's favourite shortcut and must reach it, not toggle a help type."""
        if _with_alt(event):
            return PASS
        self.presenter.toggle_help(n)
        return None

    def _search_changed(self) -> None:
        self.presenter.search(self.search_var.get())

    def _enter_in_search(self, event: tk.Event | None = None) -> str | None:
        if _with_modifier(event):
            return PASS  # Ctrl+Enter / Alt+Enter: the window's save shortcuts
        if self.presenter.add_hit(0):
            self.search_var.set("")
        return None

    def _enter_in_hits(self, event: tk.Event | None = None) -> str | None:
        if _with_modifier(event):
            return PASS
        selection = self.hits_list.curselection()
        if selection and self.presenter.add_hit(selection[0], chosen=True):
            self.search_var.set("")
            self.focus_procedure_box()
        return None

    def _escape(self) -> None:
        """Esc in the procedure box: empty it; a form left with nothing in it starts
        again (its timer stops)."""
        self.search_var.set("")
        self.presenter.escape()

    def _to_hits(self) -> None:
        if self.hits_list.size():
            self.hits_list.focus_set()
            self.hits_list.selection_clear(0, "end")
            self.hits_list.selection_set(0)
            self.hits_list.activate(0)

    def _hits_up(self) -> str | None:
        selection = self.hits_list.curselection()
        if selection and selection[0] == 0:
            self.focus_procedure_box()
            return None
        return PASS

    def save(self, keep: bool = True) -> None:
        """Ctrl+Enter / Alt+Enter / the buttons. What the procedure box still holds is
        added first when it matches (the presenter decides; a suggestion never is)."""
        if self.presenter.save(keep=keep, pending=self.search_var.get()) is not None:
            self.search_var.set("")

    def open_batch(self) -> BatchDialog | None:
        """Ctrl+L / the button: the tally dialog over what the form holds."""
        form = self.presenter.batch_form(pending=self.search_var.get())
        if form is None or self.choices is None:
            return None
        self.search_var.set("")
        dialog = BatchDialog(self, self.presenter, form, self.choices)
        self.batch_dialog = dialog
        return dialog

    def _clear(self) -> None:
        if self.presenter.state.editing_uuid:
            if self.presenter.has_unsaved_edit() and not self.app.confirm(
                tr("Drop the changes made to this session?"), default=False
            ):
                return
            self.presenter.cancel_edit()
            return
        if self.presenter.has_input() and not self.app.confirm(
            tr("Clear the form? What was entered is lost."), default=False
        ):
            return
        self.search_var.set("")
        self.presenter.clear()

    def _tick(self) -> None:
        self._render_timer()
        self._timer_after = self.after(TIMER_TICK_MS, self._tick)

    def destroy(self) -> None:
        for attr in ("_draft_after", "_timer_after"):
            after_id = getattr(self, attr, None)
            if after_id:
                try:
                    self.after_cancel(after_id)
                except tk.TclError:
                    pass
        super().destroy()


# Control, Alt on X11 (Mod1) and Alt on Windows: Enter with these belongs to the window.
_MODIFIER_MASK = 0x0004 | 0x0008 | 0x20000


def _with_modifier(event) -> bool:
    state = getattr(event, "state", 0)
    return isinstance(state, int) and bool(state & _MODIFIER_MASK)


def _with_alt(event) -> bool:
    state = getattr(event, "state", 0)
    return isinstance(state, int) and bool(state & (0x0008 | 0x20000))
