"""The legacy CSV backend: ``data/*.csv``, one file per table, one writer.

The operations guide's single-writer rule is enforced: the first write takes
an exclusive OS lock (``.csv-writer.lock``) that is held until the repository
closes, so a second process that tries to write is refused with a message
naming the holder. Readers in any process pick up a new file version when it
appears. Files are replaced atomically (``csvfiles.write_table``); within one
change, child tables are written before their parents so a crash in between
leaves at worst invisible orphan rows, never a dangling reference.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from ..domain.clock import kst_date
from ..domain.conversations import Conversation, ConversationStatus, Message
from ..domain.ids import new_ticket_id, order_id as make_order_id
from ..domain.claims import ClaimLine, ProductOption, option_combinations, plan_order_action
from ..domain.orders import Action, Denied, Order, OrderItem, OrderStatus, PaymentMethod
from ..domain.products import Product
from ..domain.tickets import Ticket, TicketStatus
from ..domain.users import User
from ..errors import ConflictError, NotFoundError, StorageUnavailableError
from . import rows as R
from .base import (
    ActionApplied, ActionOutcome, NewMessage, NewTicket, Progress, QueryObserver, Tables,
    new_conversation_id, ticket_for_plan,
)
from .idempotency import IdempotencyRecord
from .csvfiles import read_table, table_path, write_table
from .locking import FileLock
from .schema import DATA_TABLES

Key = tuple[Any, ...]
LOCK_FILE = ".csv-writer.lock"


class CsvRepository:
    backend = "csv"

    def __init__(self, directory: Path, *, observer: QueryObserver | None = None) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise StorageUnavailableError(
                f"CSV 데이터 디렉터리 '{self.directory}'이(가) 없습니다. storage.csv.directory를 확인하세요.")
        self.observer = observer
        self._lock = FileLock(self.directory / LOCK_FILE, "CSV 저장소 쓰기 거부")
        self._mutex = threading.RLock()
        self._tables: dict[str, dict[Key, R.Row]] = {}
        self._stamps: dict[str, tuple[int, int, int] | None] = {}
        self._idempotency: dict[tuple[str, str], tuple[datetime, IdempotencyRecord]] = {}
        self._claims: list[tuple[str, str]] = []  # claimed inside the open atomic() blocks

    # -- plumbing ---------------------------------------------------------------

    def acquire_writer(self) -> None:
        """Take the single-writer lock now (the service does this at start-up)."""
        self._acquire()

    def _acquire(self) -> None:
        if self._lock.held:
            return
        self._lock.acquire()
        # Temporary files of a writer that crashed mid-write: safe to drop now
        # that we are the only writer (the real files were never touched).
        for stale in self.directory.glob(".*.csv.tmp-*"):
            stale.unlink(missing_ok=True)

    def close(self) -> None:
        self._lock.release()

    def ping(self) -> None:
        if not self.directory.is_dir():
            raise StorageUnavailableError(f"CSV 데이터 디렉터리 '{self.directory}'이(가) 없습니다.")

    def _stamp(self, table: str) -> tuple[int, int, int] | None:
        try:
            st = table_path(self.directory, table).stat()
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def _table(self, table: str) -> dict[Key, R.Row]:
        """The table's rows by primary key, re-read if the file changed on disk."""
        stamp = self._stamp(table)
        if table not in self._tables or stamp != self._stamps.get(table):
            start = time.perf_counter()
            path = table_path(self.directory, table)
            keys = R.PRIMARY_KEYS[table]
            rows = {} if stamp is None else {tuple(r[k] for k in keys): r for _, r in read_table(path, table)}
            self._tables[table], self._stamps[table] = rows, stamp
            self._observe(table, "load", start)
        return self._tables[table]

    def _observe(self, table: str, operation: str, start: float) -> None:
        if self.observer is not None:
            self.observer(table, operation, time.perf_counter() - start)

    @contextmanager
    def _writing(self) -> Iterator[Callable[[str], None]]:
        """Hold the writer lock; yield ``touch(table)``; save touched tables at the end
        (children first). On an exception nothing is saved and the cache is dropped."""
        with self._mutex:
            self._acquire()
            touched: list[str] = []
            try:
                yield touched.append
            except BaseException:
                for table in touched:
                    self._tables.pop(table, None)
                raise
            for table in reversed([t.name for t in DATA_TABLES if t.name in touched]):
                start = time.perf_counter()
                rows = self._tables[table]
                write_table(table_path(self.directory, table), table,
                            (rows[k] for k in sorted(rows)))
                self._stamps[table] = self._stamp(table)
                self._observe(table, "write", start)

    @contextmanager
    def atomic(self, *, eager: bool = False) -> Iterator[None]:
        """One writer thread at a time for the block (files have no transactions: a
        crash inside it can leave its earlier writes; idempotency keys live in memory
        and die with the process). The single-worker CSV backend's best effort."""
        with self._mutex:
            claimed = len(self._claims)
            try:
                yield
            except BaseException:
                for key in self._claims[claimed:]:  # a failed request leaves no claim behind
                    self._idempotency.pop(key, None)
                raise
            finally:
                del self._claims[claimed:]

    def claim_idempotency(self, user_id: str, key: str, endpoint: str, fingerprint: str, *,
                          now: datetime, ttl: timedelta, lease: timedelta) -> IdempotencyRecord | None:
        with self._mutex:
            stored = self._idempotency.get((user_id, key))
            if stored is not None and stored[0] >= now - ttl:
                return stored[1]
            self._idempotency[(user_id, key)] = (now, IdempotencyRecord(endpoint, fingerprint, None, None))
            self._claims.append((user_id, key))
            return None

    def complete_idempotency(self, user_id: str, key: str, status_code: int, body: str) -> None:
        with self._mutex:
            at, record = self._idempotency[(user_id, key)]
            self._idempotency[(user_id, key)] = (at, replace(record, status_code=status_code, body=body))

    def counts(self) -> dict[str, int]:
        with self._mutex:
            return {t.name: len(self._table(t.name)) for t in DATA_TABLES}

    # -- users and products -----------------------------------------------------

    def add_user(self, user: User) -> None:
        with self._writing() as touch:
            users = self._table("users")
            if (user.user_id,) in users or any(u["email"] == user.email for u in users.values()):
                raise ConflictError(f"이미 있는 사용자입니다: {user.email}")
            users[(user.user_id,)] = R.user_to_row(user)
            touch("users")

    def get_user(self, user_id: str) -> User | None:
        with self._mutex:
            row = self._table("users").get((user_id,))
        return None if row is None else R.user_from_row(row)

    def get_user_by_email(self, email: str) -> User | None:
        email = email.strip().lower()
        with self._mutex:
            row = next((r for r in self._table("users").values() if r["email"] == email), None)
        return None if row is None else R.user_from_row(row)

    def get_product(self, product_id: str) -> Product | None:
        with self._mutex:
            row = self._table("products").get((product_id,))
        return None if row is None else R.product_from_row(row)

    def iter_products(self) -> Iterator[Product]:
        return (R.product_from_row(r) for r in self.iter_rows("products"))

    def list_product_options(self, product_id: str) -> list[ProductOption]:
        with self._mutex:
            return self._options(product_id)

    def _options(self, product_id: str) -> list[ProductOption]:
        found = [R.product_option_from_row(r) for k, r in self._table("product_options").items()
                 if k[0] == product_id]
        product = self._table("products").get((product_id,))
        rank = {text: n for n, text in enumerate(option_combinations(product["options"] if product else {}))}
        return sorted(found, key=lambda o: (rank.get(o.option, len(rank)), o.option))

    # -- orders -----------------------------------------------------------------

    def _items_of(self, order_id: str, order_status: str) -> list[OrderItem]:
        items = self._table("order_items")
        found = sorted((k[1], r) for k, r in items.items() if k[0] == order_id)
        return [R.item_from_row(r, order_status) for _, r in found]

    def _order(self, order_id: str) -> Order | None:
        row = self._table("orders").get((order_id,))
        return None if row is None else R.order_from_row(row, self._items_of(order_id, row["status"]))

    def create_order(self, *, user_id: str, items: Iterable[OrderItem], shipping_fee: int,
                     payment_method: PaymentMethod, shipping_address: str, now: datetime,
                     status: OrderStatus = OrderStatus.PAID) -> Order:
        items = tuple(items)
        if not items:
            raise ValueError("an order needs at least one item")
        with self._writing() as touch:
            orders = self._table("orders")
            if (user_id,) not in self._table("users"):
                raise NotFoundError(f"사용자 {user_id}을(를) 찾을 수 없습니다.")
            day = kst_date(now)
            prefix = f"ORD-{day:%Y%m%d}-"
            seq = 1 + max((int(k[0][-4:]) for k in orders if k[0].startswith(prefix)), default=0)
            oid = make_order_id(day, seq)
            order = Order(order_id=oid, user_id=user_id, status=status,
                          order_date=now, total_amount=sum(i.subtotal for i in items) + shipping_fee,
                          shipping_fee=shipping_fee, payment_method=payment_method,
                          shipping_address=shipping_address, items=R.with_item_ids(oid, items), updated_at=now)
            orders[(order.order_id,)] = R.order_to_row(order)
            table = self._table("order_items")
            for item_row in R.item_rows(order):
                table[(order.order_id, item_row["line_no"])] = item_row
            touch("orders")
            touch("order_items")
        return order

    def get_order(self, order_id: str) -> Order | None:
        with self._mutex:
            return self._order(order_id)

    def list_orders(self, user_id: str, *, status: OrderStatus | None = None,
                    limit: int = 20) -> list[Order]:
        with self._mutex:
            rows = [r for r in self._table("orders").values() if r["user_id"] == user_id
                    and (status is None or r["status"] == status.value)]
            rows.sort(key=lambda r: (r["order_date"], r["order_id"]), reverse=True)
            return [R.order_from_row(r, self._items_of(r["order_id"], r["status"])) for r in rows[:limit]]

    def apply_order_action(self, order_id: str, action: Action, *, now: datetime,
                           reason: str | None = None, new_address: str | None = None,
                           ticket: NewTicket | None = None, lines: Sequence[ClaimLine] | None = None,
                           replacement_option: str | None = None) -> ActionOutcome:
        if action is Action.CHANGE_ADDRESS and not (new_address and new_address.strip()):
            raise ValueError("change_address needs new_address")
        with self._writing() as touch:
            order = self._order(order_id)
            if order is None:
                raise NotFoundError(f"주문 {order_id}을(를) 찾을 수 없습니다.")
            plan = plan_order_action(order, action, now, lines=None if lines is None else tuple(lines),
                                     replacement_option=replacement_option, options=self._options, reason=reason,
                                     new_address=new_address)
            if isinstance(plan, Denied):
                return plan
            created = None
            if ticket is not None:  # first: a refused ticket (another user's order) changes nothing
                created = self._insert_ticket(ticket_for_plan(
                    ticket, plan.claimed, reason=reason, replacement_option=plan.replacement_option,
                    estimate=plan.estimate), now, touch)
            self._table("orders")[(order_id,)] = R.order_to_row(plan.order)
            items = self._table("order_items")
            for item_row in R.item_rows(plan.order):
                items[(order_id, item_row["line_no"])] = item_row
            touch("orders")
            touch("order_items")
            return ActionApplied(order=self._order(order_id) or plan.order, ticket=created,
                                 estimate=plan.estimate, claimed=plan.claimed)

    # -- tickets ----------------------------------------------------------------

    def create_ticket(self, ticket: NewTicket, *, now: datetime) -> Ticket:
        with self._writing() as touch:
            return self._insert_ticket(ticket, now, touch)

    def _insert_ticket(self, new: NewTicket, now: datetime, touch: Callable[[str], None]) -> Ticket:
        if new.order_id is not None:
            row = self._table("orders").get((new.order_id,))
            if row is None or row["user_id"] != new.user_id:
                raise NotFoundError(f"주문 {new.order_id}을(를) 찾을 수 없습니다.")
        tickets = self._table("tickets")
        ticket_id = new_ticket_id(kst_date(now))
        while (ticket_id,) in tickets:
            ticket_id = new_ticket_id(kst_date(now))
        ticket = Ticket(ticket_id=ticket_id, user_id=new.user_id, order_id=new.order_id,
                        issue_type=new.issue_type, status=TicketStatus.OPEN, priority=new.priority,
                        description=new.description, source=new.source, created_at=now,
                        updated_at=now, items=new.items, reason=new.reason,
                        replacement_option=new.replacement_option, estimate=new.estimate)
        tickets[(ticket_id,)] = R.ticket_to_row(ticket)
        touch("tickets")
        return ticket

    def get_ticket(self, ticket_id: str) -> Ticket | None:
        with self._mutex:
            row = self._table("tickets").get((ticket_id,))
        return None if row is None else R.ticket_from_row(row)

    def list_tickets(self, user_id: str, *, status: TicketStatus | None = None,
                     limit: int = 20) -> list[Ticket]:
        with self._mutex:
            rows = [r for r in self._table("tickets").values() if r["user_id"] == user_id
                    and (status is None or r["status"] == status.value)]
        rows.sort(key=lambda r: (r["created_at"], r["ticket_id"]), reverse=True)
        return [R.ticket_from_row(r) for r in rows[:limit]]

    def resolve_ticket(self, ticket_id: str, *, note: str, now: datetime) -> Ticket:
        with self._writing() as touch:
            tickets = self._table("tickets")
            row = tickets.get((ticket_id,))
            if row is None:
                raise NotFoundError(f"문의 {ticket_id}을(를) 찾을 수 없습니다.")
            if TicketStatus(row["status"]).is_final:
                return R.ticket_from_row(row)
            row = dict(row, status=TicketStatus.RESOLVED.value, resolved_at=now, updated_at=now,
                       resolution_note=note)
            tickets[(ticket_id,)] = row
            touch("tickets")
            return R.ticket_from_row(row)

    # -- conversations ----------------------------------------------------------

    def create_conversation(self, user_id: str, *, now: datetime, title: str = "",
                            conversation_id: str | None = None) -> Conversation:
        conversation = Conversation(conversation_id=conversation_id or new_conversation_id(),
                                    user_id=user_id, title=title,
                                    status=ConversationStatus.ACTIVE, created_at=now, updated_at=now)
        with self._writing() as touch:
            table = self._table("conversations")
            if (conversation.conversation_id,) in table:
                raise ConflictError("이미 있는 대화 id입니다.")
            table[(conversation.conversation_id,)] = R.conversation_to_row(conversation)
            touch("conversations")
        return conversation

    def get_conversation(self, conversation_id: str) -> Conversation | None:
        with self._mutex:
            row = self._table("conversations").get((conversation_id,))
        return None if row is None else R.conversation_from_row(row)

    def list_conversations(self, user_id: str, *, limit: int = 20) -> list[Conversation]:
        with self._mutex:
            rows = [r for r in self._table("conversations").values() if r["user_id"] == user_id]
        rows.sort(key=lambda r: (r["updated_at"], r["conversation_id"]), reverse=True)
        return [R.conversation_from_row(r) for r in rows[:limit]]

    def save_turn(self, conversation_id: str, *, expected_version: int, state: dict[str, Any],
                  status: ConversationStatus, messages: Iterable[NewMessage], now: datetime,
                  title: str | None = None) -> Conversation:
        with self._writing() as touch:
            table = self._table("conversations")
            row = table.get((conversation_id,))
            if row is None:
                raise NotFoundError("대화를 찾을 수 없습니다.")
            if row["version"] != expected_version:
                raise ConflictError("같은 대화의 다른 요청이 먼저 처리되었습니다. 다시 시도해 주세요.",
                                    code="conversation_conflict")
            row = dict(row, state=state, status=status.value, version=expected_version + 1, updated_at=now)
            if title is not None:
                row["title"] = title
            table[(conversation_id,)] = row
            stored = self._table("messages")
            last = max((k[1] for k in stored if k[0] == conversation_id), default=0)
            for n, m in enumerate(messages, 1):
                stored[(conversation_id, last + n)] = {
                    "conversation_id": conversation_id, "seq": last + n, "role": m.role.value, "text": m.text,
                    "intent": m.intent, "meta": m.meta, "created_at": now}
            touch("conversations")
            touch("messages")
            return R.conversation_from_row(row)

    def list_messages(self, conversation_id: str, *, limit: int = 200) -> list[Message]:
        with self._mutex:
            rows = sorted((k[1], r) for k, r in self._table("messages").items() if k[0] == conversation_id)
        return [R.message_from_row(r) for _, r in rows[-limit:]]

    def delete_conversation(self, conversation_id: str) -> bool:
        with self._writing() as touch:
            table = self._table("conversations")
            if (conversation_id,) not in table:
                return False
            del table[(conversation_id,)]
            stored = self._table("messages")
            for key in [k for k in stored if k[0] == conversation_id]:
                del stored[key]
            touch("conversations")
            touch("messages")
            return True

    # -- bulk data --------------------------------------------------------------

    def load_tables(self, tables: Tables, *, skip_existing: bool = False,
                    progress: Progress | None = None,
                    verify: Callable[[dict[str, int]], None] | None = None) -> dict[str, int]:
        batches = list(tables.items()) if isinstance(tables, Mapping) else tables
        inserted = {t.name: 0 for t in DATA_TABLES}
        with self._writing() as touch:
            for name, rows in batches:
                current, keys, columns = self._table(name), R.PRIMARY_KEYS[name], R.COLUMNS[name]
                touch(name)
                for given in rows:
                    row = {c: given.get(c) for c in columns}  # absent optional columns are NULL
                    key = tuple(row[k] for k in keys)
                    if key in current:
                        if skip_existing:
                            continue
                        raise ConflictError(f"{name}: 이미 있는 기본 키입니다: {key}")
                    current[key] = row
                    inserted[name] += 1
                    if progress is not None:
                        progress(1)
            problems = self._foreign_key_problems()
            if problems:
                raise ConflictError("외래 키 검증 실패로 저장하지 않았습니다: " + "; ".join(problems))
            if verify is not None:
                verify(inserted)
        return inserted

    def _foreign_key_problems(self) -> list[str]:
        problems = []
        for table in DATA_TABLES:
            for fk in table.foreign_keys:
                child, parent = fk.parent.name, fk.column
                known = {k[0] for k in self._table(parent.table.name)}
                missing = sum(1 for r in self._table(table.name).values()
                              if r[child] is not None and r[child] not in known)
                if missing:
                    problems.append(f"{table.name}.{child} → {parent.table.name}: {missing}건")
        return problems

    def iter_rows(self, table: str) -> Iterator[R.Row]:
        with self._mutex:
            rows = self._table(table)
            snapshot = [rows[k] for k in sorted(rows)]
        return iter(snapshot)
