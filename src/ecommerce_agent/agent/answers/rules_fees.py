"""Computations with money: a threshold (28,000원 vs the free-shipping line), the
fee for a region, a return's fee and refund, a price per unit, delay interest,
points accrued by tier."""

from __future__ import annotations

import re
from datetime import datetime

from .facts import Rule
from .lexicon import squash
from .question import Question
from .rules_base import DEFECT, FREE_Q, FREE_SHIPPING, PAID_SHIPPING, Computed, fill, won


def threshold(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
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


def remaining_threshold(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    """Part of an order cancelled ("5만원 주문에서 만원짜리 하나 빼면"): what is left against the
    free-shipping line. The larger amount is the order, the other the part taken out."""
    if len(q.amounts) < 2:
        return None
    total, part = max(q.amounts[:2]), min(q.amounts[:2])
    if part >= total:
        return None
    spec, rest = rule.spec, total - part
    above = rest >= int(spec["number"])
    text = fill(spec["above" if above else "below"], total=won(total), part=won(part), rest=won(rest))
    if not q.yesno:
        return Computed(text, None, rule.rule_id)
    # "배송비 붙나요?", "택배비 빠져요?" ask whether the fee comes back: yes below the line;
    # "무료배송 그대로예요?" asks the other way round
    fee_asked = any(squash(c) in squash(q.text) for c in spec.get("yes_if_below", []))
    return Computed(text, "yes" if (not above) == fee_asked else "no", rule.rule_id)


def bands(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    """An amount placed in the section's table of bands ("6개월간 40만원이면 등급 뭐예요?" → 실버)."""
    if not q.amounts:
        return None
    n = q.amounts[0]
    band = next((name for floor, name in sorted(rule.spec["bands"], key=lambda b: -int(b[0])) if n >= int(floor)),
                None)
    if band is None:
        return None
    return Computed(fill(rule.spec["text"], n=f"{n:,}{rule.spec['unit']}", band=str(band)), None, rule.rule_id)


def region_fee(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    spec = rule.spec
    if q.region is None or q.region not in spec["surcharge"]:
        return None
    region, extra = q.region, int(spec["surcharge"][q.region])
    text_q = q.text
    payer = q.yesno
    free_asked = bool(FREE_Q.search(text_q))  # "공짜죠?": yes means nothing to pay
    if DEFECT.search(text_q) and re.search(r"반품|교환|회수|보내", text_q):
        text = (f"상품 불량이나 오배송으로 인한 반품·교환은 {region} 지역 추가 배송비를 포함한 모든 배송비를 "
                "저희 쇼핑몰이 부담합니다.")
        return Computed(text, ("yes" if free_asked else "no") if payer else None, rule.rule_id)
    round_trip, base = int(spec["round_trip"]), int(spec["base"])
    if "교환" in text_q:
        total = round_trip + 2 * extra
        text = (f"{region}에서 단순 변심으로 교환하시면 왕복 배송비 {won(round_trip)}에 회수와 재발송 두 구간의 "
                f"{region} 추가 배송비({won(extra)}×2)가 더해져 총 {won(total)}입니다.")
        return Computed(text, _pays(payer, free_asked), rule.rule_id)
    if "반품" in text_q:
        free = bool(FREE_SHIPPING.search(text_q)) or any(a >= int(spec["free_from"]) for a in q.amounts)
        paid = bool(PAID_SHIPPING.search(text_q)) or any(a < int(spec["free_from"]) and a != base for a in q.amounts)
        if free and not paid:
            text = (f"무료배송으로 받으신 주문을 {region}에서 단순 변심으로 반품하시면 왕복 배송비 {won(round_trip)}에 "
                    f"회수 구간의 {region} 추가 배송비 {won(extra)}이(가) 더해져 총 {won(round_trip + extra)}입니다.")
        elif paid and not free:
            text = (f"배송비 {won(base)}을(를) 내신 주문을 {region}에서 단순 변심으로 반품하시면 편도 {won(base)}에 "
                    f"{region} 추가 배송비 {won(extra)}이(가) 더해져 총 {won(base + extra)}입니다.")
        else:
            text = (f"{region}에서 단순 변심으로 반품하시면 회수 구간의 {region} 추가 배송비 {won(extra)}이(가) 더해져, "
                    f"무료배송 주문은 총 {won(round_trip + extra)}, 배송비 {won(base)}을(를) 내신 주문은 "
                    f"총 {won(base + extra)}입니다.")
        return Computed(text.replace("이(가)", "이").replace("을(를)", "을"), _pays(payer, free_asked), rule.rule_id)
    amounts = [a for a in q.amounts if a not in (extra,)]
    if amounts:
        amount = amounts[0]
        fee = 0 if amount >= int(spec["free_from"]) else base
        what = "무료배송 기준(30,000원 이상)을 넘어 기본 배송비는 없고" if fee == 0 else f"기본 배송비 {won(base)}에"
        text = (f"{region}(으)로 {won(amount)} 주문하시면 {what} {region} 추가 배송비 {won(extra)}이 붙어 "
                f"배송비는 총 {won(fee + extra)}입니다.")
    else:
        text = (f"{region} 지역은 {won(extra)}의 추가 배송비가 붙습니다. 30,000원 미만 주문은 기본 배송비와 합쳐 "
                f"총 {won(base + extra)}, 30,000원 이상 무료배송 주문은 추가 배송비 {won(extra)}만 내시면 됩니다.")
    text = text.replace("제주(으)로", "제주로").replace("도서산간(으)로", "도서산간으로")
    return Computed(text, _pays(payer, free_asked), rule.rule_id)


def return_fee(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
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
        text = (f"단순 변심 반품은 {how} {won(fee)}이 환불 금액에서 차감되어, {won(prices[0])} 중 "
                f"{won(prices[0] - fee)}을 돌려받으십니다.")
    else:
        text = f"단순 변심 반품은 {how} {won(fee)}을 고객님이 부담하십니다."
    return Computed(text, _pays(q.yesno, bool(FREE_Q.search(q.text))), rule.rule_id)


def _pays(yesno: bool, free_asked: bool) -> str | None:
    """The verdict when the shopper pays: yes to "내야 돼요?", no to "공짜죠?"."""
    if not yesno:
        return None
    return "no" if free_asked else "yes"


def per_unit(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    if q.count is None or q.count < 2:
        return None
    spec = rule.spec
    price = int(spec["photo_price"]) if "photo_price" in spec and re.search(r"포토|사진", q.text) else int(spec["price"])
    unit = spec.get("unit", "원")
    amount = (lambda n: f"{n:,}{unit}") if unit != "원" else won
    text = f"{spec['what']} {q.count}개는 1개당 {amount(price)}씩 총 {amount(price * q.count)}입니다."
    return Computed(text, None, rule.rule_id)


TIER = re.compile(r"VIP|vip|브이아이피|골드|실버|일반")


def accrual(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    prices = [a for a in q.amounts if a >= 1000]
    if not prices:
        return None
    rates = {k: int(v) for k, v in rule.spec["rates"].items()}
    m = TIER.search(q.text)
    tier = {"vip": "VIP", "브이아이피": "VIP"}.get(m.group(0).lower(), m.group(0)) if m else None
    amount = prices[0]
    if tier is not None:
        rate = rates[tier]
        text = (f"{tier} 등급은 구매 적립률이 {rate}%라서, 실결제금액 {won(amount)}이면 구매확정 때 "
                f"{amount * rate // 100:,}포인트가 적립됩니다.")
    else:
        each = ", ".join(f"{t} {amount * r // 100:,}포인트" for t, r in rates.items())
        text = f"실결제금액 {won(amount)}이면 구매확정 때 등급별로 {each}가 적립됩니다."
    return Computed(text, None, rule.rule_id)


def interest(rule: Rule, q: Question, now: datetime, delivered_at: datetime | None) -> Computed | None:
    if not q.amounts or q.days is None:
        return None
    rate = float(rule.spec["rate"])
    amount = q.amounts[0]
    value = round(amount * rate * q.days / 365)
    text = (f"{won(amount)} 환불이 {q.days}일 늦어지면 지연배상금은 {won(amount)} × 15% × {q.days}일 ÷ 365 = "
            f"{won(value)}입니다.")
    return Computed(text, None, rule.rule_id)
