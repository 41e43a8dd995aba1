"""The supervisor's catalogue screen: procedures, bundles, abbreviations, import/export.

A thin view: it builds widgets and forwards actions to ``CataloguePresenter``. Typing
in the search box is read through a variable trace (Unikey sends fake backspaces), and
the list is refreshed shortly after the last change.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from tkinter import filedialog
from typing import Any

import ttkbootstrap as ttk

from counter_app.i18n import tr
from counter_app.presenters.catalogue import ONLINE_LEVELS, CataloguePresenter
from counter_app.ui import shortcuts

SEARCH_DELAY_MS = 150
LEVELS = ("Cấp xã", "Cấp tỉnh", "Nhiều cấp", "Cấp bộ")


class CatalogueScreen(ttk.Frame):
    def __init__(self, master: tk.Misc, app: Any, presenter_factory=CataloguePresenter):
        super().__init__(master, padding=(12, 8))
        self.app = app
        self._search_job: str | None = None
        self._bundle_job: str | None = None
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

    @staticmethod
    def _tree(
        parent: tk.Misc,
        columns: tuple[str, ...],
        headings: tuple[str, ...],
        widths: tuple[int, ...],
        height: int = 10,
        stretch: str | None = None,
    ) -> ttk.Treeview:
        tree = ttk.Treeview(
            parent, columns=columns, show="headings", height=height, selectmode="browse"
        )
        for col, text, width in zip(columns, headings, widths, strict=True):
            tree.heading(col, text=text, anchor="w")
            tree.column(col, width=width * 8, minwidth=4 * 8, anchor="w", stretch=col == stretch)
        return tree

    def _scrolled_tree(
        self, parent: tk.Misc, *args: Any, **kwargs: Any
    ) -> tuple[ttk.Frame, ttk.Treeview]:
        """A tree with a vertical scrollbar, both inside a new frame."""
        frame = ttk.Frame(parent)
        tree = self._tree(frame, *args, **kwargs)
        bar = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
        tree.configure(yscrollcommand=bar.set)
        tree.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")
        return frame, tree

    @staticmethod
    def _selected(tree: ttk.Treeview) -> str | None:
        selection = tree.selection()
        return selection[0] if selection else None

    @property
    def working(self) -> bool:
        """A file is being read: the window must not rebuild this screen meanwhile."""
        return self.presenter.reading

    def show_reading(self, reading: bool) -> None:
        self.configure(cursor="watch" if reading else "")

    # -- procedures tab -------------------------------------------------------------------
    def _build_procedures(self) -> None:
        tab = self._tab(tr("Procedures"))
        top = ttk.Frame(tab)
        top.pack(fill="x", pady=(0, 6))
        ttk.Label(top, text=tr("Search")).pack(side="left")
        self.search_var = tk.StringVar(self)
        self.search_entry = ttk.Entry(top, textvariable=self.search_var, width=48)
        self.search_entry.pack(side="left", padx=6)
        self.search_var.trace_add("write", lambda *_: self._schedule_search())
        self.retired_var = tk.BooleanVar(self, value=False)
        ttk.Checkbutton(
            top,
            text=tr("Show retired procedures"),
            variable=self.retired_var,
            bootstyle="round-toggle",
            command=lambda: self.presenter.set_include_retired(self.retired_var.get()),
        ).pack(side="left", padx=8)
        self.count_var = tk.StringVar(self)
        ttk.Label(top, textvariable=self.count_var, bootstyle="secondary").pack(side="right")

        panes = ttk.Panedwindow(tab, orient="horizontal")
        panes.pack(fill="both", expand=True)
        frame, self.field_tree = self._scrolled_tree(
            panes, ("field",), (tr("Field"),), (34,), height=16, stretch="field"
        )
        panes.add(frame, weight=1)
        self.field_tree.bind("<<TreeviewSelect>>", lambda e: self._field_selected())
        frame, self.proc_tree = self._scrolled_tree(
            panes,
            ("code", "name", "field", "level", "online", "state"),
            (tr("Code"), tr("Name"), tr("Field"), tr("Level"), tr("Online"), tr("State")),
            (10, 50, 16, 11, 11, 13),
            height=16,
            stretch="name",
        )
        self.proc_tree.tag_configure("retired", foreground="gray")
        panes.add(frame, weight=4)
        self.proc_tree.bind(
            "<<TreeviewSelect>>",
            lambda e: self.presenter.select_procedure(self._selected(self.proc_tree)),
        )
        self._build_procedure_form(tab)

    def _build_procedure_form(self, tab: ttk.Frame) -> None:
        form = ttk.Labelframe(tab, text=tr("Selected procedure"), padding=8)
        form.pack(fill="x", pady=(8, 0))
        form.columnconfigure(6, weight=1)
        self.form_vars = {
            k: tk.StringVar(self) for k in ("code", "name", "field", "level", "online_level")
        }
        ttk.Label(form, text=tr("Code")).grid(row=0, column=0, sticky="w")
        self.code_entry = ttk.Entry(form, textvariable=self.form_vars["code"], width=24)
        self.code_entry.grid(row=0, column=1, sticky="w", padx=6, pady=2)
        ttk.Label(form, text=tr("Name")).grid(row=1, column=0, sticky="w")
        self.name_entry = ttk.Entry(form, textvariable=self.form_vars["name"])
        self.name_entry.grid(row=1, column=1, columnspan=6, sticky="ew", padx=6, pady=2)
        ttk.Label(form, text=tr("Field")).grid(row=2, column=0, sticky="w")
        self.field_combo = ttk.Combobox(form, textvariable=self.form_vars["field"], width=34)
        self.field_combo.grid(row=2, column=1, sticky="w", padx=6, pady=2)
        ttk.Label(form, text=tr("Level")).grid(row=2, column=2, sticky="w")
        ttk.Combobox(form, textvariable=self.form_vars["level"], values=LEVELS, width=12).grid(
            row=2, column=3, sticky="w", padx=6
        )
        ttk.Label(form, text=tr("Online level")).grid(row=2, column=4, sticky="w")
        ttk.Combobox(
            form, textvariable=self.form_vars["online_level"], values=ONLINE_LEVELS, width=12
        ).grid(row=2, column=5, sticky="w", padx=6)
        self.usage_var = tk.StringVar(self)
        ttk.Label(form, textvariable=self.usage_var, bootstyle="secondary").grid(
            row=3, column=1, columnspan=5, sticky="w", padx=6
        )
        buttons = ttk.Frame(form)
        buttons.grid(row=4, column=0, columnspan=6, sticky="w", pady=(6, 0))
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
            button.pack(side="left", padx=(0, 6))

    def _schedule_search(self) -> None:
        if self._search_job:
            self.after_cancel(self._search_job)
        self._search_job = self.after(SEARCH_DELAY_MS, self._run_search)

    def _run_search(self) -> None:
        self._search_job = None
        self.presenter.set_query(self.search_var.get())

    def _field_selected(self) -> None:
        key = self._selected(self.field_tree)
        if key is not None:
            self.presenter.select_field(self._field_keys.get(key, key))

    def _save_procedure(self) -> None:
        values = {k: v.get() for k, v in self.form_vars.items()}
        self.presenter.save_procedure(values, is_new=self._is_new)

    def show_fields(self, items: list[tuple[str, str]]) -> None:
        selected = self._selected(self.field_tree)
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
            + self._other_edit
            + self._edit_widgets_abbr
            + self._edit_widgets_import
        )
        for widget in widgets:
            widget.configure(state=state)

    # -- bundles tab ----------------------------------------------------------------------
    def _build_bundles(self) -> None:
        tab = self._tab(tr("Bundles"))
        tab.columnconfigure(0, weight=2)
        tab.columnconfigure(1, weight=3)
        tab.rowconfigure(0, weight=1)
        left = ttk.Labelframe(tab, text=tr("Bundles (procedures picked together)"), padding=8)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 8))
        self.bundle_tree = self._tree(
            left,
            ("name", "n", "state"),
            (tr("Name"), tr("Procedures"), tr("State")),
            (36, 8, 14),
            height=14,
            stretch="name",
        )
        self.bundle_tree.pack(fill="both", expand=True)
        self.bundle_tree.bind("<<TreeviewSelect>>", lambda e: self._bundle_selected())
        row = ttk.Frame(left)
        row.pack(fill="x", pady=(6, 0))
        new_bundle = ttk.Button(
            row,
            text=tr("New bundle"),
            bootstyle="secondary-outline",
            command=lambda: self.presenter.new_bundle(),
        )
        new_bundle.pack(side="left")
        self.bundle_active_button = ttk.Button(
            row,
            text=tr("Retire / restore"),
            bootstyle="warning-outline",
            command=lambda: self.presenter.toggle_bundle_active(),
        )
        self.bundle_active_button.pack(side="left", padx=6)

        right = ttk.Labelframe(tab, text=tr("Bundle"), padding=8)
        right.grid(row=0, column=1, sticky="nsew")
        right.columnconfigure(1, weight=1)
        right.rowconfigure(1, weight=1)
        right.rowconfigure(4, weight=1)
        ttk.Label(right, text=tr("Name")).grid(row=0, column=0, sticky="w")
        self.bundle_name = tk.StringVar(self)
        ttk.Entry(right, textvariable=self.bundle_name).grid(
            row=0, column=1, sticky="ew", padx=6, pady=2
        )
        self.bundle_items = self._tree(
            right, ("code", "name"), (tr("Code"), tr("Name")), (11, 60), height=6, stretch="name"
        )
        self.bundle_items.grid(row=1, column=0, columnspan=2, sticky="nsew", pady=4)
        moves = ttk.Frame(right)
        moves.grid(row=2, column=0, columnspan=2, sticky="w")
        for text, action in (
            (tr("Up"), lambda c: self.presenter.bundle_move(c, -1)),
            (tr("Down"), lambda c: self.presenter.bundle_move(c, 1)),
            (tr("Remove"), self.presenter_remove),
        ):
            ttk.Button(
                moves,
                text=text,
                bootstyle="secondary-outline",
                command=lambda a=action: self._with_item(a),
            ).pack(side="left", padx=(0, 6))
        self.bundle_save = ttk.Button(
            moves,
            text=tr("Save bundle"),
            bootstyle="primary",
            command=lambda: self.presenter.save_bundle(self.bundle_name.get()),
        )
        self.bundle_save.pack(side="left", padx=(12, 0))
        finder = ttk.Frame(right)
        finder.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(10, 4))
        ttk.Label(finder, text=tr("Add a procedure (search, then double-click)")).pack(side="left")
        self.bundle_search_var = tk.StringVar(self)
        ttk.Entry(finder, textvariable=self.bundle_search_var, width=40).pack(side="left", padx=6)
        self.bundle_search_var.trace_add("write", lambda *_: self._schedule_bundle_search())
        self.bundle_candidates = self._tree(
            right, ("code", "name"), (tr("Code"), tr("Name")), (11, 60), height=6, stretch="name"
        )
        self.bundle_candidates.grid(row=4, column=0, columnspan=2, sticky="nsew")
        shortcuts.bind(self.bundle_candidates, "catalogue.bundle.add", self._add_candidate)
        self._other_edit = [new_bundle, self.bundle_active_button, self.bundle_save]

    def presenter_remove(self, code: str) -> None:
        self.presenter.bundle_remove(code)

    def _with_item(self, action: Callable[[str], None]) -> None:
        code = self._selected(self.bundle_items)
        if code:
            action(code)
            if self.bundle_items.exists(code):
                self.bundle_items.selection_set(code)

    def _schedule_bundle_search(self) -> None:
        if self._bundle_job:
            self.after_cancel(self._bundle_job)
        self._bundle_job = self.after(
            SEARCH_DELAY_MS,
            lambda: (
                setattr(self, "_bundle_job", None),
                self.presenter.bundle_search(self.bundle_search_var.get()),
            ),
        )

    def _add_candidate(self) -> None:
        code = self._selected(self.bundle_candidates)
        if code:
            self.presenter.bundle_add(code)

    def _bundle_selected(self) -> None:
        iid = self._selected(self.bundle_tree)
        if iid:
            self.presenter.select_bundle(int(iid))

    def show_bundles(self, bundles: list) -> None:
        tree = self.bundle_tree
        tree.delete(*tree.get_children())
        for b in bundles:
            tree.insert(
                "",
                "end",
                iid=str(b.id),
                values=(b.name, len(b.codes), tr("In use") if b.active else tr("Retired")),
            )

    def show_bundle(self, name: str, items: list[tuple[str, str]], active: bool) -> None:
        self.bundle_name.set(name)
        self.show_bundle_items(items)

    def show_bundle_items(self, items: list[tuple[str, str]]) -> None:
        self.bundle_items.delete(*self.bundle_items.get_children())
        for code, name in items:
            self.bundle_items.insert("", "end", iid=code, values=(code, name))

    def show_bundle_candidates(self, hits: list) -> None:
        self.bundle_candidates.delete(*self.bundle_candidates.get_children())
        for hit in hits:
            self.bundle_candidates.insert("", "end", iid=hit.code, values=(hit.code, hit.name))

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
        self.abbr_tree = self._tree(
            tab,
            ("short", "expansion", "state"),
            (tr("Abbreviation"), tr("Stands for"), tr("State")),
            (14, 40, 10),
            height=14,
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
        iid = self._selected(self.abbr_tree)
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
        row = ttk.Frame(tab)
        row.pack(fill="x", pady=8)
        self.retire_missing_var = tk.BooleanVar(self, value=False)
        choose = ttk.Button(
            row,
            text=tr("Choose a file and preview…"),
            bootstyle="primary",
            command=self._choose_file,
        )
        choose.pack(side="left")
        ttk.Checkbutton(
            row,
            text=tr("It is the full list: retire procedures missing from it"),
            variable=self.retire_missing_var,
        ).pack(side="left", padx=10)
        self.apply_button = ttk.Button(
            row,
            text=tr("Apply the import"),
            bootstyle="success",
            state="disabled",
            command=lambda: self.presenter.apply_preview(),
        )
        self.apply_button.pack(side="left", padx=6)
        ttk.Button(
            row,
            text=tr("Export the catalogue to Excel…"),
            bootstyle="secondary-outline",
            command=self._export,
        ).pack(side="right")
        box = ttk.Frame(tab)
        box.pack(fill="both", expand=True)
        self.preview_text = tk.Text(
            box, height=18, wrap="word", relief="flat", font="TkDefaultFont"
        )
        bar = ttk.Scrollbar(box, orient="vertical", command=self.preview_text.yview)
        self.preview_text.configure(yscrollcommand=bar.set, state="disabled")
        self.preview_text.pack(side="left", fill="both", expand=True)
        bar.pack(side="right", fill="y")
        self._edit_widgets_import = [choose]

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
