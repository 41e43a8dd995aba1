"""Personal data retention: blank citizen name, phone and ID number after N days.

docs/PRODUCT.md §4: personal data is optional, minimised and purged after a retention
period the supervisor sets. A purge writes one audit row (how many sessions, up to which date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from counter_app.i18n import tr
from counter_app.services import settings
from counter_app.services.audit import write_audit
from counter_app.storage import backup
from counter_app.storage.database import Store

# A session still holding personal fields, and one whose note may hold a phone, an ID
# number or an e-mail (SQLite has no regular expressions: a digit or an "@").
PERSONAL = "(citizen_name <> '' OR citizen_phone <> '' OR citizen_id_number <> '')"
NOTE_MAY_HOLD = "(note <> '' AND (note GLOB '*[0-9]*' OR instr(note, '@') > 0))"


@dataclass(frozen=True)
class PrivacySettings:
    personal_fields: bool
    retention_days: int


def load_settings(store: Store) -> PrivacySettings:
    return PrivacySettings(settings.PERSONAL_FIELDS.get(store), settings.RETENTION_DAYS.get(store))


def save_settings(store: Store, privacy: PrivacySettings) -> None:
    if privacy.retention_days < 1:
        raise ValueError("retention must be at least one day")
    with store.transaction():
        settings.PERSONAL_FIELDS.set(store, bool(privacy.personal_fields))
        settings.RETENTION_DAYS.set(store, int(privacy.retention_days))


def retention_cutoff(retention_days: int, now: datetime) -> datetime:
    """Sessions that started before this moment keep no personal data."""
    return now.replace(microsecond=0) - timedelta(days=int(retention_days))


def purge_personal_data(
    store: Store,
    retention_days: int,
    actor_id: int | None = None,
    clock: Callable[[], datetime] = datetime.now,
    since: str | None = None,
) -> int:
    """Blank personal fields of sessions older than ``retention_days`` and mask phone,
    ID and e-mail typed into their notes; returns the count (fields blanked + notes
    masked).

    ``since`` limits the scan to sessions that started at or after it (the previous
    cutoff): the automatic purge at start then reads a day's rows, not the whole table.
    """
    now = clock().replace(microsecond=0)
    cutoff = retention_cutoff(retention_days, now).isoformat(timespec="seconds")
    where, params = "started_at < ?", [cutoff]
    if since:
        where += " AND started_at >= ?"
        params.append(since)
    with store.transaction() as db:
        return purge_where(
            db, where, params, actor_id=actor_id, cutoff=cutoff, days=retention_days, now=now
        )


def purge_where(
    db,
    where: str,
    params: list,
    *,
    actor_id: int | None,
    cutoff: str,
    days: int,
    now: datetime,
) -> int:
    """Inside the caller's transaction: blank the personal fields of the sessions
    ``where`` selects and mask what their notes hold, with one audit row; the count
    (fields blanked + notes masked). The whole purge at once (Settings) and the window's
    batches after sign-in both come here, so both apply the same rule."""
    n = db.execute(
        f"UPDATE session SET citizen_name = '', citizen_phone = '', "
        f"citizen_id_number = '' WHERE {where} AND {PERSONAL}",
        params,
    ).rowcount
    notes = scrub_notes(db, where, params)
    n += notes
    if n:
        write_audit(
            db,
            officer_id=actor_id,
            entity="privacy",
            entity_key="session",
            action="purge_personal_data",
            before=None,
            after={
                "sessions": n,
                "notes_masked": notes,
                "started_before": cutoff,
                "retention_days": int(days),
            },
            reason="retention",
            at=now,
        )
    return n


def scrub_notes(db, where: str, params: list[str]) -> int:
    """Mask phone numbers, CCCD/CMND numbers and e-mails officers typed into the notes of
    the sessions ``where`` selects (and in their folded search text); the count changed."""
    from counter_app.domain.masking import mask_personal

    rows = db.execute(
        f"SELECT id, note, search_text FROM session WHERE {where} AND {NOTE_MAY_HOLD}",
        params,
    ).fetchall()
    changed = [
        (mask_personal(note), mask_personal(search), sid)
        for sid, note, search in rows
        if mask_personal(note) != note
    ]
    db.conn.executemany("UPDATE session SET note = ?, search_text = ? WHERE id = ?", changed)
    return len(changed)


def backup_schedule_note() -> str:
    """How backups are kept, in numbers taken from the rotation itself."""
    return tr(
        "Backups are taken on exit, every 30 minutes when something changed and before "
        "each upgrade. The newest {latest} are kept, then one a day for {days} days, one a "
        "week for {weeks} weeks and one a month for {months} months; older copies hold only "
        "the pages that changed, compressed."
    ).format(
        latest=backup.KEEP_LATEST,
        days=backup.KEEP_DAILY,
        weeks=backup.KEEP_WEEKLY,
        months=backup.KEEP_MONTHLY,
    )


def backup_retention_note() -> str:
    """What the purge does NOT reach, said plainly: backups are not rewritten (a backup
    must stay exactly what it was to be trusted), so a copy taken before a purge keeps
    the personal fields until the rotation deletes it."""
    return tr(
        "Deleting personal data does not change backups already taken: a backup made "
        "before keeps the names, phone and ID numbers it held until it is deleted by the "
        "rotation — at most {months} months later. Keep copied backups (USB, server) as "
        "safe as the data itself."
    ).format(months=backup.KEEP_MONTHLY + 1)


def mask(value: str) -> str:
    """Show only the last 3 characters: enough to recognise, not to copy."""
    if not value:
        return ""
    return "•" * max(len(value) - 3, 3) + value[-3:]
