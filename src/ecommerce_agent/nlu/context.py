"""Understanding in context: what the agent is waiting for changes what a message means.

"아니요" answers a yes/no question; with no question open, "돈 안 넣을 거니까 그 주문
없애 주세요" or "기계 말고 직원 바꿔 주세요" are requests, not refusals. Likewise "네"
confirms only while a yes/no question is open. ``Expecting`` names what the agent
asked for; the dialogue layer passes it in and reads ``Understanding.expecting``.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from .types import Understanding


class Expecting(StrEnum):
    CONFIRM = "confirm"  # a yes/no to carry out a stated write
    OFFER = "offer"  # a yes/no to an offer ("신청해 드릴까요?")
    ORDER = "order"  # which order (candidates listed)
    ITEM = "item"  # which item(s) of an order
    OPTION = "option"  # the replacement option of an exchange
    ADDRESS = "address"  # the new shipping address
    REASON = "reason"  # why (a claim's reason)


NO_CONTEXT = "-"  # the message is read alone, outside any conversation
YES_NO = frozenset({Expecting.CONFIRM, Expecting.OFFER})
# The intent of a request that names a write ("없애 주세요" → cancel).
ACTION_INTENTS = {"cancel": "order.cancel", "return": "claim.refund", "exchange": "claim.exchange",
                  "defect": "claim.defect"}
DIALOG = ("dialog.confirm", "dialog.deny")


WRITE_INTENTS = frozenset(ACTION_INTENTS.values())
LOOKUPS = frozenset({"order.status", "order.detail", "order.list", "product.search", "general"})


def reread(u: Understanding, expecting: str | None) -> str:
    """The intent of ``u`` given what the agent waits for (unchanged when it fits)."""
    acts = u.acts
    named = [a for a in acts.actions if a in ACTION_INTENTS]
    if u.intent == "handoff" and not acts.person and acts.actions:  # no person asked for, a write named:
        if named and acts.request and not acts.asks:  # "상담원 연결 말고 그냥 네가 취소해 줘"
            return ACTION_INTENTS[named[0]]
        if acts.question:  # "받는 사람 이름도 바꿀 수 있나요?" (the recipient, not a person to talk to)
            return "policy"
    if u.intent in WRITE_INTENTS and len(named) == 1 and acts.request and ACTION_INTENTS[named[0]] != u.intent \
            and named[0] != "defect":
        return ACTION_INTENTS[named[0]]  # "그 주문 없애 주세요": the write named, not the classifier's guess
    if u.intent == "claim.defect" and named and "defect" not in named and not acts.asks and u.confidence < 0.9:
        return ACTION_INTENTS[named[0]]  # "2개는 돌려보낼게요 주방이 좁아서": that write, no defect described
    if u.intent == "general" and named[:1] == ["defect"] and not (acts.asks or acts.request or acts.abort) and \
            expecting not in YES_NO:
        return "claim.defect"  # "근데 사실 한 장은 얼룩도 있었어요": a defect reported, not a remark
    if named and u.intent == "product.search" and acts.asks and acts.can and not acts.shopping:
        return "policy"  # "후라이팬 하나만 색깔 바꿀수있나요?": whether the write can be done, not a search
    if named[:1] == ["defect"] and u.intent == "product.search" and not (acts.question or acts.shopping):
        return "claim.defect"  # "프라이팬 손잡이 흔들려요": a defect described, not a search for 손잡이
    if named and u.intent in LOOKUPS and acts.request and not (acts.asks or acts.view or acts.statuses):
        return ACTION_INTENTS[named[0]]  # "마루 시계 안 받을래요": a write, whatever the classifier guessed
    if expecting == Expecting.CONFIRM and u.intent in WRITE_INTENTS and not named and not acts.other_product \
            and not (acts.asks or acts.request or u.slots.order_id):
        return "general"  # "패딩만요 사이즈가 커요" to "반품할까요?": which item and why, no other request
    if expecting == Expecting.CONFIRM and acts.yes and u.intent == "ticket.status" and not (
            acts.asks or named or u.slots.order_id or u.slots.ticket_id or acts.nouns):
        return "dialog.confirm"  # "네네 접수요" to "접수할까요?": a yes naming the write, not a ticket lookup
    if expecting == Expecting.OFFER and u.intent == "dialog.confirm" and len(named) == 1 and acts.request and \
            not acts.asks:
        return ACTION_INTENTS[named[0]]  # "ㅇㅇ 폼만 취소해줘" to an offer: the write named, taken up
    if expecting == Expecting.CONFIRM and u.intent == "dialog.deny" and named and not (
            acts.abort or acts.asks or acts.correction):  # "아 그냥 돈으로요" to a defect exchange: the remedy
        return ACTION_INTENTS[named[0]]
    if expecting in YES_NO or u.source == "rule" or u.intent not in DIALOG:
        return u.intent
    if acts.person and acts.request and not acts.asks:
        return "handoff"
    if acts.actions and acts.actions[0] in ACTION_INTENTS and acts.request:
        return ACTION_INTENTS[acts.actions[0]]
    if u.intent == "dialog.confirm" or acts.abort:
        return u.intent
    for alternative in u.alternatives:  # the next reading that is not a bare yes/no
        if alternative.intent not in DIALOG and alternative.confidence >= 0.05:
            return alternative.intent
    return u.intent


def with_context(u: Understanding, expecting: str | None) -> Understanding:
    intent = reread(u, expecting)
    if intent == u.intent:
        return replace(u, expecting=expecting)
    return replace(u, intent=intent, expecting=expecting, uncertain=False)


# The word that stands for each write in a rewritten question.
ACTION_WORDS = {"cancel": "취소", "return": "반품", "exchange": "교환", "defect": "불량", "change_address": "배송지 변경"}


def resolve_ellipsis(u: Understanding, previous: str) -> str:
    """The question an elliptical message asks, given the previous question:
    "교환은요?" after "단순변심 반품하면 배송비 얼마예요" → "단순변심 교환하면 배송비
    얼마예요"; "제주도는요?" → "제주도 단순변심 반품하면 배송비 얼마예요"."""
    from .lexicon import dialogue_lexicon

    lex = dialogue_lexicon()
    if u.acts.actions:
        new = ACTION_WORDS[u.acts.actions[0]]
        for name, pattern in lex.actions:
            if name != u.acts.actions[0] and pattern.search(previous):
                return pattern.sub(new, previous, count=1)
        return f"{new} {previous}"
    if u.acts.nouns:
        swapped = _swap(u.acts.nouns, previous)
        return swapped if swapped is not None else f"{' '.join(u.acts.nouns)} {previous}"
    return previous


def _swap(nouns: tuple[str, ...], previous: str) -> str | None:
    """"울릉도는요?" after "제주도는 택배비 더 받아요?": the previous question with the word of
    the same group replaced (the longest written form first), or None when none is there."""
    from .lexicon import noun_lexicon

    for noun in nouns:
        group = next((g for g in noun_lexicon().contrasts if noun in g), None)
        if group is None:
            continue
        for other in sorted(group, key=len, reverse=True):
            if other != noun and other in previous and noun not in previous:
                return previous.replace(other, noun, 1)
    return None
