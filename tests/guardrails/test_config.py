"""configs/guardrails.yaml: validated with pydantic; one Korean line naming the key on error."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.errors import ConfigError
from ecommerce_agent.guardrails import GuardrailsConfig, load_guardrails_config
from tests.support.cli import one_line_error, run_cli

ROOT = Path(__file__).resolve().parents[2]


def test_the_shipped_file_equals_the_built_in_defaults() -> None:
    shipped = load_guardrails_config(ROOT / "configs" / "guardrails.yaml")
    assert shipped.source.endswith("guardrails.yaml")
    assert shipped.model_dump(exclude={"source"}) == GuardrailsConfig().model_dump(exclude={"source"})


def test_defaults_without_a_file() -> None:  # the test runs in an empty directory
    config = load_guardrails_config()
    assert config.source == "defaults" and config.length.max_chars == 2000
    assert config.injection.threshold == 1.0 and config.pii.mask_style == "label"


def test_the_default_path_is_read_when_present(tmp_path: Path) -> None:
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "guardrails.yaml").write_text("length:\n  max_chars: 500\n", encoding="utf-8")
    assert load_guardrails_config().length.max_chars == 500


@pytest.mark.parametrize(("yaml_text", "expected"), [
    ("injection:\n  threshold: -1\n", ["injection.threshold", "범위"]),
    ("injection:\n  threshold: high\n", ["injection.threshold", "숫자"]),
    ("length:\n  max_chars: many\n", ["length.max_chars", "정수"]),
    ("length:\n  max_chars: 0\n", ["length.max_chars", "범위"]),
    ("pii:\n  mask_style: stars\n", ["pii.mask_style", "'stars'", "'label'", "'partial'"]),
    ("pii:\n  input_types: [phone, ssn]\n", ["pii.input_types.1", "'ssn'"]),
    ("injection:\n  extra_patterns:\n    - {name: x, pattern: '([', weight: 1}\n",
     ["injection.extra_patterns.0.pattern", "정규식"]),
    ("injection:\n  extra_patterns:\n    - {name: Bad Name, pattern: 'x', weight: 1}\n",
     ["injection.extra_patterns.0.name", "영문 소문자"]),
    ("injection:\n  refusal: ''\n", ["injection.refusal", "비어 있을 수 없습니다"]),
    ("length:\n  refusal: '{limit}자까지'\n", ["length.refusal", "{max_chars}"]),
    ("cross_user:\n  action: delete\n", ["cross_user.action", "'refuse'", "'redact'"]),
    ("input_guards: [pii, pii]\n", ["input_guards", "두 번"]),
    ("input_guards: [pii, cross_user]\n", ["input_guards.1", "'cross_user'"]),
    ("injektion: {}\n", ["injektion", "알 수 없는 키"]),
    ("- just a list\n", ["최상위"]),
    ("length: [1, 2\n", ["읽을 수 없습니다"]),
])
def test_invalid_settings_name_the_key(tmp_path: Path, yaml_text: str, expected: list[str]) -> None:
    config = tmp_path / "guardrails.yaml"
    config.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_guardrails_config(config)
    message = caught.value.message
    assert "\n" not in message and message.startswith("설정 오류")
    for phrase in expected:
        assert phrase in message


def test_a_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="없습니다"):
        load_guardrails_config(tmp_path / "nope.yaml")


def test_the_cli_stops_with_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "guardrails.yaml"
    bad.write_text("injection:\n  threshold: 0\n", encoding="utf-8")
    result = run_cli("eval-guardrails", "--data", str(ROOT / "tests" / "data" / "guardrails_eval.jsonl"),
                     "--guardrails-config", str(bad), cwd=tmp_path)
    assert result.returncode == 2 and "injection.threshold" in one_line_error(result)
