"""What state a data file is in, told apart carefully before anything is moved.

A file held by another program (an IT person's database browser with ``PRAGMA
locking_mode=EXCLUSIVE``, an antivirus scan) or unreadable for permissions is NOT damage:
moving it aside and restoring a backup would drop every session since that backup. Only
what SQLite itself reports as corruption, a file that is not a database, an empty file or
another program's database counts as damage.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from counter_app.i18n import tr
from counter_app.storage.schema import OFFICE_SCHEMA, Schema

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_WAIT_S = 3.0  # how long a held file is retried before the user is told

OK = "ok"
DAMAGED = "damaged"  # corrupt, not a database, or a check that failed
EMPTY = "empty"  # 0 bytes, or a database without any table (never written)
FOREIGN = "foreign"  # a healthy SQLite file of another program
BUSY = "busy"  # locked by another program
UNREADABLE = "unreadable"  # permission denied


@dataclass(frozen=True)
class Health:
    state: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.state == OK

    @property
    def is_damage(self) -> bool:
        return self.state in (DAMAGED, EMPTY, FOREIGN)


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open without any chance of writing; falls back to a plain open for WAL files
    whose -shm cannot be created read-only (reads still change nothing)."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    except sqlite3.OperationalError:
        return sqlite3.connect(str(path), check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            raise
        return sqlite3.connect(str(path), check_same_thread=False)
    except BaseException:
        # Closed now, not when the traceback is freed: on Windows an open handle would
        # stop the damaged file from being moved aside.
        conn.close()
        raise


def page_problem(conn: sqlite3.Connection, full: bool) -> str | None:
    """None when SQLite's page check passes (``integrity_check`` if ``full``, else
    ``quick_check``), else its first problems."""
    pragma = "integrity_check" if full else "quick_check"
    rows = conn.execute(f"PRAGMA {pragma}").fetchall()
    result = "; ".join(str(r[0]) for r in rows[:5])
    return None if result == "ok" else result or "unknown"


def applied_migrations(conn: sqlite3.Connection, schema: Schema) -> set[str]:
    """The migrations of ``schema`` recorded in the open file (none in a file that has
    no migration table: a new, empty or foreign database)."""
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if not has_table:
        return set()
    return {
        r[0]
        for r in conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [schema.name]
        )
    }


def _classify_error(exc: BaseException) -> Health:
    text = str(exc).lower()
    if isinstance(exc, PermissionError) or "permission" in text or "access is denied" in text:
        return Health(UNREADABLE, str(exc))
    if "locked" in text or "busy" in text:
        return Health(BUSY, str(exc))
    if "unable to open" in text:
        return Health(UNREADABLE, str(exc))
    return Health(DAMAGED, str(exc))


def probe(
    path: Path,
    *,
    full: bool = False,
    wait: float | None = None,
    pages: bool = True,
    schema: Schema = OFFICE_SCHEMA,
) -> Health:
    """The state of ``path`` (which must exist); a held file is retried for ``wait`` s.
    ``pages`` False skips the page check (quick/integrity): only "is it ours, readable,
    not held" — a few pages read, for opening at once after an unclean exit."""
    deadline = time.monotonic() + (BUSY_WAIT_S if wait is None else wait)
    delay = 0.05
    while True:
        health = _probe_once(Path(path), full, pages, schema)
        if health.state not in (BUSY, UNREADABLE) or time.monotonic() >= deadline:
            return health
        log.warning("data file %s is %s (%s); retrying", path, health.state, health.detail)
        time.sleep(delay)
        delay = min(delay * 2, 0.5)


def _probe_once(path: Path, full: bool, pages: bool, schema: Schema) -> Health:
    try:
        with open(path, "rb") as f:
            header = f.read(100)
    except OSError as exc:
        return _classify_error(exc)
    if not header:
        return Health(EMPTY, tr("the data file is empty (0 bytes)"))
    if not header.startswith(SQLITE_HEADER):
        return Health(DAMAGED, tr("the file is not a database"))
    try:
        conn = connect_readonly(path)
    except (sqlite3.Error, OSError) as exc:
        return _classify_error(exc)
    try:
        problem = page_problem(conn, full) if pages else None
        if problem is not None:
            return Health(DAMAGED, problem)
        return _ownership(conn, schema)
    except (sqlite3.Error, OSError) as exc:
        return _classify_error(exc)
    finally:
        conn.close()


def _ownership(conn: sqlite3.Connection, schema: Schema) -> Health:
    """OK for this app's file of ``schema``; EMPTY for a database without tables;
    FOREIGN otherwise."""
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    if not tables:
        return Health(EMPTY, tr("the data file holds no data"))
    if schema.first in applied_migrations(conn, schema):
        return Health(OK)
    return Health(FOREIGN, tr("the file is a database of another program"))
