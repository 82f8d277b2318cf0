"""Messages no task flow took: small talk, a question the documents may answer, a vent,
a remark, and what the model is unsure of (the readings that can be checked, else options)."""

from __future__ import annotations

from dataclasses import replace

from ..nlu.types import Understanding
from .env import Env
from .flows import info, orders, support
from .outcome import Outcome
from .state import DialogueState
from .templates import say
from .tone import vent

INTENT_HINTS = {"order.list": "주문 내역 조회", "order.detail": "주문 상세 보기", "order.status": "배송 조회",
                "order.cancel": "주문 취소", "claim.refund": "반품·환불 신청", "claim.exchange": "교환 신청",
                "claim.defect": "불량·오배송 신고", "ticket.status": "문의 처리 현황",
                "policy": "정책 문의", "product.search": "상품 찾기", "handoff": "상담원 연결"}


def general(env: Env, u: Understanding, state: DialogueState) -> Outcome:
    """A message of no task: small talk, a question the documents may answer, a vent, a remark."""
    talk = support.small_talk(u, state)
    if talk is not None:
        return talk
    if u.acts.dispatch and u.acts.question and state.last_order_id and not (u.acts.nouns or u.acts.actions):
        return orders.lookup(env, replace(u, intent="order.status"), state)  # "오늘 보내 주는 거지?"
    if u.acts.question:  # a question the shop's documents may still answer
        answered = info.policy_answer(env, u.text, state)
        if answered is not None:
            return answered[0]
    if u.acts.negative:  # "ㅡㅡ 왜 답이 없어", "아 짜증나": upset, not asking for something we lack
        return vent(Outcome("", state))
    if not u.acts.question and not u.acts.request:  # a remark ("아 다른 데서 샀나 보네요")
        return Outcome(say("acknowledged"), state)
    return Outcome(say("smalltalk.cannot", capabilities=support.capabilities()), state)

def unsure(env: Env, u: Understanding, state: DialogueState) -> Outcome:
    """A message the model is unsure of: the readings that can be checked, else options."""
    talk = support.small_talk(u, state)
    if talk is not None:
        return talk
    if u.acts.negative and not (u.acts.actions or u.slots.order_id or env.finder.product_words(u.acts.nouns)):
        return vent(Outcome("", state))  # "아까부터 계속 같은 말만 하네요": upset, not asking for anything
    if u.acts.negative and u.acts.asks and "return" in u.acts.actions and not u.slots.order_id:
        mine = support.claim_in_progress(env, u, state)  # "환불 왜 이렇게 늦어요": their own refund
        if mine is not None:
            return mine
    if not (u.acts.question or u.acts.request or u.acts.negative or u.acts.can) and state.asked_claim and \
            not env.finder.points(u, state) and not env.finder.product_words(u.acts.nouns):
        return Outcome(say("acknowledged"), state)  # "아 제가 착각했나 봐요 반품 아직 안 했네요": a remark
    if u.acts.statuses and (u.acts.view or u.acts.question) and not u.acts.actions and all(
            a.intent.startswith("order.") for a in (u, *u.alternatives[:1])):  # "배송중인거 뭐있는지 알려줘"
        return orders.list_orders(env, u, state)
    if env.finder.product_words(u.acts.nouns) and not u.acts.shopping:  # "카디건 주문 어떻게 됐나요"
        _, named = env.finder.orders_naming(u.acts.nouns, env.tools.list_orders(limit=20))
        if named:
            return orders.lookup(env, replace(u, intent="order.status"), state)
    if u.intent == "policy" or u.acts.question or u.acts.nouns:
        answered = info.policy_answer(env, u.text, state)
        if answered is not None:
            return answered[0].suffixed(say("policy.maybe"))
    options = [INTENT_HINTS[a.intent] for a in (u, *u.alternatives)
               if getattr(a, "intent", None) in INTENT_HINTS][:3]
    hint = " / ".join(dict.fromkeys(options)) or "주문 조회 / 주문 취소 / 환불·교환 / 정책 문의"
    return Outcome(say("smalltalk.unsure", hint=hint), state)
