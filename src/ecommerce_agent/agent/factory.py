"""Build the agent from settings: the one place that wires NLU, search, guardrails
and the optional LLM.

The heavy parts (NLU model and Kiwi, search index and encoder, the LLM client)
load once per process into ``AgentParts``; an ``Agent`` over a repository is
then cheap. Without an LLM configured (``configs/llm.yaml`` plus
``OPENAI_API_KEY`` or a ``base_url``) ``llm`` is ``None`` and the ``openai``
SDK is not even imported.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..config import Settings
from ..domain.clock import utcnow
from ..guardrails.config import load_guardrails_config
from ..guardrails.pipeline import InputGuard, OutputGuard
from ..nlu.engine import Nlu
from ..storage.base import Repository
from .llm.config import LlmConfig, load_llm_config
from .runner import Agent

if TYPE_CHECKING:
    from .llm.layer import LlmLayer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentParts:
    settings: Settings
    nlu: Nlu
    input_guard: InputGuard
    output_guard: OutputGuard
    search: Any | None = None  # search.IndexStore
    llm: LlmLayer | None = None
    llm_config: LlmConfig | None = None
    answerer: Any | None = None  # answers.PolicyAnswerer, when there is a search index

    @classmethod
    def load(cls, settings: Settings, *, search: Any | None = None,
             llm_config: LlmConfig | None = None) -> AgentParts:
        """``llm_config``: default ``configs/llm.yaml`` with LLM_BASE_URL/LLM_MODEL
        from the environment and the key from ``settings.secrets``."""
        guards = load_guardrails_config()
        check_agent_data()  # a broken lexicon or template stops the agent now, not on a shopper's turn
        # one e5 model per process: the NLU's second stage shares the search index's
        nlu = Nlu.from_settings(settings, encoder=getattr(search, "encoder", None))
        if llm_config is None:
            llm_config = load_llm_config(api_key=settings.secrets.openai_api_key)
        answerer = None
        if search is not None:
            from .answers import PolicyAnswerer

            from .sources import check_sources

            answerer = PolicyAnswerer.load(search, settings)
            check_sources(answerer.sections)
        return cls(settings, nlu, InputGuard.from_config(guards), OutputGuard.from_config(guards), search,
                   llm=build_llm(llm_config, nlu), llm_config=llm_config, answerer=answerer)

    def agent(self, repo: Repository, *, clock: Callable[[], datetime] = utcnow) -> Agent:
        section = self.settings.agent
        return Agent(repo, self.nlu, self.input_guard, self.output_guard, search=self.search,
                     confirm_ttl=timedelta(minutes=section.confirm_minutes),
                     min_policy_score=section.min_policy_score, clock=clock, llm=self.llm,
                     answerer=self.answerer)

    def llm_health(self) -> dict[str, Any]:
        """``/health``'s llm component: ``disabled``, ``ok`` or ``unreachable``."""
        if self.llm is not None:
            return self.llm.health()
        return self.llm_config.disabled_health() if self.llm_config is not None else {"status": "disabled"}


def check_agent_data() -> None:
    """Load and validate the agent's data files (lexicons, reply templates) once."""
    from ..nlu.lexicon import dialogue_lexicon, noun_lexicon
    from ..nlu.spelling import spelling_table
    from .resolve import product_lexicon
    from .sources import action_documents, rule_sources
    from .templates import templates

    dialogue_lexicon(), noun_lexicon(), spelling_table(), product_lexicon(), templates(), rule_sources(), action_documents()


def build_llm(config: LlmConfig, nlu: Nlu | None = None) -> LlmLayer | None:
    """The LLM layer, or ``None`` (templates only) when no key or base_url is set."""
    if not config.active:
        log.debug("LLM disabled: template replies only", extra={
            "event": "llm_disabled", "reason": "switched off" if not config.enabled else "no key or base_url"})
        return None
    from .llm.layer import LlmLayer

    log.info("LLM enabled", extra={"event": "llm_enabled", "provider": config.provider, "model": config.model,
                                   "endpoint": _origin(config.endpoint), "classify": config.classify.enabled,
                                   "phrase": config.phrase.enabled})
    return LlmLayer.from_config(config, nlu=nlu)


def _origin(url: str) -> str:
    """Scheme, host and port only: a URL may carry credentials."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
