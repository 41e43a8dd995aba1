"""The supervisor's catalogue screen: procedures, bundles, abbreviations, import/export.

A thin view: it builds widgets and forwards actions to ``CataloguePresenter``. Typing
in the search box is read through a variable trace (Unikey sends fake backspaces), and
the list is refreshed shortly after the last change.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import filedialog

import ttkbootstrap as ttk

from counter_app.catalog.bundles import Bundle
from counter_app.catalog.search import SearchHit
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.presenters.catalogue import ONLINE_LEVELS, CataloguePresenter
from counter_app.ui.catalogue_bundles import BundlesTab
from counter_app.ui.catalogue_widgets import (
    SEARCH_DELAY_MS,
    make_tree,
    scrolled_tree,
    selected_iid,
)
from counter_app.ui.widgets import Flow

LEVELS = ("Cấp xã", "Cấp tỉnh", "Nhiều cấp", "Cấp bộ")


class CatalogueScreen(ttk.Frame):
    def __init__(
        self,
        master: tk.Misc,
        app: AppLike,
        presenter_factory: Callable[..., CataloguePresenter] = CataloguePresenter,
    ) -> None:
        super().__init__(master, padding=(12, 8))
        self.app = app
        self._search_job: str | None = None
        self._editable = True
        self._is_new = False
        self.notebook = ttk.Notebook(self)
        self.notebook.pack(fill="both", expand=True)
        self._build_procedures()
        self._build_bundles()
        self._build_abbreviations()
        self._build_import()
        self.presenter = presenter_factory(self, app)
        self.presenter.start()

    # -- helpers --------------------------------------------------------------------------
    def _tab(self, title: str) -> ttk.Frame:
        frame = ttk.Frame(self.notebook, padding=10)
        self.notebook.add(frame, text=title)
        return frame

    @property
    def working(self) -> bool:
        """A file is being read: the window must not rebuild this screen meanwhile."""
        return self.presenter.reading

    def show_reading(self, reading: bool) -> None:
        self.configure(cursor="watch" if reading else "")

    # -- procedures tab -------------------------------------------------------------------
    def _build_procedures(self) -> None:
        tab = self._tab(tr("Procedures"))
        self._build_search_bar(tab)
        # The form is packed before the lists, at the bottom: a short window shrinks the
        # lists, never the form's buttons (they fell below the edge at 1366×768).
        self._build_procedure_form(tab)
        self._build_panes(tab)

    def _build_search_bar(self, tab: ttk.Frame) -> None:
        top = Flow(tab, gap=8)  # wraps on a narrow window (125–150 %)
        top.pack(fill="x", pady=(0, 6))
        top.add(ttk.Label(top, text=tr("Search")))
        self.search_var = tk.StringVar(self)
        self.search_entry = ttk.Entry(top, textvariable=self.search_var, width=40)
        top.add(self.search_entry)
        self.search_var.trace_add("write", lambda *_: self._schedule_search())
        self.retired_var = tk.BooleanVar(self, value=False)
        top.add(
            ttk.Checkbutton(
                top,
                text=tr("Show retired procedures"),
                variable=self.retired_var,
                bootstyle="round-toggle",
                command=lambda: self.presenter.set_include_retired(self.retired_var.get()),
            )
        )
        self.count_var = tk.StringVar(self)
        top.add(ttk.Label(top, textvariable=self.count_var, bootstyle="secondary"))

    def _build_panes(self, tab: ttk.Frame) -> None:
        """Fields on the left, their procedures on the right, in resizable panes."""
        panes = ttk.Panedwindow(tab, orient="horizontal")
        panes.pack(fill="both", expand=True)
        frame, self.field_tree = scrolled_tree(
            panes, ("field",), (tr("Field"),), (34,), height=6, stretch="field"
        )
        panes.add(frame, weight=1)
        self.field_tree.bind("<<TreeviewSelect>>", lambda e: self._field_selected())
        frame, self.proc_tree = scrolled_tree(
            panes,
            ("code", "name", "field", "level", "online", "state"),
            (tr("Code"), tr("Name"), tr("Field"), tr("Level"), tr("Online"), tr("State")),
            (10, 50, 16, 11, 11, 13),
            height=6,
            stretch="name",
        )
        self.proc_tree.tag_configure("retired", foreground="gray")
        panes.add(frame, weight=4)
        self.proc_tree.bind(
            "<<TreeviewSelect>>",
            lambda e: self.presenter.select_procedure(selected_iid(self.proc_tree)),
        )

    def _build_procedure_form(self, tab: ttk.Frame) -> None:
        form = ttk.Labelframe(tab, text=tr("Selected procedure"), padding=8)
        form.pack(side="bottom", fill="x", pady=(8, 0))
        form.columnconfigure(1, weight=1)
        self.form_vars = {
            k: tk.StringVar(self) for k in ("code", "name", "field", "level", "online_level")
        }
        ttk.Label(form, text=tr("Code")).grid(row=0, column=0, sticky="w")
        self.code_entry = ttk.Entry(form, textvariable=self.form_vars["code"], width=24)
        self.code_entry.grid(row=0, column=1, sticky="w", padx=6, pady=2)
        ttk.Label(form, text=tr("Name")).grid(row=1, column=0, sticky="w")
        self.name_entry = ttk.Entry(form, textvariable=self.form_vars["name"], width=30)
        self.name_entry.grid(row=1, column=1, sticky="ew", padx=6, pady=2)
        # Field, level and online level wrap onto a second line on a narrow window.
        choices = Flow(form, gap=12)
        choices.grid(row=2, column=0, columnspan=2, sticky="ew", pady=2)
        for label, key, widget in (
            (
                tr("Field"),
                "field",
                lambda m: ttk.Combobox(m, textvariable=self.form_vars["field"], width=30),
            ),
            (
                tr("Level"),
                "level",
                lambda m: ttk.Combobox(
                    m, textvariable=self.form_vars["level"], values=LEVELS, width=12
                ),
            ),
            (
                tr("Online level"),
                "online_level",
                lambda m: ttk.Combobox(
                    m, textvariable=self.form_vars["online_level"], values=ONLINE_LEVELS, width=12
                ),
            ),
        ):
            cell = ttk.Frame(choices)
            ttk.Label(cell, text=label).pack(side="left", padx=(0, 6))
            box = widget(cell)
            box.pack(side="left")
            if key == "field":
                self.field_combo = box
            choices.add(cell)
        self.usage_var = tk.StringVar(self)
        ttk.Label(form, textvariable=self.usage_var, bootstyle="secondary").grid(
            row=3, column=1, sticky="w", padx=6
        )
        self._build_procedure_buttons(form)

    def _build_procedure_buttons(self, form: ttk.Labelframe) -> None:
        buttons = Flow(form)
        buttons.grid(row=4, column=0, columnspan=2, sticky="ew", pady=(6, 0))
        self.save_button = ttk.Button(
            buttons, text=tr("Save"), bootstyle="primary", command=self._save_procedure
        )
        self.new_button = ttk.Button(
            buttons,
            text=tr("New procedure"),
            bootstyle="secondary-outline",
            command=lambda: self.presenter.new_procedure(),
        )
        self.active_button = ttk.Button(
            buttons,
            text=tr("Retire"),
            bootstyle="warning-outline",
            command=lambda: self.presenter.toggle_active(),
        )
        self.favourite_button = ttk.Button(
            buttons,
            text=tr("★ Favourite"),
            bootstyle="info-outline",
            command=lambda: self.presenter.toggle_favourite(),
        )
        self._edit_widgets = [
            self.save_button,
            self.new_button,
            self.active_button,
            self.favourite_button,
        ]
        for button in self._edit_widgets:
            buttons.add(button)

    def _schedule_search(self) -> None:
        if self._search_job:
            self.after_cancel(self._search_job)
        self._search_job = self.after(SEARCH_DELAY_MS, self._run_search)

    def _run_search(self) -> None:
        self._search_job = None
        self.presenter.set_query(self.search_var.get())

    def _field_selected(self) -> None:
        key = selected_iid(self.field_tree)
        if key is not None:
            self.presenter.select_field(self._field_keys.get(key, key))

    def _save_procedure(self) -> None:
        values = {k: v.get() for k, v in self.form_vars.items()}
        self.presenter.save_procedure(values, is_new=self._is_new)

    def show_fields(self, items: list[tuple[str, str]]) -> None:
        selected = selected_iid(self.field_tree)
        self.field_tree.delete(*self.field_tree.get_children())
        self._field_keys: dict[str, str] = {}
        for i, (key, label) in enumerate(items):
            iid = f"f{i}"
            self._field_keys[iid] = key
            self.field_tree.insert("", "end", iid=iid, values=(label,))
        if selected in self._field_keys:
            self.field_tree.selection_set(selected)

    def show_field_choices(self, fields: list[str]) -> None:
        self.field_combo.configure(values=fields)

    def show_procedures(self, entries: list, total: int) -> None:
        tree = self.proc_tree
        tree.delete(*tree.get_children())
        for e in entries:
            state = (
                tr("Retired")
                if not e.active
                else (tr("★ Favourite") if e.favourite else tr("In use"))
            )
            tree.insert(
                "",
                "end",
                iid=e.code,
                values=(e.full_code or e.code, e.name, e.field, e.level, e.online_level, state),
                tags=("retired",) if not e.active else (),
            )
        if len(entries) < total:
            self.count_var.set(
                tr("Showing {shown} of {total}; choose a field or search").format(
                    shown=len(entries), total=total
                )
            )
        else:
            self.count_var.set(tr("{n} procedures").format(n=total))

    def show_procedure_form(self, entry, is_new: bool, usage: int = 0) -> None:
        self._is_new = is_new
        for key, var in self.form_vars.items():
            var.set(getattr(entry, key) if entry else "")
        if entry is not None and entry.full_code and entry.full_code != entry.code:
            self.form_vars["code"].set(entry.code)
        self.code_entry.configure(state="normal" if is_new and self._editable else "readonly")
        self.active_button.configure(
            text=tr("Restore") if entry and not entry.active else tr("Retire")
        )
        self.favourite_button.configure(
            text=tr("Remove from favourites") if entry and entry.favourite else tr("★ Favourite")
        )
        if is_new:
            self.usage_var.set(tr("New procedure: type its code and name, then Save."))
            self.code_entry.focus_set()
        elif entry is not None:
            sources = {
                "builtin": tr("built-in national list"),
                "import": tr("imported from a file"),
                "local": tr("edited here"),
            }
            self.usage_var.set(
                tr("Used in {n} sessions. Source: {source}").format(
                    n=usage, source=sources.get(entry.source, entry.source)
                )
            )
        else:
            self.usage_var.set("")

    def set_editable(self, editable: bool) -> None:
        self._editable = editable
        state = "normal" if editable else "disabled"
        widgets = (
            self._edit_widgets
            + self.bundles.edit_widgets
            + self._edit_widgets_abbr
            + self._edit_widgets_import
        )
        for widget in widgets:
            widget.configure(state=state)

    # -- bundles tab (ui/catalogue_bundles.py) -------------------------------------------
    def _build_bundles(self) -> None:
        self.bundles = BundlesTab(self.notebook, lambda: self.presenter)
        self.notebook.add(self.bundles, text=tr("Bundles"))
        # What the screen's tests reach on the screen itself.
        bundles = self.bundles
        self.bundle_tree, self.bundle_name = bundles.bundle_tree, bundles.bundle_name
        self.bundle_items, self.bundle_save = bundles.bundle_items, bundles.bundle_save
        self.bundle_search_var = bundles.bundle_search_var
        self.bundle_candidates = bundles.bundle_candidates
        self._add_candidate = bundles.add_candidate

    def show_bundles(self, bundles: list[Bundle]) -> None:
        self.bundles.show_bundles(bundles)

    def show_bundle(self, name: str, items: list[tuple[str, str]], active: bool) -> None:
        self.bundles.show_bundle(name, items, active)

    def show_bundle_items(self, items: list[tuple[str, str]]) -> None:
        self.bundles.show_bundle_items(items)

    def show_bundle_candidates(self, hits: list[SearchHit]) -> None:
        self.bundles.show_bundle_candidates(hits)

    # -- abbreviations tab ----------------------------------------------------------------
    def _build_abbreviations(self) -> None:
        tab = self._tab(tr("Abbreviations"))
        ttk.Label(
            tab,
            text=tr(
                'Short words officers type in the search box, e.g. "dk" for '
                '"đăng ký". A short word may stand for several phrases.'
            ),
            bootstyle="secondary",
        ).pack(anchor="w", pady=(0, 6))
        self.abbr_tree = make_tree(
            tab,
            ("short", "expansion", "state"),
            (tr("Abbreviation"), tr("Stands for"), tr("State")),
            (14, 40, 10),
            height=8,
            stretch="expansion",
        )
        self.abbr_tree.pack(fill="both", expand=True)
        row = ttk.Frame(tab)
        row.pack(fill="x", pady=(6, 0))
        self.abbr_short = tk.StringVar(self)
        self.abbr_expansion = tk.StringVar(self)
        ttk.Label(row, text=tr("Abbreviation")).pack(side="left")
        ttk.Entry(row, textvariable=self.abbr_short, width=10).pack(side="left", padx=6)
        ttk.Label(row, text=tr("Stands for")).pack(side="left")
        ttk.Entry(row, textvariable=self.abbr_expansion, width=36).pack(side="left", padx=6)
        add = ttk.Button(row, text=tr("Add"), bootstyle="primary", command=self._add_abbr)
        add.pack(side="left")
        toggle = ttk.Button(
            row, text=tr("Turn on / off"), bootstyle="warning-outline", command=self._toggle_abbr
        )
        toggle.pack(side="left", padx=6)
        self._abbr_active: dict[str, bool] = {}
        self._edit_widgets_abbr = [add, toggle]

    def _add_abbr(self) -> None:
        if self.presenter.add_abbreviation(self.abbr_short.get(), self.abbr_expansion.get()):
            self.abbr_short.set("")
            self.abbr_expansion.set("")

    def _toggle_abbr(self) -> None:
        iid = selected_iid(self.abbr_tree)
        if iid:
            self.presenter.toggle_abbreviation(int(iid), not self._abbr_active[iid])

    def show_abbreviations(self, items: list) -> None:
        tree = self.abbr_tree
        tree.delete(*tree.get_children())
        self._abbr_active = {}
        for a in items:
            iid = str(a.id)
            self._abbr_active[iid] = a.active
            tree.insert(
                "",
                "end",
                iid=iid,
                values=(a.short, a.expansion, tr("On") if a.active else tr("Off")),
            )

    # -- import / export tab --------------------------------------------------------------
    def _build_import(self) -> None:
        tab = self._tab(tr("Import / export"))
        ttk.Label(
            tab,
            text=tr(
                'Import a list published by the portal ("Xuất Excel", .xlsx) or the province '
                "(.xlsx or .csv). You see what would change first; nothing is ever deleted."
            ),
            bootstyle="secondary",
            wraplength=900,
            justify="left",
        ).pack(anchor="w")
        choose = self._build_import_buttons(tab)
        self._build_preview(tab)
        self._edit_widgets_import = [choose, self._levels_button]

    def _build_import_buttons(self, tab: ttk.Frame) -> ttk.Button:
        """Choose (returned: editing only), online levels, full-list option, Apply, and
        Export, in a row that wraps when the window is narrow or scaled."""
        row = Flow(tab, gap=8)
        row.pack(fill="x", pady=8)
        self.retire_missing_var = tk.BooleanVar(self, value=False)
        choose = ttk.Button(
            row,
            text=tr("Choose a file and preview…"),
            bootstyle="primary",
            command=self._choose_file,
        )
        row.add(choose)
        self._levels_button = ttk.Button(
            row,
            text=tr("Online levels from a list…"),
            bootstyle="primary-outline",
            command=self._choose_levels_file,
        )
        row.add(self._levels_button)
        row.add(
            ttk.Checkbutton(
                row,
                text=tr("It is the full list: retire procedures missing from it"),
                variable=self.retire_missing_var,
            )
        )
        self.apply_button = ttk.Button(
            row,
            text=tr("Apply the import"),
            bootstyle="success",
            state="disabled",
            command=lambda: self.presenter.apply_preview(),
        )
        row.add(self.apply_button)
        row.add(
            ttk.Button(
                row,
                text=tr("Export the catalogue to Excel…"),
                bootstyle="secondary-outline",
                command=self._export,
            )
        )
        return choose

    def _build_preview(self, tab: ttk.Frame) -> None:
        box = ttk.Frame(tab)
        box.pack(fill="both", expand=True)
        self.preview_text = tk.Text(
            box, height=18, wrap="word", relief="flat", font="TkDefaultFont"
        )
        bar = ttk.Scrollbar(box, orient="vertical", command=self.preview_text.yview)
        self.preview_text.configure(yscrollcommand=bar.set, state="disabled")
        self.preview_text.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")

    def ask_open_file(self) -> str:
        return filedialog.askopenfilename(
            parent=self,
            title=tr("Choose a procedure list"),
            filetypes=[(tr("Spreadsheets"), "*.xlsx *.xls *.csv"), (tr("All files"), "*.*")],
        )

    def ask_save_file(self) -> str:
        return filedialog.asksaveasfilename(
            parent=self,
            title=tr("Export the catalogue"),
            defaultextension=".xlsx",
            initialfile="danh_muc_thu_tuc.xlsx",
            filetypes=[("Excel", "*.xlsx")],
        )

    def _choose_file(self) -> None:
        path = self.ask_open_file()
        if path:
            self.presenter.choose_import_file(path, self.retire_missing_var.get())

    def _choose_levels_file(self) -> None:
        path = filedialog.askopenfilename(
            parent=self,
            title=tr("Choose the province's list of online services (code and level)"),
            filetypes=[(tr("Spreadsheets"), "*.xlsx *.xls *.csv"), (tr("All files"), "*.*")],
        )
        if path:
            self.presenter.choose_levels_file(path)

    def _export(self) -> None:
        path = self.ask_save_file()
        if path:
            self.presenter.export(path)

    def show_preview(self, lines: list[str], can_apply: bool) -> None:
        text = self.preview_text
        text.configure(state="normal")
        text.delete("1.0", "end")
        text.insert("end", "\n".join(lines))
        text.configure(state="disabled")
        self.apply_button.configure(state="normal" if can_apply and self._editable else "disabled")
