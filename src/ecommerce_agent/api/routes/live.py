"""What the shopper's page needs beyond plain JSON: replies streamed as they are
written, 예/아니요 on a pending action by its id, and the conversation's live
message stream (staff replies, notices) — all SSE.

The live stream polls the database (``ConsoleStore.messages_after``), not process
memory, so a message written by any gunicorn worker (a staff reply, a notice)
reaches a page connected to any other worker.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from fastapi.sse import EventSourceResponse, format_sse_event

from ...domain.clock import utcnow
from ...errors import AppError, ConflictError, ForbiddenError
from ..deps import AgentDep, ConsoleDep, CurrentUser, RepoDep, ThrottleDep
from ..problems import problem, problem_for
from ..roles import Permission
from ..schemas import AssigneeOut, ChatIn, ChatOut, MessageOut
from ..idempotency import run_once
from .chat import THROTTLED, ConversationId, answer, answer_now, count_turn, readable_conversation

router = APIRouter(tags=["chat"])
SSE = {200: {"description": "text/event-stream (SSE)", "content": {"text/event-stream": {"schema": {"type": "string"}}}}}
POLL_SECONDS = 0.5
PING_SECONDS = 10
_PIECE = re.compile(r"\S+\s*|\s+")
ANSWERS = {"confirm": "네", "decline": "아니요"}


@router.post("/chat/stream", responses={**SSE, **THROTTLED}, summary="답변을 SSE로 받기")
async def chat_stream(body: ChatIn, request: Request, user: CurrentUser, agent: AgentDep, console: ConsoleDep,
                      throttle: ThrottleDep) -> EventSourceResponse:
    """`/chat`과 같은 한 턴을 SSE로 돌려줍니다: 답변이 몇 단어씩 `delta` 이벤트(`{"text": …}`)로 오고,
    마지막에 `turn` 이벤트로 `/chat`과 같은 응답 본문 전체(카드, 인용, pending_action 포함)가 옵니다.
    오류는 스트림을 열기 전에 문제 상세(4xx/5xx)로 응답합니다."""
    if body.user_id is not None and body.user_id != user.user_id:
        raise ForbiddenError("다른 사용자로 대화할 수 없습니다. user_id를 빼거나 로그인한 계정의 id를 쓰세요.")
    count_turn(throttle, request, user)  # the same limits as /chat
    result = await answer(request, agent, user, body.session_id, body.message, console=console)
    return EventSourceResponse(_typed(result), headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _typed(result: ChatOut) -> AsyncIterator[bytes]:
    pieces = _PIECE.findall(result.reply)
    for start in range(0, len(pieces), 3):
        yield _event("delta", {"text": "".join(pieces[start:start + 3])})
    yield _event("turn", jsonable_encoder(result))


def _event(name: str, data: Any, event_id: int | None = None) -> bytes:
    return format_sse_event(data_str=json.dumps(data, ensure_ascii=False), event=name,
                            id=None if event_id is None else str(event_id))


@router.post("/conversations/{conversation_id}/actions/{action_id}/{answer_kind}", response_model=ChatOut,
             summary="기다리는 요청에 예/아니요로 답하기")
async def answer_action(conversation_id: ConversationId,
                        action_id: Annotated[str, Path(min_length=1, max_length=40, description="pending_action.id")],
                        answer_kind: Literal["confirm", "decline"], request: Request, user: CurrentUser,
                        agent: AgentDep, console: ConsoleDep, throttle: ThrottleDep) -> JSONResponse:
    """`pending_action.id`로 그 요청 하나에만 예(`confirm`)/아니요(`decline`)를 답합니다. 그 요청이 더 이상
    기다리는 요청이 아니면(이미 처리됨, 다른 요청으로 바뀜) 409 `action_not_pending`이고 아무것도 바뀌지
    않습니다. 같은 버튼을 두 번 눌러도 한 번만 처리되고, 두 번째 요청은 첫 응답을 그대로 돌려받습니다
    (처리 중이면 409 `idempotency_in_progress`)."""
    count_turn(throttle, request, user)  # a click is a chat turn: the same limits
    key = f"pending-action:{conversation_id}:{action_id}"
    endpoint = f"POST /conversations/{{id}}/actions/{{action_id}}/{answer_kind}"
    fingerprint = hashlib.sha256(f"{endpoint}\n{answer_kind}".encode()).hexdigest()

    def compute() -> tuple[int, object]:  # a 409 (no longer pending) is recorded too: it answers every repeat
        return 200, answer_now(agent, user, conversation_id, ANSWERS[answer_kind], console=console,
                               expect_pending=action_id)

    # The claim of this click, the action and the recorded answer commit together (api/idempotency.py)
    response = await run_in_threadpool(
        run_once, request.app.state.repo, compute, user_id=user.user_id, key=key, endpoint=endpoint,
        fingerprint=fingerprint, ttl=timedelta(days=1),
        lease=timedelta(seconds=request.app.state.settings.api.idempotency_lease_seconds))
    if response.status_code == 422:  # 예 after 아니요 (or the reverse) on the same request
        return problem(409, "이 요청에는 이미 답하셨습니다.", code="action_not_pending")
    return response


@router.get("/conversations/{conversation_id}/events", responses=SSE, summary="대화의 새 메시지를 실시간으로 받기")
async def conversation_events(conversation_id: ConversationId, request: Request, user: CurrentUser,
                              repo: RepoDep, console: ConsoleDep,
                              after: Annotated[int, Query(ge=0, description="이미 받은 마지막 message_id")] = 0,
                              ) -> EventSourceResponse:
    """대화에 새로 저장되는 메시지(상담원 답변, 안내, 에이전트 답변)를 `message` 이벤트(MessageOut)로, 응대하는
    상담원이 바뀌면 `assignee` 이벤트(`{"assignee": AssigneeOut | null}`)로 보냅니다. 데이터베이스를 통해
    전달되므로 어느 서버 프로세스에 연결해도 같습니다. 요청 시간 제한 전에 스트림을 닫으니, 마지막
    message_id를 `after`로 주고 다시 연결하세요. 고객은 자기 대화만(다른 고객의 대화는 404), 상담원은 모든 대화."""
    conversation = await run_in_threadpool(readable_conversation, repo, user, conversation_id, Permission.READ)
    limit = max(1.0, request.app.state.settings.api.request_timeout_seconds - 2)
    return EventSourceResponse(_events(request, console, conversation.conversation_id, after, limit),
                               headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _events(request: Request, console: Any, conversation_id: str, after: int,
                  seconds: float) -> AsyncIterator[bytes]:
    until = time.monotonic() + seconds
    pinged = time.monotonic()
    last_assignee: Any = ...
    while time.monotonic() < until and not await request.is_disconnected():
        try:
            assignment = await run_in_threadpool(console.assignment, conversation_id)
            new = await run_in_threadpool(console.messages_after, conversation_id, after)
        except AppError as exc:
            yield _event("error", {"detail": exc.message})
            return
        assignee = AssigneeOut.of(assignment)
        if last_assignee is ... or assignee != last_assignee:
            last_assignee = assignee
            yield _event("assignee", {"assignee": jsonable_encoder(assignee)})
        for message in new:
            after = message.message_id
            yield _event("message", jsonable_encoder(MessageOut.of(message)), message.message_id)
        if time.monotonic() - pinged > PING_SECONDS:  # keeps proxies from closing an idle stream
            pinged = time.monotonic()
            yield format_sse_event(comment="ping")
        await asyncio.sleep(POLL_SECONDS)  # the poll interval of the database-backed stream
