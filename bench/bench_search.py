"""Search benchmark: index build time and query latency (p50/p95), in-process.

    python bench/bench_search.py [--synthetic 10000] [--cold-queries 40] [--cache-dir DIR]
    python bench/bench_search.py --prepare      # only embed the synthetic corpus (resumable)

Two corpora: the policy corpus (data/policies) and a synthetic one of
``--synthetic`` chunks, generated deterministically from the policy sentences
(shuffled, recombined, numbers varied) so that its vocabulary and lengths are
realistic. Passage vectors are cached under ``--cache-dir`` (default
/tmp/ecommerce-agent-bench): embedding 10,000 chunks with e5-small takes tens
of minutes on 2 cores, so it is done once and reused by later runs.

For the synthetic corpus the latency does not depend on the vectors' values
(every query scores every row), so when they are not cached yet the default
``--vectors auto`` uses deterministic random unit vectors and says so; run
``--prepare`` once (or ``--vectors e5``) for real ones.

Queries are the questions of tests/data/policy_eval.jsonl. Latency is measured
per mode through ``IndexStore.search`` (analysis, scoring, ranking, snippets):

* keyword                 BM25 only
* hybrid / embedding warm  the query's vector is in the LRU (a repeated question)
* hybrid cold             the query is embedded now (the e5 forward pass)

Targets: p95 < 5 ms on the policy corpus, < 20 ms at 10,000 chunks.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ecommerce_agent.search.analysis import Analyzer, shared_kiwi  # noqa: E402
from ecommerce_agent.search.build import policy_source  # noqa: E402
from ecommerce_agent.search.encoder import CachedEncoder, E5Encoder, Encoder  # noqa: E402
from ecommerce_agent.search.evaluate import load_questions  # noqa: E402
from ecommerce_agent.search.index import PartSource, build_index  # noqa: E402
from ecommerce_agent.search.store import IndexStore  # noqa: E402
from ecommerce_agent.search.types import Chunk, content_hash  # noqa: E402

POLICIES = ROOT / "data" / "policies"
EVAL_FILE = ROOT / "tests" / "data" / "policy_eval.jsonl"


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class StoredVectors:
    """Passage vectors by text hash in ``<dir>/<name>.npz`` (append-only, resumable)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as data:
                self.vectors = dict(zip(json.loads(str(data["keys"])), data["vectors"]))

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        tmp = self.path.with_name(self.path.stem + ".tmp.npz")
        np.savez(tmp, keys=np.array(json.dumps(keys)), vectors=np.stack([self.vectors[k] for k in keys]))
        os.replace(tmp, self.path)


class RandomPassages:
    """Deterministic random unit vectors for passages (latency stand-in); real queries."""

    def __init__(self, inner: Encoder) -> None:
        self.inner = inner
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = np.stack([np.random.default_rng(int(content_hash(t, 8), 16)).standard_normal(self.dim)
                        for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class PrecomputedEncoder:
    """Passages from the store (embedding only what is missing); queries from the real model."""

    def __init__(self, inner: Encoder, stored: StoredVectors) -> None:
        self.inner, self.stored = inner, stored
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_queries(texts)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        keys = [content_hash(t, 16) for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts) if k not in self.stored.vectors]
        if missing:
            for key, vector in zip([k for k, _ in missing], self.inner.encode_passages([t for _, t in missing])):
                self.stored.vectors[key] = vector
        return np.stack([self.stored.vectors[k] for k in keys])


def synthetic_chunks(n: int, seed: int = 20261126) -> list[Chunk]:
    """``n`` chunks of 2-4 policy sentences each, deterministic for a given seed."""
    sources = [c for s in [policy_source(POLICIES, max_chars=800)] for c in s.chunks]
    sentences = sorted({s.strip() for c in sources for s in re.split(r"(?<=[.!?])\s+", c.text)
                        if len(s.strip()) > 15 and not s.strip().startswith("|")})
    headings = sorted({c.heading[0] for c in sources if c.heading})
    titles = sorted({c.title for c in sources})
    rng = random.Random(seed)
    chunks = []
    for i in range(n):
        picked = rng.sample(sentences, rng.randint(2, 4))
        text = " ".join(re.sub(r"\d+", lambda m: str(int(m.group(0)) + rng.randint(0, 9)), s) for s in picked)
        doc = f"synthetic-{i // 5:05d}"
        title = f"{rng.choice(titles)} {i // 5}"
        heading = (rng.choice(headings),)
        chunk = Chunk(chunk_id="", doc_id=doc, title=title, heading=heading, text=text,
                      metadata={"kind": "policy", "category": "synthetic", "heading_path": [title, *heading],
                                "effective_date": "2026-01-01", "legal_basis": None, "source": "synthetic"})
        chunks.append(Chunk(chunk_id=f"{doc}#{i % 5 + 1:02d}-{chunk.text_hash}", doc_id=doc, title=title,
                            heading=heading, text=text, metadata=chunk.metadata))
    return chunks


def prepare(encoder: Encoder, stored: StoredVectors, chunks: Sequence[Chunk], batch: int = 32) -> None:
    todo = [c for c in chunks if content_hash(c.retrieval_text, 16) not in stored.vectors]
    print(f"embedding {len(todo):,} of {len(chunks):,} synthetic chunks (cached: {len(chunks) - len(todo):,})",
          file=sys.stderr)
    started = time.perf_counter()
    for start in range(0, len(todo), batch):
        texts = [c.retrieval_text for c in todo[start:start + batch]]
        for text, vector in zip(texts, encoder.encode_passages(texts)):
            stored.vectors[content_hash(text, 16)] = vector
        done = start + len(texts)
        if done % (batch * 8) == 0 or done == len(todo):
            stored.save()
            rate = done / (time.perf_counter() - started)
            print(f"  {done:,}/{len(todo):,}  {rate:.1f} chunks/s", file=sys.stderr)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(store: IndexStore, queries: Sequence[str], cold: Sequence[str]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    out["keyword"] = [timed(lambda q=q: store.search(q, mode="keyword")) for q in queries]
    for q in queries:  # warm the LRU
        store.search(q, mode="hybrid")
    out["hybrid (warm)"] = [timed(lambda q=q: store.search(q, mode="hybrid")) for q in queries]
    out["embedding (warm)"] = [timed(lambda q=q: store.search(q, mode="embedding")) for q in queries]
    out["hybrid (cold)"] = [timed(lambda q=q: store.search(q + " ", mode="hybrid")) for q in cold]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=10_000, help="synthetic chunks (0: skip)")
    parser.add_argument("--cold-queries", type=int, default=40, help="queries embedded on the spot")
    parser.add_argument("--threads", type=int, default=1, help="encoder threads (search.encoder_threads)")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "ecommerce-agent-bench")
    parser.add_argument("--prepare", action="store_true", help="only embed the synthetic corpus")
    parser.add_argument("--vectors", choices=("auto", "e5", "random"), default="auto",
                        help="synthetic passage vectors (auto: e5 if cached, else random)")
    args = parser.parse_args()

    started = time.perf_counter()
    analyzer = Analyzer()
    shared_kiwi()
    kiwi_s = time.perf_counter() - started
    started = time.perf_counter()
    e5 = E5Encoder(threads=args.threads)
    encoder_s = time.perf_counter() - started
    stored = StoredVectors(args.cache_dir / f"vectors-{content_hash(e5.name + e5.version, 12)}.npz")
    synthetic = synthetic_chunks(args.synthetic) if args.synthetic else []
    if args.prepare:
        prepare(e5, stored, synthetic)
        return 0

    questions = [q.question for q in load_questions(EVAL_FILE)]
    cold = questions[:: max(1, len(questions) // args.cold_queries)][: args.cold_queries]
    rows: list[tuple[str, str, str, str, str]] = []
    builds: list[tuple[str, int, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        # -- the policy corpus ------------------------------------------------------
        source = policy_source(POLICIES, max_chars=800)
        start = time.perf_counter()  # imports (bm25s, scipy) and Kiwi's first batch, paid once
        build_index(Path(tmp) / "warm-up", [PartSource(kind="policies", chunks=source.chunks[:5],
                                                       source_hash="warm-up", documents=1, origin="-")],
                    analyzer=analyzer, encoder=None)
        warm_up_s = time.perf_counter() - start
        encoder = PrecomputedEncoder(e5, stored)
        missing = sum(content_hash(c.retrieval_text, 16) not in stored.vectors for c in source.chunks)
        start = time.perf_counter()
        build_index(Path(tmp) / "policies", [source], analyzer=analyzer, encoder=encoder,
                    vector_cache_dir=Path(tmp) / "no-cache")
        build_s = time.perf_counter() - start
        stored.save()
        builds.append(("policies", len(source.chunks), build_s,
                       f"{missing} chunks embedded now" if missing else "vectors cached"))
        sample = [c.retrieval_text for c in source.chunks[:16]]
        embed_ms = timed(lambda: e5.encode_passages(sample)) / len(sample)
        keyword_only = time.perf_counter()
        build_index(Path(tmp) / "policies-kw", [source], analyzer=analyzer, encoder=None)
        builds.append(("policies, keyword only", len(source.chunks), time.perf_counter() - keyword_only, "no vectors"))
        store = IndexStore(Path(tmp) / "policies", encoder=CachedEncoder(e5, size=4096), analyzer=analyzer)
        store.load()
        for mode, samples in measure(store, questions, cold).items():
            rows.append((f"policies ({len(source.chunks)})", mode, f"{statistics.median(samples):.2f}",
                         f"{percentile(samples, 95):.2f}", str(len(samples))))

        # -- synthetic ----------------------------------------------------------------
        if synthetic:
            cached = sum(content_hash(c.retrieval_text, 16) in stored.vectors for c in synthetic)
            vectors = args.vectors if args.vectors != "auto" else "e5" if cached == len(synthetic) else "random"
            if vectors == "e5":
                prepare(e5, stored, synthetic)
                stored.save()
                synthetic_encoder: Encoder = encoder
            else:
                print(f"synthetic vectors: random ({cached:,}/{len(synthetic):,} e5 vectors cached; "
                      "`--prepare` embeds them once)", file=sys.stderr)
                synthetic_encoder = RandomPassages(e5)
            part = PartSource(kind="policies", chunks=synthetic, source_hash=content_hash(str(len(synthetic))),
                              documents=len({c.doc_id for c in synthetic}), origin="synthetic")
            start = time.perf_counter()
            build_index(Path(tmp) / "synthetic", [part], analyzer=analyzer, encoder=synthetic_encoder,
                        vector_cache_dir=Path(tmp) / "no-cache")
            builds.append((f"synthetic {len(synthetic):,}", len(synthetic), time.perf_counter() - start,
                           f"{vectors} vectors, precomputed"))
            store = IndexStore(Path(tmp) / "synthetic", encoder=CachedEncoder(e5, size=4096), analyzer=analyzer)
            store.load()
            for mode, samples in measure(store, questions, cold).items():
                rows.append((f"synthetic ({len(synthetic):,})", mode, f"{statistics.median(samples):.2f}",
                             f"{percentile(samples, 95):.2f}", str(len(samples))))

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"encoder threads {args.threads}; load average {os.getloadavg()[0]:.2f}")
    print(f"process start: Kiwi {kiwi_s:.2f} s, e5 {encoder_s:.2f} s, first build warm-up {warm_up_s:.2f} s; "
          f"embedding one passage {embed_ms:.0f} ms (a cold build adds that per chunk)")
    print()
    width = max(len(r[0]) for r in rows) + 2
    print(f"{'corpus':<{width}}{'mode':<18}{'p50 ms':>9}{'p95 ms':>9}{'n':>6}")
    for corpus, mode, p50, p95, n in rows:
        print(f"{corpus:<{width}}{mode:<18}{p50:>9}{p95:>9}{n:>6}")
    print()
    print(f"{'index build':<26}{'chunks':>8}{'seconds':>10}  note")
    for name, n, seconds, note in builds:
        print(f"{name:<26}{n:>8,}{seconds:>10.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
