"""Create, update, void, read and list guidance sessions.

Every write is one short transaction; updates and voids write an audit row inside the
same transaction, so a change without its audit trail cannot exist.
"""

from __future__ import annotations

import builtins
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta

from counter_app.domain.models import (
    OUTCOME_SUBMITTED,
    Session,
    SessionFilter,
    SessionProcedure,
    SessionRow,
    TriState,
)
from counter_app.domain.text import fold, nfc
from counter_app.domain.validation import (
    FieldError,
    ValidationError,
    normalise_session,
    validate_session,
)
from counter_app.i18n import tr
from counter_app.services import session_queries, settings
from counter_app.services.audit import audit_trail, write_audit
from counter_app.services.privacy import mask, retention_cutoff
from counter_app.services.session_checks import reference_errors
from counter_app.storage.database import Store

ENTITY = "session"
ISO = "seconds"

_SESSION_COLUMNS = (
    "uuid",
    "office_id",
    "counter_id",
    "officer_id",
    "started_at",
    "ended_at",
    "minutes",
    "backdated_reason",
    "channel_id",
    "portal_id",
    "applicant_type_id",
    "elderly",
    "ethnic_minority",
    "disability",
    "self_reliance_id",
    "satisfaction_id",
    "note",
    "search_text",
    "citizen_name",
    "citizen_phone",
    "citizen_id_number",
    "voided",
    "void_reason",
    "created_at",
    "created_by",
    "updated_at",
)


@dataclass(frozen=True)
class Counts:
    """The "today" strip: sessions today, dossiers submitted online today (procedure
    lines with that outcome, counted as the weekly report counts them), sessions this
    week."""

    today: int
    submitted_today: int
    week: int


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


PERSONAL_FIELDS = ("citizen_name", "citizen_phone", "citizen_id_number")


def session_to_record(s: Session) -> dict:
    """A JSON-friendly snapshot: what the audit trail stores as before/after.

    Personal data is masked: the audit trail is shown in the history view and is never
    purged, so a clear name, phone or ID number there would outlive the retention period
    and appear outside the edit form."""
    d = asdict(s)
    for k in PERSONAL_FIELDS:
        d[k] = mask(d.get(k) or "")
    for k in ("started_at", "created_at", "updated_at"):
        if d.get(k) is not None:
            d[k] = d[k].isoformat(timespec=ISO)
    for k in ("elderly", "ethnic_minority", "disability"):
        d[k] = TriState(d[k]).value
    d.pop("id", None)
    return d


class SessionService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.store = store
        self.clock = clock

    @property
    def db(self):
        return self.store.db

    # -- writes ---------------------------------------------------------------------

    def create(self, session: Session, actor_id: int | None = None) -> Session:
        """Validate and store a new session; returns it with id and uuid set."""
        s = self._checked(session)
        with self.store.transaction():
            self.insert_checked(s, actor_id)
        return s

    def insert_checked(
        self, s: Session, actor_id: int | None, batch_id: int | None = None
    ) -> Session:
        """Write an already checked session inside the caller's transaction (``create``,
        or one of a batch in ``services/batches.py``); sets its uuid, times and id."""
        now = self.clock().replace(microsecond=0)
        s.uuid = s.uuid or str(uuidlib.uuid4())
        s.created_at = s.updated_at = now
        s.office_id = s.office_id or self._office_of_counter(s.counter_id)
        s.voided, s.void_reason = False, ""
        row = self._row(s)
        row["created_by"] = actor_id if actor_id is not None else s.officer_id
        columns = list(_SESSION_COLUMNS) + (["batch_id"] if batch_id is not None else [])
        values = [row[c] for c in _SESSION_COLUMNS] + ([batch_id] if batch_id is not None else [])
        cur = self.db.execute(
            f"INSERT INTO session ({', '.join(columns)}) VALUES "
            f"({', '.join('?' for _ in columns)})",
            values,
        )
        s.id = cur.lastrowid
        self._write_children(s)
        return s

    def update(
        self, session_uuid: str, session: Session, actor_id: int, reason: str = ""
    ) -> Session:
        """Replace a session's content; the audit row keeps the before and after."""
        before = self.get(session_uuid)
        if before.voided:
            raise ValidationError([FieldError("voided", tr("A voided session cannot be edited."))])
        # Who guided and where does not change on a correction: the session stays the
        # officer's and the counter's it was entered for, whoever corrects it.
        session = replace(session, officer_id=before.officer_id, counter_id=before.counter_id)
        s = self._checked(session, existing=before)
        assert before.id is not None  # read from the table
        s.id, s.uuid = before.id, before.uuid
        s.office_id = s.office_id or before.office_id
        s.created_at = before.created_at
        s.updated_at = self.clock().replace(microsecond=0)
        s.voided, s.void_reason = False, ""
        with self.store.transaction() as db:
            row = self._row(s)
            sets = [c for c in _SESSION_COLUMNS if c not in ("uuid", "created_at", "created_by")]
            db.execute(
                f"UPDATE session SET {', '.join(f'{c} = ?' for c in sets)} WHERE id = ?",
                [row[c] for c in sets] + [s.id],
            )
            self._delete_children(before.id)
            self._write_children(s)
            write_audit(
                db,
                officer_id=actor_id,
                entity=ENTITY,
                entity_key=s.uuid,
                action="update",
                before=session_to_record(before),
                after=session_to_record(s),
                reason=nfc(reason),
                at=s.updated_at,
            )
        return s

    def void(self, session_uuid: str, actor_id: int, reason: str) -> Session:
        """Mark a session void (it stays stored and visible in history, never counted)."""
        reason = void_reason(reason)
        before = self.get(session_uuid)
        if before.voided:
            raise ValidationError([FieldError("voided", tr("This session is already voided."))])
        with self.store.transaction():
            self.void_checked(before, actor_id, reason)
        return self.get(session_uuid)

    def void_checked(self, before: Session, actor_id: int, reason: str) -> None:
        """Void one session inside the caller's transaction, with its audit row."""
        now = self.clock().replace(microsecond=0)
        self.db.execute(
            "UPDATE session SET voided = 1, void_reason = ?, updated_at = ? WHERE id = ?",
            [reason, now.isoformat(timespec=ISO), before.id],
        )
        after = session_to_record(before) | {
            "voided": True,
            "void_reason": reason,
            "updated_at": now.isoformat(timespec=ISO),
        }
        write_audit(
            self.db,
            officer_id=actor_id,
            entity=ENTITY,
            entity_key=before.uuid,
            action="void",
            before=session_to_record(before),
            after=after,
            reason=reason,
            at=now,
        )

    def checked(self, session: Session) -> Session:
        """The session normalised and validated as ``create`` would store it; raises
        ValidationError (for a batch: checked once, stored many times)."""
        return self._checked(session)

    def problems(self, session: Session, editing_uuid: str | None = None) -> list[FieldError]:
        """Every reason ``create`` (or ``update`` of ``editing_uuid``) would refuse this
        session, without writing: the form lists them all and clears each once fixed."""
        existing = self.get(editing_uuid) if editing_uuid else None
        if existing is not None and existing.voided:
            return [FieldError("voided", tr("A voided session cannot be edited."))]
        if existing is not None:
            session = replace(
                session, officer_id=existing.officer_id, counter_id=existing.counter_id
            )
        try:
            self._checked(session, existing=existing)
        except ValidationError as exc:
            return list(exc.errors)
        return []

    # -- reads ----------------------------------------------------------------------

    def get(self, key: str | int) -> Session:
        column = "id" if isinstance(key, int) else "uuid"
        rows = list(self.db.query(f"SELECT * FROM session WHERE {column} = ?", [key]))
        if not rows:
            raise KeyError(key)
        r = rows[0]
        procedures = []
        for p in self.db.query(
            "SELECT id, procedure_code, outcome_id, dossier_code FROM session_procedure "
            "WHERE session_id = ? ORDER BY position, id",
            [r["id"]],
        ):
            barriers = [
                b["barrier_id"]
                for b in self.db.query(
                    "SELECT barrier_id FROM session_procedure_barrier "
                    "WHERE session_procedure_id = ? ORDER BY barrier_id",
                    [p["id"]],
                )
            ]
            procedures.append(
                SessionProcedure(p["procedure_code"], p["outcome_id"], barriers, p["dossier_code"])
            )
        helps = [
            h["help_type_id"]
            for h in self.db.query(
                "SELECT help_type_id FROM session_help WHERE session_id = ? ORDER BY help_type_id",
                [r["id"]],
            )
        ]
        return Session(
            id=r["id"],
            uuid=r["uuid"],
            office_id=r["office_id"],
            counter_id=r["counter_id"],
            officer_id=r["officer_id"],
            started_at=datetime.fromisoformat(r["started_at"]),
            minutes=r["minutes"],
            procedures=procedures,
            help_type_ids=helps,
            channel_id=r["channel_id"],
            portal_id=r["portal_id"],
            applicant_type_id=r["applicant_type_id"],
            elderly=TriState(r["elderly"]),
            ethnic_minority=TriState(r["ethnic_minority"]),
            disability=TriState(r["disability"]),
            self_reliance_id=r["self_reliance_id"],
            satisfaction_id=r["satisfaction_id"],
            note=r["note"],
            backdated_reason=r["backdated_reason"],
            citizen_name=r["citizen_name"],
            citizen_phone=r["citizen_phone"],
            citizen_id_number=r["citizen_id_number"],
            voided=bool(r["voided"]),
            void_reason=r["void_reason"],
            created_at=datetime.fromisoformat(r["created_at"]),
            updated_at=datetime.fromisoformat(r["updated_at"]),
        )

    def list(
        self, flt: SessionFilter, limit: int = 50, offset: int = 0, oldest_first: bool = False
    ) -> builtins.list[SessionRow]:
        """One page of history, newest first (or oldest first), paged in SQL; see
        ``session_queries``."""
        return session_queries.list_page(self.db, flt, limit, offset, oldest_first)

    def count(self, flt: SessionFilter) -> int:
        return session_queries.count(self.db, flt)

    def counts(self, day: date | None = None) -> Counts:
        day = day or self.clock().date()
        start, end = _day_bounds(day)
        wstart, _ = _day_bounds(week_start(day))
        q = "SELECT count(*) FROM session WHERE voided = 0 AND started_at >= ? AND started_at < ?"
        today = self.db.execute(q, [start, end]).fetchone()[0]
        week = self.db.execute(q, [wstart, end]).fetchone()[0]
        submitted = self.db.execute(
            """SELECT count(*) FROM session s
               JOIN session_procedure sp ON sp.session_id = s.id
               JOIN lookup l ON l.id = sp.outcome_id
               WHERE s.voided = 0 AND s.started_at >= ? AND s.started_at < ?
                 AND l.kind = 'outcome' AND l.code = ?""",
            [start, end, OUTCOME_SUBMITTED],
        ).fetchone()[0]
        return Counts(today=today, submitted_today=submitted, week=week)

    def audit(self, session_uuid: str):
        return audit_trail(self.db, ENTITY, session_uuid)

    # -- internals ------------------------------------------------------------------

    def _checked(self, session: Session, existing: Session | None = None) -> Session:
        s = normalise_session(session)
        self._apply_retention(s)
        errors = validate_session(s, now=self.clock())
        if existing is not None:
            # Editing an old session must not demand a new late-entry reason.
            errors = [
                e
                for e in errors
                if e.field != "backdated_reason" or s.started_at != existing.started_at
            ]
        errors.extend(reference_errors(self.db, s, existing))
        if errors:
            raise ValidationError(errors)
        return s

    def _apply_retention(self, s: Session) -> None:
        """A session older than the retention period keeps no personal data: not when
        it is created late, nor when it is corrected (the purge has blanked it already)."""
        if not (s.citizen_name or s.citizen_phone or s.citizen_id_number):
            return
        days = settings.RETENTION_DAYS.get(self.store)
        if s.started_at is not None and s.started_at < retention_cutoff(days, self.clock()):
            s.citizen_name = s.citizen_phone = s.citizen_id_number = ""

    def _office_of_counter(self, counter_id: int) -> int:
        row = self.db.execute("SELECT office_id FROM counter WHERE id = ?", [counter_id]).fetchone()
        return row[0]

    def _row(self, s: Session) -> dict:
        search = " ".join(
            [s.note]
            + [p.procedure_code for p in s.procedures]
            + [p.dossier_code for p in s.procedures if p.dossier_code]
        )
        return {
            "uuid": s.uuid,
            "office_id": s.office_id,
            "counter_id": s.counter_id,
            "officer_id": s.officer_id,
            "started_at": s.started_at.isoformat(timespec=ISO),
            "ended_at": s.ended_at.isoformat(timespec=ISO),
            "minutes": s.minutes,
            "backdated_reason": s.backdated_reason,
            "channel_id": s.channel_id,
            "portal_id": s.portal_id,
            "applicant_type_id": s.applicant_type_id,
            "elderly": s.elderly.value,
            "ethnic_minority": s.ethnic_minority.value,
            "disability": s.disability.value,
            "self_reliance_id": s.self_reliance_id,
            "satisfaction_id": s.satisfaction_id,
            "note": s.note,
            "search_text": fold(search),
            "citizen_name": s.citizen_name,
            "citizen_phone": s.citizen_phone,
            "citizen_id_number": s.citizen_id_number,
            "voided": int(s.voided),
            "void_reason": s.void_reason,
            "created_at": _iso(s.created_at),
            "created_by": s.officer_id,
            "updated_at": _iso(s.updated_at),
        }

    def _write_children(self, s: Session) -> None:
        for position, p in enumerate(s.procedures):
            cur = self.db.execute(
                "INSERT INTO session_procedure (session_id, position, procedure_code,"
                " outcome_id, dossier_code, started_at) VALUES (?, ?, ?, ?, ?, ?)",
                [
                    s.id,
                    position,
                    p.procedure_code,
                    p.outcome_id,
                    p.dossier_code,
                    _iso(s.started_at),
                ],
            )
            for barrier_id in sorted(set(p.barrier_ids)):
                self.db.execute(
                    "INSERT INTO session_procedure_barrier VALUES (?, ?)",
                    [cur.lastrowid, barrier_id],
                )
        for help_id in sorted(set(s.help_type_ids)):
            self.db.execute("INSERT INTO session_help VALUES (?, ?)", [s.id, help_id])

    def _delete_children(self, session_id: int) -> None:
        self.db.execute(
            "DELETE FROM session_procedure_barrier WHERE session_procedure_id IN "
            "(SELECT id FROM session_procedure WHERE session_id = ?)",
            [session_id],
        )
        self.db.execute("DELETE FROM session_procedure WHERE session_id = ?", [session_id])
        self.db.execute("DELETE FROM session_help WHERE session_id = ?", [session_id])


def void_reason(reason: str) -> str:
    """The reason as stored; raises ValidationError when there is none."""
    reason = nfc(reason)
    if not reason:
        raise ValidationError(
            [FieldError("void_reason", tr("Give a reason for voiding the session."))]
        )
    return reason


def _day_bounds(day: date) -> tuple[str, str]:
    start = datetime.combine(day, datetime.min.time())
    return start.isoformat(timespec=ISO), (start + timedelta(days=1)).isoformat(timespec=ISO)


def _iso(value: datetime | None) -> str:
    if value is None:
        raise ValueError("a stored session always has its times")
    return value.isoformat(timespec=ISO)
