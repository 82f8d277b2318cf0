"""Staff work on customers' conversations: who answers in the agent's place, and
the audit trail of every staff action on a customer's data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Assignment:
    """A staff member answers this conversation; the agent stays silent meanwhile."""

    conversation_id: str
    staff_id: str
    staff_name: str
    claimed_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One staff action: who (staff_id), what (action, resource), whose (customer_id), when (at)."""

    entry_id: int
    at: datetime
    staff_id: str
    action: str  # e.g. "conversation.claim", "order.cancel", "ticket.resolve"
    customer_id: str | None
    resource: str  # e.g. "conversation:CNV-…", "order:ORD-…"
    reason: str | None  # PII-masked
    result: str  # "ok" or the refusal's code
