"""The GUI's start: open the data, build the one root window, run, back up on exit.

The window opens at once, also after a power cut: the check of the data file runs behind
it (the full ``integrity_check`` after a clean exit; ``quick_check`` after an unclean one,
while the window shows "checking data…" and sessions cannot be saved yet — typing and the
draft go on). Damage found by that check, or by the check of a timer backup, goes
through recovery at once: the window closes its data, the damaged file is set aside, the
newest good backup restored and the window opens again on it, with the officer's typed
draft carried over and the message shown.
"""

from __future__ import annotations

import logging

from counter_app.i18n import tr
from counter_app.storage.database import SKIPPED, Store
from counter_app.storage.errors import DataDamagedError, StorageError
from counter_app.ui.dialogs import show_fatal
from counter_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)
BACKUP_INTERVAL_MS = 30 * 60 * 1000
CHECK_RETRY_MS = 10 * 1000  # the data file was held by another program: try again


def run_gui(demo: bool = False) -> int:
    """Open the data and run the window; a restore from Settings, or damage found behind
    the window, restarts the window on the restored data (the lock must be released for
    the swap, so the store closes)."""
    from counter_app.bootstrap import open_default_store, open_demo_store

    known_damage: str | None = None
    carried: tuple[int, dict] | None = None
    while True:
        try:
            if demo:
                store = open_demo_store()
            else:
                store = open_default_store(
                    trust_clean_exit=True, defer_check=True, known_damage=known_damage
                )
        except StorageError as exc:
            show_fatal(str(exc))
            return 1
        known_damage = None
        if carried is not None:
            carry_draft(store, *carried)
            carried = None
        window = MainWindow(store)
        start(window, store)
        window.mainloop()
        if window.recover_problem is not None:
            known_damage, carried = window.recover_problem, window.carried_draft
            continue
        if not window.restart_requested:
            return 0


def start(window: MainWindow, store: Store) -> None:
    """What runs behind a new window: the recovery message, the check, the backups."""
    if store.recovery is not None:
        window.after_idle(tell_recovery, window, store)
    if store.check_deferred:
        run_deferred_check(window, store)
    else:
        run_maintenance(window, store)
    schedule_backups(window, store)


def tell_recovery(window: MainWindow, store: Store) -> None:
    """Show what happened to the data; only once it was shown is its marker forgotten
    (a crash before that tells again at the next start)."""
    if store.recovery is None:
        return
    window.show_warning(store.recovery.message())
    try:
        store.acknowledge_recovery()
    except (OSError, StorageError):
        log.exception("could not acknowledge the recovery")


def carry_draft(store: Store, officer_id: int, draft: dict) -> None:
    """The half-typed session of the window that closed for a recovery, into the
    restored data (offered back after sign-in, like any draft)."""
    from counter_app.services import settings

    try:
        settings.DRAFTS.of(officer_id).set(store, draft)
    except (StorageError, ValueError, TypeError):
        log.exception("the typed draft could not be carried over")


def run_deferred_check(window: MainWindow, store: Store) -> None:
    """The start-up check behind the window. While it runs after an unclean exit, the
    window says so and sessions wait; damage goes through recovery at once."""
    if store.saves_gated:
        window.show_checking(True)

    def done(result: str | None, error: BaseException | None) -> None:
        problem = str(error) if error is not None else result
        if problem == SKIPPED:
            window.after(CHECK_RETRY_MS, run_deferred_check, window, store)
            return
        if problem != "ok":
            window.recover_now(
                tr(
                    "The check of the data file found damage ({problem}). The app now keeps "
                    "the damaged file aside and restores the newest good backup; what you "
                    "were typing is kept."
                ).format(problem=problem),
                problem or "integrity_check",
            )
            return
        if store.saves_gated:
            store.open_gate()
            window.show_checking(False)
            window.toast(tr("The data was checked: sessions can be saved."))
        run_maintenance(window, store)

    window.run_in_background(store.deferred_check, done, key="data_check")


def run_maintenance(window: MainWindow, store: Store) -> None:
    """Verify the exit copies of earlier runs, thin and pack the backups — behind the
    window, after the check (so the two never compete for the disk)."""
    if store.is_demo or store.db.memory:
        return

    def done(failed: list | None, error: BaseException | None) -> None:
        if error is not None:
            log.error("backup maintenance failed: %s", error)

    window.run_in_background(store.maintain_backups, done, key="backup_maintenance")


def schedule_backups(window: MainWindow, store: Store) -> None:
    """Every 30 minutes, a verified backup if anything was saved since the last one."""

    def tick() -> None:
        try:
            backup_now(window, store)
        except Exception:  # the store may be closed during a restore
            log.exception("scheduled backup skipped")
        window.after(BACKUP_INTERVAL_MS, tick)

    window.after(BACKUP_INTERVAL_MS, tick)


def backup_now(window: MainWindow, store: Store) -> bool:
    """A timer backup on a worker (paced so saves stay fast) when something changed; a
    failure is shown to the user, damage found by its check goes through recovery."""
    if not store.claim_backup():
        return False

    def done(path: object, error: BaseException | None) -> None:
        if isinstance(error, DataDamagedError):
            window.recover_now(str(error), error.problem)
        elif error is not None:
            window.show_backup_failure(str(error))

    window.run_in_background(lambda: store.background_backup("auto"), done, key="backup")
    return True
