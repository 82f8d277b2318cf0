"""The Alembic migrations build exactly the schema the code declares."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from ecommerce_agent.storage import migrations, open_sqlite
from ecommerce_agent.storage.schema import metadata
from ecommerce_agent.storage.sql import SqlRepository


def _diff(repo: SqlRepository) -> list[object]:
    with repo.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), metadata)


def test_sqlite_schema_matches_the_declared_tables(tmp_path: Path) -> None:
    repo = open_sqlite(tmp_path / "shop.db")
    assert migrations.current_revision(repo.engine) == migrations.head_revision()
    assert _diff(repo) == []
    repo.close()


def test_postgres_schema_matches_the_declared_tables(postgres_repo: SqlRepository) -> None:
    assert migrations.current_revision(postgres_repo.engine) == migrations.head_revision()
    assert _diff(postgres_repo) == []


def test_upgrade_is_idempotent(tmp_path: Path) -> None:
    repo = open_sqlite(tmp_path / "shop.db")
    repo.upgrade_schema()
    repo.upgrade_schema()
    assert migrations.current_revision(repo.engine) == migrations.head_revision()
    repo.close()
