"""Request and response shapes: one model per direction; routes never return
storage rows or domain objects directly."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..domain.conversations import Conversation, ConversationStatus, Message
from ..domain.conversations import Role as MessageRole
from ..domain.orders import ACTION_MATRIX, Order
from ..domain.tickets import IssueType, Priority, Ticket, TicketSource, TicketStatus
from ..domain.users import Role, User
from ..security import MIN_PASSWORD_LENGTH

EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"


class Problem(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    code: str = Field(description="Machine-readable reason, e.g. already_shipped, token_revoked.")
    errors: list[dict[str, object]] | None = Field(None, description="422 only: each invalid field.")
    error: dict[str, object] | None = Field(
        None, description="/v1/* only: the same error as OpenAI clients expect it (message, type, code).")


PROBLEM_STATUSES = (400, 401, 403, 404, 409, 413, 422, 429, 500, 503, 504)
# Every route may answer with these (auth, ownership, validation, limits, failures).
PROBLEM_RESPONSES: dict[int | str, dict[str, object]] = {
    status: {"model": Problem, "description": "문제 상세 (RFC 9457)",
             "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for status in PROBLEM_STATUSES}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


TEXT = r"\S"  # free text must contain something besides whitespace


class RegisterIn(_In):
    email: str = Field(max_length=254, pattern=EMAIL_PATTERN, examples=["new@example.com"])
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=128)
    name: str = Field(min_length=1, max_length=50, pattern=TEXT)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class LoginIn(_In):
    email: str = Field(min_length=3, max_length=254)
    password: str = Field(min_length=1, max_length=128)


class RefreshIn(_In):
    refresh_token: str = Field(min_length=10, max_length=4096)


class TokenOut(BaseModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int


class UserOut(BaseModel):
    user_id: str
    email: str
    name: str
    role: Role

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(user_id=user.user_id, email=user.email, name=user.name, role=user.role)


class OrderItemOut(BaseModel):
    product_id: str
    title: str
    option: str
    quantity: int
    unit_price: int


class TrackingOut(BaseModel):
    carrier: str
    tracking_number: str


class OrderOut(BaseModel):
    order_id: str
    user_id: str
    status: str
    status_label: str
    order_date: datetime
    total_amount: int
    shipping_fee: int
    payment_method: str
    payment_method_label: str
    shipping_address: str
    items: list[OrderItemOut]
    tracking: TrackingOut | None
    delivered_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None

    @classmethod
    def of(cls, o: Order) -> OrderOut:
        tracking = (TrackingOut(carrier=o.carrier, tracking_number=o.tracking_number)
                    if o.carrier and o.tracking_number else None)
        return cls(order_id=o.order_id, user_id=o.user_id, status=o.status.value,
                   status_label=o.status.label, order_date=o.order_date, total_amount=o.total_amount,
                   shipping_fee=o.shipping_fee, payment_method=o.payment_method.value,
                   payment_method_label=o.payment_method.label, shipping_address=o.shipping_address,
                   items=[OrderItemOut(product_id=i.product_id, title=i.title, option=i.option,
                                       quantity=i.quantity, unit_price=i.unit_price) for i in o.items],
                   tracking=tracking, delivered_at=o.delivered_at, cancelled_at=o.cancelled_at,
                   cancel_reason=o.cancel_reason)


class OrderStatusOut(BaseModel):
    order_id: str
    status: str
    status_label: str
    tracking: TrackingOut | None
    shipped_at: datetime | None
    delivered_at: datetime | None
    updated_at: datetime | None
    allowed_actions: list[str] = Field(description="Actions the status allows (claims also depend on time windows).")

    @classmethod
    def of(cls, o: Order) -> OrderStatusOut:
        full = OrderOut.of(o)
        return cls(order_id=o.order_id, status=full.status, status_label=full.status_label,
                   tracking=full.tracking, shipped_at=o.shipped_at, delivered_at=o.delivered_at,
                   updated_at=o.updated_at, allowed_actions=sorted(a.value for a in ACTION_MATRIX[o.status]))


class OrdersOut(BaseModel):
    orders: list[OrderOut]
    count: int


class CancelIn(_In):
    reason: str = Field("고객 요청", min_length=1, max_length=500, pattern=TEXT)


class TicketIn(_In):
    order_id: str | None = Field(None, max_length=20)
    issue_type: IssueType
    description: str = Field(min_length=1, max_length=2_000, pattern=TEXT)
    priority: Priority = Priority.NORMAL


class ResolveIn(_In):
    note: str = Field(min_length=1, max_length=2_000, pattern=TEXT)


class TicketOut(BaseModel):
    ticket_id: str
    user_id: str
    order_id: str | None
    issue_type: IssueType
    status: TicketStatus
    status_label: str
    priority: Priority
    description: str
    source: TicketSource
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    resolution_note: str | None

    @classmethod
    def of(cls, t: Ticket) -> TicketOut:
        return cls(ticket_id=t.ticket_id, user_id=t.user_id, order_id=t.order_id, issue_type=t.issue_type,
                   status=t.status, status_label=t.status.label, priority=t.priority,
                   description=t.description, source=t.source, created_at=t.created_at,
                   updated_at=t.updated_at, resolved_at=t.resolved_at, resolution_note=t.resolution_note)


class TicketsOut(BaseModel):
    tickets: list[TicketOut]
    count: int


# -- chat and conversations -------------------------------------------------

MESSAGE_MAX = 2_000


class ChatIn(_In):
    message: str = Field(min_length=1, max_length=MESSAGE_MAX, pattern=TEXT, examples=["최근 주문 보여줘"])
    session_id: str | None = Field(None, min_length=1, max_length=40,
                                   description="A conversation to continue; omitted: a new one starts.")
    user_id: str | None = Field(None, max_length=40, description="Optional; must be the token's own user id.")


class MessageIn(_In):
    message: str = Field(min_length=1, max_length=MESSAGE_MAX, pattern=TEXT, examples=["그거 취소해 주세요"])


class ChatOut(BaseModel):
    session_id: str
    reply: str
    intent: str
    confidence: float
    slots: dict[str, object]
    pending_action: dict[str, object] | None = Field(
        description="The action awaiting the shopper's yes (kind, order id, summary, expiry), if any.")
    actions: list[dict[str, object]] = Field(description="What this turn changed (e.g. an order cancelled).")
    cards: list[dict[str, object]] = Field(description="Orders, tickets or products to show.")
    citations: list[dict[str, object]] = Field(description="Policy passages the reply is based on.")
    handoff: bool
    trace_id: str


class ConversationIn(_In):
    title: str = Field("", max_length=100)


class ConversationOut(BaseModel):
    conversation_id: str
    user_id: str
    title: str
    status: ConversationStatus
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: Conversation) -> ConversationOut:
        return cls(conversation_id=c.conversation_id, user_id=c.user_id, title=c.title, status=c.status,
                   created_at=c.created_at, updated_at=c.updated_at)


class ConversationsOut(BaseModel):
    conversations: list[ConversationOut]
    count: int


class MessageOut(BaseModel):
    message_id: int
    role: MessageRole
    text: str = Field(description="PII-masked.")
    intent: str | None
    created_at: datetime
    cards: list[dict[str, object]] = []
    citations: list[dict[str, object]] = []

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(message_id=m.message_id, role=m.role, text=m.text, intent=m.intent, created_at=m.created_at,
                   cards=m.meta.get("cards", []), citations=m.meta.get("citations", []))


class ConversationDetailOut(ConversationOut):
    messages: list[MessageOut]
