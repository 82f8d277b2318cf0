"""An OpenAI-compatible face of the agent: `GET /v1/models`, `POST /v1/chat/completions`.

Chat front ends (Open WebUI, LibreChat) and the official ``openai`` client send
the whole message list each time; the agent keeps its own state, so only the
last user message is answered, in a conversation keyed by the
``X-Conversation-Id`` (or ``X-Session-Id``) header, else the ``user`` field,
else one default conversation per account. System prompts from the client are
ignored on purpose: the agent's rules are not negotiable by a request.
Auth: an API key from ``openai_compat.api_keys`` or a login token (Bearer).
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.sse import EventSourceResponse, format_sse_event
from pydantic import BaseModel, ConfigDict, Field

from ...domain.clock import utcnow
from ...domain.users import User
from ...errors import AuthError, BadRequestError, ConflictError, NotFoundError
from ...storage.base import Repository
from ..deps import AgentDep, RepoDep, SettingsDep, ThrottleDep, TokensDep, bind_user, token_user
from ..schemas import MESSAGE_MAX
from .chat import THROTTLED, answer, count_turn

router = APIRouter(prefix="/v1", tags=["openai-compatible"])
_bearer = HTTPBearer(auto_error=False, description="openai_compat.api_keys의 API 키 또는 access_token")
CONVERSATION_HEADERS = ("x-conversation-id", "x-session-id")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_PIECE = re.compile(r"\S+\s*")


# -- request and response shapes (the subset of the OpenAI protocol we serve) --

class _Open(BaseModel):
    # Clients send many optional fields (temperature, top_p, tools, ...); they are accepted and ignored.
    model_config = ConfigDict(extra="allow")


class ContentPart(_Open):
    type: str = Field(max_length=40)
    text: str | None = None


class ChatMessage(_Open):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class StreamOptions(_Open):
    include_usage: bool = True


class CompletionIn(_Open):
    model: str = Field(min_length=1, max_length=128, examples=["ecommerce-agent"])
    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    stream: bool = False
    stream_options: StreamOptions | None = None
    user: str | None = Field(None, max_length=256, description="Keys the conversation when no header does.")
    n: int = Field(1, ge=1, le=1, description="Only one choice is produced.")


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int

    @classmethod
    def of(cls, prompt: str, completion: str) -> Usage:
        prompt_tokens, completion_tokens = _tokens(prompt), _tokens(completion)
        return cls(prompt_tokens=prompt_tokens, completion_tokens=completion_tokens,
                   total_tokens=prompt_tokens + completion_tokens)


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class CompletionOut(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    ecommerce_agent: dict[str, Any] = Field(
        description="The agent's structured answer: session_id, intent, pending_action, cards, citations, handoff.")


class ModelOut(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelsOut(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelOut]


# -- auth ----------------------------------------------------------------------

def _caller(request: Request, repo: RepoDep, tokens: TokensDep,
            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> User:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise AuthError("API 키 또는 로그인 토큰이 필요합니다 (Authorization: Bearer …).")
    keys = request.app.state.api_keys
    entry = keys.entry(credentials.credentials)
    if entry is None:
        if credentials.credentials.count(".") != 2:  # not a JWT either: an unknown key
            raise AuthError("API 키가 올바르지 않습니다.", code="invalid_api_key")
        return bind_user(request, token_user(tokens.verify(credentials.credentials, "access"), repo))
    user = keys.account(entry, repo)
    if user is None:
        raise AuthError("이 API 키에 연결된 계정을 찾을 수 없습니다. 설정(openai_compat.api_keys)을 확인하세요.",
                        code="invalid_api_key")
    return bind_user(request, user)


Caller = Annotated[User, Depends(_caller)]


# -- routes --------------------------------------------------------------------

@router.get("/models", response_model=ModelsOut)
def list_models(settings: SettingsDep, caller: Caller) -> ModelsOut:
    return ModelsOut(data=[ModelOut(id=settings.openai_compat.model, created=0, owned_by="ecommerce-agent")])


@router.post("/chat/completions", response_model=CompletionOut, summary="OpenAI 호환 채팅 완성", responses={
    200: {"description": "`stream: true`이면 SSE(text/event-stream) 청크, 마지막에 usage 청크와 `data: [DONE]`",
          "content": {"text/event-stream": {"schema": {"type": "string"}}}}, **THROTTLED})
async def chat_completions(body: CompletionIn, request: Request, caller: Caller, repo: RepoDep,
                           agent: AgentDep, settings: SettingsDep, throttle: ThrottleDep,
                           x_conversation_id: Annotated[str | None, Header(max_length=256)] = None,
                           x_session_id: Annotated[str | None, Header(max_length=256)] = None,
                           ) -> Any:
    """OpenAI 채팅 완성 형식으로 상담 에이전트에 묻습니다. 마지막 사용자 메시지에만 답하고, 대화는
    `X-Conversation-Id`(또는 `X-Session-Id`) 헤더, `user` 필드, 계정 기본 대화 순으로 정해집니다.
    메시지의 개인정보는 저장 전에 마스킹됩니다. `/chat`과 같은 요청 한도(429, `Retry-After`)를 씁니다."""
    model = settings.openai_compat.model
    if body.model != model:
        raise NotFoundError(f"모델 '{body.model[:64]}'을(를) 찾을 수 없습니다. 사용할 수 있는 모델: {model}",
                            code="model_not_found")
    message = _last_user_message(body.messages)
    count_turn(throttle, request, caller)  # the same limits as /chat: one turn each
    key = x_conversation_id or x_session_id or body.user or "default"
    session_id = await run_in_threadpool(_conversation_for, repo, caller, key)  # database work off the loop
    result = await answer(request, agent, caller, session_id, message)
    completion_id = f"chatcmpl-{result.trace_id}"
    created = int(time.time())
    usage = Usage.of(message, result.reply)
    extra = {k: v for k, v in result.model_dump().items() if k != "reply"}
    if not body.stream:
        return CompletionOut(id=completion_id, created=created, model=model, usage=usage, ecommerce_agent=extra,
                             choices=[Choice(message=AssistantMessage(content=result.reply))])
    include_usage = body.stream_options.include_usage if body.stream_options else True
    return EventSourceResponse(_stream(completion_id, created, model, result.reply, usage, extra, include_usage),
                               headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


async def _stream(completion_id: str, created: int, model: str, reply: str, usage: Usage,
                  extra: dict[str, Any], include_usage: bool) -> AsyncIterator[bytes]:
    def chunk(delta: dict[str, Any] | None, finish: str | None = None, **more: Any) -> bytes:
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish,
                                                      "logprobs": None}], **more}
        return format_sse_event(data_str=json.dumps(data, ensure_ascii=False))

    yield chunk({"role": "assistant", "content": ""})
    pieces = _PIECE.findall(reply) or [reply]
    for start in range(0, len(pieces), 4):  # a few words per chunk, as a typing front end expects
        yield chunk({"content": "".join(pieces[start:start + 4])})
    yield chunk({}, "stop", ecommerce_agent=extra)
    if include_usage:
        yield chunk(None, usage=usage.model_dump())
    yield format_sse_event(data_str="[DONE]")


def _last_user_message(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            text = message.text().strip()
            if not text:
                raise BadRequestError("마지막 사용자 메시지가 비어 있습니다.")
            if len(text) > MESSAGE_MAX:
                raise BadRequestError(f"메시지는 {MESSAGE_MAX:,}자 이하로 보내 주세요.")
            return text
    raise BadRequestError("사용자(role: user) 메시지가 없습니다.")


def _conversation_for(repo: Repository, user: User, key: str) -> str:
    """The conversation a client key names: one of the caller's own conversation ids,
    or an id derived from (user, key), created on first use."""
    own = repo.get_conversation(key) if key.startswith("CNV-") else None
    if own is not None and own.user_id == user.user_id:
        return own.conversation_id
    derived = "CNV-" + hashlib.sha256(f"{user.user_id}\0{key}".encode()).hexdigest()[:20].upper()
    if repo.get_conversation(derived) is None:
        try:
            repo.create_conversation(user.user_id, now=utcnow(), conversation_id=derived)
        except ConflictError:
            pass  # a concurrent request created it first
    return derived


def _tokens(text: str) -> int:
    """A deterministic token estimate (words and punctuation): no LLM tokenizer is involved."""
    return len(_TOKEN.findall(text))
