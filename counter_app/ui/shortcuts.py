"""Every key of the app, declared once next to the command it runs.

A ``Shortcut`` names a command, its key sequences and what it does (for the key list in
the help and the README). The window binds the ``WINDOW`` commands once
(``bind_window``); a screen binds its own through ``bind(widget, name, handler)`` so that
no key sequence is written anywhere else. A handler returns nothing: ``bind`` returns
"break" for it, so Tk does not also run the widget's default action.
"""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass

from counter_app.i18n import tr

# Shown on the tabs, in the order of ``shell.SCREENS``. The consolidated store ("Tổng
# hợp", supervisors) sits beside Reports and takes Ctrl+F4: F2–F6 are the screens and
# F7–F12 the bundles already, and in a single-window Tk app Windows reserves only Alt+F4.
SCREEN_KEYS = ("F2", "F3", "F4", "Ctrl+F4", "F5", "F6")
BUNDLE_KEYS = ("F7", "F8", "F9", "F10", "F11", "F12")
MAX_NUMBERED = 9


@dataclass(frozen=True)
class Shortcut:
    name: str
    sequences: tuple[str, ...]
    describe: Callable[[], str]  # called at display time, in the current language

    @property
    def keys(self) -> str:
        """As a person writes it: "Ctrl+Enter"."""
        first = self.sequences[0].strip("<>")
        for tk_name, shown in _KEY_NAMES:
            first = first.replace(tk_name, shown)
        *modifiers, key = first.split("-")
        return "+".join([*modifiers, key.upper() if len(key) == 1 else key])


_KEY_NAMES = (
    ("Control", "Ctrl"),
    ("Return", "Enter"),
    ("Key-", ""),
    ("Next", "PgDn"),
    ("Prior", "PgUp"),
    ("Escape", "Esc"),
    ("Delete", "Del"),
    ("Double-Button-1", "Double click"),
)


def _numbered(prefix: str, modifier: str, describe: Callable[[int], str]) -> list[Shortcut]:
    return [
        Shortcut(
            f"{prefix}.{n}",
            (f"<{modifier}-Key-{n}>",),
            lambda n=n: describe(n),  # type: ignore[misc]
        )
        for n in range(1, MAX_NUMBERED + 1)
    ]


ENTER = ("<Return>", "<KP_Enter>")

# Window-wide: they work wherever the focus is (the form keys only on the form).
WINDOW: list[Shortcut] = [
    Shortcut("screen.session", ("<F2>",), lambda: tr("New session")),
    Shortcut("screen.history", ("<F3>",), lambda: tr("History")),
    Shortcut("screen.reports", ("<F4>",), lambda: tr("Reports")),
    Shortcut("screen.province", ("<Control-F4>",), lambda: tr("Consolidated store (supervisors)")),
    Shortcut("screen.catalogue", ("<F5>",), lambda: tr("Catalogue")),
    Shortcut("screen.settings", ("<F6>",), lambda: tr("Settings")),
    Shortcut(
        "form.save_keep",
        ("<Control-Return>", "<Control-KP_Enter>"),
        lambda: tr("Save and keep channel, portal and help for the next person"),
    ),
    Shortcut("form.save_clear", ("<Alt-Return>", "<Alt-KP_Enter>"), lambda: tr("Save and clear")),
    Shortcut(
        "form.batch",
        ("<Control-l>", "<Control-L>"),
        lambda: tr("Save many alike sessions at once (a queue, a mobile team's day)"),
    ),
    *_numbered("form.favourite", "Alt", lambda n: tr("Favourite procedure {n}").format(n=n)),
    *_numbered("form.help", "Control", lambda n: tr("Help type {n} on/off").format(n=n)),
    *[
        Shortcut(
            f"form.bundle.{n}",
            (f"<{key}>",),
            lambda n=n: tr("Procedure bundle {n}").format(n=n),  # type: ignore[misc]
        )
        for n, key in enumerate(BUNDLE_KEYS, start=1)
    ],
]

# Keys of one widget on one screen.
LOCAL: list[Shortcut] = [
    Shortcut("form.search.add", ENTER, lambda: tr("Add the first (or chosen) procedure")),
    Shortcut("form.search.to_hits", ("<Down>",), lambda: tr("Into the list of procedures")),
    Shortcut("form.search.clear", ("<Escape>",), lambda: tr("Clear the procedure box")),
    Shortcut(
        "form.hits.add", (*ENTER, "<Double-Button-1>"), lambda: tr("Add the chosen procedure")
    ),
    Shortcut("form.hits.back", ("<Escape>",), lambda: tr("Back to the procedure box")),
    *[
        Shortcut(
            f"form.help_box.{n}",
            (f"<Key-{n}>",),
            lambda n=n: tr("On a help box: help type {n} on/off").format(n=n),  # type: ignore[misc]
        )
        for n in range(1, MAX_NUMBERED + 1)
    ],
    Shortcut("form.hits.up", ("<Up>",), lambda: tr("Up; from the first line back to the box")),
    Shortcut("history.apply", ENTER, lambda: tr("Apply the filter")),
    Shortcut(
        "history.open", (*ENTER, "<Double-Button-1>"), lambda: tr("Open the session to correct")
    ),
    Shortcut("history.void", ("<Delete>",), lambda: tr("Void the session (with a reason)")),
    Shortcut("history.next_page", ("<Next>",), lambda: tr("Next page")),
    Shortcut("history.prev_page", ("<Prior>",), lambda: tr("Previous page")),
    Shortcut("history.first", ("<Home>",), lambda: tr("First session (first page)")),
    Shortcut("history.last", ("<End>",), lambda: tr("Last session (last page)")),
    Shortcut("dialog.close", ("<Escape>",), lambda: tr("Close the window")),
    Shortcut("batch.confirm", ENTER, lambda: tr("Save the sessions of the tally")),
    Shortcut("login.submit", ENTER, lambda: tr("Sign in")),
    Shortcut("catalogue.bundle.add", ("<Double-1>", "<Return>"), lambda: tr("Add to the bundle")),
]

ALL: dict[str, Shortcut] = {s.name: s for s in WINDOW + LOCAL}


PASS = ""  # a handler returning this lets Tk go on with the key (e.g. the list's own Up)


def bind(
    widget: tk.Misc,
    name: str,
    handler: Callable[..., object],
    *,
    with_event: bool = False,
) -> None:
    """Bind every sequence of shortcut ``name`` on ``widget``. The handler gets the Tk
    event when ``with_event``; it returns ``PASS`` to let Tk handle the key as well,
    anything else (None) stops it there."""

    def on_key(event: tk.Event) -> str:
        return _run(handler, event if with_event else None)

    for sequence in ALL[name].sequences:
        widget.bind(sequence, on_key)


def bind_window(window: tk.Misc, handlers: dict[str, Callable[[], object]]) -> None:
    """The window-wide keys; every ``WINDOW`` command must have a handler."""
    missing = [s.name for s in WINDOW if s.name not in handlers]
    if missing:
        raise KeyError(missing)
    for shortcut in WINDOW:
        handler = handlers[shortcut.name]
        for sequence in shortcut.sequences:
            window.bind(sequence, _window_key(handler))


def _window_key(handler: Callable[[], object]) -> Callable[[tk.Event], str]:
    return lambda _event: _run(handler, None)


def _run(handler: Callable[..., object], event: tk.Event | None) -> str:
    result = handler(event) if event is not None else handler()
    return PASS if result == PASS else "break"


def bundle_key(n: int) -> str:
    """The key of bundle ``n`` (1-based), as shown on its button."""
    return BUNDLE_KEYS[n - 1] if 1 <= n <= len(BUNDLE_KEYS) else ""


def key_list() -> list[tuple[str, str]]:
    """(keys, what they do) for the help: the window-wide keys first."""
    return [(s.keys, s.describe()) for s in WINDOW + LOCAL]
