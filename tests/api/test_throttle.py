"""Rate limits (issue #15, finding 6): chat, /v1, register and search answer 429 +
Retry-After (Korean message) past their limits, shared by every worker through
the database or Redis; long search queries are a 422."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from limits.storage import MemoryStorage, RedisStorage, Storage

from ecommerce_agent.api.app import create_app
from ecommerce_agent.api.throttle import Throttle
from ecommerce_agent.config import Settings
from ecommerce_agent.errors import RateLimitedError
from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.ratelimits import SqlLimitStorage
from tests.support.app import assert_problem, login
from tests.support.services import require_redis


def _limited(settings: Settings, **limits: object) -> Settings:
    return settings.model_copy(update={"rate_limits": settings.rate_limits.model_copy(update=limits)})


# -- the mechanism, on every storage -------------------------------------------------

@pytest.fixture(params=["sqlite", "postgres", "redis", "memory"])
def storages(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Storage, Storage]]:
    """Two storage objects over the same backing store: two workers' views."""
    if request.param == "sqlite":
        first, second = open_sqlite(tmp_path / "s.db"), open_sqlite(tmp_path / "s.db")
        yield SqlLimitStorage(first.engine), SqlLimitStorage(second.engine)
        first.close()
        second.close()
    elif request.param == "postgres":
        repo = request.getfixturevalue("postgres_repo")
        yield SqlLimitStorage(repo.engine), SqlLimitStorage(repo.engine)
    elif request.param == "redis":
        url, prefix = require_redis(), f"test-{uuid.uuid4().hex}"
        pair = (RedisStorage(url, key_prefix=prefix, wrap_exceptions=True),
                RedisStorage(url, key_prefix=prefix, wrap_exceptions=True))
        yield pair
        client = pair[0].storage
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)
    else:
        shared = MemoryStorage(wrap_exceptions=True)
        yield shared, shared


def test_limits_are_shared_between_workers_and_separate_per_identity(storages, settings_plain) -> None:  # noqa: ANN001
    config = _limited(settings_plain, chat_per_user="3/minute", chat_per_ip="")
    one, two = Throttle(config, storages[0]), Throttle(config, storages[1])
    one.check(chat_user="U1")
    two.check(chat_user="U1")
    one.check(chat_user="U1")
    with pytest.raises(RateLimitedError) as refused:
        two.check(chat_user="U1")  # the fourth, counted by the other "worker"
    assert 1 <= refused.value.retry_after <= 60 and "초 후" in refused.value.message
    with pytest.raises(RateLimitedError):
        one.check(chat_user="U1")  # refused requests are not counted, but the window is still full
    two.check(chat_user="U2")  # another account has its own count


def test_login_failures_count_per_account_and_client(storages, settings_plain) -> None:  # noqa: ANN001
    config = settings_plain.model_copy(update={"auth": settings_plain.auth.model_copy(
        update={"login_delay_seconds": 0, "login_max_failures": 3})})
    one, two = Throttle(config, storages[0]), Throttle(config, storages[1])
    for throttle in (one, two, one):
        assert throttle.login_wait("a@b.co", "10.0.0.1") is None
        throttle.login_failed("A@b.co ", "10.0.0.1")
    assert 800 < (two.login_wait("a@b.co", "10.0.0.1") or 0) <= 900
    assert two.login_wait("a@b.co", "10.0.0.2") is None  # the owner elsewhere
    two.login_succeeded("a@b.co", "10.0.0.1")
    assert one.login_wait("a@b.co", "10.0.0.1") is None


def test_sql_storage_forgets_hits_outside_the_window(tmp_path: Path) -> None:
    repo = open_sqlite(tmp_path / "s.db")
    now = [1_000_000.0]
    storage = SqlLimitStorage(repo.engine, clock=lambda: now[0])
    assert storage.acquire_entry("k", 2, 60) and storage.acquire_entry("k", 2, 60)
    assert not storage.acquire_entry("k", 2, 60)
    start, count = storage.get_moving_window("k", 2, 60)
    assert count == 2 and start == pytest.approx(1_000_000.0)
    now[0] += 61
    assert storage.get_moving_window("k", 2, 60)[1] == 0 and storage.acquire_entry("k", 2, 60)
    storage.clear("k")
    assert storage.get_moving_window("k", 2, 60)[1] == 0
    repo.close()


@pytest.fixture
def settings_plain(tmp_path: Path) -> Settings:
    from tests.support.factories import settings_for

    return settings_for(tmp_path)


# -- the API ---------------------------------------------------------------------------

def test_chat_past_the_limit_is_429_and_stores_nothing(settings: Settings) -> None:
    """700 messages in 8 s used to create 700 conversations."""
    with TestClient(create_app(_limited(settings, chat_per_user="3/minute"))) as client:
        headers = login(client)
        before = client.get("/conversations", headers=headers, params={"limit": 100}).json()["count"]
        for _ in range(3):
            assert client.post("/chat", json={"message": "배송 정책 알려주세요"}, headers=headers).status_code == 200
        refused = client.post("/chat", json={"message": "배송 정책 알려주세요"}, headers=headers)
        body = assert_problem(refused, 429, "rate_limited")
        assert 1 <= int(refused.headers["retry-after"]) <= 60 and "후 다시 시도해 주세요" in body["detail"]
        after = client.get("/conversations", headers=headers, params={"limit": 100}).json()["count"]
        assert after == before + 3
        # The same limit covers new conversations and the OpenAI-compatible layer.
        assert_problem(client.post("/conversations", json={"title": "x"}, headers=headers), 429)
        v1 = client.post("/v1/chat/completions", headers=headers,
                         json={"model": "ecommerce-agent", "messages": [{"role": "user", "content": "안녕하세요"}]})
        assert_problem(v1, 429)
        assert v1.json()["error"]["type"] == "rate_limit_error" and "retry-after" in v1.headers
        # ... and the web chat's streamed turns and its 예/아니요 buttons
        assert_problem(client.post("/chat/stream", json={"message": "안녕하세요"}, headers=headers), 429)
        click = client.post("/conversations/CNV-X/actions/ACT-1/confirm", headers=headers)
        assert_problem(click, 429)
        # Another shopper is not affected.
        other = login(client, "demo2@example.com")
        assert client.post("/chat", json={"message": "안녕하세요"}, headers=other).status_code == 200


def test_register_is_limited_per_address(settings: Settings) -> None:
    with TestClient(create_app(_limited(settings, register_per_ip="2/hour"))) as client:
        for n in range(2):
            created = client.post("/auth/register", json={"email": f"new{n}@example.com",
                                                          "password": "s3cret-pass", "name": "신규"})
            assert created.status_code == 201, created.text
        refused = client.post("/auth/register", json={"email": "new9@example.com", "password": "s3cret-pass",
                                                      "name": "신규"})
        assert_problem(refused, 429, "rate_limited")
        assert int(refused.headers["retry-after"]) > 60  # an hour's window: minutes, not seconds
        elsewhere = TestClient(client.app, client=("203.0.113.7", 50000))
        assert elsewhere.post("/auth/register", json={"email": "new9@example.com", "password": "s3cret-pass",
                                                      "name": "신규"}).status_code == 201


def test_search_caps_the_query_and_the_rate(settings: Settings) -> None:
    with TestClient(create_app(_limited(settings, search_per_ip="3/minute", search_max_query_chars=50))) as client:
        long = client.get("/policies/search", params={"q": "환불 " * 30})
        body = assert_problem(long, 422, "query_too_long")
        assert "50자 이하" in body["detail"] and body["errors"][0]["loc"] == ["query", "q"]
        assert_problem(client.get("/products/search", params={"q": "가" * 51}), 422, "query_too_long")
        for _ in range(3):
            assert client.get("/policies/search", params={"q": "환불"}).status_code == 200
        assert_problem(client.get("/products/search", params={"q": "이어폰"}), 429, "rate_limited")


def test_the_default_limits_leave_a_normal_shopper_alone(client: TestClient) -> None:
    headers = login(client)
    for message in ("주문 내역 보여주세요", "배송 언제 와요?", "환불 정책 알려주세요", "감사합니다") * 3:
        assert client.post("/chat", json={"message": message}, headers=headers).status_code == 200
    for _ in range(20):
        assert client.get("/policies/search", params={"q": "교환 기간"}).status_code == 200


def test_two_workers_share_chat_limits_through_redis(settings: Settings) -> None:
    url, prefix = require_redis(), f"test-{uuid.uuid4().hex}"
    config = _limited(settings, chat_per_user="2/minute")
    first, second = create_app(config), create_app(config)
    try:
        with TestClient(first) as one, TestClient(second) as two:
            for app in (first, second):  # each "worker" its own connection, one shared store
                app.state.throttle = Throttle(config, RedisStorage(url, key_prefix=prefix, wrap_exceptions=True))
            headers = login(one)
            assert one.post("/chat", json={"message": "안녕하세요"}, headers=headers).status_code == 200
            assert two.post("/chat", json={"message": "안녕하세요"}, headers=headers).status_code == 200
            assert_problem(one.post("/chat", json={"message": "안녕하세요"}, headers=headers), 429)
            assert_problem(two.post("/chat", json={"message": "안녕하세요"}, headers=headers), 429)
    finally:
        store = RedisStorage(url, key_prefix=prefix).storage
        for key in store.scan_iter(f"{prefix}*"):
            store.delete(key)


@pytest.mark.parametrize(("value", "message"), [("lots", "올바른 제한 표기가 아닙니다"), ("5 per 2 days", "하루")])
def test_bad_limit_settings_stop_start_up_with_one_line(tmp_path: Path, value: str, message: str) -> None:
    from ecommerce_agent.config import load_settings
    from ecommerce_agent.errors import ConfigError

    config = tmp_path / "app.yaml"
    config.write_text(f"rate_limits:\n  search_per_ip: '{value}'\n", encoding="utf-8")
    with pytest.raises(ConfigError) as error:
        load_settings(config, env={})
    assert "rate_limits.search_per_ip" in error.value.message and message in error.value.message
