"""Before the work screens: first-run setup, then who is at the counter (officer, counter,
PIN). They are frames inside the one main window, not modal dialogs."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable
from datetime import datetime

import ttkbootstrap as ttk

from counter_app.domain.models import Counter, Officer
from counter_app.i18n import tr
from counter_app.presenters.login import (
    LoginOutcome,
    LoginPresenter,
    SetupData,
    SetupPresenter,
)
from counter_app.storage.database import Store
from counter_app.ui import shortcuts
from counter_app.ui.widgets import ChoiceCombo


class LoginScreen(ttk.Frame):
    def __init__(
        self,
        master: tk.Misc,
        store: Store,
        on_done: Callable[[LoginOutcome], None],
        clock: Callable[[], datetime] = datetime.now,
    ):
        super().__init__(master, padding=24)
        self.on_done = on_done
        # Anchored at its top, with the labels' column as wide as its widest label: the
        # PIN rows that appear for some officers grow the card downwards, and nothing the
        # officer is looking at moves (it jumped when centred).
        self.card = card = ttk.Frame(self, padding=24)
        card.place(relx=0.5, rely=0.12, anchor="n")
        ttk.Label(card, text=tr("Who is at the counter?"), font="-size 16 -weight bold").grid(
            row=0, column=0, columnspan=2, sticky="w", pady=(0, 12)
        )
        ttk.Label(card, text=tr("Officer")).grid(row=1, column=0, sticky="w", pady=4)
        self.officer = ChoiceCombo(card, width=30, on_select=self._officer_changed)
        self.officer.grid(row=1, column=1, sticky="ew", pady=4, padx=(8, 0))
        ttk.Label(card, text=tr("Counter")).grid(row=2, column=0, sticky="w", pady=4)
        self.counter = ChoiceCombo(card, width=30)
        self.counter.grid(row=2, column=1, sticky="ew", pady=4, padx=(8, 0))
        self.pin_label = ttk.Label(card, text=tr("PIN"))
        self.pin_var = tk.StringVar(self)
        self.pin_entry = ttk.Entry(card, textvariable=self.pin_var, show="•", width=12)
        shortcuts.bind(self.pin_entry, "login.submit", self._enter_in_pin)
        # A supervisor without a PIN chooses one here, typed twice, before starting.
        self.pin_again_label = ttk.Label(card, text=tr("PIN again"))
        self.pin_again_var = tk.StringVar(self)
        self.pin_again_entry = ttk.Entry(card, textvariable=self.pin_again_var, show="•", width=12)
        shortcuts.bind(self.pin_again_entry, "login.submit", self.submit)
        self.pin_needed = False
        self.new_pin_needed = False
        self.message = ttk.Label(card, bootstyle="danger", wraplength=380)
        self.message.grid(row=5, column=0, columnspan=2, sticky="w", pady=(8, 0))
        self.ok = ttk.Button(
            card, text=tr("Start (Enter)"), bootstyle="primary", command=self.submit
        )
        self.ok.grid(row=6, column=1, sticky="e", pady=(12, 0))
        for widget in (self.officer, self.counter, self.ok):
            shortcuts.bind(widget, "login.submit", self.submit)
        font = tkfont.nametofont("TkDefaultFont", root=self)
        labels = (
            tr("Officer"),
            tr("Counter"),
            tr("PIN"),
            tr("New PIN (4–8 digits)"),
            tr("PIN again"),
        )
        widest = max(font.measure(text) for text in labels)
        card.columnconfigure(0, minsize=widest + 4)
        card.columnconfigure(1, minsize=self.officer.winfo_reqwidth() + 8)
        self.presenter = LoginPresenter(self, store, clock)
        self.presenter.start()

    def set_people(
        self,
        officers: list[Officer],
        counters: list[Counter],
        officer_id: int | None,
        counter_id: int | None,
    ) -> None:
        self.officer.set_items([(o.id, o.name) for o in officers])
        self.officer.set_value(officer_id)
        self.counter.set_items([(c.id, c.name) for c in counters])
        self.counter.set_value(counter_id)

    def set_pin_needed(self, needed: bool) -> None:
        self.pin_needed = needed
        self._layout_pin()

    def set_new_pin_needed(self, needed: bool) -> None:
        self.new_pin_needed = needed
        self._layout_pin()

    def _layout_pin(self) -> None:
        if self.pin_needed or self.new_pin_needed:
            self.pin_label.configure(
                text=tr("New PIN (4–8 digits)") if self.new_pin_needed else tr("PIN")
            )
            self.pin_label.grid(row=3, column=0, sticky="w", pady=4)
            self.pin_entry.grid(row=3, column=1, sticky="w", pady=4, padx=(8, 0))
        else:
            self.pin_label.grid_remove()
            self.pin_entry.grid_remove()
        if self.new_pin_needed:
            self.pin_again_label.grid(row=4, column=0, sticky="w", pady=4)
            self.pin_again_entry.grid(row=4, column=1, sticky="w", pady=4, padx=(8, 0))
        else:
            self.pin_again_label.grid_remove()
            self.pin_again_entry.grid_remove()
            self.pin_again_var.set("")

    def show_message(self, message: str) -> None:
        self.message.configure(text=message)

    def focus_first(self) -> None:
        (self.pin_entry if self.pin_needed or self.new_pin_needed else self.ok).focus_set()

    def _officer_changed(self, officer_id) -> None:
        self.message.configure(text="")
        self.presenter.officer_changed(officer_id)

    def _enter_in_pin(self) -> None:
        if self.new_pin_needed and not self.pin_again_var.get():
            self.pin_again_entry.focus_set()  # the new PIN once more, then Enter starts
            return
        self.submit()

    def submit(self) -> None:
        outcome = self.presenter.submit(
            self.officer.value(), self.counter.value(), self.pin_var.get(), self.pin_again_var.get()
        )
        self.pin_var.set("")
        self.pin_again_var.set("")
        if outcome:
            self.on_done(outcome)
        elif self.pin_needed or self.new_pin_needed:
            self.pin_entry.focus_set()


class SetupScreen(ttk.Frame):
    """First run without an office profile: office, counters, first supervisor."""

    def __init__(
        self,
        master: tk.Misc,
        store: Store,
        on_done: Callable[[LoginOutcome], None],
        clock: Callable[[], datetime] = datetime.now,
    ):
        super().__init__(master, padding=24)
        self.on_done = on_done
        card = ttk.Frame(self, padding=24)
        card.place(relx=0.5, rely=0.45, anchor="center")
        ttk.Label(
            card, text=tr("First start: set up the office"), font="-size 16 -weight bold"
        ).grid(row=0, column=0, columnspan=2, sticky="w", pady=(0, 4))
        ttk.Label(
            card,
            text=tr(
                "These details appear in the weekly report; a supervisor can "
                "change them later in Settings."
            ),
            bootstyle="secondary",
            wraplength=480,
        ).grid(row=1, column=0, columnspan=2, sticky="w", pady=(0, 10))
        self.vars = {
            k: tk.StringVar(self)
            for k in (
                "office_name",
                "office_code",
                "province",
                "parent_body",
                "counters",
                "supervisor",
                "pin",
                "pin_again",
            )
        }
        self.vars["counters"].set(tr("Counter 1"))
        rows = [
            ("office_name", tr("Office name"), {}),
            ("office_code", tr("Office code"), {}),
            ("province", tr("Province"), {}),
            ("parent_body", tr("Parent body"), {}),
            ("counters", tr("Counters (comma-separated)"), {}),
            ("supervisor", tr("First supervisor's name"), {}),
            ("pin", tr("Supervisor PIN (4–8 digits)"), {"show": "•"}),
            ("pin_again", tr("PIN again"), {"show": "•"}),
        ]
        self.entries = {}
        for r, (key, label, extra) in enumerate(rows, start=2):
            ttk.Label(card, text=label).grid(row=r, column=0, sticky="w", pady=3)
            entry = ttk.Entry(card, textvariable=self.vars[key], width=44, **extra)
            entry.grid(row=r, column=1, sticky="ew", pady=3, padx=(8, 0))
            self.entries[key] = entry
        shortcuts.bind(self.entries["pin_again"], "login.submit", self.submit)
        self.message = ttk.Label(card, bootstyle="danger", wraplength=480, justify="left")
        self.message.grid(row=11, column=0, columnspan=2, sticky="w", pady=(8, 0))
        ttk.Button(card, text=tr("Save and start"), bootstyle="primary", command=self.submit).grid(
            row=12, column=1, sticky="e", pady=(12, 0)
        )
        self.presenter = SetupPresenter(self, store)

    def show_message(self, message: str) -> None:
        self.message.configure(text=message)

    def focus_first(self) -> None:
        self.entries["office_name"].focus_set()

    def submit(self) -> None:
        v = {k: var.get() for k, var in self.vars.items()}
        outcome = self.presenter.submit(SetupData(**v))
        if outcome:
            self.on_done(outcome)
