"""The SQL repository (SQLAlchemy Core), shared by SQLite and PostgreSQL.

Writes run in one transaction each; on SQLite that transaction starts with
``BEGIN IMMEDIATE`` (see ``sqlite.py``) so concurrent writers queue on the
busy timeout instead of failing half-way; on PostgreSQL the order row is
locked with ``SELECT … FOR UPDATE``. Either way the status check and the update
are atomic: of two racing cancels exactly one succeeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timedelta
from functools import lru_cache
from itertools import islice
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine

from ..domain.clock import kst_date
from ..domain.conversations import Conversation, ConversationStatus, Message
from ..domain.ids import new_ticket_id, order_id as make_order_id
from ..domain.claims import ActionPlan, ClaimLine, ProductOption, plan_order_action
from ..domain.orders import Action, Denied, Order, OrderItem, OrderStatus, PaymentMethod
from ..domain.products import Product
from ..domain.tickets import Ticket, TicketStatus
from ..domain.users import User
from ..errors import AppError, ConflictError, NotFoundError, StorageUnavailableError
from . import idempotency as idem, rows as R
from .base import (
    ActionApplied, ActionOutcome, NewMessage, NewTicket, Progress, QueryObserver, Tables,
    new_conversation_id, ticket_for_plan,
)
from .idempotency import IdempotencyRecord
from .units import current as current_unit, unit_of_work
from .schema import (
    DATA_TABLES, conversation_assignments, conversations, messages as messages_t, order_items, order_sequences,
    orders, product_options, products, tickets, users,
)

CHUNK = 5_000
_TICKET_ID_ATTEMPTS = 5


class SqlRepository:
    def __init__(self, engine: Engine, *, backend: str, observer: QueryObserver | None = None,
                 describe: str = "") -> None:
        self.engine = engine
        self.backend = backend
        self.observer = observer
        self.describe = describe or backend
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    # -- plumbing ---------------------------------------------------------------

    def close(self) -> None:
        self.engine.dispose()

    def upgrade_schema(self) -> None:
        """Apply pending migrations (a locked or unreachable database is a StorageError)."""
        from . import migrations

        with self._translate():
            migrations.upgrade(self.engine)

    def atomic(self, *, eager: bool = False) -> AbstractContextManager[None]:
        """This thread's writes inside the block commit together or not at all (``units``)."""
        return unit_of_work(self.engine, self._translate, eager=eager)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """Reads are single statements (consistent by themselves): no BEGIN needed.
        Inside a unit that has written, they read through it (and see its writes)."""
        unit = current_unit(self.engine)
        if unit is not None and unit.conn is not None:
            with self._translate():
                yield unit.conn
            return
        with self._translate(), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin=None)
            yield conn

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        unit = current_unit(self.engine)
        if unit is not None:  # join the unit; a failing write undoes only itself (savepoint)
            with self._translate():
                conn = unit.connection()
                with conn.begin_nested():
                    yield conn
            return
        with self._translate(), self.engine.connect() as conn:
            conn.execution_options(sqlite_begin="IMMEDIATE")
            with conn.begin():
                yield conn

    # -- idempotency keys (inside a unit: see idempotency.py) ---------------------

    def claim_idempotency(self, user_id: str, key: str, endpoint: str, fingerprint: str, *,
                          now: datetime, ttl: timedelta, lease: timedelta) -> IdempotencyRecord | None:
        if current_unit(self.engine) is None:
            raise RuntimeError("claim_idempotency needs atomic(): the claim must commit with the write")
        with self._write() as conn:
            return idem.claim(conn, self._insert, user_id, key, endpoint, fingerprint,
                              now=now, ttl=ttl, lease=lease)

    def complete_idempotency(self, user_id: str, key: str, status_code: int, body: str) -> None:
        with self._write() as conn:
            idem.complete(conn, user_id, key, status_code, body)

    @contextmanager
    def _translate(self) -> Iterator[None]:
        """Turn driver errors into our ``StorageError`` family with Korean messages."""
        try:
            yield
        except AppError:
            raise
        except sa.exc.IntegrityError as exc:
            raise ConflictError(f"데이터 무결성 위반으로 저장하지 못했습니다: {_first_line(exc.orig)}") from None
        except sa.exc.DBAPIError as exc:
            raise StorageUnavailableError(_explain(exc, self.describe)) from None

    def _run(self, conn: Connection, table: str, operation: str, stmt: Any,
             params: Any = None) -> sa.CursorResult[Any]:
        start = time.perf_counter()
        result = conn.execute(stmt, params) if params is not None else conn.execute(stmt)
        if self.observer is not None:
            self.observer(table, operation, time.perf_counter() - start)
        return result

    def ping(self) -> None:
        with self._read() as conn:
            self._run(conn, "none", "ping", sa.text("SELECT 1"))

    def counts(self) -> dict[str, int]:
        with self._read() as conn:
            return {t.name: self._run(conn, t.name, "count", sa.select(sa.func.count()).select_from(t)).scalar_one()
                    for t in DATA_TABLES}

    # -- users and products -----------------------------------------------------

    def add_user(self, user: User) -> None:
        with self._write() as conn:
            self._run(conn, "users", "insert", users.insert().values(R.user_to_row(user)))

    def get_user(self, user_id: str) -> User | None:
        return self._one_user(_USER_BY_ID, {"user_id": user_id})

    def get_user_by_email(self, email: str) -> User | None:
        return self._one_user(_USER_BY_EMAIL, {"email": email.strip().lower()})

    def _one_user(self, stmt: Any, params: dict[str, Any]) -> User | None:
        with self._read() as conn:
            row = self._run(conn, "users", "select", stmt, params).mappings().first()
        return None if row is None else R.user_from_row(row)

    def get_product(self, product_id: str) -> Product | None:
        with self._read() as conn:
            row = self._run(conn, "products", "select",
                            sa.select(products).where(products.c.product_id == product_id)).mappings().first()
        return None if row is None else R.product_from_row(row)

    def iter_products(self) -> Iterator[Product]:
        return (R.product_from_row(r) for r in self.iter_rows("products"))

    def list_product_options(self, product_id: str) -> list[ProductOption]:
        with self._read() as conn:
            return self._options(conn, product_id)

    def _options(self, conn: Connection, product_id: str) -> list[ProductOption]:
        rows = self._run(conn, "product_options", "select", sa.select(product_options).where(
            product_options.c.product_id == product_id)).mappings().all()
        return _catalogue_order(self._product_options_order(conn, product_id),
                                [R.product_option_from_row(r) for r in rows])

    def _product_options_order(self, conn: Connection, product_id: str) -> dict[str, list[str]]:
        found = self._run(conn, "products", "select", sa.select(products.c.options).where(
            products.c.product_id == product_id)).scalar_one_or_none()
        return dict(found or {})

    # -- orders -----------------------------------------------------------------

    def create_order(self, *, user_id: str, items: Iterable[OrderItem], shipping_fee: int,
                     payment_method: PaymentMethod, shipping_address: str, now: datetime,
                     status: OrderStatus = OrderStatus.PAID) -> Order:
        items = tuple(items)
        if not items:
            raise ValueError("an order needs at least one item")
        with self._write() as conn:
            day = kst_date(now)
            seq = self._run(conn, "order_sequences", "upsert", self._next_sequence(f"{day:%Y%m%d}")).scalar_one()
            oid = make_order_id(day, seq)
            order = Order(order_id=oid, user_id=user_id, status=status,
                          order_date=now, total_amount=sum(i.subtotal for i in items) + shipping_fee,
                          shipping_fee=shipping_fee, payment_method=payment_method,
                          shipping_address=shipping_address, items=R.with_item_ids(oid, items), updated_at=now)
            self._run(conn, "orders", "insert", orders.insert().values(R.order_to_row(order)))
            self._run(conn, "order_items", "insert", order_items.insert(), R.item_rows(order))
        return order

    def _next_sequence(self, day: str) -> Any:
        stmt = self._insert(order_sequences).values(day=day, last_seq=1)
        return stmt.on_conflict_do_update(
            index_elements=[order_sequences.c.day],
            set_={"last_seq": order_sequences.c.last_seq + 1},
        ).returning(order_sequences.c.last_seq)

    def get_order(self, order_id: str) -> Order | None:
        with self._read() as conn:
            return self._get_order(conn, order_id)

    def _get_order(self, conn: Connection, order_id: str, *, for_update: bool = False) -> Order | None:
        if for_update:  # lock the order row first (PostgreSQL); SQLite's BEGIN IMMEDIATE already serialises
            self._run(conn, "orders", "lock", sa.select(orders.c.order_id)
                      .where(orders.c.order_id == order_id).with_for_update())
        found = self._orders_with_items(conn, "order_id", {"order_id": order_id, "limit": 1})
        return found[0] if found else None

    def list_orders(self, user_id: str, *, status: OrderStatus | None = None,
                    limit: int = 20) -> list[Order]:
        params: dict[str, Any] = {"user_id": user_id, "limit": limit}
        if status is not None:
            params["status"] = status.value
        with self._read() as conn:
            return self._orders_with_items(conn, "user_status" if status else "user", params)

    def _orders_with_items(self, conn: Connection, kind: str, params: dict[str, Any]) -> list[Order]:
        found: dict[str, tuple[Any, list[OrderItem]]] = {}
        for row in self._run(conn, "orders", "select", _order_page(kind), params).mappings().all():
            entry = found.setdefault(row["order_id"], (row, []))
            if row["line_no"] is not None:
                item = {**row, "status": row["item_status"], "reason": row["item_reason"]}
                entry[1].append(R.item_from_row(item, row["status"]))
        return [R.order_from_row(row, items) for row, items in found.values()]

    def apply_order_action(self, order_id: str, action: Action, *, now: datetime,
                           reason: str | None = None, new_address: str | None = None,
                           ticket: NewTicket | None = None, lines: Sequence[ClaimLine] | None = None,
                           replacement_option: str | None = None) -> ActionOutcome:
        if action is Action.CHANGE_ADDRESS and not (new_address and new_address.strip()):
            raise ValueError("change_address needs new_address")
        lines = None if lines is None else tuple(lines)
        for attempt in range(_TICKET_ID_ATTEMPTS):
            try:
                return self._apply(order_id, action, now, new_address, reason, ticket, lines, replacement_option)
            except ConflictError:
                if ticket is None or attempt == _TICKET_ID_ATTEMPTS - 1:
                    raise  # only a ticket-id collision is worth retrying
        raise AssertionError("unreachable")

    def _apply(self, order_id: str, action: Action, now: datetime, new_address: str | None,
               reason: str | None, ticket: NewTicket | None, lines: tuple[ClaimLine, ...] | None,
               replacement_option: str | None) -> ActionOutcome:
        with self._write() as conn:
            order = self._get_order(conn, order_id, for_update=True)
            if order is None:
                raise NotFoundError(f"주문 {order_id}을(를) 찾을 수 없습니다.")
            plan = plan_order_action(order, action, now, lines=lines, replacement_option=replacement_option,
                                     options=lambda product_id: self._options(conn, product_id),
                                     reason=reason, new_address=new_address)
            if isinstance(plan, Denied):
                return plan
            self._store_plan(conn, order, plan)
            created = None
            if ticket is not None:
                created = self._insert_ticket(conn, ticket_for_plan(
                    ticket, plan.claimed, reason=reason, replacement_option=plan.replacement_option,
                    estimate=plan.estimate), now)
            fresh = self._get_order(conn, order_id)
        assert fresh is not None
        return ActionApplied(order=fresh, ticket=created, estimate=plan.estimate, claimed=plan.claimed)

    def _store_plan(self, conn: Connection, before: Order, plan: ActionPlan) -> None:
        after = plan.order
        row = R.order_to_row(after)
        values = {k: v for k, v in row.items() if k != "order_id" and R.order_to_row(before).get(k) != v}
        values["updated_at"] = after.updated_at
        updated = self._run(conn, "orders", "update", orders.update().where(
            orders.c.order_id == before.order_id, orders.c.status == before.status.value).values(values))
        if updated.rowcount != 1:  # cannot happen inside the lock; refuse rather than guess
            raise ConflictError(f"주문 {before.order_id}이(가) 동시에 변경되었습니다. 다시 시도해 주세요.")
        old = {i.item_id: i for i in before.items}
        for item_row, item in zip(R.item_rows(after), after.items, strict=True):
            previous = old.get(item.item_id)
            if previous is None:
                self._run(conn, "order_items", "insert", order_items.insert().values(item_row))
            elif previous != item:
                self._run(conn, "order_items", "update", order_items.update().where(
                    order_items.c.order_id == before.order_id, order_items.c.line_no == item_row["line_no"],
                ).values(quantity=item.quantity, status=item.status.value, reason=item.reason))

    # -- tickets ----------------------------------------------------------------

    def create_ticket(self, ticket: NewTicket, *, now: datetime) -> Ticket:
        for attempt in range(_TICKET_ID_ATTEMPTS):
            try:
                with self._write() as conn:
                    return self._insert_ticket(conn, ticket, now)
            except ConflictError:
                if attempt == _TICKET_ID_ATTEMPTS - 1:
                    raise
        raise AssertionError("unreachable")

    def _insert_ticket(self, conn: Connection, new: NewTicket, now: datetime) -> Ticket:
        if new.order_id is not None:
            owner = self._run(conn, "orders", "select", sa.select(orders.c.user_id).where(
                orders.c.order_id == new.order_id)).scalar_one_or_none()
            if owner != new.user_id:  # existence of other users' orders is not revealed
                raise NotFoundError(f"주문 {new.order_id}을(를) 찾을 수 없습니다.")
        ticket_id = new_ticket_id(kst_date(now))
        while self._run(conn, "tickets", "select", sa.select(tickets.c.ticket_id).where(
                tickets.c.ticket_id == ticket_id)).first() is not None:  # another process drew it
            ticket_id = new_ticket_id(kst_date(now))
        ticket = Ticket(ticket_id=ticket_id, user_id=new.user_id,
                        order_id=new.order_id, issue_type=new.issue_type, status=TicketStatus.OPEN,
                        priority=new.priority, description=new.description, source=new.source,
                        created_at=now, updated_at=now, items=new.items, reason=new.reason,
                        replacement_option=new.replacement_option, estimate=new.estimate)
        self._run(conn, "tickets", "insert", tickets.insert().values(R.ticket_to_row(ticket)))
        return ticket

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        with self._read() as conn:
            row = self._run(conn, "tickets", "select",
                            sa.select(tickets).where(tickets.c.ticket_id == ticket_id)).mappings().first()
        return None if row is None else R.ticket_from_row(row)

    def list_tickets(self, user_id: str, *, status: TicketStatus | None = None,
                     limit: int = 20) -> list[Ticket]:
        stmt = sa.select(tickets).where(tickets.c.user_id == user_id)
        if status is not None:
            stmt = stmt.where(tickets.c.status == status.value)
        stmt = stmt.order_by(tickets.c.created_at.desc(), tickets.c.ticket_id.desc()).limit(limit)
        with self._read() as conn:
            return [R.ticket_from_row(r) for r in self._run(conn, "tickets", "select", stmt).mappings()]

    def resolve_ticket(self, ticket_id: str, *, note: str, now: datetime) -> Ticket:
        with self._write() as conn:
            row = self._run(conn, "tickets", "select", sa.select(tickets).where(
                tickets.c.ticket_id == ticket_id).with_for_update()).mappings().first()
            if row is None:
                raise NotFoundError(f"문의 {ticket_id}을(를) 찾을 수 없습니다.")
            if TicketStatus(row["status"]).is_final:
                return R.ticket_from_row(row)  # resolving twice changes nothing
            values = {"status": TicketStatus.RESOLVED.value, "resolved_at": now,
                      "updated_at": now, "resolution_note": note}
            self._run(conn, "tickets", "update",
                      tickets.update().where(tickets.c.ticket_id == ticket_id).values(values))
        return R.ticket_from_row({**row, **values})

    # -- conversations ----------------------------------------------------------

    def create_conversation(self, user_id: str, *, now: datetime, title: str = "",
                            conversation_id: str | None = None) -> Conversation:
        conversation = Conversation(conversation_id=conversation_id or new_conversation_id(),
                                    user_id=user_id, title=title,
                                    status=ConversationStatus.ACTIVE, created_at=now, updated_at=now)
        with self._write() as conn:
            self._run(conn, "conversations", "insert",
                      conversations.insert().values(R.conversation_to_row(conversation)))
        return conversation

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        with self._read() as conn:
            row = self._run(conn, "conversations", "select", _CONVERSATION,
                            {"conversation_id": conversation_id}).mappings().first()
        return None if row is None else R.conversation_from_row(row)

    def list_conversations(self, user_id: str, *, limit: int = 20) -> list[Conversation]:
        stmt = (sa.select(conversations).where(conversations.c.user_id == user_id)
                .order_by(conversations.c.updated_at.desc(), conversations.c.conversation_id).limit(limit))
        with self._read() as conn:
            return [R.conversation_from_row(r) for r in self._run(conn, "conversations", "select", stmt).mappings()]

    def save_turn(self, conversation_id: str, *, expected_version: int, state: dict[str, Any],
                  status: ConversationStatus, messages: Iterable[NewMessage], now: datetime,
                  title: str | None = None) -> Conversation:
        values: dict[str, Any] = {"the_conversation": conversation_id, "expected": expected_version,
                                  "new_state": state, "new_status": status.value, "new_version": expected_version + 1,
                                  "now": now}
        if title is not None:
            values["new_title"] = title
        with self._write() as conn:
            updated = self._run(conn, "conversations", "update", _SAVE_TURN_TITLED if title is not None
                                else _SAVE_TURN, values)
            if updated.rowcount != 1:
                if self._run(conn, "conversations", "select", sa.select(conversations.c.version).where(
                        conversations.c.conversation_id == conversation_id)).first() is None:
                    raise NotFoundError("대화를 찾을 수 없습니다.")
                raise ConflictError("같은 대화의 다른 요청이 먼저 처리되었습니다. 다시 시도해 주세요.",
                                    code="conversation_conflict")
            last = self._run(conn, "messages", "select", _LAST_SEQ,
                             {"conversation_id": conversation_id}).scalar() or 0
            rows = [{"conversation_id": conversation_id, "seq": last + n, "role": m.role.value, "text": m.text,
                     "intent": m.intent, "meta": m.meta, "created_at": now}
                    for n, m in enumerate(messages, 1)]
            if rows:
                self._run(conn, "messages", "insert", messages_t.insert(), rows)
            row = self._run(conn, "conversations", "select", _CONVERSATION,
                            {"conversation_id": conversation_id}).mappings().one()
        return R.conversation_from_row(row)

    def list_messages(self, conversation_id: str, *, limit: int = 200) -> list[Message]:
        stmt = (sa.select(messages_t).where(messages_t.c.conversation_id == conversation_id)
                .order_by(messages_t.c.seq.desc()).limit(limit))
        with self._read() as conn:
            rows = self._run(conn, "messages", "select", stmt).mappings().all()
        return [R.message_from_row(r) for r in reversed(rows)]

    def delete_conversation(self, conversation_id: str) -> bool:
        with self._write() as conn:
            self._run(conn, "messages", "delete", messages_t.delete().where(
                messages_t.c.conversation_id == conversation_id))
            self._run(conn, "conversation_assignments", "delete", conversation_assignments.delete().where(
                conversation_assignments.c.conversation_id == conversation_id))
            deleted = self._run(conn, "conversations", "delete", conversations.delete().where(
                conversations.c.conversation_id == conversation_id))
        return deleted.rowcount == 1

    # -- bulk data --------------------------------------------------------------

    def load_tables(self, tables: Tables, *, skip_existing: bool = False,
                    progress: Progress | None = None,
                    verify: Callable[[dict[str, int]], None] | None = None) -> dict[str, int]:
        batches = list(tables.items()) if isinstance(tables, Mapping) else tables
        with self._write() as conn:
            before = {t.name: self._count(conn, t) for t in DATA_TABLES}
            for name, rows in batches:
                stmt: Any = self._insert(R.TABLES[name])
                if skip_existing:
                    stmt = stmt.on_conflict_do_nothing()
                source = iter(rows)
                while chunk := list(islice(source, CHUNK)):
                    self._run(conn, name, "insert", stmt, chunk)
                    if progress is not None:
                        progress(len(chunk))
            inserted = {t.name: self._count(conn, t) - before[t.name] for t in DATA_TABLES}
            self._rebuild_sequences(conn)
            problems = self._foreign_key_problems(conn)
            if problems:
                raise ConflictError("외래 키 검증 실패로 저장하지 않았습니다: " + "; ".join(problems))
            if verify is not None:
                verify(inserted)
        return inserted

    def _count(self, conn: Connection, table: sa.Table) -> int:
        return self._run(conn, table.name, "count", sa.select(sa.func.count()).select_from(table)).scalar_one()

    def _rebuild_sequences(self, conn: Connection) -> None:
        """Per-day sequences = the highest order number of each day, after a bulk load."""
        day = sa.func.substr(orders.c.order_id, 5, 8)
        top = sa.func.max(sa.cast(sa.func.substr(orders.c.order_id, 14, 4), sa.Integer))
        self._run(conn, "order_sequences", "delete", order_sequences.delete())
        self._run(conn, "order_sequences", "insert", order_sequences.insert().from_select(
            ["day", "last_seq"], sa.select(day, top).group_by(day)))

    def _foreign_key_problems(self, conn: Connection) -> list[str]:
        problems = []
        for table in DATA_TABLES:
            for fk in table.foreign_keys:
                child, parent = fk.parent, fk.column
                orphan = (sa.select(sa.func.count()).select_from(
                    table.outerjoin(parent.table, child == parent))
                    .where(child.is_not(None), parent.is_(None)))
                missing = self._run(conn, table.name, "verify", orphan).scalar_one()
                if missing:
                    problems.append(f"{table.name}.{child.name} → {parent.table.name}: {missing}건")
        return problems

    def iter_rows(self, table: str) -> Iterator[R.Row]:
        t = R.TABLES[table]
        with self._read() as conn:
            result = self._run(conn, table, "select", sa.select(t).order_by(*t.primary_key.columns)
                               .execution_options(yield_per=CHUNK))
            for row in result.mappings():
                yield dict(row)


def _catalogue_order(option_sets: Mapping[str, Sequence[str]], found: list[ProductOption]) -> list[ProductOption]:
    """Options in the order of the product's option sets (then any others by name)."""
    from ..domain.claims import option_combinations

    rank = {text: n for n, text in enumerate(option_combinations(option_sets))}
    return sorted(found, key=lambda o: (rank.get(o.option, len(rank)), o.option))


# Statements of the hot paths (every request's user, every chat turn's conversation),
# built once: building a statement per call costs about as much as running it.
_USER_BY_ID = sa.select(users).where(users.c.user_id == sa.bindparam("user_id"))
_USER_BY_EMAIL = sa.select(users).where(users.c.email == sa.bindparam("email"))
_CONVERSATION = sa.select(conversations).where(conversations.c.conversation_id == sa.bindparam("conversation_id"))
_LAST_SEQ = sa.select(sa.func.max(messages_t.c.seq)).where(
    messages_t.c.conversation_id == sa.bindparam("conversation_id"))
# every chat turn saves its conversation: the statement is built once (save_turn held 11.6%
# of a /chat worker's samples under py-spy, most of them in building the statement)
_SAVE_TURN = conversations.update().where(
    conversations.c.conversation_id == sa.bindparam("the_conversation"),
    conversations.c.version == sa.bindparam("expected")).values(
    state=sa.bindparam("new_state"), status=sa.bindparam("new_status"), version=sa.bindparam("new_version"),
    updated_at=sa.bindparam("now"))
_SAVE_TURN_TITLED = _SAVE_TURN.values(title=sa.bindparam("new_title"))


@lru_cache(maxsize=None)
def _order_page(kind: str) -> sa.Select[Any]:
    """Newest-first orders with their items in ONE query: the limited page of
    orders as a subquery, left-joined to its items. Built once per filter kind
    (the hot read path: building statements per call costs more than the query)."""
    where = {
        "order_id": orders.c.order_id == sa.bindparam("order_id"),
        "user": orders.c.user_id == sa.bindparam("user_id"),
        "user_status": sa.and_(orders.c.user_id == sa.bindparam("user_id"),
                               orders.c.status == sa.bindparam("status")),
    }[kind]
    page = (sa.select(orders).where(where)
            .order_by(orders.c.order_date.desc(), orders.c.order_id.desc())
            .limit(sa.bindparam("limit")).subquery())
    item_columns = [c.label(f"item_{c.name}") if c.name in ("status", "reason") else c
                    for c in order_items.c if c.name != "order_id"]
    return (sa.select(page, *item_columns)
            .outerjoin(order_items, order_items.c.order_id == page.c.order_id)
            .order_by(page.c.order_date.desc(), page.c.order_id.desc(), order_items.c.line_no))


def _first_line(exc: BaseException | None) -> str:
    return str(exc).strip().splitlines()[0] if exc is not None and str(exc).strip() else "알 수 없는 오류"


def _explain(exc: sa.exc.DBAPIError, where: str) -> str:
    text = _first_line(exc.orig).lower()
    if "locked" in text or "busy" in text:
        return f"데이터베이스가 잠겨 있습니다({where}): 다른 쓰기 작업이 끝나지 않았습니다. 잠시 후 다시 시도하세요."
    if "readonly" in text or "read-only" in text or "read only" in text:
        return f"데이터베이스에 쓸 수 없습니다({where}): 읽기 전용 디스크이거나 파일 권한이 없습니다."
    if "unable to open" in text:
        return f"데이터베이스 파일을 열 수 없습니다({where}): 경로와 디렉터리 권한을 확인하세요."
    if "not a database" in text or "malformed" in text:
        return (f"데이터베이스 파일이 손상되었거나 SQLite 파일이 아닙니다({where}): "
                "백업에서 복원하세요 (docs/operations.md의 백업 절).")
    if "disk" in text and ("full" in text or "i/o" in text):
        return f"데이터베이스 디스크 오류({where}): 디스크 공간과 상태를 확인하세요."
    if "connect" in text or "refused" in text or "server" in text:
        return f"데이터베이스 서버에 연결할 수 없습니다({where}): {_first_line(exc.orig)}"
    return f"데이터베이스를 사용할 수 없습니다({where}): {_first_line(exc.orig)}"
