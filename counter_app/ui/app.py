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
    """Open the data and run the window; a restore from Settings restarts the window on
    the restored data (the lock must be released for the restore, so the store closes)."""
    from counter_app.bootstrap import open_default_store, open_demo_store
    from counter_app.ui.main_window import MainWindow

    while True:
        try:
            store = open_demo_store() if demo else open_default_store(trust_clean_exit=True)
        except StorageError as exc:
            show_fatal(str(exc))
            return 1
        window = MainWindow(store)
        if store.recovery:
            window.after_idle(lambda w=window, s=store: w.show_warning(s.recovery.message()))
        if store.check_deferred:
            watch_background_check(window, store)
        window.mainloop()
        if not window.restart_requested:
            return 0


def watch_background_check(window: tk.Misc, store: Store) -> None:
    """Run the deferred start-up check; the worker only records, the Tk thread shows."""
    result: list[str] = []
    store.check_in_background(result.append)

    def poll() -> None:
        if not result:
            window.after(500, poll)
        elif result[0] != "ok":
            window.show_warning(
                tr(
                    "The check of the data file found damage ({problem}). Close the app and open "
                    "it again: it will keep the damaged file aside and restore the newest good "
                    "backup."
                ).format(problem=result[0])
            )

    window.after(500, poll)


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
    """Every 30 minutes, a verified backup if anything was saved since the last one —
    on a worker thread, so a big data file never freezes the window."""

    def tick() -> None:
        try:
            store.backup_in_background("auto")
        except Exception:  # the store may be closed during a restore
            log.exception("scheduled backup skipped")
        root.after(BACKUP_INTERVAL_MS, tick)

    root.after(BACKUP_INTERVAL_MS, tick)
