"""Answer quality floors on the answer question sets (issue #12): the answer layer
(``PolicyAnswerer.answer``) over the real corpus and a freshly built policy index,
graded like ``ecommerce-agent eval-answers``. Floors are the measured figures minus
a small margin; the held-out set was never used for tuning.

The agent-level figures (routing included) come from ``ecommerce-agent
eval-answers``; they are not floored here because the dialogue layer is being
rewritten and routing is outside the answer layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.agent.answers import PolicyAnswerer
from ecommerce_agent.agent.answers.evaluate import run_direct
from ecommerce_agent.agent.answers.grading import load_questions
from ecommerce_agent.config import load_settings

from .conftest import POLICIES, ROOT

DATA = ROOT / "tests" / "data"
# (correct ≥, wrong ≤, false non-answer ≤, honest ≥): measured minus about two questions
# dev (tuned on):    0.862 / 0.048 / 0.024 / 0.887 (378 answerable, 53 not; i12b, 2026-12-06)
# holdout (never):   0.747 / 0.159 / 0.035 / 0.800 (170 answerable, 30 not: the first 150 and a fresh
#                    batch h151-h200 written before i12b's changes; scores read, never the questions' replies)
FLOORS = {"answers_dev.jsonl": (0.855, 0.053, 0.03, 0.865),
          "answers_holdout.jsonl": (0.735, 0.17, 0.047, 0.76)}


@pytest.fixture(scope="module")
def answerer(tmp_path_factory: pytest.TempPathFactory) -> PolicyAnswerer:
    from ecommerce_agent.search import IndexStore, build_from_settings

    settings = load_settings(env={})
    settings = settings.model_copy(update={"search": settings.search.model_copy(update={
        "index_dir": tmp_path_factory.mktemp("answers-index"), "policies_dir": POLICIES})})
    build_from_settings(settings, parts=("policies",))
    store = IndexStore.from_settings(settings)
    store.load()
    return PolicyAnswerer.load(store, settings)


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_answer_floors(answerer: PolicyAnswerer, name: str) -> None:
    path: Path = DATA / name
    if not path.exists():
        pytest.skip(f"{name} is not there yet")
    questions = load_questions(path)
    assert len(questions) >= 100
    rates = run_direct(answerer, questions).rates()
    correct, wrong, false_non_answer, honest = FLOORS[name]
    assert rates["correct"] >= correct, rates
    assert rates["wrong"] <= wrong, rates
    assert rates["false_non_answer"] <= false_non_answer, rates
    assert rates["honest"] >= honest, rates
