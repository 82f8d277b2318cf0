"""Cancellations and claims per item through the API: partial cancellation with the
new amount, one item returned with its reason, one item exchanged for another
option; validation names the item; owner scoping and idempotency as elsewhere.

Expected amounts follow the policy documents (30,000원 free-shipping threshold,
3,000원 base fee; change-of-mind return 6,000원 on a free-shipping order, exchange
6,000원 round trip), computed here from the orders' own numbers.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.config import Settings
from ecommerce_agent.domain.clock import utcnow
from ecommerce_agent.storage import open_sqlite
from tests.support.app import assert_problem, login

THRESHOLD, BASE_FEE, RETURN_FREE, EXCHANGE_ROUND_TRIP = 30_000, 3_000, 6_000, 6_000


def _make_order(settings: Settings, oid: str, status: str, lines: list[tuple[int, int]], *,
                user_id: str = "U000001", delivered_days_ago: float | None = None) -> dict:
    """An order of the demo customer with (price, quantity) lines of two products that
    have several options in stock. Returns {order_id, items: [product rows]}."""
    repo = open_sqlite(settings.storage.sqlite.database)
    try:
        products = [p for p in repo.iter_products()
                    if sum(o.in_stock for o in repo.list_product_options(p.product_id)) >= 3][:len(lines)]
        now = utcnow()
        delivered = now - timedelta(days=delivered_days_ago) if delivered_days_ago is not None else None
        items = []
        for n, ((price, qty), product) in enumerate(zip(lines, products, strict=True), 1):
            option = repo.list_product_options(product.product_id)[0].option
            items.append({"order_id": oid, "line_no": n, "product_id": product.product_id, "title": product.title,
                          "option": option, "quantity": qty, "unit_price": price, "status": "ordered"})
        subtotal = sum(p * q for p, q in lines)
        fee = 0 if subtotal >= THRESHOLD else BASE_FEE
        repo.load_tables({"orders": [{
            "order_id": oid, "user_id": user_id, "status": status, "order_date": now - timedelta(days=5),
            "total_amount": subtotal + fee, "shipping_fee": fee, "payment_method": "card",
            "shipping_address": "서울특별시 강남구 테헤란로 1",
            "carrier": "CJ대한통운" if delivered else None, "tracking_number": "123456789012" if delivered else None,
            "shipped_at": delivered - timedelta(days=1) if delivered else None, "delivered_at": delivered,
            "updated_at": now - timedelta(days=1)}], "order_items": items})
        return {"order_id": oid, "items": items, "total": subtotal + fee}
    finally:
        repo.close()


def test_cancel_one_item_of_a_paid_order_keeps_it_paid_with_the_new_amount(client: TestClient,
                                                                           settings: Settings) -> None:
    order = _make_order(settings, "ORD-20261101-9001", "paid", [(40_000, 1), (12_000, 2)])
    headers = login(client)
    second = f"{order['order_id']}-2"
    response = client.post(f"/orders/{order['order_id']}/cancel", headers=headers,
                           json={"reason": "필요 없어졌어요 010-1234-5678", "items": [{"item_id": second.lower()}]})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "paid" and body["status_label"] == "결제완료(일부 취소)"
    assert body["total_amount"] == 40_000  # still free shipping: 40,000 >= 30,000
    assert [(i["item_id"], i["status"]) for i in body["items"]] == [
        (f"{order['order_id']}-1", "ordered"), (second, "cancelled")]
    assert body["items"][1]["reason"] == "필요 없어졌어요 [전화번호]"  # masked before storage
    estimate = body["refund_estimate"]
    assert (estimate["refund_amount"], estimate["shipping_fee_added"], estimate["new_total_amount"]) == (
        24_000, 0, 40_000)
    assert "24,000원" in estimate["description"]
    stored = client.get(f"/orders/{order['order_id']}", headers=headers).json()
    assert stored["items"] == body["items"] and stored["refund_estimate"] is None


def test_partial_cancel_below_the_threshold_deducts_the_shipping_fee(client: TestClient, settings: Settings) -> None:
    order = _make_order(settings, "ORD-20261101-9002", "preparing", [(20_000, 1), (15_000, 1)])
    response = client.post(f"/orders/{order['order_id']}/cancel", headers=login(client),
                           json={"items": [{"item_id": f"{order['order_id']}-2"}]})
    body = response.json()
    remaining = 20_000
    added = BASE_FEE if remaining < THRESHOLD else 0
    assert body["refund_estimate"]["refund_amount"] == 15_000 - added
    assert body["total_amount"] == remaining + added and body["shipping_fee"] == added
    assert body["status"] == "preparing"


def test_cancel_validation_names_the_item(client: TestClient, settings: Settings) -> None:
    order = _make_order(settings, "ORD-20261101-9003", "paid", [(40_000, 2), (12_000, 1)])
    headers = login(client)
    url = f"/orders/{order['order_id']}/cancel"
    unknown = assert_problem(client.post(url, headers=headers, json={"items": [{"item_id": "ORD-20261101-9003-7"}]}),
                             422, "unknown_item")
    assert "ORD-20261101-9003-7" in unknown["detail"]
    too_many = assert_problem(client.post(url, headers=headers, json={
        "items": [{"item_id": f"{order['order_id']}-1", "quantity": 3}]}), 422, "invalid_quantity")
    assert order["items"][0]["title"] in too_many["detail"] and "2개" in too_many["detail"]
    assert_problem(client.post(url, headers=headers, json={"items": []}), 422)
    assert_problem(client.post(url, headers=headers, json={"items": [{"item_id": "x", "quantity": 0}]}), 422)
    assert client.get(f"/orders/{order['order_id']}", headers=headers).json()["total_amount"] == order["total"]


def test_partial_cancel_is_idempotent_and_then_refused_per_item(client: TestClient, settings: Settings) -> None:
    order = _make_order(settings, "ORD-20261101-9004", "paid", [(40_000, 1), (12_000, 1)])
    headers = {**login(client), "Idempotency-Key": "partial-1"}
    body = {"items": [{"item_id": f"{order['order_id']}-2"}]}
    first = client.post(f"/orders/{order['order_id']}/cancel", headers=headers, json=body)
    again = client.post(f"/orders/{order['order_id']}/cancel", headers=headers, json=body)
    assert first.status_code == again.status_code == 200 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    fresh = client.post(f"/orders/{order['order_id']}/cancel", headers=login(client), json=body)
    assert "이미 취소된 상품" in assert_problem(fresh, 409, "item_cancelled")["detail"]


def test_return_one_item_of_a_delivered_order_with_its_reason(client: TestClient, settings: Settings) -> None:
    order = _make_order(settings, "ORD-20261101-9005", "delivered", [(40_000, 1), (12_000, 3)], delivered_days_ago=2)
    headers = login(client)
    response = client.post("/tickets", headers=headers, json={
        "order_id": order["order_id"], "issue_type": "refund", "description": "하나만 반품할게요",
        "reason": "생각보다 커요", "items": [{"item_id": f"{order['order_id']}-2", "quantity": 1}]})
    assert response.status_code == 201, response.text
    ticket = response.json()
    assert ticket["reason"] == "생각보다 커요" and ticket["status"] == "open"
    split = f"{order['order_id']}-3"  # one of the three units now has a line of its own
    assert ticket["items"] == [{"item_id": split, "title": order["items"][1]["title"],
                                "option": order["items"][1]["option"], "quantity": 1}]
    estimate = ticket["refund_estimate"]
    assert (estimate["refund_amount"], estimate["return_shipping_fee"]) == (12_000 - RETURN_FREE, RETURN_FREE)
    assert client.get(f"/tickets/{ticket['ticket_id']}", headers=headers).json() == ticket
    stored = client.get(f"/orders/{order['order_id']}", headers=headers).json()
    assert stored["status"] == "delivered" and stored["status_label"] == "배송완료(일부 반품 접수)"
    assert [(i["item_id"], i["quantity"], i["status"]) for i in stored["items"]] == [
        (f"{order['order_id']}-1", 1, "ordered"), (f"{order['order_id']}-2", 2, "ordered"), (split, 1, "return_requested")]


def test_exchange_one_item_for_another_option(client: TestClient, settings: Settings) -> None:
    order = _make_order(settings, "ORD-20261101-9006", "delivered", [(40_000, 1), (12_000, 1)], delivered_days_ago=2)
    headers = login(client)
    item_id = f"{order['order_id']}-1"
    listed = client.get(f"/orders/{order['order_id']}/items/{item_id}/options", headers=headers).json()
    assert listed["current_option"] == order["items"][0]["option"]
    assert [o["current"] for o in listed["options"]].count(True) == 1
    wanted = next(o["option"] for o in listed["options"] if o["in_stock"] and not o["current"])
    missing = assert_problem(client.post("/tickets", headers=headers, json={
        "order_id": order["order_id"], "issue_type": "exchange", "description": "교환",
        "items": [{"item_id": item_id}]}), 422, "invalid_claim")
    assert "replacement_option" in missing["detail"]
    other = assert_problem(client.post("/tickets", headers=headers, json={
        "order_id": order["order_id"], "issue_type": "exchange", "description": "교환",
        "items": [{"item_id": item_id}], "replacement_option": "다른 상품"}), 422, "unknown_option")
    assert order["items"][0]["title"] in other["detail"] and "반품 후 새로 주문" in other["detail"]
    estimate = client.post(f"/orders/{order['order_id']}/refund-estimate", headers=headers, json={
        "action": "exchange", "items": [{"item_id": item_id}], "replacement_option": wanted}).json()
    assert estimate["extra_payment"] == EXCHANGE_ROUND_TRIP and estimate["refund_amount"] == 0
    created = client.post("/tickets", headers=headers, json={
        "order_id": order["order_id"], "issue_type": "exchange", "description": "색상 교환 부탁드려요",
        "reason": "색이 어두워요", "items": [{"item_id": item_id}], "replacement_option": wanted})
    assert created.status_code == 201, created.text
    ticket = created.json()
    assert ticket["replacement_option"] == wanted and [i["item_id"] for i in ticket["items"]] == [item_id]
    assert ticket["refund_estimate"]["extra_payment"] == EXCHANGE_ROUND_TRIP
    items = client.get(f"/orders/{order['order_id']}", headers=headers).json()["items"]
    assert [i["status"] for i in items] == ["exchange_requested", "ordered"]
    again = client.post("/tickets", headers=headers, json={
        "order_id": order["order_id"], "issue_type": "refund", "description": "반품",
        "items": [{"item_id": item_id}]})
    assert_problem(again, 409, "item_exchange_requested")


def test_refund_estimate_changes_nothing(client: TestClient, settings: Settings) -> None:
    order = _make_order(settings, "ORD-20261101-9007", "paid", [(20_000, 1), (15_000, 1)])
    headers = login(client)
    estimate = client.post(f"/orders/{order['order_id']}/refund-estimate", headers=headers, json={
        "action": "cancel", "items": [{"item_id": f"{order['order_id']}-2"}]})
    assert estimate.status_code == 200, estimate.text
    assert estimate.json()["refund_amount"] == 15_000 - BASE_FEE
    after = client.get(f"/orders/{order['order_id']}", headers=headers).json()
    assert after["total_amount"] == order["total"] and {i["status"] for i in after["items"]} == {"ordered"}
    assert_problem(client.post(f"/orders/{order['order_id']}/refund-estimate", headers=headers,
                               json={"action": "return"}), 409, "not_shipped_yet")


@pytest.mark.parametrize("kind", ["cancel", "ticket", "options", "estimate"])
def test_another_users_order_items_are_404(client: TestClient, settings: Settings, kind: str) -> None:
    order = _make_order(settings, "ORD-20261101-9008", "delivered", [(40_000, 1)], user_id="U000002",
                        delivered_days_ago=2)
    headers, item = login(client), f"{order['order_id']}-1"
    response = {
        "cancel": lambda: client.post(f"/orders/{order['order_id']}/cancel", headers=headers,
                                      json={"items": [{"item_id": item}]}),
        "ticket": lambda: client.post("/tickets", headers=headers, json={
            "order_id": order["order_id"], "issue_type": "refund", "description": "x", "items": [{"item_id": item}]}),
        "options": lambda: client.get(f"/orders/{order['order_id']}/items/{item}/options", headers=headers),
        "estimate": lambda: client.post(f"/orders/{order['order_id']}/refund-estimate", headers=headers,
                                        json={"action": "return"}),
    }[kind]()
    assert_problem(response, 404)
    theirs = client.get(f"/orders/{order['order_id']}", headers=login(client, "demo2@example.com")).json()
    assert theirs["status"] == "delivered" and theirs["items"][0]["status"] == "ordered"
