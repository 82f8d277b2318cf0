"""Profile one endpoint under the bench-http load with py-spy (a dev extra).

    python bench/http_profile.py chat [--seconds 10] [--out bench/results/profile-chat]

Starts the pinned uvicorn worker on a copy of the template shop (as
`make bench-http` does), drives the endpoint's request mix with wrk and samples
the worker with ``py-spy record`` meanwhile. Writes ``<out>.txt`` (collapsed
stacks, for flamegraph.pl or speedscope) and prints the functions with the most
samples, inclusive and exclusive. ``--gil`` keeps only samples holding the GIL
(what the worker's one core spends), else threads waiting count too.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import threading
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from http_bench import build_scripts, run_wrk  # noqa: E402
from httpload import mix, report, server  # noqa: E402


def top_functions(collapsed: str, limit: int = 30) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """(inclusive, exclusive, total samples) from py-spy's collapsed stacks
    (``frame;frame;frame count`` per line)."""
    inclusive: collections.Counter[str] = collections.Counter()
    exclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        total += n
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += n
        exclusive[frames[-1]] += n
    return inclusive.most_common(limit), exclusive.most_common(limit), total


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("endpoint", choices=report.ENDPOINTS)
    p.add_argument("--seconds", type=float, default=10)
    p.add_argument("--warmup", type=float, default=3)
    p.add_argument("--connections", type=int, default=10)
    p.add_argument("--server-cpus", default="0")
    p.add_argument("--wrk-cpu", type=int, default=1)
    p.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    p.add_argument("--gil", action="store_true", help="only samples holding the GIL")
    p.add_argument("--out", type=Path, help="output path without suffix (default bench/results/profile-<endpoint>)")
    args = p.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists() and shutil.which("py-spy") is None:
        print("py-spy is missing: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    out = args.out or HERE / "results" / f"profile-{args.endpoint}"
    out.parent.mkdir(parents=True, exist_ok=True)
    server.ensure_template()
    customers = mix.shop_customers(server.TEMPLATE / "shop.db", server.SECRET)
    workspace = server.make_workspace()
    try:
        scripts = build_scripts(workspace, customers)
        srv = server.start("uvicorn", workspace, cpus=args.server_cpus)
        try:
            script = scripts[args.endpoint][0]
            run_wrk(srv.base, script, args.warmup, args)
            record = [py_spy, "record", "-p", str(srv.pid), "-r", str(args.rate), "-d", f"{args.seconds:g}",
                      "--nonblocking", "--nolineno", *(["--gil"] if args.gil else [])]
            spy = subprocess.Popen([*record, "-f", "raw", "-o", str(out.with_suffix(".txt"))],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            result: list = []
            load = threading.Thread(target=lambda: result.append(run_wrk(srv.base, script, args.seconds + 1, args)))
            load.start()
            spy.wait()
            load.join()
        finally:
            srv.stop()
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    wrk_result = result[0]
    print(f"{report.LABELS[args.endpoint]}: {wrk_result.rps:.1f} req/s, p99 {wrk_result.latency_ms['p99']:.2f} ms "
          "(slowed by the profiler)")
    inclusive, exclusive, total = top_functions(out.with_suffix(".txt").read_text(encoding="utf-8"))
    for title, rows in (("inclusive", inclusive), ("exclusive", exclusive)):
        print(f"\n{title} (of {total} samples)")
        for frame, n in rows:
            print(f"{100 * n / max(total, 1):6.1f}%  {frame}")
    print(f"\ncollapsed stacks: {out.with_suffix('.txt')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
