"""A question about the shop's rules that points at none of the shopper's orders ("택배 어디 거
써요?", "탈퇴했다가 재가입하면 예전 주문내역 볼 수 있나요?", "가구는 배송비 얼마예요?"): the
documents answer it before any order is looked up, any product searched or anything opened.

The classifier often reads such a question by its words (택배 → an order's status, 가격 → a
product), so the decision is taken from what the message points at (``Acts.about_rule``, the
slots, the shopper's own orders), not from the intent alone. When no document answers it, the
message is routed as before: a lookup may still be what the shopper wants."""

from __future__ import annotations

from ...nlu.types import Understanding
from ..env import Env
from ..outcome import Outcome
from ..state import DialogueState
from .info import policy_answer

# Intents whose usual route (a lookup, a search, small talk) would not answer a rule question;
# claims, cancellations and tickets name a task of the shopper's and keep their own routes.
READ_BY_WORDS = frozenset({"order.status", "order.detail", "order.list", "general", "policy", "product.search"})


def answered_first(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    acts, slots = u.acts, u.slots
    if not acts.about_rule or acts.actions or acts.person or acts.small_talk or u.intent not in READ_BY_WORDS:
        return None  # a person asked about goes to the hours answer (dialogue), a write to its question
    if slots.order_id or slots.anaphora or slots.ordinal or slots.date_ref or slots.price_min is not None or \
            slots.price_max is not None or env.finder.points(u, state):
        return None  # "어제 거", "그거", "만원대": something of theirs, or a product's price
    if state.top is not None or state.asked_claim or state.topic or acts.negative or \
            acts.what_next or acts.contact:
        return None  # a frame waiting, a claim or request just discussed ("배송비 얼마 내야돼?", "얼마나
        # 기다려야 돼요"), an upset shopper ("물건 왜케 안와"), "what now", "when will you call": in context
    if state.last_order_id and not acts.nouns:
        return None  # "얼마나 걸려요?" right after an order was discussed: about that order
    products = env.finder.product_words(acts.nouns)
    if products and (u.intent != "policy" or env.finder.orders_naming(products, env.tools.list_orders(limit=20))[1]):
        return None  # "텀블러 있어요?": a product; "가구는 배송비 얼마예요?" is a rule unless they bought one
    answered = policy_answer(env, u.text, state)
    return answered[0] if answered is not None else None
