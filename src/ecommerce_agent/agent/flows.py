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

from ..domain.orders import Action, Denied, Order, OrderStatus, decide
from ..domain.tickets import IssueType
from ..nlu.types import Understanding
from ..storage.base import ActionApplied
from . import replies as R
from .state import DialogueState, PendingAction
from .tools import Tools

ACTION_INTENTS: dict[str, Action] = {"order.cancel": Action.CANCEL, "claim.refund": Action.RETURN,
                                     "claim.exchange": Action.EXCHANGE, "claim.defect": Action.DEFECT}
CLAIM_ISSUE = {Action.RETURN: IssueType.REFUND, Action.EXCHANGE: IssueType.EXCHANGE, Action.DEFECT: IssueType.DEFECT}
ORDER_LOOKUPS = ("order.detail", "order.status")
ADDRESS_CHANGE = re.compile(r"(배송지|주소|받는\s?곳).{0,12}(변경|바꾸|바꿔|바꿀|수정|고치)|(변경|바꿔|수정).{0,6}(배송지|주소)")
PROVINCES = ("서울", "부산", "대구", "인천", "광주", "대전", "울산", "세종", "경기", "강원", "충청", "충북", "충남",
             "전라", "전북", "전남", "경상", "경북", "경남", "제주")
ADDRESS = re.compile(rf"((?:{'|'.join(PROVINCES)})\S*(?:\s+\S+)*?)\s*(?:으로|로)?\s*(?:변경|바꿔|바꾸|수정|해\s?주|부탁|$)")
GREETING = re.compile(r"안녕|ㅎㅇ|하이|반가|^hi\b|^hello\b|^hey\b", re.IGNORECASE)
THANKS = re.compile(r"감사|고마|고맙|땡큐|thank|thx|ㄳ|ㄱㅅ", re.IGNORECASE)
QUESTION = re.compile(r"\?|나요|까요|인가요|이에요|예요|어떻게|언제|얼마|왜|무엇|뭐|되나|돼요|가능")
QUOTE_CHARS = 360
SHORT_ANSWER = 20  # "첫 번째 주문이요", "ORD-20261126-0001이요": an answer, not a new request


@dataclass
class Outcome:
    text: str
    state: DialogueState
    cards: list[dict[str, Any]] = field(default_factory=list)
    citations: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    handoff: bool = False


class Dialogue:
    def __init__(self, tools: Tools, now: datetime, *, confirm_ttl: timedelta = timedelta(minutes=10),
                 min_policy_score: float = 0.0) -> None:
        self.tools = tools
        self.now = now
        self.confirm_ttl = confirm_ttl
        self.min_policy_score = min_policy_score

    # -- entry -------------------------------------------------------------------

    def respond(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        if state.pending is not None:
            pending, state = state.pending, replace(state, pending=None)
            if pending.expired(self.now):
                if u.intent == "dialog.confirm":
                    return Outcome("확인 시간이 지나 요청이 만료되었습니다. 다시 요청해 주시면 새로 확인해 드릴게요.", state)
            elif u.intent == "dialog.confirm":
                return self._execute(pending, state)
            elif u.intent == "dialog.deny":
                label = R.action_label(Action(pending.action))
                return Outcome(f"알겠습니다. {pending.summary} {label}은(는) 진행하지 않았습니다. "
                               "더 도와드릴 일이 있으면 말씀해 주세요.", state)
            # a different request drops the pending one and is handled below
        if ADDRESS_CHANGE.search(text) and u.intent not in ("dialog.confirm", "dialog.deny", "policy"):
            return self._start_action(Action.CHANGE_ADDRESS, u, text, state)
        awaited = state.awaiting_order_for
        if awaited is not None:
            state = replace(state, awaiting_order_for=None)
            wanted = awaited.get("intent", "order.detail")
            if wanted == "address":  # we asked for the new address of awaited["order_id"]
                if u.intent != "dialog.deny" and ADDRESS.search(text):
                    return self._start_action(Action.CHANGE_ADDRESS, u, text, state,
                                              order_id=awaited.get("order_id"))
            elif self._names_order(u, state) and (u.uncertain or u.intent == wanted or (
                    len(text) <= SHORT_ANSWER and u.intent not in ACTION_INTENTS)):
                # "두 번째 거요" answers our question: it continues the awaited request
                u = replace(u, intent=wanted, uncertain=False)
        if u.intent == "dialog.confirm":
            return Outcome("지금 확인을 기다리는 요청이 없습니다. 무엇을 도와드릴까요?", state)
        if u.intent == "dialog.deny":
            return Outcome("알겠습니다. 더 도와드릴 일이 있으면 말씀해 주세요.", state)
        if u.uncertain:
            return self._unsure(u, text, state)
        if u.intent in ACTION_INTENTS:
            return self._start_action(ACTION_INTENTS[u.intent], u, text, state)
        handler = {"order.list": self._order_list, "order.detail": self._order_lookup,
                   "order.status": self._order_lookup, "ticket.status": self._tickets,
                   "policy": self._policy, "product.search": self._products, "handoff": self._handoff,
                   "general": self._general}[u.intent]
        return handler(u, text, state)

    # -- order references ------------------------------------------------------

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
        order, missing = (self.tools.get_order(order_id), None) if order_id else self._referenced(u, state)
        if missing:
            return self._not_found(state)
        if order is None:
            return self._ask_which(action, state)
        decision = decide(order, action, self.now)
        state = replace(state, last_order_id=order.order_id)
        if isinstance(decision, Denied):
            return Outcome(f"{R.order_summary(order)} 주문은 {R.action_label(action)}을(를) 할 수 없습니다. "
                           f"{decision.message}", state, cards=[R.order_card(order)])
        address = None
        if action is Action.CHANGE_ADDRESS:
            match = ADDRESS.search(text)
            address = match.group(1).strip() if match else None
            if not address:
                return Outcome(f"{R.order_summary(order)} 주문의 새 배송지 주소를 알려 주세요 "
                               "(예: 서울특별시 강남구 테헤란로 1, 101동 202호).",
                               replace(state, awaiting_order_for={"intent": "address", "order_id": order.order_id}),
                               cards=[R.order_card(order)])
        pending = PendingAction(action=action.value, order_id=order.order_id, summary=R.order_summary(order),
                                expires_at=(self.now + self.confirm_ttl).isoformat(), reason=u.slots.reason,
                                new_address=address,
                                issue_type=CLAIM_ISSUE[action].value if action in CLAIM_ISSUE else None)
        question = R.CONFIRM_QUESTIONS[action].format(summary=pending.summary, address=address)
        return Outcome(question, replace(state, pending=pending), cards=[R.order_card(order)],
                       actions=[{"type": action.value, "order_id": order.order_id, "status": "awaiting_confirmation"}])

    def _ask_which(self, action: Action, state: DialogueState) -> Outcome:
        recent = self.tools.list_orders(limit=20)
        candidates = [o for o in recent if not isinstance(decide(o, action, self.now), Denied)][:10]
        label = R.action_label(action)
        if not candidates:
            return Outcome(f"{label}이(가) 가능한 주문이 없습니다. " + _why_none(action),
                           replace(state, last_list=()))
        return Outcome(R.order_list(candidates, f"어떤 주문의 {label}을(를) 원하시나요? 가능한 주문입니다.") +
                       "\n번호나 주문번호로 알려 주세요.",
                       replace(state, last_list=tuple(o.order_id for o in candidates),
                               awaiting_order_for={"intent": _intent_for(action)}),
                       cards=[R.order_card(o) for o in candidates])

    def _execute(self, pending: PendingAction, state: DialogueState) -> Outcome:
        action = Action(pending.action)
        key = f"{action.value}:{pending.order_id}"
        if key in state.completed:  # cannot normally happen: the pending action is gone once done
            return Outcome(f"{pending.summary} {R.action_label(action)}은(는) 이미 처리되었습니다.", state)
        if action is Action.CANCEL:
            outcome = self.tools.cancel_order(pending.order_id, reason=pending.reason)
        elif action is Action.CHANGE_ADDRESS:
            outcome = self.tools.change_address(pending.order_id, new_address=pending.new_address or "")
        else:
            description = f"[챗봇 접수] {R.action_label(action)}: {pending.reason or '사유 미기재'}"
            outcome = self.tools.submit_claim(pending.order_id, action, issue_type=IssueType(pending.issue_type),
                                              description=description)
        if isinstance(outcome, Denied):
            return Outcome(f"{pending.summary} 주문은 지금 {R.action_label(action)}을(를) 할 수 없습니다. "
                           f"{outcome.message}", state)
        assert isinstance(outcome, ActionApplied)
        ticket_id = outcome.ticket.ticket_id if outcome.ticket else None
        done = R.DONE[action].format(summary=pending.summary, address=pending.new_address, ticket=ticket_id)
        state = replace(state, completed=(*state.completed, key)[-20:], last_order_id=pending.order_id,
                        last_ticket_id=ticket_id or state.last_ticket_id)
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
            if u.slots.order_id:
                tickets = [t for t in tickets if t.order_id == u.slots.order_id] or tickets
        if not tickets:
            return Outcome("접수된 문의가 없습니다. 새로 문의하시려면 내용을 말씀해 주세요.", state)
        lines = [f"{n}. {t.ticket_id} · {t.issue_type.value} · {t.status.label} ({R.kdate(t.created_at)} 접수)"
                 + (f" · 주문 {t.order_id}" if t.order_id else "") for n, t in enumerate(tickets, 1)]
        head = "문의 처리 현황입니다." if len(tickets) > 1 else "문의 처리 현황입니다."
        return Outcome("\n".join([head, *lines]), replace(state, last_ticket_id=tickets[0].ticket_id),
                       cards=[R.ticket_card(t) for t in tickets])

    def _policy(self, u: Understanding, text: str, state: DialogueState, *, prefix: str = "") -> Outcome:
        results = self.tools.search_policies(text)
        best = results[0] if results else None
        if best is None or best.score < self.min_policy_score:
            return Outcome(prefix + "죄송하지만 쇼핑몰 정책 문서에서 그 질문에 대한 답을 찾지 못했습니다. "
                           f"상담원에게 연결해 드릴까요? '상담원 연결'이라고 말씀해 주세요. 상담 시간: {R.SERVICE_HOURS}",
                           state)
        quote = _quote(best.text)
        section = R.citation(best)["section"]
        body = f"{prefix}{quote}\n\n출처: 「{best.title}」 {section}"
        return Outcome(body, state, citations=[R.citation(r) for r in results[:3]])

    def _products(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        results = self.tools.search_products(u.slots.query or text, min_price=u.slots.price_min,
                                             max_price=u.slots.price_max)
        if not results:
            return Outcome("조건에 맞는 상품을 찾지 못했습니다. 검색어나 가격 조건을 바꿔 보시겠어요?", state)
        lines = [f"{n}. {r.title} · {R.won(r.metadata.get('price', 0))}" for n, r in enumerate(results, 1)]
        return Outcome("\n".join(["찾으신 조건에 맞는 상품입니다.", *lines]), state,
                       cards=[R.product_card(r) for r in results])

    def _handoff(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        transcript = "\n".join(f"{role}: {line}" for role, line in (*state.history, ("user", text)))
        ticket = self.tools.handoff(f"[상담원 연결 요청]\n{transcript}"[:2000])
        state = replace(state, handed_off=True, last_ticket_id=ticket.ticket_id)
        return Outcome(f"상담원 연결을 요청했습니다(문의 번호 {ticket.ticket_id}). 상담 시간({R.SERVICE_HOURS})에 "
                       "담당자가 대화 내용을 확인하고 연락드리겠습니다. 그동안 간단한 조회는 계속 도와드릴게요.",
                       state, cards=[R.ticket_card(ticket)], handoff=True,
                       actions=[{"type": "handoff", "ticket_id": ticket.ticket_id, "status": "completed"}])

    def _general(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        if THANKS.search(text):
            return Outcome("도움이 되어 기쁩니다. 더 필요하신 게 있으면 언제든 말씀해 주세요.", state)
        if GREETING.search(text):
            return Outcome(f"안녕하세요! 쇼핑 도우미입니다. {R.CAPABILITIES}을 도와드릴 수 있어요. "
                           "무엇을 도와드릴까요?", state)
        return Outcome(f"죄송하지만 그 부분은 도와드리기 어려워요. 저는 {R.CAPABILITIES}을 도와드리고 있어요.", state)

    def _unsure(self, u: Understanding, text: str, state: DialogueState) -> Outcome:
        if u.intent == "policy" or QUESTION.search(text):
            results = self.tools.search_policies(text)
            if results and results[0].score >= self.min_policy_score:
                return self._policy(u, text, state, prefix="혹시 이 내용을 찾으셨나요?\n")
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
            Action.DEFECT: "claim.defect", Action.CHANGE_ADDRESS: "address"}[action]


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
