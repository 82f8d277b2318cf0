"""The FastAPI application factory and its lifespan.

Nothing is built at import time: ``create_app(settings)`` builds an app whose
lifespan opens the repository and the shared state and keeps them on
``app.state``, so every test gets its own database. ``app`` (what ``api.py``
and ``gunicorn api:app`` use) is created on first access, from the
environment's settings.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.middleware.cors import CORSMiddleware

from .. import __version__
from ..agent.llm.config import LlmConfig
from ..config import Settings, load_settings
from ..demo.accounts import refuse_demo_accounts
from ..errors import AppError
from ..storage import open_repository
from ..storage.console import open_console_store
from ..storage.locking import DatabaseInUse
from ..storage.sql import SqlRepository
from ..storage.state import MemoryState, RedisState, SharedState, SqlState
from ..observability import metrics
from ..observability.logging import configure as configure_logging, set_redactor
from ..observability.requests import RequestContext
from . import docs_pages, problems
from .activity import ActivityTracker
from .apikeys import ApiKeys
from .emptiness import DataCheck
from .index_reload import FollowIndexGeneration, IndexFollower, reload_on_sighup
from .masking import mask_pii
from .middleware import BodyLimit, Timeout, ValidUnicode
from .parts import Parts, load_parts
from .routes import auth, chat, console, health, live, openai_compat, orders, search, tickets, web
from .startup import check_settings
from .throttle import open_throttle
from .tokens import TokenService


def open_shared_state(settings: Settings, repo: object) -> SharedState:
    """Redis when configured, else the SQL database, else (CSV: one worker) memory."""
    if settings.redis.url:
        return RedisState(settings.redis.url)
    if isinstance(repo, SqlRepository):
        return SqlState(repo.engine, repo.backend)
    return MemoryState()


def _agent_checks(settings: Settings, parts: Parts, llm_config: LlmConfig) -> dict[str, Callable[[], dict]]:
    """The agent's health checks (agent, llm). Without its language model the rest of
    the API still serves; chat answers 503 and `/health` and `/ready` say why."""
    if parts.agent is None:
        reason = parts.agent_error
        return {"agent": lambda: {"status": "unavailable", "error": reason}, "llm": llm_config.disabled_health}
    return {"agent": lambda: {"status": "ok", "nlu_model": str(settings.nlu.model_dir)},
            "llm": parts.agent.llm_health}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    secret, llm_config = check_settings(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        configure_logging(settings.logging.level, settings.logging.file,
                          max_bytes=settings.logging.max_bytes, backup_count=settings.logging.backup_count)
        set_redactor(mask_pii)  # the last line of defence: no log line keeps a phone or card number
        in_use = None
        if settings.storage.backend == "sqlite":
            # Held for the process's life: `restore` refuses while any server runs.
            in_use = DatabaseInUse(settings.storage.sqlite.database)
            in_use.acquire()
        try:
            repo = open_repository(settings, observer=metrics.observe_query)
        except BaseException:
            if in_use is not None:
                in_use.release()
            raise
        try:
            refuse_demo_accounts(settings, repo)  # also when started without `serve` or gunicorn's check
            if settings.storage.backend == "csv":
                # The single-writer rule: a second worker cannot take the lock and stops here.
                repo.acquire_writer()  # type: ignore[attr-defined]
            shared = open_shared_state(settings, repo)
            app.state.settings = settings
            app.state.repo = repo
            app.state.shared = shared
            app.state.console = open_console_store(repo)
            app.state.activity = ActivityTracker(shared)
            app.state.throttle = open_throttle(settings, repo)
            parts = load_parts(settings, llm_config)  # preloaded by the gunicorn master, else loaded now
            app.state.search = parts.search
            app.state.agent = parts.agent.agent(repo) if parts.agent is not None else None  # type: ignore[arg-type]
            agent_checks = _agent_checks(settings, parts, llm_config)
            app.state.api_keys = ApiKeys(settings.openai_compat.api_keys)
            app.state.data_check = DataCheck(repo)
            app.state.index_follower = IndexFollower(app.state.search)
            app.state.health_checks = {"data": app.state.data_check, "index": app.state.index_follower.health,
                                       **agent_checks}
            app.state.required_components = ("data", "index", "agent")
            reload_on_sighup(app.state.index_follower)
            metrics.app_info.labels(__version__, settings.app.env, settings.storage.backend).set(1)
            app.state.tokens = TokenService(
                secret, shared, access_ttl=timedelta(minutes=settings.auth.access_token_minutes),
                refresh_ttl=timedelta(days=settings.auth.refresh_token_days))
            yield
        finally:
            repo.close()
            if in_use is not None:
                in_use.release()

    app = FastAPI(title="Ecommerce Agent", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,  # docs_pages serves them without a CDN
                  description="한국어 쇼핑몰 고객상담 에이전트 API. 오류는 RFC 9457 problem+json으로 응답합니다.")
    problems.install(app)
    docs_pages.install(app)
    for router in (health.router, auth.router, orders.router, tickets.router, search.router, chat.router,
                   live.router, console.router, web.router, openai_compat.router):
        app.include_router(router)
    app.mount("/static", StaticFiles(packages=[("ecommerce_agent", "web")]), name="static")
    app.add_middleware(FollowIndexGeneration)  # inside the timeout: a slow reload counts as the request's
    app.add_middleware(ValidUnicode)  # inside BodyLimit: reads only bodies already within the cap
    app.add_middleware(Timeout, seconds=settings.api.request_timeout_seconds)
    app.add_middleware(BodyLimit, max_bytes=settings.api.max_body_bytes)
    app.add_middleware(RequestContext)  # outermost: ids, access log and metrics for everything
    if settings.api.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=settings.api.cors_origins,
                           allow_credentials="*" not in settings.api.cors_origins,
                           allow_methods=["GET", "POST", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After"])
    return app


def __getattr__(name: str) -> FastAPI:
    """``from ecommerce_agent.api.app import app``: built lazily, once."""
    if name != "app":
        raise AttributeError(name)
    global app
    try:
        app = create_app()
    except AppError as exc:  # one line for the operator, not a traceback
        print(exc.message, file=sys.stderr)
        # 3 is gunicorn's "worker failed to boot": the master stops instead of
        # restarting the worker forever (the master checks first: gunicorn.conf.py).
        raise SystemExit(3) from None
    return app
