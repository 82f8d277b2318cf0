"""Probes and metrics: `/healthz` (liveness), `/health` (components), `/ready`, `/metrics`."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from ... import __version__
from ...errors import AppError
from ...observability import metrics
from ..problems import problem

router = APIRouter(tags=["health"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """Liveness: the process answers. Touches no dependency."""
    return {"status": "ok"}


def _timed(check: Callable[[], Any]) -> dict[str, Any]:
    start = time.perf_counter()
    try:
        check()
    except AppError as exc:
        return {"status": "unavailable", "error": exc.message}
    except Exception as exc:  # noqa: BLE001 - a probe reports, it does not crash
        return {"status": "unavailable", "error": type(exc).__name__}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - start) * 1000, 2)}


def components(request: Request) -> dict[str, dict[str, Any]]:
    """Each component's status. ``app.state.health_checks`` lets later layers (search
    index, LLM) add theirs: name -> () -> dict with at least ``status``."""
    state = request.app.state
    found = {"database": {"backend": state.repo.backend, **_timed(state.repo.ping)}}
    if state.settings.redis.url:
        found["redis"] = _timed(state.shared.ping)
    for name, check in getattr(state, "health_checks", {}).items():
        found[name] = check()
    return found


@router.get("/health")
async def health(request: Request) -> JSONResponse:
    """Component status: 503 when a required component (database) is down,
    "degraded" when an optional one is."""
    found = await run_in_threadpool(components, request)
    if found["database"]["status"] != "ok" or found.get("redis", {}).get("status", "ok") != "ok":
        status = "unhealthy"
    elif any(c["status"] not in ("ok", "disabled") for c in found.values()):
        status = "degraded"
    else:
        status = "healthy"
    body = {"status": status, "version": __version__, "components": found}
    return JSONResponse(body, status_code=503 if status == "unhealthy" else 200)


@router.get("/ready")
async def ready(request: Request) -> JSONResponse:
    """Readiness: the database answers and every required component is loaded."""
    found = await run_in_threadpool(components, request)
    required = ["database", *getattr(request.app.state, "required_components", ())]
    missing = [f"{name}: {found.get(name, {}).get('error') or found.get(name, {}).get('status', 'missing')}"
               for name in required if found.get(name, {}).get("status") != "ok"]
    if missing:
        reason = "; ".join(missing)
        return problem(503, f"준비되지 않았습니다: {reason}", code="not_ready", reason=reason)
    return JSONResponse({"status": "ready"})


@router.get("/metrics", include_in_schema=False)
async def metrics_endpoint(request: Request) -> Response:
    """Prometheus exposition (all workers under gunicorn)."""
    activity = getattr(request.app.state, "activity", None)
    if activity is not None:
        try:
            metrics.active_users.set(await run_in_threadpool(activity.count))
        except AppError:
            pass  # the gauge keeps its last value; /health reports the storage problem
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
