"""Shared state of the API workers: revoked tokens, active users. (Idempotency keys live
with the data they guard: ``idempotency.py``; rate limits and login failures: ``api.throttle``.)

Several workers (and hosts) must agree on it, so it lives in the database by
default (``SqlState``) or in Redis when ``REDIS_URL`` is set (``RedisState``).
The CSV backend runs a single worker by rule, so process memory is shared
enough there (``MemoryState``).
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..errors import StorageUnavailableError
from .schema import revoked_tokens, user_activity

T = TypeVar("T")
# Asked on every authenticated request: built once (building it cost as much as running it).
_REVOKED = sa.select(revoked_tokens.c.jti).where(revoked_tokens.c.jti == sa.bindparam("jti"))


class SharedState(Protocol):
    backend: str

    def ping(self) -> None: ...
    def revoke(self, jti: str, expires_at: datetime) -> None: ...
    def is_revoked(self, jti: str) -> bool: ...
    def touch_user(self, user_id: str, now: datetime) -> None:
        """Record that ``user_id`` was active at ``now``."""
    def active_users(self, now: datetime, window: timedelta) -> int:
        """Distinct users active within ``window`` before ``now``."""


def _translated(method: Callable[..., T]) -> Callable[..., T]:
    """A database that is down is a ``StorageUnavailableError`` (503 + Retry-After), not a 500."""
    @functools.wraps(method)
    def call(self: SqlState, *args: Any, **kwargs: Any) -> T:
        try:
            return method(self, *args, **kwargs)
        except sa.exc.DBAPIError as exc:
            first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
            raise StorageUnavailableError(f"공유 상태 데이터베이스를 사용할 수 없습니다({self.backend}): {first}") from None
    return call


class SqlState:
    def __init__(self, engine: Engine, backend: str) -> None:
        self.engine = engine
        self.backend = backend
        dialect = engine.dialect.name
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        self._insert = insert

    def _begin(self) -> Any:
        conn = self.engine.connect()
        conn.execution_options(sqlite_begin="IMMEDIATE")
        return conn

    @_translated
    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    @_translated
    def revoke(self, jti: str, expires_at: datetime) -> None:
        with self._begin() as conn, conn.begin():
            conn.execute(self._insert(revoked_tokens).values(jti=jti, expires_at=expires_at)
                         .on_conflict_do_nothing())
            # Expired revocations are useless (the token is refused anyway): prune.
            conn.execute(revoked_tokens.delete().where(revoked_tokens.c.expires_at < expires_at
                                                       - timedelta(days=30)))

    @_translated
    def is_revoked(self, jti: str) -> bool:
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin=None)
            return conn.execute(_REVOKED, {"jti": jti}).first() is not None

    @_translated
    def touch_user(self, user_id: str, now: datetime) -> None:
        stmt = self._insert(user_activity).values(user_id=user_id, seen_at=now)
        with self._begin() as conn, conn.begin():
            conn.execute(stmt.on_conflict_do_update(index_elements=[user_activity.c.user_id],
                                                    set_={"seen_at": now}))

    @_translated
    def active_users(self, now: datetime, window: timedelta) -> int:
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin=None)
            return conn.execute(sa.select(sa.func.count()).select_from(user_activity)
                                .where(user_activity.c.seen_at >= now - window)).scalar_one()


class RedisState:
    """The same state in Redis: several hosts can share it."""

    backend = "redis"

    def __init__(self, url: str, *, prefix: str = "ecommerce-agent:") -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2,
                                           decode_responses=True)
        self.prefix = prefix
        self._errors: tuple[type[Exception], ...] = (redis.RedisError,)

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except self._errors as exc:
            raise StorageUnavailableError(f"Redis에 연결할 수 없습니다: {exc}") from None

    def ping(self) -> None:
        self._call(self.client.ping)

    def revoke(self, jti: str, expires_at: datetime) -> None:
        seconds = max(1, int((expires_at - datetime.now(expires_at.tzinfo)).total_seconds()) + 1)
        self._call(self.client.set, f"{self.prefix}revoked:{jti}", "1", ex=seconds)

    def is_revoked(self, jti: str) -> bool:
        return bool(self._call(self.client.exists, f"{self.prefix}revoked:{jti}"))


    def touch_user(self, user_id: str, now: datetime) -> None:
        name = f"{self.prefix}active"
        pipe = self.client.pipeline()
        pipe.zadd(name, {user_id: now.timestamp()})
        pipe.zremrangebyscore(name, 0, now.timestamp() - 86_400)
        self._call(pipe.execute)

    def active_users(self, now: datetime, window: timedelta) -> int:
        return int(self._call(self.client.zcount, f"{self.prefix}active",
                              now.timestamp() - window.total_seconds(), "+inf"))


class MemoryState:
    """Process-local state, for the single-worker CSV backend only."""

    backend = "memory"

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revoked: dict[str, datetime] = {}
        self._seen: dict[str, datetime] = {}

    def ping(self) -> None:
        return None

    def revoke(self, jti: str, expires_at: datetime) -> None:
        with self._lock:
            self._revoked[jti] = expires_at

    def is_revoked(self, jti: str) -> bool:
        with self._lock:
            return jti in self._revoked


    def touch_user(self, user_id: str, now: datetime) -> None:
        with self._lock:
            self._seen[user_id] = now

    def active_users(self, now: datetime, window: timedelta) -> int:
        with self._lock:
            return sum(1 for seen in self._seen.values() if seen >= now - window)
