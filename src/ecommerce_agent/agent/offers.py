"""The offer pattern: what a message means while an offer stands.

An offer is made after an answer ("… 지금 불량 접수가 가능합니다. 원하시면 '불량 접수해
주세요'라고 말씀해 주세요", "분실 신고를 접수할까요?"). A yes, the request offered ("그냥
없애 주세요"), a remedy ("그냥 환불이요") or a count ("세 개 중에 한 개만요") takes it up; a
side question is answered and the offer stays; anything else leaves it.
"""

from __future__ import annotations

from dataclasses import replace

from ..domain.orders import Order
from ..nlu.types import Understanding
from .digressions import SAME_REQUEST, Route, digression
from .env import Env
from .flows import delivery, info, support, writes
from .flows.offer_questions import about_the_offer
from .flows.writes import TASK_OF_INTENT, drop, put
from .outcome import Outcome
from .state import DialogueState, Frame
from .templates import say

# The model's probability a yes needs before a write is carried out (rules answer 0.99).
CLEAR_YES = 0.8


def clear_yes(u: Understanding) -> bool:
    """An explicit yes: confident, not a question ("네?" asks to repeat)."""
    return u.confidence >= CLEAR_YES and not u.uncertain and not u.acts.asks


def offer(env: Env, frame: Frame, u: Understanding, state: DialogueState, route: Route) -> Outcome | None:
    state = drop(state, frame)
    if frame.intent == "lost_parcel" and u.acts.found:  # "아 경비실에 있네요"
        return Outcome(say("lost_parcel.found"), state)
    if u.acts.person and (u.acts.request or u.intent == "handoff"):  # "사람이랑 직접 얘기하고 싶어요"
        return support.handoff(env, u, u.text, state)
    if frame.intent == "lost_parcel" and u.acts.contact and u.acts.how and not u.acts.request:
        # "언제 연락 와요": who gets back when, once it is filed; the offer stays
        return digression(env, frame, u, put(state, frame), lambda u2, s2: delivery.lost_parcel_contact(env, s2))
    if frame.intent == "lost_parcel" and frame.order_id and u.acts.checked and not (
            u.acts.request or u.slots.order_id or env.finder.product_words(u.acts.nouns)):
        return support.lost_parcel(env, replace(u, slots=replace(u.slots, order_id=frame.order_id)), state,
                                   checked=True)  # "조회해도 며칠째 그대로예요": asked whether to file, not filed
    if frame.intent == "lost_parcel" and frame.order_id and u.acts.asks and not (
            u.acts.lost_parcel or u.acts.checked or u.acts.conditional) and u.intent in (
            "order.status", "order.detail", "order.list", "ticket.status", "product.search"):
        return digression(env, frame, u, put(state, frame), route)  # "근데 배낭은 언제 와요?": the offer kept
    if frame.intent == "lost_parcel" and (u.slots.order_id or env.finder.product_words(u.acts.nouns)):
        return support.lost_parcel(env, u, state, checked=True)  # "충전기요", "ORD-…요 다 봤고요": that order
    if frame.intent == "lost_parcel" and u.acts.asks and ((not u.acts.how and (
            "return" in u.acts.actions or u.acts.lost_parcel)) or (u.acts.how and not (
            u.acts.nouns or u.acts.actions or u.acts.conditions or u.acts.conditional or u.acts.contact))):  # "분실이면 다시 보내줘요?", "그럼 어떻게 돼요?"
        return digression(env, frame, u, put(state, frame), lambda u2, s2: delivery.lost_parcel_outcome(env, s2))
    if frame.intent == "lost_parcel" and u.acts.asks:  # "분실이면 다시 보내줘요?": answered, the offer kept
        rules = u.acts.lost_parcel or u.acts.conditional  # about the rules; else about the order ("택배사가 어디예요")
        return digression(env, frame, u, put(state, frame),
                          (lambda u2, s2: info.policy(env, u2, s2)) if rules else route)
    if frame.intent == "lost_parcel" and frame.order_id and u.acts.request and not (
            u.acts.question):  # "다 봤는데 없어요 확인해 주세요": the report the offer was for
        return support.file_lost_parcel(env, frame.order_id, u.text, state)
    if frame.intent == "lost_parcel" and frame.order_id and (u.acts.checked or u.acts.lost_parcel):
        return support.lost_parcel(env, replace(u, slots=replace(u.slots, order_id=frame.order_id)), state,
                                   checked=True)  # "경비실에도 없어요": asked whether to file, not filed
    if frame.intent == "exchange" and frame.order_id and frame.items and not u.acts.asks:
        order = env.tools.get_order(frame.order_id)
        chosen = writes.option_named(env, replace(frame, task="exchange"), order, u.text) if order else None
        if order is not None and chosen is not None:  # "M" after "사이즈 교환 되죠?": the offer taken up
            return writes.proceed(env, Frame(task="exchange", items=_counted(frame.items, u), reason=frame.reason,
                                             option=chosen), order, None, state)
    asked = about_the_offer(env, frame, u, state)  # "L 있어요?", "배송비는 얼마 빠져요?": the offer stays
    if asked is not None:
        return asked
    if u.acts.asks and frame.intent in writes.ACTIONS and u.intent in ("policy", "general") and not (
            u.acts.actions or u.acts.person or env.finder.points(u, state) or env.finder.product_words(u.acts.nouns)):
        # "사진 찍어야 되나요?" while a defect claim is offered: answered for that claim, the offer stays
        return digression(env, replace(frame, task=frame.intent), u, put(state, frame), route)
    if u.acts.will_look and not u.acts.request and frame.intent == "lost_parcel":  # "네 찾아볼게요": not yet
        return Outcome(say("lost_parcel.will_look"), put(state, frame))
    if (u.acts.ack or u.acts.thanks) and not u.acts.request and not (u.acts.asks and u.acts.nouns) and not (
            frame.direct and u.acts.yes):  # "네 알겠어요": heard, not a yes — unless the offer asked one ("알겠어요 그럼 접수해 주세요" is one)
        return support.small_talk(u, state) or Outcome(say("acknowledged"), state)
    wanted = TASK_OF_INTENT.get(u.intent)
    if wanted is None and u.acts.request and len(u.acts.actions) == 1:  # "그냥 없애 주세요" (read as a no)
        wanted = u.acts.actions[0]
    remedy = frame.intent == "defect" and wanted in ("return", "exchange")  # "그냥 환불이요" to a defect offer
    taken_up = (wanted == frame.intent or remedy) and not env.finder.points(u, state) and not (
        u.acts.asks)  # "취소해 주세요" right after "… 취소가 가능합니다"
    proceed = u.intent == "dialog.confirm" and u.acts.request and not (
        u.acts.asks or u.acts.actions or u.acts.nouns or u.acts.abort or u.acts.correction or u.slots.order_id)
    # "세개 중에 한개만요" to "… 1개는 교환이 가능합니다": how many of the item offered, an answer
    counted = frame.intent in writes.ACTIONS and len(frame.items) == 1 and bool(u.acts.quantity) and not (
        u.acts.asks or u.acts.abort or u.acts.actions or u.slots.order_id or env.finder.points(u, state) or
        env.finder.product_words(u.acts.nouns))
    if (u.intent == "dialog.confirm" and clear_yes(u)) or taken_up or proceed or counted:  # "그럼 요청 남겨 주세요"
        if frame.intent == "handoff":
            return support.handoff(env, u, u.text, state)
        if frame.intent == "lost_parcel" and frame.order_id:
            return support.file_lost_parcel(env, frame.order_id, u.text, state)
        if frame.intent in writes.ACTIONS:
            order = env.tools.get_order(frame.order_id) if frame.order_id else None
            if order is not None and frame.items:  # the items the offer was about ("반품으로 진행할까요?")
                how = ("refund" if wanted == "return" else "exchange") if remedy else None
                return writes.proceed(env, Frame(task=frame.intent, items=_counted(frame.items, u, order), remedy=how,
                                                 option=frame.option,
                                                 reason=writes.reason_of(u) or frame.reason), order, None, state)
            if order is not None and remedy:
                chosen = Frame(task="defect", reason=frame.reason,
                               remedy="refund" if wanted == "return" else "exchange")
                return writes.proceed(env, chosen, order, u, state)
            return writes.start(env, frame.intent, u, state, order_id=frame.order_id)
    if u.intent == "dialog.deny" or (u.acts.abort and not u.acts.actions):
        return Outcome(say("nothing_open"), state)
    if u.acts.asks and frame.intent in SAME_REQUEST and set(u.acts.actions) <= SAME_REQUEST[frame.intent] and not (
            u.slots.order_id or env.finder.product_words(u.acts.nouns)):  # "취소하면 얼마 환불돼요?": the offer stays
        return digression(env, frame, u, put(state, frame), route)
    return None


def _counted(items: tuple[tuple[str, int], ...], u: Understanding,
             order: Order | None = None) -> tuple[tuple[str, int], ...]:
    """The offer's one item set to the count the answer says ("화이트로 한 개만요"; "아 두개요"
    to an offer of one of three: two, up to what the order holds)."""
    if len(items) == 1 and u.acts.quantity:
        item = order.item(items[0][0]) if order is not None else None
        most = item.quantity if item is not None else items[0][1]
        return ((items[0][0], min(u.acts.quantity, most)),)
    return items
