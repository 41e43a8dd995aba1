"""The office profile, its counters and officers, and simple settings."""

from __future__ import annotations

import json
from typing import Any

from counter_app.domain.models import Counter, Office, Officer, Role
from counter_app.domain.text import nfc
from counter_app.storage.database import Store


class OfficeService:
    def __init__(self, store: Store):
        self.store = store

    @property
    def db(self):
        return self.store.db

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
        values = [nfc(office.code), nfc(office.name), nfc(office.province), nfc(office.parent_body)]
        with self.store.transaction() as db:
            if office.id is None:
                office.id = db.execute(
                    "INSERT INTO office (code, name, province, parent_body) VALUES (?, ?, ?, ?)",
                    values,
                ).lastrowid
            else:
                db.execute(
                    "UPDATE office SET code = ?, name = ?, province = ?, parent_body = ? "
                    "WHERE id = ?",
                    values + [office.id],
                )
        return office

    def counters(self, include_retired: bool = False) -> list[Counter]:
        sql = "SELECT * FROM counter" + ("" if include_retired else " WHERE active = 1")
        return [
            Counter(name=r["name"], office_id=r["office_id"], active=bool(r["active"]), id=r["id"])
            for r in self.db.query(sql + " ORDER BY id")
        ]

    def add_counter(self, office_id: int, name: str) -> Counter:
        with self.store.transaction() as db:
            cid = db.execute(
                "INSERT INTO counter (office_id, name) VALUES (?, ?)", [office_id, nfc(name)]
            ).lastrowid
        return Counter(name=nfc(name), office_id=office_id, id=cid)

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

    def add_officer(
        self, office_id: int, name: str, role: Role = Role.OFFICER, pin_hash: str | None = None
    ) -> Officer:
        with self.store.transaction() as db:
            oid = db.execute(
                "INSERT INTO officer (office_id, name, role, pin_hash) VALUES (?, ?, ?, ?)",
                [office_id, nfc(name), Role(role).value, pin_hash],
            ).lastrowid
        return Officer(
            name=nfc(name), role=Role(role), office_id=office_id, pin_hash=pin_hash, id=oid
        )

    def get_setting(self, key: str, default: Any = None) -> Any:
        row = self.db.execute("SELECT value FROM setting WHERE key = ?", [key]).fetchone()
        return json.loads(row[0]) if row else default

    def set_setting(self, key: str, value: Any) -> None:
        with self.store.transaction() as db:
            db.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )
