"""The dialogue state persisted with each conversation (JSON in the database).

It survives restarts and works across workers because every turn loads it,
changes a copy and saves it with a version check (``Repository.save_turn``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

MAX_HISTORY = 10


@dataclass(frozen=True, slots=True)
class PendingAction:
    """A write the agent proposed and waits for the shopper's explicit yes on."""

    action: str  # domain.orders.Action value
    order_id: str
    summary: str  # "ORD-… (무선 이어폰 외 1건, 45,000원)"
    expires_at: str  # ISO 8601
    reason: str | None = None
    new_address: str | None = None
    issue_type: str | None = None

    def expired(self, now: datetime) -> bool:
        return now >= datetime.fromisoformat(self.expires_at)


@dataclass(frozen=True, slots=True)
class DialogueState:
    last_order_id: str | None = None
    last_ticket_id: str | None = None
    last_list: tuple[str, ...] = ()  # order ids in the order last shown ("첫 번째 주문")
    pending: PendingAction | None = None
    queued: tuple[str, ...] = ()  # further orders named for the pending action, each asked in turn
    # The action awaiting a choice of order ("어떤 주문을 취소할까요?"): the next
    # message may just name or point at the order.
    awaiting_order_for: dict[str, Any] | None = None
    completed: tuple[str, ...] = ()  # "action:order_id" already carried out (repeated yes does nothing)
    # What the previous turn carried out ("ORD-… (…) 주문 취소"), so that a repeated
    # "네" right after it is answered as "already done"; cleared by any other turn.
    just_done: str | None = None
    # The order of a confirmation the previous turn set aside for another question: "그럼
    # 반품 신청해 주세요" right after means that order; cleared by any other turn.
    set_aside: str | None = None
    handed_off: bool = False
    handoff_ticket_id: str | None = None  # the ticket of the handoff (a second request reuses it)
    history: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (role, masked text)

    def with_history(self, role: str, text: str) -> DialogueState:
        return replace(self, history=(*self.history, (role, text[:500]))[-MAX_HISTORY:])

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_list"] = list(self.last_list)
        data["queued"] = list(self.queued)
        data["completed"] = list(self.completed)[-20:]
        data["history"] = [list(h) for h in self.history]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> DialogueState:
        if not data:
            return cls()
        pending = data.get("pending")
        return cls(last_order_id=data.get("last_order_id"), last_ticket_id=data.get("last_ticket_id"),
                   last_list=tuple(data.get("last_list") or ()),
                   pending=PendingAction(**pending) if pending else None,
                   queued=tuple(data.get("queued") or ()),
                   awaiting_order_for=data.get("awaiting_order_for"),
                   completed=tuple(data.get("completed") or ()), just_done=data.get("just_done"),
                   set_aside=data.get("set_aside"),
                   handed_off=bool(data.get("handed_off")), handoff_ticket_id=data.get("handoff_ticket_id"),
                   history=tuple(tuple(h) for h in data.get("history") or ()))  # type: ignore[misc]
