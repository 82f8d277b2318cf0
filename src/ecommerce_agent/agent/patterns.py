"""Conversation-repair patterns: what to do with a message while a frame waits.

Each open frame waits for something (``Frame.waiting``); the message is read as that
answer first ("그 패딩이요", "두 번째요", an address, "화이트로요"), else a pattern applies:

* **confirm** — only a clear yes carries out the write; a yes naming another
  order or another request carries out nothing;
* **correction** — "아 그거 아니고 전기포트요", "번호 잘못 말했어요 ORD-…", "아니
  둘 다요": the target is replaced and the write proposed again;
* **abort / deny** — the frame is dropped and the reply says nothing was done;
* **digression** — a side question is answered, the frame's question asked again;
* anything else (a new request) returns ``None``: the dialogue routes it afresh.
"""

from __future__ import annotations

from dataclasses import replace

from ..domain.orders import Denied, Order, decide
from ..nlu.context import Expecting
from ..nlu.types import Understanding
from . import replies as R
from .env import Env
from .flows import filters, info, orders as order_flows, support, writes
from .flows.wording import confirm_question
from .corrections import correction
from .offers import clear_yes, offer
from .refine import narrowed_by_option, points_elsewhere, refine
from .digressions import SAME_REQUEST, Route, digression, is_side
from .flows.writes import TASK_OF_INTENT, drop, label, put
from .outcome import Outcome
from .resolve import position
from .state import DialogueState, Frame
from .templates import say

def continue_frame(env: Env, u: Understanding, state: DialogueState, route: Route) -> Outcome | None:
    frame = state.top
    assert frame is not None
    handler = {Expecting.CONFIRM: _confirm, Expecting.OFFER: offer, Expecting.ORDER: _order,
               Expecting.ITEM: _item, Expecting.OPTION: _option,
               Expecting.ADDRESS: _address}.get(Expecting(frame.waiting or "confirm"))
    if handler is None:
        return None
    return handler(env, frame, u, state, route)


# -- confirm -----------------------------------------------------------------------

def _confirm(env: Env, frame: Frame, u: Understanding, state: DialogueState, route: Route) -> Outcome | None:
    acts = u.acts
    if u.intent == "dialog.confirm" and not acts.correction and not (acts.asks and acts.how):  # "얼마 넣으면 돼요"
        proceed = acts.request and not (acts.asks or acts.actions or acts.nouns or acts.abort or acts.correction
                                        or u.slots.order_id or acts.list_number)  # "알겠어요 접수해 주세요"
        if not clear_yes(u) and not proceed:  # "네?" (pardon?), "첫 번째요" or a guess of the model
            order = env.tools.get_order(frame.order_id) if frame.order_id else None
            return Outcome(say("confirm.again", question=confirm_question(frame, order)), state)
        if frame.expired(env.now):
            minutes = int(env.confirm_ttl.total_seconds() // 60)
            return Outcome(say("confirm.expired", minutes=minutes, summary=frame.summary,
                               label=R.josa(label(frame.task), "은/는")),
                           replace(drop(state, frame), last_order_id=frame.order_id))
        return _confirmed(env, frame, u, state)
    if _same_request(env, frame, u, state):  # "그래도 지금 취소해 주세요" to "취소할까요?"
        return _confirmed(env, frame, u, state)
    if (acts.correction or u.intent == "dialog.deny" or acts.all) and _names_target(env, u, state):
        corrected = correction(env, frame, u, state)
        if corrected is not None:
            return corrected
    order = env.tools.get_order(frame.order_id) if frame.order_id else None
    if order is not None and not points_elsewhere(env, frame, u, state) and not (acts.abort and not acts.quantity):
        updated = refine(env, frame, order, u, state)
        if updated is not None:
            return updated
    if u.intent == "dialog.deny" or (acts.abort and not acts.actions):
        return _declined(env, frame, u, state)
    if order is not None and not (acts.actions or acts.asks) and env.finder.by_option(u.text, [order]):
        narrowed = narrowed_by_option(env, frame, order, u)
        if narrowed is not None:  # "네이비 거요" to a whole-order return: that item only, asked again
            return writes.propose(env, narrowed, order, state)
        # "그 검정색 거요" to "프라이팬(블랙) 반품할까요?": the item proposed, named again; the question stays
        return Outcome(say("confirm.again", question=confirm_question(frame, order)), state)
    if is_side(u) or (acts.small_talk and not acts.actions):  # "오 빠르시네요 감사해요": the question stays
        return digression(env, frame, u, state, route)
    return None


def _same_request(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> bool:
    """A request for exactly what the open question proposes is an explicit yes."""
    acts = u.acts
    asked_for = TASK_OF_INTENT.get(u.intent) == frame.task or frame.task in acts.actions[:1]
    if frame.task == "change_address":  # "넵 바꿔주세요" to the new address: the address change
        asked_for = bool(acts.actions) and set(acts.actions) <= SAME_REQUEST[frame.task] and not acts.address
    other_order = u.slots.order_id not in (None, frame.order_id) or (position(u) and state.last_list)
    reason_only = acts.because and not acts.actions and not acts.yes  # "선물하려고 샀는데 필요 없대서요": why
    return bool(asked_for and (acts.request or acts.yes) and not acts.asks and not acts.correction and not other_order
                and not acts.quantity and not env.finder.product_words(acts.nouns) and not acts.abort
                and not reason_only)


def _names_target(env: Env, u: Understanding, state: DialogueState) -> bool:
    """Whether a "no" or a correction names what is meant instead ("아니 전기포트요")."""
    return bool(u.slots.order_id or (position(u) and state.last_list) or u.acts.all or u.acts.number_fix or
                env.finder.product_words(u.acts.replacement or u.acts.nouns))


def _confirmed(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome:
    lead = say("not_confirmed", summary=frame.summary, label=R.josa(label(frame.task), "은/는"))
    switched = [a for a in u.acts.actions if a not in SAME_REQUEST[frame.task]]
    if switched:  # "네 근데 환불로 해 주세요" to an exchange: a yes to another request, not to this one
        nothing = Outcome(lead, drop(state, frame), actions=[{"type": frame.task, "order_id": frame.order_id,
                                                              "status": "not_confirmed"}])
        return nothing.then(writes.start(env, switched[0], u, nothing.state,
                                         order_id=u.slots.order_id or frame.order_id))
    other = u.slots.order_id
    if other is None and position(u) and state.last_list:  # "두 번째요" read as a yes
        pointed, _ = env.finder.referenced(u, state)
        other = pointed.order_id if pointed else None
    queued = frame.queued
    if other and other != frame.order_id and not u.acts.all:
        if not u.acts.also:  # the yes names another order: nothing is done until it is clear
            nothing = Outcome(lead, drop(state, frame), actions=[{"type": frame.task, "order_id": frame.order_id,
                                                                  "status": "not_confirmed"}])
            return nothing.then(writes.start(env, frame.task, u, nothing.state, order_id=other))
        queued = (other, *(q for q in queued if q != other))
    done = writes.execute(env, frame, state)
    if not queued:
        return done
    return done.then(writes.start_many(env, frame.task, list(queued), u, done.state))


def _declined(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome:
    state = replace(drop(state, frame), last_order_id=frame.order_id)
    text = say("declined", summary=frame.summary, label=R.josa(label(frame.task), "은/는"))
    if frame.queued:  # the next order the shopper named still gets its own question
        return Outcome(text, state, actions=[{"type": frame.task, "order_id": frame.order_id,
                                              "status": "declined"}]).then(
            writes.start_many(env, frame.task, list(frame.queued), u, state))
    if u.acts.another:  # "아뇨 다른 주문이요": which one, then
        return Outcome(text, state).then(writes.ask_which(env, Frame(task=frame.task), u, state))
    return Outcome(f"{text} {say('declined_more')}", state,
                   actions=[{"type": frame.task, "order_id": frame.order_id, "status": "declined"}])


# -- order, option, address (offers: offers.py) ----------------------------------------------

def _order(env: Env, frame: Frame, u: Understanding, state: DialogueState, route: Route) -> Outcome | None:
    listed = frame.candidates
    acts = u.acts
    wanted = TASK_OF_INTENT.get(u.intent)
    if not listed and (u.slots.order_id or acts.nouns):  # a retry after a refusal names another order
        frame = replace(frame, order_id=None, summary="")
    if wanted and wanted != frame.task and not (frame.task == "change_address" and wanted == "exchange") and \
            acts.request and frame.task != "lookup":
        return None  # another request: routed afresh ("바꿔 주세요" to an address change is the same one)
    if not listed and frame.order_id and acts.asks and u.intent in ("order.status", "order.detail"):
        return None  # "언제 받았는데요 그거" after a refusal: a question about it, not another try
    if not listed and not frame.order_id and acts.asks and not (
            acts.elliptical or acts.request or acts.actions or acts.insist or acts.other_account or acts.hurry or
            acts.correction):  # "그럼 패딩은 있죠?" after "no sneakers in your orders": asked, not chosen
        named = env.finder.product_words(acts.nouns)
        if named and env.finder.orders_naming(named, env.tools.list_orders(limit=20))[1]:
            return order_flows.lookup(env, replace(u, intent="order.status"), drop(state, frame))
        return None
    if acts.small_talk and not (u.slots.order_id or position(u) or env.finder.product_words(acts.nouns)):
        return support.small_talk(u, drop(state, frame))  # "thanks bye": the choice is left
    asked_now = "change_address" if "change_address" in acts.actions else wanted
    if frame.task == "lookup" and asked_now in writes.ACTIONS and acts.request and not acts.asks and (
            u.slots.order_id or position(u)):  # "두번째꺼 주소 바꾸고 싶은데요": that order, for this request
        order, missing = env.finder.referenced(u, state, listed)
        if missing:
            return writes.not_found(state)
        if order is not None:
            return writes.start(env, asked_now, u, drop(state, frame), order_id=order.order_id)
    # "그거 말고 충전기요": the pronoun is the order set aside, not the one meant
    if u.slots.order_id or position(u) or (u.slots.anaphora and not acts.replacement):
        order, missing = env.finder.referenced(u, state, listed)
        if missing:
            return writes.not_found(state)
        if order is not None:
            return _chosen(env, frame, order, u, state)
    if frame.task == "change_address" and acts.address and listed and not acts.asks:
        # "서울 마포구 …" before the order is chosen: the address is kept, the choice asked again
        shown = [o for o in (env.tools.get_order(i) for i in listed) if o is not None]
        kept = put(drop(state, frame), replace(frame, address=acts.address))
        return Outcome(R.order_list(shown, say("ask.address_kept", address=acts.address)) + "\n" +
                       say("ask.which_tail"), kept, cards=[R.order_card(o) for o in shown])
    if acts.all and frame.task != "lookup" and listed:
        return writes.start_many(env, frame.task, list(listed), u, drop(state, frame))
    candidates = [o for o in (env.tools.get_order(i) for i in listed) if o is not None] if listed else \
        env.tools.list_orders(limit=20)  # after a refusal: any of the shopper's orders
    # "화이트 말고 검은색이요": the colour meant, not the one set aside ("흰색 말고 수납박스랑 …": the product)
    said = acts.instead or u.text
    by_option = env.finder.by_option(said, candidates, frame.about) if listed else []
    if len(by_option) == 1:  # "화이트 거요": the one whose item comes in that option
        return _chosen(env, frame, by_option[0], u, state)
    priced = filters.by_amount(candidates, u) if listed and acts.amount else []
    if len(priced) == 1:  # "3만 얼마짜리요": the one at that amount
        return _chosen(env, frame, priced[0], u, state)
    words = (acts.replacement or acts.nouns) if listed else env.finder.product_words(acts.replacement or acts.nouns)
    if words:
        word, named = env.finder.orders_naming(words, candidates, meaning=bool(listed))
        if acts.statuses and listed and frame.task in writes.ACTIONS:
            fitting = [o for o in named if o.status.value in acts.statuses]
            if not fitting:  # "충전기 배송중인 건 왜 없어요?": an order that is not among those it can be done for
                _, elsewhere = env.finder.orders_naming(words, env.tools.list_orders(limit=20))
                other = [o for o in elsewhere if o.status.value in acts.statuses and o.order_id not in listed]
                if len(other) == 1 and acts.asks:
                    from .digressions import resume_question  # the choice is asked again after the answer

                    answered = info.can_i(env, frame.task, u, state, order_id=other[0].order_id)
                    return Outcome(answered.text, state, cards=answered.cards, citations=answered.citations
                                   ).suffixed(resume_question(env, frame))
            named = fitting
        if len(named) > 1:  # "워치요 하얀색": the product, then its option
            named = env.finder.by_option(said, named, word) or named
        if len(named) > 1 and frame.task in writes.ACTIONS:  # "며칠 전에 받은 충전기요": the one it can be done for
            able = [o for o in named if not isinstance(decide(o, writes.ACTIONS[frame.task], env.now), Denied)]
            named = able if len(able) == 1 else named
        if len(named) == 1:
            return _chosen(env, frame, named[0], u, state)
        if len(named) > 1 and (not listed or len(named) < len(listed)):  # "시계": two orders hold one
            ids = tuple(o.order_id for o in named)
            head = say("ask.product_several", word=word, count=len(named))
            return Outcome(R.order_list(named, head) + "\n" + say("ask.which_tail"),
                           replace(put(drop(state, frame), replace(frame, candidates=ids, about=word)),
                                   last_list=ids),
                           cards=[R.order_card(o) for o in named])
        if not named and listed and frame.task == "lookup" and env.finder.product_words(words) and \
                env.finder.orders_naming(words, env.tools.list_orders(limit=20))[1]:
            # "거울은요?" while RC car orders are listed: the same question about another order
            asked = replace(u, acts=replace(acts, order_facts=acts.order_facts or frame.asked))
            return order_flows.lookup(env, asked, drop(state, frame), intent=frame.intent)
        if not named and listed and (not is_side(u) or not acts.asks):  # "그 슬리퍼요": an answer, not a search
            if frame.task == "lookup":
                return order_flows.lookup(env, u, drop(state, frame), intent=frame.intent)
            return writes.ask_which(env, frame, u, drop(state, frame))
    if u.slots.date_range is not None and listed:
        window = u.slots.date_range
        dated = [o for o in (env.tools.get_order(i) for i in listed)
                 if o is not None and window.start <= R.kst(o.order_date) <= window.end]
        if len(dated) == 1:
            return _chosen(env, frame, dated[0], u, state)
    if not listed and not frame.order_id and (acts.insist or acts.other_account or acts.hurry) and not (
            env.finder.product_words(acts.nouns)):  # after "찾을 수 없습니다": "제 거 맞는데요", "급해요"
        return Outcome(say("other_account" if acts.other_account else "not_found_again"), state)
    if not listed:  # a retry after a refusal: anything else is a new message
        return None
    if u.intent == "dialog.deny" or acts.abort:
        return Outcome(say("nothing_open"), drop(state, frame))
    if is_side(u) and u.intent not in ("order.list", "order.detail", "order.status"):
        return digression(env, frame, u, state, route)
    return None


def _chosen(env: Env, frame: Frame, order: Order, u: Understanding, state: DialogueState) -> Outcome:
    state = drop(state, frame)
    if frame.task == "lookup":
        # "녹차 주문은 언제까지 넣어야 돼요": the choice may come with a question of its own
        return order_flows.show(env, order, frame.intent or "order.detail", state, u.acts.order_facts or frame.asked,
                                (frame.about,) if frame.about else ())
    if frame.about and (not env.finder.product_words(u.acts.nouns) or (
            len(order.items) > 1 and env.finder.items_named((frame.about,), order.items))):
        # "검은색이요" after "워치 취소요", or "수납박스랑 같이 산 거요" picking the order: still the watch
        u = replace(u, acts=replace(u.acts, nouns=(frame.about,), replacement=(), only=(), kept=()))
    return writes.proceed(env, replace(frame, waiting=None), order, u, state)


def _item(env: Env, frame: Frame, u: Understanding, state: DialogueState, route: Route) -> Outcome | None:
    """Which item(s) of the order: a product word, a position in the list, "전부"."""
    order = env.tools.get_order(frame.order_id) if frame.order_id else None
    if order is None:
        return None
    acts = u.acts
    listed = [i for i in (order.item(c) for c in frame.candidates) if i is not None]
    chosen: list = []
    if acts.all:
        chosen = listed
    elif position(u) and 0 < (position(u) or 0) <= len(listed):
        chosen = [listed[(position(u) or 1) - 1]]
    elif acts.nouns:
        chosen = [i for i in env.finder.items_named(acts.nouns, order.items, meaning=True) if i in listed]
    if any(a != frame.task for a in acts.actions if a in writes.ACTIONS) and acts.request:
        return None  # "아 그냥 환불로 해주세요": another request for the same order
    if chosen:
        quantity = acts.quantity if len(chosen) == 1 and acts.quantity else None
        items = () if len(chosen) == len(listed) and quantity is None else tuple(
            (i.item_id, min(quantity, i.quantity) if quantity else i.quantity) for i in chosen)
        return writes.proceed(env, replace(frame, items=items, waiting=None, candidates=()), order,
                              replace(u, acts=replace(acts, nouns=(), quantity=None, all=False, partial=False)),
                              state)
    if u.intent == "dialog.deny" or acts.abort:
        return _declined(env, frame, u, state)
    if is_side(u):
        return digression(env, frame, u, state, route)
    if TASK_OF_INTENT.get(u.intent) and acts.request:
        return None
    return Outcome(say("ask.item_again", items=", ".join(i.title for i in listed)), state)


def _option(env: Env, frame: Frame, u: Understanding, state: DialogueState, route: Route) -> Outcome | None:
    order = env.tools.get_order(frame.order_id) if frame.order_id else None
    if order is None:
        return None
    named = writes.option_named(env, frame, order, u.text)
    if named is not None:  # "화이트로요"
        return writes.propose(env, replace(frame, option=named), order, state)
    if u.intent == "dialog.deny" or (u.acts.abort and not u.acts.actions):
        return _declined(env, frame, u, state)
    if is_side(u) and not u.acts.nouns:
        return digression(env, frame, u, state, route)
    if TASK_OF_INTENT.get(u.intent) not in (None, "exchange") and u.acts.request:
        return None
    return writes.proceed(env, frame, order, u, state)


def _address(env: Env, frame: Frame, u: Understanding, state: DialogueState, route: Route) -> Outcome | None:
    order = env.tools.get_order(frame.order_id) if frame.order_id else None
    if order is None:
        return None
    if u.acts.address:
        return writes.propose(env, replace(frame, address=u.acts.address), order, state)
    if u.acts.correction and _names_target(env, u, state):  # "아 스탠드 말고 스마트워치요"
        corrected = correction(env, frame, u, state)
        if corrected is not None:
            return corrected
    if u.intent == "dialog.deny" or u.acts.abort:
        return _declined(env, frame, u, state)
    if is_side(u):
        return digression(env, frame, u, state, route)
    if TASK_OF_INTENT.get(u.intent) and u.acts.request:
        return None
    return Outcome(say("ask.address_again"), state)
