"""The result of `make bench-http`: medians over runs, the targets of issue #16,
the JSON file (``bench/results/<date>-http.json``) and the printed table."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ENDPOINTS = ("healthz", "search", "orders", "chat")
LABELS = {"healthz": "GET /healthz", "search": "GET /policies/search", "orders": "GET /orders/{id} (JWT)",
          "chat": "POST /chat (varied)"}
# Issue #16's targets.
CHAT_MIN_RPS, CHAT_MAX_P99_MS = 500.0, 25.0
ORDERS_VS_HEALTHZ, SEARCH_VS_HEALTHZ = 0.8, 0.5
MAX_WORKER_RSS_MB, MAX_GUNICORN_PSS_MB, MAX_START_TO_READY_S = 400.0, 1200.0, 2.0


def machine(root: Path) -> dict[str, Any]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                                text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        commit = ""
    return {"host": platform.node(), "cpus": os.cpu_count(), "cpu_model": model, "python": platform.python_version(),
            "commit": commit}


def median_run(runs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Medians over ``runs`` (each a ``WrkResult.to_json()``) of req/s, p50, p99; errors summed."""
    return {"rps": round(statistics.median(r["rps"] for r in runs), 1),
            "p50_ms": round(statistics.median(r["latency_ms"]["p50"] for r in runs), 2),
            "p99_ms": round(statistics.median(r["latency_ms"]["p99"] for r in runs), 2),
            "errors": sum(sum(r["errors"].values()) for r in runs),
            "cpu_ms_per_request": round(statistics.median(r.get("server_cpu_ms_per_request", 0.0) for r in runs), 3),
            "requests": sum(r["requests"] for r in runs)}


def targets(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each target of issue #16: the measured value, the bound and whether it is met
    (those whose figure is missing from ``result`` are left out)."""
    checks: dict[str, dict[str, Any]] = {}
    med = {name: e["median"] for name, e in result.get("endpoints", {}).items()}

    def add(name: str, value: float, bound: float, met: bool) -> None:
        checks[name] = {"value": round(value, 2), "bound": bound, "met": met}

    if "chat" in med:
        add("chat req/s >= 500", med["chat"]["rps"], CHAT_MIN_RPS, med["chat"]["rps"] >= CHAT_MIN_RPS)
        add("chat p99 ms < 25", med["chat"]["p99_ms"], CHAT_MAX_P99_MS, med["chat"]["p99_ms"] < CHAT_MAX_P99_MS)
        add("chat errors = 0", med["chat"]["errors"], 0, med["chat"]["errors"] == 0)
    if "healthz" in med and med["healthz"]["rps"]:
        for name, ratio in (("orders", ORDERS_VS_HEALTHZ), ("search", SEARCH_VS_HEALTHZ)):
            if name in med:
                share = med[name]["rps"] / med["healthz"]["rps"]
                add(f"{name} / healthz >= {ratio}", share, ratio, share >= ratio)
    if "memory_after" in result:
        rss = result["memory_after"]["rss_mb"]
        add("worker RSS MB < 400", rss, MAX_WORKER_RSS_MB, rss < MAX_WORKER_RSS_MB)
    if "start_to_ready_s" in result:
        s = result["start_to_ready_s"]["median"]
        add("start -> /ready s < 2", s, MAX_START_TO_READY_S, s < MAX_START_TO_READY_S)
    if "gunicorn" in result:
        pss = result["gunicorn"]["memory_after"]["pss_mb"]
        add("4 workers PSS MB < 1200", pss, MAX_GUNICORN_PSS_MB, pss < MAX_GUNICORN_PSS_MB)
    return checks


def write(result: dict[str, Any], directory: Path, now: datetime | None = None) -> Path:
    """``<directory>/<date>-http.json`` (the day's latest run)."""
    now = now or datetime.now(UTC)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{now:%Y-%m-%d}-http.json"
    path.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return path


def table(result: dict[str, Any]) -> str:
    """The printed summary: machine, one line per endpoint, memory, start-up, gunicorn, targets."""
    m, s = result["machine"], result["settings"]
    load = result.get("load_average", {})
    lines = [f"machine: {m['host']}, {m['cpus']} cores ({m['cpu_model']}), Python {m['python']}, commit {m['commit']}",
             f"load average before {load.get('before', '?')}, after {load.get('after', '?')}",
             f"server on CPU {s['server_cpus']}, wrk -t{s['threads']} -c{s['connections']} on CPU {s['wrk_cpu']}; "
             f"{s['warmup_s']:g} s warm-up + {s['seconds']:g} s per endpoint; median of {s['runs']} run(s)",
             "",
             f"{'endpoint':<26}{'distinct':>9}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'CPU ms/req':>12}"]
    for name in ENDPOINTS:
        entry = result.get("endpoints", {}).get(name)
        if entry is None:
            continue
        med = entry["median"]
        lines.append(f"{LABELS[name]:<26}{entry['distinct']:>9}{med['rps']:>10.1f}{med['p50_ms']:>9.2f}"
                     f"{med['p99_ms']:>9.2f}{med['errors']:>8}{med['cpu_ms_per_request']:>12.3f}")
    for key, label in (("memory_idle", "worker memory at /ready"), ("memory_after", "worker memory after runs")):
        if key in result:
            mem = result[key]
            lines.append(f"{label}: RSS {mem['rss_mb']:.0f} MB, PSS {mem['pss_mb']:.0f} MB, USS {mem['uss_mb']:.0f} MB")
    if "start_to_ready_s" in result:
        st = result["start_to_ready_s"]
        lines.append(f"start -> /ready: {st['median']:.2f} s (runs: {', '.join(f'{x:.2f}' for x in st['runs'])})")
    if "gunicorn" in result:
        g = result["gunicorn"]
        per = ", ".join(f"{w['pss_mb']:.0f}" for w in g["workers_after"])
        lines.append(f"gunicorn {g['workers']} workers on CPU {g['cpus']}: {g['endpoint']} {g['run']['rps']:.1f} req/s, "
                     f"p99 {g['run']['latency_ms']['p99']:.2f} ms; PSS total {g['memory_after']['pss_mb']:.0f} MB "
                     f"(workers {per}); start -> /ready {g['start_to_ready_s']:.2f} s")
    if "first_run" in result:
        lines.append(f"first run (template built now): {result['first_run']}")
    checks = result.get("targets", {})
    if checks:
        lines.append("")
        lines.append("targets (issue #16):")
        for name, c in checks.items():
            lines.append(f"  {'met ' if c['met'] else 'MISS'}  {name}: {c['value']}")
    return "\n".join(lines)
