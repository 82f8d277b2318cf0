"""LLM settings: ``configs/llm.yaml``, validated, with environment overrides.

The LLM is optional. It is *active* only when ``enabled`` and either an API key
(``OPENAI_API_KEY``) or a ``base_url`` (vLLM, Ollama, any OpenAI-compatible
server) is configured; otherwise the agent answers from its templates alone.
Like ``config.load_settings``, anything invalid stops start-up with one Korean
line naming the key. The API key never comes from the file and is never shown.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError

from ...config import describe_error, read_yaml_mapping
from ...errors import ConfigError

DEFAULT_LLM_CONFIG_PATH = Path("configs/llm.yaml")
DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1"

# Environment variable -> key of configs/llm.yaml (OPENAI_API_KEY comes through Settings.secrets).
LLM_ENV_OVERRIDES: dict[str, str] = {"LLM_BASE_URL": "base_url", "LLM_MODEL": "model"}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BreakerSection(_Section):
    failure_threshold: int = Field(5, ge=1, le=100,
                                   description="Consecutive failed calls that open the circuit.")
    open_seconds: float = Field(30, gt=0, le=3600,
                                description="How long an open circuit refuses calls before one trial call.")


class ClassifySection(_Section):
    enabled: bool = Field(True, description="Ask the LLM for the intent when the local NLU is unsure.")
    below_confidence: float = Field(
        0.5, ge=0, le=1, description="Local confidence below which the LLM is asked (uncertain results always).")


class PhraseSection(_Section):
    enabled: bool = Field(True, description="Let the LLM rephrase the template reply (grounding-checked).")


class LlmConfig(_Section):
    enabled: bool = Field(True, description="Master switch; the LLM is used only if a key or base_url is set too.")
    provider: str = Field("openai", pattern=r"^[a-z0-9][a-z0-9_.-]{0,31}$",
                          description="Provider label for metrics and /health (openai, vllm, ollama, ...).")
    model: str = Field("gpt-4o-mini", min_length=1, max_length=100, description="Model name sent to the API.")
    base_url: str | None = Field(None, pattern=r"^https?://\S+$",
                                 description="OpenAI-compatible endpoint (…/v1); unset: api.openai.com.")
    timeout_seconds: float = Field(8, gt=0, le=120, description="Time limit of one HTTP call.")
    max_retries: int = Field(1, ge=0, le=5, description="Retries after a retryable error (429, 5xx, connection).")
    retry_backoff_seconds: float = Field(0.5, ge=0, le=10,
                                         description="First retry delay; doubled for each further retry.")
    circuit_breaker: BreakerSection = BreakerSection()
    classify: ClassifySection = ClassifySection()
    phrase: PhraseSection = PhraseSection()
    temperature: float = Field(0, ge=0, le=2, description="Sampling temperature (0: most deterministic).")
    max_tokens: int = Field(512, ge=16, le=4096, description="Longest completion requested.")
    api_key: SecretStr | None = Field(None, exclude=True, repr=False,
                                      description="From OPENAI_API_KEY only, never from the file.")
    source: str = Field("defaults", description="Where the settings were read from (for messages).")

    @property
    def active(self) -> bool:
        """Whether the agent uses the LLM at all."""
        return self.enabled and (self.api_key is not None or self.base_url is not None)

    @property
    def endpoint(self) -> str:
        return self.base_url or DEFAULT_OPENAI_BASE_URL

    def disabled_health(self) -> dict[str, Any]:
        """``/health``'s llm component when the LLM is not used."""
        return {"status": "disabled", "provider": self.provider, "model": self.model}


def load_llm_config(path: str | Path | None = None, *, env: Mapping[str, str] | None = None,
                    api_key: str | None = None) -> LlmConfig:
    """``configs/llm.yaml`` (or ``path``) with ``LLM_BASE_URL``/``LLM_MODEL`` from
    ``env`` (default: the process environment) applied; ``api_key`` is
    ``Settings.secrets.openai_api_key``. No file: the defaults (inactive
    without a key or base_url)."""
    env = os.environ if env is None else env
    file = Path(path) if path is not None else DEFAULT_LLM_CONFIG_PATH
    data: dict[str, Any] = {}
    source = "defaults"
    if file.exists():
        data, source = _read(file), str(file)
    elif path is not None:
        raise ConfigError(f"설정 오류: LLM 설정 파일 '{file}'이(가) 없습니다.")
    if "api_key" in data:
        raise ConfigError(f"설정 오류 ({source}): api_key — 파일에 둘 수 없습니다. "
                          "OPENAI_API_KEY 환경변수를 사용하세요.")
    origin: dict[str, str] = {}
    for var, key in LLM_ENV_OVERRIDES.items():
        if env.get(var):
            data[key] = env[var]
            origin[key] = var
    data["source"] = source
    if api_key:
        data["api_key"] = api_key
    try:
        return LlmConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_error(exc, source, origin, secret=("api_key",), patterns={
            "base_url": "http:// 또는 https://로 시작하는 주소",
            "provider": "영문 소문자·숫자·_.- (32자 이내)"})) from None


def _read(file: Path) -> dict[str, Any]:
    return read_yaml_mapping(file, "LLM 설정 파일")
