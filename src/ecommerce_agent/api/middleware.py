"""Pure ASGI middleware: request body limit, valid Unicode in JSON bodies and a
per-request time limit."""

from __future__ import annotations

import asyncio
import json
import re

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import problem


async def _send_problem(send: Send, status: int, title: str, detail: str, code: str) -> None:
    body = json.dumps({"type": f"https://docs.ecommerce-agent.local/problems/{code}", "title": title,
                       "status": status, "detail": detail, "code": code}, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/problem+json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    """Refuse bodies over ``max_bytes`` with 413, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope.get("headers", [])).get(b"content-length")
        detail = f"요청 본문은 최대 {self.max_bytes:,}바이트까지 받을 수 있습니다."
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            return await _send_problem(send, 413, "요청 본문이 너무 큽니다", detail, "body_too_large")
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    # An HTTPException passes through FastAPI's body parsing to the
                    # problem handler; if nobody renders it, we do below.
                    raise HTTPException(413)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except HTTPException as exc:
            if exc.status_code != 413 or started:
                raise
            await _send_problem(send, 413, "요청 본문이 너무 큽니다", detail, "body_too_large")


INVALID_UNICODE = ("요청 본문에 올바르지 않은 유니코드 문자가 있습니다 (짝이 없는 서로게이트, 예: \\ud800). "
                   "UTF-8로 표현할 수 있는 문자만 보내 주세요.")
# An escaped UTF-16 surrogate (\ud800-\udfff) in JSON text; pairs are fine, lone ones are not.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _has_lone_surrogate(value: object) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _lone_surrogate_in_json(body: bytes) -> bool:
    try:
        return _has_lone_surrogate(json.loads(body))
    except (ValueError, RecursionError):
        return False  # not JSON: the route's own parsing answers 422


class ValidUnicode:
    """Refuse (400 ``invalid_unicode``) a JSON body whose strings hold a lone UTF-16
    surrogate: JSON's ``\\ud800`` escape parses, but no UTF-8 text can hold the
    result, so the first encoder downstream (tokeniser, database, log line) would
    fail with a 500. Checked once here for every route; the body (already capped
    by ``BodyLimit``) is read in full and handed on unchanged."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: pass that on
                return await self.app(scope, _replay(message, receive), send)
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _SURROGATE_ESCAPE.search(body) and _lone_surrogate_in_json(body):
            response = problem(400, INVALID_UNICODE, code="invalid_unicode",
                               openai=scope.get("path", "").startswith("/v1/"))
            return await response(scope, receive, send)
        await self.app(scope, _replay({"type": "http.request", "body": body, "more_body": False}, receive),
                       send)


def _replay(first: Message, receive: Receive) -> Receive:
    """A ``receive`` that returns ``first`` (what was already read), then defers to the real one."""
    pending: list[Message] = [first]

    async def replay() -> Message:
        return pending.pop() if pending else await receive()

    return replay


class Timeout:
    """Answer 504 when a request takes longer than ``seconds`` (streaming responses
    that have started are left alone)."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app, self.seconds = app, seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await asyncio.wait_for(self.app(scope, receive, tracking_send), self.seconds)
        except TimeoutError:
            if not started:
                await _send_problem(send, 504, "처리 시간이 초과되었습니다",
                                    f"요청이 {self.seconds:g}초 안에 끝나지 않았습니다. 잠시 후 다시 시도해 주세요.",
                                    "timeout")
