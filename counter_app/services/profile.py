"""The office profile: who this installer is for, applied to the database on first run only.

Each office's installer embeds one profile file (``resources/office_profile.toml`` inside
the bundle, put there by ``build.spec``). The ``COUNTER_APP_PROFILE`` environment variable
points at another file instead (development, tests, a re-used generic bundle).

TOML is chosen over JSON because an office IT person edits it in Notepad: comments are
allowed, a trailing comma or a missing quote gives a message with a line number, and
Vietnamese text reads as typed. Python 3.10 needs the ``tomli`` package for it.

The profile only ever fills an EMPTY database: once an office exists, the data belongs to
the office and is changed in the app, never by re-installing.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from counter_app.domain.models import Office, Role
from counter_app.domain.text import nfc
from counter_app.i18n import tr
from counter_app.resources import resource_path
from counter_app.services.report_document import DocumentSettings, clean

if TYPE_CHECKING:
    from counter_app.storage.database import Store

log = logging.getLogger(__name__)

PROFILE_ENV = "COUNTER_APP_PROFILE"
EMBEDDED_NAME = "office_profile.toml"
FORMAT_VERSION = 1
# The code ends up in the installer's file name and the NSIS defines: keep it plain.
CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


class ProfileError(ValueError):
    """A profile that cannot be used; ``str(e)`` is a Vietnamese message for the IT person."""


@dataclass
class OfficerProfile:
    name: str
    role: Role = Role.OFFICER


@dataclass
class OfficeProfile:
    code: str
    name: str
    province: str = ""
    parent_body: str = ""
    counters: list[str] = field(default_factory=list)
    officers: list[OfficerProfile] = field(default_factory=list)
    source: str = ""
    report: DocumentSettings | None = None  # the optional [report] section

    def office(self) -> Office:
        return Office(
            code=self.code, name=self.name, province=self.province, parent_body=self.parent_body
        )


def _toml_loads(text: str) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib.loads(text)


def _text(table: dict[str, Any], key: str, where: str, required: bool) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ProfileError(
            tr("In the profile, {where}.{key} must be text in quotes.").format(where=where, key=key)
        )
    value = nfc(value.strip())
    if required and not value:
        raise ProfileError(tr("The profile is missing {where}.{key}.").format(where=where, key=key))
    return value


def parse_profile(text: str, source: str = "") -> OfficeProfile:
    """Validate a profile's text; every problem is a :class:`ProfileError` in Vietnamese."""
    data = _load(text, source)
    office = data.get("office")
    if not isinstance(office, dict):
        raise ProfileError(tr("The profile has no [office] section."))
    code = _office_code(office)
    counters = _counters(office)
    officers = _officers(data)
    report = _report(data)
    return OfficeProfile(
        code=code,
        name=_text(office, "name", "office", required=True),
        province=_text(office, "province", "office", required=False),
        parent_body=_text(office, "parent_body", "office", required=False),
        counters=counters,
        officers=officers,
        source=source,
        report=report,
    )


def _report(data: dict[str, Any]) -> DocumentSettings | None:
    """The optional [report] section: what the Word report says about the office."""
    raw = data.get("report")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ProfileError(tr("In the profile, [report] must be a section."))
    recipients = raw.get("recipients", [])
    if not isinstance(recipients, list) or not all(isinstance(r, str) for r in recipients):
        raise ProfileError(
            tr('In the profile, report.recipients must be a list of names, e.g. ["Sở Nội vụ"].')
        )
    suggestions = raw.get("suggestions", True)
    if not isinstance(suggestions, bool):
        raise ProfileError(tr("In the profile, report.suggestions must be true or false."))
    doc = clean(
        DocumentSettings(
            symbol=_text(raw, "symbol", "report", required=False),
            place=_text(raw, "place", "report", required=False),
            signer_title=_text(raw, "signer_title", "report", required=False),
            signer_name=_text(raw, "signer_name", "report", required=False),
            signer_authority=_text(raw, "signer_authority", "report", required=False),
            recipients=list(recipients),
            proposals=_text(raw, "proposals", "report", required=False),
            suggestions=suggestions,
        )
    )
    problems = doc.problems()
    if problems:
        raise ProfileError(
            tr("In the profile, [report]: {problems}").format(problems=" ".join(problems))
        )
    return doc


def _load(text: str, source: str) -> dict[str, Any]:
    """The TOML document, in the one format version this app reads."""
    try:
        data = _toml_loads(text)
    except ValueError as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise ProfileError(
            tr("The profile file {file} is not valid TOML: {problem}").format(
                file=source or "?", problem=exc
            )
        ) from exc
    version = data.get("format", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise ProfileError(
            tr("This profile has format {found}; this app reads format {expected}.").format(
                found=version, expected=FORMAT_VERSION
            )
        )
    return data


def _office_code(office: dict[str, Any]) -> str:
    code = _text(office, "code", "office", required=True)
    if not CODE_PATTERN.match(code):
        raise ProfileError(
            tr(
                "The office code {code} may only use letters A-Z without marks, digits, '-', '_' "
                "and '.', at most 32 characters (it becomes part of the installer's file name)."
            ).format(code=code)
        )
    return code


def _counters(office: dict[str, Any]) -> list[str]:
    counters_raw = office.get("counters", [])
    if not isinstance(counters_raw, list) or not all(isinstance(c, str) for c in counters_raw):
        raise ProfileError(
            tr(
                "In the profile, office.counters must be a list of names, "
                'e.g. ["Quầy 1", "Quầy 2"].'
            )
        )
    counters = _unique([nfc(c.strip()) for c in counters_raw if c.strip()], "office.counters")
    if not counters:
        raise ProfileError(tr("The profile must name at least one counter (office.counters)."))
    return counters


def _officers(data: dict[str, Any]) -> list[OfficerProfile]:
    """The [[officers]] sections: unique names, at least one supervisor."""
    raw_officers = data.get("officers", [])
    if not isinstance(raw_officers, list):
        raise ProfileError(tr("In the profile, each officer is an [[officers]] section."))
    officers = [_officer(raw, f"officers[{i}]") for i, raw in enumerate(raw_officers, start=1)]
    _unique([o.name for o in officers], "officers.name")
    if not any(o.role is Role.SUPERVISOR for o in officers):
        raise ProfileError(
            tr(
                "The profile must name at least one officer with role = "
                '"supervisor" (who manages the settings and reports).'
            )
        )
    return officers


def _officer(raw: object, where: str) -> OfficerProfile:
    if not isinstance(raw, dict):
        raise ProfileError(tr("In the profile, each officer is an [[officers]] section."))
    name = _text(raw, "name", where, required=True)
    role_text = _text(raw, "role", where, required=False) or Role.OFFICER.value
    try:
        role = Role(role_text)
    except ValueError:
        raise ProfileError(
            tr(
                'In the profile, {where}.role must be "officer" or "supervisor", not "{role}".'
            ).format(where=where, role=role_text)
        ) from None
    return OfficerProfile(name=name, role=role)


def _unique(values: list[str], where: str) -> list[str]:
    seen: set[str] = set()
    for v in values:
        if v.casefold() in seen:
            raise ProfileError(
                tr("In the profile, {where} lists {value} twice.").format(where=where, value=v)
            )
        seen.add(v.casefold())
    return values


def load_profile_file(path: Path) -> OfficeProfile:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")  # Notepad may add a BOM
    except (OSError, UnicodeDecodeError) as exc:
        raise ProfileError(
            tr("Cannot read the profile file {file}: {problem}").format(file=path, problem=exc)
        ) from exc
    return parse_profile(text, source=str(path))


def profile_path() -> Path | None:
    """The profile in force: ``COUNTER_APP_PROFILE`` if set, else the embedded one, if any."""
    override = os.environ.get(PROFILE_ENV)
    if override:
        return Path(override)
    embedded = resource_path(EMBEDDED_NAME)
    return embedded if embedded.is_file() else None


def load_profile() -> OfficeProfile | None:
    """The profile in force, or None when this build carries none (a generic build)."""
    path = profile_path()
    return load_profile_file(path) if path is not None else None


def apply_profile_if_new(
    store: Store,
    profile: OfficeProfile | None = None,
    clock: Callable[[], datetime] = datetime.now,
) -> bool:
    """On first run (no office yet) create the profile's office, counters and officers.

    Returns True when it wrote something. An existing office is never touched, so
    re-installing or upgrading keeps every change the office made in the app.
    """
    from counter_app.services import settings
    from counter_app.services.offices import NewOfficer, OfficeService

    offices = OfficeService(store)
    if offices.office() is not None:
        return False
    profile = profile if profile is not None else load_profile()
    if profile is None:
        return False
    with store.transaction():  # all or nothing: never a half-initialised office
        offices.create_office(
            profile.office(),
            profile.counters,
            [NewOfficer(o.name, o.role) for o in profile.officers],
        )
        if profile.report is not None:
            from counter_app.services.report_document import save_document_settings

            save_document_settings(store, profile.report)
        settings.OFFICE_PROFILE_APPLIED.set(
            store,
            {
                "code": profile.code,
                "source": Path(profile.source).name if profile.source else "",
                "applied_at": clock().replace(microsecond=0).isoformat(),
            },
        )
    log.info(
        "office profile %s applied (%d counters, %d officers)",
        profile.code,
        len(profile.counters),
        len(profile.officers),
    )
    return True
