"""Shared state of the API workers: revoked tokens, idempotency, active users
(rate limits and login failures: ``api.throttle``).

Several workers (and hosts) must agree on it, so it lives in the database by
default (``SqlState``) or in Redis when ``REDIS_URL`` is set (``RedisState``).
The CSV backend runs a single worker by rule, so process memory is shared
enough there (``MemoryState``).
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from ..errors import StorageUnavailableError
from .schema import idempotency_keys, revoked_tokens, user_activity


@dataclass(frozen=True, slots=True)
class IdempotencyRecord:
    endpoint: str
    fingerprint: str
    status_code: int | None  # None: the first request is still running
    body: str | None


class SharedState(Protocol):
    backend: str

    def ping(self) -> None: ...
    def revoke(self, jti: str, expires_at: datetime) -> None: ...
    def is_revoked(self, jti: str) -> bool: ...
    def claim_idempotency(self, user_id: str, key: str, endpoint: str, fingerprint: str,
                          now: datetime, ttl: timedelta) -> IdempotencyRecord | None:
        """Claim ``key`` for a new request: None when claimed (go ahead), otherwise
        the record of the earlier request with that key."""
    def complete_idempotency(self, user_id: str, key: str, status_code: int, body: str) -> None: ...
    def release_idempotency(self, user_id: str, key: str) -> None:
        """Forget a claim whose request failed, so a retry can run."""
    def touch_user(self, user_id: str, now: datetime) -> None:
        """Record that ``user_id`` was active at ``now``."""
    def active_users(self, now: datetime, window: timedelta) -> int:
        """Distinct users active within ``window`` before ``now``."""


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

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))

    def revoke(self, jti: str, expires_at: datetime) -> None:
        with self._begin() as conn, conn.begin():
            conn.execute(self._insert(revoked_tokens).values(jti=jti, expires_at=expires_at)
                         .on_conflict_do_nothing())
            # Expired revocations are useless (the token is refused anyway): prune.
            conn.execute(revoked_tokens.delete().where(revoked_tokens.c.expires_at < expires_at
                                                       - timedelta(days=30)))

    def is_revoked(self, jti: str) -> bool:
        with self.engine.connect() as conn:
            conn.execution_options(sqlite_begin=None)
            return conn.execute(sa.select(revoked_tokens.c.jti).where(
                revoked_tokens.c.jti == jti)).first() is not None

    def claim_idempotency(self, user_id: str, key: str, endpoint: str, fingerprint: str,
                          now: datetime, ttl: timedelta) -> IdempotencyRecord | None:
        table = idempotency_keys
        with self._begin() as conn, conn.begin():
            conn.execute(table.delete().where(table.c.created_at < now - ttl))
            claimed = conn.execute(self._insert(table).values(
                user_id=user_id, key=key, endpoint=endpoint, fingerprint=fingerprint,
                created_at=now).on_conflict_do_nothing().returning(table.c.key)).first()
            if claimed is not None:  # (rowcount is not reliable for ON CONFLICT on every driver)
                return None
            row = conn.execute(sa.select(table).where(table.c.user_id == user_id,
                                                      table.c.key == key)).mappings().one()
        return IdempotencyRecord(row["endpoint"], row["fingerprint"], row["status_code"], row["body"])

    def complete_idempotency(self, user_id: str, key: str, status_code: int, body: str) -> None:
        table = idempotency_keys
        with self._begin() as conn, conn.begin():
            conn.execute(table.update().where(table.c.user_id == user_id, table.c.key == key)
                         .values(status_code=status_code, body=body))

    def release_idempotency(self, user_id: str, key: str) -> None:
        table = idempotency_keys
        with self._begin() as conn, conn.begin():
            conn.execute(table.delete().where(table.c.user_id == user_id, table.c.key == key,
                                              table.c.status_code.is_(None)))


    def touch_user(self, user_id: str, now: datetime) -> None:
        stmt = self._insert(user_activity).values(user_id=user_id, seen_at=now)
        with self._begin() as conn, conn.begin():
            conn.execute(stmt.on_conflict_do_update(index_elements=[user_activity.c.user_id],
                                                    set_={"seen_at": now}))

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

    def claim_idempotency(self, user_id: str, key: str, endpoint: str, fingerprint: str,
                          now: datetime, ttl: timedelta) -> IdempotencyRecord | None:
        name = f"{self.prefix}idem:{user_id}:{key}"
        claim = json.dumps({"endpoint": endpoint, "fingerprint": fingerprint})
        if self._call(self.client.set, name, claim, ex=int(ttl.total_seconds()), nx=True):
            return None
        stored = json.loads(self._call(self.client.get, name) or "{}")
        return IdempotencyRecord(stored.get("endpoint", ""), stored.get("fingerprint", ""),
                                 stored.get("status_code"), stored.get("body"))

    def complete_idempotency(self, user_id: str, key: str, status_code: int, body: str) -> None:
        name = f"{self.prefix}idem:{user_id}:{key}"
        stored = json.loads(self._call(self.client.get, name) or "{}")
        stored.update(status_code=status_code, body=body)
        self._call(self.client.set, name, json.dumps(stored), keepttl=True)

    def release_idempotency(self, user_id: str, key: str) -> None:
        name = f"{self.prefix}idem:{user_id}:{key}"
        stored = json.loads(self._call(self.client.get, name) or "{}")
        if stored and stored.get("status_code") is None:
            self._call(self.client.delete, name)


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
        self._idem: dict[tuple[str, str], dict[str, Any]] = {}
        self._seen: dict[str, datetime] = {}

    def ping(self) -> None:
        return None

    def revoke(self, jti: str, expires_at: datetime) -> None:
        with self._lock:
            self._revoked[jti] = expires_at

    def is_revoked(self, jti: str) -> bool:
        with self._lock:
            return jti in self._revoked

    def claim_idempotency(self, user_id: str, key: str, endpoint: str, fingerprint: str,
                          now: datetime, ttl: timedelta) -> IdempotencyRecord | None:
        with self._lock:
            stored = self._idem.get((user_id, key))
            if stored is None or stored["created_at"] < now - ttl:
                self._idem[(user_id, key)] = {"endpoint": endpoint, "fingerprint": fingerprint,
                                              "status_code": None, "body": None, "created_at": now}
                return None
        return IdempotencyRecord(stored["endpoint"], stored["fingerprint"], stored["status_code"],
                                 stored["body"])

    def complete_idempotency(self, user_id: str, key: str, status_code: int, body: str) -> None:
        with self._lock:
            self._idem[(user_id, key)].update(status_code=status_code, body=body)

    def release_idempotency(self, user_id: str, key: str) -> None:
        with self._lock:
            stored = self._idem.get((user_id, key))
            if stored is not None and stored["status_code"] is None:
                del self._idem[(user_id, key)]

    def touch_user(self, user_id: str, now: datetime) -> None:
        with self._lock:
            self._seen[user_id] = now

    def active_users(self, now: datetime, window: timedelta) -> int:
        with self._lock:
            return sum(1 for seen in self._seen.values() if seen >= now - window)
