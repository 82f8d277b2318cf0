"""Korean price expressions → inclusive ranges (search/price.py, shared with NLU)."""

from __future__ import annotations

import pytest

from ecommerce_agent.search.price import (normalize_amounts, parse_amount, parse_price_range,
                                          strip_prices)


@pytest.mark.parametrize(("text", "low", "high"), [
    ("5만 원대", 50_000, 59_999),
    ("5만원대 이어폰", 50_000, 59_999),
    ("만원대 선물", 10_000, 19_999),
    ("10만원대 헤드폰", 100_000, 199_999),
    ("15만원대", 150_000, 159_999),
    ("3만원 이하", None, 30_000),
    ("3만원이하로 보여줘", None, 30_000),
    ("3만 이하 이어폰", None, 30_000),
    ("3만원까지", None, 30_000),
    ("10000원 미만", None, 9_999),
    ("35,000원 미만", None, 34_999),
    ("2만원 이상", 20_000, None),
    ("2만원부터", 20_000, None),
    ("4만 원 넘는 가방", 40_001, None),
    ("3~5만원", 30_000, 50_000),
    ("2만~3만원", 20_000, 30_000),
    ("2만원~3만원", 20_000, 30_000),
    ("3-5만원대", 30_000, 59_999),
    ("3만원에서 5만원 사이", 30_000, 50_000),
    ("2만원부터 5만원까지", 20_000, 50_000),
    ("2만원 이상 5만원 이하", 20_000, 50_000),
    ("3만5천원 이하", None, 35_000),
    ("1.5만원 이상", 15_000, None),
    ("오만원 이하", None, 50_000),
    ("5만원 정도", 40_000, 60_000),
    ("5천원짜리", 4_000, 6_000),
])
def test_price_ranges(text: str, low: int | None, high: int | None) -> None:
    found = parse_price_range(text)
    assert found is not None, text
    assert (found.min_price, found.max_price) == (low, high)


@pytest.mark.parametrize("text", [
    "3만원 이어폰",        # a bare amount: no qualifier, no constraint
    "사이즈 250 이하",      # no 원, no unit: a size, not a price
    "회사원 할인",          # 사 + 원 inside a word is not 4원
    "반품 배송비 얼마에요",
    "5만사이즈",
    "",
])
def test_not_a_price_constraint(text: str) -> None:
    assert parse_price_range(text) is None


def test_range_contains_and_text() -> None:
    found = parse_price_range("블루투스 이어폰 5만 원대로 찾아줘")
    assert found is not None and found.text == "5만 원대"
    assert found.contains(50_000) and found.contains(59_999)
    assert not found.contains(60_000) and not found.contains(49_999)


@pytest.mark.parametrize(("text", "value"), [
    ("35,000", 35_000), ("35000원", 35_000), ("3만5천", 35_000), ("3만 5000", 35_000),
    ("3.5만", 35_000), ("만", 10_000), ("만원", 10_000), ("십만", 100_000), ("오만", 50_000),
    ("천", 1_000), ("1억2천만", 120_000_000), ("abc", None), ("", None),
])
def test_amounts(text: str, value: int | None) -> None:
    assert parse_amount(text) == value


def test_strip_prices_keeps_the_rest() -> None:
    assert strip_prices("5만원 이하 블루투스 이어폰") == "블루투스 이어폰"
    assert strip_prices("전자기기 3~5만원 추천") == "전자기기 추천"
    assert strip_prices("3만원 이어폰") == "3만원 이어폰"  # not a constraint: kept


def test_amounts_are_normalised_for_matching() -> None:
    assert normalize_amounts("왕복 6,000원, 6천원, 3만원 이상, 회사원") == \
        "왕복 6000원, 6000원, 30000원 이상, 회사원"
