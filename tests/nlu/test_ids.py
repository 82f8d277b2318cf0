from __future__ import annotations

import pytest

from ecommerce_agent.nlu.ids import extract_order_id, extract_ticket_id, find_order_ids, mask_ids

OID = "ORD-20261126-0001"


@pytest.mark.parametrize("text", [
    "ORD-20261126-0001 취소해줘",
    "ord-20261126-0001 취소해줘",
    "ORD_20261126_0001 취소해줘",
    "ord_20261126_0001 취소해줘",
    "ORD 20261126 0001 취소해줘",
    "ORD - 20261126 - 0001 취소해줘",
    "ORD20261126-0001 취소해줘",
    "ORD–20261126–0001 취소해줘",  # en dash
    "ＯＲＤ－２０２６１１２６－０００１ 취소해줘",  # full-width
    "주문번호 ORD-20261126-0001",
    "주문번호:ORD-20261126-0001",
    "(ord-20261126-0001)",
    "주문번호 20261126-0001 취소",
    "20261126_0001 건 확인",
])
def test_order_id_surface_forms(text: str) -> None:
    assert extract_order_id(text) == OID


@pytest.mark.parametrize("particle", ["을", "를", "이", "가", "은", "는", "번", "로", "으로", "건", "에서", "이요"])
def test_order_id_with_a_glued_particle(particle: str) -> None:
    assert extract_order_id(f"ORD-20261126-0001{particle} 취소해줘") == OID
    assert extract_order_id(f"ord_20261126_0001{particle}취소해줘") == OID


@pytest.mark.parametrize("text", [
    "주문 취소해줘", "ORD-2026112-0001", "ORD-20261126-001", "ORD-20261126-00012", "전화 010-1234-5678",
    "20261399-0001 건",  # not a date: no bare id
    "RECORD-20261126-0001",
])
def test_no_order_id(text: str) -> None:
    assert extract_order_id(text) is None


def test_several_order_ids_are_found_in_order() -> None:
    found = find_order_ids("ORD-20261126-0002 말고 ord_20261125_0001이요")
    assert [m.value for m in found] == ["ORD-20261126-0002", "ORD-20261125-0001"]


@pytest.mark.parametrize(("text", "expected"), [
    ("TKT-20261124-KJ3H2G 처리됐나요?", "TKT-20261124-KJ3H2G"),
    ("tkt_20261124_kj3h2g 건 진행 상황", "TKT-20261124-KJ3H2G"),
    ("접수번호tkt-20261020-j06wpd두번이나문의했는데", "TKT-20261020-J06WPD"),
    ("TKT-20261126-E5R6T7번 처리 결과", "TKT-20261126-E5R6T7"),
    ("ＴＫＴ－２０２６１１２４－ＫＪ３Ｈ２Ｇ", "TKT-20261124-KJ3H2G"),
    ("티켓 없음", None),
    ("TKT-20261124-KJ3H2GX", None),
])
def test_ticket_ids(text: str, expected: str | None) -> None:
    assert extract_ticket_id(text) == expected


def test_a_ticket_id_is_not_an_order_id() -> None:
    assert extract_order_id("TKT-20261124-000123 확인") is None


def test_masking_keeps_the_particle() -> None:
    assert mask_ids("ORD-20261126-0001을 취소, TKT-20261124-KJ3H2G도", "O", "T") == "O을 취소, T도"
