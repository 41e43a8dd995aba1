"""The half-filled session form, kept in the ``setting`` table so a crash loses nothing."""

from __future__ import annotations

from typing import Any

from counter_app.services.offices import OfficeService
from counter_app.storage.database import Store

DRAFT_KEY = "draft.session_form"


class DraftService:
    def __init__(self, store: Store, key: str = DRAFT_KEY):
        self.offices = OfficeService(store)
        self.store = store
        self.key = key

    def save(self, draft: dict[str, Any]) -> None:
        self.offices.set_setting(self.key, draft)

    def load(self) -> dict[str, Any] | None:
        value = self.offices.get_setting(self.key)
        return value if isinstance(value, dict) and value else None

    def discard(self) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM setting WHERE key = ?", [self.key])
