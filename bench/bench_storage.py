"""Storage benchmark: order lookup by id and a user's latest-20 list, in-process,
on a SQLite database with 1,000,000 orders. Target: p95 < 1 ms for both.

    python bench/bench_storage.py [--db PATH] [--orders N] [--samples N]

Without --db, a database is generated once into bench/results/ (about 4-5 min
for 1,000,000 orders on 2 cores) and reused by later runs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ecommerce_agent.demo.generate import DemoShop, SeedPlan  # noqa: E402
from ecommerce_agent.domain.clock import KST  # noqa: E402
from ecommerce_agent.storage import open_sqlite  # noqa: E402

ANCHOR = datetime(2026, 11, 26, 12, 0, tzinfo=KST)


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def ensure_db(path: Path, orders: int) -> None:
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"generating {orders:,} orders into {path} (once) ...", file=sys.stderr)
    start = time.perf_counter()
    repo = open_sqlite(path)
    repo.load_tables(DemoShop(SeedPlan(anchor=ANCHOR, orders=orders, users=max(200, orders // 50))).batches())
    repo.close()
    print(f"generated in {time.perf_counter() - start:.0f} s", file=sys.stderr)


def timed(fn, args_list) -> list[float]:  # noqa: ANN001
    out = []
    for args in args_list:
        start = time.perf_counter()
        fn(*args)
        out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "results" / "storage-1m.db")
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=3_000)
    args = parser.parse_args()
    ensure_db(args.db, args.orders)
    repo = open_sqlite(args.db)
    rng = random.Random(1)
    with repo.engine.connect() as conn:
        n_orders = conn.exec_driver_sql("SELECT count(*) FROM orders").scalar()
        order_ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT order_id FROM orders ORDER BY random() LIMIT ?", (args.samples,))]
        user_ids = [r[0] for r in conn.exec_driver_sql(
            "SELECT user_id FROM users ORDER BY random() LIMIT ?", (args.samples,))]
    user_ids = [rng.choice(user_ids) for _ in range(args.samples)]
    for oid in order_ids[:200]:  # warm the page cache and connection pool
        repo.get_order(oid)
    rows = [("get_order(order_id)", timed(repo.get_order, [(o,) for o in order_ids])),
            ("list_orders(user, limit=20)", timed(repo.list_orders, [(u,) for u in user_ids]))]
    print(f"SQLite, {n_orders:,} orders, {args.samples:,} samples each, in-process")
    print(f"{'operation':<30} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for name, samples in rows:
        print(f"{name:<30} {statistics.median(samples):>8.3f} {percentile(samples, 95):>8.3f} "
              f"{percentile(samples, 99):>8.3f}")
    repo.close()


if __name__ == "__main__":
    main()
