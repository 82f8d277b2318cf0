"""Questions about the other items of an order a claim or cancellation just touched:
"나머지 포트랑 수납박스는 그대로죠?", "그럼 커피는 그대로 오는 거죠?".

Answered from each item's own status in the data (an item claim leaves the rest
of the order as it was), 네 when every item named is still in the order.
"""

from __future__ import annotations

from ...domain.orders import ItemStatus
from ...nlu.types import Understanding
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..state import DialogueState
from ..templates import say


def rest_of_order(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """The named items of the order just acted on, or None when the message is not a
    question about them (a request, no product named, another order)."""
    acts = u.acts
    if not (state.topic and state.last_order_id and acts.asks and acts.nouns) or acts.actions or \
            u.slots.order_id or acts.done_check or (acts.dispatch and acts.how) or acts.order_facts:
        return None  # "가디건은 언제 와요?": its delivery, not whether it is still in the order
    order = env.tools.get_order(state.last_order_id)
    if order is None or len(order.items) < 2:
        return None
    named = env.finder.items_named(acts.nouns, order.items)
    if not named or len(env.finder.product_words(acts.nouns)) > len(named) + 1:
        return None
    still = {i.product_id for i in named if i.status is ItemStatus.ORDERED}  # "남은 포트 하나는": of a line
    named = [i for i in named if i.product_id not in still or i.status is ItemStatus.ORDERED]  # split by a claim
    kept = all(i.status is ItemStatus.ORDERED for i in named)
    items = ", ".join(f"{i.title}({i.quantity}개)" if kept else f"{i.title}({i.quantity}개)는 '{i.status.label}'"
                      for i in named)
    key = "items.kept" if kept else "items.changed"
    return Outcome(say(key, summary=R.order_summary(order), items=items, status=order.status_label),
                   state, cards=[R.order_card(order)])
