"""Refining a proposal still waiting for its yes: a fragment that adds to it ("1개만요",
"그레이로요", "생각보다 무거워서요", a new address) is proposed again, never carried out."""

from __future__ import annotations

from dataclasses import replace

from ..domain.orders import Order
from ..nlu.types import Understanding
from .env import Env
from .flows import writes
from .flows.writes import TASK_OF_INTENT
from .outcome import Outcome
from .state import DialogueState, Frame


def refine(env: Env, frame: Frame, order: Order, u: Understanding, state: DialogueState) -> Outcome | None:
    """A fragment that adds to the proposal: a reason, an option, an address, a remedy."""
    acts = u.acts
    wanted = TASK_OF_INTENT.get(u.intent)
    said = writes.reason_of(u) if frame.task != "change_address" and not acts.asks else None
    if said and wanted in (None, frame.task) and (acts.because or u.slots.reason or acts.remark):
        frame = replace(frame, reason=said)  # "2개요 생각보다 무거워서요": the count and the reason both
    if frame.task == "defect" and wanted in ("return", "exchange") and not acts.asks:
        refined = replace(frame, remedy="refund" if wanted == "return" else "exchange")
        return writes.propose(env, refined, order, state)
    if frame.task == "change_address" and acts.address and not acts.asks:
        return writes.propose(env, replace(frame, address=acts.address), order, state)
    named_option = writes.option_named(env, frame, order, u.text) if frame.task == "exchange" else None
    if named_option is not None and named_option != frame.option and not acts.asks:  # "아니다 그레이로 해주세요"
        return writes.propose(env, replace(frame, option=named_option), order, state)
    if frame.task == "exchange" and not acts.asks and (acts.nouns or acts.other_option):
        refined = writes.proceed(env, replace(frame, option=None), order, u, state)
        if refined.state.top is not None and (refined.state.top.option or refined.state.top.waiting == "option"):
            return refined
    if frame.task != "change_address" and (acts.quantity or acts.kept_count) and not acts.asks and not acts.nouns:
        open_items = [i for i in order.items if i.status.value == "ordered"]
        target = frame.items[0][0] if len(frame.items) == 1 else (open_items[0].item_id if len(open_items) == 1
                                                                  else None)
        if target is not None:  # "1개만요": how many of the item in question ("하나는 쓸게요": the rest)
            item = order.item(target)
            count = acts.quantity or (item.quantity - acts.kept_count if item is not None else 0)
            if item is not None and 0 < count <= item.quantity:
                return writes.propose(env, replace(frame, items=((target, count),)), order, state)
    if frame.task != "change_address" and acts.nouns and not acts.asks and (wanted in (None, frame.task)):
        named = env.finder.items_named(acts.meant, order.items)
        if named and len(order.items) > 1:  # "머그컵만요": narrows the claim to that item
            items = tuple((i.item_id, min(acts.quantity, i.quantity) if acts.quantity else i.quantity) for i in named)
            return writes.propose(env, replace(frame, items=items), order, state)
    if acts.because and not acts.asks and u.intent not in ("policy",) and wanted in (None, frame.task):
        return writes.propose(env, replace(frame, reason=writes.reason_of(u)), order, state)
    return None


def points_elsewhere(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> bool:
    """The message points at an order other than the proposal's ("그거 하나 교환해 주세요" is the same one)."""
    if not env.finder.points(u, state):
        return False
    pointed, _ = env.finder.referenced(u, state)
    return pointed is None or pointed.order_id != frame.order_id


def narrowed_by_option(env: Env, frame: Frame, order: Order, u: Understanding) -> Frame | None:
    """The proposal narrowed to the one item whose option the shopper names, when it covers more."""
    proposed = [i for i in order.items if i.status.value == "ordered" and (
        not frame.items or i.item_id in {x for x, _ in frame.items})]
    named = env.finder.items_by_option(u.text, proposed)
    if len(proposed) < 2 or len(named) != 1:
        return None
    quantity = min(u.acts.quantity or named[0].quantity, named[0].quantity)
    return replace(frame, items=((named[0].item_id, quantity),))
