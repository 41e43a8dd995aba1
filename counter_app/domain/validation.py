"""Validation of a session before it is stored. Messages are shown to officers as is."""

from __future__ import annotations

import re
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from counter_app.domain.models import Session, SessionProcedure, TriState
from counter_app.domain.text import nfc
from counter_app.i18n import tr

MIN_MINUTES = 1
MAX_MINUTES = 480  # one working day; longer is certainly a typo
NOTE_MAX = 1000
CLOCK_SKEW = timedelta(minutes=5)  # tolerate a counter PC whose clock runs a little fast

_CCCD = re.compile(r"^\d{12}$")
# Mobile: 0 + 3/5/7/8/9 + 8 digits; landline: 0 + 2 + 9 digits. +84/84 may replace the 0.
_PHONE = re.compile(r"^(?:0|\+84|84)(?:[35789]\d{8}|2\d{9})$")
_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
# The same rules, public: ``domain.masking`` finds personal data in free text with them.
CCCD_PATTERN = _CCCD
CMND_PATTERN = re.compile(r"^\d{9}$")  # the old 9-digit identity card (CMND)
PHONE_PATTERN = _PHONE
PHONE_SEPARATORS = _PHONE_SEPARATORS
EMAIL_PATTERN = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


@dataclass
class FieldError:
    field: str
    message: str


class ValidationError(ValueError):
    """Bad input: carries one Vietnamese message per offending field."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        super().__init__("\n".join(e.message for e in errors))


def normalise_phone(value: str) -> str:
    return _PHONE_SEPARATORS.sub("", value)


def normalise_session(session: Session) -> Session:
    """Return a copy with every text field NFC-normalised and trimmed."""
    changes: dict[str, Any] = {
        f.name: nfc(getattr(session, f.name))
        for f in fields(session)
        if isinstance(getattr(session, f.name), str) and f.name != "uuid"
    }
    changes["citizen_phone"] = normalise_phone(changes.get("citizen_phone", ""))
    changes["citizen_id_number"] = changes.get("citizen_id_number", "").replace(" ", "")
    changes["procedures"] = [
        replace(p, procedure_code=nfc(p.procedure_code), dossier_code=nfc(p.dossier_code))
        for p in session.procedures
    ]
    for name in ("elderly", "ethnic_minority", "disability"):
        changes[name] = TriState(getattr(session, name))
    if session.started_at.tzinfo is not None:
        # Times are stored as local wall-clock time (reports bucket by local day and hour);
        # an aware time from an API caller would otherwise crash the comparisons with now.
        changes["started_at"] = session.started_at.astimezone().replace(tzinfo=None)
    return replace(session, **changes)


def validate_session(session: Session, now: datetime | None = None) -> list[FieldError]:
    """Check a normalised session; an empty list means it may be saved."""
    now = now or datetime.now()
    errors: list[FieldError] = []
    if session.started_at > now + CLOCK_SKEW:
        errors.append(FieldError("started_at", tr("The time cannot be in the future.")))
    elif session.started_at.date() < now.date() and not session.backdated_reason:
        errors.append(
            FieldError(
                "backdated_reason",
                tr("A session entered for an earlier day needs a reason for the late entry."),
            )
        )
    if not isinstance(session.minutes, int) or not (MIN_MINUTES <= session.minutes <= MAX_MINUTES):
        errors.append(
            FieldError("minutes", tr("Duration must be a whole number from 1 to 480 minutes."))
        )
    if not session.procedures:
        errors.append(FieldError("procedures", tr("Choose at least one procedure.")))
    codes = [p.procedure_code for p in session.procedures]
    if len(set(codes)) != len(codes):
        errors.append(FieldError("procedures", tr("The same procedure was added twice.")))
    errors.extend(_validate_procedures(session.procedures))
    if session.citizen_id_number and not _CCCD.match(session.citizen_id_number):
        errors.append(
            FieldError("citizen_id_number", tr("The citizen ID (CCCD) must be exactly 12 digits."))
        )
    if session.citizen_phone and not _PHONE.match(session.citizen_phone):
        errors.append(
            FieldError(
                "citizen_phone",
                tr("The phone number is not a Vietnamese number (e.g. 0912345678)."),
            )
        )
    if len(session.note) > NOTE_MAX:
        errors.append(FieldError("note", tr("The note is too long (at most 1000 characters).")))
    return errors


def _validate_procedures(procedures: list[SessionProcedure]) -> list[FieldError]:
    errors = []
    for p in procedures:
        if not p.procedure_code:
            errors.append(FieldError("procedures", tr("Choose at least one procedure.")))
        if len(p.dossier_code) > 64:
            errors.append(FieldError("dossier_code", tr("The dossier code is too long.")))
    return errors
