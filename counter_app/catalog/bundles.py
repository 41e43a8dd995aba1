"""Bundles ("liên thông"): named groups of procedures an officer picks with one key.

A bundle is retired, never deleted, so nothing that mentions it disappears.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass, field

from counter_app.catalog.sorting import vietnamese_key
from counter_app.domain.text import nfc
from counter_app.domain.validation import FieldError, ValidationError
from counter_app.i18n import tr
from counter_app.services.audit import write_audit
from counter_app.storage.database import Store


@dataclass
class Bundle:
    id: int | None
    name: str
    codes: list[str] = field(default_factory=list)
    active: bool = True


class BundleService:
    """Read and edit bundles; each save is one short transaction with an audit row."""

    def __init__(self, store: Store):
        self.store = store

    def list(self, include_retired: bool = False) -> list[Bundle]:
        """Bundles in their display order, each with its procedure codes in order."""
        where = "" if include_retired else "WHERE active = 1"
        rows = self.store.db.execute(
            f"SELECT id, name, active FROM bundle {where} ORDER BY sort_order, id"
        ).fetchall()
        items: dict[int, list[str]] = {}
        for bundle_id, code in self.store.db.execute(
            "SELECT bundle_id, procedure_code FROM bundle_item ORDER BY bundle_id, position"
        ):
            items.setdefault(bundle_id, []).append(code)
        bundles = [
            Bundle(bid, name, items.get(bid, []), bool(active)) for bid, name, active in rows
        ]
        return sorted(bundles, key=lambda b: (not b.active, vietnamese_key(b.name)))

    def get(self, bundle_id: int) -> Bundle | None:
        return next((b for b in self.list(include_retired=True) if b.id == bundle_id), None)

    def validate(self, bundle: Bundle) -> builtins.list[FieldError]:
        errors: builtins.list[FieldError] = []
        name = nfc(bundle.name)
        if not name:
            errors.append(FieldError("name", tr("Give the bundle a name.")))
        codes = _unique([nfc(c) for c in bundle.codes if nfc(c)])
        if len(codes) < 2:
            errors.append(FieldError("codes", tr("A bundle needs at least two procedures.")))
        if codes:
            marks = ", ".join("?" for _ in codes)
            known = {
                r[0]
                for r in self.store.db.execute(
                    f"SELECT code FROM procedure WHERE code IN ({marks})", codes
                )
            }
            unknown = [c for c in codes if c not in known]
            if unknown:
                errors.append(
                    FieldError(
                        "codes",
                        tr("Unknown procedure codes: {codes}").format(codes=", ".join(unknown)),
                    )
                )
        clash = self.store.db.execute(
            "SELECT id FROM bundle WHERE name = ? AND active = 1 AND id IS NOT ?",
            [name, bundle.id],
        ).fetchone()
        if name and clash:
            errors.append(FieldError("name", tr("Another bundle already has this name.")))
        return errors

    def save(self, bundle: Bundle, officer_id: int | None = None) -> Bundle:
        """Create or replace a bundle; raises ValidationError with Vietnamese messages."""
        errors = self.validate(bundle)
        if errors:
            raise ValidationError(errors)
        name = nfc(bundle.name)
        codes = _unique([nfc(c) for c in bundle.codes if nfc(c)])
        before = self.get(bundle.id) if bundle.id is not None else None
        with self.store.transaction() as db:
            if bundle.id is None:
                order = db.execute(
                    "SELECT coalesce(max(sort_order), 0) + 1 FROM bundle"
                ).fetchone()[0]
                bundle_id = db.execute(
                    "INSERT INTO bundle (name, sort_order) VALUES (?, ?)", [name, order]
                ).lastrowid
            else:
                bundle_id = bundle.id
                db.execute(
                    "UPDATE bundle SET name = ?, updated_at = strftime("
                    "'%Y-%m-%dT%H:%M:%S', 'now', 'localtime') WHERE id = ?",
                    [name, bundle_id],
                )
                db.execute("DELETE FROM bundle_item WHERE bundle_id = ?", [bundle_id])
            db.conn.executemany(
                "INSERT INTO bundle_item (bundle_id, position, procedure_code) VALUES (?, ?, ?)",
                [(bundle_id, i, c) for i, c in enumerate(codes)],
            )
            write_audit(
                db,
                officer_id=officer_id,
                entity="bundle",
                entity_key=str(bundle_id),
                action="create" if before is None else "update",
                before=_as_dict(before),
                after={"name": name, "codes": codes},
            )
        return Bundle(bundle_id, name, codes, True)

    def set_active(self, bundle_id: int, active: bool, officer_id: int | None = None) -> None:
        """Retire (hide from the pickers) or restore a bundle."""
        with self.store.transaction() as db:
            db.execute("UPDATE bundle SET active = ? WHERE id = ?", [int(active), bundle_id])
            write_audit(
                db,
                officer_id=officer_id,
                entity="bundle",
                entity_key=str(bundle_id),
                action="restore" if active else "retire",
                before=None,
                after=None,
            )

    def retire(self, bundle_id: int, officer_id: int | None = None) -> None:
        self.set_active(bundle_id, False, officer_id)

    def restore(self, bundle_id: int, officer_id: int | None = None) -> None:
        self.set_active(bundle_id, True, officer_id)

    delete = retire  # nothing is hard-deleted: "delete" in a picker means retire


def _unique(codes: list[str]) -> list[str]:
    return list(dict.fromkeys(codes))


def _as_dict(bundle: Bundle | None) -> dict | None:
    return None if bundle is None else {"name": bundle.name, "codes": bundle.codes}
