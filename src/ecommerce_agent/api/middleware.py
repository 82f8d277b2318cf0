"""Pure ASGI middleware: request body limit and a per-request time limit."""

from __future__ import annotations

import asyncio
import json

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send


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
