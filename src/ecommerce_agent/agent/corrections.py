"""The correction pattern: "아 그거 아니고 전기포트요", "번호 잘못 말했어요 ORD-…",
"아니 둘 다요 프라이팬도", "253 말고 235요" — the target of the open write is replaced
(another order, other items, a number of the new address) and the write proposed again;
nothing is carried out until the shopper says yes to the corrected proposal."""

from __future__ import annotations

from dataclasses import replace

from ..nlu.types import Understanding
from . import replies as R
from .env import Env
from .flows import writes
from .flows.writes import drop, label
from .outcome import Outcome
from .resolve import position
from .state import DialogueState, Frame
from .templates import say


def correction(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome | None:
    """Replace the target the shopper corrects: another order, other items, both, or a
    number of the new address ("253 말고 235요")."""
    if frame.order_id is None:
        return None
    current = env.tools.get_order(frame.order_id)
    fixed = _address_fixed(frame, u)
    if fixed is not None and current is not None:
        return writes.propose(env, replace(frame, address=fixed), current, state)
    lead = say("not_confirmed", summary=frame.summary, label=R.josa(label(frame.task), "은/는"))
    if u.slots.order_id or (position(u) and state.last_list):
        order, missing = env.finder.referenced(u, state)
        if missing:
            return writes.not_found(state)
        if order is not None and order.order_id != frame.order_id:
            fresh = Frame(task=frame.task, reason=frame.reason)
            return writes.proceed(env, fresh, order, u, drop(state, frame)).prefixed(lead)
    if u.acts.all and current is not None and not env.finder.product_words(u.acts.replacement or u.acts.nouns):
        whole = _whole_units(frame, current, u)
        if whole is not None:  # "2개 반품" then "아 3개 다요": every unit of that item, not the order
            return writes.propose(env, replace(frame, items=whole), current, state)
        if frame.items:  # "아니 둘 다요": every item of the order
            return writes.propose(env, replace(frame, items=()), current, state)
        others = [o for o in state.last_list if o != frame.order_id]
        if others:  # both listed orders
            return writes.start_many(env, frame.task, [frame.order_id, *others], u, drop(state, frame))
        return writes.propose(env, frame, current, state)  # "전부요" to a whole order: that, asked again
    words = u.acts.replacement or u.acts.only or u.acts.nouns  # "레고 말고 프라이팬이요": the one meant instead
    if words and current is not None:
        named = env.finder.items_named(words, current.items)
        if named and len(current.items) > 1:
            items = tuple((i.item_id, i.quantity) for i in named)
            if u.acts.all and frame.items and not u.acts.replacement:  # "아니 둘 다요 프라이팬도": added
                items = tuple(dict.fromkeys(frame.items + items))
            return writes.propose(env, replace(frame, items=items), current, state)
        word, orders = env.finder.orders_naming(words, env.tools.list_orders(limit=20))
        orders = [o for o in orders if o.order_id != frame.order_id]
        if len(orders) == 1:
            fresh = Frame(task=frame.task, reason=frame.reason)
            narrowed = replace(u, acts=replace(u.acts, nouns=words))
            return writes.proceed(env, fresh, orders[0], narrowed, drop(state, frame)).prefixed(lead)
        if not orders and word is None and env.finder.product_words(words):
            from .digressions import resume_question  # the open question, as after any side answer

            return Outcome(say("ask.product_none", word=words[0]), state).suffixed(
                resume_question(env, frame))
    return None


def _whole_units(frame: Frame, order, u: Understanding) -> tuple[tuple[str, int], ...] | None:
    """"다" said to a part of one item ("2개" of 3 pans): all its units, when the count said
    (if any) is that item's whole quantity rather than a number of items."""
    if len(frame.items) != 1:
        return None
    item = order.item(frame.items[0][0])
    if item is None or frame.items[0][1] >= item.quantity:
        return None
    if u.acts.quantity not in (None, item.quantity):
        return None
    return ((item.item_id, item.quantity),)


def _address_fixed(frame: Frame, u: Understanding) -> str | None:
    """The new address with the number the shopper corrected ("253 말고 235요")."""
    fix = u.acts.number_fix
    if frame.task != "change_address" or not frame.address or fix is None:
        return None
    wrong, right = fix
    if wrong not in frame.address:
        return None
    return frame.address.replace(wrong, right, 1)
