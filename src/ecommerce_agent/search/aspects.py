"""What a question asks about a topic, matched against section headings: a reranking stage.

A shopper's question names a topic (교환, 환불, 배송) and, usually, an aspect of
it: when or how long ("며칠 안에", "언제 들어와요"), how much ("얼마"), how or
where ("어떻게 신청해요", "어디서"), who pays ("누가 내요"). The policy corpus
answers each aspect of a topic in its own titled section -- 교환 정책 has
"단순 변심 교환 신청 기간", "교환 배송비 부담 기준"; 교환 신청 및 처리 절차 has
"마이페이지 교환 신청 방법" -- but the first stage barely sees the aspect: the
analyser drops interrogatives (언제, 어떻게 are grammar to BM25) and the static
query encoder averages content words only, so the sections of one topic score
alike and the one that wins rank 1 is often not the one asked about
("교환은 며칠 안에 해야 하나요?" → "교환 상품 재출고 및 배송").

The table below maps question cues to the vocabulary headings use for the same
aspect (question → heading)::

    time    언제 며칠 몇 시 얼마나 걸려 기간 기한 까지 이내 when    → 기간 기한 이내 소요 시점 시간 일정
    cost    얼마 비용 금액 요금 수수료 몇 원 how much fee         → 비용 금액 배송비 수수료 요금 적립률
    method  어떻게/어케 + 하다·신청, 방법 절차 어디서 하는 법 how to → 방법 절차
    payer   누가 누구 부담 who pays                              → 부담

("어떻게 돼요" asks what happens, not how to: it is not a method cue.) Cues
are matched on the normalised text without spaces, so "몇일안에", "하는법" and
"how long" are found however they are typed. FAQ headings are questions
themselves ("Q. 환불은 언제 받을 수 있나요?") and carry the same cues.

Reranking: among the ``RERANK_DEPTH`` best chunks of the first stage, a chunk
whose section heading shares an aspect with the question gains
``weight × (max − min of the scores)``; one whose document title does (and its
heading not) gains half that. Questions without a cue, and chunks outside the
shortlist, keep their scores. It costs a regular-expression pass over the
question and a few array operations: microseconds, whatever the corpus size.

How it was chosen (tests/data/policy_eval.jsonl, 225 questions, 69 with an
aspect cue; hybrid with the static query encoder; recall@1 / recall@3 / MRR;
the odd- and even-numbered halves' recall@1 checked separately; all before
tests/data/policy_eval_holdout.jsonl, written first, was looked at)::

    no reranking                         0.876 / 0.960 / 0.919   halves 0.885 | 0.866
    aspects, weight 0.10                 0.889 / 0.964 / 0.928   halves 0.885 | 0.893
    aspects, weight 0.15 (default)       0.902 / 0.964 / 0.933   halves 0.912 | 0.893
    aspects, weight 0.20                 0.893 / 0.960 / 0.929   halves 0.903 | 0.884
    aspects, weight 0.25                 0.889 / 0.960 / 0.926
    shortlist of 10, 20 or 30 chunks     the same

    Tried in a prototype and left out (weight 0.15 unless noted):
    "can I" (가능/불가) as an aspect        0.876-0.889 r@1 (two cue lists): most questions end in 되나요
    "some of" (일부/하나만) as an aspect    no better; "결제한 부분도" misfires
    a penalty when the heading names another aspect      within a question
    aspect words added to the query's BM25 terms and/or its dense vector
    instead of matched against headings  0.836-0.880: they match bodies too
    a separate heading-only BM25 field   no change: title and headings already
                                         count twice in the BM25 text (types.Chunk)
    a listwise model over 11 cheap features (field overlaps, headings'
    character bigrams, first-stage ranks, chunks per document), 5-fold CV
                                         no better than the aspect match alone

Other modes and the held-out set (before → after)::

                                   policy_eval (225)         holdout (108, 68 with a cue)
    hybrid, static query encoder   0.876 → 0.902 r@1         0.889 → 0.917 r@1, r@3 0.972 → 0.991
    hybrid, e5 query encoder       0.907 → 0.911             0.935 → 0.954, r@3 1.000 → 0.991
    keyword                        0.822 → 0.827             0.824 → 0.889
    embedding, static              0.836 → 0.840             0.880 → 0.880, r@3 0.981 → 0.972

With e5 embedding each question the aspect is mostly in the vector already,
hence the small gain there. Reranking changes nothing for a question without a
cue: two thirds of policy_eval, and most of what still misses there (colloquial
words the corpus does not use, such as "깨져서" for 파손 or "두 번 결제" for 중복
결제, and sibling documents such as 주문 취소 and 부분 취소).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .analysis import normalize
from .types import Chunk

DEFAULT_ASPECT_WEIGHT = 0.15
RERANK_DEPTH = 20  # chunks of the first stage that the reranker may reorder
TITLE_SHARE = 0.5  # a title's aspect counts half: it speaks for every section of the document


@dataclass(frozen=True, slots=True)
class Aspect:
    name: str
    question: re.Pattern[str]  # cues in a question (normalised, spaces removed)
    heading: re.Pattern[str]  # the same aspect in a heading or title


ASPECTS: tuple[Aspect, ...] = (
    Aspect("time",
           re.compile(r"언제|며칠|몇일|몇시|몇주|몇달|몇개월|얼마나?걸|얼마동안|얼마나오래|걸려|걸리|걸림|"
                      r"기간|기한|까지|이내|소요|시점|when|howlong"),
           re.compile(r"기간|기한|이내|소요|시점|시간|일정|언제|며칠")),
    Aspect("cost",
           re.compile(r"얼마(?!나?걸|동안|나오래)|비용|금액|요금|수수료|몇원|howmuch|fee|cost"),
           re.compile(r"비용|금액|배송비|수수료|요금|얼마|적립률")),
    Aspect("method",
           re.compile(r"방법|절차|어떻게(?!되|돼|된)|어케(?!되|돼|된)|어떡|어디서|어디에서|어디로|어디에|하는법|"
                      r"howto|howdo|howcan"),
           re.compile(r"방법|절차|어떻게(?!되|돼|된)")),
    Aspect("payer",
           re.compile(r"누가|누구|부담|whopays"),
           re.compile(r"부담")),
)
_SPACE = re.compile(r"\s+")


def _compact(text: str) -> str:
    return _SPACE.sub("", normalize(text))


def question_aspects(text: str) -> frozenset[str]:
    """Names of the aspects a question asks about ("교환 며칠 안에?" → {"time"})."""
    compact = _compact(text)
    return frozenset(a.name for a in ASPECTS if a.question.search(compact))


def heading_aspects(text: str) -> frozenset[str]:
    """Names of the aspects a heading or title is about ("교환 배송비 부담 기준" → {"cost", "payer"})."""
    compact = _compact(text)
    return frozenset(a.name for a in ASPECTS if a.heading.search(compact))


def _bits(names: frozenset[str]) -> int:
    return sum(1 << i for i, a in enumerate(ASPECTS) if a.name in names)


class AspectReranker:
    """Reorders the first stage's shortlist of one index part (see the module docstring)."""

    def __init__(self, chunks: Sequence[Chunk], weight: float = DEFAULT_ASPECT_WEIGHT,
                 depth: int = RERANK_DEPTH) -> None:
        self.weight = weight
        self.depth = depth
        titles: dict[str, int] = {}
        headings: dict[tuple[str, ...], int] = {}
        for chunk in chunks:  # few distinct headings and titles, even in large parts
            if chunk.title not in titles:
                titles[chunk.title] = _bits(heading_aspects(chunk.title))
            if chunk.heading not in headings:
                headings[chunk.heading] = _bits(heading_aspects(" ".join(chunk.heading)))
        self.heading_bits = np.array([headings[c.heading] for c in chunks], dtype=np.uint8)
        self.title_bits = np.array([titles[c.title] for c in chunks], dtype=np.uint8)

    def rerank(self, query: str, scores: np.ndarray, eligible: np.ndarray) -> np.ndarray:
        """``scores`` with the aspect bonus added to the shortlist (a new array when
        anything changes; ``scores`` itself otherwise)."""
        if self.weight <= 0 or not len(scores):
            return scores
        wanted = _bits(question_aspects(query))
        if not wanted:
            return scores
        candidates = np.flatnonzero(eligible)
        if len(candidates) == 0:
            return scores
        if len(candidates) > self.depth:
            candidates = candidates[np.argpartition(-scores[candidates], self.depth - 1)[:self.depth]]
        unit = float(scores.max() - scores.min())
        if unit <= 0:
            return scores
        in_heading = (self.heading_bits[candidates] & wanted) != 0
        in_title = ((self.title_bits[candidates] & wanted) != 0) & ~in_heading
        bonus = self.weight * unit * (in_heading + TITLE_SHARE * in_title)
        out = scores.astype(np.float32, copy=True)
        out[candidates] += bonus.astype(np.float32)
        return out
