"""The shopper conversation sets (tests/conversations): floors on strict success,
and — without exception — no write without an explicit yes and no other customer's
order in a reply. The floors are the measured figures minus a small margin; the
held-out set is only measured, never tuned on (see tests/conversations/README.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.agent.evaluation import load_scenarios, run_scenario
from ecommerce_agent.agent.factory import AgentParts

SETS = Path(__file__).resolve().parents[1] / "conversations"
# measured 2026-12-07 (session 8, after merging the lead's, i11g's, i11h's, perf16's and i12e's work): dev 0.961
# (444/462), held-out 0.746 (88/118)
# measured 2026-12-07 (session 7, after merging the lead's, i12d's, i11f's and i11e's work): dev 0.920
# (356/387), held-out 0.754 (89/118)
# measured 2026-12-07 (session 6, after merging the lead's, i12c's, i11c's and i11d's work): dev 0.906
# (260/287), held-out 0.703 (83/118)
# measured 2026-12-06 (session 5, after merging the lead's and i11q's work): dev 0.852, held-out 0.636
# (strict: every turn and the end state); session 4 ended at dev 0.599, held-out 0.551; session 3 at
# dev 0.374, held-out 0.500
FLOORS = {"dev": 0.94, "holdout": 0.73}


def test_the_sets_are_large_enough_and_every_conversation_names_its_patterns() -> None:
    dev, holdout = load_scenarios(SETS / "dev"), load_scenarios(SETS / "holdout")
    assert len(dev) + len(holdout) >= 200 and len(holdout) >= 60
    for _, conversation in dev + holdout:
        assert conversation.get("patterns"), conversation.get("name")
        assert 3 <= len(conversation["turns"]) <= 8, conversation.get("name")


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_conversation_set(name: str, agent_parts: AgentParts, scenario_template: Path) -> None:
    conversations = load_scenarios(SETS / name)
    results = [run_scenario(c, p.name, scenario_template, lambda repo, clock: agent_parts.agent(repo, clock=clock))
               for p, c in conversations]
    unconfirmed = [(r.name, f) for r in results for f in r.failures if "without an explicit yes" in f]
    disclosed = [(r.name, f) for r in results for f in r.failures if "another customer" in f]
    assert unconfirmed == [] and disclosed == []
    success = sum(r.passed for r in results) / len(results)
    assert success >= FLOORS[name], f"{name}: {success:.3f} < {FLOORS[name]}"
