"""Questions asked while an offer stands ("원하시면 '교환 신청해 주세요'라고 말씀해 주세요"):
"L 있어요?" after "사이즈만 바꿀 수 있죠?", "배송비는 얼마 빠져요?" after "반품 되나요?".

They are about the request just offered, so they are answered for it — the option's
stock from the catalogue, the fee from the documents read as a question about that
request — and the offer stays open: "그럼 L로 해주세요" next takes it up.
"""

from __future__ import annotations

from dataclasses import replace

from ...domain.clock import kst_date
from ...domain.orders import claim_deadline
from ...nlu.context import ACTION_WORDS, Expecting
from ...nlu.types import Understanding
from ..env import Env
from ..outcome import Outcome
from ..state import DialogueState, Frame
from ..templates import say
from . import info
from .amounts import amount_of_pending
from .writes import ACTIONS, option_named, put


def about_the_offer(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome | None:
    """``state`` is without the offer; the answer puts it back. None: not such a question."""
    acts = u.acts
    if frame.intent in ("cancel", "return") and acts.asks and set(acts.actions) <= {frame.intent, "return"}:
        proposed = replace(frame, task=frame.intent, waiting=Expecting.CONFIRM.value)
        priced = amount_of_pending(env, proposed, u, state)  # "얼마 돌려받아요?": what that request would refund
        if priced is not None:
            return priced.with_state(put(priced.state, frame))
    if not acts.asks or u.slots.order_id or acts.actions or frame.intent not in ACTION_WORDS or not frame.order_id:
        return None
    order = env.tools.get_order(frame.order_id)
    if order is None:
        return None
    if frame.intent == "exchange" and frame.items and not env.finder.product_words(acts.nouns):
        option = option_named(env, replace(frame, task="exchange"), order, u.text)
        if option is not None:  # "L 있어요?": that option of the item in question, from the stock
            item = order.item(frame.items[0][0])
            stock = next((o for o in env.tools.product_options(item.product_id) if o.option == option), None) \
                if item is not None else None
            if item is not None and stock is not None:
                key = "offer_questions.in_stock" if stock.in_stock else "offer_questions.sold_out"
                kept = replace(frame, option=option if stock.in_stock else frame.option)
                return Outcome(say(key, title=item.title, option=option), put(state, kept))
    if acts.until_when and order.delivered_at is not None and frame.intent in ("return", "exchange", "defect"):
        due = claim_deadline(ACTIONS[frame.intent], order.delivered_at)  # "언제까지 해야돼요?": from the data
        days = (due - kst_date(env.now)).days
        when = "오늘" if days == 0 else "내일" if days == 1 else f"{days}일 뒤"
        return Outcome(say(f"offer_questions.deadline_{'defect' if frame.intent == 'defect' else 'change'}",
                           due=f"{due.month}월 {due.day}일", when=when, label=ACTION_WORDS[frame.intent]),
                       put(state, frame))
    if acts.how and acts.shopping and not env.finder.product_words(acts.nouns):  # "배송비는 얼마 빠져요?"
        answered = info.within_task(env, frame.intent, u.text, state, order=order)
        if answered is not None:
            return answered.with_state(put(answered.state, frame))
    return None
