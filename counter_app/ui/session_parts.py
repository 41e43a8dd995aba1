"""The parts of the session form built from the catalogue and the lists: the procedure
lines (one row per procedure with its outcome, barriers and dossier code, in a box that
scrolls so several lines never push the help types or the save buttons off a small
screen), the help-type boxes and the favourite/bundle buttons."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from functools import partial
from typing import Any, cast

import ttkbootstrap as ttk
from ttkbootstrap.widgets.scrolled import ScrolledFrame

from counter_app.domain.text import short_procedure_name
from counter_app.i18n import tr
from counter_app.presenters.session_state import Choices, FormState, ProcedureLine
from counter_app.ui import shortcuts
from counter_app.ui.shortcuts import bundle_key
from counter_app.ui.widgets import ChoiceCombo, Tooltip, fit_text


class ProcedureLines(ScrolledFrame):
    """Built again when the list of procedures changes; otherwise only updated."""

    def __init__(self, master: tk.Misc, presenter: Callable[[], Any], height: int = 120):
        super().__init__(master, height=height)
        self.columnconfigure(0, weight=1)
        self._presenter = presenter
        self._codes: list[str] | None = None
        self._widgets: list[dict] = []
        self._rendering = False  # the view writing the state back is not user input

    @property
    def presenter(self) -> Any:
        return self._presenter()

    def render(self, state: FormState, choices: Choices | None) -> None:
        self._rendering = True
        try:
            self._render(state, choices)
        finally:
            self._rendering = False

    def _render(self, state: FormState, choices: Choices | None) -> None:
        codes = [p.code for p in state.procedures]
        if codes != self._codes:
            for child in self.winfo_children():
                child.destroy()
            self._widgets = [
                self._build_line(i, line, choices) for i, line in enumerate(state.procedures)
            ]
            self._codes = codes
            if not codes:
                ttk.Label(self, text=tr("No procedure yet."), bootstyle="secondary").grid(
                    row=0, column=0, sticky="w"
                )
            self.after_idle(self.show_last_line)
        for widgets, line in zip(self._widgets, state.procedures, strict=False):
            self._update_line(widgets, line, choices)

    @staticmethod
    def _update_line(widgets: dict, line: ProcedureLine, choices: Choices | None) -> None:
        widgets["outcome"].set_value(line.outcome_id)
        if widgets["dossier"].get() != line.dossier_code:
            widgets["dossier"].set(line.dossier_code)
        submitted = choices and line.outcome_id == choices.submitted_id
        for bid, var in widgets["barrier_vars"].items():
            var.set(bid in line.barrier_ids)
        n = len(line.barrier_ids)
        widgets["barriers"].configure(
            state="disabled" if submitted else "normal",
            text=tr("Barriers") + (f" ({n})" if n else ""),
        )

    def _build_line(self, i: int, line: ProcedureLine, choices: Choices | None) -> dict:
        frame = ttk.Frame(self, padding=(0, 4))
        frame.grid(row=i, column=0, sticky="ew")
        frame.columnconfigure(0, weight=1)
        title = ttk.Label(
            frame, text=f"{line.code} — {line.name}", wraplength=520, font="-weight bold"
        )
        title.grid(row=0, column=0, sticky="w")

        def rewrap(event: tk.Event) -> None:
            title.configure(wraplength=max(200, event.width - 60))

        frame.bind("<Configure>", rewrap)
        ttk.Button(
            frame,
            text="✕",
            width=3,
            bootstyle="danger-link",
            takefocus=False,
            command=lambda i=i: self.presenter.remove_procedure(i),
        ).grid(row=0, column=1, sticky="ne")
        row = ttk.Frame(frame)
        row.grid(row=1, column=0, columnspan=2, sticky="w", pady=2)
        outcome = ChoiceCombo(
            row,
            [(v.id, v.label) for v in (choices.outcomes if choices else [])],
            width=24,
            on_select=partial(self._outcome_chosen, i),
        )
        outcome.pack(side="left")
        barriers, barrier_vars = self._barrier_menu(row, i, choices)
        barriers.pack(side="left", padx=6)
        ttk.Label(row, text=tr("Dossier code")).pack(side="left", padx=(6, 2))
        dossier = tk.StringVar(self, line.dossier_code)
        dossier.trace_add("write", lambda *_, i=i, v=dossier: self._dossier_changed(i, v))
        dossier_entry = ttk.Entry(row, textvariable=dossier, width=12)
        dossier_entry.pack(side="left")
        widgets: tuple[tk.Misc, ...] = (outcome, barriers, dossier_entry)
        for widget in widgets:  # Tab into a line: scroll to it
            widget.bind("<FocusIn>", lambda _e: self.scroll_to(frame), add="+")
        return {
            "outcome": outcome,
            "dossier": dossier,
            "barriers": barriers,
            "barrier_vars": barrier_vars,
        }

    def _barrier_menu(
        self, row: ttk.Frame, i: int, choices: Choices | None
    ) -> tuple[ttk.Menubutton, dict[int, tk.BooleanVar]]:
        barrier_vars: dict[int, tk.BooleanVar] = {}
        barriers = ttk.Menubutton(
            row,
            text=tr("Barriers"),
            bootstyle="warning-outline",
            width=max(12, len(tr("Barriers")) + 4),
        )
        menu = tk.Menu(barriers, tearoff=False)
        for value in choices.barriers if choices else []:
            if value.id is None:
                continue
            var = tk.BooleanVar(self, False)
            barrier_vars[value.id] = var
            menu.add_checkbutton(
                label=value.label, variable=var, command=partial(self._barrier_clicked, i, value.id)
            )
        barriers.configure(menu=cast(Any, menu))
        return barriers, barrier_vars

    def _outcome_chosen(self, i: int, outcome_id: object) -> None:
        self.presenter.set_outcome(i, outcome_id)

    def _dossier_changed(self, i: int, var: tk.StringVar) -> None:
        if not self._rendering:
            self.presenter.set_dossier(i, var.get())

    def _barrier_clicked(self, i: int, barrier_id: int) -> None:
        self.presenter.toggle_barrier(i, barrier_id)
        self.render(self.presenter.state, self.presenter.choices)

    def scroll_to(self, frame: tk.Widget) -> None:
        try:
            height = max(1, self.winfo_height())
            self.yview_moveto(max(0.0, frame.winfo_y() / height))
        except tk.TclError:
            pass

    def show_last_line(self) -> None:
        """The line just added is the one the officer works on next: keep it in view.
        The scroll region is set from what the lines need now: a frame that held five
        lines does not shrink by itself when fewer are built, which left the next
        session's lines scrolled out of sight above an empty box."""
        try:
            self.update_idletasks()
            need = self.winfo_reqheight()
            canvas = self._canvas
            canvas.itemconfigure(self._window_id, height=0)  # "as requested", recomputed now
            canvas.configure(scrollregion=(0, 0, canvas.winfo_width(), need))
            rows = [w for w in self.winfo_children() if w.winfo_manager()]
            if need <= canvas.winfo_height() or not rows:
                self.yview_moveto(0.0)
                return
            # The newest line from its title down (a long name is taller than the box:
            # scrolling to the very end cut its title off at the top).
            last_top = max(w.winfo_y() for w in rows)
            self.yview_moveto(min(last_top, need - canvas.winfo_height()) / need)
        except (AttributeError, tk.TclError):
            pass


def fill_help_box(
    box: ttk.Labelframe,
    choices: Choices,
    on_click: Callable[[int], None],
    on_digit: Callable[[int, tk.Event], object],
) -> dict[int, tk.BooleanVar]:
    """One checkbox per help type, numbered 1…9 for Ctrl+n (and bare n inside the box);
    returns the variable of each help type id. Two columns when the labels fit side by
    side, one on a narrow box (125–150 %): a label is never cut."""
    for child in box.winfo_children():
        child.destroy()
    help_vars: dict[int, tk.BooleanVar] = {}
    boxes: list[ttk.Checkbutton] = []
    for i, value in enumerate(choices.help_types):
        if value.id is None:
            continue
        var = tk.BooleanVar(box, False)
        help_vars[value.id] = var
        prefix = f"{i + 1}. " if i < 9 else ""
        cb = ttk.Checkbutton(
            box, text=prefix + value.label, variable=var, command=lambda v=value.id: on_click(v)
        )
        boxes.append(cb)
        for n in range(1, min(9, len(choices.help_types)) + 1):
            shortcuts.bind(cb, f"form.help_box.{n}", lambda e, n=n: on_digit(n, e), with_event=True)
    layout: list[int] = []

    def regrid(_event: object = None) -> None:
        widest = max((cb.winfo_reqwidth() for cb in boxes), default=0) + 12
        width = box.winfo_width() - 20
        columns = 2 if width <= 1 or 2 * widest <= width else 1
        if layout == [columns]:
            return
        layout[:] = [columns]
        box.columnconfigure((0, 1), weight=0, uniform="")
        box.columnconfigure(tuple(range(columns)), weight=1, uniform="help")
        for i, cb in enumerate(boxes):
            cb.grid(row=i // columns, column=i % columns, sticky="w", padx=(0, 8), pady=1)

    regrid()
    box.bind("<Configure>", regrid)  # replaces the previous fill's
    return help_vars


def fill_picks(
    frame: ttk.Frame,
    choices: Choices,
    add_favourite: Callable[[int], object],
    add_bundle: Callable[[int], object],
) -> None:
    """The favourite (Alt+n) and bundle (F7…) buttons above the procedure lines: as many
    columns as keep a readable part of each name (four for a new install's nine
    favourites and two bundles at 100 %), the full name in a tooltip."""
    for child in frame.winfo_children():
        child.destroy()
    picks = [
        (
            f"Alt+{i + 1}",
            short_procedure_name(fav.name),
            "info-outline",
            lambda n=i + 1: add_favourite(n),
        )
        for i, fav in enumerate(choices.favourites)
    ]
    picks += [
        (bundle_key(i + 1), bundle.name, "secondary-outline", lambda n=i + 1: add_bundle(n))
        for i, bundle in enumerate(choices.bundles)
    ]
    buttons = []
    for key, name, style, command in picks:
        button = ttk.Button(frame, bootstyle=style, takefocus=False, command=command)
        Tooltip(button, partial(_full_name, f"{key}: {name}"))  # the name in full
        buttons.append((button, key, name))
    if not buttons:
        return
    font = tkfont.nametofont("TkDefaultFont", root=frame)
    layout: list[tuple[int, int]] = []

    def regrid(_event: object = None) -> None:
        width = frame.winfo_width()
        if width <= 1:
            width = 700
        # columns: as many as leave each button about 12 characters of its name
        per = font.measure("Alt+1 " + "x" * 12) + 24
        columns = max(1, min(4, width // per, len(buttons)))
        if len(buttons) <= 4:
            columns = min(columns, 2)
        cell = width // columns - 32
        if layout == [(columns, cell)]:
            return
        layout[:] = [(columns, cell)]
        for c in range(4):
            frame.columnconfigure(
                c, weight=1 if c < columns else 0, uniform="picks" if c < columns else ""
            )
        for i, (button, key, name) in enumerate(buttons):
            button.configure(text=fit_text(f"{key} {name}", font, cell))
            button.grid(row=i // columns, column=i % columns, sticky="ew", padx=2, pady=2)

    regrid()
    frame.bind("<Configure>", regrid)  # replaces the previous fill's


def _full_name(text: str, _event: object) -> str:
    return text


class BatchDialog(ttk.Toplevel):
    """ "Ghi nhiều lượt": how many sessions like the form, their channel (lưu động first)
    and minutes each. The confirm button shows the number, so the officer sees what is
    about to be stored; problems show in the dialog and nothing is stored."""

    def __init__(self, master: tk.Misc, presenter: Any, form: Any, choices: Choices) -> None:
        super().__init__(title=tr("Save many alike sessions"), transient=master.winfo_toplevel())
        self.presenter = presenter
        self.result: Any = None
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        body.columnconfigure(1, weight=1)
        ttk.Label(
            body,
            text=tr("Each session is stored on its own, with:"),
            font="-weight bold",
        ).grid(row=0, column=0, columnspan=2, sticky="w")
        ttk.Label(
            body,
            text="\n".join("• " + line for line in form.summary),
            justify="left",
            wraplength=560,
        ).grid(row=1, column=0, columnspan=2, sticky="w", pady=(4, 10))
        ttk.Label(body, text=tr("Number of sessions (1–200)")).grid(row=2, column=0, sticky="w")
        self.n_var = tk.StringVar(self, "")
        self.n_entry = ttk.Entry(body, textvariable=self.n_var, width=8)
        self.n_entry.grid(row=2, column=1, sticky="w", padx=(8, 0), pady=3)
        ttk.Label(body, text=tr("Channel")).grid(row=3, column=0, sticky="w")
        self.channel = ChoiceCombo(body, [(v.id, v.label) for v in choices.channels], width=36)
        self.channel.set_value(form.channel_id)
        self.channel.grid(row=3, column=1, sticky="ew", padx=(8, 0), pady=3)
        ttk.Label(body, text=tr("Minutes per session")).grid(row=4, column=0, sticky="w")
        self.minutes_var = tk.StringVar(self, form.minutes_text)
        minutes = ttk.Entry(body, textvariable=self.minutes_var, width=8)
        minutes.grid(row=4, column=1, sticky="w", padx=(8, 0), pady=3)
        self.errors = ttk.Label(body, bootstyle="danger", justify="left", wraplength=560)
        self.errors.grid(row=5, column=0, columnspan=2, sticky="w", pady=(6, 0))
        buttons = ttk.Frame(body)
        buttons.grid(row=6, column=0, columnspan=2, sticky="e", pady=(12, 0))
        self.confirm_button = ttk.Button(buttons, bootstyle="success", command=self.confirm)
        self.confirm_button.pack(side="left")
        ttk.Button(
            buttons, text=tr("Cancel"), bootstyle="secondary-outline", command=self.destroy
        ).pack(side="left", padx=(8, 0))
        self.n_var.trace_add("write", lambda *_: self._show_count())
        self._show_count()
        for widget in (self.n_entry, minutes, self.channel, self.confirm_button):
            shortcuts.bind(widget, "batch.confirm", self.confirm)
        shortcuts.bind(self, "dialog.close", self.destroy)
        self.n_entry.focus_set()

    def _show_count(self) -> None:
        text = self.n_var.get().strip()
        n = int(text) if text.isdigit() else None
        self.confirm_button.configure(
            text=tr("Save {n} sessions").format(n=n) if n else tr("Save the sessions")
        )

    def confirm(self) -> None:
        batch = self.presenter.save_batch(
            self.n_var.get(), cast("int | None", self.channel.value()), self.minutes_var.get()
        )
        if batch is None:
            self.errors.configure(
                text="\n".join(f"• {e.message}" for e in self.presenter.batch_errors)
            )
            self.bell()
            return
        self.result = batch
        self.destroy()
