"""Talking to the agent: `/chat` and the conversations it keeps.

The shopper is always the token's subject: a conversation of another user is
404 (its existence is not revealed) and a ``user_id`` in the body that is not
the caller's is refused.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from fastapi.concurrency import run_in_threadpool

from ...agent.runner import Agent
from ...domain.clock import utcnow
from ...domain.conversations import Conversation
from ...domain.users import User
from ...errors import ConflictError, ForbiddenError, NotFoundError
from ...storage.base import Repository
from ...storage.console import ConsoleStore
from ..deps import AgentDep, ConsoleDep, CurrentUser, RepoDep
from ..takeover import forward_to_staff
from ..roles import Permission, authorize
from ..schemas import (AssigneeOut, ChatIn, ChatOut, ConversationDetailOut, ConversationIn, ConversationOut,
                       ConversationsOut, MessageIn, MessageOut)

router = APIRouter(tags=["chat"])
ConversationId = Annotated[str, Path(min_length=1, max_length=40, description="예: CNV-3F2A…")]


async def answer(agent: Agent, user: User, session_id: str | None, message: str, *,
                 console: ConsoleStore | None = None, expect_pending: str | None = None) -> ChatOut:
    """One turn through the agent (blocking work: database, models) off the event loop;
    while a person holds the conversation, the message goes to them instead."""
    def run() -> ChatOut:
        if session_id is not None and console is not None:
            conversation = readable_conversation(agent.repo, user, session_id, Permission.CHAT)
            assignment = console.assignment(conversation.conversation_id)
            if assignment is not None:
                if expect_pending is not None:
                    raise ConflictError("상담원이 응대 중인 대화에서는 확인 버튼을 쓸 수 없습니다.",
                                        code="action_not_pending")
                masked = agent.input_guard.check(message).text
                return ChatOut(**forward_to_staff(agent.repo, assignment, conversation, masked))
        turn = agent.handle(user, session_id, message, expect_pending=expect_pending)
        return ChatOut(**turn.public())

    return await run_in_threadpool(run)


def readable_conversation(repo: Repository, user: User, conversation_id: str,
                          permission: Permission = Permission.READ) -> Conversation:
    conversation = repo.get_conversation(conversation_id)
    missing = "대화를 찾을 수 없습니다."
    if conversation is None:
        raise NotFoundError(missing)
    authorize(user, permission, conversation.user_id, not_found=missing)
    return conversation


@router.post("/chat", response_model=ChatOut)
async def chat(body: ChatIn, user: CurrentUser, agent: AgentDep, console: ConsoleDep) -> ChatOut:
    """One message to the agent; `session_id` continues a conversation, none starts one.
    상담원이 대화를 인수한 동안에는 메시지가 상담원에게 전달되고 `reply`는 비며 `staff`에 상담원이 있습니다."""
    if body.user_id is not None and body.user_id != user.user_id:
        raise ForbiddenError("다른 사용자로 대화할 수 없습니다. user_id를 빼거나 로그인한 계정의 id를 쓰세요.")
    return await answer(agent, user, body.session_id, body.message, console=console)


@router.post("/conversations", status_code=201, response_model=ConversationOut)
def create_conversation(user: CurrentUser, repo: RepoDep, agent: AgentDep,
                        body: ConversationIn | None = None) -> ConversationOut:
    title = agent.input_guard.check(body.title).text.strip() if body and body.title.strip() else ""
    return ConversationOut.of(repo.create_conversation(user.user_id, now=utcnow(), title=title))


@router.get("/conversations", response_model=ConversationsOut)
def list_conversations(user: CurrentUser, repo: RepoDep,
                       limit: Annotated[int, Query(ge=1, le=100)] = 20) -> ConversationsOut:
    """The caller's own conversations, most recent first."""
    conversations = repo.list_conversations(user.user_id, limit=limit)
    return ConversationsOut(conversations=[ConversationOut.of(c) for c in conversations],
                            count=len(conversations))


@router.get("/conversations/{conversation_id}", response_model=ConversationDetailOut)
def get_conversation(conversation_id: ConversationId, user: CurrentUser, repo: RepoDep, console: ConsoleDep,
                     limit: Annotated[int, Query(ge=1, le=500)] = 200) -> ConversationDetailOut:
    """대화와 최근 `limit`개 메시지(개인정보 마스킹, 오래된 것부터)를 돌려줍니다. `assignee`는 지금 응대 중인
    상담원입니다(인수하지 않았으면 null). 다른 고객의 대화는 404."""
    conversation = readable_conversation(repo, user, conversation_id)
    messages = repo.list_messages(conversation.conversation_id, limit=limit)
    return ConversationDetailOut(**ConversationOut.of(conversation).model_dump(),
                                 assignee=AssigneeOut.of(console.assignment(conversation.conversation_id)),
                                 messages=[MessageOut.of(m) for m in messages])


@router.post("/conversations/{conversation_id}/messages", response_model=ChatOut)
async def post_message(conversation_id: ConversationId, body: MessageIn, user: CurrentUser,
                       agent: AgentDep, console: ConsoleDep) -> ChatOut:
    """Same answer as `/chat`; only the conversation's own shopper may write to it."""
    return await answer(agent, user, conversation_id, body.message, console=console)


@router.delete("/conversations/{conversation_id}", status_code=204, response_class=Response, summary="대화 삭제")
def delete_conversation(conversation_id: ConversationId, user: CurrentUser, repo: RepoDep) -> Response:
    """대화와 메시지를 지웁니다. 고객은 자기 대화만(다른 고객의 대화는 404), 상담원은 고객의 대화를 지울 수
    없습니다(403)."""
    conversation = readable_conversation(repo, user, conversation_id, Permission.DELETE_CONVERSATION)
    repo.delete_conversation(conversation.conversation_id)
    return Response(status_code=204)
