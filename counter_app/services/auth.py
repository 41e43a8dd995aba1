"""Officer PINs: scrypt hashes, constant-time checks and a lockout after repeated failures.

A PIN is short, so the hash must be slow (scrypt) and guessing must be throttled: after
``MAX_FAILURES`` wrong PINs the officer is locked out for ``LOCKOUT``. The failure count
lives in the ``setting`` table so restarting the app does not reset it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from counter_app.domain.models import Officer, Role
from counter_app.i18n import tr
from counter_app.services import settings
from counter_app.storage.database import Store

SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SCRYPT_MAXMEM = 64 * 1024 * 1024  # explicit: the default (32 MiB) is too tight on some builds
MAX_FAILURES = 5
LOCKOUT = timedelta(minutes=5)
_PIN = re.compile(r"^[0-9]{4,8}$")


class PinError(ValueError):
    """A PIN that may not be set (wrong shape); the message is for the user."""


def hash_pin(pin: str, *, salt: bytes | None = None) -> str:
    """``scrypt$n$r$p$salt$hash`` with base64 parts: self-describing, so costs can change."""
    salt = salt or os.urandom(16)
    digest = hashlib.scrypt(
        pin.encode("utf-8"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=SCRYPT_MAXMEM,
        dklen=32,
    )
    b64 = base64.b64encode
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt).decode()}${b64(digest).decode()}"


def verify_pin(pin: str, stored: str | None) -> bool:
    """True when ``pin`` matches ``stored``; compares in constant time."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            pin.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=SCRYPT_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def check_pin_shape(pin: str) -> None:
    if not _PIN.match(pin or ""):
        raise PinError(tr("The PIN must be 4 to 8 digits."))


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    message: str = ""
    locked_until: datetime | None = None
    attempts_left: int = MAX_FAILURES
    must_set_pin: bool = False


class AuthService:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.store = store
        self.clock = clock

    def officer_pin_required(self) -> bool:
        return settings.OFFICER_PIN_REQUIRED.get(self.store)

    def needs_pin(self, officer: Officer) -> bool:
        """Supervisors always (when they have a PIN); officers when the office turns it on."""
        if not officer.pin_hash:
            return False
        return officer.role == Role.SUPERVISOR or self.officer_pin_required()

    def must_set_pin(self, officer: Officer) -> bool:
        """Someone who should sign in with a PIN but has none (a supervisor created by an
        office profile, or an officer once the office turns PINs on): they choose one
        before the work screens open, or anyone at the PC could open Settings as them."""
        if officer.pin_hash:
            return False
        return officer.role == Role.SUPERVISOR or self.officer_pin_required()

    def set_first_pin(self, officer_id: int, pin: str) -> bool:
        """Set the PIN of someone who has none; False when a PIN exists meanwhile (a
        sign-in screen opened earlier must never overwrite a PIN set since)."""
        check_pin_shape(pin)
        with self.store.transaction() as db:
            changed = db.execute(
                "UPDATE officer SET pin_hash = ? WHERE id = ? "
                "AND (pin_hash IS NULL OR pin_hash = '')",
                [hash_pin(pin), officer_id],
            ).rowcount
        if changed:
            self._clear(officer_id)
        return bool(changed)

    def set_pin(self, officer_id: int, pin: str) -> None:
        check_pin_shape(pin)
        with self.store.transaction() as db:
            db.execute("UPDATE officer SET pin_hash = ? WHERE id = ?", [hash_pin(pin), officer_id])
        self._clear(officer_id)

    def login(self, officer: Officer, pin: str) -> LoginResult:
        """Check ``pin`` for ``officer``, counting failures and enforcing the lockout."""
        if self.must_set_pin(officer):
            return LoginResult(False, tr("Choose your PIN before you start."), must_set_pin=True)
        if not self.needs_pin(officer):
            return LoginResult(True)
        if officer.id is None:
            raise ValueError("an officer that was never stored cannot sign in")
        state = self._state(officer.id)
        now = self.clock()
        locked = state.get("locked_until")
        if locked and datetime.fromisoformat(locked) > now:
            until = datetime.fromisoformat(locked)
            return LoginResult(
                False, self._locked_message(until), locked_until=until, attempts_left=0
            )
        if verify_pin(pin, officer.pin_hash):
            self._clear(officer.id)
            return LoginResult(True)
        failures = int(state.get("failures", 0)) + 1 if not locked else 1
        if failures >= MAX_FAILURES:
            until = (now + LOCKOUT).replace(microsecond=0)
            self._save(officer.id, {"failures": failures, "locked_until": until.isoformat()})
            return LoginResult(
                False, self._locked_message(until), locked_until=until, attempts_left=0
            )
        self._save(officer.id, {"failures": failures})
        left = MAX_FAILURES - failures
        return LoginResult(
            False, tr("Wrong PIN. {n} attempts left.").format(n=left), attempts_left=left
        )

    @staticmethod
    def _locked_message(until: datetime) -> str:
        return tr("Too many wrong PINs. Try again after {time}.").format(
            time=until.strftime("%H:%M")
        )

    def _state(self, officer_id: int) -> dict:
        return settings.PIN_FAILURES.of(officer_id).get(self.store)

    def _save(self, officer_id: int, state: dict) -> None:
        settings.PIN_FAILURES.of(officer_id).set(self.store, state)

    def _clear(self, officer_id: int) -> None:
        settings.PIN_FAILURES.of(officer_id).clear(self.store)

    def set_officer_pin_required(self, required: bool) -> None:
        settings.OFFICER_PIN_REQUIRED.set(self.store, bool(required))

    # -- the supervisor outside the window (the command line) -------------------------

    def supervisor_pin_set(self) -> bool:
        """True once an active supervisor has a PIN: from then on every change of
        shared data names a supervisor and passes their PIN, on the command line too."""
        return (
            self.store.db.execute(
                "SELECT 1 FROM officer WHERE role = ? AND active = 1 "
                "AND pin_hash IS NOT NULL AND pin_hash <> '' LIMIT 1",
                [Role.SUPERVISOR.value],
            ).fetchone()
            is not None
        )

    def authorize_supervisor(self, name: str, pin: str) -> tuple[Officer | None, str]:
        """(the supervisor, "") when ``name`` is an active supervisor and ``pin`` is theirs
        — the same failure count and lockout as signing in; else (None, why)."""
        from counter_app.domain.text import fold
        from counter_app.services.offices import OfficeService

        wanted = " ".join(fold(name or "").split())
        matches = [
            o
            for o in OfficeService(self.store).officers()
            if o.role == Role.SUPERVISOR and " ".join(fold(o.name).split()) == wanted
        ]
        if len(matches) != 1:
            return None, tr("{name} is not a supervisor of this office.").format(name=name)
        officer = matches[0]
        if not officer.pin_hash:
            return None, tr("{name} has no PIN yet: sign in once in the app to choose it.").format(
                name=officer.name
            )
        result = self.login(officer, pin)
        return (officer, "") if result.ok else (None, result.message)
