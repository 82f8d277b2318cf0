"""Korean price expressions → inclusive ranges: the one parser product search
and the NLU slots share (``domain.prices``)."""

from __future__ import annotations

import pytest

from ecommerce_agent.domain.prices import (
    PriceRange,
    find_amounts,
    normalize_amounts,
    parse_amount,
    parse_price_range,
    strip_prices,
)


def bounds(text: str, *, approximate: bool = True) -> tuple[int | None, int | None] | None:
    found = parse_price_range(text, approximate=approximate)
    return None if found is None else (found.min_price, found.max_price)


@pytest.mark.parametrize(("text", "low", "high"), [
    # bands: the width is the place of the last non-zero digit
    ("5만 원대", 50_000, 59_999),
    ("5만원대 이어폰", 50_000, 59_999),
    ("5만원대 블루투스 스피커", 50_000, 59_999),
    ("만원대 선물", 10_000, 19_999),
    ("1만원대 선물", 10_000, 19_999),
    ("3천원대 볼펜", 3_000, 3_999),
    ("10만원대 헤드폰", 100_000, 199_999),
    ("15만원대", 150_000, 159_999),
    ("20만원대모니터추천", 200_000, 299_999),  # glued to the next word
    ("5만원대로 보여줘", 50_000, 59_999),
    # at most
    ("3만원 이하", None, 30_000),
    ("3만원이하로 보여줘", None, 30_000),
    ("3만 이하 이어폰", None, 30_000),
    ("3만 원 이하", None, 30_000),
    ("3만원까지", None, 30_000),
    ("10만원 안쪽으로 운동화", None, 100_000),
    ("5만원 선에서 추천", None, 50_000),
    ("5만원 넘지 않는 걸로", None, 50_000),
    ("예산 5만원인데 선물", None, 50_000),
    ("안녕하세요예산5만원으로남친선물추천", None, 50_000),
    ("질문이요만원이하양말세트", None, 10_000),  # "만원" glued to the word before
    ("만원 이하 양말", None, 10_000),
    ("3만5천원 이하", None, 35_000),
    ("1만5천원 이하", None, 15_000),
    ("오만원 이하", None, 50_000),
    # less than
    ("10000원 미만", None, 9_999),
    ("10000원미만텀블러", None, 9_999),
    ("35,000원 미만", None, 34_999),
    ("2만 5천 원 미만", None, 24_999),
    ("2만원보다 싼 거", None, 19_999),
    # at least / more than
    ("2만원 이상", 20_000, None),
    ("10,000원 이상", 10_000, None),
    ("2만원부터", 20_000, None),
    ("1.5만원 이상", 15_000, None),
    ("4만 원 넘는 가방", 40_001, None),
    ("5만원 초과", 50_001, None),
    # "more than N, not that": the shopper wants cheaper
    ("4만원 넘는 운동화 말고 싼 거", None, 40_000),
    ("2만원 넘는 거 말고 그 아래로 장갑 보여줘", None, 20_000),
    # ranges
    ("3~5만원", 30_000, 50_000),
    ("3만~5만원", 30_000, 50_000),
    ("2만~3만원", 20_000, 30_000),
    ("2만원~3만원", 20_000, 30_000),
    ("3-5만원대", 30_000, 59_999),
    ("3만원에서 5만원 사이", 30_000, 50_000),
    ("3만원에서 5만원 사이 니트", 30_000, 50_000),
    ("2만원부터 5만원까지", 20_000, 50_000),
    ("2만원 이상 5만원 이하", 20_000, 50_000),
    ("3만 원 이상 5만 원 이하 우산", 30_000, 50_000),
    # approximate: ±20 % for search
    ("5만원 정도", 40_000, 60_000),
    ("5천원짜리", 4_000, 6_000),
])
def test_price_ranges(text: str, low: int | None, high: int | None) -> None:
    assert bounds(text) == (low, high), text


@pytest.mark.parametrize("text", [
    "3만원 이어폰",        # a bare amount: no qualifier, no constraint
    "사이즈 250 이하",      # no 원, no unit: a size, not a price
    "운동화 260 사이즈 이하",
    "회사원 할인",          # 사 + 원 inside a word is not 4원
    "반품 배송비 얼마에요",
    "5만사이즈",
    "몇 만원 이상 사면 무료배송",  # no amount is named
    "몇만원이상",
    "오늘만 할인",
    "무료배송 상품",
    "3만원 대신 5만원",     # "대신" is no band
    "볼 만한 영화",
    "",
])
def test_not_a_price_constraint(text: str) -> None:
    assert parse_price_range(text) is None


@pytest.mark.parametrize("text", ["만 원 정도 하는 문구 세트", "3만원짜리 이어폰", "5만원 내외로"])
def test_approximate_amounts_can_be_left_out(text: str) -> None:
    """The NLU's labelling rules annotate no slot for "N 정도"; search widens it."""
    assert parse_price_range(text, approximate=False) is None
    assert parse_price_range(text) is not None


def test_range_contains_and_text() -> None:
    found = parse_price_range("블루투스 이어폰 5만 원대로 찾아줘")
    assert found is not None and found.text == "5만 원대"
    assert found.contains(50_000) and found.contains(59_999)
    assert not found.contains(60_000) and not found.contains(49_999)
    assert PriceRange(None, 30_000).contains(0) and not PriceRange(10, None).contains(9)


@pytest.mark.parametrize(("text", "value"), [
    ("35,000", 35_000), ("35000원", 35_000), ("3만5천", 35_000), ("3만 5000", 35_000),
    ("3.5만", 35_000), ("3.5만원", 35_000), ("1만5천원", 15_000), ("만", 10_000), ("만원", 10_000),
    ("십만", 100_000), ("오만", 50_000), ("천", 1_000), ("1억2천만", 120_000_000),
    ("abc", None), ("사과", None), ("", None),
])
def test_amounts(text: str, value: int | None) -> None:
    assert parse_amount(text) == value


def test_amounts_found_in_text() -> None:
    """Money with 원 or a digit and a unit; not "만" in "볼 만한", nor "백" in "백팩"."""
    text = "6만 원대 백팩 볼 만한 거 3만5천원 이하, 250 사이즈, 2만"
    assert [(a.value, text[a.start:a.end]) for a in find_amounts(text)] == [
        (60_000, "6만 원"), (35_000, "3만5천원"), (20_000, "2만")]
    assert [a.value for a in find_amounts("질문이요만원이하")] == [10_000]
    assert find_amounts("몇 만원 이상") == []


def test_strip_prices_keeps_the_rest() -> None:
    assert strip_prices("5만원 이하 블루투스 이어폰") == "블루투스 이어폰"
    assert strip_prices("전자기기 3~5만원 추천") == "전자기기 추천"
    assert strip_prices("3만원 넘지 않는 선물용 핸드크림") == "선물용 핸드크림"
    assert strip_prices("예산 5만원 선물") == "선물"
    assert strip_prices("3만원 이어폰") == "3만원 이어폰"  # not a constraint: kept


def test_amounts_are_normalised_for_matching() -> None:
    assert normalize_amounts("왕복 6,000원, 6천원, 3만원 이상, 회사원") == \
        "왕복 6000원, 6000원, 30000원 이상, 회사원"
