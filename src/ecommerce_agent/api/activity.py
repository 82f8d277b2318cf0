"""Who is active: feeds the ``active_users`` gauge across all workers.

Each authenticated request marks its user in the shared state, at most every
``TOUCH_EVERY`` per user and process, so the hot path rarely writes.
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

from ..domain.clock import utcnow
from ..storage.state import SharedState

WINDOW = timedelta(minutes=5)
TOUCH_EVERY = timedelta(seconds=30)


class ActivityTracker:
    def __init__(self, state: SharedState) -> None:
        self.state = state
        self._last: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def seen(self, user_id: str, now: datetime | None = None) -> None:
        now = now or utcnow()
        with self._lock:
            last = self._last.get(user_id)
            if last is not None and now - last < TOUCH_EVERY:
                return
            self._last[user_id] = now
            if len(self._last) > 100_000:  # forget the oldest half rather than grow without bound
                for key in sorted(self._last, key=self._last.__getitem__)[: len(self._last) // 2]:
                    del self._last[key]
        self.state.touch_user(user_id, now)

    def count(self, now: datetime | None = None) -> int:
        return self.state.active_users(now or utcnow(), WINDOW)
