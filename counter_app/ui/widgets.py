"""Small reusable widgets: a combobox over lookup values, an in-window toast, a tooltip
for names too long for their box, and a frame that scrolls only when its content does
not fit (a small screen at 125–150 %)."""

from __future__ import annotations

import tkinter as tk
import tkinter.font as tkfont
import weakref
from collections.abc import Callable, Sequence

import ttkbootstrap as ttk

TOOLTIP_DELAY_MS = 400
TOOLTIP_WRAP = 560  # pixels: a long procedure name wraps into a few readable lines
WATCH_MS = 250  # how often a screen on view checks whether it still fits


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


def themed_listbox(listbox: tk.Listbox) -> tk.Listbox:
    """A plain Tk list in the theme's input colours, now and after every theme change
    (it stayed white in the dark theme)."""

    def apply(style: ttk.Style) -> None:
        try:
            if not listbox.winfo_exists():
                return
            colours = style.colors
            listbox.configure(
                background=colours.inputbg,
                foreground=colours.inputfg,
                selectbackground=colours.selectbg,
                selectforeground=colours.selectfg,
                highlightbackground=colours.border,
                highlightcolor=colours.primary,
            )
        except tk.TclError:
            pass

    style = ttk.Style()
    style.on_theme_change(apply)
    listbox.bind("<Destroy>", lambda _e: style.remove_theme_change_callback(apply), add="+")
    return listbox


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


_SCROLLERS: weakref.WeakSet[FitOrScroll] = weakref.WeakSet()
_BOUND_WINDOWS: weakref.WeakSet[tk.Misc] = weakref.WeakSet()  # roots with the dispatcher


def _dispatch(method: str) -> Callable[[tk.Event], None]:
    def handler(event: tk.Event) -> None:
        for scroller in list(_SCROLLERS):
            try:
                if scroller.winfo_exists():
                    getattr(scroller, method)(event)
            except tk.TclError:
                pass

    return handler


class FitOrScroll(ttk.Frame):
    """Holds one screen. Its content (``inner``) fills the frame exactly as if packed in
    it while it fits; when the window is too short for it (a 1366×768 laptop at 125–150 %)
    the content keeps its natural height and scrolls, with a scrollbar, the mouse wheel,
    and the widget Tab moves to always brought into view."""

    def __init__(self, master: tk.Misc, **kwargs) -> None:
        super().__init__(master, **kwargs)
        # It asks for no room of its own: its holder decides its size.
        self.canvas = tk.Canvas(self, highlightthickness=0, borderwidth=0, width=1, height=1)
        self.bar = ttk.Scrollbar(self, orient="vertical", command=self.canvas.yview)
        self.inner = ttk.Frame(self.canvas)
        self._item = self.canvas.create_window(0, 0, anchor="nw", window=self.inner)
        self.canvas.configure(yscrollcommand=self.bar.set)
        self.canvas.pack(side="left", fill="both", expand=True)
        self.overflowing = False
        self._last: tuple[int, int, int] | None = None
        self._watch_after: str | None = None
        self._themed()
        self.inner.bind("<Configure>", lambda _e: self._layout(), add="+")
        self.canvas.bind("<Configure>", lambda _e: self._layout(), add="+")
        self.bind("<<ThemeChanged>>", lambda _e: self._themed(), add="+")
        _SCROLLERS.add(self)
        root = self.nametowidget(".")  # the Tk root of this window's interpreter
        if root not in _BOUND_WINDOWS:
            # One dispatcher per window (bind_all cannot unbind one handler of many).
            _BOUND_WINDOWS.add(root)
            for sequence in ("<MouseWheel>", "<Button-4>", "<Button-5>"):
                self.bind_all(sequence, _dispatch("_wheel"), add="+")
            self.bind_all("<FocusIn>", _dispatch("_focused"), add="+")
        self._watch()

    def _watch(self) -> None:
        """A screen growing (rows shown, a message, a list) changes only its requested
        height, which Tk reports to no one while the canvas fixes the frame's size: look
        a few times a second while the screen is on view (one cheap Tk call)."""
        try:
            if self.winfo_ismapped():
                self._layout()
            self._watch_after = self.after(WATCH_MS, self._watch)
        except tk.TclError:
            self._watch_after = None

    def destroy(self) -> None:
        if self._watch_after is not None:
            try:
                self.after_cancel(self._watch_after)
            except tk.TclError:
                pass
            self._watch_after = None
        super().destroy()

    def _themed(self) -> None:
        try:
            background = ttk.Style().lookup("TFrame", "background")
            self.canvas.configure(background=background or "")
        except tk.TclError:
            pass

    def refit(self) -> None:
        """Fit (or scroll) now, not at the next look (tests; a screen that just grew)."""
        self.update_idletasks()
        self._last = None
        self._layout()
        self.update_idletasks()
        self._last = None
        self._layout()

    def _layout(self) -> None:
        need = self.inner.winfo_reqheight()
        have = self.canvas.winfo_height()
        width = self.canvas.winfo_width()
        if have <= 1 or width <= 1 or (need, have, width) == self._last:
            return
        self._last = (need, have, width)
        # Hysteresis: the bar takes width, which may wrap text and change the need.
        overflow = need > have + 1 if not self.overflowing else need > have - 24
        if overflow != self.overflowing:
            self.overflowing = overflow
            if overflow:
                self.bar.pack(side="right", fill="y", before=self.canvas)
            else:
                self.bar.pack_forget()
                self.canvas.yview_moveto(0)
            self._last = None
            return  # the canvas is resized: <Configure> comes back here
        height = max(need, have)
        self.canvas.itemconfigure(self._item, width=width, height=height)
        self.canvas.configure(scrollregion=(0, 0, width, height))

    def _inside(self, widget: object) -> bool:
        return isinstance(widget, tk.Misc) and str(widget).startswith(str(self.inner) + ".")

    def _wheel(self, event: tk.Event) -> None:
        if not self.overflowing or not self._inside(event.widget):
            return
        w: tk.Misc | None = event.widget
        while w is not None and w is not self.inner:  # lists and texts scroll themselves
            if w.winfo_class() in ("Treeview", "Listbox", "Text", "Canvas"):
                return
            w = w.master
        if getattr(event, "num", None) == 4 or getattr(event, "delta", 0) > 0:
            self.canvas.yview_scroll(-2, "units")
        else:
            self.canvas.yview_scroll(2, "units")

    def _focused(self, event: tk.Event) -> None:
        if self.overflowing and self._inside(event.widget):
            self.show(event.widget)

    def show(self, widget: tk.Misc) -> None:
        """Scroll so that ``widget`` (a descendant) is fully in view."""
        try:
            top = widget.winfo_rooty() - self.inner.winfo_rooty()
            bottom = top + widget.winfo_height()
            height = max(1, self.inner.winfo_height())
            view_top, view_bottom = (f * height for f in self.canvas.yview())
            if top < view_top:
                self.canvas.yview_moveto(max(0.0, (top - 8) / height))
            elif bottom > view_bottom:
                visible = view_bottom - view_top
                self.canvas.yview_moveto(min(1.0, (bottom + 8 - visible) / height))
        except tk.TclError:
            pass


class Flow(ttk.Frame):
    """Widgets side by side that wrap onto a new line when the width runs out, like words
    (a filter bar or a row of buttons at 125–150 %). Create the widgets with this frame
    as their master and ``add`` them in order."""

    def __init__(self, master: tk.Misc, gap: int = 6, line_gap: int = 4, **kwargs) -> None:
        super().__init__(master, **kwargs)
        self.gap = gap
        self.line_gap = line_gap
        self.items: list[tk.Widget] = []
        self.hidden: set[str] = set()
        self._placed: tuple | None = None
        self.bind("<Configure>", lambda _e: self._reflow(), add="+")

    def set_shown(self, widget: tk.Widget, shown: bool) -> None:
        """Show or hide one of the widgets (the others close up)."""
        if shown:
            self.hidden.discard(str(widget))
        else:
            self.hidden.add(str(widget))
            widget.place_forget()
        self._placed = None
        self._reflow()

    def add(self, widget: tk.Widget) -> tk.Widget:
        self.items.append(widget)
        # a child whose text changes (a count on a button) changes size: reflow
        widget.bind("<Configure>", lambda _e: self._reflow(), add="+")
        self._reflow()
        return widget

    def _reflow(self) -> None:
        try:
            width = self.winfo_width()
        except tk.TclError:
            return
        if width <= 1:  # not laid out yet: one line, as wide as it asks
            width = 1 << 30
        x = y = line_height = widest = 0
        places = []
        for w in self.items:
            if str(w) in self.hidden or not w.winfo_exists():
                continue
            rw, rh = w.winfo_reqwidth(), w.winfo_reqheight()
            if x > 0 and x + rw > width:
                x, y, line_height = 0, y + line_height + self.line_gap, 0
            places.append((w, x, y))
            x += rw + self.gap
            widest = max(widest, x - self.gap)
            line_height = max(line_height, rh)
        key = (tuple((str(w), px, py) for w, px, py in places), widest, y + line_height)
        if key == self._placed:
            return
        self._placed = key
        for w, px, py in places:
            w.place(x=px, y=py)
        self.configure(width=min(widest, width), height=max(1, y + line_height))


def fit_text(text: str, font: tkfont.Font, width: int) -> str:
    """``text`` cut with "…" to fit ``width`` pixels in ``font``."""
    if font.measure(text) <= width:
        return text
    low, high = 1, len(text)
    while low < high:
        mid = (low + high + 1) // 2
        if font.measure(text[:mid] + "…") <= width:
            low = mid
        else:
            high = mid - 1
    return text[:low].rstrip() + "…"


def char_width(widget: tk.Misc) -> int:
    """One average character of the table's font, in pixels: widths follow the scaling
    (at 150 % a fixed 8 px a character cut the codes)."""
    return max(6, tkfont.nametofont("TkDefaultFont", root=widget).measure("0"))
