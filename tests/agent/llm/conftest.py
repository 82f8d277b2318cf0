from __future__ import annotations

from typing import Any

import pytest
from prometheus_client import REGISTRY

from ecommerce_agent.agent.llm.config import LlmConfig, load_llm_config

from .fake_server import MODEL, fake  # noqa: F401 (fixture)


@pytest.fixture(autouse=True)
def _no_llm_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("LLM_BASE_URL", "LLM_MODEL", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)


class Clock:
    """Monotonic seconds that move only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


_provider_counter = iter(range(1_000_000))


def llm_config(base_url: str, **overrides: Any) -> LlmConfig:
    """A config for the fake server. Each gets its own provider label, so metric
    counts of one test are not mixed with another's."""
    data: dict[str, Any] = {"provider": f"fake{next(_provider_counter)}", "model": MODEL, "base_url": base_url,
                            "timeout_seconds": 2, "max_retries": 2, "retry_backoff_seconds": 0.5,
                            "circuit_breaker": {"failure_threshold": 3, "open_seconds": 30}}
    data.update(overrides)
    return LlmConfig.model_validate({**data, "api_key": "sk-test-0123456789abcdef"})


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def requests_by_status(config: LlmConfig) -> dict[str, float]:
    from ecommerce_agent.agent.llm.client import STATUSES

    counts = {s: sample("llm_requests_total", provider=config.provider, model=config.model, status=s)
              for s in STATUSES}
    return {s: n for s, n in counts.items() if n}


__all__ = ["Clock", "llm_config", "load_llm_config", "requests_by_status", "sample"]
