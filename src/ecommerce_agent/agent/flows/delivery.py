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
