from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ecommerce_agent.config import describe_settings, load_settings
from ecommerce_agent.errors import ConfigError
from tests.support.cli import one_line_error, run_cli

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_has_the_guides_storage_block() -> None:
    data = yaml.safe_load((ROOT / "configs" / "app.yaml").read_text(encoding="utf-8"))
    assert data["storage"]["backend"] == "sqlite"
    assert data["storage"]["sqlite"] == {"database": "data/ecommerce.db", "timeout": 30}
    assert data["storage"]["csv"]["directory"] == "data/"
    assert data["storage"]["postgres"]["url"].startswith("postgresql://")
    settings = load_settings(ROOT / "configs" / "app.yaml", env={})
    assert settings.storage.sqlite.database == Path("data/ecommerce.db")
    assert (settings.app.host, settings.app.port) == ("0.0.0.0", 8000)


def test_defaults_without_a_file() -> None:
    settings = load_settings(env={})
    assert settings.source == "defaults" and settings.storage.backend == "sqlite"


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("app:\n  port: 9000\nstorage:\n  backend: csv\n", encoding="utf-8")
    settings = load_settings(env={"ECOMMERCE_CONFIG": str(config), "APP_PORT": "8123",
                                  "APP_HOST": "127.0.0.1", "APP_ENV": "production", "LOG_LEVEL": "DEBUG",
                                  "JWT_SECRET_KEY": "x" * 40, "OPENAI_API_KEY": "sk-test"})
    assert settings.app.port == 8123 and settings.app.host == "127.0.0.1"
    assert settings.app.env == "production" and settings.logging.level == "DEBUG"
    assert settings.storage.backend == "csv"
    assert settings.secrets.jwt_secret_key == "x" * 40 and settings.secrets.openai_api_key == "sk-test"


@pytest.mark.parametrize(("url", "backend"), [
    ("sqlite:///var/shop.db", "sqlite"),
    ("postgresql://u@db:5432/shop", "postgres"),
    ("postgres://u@db/shop", "postgres"),
])
def test_database_url_selects_the_backend(url: str, backend: str) -> None:
    settings = load_settings(env={"DATABASE_URL": url})
    assert settings.storage.backend == backend
    if backend == "sqlite":
        assert settings.storage.sqlite.database == Path("var/shop.db")
    else:
        assert settings.storage.postgres.url == url


@pytest.mark.parametrize(("env", "yaml_text", "expected"), [
    ({"STORAGE_BACKEND": "mysql"}, "", ["환경변수 STORAGE_BACKEND", "storage.backend", "'mysql'", "'sqlite'", "'csv'", "'postgres'"]),
    ({}, "storage:\n  backend: mongo\n", ["storage.backend", "'mongo'", "허용값"]),
    ({"APP_PORT": "eighty"}, "", ["APP_PORT", "app.port", "정수"]),
    ({"APP_PORT": "70000"}, "", ["app.port", "범위"]),
    ({}, "storage:\n  sqlite:\n    timeout: soon\n", ["storage.sqlite.timeout", "숫자"]),
    ({}, "storage:\n  sqllite: {}\n", ["storage.sqllite", "알 수 없는 키"]),
    ({}, "secrets:\n  jwt_secret_key: abc\n", ["secrets", "환경변수"]),
    ({"DATABASE_URL": "mysql://x"}, "", ["DATABASE_URL", "sqlite:///"]),
    ({"APP_ENV": "staging"}, "", ["app.env", "'production'"]),
    ({}, "storage: [1, 2\n", ["읽을 수 없습니다"]),
])
def test_invalid_settings_name_the_key_and_allowed_values(tmp_path: Path, env: dict[str, str],
                                                          yaml_text: str, expected: list[str]) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config, env=env)
    message = caught.value.message
    assert "\n" not in message
    for phrase in expected:
        assert phrase in message


def test_allowed_values_read_as_one_korean_list() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, env={"STORAGE_BACKEND": "mysql"})
    assert caught.value.message.endswith("허용값: 'sqlite', 'csv', 'postgres'")
    assert " or " not in caught.value.message


def test_missing_explicit_config_file() -> None:
    with pytest.raises(ConfigError, match="없습니다"):
        load_settings(env={"ECOMMERCE_CONFIG": "/nonexistent/app.yaml"})


def test_the_cli_stops_with_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("seed", cwd=tmp_path, env={"STORAGE_BACKEND": "oracle"})
    assert result.returncode == 2
    assert "storage.backend" in one_line_error(result)
    result = run_cli("--config", str(tmp_path / "missing.yaml"), "seed", cwd=tmp_path)
    assert result.returncode == 2 and "missing.yaml" in one_line_error(result)


def test_every_setting_has_help() -> None:
    rows = describe_settings()
    keys = {key for key, _, _ in rows}
    assert {"storage.backend", "storage.sqlite.database", "storage.sqlite.timeout",
            "storage.csv.directory", "storage.postgres.url", "app.port"} <= keys
    assert all(help_text for _, _, help_text in rows)


def test_openai_compat_keys_are_validated_without_echoing_them(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("openai_compat:\n  api_keys:\n    - user: demo@example.com\n      key: short-secret\n",
                      encoding="utf-8")
    with pytest.raises(ConfigError) as bad:
        load_settings(config, env={})
    assert "openai_compat.api_keys.0.key" in bad.value.message and "short-secret" not in bad.value.message
    config.write_text("openai_compat:\n  api_keys:\n    - user: demo@example.com\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="key_sha256"):
        load_settings(config, env={})
    config.write_text(f"openai_compat:\n  api_keys:\n    - user: U000001\n      key_sha256: {'a' * 64}\n",
                      encoding="utf-8")
    assert load_settings(config, env={}).openai_compat.api_keys[0].user == "U000001"
