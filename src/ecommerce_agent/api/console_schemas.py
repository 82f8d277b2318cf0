"""Shapes of the staff console's endpoints (``routes/console.py``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from ..domain.conversations import Message
from ..domain.staff import AuditEntry
from ..domain.tickets import IssueType, TicketStatus
from ..domain.users import User
from .schemas import TEXT, AssigneeOut, ConversationOut, MessageOut, OrderOut, TicketOut, _In


class CustomerOut(BaseModel):
    user_id: str
    name: str
    email: str

    @classmethod
    def of(cls, user: User | None, user_id: str) -> CustomerOut:
        return cls(user_id=user_id, name=user.name if user else "(알 수 없음)", email=user.email if user else "")


class QueueItemOut(BaseModel):
    kind: Literal["handoff", "ticket"] = Field(description="handoff: 상담원 연결을 요청한 대화, ticket: 열린 문의")
    conversation_id: str | None
    ticket_id: str | None
    order_id: str | None
    customer: CustomerOut
    issue_type: IssueType | None
    status: TicketStatus | None = Field(description="문의 상태 (handoff는 그 연결 문의의 상태)")
    summary: str = Field(description="대화 제목 또는 문의 내용 첫 줄 (개인정보 마스킹됨)")
    waiting_since: datetime
    waiting_seconds: int = Field(description="기다린 시간(초)")
    assignee: AssigneeOut | None


class QueueOut(BaseModel):
    items: list[QueueItemOut] = Field(description="handoff 먼저, 각각 오래 기다린 순")
    count: int


class TurnTraceOut(MessageOut):
    """A message with its turn trace (agent turns): intent, confidence, tool calls, citations."""

    confidence: float | None = None
    tools: list[dict[str, object]] = []
    trace_id: str | None = None

    @classmethod
    def of(cls, m: Message) -> TurnTraceOut:  # type: ignore[override]
        return cls(**MessageOut.of(m).model_dump(), confidence=m.meta.get("confidence"),
                   tools=m.meta.get("tools", []), trace_id=m.meta.get("trace_id"))


class ConsoleConversationOut(BaseModel):
    conversation: ConversationOut
    customer: CustomerOut
    assignee: AssigneeOut | None
    handoff_ticket_id: str | None
    messages: list[TurnTraceOut] = Field(description="마스킹된 대화 기록, 오래된 것부터")
    orders: list[OrderOut] = Field(description="고객의 최근 주문")
    tickets: list[TicketOut] = Field(description="고객의 최근 문의")


class StaffMessageIn(_In):
    text: str = Field(min_length=1, max_length=2_000, pattern=TEXT,
                      description="고객에게 보낼 답변 (개인정보는 마스킹되어 저장됩니다)")


class AuditEntryOut(BaseModel):
    entry_id: int
    at: datetime
    staff_id: str
    action: str = Field(description="예: conversation.claim, conversation.reply, order.cancel, ticket.resolve")
    customer_id: str | None
    resource: str
    reason: str | None
    result: str

    @classmethod
    def of(cls, e: AuditEntry) -> AuditEntryOut:
        return cls(entry_id=e.entry_id, at=e.at, staff_id=e.staff_id, action=e.action, customer_id=e.customer_id,
                   resource=e.resource, reason=e.reason, result=e.result)


class AuditOut(BaseModel):
    entries: list[AuditEntryOut]
    count: int
