from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from ecommerce_agent.domain.orders import (
    ACTION_MATRIX, Action, Allowed, Denied, OrderStatus as S, add_months, claim_deadline, decide,
)
from tests.support.factories import NOW, item, order

A = Action
# The issue's table, written out independently of the implementation:
# status -> (label, allowed actions). Claims additionally depend on the windows.
EXPECTED = {
    S.PENDING: ("결제대기", {A.CANCEL, A.CHANGE_ADDRESS}),
    S.PAID: ("결제완료", {A.CANCEL, A.CHANGE_ADDRESS}),
    S.PREPARING: ("상품준비중", {A.CANCEL, A.CHANGE_ADDRESS}),
    S.SHIPPED: ("배송중", set()),
    S.DELIVERED: ("배송완료", {A.RETURN, A.EXCHANGE, A.DEFECT}),
    S.CANCELLED: ("주문취소", set()),
    S.RETURN_REQUESTED: ("반품접수", set()),
    S.RETURNED: ("반품완료", set()),
    S.EXCHANGE_REQUESTED: ("교환접수", set()),
}
RESULT = {A.CANCEL: S.CANCELLED, A.CHANGE_ADDRESS: None, A.RETURN: S.RETURN_REQUESTED,
          A.EXCHANGE: S.EXCHANGE_REQUESTED, A.DEFECT: S.RETURN_REQUESTED}


def test_every_status_has_exactly_the_issue_label() -> None:
    assert {s: s.label for s in S} == {s: label for s, (label, _) in EXPECTED.items()}


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", list(A))
def test_every_cell_of_the_matrix(status: S, action: A) -> None:
    # delivered one day ago: inside every claim window
    decision = decide(order(status, delivered_days_ago=1 if status is S.DELIVERED else None),
                      action, NOW)
    allowed = action in EXPECTED[status][1]
    assert isinstance(decision, Allowed) is allowed
    if allowed:
        assert decision.new_status is RESULT[action]
    else:
        assert isinstance(decision, Denied)
        assert decision.reason and decision.reason.isascii() and " " not in decision.reason
        assert any("가" <= ch <= "힣" for ch in decision.message)  # a Korean explanation
        assert not decision


def test_matrix_has_no_status_missing() -> None:
    assert set(ACTION_MATRIX) == set(S)


@pytest.mark.parametrize(("status", "action", "reason", "phrase"), [
    (S.SHIPPED, A.CANCEL, "already_shipped", "배송 완료 후 반품 신청이 가능합니다"),
    (S.DELIVERED, A.CANCEL, "already_delivered", "반품 신청이 가능합니다"),
    (S.SHIPPED, A.RETURN, "not_delivered_yet", "배송 완료 후"),
    (S.PAID, A.RETURN, "not_shipped_yet", "주문 취소"),
    (S.CANCELLED, A.CANCEL, "already_cancelled", "이미 취소된"),
    (S.SHIPPED, A.CHANGE_ADDRESS, "already_shipped", "상품준비중 단계까지만"),
    (S.RETURN_REQUESTED, A.EXCHANGE, "return_in_progress", "반품"),
    (S.EXCHANGE_REQUESTED, A.CANCEL, "exchange_in_progress", "교환"),
])
def test_refusals_explain_the_next_step(status: S, action: A, reason: str, phrase: str) -> None:
    decision = decide(order(status), action, NOW)
    assert isinstance(decision, Denied)
    assert decision.reason == reason
    assert phrase in decision.message


KST_MIDNIGHT = datetime(2026, 11, 1, 15, 0, tzinfo=UTC)  # 2026-11-02 00:00 KST


@pytest.mark.parametrize("action", [A.RETURN, A.EXCHANGE])
def test_change_of_mind_window_is_seven_days_from_receipt(action: A) -> None:
    delivered = KST_MIDNIGHT + timedelta(hours=10)  # received 2026-11-02 10:00 KST
    o = replace(order(S.DELIVERED), delivered_at=delivered)
    last_day = KST_MIDNIGHT + timedelta(days=7, hours=23, minutes=59)  # 2026-11-09 23:59 KST
    assert isinstance(decide(o, action, last_day), Allowed)
    late = decide(o, action, last_day + timedelta(minutes=2))
    assert isinstance(late, Denied) and late.reason == "return_window_expired"
    assert "2026년 11월 9일" in late.message and "3개월" in late.message


def test_defect_window_is_three_months_from_receipt() -> None:
    o = replace(order(S.DELIVERED), delivered_at=datetime(2026, 8, 30, 3, 0, tzinfo=UTC))
    assert claim_deadline(A.DEFECT, o.delivered_at) == date(2026, 11, 30)
    assert isinstance(decide(o, A.DEFECT, datetime(2026, 11, 30, 14, 0, tzinfo=UTC)), Allowed)
    late = decide(o, A.DEFECT, datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # 12-01 00:00 KST
    assert isinstance(late, Denied) and late.reason == "defect_window_expired"
    # a defect is still claimable when change of mind no longer is
    mid = datetime(2026, 10, 1, 3, 0, tzinfo=UTC)
    assert isinstance(decide(o, A.RETURN, mid), Denied)
    assert isinstance(decide(o, A.DEFECT, mid), Allowed)


def test_claim_without_delivery_date_is_refused_not_guessed() -> None:
    decision = decide(order(S.DELIVERED), A.RETURN, NOW)
    assert isinstance(decision, Denied) and decision.reason == "delivery_date_unknown"


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 10, 15), 3, date(2027, 1, 15)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_summary_names_first_item_and_count() -> None:
    o = order(S.PAID)
    assert o.summary == "무선 이어폰"
    assert replace(o, items=(item(), item(product_id="P2"))).summary == "무선 이어폰 외 1건"
