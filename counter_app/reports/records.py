"""Plain records the report is computed from, whether read from the database
(``source``) or from other offices' data sheets (``consolidate``).

Everything is a label, never a database id, so records from different offices compare.
No personal data: citizen name, phone and ID number are never part of a record, and free
text (notes, dossier codes) is masked (``domain.masking``) when it is read for a report.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from counter_app.domain.models import OUTCOME_SUBMITTED

LOOKUP_KINDS = (
    "help_type",
    "outcome",
    "barrier",
    "channel",
    "portal",
    "applicant_type",
    "self_reliance",
    "satisfaction",
)


@dataclass(slots=True)
class ProcRec:
    """One procedure guided within a session."""

    code: str
    name: str
    field: str
    online_level: str
    outcome_code: str  # OUTCOME_SUBMITTED / _NOT_SUBMITTED / _REFERRED, "" or a custom code
    outcome: str  # label
    barriers: tuple[str, ...] = ()
    dossier_code: str = ""
    position: int = 0

    @property
    def submitted(self) -> bool:
        return self.outcome_code == OUTCOME_SUBMITTED


@dataclass(slots=True)
class SessionRec:
    """One (non-voided) guidance session."""

    uuid: str
    office_code: str
    office_name: str
    started_at: datetime
    minutes: int
    officer: str
    counter: str
    channel: str = ""
    portal: str = ""
    applicant_code: str = ""
    applicant_type: str = ""
    elderly: str = "unknown"
    ethnic_minority: str = "unknown"
    disability: str = "unknown"
    self_reliance: str = ""
    satisfaction: str = ""
    help_types: tuple[str, ...] = ()
    note: str = ""
    procedures: list[ProcRec] = field(default_factory=list)
    updated_at: str = ""  # ISO text of the last change ("" in files of format 1)


@dataclass(slots=True, frozen=True)
class Tombstone:
    """A session voided at its office: carried by data sheets of format 2 so that a
    consolidation (or the province store) drops a copy received earlier."""

    uuid: str
    office_code: str
    started_at: datetime
    updated_at: str


@dataclass(slots=True)
class LookupRec:
    kind: str
    code: str
    label: str
    sort_order: int
    active: bool


@dataclass
class OfficeInfo:
    code: str
    name: str
    province: str = ""
    parent_body: str = ""
    kind: str = ""  # xã / phường / đặc khu / sở ngành (the province's list of offices)


@dataclass
class LookupOrder:
    """Display order of every lookup label per kind (retired ones included, flagged)."""

    values: dict[str, list[LookupRec]] = field(default_factory=dict)

    @classmethod
    def from_records(cls, records: list[LookupRec]) -> LookupOrder:
        by_kind: dict[str, dict[str, LookupRec]] = {}
        for r in sorted(records, key=lambda r: (r.kind, r.sort_order)):
            known = by_kind.setdefault(r.kind, {})
            if r.label in known:
                known[r.label].active = known[r.label].active or r.active
            else:
                known[r.label] = LookupRec(r.kind, r.code, r.label, r.sort_order, r.active)
        return cls({k: list(v.values()) for k, v in by_kind.items()})

    def records(self) -> list[LookupRec]:
        return [r for kind in sorted(self.values) for r in self.values[kind]]

    def labels(self, kind: str) -> list[str]:
        return [r.label for r in self.values.get(kind, [])]

    def active_labels(self, kind: str) -> list[str]:
        return [r.label for r in self.values.get(kind, []) if r.active]
