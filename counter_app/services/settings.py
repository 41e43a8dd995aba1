"""Every stored option of the app, declared once with its type and default.

The ``setting`` table holds JSON values by key; this module is the only code that reads
or writes it. An option is a ``Setting``: ``THEME.get(store)`` returns the stored value,
or the default when it is missing or of the wrong type (a hand-edited or older value
never crashes a screen); ``THEME.set(store, value)`` writes it in its own transaction,
or inside the caller's when one is open. Per-officer values (drafts, PIN failures) are a
``SettingFamily``: ``DRAFTS.of(officer_id)``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from counter_app.storage.database import Store

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    default: T
    kind: type | tuple[type, ...]

    def get(self, store: Store) -> T:
        row = store.db.execute("SELECT value FROM setting WHERE key = ?", [self.key]).fetchone()
        if row is None:
            return self._default()
        try:
            value = json.loads(row[0])
        except ValueError:
            return self._default()
        if self.kind is int and isinstance(value, bool):
            return self._default()
        if not isinstance(value, self.kind):
            return self._default()
        return cast(T, value)

    def set(self, store: Store, value: T) -> None:
        if not isinstance(value, self.kind) or (self.kind is int and isinstance(value, bool)):
            raise TypeError(f"{self.key}: {value!r} is not {self.kind}")
        with store.transaction() as db:
            db.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [self.key, json.dumps(value, ensure_ascii=False)],
            )

    def clear(self, store: Store) -> None:
        with store.transaction() as db:
            db.execute("DELETE FROM setting WHERE key = ?", [self.key])

    def _default(self) -> T:
        # a fresh copy of a mutable default: callers may change what they get
        value: Any = self.default
        if isinstance(value, dict):
            return dict(value)  # type: ignore[return-value]
        if isinstance(value, list):
            return list(value)  # type: ignore[return-value]
        return value


@dataclass(frozen=True)
class SettingFamily(Generic[T]):
    """One value per officer (or other id): keys ``<prefix>.<id>``."""

    prefix: str
    default: T
    kind: type | tuple[type, ...]

    def of(self, ident: int) -> Setting[T]:
        return Setting(f"{self.prefix}.{int(ident)}", self.default, self.kind)

    def all(self, store: Store) -> Iterator[tuple[str, Any]]:
        """(key, decoded value) of every member; undecodable values are skipped."""
        rows = store.db.execute(
            "SELECT key, value FROM setting WHERE key LIKE ?", [self.prefix + ".%"]
        ).fetchall()
        for key, raw in rows:
            try:
                yield key, json.loads(raw)
            except ValueError:
                continue

    def replace(self, store: Store, values: dict[str, Any]) -> None:
        """Write several members (by full key) in one transaction."""
        with store.transaction() as db:
            for key, value in values.items():
                if not key.startswith(self.prefix + "."):
                    raise KeyError(key)
                db.execute(
                    "UPDATE setting SET value = ? WHERE key = ?",
                    [json.dumps(value, ensure_ascii=False), key],
                )


# -- look and language (anyone) ----------------------------------------------------------
THEME: Setting[str] = Setting("ui.theme", "light", str)
LANGUAGE: Setting[str] = Setting("ui.language", "", str)  # "": the app's default
LAST_USER: Setting[dict] = Setting("ui.last_user", {}, dict)  # officer_id, counter_id

# -- the office's choices (supervisors) --------------------------------------------------
FORM_DEFAULTS: Setting[dict] = Setting("form.defaults", {}, dict)
OFFICER_PIN_REQUIRED: Setting[bool] = Setting("auth.officer_pin_required", False, bool)
PERSONAL_FIELDS: Setting[bool] = Setting("privacy.personal_fields", False, bool)
RETENTION_DAYS: Setting[int] = Setting("privacy.retention_days", 90, int)
BACKUP_FOLDER: Setting[str] = Setting("backup.folder", "", str)
EXPORT_NOTES: Setting[bool] = Setting("privacy.export_notes", True, bool)  # notes in exports

# -- the weekly report as a document (Decree 30/2020), supervisors ------------------------
REPORT_SYMBOL: Setting[str] = Setting("report.symbol", "", str)  # "Số: …/BC-<symbol>"
REPORT_PLACE: Setting[str] = Setting("report.place", "", str)  # "<place>, ngày … tháng …"
REPORT_SIGNER_TITLE: Setting[str] = Setting("report.signer_title", "", str)  # "GIÁM ĐỐC"
REPORT_SIGNER_NAME: Setting[str] = Setting("report.signer_name", "", str)
REPORT_SIGNER_AUTHORITY: Setting[str] = Setting("report.signer_authority", "", str)  # "KT. …"
REPORT_RECIPIENTS: Setting[list] = Setting("report.recipients", [], list)  # "Nơi nhận" lines
REPORT_PROPOSALS: Setting[str] = Setting("report.proposals", "", str)  # "Đề xuất, kiến nghị"
REPORT_SUGGESTIONS: Setting[bool] = Setting("report.suggestions", True, bool)  # generated ones
REPORT_FORMATS: Setting[list] = Setting("report.formats", ["docx", "xlsx"], list)

# -- bookkeeping (the app's own) ---------------------------------------------------------
PURGED_BEFORE: Setting[str] = Setting("privacy.purged_before", "", str)
DEMO_SESSION_COUNT: Setting[int] = Setting("demo_session_count", 0, int)
BUILTIN_CATALOGUE_SHA256: Setting[str] = Setting("catalogue.builtin_sha256", "", str)
OFFICE_PROFILE_APPLIED: Setting[dict] = Setting("office_profile.applied", {}, dict)

# -- per officer -------------------------------------------------------------------------
DRAFTS: SettingFamily[dict] = SettingFamily("draft.session_form", {}, dict)
PIN_FAILURES: SettingFamily[dict] = SettingFamily("auth.failures", {}, dict)
