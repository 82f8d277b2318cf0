"""PostgreSQL or Redis stopped and started again under load: `/health` says which,
requests get a clear 503 with Retry-After while it is down, and the service recovers
without a restart; no acknowledged write is lost.

These stop the machine's shared servers (for seconds; always started again in a
finally block), so they run only under REQUIRE_SERVICES=1 (CI) or DRILL_OUTAGES=1.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import httpx2
import pytest

from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.sql import SqlRepository
from tests.support.drill import Ledger, Load, drill_config, login, report, running, verify
from tests.support.services import REDIS_URL, require_redis

pytestmark = pytest.mark.skipif(
    os.environ.get("REQUIRE_SERVICES") != "1" and os.environ.get("DRILL_OUTAGES") != "1",
    reason="stops the shared PostgreSQL/Redis for a few seconds: only with REQUIRE_SERVICES=1 or DRILL_OUTAGES=1")

REDIS_DB = REDIS_URL.rsplit("/", 1)[0] + "/13"


def _cluster() -> str:
    return sorted(os.listdir("/etc/postgresql"))[-1]


def stop_postgres() -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "stop"], check=True,
                   timeout=60, capture_output=True)


def start_postgres() -> None:
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", "start"], check=True,
                   timeout=120, capture_output=True)


def stop_redis() -> None:
    subprocess.run(["redis-cli", "shutdown"], timeout=30, capture_output=True)


def start_redis() -> None:
    subprocess.run(["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", "6379",
                    "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis",
                    "--logfile", "/var/log/redis/ci.log"], check=True, timeout=30, capture_output=True)
    _until(lambda: subprocess.run(["redis-cli", "ping"], capture_output=True, text=True).stdout.strip() == "PONG",
           "Redis did not come back")


def _until(condition: Callable[[], bool], message: str, deadline: float = 30) -> None:
    until = time.monotonic() + deadline
    while not condition():
        assert time.monotonic() < until, message
        time.sleep(0.1)  # polling with a deadline


def _post_ticket(base: str, headers: dict[str, str]) -> httpx2.Response:
    return httpx2.post(f"{base}/tickets", headers=headers, timeout=30,
                       json={"issue_type": "inquiry", "description": "장애 중 문의"})


def _outage(base: str, headers: dict[str, str], component: str, stop: Callable[[], None],
            start: Callable[[], None]) -> dict[str, object]:
    """Stop ``component``, look at the service while it is down, start it again (always)."""
    seen: dict[str, object] = {}
    try:
        stop()
        _until(lambda: httpx2.get(f"{base}/health", timeout=10).json()["components"][component]["status"]
               != "ok", f"/health did not notice {component} going down", deadline=15)
        health = httpx2.get(f"{base}/health", timeout=10)
        seen["health"] = (health.status_code, health.json()["status"])
        refused = _post_ticket(base, headers)
        seen["write"] = (refused.status_code, refused.headers.get("retry-after"), refused.json().get("detail"))
    finally:
        start()
    _until(lambda: _post_ticket(base, headers).status_code == 201, f"no recovery after {component} restarted")
    health = httpx2.get(f"{base}/health", timeout=10).json()
    seen["after"] = health["components"][component]["status"]
    return seen


def _check(seen: dict[str, object]) -> None:
    status, overall = seen["health"]  # type: ignore[misc]
    assert overall in ("degraded", "unhealthy") and status in (200, 503), seen
    code, retry_after, detail = seen["write"]  # type: ignore[misc]
    assert code == 503 and retry_after is not None and int(retry_after) > 0, seen
    assert any("가" <= ch <= "힣" for ch in detail), seen
    assert seen["after"] == "ok", seen


def test_postgres_stopped_and_started_under_load(pg_shop: tuple[str, SqlRepository], search_index: Path,
                                                  tmp_path: Path) -> None:
    url, repo = pg_shop
    config = drill_config(tmp_path, search_index, postgres_url=url)
    ledger = Ledger()
    with running("uvicorn", config) as server:
        headers = login(server.base)
        with Load([server.base], headers, [], ledger, threads=2) as load:
            load.wait_for(10)
            seen = _outage(server.base, headers, "database", stop_postgres, start_postgres)
            load.wait_for(ledger.acknowledged + 10)
    figures = verify(repo, ledger)
    report(f"PostgreSQL stopped and started ({seen})", figures, ledger)
    _check(seen)
    assert figures["lost"] == 0, figures


def test_redis_stopped_and_started_under_load(template_db: Path, search_index: Path, tmp_path: Path) -> None:
    require_redis()
    db = tmp_path / "shop.db"
    shutil.copy(template_db, db)
    config = drill_config(tmp_path, search_index, database=db, redis_url=REDIS_DB)
    ledger = Ledger()
    with running("uvicorn", config) as server:
        headers = login(server.base)
        with Load([server.base], headers, [], ledger, threads=2) as load:
            load.wait_for(10)
            seen = _outage(server.base, headers, "redis", stop_redis, start_redis)
            load.wait_for(ledger.acknowledged + 10)
    repo = open_sqlite(db)
    figures = verify(repo, ledger)
    repo.close()
    report(f"Redis stopped and started ({seen})", figures, ledger)
    _check(seen)
    assert figures["lost"] == 0, figures
