"""Computations with the shopper's numbers, from the rules of facts.yaml."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from ecommerce_agent.agent.answers.compute import compute, fill
from ecommerce_agent.agent.answers.facts import FactTable, Rule
from ecommerce_agent.agent.answers.lexicon import Lexicon
from ecommerce_agent.agent.answers.question import read_question
from ecommerce_agent.domain.clock import KST

THURSDAY_NOON = datetime(2026, 11, 26, 12, 0, tzinfo=KST)


def rule(facts: FactTable, rule_id: str) -> Rule:
    return next(r for r in facts.rules if r.rule_id == rule_id)


def run(facts: FactTable, lexicon: Lexicon, rule_id: str, question: str, **kw):  # noqa: ANN003, ANN201
    out = compute(rule(facts, rule_id), read_question(question, lexicon), kw.pop("now", THURSDAY_NOON), **kw)
    assert out is not None
    return out


def test_a_sunday_evening_order_ships_on_monday(facts: FactTable, lexicon: Lexicon) -> None:
    out = run(facts, lexicon, "dispatch-cutoff", "일요일 저녁에 주문하면 언제 출고돼요?")
    assert "11월 30일 월요일에 출고" in out.text
    assert "12월 1일 화요일~12월 3일 목요일" in out.text  # then 1~3 business days


@pytest.mark.parametrize(("question", "ships", "verdict"), [
    ("수요일 오후 3시에 결제하면 언제 나가요?", "12월 3일 목요일에 출고", None),
    ("오늘 오전 11시에 결제하면 오늘 출고돼요?", "11월 26일 목요일에 출고", "yes"),
    ("오전 11시에 주문하고 입금은 오후 4시에 하면 오늘 출고돼요?", "11월 27일 금요일에 출고", "no"),
    ("토요일에 주문하면 언제 출고돼요", "11월 30일 월요일에 출고", None),
])
def test_dispatch_day(facts: FactTable, lexicon: Lexicon, question: str, ships: str, verdict: str | None) -> None:
    out = run(facts, lexicon, "dispatch-cutoff", question)
    assert ships in out.text and out.verdict == verdict


def test_thresholds(facts: FactTable, lexicon: Lexicon) -> None:
    below = run(facts, lexicon, "free-shipping", "2만8천원어치 사면 배송비 내야 돼요?")
    assert below.verdict == "yes" and "28,000원은 30,000원 미만" in below.text and "2,000원을" in below.text
    free = run(facts, lexicon, "free-shipping", "3만2천원이면 무료배송 돼요?")
    assert free.verdict == "yes" and "무료" in free.text
    points = run(facts, lexicon, "points-minimum", "적립금 500포인트 있는데 쓸 수 있어요?")
    assert points.verdict == "no" and "500포인트로는" in points.text
    age = run(facts, lexicon, "age-minimum", "저 만 13살인데 회원가입 돼요?")
    assert age.verdict == "no" and "14세" in age.text


def test_windows_with_the_shoppers_days_or_their_order(facts: FactTable, lexicon: Lexicon) -> None:
    assert run(facts, lexicon, "return-window", "닷새 전에 받은 옷 반품 돼요?").verdict == "yes"
    late = run(facts, lexicon, "return-window", "받은 지 9일 지났어요. 반품 될까요?")
    assert late.verdict == "no" and "3개월" in late.text  # the exception that still applies
    delivered = THURSDAY_NOON - timedelta(days=3)
    ordered = run(facts, lexicon, "return-window", "반품 돼요?", delivered_at=delivered)
    assert ordered.verdict == "yes" and "2026년 11월 30일까지" in ordered.text
    assert compute(rule(facts, "return-window"), read_question("불량인데 닷새 됐어요 반품 돼요?", lexicon),
                   THURSDAY_NOON) is None  # a defect is not the change-of-mind window
    assert run(facts, lexicon, "auto-confirm", "배송완료 3일째인데 자동 구매확정 됐어요?").verdict == "no"


def test_service_hours(facts: FactTable, lexicon: Lexicon) -> None:
    saturday = run(facts, lexicon, "agent-hours", "상담원 토요일에도 있어요?")
    assert saturday.verdict == "no" and "12월 1일" not in saturday.text and "월요일" in saturday.text
    lunch = run(facts, lexicon, "agent-hours", "평일 12시 반에 상담원 연결 돼요?")
    assert lunch.verdict == "no" and "점심시간" in lunch.text
    assert run(facts, lexicon, "agent-hours", "화요일 오후 3시에 상담원 있어요?").verdict == "yes"


def test_fees_computed_for_a_region_and_a_return(facts: FactTable, lexicon: Lexicon) -> None:
    assert "총 12,000원" in run(facts, lexicon, "region-fees", "제주도에서 단순변심 교환하면 배송비 얼마?").text
    assert "총 6,000원" in run(facts, lexicon, "region-fees", "제주도로 만오천원어치 주문하면 배송비 총 얼마?").text
    defect = run(facts, lexicon, "region-fees", "백령도 사는데 불량 반품도 추가배송비 내요?")
    assert defect.verdict == "no" and "부담" in defect.text
    refund = run(facts, lexicon, "return-refund", "무료배송으로 4만원짜리 샀는데 변심 반품하면 얼마 돌려받아요?")
    assert "34,000원" in refund.text
    assert "4,000원" in run(facts, lexicon, "gift-wrap-price", "선물포장 2개 하면 얼마에요?").text
    assert "1,500원" in run(facts, lexicon, "delay-interest", "5만원 환불이 73일 늦어지면 배상금 얼마에요").text


def test_particles_fit_the_number() -> None:
    assert fill("{n}은(는) 기준 미만", n="28,000원") == "28,000원은 기준 미만"
    assert fill("{n}(으)로는 안 됩니다", n="500포인트") == "500포인트로는 안 됩니다"


def test_accrual_reviews_deadlines_and_refund_days(facts: FactTable, lexicon: Lexicon) -> None:
    gold = run(facts, lexicon, "accrual", "골드인데 10만원 결제하면 적립금 얼마나 쌓여요?")
    assert "3%" in gold.text and "3,000포인트" in gold.text
    assert "1,500포인트" in run(facts, lexicon, "review-points", "포토 리뷰 3개 쓰면 몇 포인트?").text
    late = run(facts, lexicon, "tax-invoice-deadline", "12월 결제한거 세금계산서 1월 15일에 신청해도 되나요?")
    assert late.verdict == "no" and "1월 10일까지" in late.text
    ok = run(facts, lexicon, "tax-invoice-deadline", "3월에 산 거 세금계산서 4월 8일에 신청해도 돼요?")
    assert ok.verdict == "yes" and "4월 10일까지" in ok.text
    refund = run(facts, lexicon, "refund-days", "반품이 월요일에 물류센터 도착했으면 환불 언제 돼요?")
    assert "11월 23일 월요일" in refund.text and "11월 26일 목요일까지" in refund.text


def test_deposit_window_points_expiry_and_inquiry_answer(facts: FactTable, lexicon: Lexicon) -> None:
    still = run(facts, lexicon, "deposit-deadline", "어제 오후 3시에 무통장으로 주문했는데 지금 입금해도 돼요?")
    assert still.verdict == "yes" and "11월 26일 목요일 15:00까지" in still.text
    assert run(facts, lexicon, "deposit-deadline", "어제 오전 10시에 주문했는데 지금 입금해도 되나요?").verdict == "no"
    expiry = run(facts, lexicon, "points-expiry", "작년 12월 1일에 쌓인 포인트 언제까지 써요?")
    assert "2026년 12월 1일까지" in expiry.text
    answer = run(facts, lexicon, "inquiry-answer", "금요일 오후 5시에 1:1 문의 남기면 답변 언제 와요?")
    assert "11월 27일 금요일" in answer.text and "11월 30일 월요일까지" in answer.text


@pytest.mark.parametrize(("question", "left", "verdict"), [
    ("5만원 주문에서 만원짜리 하나 빼면 배송비 붙나요?", "40,000원이 30,000원 이상", "no"),
    ("4만원 무배로 샀는데 2만원짜리 하나 취소하면 택배비 빠져요?", "20,000원이 30,000원 미만", "yes"),
    ("3만5천원 주문했는데 만원짜리 취소하면 무료배송 그대로예요?", "25,000원이 30,000원 미만", "no"),
])
def test_part_of_an_order_cancelled_against_the_free_shipping_line(facts: FactTable, lexicon: Lexicon, question: str,
                                                                    left: str, verdict: str) -> None:
    out = run(facts, lexicon, "partial-cancel-shipping", question)
    assert left in out.text and out.verdict == verdict


def test_an_amount_placed_in_the_tier_table(facts: FactTable, lexicon: Lexicon) -> None:
    assert "실버 등급" in run(facts, lexicon, "tier-bands", "6개월간 40만원 샀으면 등급 머에요").text
    assert "VIP 등급" in run(facts, lexicon, "tier-bands", "반년 동안 120만원 썼으면 등급 뭐예요?").text
    assert "일반 등급" in run(facts, lexicon, "tier-bands", "10만원 샀으면 등급은요?").text
