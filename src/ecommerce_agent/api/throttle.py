"""Rate limits and the login throttle, on the ``limits`` library (moving window).

Storage, shared by every worker: Redis when ``redis.url`` is set, else the SQL
database (``storage.ratelimits``); the CSV backend (one worker by rule) keeps
them in memory. Identities (account ids, e-mail addresses, client addresses)
are hashed into the keys, so the store holds no personal data.

Login: failures are counted per (account, client address), so a stranger can
slow down or lock out only their own attempts, never the owner's from another
address. Quick repeated failures wait progressively longer (``_delay_ladder``)
before the lock-out at ``auth.login_max_failures``; a client address with many
failures across accounts is refused as a whole (``auth.login_ip_max_failures``).
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass

from fastapi import Request
from limits import RateLimitItem, RateLimitItemPerSecond, parse_many
from limits.errors import StorageError as LimitsStorageError
from limits.storage import MemoryStorage, RedisStorage, Storage
from limits.strategies import MovingWindowRateLimiter

from ..config import Settings
from ..errors import RateLimitedError, StorageUnavailableError

log = logging.getLogger(__name__)
NAMESPACE = "ecommerce-agent"


def client_address(request: Request) -> str:
    """The caller's address as the server sees it: behind a reverse proxy, the
    forwarded one when the proxy is trusted (``FORWARDED_ALLOW_IPS``, docs/operations.md)."""
    return request.client.host if request.client else "unknown"


def _hashed(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    items: tuple[RateLimitItem, ...]


def _rule(name: str, text: str) -> Rule:
    return Rule(name, tuple(parse_many(text)) if text.strip() else ())


def _delay_ladder(max_failures: int, window_minutes: int, delay_seconds: int) -> tuple[RateLimitItem, ...]:
    """Failures of one account from one client: k quick failures (2 <= k < max)
    make the next attempt wait up to ``delay * 2**(k-2)`` seconds; ``max`` within
    the window lock that client out for the rest of the window."""
    rungs: list[RateLimitItem] = []
    if delay_seconds > 0:
        rungs += [RateLimitItemPerSecond(k, delay_seconds * 2 ** (k - 2)) for k in range(2, max_failures)]
    rungs.append(RateLimitItemPerSecond(max_failures, window_minutes * 60))
    return tuple(rungs)


class Throttle:
    def __init__(self, settings: Settings, storage: Storage) -> None:
        limits_, auth = settings.rate_limits, settings.auth
        self.enabled = limits_.enabled
        self.storage = storage
        self.limiter = MovingWindowRateLimiter(storage)
        self.rules = {rule.name: rule for rule in (
            _rule("chat_user", limits_.chat_per_user), _rule("chat_ip", limits_.chat_per_ip),
            _rule("register_ip", limits_.register_per_ip), _rule("search_ip", limits_.search_per_ip),
            Rule("login_account_client", _delay_ladder(auth.login_max_failures, auth.login_window_minutes,
                                                        auth.login_delay_seconds)),
            Rule("login_ip", (RateLimitItemPerSecond(auth.login_ip_max_failures, auth.login_window_minutes * 60),)),
        )}

    # -- request limits ---------------------------------------------------------

    def check(self, **identities: str) -> None:
        """Count one request against each named rule (``chat_user="U1"``,
        ``chat_ip="…"``) or raise ``RateLimitedError`` (429 + Retry-After) without
        counting it. Storage trouble lets the request through (logged): a limit
        must not take the service down with Redis."""
        if not self.enabled:
            return
        pairs = [(self.rules[name], value) for name, value in identities.items()]
        try:
            wait = self._wait(pairs)
            if wait is None:
                for rule, value in pairs:
                    for item in rule.items:
                        if not self.limiter.hit(item, NAMESPACE, rule.name, _hashed(value)):
                            wait = max(wait or 0, self._seconds_until_free(item, rule.name, value))
        except LimitsStorageError as exc:
            log.warning("rate limit storage unavailable, request let through: %s", exc,
                        extra={"event": "rate_limit_storage_error"})
            return
        if wait is not None:
            raise RateLimitedError(f"요청이 너무 많습니다. {_korean_wait(wait)} 후 다시 시도해 주세요.",
                                   retry_after=wait)

    # -- login -----------------------------------------------------------------

    def login_wait(self, email: str, client: str) -> int | None:
        """Seconds this client must wait before trying ``email`` again (None: go ahead)."""
        try:
            return self._wait(self._login_pairs(email, client))
        except LimitsStorageError as exc:  # refusing is safer than guessing on the login path
            raise StorageUnavailableError(f"로그인 제한 저장소에 연결할 수 없습니다: {exc}") from None

    def login_failed(self, email: str, client: str) -> None:
        try:
            for rule, value in self._login_pairs(email, client):
                for item in rule.items:
                    self.limiter.hit(item, NAMESPACE, rule.name, _hashed(value))
        except LimitsStorageError as exc:
            raise StorageUnavailableError(f"로그인 제한 저장소에 연결할 수 없습니다: {exc}") from None

    def login_succeeded(self, email: str, client: str) -> None:
        """The owner got in from this client: forget that client's failures for the account."""
        rule, value = self._login_pairs(email, client)[0]
        try:
            for item in rule.items:
                self.limiter.clear(item, NAMESPACE, rule.name, _hashed(value))
        except LimitsStorageError as exc:
            log.warning("could not clear login failures: %s", exc, extra={"event": "rate_limit_storage_error"})

    def _login_pairs(self, email: str, client: str) -> list[tuple[Rule, str]]:
        return [(self.rules["login_account_client"], f"{email.strip().lower()}\0{client}"),
                (self.rules["login_ip"], client)]

    # -- shared ----------------------------------------------------------------

    def _wait(self, pairs: Iterable[tuple[Rule, str]]) -> int | None:
        """The longest wait any exhausted limit imposes, or None when all have room."""
        waits = [self._seconds_until_free(item, rule.name, value)
                 for rule, value in pairs for item in rule.items
                 if not self.limiter.test(item, NAMESPACE, rule.name, _hashed(value))]
        return max(waits) if waits else None

    def _seconds_until_free(self, item: RateLimitItem, name: str, value: str) -> int:
        reset, _ = self.limiter.get_window_stats(item, NAMESPACE, name, _hashed(value))
        return max(1, math.ceil(reset - time.time()))


def _korean_wait(seconds: int) -> str:
    return f"{seconds}초" if seconds < 120 else f"{math.ceil(seconds / 60)}분"


def open_throttle(settings: Settings, repo: object) -> Throttle:
    """Redis when configured, else the SQL database, else (CSV: one worker) memory."""
    from ..storage.ratelimits import SqlLimitStorage
    from ..storage.sql import SqlRepository

    storage: Storage
    if settings.redis.url:
        storage = RedisStorage(settings.redis.url, key_prefix=f"{NAMESPACE}:limits", wrap_exceptions=True,
                               socket_timeout=2, socket_connect_timeout=2)
    elif isinstance(repo, SqlRepository):
        storage = SqlLimitStorage(repo.engine)
    else:
        storage = MemoryStorage(wrap_exceptions=True)
    return Throttle(settings, storage)
