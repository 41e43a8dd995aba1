"""Keep the built-in national list current after an app upgrade.

Run at every start: it hashes ``resources/procedures.csv`` and only when the hash
differs from the one stored in ``setting`` does it add new codes and refresh the names
of built-in rows (never deleting, never touching rows a supervisor edited or imported,
so every session keeps its procedure).
"""

from __future__ import annotations

import hashlib

from counter_app.resources import resource_path
from counter_app.services import settings
from counter_app.storage import seed
from counter_app.storage.database import Store


def builtin_digest() -> str:
    return hashlib.sha256(resource_path("procedures.csv").read_bytes()).hexdigest()


def sync_builtin_catalogue(store: Store) -> bool:
    """Apply a changed built-in list; returns True when something was (re)loaded."""
    digest = builtin_digest()
    if settings.BUILTIN_CATALOGUE_SHA256.get(store) == digest:
        return False
    with store.transaction() as db:
        seed.load_builtin_catalogue(db)
        settings.BUILTIN_CATALOGUE_SHA256.set(store, digest)
    return True
