"""The references a session must keep valid, checked before every save."""

from __future__ import annotations

from sqlite_utils import Database

from counter_app.domain.models import Session
from counter_app.domain.validation import FieldError
from counter_app.i18n import tr

_LOOKUP_FIELDS = (
    ("channel_id", "channel"),
    ("portal_id", "portal"),
    ("applicant_type_id", "applicant_type"),
    ("self_reliance_id", "self_reliance"),
    ("satisfaction_id", "satisfaction"),
)


def reference_errors(db: Database, s: Session, existing: Session | None = None) -> list[FieldError]:
    """What a stored session points at must exist: catalogue procedures, an officer and a
    counter (retired ones only when the session already had them), lookup values of the
    right kind."""
    errors = []
    codes = [p.procedure_code for p in s.procedures if p.procedure_code]
    if codes:
        known = {
            r["code"]
            for r in db.query(
                f"SELECT code FROM procedure WHERE code IN ({', '.join('?' for _ in codes)})",
                codes,
            )
        }
        for code in codes:
            if code not in known:
                errors.append(
                    FieldError(
                        "procedures",
                        tr("Procedure {code} is not in the catalogue.").format(code=code),
                    )
                )
    for table, value, kept, message, retired in (
        (
            "officer",
            s.officer_id,
            existing and existing.officer_id,
            tr("Choose the officer at the counter."),
            tr("This officer has left the office; choose another officer."),
        ),
        (
            "counter",
            s.counter_id,
            existing and existing.counter_id,
            tr("Choose the counter."),
            tr("This counter is no longer in use; choose another."),
        ),
    ):
        # table is one of two literals above, never user input
        row = db.execute(f"SELECT active FROM {table} WHERE id = ?", [value]).fetchone()
        if row is None:
            errors.append(FieldError(table, message))
        elif not row[0] and value != kept:
            errors.append(FieldError(table, retired))
    errors.extend(lookup_errors(db, s))
    return errors


def lookup_errors(db: Database, s: Session) -> list[FieldError]:
    """Every lookup id must exist and be of its field's kind (an outcome id in the
    barrier list would silently count as a barrier). Retired values are not refused
    here: the form's saved defaults or kept values may still hold one, and refusing
    would block every save at a queue; reports list such a value as retired."""
    wanted: list[tuple[str, str, int]] = []  # (field, kind, id)
    for name, kind in _LOOKUP_FIELDS:
        value = getattr(s, name)
        if value is not None:
            wanted.append((name, kind, value))
    wanted += [("help_type_ids", "help_type", v) for v in s.help_type_ids]
    for p in s.procedures:
        if p.outcome_id is not None:
            wanted.append(("outcome_id", "outcome", p.outcome_id))
        wanted += [("barrier_ids", "barrier", v) for v in p.barrier_ids]
    if not wanted:
        return []
    ids = sorted({v for _, _, v in wanted if isinstance(v, int)})
    known = (
        {
            r[0]: r[1]
            for r in db.execute(
                f"SELECT id, kind FROM lookup WHERE id IN ({', '.join('?' * len(ids))})", ids
            )
        }
        if ids
        else {}
    )
    errors: list[FieldError] = []
    message = tr("A value chosen in the form is not valid; choose it again.")
    for name, kind, value in wanted:
        if isinstance(value, int) and known.get(value) == kind:
            continue
        if not any(e.field == name for e in errors):
            errors.append(FieldError(name, message))
    return errors
