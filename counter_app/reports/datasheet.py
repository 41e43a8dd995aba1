"""The machine-readable data sheet: what consolidation reads back from any office's file.

Layout (one record per row, the first cell says what the row is):

    COUNTER_APP_REPORT_DATA | <format version> | warning text
    M  | key | value                         meta: period, office, previous-period totals
    #L | kind | code | label | sort_order | active           header of lookup rows
    L  | ...
    #O | code | name                                         offices of the sessions
    O  | ...
    #C | code | name | field | online_level                  procedures of the sessions
    C  | ...
    #S | uuid | office_code | ... (SESSION_COLUMNS)          header of session rows
    S  | ...
    #P | session_uuid | ... (PROCEDURE_COLUMNS)              header of procedure rows
    P  | ...
    #V | uuid | office_code | started_at | updated_at         voided sessions (format 2)
    V  | ...
    END | <sessions> | <procedures> | <voided>               proof the sheet is complete

Labels, never ids, so files of different offices merge; lists are JSON arrays; times are
ISO text. Columns are found by their header name, so a later version may add columns
without breaking older readers; a change that would mislead them raises FORMAT_VERSION.
No personal data (citizen name, phone, ID number) is ever written; notes and dossier codes
arrive masked (``reports.source``).

Format 2 (this version) adds each session's ``updated_at`` (the newer copy of a session
edited between two exports wins) and the tombstones of sessions voided in the period (a
void travels: a copy received earlier stops counting). Files of format 1 stay readable.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from counter_app.reports.aggregate import Totals
from counter_app.reports.period import Period
from counter_app.reports.records import (
    LookupOrder,
    LookupRec,
    OfficeInfo,
    ProcRec,
    SessionRec,
    Tombstone,
)

MARKER = "COUNTER_APP_REPORT_DATA"
FORMAT_VERSION = 2
WARNING = "Dữ liệu để tổng hợp báo cáo nhiều đơn vị (counter_app). Không sửa trang này."
LOOKUP_COLUMNS = ("kind", "code", "label", "sort_order", "active")
OFFICE_COLUMNS = ("code", "name")
CATALOGUE_COLUMNS = ("code", "name", "field", "online_level")
SESSION_COLUMNS = (
    "uuid",
    "office_code",
    "started_at",
    "minutes",
    "officer",
    "counter",
    "channel",
    "portal",
    "applicant_code",
    "applicant_type",
    "elderly",
    "ethnic_minority",
    "disability",
    "self_reliance",
    "satisfaction",
    "help_types",
    "note",
    "updated_at",
)
TOMBSTONE_COLUMNS = ("uuid", "office_code", "started_at", "updated_at")
PROCEDURE_COLUMNS = (
    "session_uuid",
    "position",
    "code",
    "outcome_code",
    "outcome",
    "barriers",
    "dossier_code",
)


class DataSheetError(ValueError):
    """Why a file cannot be consolidated; ``kind`` is foreign/newer/corrupt/truncated/
    too_large/invalid (a row breaks the rules of a saved session: ``row`` names it and
    ``detail`` says why, in Vietnamese)."""

    def __init__(self, kind: str, detail: str = "", row: int | None = None):
        super().__init__(f"{kind}: {detail}" + (f" (row {row})" if row else ""))
        self.kind = kind
        self.detail = detail
        self.row = row


@dataclass
class DataFile:
    path: Path
    version: int
    period: Period
    office: OfficeInfo
    prev_totals: Totals | None
    consolidated: bool
    lookups: list[LookupRec] = field(default_factory=list)
    sessions: list[SessionRec] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    tombstones: list[Tombstone] = field(default_factory=list)
    generated_at: datetime | None = None

    @property
    def app_version(self) -> str:
        return self.meta.get("app_version", "")


def data_rows(
    period: Period,
    office: OfficeInfo,
    sessions: list[SessionRec],
    lookups: LookupOrder,
    prev_totals: Totals | None,
    *,
    consolidated: bool,
    app_version: str,
    generated_at: datetime,
    tombstones: list[Tombstone] | None = None,
) -> Iterator[list]:
    """Every row of the data sheet, in order."""
    yield [MARKER, FORMAT_VERSION, WARNING]
    meta = {
        "app_version": app_version,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "period": period.to_text(),
        "office_code": office.code,
        "office_name": office.name,
        "province": office.province,
        "parent_body": office.parent_body,
        "consolidated": "1" if consolidated else "0",
    }
    if prev_totals is not None:
        meta["prev_totals"] = json.dumps(prev_totals.as_dict())
    for key, value in meta.items():
        yield ["M", key, value]
    yield ["#L", *LOOKUP_COLUMNS]
    for r in lookups.records():
        yield ["L", r.kind, r.code, r.label, r.sort_order, int(r.active)]
    yield from _catalogue_rows(sessions)
    yield ["#S", *SESSION_COLUMNS]
    for s in sessions:
        yield _session_row(s)
    yield ["#P", *PROCEDURE_COLUMNS]
    for s in sessions:
        for p in s.procedures:
            yield _procedure_row(s.uuid, p)
    voided = tombstones or []
    yield ["#V", *TOMBSTONE_COLUMNS]
    for t in voided:
        yield ["V", t.uuid, t.office_code, t.started_at.isoformat(timespec="seconds"), t.updated_at]
    yield ["END", len(sessions), sum(len(s.procedures) for s in sessions), len(voided)]


def _catalogue_rows(sessions: list[SessionRec]) -> Iterator[list]:
    """The offices and the procedures the sessions name, each once."""
    offices: dict[str, str] = {}
    catalogue: dict[str, tuple[str, str, str]] = {}
    for s in sessions:
        if s.office_code not in offices:
            offices[s.office_code] = s.office_name
        for p in s.procedures:
            if p.code not in catalogue:
                catalogue[p.code] = (p.name, p.field, p.online_level)
    yield ["#O", *OFFICE_COLUMNS]
    for code, name in offices.items():
        yield ["O", code, name]
    yield ["#C", *CATALOGUE_COLUMNS]
    for code, (name, fld, online) in catalogue.items():
        yield ["C", code, name, fld, online]


def _json_list(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False) if values else ""


def _session_row(s: SessionRec) -> list:
    return [
        "S",
        s.uuid,
        s.office_code,
        s.started_at.isoformat(timespec="seconds"),
        s.minutes,
        s.officer,
        s.counter,
        s.channel,
        s.portal,
        s.applicant_code,
        s.applicant_type,
        s.elderly,
        s.ethnic_minority,
        s.disability,
        s.self_reliance,
        s.satisfaction,
        _json_list(s.help_types),
        s.note,
        s.updated_at,
    ]


def _procedure_row(session_uuid: str, p: ProcRec) -> list:
    return [
        "P",
        session_uuid,
        p.position,
        p.code,
        p.outcome_code,
        p.outcome,
        _json_list(p.barriers),
        p.dossier_code,
    ]
