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
