"""Liveness and health probes."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ... import __version__
from ...errors import StorageError

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process answers. Touches no dependency."""
    return {"status": "ok"}


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    """Component status; 503 when the database does not answer."""
    repo = request.app.state.repo
    start = time.perf_counter()
    database: dict[str, Any] = {"backend": repo.backend}
    try:
        await run_in_threadpool(repo.ping)
        database.update(status="ok", latency_ms=round((time.perf_counter() - start) * 1000, 2))
    except StorageError as exc:
        database.update(status="unavailable", error=exc.message)
    healthy = database["status"] == "ok"
    body = {"status": "healthy" if healthy else "unhealthy", "version": __version__,
            "components": {"database": database}}
    return JSONResponse(body, status_code=200 if healthy else 503)
