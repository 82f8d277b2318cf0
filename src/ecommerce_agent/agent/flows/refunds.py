"""Where the money goes, right after a claim or a cancellation: "환불은 어디로 받아요?
무통장으로 냈는데", "refund는 카드로 되는 거죠?", "토스로 결제했는데 환불 언제 들어와요?".

Answered from the order's own payment method (the data, not the method the shopper
names) with the refund route of that method and its source.
"""

from __future__ import annotations

from ...domain.orders import Order
from ...nlu.types import Understanding
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..sources import cite, sourced
from ..state import DialogueState
from ..templates import say
from .wording import refund_key, refund_note

TOPICS = ("cancel", "return", "defect")  # what returns money to the shopper


def refund_route(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    acts = u.acts
    if state.topic not in TOPICS or not state.last_order_id or not acts.asks or "return" not in acts.actions:
        return None
    if not ({"payment", "refund_route"} & set(acts.conditions)) or u.slots.order_id or acts.shopping:
        return None
    return of_order(env, env.tools.get_order(state.last_order_id), state)


def of_order(env: Env, order: Order | None, state: DialogueState) -> Outcome | None:
    """The refund route of ``order``'s own payment method, with its source."""
    if order is None or not order.payment_method:
        return None
    cited = cite(env.answerer, f"refund.{refund_key(order)}")
    text = say("refund.of_order", summary=R.order_summary(order), method=order.payment_method.label,
               note=refund_note(order))
    return Outcome(sourced(text, cited), state, cards=[R.order_card(order)], citations=cited)


def partial(order: Order, state: DialogueState) -> Outcome:
    """"얼마 돌려받아요?" after some items were cancelled: the amount of those items."""
    cancelled = [i for i in order.items if not i.active]
    return Outcome(say("followup.partial_refund", summary=R.order_summary(order),
                       items=", ".join(f"{i.title} {i.quantity}개" for i in cancelled),
                       refund=refund_note(order, sum(i.subtotal for i in cancelled))), state,
                   cards=[R.order_card(order)])
