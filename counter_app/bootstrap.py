"""Open the data the app runs on: the real database or the throwaway demo one."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from counter_app import paths
from counter_app.catalog.builtin import sync_builtin_catalogue
from counter_app.storage import backup
from counter_app.storage.database import Store, open_store
from counter_app.storage.health import connect_readonly
from counter_app.storage.lock import InstanceLock
from counter_app.storage.recovery import Recovery

log = logging.getLogger(__name__)
DEMO_DB = "counter_app_demo.db"

# The command line's policy (``for_command_line``): who tells the user about a recovery,
# and whether an empty data file may stand in for lost data (never, on the command line).
_tell: Callable[[Recovery], None] | None = None
_create_if_lost = True


def for_command_line(tell: Callable[[Recovery], None]) -> None:
    """Every store a command opens tells ``tell`` about a recovery (then forgets its
    marker: the user was told), and none opens an empty file in place of lost data."""
    global _tell, _create_if_lost
    _tell, _create_if_lost = tell, False


def open_default_store(
    take_lock: bool = True,
    trust_clean_exit: bool = False,
    defer_check: bool = False,
    create_if_lost: bool | None = None,
    known_damage: str | None = None,
) -> Store:
    """The real data. ``trust_clean_exit`` (the GUI) defers the check after a clean exit
    to ``Store.deferred_check``, so a large file does not delay the window;
    ``defer_check`` (the GUI) does the same after an unclean exit, saves of sessions
    waiting for it. ``create_if_lost`` False (the command line): never an empty file in
    place of lost data (DataMissingError instead); ``known_damage``: the check behind
    the window found damage, recover now. Recovery searches the Settings backup folder
    as well as the default one."""
    paths.ensure_dirs()
    db_path = paths.database_path()
    chosen = configured_backup_folder(db_path)
    store = open_store(
        db_path,
        paths.backups_dir(),
        paths.damaged_dir(),
        take_lock=take_lock,
        trust_clean_exit=trust_clean_exit,
        backup_dirs=[chosen] if chosen else [],
        defer_check=defer_check,
        create_if_lost=_create_if_lost if create_if_lost is None else create_if_lost,
        known_damage=known_damage,
    )
    with contextlib.suppress(OSError):  # the lock is ours: no export of ours is running
        backup.remove_stale_temp_files(paths.exports_dir())
    if store.recovery:
        log.error(store.recovery.message())
        if _tell is not None:
            _tell(store.recovery)
            store.acknowledge_recovery()
    try:
        _use_backup_folder(store)
        sync_builtin_catalogue(store)
        _apply_office_profile(store)
    except BaseException:
        store.close(backup_on_exit=False)
        raise
    return store


def configured_backup_folder(db_path: Path) -> Path | None:
    """The Settings backup folder, read without writing (the file may be damaged: then
    None, and recovery still finds the folder in the list of places written to)."""
    from counter_app.services import settings

    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    try:
        conn = connect_readonly(db_path)
    except sqlite3.Error:
        return None
    try:
        reader = Store(db=Database(conn), path=db_path, backups_dir=db_path.parent, is_reader=True)
        folder = settings.BACKUP_FOLDER.get(reader)
    except sqlite3.Error:
        folder = ""
    finally:
        conn.close()
    return Path(folder) if folder else None


def audit_restore(store: Store, file: Path, officer) -> None:
    """One audit row in the restored data: which file, by whom (an officer of the data
    before the restore; named in the row even if the restored data lacks them)."""
    from counter_app.services.audit import write_audit

    officer_id = getattr(officer, "id", None)
    if (
        officer_id is not None
        and not store.db.execute("SELECT 1 FROM officer WHERE id = ?", [officer_id]).fetchone()
    ):
        officer_id = None
    with store.transaction() as db:
        write_audit(
            db,
            officer_id=officer_id,
            entity="data",
            entity_key=Path(file).name,
            action="restore",
            before=None,
            after={"file": str(file), "officer": getattr(officer, "name", "") or ""},
        )


def _use_backup_folder(store: Store) -> None:
    from counter_app.services import settings

    folder = settings.BACKUP_FOLDER.get(store)
    if folder:
        store.backups_dir = Path(folder)
        if paths.backups_dir() not in store.backup_dirs:
            store.backup_dirs.append(paths.backups_dir())  # still searched by recovery


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
        for suffix in ("", "-wal", "-shm", ".recovery.json", ".check-failed"):
            Path(str(db_path) + suffix).unlink(missing_ok=True)
        store = open_store(
            db_path, folder / "backups", folder / "damaged", take_lock=False, expect_new=True
        )
    except BaseException:
        lock.release()
        raise
    store.lock = lock
    store.is_demo = True
    sync_builtin_catalogue(store)
    demo.generate(store, weeks=weeks, per_day=35)
    return store
