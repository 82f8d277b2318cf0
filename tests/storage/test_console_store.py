"""The console store on the SQL backends (SQLite, PostgreSQL) and the CSV refusal."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from ecommerce_agent.domain.conversations import ConversationStatus, Role as MessageRole
from ecommerce_agent.domain.tickets import IssueType, TicketStatus
from ecommerce_agent.domain.users import Role
from ecommerce_agent.errors import ConflictError, ServiceUnavailableError
from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.base import NewMessage, NewTicket, Repository
from ecommerce_agent.storage.console import open_console_store
from ecommerce_agent.storage.csvstore import CsvRepository
from tests.support.factories import NOW, user


@pytest.fixture(params=["sqlite", "postgres"])
def sql_shop(request: pytest.FixtureRequest, tmp_path: Path) -> Repository:
    if request.param == "sqlite":
        repo = open_sqlite(tmp_path / "shop.db", timeout=5)
        request.addfinalizer(repo.close)
    else:
        repo = request.getfixturevalue("postgres_repo")
    repo.add_user(user("U1"))
    repo.add_user(user("U2"))
    repo.add_user(user("S1", role=Role.AGENT))
    return repo


def test_claim_is_exclusive_and_release_is_the_holders(sql_shop: Repository) -> None:
    console = open_console_store(sql_shop)
    cid = sql_shop.create_conversation("U1", now=NOW).conversation_id
    assert console.assignment(cid) is None
    held = console.claim(cid, staff_id="S1", staff_name="박상담", now=NOW)
    assert (held.staff_id, held.staff_name, held.claimed_at) == ("S1", "박상담", NOW)
    assert console.claim(cid, staff_id="S1", staff_name="박상담", now=NOW + timedelta(minutes=1)) == held
    with pytest.raises(ConflictError):
        console.claim(cid, staff_id="S2", staff_name="최상담", now=NOW)
    assert console.release(cid, staff_id="S2") is False and console.assignment(cid) == held
    assert console.release(cid, staff_id="S1") is True and console.assignment(cid) is None
    console.claim(cid, staff_id="S1", staff_name="박상담", now=NOW)
    assert sql_shop.delete_conversation(cid) and console.assignment(cid) is None  # no orphan


def test_audit_is_kept_and_listed_newest_first(sql_shop: Repository) -> None:
    console = open_console_store(sql_shop)
    console.record(at=NOW, staff_id="S1", action="conversation.claim", customer_id="U1",
                   resource="conversation:CNV-1", reason=None)
    console.record(at=NOW + timedelta(seconds=5), staff_id="S1", action="order.cancel", customer_id="U2",
                   resource="order:ORD-1", reason="고객 요청", result="already_shipped")
    entries = console.audit()
    assert [e.action for e in entries] == ["order.cancel", "conversation.claim"]
    assert entries[0].at == NOW + timedelta(seconds=5) and entries[0].result == "already_shipped"
    assert [e.resource for e in console.audit(customer_id="U1")] == ["conversation:CNV-1"]
    assert console.audit(staff_id="S9") == []


def test_queue_queries_span_customers(sql_shop: Repository) -> None:
    console = open_console_store(sql_shop)
    older = sql_shop.create_ticket(NewTicket(user_id="U2", issue_type=IssueType.REFUND, description="a"),
                                   now=NOW)
    newer = sql_shop.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.INQUIRY, description="b"),
                                   now=NOW + timedelta(minutes=1))
    done = sql_shop.create_ticket(NewTicket(user_id="U1", issue_type=IssueType.INQUIRY, description="c"), now=NOW)
    sql_shop.resolve_ticket(done.ticket_id, note="끝", now=NOW)
    assert [t.ticket_id for t in console.open_tickets()] == [older.ticket_id, newer.ticket_id]
    assert [t.ticket_id for t in console.open_tickets(issue_type=IssueType.REFUND)] == [older.ticket_id]
    assert [t.ticket_id for t in console.open_tickets(status=TicketStatus.RESOLVED)] == [done.ticket_id]
    quiet = sql_shop.create_conversation("U1", now=NOW)
    waiting = sql_shop.create_conversation("U2", now=NOW)
    sql_shop.save_turn(waiting.conversation_id, expected_version=0, state={}, now=NOW,
                       status=ConversationStatus.HANDED_OFF,
                       messages=[NewMessage(MessageRole.USER, "사람이요"), NewMessage(MessageRole.NOTICE, "연결")])
    held = sql_shop.create_conversation("U1", now=NOW + timedelta(minutes=2))
    console.claim(held.conversation_id, staff_id="S1", staff_name="박상담", now=NOW)
    assert [c.conversation_id for c in console.handed_off()] == [waiting.conversation_id, held.conversation_id]
    assert quiet.conversation_id not in [c.conversation_id for c in console.handed_off()]
    after = console.messages_after(waiting.conversation_id, 1)
    assert [(m.role, m.text) for m in after] == [(MessageRole.NOTICE, "연결")]


def test_the_csv_backend_refuses_clearly(tmp_path: Path) -> None:
    console = open_console_store(CsvRepository(tmp_path))
    assert console.available is False and console.assignment("CNV-1") is None  # shoppers chat on with the agent
    for call in (lambda: console.claim("CNV-1", staff_id="S1", staff_name="박상담", now=NOW),
                 lambda: console.record(at=NOW, staff_id="S1", action="order.cancel", customer_id="U1",
                                        resource="order:ORD-1", reason="x"),
                 console.audit, console.handed_off):
        with pytest.raises(ServiceUnavailableError) as caught:
            call()
        assert "CSV" in caught.value.message and caught.value.code == "console_unavailable"
