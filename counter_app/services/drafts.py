"""The half-filled session form, kept in the ``setting`` table so a crash loses nothing.

Each officer has their own draft: after "Change user" or a crash, the next person at the
counter is not offered a colleague's half-entered session (accepting it would save that
session under the wrong officer and drop it for its owner)."""

from __future__ import annotations

from typing import Any

from counter_app.services import settings
from counter_app.storage.database import Store

PERSONAL_FIELDS = ("citizen_name", "citizen_phone", "citizen_id_number")


class DraftService:
    """The draft of one officer; with nobody signed in (``None``) nothing is kept."""

    def __init__(self, store: Store, officer_id: int | None):
        self.store = store
        self.setting = settings.DRAFTS.of(officer_id) if officer_id is not None else None

    def save(self, draft: dict[str, Any]) -> None:
        if self.setting is not None:
            self.setting.set(self.store, draft)

    def load(self) -> dict[str, Any] | None:
        return (self.setting.get(self.store) or None) if self.setting is not None else None

    def discard(self) -> None:
        if self.setting is not None:
            self.setting.clear(self.store)


def purge_personal_before(store: Store, cutoff: str) -> int:
    """Blank citizen name, phone and ID number in drafts begun before ``cutoff`` (ISO):
    a draft left by an officer who never signed in again must not keep them for ever."""
    changed = {}
    for key, draft in settings.DRAFTS.all(store):
        began = draft.get("first_input_at") if isinstance(draft, dict) else None
        if (
            isinstance(began, str)
            and began < cutoff
            and any(draft.get(name) for name in PERSONAL_FIELDS)
        ):
            changed[key] = {**draft, **{name: "" for name in PERSONAL_FIELDS}}
    if changed:
        settings.DRAFTS.replace(store, changed)
    return len(changed)
