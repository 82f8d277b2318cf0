"""What to do with an understood message, given the dialogue state.

``Dialogue.respond`` returns an ``Outcome`` (reply text, new state, cards,
citations, actions); refusals and questions back to the shopper are outcomes,
not errors. Every write goes through a ``PendingAction`` that only an explicit
``dialog.confirm`` executes; the status matrix (``domain.orders.decide``)
decides what is allowed, before asking and again when executing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from ..domain.orders import Action, Denied, Order, decide
from ..domain.tickets import IssueType
from ..nlu.ids import find_order_ids
from ..nlu.morph import tokens
from ..nlu.types import Understanding
from ..search.analysis import LEXICON
from ..search.aspects import heading_aspects, question_aspects
from ..storage.base import ActionApplied
from . import replies as R
from .state import DialogueState, PendingAction
from .tools import Tools

ACTION_INTENTS: dict[str, Action] = {"order.cancel": Action.CANCEL, "claim.refund": Action.RETURN,
                                     "claim.exchange": Action.EXCHANGE, "claim.defect": Action.DEFECT}
CLAIM_ISSUE = {Action.RETURN: IssueType.REFUND, Action.EXCHANGE: IssueType.EXCHANGE, Action.DEFECT: IssueType.DEFECT}
# "배송지 변경", "주소 좀 바꿔", "배송지를 부산광역시 … 1로 바꿔줘" (the new address may sit in between),
# "받는 곳 수정", "change the shipping address".
ADDRESS_WORD = r"(?:배송지|배송\s?주소|주소|받는\s?(?:곳|분|사람))"
CHANGE_WORD = r"(?:변경|바꾸|바꿔|바꿀|바뀌|바꾼|수정|고치|고쳐|옮기|옮겨)"
ADDRESS_CHANGE = re.compile(rf"{ADDRESS_WORD}.{{0,60}}?{CHANGE_WORD}|{CHANGE_WORD}.{{0,6}}{ADDRESS_WORD}|"
                            rf"{ADDRESS_WORD}.{{0,8}}(?:잘못|틀렸|틀리게|오타)|"
                            r"(?:change|update|edit)\b.{0,30}\baddress", re.IGNORECASE)
PROVINCES = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충청", "충북", "충남",
             "전라", "전북", "전남", "경상", "경북", "경남", "제주")
ADDRESS = re.compile(rf"((?:{'|'.join(PROVINCES)})\S*(?:\s+\S+)*?)\s*(?:으로|로)?\s*(?:변경|바꿔|바꾸|수정|해\s?주|부탁|$)")
GREETING = re.compile(r"안녕|ㅎㅇ|하이|반가|^hi\b|^hello\b|^hey\b", re.IGNORECASE)
THANKS = re.compile(r"감사|고마|고맙|땡큐|thank|thx|ㄳ|ㄱㅅ", re.IGNORECASE)
QUESTION = re.compile(r"\?|나요|까요|인가요|이에요|예요|어떻게|언제|얼마|왜|무엇|뭐|되나|돼요|되요|가능|할\s?수\s?있")
# A question about how a claim works rather than a request to make one ("환불 얼마나 걸려요?").
HOW_QUESTION = re.compile(r"어떻게|얼마나|며칠|몇\s?일|언제|방법|절차|\bhow\b|\bwhen\b|\bwhat\b", re.IGNORECASE)
# Which write a question about one order is about ("그거 취소 돼요?", "ORD-… 반품 가능해요?"),
# most specific first.
NAMED_ACTIONS: tuple[tuple[re.Pattern[str], Action], ...] = (
    (re.compile(ADDRESS_WORD), Action.CHANGE_ADDRESS),
    (re.compile(r"불량|파손|고장|깨져|깨졌|찢어|오배송|하자|잘못\s?(?:왔|온|배송)|defect|broken", re.IGNORECASE),
     Action.DEFECT),
    (re.compile(r"교환|exchange", re.IGNORECASE), Action.EXCHANGE),
    (re.compile(r"반품|환불|refund|return", re.IGNORECASE), Action.RETURN),
    (re.compile(r"취소|cancel", re.IGNORECASE), Action.CANCEL),
)
# "취소 가능한가요?", "반품 돼요?", "can I cancel": whether an action is possible.
CAN_I = re.compile(r"가능|되나요|될까요|돼요|되요|되나|될까|할\s?수\s?있|\bcan\s+i\b|possible", re.IGNORECASE)
ADDRESS_ORDER = "address.order"  # awaiting the choice of the order whose address changes
# Words a yes may carry and still mean the request asked about: "네 취소하고 환불해 주세요"
# for a cancellation; a claim for a defect is settled by return or exchange.
SAME_REQUEST: dict[Action, frozenset[Action]] = {
    Action.CANCEL: frozenset({Action.CANCEL, Action.RETURN}),
    Action.RETURN: frozenset({Action.RETURN}),
    Action.EXCHANGE: frozenset({Action.EXCHANGE}),
    Action.DEFECT: frozenset({Action.DEFECT, Action.RETURN, Action.EXCHANGE}),
    Action.CHANGE_ADDRESS: frozenset({Action.CHANGE_ADDRESS}),
}
# "1번이요", "3번 주문 상세", "2": a position in the list the agent just showed.
LIST_NUMBER = re.compile(r"(?<![\d\-:,.])(\d{1,2})\s*번(?:째)?(?!\s*(?:이상|넘게|씩|정도|만에))|"
                         r"^\s*(\d{1,2})\s*(?:이요|요|이에요|입니다)?\s*[.!]?\s*$")
# "아뇨 다른 주문이요": the no is about the order, not the action.
ANOTHER_ORDER = re.compile(r"다른\s*(?:주문|거|걸|것|상품)|another\s+order|other\s+order|different\s+order",
                           re.IGNORECASE)
# "ORD-…도 취소해 주세요": the confirmation also asks for a second order.
ALSO = r"\s*(?:도|까지|이랑|랑|하고|와|과)"
QUOTE_CHARS = 360
SHORT_ANSWER = 20  # "첫 번째 주문이요", "ORD-20261126-0001이요": an answer, not a new request
# Nouns that occur in nearly every question or passage of this shop and say
# nothing about what is asked ("주문", "가능", "방법").
GENERIC_NOUNS = frozenset({"가능", "방법", "문의", "질문", "정도", "얼마", "경우", "혹시", "관련", "내용", "안내",
                           "정책", "규정", "기준", "쇼핑몰", "고객", "고객님", "주문", "상품", "물건", "제품",
                           "무엇", "이번", "저번", "요즘", "진짜", "추천", "구매", "판매", "구입", "거", "것",
                           # verbal nouns whose synonyms vary (발행 ~ 발급): the topic is in the other words
                           "발행", "발급", "신청", "이용", "사용", "확인", "처리", "진행", "요청", "변경",
                           # what a question asks, not about what: "며칠 안에", "언제쯤", "몇 시"
                           "며칠", "몇일", "안", "이내", "동안", "언제", "쯤", "때", "후", "전"})
NOUN_TAGS = ("NNG", "NNP")
# Words that make a policy section a special case of a rule (defects, remote areas, made to order).
SPECIAL_CASES = ("불량", "오배송", "파손", "하자", "제주", "도서산간", "주문제작", "예약", "해외", "부분")
# Words of a request about an order that never name its product ("취소", "배송지", "사이즈").
ORDER_WORDS = frozenset({"취소", "반품", "환불", "교환", "불량", "고장", "파손", "오배송", "신고", "신청", "접수",
                         "배송", "배송지", "주소", "결제", "택배", "사이즈", "색상", "옵션", "마음", "변심",
                         "단순", "상태", "조회", "최근", "저번", "어제", "오늘", "내일", "주말", "박스", "포장"})
# Words around a product query that are not the product ("꿀 세트 추천", "노트북 종류").
PRODUCT_GENERIC = GENERIC_NOUNS | {"세트", "종류", "모델", "브랜드", "가격", "원", "만원", "천원", "선물용", "용", "개"}


@dataclass
class Outcome:
    text: str
    state: DialogueState
    cards: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    handoff: bool = False

    def then(self, other: Outcome) -> Outcome:
        """This outcome followed by ``other`` in the same reply (``other``'s state wins)."""
        return Outcome(f"{self.text}\n\n{other.text}", other.state, self.cards + other.cards,
                       self.citations + other.citations, self.actions + other.actions,
                       self.handoff or other.handoff)


class Dialogue:
    def __init__(self, tools: Tools, now: datetime, *, confirm_ttl: timedelta = timedelta(minutes=10),
                 min_policy_score: float = 0.0, answerer: Any | None = None) -> None:
        self.tools = tools
        self.now = now
        self.confirm_ttl = confirm_ttl
        self.min_policy_score = min_policy_score
        self.answerer = answerer  # answers.PolicyAnswerer; None: quote the best passage (older callers)

    # -- entry -------------------------------------------------------------------

    def respond(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        just_done, set_aside = state.just_done, state.set_aside
        pending, queued = state.pending, state.queued
        state = replace(state, just_done=None, set_aside=None, pending=None, queued=())
        u = self._with_list_number(u, text, state)
        if pending is not None:
            if u.intent == "dialog.confirm" and not _clear_yes(u, text):
                # "네?" (pardon?), "첫 번째요" or a guess of the model is not the explicit yes a write needs.
                question = R.confirm_question(Action(pending.action), pending.summary, pending.new_address)
                return Outcome(f"확실히 하기 위해 다시 여쭙니다. {question}",
                               replace(state, pending=pending, queued=queued))
            if u.intent == "dialog.confirm":
                if pending.expired(self.now):
                    label = R.action_label(Action(pending.action))
                    minutes = int(self.confirm_ttl.total_seconds() // 60)
                    return Outcome(f"확인을 기다린 시간({minutes}분)이 지나 {pending.summary} "
                                   f"{R.josa(label, '은/는')} 진행하지 않았습니다. 계속하시려면 다시 요청해 주세요. "
                                   "새로 확인해 드릴게요.", replace(state, last_order_id=pending.order_id))
                return self._confirmed(pending, queued, u, text, state)
            if u.intent == "dialog.deny":
                return self._declined(pending, queued, u, text, state)
        # "아니 그냥 환불해 주세요": a different request replaces the pending one (same order)
        outcome = self._route(u, text, state, just_done=just_done,
                              carried=pending.order_id if pending else set_aside)
        if pending is not None and outcome.state.pending is None:  # say that it was not done
            label = R.action_label(Action(pending.action))
            outcome = replace(outcome, text=f"{outcome.text}\n\n참고로 확인을 기다리던 {pending.summary} "
                                            f"{R.josa(label, '은/는')} 진행하지 않았습니다. 원하시면 다시 말씀해 주세요.",
                              state=replace(outcome.state, set_aside=pending.order_id),
                              actions=[*outcome.actions, {"type": pending.action, "order_id": pending.order_id,
                                                          "status": "not_confirmed"}])
        return outcome

    def _route(self, u: Understanding, text: str, state: DialogueState, *, just_done: str | None,
               carried: str | None) -> Outcome:
        names_order = self._names_order(u, state)
        if ADDRESS_CHANGE.search(text) and u.intent not in ("dialog.confirm", "dialog.deny", "policy"):
            return self._start_action(Action.CHANGE_ADDRESS, u, text, state,
                                      order_id=None if names_order else self._carry(text, carried))
        awaited = state.awaiting_order_for
        if awaited is not None:
            state = replace(state, awaiting_order_for=None)
            wanted = awaited.get("intent", "order.detail")
            answers = names_order and (u.uncertain or u.intent == wanted or (
                len(text) <= SHORT_ANSWER and u.intent not in ACTION_INTENTS))
            if wanted == "address":  # we asked for the new address of awaited["order_id"]
                if u.intent != "dialog.deny" and _new_address(text):
                    return self._start_action(Action.CHANGE_ADDRESS, u, text, state,
                                              order_id=awaited.get("order_id"))
            elif wanted == ADDRESS_ORDER:  # we asked which order's address to change
                if answers:
                    return self._start_action(Action.CHANGE_ADDRESS, u, text, state)
            elif answers:
                # "두 번째 거요" answers our question: it continues the awaited request
                u = replace(u, intent=wanted, uncertain=False)
        elif names_order and len(text) <= SHORT_ANSWER and (u.uncertain or u.intent == "general") \
                and not (GREETING.search(text) or THANKS.search(text)):
            u = replace(u, intent="order.detail", uncertain=False)  # "5번" after a list: show that one
        if u.intent == "dialog.confirm":
            if just_done:
                return Outcome(f"{R.josa(just_done, '은/는')} 이미 처리되었습니다. 같은 요청은 두 번 진행하지 "
                               "않으니 안심하세요. 더 도와드릴 일이 있을까요?", state)
            return Outcome("지금 확인을 기다리는 요청이 없습니다. 무엇을 도와드릴까요?", state)
        if u.intent == "dialog.deny":
            return Outcome("알겠습니다. 더 도와드릴 일이 있으면 말씀해 주세요.", state)
        if names_order and CAN_I.search(text) and not HOW_QUESTION.search(text):
            # "ORD-… 반품 가능해요?", "그거 아직 취소 돼요?" (but not "환불 언제 돼요?")
            asked = _named_action(text) if u.uncertain or u.intent == "policy" else ACTION_INTENTS.get(u.intent)
            if asked is not None:
                return self._can_i(asked, u, text, state)
        if u.uncertain:
            return self._unsure(u, text, state)
        if u.intent in ACTION_INTENTS:
            action = ACTION_INTENTS[u.intent]
            named = list(dict.fromkeys(m.value for m in find_order_ids(text)))
            if len(named) > 1:  # "ORD-1이랑 ORD-2 둘 다 취소해 줘": one at a time, each confirmed
                return self._start_many(action, named, u, text, state,
                                        lead=f"말씀하신 주문 {len(named)}건을 하나씩 확인해 드릴게요.")
            if not names_order and self._carry(text, carried):
                return self._start_action(action, u, text, state, order_id=carried)
            if not names_order and HOW_QUESTION.search(text) and QUESTION.search(text):
                answer = self._policy_answer(text, state)  # "환불은 얼마나 걸려요?": a question, not a request
                if answer is not None:
                    return answer
            return self._start_action(action, u, text, state)
        handler = {"order.list": self._order_list, "order.detail": self._order_lookup,
                   "order.status": self._order_lookup, "ticket.status": self._tickets,
                   "policy": self._policy, "product.search": self._products, "handoff": self._handoff,
                   "general": self._general}[u.intent]
        return handler(u, text, state)

    # -- order references ------------------------------------------------------

    @staticmethod
    def _with_list_number(u: Understanding, text: str, state: DialogueState) -> Understanding:
        """"1번이요", "3번 주문 상세": a number that points into the list just shown."""
        if u.slots.ordinal or u.slots.order_id or not state.last_list:
            return u
        match = LIST_NUMBER.search(text)
        if match is None:
            return u
        n = int(match.group(1) or match.group(2))
        if not 1 <= n <= len(state.last_list):
            return u
        return replace(u, slots=replace(u.slots, ordinal=n))

    def _carry(self, text: str, carried: str | None) -> str | None:
        """The order a request without a reference continues, unless it names a product
        ("아니 전기포트요"): then that product's order is meant."""
        if carried is None or _orders_naming(text, self.tools.list_orders(limit=20))[1]:
            return None
        return carried

    def _names_order(self, u: Understanding, state: DialogueState) -> bool:
        return bool(u.slots.order_id or (u.slots.ordinal and state.last_list) or
                    (u.slots.anaphora and state.last_order_id))

    def _referenced(self, u: Understanding, state: DialogueState) -> tuple[Order | None, str | None]:
        """(order, id the shopper named that is not theirs or does not exist)."""
        if u.slots.order_id:
            order = self.tools.get_order(u.slots.order_id)
            return (order, None) if order else (None, u.slots.order_id)
        if u.slots.ordinal and state.last_list:
            n = u.slots.ordinal
            index = n - 1 if n > 0 else len(state.last_list) + n
            if 0 <= index < len(state.last_list):
                return self.tools.get_order(state.last_list[index]), None
            return None, None
        if u.slots.anaphora and state.last_order_id:
            return self.tools.get_order(state.last_order_id), None
        return None, None

    @staticmethod
    def _not_found(state: DialogueState) -> Outcome:
        # The id is not repeated: whether it exists (for someone else) is not revealed.
        return Outcome("말씀하신 주문번호로 고객님의 주문을 찾을 수 없습니다. 주문번호를 다시 확인해 주세요. "
                       "'주문 내역 보여줘'라고 하시면 최근 주문을 보여 드릴게요.", state)

    # -- orders ------------------------------------------------------------------

    def _order_list(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        orders = self.tools.list_orders(limit=50 if u.slots.date_range else 10)
        if u.slots.date_range is not None:
            window = u.slots.date_range
            orders = [o for o in orders if window.start <= R.kst(o.order_date) <= window.end][:10]
        if not orders:
            when = f"{u.slots.date_ref} " if u.slots.date_ref else ""
            return Outcome(f"{when}주문 내역이 없습니다.", replace(state, last_list=()))
        heading = f"{u.slots.date_ref} 주문 내역입니다." if u.slots.date_ref else "최근 주문 내역입니다."
        text_out = R.order_list(orders, heading) + "\n자세히 보실 주문이 있으면 번호나 주문번호로 말씀해 주세요."
        return Outcome(text_out, replace(state, last_list=tuple(o.order_id for o in orders)),
                       cards=[R.order_card(o) for o in orders])

    def _order_lookup(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        order, missing = self._referenced(u, state)
        if missing:
            return self._not_found(state)
        if order is None:
            orders = self.tools.list_orders(limit=5)
            if not orders:
                return Outcome("조회할 주문이 없습니다.", state)
            if len(orders) == 1:
                order = orders[0]
            else:
                return Outcome(R.order_list(orders, "어떤 주문을 확인할까요? 최근 주문입니다.") +
                               "\n번호나 주문번호로 알려 주세요.",
                               replace(state, last_list=tuple(o.order_id for o in orders),
                                       awaiting_order_for={"intent": u.intent}),
                               cards=[R.order_card(o) for o in orders])
        body = R.order_detail(order) if u.intent == "order.detail" else R.order_status(order)
        return Outcome(body, replace(state, last_order_id=order.order_id), cards=[R.order_card(order)])

    # -- writes: propose, confirm, execute --------------------------------------

    def _start_action(self, action: Action, u: Understanding, text: str, state: DialogueState,
                      *, order_id: str | None = None) -> Outcome:
        if order_id:
            order, missing = self.tools.get_order(order_id), None
            if order is None:
                return self._not_found(state)
        else:
            order, missing = self._referenced(u, state)
        if missing:
            return self._not_found(state)
        if order is None:
            return self._ask_which(action, u, text, state)
        decision = decide(order, action, self.now)
        state = replace(state, last_order_id=order.order_id)
        if isinstance(decision, Denied):
            return self._refused(order, decision, state)
        address = None
        if action is Action.CHANGE_ADDRESS:
            address = _new_address(text)
            if not address:
                return Outcome(f"{R.order_summary(order)} 주문의 새 배송지 주소를 알려 주세요 "
                               "(예: 서울특별시 강남구 테헤란로 1, 101동 202호).",
                               replace(state, awaiting_order_for={"intent": "address", "order_id": order.order_id}),
                               cards=[R.order_card(order)])
        pending = PendingAction(action=action.value, order_id=order.order_id, summary=R.order_summary(order),
                                expires_at=(self.now + self.confirm_ttl).isoformat(), reason=u.slots.reason,
                                new_address=address,
                                issue_type=CLAIM_ISSUE[action].value if action in CLAIM_ISSUE else None)
        question = R.confirm_question(action, pending.summary, address)
        return Outcome(question, replace(state, pending=pending), cards=[R.order_card(order)],
                       actions=[{"type": action.value, "order_id": order.order_id, "status": "awaiting_confirmation"}])

    @staticmethod
    def _refused(order: Order, decision: Denied, state: DialogueState) -> Outcome:
        label = R.action_label(decision.action)
        return Outcome(f"죄송하지만 {R.order_summary(order)} 주문은 {R.josa(label, '이/가')} 어렵습니다. "
                       f"{decision.message}", state, cards=[R.order_card(order)])

    def _can_i(self, action: Action, u: Understanding, text: str, state: DialogueState) -> Outcome:
        """A question about one order ("그거 취소 돼요?"): the status matrix answers it; when
        the answer is yes, the action is proposed (and still needs the shopper's yes)."""
        order, missing = self._referenced(u, state)
        if missing:
            return self._not_found(state)
        if order is None:
            return self._policy(u, text, state)
        decision = decide(order, action, self.now)
        if isinstance(decision, Denied):
            return self._refused(order, decision, replace(state, last_order_id=order.order_id))
        lead = f"네, 이 주문은 지금 {R.josa(R.action_label(action), '이/가')} 가능합니다. "
        outcome = self._start_action(action, u, text, state, order_id=order.order_id)
        return replace(outcome, text=lead + outcome.text)

    def _ask_which(self, action: Action, u: Understanding, text: str, state: DialogueState) -> Outcome:
        """Which order? Only orders the action is allowed on are offered; "어제 주문한 거"
        narrows them to that day (and one match is proposed directly)."""
        recent = self.tools.list_orders(limit=20)
        label = R.action_label(action)
        product, named = _orders_naming(text, recent)  # "전기포트 주문 취소해 주세요": the order with that product
        if named:
            allowed = [o for o in named if not isinstance(decide(o, action, self.now), Denied)]
            if len(allowed) == 1:
                lead = (f"'{product}' 상품이 들어 있는 주문입니다." if len(named) == 1 else
                        f"'{product}' 상품이 들어 있는 주문 중 지금 {R.josa(label, '이/가')} 가능한 주문은 "
                        "이 주문뿐입니다.")
                outcome = self._start_action(action, u, text, state, order_id=allowed[0].order_id)
                return replace(outcome, text=f"{lead} {outcome.text}")
            if not allowed:  # the product's orders do not allow it: say why rather than list others
                refusals = [self._refused(o, decide(o, action, self.now), state) for o in named[:3]]  # type: ignore[arg-type]
                outcome = refusals[0]
                for more in refusals[1:]:
                    outcome = outcome.then(more)
                return replace(outcome, state=replace(outcome.state, last_order_id=named[0].order_id))
            recent = allowed
        candidates = [o for o in recent if not isinstance(decide(o, action, self.now), Denied)][:10]
        if not candidates:
            return Outcome(f"지금 {R.josa(label, '이/가')} 가능한 주문이 없습니다. " + _why_none(action),
                           replace(state, last_list=()))
        heading = f"어떤 주문의 {R.josa(label, '을/를')} 원하시나요? {R.josa(label, '이/가')} 가능한 주문입니다."
        window = u.slots.date_range
        if window is not None:
            dated = [o for o in candidates if window.start <= R.kst(o.order_date) <= window.end]
            if len(dated) == 1:
                return self._start_action(action, u, text, state, order_id=dated[0].order_id)
            if dated:
                candidates = dated
                heading = f"{u.slots.date_ref} 주문 중 {R.josa(label, '이/가')} 가능한 주문입니다. 어떤 주문인가요?"
            else:
                heading = (f"{u.slots.date_ref} 주문 중에는 {R.josa(label, '이/가')} 가능한 주문이 없습니다. "
                           f"{R.josa(label, '이/가')} 가능한 주문은 다음과 같습니다.")
        return Outcome(R.order_list(candidates, heading) + "\n번호나 주문번호로 알려 주세요.",
                       replace(state, last_list=tuple(o.order_id for o in candidates),
                               awaiting_order_for={"intent": _intent_for(action)}),
                       cards=[R.order_card(o) for o in candidates])

    def _confirmed(self, pending: PendingAction, queued: tuple[str, ...], u: Understanding, text: str,
                   state: DialogueState) -> Outcome:
        action = Action(pending.action)
        switched = [a for a in _named_actions(text) if a not in SAME_REQUEST[action]]
        if switched:  # "네 근데 환불로 해 주세요" to an exchange: a yes to another request, not to this one
            label = R.action_label(action)
            nothing = Outcome(f"확인을 요청드린 {pending.summary} {R.josa(label, '은/는')} 진행하지 않았습니다.",
                              state, actions=[{"type": action.value, "order_id": pending.order_id,
                                               "status": "not_confirmed"}])
            return nothing.then(self._start_action(switched[0], u, text, state,
                                                   order_id=u.slots.order_id or pending.order_id))
        other = u.slots.order_id
        if other is None and u.slots.ordinal and state.last_list:  # "두 번째요" read as a yes
            pointed, _ = self._referenced(u, state)
            other = pointed.order_id if pointed else None
        if other and other != pending.order_id and not re.search(re.escape(other) + ALSO, text):
            # The yes names another order than the one asked about: nothing is done until it is clear.
            label = R.action_label(action)
            nothing = Outcome(f"확인을 요청드린 {pending.summary} {R.josa(label, '은/는')} 진행하지 않았습니다.",
                              state, actions=[{"type": action.value, "order_id": pending.order_id,
                                               "status": "not_confirmed"}])
            return nothing.then(self._start_action(action, u, text, state, order_id=other))
        if other and other != pending.order_id:  # "네, ORD-…도 취소해 주세요": this one, then that one
            queued = (other, *(q for q in queued if q != other))
        done = self._execute(pending, state)
        if not queued:
            return done
        return done.then(self._start_many(action, list(queued), u, text, done.state))

    def _declined(self, pending: PendingAction, queued: tuple[str, ...], u: Understanding, text: str,
                  state: DialogueState) -> Outcome:
        action = Action(pending.action)
        label = R.action_label(action)
        state = replace(state, last_order_id=pending.order_id)
        if queued:  # the next order the shopper named still gets its own question
            return Outcome(f"알겠습니다. {pending.summary} {R.josa(label, '은/는')} 진행하지 않았습니다.", state,
                           actions=[{"type": action.value, "order_id": pending.order_id, "status": "declined"}]
                           ).then(self._start_many(action, list(queued), u, text, state))
        declined = Outcome(f"알겠습니다. {pending.summary} {R.josa(label, '은/는')} 진행하지 않았습니다.", state)
        if ANOTHER_ORDER.search(text):  # "아뇨 다른 주문이요": which one, then
            return declined.then(self._ask_which(action, u, text, state))
        return replace(declined, text=declined.text + " 더 도와드릴 일이 있으면 말씀해 주세요.")

    def _start_many(self, action: Action, order_ids: list[str], u: Understanding, text: str,
                    state: DialogueState, *, lead: str = "") -> Outcome:
        """Propose ``action`` for the first of ``order_ids`` it is allowed on (saying why
        for those it is not); the rest wait in ``state.queued`` for their own yes."""
        outcome = Outcome(lead, state) if lead else None
        for n, order_id in enumerate(order_ids):
            step = self._start_action(action, u, text, outcome.state if outcome else state, order_id=order_id)
            outcome = step if outcome is None else outcome.then(step)
            if step.state.pending is not None:
                rest = tuple(order_ids[n + 1:])
                return replace(outcome, state=replace(outcome.state, queued=rest))
        assert outcome is not None
        return outcome

    def _execute(self, pending: PendingAction, state: DialogueState) -> Outcome:
        action = Action(pending.action)
        key = f"{action.value}:{pending.order_id}"
        label = R.action_label(action)
        if key in state.completed:  # cannot normally happen: the pending action is gone once done
            return Outcome(f"{pending.summary} {R.josa(label, '은/는')} 이미 처리되었습니다.", state)
        if action is Action.CANCEL:
            outcome = self.tools.cancel_order(pending.order_id, reason=pending.reason)
        elif action is Action.CHANGE_ADDRESS:
            outcome = self.tools.change_address(pending.order_id, new_address=pending.new_address or "")
        else:
            description = f"[챗봇 접수] {label}: {pending.reason or '사유 미기재'}"
            outcome = self.tools.submit_claim(pending.order_id, action, issue_type=IssueType(pending.issue_type),
                                              description=description)
        if isinstance(outcome, Denied):  # the order changed since we asked (status matrix checked again)
            return Outcome(f"{pending.summary} 주문은 지금 {R.josa(label, '이/가')} 어렵습니다. "
                           f"{outcome.message}", state)
        assert isinstance(outcome, ActionApplied)
        ticket_id = outcome.ticket.ticket_id if outcome.ticket else None
        done = R.DONE[action].format(summary=pending.summary, address=pending.new_address, ticket=ticket_id,
                                     ro=R.address_particle(pending.new_address))
        state = replace(state, completed=(*state.completed, key)[-20:], last_order_id=pending.order_id,
                        last_ticket_id=ticket_id or state.last_ticket_id,
                        just_done=f"{pending.summary} {label}")
        cards = [R.order_card(outcome.order)] + ([R.ticket_card(outcome.ticket)] if outcome.ticket else [])
        return Outcome(done, state, cards=cards, actions=[{"type": action.value, "order_id": pending.order_id,
                                                           "status": "completed", "ticket_id": ticket_id}])

    # -- tickets, policies, products, people ----------------------------------

    def _tickets(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        if u.slots.ticket_id:
            ticket = self.tools.get_ticket(u.slots.ticket_id)
            if ticket is None:
                return Outcome("말씀하신 문의 번호로 고객님의 문의를 찾을 수 없습니다. 번호를 다시 확인해 주세요.", state)
            tickets = [ticket]
        else:
            tickets = self.tools.list_tickets(limit=5)
            if u.slots.order_id:  # "ORD-… 문의 어떻게 됐어요?": that order's tickets
                if self.tools.get_order(u.slots.order_id) is None:
                    return self._not_found(state)
                tickets = [t for t in self.tools.list_tickets(limit=50) if t.order_id == u.slots.order_id]
                if not tickets:
                    return Outcome(f"{u.slots.order_id} 주문으로 접수된 문의는 없습니다. 새로 문의하시려면 내용을 "
                                   "말씀해 주세요.", replace(state, last_order_id=u.slots.order_id))
            elif u.slots.issue_type in CLAIM_ISSUE.values():  # "환불 접수한 거 어떻게 됐어요?"
                tickets = [t for t in tickets if t.issue_type == u.slots.issue_type] or tickets
        if not tickets:
            return Outcome("접수된 문의가 없습니다. 새로 문의하시려면 내용을 말씀해 주세요.", state)
        lines = [R.ticket_line(n, t) for n, t in enumerate(tickets, 1)]
        return Outcome("\n".join(["문의 처리 현황입니다.", *lines]), replace(state, last_ticket_id=tickets[0].ticket_id),
                       cards=[R.ticket_card(t) for t in tickets])

    def _policy_answer(self, text: str, state: DialogueState, *, prefix: str = "") -> Outcome | None:
        """The passage that answers ``text``, quoted with its source; None when the
        corpus does not answer it (no passage covers what is asked)."""
        if self.answerer is not None:  # the direct answer first, computed with the shopper's numbers
            answer = self.tools._call("answer_policy", {"query": text},
                                      lambda: self.answerer.answer(text, now=self.now))
            if answer is None:
                return None
            return Outcome(f"{prefix}{answer.text}", state, cards=answer.cards, citations=answer.citations)
        results = [r for r in self.tools.search_policies(text) if r.score >= self.min_policy_score]
        best = _best_grounded(text, results)
        if best is None:
            return None
        ordered = [best, *(r for r in results if r is not best)]
        section = R.citation(best)["section"]
        body = f"{prefix}{_quote(best.text)}\n\n출처: 「{best.title}」 {section}"
        return Outcome(body, state, citations=[R.citation(r) for r in ordered[:3]])

    def _policy(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        prefix = ""
        if self._names_order(u, state):  # "ORD-… 환불 언제 돼요?": where that order stands, then the rule
            order, missing = self._referenced(u, state)
            if missing:
                return self._not_found(state)
            if order is not None:
                prefix = R.order_status(order) + "\n\n"
                state = replace(state, last_order_id=order.order_id)
        answer = self._policy_answer(text, state, prefix=prefix)
        if answer is not None:
            return answer
        return Outcome("죄송하지만 쇼핑몰 정책 문서에서 그 질문에 대한 답을 찾지 못했습니다. 정확하지 않은 내용을 "
                       "안내해 드릴 수는 없어서, 상담원이 확인해 드리는 것이 좋겠습니다. 원하시면 '상담원 연결'이라고 "
                       f"말씀해 주세요. 상담 시간은 {R.SERVICE_HOURS}입니다.", state)

    def _products(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        query = u.slots.query or text
        lo, hi = u.slots.price_min, u.slots.price_max
        head = _head_noun(query)
        found = _relevant(head, self.tools.search_products(query, min_price=lo, max_price=hi))
        if found:
            return _product_outcome("찾으신 조건에 맞는 상품입니다.", found, state)
        what = f"'{head}'" if head else "조건에 맞는"
        if lo is not None or hi is not None:
            wider = _relevant(head, self.tools.search_products(query)) if head else []
            if wider:  # the item exists, only not at that price: say so rather than show something else
                return _product_outcome(f"말씀하신 가격 조건({_price_words(lo, hi)})에 맞는 {what} 상품은 없습니다. "
                                        "가격 조건 없이 찾으면 다음 상품이 있어요.", wider, state)
        return Outcome(f"죄송하지만 {what} 상품을 찾지 못했습니다. 다른 검색어나 가격 조건으로 찾아 드릴까요?", state)

    def _handoff(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        when = f"상담 시간은 {R.SERVICE_HOURS}이며, {R.service_now(self.now)}"
        if state.handed_off and state.handoff_ticket_id:  # asked again: the same request, not a second ticket
            return Outcome(f"이미 상담원 연결을 요청해 두었습니다(문의 번호 {state.handoff_ticket_id}). {when} "
                           "그동안 간단한 조회는 계속 도와드릴게요.", state, handoff=True)
        transcript = "\n".join(f"{role}: {line}" for role, line in (*state.history, ("user", text)))
        ticket = self.tools.handoff(f"[상담원 연결 요청]\n{transcript}"[:2000])
        state = replace(state, handed_off=True, last_ticket_id=ticket.ticket_id, handoff_ticket_id=ticket.ticket_id)
        return Outcome(f"상담원 연결을 요청했습니다(문의 번호 {ticket.ticket_id}). 담당자가 지금까지의 대화 내용을 "
                       f"확인하고 연락드립니다. {when} 그동안 간단한 조회는 계속 도와드릴게요.",
                       state, cards=[R.ticket_card(ticket)], handoff=True,
                       actions=[{"type": "handoff", "ticket_id": ticket.ticket_id, "status": "completed"}])

    def _general(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        if THANKS.search(text):
            return Outcome("도움이 되어 기쁩니다. 더 필요하신 게 있으면 언제든 말씀해 주세요.", state)
        if GREETING.search(text):
            return Outcome(f"안녕하세요! 쇼핑 도우미입니다. {R.CAPABILITIES}을 도와드릴 수 있어요. "
                           "무엇을 도와드릴까요?", state)
        if QUESTION.search(text):  # a question the shop's documents may still answer
            answer = self._policy_answer(text, state)
            if answer is not None:
                return answer
        return Outcome(f"죄송하지만 그 부분은 도와드리기 어려워요. 저는 {R.CAPABILITIES}을 도와드리고 있어요. "
                       "다른 문의는 '상담원 연결'이라고 말씀해 주시면 상담원이 도와드립니다.", state)

    def _unsure(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        # "비밀번호를 잊어버렸어요": not phrased as a question, but a passage may be about it
        if u.intent == "policy" or QUESTION.search(text) or _content_nouns(text):
            answer = self._policy_answer(text, state, prefix="혹시 이 내용을 찾으셨나요?\n")
            if answer is not None:
                return answer
        options = [_INTENT_HINTS[a.intent] for a in (u, *u.alternatives)
                   if getattr(a, "intent", None) in _INTENT_HINTS][:3]
        hint = " / ".join(dict.fromkeys(options)) or "주문 조회 / 주문 취소 / 환불·교환 / 정책 문의"
        return Outcome(f"말씀하신 내용을 정확히 이해하지 못했어요. 어떤 도움이 필요하신가요? ({hint})", state)


_INTENT_HINTS = {"order.list": "주문 내역 조회", "order.detail": "주문 상세 보기", "order.status": "배송 조회",
                 "order.cancel": "주문 취소", "claim.refund": "반품·환불 신청", "claim.exchange": "교환 신청",
                 "claim.defect": "불량·오배송 신고", "ticket.status": "문의 처리 현황",
                 "policy": "정책 문의", "product.search": "상품 찾기", "handoff": "상담원 연결"}


def _intent_for(action: Action) -> str:
    return {Action.CANCEL: "order.cancel", Action.RETURN: "claim.refund", Action.EXCHANGE: "claim.exchange",
            Action.DEFECT: "claim.defect", Action.CHANGE_ADDRESS: ADDRESS_ORDER}[action]


def _why_none(action: Action) -> str:
    if action in (Action.CANCEL, Action.CHANGE_ADDRESS):
        return "취소와 배송지 변경은 발송 전(결제대기·결제완료·상품준비중) 주문만 가능합니다."
    if action is Action.DEFECT:
        return "불량·오배송 신고는 배송완료 후 3개월 이내 주문만 가능합니다."
    return "반품·교환은 배송완료 후 7일 이내 주문만 가능합니다(불량·오배송은 3개월)."


def _quote(text: str) -> str:
    body = re.sub(r"\s+", " ", text).strip()
    if len(body) <= QUOTE_CHARS:
        return body
    cut = body.rfind(". ", 0, QUOTE_CHARS)
    return body[: cut + 1] if cut > 80 else body[:QUOTE_CHARS] + "…"


def _new_address(text: str) -> str | None:
    """The new address in "배송지를 부산광역시 중구 중앙대로 1로 바꿔줘" (the particle
    glued to the last number, "1로" / "202호로" / "3층으로", is not part of it)."""
    match = ADDRESS.search(text)
    if match is None:
        return None
    address = match.group(1).strip()
    address = re.sub(r"(?<=[\d호동층])(?:으로|로)$", "", address)
    return re.sub(r"로로$", "로", address) or None


def _named_action(text: str) -> Action | None:
    found = _named_actions(text)
    return found[0] if found else None


def _named_actions(text: str) -> list[Action]:
    """Every write the text names, most specific first."""
    return [action for pattern, action in NAMED_ACTIONS if pattern.search(text)]


# -- grounding: does a passage (or product) really answer what was asked? ------

def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


Noun = tuple[tuple[str, ...], tuple[str, ...]]  # (ways the word may be written, its parts)


# The model's probability a yes needs before a write is carried out (rules answer 0.99).
CLEAR_YES = 0.8


def _clear_yes(u: Understanding, text: str) -> bool:
    """An explicit yes: confident, not a question ("네?" asks to repeat)."""
    return u.confidence >= CLEAR_YES and not u.uncertain and not text.rstrip().endswith("?")


def _content_nouns(text: str, *, min_len: int = 2, generic: frozenset[str] = GENERIC_NOUNS) -> list[Noun]:
    """The nouns a question is about. Nouns written together form one word
    ("애플페이" = 애플 + 페이); a place name may lose its last syllable ("제주도" ~
    "제주"); English words the search lexicon knows count as their Korean ("refund"
    → 환불); generic words and single syllables are left out."""
    words: list[Noun] = []
    run: list[tuple[str, str]] = []
    end = -1

    def flush() -> None:
        if run:
            word = "".join(form for form, _ in run)
            if len(word) >= min_len and word not in generic:
                forms = (word, *LEXICON.get(word, ()))
                if len(run) == 1 and run[0][1] == "NNP" and len(word) >= 3:
                    forms += (word[:-1],)
                parts = tuple(f for f, _ in run if len(f) >= min_len and f not in generic)
                words.append((forms, parts))
            run.clear()

    for token in tokens(text):
        tag = token.tag.split("-")[0]
        if tag in NOUN_TAGS:
            if token.start != end:
                flush()
            run.append((token.form, tag))
            end = token.start + token.len
            continue
        flush()
        if tag == "SL" and token.form.lower() in LEXICON:
            korean = LEXICON[token.form.lower()]
            words.append((("".join(korean), *korean), korean))
    flush()
    return words


def _covers(noun: Noun, haystack: str) -> bool:
    forms, parts = noun
    return any(f in haystack for f in forms) or (len(parts) > 1 and all(p in haystack for p in parts))


def _best_grounded(question: str, results: list[Any]) -> Any | None:
    """The passage to quote: of the retrieved ones that cover more than half of the
    question's nouns, the one whose section heading names the most of them, then
    the search order. A passage that shares no more than half of what is asked does
    not answer it: "애플페이 되나요?" is not answered by the refund rules of 카카오페이,
    nor "채용 공고" by the customer-service hours."""
    if not results:
        return None
    nouns = _content_nouns(question)
    if not nouns:
        return results[0]
    asked, wanted = _squash(question), question_aspects(question)
    best, best_key = None, (-1.0, False, 0)
    for result in results:
        path = [str(h) for h in result.metadata.get("heading_path") or []]
        haystack = _squash(" ".join([result.title, *path, result.text]))
        if sum(_covers(n, haystack) for n in nouns) / len(nouns) <= 0.5:
            continue
        heading = path[-1] if path else result.title  # the section, not the document's title
        section = _squash(heading)
        named = sum(_covers(n, section) for n in nouns) / len(nouns)
        # then a section about what is asked (a period for "며칠", a fee for "얼마"), and the general
        # rule before a special case the question does not mention ("불량·오배송 … 기간")
        unasked = sum(1 for q in SPECIAL_CASES if q in section and q not in asked)
        key = (named, bool(wanted & heading_aspects(heading)), -unasked)
        if key > best_key:
            best, best_key = result, key
    return best


def _head_noun(query: str) -> str | None:
    """The noun a product query is about: the last one ("무선 이어폰" → 이어폰, "선물용
    꿀 세트" → 꿀); one syllable counts here (꿀, 옷, 책)."""
    nouns = _content_nouns(query, min_len=1, generic=PRODUCT_GENERIC)
    return nouns[-1][0][0] if nouns else None


def _relevant(head: str | None, results: list[Any]) -> list[Any]:
    """Products that are what was asked for (the head noun in their name, category
    or options); every result when the query names no product."""
    if head is None:
        return results
    return [r for r in results if head in _squash(" ".join([r.title, str(r.metadata.get("category", "")),
                                                           str(r.metadata.get("options", ""))]))]


def _orders_naming(text: str, orders: list[Order]) -> tuple[str | None, list[Order]]:
    """The product word and the orders with that product ("이불 반품", "스탠드 주문한 거")."""
    for noun in _content_nouns(text, generic=PRODUCT_GENERIC | ORDER_WORDS):
        found = [o for o in orders if _covers(noun, _squash(" ".join(i.title for i in o.items)))]
        if found:
            return noun[0][0], found
    return None, []


def _product_outcome(heading: str, results: list[Any], state: DialogueState) -> Outcome:
    lines = [f"{n}. {r.title} · {R.won(r.metadata.get('price', 0))}" for n, r in enumerate(results, 1)]
    return Outcome("\n".join([heading, *lines]), state, cards=[R.product_card(r) for r in results])


def _price_words(lo: int | None, hi: int | None) -> str:
    if lo is not None and hi is not None:
        return f"{R.won(lo)}~{R.won(hi)}"
    return f"{R.won(lo)} 이상" if lo is not None else f"{R.won(hi or 0)} 이하"
