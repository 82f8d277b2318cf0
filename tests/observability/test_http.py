"""Request ids, JSON logs and HTTP/DB metrics, through the real app."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.observability.metrics import METRICS
from tests.support.app import login
from tests.support.server import ROOT, gunicorn, live_server


def _metric(text: str, name: str, **labels: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{k}="{v}"' in line for k, v in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_request_id_is_echoed_or_generated(client: TestClient) -> None:
    assert client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz", headers={"X-Request-ID": "bad id\n"}).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)


def test_metrics_use_route_templates_and_count_db_queries(client: TestClient) -> None:
    headers = login(client)
    order_id = client.get("/users/me/orders", headers=headers).json()["orders"][0]["order_id"]
    labels = {"endpoint": "/orders/{order_id}", "method": "GET", "status": "200"}
    before = _metric(client.get("/metrics").text, "http_requests_total", **labels)
    for _ in range(3):
        client.get(f"/orders/{order_id}", headers=headers)
    client.get("/no/such/path")
    text = client.get("/metrics").text
    assert _metric(text, "http_requests_total", **labels) - before == 3
    assert order_id not in text and "/no/such/path" not in text
    assert _metric(text, "http_requests_total", endpoint="unmatched") >= 1
    assert _metric(text, "db_queries_total", table="orders", operation="select") >= 3
    assert _metric(text, "db_query_duration_seconds_count", table="orders") >= 3
    assert _metric(text, "active_users") >= 1
    # the registry is per process: other tests' apps (other backends, envs) add their own label sets
    assert _metric(text, "app_info", backend="sqlite", env="development") == 1
    assert "http_request_duration_seconds_bucket" in text


def test_promtool_accepts_the_metrics(client: TestClient) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        if __import__("os").environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("promtool is required in CI (apt-get install prometheus)")
        pytest.skip("promtool not installed (apt-get install -y prometheus)")
    client.get("/users/me/orders", headers=login(client))
    result = subprocess.run([promtool, "check", "metrics"], input=client.get("/metrics").text,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_json_logs_carry_request_and_user_ids_and_no_secrets(client: TestClient, settings) -> None:  # noqa: ANN001
    response = client.post("/auth/login", json={"email": "demo@example.com", "password": "demo1234!"})
    token = response.json()["access_token"]
    client.get("/users/me/orders", headers={"Authorization": f"Bearer {token}", "X-Request-ID": "req-42"})
    client.post("/auth/login", json={"email": "demo@example.com", "password": "wrong-password-9"})
    lines = [json.loads(line) for line in Path("log/app.log").read_text(encoding="utf-8").splitlines()]
    assert all({"timestamp", "level", "message", "request_id", "user_id"} <= set(entry) for entry in lines)
    mine = [e for e in lines if e["request_id"] == "req-42"]
    assert mine and mine[-1]["user_id"] == "U000001" and mine[-1]["endpoint"] == "/users/{user_id}/orders"
    raw = Path("log/app.log").read_text(encoding="utf-8")
    for secret in ("demo1234!", "wrong-password-9", token, token.split(".")[2]):
        assert secret not in raw


def test_metrics_are_exact_across_three_gunicorn_workers(template_db: Path, tmp_path: Path) -> None:
    shutil.copy(template_db, tmp_path / "shop.db")
    env = {"SQLITE_DATABASE": str(tmp_path / "shop.db"), "JWT_SECRET_KEY": "m" * 40,
           "PROMETHEUS_MULTIPROC_DIR": ""}
    with live_server(gunicorn("--workers", "3", "-c", str(ROOT / "gunicorn.conf.py")), env) as base:
        n = 60
        for _ in range(n):
            with httpx2.Client() as client:  # new connections: spread over the workers
                assert client.get(f"{base}/healthz").status_code == 200
        text = httpx2.get(f"{base}/metrics").text
        served = _metric(text, "http_requests_total", endpoint="/healthz", status="200")
        # the readiness poll of live_server also hit /healthz: count only what we sent on top
        assert n <= served <= n + 200 and float(served).is_integer()
        before = served
        for _ in range(n):
            with httpx2.Client() as client:
                client.get(f"{base}/healthz")
        after = _metric(httpx2.get(f"{base}/metrics").text, "http_requests_total", endpoint="/healthz",
                        status="200")
        assert after - before == n


def test_every_metric_of_the_guide_is_defined() -> None:
    names = {m._name for m in METRICS}
    guide = {"http_requests", "http_request_duration_seconds", "agent_requests", "agent_errors",
             "llm_requests", "llm_latency_seconds", "llm_tokens_used", "db_queries"}
    assert guide <= names


def test_chat_turns_are_counted_by_intent(client: TestClient) -> None:
    headers = login(client)
    labels = {"intent": "order.list"}
    before = client.get("/metrics").text
    for message in ("최근 주문 보여주세요", "내 주문 목록 좀 볼게요"):
        assert client.post("/chat", headers=headers, json={"message": message}).json()["intent"] == "order.list"
    text = client.get("/metrics").text
    assert _metric(text, "agent_requests_total", **labels) - _metric(before, "agent_requests_total", **labels) == 2
    assert (_metric(text, "agent_response_seconds_count", **labels)
            - _metric(before, "agent_response_seconds_count", **labels)) == 2
    assert _metric(text, "http_requests_total", endpoint="/chat", status="200") >= 2
