"""Realistic demo sessions for training, demos and benchmarks.

Real procedures from the catalogue, a plausible mix of outcomes and help types, and the
weekday/hour rhythm of a commune centre (busy mornings, Saturday morning open, Sunday
closed). Rows are inserted in bulk, so a million sessions take about a minute.
"""

from __future__ import annotations

import random
import uuid as uuidlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlite_utils import Database

from counter_app.domain.models import Office, Role
from counter_app.domain.text import fold
from counter_app.i18n import tr
from counter_app.services import settings
from counter_app.services.offices import NewOfficer, OfficeService
from counter_app.storage.database import Store

CHUNK = 5000

# The procedures commune counters guide most (weights ≈ share of sessions).
POPULAR = {
    "1.001193": 14,
    "1.004222": 8,
    "1.004194": 7,
    "1.000656": 5,
    "1.000894": 5,
    "2.000986": 5,
    "2.000815": 6,
    "2.000884": 3,
    "2.000635": 4,
    "1.014137": 4,
    "3.000228": 6,
    "1.014063": 3,
    "1.004884": 2,
    "1.001022": 1,
    "1.003583": 1,
}
OUTCOME_WEIGHTS = {"submitted": 70, "not_submitted": 20, "referred_to_counter": 10}
CHANNEL_WEIGHTS = {"counter": 85, "phone_zalo": 8, "mobile_team": 7}
PORTAL_WEIGHTS = {"national": 55, "provincial": 25, "vneid": 14, "vssid": 4, "other": 2}
HELP_WEIGHTS = {
    "portal_account": 30,
    "vneid_level2": 35,
    "scan_documents": 45,
    "eform": 55,
    "online_payment": 20,
    "digital_signature": 5,
    "status_lookup": 15,
    "install_app": 10,
    "other": 3,
}
BARRIER_WEIGHTS = {
    "missing_documents": 30,
    "no_vneid_level2": 20,
    "password_otp": 15,
    "payment_error": 8,
    "system_error": 10,
    "no_smartphone": 7,
    "not_online": 5,
    "prefers_in_person": 8,
    "other": 3,
}
APPLICANT_WEIGHTS = {"individual": 88, "organisation": 8, "unknown": 4}
SELF_RELIANCE_WEIGHTS = {"yes": 55, "needs_more_help": 35, "no": 10}
SATISFACTION_WEIGHTS = {"very_satisfied": 40, "satisfied": 45, "unsatisfied": 3, "no_answer": 12}
HOUR_WEIGHTS = {7: 6, 8: 16, 9: 18, 10: 15, 11: 6, 13: 8, 14: 14, 15: 12, 16: 5}
WEEKDAY_WEIGHTS = [20, 18, 18, 17, 16, 6, 0]  # Monday busiest, Saturday morning, Sunday shut
OFFICERS = [
    "Nguyễn Thị Lan",
    "Trần Văn Hùng",
    "Lê Thị Thu Hà",
    "Phạm Minh Đức",
    "Hoàng Thị Mai",
    "Đặng Quốc Bảo",
]
NOTES = [
    "",
    "",
    "",
    "",
    "Người dân lớn tuổi, cần hướng dẫn kỹ",
    "Hẹn quay lại bổ sung giấy tờ",
    "Đã hướng dẫn tra cứu kết quả qua VNeID",
    "Mạng chậm, nộp lại lần 2",
]


class RealDataError(RuntimeError):
    """The database already holds sessions that were not generated as demo data."""


@dataclass
class DemoResult:
    sessions: int
    weeks: int
    first_day: date
    last_day: date


def real_session_count(store: Store) -> int:
    total = store.db.execute("SELECT count(*) FROM session").fetchone()[0]
    demo = settings.DEMO_SESSION_COUNT.get(store)
    return max(0, total - demo)


def ensure_demo_office(store: Store, counters: int = 3) -> tuple[list[int], list[int]]:
    """The office, counters and officers demo sessions are attributed to."""
    offices = OfficeService(store)
    office = offices.office()
    if office is None:
        office = offices.create_office(
            Office(
                code="DEMO",
                name="Trung tâm Phục vụ hành chính công xã Mẫu",
                province="Tỉnh Mẫu",
                parent_body="UBND xã Mẫu",
            ),
            [f"Quầy {i + 1}" for i in range(counters)],
            [
                NewOfficer(name, Role.SUPERVISOR if i == 0 else Role.OFFICER)
                for i, name in enumerate(OFFICERS[: max(counters, 2)])
            ],
        ).office
    assert office.id is not None
    counter_ids = [_stored_id(c.id) for c in offices.counters()]
    for i in range(len(counter_ids), counters):
        counter_ids.append(_stored_id(offices.add_counter(office.id, f"Quầy {i + 1}").id))
    officer_ids = [_stored_id(o.id) for o in offices.officers()]
    if not officer_ids:
        for i, name in enumerate(OFFICERS[: max(counters, 2)]):
            role = Role.SUPERVISOR if i == 0 else Role.OFFICER
            officer_ids.append(_stored_id(offices.add_officer(office.id, name, role).id))
    return counter_ids, officer_ids


def _stored_id(value: int | None) -> int:
    """The id of a row read back from the database, which always has one."""
    assert value is not None
    return value


def generate(
    store: Store,
    weeks: int = 4,
    per_day: int = 40,
    *,
    end: date | None = None,
    seed: int | None = 2026,
    force: bool = False,
    progress: Callable[[int], None] | None = None,
) -> DemoResult:
    """Add ``weeks`` weeks of demo sessions ending yesterday (or ``end``)."""
    real = real_session_count(store)
    if real and not force:
        raise RealDataError(
            tr(
                "This data file already holds {n} real sessions; demo data was not added. "
                "Use a separate data file, or confirm explicitly (--force)."
            ).format(n=real)
        )
    maker = _SessionMaker(store, random.Random(seed))
    last = end or (date.today() - timedelta(days=1))
    first = last - timedelta(days=7 * weeks - 1)
    made = 0
    day = first
    while day <= last:
        for _ in range(maker.sessions_on(day, per_day)):
            maker.add_session(day)
            made += 1
            if maker.pending >= CHUNK:
                maker.flush()
                if progress:
                    progress(made)
        day += timedelta(days=1)
    if maker.pending:
        maker.flush()
    return DemoResult(sessions=made, weeks=weeks, first_day=first, last_day=last)


class _SessionMaker:
    """Draws demo sessions with the weights above and writes them in chunks.

    Each chunk is one transaction that also counts its sessions as demo data, so an
    interrupted run never leaves demo sessions that look real (and block the next run).
    """

    def __init__(self, store: Store, rng: random.Random) -> None:
        self.store = store
        self.rng = rng
        db = store.db
        self.counter_ids, self.officer_ids = ensure_demo_office(store)
        self.office_id: int = db.execute(
            "SELECT office_id FROM counter WHERE id = ?", [self.counter_ids[0]]
        ).fetchone()[0]
        self.ids: dict[tuple[str, str], int] = {
            (r[0], r[1]): r[2] for r in db.execute("SELECT kind, code, id FROM lookup")
        }
        self.catalogue = [r[0] for r in db.execute("SELECT code FROM procedure WHERE active = 1")]
        self.popular = [c for c in POPULAR if c in set(self.catalogue)]
        self.pop_weights = [POPULAR[c] for c in self.popular]
        self.submitted = self.ids[("outcome", "submitted")]
        self.hours, self.hour_weights = list(HOUR_WEIGHTS), list(HOUR_WEIGHTS.values())
        self.next_session = _next_id(db, "session")
        self.next_sp = _next_id(db, "session_procedure")
        self.sessions: list[tuple[object, ...]] = []
        self.procs: list[tuple[int, int, int, str, int, str, str]] = []
        self.barriers: list[tuple[int, int]] = []
        self.helps: list[tuple[int, int]] = []

    @property
    def pending(self) -> int:
        """Sessions drawn but not written yet."""
        return len(self.sessions)

    def pick(self, kind: str, weights: dict[str, int]) -> int:
        code = self.rng.choices(list(weights), list(weights.values()))[0]
        return self.ids[(kind, code)]

    def procedure(self) -> str:
        if self.popular and self.rng.random() < 0.65:
            return self.rng.choices(self.popular, self.pop_weights)[0]
        return self.rng.choice(self.catalogue)

    def sessions_on(self, day: date, per_day: int) -> int:
        """How many sessions ``day`` gets: its weekday's share of ``per_day``, give or take."""
        weekday_weight = WEEKDAY_WEIGHTS[day.weekday()]
        if not weekday_weight:
            return 0
        return max(0, int(self.rng.gauss(per_day * weekday_weight / 18, per_day * 0.1)))

    def add_session(self, day: date) -> None:
        rng = self.rng
        if day.weekday() < 5:
            hour = rng.choices(self.hours, self.hour_weights)[0]
        else:
            hour = rng.choice([7, 8, 9, 10])  # Saturday: mornings only
        start = datetime(day.year, day.month, day.day, hour, rng.randrange(60), rng.randrange(60))
        minutes = max(1, min(120, int(rng.lognormvariate(2.4, 0.5))))
        sid = self.next_session
        self.next_session += 1
        codes = self._add_procedures(sid, start.isoformat(timespec="seconds"))
        for h in {self.pick("help_type", HELP_WEIGHTS) for _ in range(rng.choice([1, 2, 2, 3]))}:
            self.helps.append((sid, h))
        self.sessions.append(self._session_row(sid, start, minutes, codes))

    def _add_procedures(self, sid: int, started: str) -> list[str]:
        """One to four procedures; barriers only where the dossier was not submitted."""
        rng = self.rng
        codes = {self.procedure()}
        while rng.random() < 0.15 and len(codes) < 4:
            codes.add(self.procedure())
        for pos, code in enumerate(codes):
            outcome = self.pick("outcome", OUTCOME_WEIGHTS)
            dossier = ""
            if outcome != self.submitted:
                how_many = rng.choice([1, 1, 1, 2])
                for b in {self.pick("barrier", BARRIER_WEIGHTS) for _ in range(how_many)}:
                    self.barriers.append((self.next_sp, b))
            else:
                dossier = f"H{rng.randrange(10**9):09d}"
            self.procs.append((self.next_sp, sid, pos, code, outcome, dossier, started))
            self.next_sp += 1
        return list(codes)

    def _session_row(
        self, sid: int, start: datetime, minutes: int, codes: list[str]
    ) -> tuple[object, ...]:
        """The ``session`` row, in the column order of ``_INSERT_SESSION``."""
        rng = self.rng
        note = rng.choice(NOTES)
        iso_start = start.isoformat(timespec="seconds")
        return (
            sid,
            str(uuidlib.uuid4()),
            self.office_id,
            rng.choice(self.counter_ids),
            rng.choice(self.officer_ids),
            iso_start,
            (start + timedelta(minutes=minutes)).isoformat(timespec="seconds"),
            minutes,
            self.pick("channel", CHANNEL_WEIGHTS),
            self.pick("portal", PORTAL_WEIGHTS),
            self.pick("applicant_type", APPLICANT_WEIGHTS),
            _tri(rng, 0.18),
            _tri(rng, 0.08),
            _tri(rng, 0.03),
            self.pick("self_reliance", SELF_RELIANCE_WEIGHTS),
            self.pick("satisfaction", SATISFACTION_WEIGHTS),
            note,
            fold(" ".join([note, *codes])),
            iso_start,
            iso_start,
        )

    def flush(self) -> None:
        store, db = self.store, self.store.db
        with store.transaction():
            # counted in the same transaction: an interrupted run never leaves demo
            # sessions that look real (and block the next run)
            settings.DEMO_SESSION_COUNT.set(
                store, settings.DEMO_SESSION_COUNT.get(store) + len(self.sessions)
            )
            db.conn.executemany(_INSERT_SESSION, self.sessions)
            db.conn.executemany(_INSERT_SP, self.procs)
            db.conn.executemany(
                "INSERT INTO session_procedure_barrier VALUES (?, ?)", self.barriers
            )
            db.conn.executemany("INSERT INTO session_help VALUES (?, ?)", self.helps)
        for batch in (self.sessions, self.procs, self.barriers, self.helps):
            batch.clear()


def _next_id(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0]) + 1


def _tri(rng: random.Random, p_yes: float) -> str:
    r = rng.random()
    return "yes" if r < p_yes else ("unknown" if r > 0.9 else "no")


_INSERT_SESSION = """
    INSERT INTO session (id, uuid, office_id, counter_id, officer_id, started_at, ended_at,
        minutes, channel_id, portal_id, applicant_type_id, elderly, ethnic_minority,
        disability, self_reliance_id, satisfaction_id, note, search_text, created_at,
        updated_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""
_INSERT_SP = """
    INSERT INTO session_procedure (id, session_id, position, procedure_code, outcome_id,
        dossier_code, started_at) VALUES (?, ?, ?, ?, ?, ?, ?)
"""
