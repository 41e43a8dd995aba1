"""Settings › Counters and officers: the two lists, each with its small form.

A thin view like the rest of the settings screen: every action goes to the
``SettingsPresenter``, which checks the rules (the last supervisor, PINs typed twice).
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import cast

import ttkbootstrap as ttk

from counter_app.domain.models import Counter, Officer, Role
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.presenters.settings import SettingsPresenter
from counter_app.ui.settings_tables import (
    fill,
    make_tree,
    selected_active,
    selected_value,
    state_label,
    with_selected_id,
)
from counter_app.ui.widgets import ChoiceCombo, Flow


def role_label(role: Role) -> str:
    return tr("Supervisor") if role == Role.SUPERVISOR else tr("Officer")


class PeopleTab(ttk.Frame):
    """Counters on the left, officers (with role and PIN) on the right."""

    def __init__(
        self, master: tk.Misc, app: AppLike, presenter: Callable[[], SettingsPresenter]
    ) -> None:
        super().__init__(master, padding=12)
        self.app = app
        self._presenter = presenter  # the screen makes its presenter after its tabs
        self._officers: dict[int | None, Officer] = {}
        self.columnconfigure(0, weight=1)
        self.columnconfigure(1, weight=2)
        self._build_counters()
        self._build_officers()

    @property
    def presenter(self) -> SettingsPresenter:
        return self._presenter()

    def _with_id(self, tree: ttk.Treeview, action: Callable[[int], object]) -> None:
        with_selected_id(self.app, tree, action)

    # -- counters -------------------------------------------------------------------------

    def _build_counters(self) -> None:
        left = ttk.Labelframe(self, text=tr("Counters"), padding=8)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 8))
        self.counter_name = tk.StringVar(self)
        self.counter_tree = make_tree(left, ("name", "state"), (tr("Name"), tr("State")), (16, 10))
        self.counter_tree.pack(fill="both", expand=True)
        self.counter_tree.bind(
            "<<TreeviewSelect>>",
            lambda e: self.counter_name.set(selected_value(self.counter_tree, 0)),
        )
        ttk.Entry(left, textvariable=self.counter_name).pack(fill="x", pady=4)
        row = Flow(left, gap=4)  # the buttons wrap in a narrow column (125–150 %)
        row.pack(fill="x")
        row.add(
            ttk.Button(
                row,
                text=tr("Add"),
                command=lambda: self.presenter.add_counter(self.counter_name.get()),
            )
        )
        row.add(
            ttk.Button(
                row,
                text=tr("Rename"),
                bootstyle="secondary-outline",
                command=lambda: self._with_id(
                    self.counter_tree,
                    lambda i: self.presenter.rename_counter(i, self.counter_name.get()),
                ),
            )
        )
        row.add(
            ttk.Button(
                row,
                text=tr("Retire / restore"),
                bootstyle="warning-outline",
                command=lambda: self._with_id(
                    self.counter_tree,
                    lambda i: self.presenter.set_counter_active(
                        i, not selected_active(self.counter_tree)
                    ),
                ),
            )
        )

    def show_counters(self, counters: list[Counter]) -> None:
        fill(
            self.counter_tree, [(c.id, (c.name, state_label(c.active)), c.active) for c in counters]
        )

    # -- officers -------------------------------------------------------------------------

    def _build_officers(self) -> None:
        right = ttk.Labelframe(self, text=tr("Officers"), padding=8)
        right.grid(row=0, column=1, sticky="nsew")
        self.officer_tree = make_tree(
            right,
            ("name", "role", "pin", "state"),
            (tr("Name"), tr("Role"), tr("PIN"), tr("State")),
            (22, 12, 6, 10),
        )
        self.officer_tree.pack(fill="both", expand=True)
        self.officer_tree.bind("<<TreeviewSelect>>", self._officer_selected)
        self._build_officer_form(right)
        self._build_officer_buttons(right)
        self.officer_pin_var = tk.BooleanVar(self, False)
        ttk.Checkbutton(
            right,
            text=tr("Officers also sign in with a PIN"),
            variable=self.officer_pin_var,
            command=lambda: self.presenter.set_officer_pin_required(self.officer_pin_var.get()),
        ).pack(anchor="w", pady=(8, 0))

    def _build_officer_form(self, right: ttk.Labelframe) -> None:
        form = ttk.Frame(right)
        form.pack(fill="x", pady=4)
        self.officer_name = tk.StringVar(self)
        self.officer_pin = tk.StringVar(self)
        ttk.Label(form, text=tr("Name")).grid(row=0, column=0, sticky="w")
        ttk.Entry(form, textvariable=self.officer_name, width=18).grid(
            row=0, column=1, sticky="ew", padx=4
        )
        form.columnconfigure(1, weight=1)
        ttk.Label(form, text=tr("Role")).grid(row=0, column=2, sticky="w")
        self.officer_role = ChoiceCombo(
            form, [(Role.OFFICER, tr("Officer")), (Role.SUPERVISOR, tr("Supervisor"))], width=12
        )
        self.officer_role.set_value(Role.OFFICER)
        self.officer_role.grid(row=0, column=3, sticky="w", padx=4)
        self.officer_pin_again = tk.StringVar(self)
        ttk.Label(form, text=tr("PIN")).grid(row=1, column=0, sticky="w", pady=(4, 0))
        self.officer_pin_entry = ttk.Entry(form, textvariable=self.officer_pin, show="•", width=10)
        self.officer_pin_entry.grid(row=1, column=1, sticky="w", padx=4, pady=(4, 0))
        ttk.Label(form, text=tr("PIN again")).grid(row=1, column=2, sticky="w", pady=(4, 0))
        self.officer_pin_again_entry = ttk.Entry(
            form, textvariable=self.officer_pin_again, show="•", width=10
        )
        self.officer_pin_again_entry.grid(row=1, column=3, sticky="w", padx=4, pady=(4, 0))

    def _build_officer_buttons(self, right: ttk.Labelframe) -> None:
        row = Flow(right, gap=4)
        row.pack(fill="x")
        for button in (
            ttk.Button(row, text=tr("Add"), command=self._add_officer),
            ttk.Button(
                row,
                text=tr("Save changes"),
                bootstyle="secondary-outline",
                command=lambda: self._with_id(
                    self.officer_tree,
                    lambda i: self.presenter.update_officer(
                        i, self.officer_name.get(), self._role()
                    ),
                ),
            ),
            ttk.Button(
                row,
                text=tr("Set PIN"),
                bootstyle="secondary-outline",
                command=lambda: self._with_id(self.officer_tree, self.set_pin),
            ),
            ttk.Button(
                row,
                text=tr("Retire / restore"),
                bootstyle="warning-outline",
                command=lambda: self._with_id(
                    self.officer_tree,
                    lambda i: self.presenter.set_officer_active(
                        i, not selected_active(self.officer_tree)
                    ),
                ),
            ),
        ):
            row.add(button)

    def _role(self) -> Role:
        return cast(Role, self.officer_role.value())  # the combo holds only roles

    def _clear_pins(self) -> None:
        self.officer_pin.set("")
        self.officer_pin_again.set("")

    def _add_officer(self) -> None:
        if self.presenter.add_officer(
            self.officer_name.get(),
            self._role(),
            self.officer_pin.get(),
            self.officer_pin_again.get(),
        ):
            self.officer_name.set("")
        self._clear_pins()

    def set_pin(self, officer_id: int) -> None:
        """The PIN typed twice for the selected officer; both boxes are emptied after."""
        self.presenter.set_officer_pin(
            officer_id, self.officer_pin.get(), self.officer_pin_again.get()
        )
        self._clear_pins()

    def _officer_selected(self, _event: tk.Event | None = None) -> None:
        selection = self.officer_tree.selection()
        if selection:
            officer = self._officers.get(int(selection[0]))
            if officer:
                self.officer_name.set(officer.name)
                self.officer_role.set_value(officer.role)

    def show_officers(self, officers: list[Officer]) -> None:
        self._officers = {o.id: o for o in officers}
        fill(
            self.officer_tree,
            [
                (
                    o.id,
                    (o.name, role_label(o.role), "✓" if o.pin_hash else "", state_label(o.active)),
                    o.active,
                )
                for o in officers
            ],
        )

    def show_pin_required(self, required: bool) -> None:
        self.officer_pin_var.set(required)
