"""The schema, as an ordered list of sqlite-utils migrations.

Rules: a migration is never edited once released; add a new one. Each migration sets
``PRAGMA user_version`` to its position, so an older app can tell a newer file apart
and refuse it untouched (see ``database.open_store``).
"""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from counter_app.storage import seed

MIGRATION_SET = "counter_app"
migrations = Migrations(MIGRATION_SET)


def _set_version(db: Database, version: int) -> None:
    db.execute(f"PRAGMA user_version = {int(version)}")


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


@migrations(name="m004_storage_meta")
def m004_storage_meta(db: Database) -> None:
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
    _set_version(db, 4)


SCHEMA_VERSION = len(migrations._migrations)
KNOWN_MIGRATIONS = frozenset(m.name for m in migrations._migrations)
