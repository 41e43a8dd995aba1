"""The main window: one ttkbootstrap root. (Screens arrive with the screens issue.)"""

from __future__ import annotations

import logging
import tkinter as tk
from tkinter import messagebox

import ttkbootstrap as ttk

from counter_app import __version__
from counter_app.i18n import tr
from counter_app.services.offices import OfficeService
from counter_app.services.sessions import SessionService
from counter_app.storage.database import Store

log = logging.getLogger(__name__)


class MainWindow(ttk.App):
    def __init__(self, store: Store, theme: str = "flatly"):
        super().__init__(title=self.window_title(store), theme=theme, minsize=(720, 480))
        self.store = store
        self.sessions = SessionService(store)
        self.protocol("WM_DELETE_WINDOW", self.close)
        self._build()
        self.refresh_counts()
        from counter_app.ui.app import schedule_backups

        schedule_backups(self, store)

    @staticmethod
    def window_title(store: Store) -> str:
        office = OfficeService(store).office()
        title = tr("Counter guidance log")
        if office:
            title += f" — {office.name}"
        if store.is_demo:
            title = tr("[TRAINING MODE – demo data, not saved to the real data] ") + title
        return f"{title} ({__version__})"

    def _build(self) -> None:
        self.counts_var = tk.StringVar()
        strip = ttk.Frame(self, padding=8)
        strip.pack(fill="x")
        ttk.Label(strip, textvariable=self.counts_var, font="-size 12").pack(side="left")
        body = ttk.Frame(self, padding=16)
        body.pack(fill="both", expand=True)
        ttk.Label(body, text=tr("Counter guidance log"), font="-size 16 -weight bold").pack(
            anchor="w")

    def refresh_counts(self) -> None:
        c = self.sessions.counts()
        self.counts_var.set(
            tr("Today: {today} sessions · submitted online: {submitted} · this week: {week}")
            .format(today=c.today, submitted=c.submitted_today, week=c.week)
        )

    def report_callback_exception(self, exc, val, tb):  # noqa: D401 - Tk hook
        log.error("Tk callback failed", exc_info=(exc, val, tb))
        self.show_error(tr("Something went wrong; the details were written to the log file."))

    def show_error(self, message: str) -> None:
        messagebox.showerror(tr("Counter guidance log"), message, parent=self)

    def show_warning(self, message: str) -> None:
        messagebox.showwarning(tr("Counter guidance log"), message, parent=self)

    def close(self) -> None:
        try:
            self.store.close()
        finally:
            self.destroy()
