"""Is every control of the window on screen? A control (button, entry, box, list) must
lie fully inside the window and inside every frame that holds it — a frame clips what
sticks out, which is how the catalogue's buttons disappeared below the edge.

A screen taller than the window scrolls (``ui.widgets.FitOrScroll``): a control there
counts as reachable when scrolling to it (what Tab does) shows it whole. Controls inside
an inner scrolling list (the form's procedure lines) scroll with that list by design."""

from __future__ import annotations

import tkinter as tk
from dataclasses import dataclass, field

from counter_app.ui.widgets import FitOrScroll

CONTROLS = {
    "TButton",
    "TEntry",
    "TCombobox",
    "TCheckbutton",
    "TRadiobutton",
    "TMenubutton",
    "TSpinbox",
}
AREAS = {"Treeview", "Listbox", "Text"}  # lists: enough of them must show to be usable
MIN_AREA_HEIGHT = 40  # pixels: two rows at least
TOLERANCE = 1  # a pixel of rounding


@dataclass
class Report:
    hidden: list[str] = field(default_factory=list)  # controls that cannot be seen whole
    scrolled: list[str] = field(default_factory=list)  # reachable only by scrolling the screen

    def __bool__(self) -> bool:
        return not self.hidden


def _rect(w: tk.Misc) -> tuple[int, int, int, int]:
    x, y = w.winfo_rootx(), w.winfo_rooty()
    return x, y, x + w.winfo_width(), y + w.winfo_height()


def _describe(w: tk.Misc) -> str:
    text = ""
    try:
        if "text" in w.keys():
            text = str(w.cget("text"))
    except tk.TclError:
        pass
    return f"{w.winfo_class()} {text!r} ({w})"


def _inside(r: tuple[int, int, int, int], clip: tuple[int, int, int, int]) -> bool:
    return (
        r[0] >= clip[0] - TOLERANCE
        and r[1] >= clip[1] - TOLERANCE
        and r[2] <= clip[2] + TOLERANCE
        and r[3] <= clip[3] + TOLERANCE
    )


def _clip_of(w: tk.Misc, window: tk.Misc) -> tuple[int, int, int, int]:
    """The part of the screen where ``w`` can show: every ancestor's area, intersected."""
    clip = _rect(window)
    chain = []
    parent = w.master
    while parent is not None and parent is not window:
        chain.append(parent)
        parent = parent.master
    for p in chain:
        r = _rect(p)
        clip = (max(clip[0], r[0]), max(clip[1], r[1]), min(clip[2], r[2]), min(clip[3], r[3]))
    return clip


def _visible(w: tk.Misc, window: tk.Misc) -> bool:
    clip = _clip_of(w, window)
    r = _rect(w)
    if w.winfo_class() in AREAS:
        shown = min(r[3], clip[3]) - max(r[1], clip[1])
        return shown >= MIN_AREA_HEIGHT and r[0] >= clip[0] - TOLERANCE
    return w.winfo_width() > 1 and w.winfo_height() > 1 and _inside(r, clip)


def _controls(widget: tk.Misc, out: list, squeezed: list) -> None:
    """Every control on view: hidden notebook pages and removed rows are skipped; a
    control its frame had no room to show at all (unmapped by pack) is ``squeezed``."""
    selected = None
    if widget.winfo_class() == "TNotebook":
        try:
            selected = widget.nametowidget(widget.select()) if widget.select() else None
        except (tk.TclError, KeyError):
            selected = None
    for child in widget.winfo_children():
        if isinstance(child, tk.Toplevel) or child.winfo_class() == "Menu":
            continue
        if widget.winfo_class() == "TNotebook" and child is not selected:
            continue
        if not child.winfo_manager():
            continue  # pack_forget / grid_remove: deliberately not shown
        if not child.winfo_ismapped():
            if widget.winfo_ismapped():
                _mapped_controls_of(child, squeezed)
            continue
        if child.winfo_class() == "Canvas" and not isinstance(widget, FitOrScroll):
            continue  # an inner scrolling list (the form's procedure lines)
        if child.winfo_class() in CONTROLS | AREAS:
            out.append(child)
        _controls(child, out, squeezed)


def _mapped_controls_of(widget: tk.Misc, out: list) -> None:
    if widget.winfo_class() in CONTROLS:
        out.append(widget)
    for child in widget.winfo_children():
        if child.winfo_manager() and not isinstance(child, tk.Toplevel):
            _mapped_controls_of(child, out)


def _scroller_of(w: tk.Misc) -> FitOrScroll | None:
    parent = w.master
    while parent is not None:
        if isinstance(parent, FitOrScroll):
            return parent
        parent = parent.master
    return None


def _scrollers(widget: tk.Misc) -> list[FitOrScroll]:
    found = [widget] if isinstance(widget, FitOrScroll) else []
    for child in widget.winfo_children():
        found.extend(_scrollers(child))
    return found


def check_window(window: tk.Misc) -> Report:
    """Every control of what the window shows now, checked (see the module docstring)."""
    report = Report()
    controls: list[tk.Misc] = []
    squeezed: list[tk.Misc] = []
    for scroller in _scrollers(window):
        scroller.refit()
    window.update_idletasks()
    _controls(window, controls, squeezed)
    report.hidden.extend(f"no room at all: {_describe(w)}" for w in squeezed)
    for w in controls:
        if _visible(w, window):
            continue
        scroller = _scroller_of(w)
        if scroller is not None and scroller.overflowing:
            scroller.show(w)
            window.update_idletasks()
            window.update()
            if _visible(w, window):
                report.scrolled.append(_describe(w))
                continue
        report.hidden.append(f"{_describe(w)} at {_rect(w)} outside {_clip_of(w, window)}")
    for scroller in {s for w in controls if (s := _scroller_of(w)) is not None}:
        scroller.canvas.yview_moveto(0)
    return report
