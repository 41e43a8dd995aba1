"""Who is at the counter: first-run setup, then officer + counter (+ PIN) at every start."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from counter_app.domain.models import Counter, Office, Officer, Role
from counter_app.i18n import tr
from counter_app.services import settings
from counter_app.services.auth import AuthService, PinError, check_pin_shape, hash_pin
from counter_app.services.offices import NewOfficer, OfficeService
from counter_app.storage.database import Store
from counter_app.storage.errors import StorageError


class LoginView(Protocol):
    def set_people(
        self,
        officers: list[Officer],
        counters: list[Counter],
        officer_id: int | None,
        counter_id: int | None,
    ) -> None: ...
    def set_pin_needed(self, needed: bool) -> None: ...
    def set_new_pin_needed(self, needed: bool) -> None: ...
    def show_message(self, message: str) -> None: ...


@dataclass
class LoginOutcome:
    officer: Officer
    counter: Counter


class LoginPresenter:
    def __init__(self, view: LoginView, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.view = view
        self.store = store
        self.offices = OfficeService(store)
        self.auth = AuthService(store, clock=clock)
        self.officers: list[Officer] = []
        self.counters: list[Counter] = []

    def start(self) -> None:
        self.officers = self.offices.officers()
        self.counters = self.offices.counters()
        last = settings.LAST_USER.get(self.store)
        officer_id = last.get("officer_id")
        if officer_id not in {o.id for o in self.officers}:
            officer_id = self.officers[0].id if self.officers else None
        counter_id = last.get("counter_id")
        if counter_id not in {c.id for c in self.counters}:
            counter_id = self.counters[0].id if self.counters else None
        self.view.set_people(self.officers, self.counters, officer_id, counter_id)
        self.officer_changed(officer_id)

    def _officer(self, officer_id: int | None) -> Officer | None:
        return next((o for o in self.officers if o.id == officer_id), None)

    def officer_changed(self, officer_id: int | None) -> None:
        officer = self._officer(officer_id)
        new_pin = bool(officer and self.auth.must_set_pin(officer))
        self.view.set_new_pin_needed(new_pin)
        self.view.set_pin_needed(bool(officer and not new_pin and self.auth.needs_pin(officer)))
        if new_pin:
            self.view.show_message(
                tr(
                    "{name} has no PIN yet. Choose one (4 to 8 digits) and type it twice; it is "
                    "asked at every sign-in."
                ).format(name=officer.name if officer else "")
            )

    def submit(
        self, officer_id: int | None, counter_id: int | None, pin: str, pin_again: str = ""
    ) -> LoginOutcome | None:
        """Sign in; someone who must have a PIN and has none sets it here (``pin`` typed
        twice) before the work screens open."""
        officer = self._officer(officer_id)
        counter = next((c for c in self.counters if c.id == counter_id), None)
        if officer is None:
            self.view.show_message(tr("Choose the officer at the counter."))
            return None
        if counter is None:
            self.view.show_message(tr("Choose the counter."))
            return None
        if self.auth.must_set_pin(officer):
            officer = self._set_first_pin(officer, pin, pin_again)
            if officer is None:
                return None
        result = self.auth.login(officer, pin)
        if not result.ok:
            self.view.show_message(result.message)
            return None
        settings.LAST_USER.set(self.store, {"officer_id": officer.id, "counter_id": counter.id})
        return LoginOutcome(officer, counter)

    def _set_first_pin(self, officer: Officer, pin: str, pin_again: str) -> Officer | None:
        """The new PIN, checked and stored; the officer as now stored, or None."""
        try:
            check_pin_shape(pin)
        except PinError as exc:
            self.view.show_message(str(exc))
            return None
        if pin != pin_again:
            self.view.show_message(tr("The two PINs differ."))
            return None
        if officer.id is None or not self.auth.set_first_pin(officer.id, pin):
            self.start()
            self.view.show_message(tr("A PIN was set meanwhile; type that PIN."))
            return None
        self.officers = self.offices.officers()
        return self._officer(officer.id)


class SetupView(Protocol):
    def show_message(self, message: str) -> None: ...


@dataclass
class SetupData:
    office_name: str
    office_code: str
    province: str
    counters: str  # one per line or comma-separated
    supervisor: str
    pin: str
    pin_again: str
    parent_body: str = ""


class SetupPresenter:
    """First run: the office, its counters and the first supervisor (with a PIN)."""

    def __init__(self, view: SetupView, store: Store):
        self.view = view
        self.store = store
        self.offices = OfficeService(store)

    def submit(self, data: SetupData) -> LoginOutcome | None:
        pin_problems = []
        try:
            check_pin_shape(data.pin)
        except PinError as exc:
            pin_problems.append(str(exc))
        if data.pin != data.pin_again:
            pin_problems.append(tr("The two PINs differ."))
        office = Office(
            code=data.office_code,
            name=data.office_name,
            province=data.province,
            parent_body=data.parent_body,
        )
        counters = data.counters.replace(",", "\n").splitlines()
        supervisor = NewOfficer(
            data.supervisor, Role.SUPERVISOR, None if pin_problems else hash_pin(data.pin)
        )
        problems = self.offices.office_problems(office, counters, [supervisor]) + pin_problems
        if problems:
            self.view.show_message("\n".join(problems))
            return None
        try:
            with self.store.transaction():
                created = self.offices.create_office(office, counters, [supervisor])
                first = LoginOutcome(created.officers[0], created.counters[0])
                settings.LAST_USER.set(
                    self.store, {"officer_id": first.officer.id, "counter_id": first.counter.id}
                )
        except (ValueError, StorageError) as exc:
            self.view.show_message(str(exc))
            return None
        return first
