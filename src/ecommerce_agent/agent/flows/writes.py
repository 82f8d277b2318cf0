"""The write tasks — cancel (whole or some items), return, exchange, defect,
address change — as one frame-filling flow with a confirmation gate.

A task frame is filled step by step: the order (named, pointed at, found by the
product, or chosen from the candidates the action is allowed on), the items of
a multi-item order when the shopper names some, the replacement option of an
exchange, the new address. Then the write is *proposed* — exactly what will be
done, with the refund estimate — and waits for an explicit yes
(``Expecting.CONFIRM``). The status matrix and claim windows decide before
asking and again inside the write transaction.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ...domain.claims import ClaimLine, option_parts, plan_order_action, resolve_option
from ...domain.orders import Action, Denied, ItemStatus, Order, OrderStatus, decide
from ...domain.tickets import CLAIM_ISSUE
from ...nlu.context import Expecting
from ...nlu.nouns import squash
from ...nlu.types import Understanding
from ...storage.base import ActionApplied
from .. import replies as R
from ..env import Env
from ..outcome import Outcome
from ..resolve import product_lexicon
from ..sources import cite
from ..state import DialogueState, Frame
from ..templates import say
from . import filters
from .claim_lines import with_items
from .wording import confirm_question, done_text

ACTIONS = {"cancel": Action.CANCEL, "return": Action.RETURN, "exchange": Action.EXCHANGE,
           "defect": Action.DEFECT, "change_address": Action.CHANGE_ADDRESS}
TASK_OF_INTENT = {"order.cancel": "cancel", "claim.refund": "return", "claim.exchange": "exchange",
                  "claim.defect": "defect"}


def label(task: str) -> str:
    return R.action_label(ACTIONS[task])


def put(state: DialogueState, frame: Frame) -> DialogueState:
    """``frame`` on top: replacing itself (same id) or pushed."""
    top = state.top
    if top is not None and top.frame_id == frame.frame_id:
        return state.replace_top(frame)
    return state.push(frame)


def drop(state: DialogueState, frame: Frame) -> DialogueState:
    return replace(state, stack=tuple(f for f in state.stack if f.frame_id != frame.frame_id))


def reason_of(u: Understanding) -> str | None:
    """The shopper's stated reason: the tagged span, or the whole message when it states
    a cause or describes a defect ("실밥이 다 터져서 왔어요")."""
    if u.slots.reason:  # the tagger's span can stop short: the whole clause it lies in, when there is one
        remark = u.acts.remark
        return remark if remark and u.slots.reason in remark and not u.acts.asks else u.slots.reason
    if u.acts.remark and not u.acts.asks:  # "반품해 주세요 자리를 너무 차지해요"
        return u.acts.remark
    # "3개 샀는데 하나만요" says how many of what was bought, not why ("2개요 무거워서요" says why)
    counted = u.acts.ordered and (u.acts.partial or u.acts.count is not None)
    if ((u.acts.because or u.acts.other_option) and not counted or "defect" in u.acts.actions) and not u.acts.asks:
        return u.text.strip()[:200]
    return None


# -- start ---------------------------------------------------------------------

def start(env: Env, task: str, u: Understanding, state: DialogueState, *, order_id: str | None = None,
          carried: str | None = None) -> Outcome:
    """A new request for ``task``: find its order, then fill and propose."""
    frame = Frame(task=task, reason=reason_of(u), address=u.acts.address if task == "change_address" else None)
    state = replace(state, attempted=task)
    if order_id:
        order = env.tools.get_order(order_id)
        if order is None:
            return not_found(state)
        return proceed(env, frame, order, u, state)
    order, missing = env.finder.referenced(u, state)
    if missing:  # the task stays open for the right number ("아 번호 잘못 봤네요 ORD-…이요")
        return not_found(put(state, replace(frame, waiting=Expecting.ORDER.value)))
    named_product = bool(env.finder.product_words(u.acts.nouns))  # "뚜껑이 깨져" names a part, not a product
    if order is None and carried and not named_product:
        order = env.tools.get_order(carried)
    if order is not None and order.order_id == state.last_order_id and state.last_items and not (
            named_product or u.slots.order_id):  # "그럼 반품해 주세요", "그게 아니라 깨져 있었어요 환불해주세요"
        items = state.last_items  # the items asked about just before; "1개만" of the one item
        if len(items) == 1 and u.acts.quantity and u.acts.quantity < items[0][1]:
            items = ((items[0][0], u.acts.quantity),)
        frame = replace(frame, items=items)
    if order is None:
        return ask_which(env, frame, u, state)
    return proceed(env, frame, order, u, state)


def ask_which(env: Env, frame: Frame, u: Understanding, state: DialogueState) -> Outcome:
    """Which order? Orders holding a product the shopper named, or those the action
    is allowed on; "어제 주문한 거" narrows them to that day; one match is proposed."""
    action = ACTIONS[frame.task]
    able = R.josa(label(frame.task), "이/가")
    recent = env.tools.list_orders(limit=20)
    word, named = env.finder.orders_naming(u.acts.nouns, recent)
    known = env.finder.product_words(u.acts.nouns)
    if known and not named:  # a product the shopper never ordered: say so, propose nothing else; the
        # task stays open, so "아 그거 말고 양말이요" continues it (a retry, as after a refusal)
        retry = Frame(task=frame.task, reason=frame.reason, waiting=Expecting.ORDER.value)
        return Outcome(say("ask.product_none", word=known[0]), put(replace(state, last_list=()), retry))
    if named:
        allowed = [o for o in named if not isinstance(decide(o, action, env.now), Denied)]
        if len(allowed) == 1:
            lead = say("ask.product_one_lead" if len(named) == 1 else "ask.product_only_lead", word=word, able=able)
            return proceed(env, frame, allowed[0], u, state).prefixed(lead)
        if not allowed:  # the product's orders do not allow it: say why rather than list others
            outcome = refused(named[0], decide(named[0], action, env.now), state, env)  # type: ignore[arg-type]
            for more in named[1:3]:
                outcome = outcome.then(refused(more, decide(more, action, env.now), state))  # type: ignore[arg-type]
            items = env.finder.items_named(u.acts.meant, named[0].items) if u.acts.meant else []
            # "아니 불량이에요 두 장 다" next is about the item refused, not the whole order
            return outcome.with_state(replace(outcome.state, last_order_id=named[0].order_id,
                                              last_items=tuple((i.item_id, i.quantity) for i in items)))
        recent = allowed
    candidates = [o for o in recent if not isinstance(decide(o, action, env.now), Denied)]
    candidates = (filters.by_amount(filters.by_status(candidates, u), u) or candidates)[:10]  # "입금 안 한 것"
    if not candidates:
        why = say("why_none.cancel" if frame.task in ("cancel", "change_address") else
                  "why_none.defect" if frame.task == "defect" else "why_none.claim")
        return Outcome(say("ask.none_able", able=able, why=why), replace(state, last_list=()))
    heading = say("ask.which", label=R.josa(label(frame.task), "을/를"), able=able)
    if u.acts.payments:  # "무통장으로 주문했는데 …": the orders paid that way (the first method said)
        paid_so = [o for o in candidates if o.payment_method and o.payment_method.value == u.acts.payments[0]]
        if len(set(u.acts.payments)) > 1:  # "무통장으로 했는데 카드로 다시 살게요": paying another way, so not paid yet
            paid_so = [o for o in paid_so if o.status is OrderStatus.PENDING] or paid_so
        if len(paid_so) == 1:
            return proceed(env, frame, paid_so[0], u, state)
        candidates = paid_so or candidates
    window = u.slots.date_range
    if window is not None:
        dated = [o for o in candidates if window.start <= R.kst(o.order_date) <= window.end]
        if len(dated) == 1:
            return proceed(env, frame, dated[0], u, state)
        if dated:
            candidates = dated
            heading = say("ask.which_dated", when=u.slots.date_ref, able=able)
        else:
            heading = say("ask.which_dated_none", when=u.slots.date_ref, able=able)
    ids = tuple(o.order_id for o in candidates)
    waiting = replace(frame, waiting=Expecting.ORDER.value, candidates=ids, about=word if named else None)
    return Outcome(R.order_list(candidates, heading) + "\n" + say("ask.which_tail"),
                   replace(put(state, waiting), last_list=ids), cards=[R.order_card(o) for o in candidates])


# -- fill and propose ------------------------------------------------------------

def proceed(env: Env, frame: Frame, order: Order, u: Understanding | None, state: DialogueState) -> Outcome:
    """Fill what the task still needs from ``u`` (items, option, address), then
    propose, or ask for the missing piece."""
    action = ACTIONS[frame.task]
    state = replace(state, last_order_id=order.order_id)
    decision = decide(order, action, env.now)
    if isinstance(decision, Denied):  # the task stays open for another order ("아 잘못 봤네요 ORD-…이요")
        retry = Frame(task=frame.task, reason=frame.reason, waiting=Expecting.ORDER.value, order_id=order.order_id,
                      summary=R.order_summary(order))
        named = env.finder.items_named(u.acts.only or u.acts.nouns, order.items) if u is not None else []
        if named:  # "사실 하나는 구멍이 나 있어요" next is about the item refused
            state = replace(state, last_items=tuple((i.item_id, i.quantity) for i in named))
        return refused(order, decision, put(drop(state, frame), retry), env)
    frame = replace(frame, order_id=order.order_id, summary=R.order_summary(order), candidates=())
    open_items = [i for i in order.items if i.status is ItemStatus.ORDERED]
    if u is not None and frame.task != "change_address" and (u.acts.removal or u.acts.nouns):
        words = u.acts.removal or u.acts.nouns
        named = env.finder.items_named(words, order.items)
        closed = [i for i in named if i not in open_items]
        if closed and len(closed) == len(named):
            # "커피요" when the coffee is already cancelled: say so, never act on the rest of the order
            item = closed[0]
            return Outcome(say("item_closed", title=item.title, status=item.status.label,
                               summary=R.order_summary(order)), drop(state, frame), cards=[R.order_card(order)])
    if u is not None and frame.task != "change_address":
        frame = with_items(env, frame, open_items, u)
        frame = replace(frame, reason=reason_of(u) or frame.reason)
        if not frame.items and len(open_items) > 1 and not u.acts.all and (
                u.acts.partial or frame.task == "exchange"):  # "하나만 빼고 싶어요": which one?
            return ask_item(frame, order, open_items, state)
    if frame.task == "exchange" and u is not None and u.acts.other_product:
        target = next((i for i in open_items if i.item_id in {x for x, _ in frame.items}), open_items[0])
        title = target.title
        offer = Frame(task="offer", intent="return", order_id=order.order_id, items=frame.items,
                      reason=frame.reason, waiting=Expecting.OFFER.value)
        cited = [R.citation(r) for r in env.tools.search_policies("다른 상품으로 교환 반품 후 재주문", top_k=1)[:1]]
        text = say("ask.other_product", title=title, eul=R.josa(title, "을/를")[len(title):])
        if cited:
            text += "\n\n" + say("policy.source", title=cited[0]["title"], section=cited[0]["section"])
        return Outcome(text, put(drop(state, frame), offer), cards=[R.order_card(order)], citations=cited)
    if frame.task == "exchange" and frame.option is None:
        asked = _exchange_option(env, frame, order, open_items, u, state)
        if isinstance(asked, Outcome):
            return asked
        frame = asked
    if frame.task == "change_address" and not frame.address:
        address = u.acts.address if u is not None else None
        if not address:
            waiting = replace(frame, waiting=Expecting.ADDRESS.value)
            return Outcome(say("ask.address", summary=frame.summary), put(state, waiting), cards=[R.order_card(order)])
        frame = replace(frame, address=address)
    if frame.task == "defect" and u is not None:  # "…왔어요 그냥 환불해 주세요": the remedy asked for
        described = u.acts.actions[:1] == ("defect",)  # "바꿔" inside a defect description is no remedy
        remedy = "exchange" if "exchange" in u.acts.actions and (not described or u.acts.request) else \
            "refund" if "return" in u.acts.actions else None
        frame = replace(frame, remedy=remedy or frame.remedy)
    lead = ""
    if frame.task == "defect" and frame.remedy == "exchange" and not _same_in_stock(env, frame, order):
        # the same option is sold out: the policy refunds in full instead (said before the question)
        frame, lead = replace(frame, remedy="refund"), say("defect_sold_out")
    return propose(env, frame, order, state, lead)


def _same_in_stock(env: Env, frame: Frame, order: Order) -> bool:
    """Whether a new one of each claimed item, in the same option, is in stock."""
    lines = [order.item(i) for i, _ in frame.items] if frame.items else list(order.items)
    for item in (i for i in lines if i is not None):
        same = [o for o in env.tools.product_options(item.product_id) if o.option == item.option]
        if same and not same[0].in_stock:
            return False
    return True


def ask_item(frame: Frame, order: Order, open_items: list, state: DialogueState) -> Outcome:
    lines = [f"{n}. {i.title}({i.option}) {i.quantity}개 · {R.won(i.subtotal)}" for n, i in enumerate(open_items, 1)]
    waiting = replace(frame, waiting=Expecting.ITEM.value, candidates=tuple(i.item_id for i in open_items))
    text = say("ask.which_item", summary=frame.summary, count=len(open_items), verb=say(f"verbs.{frame.task}"))
    return Outcome("\n".join([text, *lines]), put(state, waiting), cards=[R.order_card(order)])


def _exchange_option(env: Env, frame: Frame, order: Order, open_items: list, u: Understanding | None,
                     state: DialogueState) -> Frame | Outcome:
    """The replacement option: named in the message, or asked when the shopper
    wants another one without saying which; else the exchange keeps the option."""
    targets = [i for i in open_items if i.item_id in {x for x, _ in frame.items}] or open_items
    if len(targets) != 1 or u is None:
        return frame
    item = targets[0]
    options = [o for o in env.tools.product_options(item.product_id) if o.option != item.option]
    wanted = _named_option(u.text, item.option, options)
    if wanted is not None:
        return replace(frame, option=wanted, items=frame.items or ((item.item_id, item.quantity),))
    in_stock = [o.option for o in options if o.in_stock]
    if not options:  # a product with one option only: the same item again
        return frame
    frame = replace(frame, items=frame.items or ((item.item_id, item.quantity),))
    if not in_stock:  # nothing to exchange to: a return is offered instead
        offer = Frame(task="offer", intent="return", order_id=frame.order_id, items=frame.items, reason=frame.reason,
                      waiting=Expecting.OFFER.value)
        return Outcome(say("ask.option_none", title=item.title), put(drop(state, frame), offer))
    key = "ask.option_unknown" if frame.waiting == Expecting.OPTION.value else "ask.option"
    waiting = replace(frame, waiting=Expecting.OPTION.value)
    return Outcome(say(key, title=item.title, current=item.option, options=", ".join(in_stock[:8])),
                   put(state, waiting))


def option_named(env: Env, frame: Frame, order: Order, text: str) -> str | None:
    """The replacement option ``text`` names for the frame's item, if any."""
    open_items = [i for i in order.items if i.status is ItemStatus.ORDERED]
    targets = [i for i in open_items if i.item_id in {x for x, _ in frame.items}] or open_items
    if len(targets) != 1:
        return None
    item = targets[0]
    options = [o for o in env.tools.product_options(item.product_id) if o.option != item.option]
    return _named_option(text, frame.option or item.option, options)  # "사이즈도 M으로요": added to the colour


def _named_option(text: str, current: str, options: list) -> str | None:
    values = {v for o in options for v in option_parts(o.option).values()}
    folded = squash(text).lower()
    words = product_lexicon().option_words  # "흰색이요" names 화이트

    def said(word: str) -> bool:
        if re.fullmatch(r"[a-z0-9]+", word):  # "M", "270": a whole token, not part of another
            return re.search(rf"(?<![a-z0-9]){re.escape(word)}(?![a-z0-9])", text.lower()) is not None
        return word in folded

    found = [v for v in values if any(said(w) for w in words(v))]
    current_values = set(option_parts(current).values())
    found = [v for v in found if v not in current_values] or found  # "네이비가 칙칙해서 블랙으로": the new one
    if not found:
        return None
    option = resolve_option(current, " ".join(found), options)
    return option.option if option is not None else None


def propose(env: Env, frame: Frame, order: Order, state: DialogueState, lead: str = "") -> Outcome:
    action = ACTIONS[frame.task]
    lines = tuple(ClaimLine(i, q) for i, q in frame.items) or None
    claimed = order.item(frame.items[0][0]) if frame.items else order.items[0]
    options = env.tools.product_options((claimed or order.items[0]).product_id) if frame.option else None
    plan = plan_order_action(order, action, env.now, lines=lines, replacement_option=frame.option,
                             options=options, reason=frame.reason, new_address=frame.address)
    if isinstance(plan, Denied):  # "그럼 그냥 1개 반품할게요" next means the same items
        return refused(order, plan, replace(drop(state, frame), last_order_id=order.order_id, last_items=frame.items))
    frame = replace(frame, waiting=Expecting.CONFIRM.value, candidates=(),
                    expires_at=(env.now + env.confirm_ttl).isoformat())
    question = confirm_question(frame, order, plan.estimate)
    return Outcome(f"{lead} {question}".strip(), put(state, frame), cards=[R.order_card(order)],
                   actions=[{"type": frame.task, "order_id": order.order_id, "status": "awaiting_confirmation"}])


# -- outcomes -------------------------------------------------------------------

def not_found(state: DialogueState) -> Outcome:
    # The id is not repeated: whether it exists (for someone else) is not revealed.
    return Outcome(say("not_found"), state)


def refused(order: Order, decision: Denied, state: DialogueState, env: Env | None = None) -> Outcome:
    """Why not, the next step, and the rule it rests on (its source)."""
    text = say("refused", summary=R.order_summary(order), label=R.josa(R.action_label(decision.action), "이/가"),
               message=decision.message, status=order.status_label)
    action = decision.action.value
    cited = cite(env.answerer, f"{action}.{decision.reason}", action) if env is not None else []
    if cited:
        text += "\n\n" + say("policy.source", title=cited[0]["title"], section=cited[0]["section"])
    state = replace(state, refused=f"{decision.action.value}:{decision.reason}")
    return Outcome(text, state, cards=[R.order_card(order)], citations=cited)


def execute(env: Env, frame: Frame, state: DialogueState) -> Outcome:
    """Carry out a confirmed frame (once: a repeated yes finds it done)."""
    action = ACTIONS[frame.task]
    assert frame.order_id is not None
    key = f"{frame.task}:{frame.order_id}:{','.join(i for i, _ in frame.items)}"
    state = drop(state, frame)
    if key in state.completed:
        return Outcome(say("done.already", what=R.josa(f"{frame.summary} {label(frame.task)}", "은/는")), state)
    before = env.tools.get_order(frame.order_id)
    lines = tuple(ClaimLine(i, q) for i, q in frame.items) or None
    if action is Action.CANCEL:
        result = env.tools.cancel_order(frame.order_id, reason=frame.reason, lines=lines)
    elif action is Action.CHANGE_ADDRESS:
        result = env.tools.change_address(frame.order_id, new_address=frame.address or "")
    else:
        remedy = {"refund": " 처리 방법: 환불", "exchange": " 처리 방법: 교환"}.get(frame.remedy or "", "")
        description = f"[챗봇 접수] {label(frame.task)}{remedy}: {frame.reason or '사유 미기재'}"
        result = env.tools.submit_claim(frame.order_id, action, issue_type=CLAIM_ISSUE[frame.task], description=description,
                                        reason=frame.reason, lines=lines, replacement_option=frame.option)
    if isinstance(result, Denied):  # the order changed since we asked (status matrix checked again)
        return Outcome(say("done.changed", summary=frame.summary, label=R.josa(label(frame.task), "이/가"),
                           message=result.message), state)
    assert isinstance(result, ActionApplied)
    ticket_id = result.ticket.ticket_id if result.ticket else None
    text = done_text(frame, before or result.order, result)
    unpaid = frame.task == "cancel" and (before or result.order).status is OrderStatus.PENDING
    state = replace(state, completed=(*state.completed, key)[-20:], last_order_id=frame.order_id,
                    last_ticket_id=ticket_id or state.last_ticket_id,
                    topic="cancel_unpaid" if unpaid else frame.task,
                    just_done=f"{frame.summary} {label(frame.task)}")
    cards = [R.order_card(result.order)] + ([R.ticket_card(result.ticket)] if result.ticket else [])
    return Outcome(text, state, cards=cards, actions=[{"type": frame.task, "order_id": frame.order_id,
                                                       "status": "completed", "ticket_id": ticket_id,
                                                       "items": [i for i, _ in frame.items]}])


def start_many(env: Env, task: str, order_ids: list[str], u: Understanding, state: DialogueState, *,
               lead: str = "") -> Outcome:
    """Propose ``task`` for the first of ``order_ids`` it is allowed on (saying why
    for those it is not); the rest wait in the frame's ``queued`` for their own yes."""
    outcome = Outcome(lead, state) if lead else None
    for n, order_id in enumerate(order_ids):
        step = start(env, task, u, outcome.state if outcome else state, order_id=order_id)
        outcome = step if outcome is None else outcome.then(step)
        top = step.state.top
        if top is not None and top.waiting == Expecting.CONFIRM.value:
            frame = replace(top, queued=tuple(order_ids[n + 1:]))
            return outcome.with_state(_without_retries(step.state).replace_top(frame))
    assert outcome is not None
    return outcome


def _without_retries(state: DialogueState) -> DialogueState:
    """Drop the retry frames refusals left: the next order in the list is the retry."""
    return replace(state, stack=tuple(f for f in state.stack if f.waiting != Expecting.ORDER.value or f.candidates))
