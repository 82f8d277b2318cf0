"""Every error is an RFC 9457 problem body: ``type``, ``title``, ``status``,
``detail`` (plus ``code`` and, for 422, ``errors``); never a stack trace."""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import AppError, RateLimitedError

log = logging.getLogger(__name__)
MEDIA_TYPE = "application/problem+json"
RETRY_AFTER_UNAVAILABLE = 5  # seconds; a restarted database or Redis is back within that
TYPE_BASE = "https://docs.ecommerce-agent.local/problems/"

TITLES = {
    400: "잘못된 요청입니다", 401: "인증이 필요합니다", 403: "권한이 없습니다", 404: "찾을 수 없습니다",
    405: "허용되지 않는 메서드입니다", 409: "요청을 처리할 수 없는 상태입니다", 413: "요청 본문이 너무 큽니다",
    415: "지원하지 않는 형식입니다", 422: "입력값이 올바르지 않습니다", 429: "요청이 너무 많습니다",
    500: "서버 내부 오류입니다", 503: "일시적으로 서비스를 사용할 수 없습니다", 504: "처리 시간이 초과되었습니다",
}

HTTP_DETAILS = {
    404: "요청한 주소를 찾을 수 없습니다. API 문서(/docs)를 확인해 주세요.",
    405: "이 주소에서 허용되지 않는 HTTP 메서드입니다.",
    413: "요청 본문이 허용된 크기(api.max_body_bytes)보다 큽니다.",
}
CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
         405: "method_not_allowed", 409: "conflict", 413: "body_too_large", 415: "unsupported_media_type",
         422: "validation_error", 429: "rate_limited", 500: "internal_error", 503: "service_unavailable",
         504: "timeout"}


def problem(status: int, detail: str, *, code: str | None = None, title: str | None = None,
            headers: dict[str, str] | None = None, openai: bool = False, **extra: Any) -> JSONResponse:
    """``openai``: also the ``error`` object OpenAI clients read (``error.message``)."""
    code = code or CODES.get(status, "error")
    body = {"type": TYPE_BASE + code, "title": title or TITLES.get(status, "오류"), "status": status,
            "detail": detail, "code": code, **extra}
    if openai:
        kind = ("authentication_error" if status == 401 else "permission_error" if status == 403 else
                "rate_limit_error" if status == 429 else "api_error" if status >= 500 else "invalid_request_error")
        body["error"] = {"message": detail, "type": kind, "code": code, "param": None}
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def problem_for(exc: AppError, *, openai: bool = False) -> JSONResponse:
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimitedError) else None
    if exc.http_status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    elif exc.http_status == 503:  # a dependency is down (database, Redis, the agent): come back soon
        headers = {"Retry-After": str(RETRY_AFTER_UNAVAILABLE)}
    status = exc.http_status if exc.http_status >= 400 else 500
    return problem(status, exc.message, code=exc.code, headers=headers, openai=openai)


def _openai(request: Request) -> bool:
    """Errors of the OpenAI-compatible layer (``/v1/*``) carry the OpenAI error object too."""
    return request.url.path.startswith("/v1/")


def _allowed_methods(request: Request) -> list[str]:
    """Every documented method of the path, across routes: the router alone would name
    only the first route that matched (``GET`` and ``POST`` of one path are two routes)."""
    app = request.app
    table = getattr(app.state, "allowed_methods", None)
    if table is None:
        table = [(re.compile("^" + re.sub(r"\\{[^}/]+\\}", "[^/]+", re.escape(path)) + "$"),
                  sorted(m.upper() for m in operations))
                 for path, operations in app.openapi().get("paths", {}).items()]
        app.state.allowed_methods = table
    return sorted({m for pattern, methods in table if pattern.match(request.url.path) for m in methods})


def install(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        if exc.http_status >= 500:
            log.error("request failed: %s", exc.message)
        return problem_for(exc, openai=_openai(request))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        # Never echo the input back: it may hold a password or personal data.
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        where = ", ".join(".".join(e["loc"][1:] or e["loc"]) for e in errors[:3])
        return problem(422, f"입력값을 확인해 주세요: {where}", code="validation_error", errors=errors,
                       openai=_openai(request))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Raised by the framework only (routing, methods); our code raises AppError.
        detail = HTTP_DETAILS.get(exc.status_code, TITLES.get(exc.status_code, "요청을 처리할 수 없습니다."))
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(_allowed_methods(request))}
        return problem(exc.status_code, detail, headers=headers, openai=_openai(request))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem(500, "요청을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.", code="internal_error",
                       openai=_openai(request))
