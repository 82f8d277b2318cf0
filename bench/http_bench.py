"""HTTP benchmark (`make bench-http`; not part of `make bench`): the service as
shoppers reach it, under wrk.

    python bench/http_bench.py [--runs 3] [--seconds 10] [--warmup 3] [--no-gunicorn] [--rebuild]

One uvicorn worker (``ecommerce-agent serve``) pinned to CPU 0 with taskset,
``wrk -t1 -c10`` pinned to CPU 1. Per run: a fresh copy of the demo shop and
its index (bench/httpload/server.py; never the operator's data/), the time from
the process start to ``/ready`` answering 200, then for each endpoint a 3 s
warm-up and 10 s measured with a Lua script that cycles through hundreds of
distinct requests (bench/httpload/mix.yaml crossed with the shop's customers,
each with a JWT of their own): ``GET /healthz``, ``GET /policies/search``,
``GET /orders/{id}``, ``POST /chat``. RSS, PSS and USS of the worker at /ready and
after the runs. Then gunicorn with 4 workers (gunicorn.conf.py) on the same CPU:
req/s of the chat mix and the total PSS of master and workers.

Medians over ``--runs`` are printed with the machine and its load average and
written to ``bench/results/<date>-http.json``. The targets of issue #16 are
checked at the end; the exit status is 0 either way unless ``--strict``: the
machine is shared and its figures move with everything else running on it.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from httpload import memory, mix, report, server, wrk  # noqa: E402

RESULTS = HERE / "results"


def build_scripts(directory: Path, customers: list[mix.Customer]) -> dict[str, tuple[Path, int]]:
    """endpoint -> (wrk Lua script, number of distinct requests in it)."""
    spec = mix.load_mix()
    requests = {"healthz": mix.healthz_requests(), "search": mix.search_requests(spec),
                "orders": mix.order_requests(customers), "chat": mix.chat_requests(spec, customers)}
    scripts = {}
    for name, reqs in requests.items():
        path = directory / f"{name}.lua"
        path.write_text(wrk.lua_script(reqs), encoding="utf-8")
        scripts[name] = (path, mix.distinct(reqs))
    return scripts


def run_wrk(base: str, script: Path, seconds: float, args: argparse.Namespace,
            pid: int | None = None) -> wrk.WrkResult:
    """One wrk run; with the server's ``pid``, also the server CPU time per request."""
    cmd = wrk.command(base, str(script), seconds=seconds, connections=args.connections, cpu=args.wrk_cpu)
    cpu_before = memory.cpu_seconds(pid) if pid else 0.0
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr[-2000:]}")
    result = wrk.parse_output(done.stdout)
    if pid:
        result = result.with_cpu(memory.cpu_seconds(pid) - cpu_before)
    return result


def one_uvicorn_run(scripts: dict[str, tuple[Path, int]], endpoints: list[str], args: argparse.Namespace,
                    n: int) -> dict:
    workspace = server.make_workspace()
    try:
        srv = server.start("uvicorn", workspace, cpus=args.server_cpus)
        try:
            found = {"start_to_ready_s": srv.start_to_ready_s,
                     "memory_idle": memory.of_process(srv.pid).to_json(), "endpoints": {}}
            print(f"run {n}: start -> /ready {srv.start_to_ready_s:.2f} s", flush=True)
            for name in endpoints:
                script = scripts[name][0]
                run_wrk(srv.base, script, args.warmup, args)
                result = run_wrk(srv.base, script, args.seconds, args, pid=srv.pid)
                found["endpoints"][name] = result.to_json()
                print(f"  {report.LABELS[name]:<26}{result.rps:>9.1f} req/s  p50 {result.latency_ms['p50']:.2f} ms"
                      f"  p99 {result.latency_ms['p99']:.2f} ms  errors {result.error_count}"
                      f"  server CPU {result.cpu_ms_per_request:.2f} ms/req", flush=True)
            found["memory_after"] = memory.of_process(srv.pid).to_json()
            return found
        finally:
            srv.stop()
    finally:
        if not args.keep:
            shutil.rmtree(workspace, ignore_errors=True)
        else:
            print(f"  workspace kept: {workspace}")


def gunicorn_run(scripts: dict[str, tuple[Path, int]], args: argparse.Namespace) -> dict:
    workspace = server.make_workspace()
    try:
        srv = server.start("gunicorn", workspace, cpus=args.server_cpus, workers=args.gunicorn_workers)
        try:
            until = time.monotonic() + 120
            while len(memory.children(srv.pid)) < args.gunicorn_workers and time.monotonic() < until:
                time.sleep(0.1)  # waiting for the workers gunicorn forks
            script = scripts[args.gunicorn_endpoint][0]
            run_wrk(srv.base, script, args.warmup, args)
            result = run_wrk(srv.base, script, args.seconds, args, pid=srv.pid)
            total, workers = memory.of_tree(srv.pid)
            return {"workers": args.gunicorn_workers, "cpus": args.server_cpus, "endpoint": args.gunicorn_endpoint,
                    "start_to_ready_s": round(srv.start_to_ready_s, 3), "run": result.to_json(),
                    "memory_after": total.to_json(), "workers_after": [w.to_json() for w in workers]}
        finally:
            srv.stop()
    finally:
        shutil.rmtree(workspace, ignore_errors=True)


def summarise(runs: list[dict], endpoints: list[str], scripts: dict[str, tuple[Path, int]]) -> dict:
    def median_memory(key: str) -> dict:
        return {k: round(statistics.median(r[key][k] for r in runs), 1) for k in runs[0][key]}

    return {
        "endpoints": {name: {"distinct": scripts[name][1], "median": report.median_run(
            [r["endpoints"][name] for r in runs]), "runs": [r["endpoints"][name] for r in runs]}
            for name in endpoints},
        "start_to_ready_s": {"median": round(statistics.median(r["start_to_ready_s"] for r in runs), 3),
                             "runs": [round(r["start_to_ready_s"], 3) for r in runs]},
        "memory_idle": median_memory("memory_idle"),
        "memory_after": median_memory("memory_after"),
        "memory_after_runs": [r["memory_after"] for r in runs],
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--runs", type=int, default=3, help="server starts, each with every endpoint (median reported)")
    p.add_argument("--seconds", type=float, default=10, help="measured seconds per endpoint")
    p.add_argument("--warmup", type=float, default=3, help="warm-up seconds per endpoint (not measured)")
    p.add_argument("--connections", type=int, default=10, help="wrk connections (-c)")
    p.add_argument("--server-cpus", default="0", help="taskset CPU list of the server")
    p.add_argument("--wrk-cpu", type=int, default=1, help="taskset CPU of wrk")
    p.add_argument("--endpoints", default=",".join(report.ENDPOINTS), help="comma-separated subset")
    p.add_argument("--no-gunicorn", action="store_true", help="skip the 4-worker gunicorn run")
    p.add_argument("--gunicorn-workers", type=int, default=4)
    p.add_argument("--gunicorn-endpoint", default="chat", choices=report.ENDPOINTS)
    p.add_argument("--rebuild", action="store_true", help="seed the template shop and build its index anew")
    p.add_argument("--keep", action="store_true", help="keep each run's workspace (its log and database)")
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    endpoints = [e for e in args.endpoints.split(",") if e]
    unknown = set(endpoints) - set(report.ENDPOINTS)
    if unknown:
        print(f"unknown endpoints: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install -y wrk", file=sys.stderr)
        return 2
    result: dict = {"date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "machine": report.machine(server.ROOT),
                    "settings": {"runs": args.runs, "seconds": args.seconds, "warmup_s": args.warmup,
                                 "connections": args.connections, "threads": 1, "server_cpus": args.server_cpus,
                                 "wrk_cpu": args.wrk_cpu},
                    "load_average": {"before": round(os.getloadavg()[0], 2)}}
    first_run = server.ensure_template(args.rebuild)
    if first_run:
        result["first_run"] = first_run
    customers = mix.shop_customers(server.TEMPLATE / "shop.db", server.SECRET)
    with tempfile.TemporaryDirectory(prefix="bench-http-scripts-") as tmp:
        scripts = build_scripts(Path(tmp), customers)
        runs = [one_uvicorn_run(scripts, endpoints, args, n + 1) for n in range(args.runs)]
        result.update(summarise(runs, endpoints, scripts))
        if not args.no_gunicorn:
            result["gunicorn"] = gunicorn_run(scripts, args)
    result["load_average"]["after"] = round(os.getloadavg()[0], 2)
    result["targets"] = report.targets(result)
    path = report.write(result, RESULTS)
    print()
    print(report.table(result))
    print(f"\nwritten: {path.relative_to(server.ROOT)}")
    missed = [name for name, c in result["targets"].items() if not c["met"]]
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
