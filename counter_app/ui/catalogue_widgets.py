"""What the catalogue tabs share: headings-only tables and the search boxes' delay."""

from __future__ import annotations

import tkinter as tk

import ttkbootstrap as ttk

from counter_app.ui.widgets import char_width

# A search box is read this long after the last change (Unikey sends fake backspaces).
SEARCH_DELAY_MS = 150


def make_tree(
    parent: tk.Misc,
    columns: tuple[str, ...],
    headings: tuple[str, ...],
    widths: tuple[int, ...],
    height: int = 10,
    stretch: str | None = None,
) -> ttk.Treeview:
    """A one-row-at-a-time table; widths in characters, only ``stretch`` takes spare room."""
    tree = ttk.Treeview(
        parent, columns=columns, show="headings", height=height, selectmode="browse"
    )
    char = char_width(tree)
    for col, text, width in zip(columns, headings, widths, strict=True):
        tree.heading(col, text=text, anchor="w")
        tree.column(col, width=width * char, minwidth=4 * char, anchor="w", stretch=col == stretch)
    return tree


def scrolled_tree(
    parent: tk.Misc,
    columns: tuple[str, ...],
    headings: tuple[str, ...],
    widths: tuple[int, ...],
    height: int = 10,
    stretch: str | None = None,
) -> tuple[ttk.Frame, ttk.Treeview]:
    """A tree with a vertical scrollbar, both inside a new frame."""
    frame = ttk.Frame(parent)
    tree = make_tree(frame, columns, headings, widths, height, stretch)
    bar = ttk.Scrollbar(frame, orient="vertical", command=tree.yview)
    tree.configure(yscrollcommand=bar.set)
    tree.pack(side="left", fill="both", expand=True)
    bar.pack(side="right", fill="y")
    return frame, tree


def selected_iid(tree: ttk.Treeview) -> str | None:
    selection = tree.selection()
    return selection[0] if selection else None
