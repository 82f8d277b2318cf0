from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ecommerce_agent.domain.clock import KST
from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.nlu.dates import DateRange, find_date_ref, resolve_date_ref
from ecommerce_agent.nlu.refs import find_ordinal, has_anaphora
from ecommerce_agent.nlu.slots import extract_slots, strip_ids, ticket_issue_type

# Thursday 26 November 2026, 12:00 KST (03:00 UTC)
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=KST)


@pytest.mark.parametrize(("phrase", "start", "end"), [
    ("오늘", date(2026, 11, 26), date(2026, 11, 26)),
    ("어제", date(2026, 11, 25), date(2026, 11, 25)),
    ("그저께", date(2026, 11, 24), date(2026, 11, 24)),
    ("엊그제", date(2026, 11, 23), date(2026, 11, 24)),
    ("내일", date(2026, 11, 27), date(2026, 11, 27)),
    ("이번 주", date(2026, 11, 23), date(2026, 11, 29)),
    ("지난주", date(2026, 11, 16), date(2026, 11, 22)),
    ("저번 주", date(2026, 11, 16), date(2026, 11, 22)),
    ("지지난주", date(2026, 11, 9), date(2026, 11, 15)),
    ("이번 주말", date(2026, 11, 28), date(2026, 11, 29)),
    ("지난 주말", date(2026, 11, 21), date(2026, 11, 22)),
    ("이번 달", date(2026, 11, 1), date(2026, 11, 30)),
    ("지난달", date(2026, 10, 1), date(2026, 10, 31)),
    ("저번달", date(2026, 10, 1), date(2026, 10, 31)),
    ("지지난달", date(2026, 9, 1), date(2026, 9, 30)),
    ("올해", date(2026, 1, 1), date(2026, 12, 31)),
    ("작년", date(2025, 1, 1), date(2025, 12, 31)),
    ("재작년", date(2024, 1, 1), date(2024, 12, 31)),
    ("3일 전", date(2026, 11, 23), date(2026, 11, 23)),
    ("3일전", date(2026, 11, 23), date(2026, 11, 23)),
    ("이틀 전", date(2026, 11, 24), date(2026, 11, 24)),
    ("일주일 전", date(2026, 11, 16), date(2026, 11, 22)),
    ("두 달 전", date(2026, 9, 1), date(2026, 9, 30)),
    ("최근 한 달", date(2026, 10, 26), date(2026, 11, 26)),
    ("최근 3개월", date(2026, 8, 26), date(2026, 11, 26)),
    ("작년 겨울", date(2025, 12, 1), date(2026, 2, 28)),
    ("며칠 전", date(2026, 11, 20), date(2026, 11, 24)),
])
def test_relative_dates_resolve_in_kst(phrase: str, start: date, end: date) -> None:
    assert resolve_date_ref(phrase, NOW) == DateRange(start, end)


def test_resolution_uses_the_kst_calendar_day() -> None:
    just_after_midnight_kst = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)  # 00:30 KST on the 26th
    assert resolve_date_ref("오늘", just_after_midnight_kst) == DateRange(date(2026, 11, 26), date(2026, 11, 26))
    assert resolve_date_ref("어제", just_after_midnight_kst) == DateRange(date(2026, 11, 25), date(2026, 11, 25))


def test_month_arithmetic_at_year_start() -> None:
    january = datetime(2027, 1, 10, tzinfo=KST)
    assert resolve_date_ref("지난달", january) == DateRange(date(2026, 12, 1), date(2026, 12, 31))
    assert resolve_date_ref("지지난달", january) == DateRange(date(2026, 11, 1), date(2026, 11, 30))


def test_unknown_phrase_and_naive_now() -> None:
    assert resolve_date_ref("토요일", NOW) is None
    with pytest.raises(ValueError):
        resolve_date_ref("오늘", datetime(2026, 11, 26, 12))


@pytest.mark.parametrize(("text", "expected"), [
    ("어제 시킨 거 출고됐어?", "어제"),
    ("지난달에 넣은 문의", "지난달"),
    ("이번 주말에도 배송해 줘요?", "이번 주말"),
    ("최근 3개월 주문", "최근 3개월"),
    ("3일전에 결제했는데", "3일전"),
    ("이번 주문 취소", None),  # 주문, not 주
    ("토요일에 와요?", None),
    ("요즘 뭐가 잘 팔려요?", None),
])
def test_date_phrases_are_found_verbatim(text: str, expected: str | None) -> None:
    assert find_date_ref(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("첫 번째 주문 상세 보여줘", 1), ("첫번째꺼 자세히", 1), ("두번째 주문 발송됐나요", 2),
    ("두 번째 거", 2), ("세 번째 상품만 반품할게요", 3), ("2번째 주문", 2), ("마지막 주문 상세 내역", -1),
    ("맨 마지막 주문", -1), ("첫 구매인데요", None), ("몇 번째 주문인지 몰라요", None),
    ("두 번이나 문의했는데", None), ("주문 상세", None),
])
def test_ordinals(text: str, expected: int | None) -> None:
    assert find_ordinal(text) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("그거 취소해줘", True), ("방금 그 주문 배송 어디예요", True), ("그 주문 상세", True),
    ("이거 반품 되나요?", True), ("해당 주문 취소", True), ("아까 거 보여줘", True), ("그걸로 할게요", True),
    ("안녕하세요이거얼마였지?", True), ("그게 아니라", True),
    ("방금 주문한 거 취소", False), ("아까 산 거 배송", False), ("그렇게 해 주세요", False),
    ("그럼 취소해 주세요", False), ("저 주문 list 좀", False), ("이것저것 많이 시켜서", False),
    ("주문 내역 보여줘", False),
])
def test_anaphora(text: str, expected: bool) -> None:
    assert has_anaphora(text) is expected


@pytest.mark.parametrize(("text", "expected"), [
    ("환불 접수한 건 지금 어느 단계예요?", IssueType.REFUND),
    ("반품 회수 언제 와요?", IssueType.REFUND),
    ("교환 신청한 거 어떻게 됐어요", IssueType.EXCHANGE),
    ("불량 접수한 거 처리됐나요", IssueType.DEFECT),
    ("배송 지연 문의했는데 답이 없네요", IssueType.SHIPPING),
    ("1:1 문의 답변 왔어요?", IssueType.INQUIRY),
    ("접수된 민원 처리 결과", IssueType.OTHER),
    ("접수한 거 어떻게 됐어요", None),
])
def test_ticket_issue_type(text: str, expected: IssueType | None) -> None:
    assert ticket_issue_type(text) == expected


def test_slots_depend_on_the_intent() -> None:
    text = "ORD-20261126-0001 사이즈가 안 맞아서 환불해 주세요"
    refund = extract_slots(text, "claim.refund", now=NOW)
    assert refund.order_id == "ORD-20261126-0001" and refund.issue_type == IssueType.REFUND
    status = extract_slots(text, "order.status", now=NOW)
    assert status.order_id == "ORD-20261126-0001" and status.issue_type is None
    assert extract_slots("3만원 이하 이어폰", "policy", now=NOW).price_max is None
    assert extract_slots("3만원 이하 이어폰", "product.search", now=NOW).price_max == 30000
    # the parser is domain.prices (tests/domain/test_prices.py); approximate amounts are no slot
    assert extract_slots("3만원 정도 이어폰", "product.search", now=NOW).price_max is None
    assert extract_slots("5만원대 이어폰", "product.search", now=NOW).price_min == 50000


def test_date_range_needs_now() -> None:
    assert extract_slots("어제 주문한 거", "order.list", now=None).date_range is None
    resolved = extract_slots("어제 주문한 거", "order.list", now=NOW)
    assert resolved.date_ref == "어제" and resolved.date_range == DateRange(date(2026, 11, 25), date(2026, 11, 25))


def test_ids_hide_no_dates_or_ordinals() -> None:
    slots = extract_slots("ORD-20261126-0001 취소", "order.cancel", now=NOW)
    assert slots.date_ref is None and slots.ordinal is None and slots.price_min is None
    assert strip_ids("ORD-20261126-0001을 취소") == " " * 18 + " 취소"
    assert strip_ids("ord_20261126_0001번으로요 사이즈가 작아서") == " " * 21 + " 사이즈가 작아서"
