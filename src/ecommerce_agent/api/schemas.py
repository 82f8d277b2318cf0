"""Request and response shapes: one model per direction; routes never return
storage rows or domain objects directly."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..domain.conversations import Conversation, ConversationStatus, Message
from ..domain.conversations import Role as MessageRole
from ..domain.claims import ClaimLine, RefundEstimate
from ..domain.orders import ACTION_MATRIX, Action, ItemStatus, Order, OrderItem
from ..domain.tickets import IssueType, Priority, Ticket, TicketSource, TicketStatus
from ..domain.staff import Assignment
from ..domain.users import Role, User
from ..security import MIN_PASSWORD_LENGTH

# No '@', whitespace or control characters. The explicit ranges make Python's and
# JSON Schema's (ECMA) regex dialects agree: their \s differ (\x1c-\x1f, \x85, \ufeff),
# and a client validating against the published schema must get the same verdict.
_EMAIL_CHAR = r"[^@\s\x00-\x20\x7f-\xa0\ufeff]"
EMAIL_PATTERN = rf"^{_EMAIL_CHAR}{{1,64}}@{_EMAIL_CHAR}+\.{_EMAIL_CHAR}{{2,}}$"


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
    item_id: str = Field(description="주문 상품 id (주문번호-줄번호). 부분 취소·반품·교환에 씁니다.",
                         examples=["ORD-20261126-0001-2"])
    product_id: str
    title: str
    option: str = Field(description="주문한 옵션 (예: '색상: 블랙 / 사이즈: M')")
    quantity: int
    unit_price: int
    status: ItemStatus = Field(description="상품별 상태: ordered(주문 그대로), cancelled, return_requested, "
                                           "returned, exchange_requested")
    status_label: str = Field(description="상품 상태의 한국어 표시 (ordered는 주문 상태를 따름)")
    reason: str | None = Field(None, description="상태가 바뀐 사유 (개인정보 마스킹됨)")

    @classmethod
    def of(cls, i: OrderItem, order: Order) -> OrderItemOut:
        label = order.status.label if i.status is ItemStatus.ORDERED else i.status.label
        return cls(item_id=i.item_id, product_id=i.product_id, title=i.title, option=i.option,
                   quantity=i.quantity, unit_price=i.unit_price, status=i.status, status_label=label,
                   reason=i.reason)


class RefundEstimateOut(BaseModel):
    """환불 예상 금액 (정책 문서 기준: 무료배송 기준 재계산, 단순 변심 반품 배송비, 불량·오배송은 무료)."""

    action: str = Field(description="cancel, return, exchange, defect")
    items_amount: int = Field(description="대상 상품 금액 합계(원)")
    refund_amount: int = Field(description="환불 예상 금액(원). 입금 전 주문과 교환은 0")
    shipping_fee_refund: int = Field(description="돌려드리는 배송비(원): 주문 전체 취소, 불량 전체 반품")
    shipping_fee_added: int = Field(description="부분 취소로 무료배송 기준(30,000원)에 못 미쳐 생긴 배송비(원)")
    return_shipping_fee: int = Field(description="고객 부담 반품·교환 배송비(원)")
    extra_payment: int = Field(description="따로 결제하실 금액(원): 교환 배송비, 환불액보다 큰 차감액")
    new_total_amount: int = Field(description="처리 후 주문 금액(원)")
    paid: bool = Field(description="false면 입금 전 주문: 환불 대신 입금하실 금액이 바뀝니다")
    description: str = Field(description="고객 안내 문장")
    notes: list[str]

    @classmethod
    def of(cls, e: RefundEstimate | None) -> RefundEstimateOut | None:
        if e is None:
            return None
        return cls(action=e.action.value, items_amount=e.items_amount, refund_amount=e.refund_amount,
                   shipping_fee_refund=e.shipping_fee_refund, shipping_fee_added=e.shipping_fee_added,
                   return_shipping_fee=e.return_shipping_fee, extra_payment=e.extra_payment,
                   new_total_amount=e.new_total_amount, paid=e.paid, description=e.describe(),
                   notes=list(e.notes))


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
    refund_estimate: RefundEstimateOut | None = Field(
        None, description="방금 처리한 취소의 환불 예상 (취소 응답에만 있습니다)")

    @classmethod
    def of(cls, o: Order, estimate: RefundEstimate | None = None) -> OrderOut:
        tracking = (TrackingOut(carrier=o.carrier, tracking_number=o.tracking_number)
                    if o.carrier and o.tracking_number else None)
        return cls(order_id=o.order_id, user_id=o.user_id, status=o.status.value,
                   status_label=o.status_label, order_date=o.order_date, total_amount=o.total_amount,
                   shipping_fee=o.shipping_fee, payment_method=o.payment_method.value,
                   payment_method_label=o.payment_method.label, shipping_address=o.shipping_address,
                   items=[OrderItemOut.of(i, o) for i in o.items],
                   tracking=tracking, delivered_at=o.delivered_at, cancelled_at=o.cancelled_at,
                   cancel_reason=o.cancel_reason, refund_estimate=RefundEstimateOut.of(estimate))


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


class ClaimLineIn(_In):
    item_id: str = Field(min_length=1, max_length=40, description="주문 상품 id (주문 조회의 items[].item_id)",
                         examples=["ORD-20261126-0001-2"])
    quantity: int | None = Field(None, ge=1, le=999, description="수량 (생략하면 그 상품 전부)")

    def line(self) -> ClaimLine:
        return ClaimLine(self.item_id.strip().upper(), self.quantity)


class CancelIn(_In):
    reason: str = Field("고객 요청", min_length=1, max_length=500, pattern=TEXT,
                        description="취소 사유 (개인정보는 마스킹되어 저장됩니다)")
    items: list[ClaimLineIn] | None = Field(
        None, min_length=1, max_length=50,
        description="부분 취소할 상품과 수량. 생략하면 남은 상품 전체(주문 전체)를 취소합니다.")


class EstimateIn(_In):
    action: Action = Field(description="cancel, return(단순 변심 반품), exchange, defect(불량·오배송)")
    items: list[ClaimLineIn] | None = Field(None, min_length=1, max_length=50,
                                            description="대상 상품과 수량 (생략: 남은 상품 전체)")
    replacement_option: str | None = Field(None, min_length=1, max_length=100, pattern=TEXT,
                                           description="교환: 받으실 옵션")

    @field_validator("action")
    @classmethod
    def _no_address(cls, value: Action) -> Action:
        if value is Action.CHANGE_ADDRESS:
            raise ValueError("배송지 변경에는 환불 예상이 없습니다")
        return value


class OptionOut(BaseModel):
    option: str
    stock: int
    in_stock: bool
    current: bool = Field(description="지금 주문하신 옵션인지")


class ExchangeOptionsOut(BaseModel):
    item_id: str
    product_id: str
    title: str
    current_option: str
    options: list[OptionOut] = Field(description="같은 상품의 옵션과 재고 (교환은 재고 있는 다른 옵션으로만)")


class TicketIn(_In):
    order_id: str | None = Field(None, max_length=20)
    issue_type: IssueType
    description: str = Field(min_length=1, max_length=2_000, pattern=TEXT,
                             description="문의 내용 (개인정보는 마스킹되어 저장됩니다)")
    priority: Priority = Priority.NORMAL
    items: list[ClaimLineIn] | None = Field(
        None, min_length=1, max_length=50,
        description="반품(refund)·교환(exchange)·불량(defect) 신청할 상품과 수량. 주면 주문 상태 규칙과 "
                    "신청 기간을 확인해 상품별로 접수합니다(order_id 필요). 생략하면 일반 문의로만 접수합니다.")
    reason: str | None = Field(None, min_length=1, max_length=500, pattern=TEXT,
                               description="반품·교환 사유 (개인정보는 마스킹되어 저장됩니다)")
    replacement_option: str | None = Field(
        None, min_length=1, max_length=100, pattern=TEXT,
        description="교환: 받으실 옵션 (같은 상품의 다른 옵션, 예: '색상: 화이트' 또는 '화이트')")


class ResolveIn(_In):
    note: str = Field(min_length=1, max_length=2_000, pattern=TEXT)


class TicketItemOut(BaseModel):
    item_id: str
    title: str
    option: str
    quantity: int


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
    items: list[TicketItemOut] = Field(description="신청 대상 상품 (비어 있으면 주문 전체 또는 주문 없음)")
    reason: str | None = Field(description="신청 사유 (개인정보 마스킹됨)")
    replacement_option: str | None = Field(description="교환: 받으실 옵션")
    refund_estimate: RefundEstimateOut | None = Field(description="접수 시점의 환불 예상")

    @classmethod
    def of(cls, t: Ticket) -> TicketOut:
        return cls(ticket_id=t.ticket_id, user_id=t.user_id, order_id=t.order_id, issue_type=t.issue_type,
                   status=t.status, status_label=t.status.label, priority=t.priority,
                   description=t.description, source=t.source, created_at=t.created_at,
                   updated_at=t.updated_at, resolved_at=t.resolved_at, resolution_note=t.resolution_note,
                   items=[TicketItemOut(item_id=i.item_id, title=i.title, option=i.option, quantity=i.quantity)
                          for i in t.items],
                   reason=t.reason, replacement_option=t.replacement_option,
                   refund_estimate=RefundEstimateOut.of(t.estimate))



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
    staff: dict[str, object] | None = Field(
        None, description="상담원이 대화를 인수해 응대 중이면 그 사람 (name, claimed_at): 메시지는 상담원에게 "
                          "전달되고 에이전트 답변(reply)은 비어 있습니다.")


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
    actions: list[dict[str, object]] = Field([], description="이 답변에서 처리된 일 (예: 주문 취소)")
    pending_action_id: str | None = Field(None, description="이 답변이 예/아니요를 기다리는 요청의 id")
    staff_name: str | None = Field(None, description="role이 staff·notice일 때 그 상담원")

    @classmethod
    def of(cls, m: Message) -> MessageOut:
        return cls(message_id=m.message_id, role=m.role, text=m.text, intent=m.intent, created_at=m.created_at,
                   cards=m.meta.get("cards", []), citations=m.meta.get("citations", []),
                   actions=m.meta.get("actions", []), pending_action_id=m.meta.get("pending_action_id"),
                   staff_name=m.meta.get("staff_name"))


class AssigneeOut(BaseModel):
    """대화를 인수해 응대 중인 상담원."""

    staff_id: str
    name: str
    claimed_at: datetime

    @classmethod
    def of(cls, a: Assignment | None) -> AssigneeOut | None:
        return None if a is None else cls(staff_id=a.staff_id, name=a.staff_name, claimed_at=a.claimed_at)


class ConversationDetailOut(ConversationOut):
    assignee: AssigneeOut | None = None
    messages: list[MessageOut]
