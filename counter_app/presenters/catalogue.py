"""Access to the catalogue search and bundles (the catalogue feature's API).

``counter_app.catalog.search.CatalogueSearch`` and ``counter_app.catalog.bundles`` are
imported lazily; until they exist a small SQL fallback keeps the form usable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from counter_app.domain.text import fold
from counter_app.storage.database import Store

log = logging.getLogger(__name__)


@dataclass
class Hit:
    """Same fields as catalog.search.SearchHit."""

    code: str
    full_code: str
    name: str
    field: str = ""
    online_level: str = ""
    favourite: bool = False
    score: float = 0.0


@dataclass
class SimpleBundle:
    id: int
    name: str
    codes: list[str] = field(default_factory=list)


class FallbackSearch:
    """Code prefix or folded-name substring; used only when the catalogue module is absent."""

    def __init__(self, store: Store):
        self.store = store

    def search(self, query: str, counter_id: int | None = None, limit: int = 20) -> list[Hit]:
        q = fold(query.strip())
        if not q:
            return []
        rows = self.store.db.query(
            "SELECT code, full_code, name, field, online_level, favourite FROM procedure "
            "WHERE active = 1 AND (code LIKE ? OR name_folded LIKE ?) "
            "ORDER BY favourite DESC, (code LIKE ?) DESC, name LIMIT ?",
            [q + "%", "%" + q + "%", q + "%", int(limit)],
        )
        return [
            Hit(
                r["code"],
                r["full_code"],
                r["name"],
                r["field"],
                r["online_level"],
                bool(r["favourite"]),
            )
            for r in rows
        ]

    def favourites(self) -> list[Hit]:
        rows = self.store.db.query(
            "SELECT code, full_code, name, field, online_level FROM procedure "
            "WHERE active = 1 AND favourite = 1 ORDER BY name"
        )
        return [
            Hit(r["code"], r["full_code"], r["name"], r["field"], r["online_level"], True)
            for r in rows
        ]

    def refresh(self) -> None:
        pass


def make_search(store: Store):
    try:
        from counter_app.catalog.search import CatalogueSearch
    except ImportError:
        log.info("catalogue search not available; using the simple fallback")
        return FallbackSearch(store)
    return CatalogueSearch(store)


def list_bundles(store: Store) -> list:
    try:
        from counter_app.catalog.bundles import BundleService
    except ImportError:
        return []
    try:
        return list(BundleService(store).list())
    except Exception:  # a broken bundle table must not stop the form
        log.exception("bundles could not be read")
        return []


def procedure_names(store: Store, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = store.db.execute(
        f"SELECT code, name FROM procedure WHERE code IN ({', '.join('?' for _ in codes)})",
        codes,
    )
    return {r[0]: r[1] for r in rows}
