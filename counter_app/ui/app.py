"""The GUI's start: open the data, build the one root window, run, back up on exit."""

from __future__ import annotations

import logging

from counter_app.i18n import tr
from counter_app.storage.database import Store
from counter_app.storage.errors import StorageError
from counter_app.ui.dialogs import show_fatal
from counter_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
BACKUP_INTERVAL_MS = 30 * 60 * 1000


def run_gui(demo: bool = False) -> int:
    """Open the data and run the window; a restore from Settings restarts the window on
    the restored data (the lock must be released for the restore, so the store closes)."""
    from counter_app.bootstrap import open_default_store, open_demo_store

    while True:
        try:
            store = open_demo_store() if demo else open_default_store(trust_clean_exit=True)
        except StorageError as exc:
            show_fatal(str(exc))
            return 1
        window = MainWindow(store)
        if store.recovery is not None:
            window.after_idle(window.show_warning, store.recovery.message())
        if store.check_deferred:
            run_deferred_check(window, store)
        schedule_backups(window, store)
        window.mainloop()
        if not window.restart_requested:
            return 0


def run_deferred_check(window: MainWindow, store: Store) -> None:
    """The start-up check behind the window; a failure is shown, never silent."""

    def done(result: str | None, error: BaseException | None) -> None:
        problem = str(error) if error is not None else result
        if problem != "ok":
            window.show_warning(
                tr(
                    "The check of the data file found damage ({problem}). Close the app and "
                    "open it again: it will keep the damaged file aside and restore the "
                    "newest good backup."
                ).format(problem=problem)
            )

    window.run_in_background(store.deferred_check, done)


def schedule_backups(window: MainWindow, store: Store) -> None:
    """Every 30 minutes, a verified backup if anything was saved since the last one —
    on a worker thread, so a big data file never freezes the window."""

    def tick() -> None:
        try:
            store.backup_in_background("auto")
        except Exception:  # the store may be closed during a restore
            log.exception("scheduled backup skipped")
        window.after(BACKUP_INTERVAL_MS, tick)

    window.after(BACKUP_INTERVAL_MS, tick)
