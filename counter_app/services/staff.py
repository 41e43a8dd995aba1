"""Editing counters and officers (rename, role, retire) — the Settings screen's needs.

OfficeService only adds; these updates are kept here so the core service stays untouched
(see the screens issue report: they may move into OfficeService).
"""

from __future__ import annotations

from counter_app.domain.models import Role
from counter_app.domain.text import nfc
from counter_app.storage.database import Store


class StaffService:
    def __init__(self, store: Store):
        self.store = store

    def rename_counter(self, counter_id: int, name: str) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE counter SET name = ? WHERE id = ?", [nfc(name), counter_id])

    def set_counter_active(self, counter_id: int, active: bool) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE counter SET active = ? WHERE id = ?", [int(active), counter_id])

    def update_officer(self, officer_id: int, name: str, role: Role) -> None:
        with self.store.transaction() as db:
            db.execute(
                "UPDATE officer SET name = ?, role = ? WHERE id = ?",
                [nfc(name), Role(role).value, officer_id],
            )

    def set_officer_active(self, officer_id: int, active: bool) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE officer SET active = ? WHERE id = ?", [int(active), officer_id])
