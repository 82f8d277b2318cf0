"""Shared state contract: database, Redis and memory implementations agree."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.state import MemoryState, RedisState, SharedState, SqlState
from tests.support.services import require_redis

NOW = datetime.now(UTC).replace(microsecond=0)
WINDOW = timedelta(minutes=15)


@pytest.fixture(params=["sqlite", "postgres", "redis", "memory"])
def state(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SharedState]:
    if request.param == "sqlite":
        repo = open_sqlite(tmp_path / "s.db")
        yield SqlState(repo.engine, "sqlite")
        repo.close()
    elif request.param == "postgres":
        repo = request.getfixturevalue("postgres_repo")
        yield SqlState(repo.engine, "postgres")
    elif request.param == "redis":
        store = RedisState(require_redis(), prefix=f"test-{uuid.uuid4().hex}:")
        yield store
        for key in store.client.scan_iter(f"{store.prefix}*"):
            store.client.delete(key)
    else:
        yield MemoryState()


def test_revocation(state: SharedState) -> None:
    assert not state.is_revoked("jti-1")
    state.revoke("jti-1", NOW + timedelta(minutes=10))
    state.revoke("jti-1", NOW + timedelta(minutes=10))  # twice is fine
    assert state.is_revoked("jti-1") and not state.is_revoked("jti-2")


def test_idempotency_claim_complete_replay(state: SharedState) -> None:
    ttl = timedelta(hours=24)
    assert state.claim_idempotency("U1", "k", "POST /x", "fp", NOW, ttl) is None
    pending = state.claim_idempotency("U1", "k", "POST /x", "fp", NOW, ttl)
    assert pending is not None and pending.status_code is None
    state.complete_idempotency("U1", "k", 201, '{"ok": true}')
    done = state.claim_idempotency("U1", "k", "POST /x", "fp", NOW, ttl)
    assert (done.status_code, done.body, done.fingerprint) == (201, '{"ok": true}', "fp")
    assert state.claim_idempotency("U2", "k", "POST /x", "fp", NOW, ttl) is None  # per user
    state.release_idempotency("U1", "k")  # completed: stays
    assert state.claim_idempotency("U1", "k", "POST /x", "fp", NOW, ttl).status_code == 201


def test_released_claim_can_be_retried(state: SharedState) -> None:
    ttl = timedelta(hours=24)
    assert state.claim_idempotency("U1", "k2", "POST /x", "fp", NOW, ttl) is None
    state.release_idempotency("U1", "k2")
    assert state.claim_idempotency("U1", "k2", "POST /x", "fp", NOW, ttl) is None


def test_only_one_of_racing_claims_wins(state: SharedState) -> None:
    results: list[object] = []
    barrier = threading.Barrier(4)

    def claim() -> None:
        barrier.wait()
        results.append(state.claim_idempotency("U1", "race", "POST /x", "fp", NOW, timedelta(hours=1)))

    threads = [threading.Thread(target=claim) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r is None for r in results) == 1


def test_active_users_counts_distinct_recent_users(state: SharedState) -> None:
    state.touch_user("U1", NOW - timedelta(minutes=10))
    state.touch_user("U2", NOW - timedelta(minutes=2))
    state.touch_user("U3", NOW - timedelta(minutes=1))
    state.touch_user("U3", NOW)
    assert state.active_users(NOW, timedelta(minutes=5)) == 2
    state.touch_user("U1", NOW)
    assert state.active_users(NOW, timedelta(minutes=5)) == 3
