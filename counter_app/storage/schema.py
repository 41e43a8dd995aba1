"""The schema, as an ordered list of sqlite-utils migrations.

Rules: a migration is never edited once released; add a new one. Each migration sets
``PRAGMA user_version`` to its position, so an older app can tell a newer file apart
and refuse it untouched (see ``database.open_store``).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from counter_app.storage import seed

MIGRATION_SET = "counter_app"
migrations = Migrations(MIGRATION_SET)


def _set_version(db: Database, version: int) -> None:
    """Never lowers it: a migration that runs after later ones (a file written by a
    build whose migrations were numbered differently) leaves the highest number."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    db.execute(f"PRAGMA user_version = {max(int(version), int(current))}")


@migrations(name="m001_initial")
def m001_initial(db: Database) -> None:
    db.executescript(
        """
        CREATE TABLE office (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            province TEXT NOT NULL DEFAULT '',
            parent_body TEXT NOT NULL DEFAULT ''
        );
        CREATE TABLE counter (
            id INTEGER PRIMARY KEY,
            office_id INTEGER NOT NULL REFERENCES office(id),
            name TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            UNIQUE (office_id, name)
        );
        CREATE TABLE officer (
            id INTEGER PRIMARY KEY,
            office_id INTEGER NOT NULL REFERENCES office(id),
            name TEXT NOT NULL,
            role TEXT NOT NULL DEFAULT 'officer' CHECK (role IN ('officer', 'supervisor')),
            pin_hash TEXT,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
        );
        CREATE TABLE procedure (
            code TEXT PRIMARY KEY,
            full_code TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL,
            field TEXT NOT NULL DEFAULT '',
            level TEXT NOT NULL DEFAULT '',
            online_level TEXT NOT NULL DEFAULT '',
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            favourite INTEGER NOT NULL DEFAULT 0 CHECK (favourite IN (0, 1)),
            source TEXT NOT NULL DEFAULT 'builtin',
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
        );
        CREATE TABLE lookup (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            code TEXT NOT NULL,
            label TEXT NOT NULL,
            sort_order INTEGER NOT NULL DEFAULT 0,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            UNIQUE (kind, code)
        );
        CREATE TABLE session (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            office_id INTEGER NOT NULL REFERENCES office(id),
            counter_id INTEGER NOT NULL REFERENCES counter(id),
            officer_id INTEGER NOT NULL REFERENCES officer(id),
            started_at TEXT NOT NULL,
            ended_at TEXT NOT NULL,
            minutes INTEGER NOT NULL CHECK (minutes BETWEEN 1 AND 480),
            backdated_reason TEXT NOT NULL DEFAULT '',
            channel_id INTEGER REFERENCES lookup(id),
            portal_id INTEGER REFERENCES lookup(id),
            applicant_type_id INTEGER REFERENCES lookup(id),
            elderly TEXT NOT NULL DEFAULT 'unknown'
                CHECK (elderly IN ('yes', 'no', 'unknown')),
            ethnic_minority TEXT NOT NULL DEFAULT 'unknown'
                CHECK (ethnic_minority IN ('yes', 'no', 'unknown')),
            disability TEXT NOT NULL DEFAULT 'unknown'
                CHECK (disability IN ('yes', 'no', 'unknown')),
            self_reliance_id INTEGER REFERENCES lookup(id),
            satisfaction_id INTEGER REFERENCES lookup(id),
            note TEXT NOT NULL DEFAULT '',
            search_text TEXT NOT NULL DEFAULT '',
            citizen_name TEXT NOT NULL DEFAULT '',
            citizen_phone TEXT NOT NULL DEFAULT '',
            citizen_id_number TEXT NOT NULL DEFAULT '',
            voided INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
            void_reason TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES officer(id),
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_session_started ON session (started_at);
        CREATE INDEX idx_session_officer ON session (officer_id, started_at);
        CREATE INDEX idx_session_counter ON session (counter_id, started_at);
        CREATE TABLE session_procedure (
            id INTEGER PRIMARY KEY,
            session_id INTEGER NOT NULL REFERENCES session(id),
            position INTEGER NOT NULL DEFAULT 0,
            procedure_code TEXT NOT NULL REFERENCES procedure(code),
            outcome_id INTEGER REFERENCES lookup(id),
            dossier_code TEXT NOT NULL DEFAULT '',
            UNIQUE (session_id, procedure_code)
        );
        CREATE INDEX idx_sp_procedure ON session_procedure (procedure_code, session_id);
        CREATE INDEX idx_sp_outcome ON session_procedure (outcome_id, session_id);
        CREATE TABLE session_procedure_barrier (
            session_procedure_id INTEGER NOT NULL REFERENCES session_procedure(id),
            barrier_id INTEGER NOT NULL REFERENCES lookup(id),
            PRIMARY KEY (session_procedure_id, barrier_id)
        ) WITHOUT ROWID;
        CREATE TABLE session_help (
            session_id INTEGER NOT NULL REFERENCES session(id),
            help_type_id INTEGER NOT NULL REFERENCES lookup(id),
            PRIMARY KEY (session_id, help_type_id)
        ) WITHOUT ROWID;
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            officer_id INTEGER REFERENCES officer(id),
            entity TEXT NOT NULL,
            entity_key TEXT NOT NULL,
            action TEXT NOT NULL,
            before_json TEXT,
            after_json TEXT,
            reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX idx_audit_entity ON audit (entity, entity_key);
        CREATE TABLE setting (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        """
    )
    seed.seed_lookups(db)
    _set_version(db, 1)


@migrations(name="m002_procedure_search")
def m002_procedure_search(db: Database) -> None:
    """Folded name for diacritic-insensitive search; the built-in catalogue loaded."""
    db.execute("ALTER TABLE procedure ADD COLUMN name_folded TEXT NOT NULL DEFAULT ''")
    seed.load_builtin_catalogue(db)
    _set_version(db, 2)


@migrations(name="m003_catalogue")
def m003_catalogue(db: Database) -> None:
    """Catalogue tables: editable search abbreviations and bundles (liên thông)."""
    db.executescript(
        """
        CREATE TABLE abbreviation (
            id INTEGER PRIMARY KEY,
            short TEXT NOT NULL,
            expansion TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            UNIQUE (short, expansion)
        );
        CREATE TABLE bundle (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            sort_order INTEGER NOT NULL DEFAULT 0,
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime'))
        );
        CREATE TABLE bundle_item (
            bundle_id INTEGER NOT NULL REFERENCES bundle(id),
            position INTEGER NOT NULL DEFAULT 0,
            procedure_code TEXT NOT NULL REFERENCES procedure(code),
            PRIMARY KEY (bundle_id, procedure_code)
        ) WITHOUT ROWID;
        CREATE INDEX idx_procedure_field ON procedure (field);
        """
    )
    abbreviations = [
        ("dk", "đăng ký"),
        ("gcn", "giấy chứng nhận"),
        ("ks", "khai sinh"),
        ("kt", "khai tử"),
        ("kh", "kết hôn"),
        ("tt", "thường trú"),
        ("tt", "tạm trú"),
        ("bhxh", "bảo hiểm xã hội"),
        ("bhyt", "bảo hiểm y tế"),
        ("cccd", "căn cước công dân"),
        ("cccd", "căn cước"),
        ("cmnd", "chứng minh nhân dân"),
        ("qsdd", "quyền sử dụng đất"),
        ("qsd", "quyền sử dụng"),
        ("ct", "chứng thực"),
        ("xn", "xác nhận"),
        ("gp", "giấy phép"),
        ("hkd", "hộ kinh doanh"),
        ("dn", "doanh nghiệp"),
        ("ytnn", "yếu tố nước ngoài"),
        ("nn", "nước ngoài"),
        ("tthc", "thủ tục hành chính"),
        ("tthn", "tình trạng hôn nhân"),
        ("ncc", "người có công"),
        ("btxh", "bảo trợ xã hội"),
        ("tc", "trợ cấp"),
        ("hc", "hộ chiếu"),
        ("lltp", "lý lịch tư pháp"),
        ("dd", "đất đai"),
        ("bs", "bản sao"),
        ("ld", "lưu động"),
        ("cn", "chứng nhận"),
    ]
    db.conn.executemany(
        "INSERT OR IGNORE INTO abbreviation (short, expansion) VALUES (?, ?)", abbreviations
    )
    bundles = [
        (
            "Khai sinh – Thường trú – Thẻ BHYT (trẻ em dưới 6 tuổi)",
            ["1.001193", "1.004222", "1.014137"],
        ),
        ("Khai tử – Xóa đăng ký thường trú", ["1.000656", "1.003197"]),
    ]
    for position, (name, codes) in enumerate(bundles):
        present = [
            c for c in codes if db.execute("SELECT 1 FROM procedure WHERE code = ?", [c]).fetchone()
        ]
        if not present:
            continue
        cursor = db.execute("INSERT INTO bundle (name, sort_order) VALUES (?, ?)", [name, position])
        for i, code in enumerate(present):
            db.execute(
                "INSERT INTO bundle_item (bundle_id, position, procedure_code) VALUES (?, ?, ?)",
                [cursor.lastrowid, i, code],
            )
    _set_version(db, 3)


# The full-text rowid of a session: its start (seconds) above, its id below (21 bits):
# ordered like "started_at, id" (ids within one second never differ by 2 million).
_FTS_KEY = "((CAST(strftime('%s', {row}.started_at) AS INTEGER) << 21) | ({row}.id & 2097151))"


@migrations(name="m004_history_indexes")
def m004_history_indexes(db: Database) -> None:
    """History filters that never scan the whole session table.

    - Procedure lines carry their session's start, so a procedure or outcome filter walks
      an index in date order (the page) or counts a range of it (the total) instead of
      testing every session; triggers keep the copy right for any writer.
    - Live sessions (not voided) have their own index: the unfiltered page and count.
    - The folded search text gets a trigram full-text index (substring matches, as the
      LIKE it replaces; the text is folded by the app first, so đ/Đ match d). Its rowid is
      the session's start in seconds with the session id in the low bits
      (``_FTS_KEY``): the index hands out its matches newest first and a page stops after
      its 50 rows, however common the text. A SQLite without FTS5 trigram (older than
      3.34) keeps the LIKE: the table is then absent.
    """
    db.executescript(
        """
        ALTER TABLE session_procedure ADD COLUMN started_at TEXT NOT NULL DEFAULT '';
        UPDATE session_procedure SET started_at =
            (SELECT s.started_at FROM session s WHERE s.id = session_procedure.session_id);
        DROP INDEX idx_sp_procedure;
        DROP INDEX idx_sp_outcome;
        CREATE INDEX idx_sp_procedure ON session_procedure (procedure_code, started_at, session_id);
        CREATE INDEX idx_sp_outcome ON session_procedure (outcome_id, started_at, session_id);
        CREATE INDEX idx_session_live ON session (started_at, id) WHERE voided = 0;
        CREATE TRIGGER trg_sp_started AFTER INSERT ON session_procedure
            WHEN NEW.started_at = ''
        BEGIN
            UPDATE session_procedure SET started_at =
                (SELECT started_at FROM session WHERE id = NEW.session_id)
            WHERE id = NEW.id;
        END;
        CREATE TRIGGER trg_session_started AFTER UPDATE OF started_at ON session
        BEGIN
            UPDATE session_procedure SET started_at = NEW.started_at
            WHERE session_id = NEW.id;
        END;
        """
    )
    try:
        db.execute(
            "CREATE VIRTUAL TABLE session_fts USING fts5(search_text, "
            "session_id UNINDEXED, tokenize='trigram')"
        )
    except sqlite3.OperationalError:  # no FTS5 or no trigram tokenizer in this SQLite
        pass
    else:
        key_new = _FTS_KEY.format(row="NEW")
        key_old = _FTS_KEY.format(row="OLD")
        db.executescript(
            f"""
            CREATE TRIGGER trg_session_fts_insert AFTER INSERT ON session BEGIN
                INSERT INTO session_fts (rowid, search_text, session_id)
                VALUES ({key_new}, NEW.search_text, NEW.id);
            END;
            CREATE TRIGGER trg_session_fts_delete AFTER DELETE ON session BEGIN
                DELETE FROM session_fts WHERE rowid = {key_old};
            END;
            CREATE TRIGGER trg_session_fts_update AFTER UPDATE OF search_text, started_at
            ON session BEGIN
                DELETE FROM session_fts WHERE rowid = {key_old};
                INSERT INTO session_fts (rowid, search_text, session_id)
                VALUES ({key_new}, NEW.search_text, NEW.id);
            END;
            INSERT INTO session_fts (rowid, search_text, session_id)
                SELECT {_FTS_KEY.format(row="session")}, search_text, id FROM session;
            """
        )
    _set_version(db, 4)


# The nine procedures a commune counter guides most (the weights the demo data uses for
# a commune centre): the favourites of a fresh install, so Alt+1…9 work from the first
# session. Shown in Vietnamese name order; supervisors change them in the catalogue.
DEFAULT_FAVOURITES = (
    "1.001193",  # Đăng ký khai sinh
    "1.004222",  # Đăng ký thường trú
    "1.004194",  # Đăng ký tạm trú
    "2.000815",  # Chứng thực bản sao từ bản chính
    "3.000228",  # Tài khoản định danh điện tử mức độ 2
    "1.000656",  # Đăng ký khai tử
    "1.000894",  # Đăng ký kết hôn
    "1.014137",  # Cấp thẻ bảo hiểm y tế
    "2.000635",  # Cấp bản sao trích lục hộ tịch
)


@migrations(name="m005_session_batch")
def m005_session_batch(db: Database) -> None:
    """ "Ghi nhiều lượt": sessions entered together in one action belong to a batch, so
    they can be found and voided together. Each stays a session of its own."""
    db.executescript(
        """
        CREATE TABLE session_batch (
            id INTEGER PRIMARY KEY,
            uuid TEXT NOT NULL UNIQUE,
            counter_id INTEGER NOT NULL REFERENCES counter(id),
            size INTEGER NOT NULL CHECK (size BETWEEN 1 AND 200),
            created_at TEXT NOT NULL,
            created_by INTEGER REFERENCES officer(id)
        );
        ALTER TABLE session ADD COLUMN batch_id INTEGER REFERENCES session_batch(id);
        CREATE INDEX idx_session_batch ON session (batch_id) WHERE batch_id IS NOT NULL;
        """
    )
    _set_version(db, 5)


@migrations(name="m006_default_favourites")
def m006_default_favourites(db: Database) -> None:
    """A fresh install (no session yet, no favourite chosen) starts with the nine most
    common commune procedures as favourites; a file in use is left as its office set it."""
    used = db.execute("SELECT 1 FROM session LIMIT 1").fetchone()
    chosen = db.execute("SELECT 1 FROM procedure WHERE favourite = 1 LIMIT 1").fetchone()
    if not used and not chosen:
        db.execute(
            f"UPDATE procedure SET favourite = 1 WHERE active = 1 AND code IN "
            f"({', '.join('?' for _ in DEFAULT_FAVOURITES)})",
            list(DEFAULT_FAVOURITES),
        )
    _set_version(db, 6)


@migrations(name="m007_storage_meta")
def m007_storage_meta(db: Database) -> None:
    """The storage layer's own bookkeeping: a counter of committed write transactions
    (backups are ordered by it, not by a PC clock that may be wrong) and the note of the
    last recovery."""
    db.executescript(
        """
        CREATE TABLE storage_meta (
            key TEXT PRIMARY KEY,
            value
        );
        INSERT INTO storage_meta (key, value) VALUES ('writes', 0);
        """
    )
    _set_version(db, 7)


SCHEMA_VERSION = len(migrations._migrations)
KNOWN_MIGRATIONS = frozenset(m.name for m in migrations._migrations)


@dataclass(frozen=True)
class Schema:
    """A kind of database file of the app, by its migrations: the office's data file, or
    the province's consolidated store. A file is of this kind when its migration set holds
    the first migration; it is too new when it holds one this build does not know."""

    name: str  # the sqlite-utils migration set
    migrations: Any  # sqlite_utils.migrations.Migrations

    @property
    def known(self) -> frozenset[str]:
        return frozenset(m.name for m in self.migrations._migrations)

    @property
    def version(self) -> int:
        return len(self.migrations._migrations)

    @property
    def first(self) -> str:
        return str(self.migrations._migrations[0].name)


OFFICE_SCHEMA = Schema(MIGRATION_SET, migrations)
