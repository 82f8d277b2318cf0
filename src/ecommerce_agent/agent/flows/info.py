"""Questions: policy answers, "can I …?" about one order, "was it done?", and
follow-ups that only make sense after what the conversation did.

A question stays a question: it gets an answer (yes or no, why, the source) and
at most an *offer* (an ``offer`` frame waiting for a yes); nothing is started.
"""

from __future__ import annotations

import re

from dataclasses import replace

from ...domain.claims import estimate_refund
from ...domain.orders import Action, Denied, Order, OrderStatus, claim_deadline, decide
from ...nlu.context import ACTION_WORDS, Expecting, resolve_ellipsis
from ...nlu.types import Understanding
from .. import conditions, replies as R
from ..env import Env
from ..outcome import Outcome
from ..sources import answers_about, cite, sourced
from ..state import DialogueState, Frame
from ..templates import say
from . import refunds
from .orders import show
from .wording import refund_key, refund_note
from .writes import ACTIONS, label, not_found, option_named, put, reason_of


LIVE = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PREPARING, OrderStatus.SHIPPED, OrderStatus.DELIVERED)


def policy_answer(env: Env, text: str, state: DialogueState, *,
                  order: Order | None = None) -> tuple[Outcome, str | None] | None:
    """(the answer with its source, its yes/no verdict), or None when no document answers."""
    if env.answerer is None:
        return None
    from ..answers import AnswerContext

    answer = env.tools.answer_policy(text, lambda: env.answerer.answer(text, now=env.now,
                                                                    context=AnswerContext(order=order)))
    if answer is None:
        return None
    return Outcome(answer.text, state, cards=list(answer.cards), citations=list(answer.citations)), answer.verdict


def within_task(env: Env, task: str, text: str, state: DialogueState, *,
                order: Order | None = None) -> Outcome | None:
    """The question read as one about ``task`` ("회수는 언제 와요?" during a return asks about the
    return's pickup); None when no document answers it that way either."""
    answered = policy_answer(env, f"{ACTION_WORDS[task]} {text}", state, order=order)
    return answered[0] if answered is not None else None


def no_answer(state: DialogueState) -> Outcome:
    return Outcome(say("policy.none", hours=say("service_hours")), state, unanswered=True)


BEFORE_DELIVERY = (OrderStatus.PENDING, OrderStatus.PAID, OrderStatus.PREPARING, OrderStatus.SHIPPED)


def policy(env: Env, u: Understanding, state: DialogueState, *, maybe: bool = False) -> Outcome:
    """A policy question, about one order when it names one ("ORD-… 환불 언제 돼요?");
    an elliptical one ("교환은요?") is read with the previous question."""
    question = u.text
    if u.acts.elliptical and state.last_question:
        question = resolve_ellipsis(u, state.last_question)
    state = replace(state, last_question=question)
    order = None
    prefix = ""
    if env.finder.points(u, state):
        order, missing = env.finder.referenced(u, state)
        if missing:
            return not_found(state)
    elif u.acts.nouns:  # "커튼 취소한 건 환불 어디로 들어와요?": about the order holding it
        _, named = env.finder.orders_naming(u.acts.nouns, env.tools.list_orders(limit=20))
        if len(named) > 1:  # "가디건 사이즈 L …": the one whose item comes in the option named
            named = env.finder.by_option(u.text, named) or named
        order = named[0] if len(named) == 1 else None
    claim = next((a for a in u.acts.actions if a in ("return", "exchange")), None)
    if order is not None and claim and order.status in BEFORE_DELIVERY and "change_address" not in u.acts.actions:
        return can_i(env, claim, u, state, order_id=order.order_id)  # not received yet: that comes first
    if order is None and u.acts.no_pay:  # "입금 안 하면 어떻게 돼요?": the unpaid order, when there is one
        waiting = [o for o in env.tools.list_orders(limit=20) if o.status is OrderStatus.PENDING]
        order = waiting[0] if len(waiting) == 1 else None
    if order is None and u.acts.no_pay and state.top is not None and state.top.order_id:
        order = env.tools.get_order(state.top.order_id)  # asked in the middle of that order's cancellation
    if order is not None and u.acts.no_pay and order.status is OrderStatus.PENDING:
        return unpaid(env, order, state)
    if order is not None:
        prefix = R.order_status(order, env.now) + "\n\n"
        named = env.finder.items_named(u.acts.nouns, order.items) if u.acts.nouns and len(order.items) > 1 else []
        state = replace(state, last_order_id=order.order_id,  # "이불 … 불량 같은데": a later claim means the 이불
                        last_items=tuple((i.item_id, i.quantity) for i in named))
        if "defect" in u.acts.actions:
            state = replace(state, defect_noted=order.order_id, defect_reason=u.text.strip()[:200])
    answered = policy_answer(env, question, state, order=order)
    if order is not None and "return" in u.acts.actions and order.status.value in (
            "cancelled", "return_requested", "returned"):  # "커튼 취소한 건 환불 어디로 들어와요?": from its data
        cited = cite(env.answerer, f"refund.{refund_key(order)}")
        note = say("refund.of_order", summary=R.order_summary(order), method=order.payment_method.label,
                   note=refund_note(order))
        base = answered[0] if answered else Outcome("", state)
        return Outcome(note, state, cards=[R.order_card(order)]).then(base) if base.text else Outcome(
            sourced(note, cited), state, cards=[R.order_card(order)], citations=cited)
    if answered is None:
        if env.finder.product_words(u.acts.nouns) and order is None and u.acts.shopping:  # "김치 얼마예요?"
            from .support import products

            return products(env, u, state)
        return no_answer(state)
    outcome = answered[0].prefixed(prefix.strip() + ("\n\n" if prefix else ""))
    if maybe:
        outcome = outcome.suffixed(say("policy.maybe"))
    return outcome


def unpaid(env: Env, order: Order, state: DialogueState) -> Outcome:
    """A 결제대기 order the shopper may not pay for: it is cancelled by itself after the
    deposit deadline and nothing is owed; cancelling now is offered (not inside another task)."""
    cited = cite(env.answerer, "status.pending")
    text = sourced(say("unpaid.info", summary=R.order_summary(order)), cited)
    state = replace(state, last_order_id=order.order_id)
    if state.top is not None:  # a side question: the task below asks its own question again
        return Outcome(text, state, cards=[R.order_card(order)], citations=cited)
    offer = Frame(task="offer", intent="cancel", order_id=order.order_id, waiting=Expecting.OFFER.value)
    return Outcome(f"{text}\n\n{say('unpaid.offer')}", put(state, offer), cards=[R.order_card(order)],
                   citations=cited)


def how_to(env: Env, u: Understanding, state: DialogueState, task: str | None) -> Outcome | None:
    """"주문취소 어떻게 해요?", "결제창이 안 떠요": the documents' answer, then (for a request
    the agent can do) an offer; None when no document answers (the message is routed on)."""
    answered = policy_answer(env, u.text, replace(state, last_question=u.text), order=None)
    if answered is None:
        return None
    outcome = answered[0].with_state(replace(state, last_question=u.text))
    if task is None or task not in ACTIONS:
        return outcome
    offer = Frame(task="offer", intent=task, waiting=Expecting.OFFER.value, reason=reason_of(u))
    return outcome.suffixed(say("eligibility.offer", request=say(f"requests.{task}"))).with_state(
        put(outcome.state, offer))


def can_i(env: Env, task: str, u: Understanding, state: DialogueState, *, report: bool = False,
          order_id: str | None = None) -> Outcome:
    """"라벨 뗐는데 환불 돼요?", "그거 취소 돼요?": answered (yes or no, why, the source),
    then offered. ``order_id``: the order the previous question was about ("불량이면요?")."""
    action, before = ACTIONS[task], replace(state, attempted=task)
    state = replace(state, last_question=u.text, attempted=task,  # "바뀐 거죠 그럼?" asks about it
                    asked_claim=task if task in ("return", "exchange", "defect") else state.asked_claim)
    order, missing = (env.tools.get_order(order_id), False) if order_id else env.finder.referenced(u, state)
    if missing:
        return not_found(state)
    if order is None and u.acts.among and len(state.last_list) > 1:  # "이 중에 아직 반품 되는 거 있어요?"
        return _among(env, task, state)
    if order is None and u.acts.nouns:
        _, named = env.finder.orders_naming(u.acts.nouns, env.tools.list_orders(limit=50))
        window = u.slots.date_range  # "7월에 산 프라이팬": that month's order
        if window is not None:
            named = [o for o in named if window.start <= R.kst(o.order_date) <= window.end] or named
        allowed = [o for o in named if not isinstance(decide(o, action, env.now), Denied)]
        last = [o for o in named if o.order_id == state.last_order_id]  # "그럼 받고 나서 가디건만 …": that order
        live = [o for o in named if o.status in LIVE]  # "왜 RC카 취소가 안돼": the one still under way
        order = named[0] if len(named) == 1 else last[0] if last else allowed[0] if len(allowed) == 1 else \
            live[0] if not allowed and len(live) == 1 else None
    offer = Frame(task="offer", intent=task, order_id=order.order_id if order else None,
                  waiting=Expecting.OFFER.value, reason=_claim_reason(u, task))  # the report is the claim's reason
    if order is not None and task != "change_address":  # "롱패딩 실버로 교환 돼요?": the item and option asked about
        words = u.acts.meant  # "가디건만 취소 돼요? 커피는 받을래요": the cardigan
        named = env.finder.items_named(words, order.items) if words else []
        items = item_lines(named, u.acts.quantity)  # "폼롤러 3개 중에 하나가 …": that one
        if not items and order.order_id == state.last_order_id and state.last_items:
            named = [i for i in (order.item(x) for x, _ in state.last_items) if i is not None]
            items = item_lines(named, u.acts.quantity) if u.acts.quantity else state.last_items  # "하나는 구멍이"
        items = items or (((order.items[0].item_id, order.items[0].quantity),) if len(order.items) == 1 else ())
        offer = replace(offer, items=items)
        state = replace(state, last_items=items if named else ())
        if task == "exchange" and items:
            offer = replace(offer, option=option_named(env, replace(offer, task="exchange"), order, u.text))
    if task == "exchange" and u.acts.other_product and order is None:  # "다른 상품으로 교환 돼요?": the rule
        cited = cite(env.answerer, "exchange.other_product")
        return Outcome(sourced(say("eligibility.other_product"), cited), state, citations=cited)
    if task == "exchange" and u.acts.other_product and order is not None and state.top is None:
        from .writes import proceed  # "다른 상품으로 교환 돼요?": no — a return and a new order instead

        return proceed(env, Frame(task="exchange", reason=offer.reason), order, u, before)
    in_task = state.top is not None  # a side question inside another task: answered, nothing offered
    if u.acts.conditions:  # "라벨 뗐는데", "택배 포장만 뜯었는데": the rule for that condition
        judged = conditions.answer(env, task, u, state, order, offer, in_task=in_task)
        if judged is not None:
            return judged
    answered = policy_answer(env, _rule_question(env, u), state, order=order)
    if answered is not None and not answers_about(task, answered[0].citations):
        answered = None  # a passage from a document that does not rule on this request
    policy_text = answered[0] if answered else None
    verdict = answered[1] if answered else None
    if order is not None:
        state = replace(state, last_order_id=order.order_id)
        if task == "defect":
            state = replace(state, defect_noted=order.order_id, defect_reason=_claim_reason(u, task))
        decision = decide(order, action, env.now)
        reason = f"{task}.{decision.reason}" if isinstance(decision, Denied) else task
        cited = policy_text.citations if policy_text is not None else cite(env.answerer, reason, task)
        source = ("\n\n" + say("policy.source", title=cited[0]["title"], section=cited[0]["section"])
                  if cited else "")  # the rule the status answer rests on, named when its text is not quoted
        if isinstance(decision, Denied):
            text = say("eligibility.denied", summary=R.order_summary(order), label=R.josa(label(task), "이/가"),
                       message=decision.message, status=order.status_label)
            state = replace(state, refused=f"{task}:{decision.reason}")
            rule = cite(env.answerer, reason, task)
            same_rule = bool(rule and policy_text is not None and policy_text.citations and
                             (policy_text.citations[0]["doc_id"], policy_text.citations[0]["section"]) ==
                             (rule[0]["doc_id"], rule[0]["section"]))
            if policy_text is not None and verdict != "yes" and (same_rule or not rule):
                return Outcome(text, state, cards=[R.order_card(order)]).then(policy_text)
            cited = rule or cited  # the rule the refusal rests on, not a passage about something else
            source = "\n\n" + say("policy.source", title=cited[0]["title"], section=cited[0]["section"]) \
                if cited else ""
            return Outcome(text + source, state, cards=[R.order_card(order)], citations=cited)
        if policy_text is not None and u.acts.because and not report and task != "defect" and \
                not (u.acts.other_option and not u.acts.other_product):  # "작아서": the status rules on it
            return policy_text.with_state(state)  # a condition the status cannot know ("라벨 뗐는데")
        lead = say("eligibility.allowed", summary=R.order_summary(order), label=R.josa(label(task), "이/가"),
                   status=order.status_label)
        if task in ("return", "exchange", "defect") and order.delivered_at is not None:  # until when (and who
            due = claim_deadline(ACTIONS[task], order.delivered_at)  # pays a defect), from the data
            lead = say("eligibility.allowed_defect" if task == "defect" else "eligibility.allowed_window",
                       summary=R.order_summary(order), due=f"{due.month}월 {due.day}일", label=R.josa(label(task), "이/가"))
        lead = " ".join(filter(None, (lead, _estimate(order, task, offer.items))))
        if report and task == "defect":  # "충전이 안 돼요 고장이에요": not a question; sorry, and the choice
            lead = say("eligibility.defect_report", summary=R.order_summary(order))
            if named and len(order.items) > 1:  # "폼롤러 하나가 찌그러져 있었어요": that item, that many
                lead = say("eligibility.defect_report_items", summary=R.order_summary(order), items=", ".join(
                    f"{order.item(i).title} {q}개" for i, q in offer.items if order.item(i) is not None))
        out = Outcome(lead + source, state, cards=[R.order_card(order)], citations=cited)
        if policy_text is not None and verdict != "no":
            out = Outcome(lead, state, cards=[R.order_card(order)]).then(policy_text)
        if in_task:
            return out
        return out.suffixed(say("eligibility.offer", request=say(f"requests.{task}"))).with_state(
            put(state, offer))
    if policy_text is None and task == "defect" and not report:  # "맛이 이상했는데도요?": the defect rule
        return conditions.defect_anyway(env, state)
    if policy_text is None:
        if report:  # "사은품이 안 들어있어요" with nothing in the documents: which order, then
            from .writes import start

            return start(env, task, u, state)
        # no document rules on the request itself: the question may still be answered as asked
        # ("반품 진행중인데 탈퇴 가능함?", "포인트 현금으로 바꿀 수 있나요?" name a request word in passing)
        return policy(env, u, state)
    if verdict == "no" or in_task or u.acts.conditional:
        return policy_text.with_state(state)
    # the answer, then the orders it could be done for: choosing one is taking the offer up
    from .writes import ask_which

    listed = ask_which(env, Frame(task=task, intent="offer"), replace(u, acts=replace(u.acts, nouns=())), state)
    top = listed.state.top
    if top is None or top.waiting not in (Expecting.ORDER.value, Expecting.CONFIRM.value) or \
            top.waiting == Expecting.CONFIRM.value:
        return policy_text.suffixed(say("eligibility.offer", request=say(f"requests.{task}"))).with_state(
            put(state, offer))
    listed_text = listed.text.split("\n", 1)[1] if "\n" in listed.text else ""
    return Outcome(f"{policy_text.text}\n\n{say('eligibility.choose', able=R.josa(label(task), '이/가'))}\n"
                   f"{listed_text}", listed.state, cards=policy_text.cards + listed.cards,
                   citations=policy_text.citations)


def _claim_reason(u: Understanding, task: str) -> str | None:
    """The reason a later claim keeps: the stated cause, or the defect the question describes
    ("주전자 뚜껑이 부러져서 왔어요 어떻게 해야 되나요")."""
    if reason_of(u):
        return reason_of(u)
    stated = u.acts.because or u.acts.other_option  # "교환 되나요? 넘 작아서": asked, with its cause
    if not (stated or task == "defect" or "defect" in u.acts.actions):
        return None
    text = u.text.strip()
    if u.acts.asks:  # "뚜껑이 안 닫히는 게 있는데 교환되나요": the report, not the question after it
        cut = _REPORT_THEN_QUESTION.match(text)
        text = cut.group(1) if cut else text
    return text[:200]


# a report clause ending in a connective ("…있는데", "…왔어서") and a question after it
_REPORT_THEN_QUESTION = re.compile(r"^(.{4,}(?:는데|은데|인데|었는데|았는데|서))\s+\S[^,.]*\?*$")


def _estimate(order: Order, task: str, items: tuple[tuple[str, int], ...]) -> str:
    """What the request would refund or cost, from the order's data ("반품하면 전액 환불 되죠?":
    the return fee is deducted); "" for a defect (the shop pays) or an address change."""
    if task not in ("cancel", "return", "exchange"):
        return ""
    active = [i for i in order.items if i.active]
    wanted = {i: q for i, q in items}
    claimed = [replace(i, quantity=min(wanted[i.item_id], i.quantity)) for i in active if i.item_id in wanted] \
        if wanted else active
    remaining = [i for i in active if i.item_id not in wanted] if wanted else []
    remaining += [replace(i, quantity=i.quantity - wanted[i.item_id]) for i in active
                  if i.item_id in wanted and wanted[i.item_id] < i.quantity]
    estimate = estimate_refund(order, ACTIONS[task], claimed, remaining) if claimed else None
    if estimate is None or (not estimate.paid and not remaining):  # an unpaid order cancelled whole: nothing owed
        return ""
    return estimate.describe()


def _among(env: Env, task: str, state: DialogueState) -> Outcome:
    """Which of the orders just shown allow ``task``: listed to choose from, or why none does."""
    shown = [o for o in (env.tools.get_order(i) for i in state.last_list) if o is not None]
    able = [o for o in shown if not isinstance(decide(o, ACTIONS[task], env.now), Denied)]
    label_able = R.josa(label(task), "이/가")
    cited = cite(env.answerer, task)
    if not able:
        why = say("why_none.cancel" if task in ("cancel", "change_address") else
                  "why_none.defect" if task == "defect" else "why_none.claim")
        return Outcome(sourced(say("eligibility.among_no", able=label_able, why=why), cited), state, citations=cited)
    ids = tuple(o.order_id for o in able)
    frame = Frame(task=task, waiting=Expecting.ORDER.value, candidates=ids)
    text = R.order_list(able, say("eligibility.among_yes", able=label_able, count=len(able))) + "\n" + \
        say("ask.which_tail")
    return Outcome(sourced(text, cited), replace(put(state, frame), last_list=ids),
                   cards=[R.order_card(o) for o in able], citations=cited)


def item_lines(named: list, quantity: int | None) -> tuple[tuple[str, int], ...]:
    """(item id, quantity) of the items named; a count said with one item narrows it."""
    count = quantity if len(named) == 1 else None
    return tuple((i.item_id, min(count, i.quantity) if count else i.quantity) for i in named)


def _rule_question(env: Env, u: Understanding) -> str:
    """The question without the product it names: the product finds the order, the rest
    asks the rule ("패딩 라벨 뗐는데 환불 돼요?" → "라벨 뗐는데 환불 돼요?")."""
    text = u.text
    for word in env.finder.product_words(u.acts.nouns):
        text = text.replace(word, " ")
    return " ".join(text.split())


def done_check(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"그럼 처리된 거죠?": only what really happened here ("카디건 주문 어떻게 됐나요" asks a status)."""
    if not u.acts.done_check or (not state.completed and (
            env.finder.points(u, state) or env.finder.product_words(u.acts.nouns) or
            (u.slots.anaphora and len(state.last_list) == 1))):  # "그거 환불 다 됐죠?": that order's data
        return None
    if state.topic and state.completed:
        last = state.completed[-1].split(":")
        order = env.tools.get_order(last[1]) if len(last) > 1 else None
        what = R.josa(f"{R.order_summary(order)} {label(last[0])}" if order else "요청하신 일", "은/는")
        done = say("policy.done_check", what=what)
        if u.acts.negated_check and done.startswith("네, "):  # "안 된 거죠?" when it was done: no, it was
            done = "아니요, " + done[len("네, "):]
        return Outcome(done, state)
    asked = next(iter(u.acts.actions), None) or state.attempted
    key = f"policy.not_done.{asked}" if asked in ("cancel", "change_address") else "policy.not_done.claim" if (
        asked in ("return", "exchange", "defect")) else "policy.nothing_done"
    text = say(key)
    if u.acts.negated_check and text.startswith("아니요, "):  # "처리 안 된 거네요?" — 네, not done
        text = "네, " + text[len("아니요, "):]
    return Outcome(text, state)


def followup(env: Env, u: Understanding, state: DialogueState) -> Outcome | None:
    """"그럼 이제 뭐 하면 돼요?", "연락은 언제 줘요?" right after something was done:
    the next steps of that, not a search."""
    ticket = state.handoff_ticket_id if state.topic == "handoff" else state.last_ticket_id
    if u.acts.ticket_number and ticket and not u.slots.order_id:  # "접수번호 같은 거 있어요?"
        return Outcome(say("followup.ticket_number", ticket=ticket), state)
    korean_nouns = [n for n in u.acts.nouns if not n.isascii()]  # "when will they contact me?" names nothing
    if u.acts.ticket_words and not u.slots.anaphora:  # "반품 신청한 거 어떻게 됐어요?": the tickets themselves
        return None
    if state.topic is None or korean_nouns or u.slots.order_id or not (
            u.acts.question or u.uncertain or u.acts.hurry):
        return None
    if state.topic == "defect" and u.acts.contact and u.acts.how:  # "연락은 언제 줘요?" after a defect report
        return Outcome(say("followup.defect_contact", hours=say("service_hours"), when=R.service_now(env.now)), state)
    if state.topic in ("handoff", "lost_parcel"):
        return Outcome(say(f"followup.{state.topic}", ticket=state.handoff_ticket_id or state.last_ticket_id or "-",
                           hours=say("service_hours"), when=R.service_now(env.now)), state)
    if state.topic in ("cancel", "cancel_unpaid") and u.acts.shopping and state.last_order_id:
        order = env.tools.get_order(state.last_order_id)  # "남은 금액 얼마예요?" after a partial cancellation
        if order is not None and order.status.value != "cancelled":
            if "return" in u.acts.actions and state.topic == "cancel" and any(not i.active for i in order.items):
                return refunds.partial(order, state)  # "얼마 돌려받아요?": what was cancelled, not what is left
            return Outcome(say("followup.remaining", summary=R.order_summary(order),
                               total=R.won(order.total_amount)), state, cards=[R.order_card(order)])
    if state.topic == "change_address" and u.acts.dispatch and state.last_order_id:
        moved = env.tools.get_order(state.last_order_id)  # "그럼 언제 받을 수 있어요?": the order's own progress
        if moved is not None:
            return show(env, moved, "order.status", state)
    if state.topic == "cancel_unpaid":
        return Outcome(say("followup.cancel_unpaid"), state)
    if state.topic == "cancel":
        order = env.tools.get_order(state.last_order_id) if state.last_order_id else None
        if order is not None and order.payment_method and order.status.value == "cancelled":
            cited = cite(env.answerer, f"refund.{refund_key(order)}")
            return Outcome(sourced(say("followup.cancel", refund=refund_note(order)), cited), state, citations=cited)
        return None
    cited = cite(env.answerer, f"followup.{state.topic}")
    return Outcome(sourced(say(f"followup.{state.topic}"), cited), state, citations=cited)
