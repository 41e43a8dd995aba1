"""Settings (supervisors): office profile, counters, officers, lookup lists, personal data,
backups, look and language. Every change is its own short transaction via the services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from counter_app.domain.models import Counter, LookupKind, LookupValue, Office, Officer, Role
from counter_app.domain.text import nfc
from counter_app.i18n import tr
from counter_app.presenters.base import AppLike, signed_in_id
from counter_app.services import settings
from counter_app.services.auth import AuthService, PinError, check_pin_shape
from counter_app.services.lookups import LookupService
from counter_app.services.offices import OfficeService
from counter_app.services.privacy import (
    PrivacySettings,
    backup_retention_note,
    backup_schedule_note,
    load_settings,
    purge_personal_data,
)
from counter_app.services.privacy import save_settings as save_privacy
from counter_app.services.report_document import (
    DocumentSettings,
    export_notes,
    load_document_settings,
    save_document_settings,
    set_export_notes,
)
from counter_app.storage.backup import take_backup
from counter_app.storage.errors import StorageError

EDITABLE_KINDS = (
    LookupKind.HELP_TYPE,
    LookupKind.BARRIER,
    LookupKind.CHANNEL,
    LookupKind.PORTAL,
    LookupKind.APPLICANT_TYPE,
    LookupKind.OUTCOME,
    LookupKind.SELF_RELIANCE,
    LookupKind.SATISFACTION,
)


def kind_label(kind: LookupKind) -> str:
    return {
        LookupKind.HELP_TYPE: tr("Help types"),
        LookupKind.BARRIER: tr("Barriers"),
        LookupKind.CHANNEL: tr("Channels"),
        LookupKind.PORTAL: tr("Portals"),
        LookupKind.APPLICANT_TYPE: tr("Citizen groups"),
        LookupKind.OUTCOME: tr("Outcomes"),
        LookupKind.SELF_RELIANCE: tr("Self-reliance"),
        LookupKind.SATISFACTION: tr("Satisfaction"),
    }[kind]


class SettingsView(Protocol):
    def show_office(self, office: Office | None) -> None: ...
    def show_counters(self, counters: list[Counter]) -> None: ...
    def show_officers(self, officers: list[Officer]) -> None: ...
    def show_lookup_values(self, kind: LookupKind, values: list[LookupValue]) -> None: ...
    def show_privacy(self, settings: PrivacySettings) -> None: ...
    def show_backup(self, folder: Path, officer_pin_required: bool) -> None: ...
    def show_backup_notes(self, schedule: str, kept: str) -> None: ...
    def show_defaults(self, defaults: dict, choices: dict) -> None: ...
    def show_backup_running(self, running: bool) -> None: ...
    def show_document(self, document: DocumentSettings) -> None: ...
    def show_export_notes(self, export_notes: bool) -> None: ...


class SettingsPresenter:
    def __init__(
        self,
        view: SettingsView,
        app: AppLike,
        clock: Callable[[], datetime] | None = None,
    ):
        self.view = view
        self.app = app
        self.store = app.store
        self.clock = clock or app.clock
        self.offices = OfficeService(self.store)
        self.lookups = LookupService(self.store)
        self.auth = AuthService(self.store, clock=self.clock)
        self.kind = LookupKind.HELP_TYPE
        self.backing_up = False  # a backup from this screen is being written

    def start(self) -> None:
        self.view.show_office(self.offices.office())
        self.view.show_document(load_document_settings(self.store))
        self.view.show_export_notes(export_notes(self.store))
        self.view.show_counters(self.offices.counters(include_retired=True))
        self.view.show_officers(self.offices.officers(include_retired=True))
        self.select_kind(self.kind)
        self.view.show_privacy(load_settings(self.store))
        self.view.show_backup(self.store.backups_dir, self.auth.officer_pin_required())
        self.view.show_backup_notes(*self.backup_notes())
        self.view.show_defaults(
            settings.FORM_DEFAULTS.get(self.store),
            {
                "channels": self.lookups.values(LookupKind.CHANNEL),
                "portals": self.lookups.values(LookupKind.PORTAL),
                "help_types": self.lookups.values(LookupKind.HELP_TYPE),
            },
        )

    def _run(self, action: Callable[[], object], done: str) -> bool:
        try:
            action()
        except (StorageError, PinError, ValueError) as exc:
            self.app.show_error(str(exc))
            return False
        self.app.toast(done)
        return True

    # -- office, counters, officers ----------------------------------------------------

    def save_office(self, name: str, code: str, province: str, parent_body: str) -> bool:
        if not nfc(name) or not nfc(code):
            self.app.show_error(tr("The office name and code are required."))
            return False
        office = self.offices.office() or Office(code="", name="")
        office.name, office.code = name, code
        office.province, office.parent_body = province, parent_body
        ok = self._run(lambda: self.offices.save_office(office), tr("Office profile saved."))
        if ok:
            self.app.office_changed()
        return ok

    def save_document(
        self,
        symbol: str,
        place: str,
        signer_authority: str,
        signer_title: str,
        signer_name: str,
        recipients_text: str,
        proposals: str,
        suggestions: bool,
    ) -> bool:
        """The Word report's settings (Cài đặt › Đơn vị): one transaction, or a message
        naming every value that cannot be used and nothing saved."""
        document = DocumentSettings(
            symbol=symbol,
            place=place,
            signer_title=signer_title,
            signer_name=signer_name,
            signer_authority=signer_authority,
            recipients=recipients_text.splitlines(),
            proposals=proposals,
            suggestions=bool(suggestions),
        )
        saved: list[DocumentSettings] = []
        ok = self._run(
            lambda: saved.append(save_document_settings(self.store, document)),
            tr("Report document settings saved."),
        )
        if ok:
            self.view.show_document(saved[0])
        return ok

    def save_export_notes(self, include: bool) -> bool:
        return self._run(lambda: set_export_notes(self.store, include), tr("Saved."))

    def add_counter(self, name: str) -> bool:
        office = self.offices.office()
        if office is None or office.id is None:
            return False
        office_id = office.id
        ok = self._run(lambda: self.offices.add_counter(office_id, name), tr("Counter added."))
        self.view.show_counters(self.offices.counters(include_retired=True))
        return ok

    def rename_counter(self, counter_id: int, name: str) -> bool:
        ok = self._run(lambda: self.offices.rename_counter(counter_id, name), tr("Saved."))
        self.view.show_counters(self.offices.counters(include_retired=True))
        return ok

    def set_counter_active(self, counter_id: int, active: bool) -> bool:
        current = self.app.current_counter
        if not active and current and current.id == counter_id:
            self.app.show_error(tr("The counter in use cannot be retired."))
            return False
        ok = self._run(lambda: self.offices.set_counter_active(counter_id, active), tr("Saved."))
        self.view.show_counters(self.offices.counters(include_retired=True))
        return ok

    def _pins_differ(self, pin: str, pin_again: str | None) -> bool:
        """``pin_again`` is the PIN typed a second time (None: the caller confirmed it):
        a typo in a PIN would lock its owner out, a supervisor out of Settings."""
        if pin_again is not None and pin != pin_again:
            self.app.show_error(tr("The two PINs differ."))
            return True
        return False

    def add_officer(
        self, name: str, role: Role, pin: str = "", pin_again: str | None = None
    ) -> bool:
        office = self.offices.office()
        if office is None or office.id is None:
            return False
        office_id = office.id
        if not nfc(name):
            self.app.show_error(tr("Enter the officer's name."))
            return False
        if pin or role == Role.SUPERVISOR:
            try:
                check_pin_shape(pin)
            except PinError as exc:
                self.app.show_error(tr("A supervisor needs a PIN.") + " " + str(exc))
                return False
        if self._pins_differ(pin, pin_again):
            return False

        def add() -> None:
            with self.store.transaction():  # never a supervisor without the PIN just typed
                officer = self.offices.add_officer(office_id, name, Role(role))
                if pin:
                    assert officer.id is not None
                    self.auth.set_pin(officer.id, pin)

        ok = self._run(add, tr("Officer added."))
        self.view.show_officers(self.offices.officers(include_retired=True))
        return ok

    def update_officer(self, officer_id: int, name: str, role: Role) -> bool:
        ok = self._run(
            lambda: self.offices.update_officer(officer_id, name, Role(role)), tr("Saved.")
        )
        self.view.show_officers(self.offices.officers(include_retired=True))
        return ok

    def set_officer_pin(self, officer_id: int, pin: str, pin_again: str | None = None) -> bool:
        if self._pins_differ(pin, pin_again):
            return False
        ok = self._run(lambda: self.auth.set_pin(officer_id, pin), tr("PIN changed."))
        self.view.show_officers(self.offices.officers(include_retired=True))
        return ok

    def set_officer_active(self, officer_id: int, active: bool) -> bool:
        me = self.app.current_officer
        ok = self._run(
            lambda: self.offices.set_officer_active(officer_id, active, me.id if me else None),
            tr("Saved."),
        )
        self.view.show_officers(self.offices.officers(include_retired=True))
        return ok

    def set_officer_pin_required(self, required: bool) -> bool:
        return self._run(lambda: self.auth.set_officer_pin_required(bool(required)), tr("Saved."))

    # -- lookup lists -------------------------------------------------------------------

    def select_kind(self, kind: LookupKind) -> None:
        self.kind = LookupKind(kind)
        self.view.show_lookup_values(
            self.kind, self.lookups.values(self.kind, include_retired=True)
        )

    def add_value(self, label: str) -> bool:
        if not nfc(label):
            return False
        ok = self._run(lambda: self.lookups.add(self.kind, label), tr("Value added."))
        self.select_kind(self.kind)
        return ok

    def rename_value(self, value_id: int, label: str) -> bool:
        if not nfc(label):
            return False
        ok = self._run(lambda: self.lookups.rename(value_id, label), tr("Saved."))
        self.select_kind(self.kind)
        return ok

    def set_value_active(self, value_id: int, active: bool) -> bool:
        ok = self._run(
            lambda: self.lookups.set_active(value_id, active),
            tr("Value retired; old records keep it.") if not active else tr("Value restored."),
        )
        self.select_kind(self.kind)
        return ok

    # -- form defaults, privacy, backups, look ------------------------------------------

    def save_defaults(
        self, channel_id: int | None, portal_id: int | None, help_type_ids: list[int]
    ) -> bool:
        return self._run(
            lambda: settings.FORM_DEFAULTS.set(
                self.store,
                {
                    "channel_id": channel_id,
                    "portal_id": portal_id,
                    "help_type_ids": list(help_type_ids),
                },
            ),
            tr("Saved."),
        )

    def save_privacy(self, personal_fields: bool, retention_text: str) -> bool:
        try:
            days = int(str(retention_text).strip())
            if days < 1:
                raise ValueError
        except ValueError:
            self.app.show_error(tr("Retention must be a whole number of days (at least 1)."))
            return False
        return self._run(
            lambda: save_privacy(self.store, PrivacySettings(personal_fields, days)), tr("Saved.")
        )

    def purge_now(self) -> int:
        settings = load_settings(self.store)
        try:
            n = purge_personal_data(
                self.store,
                settings.retention_days,
                actor_id=signed_in_id(self.app),
                clock=self.clock,
            )
        except StorageError as exc:
            self.app.show_error(str(exc))
            return 0
        self.app.toast(tr("Personal data removed from {n} sessions.").format(n=n))
        return n

    def backup_notes(self) -> tuple[str, str]:
        """(how backups are kept, how long they keep purged personal data)."""
        return backup_schedule_note(), backup_retention_note()

    def set_backup_folder(self, folder: str) -> bool:
        path = Path(folder)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.app.show_error(
                tr("The folder cannot be used: {error}").format(error=exc.strerror or exc)
            )
            return False
        try:
            settings.BACKUP_FOLDER.set(self.store, str(path))
        except StorageError as exc:
            self.app.show_error(str(exc))
            return False
        self.store.backups_dir = path
        self.app.toast(tr("Saved."))
        return True

    def backup_now(self) -> None:
        """A verified copy now, on the app's worker: a big file never freezes the
        window; the result comes back to ``done`` on the UI thread."""
        if self.backing_up:
            return
        store = self.store
        self.backing_up = True
        self.view.show_backup_running(True)

        def job() -> Path:
            return take_backup(store.path, store.backups_dir, reason="manual")

        def done(path: Path | None, error: BaseException | None) -> None:
            self.backing_up = False
            self.view.show_backup_running(False)
            if error is not None:
                self.app.show_error(str(error))
            else:
                self.app.show_info(tr("Backup written and verified: {path}").format(path=path))

        self.app.run_in_background(job, done, key="backup")

    def send_logs_to_it(self) -> None:
        """“Gửi nhật ký cho IT”: one zip of the logs and the data check, without personal
        data, written on the worker (the check reads the whole data file)."""
        from counter_app import paths
        from counter_app.services.diagnostics import BundleResult, write_log_bundle

        db_path, backups_dir, clock = self.store.path, self.store.backups_dir, self.clock

        def job() -> BundleResult:
            return write_log_bundle(
                paths.exports_dir(), clock=clock, db_path=db_path, backups_dir=backups_dir
            )

        def done(result: BundleResult | None, error: BaseException | None) -> None:
            if error is not None or result is None:
                self.app.show_error(
                    tr("The log bundle could not be written: {error}").format(error=error)
                )
                return
            self.app.show_info(
                tr(
                    "The file for the IT person is ready:\n{path}\n\nSend it to the IT person "
                    "(e-mail, Zalo or a USB stick). It holds the logs and the data check, "
                    "no personal data."
                ).format(path=result.path)
            )

        self.app.run_in_background(job, done, key="it-logs")

    def restore(self, file: str) -> bool:
        if not file:
            return False
        if not self.app.confirm(
            tr(
                "Replace ALL current data with the backup {file}? The current data file is kept "
                "aside. The app restarts afterwards."
            ).format(file=file)
        ):
            return False
        self.app.restore_from(Path(file))
        return True

    def set_theme(self, theme: str) -> None:
        settings.THEME.set(self.store, theme)
        self.app.apply_theme(theme)

    def set_language(self, language: str) -> None:
        settings.LANGUAGE.set(self.store, language)
        self.app.apply_language(language)
