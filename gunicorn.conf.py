"""Production gunicorn settings, read automatically from the working directory:
`gunicorn api:app` (with or without `-c gunicorn.conf.py`).

- workers: WEB_CONCURRENCY, else CPU cores × 2 + 1; the uvicorn worker class.
- Prometheus multiprocess mode: a fresh metrics directory per start, and dead
  workers' files marked so /metrics stays correct (docs/operations.md).
- The CSV backend allows one writer: more than one worker is refused at start.
- SQLite: the master holds the database's in-use lock, so `restore` refuses while it runs.
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
    metrics_dir = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR")
                       or Path(tempfile.gettempdir()) / f"ecommerce-agent-metrics-{os.getpid()}")
    shutil.rmtree(metrics_dir, ignore_errors=True)  # stale files from an earlier run would double-count
    metrics_dir.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(metrics_dir)
    try:
        from ecommerce_agent.config import load_settings
        from ecommerce_agent.errors import AppError
        from ecommerce_agent.cli.serve import check_workers

        settings = load_settings()
        check_workers(settings, server.cfg.workers)
        hold_database(settings)
    except AppError as exc:
        print(exc.message, file=sys.stderr)
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
