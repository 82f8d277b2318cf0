"""Talking to the agent: `/chat` and the conversations it keeps.

The shopper is always the token's subject: a conversation of another user is
404 (its existence is not revealed) and a ``user_id`` in the body that is not
the caller's is refused.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from ...agent.runner import Agent
from ...domain.clock import utcnow
from ...domain.conversations import Conversation
from ...domain.users import User
from ...errors import ConflictError, ForbiddenError, NotFoundError
from ...storage.base import Repository
from ...storage.console import ConsoleStore
from ..compute import run_model_work
from ..deps import AgentDep, ConsoleDep, CurrentUser, RepoDep, ThrottleDep
from ..masking import mask_pii
from ..roles import Permission, authorize
from ..schemas import (AssigneeOut, ChatIn, ChatOut, ConversationDetailOut, ConversationIn, ConversationOut,
                       ConversationsOut, MessageIn, MessageOut, problem_response)
from ..takeover import forward_to_staff
from ..throttle import Throttle, client_address

router = APIRouter(tags=["chat"])
ConversationId = Annotated[str, Path(min_length=1, max_length=40, description="예: CNV-3F2A…")]


def answer_now(agent: Agent, user: User, session_id: str | None, message: str, *,
               console: ConsoleStore | None = None, expect_pending: str | None = None) -> ChatOut:
    """One turn through the agent (blocking: run it off the event loop); while a person
    holds the conversation, the message goes to them instead."""
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


async def answer(request: Request, agent: Agent, user: User, session_id: str | None, message: str, *,
                 console: ConsoleStore | None = None, expect_pending: str | None = None) -> ChatOut:
    """``answer_now`` off the event loop (database and models block), a few turns at a time
    (``compute.run_model_work``)."""
    return await run_model_work(
        request, lambda: answer_now(agent, user, session_id, message, console=console, expect_pending=expect_pending),
        waits_on_network=agent.llm is not None)


def count_turn(throttle: Throttle, request: Request, user: User) -> None:
    """One chat turn (or new conversation) against the caller's and the address's limits."""
    throttle.check(chat_user=user.user_id, chat_ip=client_address(request))


THROTTLED: dict[int | str, dict[str, object]] = {429: problem_response(
    429, "요청이 너무 많습니다 (계정별·주소별 대화 한도, `rate_limits.chat_per_user`·`chat_per_ip`). "
         "`Retry-After` 헤더의 초만큼 기다린 뒤 다시 보내 주세요.")}


def readable_conversation(repo: Repository, user: User, conversation_id: str,
                          permission: Permission = Permission.READ) -> Conversation:
    conversation = repo.get_conversation(conversation_id)
    missing = "대화를 찾을 수 없습니다."
    if conversation is None:
        raise NotFoundError(missing)
    authorize(user, permission, conversation.user_id, not_found=missing)
    return conversation


@router.post("/chat", response_model=ChatOut, summary="상담 에이전트와 대화", responses=THROTTLED)
async def chat(body: ChatIn, request: Request, user: CurrentUser, agent: AgentDep, console: ConsoleDep,
               throttle: ThrottleDep) -> ChatOut:
    """메시지 하나를 상담 에이전트에 보냅니다. `session_id`를 주면 그 대화를 잇고, 없으면 새 대화를 시작합니다.
    메시지의 개인정보는 저장 전에 마스킹됩니다. 상담원이 대화를 인수한 동안에는 메시지가 상담원에게 전달되고
    `reply`는 비며 `staff`에 상담원이 있습니다. 계정별·주소별 요청 한도를 넘으면 429와 `Retry-After`로 답합니다."""
    if body.user_id is not None and body.user_id != user.user_id:
        raise ForbiddenError("다른 사용자로 대화할 수 없습니다. user_id를 빼거나 로그인한 계정의 id를 쓰세요.")
    count_turn(throttle, request, user)
    return await answer(request, agent, user, body.session_id, body.message, console=console)


@router.post("/conversations", status_code=201, response_model=ConversationOut, summary="새 대화 만들기",
             responses=THROTTLED)
def create_conversation(request: Request, user: CurrentUser, repo: RepoDep, throttle: ThrottleDep,
                        body: ConversationIn | None = None) -> ConversationOut:
    """빈 대화를 만듭니다. 제목의 개인정보는 마스킹되어 저장됩니다. 대화 요청 한도(429)를 함께 씁니다."""
    count_turn(throttle, request, user)
    title = (mask_pii(body.title) or "").strip() if body and body.title.strip() else ""
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


@router.post("/conversations/{conversation_id}/messages", response_model=ChatOut, summary="대화에 메시지 보내기",
             responses=THROTTLED)
async def post_message(conversation_id: ConversationId, body: MessageIn, request: Request, user: CurrentUser,
                       agent: AgentDep, console: ConsoleDep, throttle: ThrottleDep) -> ChatOut:
    """`/chat`과 같은 답을 줍니다. 대화의 주인만 쓸 수 있습니다. 상담원이 인수한 대화에서는 상담원에게
    전달됩니다. 대화 요청 한도(429)를 함께 씁니다."""
    count_turn(throttle, request, user)
    return await answer(request, agent, user, conversation_id, body.message, console=console)


@router.delete("/conversations/{conversation_id}", status_code=204, response_class=Response, summary="대화 삭제")
def delete_conversation(conversation_id: ConversationId, user: CurrentUser, repo: RepoDep) -> Response:
    """대화와 메시지를 지웁니다. 고객은 자기 대화만(다른 고객의 대화는 404), 상담원은 고객의 대화를 지울 수
    없습니다(403)."""
    conversation = readable_conversation(repo, user, conversation_id, Permission.DELETE_CONVERSATION)
    repo.delete_conversation(conversation.conversation_id)
    return Response(status_code=204)
