from __future__ import annotations

from pathlib import Path

import httpx2
import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.api.app import create_app
from ecommerce_agent.errors import StorageLockedError
from ecommerce_agent.storage.csvstore import CsvRepository
from tests.support.factories import settings_for
from tests.support.server import gunicorn, live_server


def test_healthz_health_and_ready(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    body = client.get("/health").json()
    assert body["status"] == "healthy" and body["version"]
    assert body["components"]["database"]["status"] == "ok"
    assert body["components"]["database"]["backend"] == "sqlite"
    index = body["components"]["index"]
    assert index["status"] == "ok" and index["documents"] >= 30 and index["chunks"] > index["documents"]
    assert index["built_at"]
    assert client.get("/ready").json() == {"status": "ready"}


def test_without_an_index_the_service_is_degraded_and_not_ready(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path))) as client:
        body = client.get("/health")
        assert body.status_code == 200 and body.json()["status"] == "degraded"
        ready = client.get("/ready")
        assert ready.status_code == 503 and "index" in ready.json()["reason"]
        assert ready.json()["code"] == "not_ready"
        assert client.get("/policies/search", params={"q": "반품"}).status_code == 503


def test_health_reports_a_broken_database_as_503(tmp_path: Path) -> None:
    with TestClient(create_app(settings_for(tmp_path))) as client:
        (tmp_path / "shop.db").unlink()
        (tmp_path / "shop.db").mkdir()  # the file is gone and cannot be recreated
        client.app.state.repo.engine.dispose()
        response = client.get("/health")
        assert response.status_code == 503
        assert response.json()["components"]["database"]["status"] == "unavailable"


def test_second_csv_worker_cannot_start(tmp_path: Path) -> None:
    holder = CsvRepository(tmp_path)
    holder.acquire_writer()
    try:
        with pytest.raises(StorageLockedError), TestClient(create_app(settings_for(tmp_path, "csv"))):
            pass
    finally:
        holder.close()


@pytest.mark.parametrize("worker", ["uvicorn_worker.UvicornWorker", "uvicorn.workers.UvicornWorker"])
def test_gunicorn_serves_api_app_with_several_workers(tmp_path: Path, worker: str) -> None:
    (tmp_path / "data").mkdir()
    env = {"SQLITE_DATABASE": str(tmp_path / "data" / "shop.db"), "PYTHONWARNINGS": "ignore"}
    with live_server(gunicorn("--workers", "2", "--worker-class", worker), env) as base:
        assert httpx2.get(f"{base}/healthz").json() == {"status": "ok"}
        health = httpx2.get(f"{base}/health")
        assert health.status_code == 200 and health.json()["components"]["database"]["status"] == "ok"
