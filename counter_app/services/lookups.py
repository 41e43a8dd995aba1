"""Editable lookup lists (help types, barriers, channels, portals, groups…)."""

from __future__ import annotations

from counter_app.domain.models import LookupKind, LookupValue
from counter_app.domain.text import nfc, same_label
from counter_app.i18n import tr
from counter_app.storage.database import Store


class LookupService:
    def __init__(self, store: Store):
        self.store = store

    def values(self, kind: LookupKind | str, include_retired: bool = False) -> list[LookupValue]:
        kind = LookupKind(kind)
        sql = "SELECT * FROM lookup WHERE kind = ?"
        if not include_retired:
            sql += " AND active = 1"
        rows = self.store.db.query(sql + " ORDER BY sort_order, id", [kind.value])
        return [
            LookupValue(
                kind=kind,
                code=r["code"],
                label=r["label"],
                sort_order=r["sort_order"],
                active=bool(r["active"]),
                id=r["id"],
            )
            for r in rows
        ]

    def id_for(self, kind: LookupKind | str, code: str) -> int:
        row = self.store.db.execute(
            "SELECT id FROM lookup WHERE kind = ? AND code = ?", [LookupKind(kind).value, code]
        ).fetchone()
        if row is None:
            raise KeyError((kind, code))
        return row[0]

    def labels(self) -> dict[int, str]:
        """Every value ever defined, retired ones included: old records stay readable."""
        return {r[0]: r[1] for r in self.store.db.execute("SELECT id, label FROM lookup")}

    def add(self, kind: LookupKind | str, label: str, code: str | None = None) -> LookupValue:
        """A new value at the end of its list. Reports count by label, so a label the
        list already has is refused (ValueError with a Vietnamese message)."""
        kind = LookupKind(kind)
        label = nfc(label)
        if not label:
            raise ValueError(tr("The value needs a name."))
        if any(same_label(v.label, label) for v in self.values(kind, include_retired=True)):
            raise ValueError(tr("This value is already in the list."))
        with self.store.transaction() as db:
            order = db.execute(
                "SELECT coalesce(max(sort_order), -1) + 1 FROM lookup WHERE kind = ?",
                [kind.value],
            ).fetchone()[0]
            cur = db.execute(
                "INSERT INTO lookup (kind, code, label, sort_order) VALUES (?, ?, ?, ?)",
                [kind.value, code or f"custom_{order}", label, order],
            )
        return LookupValue(kind, code or f"custom_{order}", label, order, True, cur.lastrowid)

    def rename(self, value_id: int, label: str) -> None:
        """New label for a value. Reports count by label, so a label another value of the
        same list already has would silently add the two together; an empty one would
        read as "not recorded". Both are refused (ValueError, Vietnamese message)."""
        label = nfc(label)
        if not label:
            raise ValueError(tr("The value needs a name."))
        with self.store.transaction() as db:
            row = db.execute("SELECT kind FROM lookup WHERE id = ?", [value_id]).fetchone()
            if row is None:
                raise KeyError(value_id)
            for (other,) in db.execute(
                "SELECT label FROM lookup WHERE kind = ? AND id <> ?", [row[0], value_id]
            ):
                if same_label(other, label):
                    raise ValueError(tr("Another value in this list already has this name."))
            db.execute("UPDATE lookup SET label = ? WHERE id = ?", [label, value_id])

    def set_active(self, value_id: int, active: bool) -> None:
        """Retire (hide from pickers) or restore; nothing is deleted. Outcomes are what
        the reports count by, so they are renamed, never retired."""
        with self.store.transaction() as db:
            row = db.execute("SELECT kind FROM lookup WHERE id = ?", [value_id]).fetchone()
            if not active and row is not None and row[0] == LookupKind.OUTCOME.value:
                raise ValueError(
                    tr(
                        "Outcomes are used by the reports and cannot be retired; "
                        "rename them instead."
                    )
                )
            db.execute("UPDATE lookup SET active = ? WHERE id = ?", [int(active), value_id])
