"""Loading a shop into PostgreSQL as docs/operations.md writes it: seed, or
export a SQLite shop to CSV and migrate the CSV into PostgreSQL."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from ecommerce_agent.demo.generate import DemoShop, SeedPlan
from ecommerce_agent.domain.clock import KST
from ecommerce_agent.storage import open_sqlite
from ecommerce_agent.storage.postgres import postgres_engine
from ecommerce_agent.storage.schema import DATA_TABLES
from ecommerce_agent.storage.sql import SqlRepository
from tests.support.cli import run_cli
from tests.support.pgschema import postgres_schema_url


def _counts(url: str) -> dict[str, int]:
    repo = SqlRepository(postgres_engine(url), backend="postgres")
    try:
        return repo.counts()
    finally:
        repo.close()


def test_sqlite_shop_exported_and_migrated_into_postgres(tmp_path: Path) -> None:
    source = tmp_path / "shop.db"
    repo = open_sqlite(source)
    repo.load_tables(DemoShop(SeedPlan(anchor=datetime(2026, 11, 26, 12, tzinfo=KST), users=10,
                                       products=20, orders=50)).batches())
    expected = repo.counts()
    repo.close()
    exported = run_cli("export-csv", "--csv-dir", str(tmp_path / "export"), cwd=tmp_path,
                       env={"SQLITE_DATABASE": str(source)})
    assert exported.returncode == 0, exported.stderr
    with postgres_schema_url() as url:
        first = run_cli("migrate", "--csv-dir", str(tmp_path / "export"), cwd=tmp_path,
                        env={"DATABASE_URL": url})
        assert first.returncode == 0, first.stderr
        assert "마이그레이션 완료" in first.stdout and "postgresql" in first.stdout
        assert _counts(url) == expected and expected["orders"] >= 50
        again = run_cli("migrate", "--csv-dir", str(tmp_path / "export"), cwd=tmp_path,
                        env={"DATABASE_URL": url})
        assert again.returncode == 0 and "0행 추가" in again.stdout
        assert _counts(url) == expected
    assert {t.name for t in DATA_TABLES} == set(expected)


def test_seed_if_empty_fills_an_empty_postgres_once(tmp_path: Path) -> None:
    with postgres_schema_url() as url:
        env = {"DATABASE_URL": url}
        first = run_cli("seed", "--if-empty", "--users", "10", "--products", "20", "--orders", "30",
                        cwd=tmp_path, env=env)
        assert first.returncode == 0, first.stderr
        seeded = _counts(url)
        assert seeded["orders"] >= 30 and seeded["users"] >= 10
        second = run_cli("seed", "--if-empty", cwd=tmp_path, env=env)
        assert second.returncode == 0 and "건너뜁니다" in second.stdout
        assert _counts(url) == seeded
