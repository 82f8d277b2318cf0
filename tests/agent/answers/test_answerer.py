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
