"""Real server processes sharing one database (and Redis): what several
workers or hosts must agree on."""

from __future__ import annotations

import shutil
import sys
import threading
import uuid
from pathlib import Path

import httpx2
import pytest

from tests.support.server import gunicorn, live_server
from tests.support.services import require_redis

SECRET = "live-test-secret-" + "z" * 32


def _uvicorn() -> list[str]:
    return [sys.executable, "-m", "uvicorn", "ecommerce_agent.api.app:create_app", "--factory",
            "--host", "127.0.0.1", "--port", "{port}", "--log-level", "warning"]


@pytest.fixture
def db(template_db: Path, tmp_path: Path) -> Path:
    shutil.copy(template_db, tmp_path / "shop.db")
    return tmp_path / "shop.db"


def _login(base: str) -> dict[str, str]:
    tokens = httpx2.post(f"{base}/auth/login", json={"email": "demo@example.com", "password": "demo1234!"}).json()
    return tokens


@pytest.mark.parametrize("shared", ["database", "redis"])
def test_a_token_revoked_on_one_process_is_refused_by_another(db: Path, shared: str) -> None:
    env = {"SQLITE_DATABASE": str(db), "JWT_SECRET_KEY": SECRET}
    if shared == "redis":
        env["REDIS_URL"] = require_redis().rsplit("/", 1)[0] + "/14"
    with live_server(_uvicorn(), env) as first, live_server(_uvicorn(), env) as second:
        tokens = _login(first)
        headers = {"Authorization": f"Bearer {tokens['access_token']}"}
        assert httpx2.get(f"{second}/auth/me", headers=headers).status_code == 200
        assert httpx2.post(f"{first}/auth/logout", headers=headers).status_code == 204
        refused = httpx2.get(f"{second}/auth/me", headers=headers)
        assert refused.status_code == 401 and refused.json()["code"] == "token_revoked"
        again = httpx2.post(f"{second}/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert again.status_code == 401


def test_cancel_race_between_workers_lets_exactly_one_succeed(db: Path) -> None:
    env = {"SQLITE_DATABASE": str(db), "JWT_SECRET_KEY": SECRET}
    with live_server(gunicorn("--workers", "2", "--worker-class", "uvicorn_worker.UvicornWorker"), env) as base:
        headers = {"Authorization": f"Bearer {_login(base)['access_token']}"}
        orders = httpx2.get(f"{base}/users/me/orders", headers=headers, params={"status": "paid"}).json()
        order_id = orders["orders"][0]["order_id"]
        barrier, statuses = threading.Barrier(6), []

        def cancel() -> None:
            with httpx2.Client() as client:  # a connection each: spread over the workers
                barrier.wait()
                statuses.append(client.post(f"{base}/orders/{order_id}/cancel", headers=headers,
                                            json={"reason": "경합 테스트"}).status_code)

        threads = [threading.Thread(target=cancel) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(statuses) == [200, 409, 409, 409, 409, 409]


def test_same_idempotency_key_from_racing_clients_cancels_once(db: Path) -> None:
    env = {"SQLITE_DATABASE": str(db), "JWT_SECRET_KEY": SECRET}
    with live_server(gunicorn("--workers", "2", "--worker-class", "uvicorn_worker.UvicornWorker"), env) as base:
        headers = {"Authorization": f"Bearer {_login(base)['access_token']}",
                   "Idempotency-Key": uuid.uuid4().hex}
        orders = httpx2.get(f"{base}/users/me/orders", headers=headers, params={"status": "preparing"}).json()
        order_id = orders["orders"][0]["order_id"]
        barrier, responses = threading.Barrier(4), []

        def cancel() -> None:
            with httpx2.Client() as client:
                barrier.wait()
                responses.append(client.post(f"{base}/orders/{order_id}/cancel", headers=headers, json={}))

        threads = [threading.Thread(target=cancel) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        codes = sorted(r.status_code for r in responses)
        # one ran; the others replayed its result or were told it is still running
        assert codes.count(200) >= 1 and set(codes) <= {200, 409}
        assert all(r.json().get("code") == "idempotency_in_progress" for r in responses if r.status_code == 409)
        final = httpx2.post(f"{base}/orders/{order_id}/cancel", headers=headers, json={})
        assert final.status_code == 200 and final.headers["idempotent-replayed"] == "true"


def test_a_conversation_continues_on_any_worker(db: Path) -> None:
    """The pending action lives in the database: the yes may reach another worker."""
    env = {"SQLITE_DATABASE": str(db), "JWT_SECRET_KEY": SECRET}
    with live_server(gunicorn("--workers", "2", "--worker-class", "uvicorn_worker.UvicornWorker"), env) as base:
        headers = {"Authorization": f"Bearer {_login(base)['access_token']}"}
        orders = httpx2.get(f"{base}/users/me/orders", headers=headers, params={"status": "paid"}).json()
        order_id = orders["orders"][0]["order_id"]
        session = None
        for message in (f"{order_id} 주문 취소할게요", "네 취소해 주세요"):
            with httpx2.Client() as client:  # a new connection per turn: either worker may answer
                body = {"message": message} | ({"session_id": session} if session else {})
                response = client.post(f"{base}/chat", headers=headers, json=body, timeout=30)
                assert response.status_code == 200, response.text
                session = response.json()["session_id"]
        assert [a["order_id"] for a in response.json()["actions"]] == [order_id]
        status = httpx2.get(f"{base}/orders/{order_id}", headers=headers).json()["status"]
        assert status == "cancelled"
