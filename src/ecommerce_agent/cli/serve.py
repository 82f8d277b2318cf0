"""`ecommerce-agent serve`: run the HTTP API with uvicorn."""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import tempfile

from ..api.startup import validate_startup
from ..config import Settings


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = commands.add_parser("serve", help="HTTP API 서버 실행")
    p.add_argument("--host", help="바인드 주소 (기본: app.host / APP_HOST)")
    p.add_argument("--port", type=int, help="포트 (기본: app.port / APP_PORT)")
    p.add_argument("--workers", type=int, help="워커 프로세스 수 (기본: app.workers / APP_WORKERS)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    workers = args.workers or settings.app.workers
    # Fail fast with one clear line (bad setting, bad path, locked or unreachable
    # database, demo accounts in production) before any worker starts; this also
    # applies pending schema migrations once.
    validate_startup(settings, workers)
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several processes: metrics go through prometheus_client's multiprocess files.
        metrics_dir = tempfile.mkdtemp(prefix="ecommerce-agent-metrics-")
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        atexit.register(shutil.rmtree, metrics_dir, ignore_errors=True)
    from ..api.parts import limit_malloc_arenas

    limit_malloc_arenas()
    uvicorn.run("ecommerce_agent.api.app:create_app", factory=True,
                host=args.host or settings.app.host, port=args.port or settings.app.port,
                workers=workers, log_level=settings.logging.level.lower(),
                proxy_headers=True, server_header=False)
    return 0
