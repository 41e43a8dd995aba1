"""Open the data the app runs on: the real database or the throwaway demo one."""

from __future__ import annotations

import logging
from pathlib import Path

from counter_app import paths
from counter_app.catalog.builtin import sync_builtin_catalogue
from counter_app.storage.database import Store, open_store
from counter_app.storage.lock import InstanceLock

log = logging.getLogger(__name__)
DEMO_DB = "counter_app_demo.db"


def open_default_store(take_lock: bool = True, trust_clean_exit: bool = False) -> Store:
    """The real data. ``trust_clean_exit`` (the GUI) defers quick_check after a clean exit
    to ``Store.check_in_background``, so a large file does not delay the window."""
    paths.ensure_dirs()
    store = open_store(
        paths.database_path(),
        paths.backups_dir(),
        paths.damaged_dir(),
        take_lock=take_lock,
        trust_clean_exit=trust_clean_exit,
    )
    if store.recovery:
        log.error(store.recovery.message())
    sync_builtin_catalogue(store)
    _apply_office_profile(store)
    return store


def _apply_office_profile(store: Store) -> None:
    """First run of an office's installer: fill the office from its embedded profile."""
    from counter_app.services.profile import ProfileError, apply_profile_if_new
    from counter_app.storage.errors import StorageError

    try:
        apply_profile_if_new(store)
    except (ProfileError, StorageError):
        log.exception("office profile not applied; the app asks for the office instead")


def open_demo_store(weeks: int = 4) -> Store:
    """A fresh training database, rebuilt at every start; the real one is never opened."""
    from counter_app.services import demo

    folder = paths.demo_dir()
    folder.mkdir(parents=True, exist_ok=True)
    db_path = folder / DEMO_DB
    lock = InstanceLock(db_path).acquire()  # a second training window must not wipe this one
    try:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        store = open_store(db_path, folder / "backups", folder / "damaged", take_lock=False)
    except BaseException:
        lock.release()
        raise
    store.lock = lock
    store.is_demo = True
    sync_builtin_catalogue(store)
    demo.generate(store, weeks=weeks, per_day=35)
    return store
