"""Retrieval quality on a labelled question set: recall@1, recall@3 and MRR.

``tests/data/policy_eval.jsonl`` holds one question per line::

    {"id": "q027", "question": "반품 배송비 얼마에요",
     "relevant_doc_ids": ["return-shipping-fee", "faq"], "topic": "return"}

``tests/data/policy_eval_holdout.jsonl`` has the same format: 108 questions
written before the aspect reranker (aspects.py) was tuned on the first file and
never used to tune anything, to tell how the figures carry over to new wording
(``ecommerce-agent eval-search --file ...``).

A question is answered at k when any of the top-k chunks comes from a relevant
document; MRR uses the rank of the first such chunk (0 beyond ``MRR_DEPTH``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataValidationError
from .retriever import Mode

MRR_DEPTH = 10


@dataclass(frozen=True, slots=True)
class EvalQuestion:
    id: str
    question: str
    relevant_doc_ids: tuple[str, ...]
    topic: str = ""


@dataclass(frozen=True, slots=True)
class Miss:
    question: EvalQuestion
    rank: int | None  # 1-based rank of the first relevant chunk, None beyond MRR_DEPTH
    got: tuple[str, ...]  # doc ids of the top 3


@dataclass(frozen=True, slots=True)
class ModeReport:
    mode: str
    questions: int
    recall_at_1: float
    recall_at_3: float
    mrr: float
    misses: tuple[Miss, ...] = field(default=())  # not answered within the top 3
    by_topic: dict[str, float] = field(default_factory=dict)  # recall@3 per topic


def load_questions(path: Path) -> list[EvalQuestion]:
    questions = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                questions.append(EvalQuestion(id=str(row["id"]), question=str(row["question"]),
                                              relevant_doc_ids=tuple(row["relevant_doc_ids"]),
                                              topic=str(row.get("topic", ""))))
            except (ValueError, KeyError, TypeError) as exc:
                raise DataValidationError(f"평가 질문 형식 오류: {exc}", file=path.name, line=number,
                                          column="-") from None
    return questions


Ranker = Callable[[str, Mode, int], Sequence[str]]  # (question, mode, depth) -> doc ids, best first


def evaluate(rank: Ranker, questions: Sequence[EvalQuestion], mode: Mode) -> ModeReport:
    at1 = at3 = 0
    reciprocal = 0.0
    misses: list[Miss] = []
    topic_hits: dict[str, list[int]] = {}
    for question in questions:
        doc_ids = list(rank(question.question, mode, MRR_DEPTH))
        relevant = set(question.relevant_doc_ids)
        first = next((i + 1 for i, d in enumerate(doc_ids) if d in relevant), None)
        at1 += first == 1
        hit3 = first is not None and first <= 3
        at3 += hit3
        reciprocal += 1 / first if first else 0.0
        topic_hits.setdefault(question.topic, []).append(int(hit3))
        if not hit3:
            misses.append(Miss(question=question, rank=first, got=tuple(doc_ids[:3])))
    n = max(len(questions), 1)
    return ModeReport(mode=mode, questions=len(questions), recall_at_1=at1 / n, recall_at_3=at3 / n,
                      mrr=reciprocal / n, misses=tuple(misses),
                      by_topic={t: sum(h) / len(h) for t, h in sorted(topic_hits.items())})
