from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.storage import open_sqlite
from tests.support.app import assert_problem, login

ORDER_KEYS = {"order_id", "user_id", "status", "status_label", "order_date", "total_amount", "shipping_fee",
              "payment_method", "shipping_address", "items", "tracking", "delivered_at", "cancelled_at"}


def _orders(client: TestClient, headers: dict[str, str], **params: str) -> list[dict]:
    response = client.get("/users/me/orders", headers=headers, params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    return response.json()["orders"]


def _first(client: TestClient, headers: dict[str, str], status: str) -> dict:
    return _orders(client, headers, status=status)[0]


def test_list_own_orders_newest_first_with_the_documented_shape(client: TestClient) -> None:
    headers = login(client)
    orders = _orders(client, headers)
    assert len(orders) >= 14 and ORDER_KEYS <= set(orders[0])
    assert [o["order_date"] for o in orders] == sorted((o["order_date"] for o in orders), reverse=True)
    assert {o["user_id"] for o in orders} == {"U000001"}
    shipped = _first(client, headers, "shipped")
    assert shipped["status_label"] == "배송중" and shipped["tracking"]["tracking_number"]
    assert set(shipped["items"][0]) == {"item_id", "product_id", "title", "option", "quantity", "unit_price",
                                        "status", "status_label", "reason"}
    assert shipped["items"][0]["status"] == "ordered" and shipped["items"][0]["status_label"] == "배송중"
    assert _first(client, headers, "paid")["tracking"] is None
    by_id = client.get("/users/U000001/orders", headers=headers, params={"limit": 2}).json()
    assert by_id["count"] == 2


def test_another_users_orders_are_404_everywhere(client: TestClient) -> None:
    mine, theirs = login(client), login(client, "demo2@example.com")
    other_order = _first(client, theirs, "paid")["order_id"]  # cancellable by its owner
    missing = client.get("/orders/ORD-20990101-0001", headers=mine)
    for response in (client.get(f"/orders/{other_order}", headers=mine),
                     client.get(f"/orders/{other_order}/status", headers=mine),
                     client.post(f"/orders/{other_order}/cancel", headers=mine, json={"reason": "x"}),
                     client.get("/users/U000002/orders", headers=mine),
                     client.get("/users/U000002/tickets", headers=mine)):
        body = assert_problem(response, 404)
        assert "찾을 수 없습니다" in body["detail"] and body["code"] == missing.json()["code"]
    assert_problem(missing, 404)
    assert client.get(f"/orders/{other_order}", headers=theirs).json()["status"] == "paid"  # untouched


def test_staff_see_every_users_orders(client: TestClient) -> None:
    staff = login(client, "agent@example.com")
    orders = client.get("/users/U000002/orders", headers=staff).json()["orders"]
    assert orders and {o["user_id"] for o in orders} == {"U000002"}
    assert client.get(f"/orders/{orders[0]['order_id']}", headers=staff).status_code == 200
    assert_problem(client.get("/users/U999999/orders", headers=staff), 404)


def test_status_endpoint(client: TestClient) -> None:
    headers = login(client)
    paid = _first(client, headers, "paid")
    status = client.get(f"/orders/{paid['order_id'].lower()}/status", headers=headers).json()
    assert status["status"] == "paid" and status["status_label"] == "결제완료"
    assert status["allowed_actions"] == ["cancel", "change_address"]


def test_cancel_paid_order(client: TestClient, settings) -> None:  # noqa: ANN001
    headers = login(client)
    paid = _first(client, headers, "paid")
    response = client.post(f"/orders/{paid['order_id']}/cancel", headers=headers, json={"reason": "단순 변심"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "cancelled" and body["status_label"] == "주문취소" and body["cancelled_at"]
    repo = open_sqlite(settings.storage.sqlite.database)
    assert repo.get_order(paid["order_id"]).cancel_reason == "단순 변심"
    repo.close()


@pytest.mark.parametrize(("status", "code", "phrase"), [
    ("shipped", "already_shipped", "배송 완료 후 반품 신청이 가능합니다"),
    ("delivered", "already_delivered", "반품 신청이 가능합니다"),
    ("cancelled", "already_cancelled", "이미 취소된"),
])
def test_cancel_refused_by_status_is_409_with_the_korean_reason(client: TestClient, status: str, code: str,
                                                                phrase: str) -> None:
    headers = login(client)
    order = _first(client, headers, status)
    body = assert_problem(client.post(f"/orders/{order['order_id']}/cancel", headers=headers,
                                      json={"reason": "x"}), 409, code)
    assert phrase in body["detail"]
    assert client.get(f"/orders/{order['order_id']}", headers=headers).json()["status"] == status


def test_same_idempotency_key_cancels_once_and_replays(client: TestClient) -> None:
    headers = login(client)
    paid = _first(client, headers, "paid")
    keyed = {**headers, "Idempotency-Key": "cancel-123"}
    first = client.post(f"/orders/{paid['order_id']}/cancel", headers=keyed, json={"reason": "변심"})
    second = client.post(f"/orders/{paid['order_id']}/cancel", headers=keyed, json={"reason": "변심"})
    assert first.status_code == second.status_code == 200
    assert second.json() == first.json() and second.headers["idempotent-replayed"] == "true"
    without_key = client.post(f"/orders/{paid['order_id']}/cancel", headers=headers, json={"reason": "변심"})
    assert_problem(without_key, 409, "already_cancelled")  # proves the retry did not run again
    reused = client.post(f"/orders/{paid['order_id']}/cancel", headers=keyed, json={"reason": "다른 본문"})
    assert_problem(reused, 422, "idempotency_key_reused")


def test_idempotency_keys_are_per_user(client: TestClient) -> None:
    mine, theirs = login(client), login(client, "demo2@example.com")
    a, b = _first(client, mine, "paid"), _first(client, theirs, "paid")
    key = {"Idempotency-Key": "same-key"}
    assert client.post(f"/orders/{a['order_id']}/cancel", headers={**mine, **key}, json={}).status_code == 200
    assert client.post(f"/orders/{b['order_id']}/cancel", headers={**theirs, **key}, json={}).status_code == 200


def test_list_filters_validate(client: TestClient) -> None:
    headers = login(client)
    assert_problem(client.get("/users/me/orders", headers=headers, params={"status": "lost"}), 422)
    assert_problem(client.get("/users/me/orders", headers=headers, params={"limit": 0}), 422)
    assert_problem(client.get("/users/me/orders", headers=headers, params={"limit": 101}), 422)
