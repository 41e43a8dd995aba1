"""Replace the live database with a backup file, keeping the current one aside."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from counter_app import paths
from counter_app.i18n import tr
from counter_app.storage import backup
from counter_app.storage.database import open_store, stored_schema
from counter_app.storage.errors import StorageError
from counter_app.storage.lock import InstanceLock
from counter_app.storage.schema import KNOWN_MIGRATIONS, SCHEMA_VERSION

log = logging.getLogger(__name__)


class RestoreError(StorageError):
    pass


@dataclass
class RestoreResult:
    restored_from: Path
    previous_kept_at: Path | None
    sessions: int

    def message(self) -> str:
        kept = (
            tr("The previous data file was kept at {path}.").format(path=self.previous_kept_at)
            if self.previous_kept_at
            else ""
        )
        return (
            tr("Restored {n} sessions from {file}.").format(
                n=self.sessions, file=self.restored_from
            )
            + " "
            + kept
        ).strip()


def verify_backup_file(file: Path) -> None:
    """Raise RestoreError unless ``file`` is a healthy counter_app database we can open."""
    problem = backup.check_integrity(file)
    if problem != "ok":
        raise RestoreError(
            tr(
                "{file} cannot be restored: it is not a readable, undamaged data file ({problem})."
            ).format(file=file, problem=problem)
        )
    version, names = stored_schema(file)
    if not names or "m001_initial" not in names:
        raise RestoreError(tr("{file} is not a counter_app data file.").format(file=file))
    if version > SCHEMA_VERSION or names - KNOWN_MIGRATIONS:
        raise RestoreError(
            tr(
                "{file} was written by a newer version of the app; install that version first."
            ).format(file=file)
        )


def restore_file(
    file: Path,
    db_path: Path | None = None,
    backups_dir: Path | None = None,
    damaged_dir: Path | None = None,
) -> RestoreResult:
    file = Path(file)
    db_path = db_path or paths.database_path()
    backups_dir = backups_dir or paths.backups_dir()
    damaged_dir = damaged_dir or paths.damaged_dir()
    verify_backup_file(file)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(db_path).acquire()  # refuses while the app has the data open
    try:
        kept = backup.set_aside(db_path, damaged_dir, "replaced") if db_path.exists() else None
        backup.install_copy(file, db_path)
        store = open_store(db_path, backups_dir, damaged_dir, take_lock=False)
        try:
            sessions = store.db.execute("SELECT count(*) FROM session").fetchone()[0]
        finally:
            store.close(backup_on_exit=False)
    finally:
        lock.release()
    log.warning("restored %s from %s (previous kept at %s)", db_path, file, kept)
    return RestoreResult(restored_from=file, previous_kept_at=kept, sessions=sessions)
