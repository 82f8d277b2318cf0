"""Talking to the agent: `/chat` and the conversations it keeps.

The shopper is always the token's subject: a conversation of another user is
404 (its existence is not revealed) and a ``user_id`` in the body that is not
the caller's is refused.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from ...agent.runner import Agent
from ...domain.clock import utcnow
from ...domain.conversations import Conversation
from ...domain.users import User
from ...errors import ForbiddenError, NotFoundError
from ...storage.base import Repository
from ..deps import AgentDep, CurrentUser, RepoDep, ThrottleDep
from ..masking import mask_pii
from ..schemas import (ChatIn, ChatOut, ConversationDetailOut, ConversationIn, ConversationOut,
                       ConversationsOut, MessageIn, MessageOut, problem_response)
from ..throttle import Throttle, client_address

router = APIRouter(tags=["chat"])
ConversationId = Annotated[str, Path(min_length=1, max_length=40, description="예: CNV-3F2A…")]


async def answer(agent: Agent, user: User, session_id: str | None, message: str) -> ChatOut:
    """One turn through the agent (blocking work: database, models) off the event loop."""
    turn = await run_in_threadpool(agent.handle, user, session_id, message)
    return ChatOut(**turn.public())


def count_turn(throttle: Throttle, request: Request, user: User) -> None:
    """One chat turn (or new conversation) against the caller's and the address's limits."""
    throttle.check(chat_user=user.user_id, chat_ip=client_address(request))


THROTTLED: dict[int | str, dict[str, object]] = {429: problem_response(
    429, "요청이 너무 많습니다 (계정별·주소별 대화 한도, `rate_limits.chat_per_user`·`chat_per_ip`). "
         "`Retry-After` 헤더의 초만큼 기다린 뒤 다시 보내 주세요.")}


def readable_conversation(repo: Repository, user: User, conversation_id: str) -> Conversation:
    conversation = repo.get_conversation(conversation_id)
    if conversation is None or not user.can_read(conversation.user_id):
        raise NotFoundError("대화를 찾을 수 없습니다.")
    return conversation


@router.post("/chat", response_model=ChatOut, summary="상담 에이전트와 대화", responses=THROTTLED)
async def chat(body: ChatIn, request: Request, user: CurrentUser, agent: AgentDep,
               throttle: ThrottleDep) -> ChatOut:
    """메시지 하나를 상담 에이전트에 보냅니다. `session_id`를 주면 그 대화를 잇고, 없으면 새 대화를 시작합니다.
    메시지의 개인정보는 저장 전에 마스킹됩니다. 계정별·주소별 요청 한도를 넘으면 429와 `Retry-After`로 답합니다."""
    if body.user_id is not None and body.user_id != user.user_id:
        raise ForbiddenError("다른 사용자로 대화할 수 없습니다. user_id를 빼거나 로그인한 계정의 id를 쓰세요.")
    count_turn(throttle, request, user)
    return await answer(agent, user, body.session_id, body.message)


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
def get_conversation(conversation_id: ConversationId, user: CurrentUser, repo: RepoDep,
                     limit: Annotated[int, Query(ge=1, le=500)] = 200) -> ConversationDetailOut:
    """The conversation and its last `limit` messages (PII-masked), oldest first."""
    conversation = readable_conversation(repo, user, conversation_id)
    messages = repo.list_messages(conversation.conversation_id, limit=limit)
    return ConversationDetailOut(**ConversationOut.of(conversation).model_dump(),
                                 messages=[MessageOut.of(m) for m in messages])


@router.post("/conversations/{conversation_id}/messages", response_model=ChatOut, summary="대화에 메시지 보내기",
             responses=THROTTLED)
async def post_message(conversation_id: ConversationId, body: MessageIn, request: Request, user: CurrentUser,
                       agent: AgentDep, throttle: ThrottleDep) -> ChatOut:
    """`/chat`과 같은 답을 줍니다. 대화의 주인만 쓸 수 있습니다. 대화 요청 한도(429)를 함께 씁니다."""
    count_turn(throttle, request, user)
    return await answer(agent, user, conversation_id, body.message)


@router.delete("/conversations/{conversation_id}", status_code=204, response_class=Response)
def delete_conversation(conversation_id: ConversationId, user: CurrentUser, repo: RepoDep) -> Response:
    conversation = readable_conversation(repo, user, conversation_id)
    repo.delete_conversation(conversation.conversation_id)
    return Response(status_code=204)
