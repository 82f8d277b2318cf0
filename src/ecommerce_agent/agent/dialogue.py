"""What to do with an understood message, given the dialogue state.

``Dialogue.respond`` first lets the open frame read the message (``patterns``:
an answer to its question, a confirmation, a correction, a side question); what
no frame takes is routed afresh by intent and dialogue acts (``route``). Every
reply then passes the tone pattern (``tone``: an apology once and an offer of a person to
an upset shopper). Refusals and questions back to the shopper are outcomes, not
errors; every write waits for an explicit yes (``patterns._confirm``).
"""

from __future__ import annotations

from dataclasses import replace

from ..nlu.context import ACTION_WORDS, resolve_ellipsis
from ..nlu.types import Understanding
from . import claim_questions, conditions, patterns, requests, unrouted
from . import replies as R
from .env import Env
from .flows import account, claim_status, delivery, info, items, next_steps, orders, refunds, support, writes
from .flows.rule_questions import answered_first
from .flows.writes import TASK_OF_INTENT, label
from .outcome import Outcome
from .state import DialogueState
from .templates import say
from .tone import toned, vent

NEAR_POLICY = 0.3  # a runner-up 'policy' this likely makes an order question worth answering as a rule first
class Dialogue:
    def __init__(self, env: Env) -> None:
        self.env = env

    def respond(self, u: Understanding, state: DialogueState) -> Outcome:
        just_done, carried, refusal = state.just_done, state.set_aside, state.refused
        state = replace(state, just_done=None, set_aside=None, refused=None)
        step = next_steps.what_now(self.env, u, refusal, state) or next_steps.after_done(self.env, u, state)
        if step is not None:
            return toned(self.env, u, step)
        other = u.acts.actions[0] if len(u.acts.actions) == 1 else None
        if refusal and other and other != refusal.split(":", 1)[0] and u.acts.asks and state.last_order_id and not (
                u.slots.order_id or self.env.finder.product_words(u.acts.nouns)):  # "그럼 취소는요?" after a no
            return toned(self.env, u, info.can_i(self.env, other, u, state, order_id=state.last_order_id))
        pending = state.pending
        outcome = None
        if state.top is not None:
            outcome = patterns.continue_frame(self.env, u, state, self.route)
        if outcome is None:
            fresh = replace(state, stack=())  # no frame took it: the new request replaces the open task
            top = state.top
            if top is not None and top.items and top.order_id:  # "아 그게 아니라 깨져 있었어요 환불해주세요":
                fresh = replace(fresh, last_order_id=top.order_id, last_items=top.items)  # the same items
                if top.reason and TASK_OF_INTENT.get(u.intent) and not (u.acts.because or u.acts.remark or
                                                                        u.slots.order_id):
                    u = replace(u, slots=replace(u.slots, reason=top.reason))  # "아 그냥 환불로 할게요": same cause
            outcome = self.route(u, fresh, just_done=just_done,
                                 carried=pending.order_id if pending else top.order_id if top else carried)
            if pending is not None and not any(f.frame_id == pending.id for f in outcome.state.stack) and not (
                    outcome.actions and outcome.actions[0].get("order_id") == pending.order_id):
                label_ = R.josa(label(pending.action), "은/는")
                outcome = replace(outcome.suffixed(say("set_aside", summary=pending.summary, label=label_)),
                                  state=replace(outcome.state, set_aside=pending.order_id),
                                  actions=[*outcome.actions, {"type": pending.action, "order_id": pending.order_id,
                                                              "status": "not_confirmed"}])
        # a rule question ("수취 거부하면요?") may be about the request in hand; "진짜 안돼요?" names no rule
        if outcome.unanswered and u.acts.asks and u.acts.nouns and not u.acts.actions:
            outcome = self._within_context(u, state, outcome)
        if outcome.unanswered and u.acts.asks and "return" in u.acts.actions and (
                u.acts.negative or u.acts.hurry or u.acts.mine) and not (
                u.acts.conditional or u.acts.shopping or u.slots.order_id):  # "환불 아직도 안 들어왔는데 …": theirs
            outcome = support.claim_in_progress(self.env, u, outcome.state) or outcome
        if u.acts.asks and outcome.state.last_question == state.last_question:
            # every question is remembered as asked, so a fact given next ("카드로 샀어요") completes it
            outcome = outcome.with_state(replace(outcome.state, last_question=u.text))
        if outcome.state.last_list and outcome.state.last_list != state.last_list:
            # orders were shown last: "그중 제일 비싼 거" is about them, not the products before
            outcome = outcome.with_state(replace(outcome.state, last_products=()))
        return toned(self.env, u, outcome)

    # -- routing a message no open frame took -------------------------------------------

    def route(self, u: Understanding, state: DialogueState, *, just_done: str | None = None,
              carried: str | None = None) -> Outcome:
        env, acts = self.env, u.acts
        checked = info.done_check(env, u, state)  # "바뀐 거죠 그럼?": what really happened, before any yes/no
        if checked is not None:
            rest = self._rest_of_question(u, state)
            return checked.then(rest) if rest is not None else checked
        progress = account.my_account(env, u, state) or claim_status.withdraw(env, u, state) or \
            claim_status.claim_in_progress(env, u, state)  # "포인트 얼마…", "반품 신청한 거 취소할래요"
        if progress is not None:
            return progress
        rest = items.rest_of_order(env, u, state) or refunds.refund_route(env, u, state) or \
            orders.refund_again(env, u, state) or delivery.listed_dispatch(env, u, state)
        if rest is not None:  # "나머지 포트는 그대로죠?", "환불은 어디로 받아요?", "언제 들어와요 그럼"
            return rest
        money_after = state.completed and set(acts.order_facts) <= {"paid", "unpaid", "refunded"} and not (
            env.finder.points(u, state) or env.finder.product_words(acts.nouns))  # "돈 나간 거 없죠?" after it
        if (acts.order_facts or (acts.elliptical and state.last_asked)) and (
                not acts.actions or {"refunded", "deposit_deadline"} & set(acts.order_facts)) and not acts.conditional and \
                not money_after and self._about_an_order(u, state):
            return orders.lookup(env, replace(u, intent="order.detail"), state)  # "이불 언제 샀더라", "몇 개 샀죠"
        if state.asked_claim and state.last_order_id and acts.can and acts.asks and not (
                acts.actions or acts.nouns or u.slots.order_id):  # "그럼 지금 해도 돼요?" about the claim discussed
            return info.can_i(env, state.asked_claim, u, state, order_id=state.last_order_id)
        if acts.ack and not acts.question and u.intent in ("dialog.confirm", "dialog.deny", "general"):
            return support.small_talk(u, state) or Outcome(say("acknowledged"), state)  # "네 알겠어요"
        if u.intent == "dialog.confirm" and acts.request and state.handed_off and not acts.actions:
            return support.handoff(env, u, u.text, state)  # "그럼 그냥 남겨 주세요" after a person was asked for
        if u.intent == "dialog.confirm":
            if just_done:
                return Outcome(say("done.already", what=R.josa(just_done, "은/는")), state)
            talk = support.small_talk(u, state)
            return talk or Outcome(say("nothing_pending"), state)
        if u.intent == "dialog.deny" and not acts.correction:
            return support.small_talk(u, state) or Outcome(say("nothing_open"), state)
        if (rule := answered_first(env, u, state)) is not None:  # "택배 어디 거 써요?": the documents first
            return rule
        if acts.lost_parcel and u.intent not in ("product.search",):
            return support.lost_parcel(env, u, state)
        if u.intent == "handoff" and acts.ack and not acts.person:  # "알겠어요 이따 전화할게요"
            return Outcome(say("acknowledged"), state)
        if acts.identity and not acts.request and not acts.actions:  # "혹시 사람이에요?": about the assistant
            return support.small_talk(u, state) or Outcome(say("acknowledged"), state)
        if acts.person and acts.elliptical and acts.question and not acts.request and state.last_question:
            answered = info.policy_answer(env, resolve_ellipsis(u, state.last_question), state)
            return support.hours_question(env, u, state, answered[0] if answered else None)  # "사람은요?"
        if acts.correction and acts.replacement and not acts.person and not acts.actions and state.last_order_id \
                and env.finder.product_words(acts.replacement):  # "아 배낭 말고 RC카요" after a lookup: that one
            meant = replace(acts, nouns=acts.replacement, order_facts=acts.order_facts or state.last_asked)
            return orders.lookup(env, replace(u, intent="order.status", acts=meant),
                                 replace(state, last_order_id=None))
        if (u.intent == "handoff" and not u.uncertain and (acts.person or not acts.asks)) or (  # no person in a
                acts.person and acts.request and not acts.actions):  # question: "다른 사람한테 주는 건요?"
            if acts.question and (not acts.request or acts.conditional or acts.obligation):  # "상담원 토요일에도 있어요?",
                # "상담원한테 카드 비번 불러줘야 되나요?" (what must be done is asked, not requested);
                # "지금 상담원 있어요?", "사람 상담 가능한가요?": whether one is there now, from the clock
                now_only = not (acts.timed or acts.procedure or acts.how or acts.conditional or acts.nouns)
                answered = None if now_only else info.policy_answer(env, u.text, state)
                return support.hours_question(env, u, state, answered[0] if answered else None)
            return support.handoff(env, u, u.text, state)
        if acts.small_talk and u.intent in ("general", "dialog.deny") or acts.identity or acts.capabilities or (
                acts.apology and not acts.request and not acts.actions):
            talk = support.small_talk(u, state)
            if talk is not None:
                return talk
        if acts.shopping and acts.ordered and not acts.actions and u.intent in ("general", "policy", "product.search") \
                and env.finder.product_words(acts.nouns):
            _, bought = env.finder.orders_naming(acts.nouns, env.tools.list_orders(limit=20))
            if bought:  # "수납박스 있는 주문 얼마 넣어야 돼요?": that order's amount, not the catalogue's price
                return orders.lookup(env, replace(u, intent="order.detail"), state)
        if acts.shopping and acts.question and acts.nouns and not acts.actions and not acts.view and \
                u.intent in ("general", "policy") and not env.finder.points(u, state):
            priced = support.price_question(env, u, state)  # "김치 다시 사고 싶은데 얼마예요"
            if priced is not None:
                return priced
        if acts.procedure and (acts.question or not acts.request) and not env.finder.points(u, state) and not (
                env.finder.product_words(acts.nouns) or acts.address) and not (
                state.topic and not acts.nouns and not acts.actions):  # "주문취소 어떻게 해요?": the documents
            answered = info.how_to(env, u, state, TASK_OF_INTENT.get(u.intent) or next(iter(acts.actions), None))
            if answered is not None:
                return answered
        if acts.address and not acts.question and u.intent not in ("policy", "product.search"):
            return writes.start(env, "change_address", u, state, carried=carried)  # a new address, said alone
        if "change_address" in acts.actions and (u.intent != "policy" or not acts.asks) and not (
                acts.asks and acts.how):
            if acts.asks:
                return info.can_i(env, "change_address", u, state)
            return writes.start(env, "change_address", u, state, carried=carried)
        task = TASK_OF_INTENT.get(u.intent)
        if state.topic in ("cancel", "cancel_unpaid") and "return" in acts.actions and acts.asks and not (
                env.finder.points(u, state) or acts.nouns):  # "환불은요?" right after a cancellation: that refund
            followed = info.followup(env, u, state)
            if followed is not None:
                return followed
        if acts.payments and not (acts.asks or acts.request or acts.actions) and not env.finder.points(u, state):
            previous = state.last_question  # "카드로 샀어요" after "환불은 언제 돼요?"
            answered = info.policy_answer(env, f"{u.text} {previous}", state) if previous else None
            if answered is not None:
                return answered[0]
        hurried = delivery.urgent(env, u, state)  # "내일까지 와야 돼요": what can honestly be offered
        if hurried is not None:
            return hurried
        leaning = claim_questions.follow_up(env, u, state)  # "교환도 돼요?", "사진 보내야 돼요?"
        if leaning is not None:
            return leaning
        claim = next((a for a in acts.actions if a in ("defect", "exchange", "return")), None)
        if state.asked_claim and claim == "defect" and acts.asks and (acts.elliptical or acts.conditional) and not (
                env.finder.points(u, state) or env.finder.product_words(acts.nouns)):  # "불량이면요?" after a claim question
            return info.can_i(env, "defect", u, state, order_id=state.last_order_id)
        if state.asked_claim and state.last_order_id and acts.can and acts.asks and acts.ticket_words and not (
                acts.actions or env.finder.points(u, state) or env.finder.product_words(acts.nouns)):
            return info.can_i(env, state.asked_claim, u, state, order_id=state.last_order_id)  # "미리 접수해 둘 수 있어요?"
        if conditions.ruled(acts.conditions, can=acts.can) and acts.asks and (
                claim or (state.asked_claim and not acts.actions)):
            return info.can_i(env, claim or state.asked_claim or "return", u, state)  # "라벨 뗐는데 환불 돼요?"
        if acts.elliptical and not acts.actions and state.attempted in writes.ACTIONS and state.last_order_id:
            asked_order = env.tools.get_order(state.last_order_id)  # "가디건은요?" after "충전기만 취소 돼요?"
            if asked_order is not None and env.finder.items_named(acts.nouns, asked_order.items):
                return info.can_i(env, state.attempted, u, state, order_id=state.last_order_id)
        if acts.elliptical and state.last_order_id and not acts.actions and env.finder.product_words(acts.nouns) \
                and self._about_an_order(u, state):  # "배낭은?" after the RC car's status: the bag's
            return orders.lookup(env, replace(u, intent="order.status"), state)
        if acts.elliptical and state.last_question and not env.finder.points(u, state):
            return info.policy(env, u, state)  # "교환은요?": the previous question about another thing
        if acts.until_when and acts.asks and claim in ("return", "exchange") and not acts.conditional and (
                env.finder.points(u, state) or env.finder.product_words(acts.nouns)):  # "롱패딩 교환 언제까지 돼요?"
            return info.can_i(env, claim, u, state)  # that order's own deadline, then the offer
        asked = next(iter(acts.actions), None)
        if asked in writes.ACTIONS and len(acts.actions) == 1 and acts.can and acts.asks and acts.conditional and (
                state.last_order_id or len(state.last_list) > 1) and not (acts.conditions or acts.nouns or acts.how or
                                                                          env.finder.points(u, state)):
            among = replace(u, acts=replace(acts, among=not state.last_order_id))  # "그냥 취소하면 안돼요?": that
            return info.can_i(env, asked, among, state, order_id=state.last_order_id)  # order, or those listed
        priced = acts.shopping and acts.conditional and acts.how  # "가디건만 취소하면 환불 얼마 돼요?"
        if priced and "cancel" in acts.actions:  # the refund is what the cancellation returns
            asked = "cancel"
        costed = priced and bool(env.finder.points(u, state) or env.finder.product_words(acts.nouns))
        if asked and acts.asks and (acts.can or costed) and (not acts.how or priced) and (
                not acts.conditional or env.finder.points(u, state) or costed) and (
                task or u.intent in ("policy", "general", "ticket.status", "order.status", "order.detail",
                                     "order.list") or u.uncertain or asked == "change_address" or (
                    acts.among and state.last_list)):
            return info.can_i(env, asked, u, state)  # "그거 반품 돼요?": answered, then offered
        if acts.view and acts.statuses and not (u.slots.order_id or env.finder.points(u, state)) and \
                u.intent not in ("policy", "product.search"):  # "반품한 거 보여줘": those orders, no new claim
            return orders.list_orders(env, u, state)
        if task is not None and not u.uncertain:
            return requests.write_request(self.env, task, u, state, carried)
        if acts.another and acts.asks and state.last_order_id and not (acts.actions or acts.statuses) and \
                u.intent in ("general", "order.status", "order.list", "order.detail") and \
                not env.finder.points(u, state) and not env.finder.product_words(acts.nouns):
            return orders.others(env, state)  # "다른 건요?" right after one order's status
        followed = info.followup(env, u, state)
        if followed is not None:
            return followed
        if (acts.cheapest or acts.priciest) and (state.last_list or u.intent == "order.list") and not (
                state.last_products or env.finder.product_words(acts.nouns)):  # "그중 제일 비싼 거", "내 주문 중에 …"
            return orders.extreme(env, u, state)
        if (acts.cheapest or acts.priciest) and acts.among and state.last_products and u.uncertain:
            return support.products(env, u, state)  # "그 중에 젤 싼 거" the model is unsure of: of those shown
        if u.uncertain:
            return unrouted.unsure(self.env, u, state)
        points = env.finder.points(u, state) or bool(env.finder.product_words(acts.nouns)) or (
            acts.all and len(state.discussed) > 1)  # "둘 다": the orders just talked about
        rule_words = bool(acts.nouns) and not (acts.mine or u.slots.anaphora)  # "자동 구매확정 됐어요?"
        # the model hesitates between an order and a rule ("택배사 어디 써요?": 0.57 / 0.42): the rule
        # is tried first when nothing points to an order of the shopper's
        near_policy = any(a.intent == "policy" and a.confidence >= NEAR_POLICY for a in u.alternatives) and not (
            acts.mine or u.slots.anaphora)
        if u.intent in ("order.list", "order.detail", "order.status") and acts.asks and not points and not \
                acts.view and (not acts.statuses or (rule_words and (acts.conditional or acts.timed))) \
                and (acts.conditional or acts.timed or rule_words or near_policy or (
                    u.intent == "order.list" and not acts.mine)):  # "내 주문 뭐 있냐" lists them
            answered = info.policy_answer(env, u.text, state)  # "화요일 10시에 결제하면 언제 받아요?": a rule
            if answered is not None:
                return answered[0]
        if u.intent == "order.list" or ((acts.view or not (acts.question or acts.request)) and (
                acts.payments or acts.amount or acts.statuses) and not (points or acts.actions) and
                u.intent.startswith("order.")):  # "카드로 결제한 것만 보여줘", "무통장으로 결제한 주문": a list
            return orders.list_orders(env, u, state)
        if u.intent in ("order.detail", "order.status"):
            return orders.lookup(env, u, state)
        if u.intent == "ticket.status":
            if acts.asks and not u.slots.ticket_id and not u.slots.anaphora and (
                    acts.conditional or not acts.ticket_words or not acts.mine) and \
                    not env.finder.product_words(acts.nouns):
                mine = support.claim_in_progress(env, u, state) if acts.mine and not acts.conditional else None
                return mine or self._policy(u, state)  # "토스로 결제했는데 환불 언제 들어와요?": a rule
            presumed = support.presumed_claim(env, u, state)  # "이불 반품한 거 환불 언제 들어와요?" with none made
            if presumed is not None:
                return presumed
            if not acts.ticket_words and not u.slots.ticket_id and env.finder.product_words(acts.nouns):
                if acts.asks and acts.how and (not acts.actions or acts.statuses and not acts.conditions):  # "후라이팬
                    return orders.lookup(env, replace(u, intent="order.status"), state)  # 산 거 / 립스틱 반품한 거 어떻게 됐어요?"
                if acts.asks:  # "커튼 취소한 건 환불 어디로 들어와요?"
                    return info.policy(env, u, state)
            return support.tickets(env, u, state)
        if u.intent == "product.search":
            if acts.negative and not (acts.shopping or u.slots.price_min or u.slots.price_max or
                                      env.finder.product_words(acts.nouns)):
                return vent(Outcome("", state))  # "제 말 듣고 있어요?": no product in it, only anger
            if (acts.statuses or acts.order_facts or acts.dispatch) and not acts.shopping and \
                    env.finder.product_words(acts.nouns) and self._about_an_order(u, state):
                return orders.lookup(env, replace(u, intent="order.status"), state)  # "등산가방 어디쯤 와요"
            if (acts.amount and (acts.ordered or (state.last_list and not state.last_products)) or acts.statuses and
                    not (acts.shopping or u.slots.query)) and not env.finder.product_words(acts.nouns):  # "20만원 넘는
                return orders.list_orders(env, u, state)  # 주문 뭐뭐 있어요", "지금 오고 있는 거 뭐 있어요": theirs
            if acts.question and not env.finder.product_words(acts.nouns) and u.slots.price_min is None and \
                    u.slots.price_max is None:  # "아이디를 까먹었어요 어떻게 찾아요": not a product
                answered = info.policy_answer(env, u.text, state)
                if answered is not None:
                    return answered[0]
            return support.products(env, u, state)
        if u.intent == "policy":
            return self._policy(u, state)
        return unrouted.general(self.env, u, state)

    def _about_an_order(self, u: Understanding, state: DialogueState) -> bool:
        """The message is about one of the shopper's orders: one pointed at, one holding the
        product named, or (naming no product) the order just discussed."""
        env = self.env
        if env.finder.points(u, state) or (u.acts.all and len(state.discussed) > 1):  # "둘 다 언제 샀더라"
            return True
        products = env.finder.product_words(u.acts.nouns)
        if products:
            return bool(env.finder.orders_naming(products, env.tools.list_orders(limit=20))[1])
        return state.last_order_id is not None and not u.acts.how

    def _within_context(self, u: Understanding, state: DialogueState, outcome: Outcome) -> Outcome:
        """"수취 거부하면요?" right after a cancellation was refused: a question the documents do not
        answer as asked, read as a question about the request the conversation is about."""
        task = state.attempted or state.topic or state.asked_claim
        if task not in ACTION_WORDS:
            return outcome
        answered = info.within_task(self.env, task, u.text, outcome.state)
        return answered.with_state(outcome.state) if answered is not None else outcome

    def _rest_of_question(self, u: Understanding, state: DialogueState) -> Outcome | None:
        """The rest of "처리된 거죠? 카드 취소는 며칠 걸려요?": answered when it asks more."""
        if not (u.acts.how or u.acts.can):
            return None
        answered = info.policy_answer(self.env, u.text, state)
        return answered[0] if answered else None

    def _policy(self, u: Understanding, state: DialogueState) -> Outcome:
        return info.policy(self.env, u, state)
