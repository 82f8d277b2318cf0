"""The staff console's API (role ``agent``): the queue, a conversation with its turn
traces, live takeover (claim, reply, hand back) and the audit log. Every call that
touches a customer's data is recorded in the audit log."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from ...domain.clock import utcnow
from ...domain.conversations import Conversation
from ...domain.tickets import IssueType, Ticket, TicketSource, TicketStatus
from ...storage.base import Repository
from ...storage.console import ConsoleStore
from .. import takeover
from ..audit import staff_audit
from ..console_schemas import (AuditEntryOut, AuditOut, ConsoleConversationOut, CustomerOut, QueueItemOut,
                               QueueOut, StaffMessageIn, TurnTraceOut)
from ..deps import ConsoleDep, RepoDep, StaffUser
from ..schemas import AssigneeOut, ConversationOut, OrderOut, TicketOut
from .chat import ConversationId, readable_conversation

router = APIRouter(prefix="/console", tags=["console"])


@router.get("/queue", response_model=QueueOut, summary="상담 대기열")
def queue(staff: StaffUser, repo: RepoDep, console: ConsoleDep,
          kind: Annotated[Literal["handoff", "ticket"] | None, Query(description="한 종류만")] = None,
          status: Annotated[TicketStatus | None, Query(description="문의 상태 (기본: 접수·처리중)")] = None,
          issue_type: Annotated[IssueType | None, Query(alias="type", description="문의 유형")] = None,
          q: Annotated[str | None, Query(min_length=1, max_length=254,
                                         description="주문번호(ORD-…), 문의번호(TKT-…) 또는 고객 이메일")] = None,
          ) -> QueueOut:
    """상담원 연결을 요청한(또는 상담원이 응대 중인) 대화와 열린 문의를 보여 줍니다. 연결 요청이 먼저,
    각각 오래 기다린 순서입니다. 상담원만 쓸 수 있습니다(고객은 403)."""
    now = utcnow()
    users: dict[str, CustomerOut] = {}

    def customer(user_id: str) -> CustomerOut:
        if user_id not in users:
            users[user_id] = CustomerOut.of(repo.get_user(user_id), user_id)
        return users[user_id]

    handoffs: list[QueueItemOut] = []
    linked: set[str] = set()
    if kind in (None, "handoff"):
        for conversation in console.handed_off():
            ticket_id = takeover.handoff_ticket_id(conversation)
            ticket = repo.get_ticket(ticket_id) if ticket_id else None
            assignment = console.assignment(conversation.conversation_id)
            if ticket is not None:
                linked.add(ticket.ticket_id)
                if (status is None and ticket.status.is_final and assignment is None) or (
                        status is not None and ticket.status is not status):
                    continue
            if issue_type is not None and (ticket is None or ticket.issue_type is not issue_type):
                continue
            since = ticket.created_at if ticket else conversation.updated_at
            handoffs.append(QueueItemOut(
                kind="handoff", conversation_id=conversation.conversation_id, ticket_id=ticket_id,
                order_id=ticket.order_id if ticket else None, customer=customer(conversation.user_id),
                issue_type=ticket.issue_type if ticket else None, status=ticket.status if ticket else None,
                summary=conversation.title or "상담원 연결 요청", waiting_since=since,
                waiting_seconds=max(0, int((now - since).total_seconds())),
                assignee=AssigneeOut.of(assignment)))
    tickets: list[QueueItemOut] = []
    if kind in (None, "ticket"):
        for ticket in console.open_tickets(status=status, issue_type=issue_type):
            if ticket.ticket_id not in linked:
                item = _ticket_item(ticket, customer(ticket.user_id), now)
                if ticket.source is TicketSource.HANDOFF:  # handed back, still open: its conversation
                    found = takeover.conversations_of_ticket(repo, ticket)
                    item.conversation_id = found[0].conversation_id if found else None
                tickets.append(item)
    items = sorted(handoffs, key=lambda i: i.waiting_since) + sorted(tickets, key=lambda i: i.waiting_since)
    if q:
        items = _search(repo, items, q.strip())
    return QueueOut(items=items, count=len(items))


def _ticket_item(ticket: Ticket, customer: CustomerOut, now) -> QueueItemOut:  # noqa: ANN001
    first_line = (ticket.description.strip().splitlines() or [""])[0][:80]
    return QueueItemOut(kind="ticket", conversation_id=None, ticket_id=ticket.ticket_id, order_id=ticket.order_id,
                        customer=customer, issue_type=ticket.issue_type, status=ticket.status,
                        summary=first_line, waiting_since=ticket.created_at,
                        waiting_seconds=max(0, int((now - ticket.created_at).total_seconds())), assignee=None)


def _search(repo: Repository, items: list[QueueItemOut], q: str) -> list[QueueItemOut]:
    """An order id (its tickets and its customer's handoffs), a ticket id, or a customer e-mail."""
    key = q.upper()
    if key.startswith("ORD-"):
        order = repo.get_order(key)
        owner = order.user_id if order else None
        return [i for i in items if i.order_id == key or (i.kind == "handoff" and i.customer.user_id == owner)]
    if key.startswith("TKT-"):
        return [i for i in items if i.ticket_id == key]
    if "@" in q:
        user = repo.get_user_by_email(q.lower())
        return [i for i in items if user is not None and i.customer.user_id == user.user_id]
    return [i for i in items if key in (i.conversation_id or "") or q in i.customer.name]


@router.get("/conversations/{conversation_id}", response_model=ConsoleConversationOut,
            summary="대화 보기 (턴 추적 포함)")
def conversation_view(conversation_id: ConversationId, staff: StaffUser, repo: RepoDep,
                      console: ConsoleDep) -> ConsoleConversationOut:
    """마스킹된 대화 기록(에이전트 답변마다 의도, 신뢰도, 도구 호출, 인용), 고객의 최근 주문과 문의,
    응대 중인 상담원을 보여 줍니다. 열람은 감사 기록에 남습니다."""
    conversation = readable_conversation(repo, staff, conversation_id)
    staff_audit(console, staff, "conversation.view", conversation.user_id,
                f"conversation:{conversation.conversation_id}")
    return _view(repo, console, conversation)


def _view(repo: Repository, console: ConsoleStore, conversation: Conversation) -> ConsoleConversationOut:
    owner = conversation.user_id
    return ConsoleConversationOut(
        conversation=ConversationOut.of(conversation), customer=CustomerOut.of(repo.get_user(owner), owner),
        assignee=AssigneeOut.of(console.assignment(conversation.conversation_id)),
        handoff_ticket_id=takeover.handoff_ticket_id(conversation),
        messages=[TurnTraceOut.of(m) for m in repo.list_messages(conversation.conversation_id, limit=500)],
        orders=[OrderOut.of(o) for o in repo.list_orders(owner, limit=10)],
        tickets=[TicketOut.of(t) for t in repo.list_tickets(owner, limit=10)])


@router.post("/conversations/{conversation_id}/claim", response_model=AssigneeOut, summary="대화 인수")
def claim(conversation_id: ConversationId, staff: StaffUser, repo: RepoDep, console: ConsoleDep) -> AssigneeOut:
    """이 상담원이 대화를 맡습니다. 이후 고객의 메시지는 에이전트가 아니라 이 상담원에게 갑니다. 다른 상담원이
    이미 맡았으면 409 `already_claimed`. 같은 사람이 다시 부르면 그대로입니다."""
    conversation = readable_conversation(repo, staff, conversation_id)
    return AssigneeOut.of(takeover.claim(repo, console, staff, conversation))  # type: ignore[return-value]


@router.post("/conversations/{conversation_id}/messages", response_model=TurnTraceOut, summary="상담원 답변 보내기")
def reply(conversation_id: ConversationId, body: StaffMessageIn, staff: StaffUser, repo: RepoDep,
          console: ConsoleDep) -> TurnTraceOut:
    """인수한 대화에 답변을 보냅니다. 고객 화면에 바로 나타납니다. 인수하지 않은 대화면 409 `not_claimed`."""
    conversation = readable_conversation(repo, staff, conversation_id)
    takeover.staff_reply(repo, console, staff, conversation, body.text)
    return TurnTraceOut.of(repo.list_messages(conversation.conversation_id, limit=1)[-1])


@router.post("/conversations/{conversation_id}/release", response_model=ConversationOut,
             summary="에이전트에게 돌려주기")
def release(conversation_id: ConversationId, staff: StaffUser, repo: RepoDep, console: ConsoleDep) -> ConversationOut:
    """대화를 에이전트에게 돌려줍니다. 이후 고객의 메시지에는 다시 에이전트가 답합니다. 인수하지 않은 대화면
    409 `not_claimed`."""
    conversation = readable_conversation(repo, staff, conversation_id)
    return ConversationOut.of(takeover.hand_back(repo, console, staff, conversation))


@router.get("/audit", response_model=AuditOut, summary="상담원 작업 감사 기록")
def audit(staff: StaffUser, console: ConsoleDep,
          customer_id: Annotated[str | None, Query(max_length=32, description="이 고객에 대한 작업만")] = None,
          staff_id: Annotated[str | None, Query(max_length=32, description="이 상담원의 작업만")] = None,
          limit: Annotated[int, Query(ge=1, le=500)] = 100) -> AuditOut:
    """상담원이 고객 데이터에 한 모든 작업(누가, 무엇을, 누구의 것에, 언제, 사유)을 최근 것부터 보여 줍니다."""
    entries = console.audit(customer_id=customer_id, staff_id=staff_id, limit=limit)
    return AuditOut(entries=[AuditEntryOut.of(e) for e in entries], count=len(entries))
