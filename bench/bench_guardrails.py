"""Guardrails benchmark: time per message for the input guard, the output guard
and both, in-process. Target: p95 well under 1 ms.

    python bench/bench_guardrails.py [--runs 3] [--repeat 5] [--data tests/data/guardrails_eval.jsonl]

Messages are the labelled eval set (PII, injections, abuse, look-alikes,
ordinary questions); replies are templated answers about the shopper's own
and other shoppers' orders. Each run times every message ``--repeat`` times;
the figures printed are the median over ``--runs`` runs of each percentile.
Wall-clock time and the thread's CPU time are both reported: on a busy machine
the wall-clock tail is the scheduler's (a preempted time slice is ~4 ms), the
CPU time is the guards' own cost.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ecommerce_agent.guardrails import InputGuard, OutputGuard, UserScope  # noqa: E402

REPLIES = (
    "주문 {own} 은 {day} 출고되어 CJ대한통운 운송장 {tracking} 로 배송 중입니다. 결제 금액은 {price:,}원입니다.",
    "고객님의 문의 TKT-20261126-7F3K2Q 가 접수되었습니다. 등록된 연락처 010-{a:04d}-{b:04d} 로 안내드리겠습니다.",
    "주문 {other} 은 다른 고객님의 주문입니다.",
    "환불 {price:,}원은 {day} 까지 국민 482301-01-{b:06d} 계좌로 입금됩니다.",
    "요청하신 주문 {own} 의 취소가 완료되었습니다. 쿠폰 3,000원이 다시 지급되었습니다.",
)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def replies(n: int, rng: random.Random) -> list[str]:
    out = []
    for _ in range(n):
        out.append(rng.choice(REPLIES).format(
            own="ORD-20261126-0001", other=f"ORD-20261126-{rng.randint(2, 9999):04d}",
            day=f"2026-11-{rng.randint(1, 30):02d}", tracking=rng.randint(10**11, 10**12 - 1),
            price=rng.randint(1, 500) * 1000, a=rng.randint(1000, 9999), b=rng.randint(0, 999999) % 10000))
    return out


def timed(fn: Callable[[str], object], items: list[str], repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds per call: (wall clock, this thread's CPU time)."""
    wall, cpu = [], []
    for _ in range(repeat):
        for item in items:
            start, start_cpu = time.perf_counter(), time.thread_time()
            fn(item)
            cpu.append((time.thread_time() - start_cpu) * 1000)
            wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=ROOT / "tests" / "data" / "guardrails_eval.jsonl")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    messages = [json.loads(line)["text"] for line in args.data.read_text(encoding="utf-8").splitlines()
                if line.strip()]
    answers = replies(len(messages), random.Random(1))
    scope = UserScope("U000001", order_ids=frozenset({"ORD-20261126-0001"}),
                      ticket_ids=frozenset({"TKT-20261126-7F3K2Q"}), emails=frozenset({"demo@example.com"}))
    input_guard, output_guard = InputGuard.from_config(), OutputGuard.from_config()
    pairs = list(zip(messages, answers))

    def both(pair: tuple[str, str]) -> None:
        input_guard.check(pair[0])
        output_guard.check(pair[1], scope)

    for message, answer in pairs:  # warm up (regex caches, lazy imports)
        both((message, answer))
    rows: dict[str, list[tuple[float, ...]]] = {"input guard": [], "output guard": [], "input + output": []}
    for _ in range(args.runs):
        for name, (wall, cpu) in (("input guard", timed(input_guard.check, messages, args.repeat)),
                                  ("output guard", timed(lambda r: output_guard.check(r, scope), answers, args.repeat)),
                                  ("input + output", timed(both, pairs, args.repeat))):  # type: ignore[arg-type]
            rows[name].append(tuple(f(s) for s in (wall, cpu) for f in (statistics.median, lambda x: percentile(x, 95),
                                                                         lambda x: percentile(x, 99))))
    print(f"guardrails, {len(messages):,} messages x {args.repeat}, median of {args.runs} runs, in-process")
    print(f"{'':<16} {'wall clock':^26}   {'CPU time':^26}")
    print(f"{'pipeline':<16} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}   {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, runs in rows.items():
        cells = [statistics.median(r[i] for r in runs) for i in range(6)]
        print(f"{name:<16} " + " ".join(f"{c:>8.3f}" for c in cells[:3]) + "   "
              + " ".join(f"{c:>8.3f}" for c in cells[3:]))


if __name__ == "__main__":
    main()
