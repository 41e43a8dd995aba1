"""Personal data retention: blank citizen name, phone and ID number after N days.

DESIGN.md §4: personal data is optional, minimised and purged after a retention period
the supervisor sets. A purge writes one audit row (how many sessions, up to which date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from counter_app.services.audit import write_audit
from counter_app.services.offices import OfficeService
from counter_app.storage.database import Store

ENABLED_KEY = "privacy.personal_fields"
RETENTION_KEY = "privacy.retention_days"
DEFAULT_RETENTION_DAYS = 90


@dataclass(frozen=True)
class PrivacySettings:
    personal_fields: bool
    retention_days: int


def load_settings(store: Store) -> PrivacySettings:
    offices = OfficeService(store)
    return PrivacySettings(
        bool(offices.get_setting(ENABLED_KEY, False)),
        int(offices.get_setting(RETENTION_KEY, DEFAULT_RETENTION_DAYS)),
    )


def save_settings(store: Store, settings: PrivacySettings) -> None:
    if settings.retention_days < 1:
        raise ValueError("retention must be at least one day")
    offices = OfficeService(store)
    offices.set_setting(ENABLED_KEY, bool(settings.personal_fields))
    offices.set_setting(RETENTION_KEY, int(settings.retention_days))


def purge_personal_data(
    store: Store,
    retention_days: int,
    actor_id: int | None = None,
    clock: Callable[[], datetime] = datetime.now,
) -> int:
    """Blank personal fields of sessions older than ``retention_days``; returns the count."""
    now = clock().replace(microsecond=0)
    cutoff = (now - timedelta(days=int(retention_days))).isoformat(timespec="seconds")
    personal = "(citizen_name <> '' OR citizen_phone <> '' OR citizen_id_number <> '')"
    with store.transaction() as db:
        n = db.execute(
            f"UPDATE session SET citizen_name = '', citizen_phone = '', "
            f"citizen_id_number = '' WHERE started_at < ? AND {personal}",
            [cutoff],
        ).rowcount
        if n:
            write_audit(db, officer_id=actor_id, entity="privacy", entity_key="session",
                        action="purge_personal_data", before=None,
                        after={"sessions": n, "started_before": cutoff,
                               "retention_days": int(retention_days)},
                        reason="retention", at=now)
    return n


def mask(value: str) -> str:
    """Show only the last 3 characters: enough to recognise, not to copy."""
    if not value:
        return ""
    return "•" * max(len(value) - 3, 3) + value[-3:]
