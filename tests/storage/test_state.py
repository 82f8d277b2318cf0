"""Shared state contract: database, Redis and memory implementations agree.
(Idempotency keys are the repository's: tests/storage/test_idempotency.py.)"""

from __future__ import annotations

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


def test_failures_are_counted_in_a_sliding_window(state: SharedState) -> None:
    for minutes in (20, 10, 5, 1):
        state.record_failure("account:a@b.c", NOW - timedelta(minutes=minutes), WINDOW)
    count, oldest = state.failures("account:a@b.c", NOW, WINDOW)
    assert count == 3 and abs((oldest - (NOW - timedelta(minutes=10))).total_seconds()) < 1
    assert state.failures("account:other", NOW, WINDOW) == (0, None)
    state.clear_failures("account:a@b.c")
    assert state.failures("account:a@b.c", NOW, WINDOW)[0] == 0


def test_active_users_counts_distinct_recent_users(state: SharedState) -> None:
    state.touch_user("U1", NOW - timedelta(minutes=10))
    state.touch_user("U2", NOW - timedelta(minutes=2))
    state.touch_user("U3", NOW - timedelta(minutes=1))
    state.touch_user("U3", NOW)
    assert state.active_users(NOW, timedelta(minutes=5)) == 2
    state.touch_user("U1", NOW)
    assert state.active_users(NOW, timedelta(minutes=5)) == 3


def test_a_database_that_is_down_is_storage_unavailable_not_a_crash() -> None:
    """Found by the PostgreSQL outage drill: the token check hit a raw driver error (500)."""
    from ecommerce_agent.errors import StorageUnavailableError
    from ecommerce_agent.storage.postgres import postgres_engine

    state = SqlState(postgres_engine("postgresql://postgres@127.0.0.1:9/none", connect_timeout=1), "postgres")
    for call in (lambda: state.is_revoked("jti"), lambda: state.touch_user("U1", NOW), state.ping,
                 lambda: state.failures("k", NOW, WINDOW)):
        with pytest.raises(StorageUnavailableError, match="사용할 수 없습니다"):
            call()
