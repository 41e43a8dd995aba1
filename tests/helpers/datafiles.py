"""Data folders for the recovery tests: an office with sessions, backups, and the kinds of
damage the recovery code must tell apart (corrupt pages, an index out of step with its
table, a 0-byte file, a lone -wal, another program's database)."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

from counter_app.storage.database import open_store
from tests.conftest import World
from tests.helpers.clock import TEST_NOW

DB = "counter_app.db"


def open_in(folder: Path, **kwargs):
    return open_store(folder / DB, folder / "backups", folder / "damaged", **kwargs)


def sha(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def sessions_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
    try:
        return conn.execute("SELECT count(*) FROM session").fetchone()[0]
    finally:
        conn.close()


def office_with_backup(folder: Path, before: int = 20, after: int = 5, note: str = "lượt"):
    """``before`` sessions, a verified backup, then ``after`` more sessions (which only
    the live file holds). Returns the backup's path."""
    store = open_in(folder)
    try:
        world = World(store)
        for i in range(before):
            world.save(note=f"{note} {i}")
        copy = store.backup("manual", now=TEST_NOW)
        for i in range(after):
            world.save(note=f"sau sao lưu {i}")
    finally:
        store.close(backup_on_exit=False)
    return copy


def corrupt_pages(path: Path) -> None:
    """Scribble over b-tree pages (quick_check fails)."""
    data = bytearray(Path(path).read_bytes())
    page = 4096
    start = page * 3
    end = min(len(data), start + page * 20)
    data[start:end] = os.urandom(end - start)
    Path(path).write_bytes(bytes(data))


def corrupt_header(path: Path) -> None:
    data = bytearray(Path(path).read_bytes())
    data[0:100] = b"\x07" * 100
    Path(path).write_bytes(bytes(data))


def damage_index(path: Path, extra: int = 17) -> None:
    """Add ``extra`` sessions behind the back of ``idx_session_started``: the index misses
    them. ``quick_check`` does not compare indexes with their tables, so it passes;
    ``integrity_check`` fails; a query through the index counts fewer sessions."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("PRAGMA journal_mode=DELETE")
        row = conn.execute(
            "SELECT type, name, tbl_name, rootpage, sql FROM sqlite_master "
            "WHERE name = 'idx_session_started'"
        ).fetchone()
        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("DELETE FROM sqlite_master WHERE name = 'idx_session_started'")
        conn.execute(f"PRAGMA schema_version = {version + 1}")
        conn.commit()
    finally:
        conn.close()
    conn = sqlite3.connect(path)
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(session)") if r[1] != "id"]
        select = ", ".join("lower(hex(randomblob(16)))" if c == "uuid" else c for c in columns)
        conn.execute(
            f"INSERT INTO session ({', '.join(columns)}) SELECT {select} FROM session "
            f"ORDER BY id LIMIT {int(extra)}"
        )
        conn.commit()
        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        conn.execute("PRAGMA writable_schema = ON")
        conn.execute("INSERT INTO sqlite_master VALUES (?, ?, ?, ?, ?)", row)
        conn.execute(f"PRAGMA schema_version = {version + 1}")
        conn.commit()
    finally:
        conn.close()


def foreign_database(path: Path) -> None:
    """A healthy SQLite file of some other program."""
    Path(path).unlink(missing_ok=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.executemany(
        "INSERT INTO customers (name) VALUES (?)", [(f"khách {i}",) for i in range(50)]
    )
    conn.commit()
    conn.close()


def lone_wal(folder: Path) -> None:
    """The data file gone, its -wal left (a sync tool or an antivirus took the main file)."""
    db = folder / DB
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA wal_autocheckpoint=0")
    conn.execute("INSERT INTO setting (key, value) VALUES ('x', '1')")
    conn.commit()
    wal = Path(str(db) + "-wal").read_bytes()
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    Path(str(db) + "-wal").write_bytes(wal or b"\x37\x7f\x06\x82" + b"\0" * 28)


def later(minutes: int):
    return TEST_NOW + timedelta(minutes=minutes)
