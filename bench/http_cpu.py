"""Server CPU per request, one request at a time (no concurrency): the figure to
compare before and after a change on a shared machine, where wrk's req/s moves
with everything else running.

    python bench/http_cpu.py [chat,orders,search,healthz] [--requests 300] [--profile]

Starts the pinned uvicorn worker on a copy of the template shop (as `make
bench-http` does), sends each endpoint's mix (bench/httpload) sequentially over
one keep-alive connection after a warm-up of 50 requests, and prints the
worker's CPU milliseconds per request (user + system, from /proc) and the wall
p50/p99. ``--profile`` samples the worker with py-spy meanwhile (all threads)
and prints the top functions (as bench/http_profile.py).
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from httpload import memory, mix, server  # noqa: E402


def requests_of(name: str, customers: list[mix.Customer]) -> list[mix.Request]:
    spec = mix.load_mix()
    return {"healthz": lambda: mix.healthz_requests() * 500, "search": lambda: mix.search_requests(spec),
            "orders": lambda: mix.order_requests(customers), "chat": lambda: mix.chat_requests(spec, customers)}[name]()


def send_all(base: str, reqs: list[mix.Request]) -> list[float]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    walls = []
    for r in reqs:
        started = time.perf_counter()
        conn.request(r.method, r.path, body=r.body.encode("utf-8") if r.body else None, headers=r.headers)
        response = conn.getresponse()
        response.read()
        walls.append((time.perf_counter() - started) * 1000)
        if response.status >= 400:
            raise RuntimeError(f"{r.method} {r.path}: {response.status}")
    conn.close()
    return walls


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("endpoints", nargs="?", default="chat,orders,search,healthz")
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--profile", action="store_true")
    p.add_argument("--cpus", default="0")
    args = p.parse_args()
    server.ensure_template()
    customers = mix.shop_customers(server.TEMPLATE / "shop.db", server.SECRET)
    workspace = server.make_workspace()
    try:
        srv = server.start("uvicorn", workspace, cpus=args.cpus)
        print(f"start -> /ready {srv.start_to_ready_s:.2f} s; RSS at ready "
              f"{memory.of_process(srv.pid).rss_mb:.0f} MB", flush=True)
        try:
            for name in args.endpoints.split(","):
                reqs = requests_of(name, customers)
                send_all(srv.base, reqs[-args.warmup:])
                measured = reqs[:args.requests]
                spy = None
                if args.profile:
                    out = HERE / "results" / f"seq-profile-{name}.txt"
                    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
                    spy = subprocess.Popen([py_spy, "record", "-p", str(srv.pid), "-r", "500", "--nonblocking",
                                            "--nolineno", "-f", "raw", "-o", str(out)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                    time.sleep(1)
                cpu = memory.cpu_seconds(srv.pid)
                walls = send_all(srv.base, measured)
                cpu = memory.cpu_seconds(srv.pid) - cpu
                if spy is not None:
                    spy.send_signal(2)
                    spy.wait()
                walls.sort()
                print(f"{name:<8} {len(measured)} requests: server CPU {1000 * cpu / len(measured):.2f} ms/req, "
                      f"wall p50 {statistics.median(walls):.2f} ms p99 {walls[int(0.99 * (len(walls) - 1))]:.2f} ms",
                      flush=True)
            print(f"RSS after {memory.of_process(srv.pid).rss_mb:.0f} MB")
        finally:
            srv.stop()
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
