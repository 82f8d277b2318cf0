"""Production gunicorn settings, read automatically from the working directory:
`gunicorn api:app` (with or without `-c gunicorn.conf.py`).

- workers: WEB_CONCURRENCY, else CPU cores × 2 + 1; the uvicorn worker class.
- Prometheus multiprocess mode: a fresh metrics directory per start, and dead
  workers' files marked so /metrics stays correct (docs/operations.md).
- Settings are validated once in the master (``on_starting``): an invalid one
  exits with one line instead of crash-looping workers. The CSV backend allows
  one writer: more than one worker is refused there too.
- SQLite: the master holds the database's in-use lock, so `restore` refuses while it runs.
- The models (Kiwi, the NLU model, the search index and encoder, the policy
  answerer) load once in the master, before the workers fork: the workers share
  those pages copy-on-write and start in well under a second (``api/parts.py``).
"""

import multiprocessing
import os
import shutil
import sys
import tempfile
from pathlib import Path

bind = f"{os.environ.get('APP_HOST', '0.0.0.0')}:{os.environ.get('APP_PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "uvicorn_worker.UvicornWorker"
timeout = 60
graceful_timeout = 30
keepalive = 5
accesslog = None  # the app writes JSON access lines with request ids


def on_starting(server):
    # First: prometheus_client reads this when the app's metrics module is imported.
    metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR")
                       or Path(tempfile.gettempdir()) / f"ecommerce-agent-metrics-{os.getpid()}")
    shutil.rmtree(metrics_dir, ignore_errors=True)  # stale files from an earlier run would double-count
    metrics_dir.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    # Validate once here, in the master: an invalid setting (short JWT secret,
    # demo accounts in production, unreachable database...) is one line and one
    # exit, not every worker failing at boot and being restarted in a loop.
    try:
        from ecommerce_agent.api.startup import check_settings, validate_startup
        from ecommerce_agent.config import load_settings
        from ecommerce_agent.errors import AppError

        settings = load_settings()
        validate_startup(settings, server.cfg.workers)
        hold_database(settings)
        from ecommerce_agent.api.parts import limit_malloc_arenas, preload

        limit_malloc_arenas()  # inherited by the workers
        preload(settings, check_settings(settings)[1])
    except AppError as exc:
        print(exc.message, file=sys.stderr)
        on_exit(server)
        sys.exit(2)


_in_use = []


def hold_database(settings):
    """The master holds the SQLite database's in-use lock (the workers inherit it), so
    `restore` refuses for as long as gunicorn runs, also while a worker restarts."""
    if settings.storage.backend == "sqlite":
        from ecommerce_agent.storage.locking import DatabaseInUse

        lock = DatabaseInUse(settings.storage.sqlite.database)
        lock.acquire()
        _in_use.append(lock)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if metrics_dir.startswith(tempfile.gettempdir()) and "ecommerce-agent-metrics-" in metrics_dir:
        shutil.rmtree(metrics_dir, ignore_errors=True)
