"""Generate a deterministic Korean demo shop.

The same ``SeedPlan`` (seed, sizes and anchor time) always produces the same
rows. Orders are generated day by day from a per-day random stream and loaded
as (table, rows) batches, so even 1,000,000 orders need constant memory.
Dates are consistent with statuses: shipped orders have a carrier and tracking
number, delivered ones a delivery time, nothing lies in the future.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from typing import Any

from ..domain.claims import option_combinations
from ..domain.clock import KST, kst_date
from ..domain.ids import MAX_ORDERS_PER_DAY, TICKET_ALPHABET, new_ticket_id, order_id
from ..domain.orders import AUTO_CANCEL_REASON, ITEM_STATUS_FOR_ORDER, OrderStatus as S, PaymentMethod as P, item_id_for
from ..domain.tickets import IssueType, Priority, TicketSource, TicketStatus
from ..domain.users import Role
from .catalog import ADJECTIVES, BRANDS, CATEGORIES, FEATURES
from .people import APARTMENTS, CARRIERS, CITIES, GIVEN, SURNAMES

Row = dict[str, Any]
FREE_SHIPPING_FROM = 30_000
BASE_SHIPPING_FEE = 3_000
JEJU_EXTRA, REMOTE_EXTRA = 3_000, 5_000


@dataclass(frozen=True, slots=True)
class DemoAccount:
    user_id: str
    email: str
    password: str
    name: str
    role: Role


# Demo-only accounts (documented in the README); never created in production.
DEMO_ACCOUNTS = (
    DemoAccount("U000001", "demo@example.com", "demo1234!", "김데모", Role.CUSTOMER),
    DemoAccount("U000002", "demo2@example.com", "demo1234!", "이데모", Role.CUSTOMER),
    DemoAccount("U000003", "agent@example.com", "agent1234!", "박상담", Role.AGENT),
)

# Fixed orders of the demo customers: (status, days before the anchor the order was
# placed, days from order to delivery or None). They cover every status and both
# claim windows (7 days, 3 months), so the demo and the tests can rely on them.
_DEMO_ORDERS: dict[str, tuple[tuple[S, float, float | None], ...]] = {
    "U000001": (
        (S.PENDING, 0.1, None), (S.PENDING, 0.4, None),
        (S.PAID, 0.2, None), (S.PAID, 1.2, None),
        (S.PREPARING, 1.1, None), (S.PREPARING, 2.1, None),
        (S.SHIPPED, 2.2, None), (S.SHIPPED, 3.1, None),
        (S.DELIVERED, 4.1, 2), (S.DELIVERED, 7.2, 2),     # delivered within the last 7 days
        (S.DELIVERED, 23.0, 3), (S.DELIVERED, 125.0, 2),  # past 7 days; past 3 months
        (S.CANCELLED, 10.3, None), (S.CANCELLED, 31.0, None),
        (S.RETURN_REQUESTED, 12.0, 2), (S.RETURNED, 60.0, 2), (S.EXCHANGE_REQUESTED, 14.0, 3),
    ),
    "U000002": (
        (S.PENDING, 0.3, None), (S.PAID, 0.6, None), (S.PREPARING, 1.5, None),
        (S.SHIPPED, 2.5, None), (S.DELIVERED, 5.0, 2), (S.DELIVERED, 40.0, 2),
        (S.CANCELLED, 20.0, None),
    ),
}


@dataclass(frozen=True)
class SeedPlan:
    anchor: datetime  # "now" of the generated shop; everything happens before it
    seed: int = 42
    users: int = 200
    products: int = 300
    orders: int = 3_000
    with_demo_accounts: bool = True
    demo_password_hashes: dict[str, str] = field(default_factory=dict)  # email -> hash

    def __post_init__(self) -> None:
        if self.anchor.tzinfo is None:
            raise ValueError("anchor must be timezone-aware")
        if self.users < 10 or self.products < 20 or self.orders < 0:
            raise ValueError("need at least 10 users and 20 products")


class DemoShop:
    def __init__(self, plan: SeedPlan) -> None:
        self.plan = plan
        self.anchor = plan.anchor
        days = max(365, -(-plan.orders // (MAX_ORDERS_PER_DAY - 100)))  # leave room per day
        self.first_day = kst_date(self.anchor) - timedelta(days=days - 1)
        self.days = days

    # -- users and products -----------------------------------------------------

    def batches(self) -> Iterator[tuple[str, list[Row]]]:
        """(table, rows) batches, parents first: users, products, then each day's
        orders, items and tickets (each day generated once: constant memory)."""
        yield "users", self.users
        yield "products", self.products
        yield "product_options", self.product_options
        for day in range(self.days):
            rows = self._day(day)
            for table in ("orders", "order_items", "tickets"):
                yield table, rows[table]

    def tables(self) -> dict[str, list[Row]]:
        """Every table as a list (small plans only: tests and examples)."""
        collected: dict[str, list[Row]] = {}
        for table, rows in self.batches():
            collected.setdefault(table, []).extend(rows)
        return collected

    @cached_property
    def users(self) -> list[Row]:
        rng = random.Random(f"{self.plan.seed}:users")
        rows: list[Row] = []
        created = self.anchor - timedelta(days=self.days + 30)
        if self.plan.with_demo_accounts:
            for acc in DEMO_ACCOUNTS:
                rows.append({"user_id": acc.user_id, "email": acc.email, "name": acc.name,
                             "role": acc.role.value,
                             "password_hash": self.plan.demo_password_hashes.get(acc.email),
                             "phone": _phone(rng), "address": _address(rng, home=True),
                             "created_at": created})
        start = len(DEMO_ACCOUNTS) + 1
        for n in range(start, start + self.plan.users):
            rows.append({"user_id": f"U{n:06d}", "email": f"user{n:06d}@example.com",
                         "name": rng.choice(SURNAMES) + rng.choice(GIVEN), "role": Role.CUSTOMER.value,
                         "password_hash": None,  # generated customers cannot log in
                         "phone": _phone(rng), "address": _address(rng),
                         "created_at": created + timedelta(minutes=rng.randrange(60 * 24 * 30))})
        return rows

    @cached_property
    def customer_ids(self) -> list[str]:
        demo = {a.user_id for a in DEMO_ACCOUNTS}
        return [u["user_id"] for u in self.users if u["user_id"] not in demo]

    @cached_property
    def addresses(self) -> dict[str, str]:
        return {u["user_id"]: u["address"] for u in self.users}

    @cached_property
    def products(self) -> list[Row]:
        rng = random.Random(f"{self.plan.seed}:products")
        rows, titles = [], set()
        names = list(CATEGORIES)
        created = self.anchor - timedelta(days=self.days + 60)
        for n in range(1, self.plan.products + 1):
            category = names[(n - 1) % len(names)]
            nouns, (low, high), option_sets = CATEGORIES[category]
            title = f"{rng.choice(BRANDS)} {rng.choice(ADJECTIVES)} {rng.choice(nouns)}"
            while title in titles:
                title = f"{title} {rng.randint(2, 9)}"
            titles.add(title)
            price = max(1_000, round(rng.uniform(low, high), -2) - 100)  # prices like 29,900원
            options = {k: sorted(rng.sample(v, k=max(1, len(v) - rng.randrange(2))), key=v.index)
                       for k, v in option_sets.items()}
            rows.append({
                "product_id": f"P{n:05d}", "title": title, "category": category, "price": int(price),
                "stock": 0 if rng.random() < 0.08 else rng.randint(1, 500), "options": options,
                "description": f"{title}. {category} 카테고리의 인기 상품으로, {rng.choice(FEATURES)}",
                "created_at": created + timedelta(days=rng.randrange(60))})
        return rows

    @cached_property
    def product_options(self) -> list[Row]:
        """Every option combination of every product with its stock, from a random
        stream of its own (adding options shifts nothing else). A product out of
        stock has every option at 0; otherwise its stock is split over the options
        and about one in eight is sold out, except for the products in the demo
        accounts' orders, whose options are all in stock (the conversations built
        on the demo shop exchange them)."""
        rng = random.Random(f"{self.plan.seed}:product_options")
        keep = self._demo_products
        rows: list[Row] = []
        for product in self.products:
            combos = option_combinations(product["options"])
            stock = product["stock"]
            sold_out = [stock == 0 or (product["product_id"] not in keep and rng.random() < 0.12)
                        for _ in combos]
            if stock > 0 and all(sold_out):
                sold_out[0] = False
            weights = [0.0 if out else rng.uniform(0.2, 1.0) for out in sold_out]
            total = sum(weights) or 1.0
            for text, weight in zip(combos, weights, strict=True):
                share = int(stock * weight / total)
                rows.append({"product_id": product["product_id"], "option": text,
                             "stock": max(share, 1) if weight else 0})
        return rows

    @cached_property
    def _demo_products(self) -> set[str]:
        """Products ordered by the demo accounts (their days generated once more: cheap)."""
        found: set[str] = set()
        demo = {a.user_id for a in DEMO_ACCOUNTS}
        by_order = {}
        for day in self._demo_by_day:
            rows = self._day(day, claims=False)
            by_order.update({o["order_id"]: o["user_id"] for o in rows["orders"]})
            found.update(i["product_id"] for i in rows["order_items"] if by_order[i["order_id"]] in demo)
        return found

    @cached_property
    def _options_by_product(self) -> dict[str, list[Row]]:
        found: dict[str, list[Row]] = {}
        for row in self.product_options:
            found.setdefault(row["product_id"], []).append(row)
        return found

    def _claim_details(self, ticket: Row, items: list[Row]) -> None:
        """A claim ticket covers every item of its order, with the description as its
        reason; an exchange of one product names its first other option in stock.
        No random draws (the day's stream stays as it was)."""
        claim = ticket["issue_type"] in (IssueType.REFUND.value, IssueType.EXCHANGE.value) and ticket["source"] == \
            TicketSource.CHAT.value and any(i["status"] != "ordered" for i in items)
        ticket.update(items=None, reason=None, replacement_option=None, estimate=None)
        if not claim:
            return
        ticket["items"] = [{"item_id": item_id_for(i["order_id"], i["line_no"]), "title": i["title"],
                            "option": i["option"], "quantity": i["quantity"]} for i in items]
        ticket["reason"] = ticket["description"]
        products = {i["product_id"] for i in items}
        if ticket["issue_type"] == IssueType.EXCHANGE.value and len(products) == 1:
            current = {i["option"] for i in items}
            ticket["replacement_option"] = next(
                (o["option"] for o in self._options_by_product[products.pop()]
                 if o["stock"] > 0 and o["option"] not in current), None)

    # -- orders, day by day -----------------------------------------------------

    def _orders_on(self, day: int) -> int:
        base, extra = divmod(self.plan.orders, self.days)
        return base + (1 if day >= self.days - extra else 0)  # remainder on the newest days

    @cached_property
    def _demo_by_day(self) -> dict[int, list[tuple[str, S, datetime, float | None]]]:
        found: dict[int, list[tuple[str, S, datetime, float | None]]] = {}
        if not self.plan.with_demo_accounts:
            return found
        for user_id, specs in _DEMO_ORDERS.items():
            for status, days_ago, to_delivery in specs:
                placed = self.anchor - timedelta(days=days_ago)
                day = (kst_date(placed) - self.first_day).days
                found.setdefault(day, []).append((user_id, status, placed, to_delivery))
        return found

    def _day(self, day: int, *, claims: bool = True) -> dict[str, list[Row]]:
        rng = random.Random(f"{self.plan.seed}:day:{day}")
        date = self.first_day + timedelta(days=day)
        start = datetime(date.year, date.month, date.day, tzinfo=KST)
        span = min(86_400, int((self.anchor - start).total_seconds()))
        planned = [(uid, st, placed, dl) for uid, st, placed, dl in self._demo_by_day.get(day, [])]
        for _ in range(self._orders_on(day)):
            placed = start + timedelta(seconds=rng.randrange(max(span, 1)))
            planned.append((rng.choice(self.customer_ids), None, placed, None))
        planned.sort(key=lambda p: p[2])
        out: dict[str, list[Row]] = {"orders": [], "order_items": [], "tickets": []}
        tokens: set[str] = set()
        for seq, (user_id, status, placed, to_delivery) in enumerate(planned, 1):
            self._order(rng, order_id(date, seq), user_id, status, placed, to_delivery, out, tokens,
                        claims=claims)
        return out

    def _order(self, rng: random.Random, oid: str, user_id: str, status: S | None,
               placed: datetime, to_delivery: float | None, out: dict[str, list[Row]],
               tokens: set[str], *, claims: bool = True) -> None:
        age_hours = (self.anchor - placed).total_seconds() / 3600
        status = status or _status_for_age(rng, age_hours)
        payment = P.VIRTUAL_ACCOUNT if status is S.PENDING else rng.choices(
            list(P), weights=(50, 8, 6, 16, 12, 8))[0]
        items = []
        for line in range(1, rng.choice((1, 1, 1, 2, 2, 3)) + 1):
            product = rng.choice(self.products)
            choice = " / ".join(f"{k}: {rng.choice(v)}" for k, v in product["options"].items())
            items.append({"order_id": oid, "line_no": line, "product_id": product["product_id"],
                          "title": product["title"], "option": choice or "단일 옵션",
                          "quantity": rng.choice((1, 1, 1, 2, 3)), "unit_price": product["price"]})
        subtotal = sum(i["quantity"] * i["unit_price"] for i in items)
        address = self.addresses[user_id]
        fee = 0 if subtotal >= FREE_SHIPPING_FROM else BASE_SHIPPING_FEE
        fee += JEJU_EXTRA if address.startswith("제주") else REMOTE_EXTRA if "울릉" in address else 0
        row: Row = {"order_id": oid, "user_id": user_id, "status": status.value, "order_date": placed,
                    "total_amount": subtotal + fee, "shipping_fee": fee, "payment_method": payment.value,
                    "shipping_address": address, "carrier": None, "tracking_number": None,
                    "shipped_at": None, "delivered_at": None, "cancelled_at": None, "updated_at": placed,
                    "cancel_reason": None}
        latest = self.anchor - timedelta(minutes=5)
        if status is S.CANCELLED:
            row["cancelled_at"] = min(placed + timedelta(minutes=rng.randrange(10, 600)), latest)
            row["cancel_reason"] = rng.choice(_CANCEL_REASONS)
        elif status not in (S.PENDING, S.PAID, S.PREPARING):
            shipped = min(placed + timedelta(hours=rng.uniform(8, 30)), latest)
            row.update(shipped_at=shipped, carrier=rng.choice(CARRIERS),
                       tracking_number=f"{rng.randrange(10**11, 10**12)}")
            if status is not S.SHIPPED:
                days = to_delivery if to_delivery is not None else rng.uniform(1, 3)
                row["delivered_at"] = min(max(shipped + timedelta(hours=4),
                                              placed + timedelta(days=days)), latest)
        row["updated_at"] = max(v for k, v in row.items() if k.endswith("_at") and v) if any(
            row[k] for k in ("shipped_at", "delivered_at", "cancelled_at")) else placed
        item_status = ITEM_STATUS_FOR_ORDER[status].value
        for item in items:  # added after the random draws: the stream is unchanged
            item.update(status=item_status, reason=None)
        out["orders"].append(row)
        out["order_items"].extend(items)
        ticket = _ticket_for(rng, row, self.anchor)
        if ticket is not None:
            if claims:
                self._claim_details(ticket, items)
            token = "".join(rng.choice(TICKET_ALPHABET) for _ in range(6))
            while token in tokens:
                token = "".join(rng.choice(TICKET_ALPHABET) for _ in range(6))
            tokens.add(token)
            ticket["ticket_id"] = new_ticket_id(kst_date(ticket["created_at"]), token=token)
            out["tickets"].append(ticket)


def _status_for_age(rng: random.Random, hours: float) -> S:
    if hours < 24:  # unpaid virtual-account orders are cancelled after 24 hours
        options, weights = (S.PENDING, S.PAID, S.PREPARING, S.CANCELLED), (15, 40, 30, 15)
    elif hours < 72:
        options, weights = (S.PREPARING, S.SHIPPED, S.CANCELLED), (35, 50, 15)
    elif hours < 120:
        options, weights = (S.SHIPPED, S.DELIVERED, S.CANCELLED), (40, 50, 10)
    else:
        options = (S.DELIVERED, S.CANCELLED, S.RETURN_REQUESTED, S.RETURNED, S.EXCHANGE_REQUESTED)
        weights = (78, 8, 3, 7, 4)
    return rng.choices(options, weights=weights)[0]


_CANCEL_REASONS = ("단순 변심", "주문 실수", "다른 상품으로 다시 주문", "배송이 늦어질 것 같아서", AUTO_CANCEL_REASON)

_CLAIM_TICKETS = {
    S.RETURN_REQUESTED.value: (IssueType.REFUND, "단순 변심으로 반품을 요청합니다."),
    S.RETURNED.value: (IssueType.REFUND, "반품 후 환불 요청합니다."),
    S.EXCHANGE_REQUESTED.value: (IssueType.EXCHANGE, "사이즈가 맞지 않아 교환을 요청합니다."),
}
_OTHER_TICKETS = (
    (IssueType.SHIPPING, "배송이 언제 도착하는지 알고 싶어요."),
    (IssueType.DEFECT, "받은 상품 일부가 파손되어 있습니다."),
    (IssueType.INQUIRY, "영수증 재발행이 가능한지 문의드립니다."),
    (IssueType.OTHER, "포장 상태에 대해 의견 남깁니다."),
)


def _ticket_for(rng: random.Random, order: Row, anchor: datetime) -> Row | None:
    claim = _CLAIM_TICKETS.get(order["status"])
    if claim is None and (order["status"] not in (S.DELIVERED.value, S.SHIPPED.value) or rng.random() > 0.05):
        return None
    issue, text = claim or rng.choice(_OTHER_TICKETS)
    base = order["delivered_at"] or order["shipped_at"]
    created = min(base + timedelta(hours=rng.uniform(1, 72)), anchor - timedelta(minutes=1))
    age_days = (anchor - created).days
    status = (TicketStatus.OPEN if age_days < 1 else TicketStatus.IN_PROGRESS if age_days < 3
              else TicketStatus.RESOLVED if order["status"] != S.RETURN_REQUESTED.value
              else TicketStatus.IN_PROGRESS)
    resolved = created + timedelta(hours=rng.uniform(2, 48)) if status is TicketStatus.RESOLVED else None
    return {"user_id": order["user_id"], "order_id": order["order_id"], "issue_type": issue.value,
            "status": status.value, "priority": rng.choice(list(Priority)).value, "description": text,
            "source": rng.choice(list(TicketSource)).value if claim is None else TicketSource.CHAT.value,
            "created_at": created, "updated_at": resolved or created, "resolved_at": resolved,
            "resolution_note": "처리 완료되었습니다." if resolved else None}


def _phone(rng: random.Random) -> str:
    return f"010-{rng.randrange(2000, 10000)}-{rng.randrange(10000):04d}"


def _address(rng: random.Random, *, home: bool = False) -> str:
    city, roads = CITIES[0] if home else rng.choice(CITIES)
    road = rng.choice(roads)
    return f"{city} {road} {rng.randint(1, 300)}, {rng.choice(APARTMENTS)} {rng.randint(101, 120)}동 {rng.randint(1, 25)}{rng.randint(1, 4):02d}호"
