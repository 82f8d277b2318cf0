"""Policy answer benchmark: ``PolicyAnswerer.answer`` latency in-process (issue #12).

    python bench/bench_answers.py [--passes 3]

Questions: tests/data/policy_eval.jsonl (225) and tests/data/answers_dev.jsonl
when present; the held-out answer questions are not used. The policy index is
built once into a temporary directory. Each pass loads a fresh index store and
answerer, so no question is in the analyser's recent results (cold), then
answers every question once; the median of the passes' p50/p95 is reported.
Target: p95 < 5 ms; exits non-zero when missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from ecommerce_agent.agent.answers import PolicyAnswerer
from ecommerce_agent.config import load_settings
from ecommerce_agent.domain.clock import KST
from ecommerce_agent.search import IndexStore, build_from_settings

TARGET_P95_MS = 5.0
ROOT = Path(__file__).resolve().parents[1]


def questions() -> list[str]:
    out = []
    for name in ("policy_eval.jsonl", "answers_dev.jsonl"):
        path = ROOT / "tests" / "data" / name
        if path.exists():
            out += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines()
                    if line.strip()]
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--passes", type=int, default=3)
    args = parser.parse_args()
    asked = questions()
    now = datetime(2026, 11, 26, 12, 0, tzinfo=KST)
    with tempfile.TemporaryDirectory(prefix="bench-answers-") as tmp:
        settings = load_settings(None)
        settings = settings.model_copy(update={"search": settings.search.model_copy(update={
            "index_dir": Path(tmp), "policies_dir": ROOT / "data" / "policies"})})
        build_from_settings(settings, parts=("policies",))
        p50s, p95s = [], []
        for _ in range(args.passes):
            store = IndexStore.from_settings(settings)
            store.load()
            answerer = PolicyAnswerer.load(store, settings)
            for warm in ("배송비 얼마예요?", "반품 기간"):  # code paths warm, not these questions
                answerer.answer(warm, now=now)
            times = []
            for question in asked:
                started = time.perf_counter()
                answerer.answer(question, now=now)
                times.append((time.perf_counter() - started) * 1000)
            p50s.append(percentile(times, 50))
            p95s.append(percentile(times, 95))
    p50, p95 = statistics.median(p50s), statistics.median(p95s)
    load = os.getloadavg()[0]
    print(f"questions {len(asked)}, passes {args.passes}, cores {os.cpu_count()}, load average {load:.2f}")
    print(f"answer latency (median of passes): p50 {p50:.2f} ms, p95 {p95:.2f} ms (target p95 < {TARGET_P95_MS} ms)")
    return 0 if p95 < TARGET_P95_MS else 1


if __name__ == "__main__":
    sys.exit(main())
