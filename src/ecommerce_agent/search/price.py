"""Korean price expressions: "3만원 이하", "5만 원대", "2만~3만원", "만원대".

Pure functions, no dependencies: product search uses them and so will the NLU
layer. Amounts are whole 원; every range is inclusive on both ends.

==================  ==========================  =========================
expression          meaning                     range
==================  ==========================  =========================
3만원 이하/이내/까지    at most                     ≤ 30,000
10000원 미만/아래/밑    less than                   ≤ 9,999
2만원 이상/부터/넘게    at least (넘게/초과: more)    ≥ 20,000 (> 20,000)
5만 원대              the band of the last digit  50,000–59,999
만원대 / 10만원대      (unit: trailing zeros)      10,000–19,999 / 100,000–199,999
3~5만원, 2만~3만원     a range; the unit carries   30,000–50,000
3만원에서 5만원 사이     a range                     30,000–50,000
5만원 정도/쯤/짜리     about (±20 %)               40,000–60,000
==================  ==========================  =========================

A bare amount ("3만원 이어폰") is no constraint: without a qualifier the
intent is unknown; nor is a number without 원 or a unit ("250 이하" may be a
shoe size). Several constraints combine ("2만원 이상 5만원 이하").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1_000}
_BIG_UNITS = {"만": 10_000, "억": 100_000_000}
ABOUT = 0.2  # "정도": ±20 %

# One amount: "35,000", "3.5만", "3만5천", "3만 5000", "만", "십만", "오만", "1억2천만".
# Hangul digits count only before a unit and never inside a word ("회사원" is no 4원),
# and a unit-first amount ("만원대") must not continue a word either.
_D = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_K = "[일이삼사오육칠팔구]"
_HEAD = rf"(?:(?<![\d.,]){_D}|(?<![가-힣]){_K}(?=[십백천만억])|(?<![가-힣\d.,])(?=[십백천만억]))"
_NEXT = rf"(?:\s?{_D}|{_K}(?=[십백천]))"
_BIG = rf"{_HEAD}[십백천]?[만억](?:{_NEXT}?[십백천]?[만억])*(?:{_NEXT}?[십백천])?(?:{_NEXT})?"
_SMALL = rf"{_HEAD}[십백천](?:{_NEXT}?[십백천])*(?:{_NEXT})?"
_AMOUNT = rf"(?:{_BIG}|{_SMALL}|(?<![\d.,]){_D})"
_UNIT_CHARS = frozenset("십백천만억")
_WON_AMOUNT = re.compile(rf"(?P<amount>{_AMOUNT})\s?원")
_RANGE = re.compile(
    rf"(?P<lo>{_AMOUNT})(?P<lo_won>\s?원)?\s*(?:~|∼|〜|-|–|에서|부터)\s*"
    rf"(?P<hi>{_AMOUNT})(?P<won>\s?원)?(?P<band>\s?대)?(?:\s?(?:까지|사이))?")
_SINGLE = re.compile(
    rf"(?P<amount>{_AMOUNT})(?P<won>\s?원)?(?P<band>\s?대)?"
    r"(?:\s*(?:(?P<le>이하|이내|까지|안쪽|안으로|내로)|(?P<lt>미만|아래|밑|보다\s?싼|보다\s?저렴)"
    r"|(?P<ge>이상|부터)|(?P<gt>초과|넘는|넘게|넘은|넘어|보다\s?비싼|위로)"
    r"|(?P<about>정도|쯤|내외|안팎|전후|짜리)))?")


@dataclass(frozen=True, slots=True)
class PriceRange:
    min_price: int | None  # inclusive; None: no lower bound
    max_price: int | None  # inclusive; None: no upper bound
    text: str  # the expression(s) found, as written

    def contains(self, price: int) -> bool:
        return ((self.min_price is None or price >= self.min_price)
                and (self.max_price is None or price <= self.max_price))


def parse_amount(text: str) -> int | None:
    """"35,000" / "3만5천" / "3.5만" / "만" / "오만" (with or without "원") → 원; else None."""
    text = re.sub(r"\s+", "", text).removesuffix("원")
    if not text or not re.fullmatch(rf"(?:{_AMOUNT})", text):
        return None
    total = 0
    for part, big in _split(text, _BIG_UNITS):
        value = _below_10000(part) if part else 1
        if value is None:
            return None
        total += round(value * big)
    return total


def parse_price_range(text: str) -> PriceRange | None:
    """The price constraint expressed in ``text``, or None if there is none."""
    found = _constraints(text)
    if not found:
        return None
    lo: int | None = None
    hi: int | None = None
    for _, (new_lo, new_hi) in found:
        if new_lo is not None:
            lo = new_lo if lo is None else max(lo, new_lo)
        if new_hi is not None:
            hi = new_hi if hi is None else min(hi, new_hi)
    return PriceRange(min_price=lo, max_price=hi,
                      text=" ".join(text[start:end].strip() for (start, end), _ in found))


def strip_prices(text: str) -> str:
    """``text`` without its price expressions (for the lexical part of a search)."""
    for (start, end), _ in reversed(_constraints(text)):
        text = f"{text[:start]} {text[end:]}"
    return re.sub(r"\s+", " ", text).strip()


def normalize_amounts(text: str) -> str:
    """Write every "…원" amount as plain digits ("6천원" → "6000원", "30,000원" →
    "30000원") so that differently written amounts match as one search term."""
    def plain(match: re.Match[str]) -> str:
        value = parse_amount(match.group("amount"))
        return match.group(0) if value is None else f"{value}원"

    return _WON_AMOUNT.sub(plain, text)


Bounds = tuple[int | None, int | None]


def _constraints(text: str) -> list[tuple[tuple[int, int], Bounds]]:
    """(span, bounds) of every price constraint, in text order."""
    found: list[tuple[tuple[int, int], Bounds]] = []
    for match in _RANGE.finditer(text):
        bounds = _range_bounds(match)
        if bounds is not None:
            found.append((match.span(), bounds))
    for match in _SINGLE.finditer(text):
        if any(start <= match.start() < end for (start, end), _ in found):
            continue
        single = _single_bounds(match)
        if single is not None:
            found.append((match.span(), single))
    return sorted(found)


def _is_money(amount: str, won: str | None) -> bool:
    """"250" alone may be a shoe size; "250원", "3만" and "5천" are money."""
    return bool(won) or any(ch in _UNIT_CHARS for ch in amount)


def _single_bounds(match: re.Match[str]) -> Bounds | None:
    value = parse_amount(match.group("amount"))
    if value is None or value <= 0 or not _is_money(match.group("amount"), match.group("won")):
        return None
    if match.group("band"):
        low, high = _band(value)
        if match.group("le") or match.group("lt"):
            return None, high if match.group("le") else low - 1
        if match.group("ge") or match.group("gt"):
            return low if match.group("ge") else high + 1, None
        return low, high
    if match.group("le"):
        return None, value
    if match.group("lt"):
        return None, value - 1
    if match.group("ge"):
        return value, None
    if match.group("gt"):
        return value + 1, None
    if match.group("about"):
        return round(value * (1 - ABOUT)), round(value * (1 + ABOUT))
    return None  # a bare amount says nothing about a range


def _range_bounds(match: re.Match[str]) -> Bounds | None:
    hi_text, lo_text = match.group("hi"), match.group("lo")
    hi, lo = parse_amount(hi_text), parse_amount(lo_text)
    if hi is None or lo is None or not _is_money(hi_text, match.group("won")):
        return None
    if not match.group("lo_won") and not any(ch in _UNIT_CHARS for ch in lo_text):
        # "3~5만원": the first number borrows the unit of the second ("3" → 3만)
        unit = re.search(r"[십백천만억]+\s*$", hi_text)
        if unit:
            lo = parse_amount(lo_text.strip() + unit.group(0).strip()) or lo
    if match.group("band"):
        hi = _band(hi)[1]
    if lo > hi:
        lo, hi = hi, lo
    return lo, hi


def _band(value: int) -> tuple[int, int]:
    """"5만원대" → 50,000–59,999: the band's width is the place of the last non-zero digit."""
    width = 1
    while value % (width * 10) == 0:
        width *= 10
    return value, value + width - 1


def _split(text: str, units: dict[str, int]) -> list[tuple[str, int]]:
    """"3만5천" with {만} → [("3", 10000), ("5천", 1)]."""
    parts: list[tuple[str, int]] = []
    current = ""
    for ch in text:
        if ch in units:
            parts.append((current, units[ch]))
            current = ""
        else:
            current += ch
    if current:
        parts.append((current, 1))
    return parts


def _below_10000(text: str) -> float | None:
    """"5천", "3백5십", "2500", "오", "1.5" → a number (may be fractional: "1.5만")."""
    total = 0.0
    for part, unit in _split(text, _SMALL_UNITS):
        if not part:
            value: float = 1
        elif part in _DIGITS:
            value = _DIGITS[part]
        else:
            try:
                value = float(part.replace(",", ""))
            except ValueError:
                return None
        total += value * unit
    return total
