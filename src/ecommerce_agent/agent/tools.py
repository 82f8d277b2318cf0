"""The agent's tools: typed functions bound to ONE authenticated user.

``Tools`` is built per turn from a ``ToolContext`` holding that user; no tool
takes a user id, so no tool can be pointed at another shopper's data. An order
or ticket of someone else is reported exactly like one that does not exist.
Every call is recorded in the turn's trace.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from ..domain.claims import ClaimLine, ProductOption
from ..domain.orders import Action, Order, OrderStatus
from ..domain.tickets import IssueType, Priority, Ticket, TicketSource, TicketStatus
from ..domain.users import User
from ..storage.base import ActionOutcome, NewTicket, Repository

T = TypeVar("T")
# Product id -> category, per process: a product keeps its category, and matching an
# everyday word ("책", "옷") against an order item needs it on every such turn.
_CATEGORIES: dict[str, str] = {}


@dataclass(frozen=True, slots=True)
class ToolCall:
    name: str
    args: dict[str, Any]
    ms: float
    ok: bool


@dataclass
class ToolContext:
    repo: Repository
    user: User
    now: datetime
    search: Any | None = None  # search.IndexStore (optional: the agent degrades without it)
    calls: list[ToolCall] = field(default_factory=list)


class Tools:
    def __init__(self, ctx: ToolContext) -> None:
        self.ctx = ctx

    def _call(self, name: str, args: dict[str, Any], fn: Callable[[], T]) -> T:
        start = time.perf_counter()
        ok = False
        try:
            result = fn()
            ok = True
            return result
        finally:
            self.ctx.calls.append(ToolCall(name, args, round((time.perf_counter() - start) * 1000, 3), ok))

    @property
    def user_id(self) -> str:
        return self.ctx.user.user_id

    def list_orders(self, *, status: OrderStatus | None = None, limit: int = 10) -> list[Order]:
        return self._call("list_orders", {"status": status and status.value, "limit": limit},
                          lambda: self.ctx.repo.list_orders(self.user_id, status=status, limit=limit))

    def get_order(self, order_id: str) -> Order | None:
        def run() -> Order | None:
            order = self.ctx.repo.get_order(order_id)
            return order if order is not None and order.user_id == self.user_id else None
        return self._call("get_order", {"order_id": order_id}, run)

    def product_category(self, product_id: str) -> str:
        if product_id not in _CATEGORIES:
            product = self.ctx.repo.get_product(product_id)
            _CATEGORIES[product_id] = product.category if product else ""
        return _CATEGORIES[product_id]

    def product_options(self, product_id: str) -> list[ProductOption]:
        return self._call("list_product_options", {"product_id": product_id},
                          lambda: self.ctx.repo.list_product_options(product_id))

    def _act(self, name: str, order_id: str, action: Action, **kwargs: Any) -> ActionOutcome:
        if self.get_order(order_id) is None:  # ownership first: never act on another user's order
            raise LookupError(order_id)
        shown = {k: v for k, v in kwargs.items() if k not in ("ticket", "lines")}
        if kwargs.get("lines"):
            shown["items"] = [line.item_id for line in kwargs["lines"]]
        return self._call(name, {"order_id": order_id, **shown},
                          lambda: self.ctx.repo.apply_order_action(order_id, action, now=self.ctx.now, **kwargs))

    def cancel_order(self, order_id: str, *, reason: str | None,
                     lines: tuple[ClaimLine, ...] | None = None) -> ActionOutcome:
        return self._act("cancel_order", order_id, Action.CANCEL, reason=reason or "챗봇 요청", lines=lines)

    def change_address(self, order_id: str, *, new_address: str) -> ActionOutcome:
        return self._act("change_address", order_id, Action.CHANGE_ADDRESS, new_address=new_address)

    def submit_claim(self, order_id: str, action: Action, *, issue_type: IssueType, description: str,
                     reason: str | None = None, lines: tuple[ClaimLine, ...] | None = None,
                     replacement_option: str | None = None) -> ActionOutcome:
        ticket = NewTicket(user_id=self.user_id, issue_type=issue_type, description=description,
                           order_id=order_id, priority=Priority.HIGH if action is Action.DEFECT else Priority.NORMAL,
                           source=TicketSource.CHAT, reason=reason, replacement_option=replacement_option)
        return self._act("create_ticket", order_id, action, ticket=ticket, lines=lines, reason=reason,
                         replacement_option=replacement_option)

    def create_ticket(self, issue_type: IssueType, description: str, *, order_id: str | None = None,
                      source: TicketSource = TicketSource.CHAT) -> Ticket:
        return self._call("create_ticket", {"issue_type": issue_type.value, "order_id": order_id},
                          lambda: self.ctx.repo.create_ticket(NewTicket(
                              user_id=self.user_id, issue_type=issue_type, description=description,
                              order_id=order_id, source=source), now=self.ctx.now))

    def list_tickets(self, *, status: TicketStatus | None = None, limit: int = 5) -> list[Ticket]:
        return self._call("list_tickets", {"limit": limit},
                          lambda: self.ctx.repo.list_tickets(self.user_id, status=status, limit=limit))

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        def run() -> Ticket | None:
            ticket = self.ctx.repo.get_ticket(ticket_id)
            return ticket if ticket is not None and ticket.user_id == self.user_id else None
        return self._call("get_ticket", {"ticket_id": ticket_id}, run)

    def search_policies(self, query: str, *, top_k: int = 5, max_per_doc: int = 2) -> list[Any]:
        """Candidate passages: neighbouring sections of one document compete too
        (a change-of-mind window next to the defect window of the same policy)."""
        if self.ctx.search is None:
            return []
        return self._call("search_policies", {"query": query}, lambda: self.ctx.search.search(
            query, top_k=top_k, max_per_doc=max_per_doc))

    def search_products(self, query: str, *, min_price: int | None = None, max_price: int | None = None,
                        top_k: int = 5) -> list[Any]:
        if self.ctx.search is None:
            return []
        return self._call("search_products", {"query": query, "min_price": min_price, "max_price": max_price},
                          lambda: self.ctx.search.search_products(query, top_k=top_k, min_price=min_price,
                                                                  max_price=max_price))

    def answer_policy(self, question: str, answer: Callable[[], T]) -> T:
        """A policy answer (``answers.PolicyAnswerer``), recorded like every tool call."""
        return self._call("answer_policy", {"query": question}, answer)

    def handoff(self, transcript: str) -> Ticket:
        return self.create_ticket(IssueType.INQUIRY, transcript, source=TicketSource.HANDOFF)
