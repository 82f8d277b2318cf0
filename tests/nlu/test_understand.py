"""The public contract: ``Nlu.understand`` → ``Understanding``."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from ecommerce_agent.domain.tickets import IssueType
from ecommerce_agent.nlu import INTENTS, Nlu, Understanding
from ecommerce_agent.nlu.dates import DateRange
from ecommerce_agent.nlu.engine import Nlu as EngineNlu

from .conftest import MODEL_DIR

NOW = datetime.fromisoformat("2026-11-26T12:00:00+09:00")


@pytest.mark.parametrize(("text", "intent"), [
    ("환불 정책 알려줘", "policy"),
    ("환불해 주세요", "claim.refund"),
    ("취소 수수료 있어요?", "policy"),
    ("취소해줘", "order.cancel"),
    ("취소하지 마세요", "dialog.deny"),
    ("주문내역좀보여줘", "order.list"),
    ("환불해주새요", "claim.refund"),
    ("ORD-20261126-0001을 취소해줘", "order.cancel"),
    ("상담원 연결해 주세요", "handoff"),
    ("3만원 이하 이어폰 있어?", "product.search"),
])
def test_contrasts(nlu: Nlu, text: str, intent: str) -> None:
    assert nlu.understand(text).intent == intent


@pytest.mark.parametrize(("text", "intent"), [("ㅇㅇ", "dialog.confirm"), ("네", "dialog.confirm"),
                                              ("넵넵!", "dialog.confirm"), ("아뇨", "dialog.deny"),
                                              ("ㄴㄴ", "dialog.deny")])
def test_bare_answers_come_from_the_rule_layer(fast_nlu: Nlu, text: str, intent: str) -> None:
    result = fast_nlu.understand(text)
    assert (result.intent, result.source, result.uncertain) == (intent, "rule", False)
    assert intent not in {a.intent for a in result.alternatives}


@pytest.mark.parametrize("text", ["환불 정책 알려줘", "ㅇㅇ", "asdfgh", "", "?", "ORD-20261126-0001",
                                  "배송 언제 와요? 그리고 환불도 되나요? 상담원도요"])
def test_confidence_is_a_probability_and_alternatives_are_ranked(nlu: Nlu, text: str) -> None:
    result = nlu.understand(text)
    assert result.intent in INTENTS
    assert 0.0 <= result.confidence <= 1.0
    assert len(result.alternatives) == 3
    scores = [a.confidence for a in result.alternatives]
    assert scores == sorted(scores, reverse=True)
    assert all(0.0 <= s <= 1.0 for s in scores)
    if result.source != "rule":
        assert result.confidence >= scores[0]
        assert result.confidence + sum(scores) <= 1.0 + 1e-3


def test_uncertain_below_the_threshold() -> None:
    strict = EngineNlu.load(MODEL_DIR, confidence_threshold=0.999)
    relaxed = EngineNlu.load(MODEL_DIR, confidence_threshold=0.0)
    text = "음 그게 좀"
    low = strict.understand(text)
    assert low.confidence < 0.999 and low.uncertain
    assert not relaxed.understand(text).uncertain
    with pytest.raises(ValueError):
        EngineNlu.load(MODEL_DIR, confidence_threshold=1.5)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.8])
def test_uncertain_exactly_when_below_the_threshold(threshold: float) -> None:
    nlu = EngineNlu.load(MODEL_DIR, confidence_threshold=threshold)
    for text in ["환불 정책 알려줘", "음 그게 좀", "ㅁㄴㅇㄹ qwer", "배송", "그거요", "네", "사장님 바꿔요"]:
        result = nlu.understand(text)
        assert result.uncertain == (result.confidence < threshold)


def test_slots_and_dates(nlu: Nlu) -> None:
    result = nlu.understand("ord_20261120_0046을 사이즈가 안 맞아서 환불해 주세요", now=NOW)
    assert result.intent == "claim.refund"
    assert result.slots.order_id == "ORD-20261120-0046"
    assert result.slots.issue_type == IssueType.REFUND
    assert result.slots.reason == "사이즈가 안 맞아서"
    listing = nlu.understand("지난달 주문 목록 보여줘", now=NOW)
    assert listing.intent == "order.list" and listing.slots.date_ref == "지난달"
    assert listing.slots.date_range == DateRange(date(2026, 10, 1), date(2026, 10, 31))
    search = nlu.understand("5만원대 블루투스 스피커 추천해줘")
    assert search.intent == "product.search"
    assert (search.slots.query, search.slots.price_min, search.slots.price_max) == ("블루투스 스피커", 50000, 59999)
    assert nlu.understand("두번째 주문 배송 어디쯤이에요").slots.ordinal == 2
    assert nlu.understand("방금 그 주문 취소해줘").slots.anaphora


def test_result_is_immutable_and_serialisable(fast_nlu: Nlu) -> None:
    result = fast_nlu.understand("어제 주문한 거 취소해줘", now=NOW)
    assert isinstance(result, Understanding)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.intent = "general"  # type: ignore[misc]
    data = result.as_dict()
    assert data["intent"] == result.intent and data["slots"]["date_ref"] == "어제"
    assert data["slots"]["date_range"] == ["2026-11-25", "2026-11-25"]
    assert isinstance(data["alternatives"][0]["confidence"], float)


def test_naive_now_is_refused(fast_nlu: Nlu) -> None:
    with pytest.raises(ValueError):
        fast_nlu.understand("어제 주문", now=datetime(2026, 11, 26, 12))


def test_same_text_same_result(nlu: Nlu) -> None:
    assert nlu.understand("배송 언제 와요", now=NOW) == nlu.understand("배송 언제 와요", now=NOW)
