"""Digression and resume: a side question while a frame waits is answered, the frame
stays on the stack, and its open question is asked again ("… 불량 접수는 계속 진행할까요?")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ..domain.orders import Order, OrderStatus
from ..nlu.context import ACTION_WORDS, Expecting
from ..nlu.types import Understanding
from . import replies as R
from .env import Env
from .flows import info, orders as order_flows, refunds
from .flows.amounts import amount_of_pending, fee_of_pending
from .flows.wording import confirm_question
from .flows.writes import TASK_OF_INTENT, label
from .outcome import Outcome
from .state import DialogueState, Frame
from .templates import say

# The requests a yes may name and still mean the one asked about: "네 취소하고 환불해 주세요"
# for a cancellation; a defect is settled by a return or an exchange; "네 바꿔 주세요" to an address.
SAME_REQUEST = {"cancel": {"cancel", "return"}, "return": {"return"}, "exchange": {"exchange"},
                "defect": {"defect", "return", "exchange"}, "change_address": {"change_address", "exchange"}}
SIDE_INTENTS = frozenset({"order.list", "order.detail", "order.status", "ticket.status", "policy", "product.search",
                          "general"})

Route = Callable[[Understanding, DialogueState], Outcome]


def resume_question(env: Env, frame: Frame) -> str:
    """The frame's open question, asked again after a digression."""
    order = env.tools.get_order(frame.order_id) if frame.order_id else None
    if frame.waiting == Expecting.CONFIRM.value:
        return say("confirm.resume", question=confirm_question(frame, order))
    if frame.waiting == Expecting.ADDRESS.value:
        return say("ask.address", summary=frame.summary)
    if frame.waiting == Expecting.ORDER.value:
        return "" if frame.intent == "offer" or not frame.candidates else say("ask.order_again")
    if frame.waiting == Expecting.ITEM.value:
        titles = [i.title for i in (order.item(c) for c in frame.candidates) if i] if order else []
        return say("ask.item_again", items=", ".join(titles))
    if frame.waiting == Expecting.OPTION.value and order is not None and frame.items:
        item = order.item(frame.items[0][0])
        return say("ask.option_again", title=R.josa(item.title, "을/를")) if item else ""
    return ""


def digression(env: Env, frame: Frame, u: Understanding, state: DialogueState, route: Route) -> Outcome:
    """Answer a side question; the frame stays on the stack and its question is asked again."""
    answered = amount_of_pending(env, frame, u, state) or fee_of_pending(env, frame, u, state) or \
        about_the_task(env, frame, u, state)
    if answered is None and u.intent == "product.search" and frame.task in ACTION_WORDS and u.acts.asks and not \
            env.finder.product_words(u.acts.nouns):  # "이거 추가 요금 있어요?": about the task, not the catalogue
        answered = info.within_task(env, frame.task, u.text, state)
    answered = answered or route(u, state)
    if answered.unanswered and frame.task in ACTION_WORDS and u.acts.asks:  # "선물받은 건데 상관없나요?"
        answered = info.within_task(env, frame.task, u.text, state) or answered
    top = answered.state.top
    if frame.task == "lookup" and top is not None and top.frame_id != frame.frame_id:
        return answered  # "그냥 취소하면 안돼요?" while orders are listed: its own choice replaces the lookup
    if answered.rules_out == frame.task and frame.waiting == Expecting.CONFIRM.value:
        # "택 뗐는데 괜찮아요?" while a return waits for its yes: the answer ruled it out, so it is not
        # asked again (a yes would file what was just said to be refused); the shopper may still insist
        left = replace(answered.state, stack=tuple(f for f in state.stack if f.frame_id != frame.frame_id))
        return answered.with_state(left).suffixed(say("ruled_out", label=R.josa(label(frame.task), "은/는")))
    kept = replace(answered.state, stack=state.stack)  # a side answer never changes the task in hand
    return answered.with_state(kept).suffixed(resume_question(env, frame))


def about_the_task(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome | None:
    """"근데 회수는 언제 와요?" in the middle of a return: a question about how that task goes
    on (pickup, refund, fees), answered from the documents as a question about the task (the
    words alone read like a delivery question); None when it points elsewhere or is no question."""
    acts = u.acts
    if frame.task not in ACTION_WORDS or not acts.asks or u.slots.order_id or acts.elliptical or acts.no_pay or \
            acts.done_check or \
            acts.person or env.finder.product_words(acts.nouns):
        return None
    order = env.tools.get_order(frame.order_id) if frame.order_id else None
    if order is not None and frame.task == "cancel" and "return" in acts.actions and order.status is OrderStatus.PENDING:
        return nothing_to_refund(order, state)  # "환불은 언제 돼요?" while an unpaid order's cancel waits
    if order is not None and frame.task in refunds.TOPICS and order.status is not OrderStatus.PENDING and \
            ({"payment", "refund_route"} & set(acts.conditions)) and (
                "return" in acts.actions or "refund_route" in acts.conditions) and not acts.shopping:
        routed = refunds.of_order(env, order, state)  # "근데 환불은 카드로 들어오죠?": that order's own route
        if routed is not None and acts.payments and order.payment_method:  # the guess named is confirmed or not
            routed = routed.prefixed("네," if order.payment_method.value in acts.payments else "아니요,")
        return routed
    if order is not None and frame.task in ("return", "exchange") and acts.can and (
            set(acts.conditions) - {"payment", "refund_route", "after_delivery"}):  # the item's own state
        judged = info.can_i(env, frame.task, u, state, order_id=order.order_id)  # "박스 버렸는데 괜찮아요?":
        if not judged.unanswered:  # the stated condition ruled on for the claim in hand (nothing else
            return judged.with_state(state)  # of the dialogue changes: the claim stays as it was)
    if order is not None and frame.task in ("cancel", "change_address") and acts.dispatch and not acts.actions and \
            not acts.conditional and u.intent in ("order.status", "order.detail", "policy", "general"):
        return order_flows.show(env, order, "order.status", state)  # "근데 오늘 출고돼요?": the order's own progress
    if u.intent == "policy":  # a policy question stands as asked, unless it names the task in other words
        if not acts.actions or frame.task in acts.actions or not set(acts.actions) <= SAME_REQUEST[frame.task]:
            return None  # ("바꾸면 배송이 늦어져요?" in an address change is not about an exchange)
    elif u.intent not in ("order.status", "order.detail", "ticket.status", "general") or (
            acts.actions and not set(acts.actions) <= SAME_REQUEST[frame.task]):  # "잘못 온 건 제가 부쳐야 돼요?"
        return None  # during a defect claim asks how that claim goes on, not where the parcel is
    elif not acts.nouns and frame.task not in ("return", "exchange", "defect"):
        return None  # "언제 와요?" during a cancellation is about the delivery; after one, about the pickup
    # the order only when the question is whether it can be done ("근데 그거 환불 되긴 해요?"): its
    # dates then decide; otherwise the task's process is asked about, the same for every order
    order = env.tools.get_order(frame.order_id) if frame.order_id and u.acts.can else None
    return info.within_task(env, frame.task, u.text, state, order=order)


def nothing_to_refund(order: Order, state: DialogueState) -> Outcome:
    """An unpaid order returns no money: said from the order's data, not the refund timelines."""
    return Outcome(say("refund.unpaid", summary=R.order_summary(order)), state, cards=[R.order_card(order)])


def is_side(u: Understanding) -> bool:
    """A question or lookup beside the task (not a new write, not an answer, not a
    request for a person)."""
    if (u.intent in TASK_OF_INTENT and u.acts.request) or (u.intent == "handoff" and not u.acts.asks) or (
            u.acts.person and u.acts.request):  # "상담원이 따로 확인하는 거예요?" asks, requests no one
        return False
    return (u.acts.asks and not u.acts.abort) or (u.intent in SIDE_INTENTS and not u.uncertain and
                                                  not u.acts.small_talk and u.intent != "general")
