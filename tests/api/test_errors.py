from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from ecommerce_agent.api.app import create_app
from tests.support.app import assert_problem, login
from tests.support.factories import settings_for


def test_unknown_route_and_method(client: TestClient) -> None:
    assert_problem(client.get("/nope"), 404)
    assert_problem(client.delete("/auth/me"), 405)


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/auth/login", content=b"{not json", headers={"Content-Type": "application/json"})
    assert_problem(response, 422, "validation_error")


def test_body_over_the_limit_is_413(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, JWT_SECRET_KEY="k" * 40)
    with TestClient(create_app(settings)) as client:
        big = b'{"email": "' + b"a" * 70_000 + b'"}'
        response = client.post("/auth/login", content=big, headers={"Content-Type": "application/json"})
        assert_problem(response, 413, "body_too_large")

        def chunks():  # noqa: ANN202 - no Content-Length: counted while streaming
            for _ in range(20):
                yield b"x" * 8192

        assert_problem(client.post("/auth/login", content=chunks(),
                                   headers={"Content-Type": "application/json"}), 413)


def test_openapi_docs_are_served(client: TestClient) -> None:
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/auth/login", "/orders/{order_id}/cancel", "/tickets", "/users/{user_id}/orders"} <= set(paths)


def test_cors_allows_only_configured_origins(tmp_path: Path) -> None:
    settings = settings_for(tmp_path, JWT_SECRET_KEY="k" * 40)
    settings = settings.model_copy(update={"api": settings.api.model_copy(
        update={"cors_origins": ["https://shop.example.com"]})})
    with TestClient(create_app(settings)) as client:
        allowed = client.options("/auth/login", headers={"Origin": "https://shop.example.com",
                                                         "Access-Control-Request-Method": "POST"})
        assert allowed.headers["access-control-allow-origin"] == "https://shop.example.com"
        denied = client.options("/auth/login", headers={"Origin": "https://evil.example",
                                                        "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in denied.headers


def test_a_staff_only_action_is_403_for_customers(client: TestClient) -> None:
    assert_problem(client.post("/tickets/TKT-20990101-AAAAAA/resolve", headers=login(client),
                               json={"note": "x"}), 403)
