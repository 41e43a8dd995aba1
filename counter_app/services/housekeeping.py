"""What the window does around the officer's work: today's figures for the strip, the
personal-data purge after sign-in, and the end-of-day check on closing.

The purge after sign-in never holds the window: the sessions to blank are looked up by a
job with its own read-only connection (the scan of a large file's old rows took 0.6 s at
a million sessions), then blanked on the app's one writer connection in small batches,
one short transaction each with its audit row, so the officer's saves go in between.
Its own writer for the worker was the alternative; it would contend with the officer's
save for SQLite's single write lock (a save waiting for a long purge), the backup-on-exit
bookkeeping counts changes per connection, and an in-memory database (tests, the
self-test) cannot be opened twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from counter_app.services import settings
from counter_app.services.drafts import purge_personal_before
from counter_app.services.endofday import Flagged, check_day
from counter_app.services.privacy import NOTE_MAY_HOLD, PERSONAL, purge_where, retention_cutoff
from counter_app.services.sessions import Counts, SessionService
from counter_app.storage.database import Store

log = logging.getLogger(__name__)
PURGE_BATCH = 500  # sessions blanked per transaction: a few milliseconds on the Tk thread


@dataclass
class PurgeRun:
    """One retention purge: what is due (read on the Tk thread, cheap), the sessions found
    by the worker, and how far the batches got."""

    cutoff: str  # sessions that started before this keep no personal data
    since: str | None  # the previous cutoff: older rows were purged already
    days: int
    ids: list[int] = field(default_factory=list)
    done: int = 0  # ids handled so far
    purged: int = 0  # sessions blanked so far

    @property
    def finished(self) -> bool:
        return self.done >= len(self.ids)


class Housekeeping:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.store = store
        self.clock = clock

    def counts(self) -> Counts:
        """Sessions today, dossiers submitted online today, sessions this week."""
        return SessionService(self.store, clock=self.clock).counts()

    # -- the retention purge ------------------------------------------------------------

    def purge_due(self) -> PurgeRun:
        """What the retention rule asks for now, since the last run (a shorter retention
        than before moves the cutoff back, so that case rescans all)."""
        days = settings.RETENTION_DAYS.get(self.store)
        cutoff = retention_cutoff(days, self.clock()).isoformat(timespec="seconds")
        since: str | None = settings.PURGED_BEFORE.get(self.store) or None
        if since is not None and since > cutoff:
            since = None
        return PurgeRun(cutoff=cutoff, since=since, days=days)

    @staticmethod
    def find_personal(store: Store, run: PurgeRun) -> list[int]:
        """The sessions of ``run`` that still hold personal data, in their fields or
        typed into their note — on any connection (a ``store.reader()`` on the job
        runner)."""
        where, params = "started_at < ?", [run.cutoff]
        if run.since:
            where += " AND started_at >= ?"
            params.append(run.since)
        rows = store.db.execute(
            f"SELECT id FROM session WHERE {where} AND ({PERSONAL} OR {NOTE_MAY_HOLD}) ORDER BY id",
            params,
        )
        return [r[0] for r in rows]

    def purge_step(self, run: PurgeRun, actor_id: int | None) -> bool:
        """Blank the next batch (one transaction with its audit row); at the end purge the
        drafts and remember the cutoff. True while batches remain."""
        batch = run.ids[run.done : run.done + PURGE_BATCH]
        if batch:
            now = self.clock().replace(microsecond=0)
            marks = ", ".join("?" for _ in batch)
            with self.store.transaction() as db:
                # The rule again: a session blanked or moved since the scan is left alone.
                n = purge_where(
                    db,
                    f"id IN ({marks}) AND started_at < ?",
                    [*batch, run.cutoff],
                    actor_id=actor_id,
                    cutoff=run.cutoff,
                    days=run.days,
                    now=now,
                )
            run.done += len(batch)
            run.purged += n
        if not run.finished:
            return True
        purge_personal_before(self.store, run.cutoff)  # a draft is personal data too
        settings.PURGED_BEFORE.set(self.store, run.cutoff)
        if run.purged:
            log.info("personal data purged from %d sessions", run.purged)
        return False

    def purge_personal_data(self, actor_id: int | None) -> int:
        """The whole purge at once, on this connection (the command line, tests); the
        window uses ``purge_due`` / ``find_personal`` / ``purge_step`` instead."""
        run = self.purge_due()
        run.ids = self.find_personal(self.store, run)
        while self.purge_step(run, actor_id):
            pass
        return run.purged

    # -- closing ----------------------------------------------------------------------

    def unfinished_today(self, officer_id: int) -> list[Flagged]:
        """This officer's sessions of today that lack an outcome or last over an hour."""
        return check_day(self.store, self.clock().date(), officer_id)
