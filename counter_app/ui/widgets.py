"""Small reusable widgets: a combobox over lookup values, an in-window toast."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable, Sequence

import ttkbootstrap as ttk


class ChoiceCombo(ttk.Combobox):
    """A read-only combobox whose items carry values (ids); an optional blank first item.

    Selection is reported through ``on_select(value)`` on ``<<ComboboxSelected>>`` (an
    explicit user choice), never through key events.
    """

    def __init__(
        self,
        master: tk.Misc,
        items: Sequence[tuple[object, str]] = (),
        blank: str | None = None,
        on_select: Callable[[object], None] | None = None,
        width: int = 28,
        **kwargs,
    ):
        super().__init__(master, state="readonly", width=width, **kwargs)
        self._blank = blank
        self._on_select = on_select
        self.set_items(items)
        self.bind("<<ComboboxSelected>>", self._selected, add="+")

    def set_items(self, items: Sequence[tuple[object, str]]) -> None:
        self._items = ([(None, self._blank)] if self._blank is not None else []) + list(items)
        self.configure(values=[label for _, label in self._items])

    def value(self) -> object:
        index = self.current()
        return self._items[index][0] if 0 <= index < len(self._items) else None

    def set_value(self, value: object) -> None:
        for i, (v, _) in enumerate(self._items):
            if v == value:
                self.current(i)
                return
        if self._blank is not None:
            self.current(0)
        else:
            self.set("")

    def _selected(self, _event: tk.Event | None = None) -> None:
        self.selection_clear()
        if self._on_select:
            self._on_select(self.value())


class Toast:
    """A short confirmation in the window's corner; disappears by itself."""

    def __init__(self, master: tk.Misc, duration_ms: int = 2500):
        self.master = master
        self.duration_ms = duration_ms
        self.label = ttk.Label(master, bootstyle="@success", padding=(12, 2), font="-size 11")
        self._after: str | None = None
        self.text = ""

    def show(self, message: str) -> None:
        self.text = message
        self.label.configure(text=message)
        # Over the right end of today's strip: never over a field or a button.
        self.label.place(relx=1.0, rely=1.0, x=-8, y=-2, anchor="se")
        self.label.lift()
        if self._after:
            self.master.after_cancel(self._after)
        self._after = self.master.after(self.duration_ms, self.hide)

    def hide(self) -> None:
        self._after = None
        try:
            self.label.place_forget()
        except tk.TclError:
            pass


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
