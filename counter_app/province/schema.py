"""The consolidated store's schema ("kho tổng hợp"), its own migration set.

Compact on purpose: a province holds 40–170 offices' sessions for years, a national copy
3,321. Repeated text (officers, counters, lookup labels, procedure names) is stored once
(``label``, ``procedure``) and referenced by id; a session's UUID is its 16 raw bytes.
Every received file is kept as a row (``received_file``): who, which period, when it was
exported and ingested, what it held and changed. A session remembers the file its
current copy came from (newest wins); a void received in any file is a ``tombstone``
that also outlives the order in which files arrive.
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from counter_app.storage.schema import Schema

MIGRATION_SET = "counter_app_province"
migrations = Migrations(MIGRATION_SET)


@migrations(name="p001_initial")
def p001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE office (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL DEFAULT '',
            kind TEXT NOT NULL DEFAULT '',
            parent TEXT NOT NULL DEFAULT '',
            expected INTEGER NOT NULL DEFAULT 0 CHECK (expected IN (0, 1)),
            sort_order INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE label (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            code TEXT NOT NULL DEFAULT '',
            text TEXT NOT NULL,
            UNIQUE (kind, code, text)
        );
        CREATE TABLE lookup (
            kind TEXT NOT NULL,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            sort_order INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1,
            PRIMARY KEY (kind, label)
        ) WITHOUT ROWID;
        CREATE TABLE procedure (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL DEFAULT '',
            field TEXT NOT NULL DEFAULT '',
            online_level TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE received_file (
            id INTEGER PRIMARY KEY,
            sha256 TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            size INTEGER NOT NULL,
            office_id INTEGER REFERENCES office(id),
            period_kind TEXT NOT NULL,
            period_start TEXT NOT NULL,
            period_end TEXT NOT NULL,
            generated_at TEXT NOT NULL DEFAULT '',
            app_version TEXT NOT NULL DEFAULT '',
            format_version INTEGER NOT NULL,
            consolidated INTEGER NOT NULL DEFAULT 0,
            sessions INTEGER NOT NULL DEFAULT 0,
            procedures INTEGER NOT NULL DEFAULT 0,
            tombstones INTEGER NOT NULL DEFAULT 0,
            new_sessions INTEGER NOT NULL DEFAULT 0,
            replaced_sessions INTEGER NOT NULL DEFAULT 0,
            kept_sessions INTEGER NOT NULL DEFAULT 0,
            voided_sessions INTEGER NOT NULL DEFAULT 0,
            prev_totals TEXT NOT NULL DEFAULT '',
            ingested_at TEXT NOT NULL,
            ingested_by TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX idx_file_period ON received_file (period_start, period_end, office_id);
        CREATE TABLE session (
            id INTEGER PRIMARY KEY,
            uuid BLOB NOT NULL UNIQUE,
            office_id INTEGER NOT NULL REFERENCES office(id),
            started_at TEXT NOT NULL,
            minutes INTEGER NOT NULL,
            officer_id INTEGER REFERENCES label(id),
            counter_id INTEGER REFERENCES label(id),
            channel_id INTEGER REFERENCES label(id),
            portal_id INTEGER REFERENCES label(id),
            applicant_id INTEGER REFERENCES label(id),
            elderly INTEGER NOT NULL DEFAULT 2,
            ethnic_minority INTEGER NOT NULL DEFAULT 2,
            disability INTEGER NOT NULL DEFAULT 2,
            self_reliance_id INTEGER REFERENCES label(id),
            satisfaction_id INTEGER REFERENCES label(id),
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL DEFAULT '',
            exported_at TEXT NOT NULL DEFAULT '',
            file_id INTEGER NOT NULL REFERENCES received_file(id),
            voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1))
        );
        CREATE INDEX idx_session_started ON session (started_at, office_id);
        CREATE TABLE session_help (
            session_id INTEGER NOT NULL REFERENCES session(id),
            label_id INTEGER NOT NULL REFERENCES label(id),
            PRIMARY KEY (session_id, label_id)
        ) WITHOUT ROWID;
        CREATE TABLE session_procedure (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES session(id),
            position INTEGER NOT NULL DEFAULT 0,
            procedure_id INTEGER NOT NULL REFERENCES procedure(id),
            outcome_id INTEGER REFERENCES label(id),
            dossier_code TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX idx_sp_session ON session_procedure (session_id);
        CREATE TABLE procedure_barrier (
            session_procedure_id INTEGER NOT NULL REFERENCES session_procedure(id),
            label_id INTEGER NOT NULL REFERENCES label(id),
            PRIMARY KEY (session_procedure_id, label_id)
        ) WITHOUT ROWID;
        CREATE TABLE tombstone (
            uuid BLOB PRIMARY KEY,
            office_id INTEGER NOT NULL REFERENCES office(id),
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL DEFAULT '',
            file_id INTEGER NOT NULL REFERENCES received_file(id)
        );
        CREATE TABLE store_setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )
    db.execute("PRAGMA user_version = 1")


@migrations(name="p002_storage_meta")
def p002_storage_meta(db: Database) -> None:
    """The storage layer's bookkeeping, as in the office's file: a counter of committed
    write transactions (the store's backups are ordered by it, not by the PC clock) and
    the note of the last recovery."""
    db.executescript(
        """
        CREATE TABLE storage_meta (
            key TEXT PRIMARY KEY,
            value
        );
        INSERT INTO storage_meta (key, value) VALUES ('writes', 0);
        """
    )
    db.execute("PRAGMA user_version = 2")


PROVINCE_SCHEMA = Schema(MIGRATION_SET, migrations)
