"""Per-request context: request id (``X-Request-ID`` in and out), the access log
line, and the HTTP metrics labelled by route template."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import metrics
from .logging import request_id_var, user_id_var

log = logging.getLogger("ecommerce_agent.access")
_VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
UNMATCHED = "unmatched"  # one label for every path no route knows: keeps the label set bounded
METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})


class RequestContext:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = dict(scope.get("headers", [])).get(b"x-request-id", b"").decode("latin-1")
        request_id = given if _VALID_ID.match(given) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        user_token = user_id_var.set(None)
        status = 500
        start = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            endpoint = getattr(route, "path", None) or UNMATCHED
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            metrics.http_requests_total.labels(method, endpoint, str(status)).inc()
            metrics.http_request_duration_seconds.labels(method, endpoint).observe(elapsed)
            user_id = scope.get("state", {}).get("user_id")
            if endpoint not in ("/metrics", "/healthz", "/ready"):
                log.info("%s %s %d", scope["method"], endpoint, status,
                         extra={"event": "http_request", "method": scope["method"], "endpoint": endpoint,
                                "status": status, "duration_ms": round(elapsed * 1000, 2),
                                "user_id": user_id})
            request_id_var.reset(token)
            user_id_var.reset(user_token)
