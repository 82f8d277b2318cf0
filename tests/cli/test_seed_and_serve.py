"""`ecommerce-agent seed` and `serve` as an operator runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.security import verify_password
from ecommerce_agent.storage import open_sqlite
from tests.support.cli import one_line_error, run_cli

NOW = "2026-11-26T12:00:00+09:00"


def test_seed_creates_the_database_and_demo_accounts(tmp_path: Path) -> None:
    result = run_cli("seed", "--orders", "500", "--now", NOW, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "demo@example.com / demo1234!" in result.stdout
    repo = open_sqlite(tmp_path / "data" / "ecommerce.db")
    demo = repo.get_user_by_email("demo@example.com")
    agent = repo.get_user_by_email("agent@example.com")
    assert verify_password("demo1234!", demo.password_hash)
    assert not verify_password("wrong-password", demo.password_hash)
    assert demo.password_hash.startswith("$argon2id$")
    assert agent.role == "agent" and verify_password("agent1234!", agent.password_hash)
    assert len(repo.list_orders(demo.user_id, limit=100)) >= 14
    repo.close()
    again = run_cli("seed", "--if-empty", cwd=tmp_path)
    assert again.returncode == 0 and "건너뜁니다" in again.stdout
    refused = run_cli("seed", cwd=tmp_path)
    assert "--reset" in one_line_error(refused)


def test_reset_regenerates_deterministically(tmp_path: Path) -> None:
    def dump() -> list[dict]:
        repo = open_sqlite(tmp_path / "data" / "ecommerce.db")
        rows = [r for r in repo.iter_rows("orders")]
        repo.close()
        return rows

    assert run_cli("seed", "--orders", "200", "--now", NOW, cwd=tmp_path).returncode == 0
    first = dump()
    assert run_cli("seed", "--orders", "200", "--now", NOW, "--reset", cwd=tmp_path).returncode == 0
    assert dump() == first


def test_seed_into_the_csv_backend(tmp_path: Path) -> None:
    result = run_cli("seed", "--orders", "100", cwd=tmp_path,
                     env={"STORAGE_BACKEND": "csv", "CSV_DIRECTORY": str(tmp_path / "csv")})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "csv" / "orders.csv").exists()


@pytest.mark.parametrize("args", [("--orders", "many"), ("--now", "2026-11-26T12:00:00")])
def test_bad_arguments_exit_non_zero(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run_cli("seed", *args, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_serve_refuses_csv_with_several_workers(tmp_path: Path) -> None:
    result = run_cli("serve", "--workers", "3", cwd=tmp_path,
                     env={"STORAGE_BACKEND": "csv", "CSV_DIRECTORY": str(tmp_path)})
    message = one_line_error(result)
    assert result.returncode == 2 and "SQLite" in message and "05_migrate_to_sqlite" in message


def test_serve_refuses_a_missing_data_directory(tmp_path: Path) -> None:
    result = run_cli("serve", cwd=tmp_path, env={"SQLITE_DATABASE": str(tmp_path / "no" / "x.db")})
    assert result.returncode == 1 and "데이터 디렉터리" in one_line_error(result)


def test_too_small_a_shop_is_one_line(tmp_path: Path) -> None:
    result = run_cli("seed", "--users", "5", cwd=tmp_path)
    assert result.returncode == 1 and "--users" in one_line_error(result)
