"""Durability drills: real server processes (uvicorn, gunicorn master + workers) on
loopback ports over temporary files, a mixed REST + chat write load whose
acknowledged writes are written down, and the check that each of them is in the
database afterwards.

A write counts as acknowledged only when the server answered it with 2xx; every
acknowledged write must be found afterwards, whatever happened to the server.
"""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2

from ecommerce_agent.storage.base import Repository
from tests.support.server import ROOT, free_port, wait_healthy

SECRET = "drill-secret-" + "d" * 40
PASSWORD = "demo1234!"


def drill_config(tmp: Path, index_dir: Path, *, database: Path | None = None, postgres_url: str | None = None,
                 redis_url: str | None = None) -> Path:
    """An app.yaml of the drill's own: its database, its log file, the test index."""
    storage: dict[str, Any] = {"backend": "postgres", "postgres": {"url": postgres_url, "pool_size": 5}} \
        if postgres_url else {"backend": "sqlite", "sqlite": {"database": str(database), "timeout": 30}}
    config = {
        "app": {"env": "development"},
        "storage": storage,
        "logging": {"level": "WARNING", "file": str(tmp / "log" / "app.log")},
        # the lockout itself (5 failures) is what the drills count across processes, not the delay before it
        "auth": {"dev_secret_file": str(tmp / ".jwt-secret"), "login_delay_seconds": 0},
        "redis": {"url": redis_url},
        "search": {"index_dir": str(index_dir), "policies_dir": str(ROOT / "data" / "policies")},
        "nlu": {"model_dir": str(ROOT / "data" / "nlu" / "model")},
    }
    path = tmp / f"app-{uuid.uuid4().hex[:8]}.yaml"
    path.write_text(json.dumps(config, ensure_ascii=False), encoding="utf-8")  # JSON is YAML
    return path


@dataclass
class Server:
    """A server process group: `kill9` kills the master and its workers at once."""

    proc: subprocess.Popen[str]
    base: str
    output: Path

    def kill9(self) -> None:
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.kill9()
        with suppress(ProcessLookupError):  # workers left behind by a killed master
            os.killpg(self.proc.pid, signal.SIGKILL)


def start_server(kind: str, config: Path, *, workers: int = 2, port: int | None = None,
                 env: dict[str, str] | None = None, deadline: float = 90) -> Server:
    port = port or free_port()
    if kind == "uvicorn":
        command = [sys.executable, "-m", "uvicorn", "ecommerce_agent.api.app:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    else:
        command = [sys.executable, "-m", "gunicorn", "api:app", "-c", str(ROOT / "gunicorn.conf.py"),
                   "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--timeout", "60"]
    output = config.with_suffix(f".{port}.out")
    full_env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "SQLITE_DATABASE")}
    full_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    full_env.update({"ECOMMERCE_CONFIG": str(config), "JWT_SECRET_KEY": SECRET}, **(env or {}))
    if kind != "uvicorn":  # gunicorn's master makes (and removes) it
        full_env["PROMETHEUS_MULTIPROC_DIR"] = str(config.parent / f"metrics-{port}")
    with open(output, "w", encoding="utf-8") as sink:
        proc = subprocess.Popen(command, cwd=ROOT, env=full_env, stdout=sink, stderr=subprocess.STDOUT,
                                text=True, start_new_session=True)
    server = Server(proc, f"http://127.0.0.1:{port}", output)
    try:
        wait_healthy(proc, server.base, deadline, lambda: output.read_text(encoding="utf-8")[-3000:])
    except AssertionError:
        server.stop()
        raise
    return server


@contextmanager
def running(kind: str, config: Path, **kwargs: Any) -> Iterator[Server]:
    server = start_server(kind, config, **kwargs)
    try:
        yield server
    finally:
        server.stop()


def login(base: str, email: str = "demo@example.com", password: str = PASSWORD) -> dict[str, str]:
    response = httpx2.post(f"{base}/auth/login", json={"email": email, "password": password}, timeout=30)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@dataclass
class Ledger:
    """What the servers acknowledged (2xx), and how the other answers went."""

    tickets: set[str] = field(default_factory=set)
    cancels: set[str] = field(default_factory=set)  # order ids
    turns: dict[str, int] = field(default_factory=dict)  # conversation id -> messages acknowledged
    statuses: dict[str, int] = field(default_factory=dict)  # "kind status" -> count
    # Idempotent requests left without an answer (the server died): (path, body, key)
    unanswered: list[tuple[str, dict[str, Any], str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def count(self, kind: str, status: int | str) -> None:
        with self.lock:
            name = f"{kind} {status}"
            self.statuses[name] = self.statuses.get(name, 0) + 1

    def record(self, response: httpx2.Response, path: str) -> None:
        kind = "ticket" if path == "/tickets" else "cancel"
        self.count(kind, response.status_code)
        with self.lock:
            if kind == "ticket" and response.status_code == 201:
                self.tickets.add(response.json()["ticket_id"])
            elif kind == "cancel" and response.status_code == 200:
                self.cancels.add(path.split("/")[2])

    def retry_unanswered(self, base: str, headers: dict[str, str]) -> dict[str, int]:
        """A correct client retries with the same Idempotency-Key: the write happened
        once (replayed) or not at all (runs now); never "still in progress"."""
        answers: dict[str, int] = {}
        with httpx2.Client(timeout=30) as client:
            for path, body, key in self.unanswered:
                response = client.post(f"{base}{path}", json=body, headers={**headers, "Idempotency-Key": key})
                name = f"{response.status_code}{' replayed' if response.headers.get('idempotent-replayed') else ''}"
                answers[name] = answers.get(name, 0) + 1
                self.record(response, path)
        self.unanswered.clear()
        return answers

    @property
    def acknowledged(self) -> int:
        return len(self.tickets) + len(self.cancels) + sum(self.turns.values()) // 2


class Load:
    """Threads writing through the REST API (tickets with Idempotency-Key, cancels) and
    chat (new conversations and follow-up turns) until stopped. Transport errors (the
    server was killed) are expected; a retry reuses the Idempotency-Key."""

    def __init__(self, bases: list[str], headers: dict[str, str], orders: list[str], ledger: Ledger,
                 *, threads: int = 4) -> None:
        self.bases, self.headers, self.ledger = bases, headers, ledger
        self.orders = iter(orders)
        self.stop = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(threads)]
        self._rounds = itertools.count()

    def __enter__(self) -> Load:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self._threads:
            t.join(60)

    def wait_for(self, acknowledged: int, deadline: float = 60) -> None:
        until = time.monotonic() + deadline
        while self.ledger.acknowledged < acknowledged:
            assert time.monotonic() < until, f"load stalled: {self.ledger.statuses}"
            time.sleep(0.05)  # polling the load's progress, bounded

    def _next_order(self) -> str | None:
        with self._lock:
            return next(self.orders, None)

    def _run(self, n: int) -> None:
        session: str | None = None
        with httpx2.Client(timeout=30) as client:
            while not self.stop.is_set():
                base = self.bases[next(self._rounds) % len(self.bases)]
                kind = ("ticket", "chat", "cancel", "ticket")[n % 4] if n < 4 else "ticket"
                try:
                    if kind == "ticket":
                        self._ticket(client, base)
                    elif kind == "cancel":
                        self._cancel(client, base)
                    else:
                        session = self._chat(client, base, session)
                except httpx2.ConnectError:
                    self.ledger.count(kind, "refused")
                    time.sleep(0.25)  # the server is down: do not spin
                except httpx2.TransportError:
                    self.ledger.count(kind, "no answer")

    def _post(self, client: httpx2.Client, base: str, path: str, body: dict[str, Any]) -> httpx2.Response:
        key = uuid.uuid4().hex
        try:
            return client.post(f"{base}{path}", json=body, headers={**self.headers, "Idempotency-Key": key})
        except httpx2.ConnectError:
            raise  # never sent: nothing to retry
        except httpx2.TransportError:  # sent, but the server died before answering
            with self.ledger.lock:
                self.ledger.unanswered.append((path, body, key))
            raise

    def _ticket(self, client: httpx2.Client, base: str) -> None:
        body = {"issue_type": "inquiry", "description": f"드릴 문의 {uuid.uuid4().hex[:8]}"}
        self.ledger.record(self._post(client, base, "/tickets", body), "/tickets")

    def _cancel(self, client: httpx2.Client, base: str) -> None:
        order_id = self._next_order()
        if order_id is None:
            return self._ticket(client, base)
        path = f"/orders/{order_id}/cancel"
        self.ledger.record(self._post(client, base, path, {"reason": "드릴"}), path)
        return None

    def _chat(self, client: httpx2.Client, base: str, session: str | None) -> str | None:
        body = {"message": "배송은 보통 며칠 걸리나요?"} | ({"session_id": session} if session else {})
        response = client.post(f"{base}/chat", json=body, headers=self.headers)
        self.ledger.count("chat", response.status_code)
        if response.status_code != 200:
            return None
        session = response.json()["session_id"]
        with self.ledger.lock:
            self.ledger.turns[session] = self.ledger.turns.get(session, 0) + 2
            ended = self.ledger.turns[session] >= 10
        return None if ended else session  # short conversations: a new one every 5 turns


def verify(repo: Repository, ledger: Ledger) -> dict[str, int]:
    """Acknowledged / found / lost over every kind of write."""
    tickets = sum(1 for t in ledger.tickets if repo.get_ticket(t) is not None)
    cancels = sum(1 for o in ledger.cancels if (order := repo.get_order(o)) is not None
                  and order.status.value == "cancelled")
    turns = sum(min(len(repo.list_messages(c, limit=500)), n) // 2 for c, n in ledger.turns.items())
    acknowledged = ledger.acknowledged
    found = tickets + cancels + turns
    return {"acknowledged": acknowledged, "found": found, "lost": acknowledged - found}


def report(name: str, figures: dict[str, int], ledger: Ledger) -> None:
    """One line per drill in the test output (-s) and in DRILL_REPORT, when set."""
    line = (f"drill {name}: acknowledged {figures['acknowledged']}, found {figures['found']}, "
            f"lost {figures['lost']}; answers {dict(sorted(ledger.statuses.items()))}")
    print(line)
    target = os.environ.get("DRILL_REPORT")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")
