"""Shared pieces of the computations: the result, Korean formatting of amounts
and dates, business days (weekdays; public holidays are not known here)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ...domain.clock import KST
from ..replies import josa
from .question import Question


WEEKDAYS = "월화수목금토일"


_PLACEHOLDER = re.compile(r"\{(\w+)\}(은\(는\)|을\(를\)|이\(가\)|\(으\)로)?")


@dataclass(frozen=True)
class Computed:
    text: str
    verdict: str | None  # yes / no for a yes/no question
    rule_id: str


def fill(template: str, **values: str) -> str:
    """``template`` with ``{name}`` replaced, and a particle pair after it fitted
    to the value ("{n}은(는)" → "28,000원은")."""
    def one(m: re.Match[str]) -> str:
        word = values[m.group(1)]
        pair = m.group(2)
        if not pair:
            return word
        if pair == "(으)로":
            return josa(word, "으로/로")
        first, second = pair.replace(")", "").split("(")
        return josa(word, f"{first}/{second}")
    return _PLACEHOLDER.sub(one, template)


def won(n: int) -> str:
    return f"{n:,}원"


def order_day(q: Question, now: datetime) -> tuple[date, int | None]:
    today = now.astimezone(KST).date()
    m = q.moment
    assert m is not None
    if m.day_offset is not None:
        day = today + timedelta(days=m.day_offset)
    elif m.weekday is not None:
        day = today + timedelta(days=(m.weekday - today.weekday()) % 7)
    else:
        day = today
    return day, m.hour


def weekday_name(day: date) -> str:
    return f"{day.month}월 {day.day}일 {WEEKDAYS[day.weekday()]}요일"


def day_words(q: Question, day: date) -> str:
    m = q.moment
    if m is not None and m.weekday is not None and m.day_offset is None:
        return f"{WEEKDAYS[day.weekday()]}요일"
    return weekday_name(day)


def clock_text(hour: int | None, minute: int = 0) -> str:
    if hour is None:
        return ""
    return f"{hour:02d}:{minute:02d}"


def kdate(day: date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


DEFECT = re.compile(r"불량|파손|고장|오배송|하자|깨[져졌지]|잘못\s?(?:온|왔|보내)|다른\s?(?:상품|물건)")


# asking whether something costs nothing ("제주도 배송비 공짜죠?", "추가 요금 안 붙죠?")
FREE_Q = re.compile(r"무료(?:죠|예요|에요|인가|이죠|맞|아니|로\s?(?:해|돼|되|보내))|공짜|안\s?(?:내|붙|들)|없(?:나요|죠|어요|지요|는\s?거|나)|"
                    r"(?:무료\s?배송|무배)\s?(?:[이가]\s?)?(?:되|돼|맞|인가|이죠|이에요|이예요|해\s?주)\S*\s*[?？]*\s*$")


FREE_SHIPPING = re.compile(r"무료\s?배송|무배|배송비\s?(?:없이|무료|안\s?내)|공짜\s?배송")


PAID_SHIPPING = re.compile(r"배송비\s?(?:3,?000원|3천\s?원|삼천\s?원)?\s?(?:내고|냈|결제하고|주고|를?\s?내)")


MONTH_DAY = re.compile(r"(\d{1,2})\s?월\s?(\d{1,2})\s?일")
