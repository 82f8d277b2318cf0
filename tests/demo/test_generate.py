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


# -- product options and item claims ---------------------------------------------------------

def test_every_ordered_option_exists_and_stock_is_consistent(tables: dict[str, list[dict]]) -> None:
    from ecommerce_agent.domain.claims import option_combinations

    options = {(o["product_id"], o["option"]): o["stock"] for o in tables["product_options"]}
    products = {p["product_id"]: p for p in tables["products"]}
    assert set(options) == {(pid, text) for pid, p in products.items() for text in option_combinations(p["options"])}
    assert all((i["product_id"], i["option"]) in options for i in tables["order_items"])
    for pid, p in products.items():
        stocks = [s for (q, _), s in options.items() if q == pid]
        assert (p["stock"] == 0) == (max(stocks) == 0), pid
        assert sum(stocks) <= max(p["stock"], len(stocks))
    assert 0.03 < sum(s == 0 for s in options.values()) / len(options) < 0.3  # some options sold out


def test_demo_accounts_can_exchange_what_they_ordered(tables: dict[str, list[dict]]) -> None:
    demo = {o["order_id"] for o in tables["orders"] if o["user_id"] in ("U000001", "U000002")}
    options = {(o["product_id"], o["option"]): o["stock"] for o in tables["product_options"]}
    products = {p["product_id"]: p for p in tables["products"]}
    for item in (i for i in tables["order_items"] if i["order_id"] in demo):
        if products[item["product_id"]]["stock"] > 0:
            assert all(s > 0 for (pid, _), s in options.items() if pid == item["product_id"]), item["title"]


def test_item_statuses_follow_their_orders_and_claim_tickets_name_their_items(tables: dict[str, list[dict]]) -> None:
    from ecommerce_agent.domain.orders import ITEM_STATUS_FOR_ORDER

    orders = {o["order_id"]: o for o in tables["orders"]}
    items: dict[str, list[dict]] = {}
    for i in tables["order_items"]:
        assert i["status"] == ITEM_STATUS_FOR_ORDER[S(orders[i["order_id"]]["status"])].value
        items.setdefault(i["order_id"], []).append(i)
    options = {(o["product_id"], o["option"]): o["stock"] for o in tables["product_options"]}
    claims = [t for t in tables["tickets"] if t["items"]]
    assert claims and all(t["reason"] == t["description"] for t in claims)
    for t in claims:
        assert [x["item_id"] for x in t["items"]] == [f"{i['order_id']}-{i['line_no']}" for i in items[t["order_id"]]]
        if t["replacement_option"]:
            pid = items[t["order_id"]][0]["product_id"]
            assert options[(pid, t["replacement_option"])] > 0
            assert t["replacement_option"] not in {i["option"] for i in items[t["order_id"]]}
    assert any(t["replacement_option"] for t in claims)


def test_options_did_not_shift_the_shop_other_evaluations_were_written_against() -> None:
    """The scenario shop's users, products, orders, items and tickets (their columns
    before per-item claims) digest as they did before options existed."""
    import hashlib
    import json

    columns = {"order_items": ("order_id", "line_no", "product_id", "title", "option", "quantity", "unit_price"),
               "tickets": ("ticket_id", "user_id", "order_id", "issue_type", "status", "priority", "description",
                           "source", "created_at", "updated_at", "resolved_at", "resolution_note")}
    shop = DemoShop(SeedPlan(anchor=ANCHOR, users=20, products=60, orders=300)).tables()
    digest = hashlib.sha256()
    for name in ("users", "products", "orders", "order_items", "tickets"):
        for row in shop[name]:
            kept = {k: str(v) for k, v in row.items() if name not in columns or k in columns[name]}
            digest.update(json.dumps(kept, ensure_ascii=False, sort_keys=True).encode())
    # computed with the generator of the release before product options (commit 797a266)
    assert digest.hexdigest() == "14285265e8e29a440338444d035290a7d9aa8083ca7f5bcc8257e8ccecbf7e09"
