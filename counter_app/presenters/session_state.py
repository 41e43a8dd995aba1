"""The form's state, as plain data: what is typed, how it becomes a Session and back.

No services here: ``SessionFormPresenter`` reads the database and decides; these
functions only convert and parse, so they are tested on their own.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from counter_app.domain.models import LookupValue, Session, SessionProcedure, TriState
from counter_app.domain.validation import FieldError, ValidationError
from counter_app.i18n import tr

DATETIME_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y")
SCALAR_FIELDS = (
    "channel_id",
    "portal_id",
    "applicant_type_id",
    "self_reliance_id",
    "satisfaction_id",
    "elderly",
    "ethnic_minority",
    "disability",
    "note",
    "minutes_text",
    "started_text",
    "backdated_reason",
    "citizen_name",
    "citizen_phone",
    "citizen_id_number",
    "edit_reason",
)
# The fields typed as text (the rest are choices): a draft follows them within seconds,
# a choice is written at once.
TEXT_FIELDS = (
    "note",
    "minutes_text",
    "started_text",
    "backdated_reason",
    "citizen_name",
    "citizen_phone",
    "citizen_id_number",
    "edit_reason",
)


@dataclass
class ProcedureLine:
    code: str
    name: str
    outcome_id: int | None
    barrier_ids: list[int] = field(default_factory=list)
    dossier_code: str = ""


@dataclass
class FormState:
    procedures: list[ProcedureLine] = field(default_factory=list)
    help_type_ids: list[int] = field(default_factory=list)
    channel_id: int | None = None
    portal_id: int | None = None
    applicant_type_id: int | None = None
    elderly: str = TriState.UNKNOWN.value
    ethnic_minority: str = TriState.UNKNOWN.value
    disability: str = TriState.UNKNOWN.value
    self_reliance_id: int | None = None
    satisfaction_id: int | None = None
    note: str = ""
    minutes_text: str = ""
    started_text: str = ""
    backdated_reason: str = ""
    citizen_name: str = ""
    citizen_phone: str = ""
    citizen_id_number: str = ""
    edit_reason: str = ""
    first_input_at: str | None = None
    editing_uuid: str | None = None

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FormState:
        known = {k: v for k, v in d.items() if k in cls.__dataclass_fields__}
        known["procedures"] = [ProcedureLine(**p) for p in d.get("procedures", [])]
        return cls(**known)


@dataclass(frozen=True)
class Choices:
    """Everything the form's pickers offer, read once per form start."""

    help_types: list[LookupValue]
    outcomes: list[LookupValue]
    barriers: list[LookupValue]
    channels: list[LookupValue]
    portals: list[LookupValue]
    applicant_types: list[LookupValue]
    self_reliance: list[LookupValue]
    satisfaction: list[LookupValue]
    favourites: list  # SearchHit-like: code, name
    bundles: list  # Bundle-like: id, name, codes
    personal_fields: bool
    submitted_id: int | None


def form_defaults(saved: dict[str, Any], choices: Choices | None) -> dict[str, Any]:
    """Channel, portal and help types of a new session: the office's saved defaults
    where they are still offered, else the first value of each list."""

    def first(values: list[LookupValue]) -> int | None:
        return values[0].id if values else None

    def offered(value_id: Any, values: list[LookupValue]) -> int | None:
        # A default retired since in Settings is not offered: it would be stored
        # with every session while the form shows nothing for it.
        return value_id if any(v.id == value_id for v in values) else first(values)

    if choices is None:
        return {
            "channel_id": None,
            "portal_id": None,
            "help_type_ids": [],
            "applicant_type_id": None,
        }
    helps = {v.id for v in choices.help_types}
    return {
        "channel_id": offered(saved.get("channel_id"), choices.channels),
        "portal_id": offered(saved.get("portal_id"), choices.portals),
        "help_type_ids": [i for i in saved.get("help_type_ids") or [] if i in helps],
        "applicant_type_id": first(choices.applicant_types),
    }


def state_from_session(s: Session, names: dict[str, str]) -> FormState:
    """A stored session as the form shows it for a correction."""
    return FormState(
        procedures=[
            ProcedureLine(
                p.procedure_code,
                names.get(p.procedure_code, ""),
                p.outcome_id,
                list(p.barrier_ids),
                p.dossier_code,
            )
            for p in s.procedures
        ],
        help_type_ids=list(s.help_type_ids),
        channel_id=s.channel_id,
        portal_id=s.portal_id,
        applicant_type_id=s.applicant_type_id,
        elderly=s.elderly.value,
        ethnic_minority=s.ethnic_minority.value,
        disability=s.disability.value,
        self_reliance_id=s.self_reliance_id,
        satisfaction_id=s.satisfaction_id,
        note=s.note,
        minutes_text=str(s.minutes),
        started_text=s.started_at.strftime("%d/%m/%Y %H:%M"),
        backdated_reason=s.backdated_reason,
        citizen_name=s.citizen_name,
        citizen_phone=s.citizen_phone,
        citizen_id_number=s.citizen_id_number,
        editing_uuid=s.uuid,
    )


def session_from_state(
    s: FormState,
    *,
    officer_id: int,
    counter_id: int,
    started: datetime,
    minutes: int,
    submitted_id: int | None,
    personal: bool,
    strict: bool = True,
) -> Session:
    """The Session the form describes; barriers of a submitted procedure are dropped and
    personal fields kept only where the office records them (or a correction has them).
    ``strict``: a procedure without an outcome raises (else it is left for the caller,
    who lists every problem at once)."""
    errors = outcome_errors(s)
    if errors and strict:
        raise ValidationError(errors)
    keep_personal = personal or bool(s.editing_uuid)
    return Session(
        officer_id=officer_id,
        counter_id=counter_id,
        started_at=started,
        minutes=minutes,
        procedures=[
            SessionProcedure(
                p.code,
                p.outcome_id,
                [] if p.outcome_id == submitted_id else list(p.barrier_ids),
                p.dossier_code,
            )
            for p in s.procedures
        ],
        help_type_ids=list(s.help_type_ids),
        channel_id=s.channel_id,
        portal_id=s.portal_id,
        applicant_type_id=s.applicant_type_id,
        elderly=TriState(s.elderly),
        ethnic_minority=TriState(s.ethnic_minority),
        disability=TriState(s.disability),
        self_reliance_id=s.self_reliance_id,
        satisfaction_id=s.satisfaction_id,
        note=s.note,
        backdated_reason=s.backdated_reason,
        citizen_name=s.citizen_name if keep_personal else "",
        citizen_phone=s.citizen_phone if keep_personal else "",
        citizen_id_number=s.citizen_id_number if keep_personal else "",
    )


def outcome_errors(s: FormState) -> list[FieldError]:
    """One message per procedure that still lacks its outcome."""
    return [
        FieldError("procedures", tr("Choose the outcome of {code}.").format(code=p.code))
        for p in s.procedures
        if p.outcome_id is None
    ]


def parse_started(text: str, today: date) -> datetime | None:
    """The start typed in the form: dd/mm/yyyy hh:mm, or hh:mm for today; None if empty."""
    text = text.strip()
    if not text:
        return None
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:  # "HH:MM" means today
        t = datetime.strptime(text, "%H:%M").time()
        return datetime.combine(today, t)
    except ValueError:
        raise ValidationError(
            [
                FieldError(
                    "started_at",
                    tr("Write the start as dd/mm/yyyy hh:mm, e.g. 05/11/2026 08:30."),
                )
            ]
        ) from None


def parse_minutes(text: str) -> int | None:
    """The duration typed in the form; None when the timer decides."""
    text = text.strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError(
            [FieldError("minutes", tr("Duration must be a whole number from 1 to 480 minutes."))]
        ) from None


def started_is_backdated(state: FormState, now: datetime) -> bool:
    """For the view: show the late-entry reason only when the start is an earlier day."""
    text = state.started_text.strip()
    for fmt in DATETIME_FORMATS:
        try:
            return datetime.strptime(text, fmt).date() < now.date()
        except ValueError:
            continue
    return False


def edit_fields(state: FormState) -> dict[str, Any]:
    """What a correction changes (the timer of a new session does not count)."""
    d = asdict(state)
    d.pop("first_input_at", None)
    return d


def short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
