"""Eligibility questions with a stated condition, remedies and questions about the other
items of an order, on the dialogue layer (hand-given intents, real lexicons, a shop copy)."""

from __future__ import annotations

from ecommerce_agent.agent.conditions import condition_rules, rule_of
from ecommerce_agent.agent.state import DialogueState

from .test_flows import Shop, said, shop  # noqa: F401  (the fixture)


def _three_item_order(shop: Shop) -> str:
    return shop.orders["delivered_recent"][1]  # 전기포트, 롱패딩, 수납 박스, delivered this week


def test_a_removed_label_is_answered_no_and_nothing_is_offered_or_done(shop: Shop) -> None:
    tickets = shop.tickets()
    outcome = shop.say(said("policy", "패딩 라벨 뗐는데 환불 돼요?"))
    assert outcome.text.startswith("아니요") and "택" in outcome.text
    assert outcome.state.pending is None and outcome.state.top is None and shop.tickets() == tickets


def test_an_opened_outer_box_is_answered_yes_then_the_offer_keeps_item_and_reason(shop: Shop) -> None:
    order_id = _three_item_order(shop)
    outcome = shop.say(said("policy", "수납박스 택배 포장 뜯었는데 반품 가능?"))
    assert outcome.text.startswith("네") and "겉포장" in outcome.text and order_id in outcome.text
    proposed = shop.say(said("claim.refund", "그럼 반품해 주세요 공간이 안 나와서요"))
    pending = proposed.state.pending
    assert pending is not None and pending.action == "return" and pending.order_id == order_id
    order = shop.repo.get_order(order_id)
    assert order is not None and [order.item(i).title for i in pending.items if order.item(i)] == ["새봄 슬림 수납 박스"]
    assert pending.reason and "공간" in pending.reason and shop.status(order_id) == "delivered"


def test_a_colour_unlike_the_listing_is_the_shops_fault_and_a_refund_is_a_defect_refund(shop: Shop) -> None:
    outcome = shop.say(said("policy", "받은 패딩 색이 상품 사진이랑 완전 다른데 교환하면 배송비 제가 내요?"))
    assert "저희 쇼핑몰이 부담" in outcome.text and outcome.state.pending is None
    proposed = shop.say(said("claim.refund", "그럼 반품하고 환불받을게요"))
    top = proposed.state.top
    assert proposed.state.pending is not None and proposed.state.pending.action == "defect"
    assert top is not None and top.remedy == "refund" and "6,000원" not in proposed.text


def test_a_return_after_delivery_of_a_shipped_order_is_a_yes_for_later(shop: Shop) -> None:
    shipped = shop.orders["shipped"][0]
    outcome = shop.say(said("claim.refund", f"{shipped} 받고 나서 반품할 수 있어요?", order_id=shipped))
    assert outcome.text.startswith("네") and "7일" in outcome.text and outcome.state.pending is None


def test_negated_use_is_not_read_as_use() -> None:
    from ecommerce_agent.nlu.acts import read_acts

    assert read_acts("한 번도 안 썼는데 반품 돼요?").conditions == ("unopened",)
    assert read_acts("택도 안 뗐어요").conditions == ("unopened",)
    assert "used" in read_acts("클렌징폼 써봤는데 반품 되나요?").conditions
    assert read_acts("택배 박스만 뜯었어요").conditions == ("outer_box",)
    assert read_acts("아니 잠깐 커피만요 가디건은 받을래요").only == ("커피",)


def test_opened_depends_on_the_kind_of_item() -> None:
    class Tools:
        @staticmethod
        def product_category(product_id: str) -> str:
            return "도서" if product_id == "book" else "주방용품"

    env = type("E", (), {"tools": Tools()})()
    item = type("I", (), {"product_id": "book"})()
    pan = type("I", (), {"product_id": "pan"})()
    assert rule_of("opened", env, [item], ()).effect == "restricted"  # type: ignore[arg-type,union-attr]
    assert rule_of("opened", env, [pan], ()).effect == "allowed"  # type: ignore[arg-type,union-attr]
    assert rule_of("opened", env, [], ("향수",)).effect == "restricted"  # type: ignore[arg-type,union-attr]
    assert condition_rules().conditions["not_as_listed"].rule.effect == "shop_fault"  # type: ignore[union-attr]


def test_the_other_items_after_a_partial_cancellation_are_said_to_stay(shop: Shop) -> None:
    order_id = shop.orders["preparing"][0]
    shop.say(said("order.cancel", f"{order_id} 가디건만 취소해 주세요", order_id=order_id))
    shop.say(said("dialog.confirm", "네"))
    outcome = shop.say(said("order.status", "그럼 커피는 그대로 오는 거죠?"))
    assert outcome.text.startswith("네") and "커피" in outcome.text
    assert DialogueState.from_json(outcome.state.to_json()).topic == "cancel"


def test_a_negated_done_check_is_answered_yes_when_nothing_was_done(shop: Shop) -> None:
    shipped = shop.orders["shipped"][0]
    shop.say(said("order.cancel", f"{shipped} 취소해 주세요", order_id=shipped))  # refused: already shipped
    outcome = shop.say(said("ticket.status", "그럼 처리 안 된 거네요?"))
    assert outcome.text.startswith("네") and "않았습니다" in outcome.text and shop.status(shipped) == "shipped"


def test_what_now_after_a_refusal_offers_the_step_its_reason_allows(shop: Shop) -> None:
    old = shop.orders["delivered_expired"][0]  # delivered more than 3 months ago
    refused = shop.say(said("claim.defect", f"{old} 불량인데 환불해 주세요", order_id=old))
    assert "3개월" in refused.text and refused.state.pending is None
    outcome = shop.say(said("policy", "방법이 아예 없어요?"))
    assert "상담원" in outcome.text and outcome.state.pending is None and not outcome.handoff
    top = outcome.state.top
    assert top is not None and top.intent == "handoff"  # offered, not opened
