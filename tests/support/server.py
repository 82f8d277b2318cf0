"""Start a real server process (uvicorn or gunicorn) on a free loopback port."""

from __future__ import annotations

import os
import socket
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(proc: subprocess.Popen, base: str, deadline: float, log: Callable[[], str]) -> None:
    """Poll ``base``/healthz until it answers 200; AssertionError (with ``log()``) when the
    process exits first or ``deadline`` seconds pass."""
    until = time.monotonic() + deadline
    while True:
        if proc.poll() is not None:
            raise AssertionError(f"server exited early ({proc.returncode}):\n{log()}")
        try:
            if httpx2.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx2.TransportError:
            pass
        if time.monotonic() > until:
            raise AssertionError(f"server did not become ready in time ({base}/healthz):\n{log()}")
        time.sleep(0.1)  # readiness polling, bounded by the deadline above


@contextmanager
def live_server(command: list[str], env: dict[str, str], *, deadline: float = 180) -> Iterator[str]:
    """Run ``command`` (with {port} filled in) from the repository root; yield the base
    URL once /healthz answers. The server is stopped afterwards, whatever happens.
    It runs from the checkout (gunicorn.conf.py, configs/) but writes nothing there:
    its log goes to a temporary file and it gets a JWT secret unless ``env`` sets one."""
    port = free_port()
    scratch = Path(tempfile.mkdtemp(prefix="live-server-"))
    full_env = {**os.environ, "LOG_FILE": str(scratch / "app.log"),
                "JWT_SECRET_KEY": "live-server-secret-" + "s" * 32, **env}
    proc = subprocess.Popen([c.format(port=port) for c in command], cwd=ROOT, env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, base, deadline, lambda: proc.stdout.read() if proc.poll() is not None else "")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(scratch, ignore_errors=True)


def gunicorn(*args: str) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "api:app", "--bind", "127.0.0.1:{port}", *args]
