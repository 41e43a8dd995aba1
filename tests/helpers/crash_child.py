"""Child process for the crash-safety test: save sessions forever, print each UUID once
``create`` has returned (i.e. the transaction is committed), until killed."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from counter_app.domain.models import Session, SessionProcedure
from counter_app.services.sessions import SessionService
from counter_app.storage.database import open_store


def main() -> None:
    folder = Path(sys.argv[1])
    store = open_store(folder / "counter_app.db", folder / "backups", folder / "damaged")
    service = SessionService(store)
    outcome = store.db.execute(
        "SELECT id FROM lookup WHERE kind = 'outcome' AND code = 'submitted'"
    ).fetchone()[0]
    print("READY", flush=True)
    i = 0
    while True:
        i += 1
        saved = service.create(
            Session(
                officer_id=1,
                counter_id=1,
                started_at=datetime.now().replace(microsecond=0),  # never another day
                minutes=1 + i % 60,
                note=f"lượt {i}",
                procedures=[SessionProcedure("1.001193", outcome, [], f"H{i}")],
            )
        )
        sys.stdout.write(saved.uuid + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
