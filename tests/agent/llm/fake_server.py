"""A scriptable OpenAI-compatible server on a real socket, for the LLM tests.

It speaks ``POST /v1/chat/completions`` as the real API does (``choices``,
``message.tool_calls``, ``usage``, error bodies), so the official ``openai`` SDK
talks to it over its real HTTP transport; nothing is patched.

Each test scripts the answers in order (``server.script(...)``); a script entry
is a reply object or a callable taking the request body and returning one.
Unscripted requests get a 500 that names the problem, so a test expecting no
call sees it in ``server.requests``. ``hang()`` holds the request until the
test ends (``release`` is set at teardown): timeouts are real, nothing sleeps.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

MODEL = "fake-model"


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    raw: bytes | None = None  # sent as is (malformed JSON)
    headers: dict[str, str] = field(default_factory=dict)
    hang: bool = False


def text(content: str, *, prompt_tokens: int = 11, completion_tokens: int = 7) -> Reply:
    return Reply(body=_completion({"role": "assistant", "content": content}, "stop",
                                  prompt_tokens, completion_tokens))


def tool_call(name: str, arguments: str | dict[str, Any], *, prompt_tokens: int = 13,
              completion_tokens: int = 5) -> Reply:
    args = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
    message = {"role": "assistant", "content": None, "tool_calls": [
        {"id": "call_1", "type": "function", "function": {"name": name, "arguments": args}}]}
    return Reply(body=_completion(message, "tool_calls", prompt_tokens, completion_tokens))


def error(status: int, message: str = "upstream failure", *, headers: dict[str, str] | None = None) -> Reply:
    kind = {429: "rate_limit_exceeded", 401: "invalid_api_key"}.get(status, "server_error")
    return Reply(status=status, body={"error": {"message": message, "type": kind, "code": kind}},
                 headers=headers or {})


def malformed() -> Reply:
    return Reply(raw=b'{"id": "chatcmpl-x", "choices": [')


def hang() -> Reply:
    return Reply(hang=True)


def _completion(message: dict[str, Any], finish: str, prompt: int, completion: int) -> dict[str, Any]:
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()), "model": MODEL,
            "choices": [{"index": 0, "message": message, "finish_reason": finish, "logprobs": None}],
            "usage": {"prompt_tokens": prompt, "completion_tokens": completion,
                      "total_tokens": prompt + completion}}


Script = Reply | Callable[[dict[str, Any]], Reply]


class FakeOpenAI:
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []  # {"path", "headers", "body"}
        self.release = threading.Event()
        self._script: deque[Script] = deque()
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02},
                                        name="fake-openai", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def script(self, *entries: Script) -> None:
        with self._lock:
            self._script.extend(entries)

    def always(self, entry: Script) -> None:
        """Answer every further request with ``entry`` (after what is scripted)."""
        self._fallback = entry

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [r["body"] for r in self.requests]

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            entry = self._script.popleft() if self._script else getattr(self, "_fallback", None)
        if entry is None:
            return error(500, "fake server: no scripted response")
        return entry(body) if callable(entry) else entry

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except ValueError:
                    body = {"_unparsed": raw.decode("utf-8", "replace")}
                with fake._lock:
                    fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(error(404, f"no route {self.path}"))
                    return
                reply = fake._next(body)
                if reply.hang:
                    fake.release.wait()
                    self.close_connection = True
                    return
                self._send(reply)

            def _send(self, reply: Reply) -> None:
                payload = reply.raw if reply.raw is not None else json.dumps(
                    reply.body, ensure_ascii=False).encode("utf-8")
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(payload)
                except OSError:  # the client gave up (timeout): nothing to tell it
                    self.close_connection = True

        return Handler


@pytest.fixture
def fake() -> Iterator[FakeOpenAI]:
    """A started server, stopped at teardown (which releases any request held by ``hang()``)."""
    server = FakeOpenAI().start()
    try:
        yield server
    finally:
        server.stop()
