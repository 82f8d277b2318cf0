"""The FastAPI application factory and its lifespan.

Nothing is built at import time: ``create_app(settings)`` builds an app whose
lifespan opens the repository and keeps it on ``app.state``, so every test
gets its own database. ``app`` (what ``api.py`` and ``gunicorn api:app`` use)
is created on first access, from the environment's settings.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..config import Settings, load_settings
from ..errors import AppError
from ..storage import open_repository
from .routes import health

log = logging.getLogger("ecommerce_agent.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        repo = open_repository(settings)
        try:
            if settings.storage.backend == "csv":
                # The single-writer rule: a second worker cannot take the lock and stops here.
                repo.acquire_writer()  # type: ignore[attr-defined]
            app.state.settings = settings
            app.state.repo = repo
            yield
        finally:
            repo.close()

    app = FastAPI(title="Ecommerce Agent", version=__version__, lifespan=lifespan,
                  description="한국어 쇼핑몰 고객상담 에이전트 API")
    app.include_router(health.router)
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
        raise SystemExit(2) from None
    return app
