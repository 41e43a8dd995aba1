"""Supervisor edits of the catalogue: browse by field, add/edit, retire/restore, favourites.

Nothing is deleted: a retired procedure is hidden from the pickers and stays in every
session and report that used it. Edited rows are marked ``source = 'local'`` so a later
built-in update never overwrites a supervisor's wording.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlite_utils import Database

from counter_app.catalog.import_rows import normalise_code
from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.text import fold, nfc
from counter_app.domain.validation import FieldError, ValidationError
from counter_app.i18n import tr
from counter_app.services.audit import write_audit
from counter_app.storage.database import Store

_SORT_KEYS: dict[str, tuple] = {}


@dataclass
class CatalogueEntry:
    code: str
    name: str
    field: str = ""
    level: str = ""
    online_level: str = ""
    full_code: str = ""
    active: bool = True
    favourite: bool = False
    source: str = "local"


def name_key(name: str) -> tuple:
    """Cached Vietnamese sort key (the screen re-sorts thousands of names)."""
    key = _SORT_KEYS.get(name)
    if key is None:
        if len(_SORT_KEYS) > 50_000:
            _SORT_KEYS.clear()
        key = _SORT_KEYS[name] = vietnamese_key(name)
    return key


class ProcedureService:
    def __init__(self, store: Store):
        self.store = store

    def fields(self, include_retired: bool = False) -> list[tuple[str, int]]:
        """(field, number of procedures) in Vietnamese order."""
        where = "" if include_retired else "WHERE active = 1"
        rows = self.store.db.execute(
            f"SELECT field, count(*) FROM procedure {where} GROUP BY field"
        ).fetchall()
        return sorted(((f, n) for f, n in rows), key=lambda r: name_key(r[0]))

    def browse(
        self,
        field: str | None = None,
        *,
        include_retired: bool = False,
        favourites_only: bool = False,
        codes: list[str] | None = None,
    ) -> list[CatalogueEntry]:
        """Procedures filtered in SQL, sorted by name in Vietnamese order."""
        clauses, params = [], []
        if field is not None:
            clauses.append("field = ?")
            params.append(field)
        if not include_retired:
            clauses.append("active = 1")
        if favourites_only:
            clauses.append("favourite = 1")
        if codes is not None:
            if not codes:
                return []
            clauses.append(f"code IN ({', '.join('?' for _ in codes)})")
            params.extend(codes)
        where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
        rows = self.store.db.execute(
            "SELECT code, name, field, level, online_level, full_code, active, favourite, "
            f"source FROM procedure {where}",
            params,
        ).fetchall()
        entries = [
            CatalogueEntry(r[0], r[1], r[2], r[3], r[4], r[5], bool(r[6]), bool(r[7]), r[8])
            for r in rows
        ]
        if codes is not None:
            order = {c: i for i, c in enumerate(codes)}
            return sorted(entries, key=lambda e: order[e.code])
        return sorted(entries, key=lambda e: name_key(e.name))

    def names(self, codes: list[str]) -> dict[str, str]:
        """{code: name} of the given codes that exist (retired ones included)."""
        if not codes:
            return {}
        marks = ", ".join("?" for _ in codes)
        rows = self.store.db.execute(
            f"SELECT code, name FROM procedure WHERE code IN ({marks})", list(codes)
        )
        return {r[0]: r[1] for r in rows}

    def get(self, code: str) -> CatalogueEntry | None:
        found = self.browse(codes=[code], include_retired=True)
        return found[0] if found else None

    def usage_count(self, code: str) -> int:
        return self.store.db.execute(
            "SELECT count(*) FROM session_procedure WHERE procedure_code = ?", [code]
        ).fetchone()[0]

    def validate(self, entry: CatalogueEntry, is_new: bool) -> list[FieldError]:
        errors = []
        codes = normalise_code(entry.code)
        if codes is None:
            errors.append(FieldError("code", tr("The code must look like 1.001193.")))
        elif is_new and self.get(codes[0]) is not None:
            errors.append(
                FieldError(
                    "code", tr("Code {code} is already in the catalogue.").format(code=codes[0])
                )
            )
        if not nfc(entry.name):
            errors.append(FieldError("name", tr("The procedure needs a name.")))
        return errors

    def save(
        self, entry: CatalogueEntry, *, is_new: bool, officer_id: int | None = None
    ) -> CatalogueEntry:
        """Add a local procedure or edit one (the code is the identity: never changed)."""
        errors = self.validate(entry, is_new)
        if errors:
            raise ValidationError(errors)
        code, full_code = normalise_code(entry.code)  # type: ignore[misc]
        before = None if is_new else self.get(code)
        if not is_new and before is None:
            raise ValidationError(
                [FieldError("code", tr("Code {code} is not in the catalogue.").format(code=code))]
            )
        saved = _as_saved(entry, code, full_code, before)
        with self.store.transaction() as db:
            if is_new:
                _insert(db, saved)
            else:
                _update(db, saved)
            write_audit(
                db,
                officer_id=officer_id,
                entity="procedure",
                entity_key=code,
                action="create" if is_new else "update",
                before=asdict(before) if before else None,
                after=asdict(saved),
            )
        return saved

    def set_active(self, code: str, active: bool, officer_id: int | None = None) -> None:
        """Retire (hidden from pickers, kept for history) or restore a procedure."""
        with self.store.transaction() as db:
            db.execute(
                "UPDATE procedure SET active = ?, updated_at = strftime("
                "'%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE code = ?",
                [int(active), code],
            )
            write_audit(
                db,
                officer_id=officer_id,
                entity="procedure",
                entity_key=code,
                action="restore" if active else "retire",
                before=None,
                after=None,
            )

    def set_favourite(self, code: str, favourite: bool) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE procedure SET favourite = ? WHERE code = ?", [int(favourite), code])


def _as_saved(
    entry: CatalogueEntry, code: str, full_code: str, before: CatalogueEntry | None
) -> CatalogueEntry:
    """The row as stored: NFC text, marked local; a plain code keeps a known suffix."""
    return CatalogueEntry(
        code=code,
        name=nfc(entry.name),
        field=nfc(entry.field),
        level=nfc(entry.level),
        online_level=nfc(entry.online_level),
        full_code=full_code if full_code != code or before is None else before.full_code,
        active=before.active if before else True,
        favourite=entry.favourite,
        source="local",
    )


def _insert(db: Database, saved: CatalogueEntry) -> None:
    db.execute(
        "INSERT INTO procedure (code, full_code, name, name_folded, field, level, "
        "online_level, active, favourite, source) VALUES (?, ?, ?, ?, ?, ?, ?, 1, "
        "?, 'local')",
        [
            saved.code,
            saved.full_code,
            saved.name,
            fold(saved.name),
            saved.field,
            saved.level,
            saved.online_level,
            int(saved.favourite),
        ],
    )


def _update(db: Database, saved: CatalogueEntry) -> None:
    db.execute(
        "UPDATE procedure SET full_code = ?, name = ?, name_folded = ?, field = ?, "
        "level = ?, online_level = ?, favourite = ?, source = 'local', "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%S', 'now', 'localtime') "
        "WHERE code = ?",
        [
            saved.full_code,
            saved.name,
            fold(saved.name),
            saved.field,
            saved.level,
            saved.online_level,
            int(saved.favourite),
            saved.code,
        ],
    )
