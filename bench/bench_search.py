"""Search benchmark: query latency (cold and warm p50/p95) and index build time, in-process.

    python bench/bench_search.py [--synthetic 10000] [--repeat 3] [--cache-dir DIR]
    python bench/bench_search.py --prepare      # only embed the synthetic corpus (resumable)

Two corpora: the policy corpus (data/policies) and a synthetic one of
``--synthetic`` chunks, generated deterministically from the policy sentences
(shuffled, recombined, numbers varied) so that its vocabulary and lengths are
realistic. e5 vectors (passages, and the vocabulary words of the static query
encoder) are cached under ``--cache-dir`` (default /tmp/ecommerce-agent-bench):
embedding 10,000 chunks with e5-small takes tens of minutes on 2 cores, so it
is done once and reused by later runs.

For the synthetic corpus the latency does not depend on the passage vectors'
values (every query scores every row), so when they are not cached yet the
default ``--vectors auto`` uses deterministic random unit vectors and says so;
run ``--prepare`` once (or ``--vectors e5``) for real ones.

Queries are the 225 questions of tests/data/policy_eval.jsonl; none of them
is used to build anything. Latency is measured through ``IndexStore.search``
(analysis, query embedding, scoring, ranking, snippets):

* cold: every question is new to the process. Each (mode, query encoder) pass
  starts from a freshly loaded store, so neither the analyser's recent results
  nor e5's query-vector LRU hold any of the questions; a few corpus headings
  are searched first so that code paths (not answers) are warm.
* warm: the same questions again (a shopper repeating a common question).

Query encoders: ``static`` (the default, ``search.query_encoder``: word vectors
distilled from e5 at build time) and ``e5`` (the full model per new question).
Policy searches include the aspect reranking stage (``search.aspect_weight``,
default 0.15; ``--aspect-weight 0`` measures without it).
Each figure is the median over ``--repeat`` passes; the machine's load average
is printed because other processes on the same cores slow everything down.

Targets: p95 < 5 ms on the policy corpus, < 20 ms at 10,000 chunks (cold,
default settings).
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
from ecommerce_agent.search.aspects import DEFAULT_ASPECT_WEIGHT  # noqa: E402
from ecommerce_agent.search.build import policy_source  # noqa: E402
from ecommerce_agent.search.encoder import CachedEncoder, E5Encoder, Encoder  # noqa: E402
from ecommerce_agent.search.evaluate import load_questions  # noqa: E402
from ecommerce_agent.search.index import PartSource, build_index, load_part, read_manifest  # noqa: E402
from ecommerce_agent.search.query_model import distill  # noqa: E402
from ecommerce_agent.search.store import IndexStore  # noqa: E402
from ecommerce_agent.search.types import Chunk, content_hash  # noqa: E402

POLICIES = ROOT / "data" / "policies"
EVAL_FILE = ROOT / "tests" / "data" / "policy_eval.jsonl"
# (label, mode, query encoder, measured warm too)
PASSES = (("keyword", "keyword", "static", True), ("hybrid", "hybrid", "static", True),
          ("embedding", "embedding", "static", False), ("hybrid, e5 query", "hybrid", "e5", True))


def percentile(samples: Sequence[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class StoredVectors:
    """e5 vectors by kind and text hash in ``<dir>/<name>.npz`` (append-only, resumable)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.dirty = False
        if path.exists():
            with np.load(path) as data:
                self.vectors = dict(zip(json.loads(str(data["keys"])), data["vectors"]))

    def save(self) -> None:
        if not self.dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = list(self.vectors)
        tmp = self.path.with_name(self.path.stem + ".tmp.npz")
        np.savez(tmp, keys=np.array(json.dumps(keys)), vectors=np.stack([self.vectors[k] for k in keys]))
        os.replace(tmp, self.path)
        self.dirty = False

    def missing(self, texts: Sequence[str], kind: str) -> int:
        return sum(kind + content_hash(t, 16) not in self.vectors for t in texts)


class BenchEncoder:
    """What the benchmark builds with: e5 through ``stored`` (embedding only what is
    missing), passages optionally replaced by deterministic random unit vectors."""

    def __init__(self, inner: Encoder, stored: StoredVectors, *, random_passages: bool = False) -> None:
        self.inner, self.stored, self.random_passages = inner, stored, random_passages
        self.name, self.version, self.dim = inner.name, inner.version, inner.dim
        self.embedded = {"p": 0, "q": 0}  # texts the real model embedded during this run

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._stored(texts, "q", self.inner.encode_queries)

    def encode_passages(self, texts: Sequence[str]) -> np.ndarray:
        if self.random_passages:
            out = np.stack([np.random.default_rng(int(content_hash(t, 8), 16)).standard_normal(self.dim)
                            for t in texts]).astype(np.float32)
            return out / np.linalg.norm(out, axis=1, keepdims=True)
        return self._stored(texts, "p", self.inner.encode_passages)

    def _stored(self, texts: Sequence[str], kind: str, embed: Callable[[Sequence[str]], np.ndarray]) -> np.ndarray:
        keys = [kind + content_hash(t, 16) for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts) if k not in self.stored.vectors]
        if missing:
            for key, vector in zip([k for k, _ in missing], embed([t for _, t in missing])):
                self.stored.vectors[key] = vector
            self.stored.dirty = True
            self.embedded[kind] += len(missing)
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


def prepare(encoder: BenchEncoder, chunks: Sequence[Chunk], batch: int = 32) -> None:
    todo = [c.retrieval_text for c in chunks if "p" + content_hash(c.retrieval_text, 16) not in encoder.stored.vectors]
    print(f"embedding {len(todo):,} of {len(chunks):,} synthetic chunks (cached: {len(chunks) - len(todo):,})",
          file=sys.stderr)
    started = time.perf_counter()
    for start in range(0, len(todo), batch):
        encoder.encode_passages(todo[start:start + batch])
        done = start + len(todo[start:start + batch])
        if done % (batch * 8) == 0 or done == len(todo):
            encoder.stored.save()
            print(f"  {done:,}/{len(todo):,}  {done / (time.perf_counter() - started):.1f} chunks/s",
                  file=sys.stderr)


def timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def measure(index_dir: Path, kiwi: object, e5: Encoder, questions: Sequence[str],
            warm_up: Sequence[str], aspect_weight: float = DEFAULT_ASPECT_WEIGHT) -> dict[str, dict[str, list[float]]]:
    """One pass per row of ``PASSES``, each on a freshly loaded store: {label: {cold, warm}}."""
    out: dict[str, dict[str, list[float]]] = {}
    for label, mode, query_encoder, warm in PASSES:
        store = IndexStore(index_dir, encoder=CachedEncoder(e5, size=4096), analyzer=Analyzer(kiwi),  # type: ignore[arg-type]
                           query_encoder=query_encoder, aspect_weight=aspect_weight)  # type: ignore[arg-type]
        store.load()
        for text in warm_up:
            store.search(text, mode=mode)  # type: ignore[arg-type]
        samples = {"cold": [timed(lambda q=q: store.search(q, mode=mode)) for q in questions]}  # type: ignore[arg-type,misc]
        if warm:
            samples["warm"] = [timed(lambda q=q: store.search(q, mode=mode)) for q in questions]  # type: ignore[arg-type,misc]
        out[label] = samples
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthetic", type=int, default=10_000, help="synthetic chunks (0: skip)")
    parser.add_argument("--repeat", type=int, default=3, help="measurement passes; medians are reported")
    parser.add_argument("--threads", type=int, default=1, help="encoder threads (search.encoder_threads)")
    parser.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "ecommerce-agent-bench")
    parser.add_argument("--prepare", action="store_true", help="only embed the synthetic corpus")
    parser.add_argument("--vectors", choices=("auto", "e5", "random"), default="auto",
                        help="synthetic passage vectors (auto: e5 if cached, else random)")
    parser.add_argument("--aspect-weight", type=float, default=DEFAULT_ASPECT_WEIGHT,
                        help="aspect reranking of policy results (search.aspect_weight; 0: off)")
    args = parser.parse_args()

    load_before = os.getloadavg()[0]
    started = time.perf_counter()
    kiwi = shared_kiwi()
    analyzer = Analyzer(kiwi)
    kiwi_s = time.perf_counter() - started
    started = time.perf_counter()
    e5 = E5Encoder(threads=args.threads)
    encoder_s = time.perf_counter() - started
    stored = StoredVectors(args.cache_dir / f"vectors-v2-{content_hash(e5.name + e5.version, 12)}.npz")
    synthetic = synthetic_chunks(args.synthetic) if args.synthetic else []
    if args.prepare:
        prepare(BenchEncoder(e5, stored), synthetic)
        return 0

    questions = [q.question for q in load_questions(EVAL_FILE)]
    source = policy_source(POLICIES, max_chars=800)
    warm_up = sorted({" ".join(c.heading) for c in source.chunks if c.heading})[:20]
    corpora: list[tuple[str, Path]] = []
    builds: list[tuple[str, int, float, str]] = []
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        # -- index builds -------------------------------------------------------------
        start = time.perf_counter()  # imports (bm25s, scipy) and Kiwi's first batch, paid once
        build_index(Path(tmp) / "warm-up", [PartSource(kind="policies", chunks=source.chunks[:5],
                                                       source_hash="warm-up", documents=1, origin="-")],
                    analyzer=analyzer, encoder=None)
        warm_up_s = time.perf_counter() - start

        encoder = BenchEncoder(e5, stored)
        start = time.perf_counter()
        build_index(Path(tmp) / "policies", [source], analyzer=analyzer, encoder=encoder,
                    vector_cache_dir=Path(tmp) / "no-cache")
        build_s = time.perf_counter() - start
        stored.save()
        manifest = read_manifest(Path(tmp) / "policies")
        assert manifest is not None
        words = manifest["parts"]["policies"]["query_model"]["words"]
        builds.append(("policies", len(source.chunks), build_s,
                       f"{words} query-model words; e5 ran now for {encoder.embedded['p']} passages, "
                       f"{encoder.embedded['q']} words (others cached)"))
        part = load_part(Path(tmp) / "policies", manifest["parts"]["policies"])
        chunk_words = [w for _, w in analyzer.analyze_many([c.keyword_text for c in source.chunks])]
        start = time.perf_counter()
        distill(chunk_words, part.vectors, encoder, extra_words=analyzer.lexicon_words)  # type: ignore[arg-type]
        builds.append(("  of which query model", words, time.perf_counter() - start,
                       "distillation with the words' e5 vectors cached"))
        sample = [c.retrieval_text for c in source.chunks[:16]]
        embed_ms = timed(lambda: e5.encode_passages(sample)) / len(sample)
        vocabulary = sorted(set(part.query_model.words))[:64]  # type: ignore[union-attr]
        word_ms = timed(lambda: e5.encode_queries(vocabulary)) / len(vocabulary)
        start = time.perf_counter()
        build_index(Path(tmp) / "policies-kw", [source], analyzer=analyzer, encoder=None)
        builds.append(("policies, keyword only", len(source.chunks), time.perf_counter() - start, "no vectors"))
        corpora.append((f"policies ({len(source.chunks)})", Path(tmp) / "policies"))

        if synthetic:
            cached = len(synthetic) - stored.missing([c.retrieval_text for c in synthetic], "p")
            vectors = args.vectors if args.vectors != "auto" else "e5" if cached == len(synthetic) else "random"
            if vectors == "e5":
                prepare(BenchEncoder(e5, stored), synthetic)
                stored.save()
            else:
                print(f"synthetic passage vectors: random ({cached:,}/{len(synthetic):,} e5 vectors cached; "
                      "`--prepare` embeds them once)", file=sys.stderr)
            encoder = BenchEncoder(e5, stored, random_passages=vectors == "random")
            part_source = PartSource(kind="policies", chunks=synthetic, source_hash=content_hash(str(len(synthetic))),
                                     documents=len({c.doc_id for c in synthetic}), origin="synthetic")
            start = time.perf_counter()
            build_index(Path(tmp) / "synthetic", [part_source], analyzer=analyzer, encoder=encoder,
                        vector_cache_dir=Path(tmp) / "no-cache")
            seconds = time.perf_counter() - start
            stored.save()
            manifest = read_manifest(Path(tmp) / "synthetic")
            assert manifest is not None
            builds.append((f"synthetic {len(synthetic):,}", len(synthetic), seconds,
                           f"{vectors} passage vectors, precomputed; "
                           f"{manifest['parts']['policies']['query_model']['words']} query-model words, "
                           f"e5 ran now for {encoder.embedded['q']}"))
            corpora.append((f"synthetic ({len(synthetic):,})", Path(tmp) / "synthetic"))

        # -- latency --------------------------------------------------------------------
        runs: dict[tuple[str, str], list[dict[str, dict[str, list[float]]]]] = {}
        for _ in range(args.repeat):
            for name, index_dir in corpora:
                for label, samples in measure(index_dir, kiwi, e5, questions, warm_up,
                                              args.aspect_weight).items():
                    runs.setdefault((name, label), []).append(samples)

    def median_of(samples: list[dict[str, list[float]]], kind: str, p: float) -> str:
        values = [percentile(s[kind], p) for s in samples if kind in s]
        return f"{statistics.median(values):.2f}" if values else "-"

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
          f"encoder threads {args.threads}; load average {load_before:.2f} at start, "
          f"{os.getloadavg()[0]:.2f} at end; aspect reranking weight {args.aspect_weight}")
    print(f"process start: Kiwi {kiwi_s:.2f} s, e5 {encoder_s:.2f} s, first build warm-up {warm_up_s:.2f} s; "
          f"e5 per passage {embed_ms:.0f} ms, per vocabulary word {word_ms:.1f} ms "
          f"(what a build without cached vectors adds)")
    print(f"{len(questions)} questions; cold = first time the process sees them; "
          f"median of {args.repeat} passes of each p50/p95")
    print()
    width = max(len(name) for name, _ in corpora) + 2
    print(f"{'corpus':<{width}}{'mode':<18}{'cold p50':>9}{'cold p95':>9}{'warm p50':>9}{'warm p95':>9}")
    for (name, label), samples in runs.items():
        print(f"{name:<{width}}{label:<18}{median_of(samples, 'cold', 50):>9}{median_of(samples, 'cold', 95):>9}"
              f"{median_of(samples, 'warm', 50):>9}{median_of(samples, 'warm', 95):>9}")
    print()
    print(f"{'index build':<26}{'items':>8}{'seconds':>10}  note")
    for name, n, seconds, note in builds:
        print(f"{name:<26}{n:>8,}{seconds:>10.2f}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
