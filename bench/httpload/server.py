"""The server under test, on copies of the data only.

The template (``bench/results/http-shop/``: the demo shop of ``ecommerce-agent
seed`` and its index from ``build-index``, as a first ``make run`` makes them)
is built once and reused; every run copies it into a temporary workspace with
its own config (absolute paths: database, index, log, JWT secret file, backups),
so the operator's ``data/``, ``log/`` and ``backups/`` are never touched.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEMPLATE = ROOT / "bench" / "results" / "http-shop"
SECRET = "bench-http-secret-" + "b" * 40
# Environment variables that would point the server elsewhere than the workspace.
FOREIGN_ENV = ("DATABASE_URL", "REDIS_URL", "SQLITE_DATABASE", "CSV_DIRECTORY", "STORAGE_BACKEND", "LOG_FILE",
               "PROMETHEUS_MULTIPROC_DIR", "ECOMMERCE_CONFIG", "APP_PORT", "APP_HOST", "APP_WORKERS")


def bench_config(base: dict[str, Any], workspace: Path) -> dict[str, Any]:
    """The shipped settings (``base``: configs/app.yaml) with every path in the
    workspace and the request limits off (a load test is what they refuse)."""
    config = json.loads(json.dumps(base))  # a deep copy
    config.setdefault("app", {})["env"] = "development"
    config.setdefault("storage", {}).update({"backend": "sqlite"})
    config["storage"].setdefault("sqlite", {})["database"] = str(workspace / "shop.db")
    config.setdefault("logging", {})["file"] = str(workspace / "log" / "app.log")
    config.setdefault("auth", {})["dev_secret_file"] = str(workspace / ".jwt-secret")
    config.setdefault("backup", {})["directory"] = str(workspace / "backups")
    config.setdefault("redis", {})["url"] = None
    config.setdefault("rate_limits", {})["enabled"] = False
    search = config.setdefault("search", {})
    search.update({"index_dir": str(workspace / "index"), "policies_dir": str(ROOT / "data" / "policies"),
                   "vector_cache_dir": str(workspace / "vector-cache")})
    config.setdefault("nlu", {})["model_dir"] = str(ROOT / "data" / "nlu" / "model")
    return config


def write_config(workspace: Path, template_dir: Path | None = None) -> Path:
    base = yaml.safe_load((ROOT / "configs" / "app.yaml").read_text(encoding="utf-8")) or {}
    config = bench_config(base, workspace)
    if template_dir is not None:  # building the template: its files, not a copy's
        config["storage"]["sqlite"]["database"] = str(template_dir / "shop.db")
        config["search"]["index_dir"] = str(template_dir / "index")
        config["search"]["vector_cache_dir"] = str(template_dir / "vector-cache")
    path = workspace / "app.yaml"
    path.write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")  # JSON is YAML
    return path


def server_env(config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_ENV}
    env.update({"ECOMMERCE_CONFIG": str(config), "JWT_SECRET_KEY": SECRET, "PYTHONUNBUFFERED": "1"})
    return env


def ensure_template(rebuild: bool = False) -> dict[str, float] | None:
    """Seed the demo shop and build its index into TEMPLATE unless there already;
    returns the seconds each step took when it ran (the first-run figures)."""
    if rebuild:
        shutil.rmtree(TEMPLATE, ignore_errors=True)
    if (TEMPLATE / "index" / "manifest.json").exists() and (TEMPLATE / "shop.db").exists():
        return None
    shutil.rmtree(TEMPLATE, ignore_errors=True)
    TEMPLATE.mkdir(parents=True)
    config = write_config(TEMPLATE, template_dir=TEMPLATE)
    env = server_env(config)
    timings = {}
    for step, args in (("seed_s", ["seed"]), ("build_index_s", ["build-index"])):
        start = time.perf_counter()
        subprocess.run([str(BIN / "ecommerce-agent"), *args], cwd=ROOT, env=env, check=True)
        timings[step] = round(time.perf_counter() - start, 1)
    return timings


def make_workspace() -> Path:
    """A temporary copy of the template (the database and the index) with its config."""
    workspace = Path(tempfile.mkdtemp(prefix="bench-http-"))
    shutil.copy2(TEMPLATE / "shop.db", workspace / "shop.db")
    shutil.copytree(TEMPLATE / "index", workspace / "index", ignore=shutil.ignore_patterns(".build.lock"))
    write_config(workspace)
    return workspace


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    proc: subprocess.Popen
    base: str
    output: Path
    start_to_ready_s: float = 0.0

    @property
    def pid(self) -> int:
        return self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(30)
        with suppress(ProcessLookupError):  # workers left behind
            os.killpg(self.proc.pid, signal.SIGKILL)


def _status(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def start(kind: str, workspace: Path, *, cpus: str = "0", workers: int = 4, deadline: float = 180) -> Server:
    """Start ``ecommerce-agent serve`` (one uvicorn worker) or gunicorn with
    ``workers`` workers, pinned to ``cpus``; returns once ``/ready`` answers 200,
    with the seconds from the process start to that answer."""
    port = free_port()
    config = workspace / "app.yaml"
    if kind == "uvicorn":
        command = [str(BIN / "ecommerce-agent"), "serve", "--host", "127.0.0.1", "--port", str(port),
                   "--workers", "1"]
    elif kind == "gunicorn":
        command = [sys.executable, "-m", "gunicorn", "api:app", "-c", str(ROOT / "gunicorn.conf.py"),
                   "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
    else:
        raise ValueError(kind)
    if cpus:
        command = ["taskset", "-c", cpus, *command]
    output = workspace / f"{kind}-{port}.out"
    base = f"http://127.0.0.1:{port}"
    with open(output, "w", encoding="utf-8") as sink:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=ROOT, env=server_env(config), stdout=sink,
                                stderr=subprocess.STDOUT, start_new_session=True)
    server = Server(proc, base, output)
    until = started + deadline
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{output.read_text(encoding='utf-8')[-3000:]}")
        if _status(f"{base}/ready") == 200:
            server.start_to_ready_s = time.perf_counter() - started
            return server
        if time.perf_counter() > until:
            server.stop()
            raise RuntimeError(f"/ready did not answer 200 within {deadline:g} s")
        time.sleep(0.01)  # readiness polling: the resolution of the start-up figure
