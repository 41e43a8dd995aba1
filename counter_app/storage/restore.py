"""Replace the live database with a backup file, keeping the current one aside.

The same crash-safe steps as recovery at start (``recovery.replace_data``): the file is
copied (or rebuilt from a pack) and verified first, a marker says what is replacing
what, the current file goes to ``damaged/``, the verified copy is renamed into place. A
power cut at any moment leaves either the old data or the restored backup — and a start
after an interrupted restore finishes it and says so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app import paths
from counter_app.i18n import tr
from counter_app.storage import backup, fileops, packs, recovery
from counter_app.storage.backup import BackupInfo
from counter_app.storage.database import Store, open_store
from counter_app.storage.errors import StorageError
from counter_app.storage.lock import InstanceLock

log = logging.getLogger(__name__)


class RestoreError(StorageError):
    pass


@dataclass
class RestoreResult:
    """What was restored. Call ``acknowledge()`` once the user has read ``message()``:
    until then the restore's marker stays, and a start after a crash tells again."""

    restored_from: Path
    previous_kept_at: Path | None
    sessions: int
    marker: Path | None = None

    def acknowledge(self) -> None:
        if self.marker is not None:
            fileops.unlink(self.marker)
            self.marker = None

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
    """Raise RestoreError unless ``file`` is a healthy counter_app database (or a pack of
    one) that this version can open. A pack is rebuilt into a temporary file to check."""
    file = Path(file)
    if file.name.endswith(".dbpack"):
        tmp = file.with_name(file.name + ".check.tmp")
        try:
            packs.materialize(file, tmp)
            problem = recovery.verify_copy(tmp)
        except (OSError, packs.PackError) as exc:
            problem = str(exc)
        finally:
            fileops.unlink(tmp)
    else:
        problem = recovery.verify_copy(file)
    if problem == "ok":
        return
    if problem == tr("not a counter_app data file"):
        raise RestoreError(tr("{file} is not a counter_app data file.").format(file=file))
    if problem == tr("written by a newer version of the app"):
        raise RestoreError(
            tr(
                "{file} was written by a newer version of the app; install that version first."
            ).format(file=file)
        )
    raise RestoreError(
        tr(
            "{file} cannot be restored: it is not a readable, undamaged data file ({problem})."
        ).format(file=file, problem=problem)
    )


def restore_file(
    file: Path,
    db_path: Path | None = None,
    backups_dir: Path | None = None,
    damaged_dir: Path | None = None,
    backup_dirs: Iterable[Path] = (),
    on_restored: Callable[[Store], None] | None = None,
) -> RestoreResult:
    """Put ``file`` in place of the data (see the module docstring). ``on_restored``
    runs on the restored data before anything else may open it (the audit row)."""
    file = Path(file)
    db_path = db_path or paths.database_path()
    backups_dir = backups_dir or paths.backups_dir()
    damaged_dir = damaged_dir or paths.damaged_dir()
    verify_backup_file(file)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    lock = InstanceLock(db_path).acquire()  # refuses while the app has the data open
    try:
        # An earlier interrupted recovery or restore is finished first (its own marker).
        recovery.finish_interrupted(db_path, damaged_dir)
        known = backup.list_backups(
            [backups_dir, *backup_dirs, *backup.known_places(db_path.parent)]
        )
        floor = max((b.writes for b in known if b.writes is not None), default=None)
        info = backup.describe(file) or BackupInfo(
            file, datetime.fromtimestamp(file.stat().st_mtime), "restore"
        )
        done = recovery.replace_data(
            db_path,
            damaged_dir,
            [info],
            kind="restore",
            problem="",
            label="replaced",
            floor=floor,
            aside_without_copy=False,
        )
        if done.restored_from is None:
            raise RestoreError(
                tr("{file} could not be copied into place; nothing was changed.").format(file=file)
            )
        recovery.check_note_path(db_path).unlink(missing_ok=True)
        store = open_store(
            db_path, backups_dir, damaged_dir, take_lock=False, backup_dirs=backup_dirs
        )
        try:
            sessions = store.db.execute("SELECT count(*) FROM session").fetchone()[0]
            if on_restored is not None:
                on_restored(store)
        finally:
            store.close(backup_on_exit=False)
    finally:
        lock.release()
    log.warning("restored %s from %s (previous kept at %s)", db_path, file, done.damaged_copy)
    return RestoreResult(
        restored_from=file,
        previous_kept_at=done.damaged_copy,
        sessions=sessions,
        marker=recovery.marker_path(db_path),
    )
