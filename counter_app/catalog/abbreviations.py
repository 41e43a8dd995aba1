"""Search abbreviations officers type ("dk" → đăng ký, "bhyt" → bảo hiểm y tế): data."""

from __future__ import annotations

from dataclasses import dataclass

from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.text import fold, nfc
from counter_app.domain.validation import FieldError, ValidationError
from counter_app.i18n import tr
from counter_app.storage.database import Store


@dataclass
class Abbreviation:
    short: str
    expansion: str
    active: bool = True
    id: int | None = None


class AbbreviationService:
    def __init__(self, store: Store):
        self.store = store

    def list(self, include_retired: bool = True) -> list[Abbreviation]:
        where = "" if include_retired else "WHERE active = 1"
        rows = self.store.db.execute(
            f"SELECT id, short, expansion, active FROM abbreviation {where}"
        ).fetchall()
        items = [Abbreviation(r[1], r[2], bool(r[3]), r[0]) for r in rows]
        return sorted(items, key=lambda a: (vietnamese_key(a.short), vietnamese_key(a.expansion)))

    def add(self, short: str, expansion: str) -> Abbreviation:
        """Add (or switch back on) an abbreviation; folded, so "ĐK" and "dk" are one."""
        key = fold(nfc(short)).replace(" ", "")
        text = nfc(expansion)
        errors = []
        if not key or not key.isalnum():
            errors.append(
                FieldError(
                    "short",
                    tr('An abbreviation is one short word of letters or digits, such as "dk".'),
                )
            )
        if not text or fold(text).replace(" ", "") == key:
            errors.append(
                FieldError(
                    "expansion", tr('Write what the abbreviation stands for, such as "đăng ký".')
                )
            )
        if errors:
            raise ValidationError(errors)
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO abbreviation (short, expansion, active) VALUES (?, ?, 1) "
                "ON CONFLICT(short, expansion) DO UPDATE SET active = 1",
                [key, text],
            )
            row_id = db.execute(
                "SELECT id FROM abbreviation WHERE short = ? AND expansion = ?", [key, text]
            ).fetchone()[0]
        return Abbreviation(key, text, True, row_id)

    def set_active(self, abbreviation_id: int, active: bool) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE abbreviation SET active = ? WHERE id = ?", [int(active), abbreviation_id]
            )
