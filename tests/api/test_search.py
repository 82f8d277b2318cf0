from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.app import assert_problem, login


def test_policy_search_is_public_and_cites_documents(client: TestClient) -> None:
    response = client.get("/policies/search", params={"q": "반품 배송비는 누가 내요?", "top_k": 3})
    assert response.status_code == 200
    body = response.json()
    assert body["query"] == "반품 배송비는 누가 내요?" and body["mode"] in ("hybrid", "keyword")
    assert 1 <= len(body["results"]) <= 3
    first = body["results"][0]
    assert {"chunk_id", "doc_id", "title", "text", "snippet", "score", "metadata"} <= set(first)
    assert "return" in first["doc_id"] or "반품" in first["title"]


def test_product_search_understands_price_limits(client: TestClient) -> None:
    body = client.get("/products/search", params={"q": "3만원 이하 이어폰", "top_k": 10}).json()
    assert all(r["metadata"]["price"] <= 30_000 for r in body["results"])
    capped = client.get("/products/search", params={"q": "운동화", "max_price": 50_000}).json()
    assert all(r["metadata"]["price"] <= 50_000 for r in capped["results"])


def test_search_validation(client: TestClient) -> None:
    assert_problem(client.get("/policies/search", params={"q": ""}), 422)
    assert_problem(client.get("/policies/search", params={"q": "환불", "top_k": 0}), 422)


def test_reload_is_staff_only(client: TestClient) -> None:
    assert_problem(client.post("/admin/reload-index", headers=login(client)), 403)
    response = client.post("/admin/reload-index", headers=login(client, "agent@example.com"))
    assert response.status_code == 200 and response.json()["reloaded"] is False
    assert response.json()["index"]["status"] == "ok"
