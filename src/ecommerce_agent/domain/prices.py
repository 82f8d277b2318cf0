"""Korean price expressions: "3만원 이하", "5만 원대", "2~3만원", "예산 5만원".

One parser for the whole application: product search turns a constraint into
a filter, the NLU turns it into the ``price_min``/``price_max`` slots. Pure
functions, standard library only. Amounts are whole 원 and every range is
inclusive on both ends.

====================================  ==========================  =========================
expression                            meaning                     range
====================================  ==========================  =========================
3만원 이하/이내/까지/안쪽/선에서          at most                     ≤ 30,000
5만원 넘지 않는 / 안 넘는 / 예산 5만원     at most                     ≤ 50,000
10000원 미만/아래/밑/보다 싼             less than                   ≤ 9,999
2만원 이상/부터                          at least                    ≥ 20,000
2만원 초과/넘는/넘게/보다 비싼            more than                   ≥ 20,001
4만원 넘는 거 말고                        the shopper wants cheaper   ≤ 40,000
5만 원대                                the band of the last digit  50,000–59,999
만원대 / 10만원대                        (unit: trailing zeros)      10,000–19,999 / 100,000–199,999
15만원대                                                            150,000–159,999
3~5만원, 2만~3만원                       a range; the unit carries   30,000–50,000
3만원에서 5만원 사이, 2만원부터 5만원까지   a range                     30,000–50,000
5만원 정도/쯤/짜리/내외                   about (±20 %)               40,000–60,000
====================================  ==========================  =========================

Amounts: "35,000", "3.5만", "3만5천", "2만 5천 원", "만원", "오만원", "1억2천만".
A bare amount ("3만원 이어폰") is no constraint, nor is a number without 원 or
a unit ("250 이하" may be a shoe size), "몇 만원" (no amount at all) or a
Hangul numeral inside a word ("회사원", "삼천리"). Several constraints
combine ("2만원 이상 5만원 이하" → 20,000–50,000).

The NLU labelling rules (data/nlu/GUIDELINES.md) leave approximate amounts
out of the slots, hence ``parse_price_range(text, approximate=False)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["ABOUT", "Amount", "PriceRange", "find_amounts", "normalize_amounts", "parse_amount",
           "parse_price_range", "strip_prices"]

_DIGITS = {"일": 1, "이": 2, "삼": 3, "사": 4, "오": 5, "육": 6, "칠": 7, "팔": 8, "구": 9}
_SMALL_UNITS = {"십": 10, "백": 100, "천": 1_000}
_BIG_UNITS = {"만": 10_000, "억": 100_000_000}
_UNIT_CHARS = frozenset("십백천만억")
ABOUT = 0.2  # "정도": ±20 %

# One amount: "35,000", "3.5만", "3만5천", "3만 5000", "만", "십만", "오만", "1억2천만".
# Hangul digits count only before a unit and never inside a word ("회사원" is no 4원),
# and a unit-first amount ("만원대") must not continue a word either...
_D = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_K = "[일이삼사오육칠팔구]"
_QUALIFIER = r"(?:이하|이상|미만|초과|안쪽|이내|넘|대(?![가-힣]))"
_HEADS = (rf"(?<![\d.,]){_D}", rf"(?<![가-힣]){_K}(?=[십백천만억])", r"(?<![가-힣\d.,])(?=[십백천만억])")
# ...except "만원"/"천원" glued to the previous word when a qualifier follows,
# as shoppers type without spaces ("질문이요만원이하양말"); only when parsing a constraint.
_GLUED = rf"(?<=[가-힣])(?=[만천]\s?원\s?{_QUALIFIER})"
_NEXT = rf"(?:\s?{_D}|{_K}(?=[십백천]))"


def _amount_pattern(*heads: str) -> str:
    head = f"(?:{'|'.join(heads)})"
    big = rf"{head}[십백천]?[만억](?:{_NEXT}?[십백천]?[만억])*(?:{_NEXT}?[십백천])?(?:{_NEXT})?"
    small = rf"{head}[십백천](?:{_NEXT}?[십백천])*(?:{_NEXT})?"
    return rf"(?:{big}|{small}|(?<![\d.,]){_D})"


_AMOUNT = _amount_pattern(*_HEADS)
_AMOUNT_GLUED = _amount_pattern(*_HEADS, _GLUED)
_WON_AMOUNT = re.compile(rf"(?P<amount>{_AMOUNT})\s?원")
_ANY_AMOUNT = re.compile(rf"(?P<amount>{_AMOUNT_GLUED})(?P<won>\s?원)?")
# "대" is a band, also glued to the next word ("20만원대모니터"), but not when
# it begins one ("3만원 대신", "5만원 대비").
_BAND = r"(?P<band>\s?대(?!신|비|박|략|충|체|답|해|한|하))"
_RANGE = re.compile(
    rf"(?P<lo>{_AMOUNT_GLUED})(?P<lo_won>\s?원)?\s*(?:~|∼|〜|-|–|에서|부터)\s*"
    rf"(?P<hi>{_AMOUNT})(?P<won>\s?원)?{_BAND}?(?:\s?(?:까지|사이))?")
_SINGLE = re.compile(
    rf"(?P<amount>{_AMOUNT_GLUED})(?P<won>\s?원)?{_BAND}?"
    r"(?:\s*(?:(?P<le>이하|이내|까지|안쪽|안으로|내로|선에서|넘지\s?않(?:는|은|게|고)?|안\s?넘(?:는|게|고)?)"
    r"|(?P<lt>미만|아래|밑|보다\s?싼|보다\s?저렴)|(?P<ge>이상|부터)"
    r"|(?P<gt>초과|넘는|넘게|넘은|넘어|보다\s?비싼|위로)"
    r"|(?P<about>정도|쯤|내외|안팎|전후|짜리|가량|언저리)))?")
_BUDGET_BEFORE = re.compile(r"예산(?:은|이)?\s?(?:한\s?)?$")
_NEGATED_AFTER = re.compile(r"[^.?!]{0,20}?말고")  # used with .match(text, pos)
_HOW_MANY_BEFORE = re.compile(r"몇\s?$")


@dataclass(frozen=True, slots=True)
class PriceRange:
    min_price: int | None  # inclusive; None: no lower bound
    max_price: int | None  # inclusive; None: no upper bound
    text: str = ""  # the expression(s) found, as written

    def contains(self, price: int) -> bool:
        return ((self.min_price is None or price >= self.min_price)
                and (self.max_price is None or price <= self.max_price))


@dataclass(frozen=True, slots=True)
class Amount:
    """One amount of money in a text: its value and where it is (amount and 원)."""

    value: int
    start: int
    end: int


def parse_amount(text: str) -> int | None:
    """"35,000" / "3만5천" / "3.5만" / "만" / "오만" (with or without "원") → 원; else None."""
    text = re.sub(r"\s+", "", text).removesuffix("원")
    if not text or not re.fullmatch(_AMOUNT, text):
        return None
    total = 0
    for part, big in _split(text, _BIG_UNITS):
        value = _below_10000(part) if part else 1
        if value is None:
            return None
        total += round(value * big)
    return total


def parse_price_range(text: str, *, approximate: bool = True) -> PriceRange | None:
    """The price constraint expressed in ``text``, or None if there is none.
    ``approximate=False``: "5만원 정도" is no constraint (the NLU's slot rule)."""
    found = _constraints(text, approximate=approximate)
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


def find_amounts(text: str) -> list[Amount]:
    """Every amount of money in ``text`` (with 원 or a unit: "3만", "5천원", "10,000원"),
    whether or not it constrains anything."""
    out = []
    for match in _ANY_AMOUNT.finditer(text):
        amount, won = match.group("amount"), match.group("won")
        # without 원, only digits with a unit: "볼 만한", "백팩" and "천천히" are no money
        unit = any(ch in _UNIT_CHARS for ch in amount)
        money = won or (unit and any(ch.isdigit() for ch in amount))
        value = parse_amount(amount)
        if value and money and not _after_how_many(match):
            out.append(Amount(value, match.start(), match.end()))
    return out


def strip_prices(text: str) -> str:
    """``text`` without its price expressions (for the lexical part of a search)."""
    for (start, end), _ in reversed(_constraints(text, approximate=True)):
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


def _constraints(text: str, *, approximate: bool) -> list[tuple[tuple[int, int], Bounds]]:
    """(span, bounds) of every price constraint, in text order."""
    found: list[tuple[tuple[int, int], Bounds]] = []
    for match in _RANGE.finditer(text):
        bounds = _range_bounds(match)
        if bounds is not None and not _after_how_many(match):
            found.append((match.span(), bounds))
    for match in _SINGLE.finditer(text):
        if any(start <= match.start() < end for (start, end), _ in found) or _after_how_many(match):
            continue
        single = _single_bounds(match, approximate=approximate)
        if single is not None:
            start = match.start()
            if budget := _budget(match):  # "예산 5만원" is one expression
                start = budget.start()
            found.append(((start, match.end()), single))
    return sorted(found)


def _budget(match: re.Match[str]) -> re.Match[str] | None:
    """"예산 5만원": the word 예산 right before a bare amount."""
    if any(match.group(g) for g in ("band", "le", "lt", "ge", "gt", "about")):
        return None
    return _BUDGET_BEFORE.search(match.string, 0, match.start())


def _after_how_many(match: re.Match[str]) -> bool:
    """"몇 만원 이상": no amount is named."""
    return _HOW_MANY_BEFORE.search(match.string, 0, match.start()) is not None


def _is_money(amount: str, won: str | None) -> bool:
    """"250" alone may be a shoe size, and "삼천리" is a name; "250원", "3만",
    "5천" and "오만 원" are money."""
    if won:
        return True
    return any(ch in _UNIT_CHARS for ch in amount) and amount.lstrip()[:1] not in _DIGITS


def _single_bounds(match: re.Match[str], *, approximate: bool) -> Bounds | None:
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
    if match.group("ge") or match.group("gt"):
        if _NEGATED_AFTER.match(match.string, match.end()):
            return None, value  # "4만원 넘는 거 말고": cheaper than that
        return (value, None) if match.group("ge") else (value + 1, None)
    if match.group("about"):
        return (round(value * (1 - ABOUT)), round(value * (1 + ABOUT))) if approximate else None
    if _budget(match):
        return None, value  # "예산 5만원"
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
