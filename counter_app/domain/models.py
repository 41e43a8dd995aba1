"""The domain of docs/PRODUCT.md §3–4 as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum


class Role(str, Enum):
    OFFICER = "officer"
    SUPERVISOR = "supervisor"


class TriState(str, Enum):
    """Answer to a yes/no citizen-group question where "không rõ" is always allowed."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class LookupKind(str, Enum):
    """Editable lists (settings). Values are rows, never hard-coded in views."""

    HELP_TYPE = "help_type"
    OUTCOME = "outcome"
    BARRIER = "barrier"
    CHANNEL = "channel"
    PORTAL = "portal"
    APPLICANT_TYPE = "applicant_type"
    SELF_RELIANCE = "self_reliance"
    SATISFACTION = "satisfaction"


# Outcome codes the reports rely on; their labels stay editable.
OUTCOME_SUBMITTED = "submitted"
OUTCOME_NOT_SUBMITTED = "not_submitted"
OUTCOME_REFERRED = "referred_to_counter"
# Applicant codes the key figures count (individuals / organisations).
APPLICANT_INDIVIDUAL = "individual"
APPLICANT_ORGANISATION = "organisation"


@dataclass
class Office:
    code: str
    name: str
    province: str = ""
    parent_body: str = ""
    id: int | None = None


@dataclass
class Counter:
    name: str
    office_id: int | None = None
    active: bool = True
    id: int | None = None


@dataclass
class Officer:
    name: str
    role: Role = Role.OFFICER
    office_id: int | None = None
    active: bool = True
    pin_hash: str | None = None
    id: int | None = None


@dataclass
class LookupValue:
    kind: LookupKind
    code: str
    label: str
    sort_order: int = 0
    active: bool = True
    id: int | None = None


@dataclass
class SessionProcedure:
    """One procedure guided within a session, with its own outcome."""

    procedure_code: str
    outcome_id: int | None = None
    barrier_ids: list[int] = field(default_factory=list)
    dossier_code: str = ""


@dataclass
class Session:
    """One citizen (or one organisation's representative) guided once."""

    officer_id: int
    counter_id: int
    started_at: datetime
    minutes: int
    procedures: list[SessionProcedure] = field(default_factory=list)
    help_type_ids: list[int] = field(default_factory=list)
    channel_id: int | None = None
    portal_id: int | None = None
    applicant_type_id: int | None = None
    elderly: TriState = TriState.UNKNOWN
    ethnic_minority: TriState = TriState.UNKNOWN
    disability: TriState = TriState.UNKNOWN
    self_reliance_id: int | None = None
    satisfaction_id: int | None = None
    note: str = ""
    backdated_reason: str = ""
    citizen_name: str = ""
    citizen_phone: str = ""
    citizen_id_number: str = ""
    uuid: str = ""
    office_id: int | None = None
    voided: bool = False
    void_reason: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    id: int | None = None

    @property
    def ended_at(self) -> datetime:
        from datetime import timedelta

        return self.started_at + timedelta(minutes=self.minutes)


@dataclass
class SessionFilter:
    """What the history screen and reports filter on; None means "any"."""

    date_from: datetime | None = None
    date_to: datetime | None = None  # exclusive
    officer_id: int | None = None
    counter_id: int | None = None
    procedure_code: str | None = None
    outcome_id: int | None = None
    text: str = ""
    include_voided: bool = False


@dataclass
class SessionRow:
    """A line of the history table: enough to show, not the whole session."""

    id: int
    uuid: str
    started_at: datetime
    minutes: int
    officer_name: str
    counter_name: str
    procedures: str
    outcomes: str
    note: str
    voided: bool


@dataclass
class AuditEntry:
    at: datetime
    officer_id: int | None
    entity: str
    entity_uuid: str
    action: str
    before: dict | None
    after: dict | None
    reason: str = ""
    id: int | None = None
