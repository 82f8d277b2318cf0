"""Fixtures and helpers for tests that drive the HTTP app (registered in tests/conftest.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from ecommerce_agent.api.app import create_app
from ecommerce_agent.config import Settings
from ecommerce_agent.demo.generate import DEMO_ACCOUNTS, DemoShop, SeedPlan
from ecommerce_agent.domain.clock import KST, utcnow
from ecommerce_agent.security import hash_password
from ecommerce_agent.storage import open_sqlite
from tests.support.factories import settings_for

PASSWORDS = {a.email: a.password for a in DEMO_ACCOUNTS}
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo shop, seeded once; each test gets its own copy."""
    path = tmp_path_factory.mktemp("template") / "shop.db"
    anchor = utcnow().astimezone(KST).replace(second=0, microsecond=0)
    plan = SeedPlan(anchor=anchor, users=20, products=40, orders=300,
                    demo_password_hashes={a.email: hash_password(a.password) for a in DEMO_ACCOUNTS})
    repo = open_sqlite(path)
    repo.load_tables(DemoShop(plan).batches())
    repo.close()
    return path


@pytest.fixture(scope="session")
def search_index(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real policy corpus and the template shop's catalog, indexed once."""
    from ecommerce_agent.search import build_from_settings

    index_dir = tmp_path_factory.mktemp("index")
    build_from_settings(_with_index(settings_for(template_db.parent), index_dir))
    return index_dir


def _with_index(settings: Settings, index_dir: Path) -> Settings:
    """The test's index plus the repository's own models (tests run from a temporary directory)."""
    return settings.model_copy(update={
        "search": settings.search.model_copy(update={"index_dir": index_dir,
                                                     "policies_dir": ROOT / "data" / "policies"}),
        "nlu": settings.nlu.model_copy(update={"model_dir": ROOT / "data" / "nlu" / "model"})})


@pytest.fixture
def settings(template_db: Path, search_index: Path, tmp_path: Path) -> Settings:
    shutil.copy(template_db, tmp_path / "shop.db")
    return _with_index(settings_for(tmp_path, JWT_SECRET_KEY="test-secret-" + "x" * 40), search_index)


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def login(client: TestClient, email: str = "demo@example.com") -> dict[str, str]:
    response = client.post("/auth/login", json={"email": email, "password": PASSWORDS[email]})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def assert_problem(response, status: int, code: str | None = None) -> dict:  # noqa: ANN001
    """Every error: RFC 9457 shape, Korean detail, no stack trace."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert {"type", "title", "status", "detail"} <= set(body) and body["status"] == status
    assert any("가" <= ch <= "힣" for ch in body["detail"])
    assert "Traceback" not in response.text and "File \"" not in response.text
    if code is not None:
        assert body["code"] == code
    return body


def now() -> datetime:
    return utcnow()
