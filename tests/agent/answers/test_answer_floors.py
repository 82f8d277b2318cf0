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

from .conftest import ROOT

DATA = ROOT / "tests" / "data"
# (correct ≥, wrong ≤, false non-answer ≤, honest ≥): measured minus about two questions
# dev (tuned on):    0.862 / 0.048 / 0.024 / 0.887 (378 answerable, 53 not; i12b, 2026-12-06)
#                    0.827 / 0.065 / 0.043 / 0.885 with 66 + 8 new everyday questions (i12c, written first),
#                    0.876 / 0.050 / 0.023 / 0.885 after i12c's changes (444 answerable, 61 not);
#                    a fresh batch of 18 + 3 written after them: 0.611 → 0.833 correct (base → i12c);
#                    all 526: 0.875 / 0.050 / 0.022 / 0.875
#                    + 158 everyday questions written first (i12d: 138 answerable, 20 not), all 684:
#                    0.833 / 0.078 / 0.037 / 0.810 before i12d's changes, 0.885 / 0.043 / 0.022 / 0.810 after
#                    (the old 526 keep honest 0.875; the new 20 unanswerable ones stay at 0.60)
#                    + 72 everyday questions written first (i12e: 62 answerable, 10 not; 11 of them asked after
#                    a first question, ``context``, graded through the agent only): 651 + 94 graded here,
#                    0.873 / 0.048 / 0.025 / 0.798 before i12e's lexicon entries, 0.879 / 0.041 / 0.025 / 0.798 after
# holdout (never):   0.747 / 0.159 / 0.035 / 0.800 (170 answerable, 30 not: the first 150 and a fresh
#                    batch h151-h200 written before i12b's changes; scores read, never the questions' replies)
#                    0.765 / 0.165 / 0.029 / 0.800 at the start of i12d's work, 0.800 / 0.129 / 0.024 / 0.767 after
FLOORS = {"answers_dev.jsonl": (0.875, 0.045, 0.027, 0.795),
          "answers_holdout.jsonl": (0.79, 0.14, 0.035, 0.76)}


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
