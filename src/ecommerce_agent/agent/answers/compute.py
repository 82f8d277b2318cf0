"""Computations with the shopper's own numbers, from the rules of facts.yaml:
an amount against a threshold (28,000원 vs the 30,000원 free-shipping line), days
since delivery against a window (닷새 vs 7일), an order moment against the
dispatch cut-off (일요일 저녁 → 월요일 출고), a moment against service hours.
Each returns the sentence to lead with and the yes/no it implies."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from ...domain.clock import KST
from ..replies import josa
from .facts import Rule
from .lexicon import squash
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


def compute(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None = None) -> Computed | None:
    return {"threshold": _threshold, "window": _window, "cutoff": _cutoff, "hours": _hours}[rule.type](
        rule, q, now, delivered_at)


def _threshold(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    spec = rule.spec
    numbers = q.points if spec["unit"] == "포인트" else q.amounts
    if not numbers:
        return None
    n, line = numbers[0], int(spec["number"])
    above = n >= line
    unit = spec["unit"]
    text = fill(spec["above" if above else "below"], n=f"{n:,}{unit}", gap=f"{max(line - n, 0):,}{unit}")
    flip = any(squash(p) in squash(q.text) for p in spec.get("yes_if_below", []))
    verdict = ("yes" if above != flip else "no") if q.yesno else None
    return Computed(text, verdict, rule.rule_id)


def _window(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    spec = rule.spec
    if any(squash(x) in squash(q.text) for x in spec.get("excludes", [])):
        return None
    days = q.days
    if days is None and delivered_at is not None:
        days = (now.astimezone(KST).date() - delivered_at.astimezone(KST).date()).days
        deadline = delivered_at.astimezone(KST).date() + timedelta(days=int(spec["days"]))
        inside = days <= int(spec["days"])
        text = fill(spec["within" if inside else "outside"], d=str(days))
        if inside:
            text += " " + fill(spec["deadline"], date=kdate(deadline))
        return Computed(text, ("yes" if inside else "no") if q.yesno else None, rule.rule_id)
    if days is None:
        return None
    inside = days <= int(spec["days"])
    return Computed(fill(spec["within" if inside else "outside"], d=str(days)),
                    ("yes" if inside else "no") if q.yesno else None, rule.rule_id)


def _order_day(q: Question, now: datetime) -> tuple[date, int | None]:
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


def next_business_day(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def add_business_days(day: date, n: int) -> date:
    for _ in range(n):
        day = next_business_day(day)
    return day


def _cutoff(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    if q.moment is None:
        return None
    day, hour = _order_day(q, now)
    cutoff = int(rule.spec["hour"])
    when = _day_words(q, day) + (f" {_clock(hour, q.moment.minute)}" if hour is not None else "")
    if day.weekday() >= 5:
        ship = next_business_day(day)
        why = "주말에 결제된 주문은 다음 영업일에 출고되므로"
    elif hour is None:
        later = next_business_day(day)
        text = (f"{_day_words(q, day)} 오후 2시(14:00) 전에 결제하시면 그날 출고되고, 그 이후라면 다음 영업일인 "
                f"{weekday_name(later)}에 출고됩니다(공휴일이 아닌 경우).")
        return Computed(text, None, rule.rule_id)
    elif hour < cutoff:
        ship = day
        why = "영업일 오후 2시(14:00) 전에 결제된 주문은 당일 출고되므로"
    else:
        ship = next_business_day(day)
        why = "영업일 오후 2시(14:00) 이후에 결제된 주문은 다음 영업일에 출고되므로"
    first, last = add_business_days(ship, 1), add_business_days(ship, 3)
    text = (f"{when}에 결제하시면 {why} {weekday_name(ship)}에 출고됩니다(공휴일이 아닌 경우). "
            f"출고 후 보통 1~3영업일, 즉 {weekday_name(first)}~{weekday_name(last)} 사이에 받으실 수 있습니다.")
    verdict = None
    if q.yesno:  # "오늘 출고돼요?", "내일 받을 수 있어요?"
        verdict = "yes" if ship == day else "no"
    return Computed(text, verdict, rule.rule_id)


def _hours(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    if q.moment is None:
        return None
    spec = rule.spec
    day, hour = _order_day(q, now)
    open_days = set(spec["days"])
    name = _day_words(q, day)
    if day.weekday() not in open_days:
        text = (f"{name}에는 상담원이 쉽니다. 상담원 상담은 평일 09:00~18:00(점심시간 12:00~13:00 제외)이며, "
                "채팅 상담(AI)은 24시간 이용하실 수 있습니다.")
        return Computed(text, "no" if q.yesno else None, rule.rule_id)
    if hour is None:
        return Computed(f"{name}에는 상담원이 09:00~18:00에 상담해 드립니다(점심시간 12:00~13:00 제외).",
                        "yes" if q.yesno else None, rule.rule_id)
    in_break = any(a <= hour < b for a, b in spec.get("breaks", []))
    inside = int(spec["open"]) <= hour < int(spec["close"]) and not in_break
    clock = _clock(hour, q.moment.minute)
    if inside:
        text = f"{name} {clock}은 상담원 운영 시간(평일 09:00~18:00)이라 상담원과 상담하실 수 있습니다."
    elif in_break:
        text = f"{name} {clock}은 점심시간(12:00~13:00)이라 상담원 연결이 어렵습니다. 13:00 이후에 연결해 드립니다."
    else:
        text = (f"{name} {clock}은 상담원 운영 시간(평일 09:00~18:00)이 아니어서 상담원 연결이 어렵습니다. "
                "채팅 상담(AI)은 24시간 이용하실 수 있습니다.")
    return Computed(text, ("yes" if inside else "no") if q.yesno else None, rule.rule_id)


def weekday_name(day: date) -> str:
    return f"{day.month}월 {day.day}일 {WEEKDAYS[day.weekday()]}요일"


def _day_words(q: Question, day: date) -> str:
    m = q.moment
    if m is not None and m.weekday is not None and m.day_offset is None:
        return f"{WEEKDAYS[day.weekday()]}요일"
    return weekday_name(day)


def _clock(hour: int | None, minute: int = 0) -> str:
    if hour is None:
        return ""
    return f"{hour:02d}:{minute:02d}"


def kdate(day: date) -> str:
    return f"{day.year}년 {day.month}월 {day.day}일"


def applicable(rules: list[Rule], q: Question) -> list[Rule]:
    squashed = squash(q.text)
    return [r for r in rules if any(squash(a) in squashed for a in r.applies)]


def first_computed(rules: list[Rule], q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    for rule in applicable(rules, q):
        out = compute(rule, q, now, delivered_at)
        if out is not None:
            return out
    return None


__all__ = ["Computed", "compute", "first_computed", "fill", "applicable", "Any"]
