"""Backups: verified copies, how they are found and ordered, thinned and packed.

A backup is written to a temporary file and renamed into place only when complete, so a
backups folder never holds a half-written copy under a real name. Three kinds of file:

- ``counter_app-<time>-<reason>.db``: a plain SQLite copy, verified (``integrity_check``);
- ``counter_app-<time>-exit.db.pending``: the copy made on exit. Verifying a big file
  takes seconds, so the app does not wait for it when it closes: the next start verifies
  it behind the window (renamed to ``.db``) or deletes it;
- ``counter_app-<time>-<reason>.dbpack``: an older backup packed as compressed pages,
  whole or as the pages changed since a base pack (``packs.py``).

Which backup is newest is read from its content — a write counter the data file keeps
(``storage_meta``) and the newest session time inside — never from the file name alone:
a PC clock set to 2099 or 2000 names copies wrongly, and recovery must not pick a stale
one. Every folder a backup was ever written to is remembered next to the data file, so
recovery and ``check`` search them all, whatever the settings say or whether the damaged
data file can still tell.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from counter_app.i18n import tr
from counter_app.storage import fileops, packs
from counter_app.storage.errors import BackupError, DataDamagedError
from counter_app.storage.health import connect_readonly, page_problem

log = logging.getLogger(__name__)

__all__ = ["connect_readonly", "check_integrity", "list_backups", "take_backup"]

PREFIX = "counter_app-"
_NAME = re.compile(r"^counter_app-(\d{8}-\d{6})(?:-(\d+))?-([a-z_]+)\.(db|db\.pending|dbpack)$")
KIND_OF_SUFFIX = {"db": "plain", "db.pending": "pending", "dbpack": "pack"}
KEEP_LATEST = 3
KEEP_DAILY = 12
KEEP_WEEKLY = 10
KEEP_MONTHLY = 9
STALE_TEMP_S = 60  # our own temporary files older than this were left by a killed process
PLACES_FILE = "backup-places.json"

# The background copy is paced so that the officer's saves keep their speed: it reads
# and writes 1 MiB, flushes the copy to the disk every few MiB (a big burst of dirty
# pages would make every save's fsync wait behind it) and pauses between steps.
STEP_PAGES = 256
PAUSE_S = 0.004
FLUSH_EVERY_STEPS = 4


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime  # from the file name (the PC clock when it was taken)
    reason: str
    kind: str = "plain"  # plain, pending (exit copy not yet verified) or pack
    writes: int | None = None  # the data file's write counter at the copy
    content_at: str | None = None  # the newest session change inside (ISO text)
    serial: int = 0
    base: str | None = None  # a delta pack's base (a file name in the same folder)

    @property
    def order(self) -> tuple:
        """Newest first when sorted descending: content, then the name's clock."""
        return (
            -1 if self.writes is None else self.writes,
            self.content_at or "",
            self.taken_at,
            self.serial,
        )

    @property
    def stem(self) -> str:
        return _stem(self.path.name)


def _stem(name: str) -> str:
    for suffix in (".db.pending", ".dbpack", ".db"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


# -- health of one file -------------------------------------------------------------------


INTERRUPTED = "interrupted"


def check_integrity(
    path: Path, quick: bool = False, cancelled: Callable[[], bool] | None = None
) -> str:
    """'ok' or the first problem SQLite reports (including 'not a database');
    ``INTERRUPTED`` when ``cancelled()`` turned true meanwhile (the app is closing)."""
    if not Path(path).is_file():
        return tr("file not found")
    try:
        conn = connect_readonly(path)
        try:
            if cancelled is not None:
                conn.set_progress_handler(lambda: 1 if cancelled() else 0, 20_000)
            problem = page_problem(conn, full=not quick)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        if cancelled is not None and cancelled():
            return INTERRUPTED
        return str(exc)
    return problem or "ok"


def content_of(conn: sqlite3.Connection) -> tuple[int | None, str | None]:
    """(write counter, newest session change) of an open database; None when unknown."""
    writes = None
    content = None
    with contextlib.suppress(sqlite3.Error):
        row = conn.execute("SELECT value FROM storage_meta WHERE key = 'writes'").fetchone()
        writes = int(row[0]) if row else None
    with contextlib.suppress(sqlite3.Error):
        row = conn.execute(
            "SELECT max(updated_at) FROM "
            "(SELECT updated_at FROM session ORDER BY id DESC LIMIT 200)"
        ).fetchone()
        content = row[0] if row and row[0] else None
    return writes, content


def read_content(path: Path) -> tuple[int | None, str | None]:
    try:
        conn = connect_readonly(path)
    except sqlite3.Error:
        return None, None
    try:
        return content_of(conn)
    finally:
        conn.close()


# -- finding backups ----------------------------------------------------------------------


def list_backups(folders: Path | Iterable[Path]) -> list[BackupInfo]:
    """Backups in ``folders``, newest first by content (see the module docstring)."""
    if isinstance(folders, (str, Path)):
        folders = [Path(folders)]
    found: list[BackupInfo] = []
    seen: set[str] = set()
    for folder in folders:
        folder = Path(folder)
        try:
            key = os.path.normcase(str(folder.resolve()))
        except OSError:
            continue
        if key in seen or not folder.is_dir():
            continue
        seen.add(key)
        try:
            entries = list(folder.iterdir())
        except OSError:
            log.warning("cannot list backups in %s", folder)
            continue
        for p in entries:
            info = _info(p)
            if info is not None:
                found.append(info)
    found.sort(key=lambda b: b.order, reverse=True)
    return found


def _info(p: Path) -> BackupInfo | None:
    m = _NAME.match(p.name)
    if not m or not p.is_file():
        return None
    taken = datetime.strptime(m.group(1), "%Y%m%d-%H%M%S")
    kind = KIND_OF_SUFFIX[m.group(4)]
    serial = int(m.group(2) or 0)
    if kind == "pack":
        try:
            header = packs.read_header(p)
        except packs.PackError:
            return BackupInfo(p, taken, m.group(3), kind, None, None, serial)
        writes = header.meta.get("writes")
        return BackupInfo(
            p,
            taken,
            m.group(3),
            kind,
            writes if isinstance(writes, int) else None,
            header.meta.get("content_at"),
            serial,
            header.base if header.kind == "delta" else None,
        )
    writes, content = read_content(p)
    return BackupInfo(p, taken, m.group(3), kind, writes, content, serial)


def describe(path: Path) -> BackupInfo | None:
    """The BackupInfo of one file named like a backup, else None."""
    return _info(Path(path))


def known_places(data_dir: Path) -> list[Path]:
    """Every folder a backup of the data in ``data_dir`` was written to."""
    try:
        values = json.loads((Path(data_dir) / PLACES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [Path(v) for v in values if isinstance(v, str)] if isinstance(values, list) else []


def remember_place(data_dir: Path, folder: Path) -> None:
    places = known_places(data_dir)
    text = str(Path(folder).resolve())
    if any(str(p) == text for p in places):
        return
    try:
        fileops.write_durably(
            Path(data_dir) / PLACES_FILE,
            json.dumps([str(p) for p in places] + [text], ensure_ascii=False).encode("utf-8"),
        )
    except OSError:
        log.warning("could not record the backup folder %s", folder)


# -- writing backups ----------------------------------------------------------------------

_serial = threading.Lock()  # a timer backup and the exit backup must not race for a name
_upkeep = threading.Lock()  # thinning, packing and verifying: one thread at a time


def take_backup(
    db_path: Path,
    backups_dir: Path,
    reason: str = "auto",
    now: datetime | None = None,
    *,
    paced: bool = False,
    cancelled: Callable[[], bool] | None = None,
) -> Path:
    """Copy the live database (safe while it is in use) into a verified backup file,
    then thin and pack the older ones. ``paced`` (the timer's backup) spreads the copy
    out so saves meanwhile stay fast; ``cancelled`` stops it (the app is closing)."""
    with _serial:
        path = _take_backup(db_path, backups_dir, reason, now, paced, cancelled)
    remember_place(Path(db_path).parent, backups_dir)
    try:
        thin_backups(backups_dir)
    except OSError:
        log.exception("thinning the backups failed")
    return path


class BackupCancelled(BackupError):
    def __init__(self) -> None:
        super().__init__(tr("The backup was stopped because the app is closing."))


def _take_backup(
    db_path: Path,
    backups_dir: Path,
    reason: str,
    now: datetime | None,
    paced: bool,
    cancelled: Callable[[], bool] | None,
) -> Path:
    now = now or datetime.now()
    try:
        backups_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(_backup_failed(exc)) from exc
    final = unique_name(backups_dir, now, reason, ".db")
    tmp = final.with_name(final.name + ".tmp")
    try:
        src = connect_readonly(db_path)
        src.isolation_level = None
        dst = sqlite3.connect(str(tmp))
        try:
            dst.execute("PRAGMA journal_mode=OFF")
            dst.execute("PRAGMA synchronous=OFF")
            _copy(src, dst, tmp, paced, cancelled)
            # A self-contained file: no -wal beside it to lose when it is copied.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
            src.close()
        fileops.fsync_file(tmp)
        problem = check_integrity(tmp, cancelled=cancelled)
        if cancelled is not None and cancelled():
            raise BackupCancelled()
        if problem != "ok":
            live = check_integrity(db_path)
            if live != "ok":
                write_damage_note(db_path, live)
                raise DataDamagedError(live)
            raise BackupError(
                tr("The backup copy failed its check: {problem}").format(problem=problem)
            )
        fileops.replace(tmp, final)
    except (OSError, sqlite3.Error) as exc:
        raise BackupError(_backup_failed(exc)) from exc
    finally:
        if tmp.exists():
            with contextlib.suppress(OSError):
                tmp.unlink()
    log.info("backup written: %s", final)
    return final


def _copy(
    src: sqlite3.Connection,
    dst: sqlite3.Connection,
    tmp: Path,
    paced: bool,
    cancelled: Callable[[], bool] | None,
) -> None:
    """The SQLite backup API. Paced: in steps, from a read transaction held on the source
    so that every step sees the same snapshot (saves by the app never restart it)."""
    if not paced:
        src.backup(dst)
        return
    src.execute("BEGIN")
    src.execute("SELECT count(*) FROM sqlite_master").fetchone()
    steps = 0
    fd = os.open(tmp, os.O_RDWR)

    def step(status: int, remaining: int, total: int) -> None:
        nonlocal steps
        steps += 1
        if cancelled is not None and cancelled():
            raise BackupCancelled()
        if steps % FLUSH_EVERY_STEPS == 0:
            os.fsync(fd)
        time.sleep(PAUSE_S)

    try:
        src.backup(dst, pages=STEP_PAGES, progress=step)
    finally:
        os.close(fd)
        with contextlib.suppress(sqlite3.Error):
            src.execute("COMMIT")


def take_exit_copy(conn: sqlite3.Connection, db_path: Path, backups_dir: Path) -> Path:
    """The backup on exit, from the app's own connection: a plain copy, not verified and
    not synced (seconds at a million sessions). It is named ``.db.pending`` until the next
    start verifies it; a copy torn by a power cut fails that check and is deleted, and the
    data file itself is never at risk."""
    backups_dir.mkdir(parents=True, exist_ok=True)
    with _serial:
        final = unique_name(backups_dir, datetime.now(), "exit", ".db.pending")
        tmp = final.with_name(_stem(final.name) + ".db.tmp")
        try:
            dst = sqlite3.connect(str(tmp))
            try:
                dst.execute("PRAGMA journal_mode=OFF")
                dst.execute("PRAGMA synchronous=OFF")
                conn.backup(dst)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
            fileops.replace(tmp, final)
        except (OSError, sqlite3.Error) as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise BackupError(_backup_failed(exc)) from exc
    remember_place(Path(db_path).parent, backups_dir)
    log.info("exit copy written (verified at the next start): %s", final)
    return final


def check_note_path(db_path: Path) -> Path:
    """Written when a check behind the window or before a backup found damage: the next
    start recovers even if this run could not (killed, or the user closed it)."""
    return Path(str(db_path) + ".check-failed")


def write_damage_note(db_path: Path, problem: str) -> None:
    try:
        st = Path(db_path).stat()
        fileops.write_durably(
            check_note_path(db_path),
            json.dumps(
                {"problem": problem, "size": st.st_size, "mtime_ns": st.st_mtime_ns},
                ensure_ascii=False,
            ).encode("utf-8"),
        )
    except OSError:
        log.exception("could not write the damage note")


def _backup_failed(exc: Exception) -> str:
    detail = getattr(exc, "strerror", None) or str(exc)
    return tr("The backup could not be written: {error}").format(error=detail)


def unique_name(backups_dir: Path, now: datetime, reason: str, suffix: str) -> Path:
    stamp = now.strftime("%Y%m%d-%H%M%S")
    taken = {_stem(p.name) for p in backups_dir.glob(f"{PREFIX}{stamp}-*")}
    stem = f"{PREFIX}{stamp}-{reason}"
    n = 1
    while stem in taken:
        stem = f"{PREFIX}{stamp}-{n}-{reason}"
        n += 1
    return backups_dir / (stem + suffix)


# -- after a start: verify the exit copy, thin, pack ----------------------------------------


def verify_pending(
    backups_dir: Path, cancelled: Callable[[], bool] | None = None
) -> list[tuple[Path, str]]:
    """Verify exit copies left by earlier runs: renamed to ``.db`` when good, deleted
    when not; returns (path, problem) of each one that failed."""
    with _upkeep:
        return _verify_pending(backups_dir, cancelled)


def _verify_pending(
    backups_dir: Path, cancelled: Callable[[], bool] | None
) -> list[tuple[Path, str]]:
    failed = []
    for b in list_backups(backups_dir):
        if b.kind != "pending" or (cancelled is not None and cancelled()):
            continue
        problem = check_integrity(b.path, cancelled=cancelled)
        if problem == INTERRUPTED:
            break  # closing: checked at the next start
        if problem == "ok":
            fileops.replace(b.path, b.path.with_name(b.stem + ".db"))
            log.info("exit copy verified: %s", b.path)
        else:
            log.error("exit copy %s failed its check (%s); deleted", b.path, problem)
            fileops.unlink(b.path)
            failed.append((b.path, problem))
    return failed


def backups_to_keep(backups: list[BackupInfo]) -> set[Path]:
    """Grandfather-father-son over ``backups`` (newest first): the newest few by content,
    then the newest of each day, ISO week and month by the name's date; the base of every
    kept delta pack; every exit copy still waiting for its check."""
    keep = {b.path for b in backups[:KEEP_LATEST]}
    keep |= {b.path for b in backups if b.kind == "pending"}
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
    by_name = {b.path.name: b for b in backups}
    for b in backups:
        if b.path in keep and b.base and b.base in by_name:
            keep.add(by_name[b.base].path)
    return keep


def thin_backups(
    backups_dir: Path, pack: bool = True, cancelled: Callable[[], bool] | None = None
) -> list[Path]:
    """Drop backups the schedule no longer keeps, then pack every verified plain copy
    but the newest; returns what was removed."""
    with _upkeep:
        return _thin(backups_dir, pack, cancelled)


def _thin(backups_dir: Path, pack: bool, cancelled: Callable[[], bool] | None) -> list[Path]:
    backups = list_backups(backups_dir)
    keep = backups_to_keep(backups)
    removed = []
    for b in backups:
        if b.path not in keep:
            try:
                fileops.unlink(b.path)
                removed.append(b.path)
            except OSError:
                log.warning("could not remove old backup %s", b.path)
    if pack:
        pack_older_copies(backups_dir, cancelled)
    return removed


def pack_older_copies(backups_dir: Path, cancelled: Callable[[], bool] | None = None) -> int:
    """Turn every verified plain copy except the newest into a pack; returns how many."""
    backups = list_backups(backups_dir)
    plains = [b for b in backups if b.kind == "plain"]
    done = 0
    for b in plains[1:]:
        if cancelled is not None and cancelled():
            break
        base = _current_base(list_backups(backups_dir))
        target = b.path.with_name(b.stem + ".dbpack")
        try:
            packs.write_pack(
                b.path,
                target,
                base,
                cancelled=cancelled,
                meta={
                    "writes": b.writes,
                    "content_at": b.content_at,
                    "taken_at": b.taken_at.isoformat(),
                    "reason": b.reason,
                },
            )
            fileops.unlink(b.path)
            done += 1
        except (OSError, packs.PackError):
            log.exception("could not pack %s; kept as it is", b.path)
    return done


def _current_base(backups: list[BackupInfo]) -> packs.PackHeader | None:
    for b in backups:
        if b.kind != "pack":
            continue
        try:
            header = packs.read_header(b.path)
        except packs.PackError:
            continue
        if header.kind == "full":
            return header
    return None


def remove_stale_temp_files(folder: Path, keep: Iterable[Path] = ()) -> list[Path]:
    """Our own temporary files in ``folder`` left by a killed process (only our names,
    only older than a minute: another run may be writing a fresh one)."""
    kept = {Path(p).name for p in keep}
    removed: list[Path] = []
    try:
        entries = list(Path(folder).iterdir())
    except OSError:
        return removed
    now = time.time()
    for p in entries:
        name = p.name
        ours = (
            (name.startswith(("counter_app", "backup-places")) and name.endswith(".tmp"))
            or name.startswith(".write-test-")
            or name.startswith((".~report_", ".~skel_"))
        )
        if not ours or name in kept or not p.is_file():
            continue
        if fileops.older_than(p, STALE_TEMP_S, now):
            try:
                fileops.unlink(p)
                removed.append(p)
                log.warning("removed a temporary file left by an interrupted run: %s", p)
            except OSError:
                log.warning("could not remove %s", p)
    return removed
