"""The one repository interface every backend implements.

Business outcomes are returned, not raised: ``apply_order_action`` gives
``ActionApplied`` or the domain's ``Denied``. Only real failures raise, as the
``StorageError`` family from ``errors``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from ..domain.conversations import Conversation, ConversationStatus, Message, Role as MessageRole
from ..domain.claims import ClaimLine, ProductOption, RefundEstimate
from ..domain.orders import Action, Denied, Order, OrderItem, OrderStatus, PaymentMethod
from ..domain.products import Product
from ..domain.tickets import IssueType, Priority, Ticket, TicketItem, TicketSource, TicketStatus
from ..domain.users import User
from .idempotency import IdempotencyRecord
from .rows import Row

# Called after every query with (table, operation, seconds): feeds metrics and tests.
QueryObserver = Callable[[str, str, float], None]
# Called with a number of rows done, for progress bars on large loads.
Progress = Callable[[int], None]
# Rows to load: {table: rows}, or a stream of (table, rows) batches with parents
# before children (lets a generator interleave tables and stay in constant memory).
Tables = Mapping[str, Iterable[Row]] | Iterable[tuple[str, Iterable[Row]]]


@dataclass(frozen=True, slots=True)
class NewTicket:
    user_id: str
    issue_type: IssueType
    description: str
    order_id: str | None = None
    priority: Priority = Priority.NORMAL
    source: TicketSource = TicketSource.API
    # The claim's items; ``apply_order_action`` fills them from the items it covers.
    items: tuple[TicketItem, ...] = ()
    # The shopper's reason. Storage stores text as given: callers mask PII first
    # (the API and the agent use guardrails' PiiGuard.mask; storage never imports guardrails).
    reason: str | None = None
    replacement_option: str | None = None  # exchange: the option wanted instead
    estimate: RefundEstimate | None = None  # filled by apply_order_action


@dataclass(frozen=True, slots=True)
class NewMessage:
    role: MessageRole
    text: str  # already PII-masked
    intent: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ActionApplied:
    order: Order  # the order afterwards (items with their statuses, amounts)
    ticket: Ticket | None = None
    estimate: RefundEstimate | None = None  # None for an address change
    claimed: tuple[OrderItem, ...] = ()  # the items the action covered (a split line has a new id)


ActionOutcome = ActionApplied | Denied


def new_conversation_id() -> str:
    return f"CNV-{uuid.uuid4().hex[:20].upper()}"


class Repository(Protocol):
    backend: str

    def close(self) -> None: ...
    def ping(self) -> None:
        """Raise ``StorageUnavailableError`` unless the store answers."""
    def counts(self) -> dict[str, int]: ...
    def atomic(self, *, eager: bool = False) -> AbstractContextManager[None]:
        """The calling thread's writes inside the block commit together, or none does
        (also across a crash). ``eager`` begins the transaction at once (on SQLite:
        takes the write lock), else at the first write. Nested blocks join the outer."""

    # idempotency keys: claimed, run and completed inside one ``atomic(eager=True)``
    def claim_idempotency(self, user_id: str, key: str, endpoint: str, fingerprint: str, *,
                          now: datetime, ttl: timedelta, lease: timedelta) -> IdempotencyRecord | None:
        """None: claimed for this unit (go ahead); else the earlier request's record
        (``status_code`` None: still running). Keys are forgotten after ``ttl``."""
    def complete_idempotency(self, user_id: str, key: str, status_code: int, body: str) -> None: ...

    # users and products
    def add_user(self, user: User) -> None: ...
    def get_user(self, user_id: str) -> User | None: ...
    def get_user_by_email(self, email: str) -> User | None: ...
    def get_product(self, product_id: str) -> Product | None: ...
    def iter_products(self) -> Iterator[Product]: ...
    def list_product_options(self, product_id: str) -> list[ProductOption]:
        """The product's options with their stock, in catalogue order ([] if unknown)."""

    # orders
    def create_order(self, *, user_id: str, items: Iterable[OrderItem], shipping_fee: int,
                     payment_method: PaymentMethod, shipping_address: str, now: datetime,
                     status: OrderStatus = OrderStatus.PAID) -> Order: ...
    def get_order(self, order_id: str) -> Order | None: ...
    def list_orders(self, user_id: str, *, status: OrderStatus | None = None,
                    limit: int = 20) -> list[Order]: ...
    def apply_order_action(self, order_id: str, action: Action, *, now: datetime,
                           reason: str | None = None, new_address: str | None = None,
                           ticket: NewTicket | None = None, lines: Sequence[ClaimLine] | None = None,
                           replacement_option: str | None = None) -> ActionOutcome:
        """Check and apply ``action`` atomically (``domain.claims.plan_order_action``,
        re-checked inside the write transaction): of two racing requests exactly one
        succeeds, the other gets the ``Denied`` of the new state. ``lines`` name the
        items and quantities (None: every item still in the order); ``reason`` is
        recorded on the items (and the order when it is cancelled as a whole) and,
        unless the ticket has its own, on the ticket; ``replacement_option`` is the
        exchange's option (checked against ``list_product_options``). ``ticket``
        (for claims) is created in the same transaction with the covered items and
        the estimate. Raises ``NotFoundError`` for an unknown order id."""

    # tickets
    def create_ticket(self, ticket: NewTicket, *, now: datetime) -> Ticket: ...
    def get_ticket(self, ticket_id: str) -> Ticket | None: ...
    def list_tickets(self, user_id: str, *, status: TicketStatus | None = None,
                     limit: int = 20) -> list[Ticket]: ...
    def resolve_ticket(self, ticket_id: str, *, note: str, now: datetime) -> Ticket: ...

    # conversations
    def create_conversation(self, user_id: str, *, now: datetime, title: str = "",
                            conversation_id: str | None = None) -> Conversation:
        """A new, empty conversation; ``conversation_id`` chooses the id (a client's own
        key, derived by the caller) and an id already taken raises ``ConflictError``."""
    def get_conversation(self, conversation_id: str) -> Conversation | None: ...
    def list_conversations(self, user_id: str, *, limit: int = 20) -> list[Conversation]: ...
    def save_turn(self, conversation_id: str, *, expected_version: int, state: dict[str, Any],
                  status: ConversationStatus, messages: Iterable[NewMessage], now: datetime,
                  title: str | None = None) -> Conversation:
        """Store a turn atomically: the new state (version + 1) and its messages.
        Raises ``ConflictError`` when the stored version is not ``expected_version``
        (another worker handled a turn meanwhile) and ``NotFoundError``."""
    def list_messages(self, conversation_id: str, *, limit: int = 200) -> list[Message]:
        """The last ``limit`` messages, oldest first."""
    def delete_conversation(self, conversation_id: str) -> bool: ...

    # bulk data
    def load_tables(self, tables: Tables, *, skip_existing: bool = False,
                    progress: Progress | None = None,
                    verify: Callable[[dict[str, int]], None] | None = None) -> dict[str, int]:
        """Insert rows of several tables in ONE transaction; return rows inserted per
        table (every data table, 0 when untouched). With ``skip_existing`` rows whose primary key exists are left alone
        (idempotent re-runs). Foreign keys are verified before commit, and so is
        ``verify(inserted)``, which may raise to roll everything back."""
    def iter_rows(self, table: str) -> Iterator[Row]: ...


def ticket_for_plan(ticket: NewTicket, claimed: Iterable[OrderItem], *, reason: str | None,
                    replacement_option: str | None, estimate: RefundEstimate | None) -> NewTicket:
    """The claim's ticket with what the action covered (shared by the backends)."""
    from dataclasses import replace

    items = ticket.items or tuple(TicketItem(item_id=i.item_id, title=i.title, option=i.option,
                                             quantity=i.quantity) for i in claimed)
    return replace(ticket, items=items, reason=ticket.reason if ticket.reason is not None else reason,
                   replacement_option=ticket.replacement_option or replacement_option,
                   estimate=ticket.estimate or estimate)
