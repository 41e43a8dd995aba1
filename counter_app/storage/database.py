"""Opening the live database safely: location, lock, health, schema, pragmas.

``open_store`` is the only way the app gets a database. In order it refuses unsafe
places, takes the one-instance lock, removes temporary files a killed run left, finishes
a recovery a power cut interrupted, checks the file (``recovery.recover_if_needed``:
held or unreadable is not damage; damaged, empty with backups present, another program's
file or missing with backups present is replaced by the newest good backup), refuses
files from a newer app version untouched, backs up before migrating, migrates, and sets
the durability pragmas.

After a clean exit the file is exactly as this app left it, so the check may run behind
the window (``Store.deferred_check``, the full ``integrity_check``). After an unclean exit
the GUI may open at once too (``defer_check``): the quick check then runs behind the
window and, until it passes, the store refuses to save sessions (typing, drafts and
sign-in work; nothing an officer would lose is written to a file not yet checked).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from counter_app.storage import backup, fileops, health, recovery
from counter_app.storage.errors import (
    BackupRunningError,
    DatabaseBusyError,
    DataCheckPendingError,
    DataDamagedError,
    DataFileBusyError,
    DataFolderError,
    DataMissingError,
    DiskFullError,
    InstanceLockedError,
    SchemaTooNewError,
    StorageError,
    UnsafeLocationError,
)
from counter_app.storage.locations import unsafe_reason
from counter_app.storage.lock import InstanceLock
from counter_app.storage.recovery import Recovery
from counter_app.storage.schema import (
    KNOWN_MIGRATIONS,
    OFFICE_SCHEMA,
    SCHEMA_VERSION,
    Schema,
    migrations,
)

__all__ = ["Recovery", "Store", "open_memory_store", "open_store", "stored_schema"]

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 5000
GATED_TABLES = ("session",)  # session, session_procedure, session_help, session_barrier…
SKIPPED = "skipped"


@dataclass
class Store:
    """An open database plus the lock that makes it ours."""

    db: Database
    path: Path
    backups_dir: Path
    lock: InstanceLock | None = None
    recovery: Recovery | None = None
    migrated_from: int | None = None
    is_demo: bool = False
    is_reader: bool = False
    check_deferred: bool = False
    check_kind: str = "full"  # what the deferred check runs: "full" or "quick"
    check_failed: bool = False
    saves_gated: bool = False  # an unclean exit: sessions wait for the deferred check
    unchecked: bool = False  # opened after an unclean exit, its check not yet passed
    backup_dirs: list[Path] = field(default_factory=list)  # searched, besides backups_dir
    _changes_at_backup: int = field(default=0, repr=False)
    _closing: threading.Event = field(default_factory=threading.Event, repr=False)
    _checking: set = field(default_factory=set, repr=False)  # connections to interrupt
    _work: list = field(default_factory=list, repr=False)  # background threads to join

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """One short write transaction; SQLite errors become messages for the user.
        The outermost transaction also counts itself (``storage_meta.writes``)."""
        outermost = not self.conn.in_transaction
        try:
            with self.db.atomic():
                yield self.db
                if outermost and not self.db.memory:
                    self.conn.execute(
                        "UPDATE storage_meta SET value = value + 1 WHERE key = 'writes'"
                    )
        except sqlite3.DatabaseError as exc:
            if self.saves_gated and "not authorized" in str(exc):
                raise DataCheckPendingError() from exc
            if isinstance(exc, sqlite3.OperationalError):
                raise translate_sqlite_error(exc) from exc
            raise

    # -- the check behind the window ---------------------------------------------------

    def _gate(self, action: int, arg1: str | None, *_: object) -> int:
        if (
            self.saves_gated
            and action in (sqlite3.SQLITE_INSERT, sqlite3.SQLITE_UPDATE, sqlite3.SQLITE_DELETE)
            and arg1 is not None
            and arg1.startswith(GATED_TABLES)
        ):
            return sqlite3.SQLITE_DENY
        return sqlite3.SQLITE_OK

    def open_gate(self) -> None:
        """The deferred check passed: sessions may be saved (call on the owner thread)."""
        self.saves_gated = False
        with contextlib.suppress(sqlite3.ProgrammingError):
            self.conn.set_authorizer(None)

    def check_in_background(self, on_done: Callable[[str], None] | None = None) -> threading.Thread:
        """The deferred check on a thread of its own (``on_done`` runs on that thread)."""

        def work() -> None:
            result = self.deferred_check()
            if on_done:
                on_done(result)

        thread = threading.Thread(target=work, name="data_check", daemon=True)
        thread.start()
        return thread

    def deferred_check(self) -> str:
        """Run the deferred check now (any thread: it opens its own read-only connection).
        Returns "ok", ``SKIPPED`` (held by another program, or closing: not damage; try
        again later) or the damage found, which is remembered (a note beside the file)
        so that even a killed app recovers at its next start."""
        state = self._probe(self.check_kind)
        if state.state in (health.BUSY, health.UNREADABLE) or self._closing.is_set():
            log.warning("deferred check skipped: %s %s", state.state, state.detail)
            return SKIPPED
        if not state.ok:
            self._found_damage(state.detail)
            return state.detail
        self.unchecked = False
        return "ok"

    def _probe(self, check: str) -> health.Health:
        """A check that ``close`` can interrupt (so a quick close never waits for it)."""
        try:
            conn = health.connect_readonly(self.path)
        except (sqlite3.Error, OSError) as exc:
            return health.Health(health.UNREADABLE, str(exc))
        self._checking.add(conn)
        try:
            if self._closing.is_set():
                return health.Health(health.BUSY, "closing")
            problem = health.page_problem(conn, full=check == "full")
            if problem is not None:
                return health.Health(health.DAMAGED, problem)
            return health.Health(health.OK)
        except sqlite3.OperationalError as exc:
            if "interrupt" in str(exc).lower():
                return health.Health(health.BUSY, "interrupted")
            return health._classify_error(exc)
        except sqlite3.DatabaseError as exc:
            return health.Health(health.DAMAGED, str(exc))
        finally:
            self._checking.discard(conn)
            conn.close()

    def _found_damage(self, problem: str) -> None:
        self.check_failed = True
        _clean_marker(self.path).unlink(missing_ok=True)
        log.error("check behind the window found damage in %s: %s", self.path, problem)
        backup.write_damage_note(self.path, problem)

    # -- backups -----------------------------------------------------------------------

    def search_dirs(self) -> list[Path]:
        return _search_dirs(self.path, self.backups_dir, self.backup_dirs)

    def changed_since_backup(self) -> bool:
        return self.conn.total_changes != self._changes_at_backup

    def backup(self, reason: str = "manual", now: datetime | None = None) -> Path:
        """A verified backup now, on this thread."""
        try:
            path = backup.take_backup(self.path, self.backups_dir, reason, now)
        except DataDamagedError as exc:
            self._found_damage(exc.problem)
            raise
        self._changes_at_backup = self.conn.total_changes
        return path

    def backup_if_changed(self, reason: str = "auto") -> Path | None:
        if not self.changed_since_backup():
            return None
        return self.backup(reason)

    def claim_backup(self) -> bool:
        """On the owner thread: True (and these changes claimed) when a backup is due."""
        if not self.changed_since_backup() or self.db.memory or self.is_demo:
            return False
        self._changes_at_backup = self.conn.total_changes
        return True

    def background_backup(self, reason: str = "auto") -> Path:
        """The body of a timer backup, for a worker thread (after ``claim_backup``): a
        paced copy, verified; a failure makes the next tick try again. Damage found by
        the check is remembered (``check_failed``) and raised as DataDamagedError."""
        thread = threading.current_thread()
        self._work.append(thread)
        try:
            return backup.take_backup(
                self.path, self.backups_dir, reason, paced=True, cancelled=self._closing.is_set
            )
        except DataDamagedError as exc:
            self._found_damage(exc.problem)
            raise
        except StorageError:
            self._changes_at_backup = -1  # retry at the next tick
            raise
        finally:
            with contextlib.suppress(ValueError):
                self._work.remove(thread)

    def backup_in_background(
        self,
        reason: str = "auto",
        on_done: Callable[[Path | None, Exception | None], None] | None = None,
    ) -> threading.Thread | None:
        """Back up on a worker thread if something changed; ``on_done`` runs on it."""
        if not self.claim_backup():
            return None

        def work() -> None:
            try:
                path = self.background_backup(reason)
            except StorageError as exc:
                log.exception("background backup failed")
                if on_done:
                    on_done(None, exc)
                return
            if on_done:
                on_done(path, None)

        thread = threading.Thread(target=work, name="backup", daemon=False)
        thread.start()
        return thread

    def maintain_backups(self) -> list[tuple[Path, str]]:
        """Behind the window after a start: verify the exit copies of earlier runs, then
        thin and pack the backups folder. Returns the exit copies that failed."""
        thread = threading.current_thread()
        self._work.append(thread)
        try:
            failed: list[tuple[Path, str]] = []
            for folder in self.search_dirs():
                if self._closing.is_set():
                    break
                backup.remove_stale_temp_files(folder)
                try:
                    failed += backup.verify_pending(folder, self._closing.is_set)
                except OSError:
                    log.exception("verifying the exit copies in %s failed", folder)
            if not self._closing.is_set() and self.backups_dir.is_dir():
                backup.thin_backups(self.backups_dir, cancelled=self._closing.is_set)
            return failed
        finally:
            with contextlib.suppress(ValueError):
                self._work.remove(thread)

    # -- readers, closing -------------------------------------------------------------

    def reader(self) -> Store:
        """A read-only Store on a connection of its own, for one job on a worker thread
        (the app's connection belongs to the Tk thread). Call it on the thread that owns
        this store; the worker calls ``close()`` when done.

        A file database gets a new ``mode=ro`` connection (WAL: it reads a consistent
        snapshot while the officer keeps saving). An in-memory database (tests, the
        self-test) cannot be opened twice, so the reader gets a copy made now with the
        backup API: the same data as of this call."""
        if self.db.memory:
            conn = sqlite3.connect(":memory:", check_same_thread=False)
            self.conn.backup(conn)
        else:
            conn = sqlite3.connect(_readonly_uri(self.path), uri=True, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = 1")
        return Store(
            db=Database(conn),
            path=self.path,
            backups_dir=self.backups_dir,
            is_demo=self.is_demo,
            is_reader=True,
        )

    def acknowledge_recovery(self) -> None:
        """The user has been told about ``recovery``: forget its marker, keep a note."""
        if self.recovery is None or self.is_reader:
            return
        note = json.dumps(self.recovery.as_note(), ensure_ascii=False)
        with contextlib.suppress(sqlite3.Error):
            with self.db.atomic():
                self.conn.execute(
                    "INSERT INTO storage_meta (key, value) VALUES ('last_recovery', ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [note],
                )
        self.recovery.acknowledge()

    def stop_background_work(self, timeout: float = 10.0) -> None:
        """Interrupt the deferred check and a running backup, and wait for them."""
        self._closing.set()
        for conn in list(self._checking):
            with contextlib.suppress(sqlite3.Error):
                conn.interrupt()
        for thread in list(self._work):
            if thread is not threading.current_thread():
                thread.join(timeout)

    def close(self, backup_on_exit: bool = True) -> None:
        """Stop background work, copy the data on exit when it changed (verified at the
        next start), close and leave the clean-exit marker."""
        if self.is_reader:
            self.db.close()
            return
        try:
            self.stop_background_work()
            if (
                backup_on_exit
                and not self.db.memory
                and not self.is_demo
                and not self.check_failed
                and self.changed_since_backup()
            ):
                self._exit_copy()
            if not self.db.memory:
                with contextlib.suppress(sqlite3.Error):
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            self.db.close()
            if not self.db.memory and not self.check_failed and not self.unchecked:
                _write_clean_marker(self.path)
        finally:
            if self.lock:
                self.lock.release()

    def _exit_copy(self) -> None:
        marker = backing_up_marker(self.path)
        try:
            marker.write_text(str(os.getpid()), encoding="utf-8")
        except OSError:
            log.warning("could not write %s", marker)
        try:
            backup.take_exit_copy(self.conn, self.path, self.backups_dir)
        except StorageError:
            log.exception("backup on exit failed")
        finally:
            marker.unlink(missing_ok=True)


def backing_up_marker(path: Path) -> Path:
    """Present while the exit backup runs: a second start then says "please wait"."""
    return Path(str(path) + ".backing-up")


def _readonly_uri(path: Path) -> str:
    return Path(path).resolve().as_uri() + "?mode=ro"


def translate_sqlite_error(exc: sqlite3.OperationalError) -> StorageError | sqlite3.Error:
    text = str(exc).lower()
    if "full" in text:
        return DiskFullError()
    if "locked" in text or "busy" in text:
        return DatabaseBusyError()
    if "readonly" in text or "read-only" in text or "disk i/o" in text:
        return DataFolderError("", str(exc))
    return exc


def stored_schema(path: Path, schema: Schema = OFFICE_SCHEMA) -> tuple[int, set[str]]:
    """(user_version, the migrations of ``schema`` applied) read without writing."""
    conn = health.connect_readonly(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        return version, health.applied_migrations(conn, schema)
    finally:
        conn.close()


def check_writable(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".write-test-")
        try:
            os.write(fd, b"x" * 4096)
            os.fsync(fd)
        finally:
            os.close(fd)
            os.unlink(probe)
    except OSError as exc:
        raise DataFolderError(str(folder), exc.strerror or str(exc)) from exc


def configure(db: Database) -> None:
    """Durability pragmas: every commit reaches the disk before save() returns."""
    db.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.enable_wal()
    db.execute("PRAGMA synchronous = FULL")
    db.execute("PRAGMA foreign_keys = ON")


def migrate(db: Database) -> None:
    migrations.apply(db)


_template: sqlite3.Connection | None = None
_template_lock = threading.Lock()


def open_memory_store() -> Store:
    """A fully migrated in-memory database, for tests and the self-test.

    The schema is migrated once per process into a template; each store is a copy of it
    made with the backup API (well under a millisecond, against tens for migrating)."""
    global _template
    with _template_lock:
        if _template is None:
            template = Database(sqlite3.connect(":memory:", check_same_thread=False))
            migrate(template)
            _template = template.conn
        db = Database(memory=True)
        _template.backup(db.conn)
    db.execute("PRAGMA foreign_keys = ON")
    return Store(db=db, path=Path(":memory:"), backups_dir=Path(tempfile.gettempdir()))


def _search_dirs(path: Path, backups_dir: Path, extra: Iterable[Path]) -> list[Path]:
    """Where backups of ``path`` may be: the folder given, the extra ones (the Settings
    folder), and every folder a backup was ever written to."""
    dirs: list[Path] = []
    for d in [backups_dir, *extra, *backup.known_places(Path(path).parent)]:
        if d and all(os.path.normcase(str(d)) != os.path.normcase(str(x)) for x in dirs):
            dirs.append(Path(d))
    return dirs


def acquire_lock(path: Path) -> InstanceLock:
    """The one-instance lock; held by an app that is writing its exit backup, the
    message says to wait instead of "already open"."""
    try:
        return InstanceLock(path).acquire()
    except InstanceLockedError as exc:
        if backing_up_marker(path).exists():
            raise BackupRunningError(str(path)) from exc
        raise


def _take_place(path: Path, *, check_location: bool, take_lock: bool) -> InstanceLock | None:
    """Before a data file is touched: refuse a network or synced folder, check the
    folder is writable, take the one-instance lock (both kinds of file)."""
    if check_location:
        why = unsafe_reason(path)
        if why:
            raise UnsafeLocationError(str(path), why)
    check_writable(path.parent)
    return acquire_lock(path) if take_lock else None


def open_store(
    path: Path,
    backups_dir: Path,
    damaged_dir: Path,
    *,
    take_lock: bool = True,
    check_location: bool = True,
    trust_clean_exit: bool = False,
    backup_dirs: Iterable[Path] = (),
    defer_check: bool = False,
    create_if_lost: bool = True,
    expect_new: bool = False,
    known_damage: str | None = None,
) -> Store:
    """Open (creating if needed) the database at ``path``; see the module docstring.

    ``backup_dirs``: more folders recovery searches (the Settings backup folder).
    ``defer_check``: after an unclean exit, do not check before opening; the quick
    check runs behind the window and saves of sessions wait for it (the GUI).
    ``create_if_lost``: False (the command line) raises DataMissingError instead of
    opening an empty file when the data was lost and no backup could replace it.
    ``expect_new``: a throwaway file (training mode), deleted before: never "missing".
    ``known_damage``: the check behind the window found this: recover without asking.
    """
    path = Path(path)
    lock = _take_place(path, check_location=check_location, take_lock=take_lock)
    try:
        return _open_locked(
            path,
            backups_dir,
            damaged_dir,
            lock,
            trust_clean_exit=trust_clean_exit,
            extra_dirs=list(backup_dirs),
            defer_check=defer_check,
            create_if_lost=create_if_lost,
            expect_new=expect_new,
            known_damage=known_damage,
        )
    except BaseException:
        if lock:
            lock.release()
        raise


def _open_locked(
    path: Path,
    backups_dir: Path,
    damaged_dir: Path,
    lock: InstanceLock | None,
    *,
    trust_clean_exit: bool,
    extra_dirs: list[Path],
    defer_check: bool,
    create_if_lost: bool,
    expect_new: bool,
    known_damage: str | None,
) -> Store:
    dirs = _search_dirs(path, backups_dir, extra_dirs)
    _remove_leftovers(path, dirs)
    backing_up_marker(path).unlink(missing_ok=True)  # we hold the lock: no backup runs
    known_damage = known_damage or _damage_note(path)
    trusted = trust_clean_exit and not known_damage and _clean_exit_matches(path)
    _clean_marker(path).unlink(missing_ok=True)  # a crash during this run leaves none
    found = recovery.finish_interrupted(path, damaged_dir)
    deferred = False
    if found is None and not trusted and not expect_new:
        if defer_check and not known_damage and _cheap_probe_ok(path):
            deferred = True
        else:
            found = recovery.recover_if_needed(
                path, dirs, damaged_dir, known_damage=known_damage, check="quick"
            )
    recovery.check_note_path(path).unlink(missing_ok=True)
    if found is not None and found.data_missing and found.kind != "restore":
        if not create_if_lost:
            raise DataMissingError(found.command_line_message())
    try:
        migrated_from = _check_schema(path)
    except sqlite3.DatabaseError:
        if not (trusted or deferred):
            raise
        # Damaged although the clean exit vouched for it (or the cheap look missed it):
        # the full path after all.
        trusted = deferred = False
        found = recovery.recover_if_needed(path, dirs, damaged_dir, check="quick")
        if found is not None and found.data_missing and not create_if_lost:
            raise DataMissingError(found.command_line_message()) from None
        migrated_from = _check_schema(path)
    if migrated_from:  # an existing file with pending migrations: back it up first
        backup.take_backup(path, backups_dir, reason="pre_migration")
    db = _open_migrated(path, migrate, found)
    store = Store(
        db=db,
        path=path,
        backups_dir=backups_dir,
        lock=lock,
        recovery=found,
        migrated_from=migrated_from,
        backup_dirs=extra_dirs,
    )
    store._changes_at_backup = db.conn.total_changes
    store.check_deferred = trusted or deferred
    store.check_kind = "full" if trusted else "quick"
    if deferred:
        store.saves_gated = store.unchecked = True
        db.conn.set_authorizer(store._gate)
    return store


def _cheap_probe_ok(path: Path) -> bool:
    """After an unclean exit, before opening at once: the file exists, is a database of
    this app and is not held by another program — without reading every page."""
    if not path.exists() or path.stat().st_size == 0:
        return False
    return health.probe(path, wait=0, pages=False).ok


def _remove_leftovers(path: Path, dirs: list[Path]) -> None:
    """Our temporary files left by a killed run, older than a minute (item: housekeeping).
    The staging copy of an interrupted recovery is kept: its marker still needs it."""
    keep = [recovery.staged_path(path)] if recovery.read_marker(path) else []
    for folder in [path.parent, *dirs]:
        with contextlib.suppress(OSError):
            backup.remove_stale_temp_files(folder, keep=keep)


def _open_migrated(
    path: Path, migrate: Callable[[Database], object], found: Recovery | None
) -> Database:
    """The file opened with the app's settings and migrated; after a restore from an
    older copy its write counter continues above every backup seen, so the copies made
    from now on are newer than all of them. Busy is told as busy."""
    db = Database(path)
    try:
        configure(db)
        migrate(db)
        if found is not None and found.floor is not None:
            db.execute(
                "UPDATE storage_meta SET value = max(value, ?) + 1 WHERE key = 'writes'",
                [found.floor],
            )
    except sqlite3.OperationalError as exc:
        db.close()
        error = translate_sqlite_error(exc)
        if isinstance(error, DatabaseBusyError):
            raise DataFileBusyError(str(path), str(exc)) from exc
        raise error from exc
    return db


def _damage_note(path: Path) -> str | None:
    """Damage found by an earlier run's check, if the file has not changed since."""
    note = recovery.check_note_path(path)
    try:
        data = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    try:
        same = path.exists() and {
            "size": data.get("size"),
            "mtime_ns": data.get("mtime_ns"),
        } == _signature(path)
    except OSError:
        same = False
    return str(data.get("problem") or "integrity_check") if same else None


def _clean_marker(path: Path) -> Path:
    return Path(str(path) + ".clean-exit")


def _signature(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_clean_marker(path: Path) -> None:
    try:
        wal = Path(str(path) + "-wal")
        if path.exists() and not (wal.exists() and wal.stat().st_size > 0):
            fileops.write_durably(_clean_marker(path), json.dumps(_signature(path)).encode())
    except OSError:
        log.warning("could not write the clean-exit marker; next start checks in full")


def _clean_exit_matches(path: Path) -> bool:
    marker = _clean_marker(path)
    wal = Path(str(path) + "-wal")
    try:
        if not path.exists() or (wal.exists() and wal.stat().st_size > 0):
            return False
        return json.loads(marker.read_text(encoding="utf-8")) == _signature(path)
    except (OSError, ValueError):
        return False


def _check_schema(path: Path) -> int | None:
    """Refuse a newer file; return its version when migrations are pending."""
    if not path.exists() or path.stat().st_size == 0:
        return None
    version, names = stored_schema(path)
    unknown = names - KNOWN_MIGRATIONS
    if version > SCHEMA_VERSION or unknown:
        raise SchemaTooNewError(max(version, SCHEMA_VERSION + 1), SCHEMA_VERSION)
    if names and names != KNOWN_MIGRATIONS:
        return version
    return None


# -- another database of the app (the province's consolidated store) ---------------------
# The same opening sequence as ``open_store`` for a file of another schema: kept apart so
# that the office database's path stays as it is (storage/ is being reworked for
# recovery); it reuses the same helpers, so a change to them serves both.


def open_store_of(
    schema: Schema,
    path: Path,
    backups_dir: Path,
    damaged_dir: Path,
    *,
    take_lock: bool = True,
    check_location: bool = True,
) -> Store:
    """Open (creating if needed) a database of ``schema`` (the province's store) with the
    office database's sequence: refuse unsafe places, take the one-instance lock, remove
    our stale temporary files, finish an interrupted recovery, tell a held or unreadable
    file from a damaged one, replace a damaged file by the newest good backup (staged and
    verified first, a marker for a power cut), refuse a newer file untouched, back up
    before migrating, migrate, set WAL and ``synchronous=FULL``."""
    path = Path(path)
    lock = _take_place(path, check_location=check_location, take_lock=take_lock)
    try:
        dirs = _search_dirs(path, backups_dir, ())
        _remove_leftovers(path, dirs)
        _clean_marker(path).unlink(missing_ok=True)
        found = recovery.finish_interrupted(path, damaged_dir, schema)
        if found is None:
            found = recovery.recover_if_needed(
                path, dirs, damaged_dir, known_damage=_damage_note(path), schema=schema
            )
        recovery.check_note_path(path).unlink(missing_ok=True)
        pending = False
        if path.exists() and path.stat().st_size:
            version, names = stored_schema(path, schema)
            if version > schema.version or names - schema.known:
                raise SchemaTooNewError(max(version, schema.version + 1), schema.version)
            pending = bool(names) and names != schema.known
        if pending:
            backup.take_backup(path, backups_dir, reason="pre_migration")
        db = _open_migrated(path, schema.migrations.apply, found)
        store = Store(db=db, path=path, backups_dir=backups_dir, lock=lock, recovery=found)
        store._changes_at_backup = db.conn.total_changes
        return store
    except BaseException:
        if lock:
            lock.release()
        raise
