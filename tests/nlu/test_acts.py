"""Dialogue acts read from the phrase lexicon (nlu/acts.py), the address finder and
understanding in context (a "no" denies only while a yes/no question is open)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.errors import ConfigError
from ecommerce_agent.nlu.acts import read_acts
from ecommerce_agent.nlu.address import find_address
from ecommerce_agent.nlu.lexicon import parse_dialogue


@pytest.mark.parametrize(("text", "address"), [
    ("배송지를 부산광역시 중구 중앙대로 1로 바꿔줘", "부산광역시 중구 중앙대로 1"),
    ("서울특별시 종로구 세종대로 175로 변경해주세요", "서울특별시 종로구 세종대로 175"),
    ("경기도 성남시 분당구 판교역로 235 101동 202호로 수정", "경기도 성남시 분당구 판교역로 235 101동 202호"),
    ("인천광역시 연수구 송도과학로 32 3층", "인천광역시 연수구 송도과학로 32 3층"),
    ("부산 해운대구 센텀로 12 101동 1203호", "부산 해운대구 센텀로 12 101동 1203호"),
    ("주소 바꿔주세요", None),
    ("3만원 이하 이어폰", None),
])
def test_address(text: str, address: str | None) -> None:
    assert find_address(text) == address


@pytest.mark.parametrize(("text", "expected"), [
    ("박스도 같이 보내야 돼요?", {"question"}),
    ("반품해 주세요", {"request"}),
    ("취소해 주실 수 있나요?", {"question", "request"}),
    ("아 그거 아니고 헤드폰이요", {"correction"}),
    ("아 진짜 짜증나네 몇 번을 말해요", {"negative"}),
    ("네 감사합니다 수고하세요", {"thanks", "bye"}),
    ("넌 누구야?", {"identity"}),
    ("뭘 도와줄 수 있는데?", {"capabilities"}),
    ("문 앞에 뒀다는데 아무것도 없어요", {"lost_parcel"}),
    ("그만할게요", {"abort"}),
    ("아니 둘 다요", {"all"}),
    ("그럼 처리된 거죠?", {"done_check"}),
    ("교환은요?", {"elliptical"}),
    ("네 알겠어요", {"ack"}),
])
def test_acts(text: str, expected: set[str]) -> None:
    acts = read_acts(text)
    assert {name for name in expected if getattr(acts, name)} == expected, text


def test_filters_numbers_and_nouns() -> None:
    assert read_acts("배송중인 것만 보여줘").statuses == ("shipped",)
    assert read_acts("최근 거 3개만").count == 3
    assert read_acts("2번").list_number == 2 and read_acts("3만원 이하").list_number is None
    assert read_acts("머그컵 하나만 다른 색으로 바꿔 주세요").quantity == 1
    assert read_acts("그 패딩이요").nouns == ("패딩",)
    assert read_acts("불량품 신고하려고요").nouns == ()  # a claim word, not a product
    assert read_acts("깨졌는데 환불해 주세요").actions[:2] == ("defect", "return")


def test_a_bad_pattern_stops_with_the_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "dialogue.yaml"
    bad.write_text("question: ['(']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="request"):  # the first missing key is named
        parse_dialogue(bad)
    source = Path(__file__).resolve().parents[2] / "data/lexicons/dialogue.yaml"
    bad.write_text(source.read_text(encoding="utf-8").replace("- '\\?'", "- '(?'", 1), encoding="utf-8")
    with pytest.raises(ConfigError, match="'question'"):
        parse_dialogue(bad)


def test_no_denies_only_while_a_question_is_open(fast_nlu) -> None:  # noqa: ANN001
    text = "돈 안 넣을 거니까 그 주문 없애 주세요"
    assert fast_nlu.understand(text, expecting=None).intent == "order.cancel"
    assert fast_nlu.understand("아니요", expecting="confirm").intent == "dialog.deny"
    assert fast_nlu.understand("아니요", expecting=None).intent == "dialog.deny"  # a bare no stays a no
