"""Catalogue › Bundles: procedures an officer picks together with one click.

The bundle list on the left, the chosen bundle on the right: its name, its procedures
in order, and a search box to add more. A thin view: the ``CataloguePresenter`` keeps
the bundle being edited and saves it.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence

import ttkbootstrap as ttk

from counter_app.catalog.bundles import Bundle
from counter_app.catalog.search import SearchHit
from counter_app.i18n import tr
from counter_app.presenters.catalogue import CataloguePresenter
from counter_app.ui import shortcuts
from counter_app.ui.catalogue_widgets import SEARCH_DELAY_MS, make_tree, selected_iid
from counter_app.ui.widgets import Flow


class BundlesTab(ttk.Frame):
    def __init__(self, master: tk.Misc, presenter: Callable[[], CataloguePresenter]) -> None:
        super().__init__(master, padding=10)
        self._presenter = presenter  # the screen makes its presenter after its tabs
        self._search_job: str | None = None
        self.columnconfigure(0, weight=2)
        self.columnconfigure(1, weight=3)
        self.rowconfigure(0, weight=1)
        new_bundle = self._build_list()
        right = ttk.Labelframe(self, text=tr("Bundle"), padding=8)
        right.grid(row=0, column=1, sticky="nsew")
        right.columnconfigure(1, weight=1)
        right.rowconfigure(1, weight=1)
        right.rowconfigure(4, weight=1)
        self._build_items(right)
        self._build_finder(right)
        # What a read-only officer cannot use.
        self.edit_widgets: list[ttk.Button] = [
            new_bundle,
            self.bundle_active_button,
            self.bundle_save,
        ]

    @property
    def presenter(self) -> CataloguePresenter:
        return self._presenter()

    # -- building -------------------------------------------------------------------------
    def _build_list(self) -> ttk.Button:
        """The bundles, with New and Retire / restore; returns the New button."""
        left = ttk.Labelframe(self, text=tr("Bundles (procedures picked together)"), padding=8)
        left.grid(row=0, column=0, sticky="nsew", padx=(0, 8))
        self.bundle_tree = make_tree(
            left,
            ("name", "n", "state"),
            (tr("Name"), tr("Procedures"), tr("State")),
            (36, 8, 14),
            height=8,
            stretch="name",
        )
        self.bundle_tree.pack(fill="both", expand=True)
        self.bundle_tree.bind("<<TreeviewSelect>>", lambda e: self._bundle_selected())
        row = Flow(left)
        row.pack(side="bottom", fill="x", pady=(6, 0), before=self.bundle_tree)
        new_bundle = ttk.Button(
            row,
            text=tr("New bundle"),
            bootstyle="secondary-outline",
            command=lambda: self.presenter.new_bundle(),
        )
        row.add(new_bundle)
        self.bundle_active_button = ttk.Button(
            row,
            text=tr("Retire / restore"),
            bootstyle="warning-outline",
            command=lambda: self.presenter.toggle_bundle_active(),
        )
        row.add(self.bundle_active_button)
        return new_bundle

    def _build_items(self, right: ttk.Labelframe) -> None:
        """The bundle's name and procedures, with Up, Down, Remove and Save."""
        ttk.Label(right, text=tr("Name")).grid(row=0, column=0, sticky="w")
        self.bundle_name = tk.StringVar(self)
        ttk.Entry(right, textvariable=self.bundle_name).grid(
            row=0, column=1, sticky="ew", padx=6, pady=2
        )
        self.bundle_items = make_tree(
            right, ("code", "name"), (tr("Code"), tr("Name")), (11, 60), height=4, stretch="name"
        )
        self.bundle_items.grid(row=1, column=0, columnspan=2, sticky="nsew", pady=4)
        moves = Flow(right)
        moves.grid(row=2, column=0, columnspan=2, sticky="ew")
        actions: Sequence[tuple[str, Callable[[str], None]]] = (
            (tr("Up"), lambda c: self.presenter.bundle_move(c, -1)),
            (tr("Down"), lambda c: self.presenter.bundle_move(c, 1)),
            (tr("Remove"), lambda c: self.presenter.bundle_remove(c)),
        )
        for text, action in actions:
            moves.add(
                ttk.Button(
                    moves,
                    text=text,
                    bootstyle="secondary-outline",
                    command=lambda a=action: self._with_item(a),
                )
            )
        self.bundle_save = ttk.Button(
            moves,
            text=tr("Save bundle"),
            bootstyle="primary",
            command=lambda: self.presenter.save_bundle(self.bundle_name.get()),
        )
        moves.add(self.bundle_save)

    def _build_finder(self, right: ttk.Labelframe) -> None:
        """A search box and its hits; double-click (or Enter) adds a hit to the bundle."""
        finder = Flow(right)
        finder.grid(row=3, column=0, columnspan=2, sticky="ew", pady=(10, 4))
        finder.add(ttk.Label(finder, text=tr("Add a procedure (search, then double-click)")))
        self.bundle_search_var = tk.StringVar(self)
        finder.add(ttk.Entry(finder, textvariable=self.bundle_search_var, width=32))
        self.bundle_search_var.trace_add("write", lambda *_: self._schedule_search())
        self.bundle_candidates = make_tree(
            right, ("code", "name"), (tr("Code"), tr("Name")), (11, 60), height=4, stretch="name"
        )
        self.bundle_candidates.grid(row=4, column=0, columnspan=2, sticky="nsew")
        shortcuts.bind(self.bundle_candidates, "catalogue.bundle.add", self.add_candidate)

    # -- view → presenter -----------------------------------------------------------------
    def _with_item(self, action: Callable[[str], None]) -> None:
        code = selected_iid(self.bundle_items)
        if code:
            action(code)
            if self.bundle_items.exists(code):
                self.bundle_items.selection_set(code)

    def _schedule_search(self) -> None:
        if self._search_job:
            self.after_cancel(self._search_job)
        self._search_job = self.after(SEARCH_DELAY_MS, self._run_search)

    def _run_search(self) -> None:
        self._search_job = None
        self.presenter.bundle_search(self.bundle_search_var.get())

    def add_candidate(self) -> None:
        """Add the selected search hit to the bundle."""
        code = selected_iid(self.bundle_candidates)
        if code:
            self.presenter.bundle_add(code)

    def _bundle_selected(self) -> None:
        iid = selected_iid(self.bundle_tree)
        if iid:
            self.presenter.select_bundle(int(iid))

    # -- presenter → view -----------------------------------------------------------------
    def show_bundles(self, bundles: list[Bundle]) -> None:
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

    def show_bundle_candidates(self, hits: list[SearchHit]) -> None:
        self.bundle_candidates.delete(*self.bundle_candidates.get_children())
        for hit in hits:
            self.bundle_candidates.insert("", "end", iid=hit.code, values=(hit.code, hit.name))
