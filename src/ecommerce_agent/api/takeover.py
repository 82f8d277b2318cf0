"""Live human takeover of a conversation, and what staff write into it.

A claimed conversation (``ConsoleStore.claim``) is answered by that person: the
shopper's messages are stored for them and the agent stays silent until the
conversation is handed back. Staff replies and notices (claimed, handed back,
ticket resolved) are ordinary messages of the conversation (roles ``staff`` and
``notice``), so the shopper's page and the console see them through the same
message stream (``GET /conversations/{id}/events``), whichever worker wrote them.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace

from ..agent.state import DialogueState
from ..domain.clock import utcnow
from ..domain.conversations import Conversation, ConversationStatus, Role
from ..domain.staff import Assignment
from ..domain.tickets import Ticket
from ..domain.users import User
from ..errors import ConflictError
from ..storage.base import NewMessage, Repository
from ..storage.console import ConsoleStore
from .audit import require_audit, staff_audit
from .masking import mask_pii

SAVE_ATTEMPTS = 5


def append(repo: Repository, conversation_id: str, messages: Sequence[NewMessage], *,
           status: ConversationStatus | None = None, state: dict | None = None) -> Conversation:
    """Add messages (and optionally a new status/state) with the versioned save, so a
    concurrent agent turn and a staff message never overwrite each other."""
    for attempt in range(SAVE_ATTEMPTS):
        conversation = repo.get_conversation(conversation_id)
        if conversation is None:
            raise ConflictError("대화가 삭제되었습니다.", code="conversation_gone")
        try:
            return repo.save_turn(conversation_id, expected_version=conversation.version,
                                  state=state if state is not None else conversation.state,
                                  status=status or conversation.status, messages=messages, now=utcnow())
        except ConflictError:
            if attempt == SAVE_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def claim(repo: Repository, console: ConsoleStore, staff: User, conversation: Conversation) -> Assignment:
    held = console.assignment(conversation.conversation_id)
    assignment = console.claim(conversation.conversation_id, staff_id=staff.user_id, staff_name=staff.name,
                               now=utcnow())
    if held is None:  # a repeated claim by the same person adds nothing
        append(repo, conversation.conversation_id, [NewMessage(
            Role.NOTICE, f"상담원 {staff.name}님이 상담을 이어받았습니다.", meta={"event": "claimed",
                                                                     "staff_name": staff.name})],
               status=ConversationStatus.HANDED_OFF)
        staff_audit(console, staff, "conversation.claim", conversation.user_id,
                    f"conversation:{conversation.conversation_id}")
    return assignment


def held_by(console: ConsoleStore, staff: User, conversation: Conversation) -> Assignment:
    assignment = console.assignment(conversation.conversation_id)
    if assignment is None or assignment.staff_id != staff.user_id:
        who = f"상담원 {assignment.staff_name}님이" if assignment else "아무도"
        raise ConflictError(f"이 대화는 {who} 응대 중입니다. 먼저 대화를 인수하세요.", code="not_claimed")
    return assignment


def staff_reply(repo: Repository, console: ConsoleStore, staff: User, conversation: Conversation,
                text: str) -> Conversation:
    held_by(console, staff, conversation)
    masked = mask_pii(text) or ""
    saved = append(repo, conversation.conversation_id, [NewMessage(
        Role.STAFF, masked, meta={"staff_name": staff.name, "staff_id": staff.user_id})])
    staff_audit(console, staff, "conversation.reply", conversation.user_id,
                f"conversation:{conversation.conversation_id}")
    return saved


def hand_back(repo: Repository, console: ConsoleStore, staff: User, conversation: Conversation) -> Conversation:
    """The agent answers again: the assignment goes, and the dialogue state no longer
    says "handed off" (the handoff ticket stays with the conversation)."""
    held_by(console, staff, conversation)
    console.release(conversation.conversation_id, staff_id=staff.user_id)
    current = repo.get_conversation(conversation.conversation_id) or conversation
    state = replace(DialogueState.from_json(current.state), handed_off=False).to_json()
    saved = append(repo, conversation.conversation_id, [NewMessage(
        Role.NOTICE, "상담원이 대화를 에이전트에게 돌려드렸습니다. 이제 에이전트가 다시 답변합니다.",
        meta={"event": "handed_back", "staff_name": staff.name})],
                   status=ConversationStatus.ACTIVE, state=state)
    staff_audit(console, staff, "conversation.hand_back", conversation.user_id,
                f"conversation:{conversation.conversation_id}")
    return saved


def resolve_with_note(repo: Repository, console: ConsoleStore, staff: User, ticket: Ticket, note: str) -> Ticket:
    """Resolve the ticket; the shopper reads the note in the conversation it came from."""
    require_audit(console)
    masked = mask_pii(note) or ""
    resolved = repo.resolve_ticket(ticket.ticket_id, note=masked, now=utcnow())
    staff_audit(console, staff, "ticket.resolve", ticket.user_id, f"ticket:{ticket.ticket_id}", masked)
    for conversation in conversations_of_ticket(repo, ticket):
        append(repo, conversation.conversation_id, [NewMessage(
            Role.NOTICE, f"문의 {ticket.ticket_id} 처리가 완료되었습니다. 처리 내용: {masked}",
            meta={"event": "ticket_resolved", "ticket_id": ticket.ticket_id, "staff_name": staff.name})])
    return resolved


def conversations_of_ticket(repo: Repository, ticket: Ticket, *, scan: int = 100) -> list[Conversation]:
    """The customer's conversations that opened or were handed off with this ticket."""
    found = []
    for conversation in repo.list_conversations(ticket.user_id, limit=scan):
        state = conversation.state or {}
        if ticket.ticket_id in (state.get("handoff_ticket_id"), state.get("last_ticket_id")):
            found.append(conversation)
    return found


def handoff_ticket_id(conversation: Conversation) -> str | None:
    return (conversation.state or {}).get("handoff_ticket_id")


def forward_to_staff(repo: Repository, assignment: Assignment, conversation: Conversation,
                     masked: str) -> dict:
    """The shopper's message while a person holds the conversation: stored for them, no
    agent reply. Returns the body of a ``ChatOut``."""
    append(repo, conversation.conversation_id, [NewMessage(
        Role.USER, masked, meta={"to_staff": assignment.staff_name})])
    return {"session_id": conversation.conversation_id, "reply": "", "intent": "staff", "confidence": 1.0,
            "slots": {}, "pending_action": None, "actions": [], "cards": [], "citations": [], "handoff": True,
            "trace_id": uuid.uuid4().hex, "staff": {"name": assignment.staff_name,
                                                   "claimed_at": assignment.claimed_at.isoformat()}}
