"""The parts of the session form built from the catalogue and the lists: the procedure
lines (one row per procedure with its outcome, barriers and dossier code, in a box that
scrolls so several lines never push the help types or the save buttons off a small
screen), the help-type boxes and the favourite/bundle buttons."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from functools import partial
from typing import Any, cast

import ttkbootstrap as ttk
from ttkbootstrap.widgets.scrolled import ScrolledFrame

from counter_app.i18n import tr
from counter_app.presenters.session_state import Choices, FormState, ProcedureLine
from counter_app.ui import shortcuts
from counter_app.ui.shortcuts import bundle_key
from counter_app.ui.widgets import ChoiceCombo, shorten


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
            else:
                self.after(30, self.show_last_line)
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
        """The line just added is the one the officer works on next: keep it in view."""
        try:
            self.yview_moveto(1.0)
        except (AttributeError, tk.TclError):
            pass


def fill_help_box(
    box: ttk.Labelframe,
    choices: Choices,
    on_click: Callable[[int], None],
    on_digit: Callable[[int, tk.Event], object],
) -> dict[int, tk.BooleanVar]:
    """One checkbox per help type, numbered 1…9 for Ctrl+n (and bare n inside the box);
    returns the variable of each help type id."""
    for child in box.winfo_children():
        child.destroy()
    help_vars: dict[int, tk.BooleanVar] = {}
    box.columnconfigure((0, 1), weight=1, uniform="help")
    for i, value in enumerate(choices.help_types):
        if value.id is None:
            continue
        var = tk.BooleanVar(box, False)
        help_vars[value.id] = var
        prefix = f"{i + 1}. " if i < 9 else ""
        cb = ttk.Checkbutton(
            box, text=prefix + value.label, variable=var, command=lambda v=value.id: on_click(v)
        )
        cb.grid(row=i // 2, column=i % 2, sticky="w", padx=(0, 8), pady=1)
        for n in range(1, min(9, len(choices.help_types)) + 1):
            shortcuts.bind(cb, f"form.help_box.{n}", lambda e, n=n: on_digit(n, e), with_event=True)
    return help_vars


def fill_picks(
    frame: ttk.Frame,
    choices: Choices,
    add_favourite: Callable[[int], object],
    add_bundle: Callable[[int], object],
) -> None:
    """The favourite (Alt+n) and bundle (F7…) buttons above the procedure lines."""
    for child in frame.winfo_children():
        child.destroy()
    picks = [
        (f"Alt+{i + 1}", fav.name, "info-outline", lambda n=i + 1: add_favourite(n))
        for i, fav in enumerate(choices.favourites)
    ]
    picks += [
        (bundle_key(i + 1), bundle.name, "secondary-outline", lambda n=i + 1: add_bundle(n))
        for i, bundle in enumerate(choices.bundles)
    ]
    columns, limit = (2, 30) if len(picks) <= 6 else (3, 18)  # keep the box short
    for col, (key, name, style, command) in enumerate(picks):
        ttk.Button(
            frame,
            text=f"{key} {shorten(name, limit)}",
            bootstyle=style,
            takefocus=False,
            command=command,
        ).grid(row=col // columns, column=col % columns, sticky="ew", padx=2, pady=2)
    for c in range(3):
        frame.columnconfigure(
            c, weight=1 if c < columns else 0, uniform="picks" if c < columns else ""
        )
