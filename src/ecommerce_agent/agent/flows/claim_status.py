"""A claim the shopper already made, spoken of as done: "반품한 지 일주일 넘었어요 왜 환불이
안 돼요", "교환 신청했는데 감감무소식이네요", "RC카 반품 접수했는데 립틴트도 같이 들어간
거 맞죠?".

Such a message is about the claim in progress, never a new request: the order whose
items are in that claim (from the data: item and order statuses) is shown with where
it stands and what happens next (cited); a question about its items is answered from
their statuses. When no such order exists, the dialogue reads the message as usual.
"""

from __future__ import annotations

from dataclasses import replace

from ...domain.claims import ITEM_STATUS_AFTER
from ...domain.orders import Action, ItemStatus, Order
from ...nlu.types import Understanding
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..sources import cite, sourced
from ..state import DialogueState, Frame
from ..templates import say
from ...nlu.context import Expecting
from .writes import put

# The claims a shopper may ask the progress of, by the item status they put items in.
_CLAIMED = {kind: ITEM_STATUS_AFTER[Action(kind)] for kind in ("return", "exchange")}


def claim_in_progress(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    acts = u.acts
    if acts.picked_up and state.topic in _CLAIMED and not (acts.request or u.slots.order_id):
        return _after_pickup(env, state.topic, state)  # "기사님이 가져가긴 했어요": what comes next
    replacement = acts.new_item and acts.asks  # "새 옷은 언제 와요": the replacement of an exchange under way
    if not (acts.claimed_before or replacement) or (acts.request and not acts.question) or acts.procedure or \
            "cancel" in acts.actions:
        return None  # "반품 신청했던 거 취소할 수 있어요?": withdrawing it is another question
    kinds = ["exchange"] if replacement else [k for k in ("exchange", "return") if k in acts.actions] or list(_CLAIMED)
    wanted = {_CLAIMED[k] for k in kinds}
    orders = _claimed_orders(env, u, wanted)
    if len(orders) != 1:
        return None if not orders else _several(orders, state)
    return _progress(env, orders[0], wanted, u, state)


def _claimed_orders(env: Env, u: Understanding, wanted: set[ItemStatus]) -> list[Order]:
    """The shopper's orders with items in the claim spoken of; "RC카 반품한 거": the one holding it."""
    orders = [o for o in env.tools.list_orders(limit=20) if u.slots.order_id in (None, o.order_id)
              and any(i.status in wanted for i in o.items)]
    words = env.finder.product_words(u.acts.nouns)
    if words and len(orders) > 1:
        orders = [o for o in orders if env.finder.items_named(tuple(words), o.items)] or orders
    return orders


def withdraw(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"RC카 반품 신청한 거 취소하고 싶어요": a claim under way is taken back by the shopper on
    the site until the carrier picks the item up (after that, by a person); this agent
    cannot do it, so it says how, for the order whose items are in that claim, and offers
    a person. None when no such claim exists (the message is read as usual)."""
    if not u.acts.withdraw:
        return None
    wanted = {_CLAIMED[k] for k in [k for k in ("exchange", "return") if k in u.acts.actions] or list(_CLAIMED)}
    orders = _claimed_orders(env, u, wanted)
    if len(orders) != 1:
        return None if not orders else _several(orders, state)
    order = orders[0]
    claimed = [i for i in order.items if i.status in wanted]
    kind = "exchange" if claimed[0].status is ItemStatus.EXCHANGE_REQUESTED else "return"
    cited = cite(env.answerer, f"claim_status.withdraw.{kind}")
    text = sourced(say(f"claim_status.withdraw.{kind}", summary=R.order_summary(order), status=order.status_label,
                       items=", ".join(f"{i.title}({i.quantity}개)" for i in claimed)), cited)
    offer = Frame(task="offer", intent="handoff", waiting=Expecting.OFFER.value)
    state = replace(put(state, offer), topic=kind, last_order_id=order.order_id, last_list=())
    return Outcome(text, state, cards=[R.order_card(order)], citations=cited)


def _progress(env: Env, order: Order, wanted: set[ItemStatus], u: Understanding, state: DialogueState) -> Outcome:
    claimed = [i for i in order.items if i.status in wanted]
    kind = "exchange" if claimed[0].status is ItemStatus.EXCHANGE_REQUESTED else "return"
    words = tuple(env.finder.product_words(u.acts.nouns))
    named = env.finder.items_named(words, order.items) if words else []
    asked = named[1:]  # the first names the claim; "RC카 반품했는데 립틴트도 …?" asks about the others
    lead = ""
    if u.acts.question and asked:  # "립틴트도 같이 들어간 거 맞죠?": from each item's status
        inside = [i for i in asked if i.status in wanted]
        outside = [i for i in asked if i not in inside]
        if outside:
            lead = say("claim_status.items_out", items=R.josa(", ".join(i.title for i in outside), "은/는"),
                       label=say(f"claim_status.label.{kind}")) + " "
        else:
            lead = say("claim_status.items_in", items=", ".join(i.title for i in inside),
                       label=say(f"claim_status.label.{kind}")) + " "
    head = say("claim_status.head", summary=R.order_summary(order), status=order.status_label,
               items=", ".join(f"{i.title}({i.quantity}개)" for i in claimed), label=say(f"claim_status.label.{kind}"))
    cited = cite(env.answerer, f"followup.{kind}")
    text = sourced(f"{lead}{head} {say(f'tickets.progress.{kind}')}", cited)
    state = replace(state, topic=kind, last_order_id=order.order_id, last_list=())
    return Outcome(text, state, cards=[R.order_card(order)], citations=cited)


def _after_pickup(env: Env, kind: str, state: DialogueState) -> Outcome:
    cited = cite(env.answerer, f"claim_status.after_pickup.{kind}", f"followup.{kind}")
    return Outcome(sourced(say(f"claim_status.after_pickup.{kind}"), cited), state, citations=cited)


def _several(orders: list[Order], state: DialogueState) -> Outcome:
    ids = tuple(o.order_id for o in orders)
    return Outcome(R.order_list(orders, say("claim_status.several", count=len(orders))),
                   replace(state, last_list=ids), cards=[R.order_card(o) for o in orders])
