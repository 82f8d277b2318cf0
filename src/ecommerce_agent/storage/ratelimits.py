"""A storage for the ``limits`` library in our SQL database, for when no Redis
is configured: every worker (and host) sharing the database shares the counts.

Only the moving-window strategy is supported (what ``api.throttle`` uses): each
hit is a row of ``login_failures`` (``key``, ``failed_at``; the table predates
the general rate limits and keeps its name), a check counts the rows of a key
inside the window. Keys are built by the caller from hashed identities, so no
e-mail address or IP address is stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from limits.storage import MovingWindowSupport, Storage
from sqlalchemy.engine import Engine

from .schema import login_failures as hits

# Rows older than this are deleted on the way (no limit uses a longer window).
MAX_WINDOW = timedelta(days=1)
PRUNE_EVERY_SECONDS = 60


def _moment(timestamp: float) -> datetime:
    return datetime.fromtimestamp(timestamp, tz=UTC)


class SqlLimitStorage(Storage, MovingWindowSupport):
    STORAGE_SCHEME = None  # built directly, never from a URI

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.time) -> None:
        super().__init__(None, wrap_exceptions=True)
        self.engine = engine
        self._clock = clock
        self._pruned = 0.0  # when this process last deleted expired rows (a scan: once a minute at most)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return sa.exc.SQLAlchemyError

    def _begin(self) -> sa.Connection:
        conn = self.engine.connect()
        conn.execution_options(sqlite_begin="IMMEDIATE")  # count-then-insert must not interleave
        return conn

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        if amount > limit:
            return False
        now = self._clock()
        with self._begin() as conn, conn.begin():
            count = conn.execute(sa.select(sa.func.count()).where(
                hits.c.key == key, hits.c.failed_at > _moment(now - expiry))).scalar_one()
            if count + amount > limit:
                return False
            conn.execute(hits.insert(), [{"key": key, "failed_at": _moment(now)}] * amount)
            if now - self._pruned > PRUNE_EVERY_SECONDS:
                self._pruned = now
                conn.execute(hits.delete().where(hits.c.failed_at < _moment(now) - MAX_WINDOW))
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        now = self._clock()
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin=None)
            count, oldest = conn.execute(sa.select(sa.func.count(), sa.func.min(hits.c.failed_at)).where(
                hits.c.key == key, hits.c.failed_at > _moment(now - expiry))).one()
        return (oldest.timestamp() if oldest is not None else now), int(count)

    def clear(self, key: str) -> None:
        with self._begin() as conn, conn.begin():
            conn.execute(hits.delete().where(hits.c.key == key))

    def check(self) -> bool:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True

    def reset(self) -> int | None:
        with self._begin() as conn, conn.begin():
            return conn.execute(hits.delete()).rowcount

    # The fixed-window interface is not used (moving window only): kept honest.
    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        raise NotImplementedError("SqlLimitStorage supports the moving-window strategy only")

    def get(self, key: str) -> int:
        raise NotImplementedError("SqlLimitStorage supports the moving-window strategy only")

    def get_expiry(self, key: str) -> float:
        raise NotImplementedError("SqlLimitStorage supports the moving-window strategy only")
