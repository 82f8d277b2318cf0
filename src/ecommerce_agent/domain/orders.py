"""Orders and the allowed-action matrix.

``ACTION_MATRIX`` is the single place that says which action each order status
allows. ``decide`` applies it, plus the claim windows of 전자상거래법 제17조
(change of mind: 7 days from receipt; defect or wrong item: 3 months), and
returns a typed outcome: ``Allowed`` or ``Denied`` with a machine-readable
reason and a Korean explanation that names the next step.

Each order item has its own ``ItemStatus``; the order's status moves only when
all of its items move together (``derive_order_status``), and
``Order.status_label`` names what some items did ('결제완료(일부 취소)'). Claims
and cancellations of some items, and their refund estimates: ``claims``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from .clock import kst_date

CHANGE_OF_MIND_DAYS = 7
DEFECT_CLAIM_MONTHS = 3
DEPOSIT_HOURS = 24  # an unpaid (virtual account) order is cancelled this long after it was placed
AUTO_CANCEL_REASON = "입금 기한 초과(자동 취소)"  # the cancel reason of an order never paid


def deposit_deadline(order_date: datetime) -> datetime:
    """When an unpaid order is cancelled automatically (order-cancellation.md)."""
    return order_date + timedelta(hours=DEPOSIT_HOURS)


class OrderStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    PREPARING = "preparing"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"
    EXCHANGE_REQUESTED = "exchange_requested"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[OrderStatus, str] = {
    OrderStatus.PENDING: "결제대기",
    OrderStatus.PAID: "결제완료",
    OrderStatus.PREPARING: "상품준비중",
    OrderStatus.SHIPPED: "배송중",
    OrderStatus.DELIVERED: "배송완료",
    OrderStatus.CANCELLED: "주문취소",
    OrderStatus.RETURN_REQUESTED: "반품접수",
    OrderStatus.RETURNED: "반품완료",
    OrderStatus.EXCHANGE_REQUESTED: "교환접수",
}


class PaymentMethod(StrEnum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    VIRTUAL_ACCOUNT = "virtual_account"
    KAKAOPAY = "kakaopay"
    NAVERPAY = "naverpay"
    TOSSPAY = "tosspay"

    @property
    def label(self) -> str:
        return PAYMENT_LABELS[self]


PAYMENT_LABELS: dict[PaymentMethod, str] = {
    PaymentMethod.CARD: "신용/체크카드",
    PaymentMethod.BANK_TRANSFER: "계좌이체",
    PaymentMethod.VIRTUAL_ACCOUNT: "가상계좌",
    PaymentMethod.KAKAOPAY: "카카오페이",
    PaymentMethod.NAVERPAY: "네이버페이",
    PaymentMethod.TOSSPAY: "토스페이",
}


class Action(StrEnum):
    CANCEL = "cancel"
    CHANGE_ADDRESS = "change_address"
    RETURN = "return"  # change-of-mind return for a refund
    EXCHANGE = "exchange"  # change-of-mind exchange for another option
    DEFECT = "defect"  # defective, wrongly delivered or unlike the listing

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS: dict[Action, str] = {
    Action.CANCEL: "주문 취소",
    Action.CHANGE_ADDRESS: "배송지 변경",
    Action.RETURN: "반품(환불) 신청",
    Action.EXCHANGE: "교환 신청",
    Action.DEFECT: "불량·오배송 신고",
}

CLAIMS = frozenset({Action.RETURN, Action.EXCHANGE, Action.DEFECT})

_BEFORE_DISPATCH = frozenset({Action.CANCEL, Action.CHANGE_ADDRESS})

# The allowed-action matrix: status -> actions the status permits (claims are
# further limited by their time windows in ``decide``).
ACTION_MATRIX: dict[OrderStatus, frozenset[Action]] = {
    OrderStatus.PENDING: _BEFORE_DISPATCH,
    OrderStatus.PAID: _BEFORE_DISPATCH,
    OrderStatus.PREPARING: _BEFORE_DISPATCH,
    OrderStatus.SHIPPED: frozenset(),
    OrderStatus.DELIVERED: CLAIMS,
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.RETURN_REQUESTED: frozenset(),
    OrderStatus.RETURNED: frozenset(),
    OrderStatus.EXCHANGE_REQUESTED: frozenset(),
}

# The status an order moves to once an allowed action is carried out.
RESULTING_STATUS: dict[Action, OrderStatus | None] = {
    Action.CANCEL: OrderStatus.CANCELLED,
    Action.CHANGE_ADDRESS: None,  # status unchanged
    Action.RETURN: OrderStatus.RETURN_REQUESTED,
    Action.EXCHANGE: OrderStatus.EXCHANGE_REQUESTED,
    Action.DEFECT: OrderStatus.RETURN_REQUESTED,
}

# The statuses of an order the action was carried out on, from asked for to done:
# "반품한 거" is an order whose return is under way or finished.
STATUSES_AFTER: dict[Action, tuple[OrderStatus, ...]] = {
    Action.CANCEL: (OrderStatus.CANCELLED,),
    Action.RETURN: (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED),
    Action.DEFECT: (OrderStatus.RETURN_REQUESTED, OrderStatus.RETURNED),
    Action.EXCHANGE: (OrderStatus.EXCHANGE_REQUESTED,),
}


class ItemStatus(StrEnum):
    """The status of one order item (line). ``ordered`` means the item simply
    follows its order (paid, shipped, delivered...); the others are its own."""

    ORDERED = "ordered"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"
    EXCHANGE_REQUESTED = "exchange_requested"

    @property
    def label(self) -> str:
        return ITEM_STATUS_LABELS[self]


ITEM_STATUS_LABELS: dict[ItemStatus, str] = {
    ItemStatus.ORDERED: "주문",
    ItemStatus.CANCELLED: "취소",
    ItemStatus.RETURN_REQUESTED: "반품접수",
    ItemStatus.RETURNED: "반품완료",
    ItemStatus.EXCHANGE_REQUESTED: "교환접수",
}

# The item status of every item of an order whose status is this (used for data
# that predates per-item statuses: migration 0004, old CSV files, the demo shop).
ITEM_STATUS_FOR_ORDER: dict[OrderStatus, ItemStatus] = {
    **{s: ItemStatus.ORDERED for s in OrderStatus},
    OrderStatus.CANCELLED: ItemStatus.CANCELLED,
    OrderStatus.RETURN_REQUESTED: ItemStatus.RETURN_REQUESTED,
    OrderStatus.RETURNED: ItemStatus.RETURNED,
    OrderStatus.EXCHANGE_REQUESTED: ItemStatus.EXCHANGE_REQUESTED,
}


def item_id_for(order_id: str, line_no: int) -> str:
    """The stable id of an order item: its order id and line number, e.g. ORD-20261126-0001-2."""
    return f"{order_id}-{line_no}"


def line_no_of(item_id: str) -> int | None:
    """The line number in an item id, or None when it is not one."""
    head, _, tail = item_id.strip().rpartition("-")
    return int(tail) if head and tail.isdigit() and 0 < int(tail) < 10_000 else None


@dataclass(frozen=True, slots=True)
class OrderItem:
    product_id: str
    title: str
    option: str
    quantity: int
    unit_price: int
    item_id: str = ""  # set once the item belongs to a stored order (see item_id_for)
    status: ItemStatus = ItemStatus.ORDERED
    reason: str | None = None  # why the status changed (PII-masked by the caller)

    @property
    def subtotal(self) -> int:
        return self.quantity * self.unit_price

    @property
    def line_no(self) -> int | None:
        return line_no_of(self.item_id) if self.item_id else None

    @property
    def active(self) -> bool:
        """Still part of the order (not cancelled)."""
        return self.status is not ItemStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    user_id: str
    status: OrderStatus
    order_date: datetime
    total_amount: int  # 원, items plus shipping fee
    shipping_fee: int
    payment_method: PaymentMethod
    shipping_address: str
    items: tuple[OrderItem, ...] = field(default_factory=tuple)
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None
    delivered_at: datetime | None = None
    cancelled_at: datetime | None = None
    updated_at: datetime | None = None
    cancel_reason: str | None = None

    @property
    def summary(self) -> str:
        """A short Korean description such as '무선 이어폰 외 1건'."""
        if not self.items:
            return "상품 없음"
        first = self.items[0].title
        return first if len(self.items) == 1 else f"{first} 외 {len(self.items) - 1}건"

    @property
    def cancelled_unpaid(self) -> bool:
        """Cancelled before any money came in (the deposit deadline passed): nothing to refund."""
        return self.status is OrderStatus.CANCELLED and self.cancel_reason == AUTO_CANCEL_REASON

    def item(self, item_id: str) -> OrderItem | None:
        wanted = item_id.strip().upper()
        return next((i for i in self.items if i.item_id.upper() == wanted), None)

    @property
    def status_label(self) -> str:
        """The Korean status with what some items did, e.g. '결제완료(일부 취소)'."""
        return order_status_label(self.status, self.items)


_PARTIAL_LABELS = (
    (ItemStatus.CANCELLED, OrderStatus.CANCELLED, "일부 취소"),
    (ItemStatus.RETURN_REQUESTED, OrderStatus.RETURN_REQUESTED, "일부 반품 접수"),
    (ItemStatus.EXCHANGE_REQUESTED, OrderStatus.EXCHANGE_REQUESTED, "일부 교환 접수"),
    (ItemStatus.RETURNED, OrderStatus.RETURNED, "일부 반품 완료"),
)


def order_status_label(status: OrderStatus, items: tuple[OrderItem, ...] | list[OrderItem]) -> str:
    """``status.label`` plus the item statuses that differ from it, e.g.
    '결제완료(일부 취소)', '배송완료(일부 반품 접수)'."""
    present = {i.status for i in items}
    parts = [text for item_status, order_status, text in _PARTIAL_LABELS
             if item_status in present and status is not order_status]
    if status is OrderStatus.CANCELLED:
        parts = []
    return f"{status.label}({'·'.join(parts)})" if parts else status.label


def derive_order_status(current: OrderStatus, items: tuple[OrderItem, ...] | list[OrderItem]) -> OrderStatus:
    """The order's status after its items changed: it moves only when all of its
    items moved together. Every item cancelled: cancelled; every item that is not
    cancelled in the same claim status: that status; otherwise unchanged."""
    if items and all(i.status is ItemStatus.CANCELLED for i in items):
        return OrderStatus.CANCELLED
    statuses = {i.status for i in items if i.active}
    if len(statuses) == 1:
        only = statuses.pop()
        if only is not ItemStatus.ORDERED:
            return _ORDER_STATUS_FOR_ITEM[only]
    return current


_ORDER_STATUS_FOR_ITEM: dict[ItemStatus, OrderStatus] = {
    ItemStatus.CANCELLED: OrderStatus.CANCELLED,
    ItemStatus.RETURN_REQUESTED: OrderStatus.RETURN_REQUESTED,
    ItemStatus.RETURNED: OrderStatus.RETURNED,
    ItemStatus.EXCHANGE_REQUESTED: OrderStatus.EXCHANGE_REQUESTED,
}


@dataclass(frozen=True, slots=True)
class Allowed:
    action: Action
    new_status: OrderStatus | None


@dataclass(frozen=True, slots=True)
class Denied:
    action: Action
    reason: str  # machine-readable, e.g. "already_shipped"
    message: str  # Korean, with the next step

    def __bool__(self) -> bool:  # lets callers write `if decision:` for "allowed"
        return False


Decision = Allowed | Denied


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months, clamped to the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def claim_deadline(action: Action, delivered_at: datetime) -> date:
    """The last KST date on which the claim can be made."""
    received = kst_date(delivered_at)
    if action is Action.DEFECT:
        return add_months(received, DEFECT_CLAIM_MONTHS)
    return date.fromordinal(received.toordinal() + CHANGE_OF_MIND_DAYS)


def decide(order: Order, action: Action, now: datetime) -> Decision:
    """Whether ``action`` is allowed on ``order`` at ``now``, and why not."""
    if action in ACTION_MATRIX[order.status]:
        if action in CLAIMS:
            return _check_claim_window(order, action, now)
        return Allowed(action, RESULTING_STATUS[action])
    reason, message = _denial(order.status, action)
    return Denied(action, reason, message)


def _check_claim_window(order: Order, action: Action, now: datetime) -> Decision:
    if order.delivered_at is None:  # inconsistent data; refuse rather than guess
        return Denied(action, "delivery_date_unknown",
                      "배송 완료일을 확인할 수 없어 신청을 진행할 수 없습니다. 상담원에게 문의해 주세요.")
    deadline = claim_deadline(action, order.delivered_at)
    if kst_date(now) <= deadline:
        return Allowed(action, RESULTING_STATUS[action])
    due = f"{deadline.year}년 {deadline.month}월 {deadline.day}일"
    if action is Action.DEFECT:
        return Denied(action, "defect_window_expired",
                      f"불량·오배송 신고 기간(수령 후 3개월, {due}까지)이 지났습니다. "
                      "문제를 안 날부터 30일 이내라면 상담원에게 문의해 주세요.")
    return Denied(action, "return_window_expired",
                  f"단순 변심에 의한 {'교환' if action is Action.EXCHANGE else '반품'} 기간"
                  f"(수령 후 7일, {due}까지)이 지났습니다. "
                  "상품에 불량이나 오배송이 있다면 수령 후 3개월 이내에 불량 신고가 가능합니다.")


def _denial(status: OrderStatus, action: Action) -> tuple[str, str]:
    """Reason code and Korean explanation for a cell of the matrix that says no."""
    if status is OrderStatus.CANCELLED:
        return "already_cancelled", "이미 취소된 주문입니다."
    if status is OrderStatus.RETURN_REQUESTED:
        return "return_in_progress", "반품이 접수되어 처리 중인 주문입니다. 반품 진행 상황을 확인해 주세요."
    if status is OrderStatus.RETURNED:
        return "already_returned", "반품이 완료된 주문입니다."
    if status is OrderStatus.EXCHANGE_REQUESTED:
        return "exchange_in_progress", "교환이 접수되어 처리 중인 주문입니다. 교환 진행 상황을 확인해 주세요."
    if action in CLAIMS:
        if status is OrderStatus.SHIPPED:
            return "not_delivered_yet", "아직 배송 중인 주문입니다. 배송 완료 후 반품·교환 신청이 가능합니다."
        if action is Action.DEFECT:
            return "not_shipped_yet", ("아직 발송 전인 주문입니다. 불량·오배송 신고는 상품을 받으신 뒤(배송완료 후) "
                                       "하실 수 있고, 받기 전에는 주문 취소를 하실 수 있습니다.")
        if action is Action.EXCHANGE:
            return "not_shipped_yet", ("아직 발송 전인 주문입니다. 교환은 상품을 받으신 뒤 신청하실 수 있고, "
                                       "지금은 주문을 취소한 뒤 원하시는 옵션으로 다시 주문하실 수 있습니다.")
        return "not_shipped_yet", "아직 발송 전인 주문입니다. 반품 대신 주문 취소를 하실 수 있습니다."
    if status is OrderStatus.SHIPPED:
        if action is Action.CANCEL:
            return "already_shipped", (
                "이미 발송되어 주문을 취소할 수 없습니다. "
                "배송 완료 후 반품 신청이 가능합니다(수령 후 7일 이내).")
        return "already_shipped", ("이미 발송되어 저희 쇼핑몰에서는 배송지를 변경할 수 없습니다(배송지 변경은 "
                                   "상품준비중 단계까지만 가능합니다). 택배사 고객센터에 "
                                   "운송장 번호를 알려 주시고 직접 주소 변경을 요청해 보실 수 있습니다"
                                   "(택배사 사정에 따라 어려울 수 있습니다).")
    if status is OrderStatus.DELIVERED:
        if action is Action.CANCEL:
            return "already_delivered", (
                "배송이 완료된 주문은 취소할 수 없습니다. 대신 반품 신청이 가능합니다"
                "(단순 변심은 수령 후 7일, 불량·오배송은 3개월 이내).")
        return "already_delivered", "배송이 완료된 주문은 배송지를 변경할 수 없습니다."
    raise AssertionError(f"matrix allows {action} for {status}; no denial exists")
