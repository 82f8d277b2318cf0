"""The grounding check: what an LLM-phrased reply may state."""

from __future__ import annotations

import pytest

from ecommerce_agent.agent.llm.grounding import Grounding, card_view, check, read_facts

CONFIRM = ("ORD-20261120-0003 (무선 이어폰 외 1건, 45,000원) 주문을 취소할까요? "
           "진행하시려면 '네', 아니면 '아니요'라고 답해 주세요.")
PENDING = Grounding(CONFIRM, pending_action="cancel", pending_order_id="ORD-20261120-0003")
CARD = {"type": "order", "order_id": "ORD-20261120-0003", "status": "delivered", "status_label": "배송완료",
        "summary": "무선 이어폰 외 1건", "total_amount": 45000, "order_date": "2026-11-19T15:30:00+00:00",
        "tracking": {"carrier": "CJ대한통운", "tracking_number": "612345678901"},
        "delivered_at": "2026-11-22T01:00:00+00:00"}
STATUS = Grounding("ORD-20261120-0003(무선 이어폰 외 1건) 주문은 현재 '배송완료' 상태입니다. "
                   "CJ대한통운 운송장 번호는 612345678901입니다. 2026년 11월 22일에 배송이 완료되었습니다.",
                   cards=(CARD,))
POLICY = Grounding("단순 변심에 의한 반품은 상품 수령 후 7일 이내에 신청할 수 있습니다. 왕복 배송비 6,000원은 "
                   "고객 부담입니다.\n\n출처: 「반품·교환 정책」 반품 기간",
                   citations=({"doc_id": "returns", "title": "반품·교환 정책", "section": "반품 기간",
                               "chunk_id": "returns#1", "score": 0.9},))


def test_facts_are_read_in_every_usual_korean_form() -> None:
    facts = read_facts("2026년 11월 26일, 11/27, 2026-11-25에 4만 5천원과 6,000원과 1.5만원. 3~7영업일, "
                       "제17조 2항, 10% 할인, 일주일, 평일 09:00~18:00, 14시까지, 3개월, 내일 ORD-20261126-0001")
    assert facts.ids == {"ORD-20261126-0001"}
    assert facts.amounts == {45000, 6000, 15000}
    assert facts.dates == {(2026, 11, 26), (None, 11, 27), (2026, 11, 25)}
    assert facts.relative == {"내일"}
    assert {("3", "영업일"), ("7", "영업일"), ("17", "조"), ("2", "항"), ("10", "%"), ("7", "일"), ("14", "시"),
            ("3", "개월")} <= facts.spans
    assert facts.numbers == {"9", "0", "18"}


@pytest.mark.parametrize("reply", [
    ("고객님, ORD-20261120-0003 주문(무선 이어폰 외 1건, 45,000원)을 취소해 드릴까요? 원하시면 '네', 아니면 '아니요'라고 "
     "말씀해 주세요."),
    "ORD-20261120-0003 주문(무선 이어폰 외 1건, 4만 5천원)을 취소할까요? ('네'/'아니요')",
])
def test_a_faithful_rephrasing_passes(reply: str) -> None:
    assert check(reply, PENDING) == ()


@pytest.mark.parametrize(("reply", "reason"), [
    ("ORD-20261120-0003 주문(54,000원)을 취소할까요? '네'/'아니요'", "amount:54000"),
    ("ORD-20261120-0003 주문을 취소할까요? 환불은 3일 안에 됩니다. '네'/'아니요'", "span:3일"),
    ("ORD-20261120-0003 주문을 취소할까요? 11월 30일까지 환불됩니다. '네'/'아니요'", "date:?-11-30"),
    ("ORD-20261120-0003 주문을 취소할까요? 내일 환불됩니다. '네'/'아니요'", "relative_date:내일"),
    ("ORD-20261120-0003 주문을 취소할까요? 환불해 드립니다. '네'/'아니요'", "action_word:환불"),
    ("ORD-20261120-0004 주문을 취소할까요? '네'/'아니요'", "id:ORD-20261120-0004"),
    ("ORD-20261120-0003 주문을 취소했습니다.", "confirmation_dropped"),
    ("주문을 취소할까요? '네'/'아니요'", "confirmation_order_dropped"),
    ("ORD-20261120-0003 주문을 진행할까요? '네'/'아니요'", "confirmation_action_dropped"),
    ("ORD-20261120-0003 주문은 '배송중'입니다. 취소할까요? '네'/'아니요'", "status:배송중"),
    ("ORD-20261120-0003 주문을 취소할까요? 10% 수수료가 있습니다. '네'/'아니요'", "span:10%"),
    ("ORD-20261120-0003 주문을 취소할까요? 전자상거래법 제17조에 따릅니다. '네'/'아니요'", "span:17조"),
    ("ORD-20261120-0003 주문을 취소할까요? 1588-1234로 전화 주세요. '네'/'아니요'", "number:1588"),
    ("ORD-20261120-0003 주문을 취소할까요? https://shop.example 참고. '네'/'아니요'", "link"),
    ("Shall I cancel ORD-20261120-0003? '네'/'아니요'", "not_korean"),
    ("   ", "empty"),
])
def test_ungrounded_replies_are_refused(reply: str, reason: str) -> None:
    assert reason in check(reply, PENDING)


def test_cards_ground_a_reply_in_kst_and_in_won() -> None:
    view = card_view(CARD)
    assert view["주문일"] == "2026년 11월 20일" and view["결제금액"] == "45,000원"  # 15:30 UTC is the next day in KST
    ok = ("ORD-20261120-0003 주문(무선 이어폰 외 1건)은 11월 22일에 배송완료되었습니다. 결제 금액은 45,000원이고, "
          "CJ대한통운 612345678901로 배송되었어요.")
    assert check(ok, STATUS) == ()
    # the UTC date of the card is not what the shopper was told
    assert "date:?-11-19" in check("ORD-20261120-0003 주문은 11월 19일 주문하신 건으로 배송완료되었습니다.", STATUS)


def test_an_address_change_must_keep_the_address() -> None:
    text = ("ORD-20261120-0003 (무선 이어폰 외 1건, 45,000원) 주문의 배송지를 '서울특별시 강남구 테헤란로 1, 101동 202호'"
            "(으)로 변경할까요? ('네'/'아니요')")
    grounding = Grounding(text, pending_action="change_address", pending_order_id="ORD-20261120-0003",
                          pending_address="서울특별시 강남구 테헤란로 1, 101동 202호")
    good = ("ORD-20261120-0003 주문(무선 이어폰 외 1건, 45,000원)의 배송지를 서울특별시 강남구 테헤란로 1, 101동 202호로 "
            "바꿔 드릴까요? '네' 또는 '아니요'로 답해 주세요.")
    assert check(good, grounding) == ()
    changed = good.replace("202호", "203호")
    assert {"confirmation_address_dropped", "span:203호"} <= set(check(changed, grounding))


def test_a_policy_answer_must_name_its_source_and_keep_its_numbers() -> None:
    good = "단순 변심 반품은 상품을 받으신 뒤 7일 이내에 신청하실 수 있고, 왕복 배송비 6,000원은 고객님 부담입니다. (출처: 「반품·교환 정책」)"
    assert check(good, POLICY) == ()
    assert check(good.replace("(출처: 「반품·교환 정책」)", ""), POLICY) == ("source_dropped",)
    assert "span:14일" in check(good.replace("7일", "14일"), POLICY)
    assert "amount:5000" in check(good.replace("6,000원", "5,000원"), POLICY)


def test_ids_in_the_template_may_not_be_dropped() -> None:
    text = "최근 주문 내역입니다.\n1. ORD-20261120-0003 · 무선 이어폰 · 45,000원\n2. ORD-20261101-0001 · 양말 · 9,900원"
    grounding = Grounding(text)
    assert check("최근 주문입니다.\n1. ORD-20261120-0003 무선 이어폰 45,000원", grounding) == (
        "id_dropped:ORD-20261101-0001",)
    assert check("최근 주문입니다.\n1. ORD-20261120-0003 무선 이어폰 45,000원\n2. ORD-20261101-0001 양말 9,900원",
                 grounding) == ()


def test_a_reply_far_longer_than_the_template_is_refused() -> None:
    assert "too_long" in check("네, 알겠습니다. " * 200, Grounding("알겠습니다."))


def test_a_refusal_stays_a_refusal() -> None:
    refusal = Grounding("ORD-20261120-0003 (무선 이어폰 외 1건, 45,000원) 주문은 주문 취소을(를) 할 수 없습니다. "
                        "이미 배송이 시작되었습니다. 배송 완료 후 반품 신청이 가능합니다.")
    kept = ("죄송하지만 ORD-20261120-0003 주문(무선 이어폰 외 1건, 45,000원)은 이미 배송이 시작되어 취소할 수 없어요. "
            "배송 완료 후 반품 신청이 가능합니다.")
    assert check(kept, refusal) == ()
    flipped = ("ORD-20261120-0003 주문(무선 이어폰 외 1건, 45,000원)은 취소가 가능합니다. "
               "배송 완료 후 반품 신청도 가능합니다.")
    assert "refusal_dropped" in check(flipped, refusal)
    assert "refusal_added" in check("ORD-20261120-0003 주문은 취소할 수 없습니다. '네'/'아니요'?", PENDING)
