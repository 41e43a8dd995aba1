"""What the window does around the officer's work: today's figures for the strip, the
personal-data purge after sign-in, and the end-of-day check on closing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from counter_app.services.endofday import Flagged, check_day
from counter_app.services.privacy import purge_due
from counter_app.services.sessions import Counts, SessionService
from counter_app.storage.database import Store

log = logging.getLogger(__name__)


class Housekeeping:
    def __init__(self, store: Store, clock: Callable[[], datetime] = datetime.now):
        self.store = store
        self.clock = clock

    def counts(self) -> Counts:
        """Sessions today, submitted online today, sessions this week."""
        return SessionService(self.store, clock=self.clock).counts()

    def purge_personal_data(self, actor_id: int | None) -> int:
        """The retention rule, applied to what aged past it since the last run."""
        n = purge_due(self.store, actor_id=actor_id, clock=self.clock)
        if n:
            log.info("personal data purged from %d sessions", n)
        return n

    def unfinished_today(self, officer_id: int) -> list[Flagged]:
        """This officer's sessions of today that lack an outcome or last over an hour."""
        return check_day(self.store, self.clock().date(), officer_id)
