""" "Ghi nhiều lượt": many sessions alike entered in one action (a queue at opening time,
a community digital team's morning at the market).

Each of the N sessions is a real session — its own uuid, counted once in every report —
sharing the procedures, outcomes, help types, channel and citizen-group fields of one
template. They are written in ONE transaction (all or none), each with an audit row
saying it was entered together with the others, and they belong to one ``session_batch``
row, so they can be listed and voided together. Personal data and dossier codes belong
to one citizen, never to a tally: they are not copied.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from counter_app.domain.models import Session, SessionProcedure, SessionRow
from counter_app.domain.validation import FieldError, ValidationError
from counter_app.i18n import tr
from counter_app.services import session_queries
from counter_app.services.audit import write_audit
from counter_app.services.sessions import ENTITY, SessionService, session_to_record, void_reason
from counter_app.storage.database import Store

MAX_BATCH = 200
ACTION = "create_batch"  # the audit action of a session entered in a batch


@dataclass(frozen=True)
class Batch:
    """One "Ghi nhiều lượt" action: its sessions, how many are still counted."""

    id: int
    uuid: str
    counter_id: int
    size: int
    created_at: datetime
    created_by: int | None
    started_at: datetime
    procedures: str  # codes, as the history shows them
    active: int  # sessions not voided


def tally_template(session: Session) -> Session:
    """What a batch copies from the form: everything but the citizen's own details."""
    return replace(
        session,
        uuid="",
        id=None,
        citizen_name="",
        citizen_phone="",
        citizen_id_number="",
        procedures=[
            SessionProcedure(p.procedure_code, p.outcome_id, list(p.barrier_ids), "")
            for p in session.procedures
        ],
    )


class BatchService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.store = store
        self.clock = clock
        self.sessions = SessionService(store, clock=clock)

    @property
    def db(self):
        return self.store.db

    # -- writes ---------------------------------------------------------------------

    def record(self, template: Session, n: int, actor_id: int | None = None) -> Batch:
        """Store ``n`` sessions like ``template`` (1 ≤ n ≤ 200) as one batch."""
        if not isinstance(n, int) or not 1 <= n <= MAX_BATCH:
            raise ValidationError(
                [
                    FieldError(
                        "batch_size",
                        tr("The number of sessions must be a whole number from 1 to {max}.").format(
                            max=MAX_BATCH
                        ),
                    )
                ]
            )
        checked = self.sessions.checked(tally_template(template))
        now = self.clock().replace(microsecond=0)
        batch_uuid = str(uuidlib.uuid4())
        with self.store.transaction() as db:
            cur = db.execute(
                "INSERT INTO session_batch (uuid, counter_id, size, created_at, created_by) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    batch_uuid,
                    checked.counter_id,
                    n,
                    now.isoformat(timespec="seconds"),
                    actor_id if actor_id is not None else checked.officer_id,
                ],
            )
            batch_id = cur.lastrowid
            for i in range(1, n + 1):
                s = replace(
                    checked,
                    procedures=[
                        replace(p, barrier_ids=list(p.barrier_ids)) for p in checked.procedures
                    ],
                    help_type_ids=list(checked.help_type_ids),
                    uuid="",
                )
                self.sessions.insert_checked(s, actor_id, batch_id=batch_id)
                write_audit(
                    db,
                    officer_id=actor_id if actor_id is not None else s.officer_id,
                    entity=ENTITY,
                    entity_key=s.uuid,
                    action=ACTION,
                    before=None,
                    after=session_to_record(s)
                    | {"batch": batch_uuid, "batch_size": n, "batch_index": i},
                    at=now,
                )
        found = self.get(batch_uuid)
        assert found is not None  # just written
        return found

    def void(self, batch_uuid: str, actor_id: int, reason: str) -> int:
        """Void every session of the batch still counted, in one transaction, each with
        its audit row; returns how many were voided."""
        reason = void_reason(reason)
        batch = self.get(batch_uuid)
        if batch is None:
            raise KeyError(batch_uuid)
        uuids = [
            r[0]
            for r in self.db.execute(
                "SELECT uuid FROM session WHERE batch_id = ? AND voided = 0 ORDER BY id",
                [batch.id],
            )
        ]
        if not uuids:
            raise ValidationError(
                [FieldError("voided", tr("Every session of this batch is already voided."))]
            )
        befores = [self.sessions.get(u) for u in uuids]
        with self.store.transaction():
            for before in befores:
                self.sessions.void_checked(before, actor_id, reason)
        return len(befores)

    # -- reads ----------------------------------------------------------------------

    def get(self, batch_uuid: str) -> Batch | None:
        return next(iter(self._batches("b.uuid = ?", [batch_uuid], 1)), None)

    def of_session(self, session_uuid: str) -> Batch | None:
        """The batch a session was entered in, or None for a session entered alone."""
        return next(
            iter(
                self._batches(
                    "b.id = (SELECT batch_id FROM session WHERE uuid = ?)", [session_uuid], 1
                )
            ),
            None,
        )

    def recent(self, counter_id: int | None = None, limit: int = 20) -> list[Batch]:
        """The newest batches (of one counter), newest first."""
        if counter_id is None:
            return self._batches("1 = 1", [], limit)
        return self._batches("b.counter_id = ?", [counter_id], limit)

    def membership(self, session_uuids: list[str]) -> dict[str, tuple[str, int]]:
        """{session uuid: (batch uuid, batch size)} for those entered in a batch: what a
        history page marks (one query per page)."""
        if not session_uuids:
            return {}
        marks = ", ".join("?" for _ in session_uuids)
        rows = self.db.execute(
            f"SELECT s.uuid, b.uuid, b.size FROM session s JOIN session_batch b "
            f"ON b.id = s.batch_id WHERE s.uuid IN ({marks})",
            list(session_uuids),
        )
        return {r[0]: (r[1], r[2]) for r in rows}

    def rows(self, batch_uuid: str) -> list[SessionRow]:
        """The batch's sessions as history lines (voided ones too, marked)."""
        sql = f"""
            SELECT {session_queries.HISTORY_COLUMNS}
            FROM session s
            JOIN session_batch b ON b.id = s.batch_id
            JOIN officer o ON o.id = s.officer_id
            JOIN counter c ON c.id = s.counter_id
            WHERE b.uuid = ?
            ORDER BY s.id
        """
        return session_queries.history_rows(self.db, sql, [batch_uuid])

    def _batches(self, where: str, params: list, limit: int) -> list[Batch]:
        sql = f"""
            SELECT b.id, b.uuid, b.counter_id, b.size, b.created_at, b.created_by,
                   (SELECT min(s.started_at) FROM session s WHERE s.batch_id = b.id)
                     AS started_at,
                   (SELECT group_concat(sp.procedure_code, ', ') FROM session_procedure sp
                     WHERE sp.session_id =
                       (SELECT min(s.id) FROM session s WHERE s.batch_id = b.id))
                     AS procedures,
                   (SELECT count(*) FROM session s WHERE s.batch_id = b.id AND s.voided = 0)
                     AS active
            FROM session_batch b
            WHERE {where}
            ORDER BY b.id DESC
            LIMIT ?
        """
        return [
            Batch(
                id=r["id"],
                uuid=r["uuid"],
                counter_id=r["counter_id"],
                size=r["size"],
                created_at=datetime.fromisoformat(r["created_at"]),
                created_by=r["created_by"],
                started_at=datetime.fromisoformat(r["started_at"] or r["created_at"]),
                procedures=r["procedures"] or "",
                active=r["active"],
            )
            for r in self.db.query(sql, params + [int(limit)])
        ]
