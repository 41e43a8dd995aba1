"""Where the consolidated store lives and how it is opened: a file of its own in the data
folder (``tong_hop/kho_tong_hop.db``), with its own backups and damaged-copies folders so
they never mix with the office database's, opened through ``storage.open_store_of`` —
the same sequence as the office database (safe location, lock, check and recovery from
the newest verified backup, refusing a newer file, backup before a migration, WAL,
``synchronous=FULL``)."""

from __future__ import annotations

import json
from pathlib import Path

from counter_app import paths
from counter_app.province.schema import PROVINCE_SCHEMA
from counter_app.storage.database import Store, open_store_of

FOLDER = "tong_hop"
FILENAME = "kho_tong_hop.db"
DEADLINE_DAYS = 1  # a week's file is on time when exported by the Monday after it…
DEADLINE_HOUR = 17  # … at 17:00 (the desk's settings may change both)


def store_folder() -> Path:
    return paths.data_dir() / FOLDER


def open_province_store(folder: Path | None = None, *, take_lock: bool = True) -> Store:
    folder = Path(folder) if folder is not None else store_folder()
    folder.mkdir(parents=True, exist_ok=True)
    store = open_store_of(
        PROVINCE_SCHEMA,
        folder / FILENAME,
        folder / "backups",
        folder / "damaged",
        take_lock=take_lock,
    )
    _cache(store)
    return store


CACHE_KB = 64 * 1024  # the session index of a national year stays in memory while ingesting


def _cache(store: Store) -> None:
    store.db.execute(f"PRAGMA cache_size = -{CACHE_KB}")


def get_setting(store: Store, key: str, default: object) -> object:
    row = store.db.execute("SELECT value FROM store_setting WHERE key = ?", [key]).fetchone()
    if row is None:
        return default
    try:
        value = json.loads(row[0])
    except ValueError:
        return default
    return value if isinstance(value, type(default)) else default


def deadline(store: Store) -> tuple[int, int]:
    """(days after the period's last day, hour) by which a file is on time."""
    days = get_setting(store, "deadline_days", DEADLINE_DAYS)
    hour = get_setting(store, "deadline_hour", DEADLINE_HOUR)
    return int(days), int(hour)  # type: ignore[call-overload]


def worker_connection(store: Store) -> Store:
    """A writable connection of its own to ``store``'s file, for one job on a worker
    thread (the store's own connection belongs to the thread that opened it). The
    instance lock stays with ``store``; ``close()`` only closes this connection."""
    import sqlite3

    from sqlite_utils import Database

    from counter_app.storage.database import configure

    if store.db.memory:
        raise ValueError("an in-memory store has no second connection")
    conn = sqlite3.connect(str(store.path), check_same_thread=False)
    db = Database(conn)
    configure(db)
    worker = Store(db=db, path=store.path, backups_dir=store.backups_dir, is_reader=True)
    _cache(worker)
    return worker
