"""``Idempotency-Key`` for unsafe POSTs: a retried request returns the first
result and changes nothing twice.

The claim of the key, the write and the stored response commit in ONE database
transaction (``Repository.atomic``, ``storage/idempotency.py``): after a crash a
key is either completed, and its response replayed, or absent, and a retry runs
anew; it is never stranded "in progress". A retry while the first request still
runs waits for it (at most ``api.idempotency_lease_seconds``, else 409 with
Retry-After) and then replays it. The same key with a different body is refused
(422). Responses are stored for 2xx and 4xx; a 5xx leaves nothing behind.
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
from ..errors import AppError, ConflictError
from ..storage.base import Repository
from ..storage.idempotency import IN_PROGRESS
from .problems import problem, problem_for

MAX_KEY_LENGTH = 200


class _Discard(Exception):
    """A 5xx: roll the unit back (the claim too) and answer with it."""

    def __init__(self, response: JSONResponse) -> None:
        self.response = response


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
    api = request.app.state.settings.api
    endpoint = f"{request.method} {request.url.path}"
    fingerprint = hashlib.sha256(endpoint.encode() + b"\n" + await request.body()).hexdigest()
    return await run_in_threadpool(
        _once, request.app.state.repo, compute, user_id=user_id, key=key, endpoint=endpoint,
        fingerprint=fingerprint, ttl=timedelta(hours=api.idempotency_hours),
        lease=timedelta(seconds=api.idempotency_lease_seconds))


def _once(repo: Repository, compute: Callable[[], tuple[int, object]], *, user_id: str, key: str,
          endpoint: str, fingerprint: str, ttl: timedelta, lease: timedelta) -> JSONResponse:
    """Claim, run and record in one unit of work (one thread: the unit is per thread)."""
    try:
        with repo.atomic(eager=True):
            earlier = repo.claim_idempotency(user_id, key, endpoint, fingerprint, now=utcnow(), ttl=ttl,
                                             lease=lease)
            if earlier is not None:
                if earlier.fingerprint != fingerprint:
                    return problem(422, "같은 Idempotency-Key를 다른 요청에 다시 쓸 수 없습니다.",
                                   code="idempotency_key_reused")
                if earlier.status_code is None:
                    return _in_progress(lease)
                return JSONResponse(json.loads(earlier.body or "null"), status_code=earlier.status_code,
                                    headers={"Idempotent-Replayed": "true"},
                                    media_type=_media_type(earlier.status_code))
            response = _respond(compute)
            if response.status_code >= 500:
                raise _Discard(response)
            repo.complete_idempotency(user_id, key, response.status_code, bytes(response.body).decode())
            return response
    except _Discard as discarded:
        return discarded.response
    except ConflictError as exc:
        if exc.code == IN_PROGRESS:
            return _in_progress(lease)
        raise


def _in_progress(lease: timedelta) -> JSONResponse:  # noqa: ARG001 - the wait is over; retry soon
    return problem(409, "같은 Idempotency-Key의 요청이 아직 처리 중입니다. 잠시 후 다시 시도해 주세요.",
                   code=IN_PROGRESS, headers={"Retry-After": "1"})


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
