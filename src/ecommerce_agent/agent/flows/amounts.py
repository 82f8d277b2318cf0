""""환불은 얼마 돼요?", "그럼 얼마 넣으면 돼요?" while a cancellation or return waits for its
yes: the amount that write would refund (or leave to pay), computed from the order's
data as the proposal was, never a policy passage about refunds in general."""

from __future__ import annotations

from ...domain.claims import FREE_SHIPPING_THRESHOLD, ClaimLine, RefundEstimate, plan_order_action
from ...domain.orders import Denied
from ...nlu.context import Expecting
from ...nlu.types import Understanding
from ..env import Env
from .. import replies as R
from ..outcome import Outcome
from ..sources import cite, sourced
from ..state import DialogueState, Frame
from ..templates import say
from .writes import ACTIONS


def amount_of_pending(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome | None:
    acts = u.acts
    if frame.task not in ("cancel", "return") or frame.waiting != Expecting.CONFIRM.value or not frame.order_id:
        return None
    if not (acts.question and acts.how and acts.shopping) or u.slots.order_id or acts.nouns:
        return None  # not "how much", or about a fee ("배송비는 얼마나 나와요?": the rule, cited), another order
    estimate = _estimate(env, frame)
    return Outcome(say("amount_of_pending", estimate=estimate.describe()), state) if estimate else None


def fee_of_pending(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome | None:
    """"그럼 배송비 따로 붙어요?" while some items' cancellation waits for its yes: whether the rest
    of the order now owes the shipping fee, from that cancellation's own estimate."""
    if frame.task != "cancel" or frame.waiting != Expecting.CONFIRM.value or not frame.order_id or \
            not frame.items or not u.acts.asks or "배송비" not in u.acts.nouns or u.slots.order_id or \
            u.acts.correction:  # "아 그거 말고 같이 산 거요 …": the item is corrected first
        return None
    estimate = _estimate(env, frame)
    if estimate is None:
        return None
    key = "fee_of_pending.added" if estimate.shipping_fee_added else "fee_of_pending.none"
    text = say(key, threshold=R.won(FREE_SHIPPING_THRESHOLD), fee=R.won(estimate.shipping_fee_added),
               estimate=estimate.describe())
    cited = cite(env.answerer, "cancel.items.shipping")
    return Outcome(sourced(text, cited), state, citations=cited)


def _estimate(env: Env, frame: Frame) -> RefundEstimate | None:
    """What the write waiting for its yes would refund or cost, as its proposal computed it."""
    order = env.tools.get_order(frame.order_id) if frame.order_id else None
    if order is None:
        return None
    lines = tuple(ClaimLine(i, q) for i, q in frame.items) or None
    plan = plan_order_action(order, ACTIONS[frame.task], env.now, lines=lines, reason=frame.reason)
    return None if isinstance(plan, Denied) else plan.estimate
