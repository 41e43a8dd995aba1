"""The office profile, its counters and officers: who works where, and the rules that
keep that consistent (unique counter names, always one active supervisor)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlite_utils import Database

from counter_app.domain.models import Counter, Office, Officer, Role
from counter_app.domain.text import nfc, same_label
from counter_app.i18n import tr
from counter_app.storage.database import Store


@dataclass(frozen=True)
class NewOfficer:
    """An officer to create with the office (first-run setup, office profiles)."""

    name: str
    role: Role = Role.OFFICER
    pin_hash: str | None = None


@dataclass(frozen=True)
class CreatedOffice:
    office: Office
    counters: list[Counter]
    officers: list[Officer]


class OfficeService:
    def __init__(self, store: Store):
        self.store = store

    @property
    def db(self) -> Database:
        return self.store.db

    # -- the office ---------------------------------------------------------------------

    def office(self) -> Office | None:
        rows = list(self.db.query("SELECT * FROM office ORDER BY id LIMIT 1"))
        if not rows:
            return None
        r = rows[0]
        return Office(
            code=r["code"],
            name=r["name"],
            province=r["province"],
            parent_body=r["parent_body"],
            id=r["id"],
        )

    def save_office(self, office: Office) -> Office:
        """Insert (no id) or update the office; returns it as stored, with its id."""
        values = [nfc(office.code), nfc(office.name), nfc(office.province), nfc(office.parent_body)]
        if not values[0] or not values[1]:
            raise ValueError(tr("The office name and code are required."))
        with self.store.transaction() as db:
            if office.id is None:
                office_id = db.execute(
                    "INSERT INTO office (code, name, province, parent_body) VALUES (?, ?, ?, ?)",
                    values,
                ).lastrowid
            else:
                office_id = office.id
                changed = db.execute(
                    "UPDATE office SET code = ?, name = ?, province = ?, parent_body = ? "
                    "WHERE id = ?",
                    values + [office_id],
                ).rowcount
                if not changed:
                    raise KeyError(office_id)
        code, name, province, parent_body = values
        return Office(code, name, province, parent_body, id=office_id)

    def create_office(
        self, office: Office, counters: list[str], officers: list[NewOfficer]
    ) -> CreatedOffice:
        """The office with its counters and first officers in ONE transaction: a failure
        at any step leaves no office behind (never an office without a supervisor)."""
        problems = self.office_problems(office, counters, officers)
        if problems:
            raise ValueError("\n".join(problems))
        names = [nfc(c) for c in counters if nfc(c)]
        with self.store.transaction():
            saved = self.save_office(replace(office, id=None))
            assert saved.id is not None
            made = [self.add_counter(saved.id, name) for name in names]
            people = [self.add_officer(saved.id, o.name, o.role, o.pin_hash) for o in officers]
        return CreatedOffice(saved, made, people)

    @staticmethod
    def office_problems(
        office: Office, counters: list[str], officers: list[NewOfficer]
    ) -> list[str]:
        """Everything that stops ``create_office``, each as a Vietnamese sentence."""
        names = [nfc(c) for c in counters if nfc(c)]
        problems = []
        if not nfc(office.name):
            problems.append(tr("Enter the office name."))
        if not nfc(office.code):
            problems.append(tr("Enter the office code."))
        if not names:
            problems.append(tr("Enter at least one counter."))
        if any(same_label(a, b) for i, a in enumerate(names) for b in names[i + 1 :]):
            problems.append(tr("Two counters have the same name."))
        supervisors = [o for o in officers if o.role == Role.SUPERVISOR]
        if not supervisors or any(not nfc(o.name) for o in supervisors):
            problems.append(tr("Enter the supervisor's name."))
        elif any(not nfc(o.name) for o in officers):
            problems.append(tr("Enter the officer's name."))
        return problems

    # -- counters -----------------------------------------------------------------------

    def counters(self, include_retired: bool = False) -> list[Counter]:
        sql = "SELECT * FROM counter" + ("" if include_retired else " WHERE active = 1")
        return [
            Counter(name=r["name"], office_id=r["office_id"], active=bool(r["active"]), id=r["id"])
            for r in self.db.query(sql + " ORDER BY id")
        ]

    def _check_counter_name(self, name: str, counter_id: int | None = None) -> str:
        """Counter names are unique per office (a database constraint): refuse plainly
        instead of failing inside the save."""
        name = nfc(name)
        if not name:
            raise ValueError(tr("Enter the counter name."))
        if any(
            same_label(c.name, name) and c.id != counter_id
            for c in self.counters(include_retired=True)
        ):
            raise ValueError(tr("There is already a counter with this name."))
        return name

    def add_counter(self, office_id: int, name: str) -> Counter:
        name = self._check_counter_name(name)
        with self.store.transaction() as db:
            cid = db.execute(
                "INSERT INTO counter (office_id, name) VALUES (?, ?)", [office_id, name]
            ).lastrowid
        return Counter(name=name, office_id=office_id, id=cid)

    def rename_counter(self, counter_id: int, name: str) -> None:
        name = self._check_counter_name(name, counter_id)
        with self.store.transaction() as db:
            db.execute("UPDATE counter SET name = ? WHERE id = ?", [name, counter_id])

    def set_counter_active(self, counter_id: int, active: bool) -> None:
        with self.store.transaction() as db:
            db.execute("UPDATE counter SET active = ? WHERE id = ?", [int(active), counter_id])

    # -- officers -----------------------------------------------------------------------

    def officers(self, include_retired: bool = False) -> list[Officer]:
        sql = "SELECT * FROM officer" + ("" if include_retired else " WHERE active = 1")
        return [
            Officer(
                name=r["name"],
                role=Role(r["role"]),
                office_id=r["office_id"],
                active=bool(r["active"]),
                pin_hash=r["pin_hash"],
                id=r["id"],
            )
            for r in self.db.query(sql + " ORDER BY id")
        ]

    def officer(self, officer_id: int) -> Officer | None:
        return next((o for o in self.officers(True) if o.id == officer_id), None)

    def add_officer(
        self,
        office_id: int,
        name: str,
        role: Role = Role.OFFICER,
        pin_hash: str | None = None,
    ) -> Officer:
        name = nfc(name)
        if not name:
            raise ValueError(tr("Enter the officer's name."))
        with self.store.transaction() as db:
            oid = db.execute(
                "INSERT INTO officer (office_id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
                [office_id, name, Role(role).value, pin_hash],
            ).lastrowid
        return Officer(name=name, role=Role(role), office_id=office_id, pin_hash=pin_hash, id=oid)

    def _other_active_supervisors(self, officer_id: int) -> int:
        return sum(1 for o in self.officers() if o.role == Role.SUPERVISOR and o.id != officer_id)

    def update_officer(self, officer_id: int, name: str, role: Role) -> None:
        """New name or role; the last active supervisor keeps the role (else nobody could
        open Settings again)."""
        name = nfc(name)
        if not name:
            raise ValueError(tr("Enter the officer's name."))
        if Role(role) != Role.SUPERVISOR and not self._other_active_supervisors(officer_id):
            raise ValueError(tr("The office needs at least one supervisor."))
        with self.store.transaction() as db:
            db.execute(
                "UPDATE officer SET name = ?, role = ? WHERE id = ?",
                [name, Role(role).value, officer_id],
            )

    def set_officer_active(
        self, officer_id: int, active: bool, actor_id: int | None = None
    ) -> None:
        """Retire or restore; nobody retires themselves or the last active supervisor."""
        if not active:
            if actor_id is not None and actor_id == officer_id:
                raise ValueError(tr("You cannot retire yourself."))
            if not self._other_active_supervisors(officer_id):
                raise ValueError(tr("The office needs at least one supervisor."))
        with self.store.transaction() as db:
            db.execute("UPDATE officer SET active = ? WHERE id = ?", [int(active), officer_id])
