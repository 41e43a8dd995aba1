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
from counter_app.presenters.base import AppLike
from counter_app.presenters.session_form import DEFAULTS_KEY
from counter_app.services.auth import OFFICER_PIN_KEY, AuthService, PinError, check_pin_shape
from counter_app.services.lookups import LookupService
from counter_app.services.offices import OfficeService
from counter_app.services.privacy import PrivacySettings, load_settings, purge_personal_data
from counter_app.services.privacy import save_settings as save_privacy
from counter_app.services.staff import StaffService
from counter_app.storage.backup import take_backup
from counter_app.storage.errors import StorageError

BACKUP_FOLDER_KEY = "backup.folder"
Runner = Callable[[Callable[[], object], Callable[[object, BaseException | None], None]], None]


def run_now(
    job: Callable[[], object], done: Callable[[object, BaseException | None], None]
) -> None:
    """The synchronous runner (tests, and where no worker is available)."""
    try:
        result = job()
    except (StorageError, OSError) as exc:
        done(None, exc)
        return
    done(result, None)


THEME_KEY = "ui.theme"
LANGUAGE_KEY = "ui.language"
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
    def show_defaults(self, defaults: dict, choices: dict) -> None: ...


class SettingsPresenter:
    def __init__(
        self, view: SettingsView, app: AppLike, clock: Callable[[], datetime] = datetime.now
    ):
        self.view = view
        self.app = app
        self.store = app.store
        self.clock = clock
        self.offices = OfficeService(self.store)
        self.staff = StaffService(self.store)
        self.lookups = LookupService(self.store)
        self.auth = AuthService(self.store, clock=clock)
        self.kind = LookupKind.HELP_TYPE

    def start(self) -> None:
        self.view.show_office(self.offices.office())
        self.view.show_counters(self.offices.counters(include_retired=True))
        self.view.show_officers(self.offices.officers(include_retired=True))
        self.select_kind(self.kind)
        self.view.show_privacy(load_settings(self.store))
        self.view.show_backup(self.store.backups_dir, self.auth.officer_pin_required())
        self.view.show_defaults(
            self.offices.get_setting(DEFAULTS_KEY, {}) or {},
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

    def _counter_name_taken(self, name: str, counter_id: int | None = None) -> bool:
        """Counter names are unique per office (a database constraint): say so plainly
        instead of failing inside the save."""
        taken = any(
            fold_label(c.name) == fold_label(name) and c.id != counter_id
            for c in self.offices.counters(include_retired=True)
        )
        if taken:
            self.app.show_error(tr("There is already a counter with this name."))
        return taken

    def add_counter(self, name: str) -> bool:
        office = self.offices.office()
        if not nfc(name) or office is None:
            self.app.show_error(tr("Enter the counter name."))
            return False
        if self._counter_name_taken(name):
            return False
        ok = self._run(lambda: self.offices.add_counter(office.id, name), tr("Counter added."))
        self.view.show_counters(self.offices.counters(include_retired=True))
        return ok

    def rename_counter(self, counter_id: int, name: str) -> bool:
        if not nfc(name) or self._counter_name_taken(name, counter_id):
            return False
        ok = self._run(lambda: self.staff.rename_counter(counter_id, name), tr("Saved."))
        self.view.show_counters(self.offices.counters(include_retired=True))
        return ok

    def set_counter_active(self, counter_id: int, active: bool) -> bool:
        current = self.app.current_counter
        if not active and current and current.id == counter_id:
            self.app.show_error(tr("The counter in use cannot be retired."))
            return False
        ok = self._run(lambda: self.staff.set_counter_active(counter_id, active), tr("Saved."))
        self.view.show_counters(self.offices.counters(include_retired=True))
        return ok

    def _active_supervisors(self, excluding: int | None = None) -> int:
        return sum(
            1 for o in self.offices.officers() if o.role == Role.SUPERVISOR and o.id != excluding
        )

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
        if not nfc(name) or office is None:
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
            officer = self.offices.add_officer(office.id, name, Role(role))
            if pin:
                self.auth.set_pin(officer.id, pin)

        ok = self._run(add, tr("Officer added."))
        self.view.show_officers(self.offices.officers(include_retired=True))
        return ok

    def update_officer(self, officer_id: int, name: str, role: Role) -> bool:
        if Role(role) != Role.SUPERVISOR and not self._active_supervisors(excluding=officer_id):
            self.app.show_error(tr("The office needs at least one supervisor."))
            return False
        if not nfc(name):
            return False
        ok = self._run(
            lambda: self.staff.update_officer(officer_id, name, Role(role)), tr("Saved.")
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
        if not active:
            me = self.app.current_officer
            if me and me.id == officer_id:
                self.app.show_error(tr("You cannot retire yourself."))
                return False
            if not self._active_supervisors(excluding=officer_id):
                self.app.show_error(tr("The office needs at least one supervisor."))
                return False
        ok = self._run(lambda: self.staff.set_officer_active(officer_id, active), tr("Saved."))
        self.view.show_officers(self.offices.officers(include_retired=True))
        return ok

    def set_officer_pin_required(self, required: bool) -> bool:
        return self._run(
            lambda: self.offices.set_setting(OFFICER_PIN_KEY, bool(required)), tr("Saved.")
        )

    # -- lookup lists -------------------------------------------------------------------

    def select_kind(self, kind: LookupKind) -> None:
        self.kind = LookupKind(kind)
        self.view.show_lookup_values(
            self.kind, self.lookups.values(self.kind, include_retired=True)
        )

    def add_value(self, label: str) -> bool:
        if not nfc(label):
            return False
        exists = {fold_label(v.label) for v in self.lookups.values(self.kind, True)}
        if fold_label(label) in exists:
            self.app.show_error(tr("This value is already in the list."))
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
        if not active and self.kind == LookupKind.OUTCOME:
            self.app.show_error(
                tr("Outcomes are used by the reports and cannot be retired; rename them instead.")
            )
            return False
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
            lambda: self.offices.set_setting(
                DEFAULTS_KEY,
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
                actor_id=self.app.current_officer.id,
                clock=self.clock,
            )
        except StorageError as exc:
            self.app.show_error(str(exc))
            return 0
        self.app.toast(tr("Personal data removed from {n} sessions.").format(n=n))
        return n

    def set_backup_folder(self, folder: str) -> bool:
        path = Path(folder)
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.app.show_error(
                tr("The folder cannot be used: {error}").format(error=exc.strerror or exc)
            )
            return False
        self.offices.set_setting(BACKUP_FOLDER_KEY, str(path))
        self.store.backups_dir = path
        self.app.toast(tr("Saved."))
        return True

    def backup_now(self, runner: Runner | None = None) -> None:
        """A verified copy now; ``runner`` runs the copy off the Tk thread (the view's
        worker), the result comes back to ``done`` on the Tk thread."""
        store = self.store

        def job() -> Path:
            return take_backup(store.path, store.backups_dir, reason="manual")

        def done(path: Path | None, error: BaseException | None) -> None:
            if error is not None:
                self.app.show_error(str(error))
            else:
                self.app.show_info(tr("Backup written and verified: {path}").format(path=path))

        (runner or run_now)(job, done)

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
        self.offices.set_setting(THEME_KEY, theme)
        self.app.apply_theme(theme)

    def set_language(self, language: str) -> None:
        self.offices.set_setting(LANGUAGE_KEY, language)
        self.app.apply_language(language)


def fold_label(label: str) -> str:
    return nfc(label).casefold()
