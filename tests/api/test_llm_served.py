"""The served app with an OpenAI-compatible LLM configured (a real fake server on a
socket): `/health` reports it and `/metrics` counts its calls and tokens."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.api.app import create_app
from ecommerce_agent.config import Settings
from tests.agent.llm.fake_server import MODEL, FakeOpenAI, error, fake  # noqa: F401 (fixture)
from tests.agent.llm.test_agent_with_llm import llm_answers
from tests.observability.test_http import _metric
from tests.support.app import login


def _app(settings: Settings, fake: FakeOpenAI, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("LLM_BASE_URL", fake.base_url)
    monkeypatch.setenv("LLM_MODEL", MODEL)
    return TestClient(create_app(settings))


def test_health_reports_the_llm_disabled_without_configuration(client: TestClient) -> None:
    llm = client.get("/health").json()["components"]["llm"]
    assert llm["status"] == "disabled" and {"provider", "model"} <= set(llm)
    assert client.get("/health").json()["status"] == "healthy"


def test_llm_calls_of_a_chat_turn_are_in_the_metrics(settings: Settings, fake: FakeOpenAI,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    fake.always(llm_answers())
    with _app(settings, fake, monkeypatch) as client:
        assert client.get("/health").json()["components"]["llm"] == {
            "status": "ok", "provider": "openai", "model": MODEL, "circuit": "closed"}
        before = client.get("/metrics").text
        turn = client.post("/chat", headers=login(client), json={"message": "최근 주문 보여주세요"}).json()
        assert turn["reply"].startswith("고객님, ")  # phrased by the LLM, facts kept
        text = client.get("/metrics").text
        labels = {"provider": "openai", "model": MODEL}
        assert _metric(text, "llm_requests_total", status="ok", **labels) > _metric(
            before, "llm_requests_total", status="ok", **labels)
        assert _metric(text, "llm_tokens_used_total", type="completion", **labels) > _metric(
            before, "llm_tokens_used_total", type="completion", **labels)
        assert _metric(text, "llm_latency_seconds_count", **labels) > 0


def test_a_failing_llm_leaves_chat_working_and_health_degraded(settings: Settings, fake: FakeOpenAI,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    fake.always(error(500))
    with _app(settings, fake, monkeypatch) as client:
        headers = login(client)
        for _ in range(6):  # past the breaker's threshold
            response = client.post("/chat", headers=headers, json={"message": "최근 주문 보여주세요"})
            assert response.status_code == 200 and response.json()["reply"].startswith("최근 주문")
        health = client.get("/health").json()
        assert health["components"]["llm"]["status"] == "unreachable" and health["status"] == "degraded"
        assert _metric(client.get("/metrics").text, "llm_requests_total", status="circuit_open") >= 1
