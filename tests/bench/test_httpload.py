"""The tooling of `make bench-http` (bench/httpload/): the wrk Lua script and its
summary, /proc figures, the request mix, the workspace config and the report.
No timing is asserted here: the speed targets live in bench/."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

from httpload import memory, mix, report, server, wrk  # noqa: E402


def lua_literal_bytes(literal: str) -> bytes:
    """Decode a Lua 5.1 string literal of the kinds ``lua_string`` writes."""
    assert literal[0] == literal[-1] == '"'
    out, body, i = bytearray(), literal[1:-1], 0
    while i < len(body):
        if body[i] == "\\":
            if body[i + 1].isdigit():
                out.append(int(body[i + 1:i + 4]))
                i += 4
            else:
                out += body[i + 1].encode()
                i += 2
        else:
            assert body[i] != '"' and 0x20 <= ord(body[i]) < 0x7F
            out += body[i].encode()
            i += 1
    return bytes(out)


@pytest.mark.parametrize("text", ["/healthz", '{"message": "반품 배송비는 누가 내요?"}', 'a\\b"c\n\t', "🙂 ㄱㄴ"])
def test_lua_string_round_trips_any_text(text: str) -> None:
    literal = wrk.lua_string(text)
    assert lua_literal_bytes(literal) == text.encode("utf-8")
    assert literal.isascii()


def test_lua_script_lists_every_request_and_refuses_none() -> None:
    requests = [wrk.Request("GET", "/a"), wrk.Request("POST", "/chat", {"Authorization": "Bearer t"}, '{"m": 1}')]
    script = wrk.lua_script(requests)
    assert script.count("\n  {") == 2
    assert '{"GET", "/a", {}, nil}' in script
    assert '["Authorization"] = "Bearer t"' in script and wrk.lua_string('{"m": 1}') in script
    for hook in ("function init(", "function request(", "function done("):
        assert hook in script
    with pytest.raises(ValueError):
        wrk.lua_script([])


def test_parse_output_reads_the_summary_line() -> None:
    line = ('WRK_JSON {"requests":1200,"duration_us":2000000,"connect":0,"read":1,"write":0,"status":3,'
            '"timeout":0,"p50_us":1500,"p90_us":4000,"p99_us":9000,"max_us":12000,"mean_us":2100.5}')
    result = wrk.parse_output(f"Running 2s test\n  10 connections\n{line}\n")
    assert result.requests == 1200 and result.rps == 600.0
    assert result.errors == {"connect": 0, "read": 1, "write": 0, "status": 3, "timeout": 0}
    assert result.error_count == 4
    assert result.latency_ms["p50"] == 1.5 and result.latency_ms["p99"] == 9.0
    assert result.with_cpu(0.6).cpu_ms_per_request == pytest.approx(0.5)
    assert "server_cpu_ms_per_request" not in result.to_json()
    with pytest.raises(ValueError):
        wrk.parse_output("Running 2s test\n")


def test_command_pins_wrk_with_taskset() -> None:
    cmd = wrk.command("http://127.0.0.1:1", "/tmp/s.lua", seconds=3, connections=10, cpu=1)
    assert cmd[:3] == ["taskset", "-c", "1"] and "-t1" in cmd and "-c10" in cmd and "-d3s" in cmd
    assert wrk.command("http://127.0.0.1:1", "/tmp/s.lua", seconds=3, cpu=None)[0] != "taskset"


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, str, str, bytes]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        self.seen.append((self.command, self.path, self.headers.get("Authorization", ""), body))
        status = 404 if self.path == "/missing" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    do_GET = do_POST = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install -y wrk)")
def test_wrk_sends_the_scripted_requests_in_turn(tmp_path: Path) -> None:
    requests = [wrk.Request("GET", "/orders/A", {"Authorization": "Bearer one"}),
                wrk.Request("POST", "/chat", {"Content-Type": "application/json"},
                            json.dumps({"message": "반품 배송비"}, ensure_ascii=False)),
                wrk.Request("GET", "/missing")]
    script = tmp_path / "mix.lua"
    script.write_text(wrk.lua_script(requests), encoding="utf-8")
    _Recorder.seen = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{httpd.server_address[1]}"
        done = subprocess.run(wrk.command(base, str(script), seconds=1, connections=1, cpu=None),
                              capture_output=True, text=True, timeout=60)
    finally:
        httpd.shutdown()
    result = wrk.parse_output(done.stdout)
    seen = _Recorder.seen
    assert result.requests >= 3 and len(seen) >= 3
    cycle = ["/orders/A", "/chat", "/missing"]
    order = [cycle.index(s[1]) for s in seen]  # one connection: the server sees the script's order
    assert all(b == (a + 1) % 3 for a, b in zip(order, order[1:]))
    assert {s for s in seen if s[1] == "/orders/A"} == {("GET", "/orders/A", "Bearer one", b"")}
    assert all(json.loads(s[3]) == {"message": "반품 배송비"} for s in seen if s[0] == "POST")
    assert result.errors["status"] >= 1  # the 404s count as errors


ROLLUP = """55d0-7ffe ---p 00000000 00:00 0                          [rollup]
Rss:              204800 kB
Pss:              102400 kB
Shared_Clean:     100000 kB
Private_Clean:      1024 kB
Private_Dirty:     50176 kB
Swap:                  0 kB
"""


def test_parse_rollup_gives_rss_pss_and_uss_in_mb() -> None:
    found = memory.parse_rollup(ROLLUP)
    assert (found.rss_mb, found.pss_mb, found.uss_mb) == (200.0, 100.0, 50.0)
    assert (found + found).to_json() == {"rss_mb": 400.0, "pss_mb": 200.0, "uss_mb": 100.0}
    with pytest.raises(ValueError):
        memory.parse_rollup("Rss: 1 kB\n")


def test_this_process_and_its_child_are_measured() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        assert child.pid in memory.children(os.getpid())
        total, children = memory.of_tree(os.getpid())
        own = memory.of_process(os.getpid())
        assert own.rss_mb > 0 and own.uss_mb <= own.rss_mb
        assert total.rss_mb > own.rss_mb and len(children) >= 1
        assert memory.cpu_seconds(os.getpid()) > 0
    finally:
        child.communicate(b"")


def test_cpu_ticks_count_past_a_command_name_with_spaces() -> None:
    fields = ["S", *["0"] * 10, "7", "5", *["0"] * 30]  # state, ..., utime (14th), stime (15th)
    assert memory.parse_cpu_ticks(f"42 (odd) name)) {' '.join(fields)}") == 12


def _customers() -> list[mix.Customer]:
    return [mix.Customer(f"U{n:06d}", f"token-{n}", tuple(f"ORD-{n}-{k}" for k in range(n % 4)))
            for n in range(120)]


def test_mixes_cycle_through_at_least_a_hundred_distinct_requests() -> None:
    spec = mix.load_mix()
    customers = _customers()
    search, orders, chat = mix.search_requests(spec), mix.order_requests(customers), mix.chat_requests(spec, customers)
    for requests in (search, orders, chat):
        assert mix.distinct(requests) >= 100
    assert all(r.path.startswith("/policies/search?q=") and " " not in r.path for r in search)
    assert any("반품 배송비" in unquote(r.path) for r in search)
    bodies = [json.loads(r.body or "") for r in chat]
    assert all(set(b) == {"message"} and b["message"].strip() for b in bodies)
    assert any(re.search(r"ORD-\d+-\d", b["message"]) for b in bodies)
    assert mix.chat_requests(spec, customers) == chat  # a fixed seed: the same mix every run


def test_each_order_is_asked_for_with_its_owners_token() -> None:
    customers = _customers()
    owner = {order: c.token for c in customers for order in c.orders}
    requests = mix.order_requests(customers)
    assert len(requests) == len(owner)
    for r in requests:
        assert r.headers["Authorization"] == f"Bearer {owner[r.path.removeprefix('/orders/')]}"


def test_bench_config_keeps_every_written_path_in_the_workspace(tmp_path: Path) -> None:
    base = {"storage": {"backend": "postgres"}, "logging": {"level": "INFO", "file": "log/app.log"},
            "rate_limits": {"enabled": True, "chat_per_user": "30/minute"}, "redis": {"url": "redis://x"}}
    config = server.bench_config(base, tmp_path)
    written = [config["storage"]["sqlite"]["database"], config["logging"]["file"], config["auth"]["dev_secret_file"],
               config["backup"]["directory"], config["search"]["index_dir"], config["search"]["vector_cache_dir"]]
    assert all(Path(p).is_relative_to(tmp_path) for p in written)
    assert config["storage"]["backend"] == "sqlite" and config["redis"]["url"] is None
    assert config["rate_limits"]["enabled"] is False and config["logging"]["level"] == "INFO"
    assert base["storage"] == {"backend": "postgres"}  # the shipped settings are not changed
    env = server.server_env(tmp_path / "app.yaml")
    assert env["ECOMMERCE_CONFIG"] == str(tmp_path / "app.yaml") and "DATABASE_URL" not in env


def _run(rps: float, p50: float, p99: float, errors: int = 0) -> dict:
    return {"requests": int(rps * 10), "rps": rps, "errors": {"status": errors, "timeout": 0},
            "latency_ms": {"p50": p50, "p99": p99}, "server_cpu_ms_per_request": 1.0}


def _result() -> dict:
    endpoints = {"healthz": [_run(2000, 1, 5), _run(2200, 1, 4), _run(2100, 1, 6)],
                 "search": [_run(900, 2, 9), _run(1200, 2, 8), _run(1000, 2, 9)],
                 "orders": [_run(1800, 2, 9), _run(1700, 2, 8), _run(1900, 2, 9)],
                 "chat": [_run(450, 9, 30, errors=1), _run(520, 9, 20), _run(510, 9, 24)]}
    return {"machine": {"host": "h", "cpus": 2, "cpu_model": "cpu", "python": "3.11", "commit": "abc"},
            "settings": {"runs": 3, "seconds": 10, "warmup_s": 3, "connections": 10, "threads": 1,
                         "server_cpus": "0", "wrk_cpu": 1},
            "load_average": {"before": 0.5, "after": 1.1},
            "endpoints": {name: {"distinct": 120, "median": report.median_run(runs), "runs": runs}
                          for name, runs in endpoints.items()},
            "start_to_ready_s": {"median": 1.5, "runs": [1.4, 1.5, 1.9]},
            "memory_idle": {"rss_mb": 300.0, "pss_mb": 290.0, "uss_mb": 280.0},
            "memory_after": {"rss_mb": 420.0, "pss_mb": 400.0, "uss_mb": 380.0},
            "gunicorn": {"workers": 4, "cpus": "0", "endpoint": "chat", "start_to_ready_s": 2.5,
                         "run": _run(480, 10, 40), "memory_after": {"rss_mb": 2000.0, "pss_mb": 1100.0, "uss_mb": 600.0},
                         "workers_after": [{"rss_mb": 500.0, "pss_mb": 200.0, "uss_mb": 100.0}] * 4}}


def test_medians_and_targets_of_a_result() -> None:
    result = _result()
    chat = result["endpoints"]["chat"]["median"]
    assert (chat["rps"], chat["p99_ms"], chat["errors"], chat["requests"]) == (510.0, 24.0, 1, 14800)
    checks = report.targets(result)
    met = {name: c["met"] for name, c in checks.items()}
    assert met == {"chat req/s >= 500": True, "chat p99 ms < 25": True, "chat errors = 0": False,
                   "orders / healthz >= 0.8": True, "search / healthz >= 0.5": False,
                   "worker RSS MB < 400": False, "start -> /ready s < 2": True, "4 workers PSS MB < 1200": True}
    assert checks["orders / healthz >= 0.8"]["value"] == round(1800 / 2100, 2)


def test_report_file_and_table(tmp_path: Path) -> None:
    result = _result()
    result["targets"] = report.targets(result)
    path = report.write(result, tmp_path, now=datetime(2026, 12, 6, 19, 0, tzinfo=UTC))
    assert path.name == "2026-12-06-http.json"
    assert json.loads(path.read_text(encoding="utf-8")) == result
    table = report.table(result)
    assert "2 cores (cpu)" in table and "load average before 0.5, after 1.1" in table
    for label in report.LABELS.values():
        assert label in table
    assert re.search(r"POST /chat \(varied\)\s+120\s+510\.0\s+9\.00\s+24\.00\s+1\s+1\.000", table)
    assert "MISS  search / healthz >= 0.5" in table and "met   chat p99 ms < 25" in table
