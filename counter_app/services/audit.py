"""The audit trail: who changed what, when, from what to what, and why."""

from __future__ import annotations

import json
from datetime import datetime

from sqlite_utils import Database

from counter_app.domain.models import AuditEntry


def write_audit(
    db: Database,
    *,
    officer_id: int | None,
    entity: str,
    entity_key: str,
    action: str,
    before: dict | None,
    after: dict | None,
    reason: str = "",
    at: datetime | None = None,
) -> None:
    """Append one audit row; call inside the transaction of the change it records."""
    db.execute(
        "INSERT INTO audit (at, officer_id, entity, entity_key, action, before_json,"
        " after_json, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (at or datetime.now()).isoformat(timespec="seconds"),
            officer_id,
            entity,
            entity_key,
            action,
            json.dumps(before, ensure_ascii=False, sort_keys=True) if before is not None else None,
            json.dumps(after, ensure_ascii=False, sort_keys=True) if after is not None else None,
            reason,
        ],
    )


def audit_trail(db: Database, entity: str, entity_key: str) -> list[AuditEntry]:
    rows = db.query(
        "SELECT * FROM audit WHERE entity = ? AND entity_key = ? ORDER BY id",
        [entity, entity_key],
    )
    return [
        AuditEntry(
            id=r["id"],
            at=datetime.fromisoformat(r["at"]),
            officer_id=r["officer_id"],
            entity=r["entity"],
            entity_uuid=r["entity_key"],
            action=r["action"],
            before=json.loads(r["before_json"]) if r["before_json"] else None,
            after=json.loads(r["after_json"]) if r["after_json"] else None,
            reason=r["reason"],
        )
        for r in rows
    ]


def changed_fields(before: dict, after: dict) -> dict[str, tuple]:
    """{field: (old, new)} for the fields that differ: what the audit view shows."""
    return {
        k: (before.get(k), after.get(k))
        for k in sorted(set(before) | set(after))
        if before.get(k) != after.get(k)
    }


# What the audit window calls each stored field: the form's own words (issue 13). A
# function, so the words follow the language at display time.
def field_labels() -> dict[str, str]:
    from counter_app.i18n import tr

    return {
        "officer_id": tr("Officer"),
        "counter_id": tr("Counter"),
        "started_at": tr("Started (dd/mm/yyyy hh:mm)"),
        "minutes": tr("Minutes"),
        "procedures": tr("Procedures"),
        "help_type_ids": tr("Help given"),
        "channel_id": tr("Channel"),
        "portal_id": tr("Portal"),
        "applicant_type_id": tr("Citizen group"),
        "elderly": tr("Elderly"),
        "ethnic_minority": tr("Ethnic minority"),
        "disability": tr("With disability"),
        "self_reliance_id": tr("Can do it alone next time?"),
        "satisfaction_id": tr("Satisfaction"),
        "note": tr("Note"),
        "backdated_reason": tr("Reason for late entry"),
        "citizen_name": tr("Citizen name"),
        "citizen_phone": tr("Phone"),
        "citizen_id_number": tr("ID number (CCCD)"),
        "voided": tr("Voided"),
        "void_reason": tr("Reason for voiding"),
    }


# Fields an officer never sees in the form (bookkeeping): not listed as changes.
HIDDEN_FIELDS = frozenset(
    {"uuid", "id", "office_id", "created_at", "updated_at", "batch", "batch_size", "batch_index"}
)
