"""A static query encoder distilled from e5 when the index is built (issue #3: latency).

Embedding a question with the full e5-small transformer costs 10-20 ms on one
core (about 0.7 ms per token, 12 layers, measured in ``bench/bench_search.py``)
and far more when other processes compete for the CPU; the search latency
target is 5 ms p95. So, by default, the full model embeds only the passages
(at build time) and a question is embedded by a lookup table derived from the
same model, in the same 384-dimensional space:

    query vector = normalise(mean of the vectors of the question's words)

The words are the analyser's content words (``Analyzer.words``: Kiwi morphemes
and lexicon expansions, the same pass BM25 uses), so embedding a question costs
a few dictionary lookups and one small mean: well under a millisecond.

How the word vectors are made (``distill``), for the words of the indexed
chunks and of the analyser's lexicon (the vocabulary of this index part):

1. prior: each word embedded alone by e5 as a query ("query: 배송비"), minus
   the mean of all of them (single-word embeddings share a large common
   component that says nothing about the topic);
2. fit: the mean of a chunk's word vectors should be its e5 passage vector.
   Word vectors = ``alpha * prior + D``, with the scale ``alpha`` and the
   correction ``D`` found by least squares with a ridge penalty ``RIDGE`` on
   ``D`` (a closed-form solve, a second or less).

A question word the index does not know is skipped; when none is known, the
full encoder (``fallback``) embeds the question. Measured on
tests/data/policy_eval.jsonl (recall@1 / recall@3 / MRR; the ridge and the
choice of words were compared on the odd-numbered questions and checked on the
even-numbered ones)::

                             e5 per query          static (this module)
    embedding                0.818 / 0.947 / 0.887  0.836 / 0.942 / 0.895
    hybrid (w = 0.3)         0.907 / 0.969 / 0.941  0.876 / 0.960 / 0.919

    static variants (hybrid, w = 0.3 unless noted): the prior alone
    0.827 / 0.969 / 0.897; e5's own word pieces instead of words
    0.862 / 0.964 / 0.912 (w = 0.5); also fitting e5 query vectors of the
    corpus sentences (a minute more per build): within two questions of these.

The static encoder loses seven of 225 questions at rank 1 and two within the
top three (mostly paraphrases built from words the corpus never uses, where
e5's context helps); recall@3 stays above the 0.95 floor of
tests/search/test_recall.py. ``search.query_encoder: e5`` restores the full
model per question where latency matters less.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np

from .encoder import Encoder, VectorCache, encode_with_cache, normalise
from .types import content_hash

log = logging.getLogger(__name__)

QueryEncoderKind = Literal["static", "e5"]
QUERY_ENCODERS: tuple[QueryEncoderKind, ...] = ("static", "e5")
QUERY_MODEL_VERSION = 1
QUERY_MODEL_FILE = "query_model.npz"
RIDGE = 0.1
MAX_SOLVE = 4000  # side of the ridge system (about a second); beyond, chunks are sampled


@dataclass(frozen=True, slots=True)
class QueryModel:
    """Word → vector, in the passage vectors' space."""

    words: tuple[str, ...]
    vectors: np.ndarray  # (len(words), dim) float32
    row: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "row", {w: i for i, w in enumerate(self.words)})

    @property
    def info(self) -> dict[str, Any]:
        """What the manifest records (also part of the part's identity)."""
        return {"kind": "static-words", "version": QUERY_MODEL_VERSION, "words": len(self.words),
                "ridge": RIDGE}

    def save(self, directory: Path) -> None:
        np.savez(directory / QUERY_MODEL_FILE, words=np.array(self.words, dtype=str),
                 vectors=self.vectors.astype(np.float32))

    @classmethod
    def load(cls, directory: Path) -> QueryModel:
        with np.load(directory / QUERY_MODEL_FILE, allow_pickle=False) as data:
            words = tuple(str(w) for w in data["words"])
            vectors = np.ascontiguousarray(data["vectors"], dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(words):
            raise ValueError(f"{QUERY_MODEL_FILE}: 단어 {len(words)}개, 벡터 {vectors.shape}")
        return cls(words=words, vectors=vectors)


def distill(words_per_chunk: Sequence[Sequence[str]], passage_vectors: np.ndarray, encoder: Encoder,
            cache: VectorCache | None = None, *, extra_words: Iterable[str] = (), ridge: float = RIDGE,
            progress: Callable[[int], object] | None = None) -> QueryModel:
    """The static query model of one index part (see the module docstring).
    ``extra_words`` (the analyser's lexicon) join the vocabulary with their prior only;
    ``cache`` keeps the words' e5 vectors between builds; ``progress(n)`` per batch."""
    from scipy import sparse

    vocabulary = sorted({w for words in words_per_chunk for w in words} | set(extra_words))
    dim = passage_vectors.shape[1]
    if not vocabulary:
        return QueryModel(words=(), vectors=np.zeros((0, dim), dtype=np.float32))
    prior = encode_with_cache(encoder, vocabulary, [content_hash(w, 16) for w in vocabulary], cache,
                              batch=64, progress=progress, queries=True).astype(np.float64)
    prior -= prior.mean(axis=0)
    row = {w: i for i, w in enumerate(vocabulary)}
    rows, cols, values = [], [], []
    for r, words in enumerate(words_per_chunk):
        known = list(dict.fromkeys(w for w in words if w in row))
        rows += [r] * len(known)
        cols += [row[w] for w in known]
        values += [1.0 / len(known)] * len(known)
    x = sparse.csr_matrix((values, (rows, cols)), shape=(len(words_per_chunk), len(vocabulary)))
    targets = passage_vectors.astype(np.float64)
    if x.shape[0] > MAX_SOLVE and x.shape[1] > MAX_SOLVE:
        keep = np.sort(np.random.default_rng(0).choice(x.shape[0], MAX_SOLVE, replace=False))
        x, targets = x[keep], targets[keep]
    fitted = x @ prior
    energy = float((fitted * fitted).sum())
    alpha = float((fitted * targets).sum()) / energy if energy > 0 else 1.0
    correction = _ridge(x, targets - alpha * fitted, ridge)
    vectors = (alpha * prior + correction).astype(np.float32)
    return QueryModel(words=tuple(vocabulary), vectors=vectors)


def _ridge(x: Any, residual: np.ndarray, ridge: float) -> np.ndarray:
    """argmin_D ||x D - residual||² + ridge ||D||², solved on the smaller side."""
    n, v = x.shape
    if v <= n:
        gram = (x.T @ x).toarray()
        gram[np.diag_indices(v)] += ridge
        return np.linalg.solve(gram, x.T @ residual)
    kernel = (x @ x.T).toarray()
    kernel[np.diag_indices(n)] += ridge
    return x.T @ np.linalg.solve(kernel, residual)


class StaticQueryEncoder:
    """Queries through a ``QueryModel``; an ``Encoder`` with the full model's identity
    (its vectors live in the same space). Passages go to ``fallback``, as do queries
    with no known word; without a fallback those get a zero vector (no dense signal)."""

    def __init__(self, model: QueryModel, words: Callable[[str], list[str]],
                 fallback: Encoder | None) -> None:
        self.model = model
        self.words = words
        self.fallback = fallback
        self.dim = int(model.vectors.shape[1]) if fallback is None else fallback.dim
        self.name = fallback.name if fallback is not None else "static"
        self.version = fallback.version if fallback is not None else str(QUERY_MODEL_VERSION)
        self.fallbacks = 0  # queries the fallback embedded (for the benchmark and tests)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        unknown: list[int] = []
        row, vectors = self.model.row, self.model.vectors
        for i, text in enumerate(texts):
            rows = [row[w] for w in self.words(text) if w in row]
            if rows:
                out[i] = vectors[rows].sum(axis=0)
            else:
                unknown.append(i)
        if unknown and self.fallback is not None:
            self.fallbacks += len(unknown)
            out[unknown] = self.fallback.encode_queries([texts[i] for i in unknown])
        return normalise(out)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.fallback is None:
            raise RuntimeError("the static query encoder embeds questions only")
        return self.fallback.encode_passages(texts)
