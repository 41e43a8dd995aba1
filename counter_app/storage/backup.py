"""Verified backups through the SQLite backup API, their rotation, and restores.

A backup is written to a temporary file, checked with ``integrity_check`` and only then
renamed into place, so the backups folder never holds a half-written or unverified copy
under a real name.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app.i18n import tr
from counter_app.storage.errors import BackupError

log = logging.getLogger(__name__)

PREFIX = "counter_app-"
_NAME = re.compile(r"^counter_app-(\d{8}-\d{6})(?:-(\d+))?-([a-z_]+)\.db$")
KEEP_LATEST = 3
KEEP_DAILY = 12
KEEP_WEEKLY = 10
KEEP_MONTHLY = 9


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open without any chance of writing; falls back to a plain open for WAL files
    whose -shm cannot be created read-only (reads still change nothing)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
    except sqlite3.OperationalError:
        return sqlite3.connect(str(path))
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError:
        conn.close()
        return sqlite3.connect(str(path))
    except BaseException:
        # Closed now, not when the traceback is freed: on Windows an open handle would
        # stop the damaged file from being moved aside.
        conn.close()
        raise


def check_integrity(path: Path, quick: bool = False) -> str:
    """'ok' or the first problem SQLite reports (including 'not a database')."""
    if not Path(path).is_file():
        return tr("file not found")
    try:
        conn = connect_readonly(path)
        try:
            pragma = "quick_check" if quick else "integrity_check"
            rows = conn.execute(f"PRAGMA {pragma}").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    result = "; ".join(str(r[0]) for r in rows[:5])
    return "ok" if result == "ok" else result or "unknown"


def list_backups(backups_dir: Path) -> list[BackupInfo]:
    """Backups in the folder, newest first."""
    if not backups_dir.is_dir():
        return []
    found = []
    for p in backups_dir.iterdir():
        m = _NAME.match(p.name)
        if m and p.is_file():
            taken = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
            found.append((taken, int(m.group(2) or 0), BackupInfo(p, taken, m.group(3))))
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [t[2] for t in found]


_serial = threading.Lock()  # a timer backup and the exit backup must not race for a name


def take_backup(
    db_path: Path, backups_dir: Path, reason: str = "auto", now: datetime | None = None
) -> Path:
    """Copy the live database (safe while it is in use) into a verified backup file."""
    with _serial:
        return _take_backup(db_path, backups_dir, reason, now)


def _take_backup(db_path: Path, backups_dir: Path, reason: str, now: datetime | None) -> Path:
    now = now or datetime.now()
    try:
        backups_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(_backup_failed(exc)) from exc
    final = _unique_name(backups_dir, now, reason)
    tmp = final.with_name(final.name + ".tmp")
    try:
        src = connect_readonly(db_path)
        dst = sqlite3.connect(str(tmp))
        try:
            src.backup(dst)
            # A self-contained file: no -wal beside it to lose when it is copied.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        problem = check_integrity(tmp)
        if problem != "ok":
            raise BackupError(
                tr("The backup copy failed its check: {problem}").format(problem=problem)
            )
        os.replace(tmp, final)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(_backup_failed(exc)) from exc
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)
    log.info("backup written: %s", final)
    thin_backups(backups_dir)
    return final


def _backup_failed(exc: Exception) -> str:
    return tr("The backup could not be written: {error}").format(error=exc)


def _unique_name(backups_dir: Path, now: datetime, reason: str) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    candidate = backups_dir / f"{PREFIX}{stamp}-{reason}.db"
    n = 1
    while candidate.exists():
        candidate = backups_dir / f"{PREFIX}{stamp}-{n}-{reason}.db"
        n += 1
    return candidate


def backups_to_keep(backups: list[BackupInfo]) -> set[Path]:
    """Grandfather-father-son: the newest few, then one per day, ISO week and month."""
    keep = {b.path for b in backups[:KEEP_LATEST]}
    for key, limit in (
        (lambda d: d.date(), KEEP_DAILY),
        (lambda d: d.isocalendar()[:2], KEEP_WEEKLY),
        (lambda d: (d.year, d.month), KEEP_MONTHLY),
    ):
        seen: set = set()
        for b in backups:  # newest first: the first of each period is its newest
            k = key(b.taken_at)
            if k not in seen and len(seen) < limit:
                seen.add(k)
                keep.add(b.path)
    return keep


def thin_backups(backups_dir: Path) -> list[Path]:
    backups = list_backups(backups_dir)
    keep = backups_to_keep(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            try:
                b.path.unlink()
                removed.append(b.path)
            except OSError:
                log.warning("could not remove old backup %s", b.path)
    return removed


def newest_verified_backup(backups_dir: Path) -> BackupInfo | None:
    for b in list_backups(backups_dir):
        if check_integrity(b.path) == "ok":
            return b
        log.error("backup %s failed integrity_check; skipped", b.path)
    return None


def set_aside(db_path: Path, damaged_dir: Path, label: str) -> Path:
    """Move the database and its -wal/-shm into ``damaged_dir``; nothing is deleted."""
    damaged_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = damaged_dir / f"{db_path.stem}-{label}-{stamp}{db_path.suffix}"
    n = 1
    while target.exists():
        target = damaged_dir / f"{db_path.stem}-{label}-{stamp}-{n}{db_path.suffix}"
        n += 1
    for suffix in ("", "-wal", "-shm"):
        side = Path(str(db_path) + suffix)
        if side.exists():
            shutil.move(str(side), str(target) + suffix)
    return target


def install_copy(source: Path, db_path: Path) -> None:
    """Copy ``source`` to ``db_path`` atomically (temp file, then rename)."""
    tmp = db_path.with_name(db_path.name + ".restore.tmp")
    shutil.copyfile(source, tmp)
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, db_path)
