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
    return {"threshold": _threshold, "window": _window, "cutoff": _cutoff, "hours": _hours,
            "region_fee": _region_fee, "return_fee": _return_fee, "per_unit": _per_unit,
            "interest": _interest, "accrual": _accrual, "monthly_deadline": _monthly_deadline,
            "business_days": _business_days, "hours_window": _hours_window,
            "anniversary": _anniversary}[rule.type](rule, q, now, delivered_at)


def _threshold(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    spec = rule.spec
    numbers = {"포인트": q.points, "세": q.ages}.get(spec["unit"], q.amounts)
    if not numbers:
        return None
    n, line = numbers[0], int(spec["number"])
    above = n >= line
    unit = spec["unit"]
    text = fill(spec["above" if above else "below"], n=f"{n:,}{unit}" if unit != "세" else f"{n}세",
                gap=f"{max(line - n, 0):,}{unit}")
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
        if inside and spec.get("yes_if", "within") == "within":
            text += " " + fill(spec["deadline"], date=kdate(deadline))
        return Computed(text, _window_verdict(spec, inside, q), rule.rule_id)
    if days is None:
        return None
    inside = days <= int(spec["days"])
    return Computed(fill(spec["within" if inside else "outside"], d=str(days)), _window_verdict(spec, inside, q),
                    rule.rule_id)


def _window_verdict(spec: dict[str, Any], inside: bool, q: Question) -> str | None:
    if not q.yesno:
        return None
    yes = inside if spec.get("yes_if", "within") == "within" else not inside
    return "yes" if yes else "no"


DEFECT = re.compile(r"불량|파손|고장|오배송|하자|깨[져졌지]|잘못\s?(?:온|왔|보내)|다른\s?(?:상품|물건)")
FREE_SHIPPING = re.compile(r"무료\s?배송|무배|배송비\s?(?:없이|무료|안\s?내)|공짜\s?배송")
PAID_SHIPPING = re.compile(r"배송비\s?(?:3,?000원|3천\s?원|삼천\s?원)?\s?(?:내고|냈|결제하고|주고|를?\s?내)")


def _won(n: int) -> str:
    return f"{n:,}원"


def _region_fee(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    spec = rule.spec
    if q.region is None or q.region not in spec["surcharge"]:
        return None
    region, extra = q.region, int(spec["surcharge"][q.region])
    text_q = q.text
    payer = q.yesno
    if DEFECT.search(text_q) and re.search(r"반품|교환|회수|보내", text_q):
        text = (f"상품 불량이나 오배송으로 인한 반품·교환은 {region} 지역 추가 배송비를 포함한 모든 배송비를 "
                "저희 쇼핑몰이 부담합니다.")
        return Computed(text, "no" if payer else None, rule.rule_id)
    round_trip, base = int(spec["round_trip"]), int(spec["base"])
    if "교환" in text_q:
        total = round_trip + 2 * extra
        text = (f"{region}에서 단순 변심으로 교환하시면 왕복 배송비 {_won(round_trip)}에 회수와 재발송 두 구간의 "
                f"{region} 추가 배송비({_won(extra)}×2)가 더해져 총 {_won(total)}입니다.")
        return Computed(text, "yes" if payer else None, rule.rule_id)
    if "반품" in text_q:
        free = bool(FREE_SHIPPING.search(text_q)) or any(a >= int(spec["free_from"]) for a in q.amounts)
        paid = bool(PAID_SHIPPING.search(text_q)) or any(a < int(spec["free_from"]) and a != base for a in q.amounts)
        if free and not paid:
            text = (f"무료배송으로 받으신 주문을 {region}에서 단순 변심으로 반품하시면 왕복 배송비 {_won(round_trip)}에 "
                    f"회수 구간의 {region} 추가 배송비 {_won(extra)}이(가) 더해져 총 {_won(round_trip + extra)}입니다.")
        elif paid and not free:
            text = (f"배송비 {_won(base)}을(를) 내신 주문을 {region}에서 단순 변심으로 반품하시면 편도 {_won(base)}에 "
                    f"{region} 추가 배송비 {_won(extra)}이(가) 더해져 총 {_won(base + extra)}입니다.")
        else:
            text = (f"{region}에서 단순 변심으로 반품하시면 회수 구간의 {region} 추가 배송비 {_won(extra)}이(가) 더해져, "
                    f"무료배송 주문은 총 {_won(round_trip + extra)}, 배송비 {_won(base)}을(를) 내신 주문은 "
                    f"총 {_won(base + extra)}입니다.")
        return Computed(text.replace("이(가)", "이").replace("을(를)", "을"), "yes" if payer else None, rule.rule_id)
    amounts = [a for a in q.amounts if a not in (extra,)]
    if amounts:
        amount = amounts[0]
        fee = 0 if amount >= int(spec["free_from"]) else base
        what = "무료배송 기준(30,000원 이상)을 넘어 기본 배송비는 없고" if fee == 0 else f"기본 배송비 {_won(base)}에"
        text = (f"{region}(으)로 {_won(amount)} 주문하시면 {what} {region} 추가 배송비 {_won(extra)}이 붙어 "
                f"배송비는 총 {_won(fee + extra)}입니다.")
    else:
        text = (f"{region} 지역은 {_won(extra)}의 추가 배송비가 붙습니다. 30,000원 미만 주문은 기본 배송비와 합쳐 "
                f"총 {_won(base + extra)}, 30,000원 이상 무료배송 주문은 추가 배송비 {_won(extra)}만 내시면 됩니다.")
    text = text.replace("제주(으)로", "제주로").replace("도서산간(으)로", "도서산간으로")
    return Computed(text, "yes" if payer else None, rule.rule_id)


def _return_fee(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    spec = rule.spec
    if any(squash(x) in squash(q.text) for x in spec.get("excludes", [])):
        return None
    round_trip, one_way = int(spec["round_trip"]), int(spec["one_way"])
    free = bool(FREE_SHIPPING.search(q.text))
    paid = bool(PAID_SHIPPING.search(q.text))
    prices = [a for a in q.amounts if a not in (one_way, round_trip)]
    if not (free or paid or prices):
        return None
    if not free and not paid:
        free = prices[0] >= int(spec["free_from"])
    fee = round_trip if free and not paid else one_way
    how = "무료배송으로 받으신 주문이라 왕복 배송비" if fee == round_trip else "배송비를 내신 주문이라 회수 배송비 편도"
    if prices and re.search(r"돌려받|환불|얼마\s?받|받을\s?수|들어와", q.text):
        text = (f"단순 변심 반품은 {how} {_won(fee)}이 환불 금액에서 차감되어, {_won(prices[0])} 중 "
                f"{_won(prices[0] - fee)}을 돌려받으십니다.")
    else:
        text = f"단순 변심 반품은 {how} {_won(fee)}을 고객님이 부담하십니다."
    return Computed(text, "yes" if q.yesno else None, rule.rule_id)


def _per_unit(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    if q.count is None or q.count < 2:
        return None
    spec = rule.spec
    price = int(spec["photo_price"]) if "photo_price" in spec and re.search(r"포토|사진", q.text) else int(spec["price"])
    unit = spec.get("unit", "원")
    amount = (lambda n: f"{n:,}{unit}") if unit != "원" else _won
    text = f"{spec['what']} {q.count}개는 1개당 {amount(price)}씩 총 {amount(price * q.count)}입니다."
    return Computed(text, None, rule.rule_id)


TIER = re.compile(r"VIP|vip|브이아이피|골드|실버|일반")


def _accrual(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    prices = [a for a in q.amounts if a >= 1000]
    if not prices:
        return None
    rates = {k: int(v) for k, v in rule.spec["rates"].items()}
    m = TIER.search(q.text)
    tier = {"vip": "VIP", "브이아이피": "VIP"}.get(m.group(0).lower(), m.group(0)) if m else None
    amount = prices[0]
    if tier is not None:
        rate = rates[tier]
        text = (f"{tier} 등급은 구매 적립률이 {rate}%라서, 실결제금액 {_won(amount)}이면 구매확정 때 "
                f"{amount * rate // 100:,}포인트가 적립됩니다.")
    else:
        each = ", ".join(f"{t} {amount * r // 100:,}포인트" for t, r in rates.items())
        text = f"실결제금액 {_won(amount)}이면 구매확정 때 등급별로 {each}가 적립됩니다."
    return Computed(text, None, rule.rule_id)


MONTH_PAID = re.compile(r"(\d{1,2})\s?월(?:에|달)?\s?(?:결제|구매|산|샀|주문)")
MONTH_DAY = re.compile(r"(\d{1,2})\s?월\s?(\d{1,2})\s?일")


def _monthly_deadline(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
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


def _business_days(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    needs = rule.spec.get("needs")
    if q.moment is None or (q.moment.weekday is None and q.moment.day_offset is None) \
            or (needs and not any(n in q.text for n in needs)):
        return None
    day, _ = _order_day(q, now)
    if rule.spec.get("past") and day > now.astimezone(KST).date() and q.moment.day_offset is None:
        # "월요일에 도착했으면": the last Monday, not the next
        day -= timedelta(days=7)
    n = int(rule.spec["days"])
    due = add_business_days(day, n)
    text = fill(rule.spec.get("template", "{start}부터 {n}영업일 이내인 {due}까지입니다."),
                start=weekday_name(day), n=str(n), due=weekday_name(due))
    return Computed(text, None, rule.rule_id)


def _hours_window(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
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


def _anniversary(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
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


def _interest(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    if not q.amounts or q.days is None:
        return None
    rate = float(rule.spec["rate"])
    amount = q.amounts[0]
    value = round(amount * rate * q.days / 365)
    text = (f"{_won(amount)} 환불이 {q.days}일 늦어지면 지연배상금은 {_won(amount)} × 15% × {q.days}일 ÷ 365 = "
            f"{_won(value)}입니다.")
    return Computed(text, None, rule.rule_id)


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
    needs = rule.spec.get("needs")
    if q.moment is None or (needs and not any(squash(n) in squash(q.text) for n in needs)):
        return None
    day, hour = _order_day(q, now)
    cutoff = int(rule.spec["hour"])
    when = _day_words(q, day) + (f" {_clock(hour, q.moment.minute)}" if hour is not None else "")
    if q.moment.holiday:
        ship = next_business_day(day)
        when = "공휴일"
        why = "공휴일에 결제된 주문은 다음 영업일에 출고되므로"
    elif day.weekday() >= 5:
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
    name = "공휴일" if q.moment.holiday else _day_words(q, day)
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
    clock = _clock(hour, q.moment.minute)
    if inside:
        text = f"{name} {clock}은 상담원 운영 시간(평일 09:00~18:00)이라 상담원과 상담하실 수 있습니다."
    elif in_break:
        text = f"{name} {clock}은 점심시간(12:00~13:00)이라 상담원 연결이 어렵습니다. 13:00 이후에 연결해 드립니다."
    else:
        nxt = (f"{name} 09:00부터 순서대로 처리해 드립니다." if hour < int(spec["open"]) else later)
        text = (f"{name} {clock}은 상담원 운영 시간(평일 09:00~18:00)이 아니어서 상담원 연결이 어렵습니다. "
                f"채팅 상담(AI)은 24시간 이용하실 수 있고, 남기신 상담 요청은 {nxt}")
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


def first_computed(rules: list[Rule], q: Question, now: datetime, delivered_at: datetime | None,
                   section: tuple[str, str] | None = None) -> Computed | None:
    """The first rule that computes something: a region named decides the fee before the
    general free-shipping line does; then the rules of the section chosen to answer."""
    ordered = sorted(applicable(rules, q), key=lambda r: (r.type != "region_fee" or q.region is None,
                                                          (r.doc, r.section) != section))
    for rule in ordered:
        out = compute(rule, q, now, delivered_at)
        if out is not None:
            return out
    return None


__all__ = ["Computed", "compute", "first_computed", "fill", "applicable", "Any"]
