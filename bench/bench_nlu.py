"""NLU benchmark: load times and per-utterance latency, in-process, warm.

    python bench/bench_nlu.py [--runs 3] [--model-dir DIR] [--file data/nlu/test.jsonl]

Reports separately: Kiwi load (shared, ~1 s), model load (nlu.npz), e5 encoder
load; then p50/p95/p99 of ``Nlu.understand`` over every line of the file, for
the first stage alone and for the shipped cascade (e5 second stage when the
first stage is unsure), each the median over ``--runs`` passes after one warm-up
pass. Target: p95 < 10 ms. The e5 query cache is off, so every second-stage
call really embeds. Other processes on the machine show up in the tail.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ecommerce_agent.domain.clock import KST  # noqa: E402

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=KST)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def timed_pass(nlu, texts: list[str]) -> tuple[list[float], int]:  # noqa: ANN001
    out, second = [], 0
    for text in texts:
        start = time.perf_counter()
        result = nlu.understand(text, now=NOW)
        out.append((time.perf_counter() - start) * 1000)
        second += result.source == "model+embedding"
    return out, second


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model-dir", type=Path, default=ROOT / "data" / "nlu" / "model")
    parser.add_argument("--file", type=Path, default=ROOT / "data" / "nlu" / "test.jsonl")
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in args.file.read_text(encoding="utf-8").splitlines()
             if line.strip()]

    start = time.perf_counter()
    from ecommerce_agent.nlu.engine import Nlu
    from ecommerce_agent.nlu.model import load_model
    from ecommerce_agent.nlu.morph import shared_kiwi
    from ecommerce_agent.search.encoder import load_encoder

    import_s = time.perf_counter() - start
    start = time.perf_counter()
    shared_kiwi()
    kiwi_s = time.perf_counter() - start
    start = time.perf_counter()
    model = load_model(args.model_dir)
    model_s = time.perf_counter() - start
    start = time.perf_counter()
    encoder = load_encoder("e5-small", threads=1, cache_size=0)
    encoder_s = time.perf_counter() - start

    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} (other processes count)")
    print(f"load: imports {import_s * 1000:.0f} ms, Kiwi {kiwi_s * 1000:.0f} ms, "
          f"NLU model (nlu.npz, hash check) {model_s * 1000:.0f} ms, e5 encoder {encoder_s * 1000:.0f} ms")
    size = sum(p.stat().st_size for p in args.model_dir.iterdir() if p.is_file())
    print(f"model files: {size / 1e6:.1f} MB in {args.model_dir}")
    print(f"{len(texts)} utterances from {args.file.name}, median of {args.runs} warm passes")
    print(f"{'configuration':<34} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7} {'e5 used':>8}")
    for name, nlu in (("first stage only", Nlu(model)),
                      ("cascade (shipped: e5 when unsure)", Nlu(model, encoder=encoder))):
        timed_pass(nlu, texts)  # warm-up
        runs = [timed_pass(nlu, texts) for _ in range(args.runs)]
        p50 = statistics.median(statistics.median(r[0]) for r in runs)
        p95 = statistics.median(percentile(r[0], 95) for r in runs)
        p99 = statistics.median(percentile(r[0], 99) for r in runs)
        worst = statistics.median(max(r[0]) for r in runs)
        share = runs[0][1] / len(texts)
        print(f"{name:<34} {p50:>7.2f} {p95:>7.2f} {p99:>7.2f} {worst:>7.1f} {share:>8.1%}")


if __name__ == "__main__":
    main()
