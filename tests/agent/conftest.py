from __future__ import annotations

import os
from pathlib import Path

import pytest

from ecommerce_agent.agent.evaluation import seed_template
from ecommerce_agent.agent.factory import AgentParts
from ecommerce_agent.config import load_settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def scenario_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scenarios") / "template.db"
    seed_template(path)
    return path


@pytest.fixture(scope="session")
def agent_parts(scenario_template: Path, tmp_path_factory: pytest.TempPathFactory) -> AgentParts:
    """NLU, guardrails and a search index built from the real corpus and the
    scenario shop's catalog, loaded once."""
    from ecommerce_agent.search import IndexStore, build_from_settings

    index_dir = tmp_path_factory.mktemp("index")
    settings = load_settings(env={"SQLITE_DATABASE": str(scenario_template)})
    settings = settings.model_copy(update={
        "search": settings.search.model_copy(update={"index_dir": index_dir,
                                                     "policies_dir": ROOT / "data" / "policies"}),
        "nlu": settings.nlu.model_copy(update={"model_dir": Path(os.environ.get(
            "TEST_NLU_MODEL_DIR", ROOT / "data" / "nlu" / "model"))})})
    build_from_settings(settings)
    store = IndexStore.from_settings(settings)
    store.load()
    return AgentParts.load(settings, search=store)
