"""Customer-service tickets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .claims import RefundEstimate


class IssueType(StrEnum):
    REFUND = "refund"
    EXCHANGE = "exchange"
    DEFECT = "defect"
    SHIPPING = "shipping"
    INQUIRY = "inquiry"
    OTHER = "other"


# The ticket type of each kind of claim (an Action value: "return", "exchange", "defect"),
# and the other way round; the one table agent, API and storage share.
CLAIM_ISSUE: dict[str, IssueType] = {"return": IssueType.REFUND, "exchange": IssueType.EXCHANGE,
                                     "defect": IssueType.DEFECT}
ISSUE_CLAIM: dict[IssueType, str] = {issue: kind for kind, issue in CLAIM_ISSUE.items()}


class TicketStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return TICKET_STATUS_LABELS[self]

    @property
    def is_final(self) -> bool:
        return self in (TicketStatus.RESOLVED, TicketStatus.CLOSED)


TICKET_STATUS_LABELS = {
    TicketStatus.OPEN: "접수",
    TicketStatus.IN_PROGRESS: "처리중",
    TicketStatus.RESOLVED: "처리완료",
    TicketStatus.CLOSED: "종료",
}


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class TicketSource(StrEnum):
    API = "api"
    CHAT = "chat"
    HANDOFF = "handoff"


@dataclass(frozen=True, slots=True)
class TicketItem:
    """An order item a claim ticket covers (a copy: the order item may change later)."""

    item_id: str
    title: str
    option: str
    quantity: int


@dataclass(frozen=True, slots=True)
class Ticket:
    ticket_id: str
    user_id: str
    order_id: str | None
    issue_type: IssueType
    status: TicketStatus
    priority: Priority
    description: str
    source: TicketSource
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None = None
    resolution_note: str | None = None
    items: tuple[TicketItem, ...] = ()  # the claim's items; empty: the whole order or no order
    reason: str | None = None  # the shopper's reason, PII-masked before it is stored
    replacement_option: str | None = None  # exchange: the option wanted instead
    estimate: RefundEstimate | None = None  # the refund estimate when the claim was made
