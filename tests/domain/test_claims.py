"""Claims per item: lines, statuses, windows, exchanges, and refund estimates.

The expected amounts are computed here from the numbers in the policy documents
(data/policies/*.md, read by this test), not from the implementation's constants.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from ecommerce_agent.domain.claims import (
    ActionPlan, ClaimLine, ProductOption, RefundEstimate, estimate_from_dict, estimate_to_dict,
    option_combinations, option_parts, plan_order_action, regional_extra_fee, resolve_option,
)
from ecommerce_agent.domain.orders import (
    ACTION_MATRIX, CLAIMS, Action, Denied, ItemStatus, Order, OrderItem, OrderStatus, PaymentMethod,
    derive_order_status, item_id_for, order_status_label,
)
from tests.support.factories import NOW

POLICIES = Path(__file__).resolve().parents[2] / "data" / "policies"
OID = "ORD-20261120-0001"


def _won(text: str) -> int:
    return int(text.replace(",", ""))


def _policy(name: str) -> str:
    return (POLICIES / f"{name}.md").read_text(encoding="utf-8")


class Policy:
    """The numbers the documents state, read from their text."""

    shipping = _policy("shipping-fee")
    returns = _policy("return-shipping-fee")
    exchange = _policy("exchange-policy")
    threshold = _won(re.search(r"\| ([\d,]+)원 이상 \| 무료 \|", shipping).group(1))
    base_fee = _won(re.search(r"미만 \| ([\d,]+)원 \|", shipping).group(1))
    jeju = _won(re.search(r"제주 지역은 ([\d,]+)원", shipping).group(1))
    remote = _won(re.search(r"도서산간 지역은 ([\d,]+)원", shipping).group(1))
    return_free = _won(re.search(r"무료배송\([\d,]+원 이상 주문\) \| 왕복 ([\d,]+)원", returns).group(1))
    return_paid = _won(re.search(r"배송비 [\d,]+원 결제 \| 편도 ([\d,]+)원", returns).group(1))
    exchange_fee = _won(re.search(r"왕복 배송비 ([\d,]+)원을 고객님이 부담", exchange).group(1))


def test_the_policy_numbers_were_found() -> None:
    assert (Policy.threshold, Policy.base_fee, Policy.jeju, Policy.remote) == (30_000, 3_000, 3_000, 5_000)
    assert (Policy.return_free, Policy.return_paid, Policy.exchange_fee) == (6_000, 3_000, 6_000)


def _item(line: int, price: int, qty: int = 1, *, product: str = "P1", option: str = "색상: 블랙",
          status: ItemStatus = ItemStatus.ORDERED, title: str | None = None) -> OrderItem:
    return OrderItem(product_id=product, title=title or f"상품{line}", option=option, quantity=qty,
                     unit_price=price, item_id=item_id_for(OID, line), status=status)


def _order(status: OrderStatus, items: list[OrderItem], *, address: str = "서울특별시 강남구 테헤란로 1",
           delivered_days_ago: float | None = None) -> Order:
    subtotal = sum(i.subtotal for i in items if i.status is not ItemStatus.CANCELLED)
    fee = (0 if subtotal >= Policy.threshold else Policy.base_fee) + (
        Policy.jeju if address.startswith("제주") else Policy.remote if "울릉" in address else 0)
    delivered = NOW - timedelta(days=delivered_days_ago) if delivered_days_ago is not None else None
    if status in (OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED, OrderStatus.EXCHANGE_REQUESTED,
                  OrderStatus.RETURNED) and delivered is None:
        delivered = NOW - timedelta(days=2)
    return Order(order_id=OID, user_id="U1", status=status, order_date=NOW - timedelta(days=5),
                 total_amount=subtotal + fee, shipping_fee=fee, payment_method=PaymentMethod.CARD,
                 shipping_address=address, items=tuple(items), delivered_at=delivered)


def _plan(order: Order, action: Action, lines: list[ClaimLine] | None = None, **kw: object) -> ActionPlan:
    plan = plan_order_action(order, action, NOW, lines=lines, **kw)  # type: ignore[arg-type]
    assert isinstance(plan, ActionPlan), plan
    return plan


def _denied(order: Order, action: Action, lines: list[ClaimLine] | None = None, **kw: object) -> Denied:
    plan = plan_order_action(order, action, NOW, lines=lines, **kw)  # type: ignore[arg-type]
    assert isinstance(plan, Denied), plan
    return plan


# -- the status matrix and windows, per item -------------------------------------------------

@pytest.mark.parametrize("status", list(OrderStatus))
@pytest.mark.parametrize("action", [Action.CANCEL, *sorted(CLAIMS)])
def test_one_item_follows_the_orders_status_matrix(status: OrderStatus, action: Action) -> None:
    items = [_item(1, 20_000), _item(2, 15_000)]
    outcome = plan_order_action(_order(status, items), action, NOW, lines=[ClaimLine(item_id_for(OID, 1))])
    assert isinstance(outcome, ActionPlan) == (action in ACTION_MATRIX[status])


@pytest.mark.parametrize("item_status,reason", [
    (ItemStatus.CANCELLED, "item_cancelled"), (ItemStatus.RETURN_REQUESTED, "item_return_requested"),
    (ItemStatus.EXCHANGE_REQUESTED, "item_exchange_requested"), (ItemStatus.RETURNED, "item_returned")])
@pytest.mark.parametrize("action", [Action.RETURN, Action.EXCHANGE, Action.DEFECT])
def test_an_item_already_claimed_cannot_be_claimed_again(item_status: ItemStatus, reason: str,
                                                         action: Action) -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 20_000, status=item_status, title="머그컵"), _item(2, 15_000)])
    denied = _denied(order, action, [ClaimLine(item_id_for(OID, 1))])
    assert denied.reason == reason and "머그컵" in denied.message and item_id_for(OID, 1) in denied.message


def test_a_cancelled_item_cannot_be_cancelled_again() -> None:
    order = _order(OrderStatus.PAID, [_item(1, 20_000, status=ItemStatus.CANCELLED), _item(2, 15_000)])
    assert _denied(order, Action.CANCEL, [ClaimLine(item_id_for(OID, 1))]).reason == "item_cancelled"


@pytest.mark.parametrize("action,days,allowed", [
    (Action.RETURN, 7, True), (Action.RETURN, 8, False), (Action.EXCHANGE, 7, True), (Action.EXCHANGE, 8, False),
    (Action.DEFECT, 85, True), (Action.DEFECT, 95, False)])
def test_claim_windows_apply_to_item_claims(action: Action, days: int, allowed: bool) -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 20_000), _item(2, 15_000)], delivered_days_ago=days)
    outcome = plan_order_action(order, action, NOW, lines=[ClaimLine(item_id_for(OID, 2))])
    assert isinstance(outcome, ActionPlan) == allowed
    if not allowed:
        assert outcome.reason.endswith("window_expired")


@pytest.mark.parametrize("lines,reason,named", [
    ([ClaimLine("ORD-20261120-0001-9")], "unknown_item", "ORD-20261120-0001-9"),
    ([ClaimLine(item_id_for(OID, 1), 3)], "invalid_quantity", "머그컵"),
    ([ClaimLine(item_id_for(OID, 1), 0)], "invalid_quantity", "머그컵"),
    ([ClaimLine(item_id_for(OID, 1)), ClaimLine(item_id_for(OID, 1))], "duplicate_item", "머그컵"),
    ([], "no_items", "")])
def test_invalid_lines_name_the_item(lines: list[ClaimLine], reason: str, named: str) -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 20_000, 2, title="머그컵"), _item(2, 15_000)])
    denied = _denied(order, Action.RETURN, lines)
    assert denied.reason == reason and named in denied.message


def test_address_change_takes_no_items() -> None:
    order = _order(OrderStatus.PAID, [_item(1, 20_000)])
    assert _denied(order, Action.CHANGE_ADDRESS, [ClaimLine(item_id_for(OID, 1))],
                   new_address="부산").reason == "items_not_applicable"
    assert _plan(order, Action.CHANGE_ADDRESS, new_address=" 부산 ").order.shipping_address == "부산"


# -- order status follows its items ----------------------------------------------------------

def test_cancelling_one_of_two_items_of_a_paid_order_keeps_it_paid_with_a_lower_amount() -> None:
    order = _order(OrderStatus.PAID, [_item(1, 40_000), _item(2, 35_000)])
    plan = _plan(order, Action.CANCEL, [ClaimLine(item_id_for(OID, 2))], reason="단순 변심")
    after = plan.order
    assert after.status is OrderStatus.PAID and after.total_amount == 40_000
    assert [i.status for i in after.items] == [ItemStatus.ORDERED, ItemStatus.CANCELLED]
    assert after.items[1].reason == "단순 변심" and after.cancelled_at is None and after.cancel_reason is None
    assert after.status_label == "결제완료(일부 취소)"
    assert not plan.whole_order and plan.claimed == (after.items[1],)


def test_cancelling_every_item_cancels_the_order() -> None:
    order = _order(OrderStatus.PREPARING, [_item(1, 40_000), _item(2, 35_000)])
    first = _plan(order, Action.CANCEL, [ClaimLine(item_id_for(OID, 1))]).order
    second = _plan(first, Action.CANCEL, [ClaimLine(item_id_for(OID, 2))], reason="주문 실수")
    assert second.order.status is OrderStatus.CANCELLED and second.order.cancelled_at == NOW
    assert second.order.cancel_reason == "주문 실수" and second.order.status_label == "주문취소"
    assert second.estimate.refund_amount == first.total_amount  # what was still paid comes back


def test_whole_order_actions_behave_as_before() -> None:
    order = _order(OrderStatus.PAID, [_item(1, 40_000), _item(2, 35_000)])
    plan = _plan(order, Action.CANCEL, reason="단순 변심")
    assert plan.order.status is OrderStatus.CANCELLED and plan.order.total_amount == order.total_amount
    assert plan.whole_order and {i.status for i in plan.order.items} == {ItemStatus.CANCELLED}
    delivered = _order(OrderStatus.DELIVERED, [_item(1, 40_000), _item(2, 35_000)])
    for action, status in ((Action.RETURN, OrderStatus.RETURN_REQUESTED), (Action.DEFECT, OrderStatus.RETURN_REQUESTED),
                           (Action.EXCHANGE, OrderStatus.EXCHANGE_REQUESTED)):
        assert _plan(delivered, action).order.status is status


def test_returning_one_item_of_a_delivered_order_keeps_it_delivered() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000), _item(2, 35_000)])
    plan = _plan(order, Action.RETURN, [ClaimLine(item_id_for(OID, 1))])
    assert plan.order.status is OrderStatus.DELIVERED and plan.order.total_amount == order.total_amount
    assert plan.order.status_label == "배송완료(일부 반품 접수)"
    rest = _plan(plan.order, Action.RETURN, [ClaimLine(item_id_for(OID, 2))])
    assert rest.order.status is OrderStatus.RETURN_REQUESTED  # now every item moved


def test_returning_a_single_item_order_makes_it_return_requested() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000)])
    assert _plan(order, Action.RETURN, [ClaimLine(item_id_for(OID, 1))]).order.status is OrderStatus.RETURN_REQUESTED


def test_a_cancelled_item_does_not_hold_the_order_back() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000, status=ItemStatus.CANCELLED), _item(2, 35_000)])
    assert _plan(order, Action.RETURN, [ClaimLine(item_id_for(OID, 2))]).order.status is OrderStatus.RETURN_REQUESTED


def test_mixed_claims_keep_the_order_status_and_say_so() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000), _item(2, 35_000, product="P2")])
    once = _plan(order, Action.RETURN, [ClaimLine(item_id_for(OID, 1))]).order
    twice = _plan(once, Action.EXCHANGE, [ClaimLine(item_id_for(OID, 2))]).order
    assert twice.status is OrderStatus.DELIVERED
    assert twice.status_label == "배송완료(일부 반품 접수·일부 교환 접수)"
    assert _denied(twice, Action.RETURN).reason == "nothing_to_claim"


@pytest.mark.parametrize("statuses,current,expected", [
    ((ItemStatus.CANCELLED, ItemStatus.CANCELLED), OrderStatus.PAID, OrderStatus.CANCELLED),
    ((ItemStatus.CANCELLED, ItemStatus.ORDERED), OrderStatus.PAID, OrderStatus.PAID),
    ((ItemStatus.RETURN_REQUESTED, ItemStatus.ORDERED), OrderStatus.DELIVERED, OrderStatus.DELIVERED),
    ((ItemStatus.RETURN_REQUESTED, ItemStatus.CANCELLED), OrderStatus.DELIVERED, OrderStatus.RETURN_REQUESTED),
    ((ItemStatus.EXCHANGE_REQUESTED,), OrderStatus.DELIVERED, OrderStatus.EXCHANGE_REQUESTED),
    ((ItemStatus.RETURNED, ItemStatus.RETURNED), OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED),
    ((ItemStatus.ORDERED,), OrderStatus.SHIPPED, OrderStatus.SHIPPED)])
def test_derive_order_status(statuses: tuple[ItemStatus, ...], current: OrderStatus, expected: OrderStatus) -> None:
    items = [_item(n, 1_000, status=s) for n, s in enumerate(statuses, 1)]
    assert derive_order_status(current, items) is expected


def test_labels() -> None:
    assert order_status_label(OrderStatus.PAID, [_item(1, 1), _item(2, 1)]) == "결제완료"
    assert order_status_label(OrderStatus.CANCELLED, [_item(1, 1, status=ItemStatus.CANCELLED)]) == "주문취소"
    assert order_status_label(OrderStatus.RETURN_REQUESTED,
                              [_item(1, 1, status=ItemStatus.RETURN_REQUESTED)]) == "반품접수"


# -- quantities -------------------------------------------------------------------------------

def test_claiming_some_units_splits_the_line_and_keeps_the_original_id() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 20_000, 3, title="프라이팬"), _item(2, 15_000)])
    plan = _plan(order, Action.EXCHANGE, [ClaimLine(item_id_for(OID, 1), 1)])
    first, second, split = plan.order.items
    assert (first.item_id, first.quantity, first.status) == (item_id_for(OID, 1), 2, ItemStatus.ORDERED)
    assert second == order.items[1]
    assert (split.item_id, split.quantity, split.status, split.title) == (
        item_id_for(OID, 3), 1, ItemStatus.EXCHANGE_REQUESTED, "프라이팬")
    assert plan.claimed == (split,) and plan.new_items == (split,)
    assert plan.order.status is OrderStatus.DELIVERED


# -- refund estimates (amounts from the policy documents) ----------------------------------------

def _cancel_expected(order: Order, cancelled: int, remaining: int) -> tuple[int, int, int]:
    """(refund, fee added, new total) per partial-cancellation.md."""
    regional = Policy.jeju if order.shipping_address.startswith("제주") else 0
    was_free = order.shipping_fee - regional == 0
    added = Policy.base_fee if was_free and remaining < Policy.threshold else 0
    return cancelled - added, added, remaining + order.shipping_fee + added


@pytest.mark.parametrize("prices,cancel,address", [
    ((40_000, 35_000), 2, "서울"),         # free shipping kept: remaining 40,000
    ((25_000, 10_000), 2, "서울"),         # free shipping lost: remaining 25,000 < 30,000
    ((25_000, 10_000), 2, "제주특별자치도 제주시 1"),
    ((12_000, 8_000), 2, "서울"),          # shipping was paid already: nothing added
    ((31_000, 2_000, 5_000), 3, "서울"),
])
def test_partial_cancellation_refund(prices: tuple[int, ...], cancel: int, address: str) -> None:
    order = _order(OrderStatus.PAID, [_item(n, p) for n, p in enumerate(prices, 1)], address=address)
    plan = _plan(order, Action.CANCEL, [ClaimLine(item_id_for(OID, cancel))])
    remaining = sum(prices) - prices[cancel - 1]
    refund, added, total = _cancel_expected(order, prices[cancel - 1], remaining)
    est = plan.estimate
    assert (est.refund_amount, est.shipping_fee_added, est.new_total_amount) == (refund, added, total)
    assert plan.order.total_amount == total and plan.order.shipping_fee == order.shipping_fee + added
    assert est.paid and est.items_amount == prices[cancel - 1]


def test_a_partial_cancellation_cheaper_than_the_added_fee_asks_for_the_difference() -> None:
    order = _order(OrderStatus.PAID, [_item(1, 29_000), _item(2, 2_000)])
    est = _plan(order, Action.CANCEL, [ClaimLine(item_id_for(OID, 2))]).estimate
    assert (est.refund_amount, est.extra_payment) == (0, Policy.base_fee - 2_000)


def test_cancelling_part_of_an_unpaid_order_lowers_what_is_owed() -> None:
    order = replace(_order(OrderStatus.PENDING, [_item(1, 25_000), _item(2, 10_000)]),
                    payment_method=PaymentMethod.VIRTUAL_ACCOUNT)
    plan = _plan(order, Action.CANCEL, [ClaimLine(item_id_for(OID, 2))])
    assert not plan.estimate.paid and plan.estimate.refund_amount == 0
    assert plan.estimate.new_total_amount == 25_000 + Policy.base_fee == plan.order.total_amount
    assert "입금하실 금액" in plan.estimate.describe()


def test_cancelling_the_whole_order_refunds_everything_paid() -> None:
    order = _order(OrderStatus.PAID, [_item(1, 12_000), _item(2, 8_000)])
    est = _plan(order, Action.CANCEL).estimate
    assert est.refund_amount == 12_000 + 8_000 + Policy.base_fee and est.shipping_fee_refund == Policy.base_fee


@pytest.mark.parametrize("prices,address", [
    ((40_000,), "서울"), ((20_000,), "서울"), ((40_000, 35_000), "서울"), ((20_000, 5_000), "서울"),
    ((40_000,), "제주특별자치도 서귀포시 1"), ((20_000,), "경상북도 울릉군 울릉읍 1")])
def test_change_of_mind_return_deducts_the_return_shipping(prices: tuple[int, ...], address: str) -> None:
    order = _order(OrderStatus.DELIVERED, [_item(n, p) for n, p in enumerate(prices, 1)], address=address)
    est = _plan(order, Action.RETURN, [ClaimLine(item_id_for(OID, 1))]).estimate
    regional = Policy.jeju if address.startswith("제주") else Policy.remote if "울릉" in address else 0
    paid_shipping = sum(prices) < Policy.threshold
    fee = (Policy.return_paid if paid_shipping else Policy.return_free) + regional
    assert est.return_shipping_fee == fee
    assert est.refund_amount == max(prices[0] - fee, 0) and est.extra_payment == max(fee - prices[0], 0)


def test_defect_returns_cost_nothing_and_a_whole_order_gets_its_shipping_back() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 12_000), _item(2, 8_000)], address="제주시 1")
    part = _plan(order, Action.DEFECT, [ClaimLine(item_id_for(OID, 1))]).estimate
    assert (part.refund_amount, part.return_shipping_fee) == (12_000, 0)
    whole = _plan(order, Action.DEFECT).estimate
    assert whole.refund_amount == order.total_amount == 20_000 + Policy.base_fee + Policy.jeju


@pytest.mark.parametrize("address,regional", [("서울", 0), ("제주시 1", 3_000)])
def test_change_of_mind_exchange_costs_the_round_trip(address: str, regional: int) -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000)], address=address)
    est = _plan(order, Action.EXCHANGE, [ClaimLine(item_id_for(OID, 1))]).estimate
    assert est.refund_amount == 0 and est.extra_payment == Policy.exchange_fee + 2 * regional
    assert "교환 배송비" in est.describe()


def test_estimate_round_trips_through_its_stored_form() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000)])
    est = _plan(order, Action.RETURN).estimate
    assert estimate_from_dict(estimate_to_dict(est)) == est and isinstance(est, RefundEstimate)
    assert "예상 환불 금액" in est.describe() and "34,000원" in est.describe()


def test_regional_fee() -> None:
    assert regional_extra_fee("제주특별자치도 제주시 1") == Policy.jeju
    assert regional_extra_fee("경상북도 울릉군 울릉읍 1") == Policy.remote
    assert regional_extra_fee("서울특별시 중구 1") == 0


# -- exchanges: another option of the same product, in stock ------------------------------------

OPTIONS = [ProductOption("P1", text, stock) for text, stock in (
    ("색상: 블랙 / 사이즈: S", 5), ("색상: 블랙 / 사이즈: M", 5), ("색상: 화이트 / 사이즈: S", 0),
    ("색상: 화이트 / 사이즈: M", 2), ("색상: 아이보리 / 사이즈: S", 4))]


def _exchange(requested: str, qty: int = 1) -> ActionPlan | Denied:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000, 2, option="색상: 블랙 / 사이즈: S", title="롱패딩"),
                                           _item(2, 9_000, product="P2", option="단일 옵션")])
    return plan_order_action(order, Action.EXCHANGE, NOW, lines=[ClaimLine(item_id_for(OID, 1), qty)],
                             replacement_option=requested, options=OPTIONS)


@pytest.mark.parametrize("requested,resolved", [
    ("색상: 블랙 / 사이즈: M", "색상: 블랙 / 사이즈: M"), ("M", "색상: 블랙 / 사이즈: M"),
    ("아이보리", "색상: 아이보리 / 사이즈: S"), ("화이트 M", "색상: 화이트 / 사이즈: M"),
    ("색상:화이트/사이즈:M", "색상: 화이트 / 사이즈: M")])
def test_exchange_to_another_option(requested: str, resolved: str) -> None:
    plan = _exchange(requested)
    assert isinstance(plan, ActionPlan) and plan.replacement_option == resolved


@pytest.mark.parametrize("requested,qty,reason", [
    ("화이트", 1, "option_sold_out"),          # 화이트 / S has no stock
    ("화이트 M", 2, "item_ok"),               # two in stock: fine
    ("레드", 1, "unknown_option"),            # not an option of this product
    ("무선 이어폰", 1, "unknown_option"),      # another product is a return plus a new order
    ("블랙", 1, "same_option")])
def test_exchange_refusals(requested: str, qty: int, reason: str) -> None:
    outcome = _exchange(requested, qty)
    if reason == "item_ok":
        assert isinstance(outcome, ActionPlan)
        return
    assert isinstance(outcome, Denied) and outcome.reason == reason and "롱패딩" in outcome.message
    if reason == "unknown_option":
        assert "반품 후 새로 주문" in outcome.message


def test_options_may_come_from_a_lookup_asked_for_the_claimed_product_only() -> None:
    asked: list[str] = []

    def lookup(product_id: str) -> list[ProductOption]:
        asked.append(product_id)
        return [o for o in OPTIONS if o.product_id == product_id]

    order = _order(OrderStatus.DELIVERED, [_item(1, 9_000, product="P2", option="단일 옵션"),
                                           _item(2, 40_000, option="색상: 블랙 / 사이즈: S")])
    plan = plan_order_action(order, Action.EXCHANGE, NOW, lines=[ClaimLine(item_id_for(OID, 2))],
                             replacement_option="M", options=lookup)
    assert isinstance(plan, ActionPlan) and plan.replacement_option == "색상: 블랙 / 사이즈: M" and asked == ["P1"]


def test_one_replacement_option_cannot_cover_two_products() -> None:
    order = _order(OrderStatus.DELIVERED, [_item(1, 40_000), _item(2, 9_000, product="P2")])
    denied = _denied(order, Action.EXCHANGE, [ClaimLine(item_id_for(OID, 1)), ClaimLine(item_id_for(OID, 2))],
                     replacement_option="화이트", options=OPTIONS)
    assert denied.reason == "mixed_products"


def test_option_helpers() -> None:
    assert option_combinations({"색상": ["블랙", "화이트"], "사이즈": ["S"]}) == ["색상: 블랙 / 사이즈: S",
                                                                          "색상: 화이트 / 사이즈: S"]
    assert option_combinations({}) == ["단일 옵션"]
    assert option_parts("색상: 블랙 / 사이즈: M") == {"색상": "블랙", "사이즈": "M"} and option_parts("단일 옵션") == {}
    assert resolve_option("색상: 블랙 / 사이즈: S", "S", OPTIONS).option == "색상: 블랙 / 사이즈: S"
    assert resolve_option("단일 옵션", "블랙", []) is None
