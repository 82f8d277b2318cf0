"""The answer layer on everyday wording: the section that answers, and what it leads with."""

from __future__ import annotations

from datetime import datetime

import pytest

from ecommerce_agent.domain.clock import KST

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=KST)


@pytest.mark.parametrize(("question", "docs", "says"), [
    # the standard fee, not the fee of a return (a special case the question does not name)
    ("배송비 얼마야", {"shipping-fee", "faq"}, "3,000원"),
    # 보상 for a late refund is the delay compensation, not a dispute a person settles
    ("환불 늦어지면 보상 같은거 있어요?", {"refund-delay-interest", "refund-policy", "faq"}, "지연배상금"),
    # 늦어요 → 지연 (a stem the analyser leaves one letter of), found as the documents write it
    ("제주도는 배송 늦어요?", {"remote-area-shipping"}, "늦어질 수"),
    ("씨제이로 와요?", {"shipping-tracking", "privacy-collection"}, "CJ대한통운"),
    ("택배 안받고 돌려보내면 공짜로 취소되는 거죠?", {"order-cancellation"}, "반품 배송비"),
])
def test_everyday_words_find_the_section(answerer, question: str, docs: set[str], says: str) -> None:  # noqa: ANN001
    answer = answerer.answer(question, now=NOON)
    assert answer is not None and answer.doc_id in docs and says in answer.text, answer and answer.text


def test_a_yes_no_answer_reads_the_clause_about_what_is_asked(answerer) -> None:  # noqa: ANN001
    answer = answerer.answer("탈퇴하면 등급도 날아가나요", now=NOON)
    assert answer is not None and answer.text.startswith("네") and "소멸" in answer.text
    wrong_item = answerer.answer("빨간색 시켰는데 파란색 왔어요 택배비 제가 내나요?", now=NOON)
    assert wrong_item is not None and wrong_item.text.startswith("아니요") and "쇼핑몰" in wrong_item.text


def test_no_yes_or_no_from_a_sentence_that_does_not_say_what_is_asked(answerer) -> None:  # noqa: ANN001
    # 늦어져요 asks about a delay; the exchange fee the section leads with decides nothing about it
    answer = answerer.answer("사이즈 바꾸면 배송이 늦어져요?", now=NOON)
    assert answer is None or not answer.text.startswith(("네", "아니요")), answer.text
    # a sentence that does say it still answers yes
    answer = answerer.answer("제주도는 배송 늦어요?", now=NOON)
    assert answer is not None and answer.text.startswith("네")


@pytest.mark.parametrize(("question", "lead", "says"), [
    # a word listed as left out ("배송비 … 제외"): not included
    ("등급 정할 때 배송비도 같이 합산돼요?", "아니요", "제외"),
    # "청구하지 않으셔도 … 지급됩니다" is no refusal; "결제하지 않으셔도 됩니다" answers an obligation with no
    ("불량 교환이면 배송비 먼저 결제해야 하나요?", "아니요", "결제하지 않으셔도"),
    # a restriction denied is an allowance
    ("택배 상자만 열어봤는데 반품 돼요?", "네", "겉포장"),
    # lost is not given back
    ("회원 탈퇴하면 적립금 돈으로 돌려받을 수 있어요?", "아니요", "소멸"),
    # a sentence forbidding what a may-I question asks decides it
    ("예전 주문 때 받은 가상계좌로 입금해도 돼요?", "아니요", "입금하지 마세요"),
    # a later time answers "at once?" with no
    ("구매 금액 기준 넘으면 등급이 바로 바뀌어요?", "아니요", "다음 달 1일"),
    # 점심시간 is one word of the documents, not a moment and 시간
    ("점심시간에도 상담원 연결되나요?", "아니요", "12:00~13:00"),
])
def test_yes_no_from_what_the_facts_decide(answerer, question: str, lead: str, says: str) -> None:  # noqa: ANN001
    answer = answerer.answer(question, now=NOON)
    assert answer is not None and answer.text.startswith(lead) and says in answer.text, answer and answer.text


def test_the_benefit_paid_with_is_its_own_document(answerer) -> None:  # noqa: ANN001
    answer = answerer.answer("쿠폰으로 배송비까지 할인받을 수 있어요?", now=NOON)
    assert answer is not None and answer.doc_id == "coupon-policy" and answer.text.startswith("아니요"), answer
    answer = answerer.answer("적립금으로 배송비 결제 돼요?", now=NOON)
    assert answer is not None and answer.doc_id == "points-policy" and answer.text.startswith("네"), answer
