"""The quality floor: on tests/data/policy_eval.jsonl, hybrid search must put a
relevant document in the top three for at least 95 % of the questions, whichever
encoder embeds the questions (the static one distilled at build time, or e5)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.evaluate import evaluate, load_questions
from ecommerce_agent.search.retriever import MODES
from ecommerce_agent.search.store import IndexStore
from tests.search.conftest import EVAL_FILE
from tests.search.support import DiskCachedEncoder

HYBRID_RECALL_AT_3 = 0.95


@pytest.mark.parametrize("query_encoder", ["static", "e5"])
def test_hybrid_recall_at_3_on_the_evaluation_set(real_index: Path, analyzer: Analyzer, e5: DiskCachedEncoder,
                                                  query_encoder: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    store = IndexStore(real_index, encoder=e5, analyzer=analyzer, query_encoder=query_encoder)  # type: ignore[arg-type]
    store.load()
    questions = load_questions(EVAL_FILE)
    assert len(questions) >= 100

    def rank(question: str, mode: str, depth: int) -> list[str]:
        return [r.doc_id for r in store.search(question, mode=mode, top_k=depth)]  # type: ignore[arg-type]

    reports = {mode: evaluate(rank, questions, mode) for mode in MODES}  # type: ignore[arg-type]
    with capsys.disabled():
        print(f"\nsearch quality on {len(questions)} questions ({EVAL_FILE.name}), "
              f"query encoder {query_encoder}:")
        for mode, r in reports.items():
            print(f"  {mode:9}  recall@1 {r.recall_at_1:.3f}  recall@3 {r.recall_at_3:.3f}  MRR {r.mrr:.3f}")
    hybrid = reports["hybrid"]
    misses = [f"{m.question.id} {m.question.question} → {m.got}" for m in hybrid.misses]
    assert hybrid.recall_at_3 >= HYBRID_RECALL_AT_3, "\n".join(misses)
    # fusion must not be worse than either signal alone
    assert hybrid.recall_at_3 >= max(reports["keyword"].recall_at_3, reports["embedding"].recall_at_3)
