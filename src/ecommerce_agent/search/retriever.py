"""Ranking the chunks of one index part: keyword, embedding or hybrid.

* ``keyword``: BM25 (bm25s, Lucene variant, k1 1.5, b 0.75) over the analyser's
  terms of title, heading path (counted twice: a field boost) and body. Only
  chunks sharing a term with the query are returned.
* ``embedding``: cosine of the query's vector and the chunks' e5 vectors (a dot
  product: both sides normalised). The query's vector comes from the static
  query encoder distilled from e5 at build time (``query_model.py``, well under
  a millisecond) or, with ``search.query_encoder: e5``, from the full model
  (10-20 ms per new question on one core).
* ``hybrid``: ``w · bm25/max(bm25) + (1 − w) · minmax(cosine)`` over all chunks,
  ``w = search.hybrid_weight`` (0.3). Each signal is scaled to [0, 1] per query
  so neither dominates by its units; with no term matched, the vectors decide.

How the fusion was chosen (tests/data/policy_eval.jsonl, 225 questions;
recall@1 / recall@3 / MRR; the weight was tuned on the odd-numbered questions
and checked on the even-numbered ones; e5 per query; with the static query
encoder w = 0.3 is also best: 0.876 / 0.960 / 0.919, see query_model.py)::

    keyword alone                 0.822 / 0.947 / 0.886
    embedding alone               0.818 / 0.947 / 0.887
    weighted sum, w = 0.2         0.889 / 0.960 / 0.929
    weighted sum, w = 0.3         0.907 / 0.969 / 0.941   even half: 0.893 / 0.955 / 0.932
    weighted sum, w = 0.5         0.880 / 0.973 / 0.925   even half: 0.875 / 0.955 / 0.916
    weighted sum, w = 0.7         0.853 / 0.969 / 0.910
    reciprocal-rank fusion (k=60) 0.880 / 0.973 / 0.926   even half: 0.875 / 0.955 / 0.919

RRF and heavier keyword weights find one more question within three results
but put the right document first for six fewer: the weighted sum keeps how much
better the best match is, which ranks alone discard.

Then, for policy search, a second stage (``aspects.py``, ``search.aspect_weight``):
among the best 20 chunks, a section whose heading matches what the question
asks -- when, how much, how, who pays -- gains a share of the score range
(recall@1 of hybrid search 0.876 → 0.902 with the static query encoder, 0.889 →
0.917 on the held-out questions). ``scores()`` is the first stage alone.

Results are diversified: at most ``max_per_doc`` chunks of one document (a
product is its own document), so the top three name three sources (recall@3 of
keyword search: 0.947 with one chunk per document, 0.938 without the limit).

Without an encoder, with an index built by another model, or when embedding
the query fails, ``embedding`` and ``hybrid`` run as ``keyword``
(``effective_mode`` says so; a warning is logged).
"""

from __future__ import annotations

import logging
from typing import Literal, get_args

import numpy as np

from .analysis import Analyzer
from .aspects import AspectReranker
from .encoder import Encoder
from .index import LoadedPart
from .query_model import QueryEncoderKind, StaticQueryEncoder
from .snippet import make_snippet
from .types import SearchResult

log = logging.getLogger(__name__)

Mode = Literal["keyword", "embedding", "hybrid"]
MODES: tuple[Mode, ...] = get_args(Mode)
DEFAULT_HYBRID_WEIGHT = 0.3
DEFAULT_MAX_PER_DOC = 1


class Retriever:
    def __init__(self, part: LoadedPart, analyzer: Analyzer, encoder: Encoder | None, *,
                 hybrid_weight: float = DEFAULT_HYBRID_WEIGHT,
                 max_per_doc: int | None = DEFAULT_MAX_PER_DOC,
                 query_encoder: QueryEncoderKind = "static", aspect_weight: float = 0.0) -> None:
        self.part = part
        self.analyzer = analyzer
        self.hybrid_weight = hybrid_weight
        self.max_per_doc = max_per_doc
        # the second stage (aspects.py); None: results in first-stage order
        self.reranker = AspectReranker(part.chunks, aspect_weight) if aspect_weight > 0 else None
        self.chunks = part.chunks
        self._vocab: dict[str, int] = part.bm25.vocab_dict
        self._doc_of = [c.doc_id for c in part.chunks]
        self.encoder: Encoder | None = None
        if encoder is not None and part.vectors is not None:
            if part.encoder_key == (encoder.name, encoder.version, encoder.dim):
                self.encoder = encoder
            else:
                log.warning("%s 색인의 임베딩 모델(%s)이 현재 모델(%s %s)과 달라 키워드 검색만 "
                            "사용합니다. build-index로 다시 만드세요.", part.kind, part.encoder_key,
                            encoder.name, encoder.version)
        elif part.vectors is None and encoder is not None:
            log.warning("%s 색인에 임베딩이 없어 키워드 검색만 사용합니다.", part.kind)
        # what embeds the questions: the static encoder when asked for and built, else e5
        self.query_encoder: Encoder | None = self.encoder
        if self.encoder is not None and query_encoder == "static":
            if part.query_model is not None:
                self.query_encoder = StaticQueryEncoder(part.query_model, analyzer.words,
                                                        fallback=self.encoder)
            else:
                log.warning("%s 색인에 정적 질문 인코더가 없어 질문마다 e5를 실행합니다(느림). "
                            "build-index로 다시 만드세요.", part.kind)

    def effective_mode(self, mode: Mode) -> Mode:
        return mode if self.encoder is not None else "keyword"

    def search(self, query: str, *, mode: Mode = "hybrid", top_k: int = 5,
               mask: np.ndarray | None = None, max_per_doc: int | None = None) -> list[SearchResult]:
        """``max_per_doc`` overrides the retriever's diversity for this call (the agent
        wants neighbouring sections of one document as candidates)."""
        terms, highlight = self.analyzer.analyze(query)
        return [self.result(index, score, highlight)
                for index, score in self._rank(query, terms, mode, top_k, mask, max_per_doc)]

    def result(self, index: int, score: float, highlight: list[str]) -> SearchResult:
        chunk = self.chunks[index]
        return SearchResult(chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=chunk.title,
                            text=chunk.text, snippet=make_snippet(chunk.text, highlight),
                            score=float(score),
                            metadata={k: v for k, v in chunk.metadata.items() if k != "kind"})

    def rank(self, query: str, *, mode: Mode = "hybrid", top_k: int = 5,
             mask: np.ndarray | None = None) -> list[tuple[int, float]]:
        """(chunk index, score), best first."""
        return self._rank(query, self.analyzer.terms(query), mode, top_k, mask)


    def _rank(self, query: str, terms: list[str], mode: Mode, top_k: int,
              mask: np.ndarray | None, max_per_doc: int | None = None) -> list[tuple[int, float]]:
        mode, scores = self._scores(query, terms, mode)
        eligible = scores > 0 if mode == "keyword" else np.ones(len(scores), dtype=bool)
        if mask is not None:
            eligible &= mask
        if self.reranker is not None:
            scores = self.reranker.rerank(query, scores, eligible)
        return self._top(scores, eligible, top_k, self.max_per_doc if max_per_doc is None else max_per_doc)

    def scores(self, query: str, mode: Mode) -> np.ndarray:
        """One first-stage score per chunk, before reranking (for evaluation and experiments)."""
        return self._scores(query, self.analyzer.terms(query), mode)[1]

    def _scores(self, query: str, terms: list[str], mode: Mode) -> tuple[Mode, np.ndarray]:
        """(the mode really used, one score per chunk)."""
        if mode not in MODES:
            raise ValueError(f"unknown search mode: {mode}")
        mode = self.effective_mode(mode)
        dense = None
        if mode != "keyword":
            try:
                dense = self.embedding_scores(query)
            except Exception as exc:  # a failing model must not take search down with it
                log.warning("질문 임베딩에 실패해 키워드 검색으로 대신합니다: %s", exc)
                mode = "keyword"
        if mode == "keyword" or dense is None:
            return "keyword", self.keyword_scores(terms)
        if mode == "embedding":
            return mode, dense
        keyword = self.keyword_scores(terms)
        top = float(keyword.max(initial=0.0))
        keyword_part = keyword / top if top > 0 else keyword
        low, high = (float(dense.min()), float(dense.max())) if len(dense) else (0.0, 0.0)
        dense_part = (dense - low) / (high - low) if high > low else np.zeros_like(dense)
        w = self.hybrid_weight if top > 0 else 0.0  # no term matched: the vectors decide alone
        return mode, w * keyword_part + (1 - w) * dense_part

    def keyword_scores(self, terms: list[str]) -> np.ndarray:
        ids = [self._vocab[t] for t in terms if t in self._vocab]
        if not ids:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self.part.bm25.get_scores_from_ids(ids), dtype=np.float32)

    def embedding_scores(self, query: str) -> np.ndarray:
        assert self.query_encoder is not None and self.part.vectors is not None
        vector = self.query_encoder.encode_queries([query])[0]
        # einsum's own loop, not BLAS: OpenBLAS splits a matrix-vector product over
        # its threads, and when other processes hold the cores the threads wait for
        # each other (10,000 chunks: 16 ms median instead of 0.3 ms, measured)
        return np.einsum("ij,j->i", self.part.vectors, vector)

    def _top(self, scores: np.ndarray, eligible: np.ndarray, top_k: int,
             max_per_doc: int | None) -> list[tuple[int, float]]:
        candidates = np.flatnonzero(eligible)
        if len(candidates) == 0 or top_k <= 0:
            return []
        # A shortlist big enough to fill top_k even when the best chunks share documents;
        # if diversity still leaves it short, the full ranking is used.
        want = min(len(candidates), top_k * (8 if max_per_doc else 1))
        shortlist = candidates[np.argpartition(-scores[candidates], want - 1)[:want]]
        kept = self._diversify(self._order(shortlist, scores), top_k, max_per_doc)
        if len(kept) < top_k and want < len(candidates):
            kept = self._diversify(self._order(candidates, scores), top_k, max_per_doc)
        return [(int(i), float(scores[i])) for i in kept]

    @staticmethod
    def _order(indices: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Best score first; ties in index order (deterministic)."""
        return indices[np.lexsort((indices, -scores[indices]))]

    def _diversify(self, order: np.ndarray, top_k: int, max_per_doc: int | None) -> list[int]:
        if not max_per_doc:
            return [int(i) for i in order[:top_k]]
        per_doc: dict[str, int] = {}
        kept: list[int] = []
        for i in order:
            doc = self._doc_of[i]
            if per_doc.get(doc, 0) < max_per_doc:
                per_doc[doc] = per_doc.get(doc, 0) + 1
                kept.append(int(i))
                if len(kept) == top_k:
                    break
        return kept
