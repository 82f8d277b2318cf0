"""Computations with dates and times: the dispatch day, service hours, a
business-day due date, a window in hours, an anniversary, a monthly deadline."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from ...domain.clock import KST, add_business_days, next_business_day
from .facts import Rule
from .lexicon import squash
from .question import Question
from .rules_base import MONTH_DAY, Computed, clock_text, day_words, fill, kdate, order_day, weekday_name


def cutoff(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    needs = rule.spec.get("needs")
    if q.moment is None or (needs and not any(squash(n) in squash(q.text) for n in needs)):
        return None
    day, hour = order_day(q, now)
    cutoff = int(rule.spec["hour"])
    when = day_words(q, day) + (f" {clock_text(hour, q.moment.minute)}" if hour is not None else "")
    if q.moment.holiday:
        ship = next_business_day(day)
        when = "공휴일"
        why = "공휴일에 결제된 주문은 다음 영업일에 출고되므로"
    elif day.weekday() >= 5:
        ship = next_business_day(day)
        why = "주말에 결제된 주문은 다음 영업일에 출고되므로"
    elif hour is None:
        later = next_business_day(day)
        text = (f"{day_words(q, day)} 오후 2시(14:00) 전에 결제하시면 그날 출고되고, 그 이후라면 다음 영업일인 "
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


def hours(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    if q.moment is None:
        return None
    spec = rule.spec
    day, hour = order_day(q, now)
    open_days = set(spec["days"])
    name = "공휴일" if q.moment.holiday else day_words(q, day)
    later = f"다음 영업일인 {weekday_name(next_business_day(day))} 09:00부터 순서대로 처리해 드립니다."
    if day.weekday() not in open_days or q.moment.holiday:
        text = (f"{name}에는 상담원이 쉽니다. 상담원 상담은 평일 09:00~18:00(점심시간 12:00~13:00 제외)이며, "
                f"채팅 상담(AI)은 24시간 이용하실 수 있습니다. {name}에 남기신 상담 요청과 문의는 {later}")
        return Computed(text, "no" if q.yesno else None, rule.rule_id)
    if hour is None:
        return Computed(f"{name}에는 상담원이 09:00~18:00에 상담해 드립니다(점심시간 12:00~13:00 제외).",
                        "yes" if q.yesno else None, rule.rule_id)
    in_break = any(a <= hour < b for a, b in spec.get("breaks", []))
    inside = int(spec["open"]) <= hour < int(spec["close"]) and not in_break
    clock = clock_text(hour, q.moment.minute)
    if inside:
        text = f"{name} {clock}은 상담원 운영 시간(평일 09:00~18:00)이라 상담원과 상담하실 수 있습니다."
    elif in_break:
        text = f"{name} {clock}은 점심시간(12:00~13:00)이라 상담원 연결이 어렵습니다. 13:00 이후에 연결해 드립니다."
    else:
        nxt = (f"{name} 09:00부터 순서대로 처리해 드립니다." if hour < int(spec["open"]) else later)
        text = (f"{name} {clock}은 상담원 운영 시간(평일 09:00~18:00)이 아니어서 상담원 연결이 어렵습니다. "
                f"채팅 상담(AI)은 24시간 이용하실 수 있고, 남기신 상담 요청은 {nxt}")
    return Computed(text, ("yes" if inside else "no") if q.yesno else None, rule.rule_id)


def business_days(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    needs = rule.spec.get("needs")
    if q.moment is None or (q.moment.weekday is None and q.moment.day_offset is None) \
            or (needs and not any(n in q.text for n in needs)):
        return None
    day, _ = order_day(q, now)
    if rule.spec.get("past") and day > now.astimezone(KST).date() and q.moment.day_offset is None:
        # "월요일에 도착했으면": the last Monday, not the next
        day -= timedelta(days=7)
    n = int(rule.spec["days"])
    due = add_business_days(day, n)
    text = fill(rule.spec.get("template", "{start}부터 {n}영업일 이내인 {due}까지입니다."),
                start=weekday_name(day), n=str(n), due=weekday_name(due))
    return Computed(text, None, rule.rule_id)


def hours_window(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    """"어제 오후 3시에 주문했는데 지금 입금해도 돼요?": the order moment plus the window, against now."""
    m = q.moment
    if m is None or m.hour is None or (m.day_offset is None and m.weekday is None):
        return None
    local = now.astimezone(KST)
    day = local.date() + timedelta(days=m.day_offset) if m.day_offset is not None \
        else local.date() - timedelta(days=(local.weekday() - m.weekday) % 7)
    ordered = datetime(day.year, day.month, day.day, m.hour, m.minute, tzinfo=KST)
    if ordered > local:
        return None
    hours = int(rule.spec["hours"])
    deadline = ordered + timedelta(hours=hours)
    inside = local <= deadline
    when = f"{weekday_name(deadline.date())} {deadline.hour:02d}:{deadline.minute:02d}"
    text = (f"{weekday_name(day)} {ordered.hour:02d}:{ordered.minute:02d} 주문의 입금 기한은 주문 후 {hours}시간인 "
            f"{when}까지라 " + ("아직 입금하실 수 있습니다." if inside else
                              "이미 지나 주문이 자동 취소되었습니다. 다시 주문해 주세요."))
    return Computed(text, ("yes" if inside else "no") if q.yesno else None, rule.rule_id)


def anniversary(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    """"작년 12월 1일에 쌓인 포인트 언제까지 써요?": the date plus the validity."""
    m = MONTH_DAY.search(q.text)
    if m is None:
        return None
    local = now.astimezone(KST).date()
    year = local.year - 1 if re.search(r"작년|지난\s?해|昨年", q.text) else local.year
    month, day = int(m.group(1)), int(m.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    years = int(rule.spec["years"])
    try:
        end = date(year + years, month, day)
    except ValueError:
        return None
    text = (f"{year}년 {month}월 {day}일에 적립된 포인트는 적립일부터 {years}년인 {kdate(end)}까지 쓰실 수 있고, "
            "그 뒤에는 자동으로 소멸됩니다.")
    verdict = ("yes" if end >= local else "no") if q.yesno else None
    return Computed(text, verdict, rule.rule_id)


MONTH_PAID = re.compile(r"(\d{1,2})\s?월(?:에|달)?\s?(?:결제|구매|산|샀|주문)")


def monthly_deadline(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    paid = MONTH_PAID.search(q.text)
    if paid is None:
        return None
    month = int(paid.group(1))
    if not 1 <= month <= 12:
        return None
    due_month, day = month % 12 + 1, int(rule.spec["day"])
    text = f"{month}월에 결제하신 주문의 {rule.spec['what']}는 {due_month}월 {day}일까지 신청하셔야 합니다."
    verdict = None
    asked = [m for m in MONTH_DAY.finditer(q.text) if m.start() != paid.start()]
    if asked:
        am, ad = int(asked[-1].group(1)), int(asked[-1].group(2))
        # months counted from the payment month (12월 → 1월 is one month later)
        late = ((am - month) % 12, ad) > ((due_month - month) % 12, day)
        text += (f" {am}월 {ad}일은 기한이 지나 발급이 어렵습니다." if late
                 else f" {am}월 {ad}일이면 기한 안이라 신청하실 수 있습니다.")
        verdict = ("no" if late else "yes") if q.yesno else None
    return Computed(text, verdict, rule.rule_id)
