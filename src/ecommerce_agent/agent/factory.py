"""Build the agent from settings: the one place that wires NLU, search and guardrails.

The heavy parts (NLU model and Kiwi, search index and encoder) load once per
process into ``AgentParts``; an ``Agent`` over a repository is then cheap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..config import Settings
from ..domain.clock import utcnow
from ..guardrails.config import load_guardrails_config
from ..guardrails.pipeline import InputGuard, OutputGuard
from ..nlu.engine import Nlu
from ..storage.base import Repository
from .runner import Agent


@dataclass(frozen=True)
class AgentParts:
    settings: Settings
    nlu: Nlu
    input_guard: InputGuard
    output_guard: OutputGuard
    search: Any | None = None  # search.IndexStore

    @classmethod
    def load(cls, settings: Settings, *, search: Any | None = None) -> AgentParts:
        guards = load_guardrails_config()
        return cls(settings, Nlu.from_settings(settings), InputGuard.from_config(guards),
                   OutputGuard.from_config(guards), search)

    def agent(self, repo: Repository, *, clock: Callable[[], datetime] = utcnow) -> Agent:
        section = self.settings.agent
        return Agent(repo, self.nlu, self.input_guard, self.output_guard, search=self.search,
                     confirm_ttl=timedelta(minutes=section.confirm_minutes),
                     min_policy_score=section.min_policy_score, clock=clock)
