"""The demo shop: deterministic, big enough, and internally consistent."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest

from ecommerce_agent.demo.generate import DemoShop, SeedPlan
from ecommerce_agent.domain.clock import KST, kst_date
from ecommerce_agent.domain.ids import is_order_id, is_ticket_id
from ecommerce_agent.domain.orders import OrderStatus as S

ANCHOR = datetime(2026, 11, 26, 12, 0, tzinfo=KST)


@pytest.fixture(scope="module")
def tables() -> dict[str, list[dict]]:
    return DemoShop(SeedPlan(anchor=ANCHOR)).tables()


def test_same_plan_gives_the_same_rows(tables: dict[str, list[dict]]) -> None:
    again = DemoShop(SeedPlan(anchor=ANCHOR)).tables()
    assert again == tables
    other = DemoShop(SeedPlan(anchor=ANCHOR, seed=7)).tables()["orders"]
    assert other != tables["orders"]


def test_sizes(tables: dict[str, list[dict]]) -> None:
    assert len(tables["products"]) >= 300
    assert len({p["category"] for p in tables["products"]}) >= 10
    assert len(tables["users"]) >= 200
    assert len(tables["orders"]) >= 3_000
    assert set(Counter(o["status"] for o in tables["orders"])) == {s.value for s in S}
    assert any(p["stock"] == 0 for p in tables["products"])
    assert all(any("가" <= c <= "힣" for c in u["name"]) for u in tables["users"])


def test_demo_accounts_have_the_promised_orders(tables: dict[str, list[dict]]) -> None:
    users = {u["email"]: u for u in tables["users"]}
    assert users["agent@example.com"]["role"] == "agent"
    demo = users["demo@example.com"]["user_id"]
    mine = [o for o in tables["orders"] if o["user_id"] == demo]
    by_status = Counter(o["status"] for o in mine)
    for status in ("pending", "paid", "preparing", "shipped", "cancelled"):
        assert by_status[status] >= 2, status
    assert by_status["delivered"] >= 4
    recent = [o for o in mine if o["status"] == "delivered"
              and ANCHOR - o["delivered_at"] <= timedelta(days=7)]
    assert len(recent) >= 2
    demo2 = users["demo2@example.com"]["user_id"]
    assert len({o["status"] for o in tables["orders"] if o["user_id"] == demo2}) >= 4


def test_dates_and_statuses_are_consistent(tables: dict[str, list[dict]]) -> None:
    items = Counter(i["order_id"] for i in tables["order_items"])
    sums = Counter()
    for i in tables["order_items"]:
        sums[i["order_id"]] += i["quantity"] * i["unit_price"]
    for o in tables["orders"]:
        assert is_order_id(o["order_id"]) and o["order_id"][4:12] == f"{kst_date(o['order_date']):%Y%m%d}"
        assert items[o["order_id"]] >= 1
        assert o["total_amount"] == sums[o["order_id"]] + o["shipping_fee"]
        moments = [o[k] for k in ("order_date", "shipped_at", "delivered_at", "cancelled_at") if o[k]]
        assert max(moments) <= ANCHOR and o["updated_at"] == max(moments)
        shipped = o["status"] not in ("pending", "paid", "preparing", "cancelled")
        assert (o["carrier"] is not None and o["tracking_number"] is not None) == shipped
        assert (o["shipped_at"] is not None) == shipped
        if o["delivered_at"]:
            assert o["order_date"] <= o["shipped_at"] <= o["delivered_at"]
        assert (o["delivered_at"] is not None) == (shipped and o["status"] != "shipped")
        assert (o["cancelled_at"] is not None) == (o["status"] == "cancelled")
        if o["status"] == "pending":
            assert o["payment_method"] == "virtual_account"
            assert ANCHOR - o["order_date"] < timedelta(hours=24)  # auto-cancel after 24 h


def test_ids_are_unique_and_tickets_point_at_their_owners_orders(tables: dict[str, list[dict]]) -> None:
    orders = {o["order_id"]: o for o in tables["orders"]}
    assert len(orders) == len(tables["orders"])
    tickets = tables["tickets"]
    assert len({t["ticket_id"] for t in tickets}) == len(tickets) > 0
    for t in tickets:
        assert is_ticket_id(t["ticket_id"]) and orders[t["order_id"]]["user_id"] == t["user_id"]
        assert (t["resolved_at"] is not None) == (t["status"] == "resolved")


def test_production_plan_has_no_demo_accounts() -> None:
    users = DemoShop(SeedPlan(anchor=ANCHOR, orders=100, with_demo_accounts=False)).users
    assert not [u for u in users if u["email"].startswith(("demo", "agent"))]
