"""Two API processes on different ports over one PostgreSQL and one Redis; one is
killed (kill -9) mid-load and the other serves on: conversations, revocations,
login throttles and Idempotency-Keys are shared, and no acknowledged write is lost."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx2
import redis

from ecommerce_agent.storage.sql import SqlRepository
from tests.support.drill import Ledger, Load, drill_config, login, report, start_server, verify
from tests.support.services import require_redis

ATTEMPTS_BEFORE_429 = 5  # auth.login_max_failures (default)


def _chat(base: str, headers: dict[str, str], message: str, session: str | None = None) -> dict:
    body = {"message": message} | ({"session_id": session} if session else {})
    response = httpx2.post(f"{base}/chat", headers=headers, json=body, timeout=60)
    assert response.status_code == 200, response.text
    return response.json()


def _bad_login(base: str, email: str) -> int:
    return httpx2.post(f"{base}/auth/login", json={"email": email, "password": "wrong-password"},
                       timeout=30).status_code


def test_one_of_two_processes_killed_the_other_serves_on_with_shared_state(
        pg_shop: tuple[str, SqlRepository], search_index: Path, tmp_path: Path) -> None:
    url, repo = pg_shop
    redis_url = require_redis().rsplit("/", 1)[0] + "/12"
    config = drill_config(tmp_path, search_index, postgres_url=url, redis_url=redis_url)
    first = start_server("uvicorn", config)
    second = start_server("uvicorn", config)
    ledger = Ledger()
    try:
        headers = login(first.base)
        revoked = login(first.base)
        assert httpx2.post(f"{first.base}/auth/logout", headers=revoked).status_code == 204
        paid = httpx2.get(f"{first.base}/users/me/orders", headers=headers,
                          params={"status": "paid", "limit": 100}).json()["orders"]
        order_id, others = paid[0]["order_id"], [o["order_id"] for o in paid[1:]]
        proposed = _chat(first.base, headers, f"{order_id} 주문 취소할게요")
        assert proposed["pending_action"]["order_id"] == order_id
        key = uuid.uuid4().hex
        ticket = httpx2.post(f"{first.base}/tickets", headers={**headers, "Idempotency-Key": key},
                             json={"issue_type": "inquiry", "description": "두 프로세스"})
        assert ticket.status_code == 201
        stranger = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
        failed_on_first = [_bad_login(first.base, stranger) for _ in range(ATTEMPTS_BEFORE_429 // 2 + 1)]
        assert set(failed_on_first) == {401}

        with Load([first.base, second.base], headers, others, ledger, threads=4) as load:
            load.wait_for(20)
            first.kill9()
            load.wait_for(ledger.acknowledged + 20)  # the second one carries the load alone

        base = second.base
        refused = httpx2.get(f"{base}/auth/me", headers=revoked)
        assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"  # revocation
        done = _chat(base, headers, "네", proposed["session_id"])  # the conversation continues here
        assert [a["order_id"] for a in done["actions"]] == [order_id]
        replay = httpx2.post(f"{base}/tickets", headers={**headers, "Idempotency-Key": key},
                             json={"issue_type": "inquiry", "description": "두 프로세스"})
        assert replay.status_code == 201 and replay.headers.get("idempotent-replayed") == "true"
        assert replay.json()["ticket_id"] == ticket.json()["ticket_id"]
        retried = ledger.retry_unanswered(base, headers)
        assert set(retried) <= {"201", "201 replayed", "200", "200 replayed"}, retried
        on_second = []
        while len(failed_on_first) + len(on_second) <= ATTEMPTS_BEFORE_429 and 429 not in on_second:
            on_second.append(_bad_login(base, stranger))
        assert on_second[-1] == 429, (failed_on_first, on_second)  # failures counted across processes
    finally:
        first.stop()
        second.stop()
        client = redis.Redis.from_url(redis_url)
        for name in client.scan_iter("ecommerce-agent:*"):
            client.delete(name)
    figures = verify(repo, ledger)
    report(f"two processes, one killed (retries with the same key: {retried})", figures, ledger)
    assert figures["lost"] == 0 and figures["acknowledged"] >= 40, figures
