"""PINs: scrypt with explicit maxmem, constant-time compare, lockout kept in the database."""

from __future__ import annotations

from datetime import datetime, timedelta
from unittest.mock import patch

import pytest

from counter_app.services import auth
from counter_app.services.auth import (
    LOCKOUT,
    MAX_FAILURES,
    AuthService,
    PinError,
    hash_pin,
    verify_pin,
)
from counter_app.services.offices import OfficeService


class Clock:
    def __init__(self):
        self.now = datetime(2026, 11, 18, 8, 0)

    def __call__(self):
        return self.now


def test_hash_is_salted_and_verifies():
    a, b = hash_pin("2468"), hash_pin("2468")
    assert a != b and a.startswith("scrypt$")
    assert verify_pin("2468", a) and verify_pin("2468", b)
    assert not verify_pin("2469", a)


@pytest.mark.parametrize("stored", [None, "", "plain", "md5$x$y$z$a$b", "scrypt$1$2$3$!!$!!"])
def test_malformed_hashes_never_verify(stored):
    assert not verify_pin("1234", stored)


def test_scrypt_gets_explicit_maxmem_and_compare_digest_is_used():
    with (
        patch.object(auth.hashlib, "scrypt", wraps=auth.hashlib.scrypt) as scrypt,
        patch.object(auth.hmac, "compare_digest", wraps=auth.hmac.compare_digest) as cmp,
    ):
        assert verify_pin("1111", hash_pin("1111"))
    assert all(call.kwargs["maxmem"] == auth.SCRYPT_MAXMEM for call in scrypt.call_args_list)
    cmp.assert_called_once()


@pytest.mark.parametrize("pin", ["123", "123456789", "12a4", "", "١٢٣٤"])
def test_pin_shape(world, pin):
    with pytest.raises(PinError):
        AuthService(world.store).set_pin(world.supervisor.id, pin)


def supervisor(world):
    return next(o for o in OfficeService(world.store).officers() if o.id == world.supervisor.id)


def test_lockout_after_repeated_failures_then_release(world):
    clock = Clock()
    service = AuthService(world.store, clock=clock)
    service.set_pin(world.supervisor.id, "4321")
    me = supervisor(world)
    for i in range(MAX_FAILURES - 1):
        result = service.login(me, "0000")
        assert not result.ok and result.attempts_left == MAX_FAILURES - 1 - i
    result = service.login(me, "0000")
    assert not result.ok and result.locked_until == clock.now + LOCKOUT
    # Locked: even the right PIN is refused, and a new service (app restart) agrees.
    assert not AuthService(world.store, clock=clock).login(me, "4321").ok
    clock.now += LOCKOUT + timedelta(seconds=1)
    assert service.login(me, "4321").ok
    assert service.login(me, "0000").attempts_left == MAX_FAILURES - 1  # count restarted


def test_officer_pin_only_when_turned_on(world):
    service = AuthService(world.store)
    service.set_pin(world.officer.id, "1111")
    officer = next(o for o in OfficeService(world.store).officers() if o.id == world.officer.id)
    assert not service.needs_pin(officer)
    assert service.login(officer, "").ok
    auth.AuthService(world.store).set_officer_pin_required(True)
    assert service.needs_pin(officer)
    assert not service.login(officer, "").ok


def test_supervisor_without_pin_is_refused_until_a_pin_is_set(world):
    service = AuthService(world.store)
    me = supervisor(world)
    assert me.pin_hash is None and service.must_set_pin(me)
    result = service.login(me, "")
    assert not result.ok and result.must_set_pin
    assert service.set_first_pin(me.id, "2468")
    me = supervisor(world)
    assert not service.must_set_pin(me) and service.login(me, "2468").ok
    # A first PIN never overwrites one that exists (a stale sign-in screen).
    assert not service.set_first_pin(me.id, "1357")
    assert service.login(supervisor(world), "2468").ok


def test_officer_without_pin_must_set_one_once_the_office_asks(world):
    service = AuthService(world.store)
    officer = next(o for o in OfficeService(world.store).officers() if o.id == world.officer.id)
    assert not service.must_set_pin(officer) and service.login(officer, "").ok
    auth.AuthService(world.store).set_officer_pin_required(True)
    assert service.must_set_pin(officer) and not service.login(officer, "").ok
