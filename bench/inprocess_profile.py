"""Per-request CPU of one endpoint in-process, with cProfile (development aid).

    python bench/inprocess_profile.py chat [--requests 300] [--top 40] [--sort tottime]

The app of the bench workspace (a copy of bench/results/http-shop, as `make
bench-http`) is driven through httpx's ASGI transport one request at a time,
with the threadpool hop made inline so that one profiler sees the whole request
(the agent turn, the dependencies, middleware, logging). Prints CPU ms per
request (process time, steadier than wall time on a shared machine) and the
cProfile table.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import os
import pstats
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

from httpload import mix, server  # noqa: E402


def inline_threadpool() -> None:
    import anyio.to_thread

    async def run_sync(func, *args, abandon_on_cancel=False, cancellable=None, limiter=None):  # noqa: ANN001, ANN202
        return func(*args)

    anyio.to_thread.run_sync = run_sync  # type: ignore[assignment]


async def call(app, r) -> tuple[int, bytes]:  # noqa: ANN001
    """One request through the ASGI app (what uvicorn would hand it)."""
    path, _, query = r.path.partition("?")
    body = r.body.encode("utf-8") if r.body else b""
    headers = [(k.lower().encode(), v.encode()) for k, v in r.headers.items()]
    headers += [(b"host", b"bench"), (b"content-length", str(len(body)).encode())]
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": r.method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "root_path": "", "headers": headers, "client": ("127.0.0.1", 5000), "server": ("bench", 80),
             "state": {}}
    sent = False
    status, chunks = 0, []

    async def receive():  # noqa: ANN202
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message) -> None:  # noqa: ANN001
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def drive(app, reqs, warmup: int, profile: cProfile.Profile | None) -> float:  # noqa: ANN001
    async with app.router.lifespan_context(app):
        app.state.__dict__  # noqa: B018
        for r in reqs[-warmup:]:
            await check(app, r)
        measured = reqs[:-warmup]
        started = time.process_time()
        if profile:
            profile.enable()
        for r in measured:
            await check(app, r)
        if profile:
            profile.disable()
        return (time.process_time() - started) * 1000 / len(measured)


async def check(app, r) -> None:  # noqa: ANN001
    status, body = await call(app, r)
    if status >= 400:
        raise RuntimeError(f"{r.path}: {status} {body[:300]!r}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("endpoint", choices=["chat", "orders", "search", "healthz"])
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--sort", default="tottime")
    p.add_argument("--no-profile", action="store_true")
    args = p.parse_args()
    server.ensure_template()
    customers = mix.shop_customers(server.TEMPLATE / "shop.db", server.SECRET)
    workspace = server.make_workspace()
    try:
        os.environ.update({"ECOMMERCE_CONFIG": str(workspace / "app.yaml"), "JWT_SECRET_KEY": server.SECRET})
        for name in server.FOREIGN_ENV:
            if name != "ECOMMERCE_CONFIG":
                os.environ.pop(name, None)
        inline_threadpool()
        from ecommerce_agent.api.app import create_app

        spec = mix.load_mix()
        reqs = {"healthz": lambda: mix.healthz_requests() * 400, "search": lambda: mix.search_requests(spec),
                "orders": lambda: mix.order_requests(customers),
                "chat": lambda: mix.chat_requests(spec, customers)}[args.endpoint]()
        reqs = reqs[:args.requests + args.warmup]
        profile = None if args.no_profile else cProfile.Profile()
        ms = asyncio.run(drive(create_app(), reqs, args.warmup, profile))
        print(f"{args.endpoint}: {ms:.2f} ms CPU per request ({len(reqs) - args.warmup} requests"
              f"{', profiled' if profile else ''})")
        if profile:
            pstats.Stats(profile).sort_stats(args.sort).print_stats(args.top)
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
