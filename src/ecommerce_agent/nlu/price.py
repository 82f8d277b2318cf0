"""Korean price ranges in 원: "3만원 이하", "5만 원대", "1만5천원 미만", "3만에서 5만 사이".

Amounts are digits with the units 억/만/천/백 ("1만5천", "2만 5천 원", "10,000원",
"3.5만원"); a bare "만원"/"천원" is 10,000/1,000. A number with neither a unit nor
원 is not a price ("260 사이즈"). What the amount means comes from the words
around it (labelling rules in data/nlu/GUIDELINES.md):

    N 이하 / 안쪽 / 이내 / 까지 / 아래 / 밑 / 넘지 않는 / 예산 N   max N
    N 미만                                                   max N − 1
    N 이상 / 넘는 / 부터 / 초과(+1)                          min N
    N 넘는 … 말고                                            max N (the shopper wants cheaper)
    N대                                                      min N, max N + one unit of N's leading digit − 1
    A에서 B 사이 / A~B / A부터 B까지 / A 이상 B 이하          min A, max B
    N 정도 / 쯤 / 짜리                                       nothing (approximate)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS = {"억": 100_000_000, "만": 10_000, "천": 1_000, "백": 100}
_NUM = r"\d[\d,]*(?:\.\d+)?"
# digits+unit groups ("1만5천", "2만 5천"), optional trailing digits, optional 원;
# or a unit-less number followed by 원; or a bare 만원/천원 at a word start, or
# glued when a qualifier follows ("질문이요만원이하"); never after 몇 ("몇 만원").
_QUALIFIER = r"이하|이상|미만|초과|안쪽|이내|넘|대(?![가-힣])"
_AMOUNT = (rf"(?:{_NUM}\s?[억만천백]\s?)+(?:\d[\d,]*\s?)?(?:원)?"
           rf"|{_NUM}\s?원"
           r"|(?<![가-힣])(?<!몇 )[만천]\s?원"
           rf"|(?<=[가-힣])(?<!몇)[만천]\s?원(?=\s?(?:{_QUALIFIER}))")
AMOUNT_RE = re.compile(_AMOUNT)
_PART_RE = re.compile(rf"({_NUM})?\s?([억만천백])|(\d[\d,]*)")

_MAX_AFTER = re.compile(r"^\s?(?:원)?\s?(?:이하|안쪽|이내|까지|아래|밑|넘지\s?않|안\s?넘|내외로?\s?(?:넘지)?|선에서)")
_UNDER_AFTER = re.compile(r"^\s?(?:원)?\s?미만")
_MIN_AFTER = re.compile(r"^\s?(?:원)?\s?(?:이상|넘는|넘게|넘어가는|부터|초과|보다\s?비싼)")
_BAND_AFTER = re.compile(r"^\s?(?:원)?\s?대(?![가-힣])|^\s?(?:원)?\s?대(?=[의에로도는를가이])")
_APPROX_AFTER = re.compile(r"^\s?(?:원)?\s?(?:정도|쯤|가량|안팎|내외|짜리|언저리)")
_BUDGET_BEFORE = re.compile(r"예산(?:은|이)?\s?(?:한\s?)?$")
_RANGE_JOIN = re.compile(r"^\s?(?:원)?\s?(?:에서|~|-|부터|이상|초과)\s?")
_NEGATED = re.compile(r"^[^.?!]{0,20}?말고")


@dataclass(frozen=True, slots=True)
class PriceRange:
    """``min``/``max`` in 원, inclusive; either may be ``None`` (open)."""

    min: int | None
    max: int | None


@dataclass(frozen=True, slots=True)
class _Amount:
    value: int
    start: int
    end: int


def parse_amount(text: str) -> int | None:
    """The value of one amount expression ("1만5천원" → 15000), or ``None``."""
    text = text.strip()
    if not AMOUNT_RE.fullmatch(text):
        return None
    return _value(text)


def _value(expr: str) -> int:
    if re.fullmatch(r"[만천]\s?원", expr.strip()):
        return _UNITS[expr.strip()[0]]
    total = 0.0
    for m in _PART_RE.finditer(expr):
        if m.group(2):
            number = float(m.group(1).replace(",", "")) if m.group(1) else 1.0
            total += number * _UNITS[m.group(2)]
        else:
            total += float(m.group(3).replace(",", ""))
    return int(round(total))


def _amounts(text: str) -> list[_Amount]:
    return [_Amount(_value(m.group(0)), m.start(), m.end()) for m in AMOUNT_RE.finditer(text)
            if m.group(0).strip()]


def parse_price_range(text: str) -> PriceRange | None:
    """The price range the shopper asks for, or ``None`` if there is none."""
    found = _amounts(text)
    if not found:
        return None
    low: int | None = None
    high: int | None = None
    used: set[int] = set()
    for i, amount in enumerate(found):
        if i in used:
            continue
        after = text[amount.end:]
        before = text[:amount.start]
        # A and B: "3만원에서 5만원 사이", "3만~5만원", "3만원 이상 5만원 이하"
        if i + 1 < len(found) and (join := _RANGE_JOIN.match(after)):
            nxt = found[i + 1]
            if amount.end + join.end() == nxt.start and nxt.value > amount.value:
                tail = text[nxt.end:]
                if not (_MIN_AFTER.match(tail) or _APPROX_AFTER.match(tail)):
                    low, high = amount.value, nxt.value - (1 if _UNDER_AFTER.match(tail) else 0)
                    used.add(i + 1)
                    continue
        if _BAND_AFTER.match(after):
            unit = 10 ** (len(str(amount.value)) - 1)
            low, high = amount.value, amount.value + unit - 1
        elif _UNDER_AFTER.match(after):
            high = amount.value - 1
        elif _MAX_AFTER.match(after) or _BUDGET_BEFORE.search(before):
            high = amount.value
        elif m := _MIN_AFTER.match(after):
            if _NEGATED.match(after[m.end():]):
                high = amount.value  # "4만원 넘는 거 말고": cheaper than that
            else:
                low = amount.value + (1 if "초과" in m.group(0) else 0)
    if low is None and high is None:
        return None
    return PriceRange(low, high)
