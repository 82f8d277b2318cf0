"""The output guard: no other shopper's identifiers, PII masked, ids/dates/amounts untouched."""

from __future__ import annotations

import re

import pytest

from ecommerce_agent.guardrails import CrossUserGuard, GuardrailsConfig, OutputGuard, UserScope
from ecommerce_agent.guardrails.config import CrossUserSection

SCOPE = UserScope("U000001", order_ids=frozenset({"ord_20261126_0001", "ORD-20261120-0003"}),
                  ticket_ids=frozenset({"tkt-20261126-7f3k2q"}), emails=frozenset({"Demo@Example.com"}))
GUARD = OutputGuard.from_config()


def test_the_shoppers_own_identifiers_pass() -> None:
    reply = ("고객님(U000001)의 주문 ORD-20261126-0001 과 ord_20261120_0003 은 배송 중이며, "
             "문의 TKT-20261126-7F3K2Q 는 처리 중입니다. 2026-11-28 도착 예정, 결제 금액 45,000원.")
    verdict = GUARD.check(reply, SCOPE)
    assert verdict.text == reply and not verdict.refused and verdict.tripped == ()


@pytest.mark.parametrize(("reply", "kind"), [
    ("주문 ORD-20261126-0002 는 취소되었습니다.", "order_id"),
    ("문의 TKT-20261125-ABCDEF 에 답변이 달렸습니다.", "ticket_id"),
    ("U000002 고객님의 주문입니다.", "user_id"),
    ("demo2@example.com 으로 안내 메일을 보냈습니다.", "email"),
])
def test_other_shoppers_identifiers_refuse_the_reply(reply: str, kind: str) -> None:
    verdict = GUARD.check(reply, SCOPE)
    assert verdict.refused and verdict.tripped == ("cross_user",)
    assert verdict.text.startswith("죄송합니다. 다른 고객님의 정보는 안내해 드릴 수 없습니다.")
    assert verdict.result("cross_user").info["kinds"] == {kind: 1}


def test_redact_mode_replaces_only_the_foreign_identifiers() -> None:
    guard = OutputGuard.from_config(GuardrailsConfig(cross_user=CrossUserSection(action="redact")))
    verdict = guard.check("ORD-20261126-0001 은 배송 중, ORD-20261126-0002 (demo2@example.com) 는 취소", SCOPE)
    assert not verdict.refused
    assert verdict.text == "ORD-20261126-0001 은 배송 중, [다른 고객 정보] ([다른 고객 정보]) 는 취소"


def test_staff_may_see_everyone() -> None:
    staff = UserScope("U000003", is_staff=True)
    assert not GUARD.check("ORD-20261126-0002 (U000002) 주문입니다", staff).refused


def test_the_shops_own_address_is_allowed() -> None:
    guard = CrossUserGuard(allowed_emails=frozenset({"help@shop.example.com"}))
    assert not guard.check("문의는 help@shop.example.com 으로 주세요", SCOPE).tripped
    assert guard.check("문의는 other@shop.example.com 으로 주세요", SCOPE).tripped


def test_without_a_scope_every_identifier_is_foreign() -> None:
    assert CrossUserGuard().check("ORD-20261126-0001 배송 중").tripped


def test_custom_user_id_shape() -> None:
    guard = CrossUserGuard(user_id_pattern=re.compile(r"\bcust-\d{4}\b"))
    assert guard.check("cust-0042 님 주문", UserScope("cust-0001")).tripped
    assert not guard.check("cust-0001 님 주문", UserScope("cust-0001")).tripped


def test_pii_in_replies_is_masked_without_touching_ids_dates_or_amounts() -> None:
    reply = ("ORD-20261126-0001 주문(2026.11.26, 45,000원, 3개)의 환불은 국민 482301-01-553920 계좌로 "
             "11월 28일 14:00까지 입금되며, 010-9876-5432 로 안내 문자를 드립니다. 운송장 6123-4455-0981.")
    verdict = GUARD.check(reply, SCOPE)
    assert verdict.text == reply.replace("482301-01-553920", "[계좌번호]").replace("010-9876-5432", "[전화번호]")
    assert verdict.tripped == ("pii",) and [s.type for s in verdict.pii] == ["account", "phone"]


def test_the_own_email_is_masked_like_any_pii() -> None:
    verdict = GUARD.check("영수증을 demo@example.com 으로 보냈습니다.", SCOPE)
    assert verdict.text == "영수증을 [이메일] 으로 보냈습니다." and not verdict.refused


def test_scope_canonicalises_what_it_is_given() -> None:
    scope = UserScope("U1", order_ids=frozenset({"ORD 20261126 0001"}), emails=frozenset({" A@B.COM "}))
    assert scope.order_ids == {"ORD-20261126-0001"} and scope.emails == {"a@b.com"}
