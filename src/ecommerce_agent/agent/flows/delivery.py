"""Urgency about a delivery ("내일까지 와야 돼요", "더 빨리 받는 방법은 없어요?") and what
happens to a lost parcel ("분실이면 다시 보내줘요 아니면 환불이에요?").

An urgent shopper is told what can honestly be offered, from the order's own status:
where the parcel is, the usual window and its source, that no date can be promised or
brought forward, and what the shopper can do (track it with the carrier, or cancel free
of charge while it has not left). Repeating the status line alone answers nothing.
"""

from __future__ import annotations

from dataclasses import replace

from ...domain.orders import Order, OrderStatus
from ...nlu.types import Understanding
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..sources import cite, sourced
from ..state import DialogueState
from ..templates import say
from .info import can_i

MOVING = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PREPARING, OrderStatus.SHIPPED)
BEFORE_DISPATCH = (OrderStatus.PAID, OrderStatus.PREPARING)
# what an urgent message may be besides a lookup; a write or a person asked for is routed as such
LOOKUP_INTENTS = ("order.status", "order.detail", "order.list", "policy", "general", "ticket.status")


def urgent(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """The honest answer to urgency about an order on its way; None when the message is
    not about one (a write, a person, nothing in context)."""
    acts = u.acts
    if not acts.deadline or acts.person or (u.intent not in LOOKUP_INTENTS and not u.uncertain and not (
            acts.actions and acts.asks)):
        return None
    order = _order_meant(env, u, state)
    if order is None:
        return None
    if acts.actions:  # "너무 늦으면 취소할 수는 있는 거죠?": whether that can be done for it
        if acts.actions[0] not in ("cancel", "change_address") or not acts.asks:
            return None
        return can_i(env, acts.actions[0], u, state, order_id=order.order_id)
    summary = R.order_summary(order)
    if order.status is OrderStatus.SHIPPED:
        text = say("urgency.shipped", summary=summary, carrier=order.carrier or "택배사",
                   tracking=order.tracking_number or "-")
        cited = cite(env.answerer, "status.shipped")
    elif order.status in BEFORE_DISPATCH:
        text = say("urgency.before_dispatch", summary=summary, status=order.status.label)
        cited = cite(env.answerer, f"status.{order.status.value}")
    else:
        text = say("urgency.unpaid", summary=summary)
        cited = cite(env.answerer, "status.pending")
    return Outcome(sourced(text, cited), replace(state, last_order_id=order.order_id),
                   cards=[R.order_card(order)], citations=cited)


def _order_meant(env: Env, u: Understanding, state: DialogueState) -> Order | None:
    """The order named or pointed at, else the one holding the product named (on its way),
    else the order just talked about; only an order still on its way."""
    order, missing = env.finder.referenced(u, state)
    if missing:
        return None
    if order is None and env.finder.product_words(u.acts.nouns):
        _, named = env.finder.orders_naming(u.acts.nouns, env.tools.list_orders(limit=20))
        moving = [o for o in named if o.status in MOVING]
        order = moving[0] if len(moving) == 1 else None
        if order is None:
            return None  # several or none: the lookup lists or says so
    if order is None and u.slots.date_range is None and state.last_order_id:
        order = env.tools.get_order(state.last_order_id)  # "더 빨리 받는 방법은 없어요?" about the one just shown
    return order if order is not None and order.status in MOVING else None


def lost_parcel_contact(env: Env, state: DialogueState) -> Outcome:
    """"언제 연락 와요?" before a lost parcel is filed: who gets back, and when people work."""
    return Outcome(say("lost_parcel.contact", hours=say("service_hours"), when=R.service_now(env.now, "handoff.avail")),
                   state)


def lost_parcel_outcome(env: Env, state: DialogueState) -> Outcome:
    """"분실이면 다시 보내줘요 아니면 환불이에요?": what the policy does with a lost parcel."""
    cited = cite(env.answerer, "lost_parcel")
    return Outcome(sourced(say("lost_parcel.outcome"), cited), state, citations=cited)


def listed_dispatch(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"그중에 오늘 나가는 거 있어요?": when each order just listed leaves the warehouse, from
    the day it was paid (R.dispatch_expected); None unless it asks that about a list shown."""
    acts = u.acts
    if not (acts.dispatch and acts.asks and acts.among and len(state.last_list) > 1) or u.slots.order_id or \
            acts.actions or env.finder.product_words(acts.nouns):
        return None
    listed = [o for o in (env.tools.get_order(i) for i in state.last_list) if o is not None]
    lines = [f"- {o.order_id} ({o.summary}): " + (
        say("dispatch_of.sent", when=R.kdate(o.shipped_at)) if o.shipped_at else
        say("dispatch_of.unpaid") if o.status is OrderStatus.PENDING else
        R.dispatch_expected(o, env.now, "dispatch_of.paid") if o.status in (OrderStatus.PAID, OrderStatus.PREPARING)
        else say("dispatch_of.none", status=o.status_label)) for o in listed]
    waiting = (OrderStatus.PAID, OrderStatus.PREPARING)
    late = [say("dispatch_of.late_tail")] if any(
        o.status in waiting and not o.shipped_at and R.dispatch_when(o, env.now) == "late" for o in listed) else []
    cited = cite(env.answerer, "status.paid")
    text = "\n".join([say("dispatch_of.head"), *lines, *late])
    return Outcome(sourced(text, cited), state, citations=cited,
                   cards=[R.order_card(o) for o in listed])
