"""What carries the classifier beyond its training sentences: the shape view,
English words read as Korean, and phrasings found in neither data split."""

from __future__ import annotations

import json

import pytest

from ecommerce_agent.nlu.classifier import english_morphemes, views
from ecommerce_agent.nlu.engine import Nlu

from .conftest import TEST, TRAIN


def test_the_shape_view_forgets_which_noun_it_was() -> None:
    """A bare noun phrase looks the same whatever the nouns: "<s> NNG NNG </s>"."""
    assert views("전기 그릴")["shape"] == views("요가 블록")["shape"] == "<s> NNG NNG </s>"
    shape = views("가죽 장갑 있어요?")["shape"].split()
    assert shape[:3] == ["<s>", "NNG", "NNG"] and "있/VA" in shape and shape[-1] == "</s>"
    assert "ORD" not in views("ORD-20261126-0001 취소")["shape"]  # ids are masked first


def test_english_words_are_read_as_korean_morphemes() -> None:
    assert "환불/NNG" in views("refund please")["morph"].split()
    assert "택배/NNG" in views("where is my parcel")["morph"].split()
    assert english_morphemes("qwertyuiop") == ()
    # the character views keep the English as typed
    assert "refund" in views("refund please")["char_wb"]


# Written for this test: no line of either split is one of them.
UNSEEN = [
    ("캠핑용 버너", "product.search"),
    ("요가 블록", "product.search"),
    ("I want to return this", "claim.refund"),
    ("교환은 괜찮아요 그냥 쓸게요", "dialog.deny"),
    ("환불까지는 안 해도 돼요", "dialog.deny"),
    ("매니저님 좀 바꿔 주세요", "handoff"),
    ("택배가 사흘째 그대로예요", "order.status"),
    ("이 주문 포장 옵션 뭐였어요?", "order.detail"),
    ("지난달 주문 전부 보여줘", "order.list"),
    ("포인트 적립 기준이 뭐예요?", "policy"),
    ("반품 접수한 지 일주일 됐는데 아직 회수를 안 해 가요", "ticket.status"),
]


def test_the_probes_are_not_in_the_data() -> None:
    texts = {json.loads(line)["text"] for path in (TRAIN, TEST)
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    assert not {text for text, _ in UNSEEN} & texts


@pytest.mark.parametrize(("text", "intent"), UNSEEN)
def test_unseen_phrasings(fast_nlu: Nlu, text: str, intent: str) -> None:
    assert fast_nlu.understand(text).intent == intent
