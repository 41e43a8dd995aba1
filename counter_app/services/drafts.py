"""The half-filled session form, kept in the ``setting`` table so a crash loses nothing.

Each officer has their own draft: after "Change user" or a crash, the next person at the
counter is not offered a colleague's half-entered session (accepting it would save that
session under the wrong officer and drop it for its owner)."""

from __future__ import annotations

import json
from typing import Any

from counter_app.services.offices import OfficeService
from counter_app.storage.database import Store

DRAFT_KEY = "draft.session_form"


class DraftService:
    def __init__(self, store: Store, key: str = DRAFT_KEY, officer_id: int | None = None):
        self.offices = OfficeService(store)
        self.store = store
        self.key = f"{key}.{officer_id}" if officer_id is not None else key
        # A draft written before drafts were per officer is still offered (once).
        self.legacy_key = key if officer_id is not None else None

    def save(self, draft: dict[str, Any]) -> None:
        self.offices.set_setting(self.key, draft)
        if self.legacy_key:
            self._delete(self.legacy_key)

    def load(self) -> dict[str, Any] | None:
        for key in (self.key, self.legacy_key):
            if key:
                value = self.offices.get_setting(key)
                if isinstance(value, dict) and value:
                    return value
        return None

    def discard(self) -> None:
        self._delete(self.key)
        if self.legacy_key:
            self._delete(self.legacy_key)

    def _delete(self, key: str) -> None:
        with self.store.transaction() as db:
            db.execute("DELETE FROM setting WHERE key = ?", [key])


PERSONAL_FIELDS = ("citizen_name", "citizen_phone", "citizen_id_number")


def purge_personal_before(store: Store, cutoff: str) -> int:
    """Blank citizen name, phone and ID number in drafts begun before ``cutoff`` (ISO):
    a draft left by an officer who never signed in again must not keep them for ever."""
    rows = store.db.execute(
        "SELECT key, value FROM setting WHERE key = ? OR key LIKE ?", [DRAFT_KEY, DRAFT_KEY + ".%"]
    ).fetchall()
    changed = {}
    for key, value in rows:
        try:
            draft = json.loads(value)
        except ValueError:
            continue
        began = draft.get("first_input_at") if isinstance(draft, dict) else None
        if (
            isinstance(began, str)
            and began < cutoff
            and any(draft.get(name) for name in PERSONAL_FIELDS)
        ):
            changed[key] = {**draft, **{name: "" for name in PERSONAL_FIELDS}}
    if changed:
        with store.transaction() as db:
            for key, draft in changed.items():
                db.execute(
                    "UPDATE setting SET value = ? WHERE key = ?",
                    [json.dumps(draft, ensure_ascii=False), key],
                )
    return len(changed)
