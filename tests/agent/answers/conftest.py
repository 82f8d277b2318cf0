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


@pytest.fixture(scope="session")
def answerer(tmp_path_factory: pytest.TempPathFactory):  # noqa: ANN201 (PolicyAnswerer)
    """The answer layer over the real corpus and a freshly built policy index (in a temp dir)."""
    from ecommerce_agent.agent.answers import PolicyAnswerer
    from ecommerce_agent.config import load_settings
    from ecommerce_agent.search import IndexStore, build_from_settings

    settings = load_settings(env={})
    settings = settings.model_copy(update={"search": settings.search.model_copy(update={
        "index_dir": tmp_path_factory.mktemp("answers-index"), "policies_dir": POLICIES})})
    build_from_settings(settings, parts=("policies",))
    store = IndexStore.from_settings(settings)
    store.load()
    return PolicyAnswerer.load(store, settings)
