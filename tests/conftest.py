"""Shared fixtures. Every test runs with COUNTER_APP_HOME in a temp folder: no test can
touch the real user folders. Time is the ``clock`` fixture (tests/helpers/clock.py): no
test reads the wall clock to decide what it expects.

``COUNTER_APP_FROZEN_AT=2026-11-30T00:10`` (CI) runs the whole suite with the wall clock
moved to that moment (time-machine, still ticking): code that reads the wall clock where
it should take a clock shows up as a failure shortly after midnight or before the week
turns.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest

from counter_app import paths
from counter_app.domain.models import Office, Role, Session, SessionProcedure
from counter_app.i18n import set_language
from counter_app.services.lookups import LookupService
from counter_app.services.offices import OfficeService
from counter_app.services.sessions import SessionService
from counter_app.storage.database import open_memory_store, open_store
from tests.helpers.clock import FrozenClock

FROZEN_ENV = "COUNTER_APP_FROZEN_AT"
_traveller = None


def pytest_configure(config):
    """Move the wall clock before any test module is imported (module-level dates)."""
    global _traveller
    frozen = os.environ.get(FROZEN_ENV)
    if frozen:
        import time_machine

        _traveller = time_machine.travel(datetime.fromisoformat(frozen), tick=True)
        _traveller.start()


def pytest_unconfigure(config):
    if _traveller is not None:
        _traveller.stop()


def pytest_report_header(config):
    frozen = os.environ.get(FROZEN_ENV)
    return f"wall clock moved to {frozen} ({FROZEN_ENV})" if frozen else None


@pytest.fixture
def clock():
    """The suite's fixed "now" (TEST_NOW); ``clock.advance(minutes=5)`` moves it."""
    return FrozenClock()


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    for var in ("OneDrive", "OneDriveCommercial", "OneDriveConsumer"):
        monkeypatch.delenv(var, raising=False)
    set_language("vi")
    yield home
    set_language("vi")


@pytest.fixture
def memory_store():
    store = open_memory_store()
    yield store
    store.close(backup_on_exit=False)


@pytest.fixture
def file_store(isolated_home):
    paths.ensure_dirs()
    store = open_store(paths.database_path(), paths.backups_dir(), paths.damaged_dir())
    yield store
    store.close(backup_on_exit=False)


class World:
    """A small office with two counters and three officers, and helpers to make sessions."""

    def __init__(self, store, clock=None):
        self.store = store
        self.clock = clock or FrozenClock()
        self.offices = OfficeService(store)
        self.lookups = LookupService(store)
        self.sessions = SessionService(store, clock=self.clock)
        self.office = self.offices.save_office(
            Office(
                code="XA01",
                name="Trung tâm Phục vụ hành chính công xã Tân Hòa",
                province="Tỉnh Đồng Tháp",
                parent_body="UBND xã Tân Hòa",
            )
        )
        self.counter1 = self.offices.add_counter(self.office.id, "Quầy 1")
        self.counter2 = self.offices.add_counter(self.office.id, "Quầy 2")
        self.supervisor = self.offices.add_officer(self.office.id, "Lê Thị Hồng", Role.SUPERVISOR)
        self.officer = self.offices.add_officer(self.office.id, "Trần Văn Đức")
        self.officer2 = self.offices.add_officer(self.office.id, "Nguyễn Thị Ánh")

    def lookup(self, kind: str, code: str) -> int:
        return self.lookups.id_for(kind, code)

    def make(self, **overrides) -> Session:
        """A valid session (a birth registration submitted online) with overrides."""
        started = overrides.pop(
            "started_at", self.clock().replace(microsecond=0) - timedelta(minutes=20)
        )
        procedures = overrides.pop("procedures", None)
        if procedures is None:
            procedures = [SessionProcedure("1.001193", self.lookup("outcome", "submitted"))]
        values = dict(
            officer_id=self.officer.id,
            counter_id=self.counter1.id,
            started_at=started,
            minutes=12,
            procedures=procedures,
            help_type_ids=[self.lookup("help_type", "vneid_level2")],
            channel_id=self.lookup("channel", "counter"),
            portal_id=self.lookup("portal", "national"),
        )
        values.update(overrides)
        return Session(**values)

    def save(self, **overrides) -> Session:
        return self.sessions.create(self.make(**overrides))


@pytest.fixture
def world(memory_store, clock):
    return World(memory_store, clock)


@pytest.fixture
def file_world(file_store, clock):
    return World(file_store, clock)


@pytest.fixture
def supervisor_app(world):
    """The one stand-in for the main window (the ``app`` presenters receive), signed in
    as the supervisor at counter 1."""
    from tests.helpers.fake_app import FakeApp

    return FakeApp(world.store, world.supervisor, world.counter1, clock=world.clock)
