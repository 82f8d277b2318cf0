"""What the staff console stores beside the shop data: conversation assignments
(live takeover), the staff audit log, and the queries across customers the queue
needs (open tickets, handed-off conversations, messages after a point).

Kept apart from ``Repository`` (which serves one customer at a time) so the shop
interface stays small. SQL backends only: the CSV backend refuses with a clear
message (``ConsoleUnavailable``), because its single-writer files have no place
for shared, cross-worker state.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from ..domain.conversations import Conversation, ConversationStatus, Message
from ..domain.staff import Assignment, AuditEntry
from ..domain.tickets import IssueType, Ticket, TicketStatus
from ..errors import ConflictError, ServiceUnavailableError, StorageUnavailableError
from . import rows as R
from .schema import conversation_assignments, conversations, messages, staff_audit, tickets

OPEN_TICKET_STATUSES = (TicketStatus.OPEN.value, TicketStatus.IN_PROGRESS.value)


class ConsoleStore(Protocol):
    available: bool  # False: the backend cannot keep console state (CSV); every write refuses

    def assignment(self, conversation_id: str) -> Assignment | None: ...
    def claim(self, conversation_id: str, *, staff_id: str, staff_name: str, now: datetime) -> Assignment:
        """Assign the conversation to this staff member; ``ConflictError`` when another holds it."""
    def release(self, conversation_id: str, *, staff_id: str) -> bool:
        """Remove this staff member's assignment (False: they did not hold it)."""
    def record(self, *, at: datetime, staff_id: str, action: str, customer_id: str | None,
               resource: str, reason: str | None, result: str = "ok") -> AuditEntry: ...
    def audit(self, *, customer_id: str | None = None, staff_id: str | None = None,
              limit: int = 100) -> list[AuditEntry]:
        """Newest first."""
    def open_tickets(self, *, status: TicketStatus | None = None, issue_type: IssueType | None = None,
                     limit: int = 200) -> list[Ticket]:
        """Tickets of every customer that are not final (or of ``status``), oldest first."""
    def handed_off(self, *, limit: int = 200) -> list[Conversation]:
        """Conversations waiting for or held by a person, oldest first."""
    def messages_after(self, conversation_id: str, seq: int, *, limit: int = 100) -> list[Message]: ...


class SqlConsoleStore:
    available = True

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def _read(self) -> Any:
        conn = self.engine.connect()
        conn.execution_options(sqlite_begin=None)
        return conn

    def _write(self) -> Any:
        conn = self.engine.connect()
        conn.execution_options(sqlite_begin="IMMEDIATE")
        return conn

    def assignment(self, conversation_id: str) -> Assignment | None:
        try:
            with self._read() as conn:
                row = conn.execute(sa.select(conversation_assignments).where(
                    conversation_assignments.c.conversation_id == conversation_id)).mappings().first()
        except sa.exc.DBAPIError as exc:
            raise _unavailable(exc) from None
        return None if row is None else _assignment(row)

    def claim(self, conversation_id: str, *, staff_id: str, staff_name: str, now: datetime) -> Assignment:
        try:
            with self._write() as conn, conn.begin():
                conn.execute(self._insert(conversation_assignments).values(
                    conversation_id=conversation_id, staff_id=staff_id, staff_name=staff_name, claimed_at=now)
                    .on_conflict_do_nothing())
                row = conn.execute(sa.select(conversation_assignments).where(
                    conversation_assignments.c.conversation_id == conversation_id)).mappings().one()
        except sa.exc.DBAPIError as exc:
            raise _unavailable(exc) from None
        held = _assignment(row)
        if held.staff_id != staff_id:
            raise ConflictError(f"상담원 {held.staff_name}님이 이미 응대 중인 대화입니다.", code="already_claimed")
        return held

    def release(self, conversation_id: str, *, staff_id: str) -> bool:
        try:
            with self._write() as conn, conn.begin():
                done = conn.execute(conversation_assignments.delete().where(
                    conversation_assignments.c.conversation_id == conversation_id,
                    conversation_assignments.c.staff_id == staff_id))
        except sa.exc.DBAPIError as exc:
            raise _unavailable(exc) from None
        return done.rowcount == 1

    def record(self, *, at: datetime, staff_id: str, action: str, customer_id: str | None,
               resource: str, reason: str | None, result: str = "ok") -> AuditEntry:
        values = {"at": at, "staff_id": staff_id, "action": action, "customer_id": customer_id,
                  "resource": resource[:80], "reason": reason[:500] if reason else reason, "result": result[:40]}
        try:
            with self._write() as conn, conn.begin():
                entry_id = conn.execute(staff_audit.insert().values(values)).inserted_primary_key[0]
        except sa.exc.DBAPIError as exc:
            raise _unavailable(exc) from None
        return AuditEntry(entry_id=int(entry_id), **values)

    def audit(self, *, customer_id: str | None = None, staff_id: str | None = None,
              limit: int = 100) -> list[AuditEntry]:
        stmt = sa.select(staff_audit).order_by(staff_audit.c.at.desc(), staff_audit.c.id.desc()).limit(limit)
        if customer_id is not None:
            stmt = stmt.where(staff_audit.c.customer_id == customer_id)
        if staff_id is not None:
            stmt = stmt.where(staff_audit.c.staff_id == staff_id)
        with self._read() as conn:
            found = conn.execute(stmt).mappings().all()
        return [AuditEntry(entry_id=r["id"], at=r["at"], staff_id=r["staff_id"], action=r["action"],
                           customer_id=r["customer_id"], resource=r["resource"], reason=r["reason"],
                           result=r["result"]) for r in found]

    def open_tickets(self, *, status: TicketStatus | None = None, issue_type: IssueType | None = None,
                     limit: int = 200) -> list[Ticket]:
        wanted = (status.value,) if status is not None else OPEN_TICKET_STATUSES
        stmt = (sa.select(tickets).where(tickets.c.status.in_(wanted))
                .order_by(tickets.c.created_at, tickets.c.ticket_id).limit(limit))
        if issue_type is not None:
            stmt = stmt.where(tickets.c.issue_type == issue_type.value)
        with self._read() as conn:
            return [R.ticket_from_row(r) for r in conn.execute(stmt).mappings()]

    def handed_off(self, *, limit: int = 200) -> list[Conversation]:
        held = sa.select(conversation_assignments.c.conversation_id)
        stmt = (sa.select(conversations).where(sa.or_(
                    conversations.c.status == ConversationStatus.HANDED_OFF.value,
                    conversations.c.conversation_id.in_(held)))
                .order_by(conversations.c.updated_at, conversations.c.conversation_id).limit(limit))
        with self._read() as conn:
            return [R.conversation_from_row(r) for r in conn.execute(stmt).mappings()]

    def messages_after(self, conversation_id: str, seq: int, *, limit: int = 100) -> list[Message]:
        stmt = (sa.select(messages).where(messages.c.conversation_id == conversation_id, messages.c.seq > seq)
                .order_by(messages.c.seq).limit(limit))
        with self._read() as conn:
            return [R.message_from_row(r) for r in conn.execute(stmt).mappings()]


class ConsoleUnavailable:
    """The CSV backend: nothing is ever assigned (shoppers' chats go on with the agent)
    and every other console operation refuses with one clear message."""

    available = False
    MESSAGE = ("CSV 저장소에서는 상담원 콘솔(대화 인수·감사 기록)을 쓸 수 없습니다. "
               "SQLite나 PostgreSQL 저장소로 실행하세요.")

    def assignment(self, conversation_id: str) -> Assignment | None:
        return None

    def refuse(self) -> None:
        raise ServiceUnavailableError(self.MESSAGE, code="console_unavailable")

    def __getattr__(self, name: str) -> Any:
        def refused(*args: Any, **kwargs: Any) -> Any:
            self.refuse()
        return refused


def open_console_store(repo: object) -> ConsoleStore:
    engine = getattr(repo, "engine", None)
    if isinstance(engine, Engine):
        return SqlConsoleStore(engine)
    return ConsoleUnavailable()  # type: ignore[return-value]


def _assignment(row: Any) -> Assignment:
    return Assignment(conversation_id=row["conversation_id"], staff_id=row["staff_id"],
                      staff_name=row["staff_name"], claimed_at=row["claimed_at"])


def _unavailable(exc: BaseException) -> StorageUnavailableError:
    return StorageUnavailableError(f"데이터베이스에 연결할 수 없습니다: {str(exc).splitlines()[0][:200]}")
