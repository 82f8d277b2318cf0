"""Helpers for the search tests: deterministic fake encoders and index builders."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ecommerce_agent.domain.products import Product
from ecommerce_agent.search.analysis import Analyzer
from ecommerce_agent.search.build import policy_source
from ecommerce_agent.search.encoder import Encoder
from ecommerce_agent.search.index import PartSource, build_index, product_source_hash
from ecommerce_agent.search.products import product_chunk, product_rows

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_POLICIES = FIXTURES / "policies"
ROOT = Path(__file__).resolve().parents[2]


class FakeEncoder:
    """Hashed character bigrams → 256 dims: instant, deterministic, and texts that
    share words get similar vectors (enough to exercise the embedding path)."""

    name = "fake-bigram-hash"
    version = "1"
    dim = 256

    def __init__(self) -> None:
        self.passages_encoded = 0
        self.queries_encoded = 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries_encoded += len(texts)
        return self._encode(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.passages_encoded += len(texts)
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            compact = "".join(text.split())
            for i in range(len(compact) - 1):
                bucket = int.from_bytes(hashlib.md5(compact[i:i + 2].encode()).digest()[:4], "little")
                out[row, bucket % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


class FailingEncoder(FakeEncoder):
    """Builds fine, then fails on every query (a model that broke at run time)."""

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        raise RuntimeError("engine crashed")


class ExplodingEncoder(FakeEncoder):
    """Fails after ``after`` passages: a build that dies half-way."""

    name = "exploding"

    def __init__(self, after: int) -> None:
        super().__init__()
        self.after = after

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.passages_encoded + len(texts) > self.after:
            raise RuntimeError("out of memory")
        return super().encode_passages(texts)


class DiskCachedEncoder:
    """A real encoder whose vectors persist between test sessions (pytest's cache
    directory), so the corpus is embedded once per machine, not once per run."""

    def __init__(self, inner: Encoder, directory: Path | None) -> None:
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self._path = None if directory is None else directory / (
            hashlib.sha256(f"{inner.name}|{inner.version}".encode()).hexdigest()[:12] + ".npz")
        self._vectors: dict[str, np.ndarray] = {}
        self._dirty = False
        self._lock = threading.Lock()
        if self._path is not None and self._path.exists():
            try:
                with np.load(self._path) as data:
                    keys = json.loads(str(data["keys"]))
                    self._vectors = dict(zip(keys, data["vectors"]))
            except (OSError, ValueError, KeyError):
                self._vectors = {}

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "q", self.inner.encode_queries)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "p", self.inner.encode_passages)

    def _encode(self, texts: Sequence[str], kind: str, compute) -> np.ndarray:  # noqa: ANN001
        keys = [kind + hashlib.sha256(t.encode()).hexdigest()[:24] for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts) if k not in self._vectors]
        if missing:
            fresh = compute([t for _, t in missing])
            with self._lock:
                self._vectors.update({k: v for (k, _), v in zip(missing, fresh)})
                self._dirty = True
        return np.stack([self._vectors[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def save(self) -> None:
        if self._path is None or not self._dirty:
            return
        self._path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self._vectors)
        tmp = self._path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(json.dumps(keys)), vectors=np.stack([self._vectors[k] for k in keys]))
        tmp.replace(self._path)


def build_policies(index_dir: Path, analyzer: Analyzer, encoder: Encoder | None,
                   policies: Path = FIXTURE_POLICIES, **kwargs: object) -> dict:
    return build_index(index_dir, [policy_source(policies, max_chars=800)], analyzer=analyzer,
                       encoder=encoder, **kwargs)  # type: ignore[arg-type]


def build_products(index_dir: Path, analyzer: Analyzer, encoder: Encoder | None,
                   products: Sequence[Product]) -> dict:
    source = PartSource(kind="products", chunks=[product_chunk(p) for p in products],
                        source_hash=product_source_hash(product_rows(products)),
                        documents=len(products), origin="test")
    return build_index(index_dir, [source], analyzer=analyzer, encoder=encoder)


def copy_fixture_corpus(target: Path) -> Path:
    shutil.copytree(FIXTURE_POLICIES, target)
    return target
