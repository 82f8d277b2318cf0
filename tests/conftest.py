from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.base import Repository
from ecommerce_agent.storage.csvstore import CsvRepository
from ecommerce_agent.storage.postgres import postgres_engine
from ecommerce_agent.storage.sql import SqlRepository
from tests.support.factories import product_row, user
from tests.support.services import require_postgres

pytest_plugins = ["tests.support.app",    # the seeded-app fixtures: template_db, settings, client
                  "tests.support.guard"]  # a session that touches log/, data/ or backups/ fails


@pytest.fixture(scope="session", autouse=True)
def _session_cwd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Session and module fixtures run before the per-test chdir below: an app they
    start would write its log (log/app.log, relative) into the checkout."""
    previous = os.getcwd()
    os.chdir(tmp_path_factory.mktemp("cwd"))
    try:
        yield
    finally:
        os.chdir(previous)


@pytest.fixture(autouse=True)
def _isolated_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's configs/ or data/ by accident."""
    monkeypatch.chdir(tmp_path)
    for var in ("ECOMMERCE_CONFIG", "DATABASE_URL", "STORAGE_BACKEND", "APP_ENV", "APP_PORT",
                "APP_HOST", "APP_WORKERS", "LOG_LEVEL", "SQLITE_DATABASE", "CSV_DIRECTORY",
                "JWT_SECRET_KEY", "OPENAI_API_KEY", "LLM_BASE_URL", "LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def postgres_repo() -> Iterator[SqlRepository]:
    """A repository in a fresh PostgreSQL schema of its own, dropped afterwards."""
    url = require_postgres()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = postgres_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    repo = SqlRepository(postgres_engine(url, schema=schema), backend="postgres", describe=schema)
    repo.upgrade_schema()
    try:
        yield repo
    finally:
        repo.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def make_repo(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> Repository:
    if kind == "sqlite":
        return open_sqlite(tmp_path / "shop.db", timeout=5)
    if kind == "csv":
        return CsvRepository(tmp_path)
    return request.getfixturevalue("postgres_repo")


@pytest.fixture(params=["sqlite", "csv", "postgres"])
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    """The same contract, every backend."""
    store = make_repo(request.param, tmp_path, request)
    try:
        yield store
    finally:
        if request.param != "postgres":
            store.close()


@pytest.fixture
def shop(repo: Repository) -> Repository:
    """A repository with two customers, a staff member and one product."""
    from ecommerce_agent.domain.users import Role

    repo.add_user(user("U1"))
    repo.add_user(user("U2"))
    repo.add_user(user("S1", role=Role.AGENT))
    repo.load_tables({"products": [product_row("P1"), product_row("P2", price=12_000)]})
    return repo
