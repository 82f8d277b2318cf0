"""Rows: the typed dict form of each table, shared by every backend.

``parse_row`` turns the text of a CSV row into typed values, or raises a
``DataValidationError`` naming the file, line and column. The column types come
from ``schema`` (one source of truth); value sets come from the domain enums.
The ``*_from_row`` / ``*_to_row`` functions convert between rows and entities.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from ..domain.conversations import Conversation, ConversationStatus, Message, Role as MessageRole
from ..domain.ids import ORDER_ID_RE, TICKET_ID_RE
from ..domain.claims import ProductOption, estimate_from_dict, estimate_to_dict
from ..domain.orders import (
    ITEM_STATUS_FOR_ORDER, ItemStatus, Order, OrderItem, OrderStatus, PaymentMethod, item_id_for, line_no_of,
)
from ..domain.products import Product
from ..domain.tickets import IssueType, Priority, Ticket, TicketItem, TicketSource, TicketStatus
from ..domain.users import Role, User
from ..errors import DataValidationError
from .schema import DATA_TABLES, UtcDateTime

Row = dict[str, Any]

ENUMS: dict[tuple[str, str], frozenset[str]] = {
    ("users", "role"): frozenset(Role),
    ("orders", "status"): frozenset(OrderStatus),
    ("orders", "payment_method"): frozenset(PaymentMethod),
    ("order_items", "status"): frozenset(ItemStatus),
    ("tickets", "issue_type"): frozenset(IssueType),
    ("tickets", "status"): frozenset(TicketStatus),
    ("tickets", "priority"): frozenset(Priority),
    ("tickets", "source"): frozenset(TicketSource),
    ("conversations", "status"): frozenset(ConversationStatus),
    ("messages", "role"): frozenset(MessageRole),
}
PATTERNS: dict[tuple[str, str], re.Pattern[str]] = {
    ("users", "email"): re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
    ("orders", "order_id"): ORDER_ID_RE,
    ("order_items", "order_id"): ORDER_ID_RE,
    ("tickets", "ticket_id"): TICKET_ID_RE,
    ("tickets", "order_id"): ORDER_ID_RE,
}
NON_NEGATIVE = {"price", "stock", "total_amount", "shipping_fee", "unit_price", "version"}
POSITIVE = {"quantity", "line_no", "seq"}

TABLES: dict[str, sa.Table] = {t.name: t for t in DATA_TABLES}
COLUMNS: dict[str, tuple[str, ...]] = {t.name: tuple(c.name for c in t.columns) for t in DATA_TABLES}
PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    t.name: tuple(c.name for c in t.primary_key.columns) for t in DATA_TABLES}


def parse_row(table: str, raw: Mapping[str, str | None], *, file: str, line: int) -> Row:
    """Validate and type one CSV row. Empty text means NULL."""
    row: Row = {}
    for column in TABLES[table].columns:
        text = (raw.get(column.name) or "").strip()

        def fail(message: str, name: str = column.name) -> DataValidationError:
            return DataValidationError(message, file=file, line=line, column=name)

        if not text:
            if not column.nullable:
                raise fail("값이 비어 있습니다 (필수 항목)")
            row[column.name] = None
            continue
        try:
            value = _parse_value(column, text)
        except ValueError as exc:
            raise fail(str(exc)) from None
        allowed = ENUMS.get((table, column.name))
        if allowed is not None and value not in allowed:
            raise fail(f"'{text}'은(는) 허용되지 않습니다. 허용값: {', '.join(sorted(allowed))}")
        pattern = PATTERNS.get((table, column.name))
        if pattern is not None and not pattern.match(value):
            raise fail(f"'{text}'은(는) 올바른 형식이 아닙니다")
        if column.name in NON_NEGATIVE and value < 0:
            raise fail(f"음수일 수 없습니다: {value}")
        if column.name in POSITIVE and value < 1:
            raise fail(f"1 이상이어야 합니다: {value}")
        row[column.name] = value
    return row


def _parse_value(column: sa.Column[Any], text: str) -> Any:
    kind = column.type
    if isinstance(kind, UtcDateTime):
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"'{text}'은(는) 올바른 날짜/시각이 아닙니다 (예: 2026-11-26T09:30:00+09:00)") from None
        if moment.tzinfo is None:
            raise ValueError(f"'{text}'에 시간대가 없습니다 (예: +09:00)")
        return moment
    if isinstance(kind, sa.Integer):
        try:
            return int(text.replace(",", ""))
        except ValueError:
            raise ValueError(f"'{text}'은(는) 정수가 아닙니다") from None
    if isinstance(kind, sa.JSON):
        try:
            value = json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"'{text[:40]}'은(는) 올바른 JSON이 아닙니다") from None
        if not isinstance(value, dict | list):
            raise ValueError("JSON 객체나 배열이어야 합니다")
        return value
    length = getattr(kind, "length", None)
    if length is not None and len(text) > length:
        raise ValueError(f"최대 {length}자까지 허용됩니다 ({len(text)}자)")
    return text


def format_value(value: Any) -> str:
    """The CSV text of a typed value (inverse of ``parse_row``)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def user_from_row(r: Mapping[str, Any]) -> User:
    return User(user_id=r["user_id"], email=r["email"], name=r["name"], role=Role(r["role"]),
                password_hash=r["password_hash"], phone=r["phone"], address=r["address"],
                created_at=r["created_at"])


def user_to_row(u: User) -> Row:
    return {"user_id": u.user_id, "email": u.email, "name": u.name, "role": u.role.value,
            "password_hash": u.password_hash, "phone": u.phone, "address": u.address,
            "created_at": u.created_at}


def product_from_row(r: Mapping[str, Any]) -> Product:
    return Product(product_id=r["product_id"], title=r["title"], category=r["category"],
                   price=r["price"], stock=r["stock"], description=r["description"],
                   created_at=r["created_at"], options=dict(r["options"] or {}))


def product_to_row(p: Product) -> Row:
    return {"product_id": p.product_id, "title": p.title, "category": p.category,
            "price": p.price, "stock": p.stock, "options": p.options,
            "description": p.description, "created_at": p.created_at}


def product_option_from_row(r: Mapping[str, Any]) -> ProductOption:
    return ProductOption(product_id=r["product_id"], option=r["option"], stock=r["stock"])


def item_from_row(r: Mapping[str, Any], order_status: str | OrderStatus) -> OrderItem:
    """An order item; a row without a status (before revision 0004) follows its order's."""
    status = (ItemStatus(r["status"]) if r.get("status")
              else ITEM_STATUS_FOR_ORDER[OrderStatus(order_status)])
    return OrderItem(product_id=r["product_id"], title=r["title"], option=r["option"],
                     quantity=r["quantity"], unit_price=r["unit_price"],
                     item_id=item_id_for(r["order_id"], r["line_no"]), status=status,
                     reason=r.get("reason"))


def item_to_row(order_id: str, line_no: int, i: OrderItem) -> Row:
    return {"order_id": order_id, "line_no": line_no, "product_id": i.product_id,
            "title": i.title, "option": i.option, "quantity": i.quantity,
            "unit_price": i.unit_price, "status": i.status.value, "reason": i.reason}


def item_rows(o: Order) -> list[Row]:
    """The item rows of a stored order (line numbers from the item ids)."""
    rows = []
    for i in o.items:
        line = line_no_of(i.item_id)
        assert line is not None, f"order item without an id: {i}"
        rows.append(item_to_row(o.order_id, line, i))
    return rows


def with_item_ids(order_id: str, items: Sequence[OrderItem]) -> tuple[OrderItem, ...]:
    """New items numbered 1, 2, … as lines of ``order_id``."""
    from dataclasses import replace

    return tuple(replace(i, item_id=item_id_for(order_id, n)) for n, i in enumerate(items, 1))


_ORDER_FIELDS = ("order_id", "user_id", "order_date", "total_amount", "shipping_fee",
                 "shipping_address", "carrier", "tracking_number", "shipped_at",
                 "delivered_at", "cancelled_at", "updated_at", "cancel_reason")


def order_from_row(r: Mapping[str, Any], items: Sequence[OrderItem]) -> Order:
    return Order(status=OrderStatus(r["status"]), payment_method=PaymentMethod(r["payment_method"]),
                 items=tuple(items), **{k: r[k] for k in _ORDER_FIELDS})


def order_to_row(o: Order) -> Row:
    row = {k: getattr(o, k) for k in _ORDER_FIELDS}
    row.update(status=o.status.value, payment_method=o.payment_method.value)
    return row


def ticket_from_row(r: Mapping[str, Any]) -> Ticket:
    return Ticket(ticket_id=r["ticket_id"], user_id=r["user_id"], order_id=r["order_id"],
                  issue_type=IssueType(r["issue_type"]), status=TicketStatus(r["status"]),
                  priority=Priority(r["priority"]), description=r["description"],
                  source=TicketSource(r["source"]), created_at=r["created_at"],
                  updated_at=r["updated_at"], resolved_at=r["resolved_at"],
                  resolution_note=r["resolution_note"],
                  items=tuple(TicketItem(item_id=str(i["item_id"]), title=str(i["title"]), option=str(i["option"]),
                                         quantity=int(i["quantity"])) for i in r.get("items") or ()),
                  reason=r.get("reason"), replacement_option=r.get("replacement_option"),
                  estimate=estimate_from_dict(r["estimate"]) if r.get("estimate") else None)


def ticket_to_row(t: Ticket) -> Row:
    return {"ticket_id": t.ticket_id, "user_id": t.user_id, "order_id": t.order_id,
            "issue_type": t.issue_type.value, "status": t.status.value,
            "priority": t.priority.value, "description": t.description,
            "source": t.source.value, "created_at": t.created_at, "updated_at": t.updated_at,
            "resolved_at": t.resolved_at, "resolution_note": t.resolution_note,
            "items": [{"item_id": i.item_id, "title": i.title, "option": i.option, "quantity": i.quantity}
                      for i in t.items] or None,
            "reason": t.reason, "replacement_option": t.replacement_option,
            "estimate": estimate_to_dict(t.estimate) if t.estimate is not None else None}


def conversation_from_row(r: Mapping[str, Any]) -> Conversation:
    return Conversation(conversation_id=r["conversation_id"], user_id=r["user_id"], title=r["title"],
                        status=ConversationStatus(r["status"]), created_at=r["created_at"],
                        updated_at=r["updated_at"], state=dict(r["state"] or {}), version=r["version"])


def conversation_to_row(c: Conversation) -> Row:
    return {"conversation_id": c.conversation_id, "user_id": c.user_id, "title": c.title,
            "status": c.status.value, "state": c.state, "version": c.version,
            "created_at": c.created_at, "updated_at": c.updated_at}


def message_from_row(r: Mapping[str, Any]) -> Message:
    return Message(message_id=r["seq"], conversation_id=r["conversation_id"], role=MessageRole(r["role"]),
                   text=r["text"], created_at=r["created_at"], intent=r["intent"], meta=dict(r["meta"] or {}))
