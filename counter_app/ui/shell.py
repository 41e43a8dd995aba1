"""The parts of the main window around the screens: the header (office, who is at the
counter, change user, light/dark) and the screen factory with the tab titles."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable
from functools import partial
from typing import Any

import ttkbootstrap as ttk

from counter_app.domain.models import Counter, Officer, Role
from counter_app.i18n import tr
from counter_app.ui import shortcuts

SCREENS = ("session", "history", "reports", "province", "catalogue", "settings")
SUPERVISOR_SCREENS = ("province", "catalogue", "settings")


class Header(ttk.Frame):
    def __init__(
        self,
        master: tk.Misc,
        on_switch_user: Callable[[], None],
        on_toggle_theme: Callable[[], None],
    ):
        super().__init__(master, padding=(12, 6))
        self.title_label = ttk.Label(self, font="-size 13 -weight bold")
        self.title_label.pack(side="left")
        self.theme_button = ttk.Button(
            self, bootstyle="secondary-link", command=on_toggle_theme, takefocus=False
        )
        self.theme_button.pack(side="right", before=self.title_label)
        self.about_button = ttk.Button(
            self, text=tr("About"), bootstyle="secondary-link", takefocus=False, command=self._about
        )
        self.about_button.pack(side="right", before=self.title_label)
        self.switch_button = ttk.Button(
            self,
            text=tr("Change user"),
            bootstyle="secondary-outline",
            takefocus=False,
            command=on_switch_user,
        )
        self.user_label = ttk.Label(self)

    def _about(self) -> None:
        from counter_app.ui.about import show_about

        show_about(self)

    def show(
        self,
        office_name: str | None,
        demo: bool,
        theme: str,
        officer: Officer | None,
        counter: Counter | None,
    ) -> None:
        """Written again after sign-in, a theme or language switch, an office change."""
        self.title_label.configure(
            text=(office_name or tr("Counter guidance log"))
            + (tr(" — TRAINING MODE") if demo else "")
        )
        self.theme_button.configure(text=tr("☾ Dark") if theme == "light" else tr("☀ Light"))
        self.switch_button.configure(text=tr("Change user"))
        if officer is None:
            self.switch_button.pack_forget()
            self.user_label.pack_forget()
            return
        role = tr("supervisor") if officer.role == Role.SUPERVISOR else tr("officer")
        self.user_label.configure(
            text=tr("{officer} ({role}) · {counter}").format(
                officer=officer.name, role=role, counter=counter.name if counter else ""
            )
        )
        # Packed ahead of the office name: on a narrow or scaled screen the name is the
        # one cut short, never who is signed in or "Change user".
        self.switch_button.pack(side="right", padx=6, before=self.title_label)
        self.user_label.pack(side="right", padx=6, before=self.title_label)


def make_screen(name: str, master: tk.Misc, app: Any) -> Any:
    """The view of screen ``name``; imported when first shown, so start-up stays fast."""
    if name == "session":
        from counter_app.ui.session_screen import SessionScreen

        return SessionScreen(master, app)
    if name == "history":
        from counter_app.ui.history_screen import HistoryScreen

        return HistoryScreen(master, app)
    if name == "reports":
        from counter_app.ui.reports_screen import ReportsScreen

        return ReportsScreen(master, app)
    if name == "province":
        from counter_app.ui.province_screen import ProvinceScreen

        return ProvinceScreen(master, app)
    if name == "catalogue":
        from counter_app.ui.catalogue_screen import CatalogueScreen

        return CatalogueScreen(master, app)
    if name == "settings":
        from counter_app.ui.settings_screen import SettingsScreen

        return SettingsScreen(master, app)
    raise KeyError(name)


def screen_titles() -> dict[str, str]:
    return {
        "session": tr("New session"),
        "history": tr("History"),
        "reports": tr("Reports"),
        "province": tr("Consolidated"),
        "catalogue": tr("Catalogue"),
        "settings": tr("Settings"),
    }


def focus_screen(screen: tk.Widget) -> None:
    """On view, keys go to the screen's own default widget, never a hidden one."""
    try:
        focus = getattr(screen, "focus_default", None)
        (focus or screen.focus_set)()
    except tk.TclError:  # the screen went away meanwhile
        pass


def window_commands(window: Any) -> dict[str, Callable[[], object]]:
    """The handler of every window-wide key of ``shortcuts.WINDOW``."""
    commands: dict[str, Callable[[], object]] = {
        f"screen.{name}": partial(window.show_screen, name) for name in SCREENS
    }
    commands["form.save_keep"] = partial(_form_key, window, "save", True)
    commands["form.save_clear"] = partial(_form_key, window, "save", False)
    commands["form.batch"] = partial(_form_key, window, "batch", None)
    for n in range(1, shortcuts.MAX_NUMBERED + 1):
        commands[f"form.favourite.{n}"] = partial(_form_key, window, "favourite", n)
        commands[f"form.help.{n}"] = partial(_form_key, window, "help", n)
    for n in range(1, len(shortcuts.BUNDLE_KEYS) + 1):
        commands[f"form.bundle.{n}"] = partial(_form_key, window, "bundle", n)
    return commands


def _form_key(window: Any, what: str, arg: Any) -> None:
    """A form key acts only while the form is the screen on view."""
    form = window.screens.get("session")
    if form is None or window.current_screen() != "session":
        return
    if what == "save":
        form.save(arg)
    elif what == "batch":
        form.open_batch()
    elif what == "favourite":
        form.presenter.add_favourite(arg)
    elif what == "help":
        form.presenter.toggle_help(arg)
    elif what == "bundle":
        form.presenter.add_bundle(arg)
