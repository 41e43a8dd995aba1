"""The GUI's start: open the data, build the one root window, run, back up on exit."""

from __future__ import annotations

import logging
import tkinter as tk

from counter_app.i18n import tr
from counter_app.storage.database import Store
from counter_app.storage.errors import StorageError

log = logging.getLogger(__name__)
BACKUP_INTERVAL_MS = 30 * 60 * 1000


def run_gui(demo: bool = False) -> int:
    from counter_app.bootstrap import open_default_store, open_demo_store

    try:
        store = open_demo_store() if demo else open_default_store()
    except StorageError as exc:
        show_fatal(str(exc))
        return 1
    from counter_app.ui.main_window import MainWindow

    window = MainWindow(store)
    if store.recovery:
        window.show_warning(store.recovery.message())
    window.mainloop()
    return 0


def show_fatal(message: str) -> None:
    """A message box without the main window: the data could not be opened."""
    log.error("fatal at start: %s", message)
    try:
        root = tk.Tk()
        root.withdraw()
        from tkinter import messagebox

        messagebox.showerror(tr("Counter guidance log"), message, parent=root)
        root.destroy()
    except tk.TclError:
        print(message)


def schedule_backups(root: tk.Misc, store: Store) -> None:
    """Every 30 minutes, a verified backup if anything was saved since the last one."""

    def tick() -> None:
        try:
            store.backup_if_changed("auto")
        except StorageError:
            log.exception("scheduled backup failed")
        root.after(BACKUP_INTERVAL_MS, tick)

    root.after(BACKUP_INTERVAL_MS, tick)
