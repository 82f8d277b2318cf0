"""External services for tests: skip with a visible reason when a server is
unreachable, except under REQUIRE_SERVICES=1 (CI), where that is a failure."""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _reachable(host: str, port: int) -> str | None:
    try:
        with socket.create_connection((host, port), timeout=1):
            return None
    except OSError as exc:
        return f"{host}:{port} unreachable ({exc.strerror or exc})"


def require(name: str, host: str, port: int) -> None:
    problem = _reachable(host, port)
    if problem is None:
        return
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is required (REQUIRE_SERVICES=1) but {problem}")
    pytest.skip(f"{name} not available: {problem}")


def require_postgres() -> str:
    require("PostgreSQL", "127.0.0.1", 5432)
    return POSTGRES_URL


def require_redis() -> str:
    require("Redis", "127.0.0.1", 6379)
    return REDIS_URL
