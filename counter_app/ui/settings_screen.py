"""Settings (supervisors only): a notebook of small forms; the presenter does the work."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from pathlib import Path
from tkinter import filedialog
from typing import cast

import ttkbootstrap as ttk

from counter_app.domain.models import Counter, LookupKind, LookupValue, Office, Officer
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.presenters.settings import EDITABLE_KINDS, SettingsPresenter, kind_label
from counter_app.services.privacy import PrivacySettings
from counter_app.services.report_document import DocumentSettings
from counter_app.ui.settings_document import DocumentBox
from counter_app.ui.settings_people import PeopleTab
from counter_app.ui.settings_tables import (
    fill,
    make_tree,
    selected_active,
    selected_value,
    state_label,
    with_selected_id,
)
from counter_app.ui.widgets import ChoiceCombo


class SettingsScreen(ttk.Frame):
    def __init__(
        self,
        master: tk.Misc,
        app: AppLike,
        presenter_factory: Callable[..., SettingsPresenter] = SettingsPresenter,
    ) -> None:
        super().__init__(master, padding=(12, 8))
        self.app = app
        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True)
        self._build_office()
        self._build_people()
        self._build_lists()
        self._build_defaults()
        self._build_data()
        self.presenter = presenter_factory(self, app)
        self.presenter.start()

    def _tab(self, title: str) -> ttk.Frame:
        frame = ttk.Frame(self.notebook, padding=12)
        self.notebook.add(frame, text=title)
        return frame

    # -- office ---------------------------------------------------------------------------

    def _build_office(self) -> None:
        tab = self._tab(tr("Office"))
        tab.columnconfigure(1, weight=1)
        self.office_vars = {
            k: tk.StringVar(self) for k in ("name", "code", "province", "parent_body")
        }
        labels = {
            "name": tr("Office name"),
            "code": tr("Office code"),
            "province": tr("Province"),
            "parent_body": tr("Parent body"),
        }
        for r, key in enumerate(self.office_vars):
            ttk.Label(tab, text=labels[key]).grid(row=r, column=0, sticky="w", pady=3, padx=(0, 8))
            ttk.Entry(tab, textvariable=self.office_vars[key], width=60).grid(
                row=r, column=1, sticky="ew", pady=3
            )
        ttk.Label(
            tab, text=tr("Shown in the headers of the weekly report."), bootstyle="secondary"
        ).grid(row=4, column=1, sticky="w")
        ttk.Button(
            tab,
            text=tr("Save"),
            bootstyle="primary",
            command=lambda: self.presenter.save_office(
                *(v.get() for v in self.office_vars.values())
            ),
        ).grid(row=5, column=1, sticky="w", pady=8)
        self.document = DocumentBox(tab, lambda: self.presenter)
        self.document.grid(row=6, column=0, columnspan=2, sticky="ew", pady=(4, 0))

    def show_document(self, document: DocumentSettings) -> None:
        self.document.show(document)

    def show_export_notes(self, export_notes: bool) -> None:
        self.export_notes_var.set(export_notes)

    def show_office(self, office: Office | None) -> None:
        if office:
            for key, var in self.office_vars.items():
                var.set(getattr(office, key))

    # -- counters and officers (ui/settings_people.py) -----------------------------------

    def _build_people(self) -> None:
        self.people = PeopleTab(self.notebook, self.app, lambda: self.presenter)
        self.notebook.add(self.people, text=tr("Counters and officers"))
        # What the window's tests reach on the screen itself.
        people = self.people
        self.officer_tree = people.officer_tree
        self.officer_pin, self.officer_pin_again = people.officer_pin, people.officer_pin_again
        self.officer_pin_entry = people.officer_pin_entry
        self.officer_pin_again_entry = people.officer_pin_again_entry
        self._set_pin = people.set_pin

    def show_counters(self, counters: list[Counter]) -> None:
        self.people.show_counters(counters)

    def show_officers(self, officers: list[Officer]) -> None:
        self.people.show_officers(officers)

    # -- lookup lists ---------------------------------------------------------------------

    def _build_lists(self) -> None:
        tab = self._tab(tr("Lists"))
        top = ttk.Frame(tab)
        top.pack(fill="x")
        ttk.Label(top, text=tr("List")).pack(side="left")
        self.kind_combo = ChoiceCombo(
            top,
            [(k, kind_label(k)) for k in EDITABLE_KINDS],
            on_select=lambda k: self.presenter.select_kind(cast(LookupKind, k)),
        )
        self.kind_combo.pack(side="left", padx=8)
        ttk.Label(
            tab,
            text=tr(
                "Retired values are hidden from the form but stay readable in "
                "old records and reports."
            ),
            bootstyle="secondary",
        ).pack(anchor="w", pady=4)
        self.value_tree = make_tree(
            tab, ("label", "state"), (tr("Value"), tr("State")), (50, 10), height=10
        )
        self.value_tree.pack(fill="both", expand=True)
        self.value_label = tk.StringVar(self)
        self.value_tree.bind(
            "<<TreeviewSelect>>",
            lambda e: self.value_label.set(selected_value(self.value_tree, 0)),
        )
        ttk.Entry(tab, textvariable=self.value_label).pack(fill="x", pady=4)
        self._build_value_buttons(tab)

    def _build_value_buttons(self, tab: ttk.Frame) -> None:
        row = ttk.Frame(tab)
        row.pack(fill="x")
        ttk.Button(
            row, text=tr("Add"), command=lambda: self.presenter.add_value(self.value_label.get())
        ).pack(side="left")
        ttk.Button(
            row,
            text=tr("Rename"),
            bootstyle="secondary-outline",
            command=lambda: self._with_id(
                self.value_tree, lambda i: self.presenter.rename_value(i, self.value_label.get())
            ),
        ).pack(side="left", padx=4)
        ttk.Button(
            row,
            text=tr("Retire / restore"),
            bootstyle="warning-outline",
            command=lambda: self._with_id(
                self.value_tree,
                lambda i: self.presenter.set_value_active(i, not selected_active(self.value_tree)),
            ),
        ).pack(side="left")

    def show_lookup_values(self, kind: LookupKind, values: list[LookupValue]) -> None:
        self.kind_combo.set_value(kind)
        fill(self.value_tree, [(v.id, (v.label, state_label(v.active)), v.active) for v in values])

    # -- form defaults and personal data --------------------------------------------------

    def _build_defaults(self) -> None:
        tab = self._tab(tr("Form and personal data"))
        self._build_form_defaults(tab)
        self._build_privacy(tab)

    def _build_form_defaults(self, tab: ttk.Frame) -> None:
        box = ttk.Labelframe(tab, text=tr("Defaults of a new session"), padding=8)
        box.pack(fill="x")
        ttk.Label(box, text=tr("Channel")).grid(row=0, column=0, sticky="w")
        self.default_channel = ChoiceCombo(box, blank="—")
        self.default_channel.grid(row=0, column=1, sticky="w", padx=8, pady=2)
        ttk.Label(box, text=tr("Portal")).grid(row=1, column=0, sticky="w")
        self.default_portal = ChoiceCombo(box, blank="—")
        self.default_portal.grid(row=1, column=1, sticky="w", padx=8, pady=2)
        ttk.Label(box, text=tr("Help given")).grid(row=2, column=0, sticky="nw")
        self.default_help = ttk.Frame(box)
        self.default_help.grid(row=2, column=1, sticky="w", padx=8)
        self.default_help_vars: dict[int, tk.BooleanVar] = {}
        ttk.Button(
            box,
            text=tr("Save"),
            bootstyle="primary",
            command=lambda: self.presenter.save_defaults(
                cast("int | None", self.default_channel.value()),  # the combos hold ids
                cast("int | None", self.default_portal.value()),
                [i for i, v in self.default_help_vars.items() if v.get()],
            ),
        ).grid(row=3, column=1, sticky="w", padx=8, pady=6)

    def _build_privacy(self, tab: ttk.Frame) -> None:
        box = ttk.Labelframe(tab, text=tr("Personal data of citizens"), padding=8)
        box.pack(fill="x", pady=(10, 0))
        self.personal_var = tk.BooleanVar(self, False)
        self.retention_var = tk.StringVar(self)
        ttk.Checkbutton(
            box,
            text=tr("Record name, phone and ID number (optional fields)"),
            variable=self.personal_var,
        ).grid(row=0, column=0, columnspan=3, sticky="w")
        ttk.Label(box, text=tr("Delete them after (days)")).grid(
            row=1, column=0, sticky="w", pady=4
        )
        ttk.Entry(box, textvariable=self.retention_var, width=6).grid(
            row=1, column=1, sticky="w", padx=8
        )
        ttk.Button(
            box,
            text=tr("Save"),
            bootstyle="primary",
            command=lambda: self.presenter.save_privacy(
                self.personal_var.get(), self.retention_var.get()
            ),
        ).grid(row=2, column=0, sticky="w", pady=4)
        ttk.Button(
            box,
            text=tr("Delete expired personal data now"),
            bootstyle="warning-outline",
            command=self.presenter_purge,
        ).grid(row=2, column=1, columnspan=2, sticky="w", padx=8)
        self.export_notes_var = tk.BooleanVar(self, True)
        ttk.Checkbutton(
            box,
            text=tr(
                "Put officers' notes into exported reports (phone numbers, ID numbers and "
                "e-mails in them are always masked)"
            ),
            variable=self.export_notes_var,
            command=lambda: self.presenter.save_export_notes(self.export_notes_var.get()),
        ).grid(row=3, column=0, columnspan=3, sticky="w", pady=(6, 0))
        self.privacy_backup_note = ttk.Label(box, wraplength=760, justify="left")
        self.privacy_backup_note.grid(row=4, column=0, columnspan=3, sticky="w", pady=(6, 0))

    def presenter_purge(self) -> None:
        self.presenter.purge_now()

    def show_defaults(self, defaults: dict, choices: dict) -> None:
        self.default_channel.set_items([(v.id, v.label) for v in choices["channels"]])
        self.default_channel.set_value(defaults.get("channel_id"))
        self.default_portal.set_items([(v.id, v.label) for v in choices["portals"]])
        self.default_portal.set_value(defaults.get("portal_id"))
        for child in self.default_help.winfo_children():
            child.destroy()
        chosen = set(defaults.get("help_type_ids") or [])
        self.default_help_vars = {}
        for i, value in enumerate(choices["help_types"]):
            var = tk.BooleanVar(self, value.id in chosen)
            self.default_help_vars[value.id] = var
            ttk.Checkbutton(self.default_help, text=value.label, variable=var).grid(
                row=i // 2, column=i % 2, sticky="w", padx=(0, 10), pady=1
            )

    def show_privacy(self, settings: PrivacySettings) -> None:
        self.personal_var.set(settings.personal_fields)
        self.retention_var.set(str(settings.retention_days))

    # -- backups and look -----------------------------------------------------------------

    def _build_data(self) -> None:
        tab = self._tab(tr("Backups and display"))
        self._build_backups(tab)
        self._build_display(tab)

    def _build_backups(self, tab: ttk.Frame) -> None:
        box = ttk.Labelframe(tab, text=tr("Backups"), padding=8)
        box.pack(fill="x")
        box.columnconfigure(1, weight=1)
        self.backup_var = tk.StringVar(self)
        ttk.Label(box, text=tr("Backup folder")).grid(row=0, column=0, sticky="w")
        ttk.Entry(box, textvariable=self.backup_var).grid(row=0, column=1, sticky="ew", padx=8)
        ttk.Button(
            box, text=tr("Choose…"), bootstyle="secondary-outline", command=self._choose_folder
        ).grid(row=0, column=2)
        ttk.Button(
            box,
            text=tr("Save"),
            command=lambda: self.presenter.set_backup_folder(self.backup_var.get()),
        ).grid(row=0, column=3, padx=4)
        row = ttk.Frame(box)
        row.grid(row=1, column=0, columnspan=4, sticky="w", pady=(8, 0))
        self.backup_button = ttk.Button(
            row, text=tr("Back up now"), bootstyle="primary", command=self._backup_now
        )
        self.backup_button.pack(side="left")
        ttk.Button(
            row,
            text=tr("Restore from a backup…"),
            bootstyle="danger-outline",
            command=self._restore,
        ).pack(side="left", padx=8)
        ttk.Button(
            row,
            text=tr("Send the logs to IT"),
            bootstyle="secondary-outline",
            command=lambda: self.presenter.send_logs_to_it(),
        ).pack(side="left")
        self.backup_note = ttk.Label(box, wraplength=760, justify="left")
        self.backup_note.grid(row=2, column=0, columnspan=4, sticky="w", pady=(8, 0))

    def _build_display(self, tab: ttk.Frame) -> None:
        box = ttk.Labelframe(tab, text=tr("Display"), padding=8)
        box.pack(fill="x", pady=(10, 0))
        self.theme_var = tk.StringVar(self, self.app.theme_name)
        ttk.Label(box, text=tr("Theme")).grid(row=0, column=0, sticky="w")
        for i, (value, text) in enumerate((("light", tr("Light")), ("dark", tr("Dark")))):
            ttk.Radiobutton(
                box,
                text=text,
                value=value,
                variable=self.theme_var,
                command=lambda: self.presenter.set_theme(self.theme_var.get()),
            ).grid(row=0, column=i + 1, sticky="w", padx=8)
        from counter_app.i18n import language

        self.language_var = tk.StringVar(self, language())
        ttk.Label(box, text=tr("Language")).grid(row=1, column=0, sticky="w", pady=4)
        for i, (value, text) in enumerate((("vi", "Tiếng Việt"), ("en", "English"))):
            ttk.Radiobutton(
                box,
                text=text,
                value=value,
                variable=self.language_var,
                command=lambda: self.presenter.set_language(self.language_var.get()),
            ).grid(row=1, column=i + 1, sticky="w", padx=8)

    def show_backup_notes(self, schedule: str, kept: str) -> None:
        self.backup_note.configure(text=schedule + "\n" + kept)
        self.privacy_backup_note.configure(text=kept)

    def show_backup(self, folder: Path, officer_pin_required: bool) -> None:
        self.backup_var.set(str(folder))
        self.people.show_pin_required(officer_pin_required)

    def _choose_folder(self) -> None:
        folder = filedialog.askdirectory(parent=self, initialdir=self.backup_var.get() or None)
        if folder:
            self.backup_var.set(folder)

    @property
    def working(self) -> bool:
        """A backup is being written: the window must not rebuild this screen meanwhile."""
        return self.presenter.backing_up

    def show_backup_running(self, running: bool) -> None:
        self.backup_button.configure(
            state="disabled" if running else "normal",
            text=tr("Backing up…") if running else tr("Back up now"),
        )

    def _backup_now(self) -> None:
        self.presenter.backup_now()

    def _restore(self) -> None:
        file = filedialog.askopenfilename(
            parent=self,
            initialdir=self.backup_var.get() or None,
            filetypes=[(tr("Backups"), "*.db *.dbpack"), (tr("All files"), "*.*")],
        )
        if file:
            self.presenter.restore(file)

    # -- helpers --------------------------------------------------------------------------

    def _with_id(self, tree: ttk.Treeview, action: Callable[[int], object]) -> None:
        with_selected_id(self.app, tree, action)
