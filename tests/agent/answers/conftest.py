from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.agent.answers.facts import FactTable, load_facts
from ecommerce_agent.agent.answers.lexicon import Lexicon, load_lexicon
from ecommerce_agent.agent.answers.sections import SectionStore

ROOT = Path(__file__).resolve().parents[3]
POLICIES = ROOT / "data" / "policies"


@pytest.fixture(scope="session")
def sections() -> SectionStore:
    return SectionStore.load(POLICIES)


@pytest.fixture(scope="session")
def facts(sections: SectionStore) -> FactTable:
    return load_facts(POLICIES / "facts.yaml", sections)


@pytest.fixture(scope="session")
def lexicon() -> Lexicon:
    return load_lexicon(ROOT / "data" / "lexicons" / "policy_colloquial.yaml")
