"""Every conversation scenario in tests/scenarios passes (embedded mode, no LLM)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.agent.evaluation import load_scenarios, run_scenario
from ecommerce_agent.agent.factory import AgentParts

SCENARIOS = load_scenarios(Path(__file__).resolve().parents[1] / "scenarios")


def test_there_are_scenarios() -> None:
    assert len(SCENARIOS) >= 60  # issue #5: at least 60 multi-turn scenarios


@pytest.mark.parametrize(("path", "scenario"), SCENARIOS, ids=[s.get("name", p.stem) for p, s in SCENARIOS])
def test_scenario(path: Path, scenario: dict, agent_parts: AgentParts, scenario_template: Path) -> None:
    result = run_scenario(scenario, path.name, scenario_template,
                          lambda repo, clock: agent_parts.agent(repo, clock=clock))
    assert result.failures == []
