"""configs/llm.yaml: off unless a key or base_url is set; one Korean line on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.agent.factory import build_llm
from ecommerce_agent.agent.llm.config import LlmConfig, load_llm_config
from ecommerce_agent.errors import ConfigError

ROOT = Path(__file__).resolve().parents[3]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "llm.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_is_valid_and_inactive_without_key_or_base_url() -> None:
    config = load_llm_config(ROOT / "configs" / "llm.yaml", env={})
    assert config.enabled and not config.active
    assert config.temperature == 0 and config.classify.enabled and config.phrase.enabled
    assert build_llm(config) is None


def test_no_file_means_defaults_and_off() -> None:  # the tests run in an empty directory
    config = load_llm_config(env={})
    assert (config.source, config.active) == ("defaults", False)


def test_an_api_key_or_a_base_url_turns_it_on() -> None:
    assert load_llm_config(env={}, api_key="sk-live-0123456789").active
    local = load_llm_config(env={"LLM_BASE_URL": "http://127.0.0.1:11434/v1", "LLM_MODEL": "qwen2.5:7b"})
    assert local.active and (local.base_url, local.model) == ("http://127.0.0.1:11434/v1", "qwen2.5:7b")
    assert local.endpoint == "http://127.0.0.1:11434/v1"
    assert load_llm_config(env={}, api_key="sk-x-0123456789").endpoint == "https://api.openai.com/v1"


def test_the_master_switch_keeps_it_off_even_with_a_key(tmp_path: Path) -> None:
    config = load_llm_config(write(tmp_path, "enabled: false\n"), env={}, api_key="sk-live-0123456789")
    assert not config.active
    assert config.disabled_health() == {"status": "disabled", "provider": "openai", "model": "gpt-4o-mini"}


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, 'model: "from-file"\nbase_url: "http://file:1/v1"\n')
    config = load_llm_config(path, env={"LLM_MODEL": "from-env"})
    assert (config.model, config.base_url, config.source) == ("from-env", "http://file:1/v1", str(path))


def test_the_key_is_never_shown() -> None:
    config = load_llm_config(env={}, api_key="sk-live-0123456789")
    for shown in (repr(config), str(config), str(config.model_dump())):
        assert "sk-live" not in shown


def test_a_key_in_the_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="api_key — 파일에 둘 수 없습니다. OPENAI_API_KEY") as caught:
        load_llm_config(write(tmp_path, 'api_key: "sk-in-file-0123456789"\n'), env={})
    assert "sk-in-file" not in str(caught.value)


@pytest.mark.parametrize(("text", "env", "expected"), [
    ("max_retries: 9\n", {}, "max_retries — '9'은(는) 범위를 벗어났습니다"),
    ("timeout_seconds: 0\n", {}, "timeout_seconds — '0'은(는) 범위를 벗어났습니다"),
    ("timeout_seconds: soon\n", {}, "timeout_seconds — 'soon'은(는) 올바른 숫자가 아닙니다"),
    ("circuit_breaker:\n  failure_threshold: 0\n", {}, "circuit_breaker.failure_threshold — '0'은(는) 범위를"),
    ("classify:\n  below_confidence: 1.5\n", {}, "classify.below_confidence — '1.5'은(는) 범위를"),
    ("temperature: -1\n", {}, "temperature — '-1'은(는) 범위를"),
    ("max_tokens: 5\n", {}, "max_tokens — '5'은(는) 범위를"),
    ("provider: Open AI\n", {}, "provider — 'Open AI'은(는) 허용되지 않습니다. 허용값: 영문 소문자"),
    ("phrase:\n  enabeld: true\n", {}, "phrase.enabeld — 알 수 없는 키입니다"),
    ("", {"LLM_BASE_URL": "localhost:8001"}, "설정 오류 (환경변수 LLM_BASE_URL): base_url — 'localhost:8001'"),
])
def test_invalid_values_stop_with_one_korean_line(tmp_path: Path, text: str, env: dict[str, str],
                                                  expected: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_llm_config(write(tmp_path, text), env=env)
    message = str(caught.value)
    assert expected in message and "\n" not in message
    assert message.startswith("설정 오류")


def test_unreadable_files_are_reported(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="읽을 수 없습니다"):
        load_llm_config(write(tmp_path, "model: [\n"), env={})
    with pytest.raises(ConfigError, match="키-값 매핑"):
        load_llm_config(write(tmp_path, "- a\n"), env={})
    with pytest.raises(ConfigError, match="없습니다"):
        load_llm_config(tmp_path / "missing.yaml", env={})


def test_every_key_has_a_description() -> None:
    def walk(model: type) -> list[str]:
        missing = []
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                missing += walk(annotation)
            elif not field.description:
                missing.append(name)
        return missing

    assert walk(LlmConfig) == []


def test_the_shipped_file_names_every_key() -> None:
    import yaml

    shipped = yaml.safe_load((ROOT / "configs" / "llm.yaml").read_text(encoding="utf-8"))

    def keys(model: type, prefix: str = "") -> list[str]:
        found = []
        for name, field in model.model_fields.items():
            annotation = field.annotation
            if isinstance(annotation, type) and hasattr(annotation, "model_fields"):
                found += keys(annotation, f"{prefix}{name}.")
            elif name not in ("api_key", "source"):
                found.append(f"{prefix}{name}")
        return found

    def present(dotted: str) -> bool:
        node = shipped
        for part in dotted.split("."):
            if not isinstance(node, dict) or part not in node:
                return False
            node = node[part]
        return True

    assert [k for k in keys(LlmConfig) if not present(k)] == []


def test_the_llm_settings_are_documented() -> None:
    from ecommerce_agent.agent.llm.config import LLM_ENV_OVERRIDES

    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    for name in [*LLM_ENV_OVERRIDES, "OPENAI_API_KEY", "configs/llm.yaml", "circuit_breaker.failure_threshold",
                 "classify.below_confidence", "phrase.enabled", "timeout_seconds", "max_retries"]:
        assert name in operations, name
    for status in ("ok", "error", "timeout", "rejected", "circuit_open", "invalid"):
        assert f"`{status}`" in operations, status
