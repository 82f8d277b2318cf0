"""Relative dates: find the phrase ("지난달", "3일 전") and resolve it to KST dates.

Finding and resolving are separate so that resolution stays a pure function of
(phrase, now): the dialogue layer and the tests pass the reference time in, and
nothing here reads the clock.

Resolution is to an inclusive range of KST calendar dates. Weeks run Monday to
Sunday; "이번 주" is the whole current week (callers that look back, such as
order lists, clip the end to today). Phrases that name a point ("3일 전") give
a one-day range; vague ones give the span a shopper would accept:

    어제 / 그저께·그제 / 엊그제        yesterday / 2 days ago / 2–3 days ago
    오늘 / 내일 / 모레                today / +1 / +2
    이번·요번 주, 지난·저번 주, 지지난주 calendar weeks (Mon–Sun)
    이번 주말 / 지난 주말              Sat–Sun of this / last week
    이번 달, 지난·저번 달, 지지난달    calendar months
    올해 / 작년 / 재작년               calendar years
    N일·N주·N달(개월)·N년 전           that day / that week / that month / that year
    며칠 전                            2–6 days ago
    최근 N일·주·달(개월)·년            from N units ago to today
    N월 (7월에 산)                     that month, this year or (when still to come) last year
    작년 겨울 (봄·여름·가을)           Dec–Feb / Mar–May / Jun–Aug / Sep–Nov
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..domain.clock import KST, kst_date


@dataclass(frozen=True, slots=True)
class DateRange:
    """Inclusive range of KST calendar dates."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"empty date range {self.start}..{self.end}")


_NUM = {"한": 1, "두": 2, "세": 3, "네": 4, "다섯": 5, "여섯": 6, "일곱": 7, "여덟": 8, "아홉": 9,
        "열": 10}
_N = r"(?:\d{1,3}|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)"
_S = r"\s?"
_UNIT = r"(?:일|주일|주|달|개월|년|해)"
_SEASON = r"(?:봄|여름|가을|겨울)"
_DAY_WORDS = {"오늘": 0, "금일": 0, "어제": -1, "어저께": -1, "그저께": -2, "그제": -2, "내일": 1,
              "모레": 2, "이틀 전": -2, "사흘 전": -3, "나흘 전": -4, "보름 전": -15}

_PATTERNS = [
    rf"(?:작년|올해|재작년){_S}{_SEASON}",
    rf"최근{_S}{_N}{_S}{_UNIT}",
    rf"{_N}{_S}{_UNIT}{_S}전",
    rf"(?:일주일|이틀|사흘|나흘|보름|며칠|몇{_S}일){_S}전",
    r"재작년|작년|올해|금년",
    rf"지지난{_S}(?:주(?![문소])|달)",
    rf"(?:이번|요번|지난|저번){_S}주말",
    rf"(?:이번|요번|지난|저번){_S}(?:주(?![문소])|달)",
    r"엊그저께|엊그제|그저께|그제|어저께|어제|오늘|내일|모레",
    r"(?<![\d.\-/])(?:1[0-2]|[1-9]){_S}월(?![\d요])(?!{_S}\d)".replace("{_S}", _S),
]
_DATE_RE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS))


def find_date_ref(text: str) -> str | None:
    """The first relative-date phrase, verbatim, or ``None``."""
    m = _DATE_RE.search(text)
    return m.group(0) if m else None


def resolve_date_ref(phrase: str, now: datetime) -> DateRange | None:
    """The KST date range ``phrase`` denotes at ``now`` (aware), or ``None`` if
    the phrase is not one this module knows."""
    today = kst_date(now)
    p = re.sub(r"\s+", "", phrase)
    if p in (k.replace(" ", "") for k in _DAY_WORDS):
        day = today + timedelta(days=_DAY_WORDS[next(k for k in _DAY_WORDS if k.replace(" ", "") == p)])
        return DateRange(day, day)
    if p in ("엊그제", "엊그저께"):
        return DateRange(today - timedelta(days=3), today - timedelta(days=2))
    if p in ("며칠전", "몇일전"):
        return DateRange(today - timedelta(days=6), today - timedelta(days=2))
    if p == "일주일전":
        return _week_of(today - timedelta(days=7))
    if m := re.fullmatch(r"(작년|올해|재작년)(봄|여름|가을|겨울)", p):
        year = today.year - {"올해": 0, "작년": 1, "재작년": 2}[m.group(1)]
        return _season(year, m.group(2))
    if p in ("올해", "금년", "작년", "재작년"):
        year = today.year - {"올해": 0, "금년": 0, "작년": 1, "재작년": 2}[p]
        return DateRange(date(year, 1, 1), date(year, 12, 31))
    if m := re.fullmatch(r"(이번|요번|지난|저번|지지난)(주말|주|달)", p):
        back = {"이번": 0, "요번": 0, "지난": 1, "저번": 1, "지지난": 2}[m.group(1)]
        if m.group(2) == "달":
            return _month(today, back)
        week = _week_of(today - timedelta(weeks=back))
        if m.group(2) == "주말":
            return DateRange(week.end - timedelta(days=1), week.end)
        return week
    if m := re.fullmatch(rf"최근({_N})(일|주일|주|달|개월|년|해)", p):
        n = _count(m.group(1))
        start = _shift(today, n, m.group(2))
        return DateRange(start, today)
    if m := re.fullmatch(rf"({_N})(일|주일|주|달|개월|년|해)전", p):
        n, unit = _count(m.group(1)), m.group(2)
        if unit == "일":
            day = today - timedelta(days=n)
            return DateRange(day, day)
        if unit in ("주", "주일"):
            return _week_of(today - timedelta(weeks=n))
        if unit in ("달", "개월"):
            return _month(today, n)
        year = today.year - n
        return DateRange(date(year, 1, 1), date(year, 12, 31))
    if m := re.fullmatch(r"(1[0-2]|[1-9])월", p):  # "7월에 산": the latest such month, not a future one
        month = int(m.group(1))
        year = today.year if month <= today.month else today.year - 1
        return DateRange(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    return None


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUM[word]


def _shift(today: date, n: int, unit: str) -> date:
    if unit == "일":
        return today - timedelta(days=n)
    if unit in ("주", "주일"):
        return today - timedelta(weeks=n)
    months = n * 12 if unit in ("년", "해") else n
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, calendar.monthrange(year, month + 1)[1]))


def _week_of(day: date) -> DateRange:
    monday = day - timedelta(days=day.weekday())
    return DateRange(monday, monday + timedelta(days=6))


def _month(today: date, back: int) -> DateRange:
    year, month = divmod(today.year * 12 + today.month - 1 - back, 12)
    month += 1
    return DateRange(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _season(year: int, season: str) -> DateRange:
    if season == "겨울":  # the winter that starts in December of that year
        end_feb = calendar.monthrange(year + 1, 2)[1]
        return DateRange(date(year, 12, 1), date(year + 1, 2, end_feb))
    first = {"봄": 3, "여름": 6, "가을": 9}[season]
    return DateRange(date(year, first, 1),
                     date(year, first + 2, calendar.monthrange(year, first + 2)[1]))


def kst_now() -> datetime:
    """Current time in KST, for callers that have no reference time of their own."""
    return datetime.now(KST)
