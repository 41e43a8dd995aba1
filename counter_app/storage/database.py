"""Opening the live database safely: location, lock, health, schema, pragmas.

``open_store`` is the only way the app gets a database. In order it refuses unsafe
places, takes the one-instance lock, runs ``quick_check`` (restoring the newest verified
backup if the file is damaged), refuses files from a newer app version untouched, backs
up before migrating, migrates, and sets the durability pragmas.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from counter_app.i18n import tr
from counter_app.storage import backup
from counter_app.storage.errors import (
    DatabaseBusyError,
    DataFolderError,
    DiskFullError,
    SchemaTooNewError,
    StorageError,
    UnsafeLocationError,
)
from counter_app.storage.locations import unsafe_reason
from counter_app.storage.lock import InstanceLock
from counter_app.storage.schema import KNOWN_MIGRATIONS, MIGRATION_SET, SCHEMA_VERSION, migrations

log = logging.getLogger(__name__)
BUSY_TIMEOUT_MS = 5000


@dataclass
class Recovery:
    """What happened when the database had to be repaired at start, for the user."""

    damaged_copy: Path
    problem: str
    restored_from: Path | None = None
    data_as_of: datetime | None = None

    def message(self) -> str:
        if self.restored_from is not None and self.data_as_of is not None:
            return tr(
                "The data file was damaged ({problem}). It was kept aside at {damaged} and "
                "the newest good backup was restored: data now dates from {when}. "
                "Sessions entered after that time must be entered again."
            ).format(
                problem=self.problem,
                damaged=self.damaged_copy,
                when=self.data_as_of.strftime("%H:%M %d/%m/%Y"),
            )
        return tr(
            "The data file was damaged ({problem}) and no good backup was found. It was kept "
            "aside at {damaged} for the IT person; the app starts with an empty data file."
        ).format(problem=self.problem, damaged=self.damaged_copy)


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
    check_failed: bool = False
    _changes_at_backup: int = field(default=0, repr=False)

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """One short write transaction; SQLite errors become messages for the user."""
        try:
            with self.db.atomic():
                yield self.db
        except sqlite3.OperationalError as exc:
            raise translate_sqlite_error(exc) from exc

    def changed_since_backup(self) -> bool:
        return self.conn.total_changes != self._changes_at_backup

    def backup(self, reason: str = "manual", now: datetime | None = None) -> Path:
        path = backup.take_backup(self.path, self.backups_dir, reason, now)
        self._changes_at_backup = self.conn.total_changes
        return path

    def backup_if_changed(self, reason: str = "auto") -> Path | None:
        """For the 30-minute timer and exit: back up only when something was saved."""
        if not self.changed_since_backup():
            return None
        return self.backup(reason)

    def backup_in_background(
        self,
        reason: str = "auto",
        on_done: Callable[[Path | None, Exception | None], None] | None = None,
    ) -> threading.Thread | None:
        """Back up on a worker thread if something changed, so a big file never freezes
        the window. The copy uses its own connection; ``on_done`` runs on that thread."""
        if not self.changed_since_backup() or self.db.memory:
            return None
        self._changes_at_backup = self.conn.total_changes  # claim these changes now

        def work() -> None:
            try:
                path = backup.take_backup(self.path, self.backups_dir, reason)
            except StorageError as exc:
                log.exception("background backup failed")
                self._changes_at_backup = -1  # retry at the next tick
                if on_done:
                    on_done(None, exc)
                return
            if on_done:
                on_done(path, None)

        thread = threading.Thread(target=work, name="backup", daemon=False)
        thread.start()
        return thread

    def check_in_background(self, on_done: Callable[[str], None] | None = None) -> threading.Thread:
        """The start-up ``quick_check`` deferred after a clean exit: run it on its own
        read-only connection while the officer already works. A failure is remembered so
        the next start runs the blocking check (and restores the newest good backup)."""

        def work() -> None:
            result = self.deferred_check()
            if on_done:
                on_done(result)

        thread = threading.Thread(target=work, name="quick_check", daemon=True)
        thread.start()
        return thread

    def deferred_check(self) -> str:
        """Run the deferred ``quick_check`` now (any thread: it opens its own read-only
        connection); "ok" or the problem found, which is remembered for the next start."""
        result = backup.check_integrity(self.path, quick=True)
        if result != "ok":
            self.check_failed = True
            _clean_marker(self.path).unlink(missing_ok=True)
            log.error("background quick_check failed on %s: %s", self.path, result)
        return result

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

    def close(self, backup_on_exit: bool = True) -> None:
        if self.is_reader:
            self.db.close()
            return
        try:
            if backup_on_exit and not self.db.memory:
                try:
                    self.backup_if_changed("exit")
                except StorageError:
                    log.exception("backup on exit failed")
            self.db.close()
            if not self.db.memory and not self.check_failed:
                _write_clean_marker(self.path)
        finally:
            if self.lock:
                self.lock.release()


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


def stored_schema(path: Path) -> tuple[int, set[str]]:
    """(user_version, applied migration names) read without writing anything."""
    conn = backup.connect_readonly(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_sqlite_migrations'"
        ).fetchone()
        names = set()
        if has_table:
            names = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?",
                    [MIGRATION_SET],
                )
            }
        return version, names
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


def open_store(
    path: Path,
    backups_dir: Path,
    damaged_dir: Path,
    *,
    take_lock: bool = True,
    check_location: bool = True,
    trust_clean_exit: bool = False,
) -> Store:
    """Open (creating if needed) the database at ``path``; see the module docstring."""
    path = Path(path)
    if check_location:
        why = unsafe_reason(path)
        if why:
            raise UnsafeLocationError(str(path), why)
    check_writable(path.parent)
    lock = InstanceLock(path).acquire() if take_lock else None
    try:
        # After a clean exit the file is exactly as this app left it: the window may open
        # first and quick_check run behind it (check_in_background). After a crash, a
        # power cut or any change since, the check runs here, before anything is read.
        trusted = trust_clean_exit and _clean_exit_matches(path)
        _clean_marker(path).unlink(missing_ok=True)  # a crash during this run leaves none
        recovery = None if trusted else _recover_if_damaged(path, backups_dir, damaged_dir)
        try:
            migrated_from = _check_schema(path)
        except sqlite3.DatabaseError:
            if not trusted:
                raise
            trusted = False  # damaged despite the clean exit: the full path after all
            recovery = _recover_if_damaged(path, backups_dir, damaged_dir)
            migrated_from = _check_schema(path)
        if migrated_from:  # an existing file with pending migrations: back it up first
            backup.take_backup(path, backups_dir, reason="pre_migration")
        db = Database(path)
        try:
            configure(db)
            migrate(db)
        except sqlite3.OperationalError as exc:
            db.close()
            raise translate_sqlite_error(exc) from exc
        store = Store(
            db=db,
            path=path,
            backups_dir=backups_dir,
            lock=lock,
            recovery=recovery,
            migrated_from=migrated_from,
        )
        store._changes_at_backup = db.conn.total_changes
        store.check_deferred = trusted
        return store
    except BaseException:
        if lock:
            lock.release()
        raise


def _clean_marker(path: Path) -> Path:
    return Path(str(path) + ".clean-exit")


def _signature(path: Path) -> dict:
    st = path.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_clean_marker(path: Path) -> None:
    try:
        if path.exists() and not Path(str(path) + "-wal").exists():
            _clean_marker(path).write_text(json.dumps(_signature(path)), encoding="utf-8")
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


def _recover_if_damaged(path: Path, backups_dir: Path, damaged_dir: Path) -> Recovery | None:
    if not path.exists():
        return None
    problem = backup.check_integrity(path, quick=True)
    if problem == "ok":
        return None
    log.error("quick_check failed on %s: %s", path, problem)
    aside = backup.set_aside(path, damaged_dir, "damaged")
    good = backup.newest_verified_backup(backups_dir)
    if good is None:
        log.error("no verified backup; starting empty, damaged file kept at %s", aside)
        return Recovery(damaged_copy=aside, problem=problem)
    backup.install_copy(good.path, path)
    log.warning("restored %s from %s", path, good.path)
    return Recovery(
        damaged_copy=aside, problem=problem, restored_from=good.path, data_as_of=good.taken_at
    )


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


@dataclass(frozen=True)
class Schema:
    """A family of migrations for one kind of database file."""

    name: str  # the sqlite-utils migration set
    migrations: Any  # sqlite_utils.migrations.Migrations

    @property
    def known(self) -> frozenset[str]:
        return frozenset(m.name for m in self.migrations._migrations)

    @property
    def version(self) -> int:
        return len(self.migrations._migrations)


def _stored_names(path: Path, schema: Schema) -> tuple[int, set[str]]:
    conn = backup.connect_readonly(path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name='_sqlite_migrations'"
        ).fetchone()
        names: set[str] = set()
        if has_table:
            names = {
                r[0]
                for r in conn.execute(
                    "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [schema.name]
                )
            }
        return version, names
    finally:
        conn.close()


def open_store_of(
    schema: Schema,
    path: Path,
    backups_dir: Path,
    damaged_dir: Path,
    *,
    take_lock: bool = True,
    check_location: bool = True,
) -> Store:
    """Open (creating if needed) a database of ``schema``: refuse unsafe places, take the
    one-instance lock, check the file and restore the newest verified backup if damaged,
    refuse a newer file untouched, back up before migrating, migrate, set WAL and
    ``synchronous=FULL``."""
    path = Path(path)
    if check_location:
        why = unsafe_reason(path)
        if why:
            raise UnsafeLocationError(str(path), why)
    check_writable(path.parent)
    lock = InstanceLock(path).acquire() if take_lock else None
    try:
        _clean_marker(path).unlink(missing_ok=True)
        recovery = _recover_if_damaged(path, backups_dir, damaged_dir)
        pending = False
        if path.exists() and path.stat().st_size:
            version, names = _stored_names(path, schema)
            if version > schema.version or names - schema.known:
                raise SchemaTooNewError(max(version, schema.version + 1), schema.version)
            pending = bool(names) and names != schema.known
        if pending:
            backup.take_backup(path, backups_dir, reason="pre_migration")
        db = Database(path)
        try:
            configure(db)
            schema.migrations.apply(db)
        except sqlite3.OperationalError as exc:
            db.close()
            raise translate_sqlite_error(exc) from exc
        store = Store(db=db, path=path, backups_dir=backups_dir, lock=lock, recovery=recovery)
        store._changes_at_backup = db.conn.total_changes
        return store
    except BaseException:
        if lock:
            lock.release()
        raise
