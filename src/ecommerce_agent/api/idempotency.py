"""``Idempotency-Key`` for unsafe POSTs: a retried request returns the first
result and changes nothing twice.

The first request claims the key in the shared state (atomically, so two racing
requests cannot both run), runs, and stores its response (2xx and 4xx alike).
A retry with the same key and body replays it; the same key with a different
body is refused (422); a retry while the first still runs gets 409.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import timedelta

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from ..domain.clock import utcnow
from ..errors import AppError
from .problems import problem, problem_for

MAX_KEY_LENGTH = 200


async def run_idempotent(request: Request, user_id: str, compute: Callable[[], tuple[int, object]],
                         ) -> JSONResponse:
    """Run ``compute() -> (status, body)`` at most once per (user, Idempotency-Key)."""
    from fastapi.concurrency import run_in_threadpool

    key = request.headers.get("idempotency-key")
    if key is None:
        return await run_in_threadpool(_respond, compute)
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        return problem(400, f"Idempotency-Key는 1~{MAX_KEY_LENGTH}자의 출력 가능한 문자여야 합니다.",
                       code="invalid_idempotency_key")
    state = request.app.state.shared
    hours = request.app.state.settings.api.idempotency_hours
    endpoint = f"{request.method} {request.url.path}"
    fingerprint = hashlib.sha256(endpoint.encode() + b"\n" + await request.body()).hexdigest()
    earlier = await run_in_threadpool(state.claim_idempotency, user_id, key, endpoint, fingerprint,
                                      utcnow(), timedelta(hours=hours))
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            return problem(422, "같은 Idempotency-Key를 다른 요청에 다시 쓸 수 없습니다.",
                           code="idempotency_key_reused")
        if earlier.status_code is None:
            return problem(409, "같은 Idempotency-Key의 요청이 아직 처리 중입니다. 잠시 후 다시 시도해 주세요.",
                           code="idempotency_in_progress", headers={"Retry-After": "1"})
        return JSONResponse(json.loads(earlier.body or "null"), status_code=earlier.status_code,
                            headers={"Idempotent-Replayed": "true"},
                            media_type=_media_type(earlier.status_code))
    try:
        response = await run_in_threadpool(_respond, compute)
    except BaseException:
        await run_in_threadpool(state.release_idempotency, user_id, key)
        raise
    if response.status_code >= 500:
        await run_in_threadpool(state.release_idempotency, user_id, key)
    else:
        await run_in_threadpool(state.complete_idempotency, user_id, key, response.status_code,
                                response.body.decode())
    return response


def _respond(compute: Callable[[], tuple[int, object]]) -> JSONResponse:
    try:
        status, body = compute()
    except AppError as exc:
        return problem_for(exc)
    if isinstance(body, JSONResponse):
        return body
    return JSONResponse(jsonable_encoder(body), status_code=status)


def _media_type(status: int) -> str:
    return "application/problem+json" if status >= 400 else "application/json"
