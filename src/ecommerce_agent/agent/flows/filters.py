"""Orders narrowed by what the shopper said about them: the statuses named ("입금 안 한
주문", "배송중인 것만") and an amount ("5만원 이하로 산 거", "3만 얼마짜리요"). Used when
orders are listed and when the shopper picks one of the orders listed."""

from __future__ import annotations

from ...domain.orders import Order, OrderStatus
from ...nlu.types import Understanding
from .. import replies as R


def by_status(orders: list[Order], u: Understanding) -> list[Order]:
    """The orders in a status the message names (all of them when it names none or none fits)."""
    wanted = {OrderStatus(s) for s in u.acts.statuses}
    fitting = [o for o in orders if o.status in wanted]
    return fitting or orders


def by_amount(orders: list[Order], u: Understanding) -> list[Order]:
    """The orders whose amount lies in the range named; for an amount given as about so much
    ("19만 4천원짜리요", a range both ways) the closest one when it clearly stands out."""
    if u.acts.amount is None:
        return orders
    lo, hi = u.acts.amount
    inside = [o for o in orders if (lo is None or o.total_amount >= lo) and (hi is None or o.total_amount <= hi)]
    if lo is None or hi is None or len(inside) < 2:
        return inside
    centre = (lo + hi) / 2
    ranked = sorted(inside, key=lambda o: abs(o.total_amount - centre))
    first, second = (abs(o.total_amount - centre) for o in ranked[:2])
    return ranked[:1] if first * 4 < second else inside


def amount_words(u: Understanding) -> str | None:
    """The amount named, said back ("50,000원 이하"), for a list's heading."""
    if u.acts.amount is None:
        return None
    lo, hi = u.acts.amount
    if lo is not None and hi is not None:
        return f"{R.won(lo)}~{R.won(hi)}"
    if lo is not None:  # "20만원 넘는" is read as 200,001 and up: said as the shopper put it
        return f"{R.won(lo - 1)} 초과" if lo % 10 == 1 else f"{R.won(lo)} 이상"
    return f"{R.won(hi + 1)} 미만" if hi is not None and hi % 10 == 9 else f"{R.won(hi or 0)} 이하"
