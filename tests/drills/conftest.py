"""Durability drills (kill -9 under load, PostgreSQL/Redis outages, two processes):
minutes of live servers each, so they run with `make drills` (DRILLS=1), which
CI's .ci/run calls after `make test`; elsewhere they are skipped with that reason."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.postgres import postgres_engine
from ecommerce_agent.storage.schema import DATA_TABLES
from ecommerce_agent.storage.sql import SqlRepository
from tests.support.services import require_postgres


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("DRILLS") == "1":
        return
    skip = pytest.mark.skip(reason="durability drill: run with `make drills` (DRILLS=1; CI does)")
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(skip)


@pytest.fixture
def pg_shop(template_db: Path) -> Iterator[tuple[str, SqlRepository]]:
    """(URL a server can use, repository) of the template shop copied into a fresh schema."""
    url = require_postgres()
    schema = f"drill_{uuid.uuid4().hex[:10]}"
    admin = postgres_engine(url)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    repo = SqlRepository(postgres_engine(url, schema=schema), backend="postgres", describe=schema)
    try:
        repo.upgrade_schema()
        source = open_sqlite(template_db, migrate=False)
        repo.load_tables((t.name, source.iter_rows(t.name)) for t in DATA_TABLES)
        source.close()
        yield f"{url}?options=-csearch_path%3D{schema}", repo
    finally:
        repo.close()
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
