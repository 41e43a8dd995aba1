"""The tables of the settings tabs: rows keyed by id that can be retired (shown grey).

Counters, officers and lookup values are all edited the same way: pick a row, then
rename it, retire it or restore it. These helpers are that shared part.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from typing import Any

import ttkbootstrap as ttk

from counter_app.i18n import tr
from counter_app.presenters.base import AppLike
from counter_app.ui.widgets import char_width

# (id, values shown, active); rows read from the database always have their id
Row = tuple[int | None, tuple[Any, ...], bool]


def make_tree(
    parent: tk.Misc,
    columns: tuple[str, ...],
    headings: tuple[str, ...],
    widths: tuple[int, ...],
    height: int = 8,
) -> ttk.Treeview:
    """A one-row-at-a-time table with headings; widths in characters."""
    tree = ttk.Treeview(
        parent, columns=columns, show="headings", height=height, selectmode="browse"
    )
    char = char_width(tree)  # follows scaling
    for col, text, width in zip(columns, headings, widths, strict=True):
        tree.heading(col, text=text, anchor="w")
        tree.column(col, width=width * char, anchor="w")
    return tree


def state_label(active: bool) -> str:
    return tr("in use") if active else tr("retired")


def fill(tree: ttk.Treeview, rows: list[Row]) -> None:
    """Replace the rows, keeping the selected one selected if it is still there."""
    selected = tree.selection()
    tree.delete(*tree.get_children())
    for iid, values, active in rows:
        tree.insert("", "end", iid=str(iid), values=values, tags=() if active else ("retired",))
    tree.tag_configure("retired", foreground="#999999")
    if selected and tree.exists(selected[0]):
        tree.selection_set(selected[0])


def selected_value(tree: ttk.Treeview, column: int) -> str:
    selection = tree.selection()
    return tree.item(selection[0], "values")[column] if selection else ""


def selected_active(tree: ttk.Treeview) -> bool:
    """Whether the selected row is in use (False when nothing is selected)."""
    selection = tree.selection()
    return bool(selection) and "retired" not in tree.item(selection[0], "tags")


def with_selected_id(app: AppLike, tree: ttk.Treeview, action: Callable[[int], object]) -> None:
    """Run ``action`` on the selected row's id, or ask the user to select one."""
    selection = tree.selection()
    if not selection:
        app.show_error(tr("Select a line first."))
        return
    action(int(selection[0]))
