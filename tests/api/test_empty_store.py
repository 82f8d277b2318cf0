"""A store without users or products is not a healthy shop: /health says
degraded with the next step, /ready fails, and (in development) a failed login
says why no account can exist yet. On every backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.api.app import create_app
from ecommerce_agent.config import Settings
from ecommerce_agent.demo.generate import DEMO_ACCOUNTS, DemoShop, SeedPlan
from ecommerce_agent.domain.clock import KST, utcnow
from ecommerce_agent.security import hash_password
from tests.support.app import _with_index
from tests.support.factories import settings_for
from tests.support.pgschema import postgres_schema_url

SECRET = "empty-store-secret-" + "e" * 32


@pytest.fixture(params=["sqlite", "csv", "postgres"])
def empty_settings(request: pytest.FixtureRequest, tmp_path: Path, search_index: Path) -> Iterator[Settings]:
    if request.param == "postgres":
        with postgres_schema_url() as url:
            yield _with_index(settings_for(tmp_path, DATABASE_URL=url, JWT_SECRET_KEY=SECRET), search_index)
        return
    yield _with_index(settings_for(tmp_path, request.param, JWT_SECRET_KEY=SECRET), search_index)


def _seed(client: TestClient) -> None:
    anchor = utcnow().astimezone(KST).replace(second=0, microsecond=0)
    plan = SeedPlan(anchor=anchor, users=10, products=20, orders=10,
                    demo_password_hashes={a.email: hash_password(a.password) for a in DEMO_ACCOUNTS})
    client.app.state.repo.load_tables(DemoShop(plan).batches())


def test_an_empty_store_is_degraded_not_ready_and_login_says_why(empty_settings: Settings) -> None:
    with TestClient(create_app(empty_settings)) as client:
        health = client.get("/health")
        assert health.status_code == 200
        body = health.json()
        assert body["status"] == "degraded"
        data = body["components"]["data"]
        assert data["status"] == "empty" and data["users"] == 0 and data["products"] == 0
        assert "ecommerce-agent seed --if-empty" in data["error"] and "migrate" in data["error"]
        ready = client.get("/ready")
        assert ready.status_code == 503 and ready.json()["reason"].startswith("data: 저장소에 데이터가 없습니다")
        login = client.post("/auth/login", json={"email": "demo@example.com", "password": "demo1234!"})
        assert login.status_code == 401
        assert "이메일 또는 비밀번호가 올바르지 않습니다" in login.json()["detail"]
        assert "seed --if-empty" in login.json()["detail"]

        _seed(client)
        body = client.get("/health").json()
        assert body["components"]["data"] == {"status": "ok", "users": 13, "products": 20}
        assert body["status"] == "healthy"
        assert client.get("/ready").json() == {"status": "ready"}
        login = client.post("/auth/login", json={"email": "demo@example.com", "password": "demo1234!"})
        assert login.status_code == 200


def test_outside_development_a_failed_login_gives_no_hint(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, APP_ENV="test", JWT_SECRET_KEY=SECRET)
    with TestClient(create_app(settings)) as client:
        login = client.post("/auth/login", json={"email": "demo@example.com", "password": "demo1234!"})
        assert login.status_code == 401
        assert login.json()["detail"] == "이메일 또는 비밀번호가 올바르지 않습니다."
