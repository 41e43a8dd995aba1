"""Small reusable widgets: a combobox over lookup values, an in-window toast, a tooltip
for names too long for their box, and a frame that scrolls only when its content does
not fit (a small screen at 125–150 %)."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
from collections.abc import Callable, Sequence

import ttkbootstrap as ttk

TOOLTIP_DELAY_MS = 400
TOOLTIP_WRAP = 560  # pixels: a long procedure name wraps into a few readable lines


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
        # Long labels ("Nộp trực tuyến thành công", a procedure name) stay readable: the
        # list opens as wide as its longest item, and the chosen one shows in full on hover.
        self.configure(postcommand=self._widen_popdown)
        Tooltip(self, lambda _e: self.get() if self._clipped() else None)

    def _clipped(self) -> bool:
        text = self.get()
        if not text:
            return False
        font = tkfont.nametofont("TkDefaultFont", root=self)
        return font.measure(text) > self.winfo_width() - 28  # the arrow and padding

    def _widen_popdown(self) -> None:
        """Make the drop-down list as wide as its longest label (never narrower than the
        box, never wider than the screen)."""
        try:
            font = tkfont.nametofont("TkDefaultFont", root=self)
            widest = max((font.measure(label) for _, label in self._items), default=0) + 32
            extra = max(0, min(widest, self.winfo_screenwidth() - 40) - self.winfo_width())
            style = self.cget("style") or self.winfo_class()
            ttk.Style().configure(style, postoffset=(0, 0, extra, 0))
            # The style is shared: back to no offset once this list is placed.
            self.after_idle(lambda: ttk.Style().configure(style, postoffset=(0, 0, 0, 0)))
        except tk.TclError:
            pass

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


class Tooltip:
    """A small window near the pointer with the full text of what is under it; ``text``
    gets the motion event and returns the text, or None when nothing needs showing."""

    def __init__(self, widget: tk.Misc, text: Callable[[tk.Event], str | None]):
        self.widget = widget
        self.text = text
        self._after: str | None = None
        self._window: tk.Toplevel | None = None
        self._shown = ""
        widget.bind("<Motion>", self._moved, add="+")
        widget.bind("<Leave>", lambda _e: self.hide(), add="+")
        widget.bind("<ButtonPress>", lambda _e: self.hide(), add="+")

    def _moved(self, event: tk.Event) -> None:
        text = self.text(event)
        if text == self._shown and self._window is not None:
            return
        self.hide()
        if text:
            x, y = event.x_root + 12, event.y_root + 18
            self._after = self.widget.after(TOOLTIP_DELAY_MS, lambda: self.show(text, x, y))

    def show(self, text: str, x: int, y: int) -> None:
        self._after = None
        self._window = window = tk.Toplevel(self.widget)
        window.wm_overrideredirect(True)
        label = ttk.Label(
            window,
            text=text,
            wraplength=TOOLTIP_WRAP,
            justify="left",
            padding=(6, 3),
            bootstyle="inverse-secondary",
        )
        label.pack()
        window.update_idletasks()
        # keep it on the screen
        x = min(x, self.widget.winfo_screenwidth() - window.winfo_reqwidth() - 4)
        window.wm_geometry(f"+{max(0, x)}+{y}")
        self._shown = text

    def hide(self) -> None:
        if self._after is not None:
            try:
                self.widget.after_cancel(self._after)
            except tk.TclError:
                pass
            self._after = None
        if self._window is not None:
            try:
                self._window.destroy()
            except tk.TclError:
                pass
            self._window = None
        self._shown = ""


def listbox_tooltip(listbox: tk.Listbox) -> Tooltip:
    """The full text of the row under the pointer, when it is wider than the list."""

    def row_text(event: tk.Event) -> str | None:
        if listbox.size() == 0:
            return None
        index = listbox.nearest(event.y)
        bbox = listbox.bbox(index)
        if not bbox or not (bbox[1] <= event.y <= bbox[1] + bbox[3]):
            return None
        text = listbox.get(index)
        font = tkfont.Font(root=listbox, font=listbox.cget("font"))
        return text if font.measure(text) > listbox.winfo_width() - 8 else None

    return Tooltip(listbox, row_text)


def shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
