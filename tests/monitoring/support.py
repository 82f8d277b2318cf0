"""Shared helpers for the monitoring tests: repo paths, file loading, and a small PromQL reader that
finds the metric and label names an expression uses (enough for our expressions, not a parser)."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from ecommerce_agent.observability.metrics import METRICS

ROOT = Path(__file__).resolve().parents[2]
MONITORING = ROOT / "monitoring"
PROMETHEUS_DIR = MONITORING / "prometheus"
PROMETHEUS_YML = PROMETHEUS_DIR / "prometheus.yml"
PROMETHEUS_DOCKER_YML = PROMETHEUS_DIR / "prometheus.docker.yml"
ALERTS_YML = PROMETHEUS_DIR / "alerts.yml"
ALERTS_TEST_YML = PROMETHEUS_DIR / "alerts_test.yml"
DASHBOARD_JSON = MONITORING / "grafana" / "dashboard.json"
GRAFANA_DATASOURCES = MONITORING / "grafana" / "provisioning" / "datasources" / "prometheus.yml"
GRAFANA_DASHBOARDS = MONITORING / "grafana" / "provisioning" / "dashboards" / "dashboards.yml"
ALERTMANAGER_YML = MONITORING / "alertmanager" / "alertmanager.yml"
COMPOSE_YML = ROOT / "docker-compose.monitoring.yml"

JOB = "ecommerce-agent"
# Series Prometheus itself creates for every target; queries may use them although the app does not export them.
PROMETHEUS_BUILTINS = frozenset({"up"})
# Labels Prometheus attaches to every scraped series.
TARGET_LABELS = frozenset({"job", "instance"})


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@cache
def dashboard() -> dict[str, Any]:
    return json.loads(DASHBOARD_JSON.read_text(encoding="utf-8"))


def data_panels() -> list[dict[str, Any]]:
    """Every panel that is not a row (rows of a collapsed dashboard nest their panels)."""
    out = []
    for panel in dashboard()["panels"]:
        if panel["type"] == "row":
            out.extend(panel.get("panels", []))
        else:
            out.append(panel)
    return out


def dashboard_exprs() -> list[tuple[str, str]]:
    """(panel title, PromQL) for every query of every panel."""
    return [(p["title"], t["expr"]) for p in data_panels() for t in p.get("targets", [])]


def alert_rules() -> list[dict[str, Any]]:
    return [rule for group in load_yaml(ALERTS_YML)["groups"] for rule in group["rules"] if "alert" in rule]


# ------------------------------------------------------------------ what the app exports

def _clone(metric: Any, registry: CollectorRegistry) -> Any:
    kind = {"counter": Counter, "histogram": Histogram, "gauge": Gauge}[metric._type]
    clone = kind(metric._name, metric._documentation, list(metric._labelnames), registry=registry)
    child = clone.labels(*["x"] * len(metric._labelnames)) if metric._labelnames else clone
    {"counter": lambda: child.inc(), "histogram": lambda: child.observe(0.1),
     "gauge": lambda: child.set(1)}[metric._type]()
    return clone


@cache
def exported_series() -> dict[str, tuple[str, frozenset[str]]]:
    """Every series name the app exposes -> (metric family, its label names).

    The names come from prometheus_client itself: each metric of METRICS is re-created in a private
    registry (same name, type and labels) and rendered, so a counter's `_total`, a histogram's
    `_bucket`/`_count`/`_sum` are what the client really writes. `_created` series are left out: no
    query should use them.
    """
    out: dict[str, tuple[str, frozenset[str]]] = {}
    for metric in METRICS:
        registry = CollectorRegistry()
        _clone(metric, registry)
        text = generate_latest(registry).decode()
        for line in text.splitlines():
            if line.startswith("#") or not line.strip():
                continue
            name = re.match(r"[a-zA-Z_:][a-zA-Z0-9_:]*", line).group(0)  # type: ignore[union-attr]
            if name.endswith("_created"):
                continue
            labels = set(metric._labelnames) | ({"le"} if name.endswith("_bucket") else set())
            out[name] = (metric._name, frozenset(labels))
    return out


# ------------------------------------------------------------------ reading PromQL

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_SELECTOR = re.compile(r"(?<![\w.:])([a-zA-Z_:][\w:]*)?\s*\{([^{}]*)\}")
_MATCHER_LABEL = re.compile(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)")
_GRAFANA_VAR = re.compile(r"\$\{\w+(?::\w+)?\}|\$\w+")
_IDENT = re.compile(r"(?<![\w.:$])([a-zA-Z_:][\w:]*)(?![\w:])(?!\s*\()")
_KEYWORDS = frozenset({"and", "or", "unless", "bool", "offset", "by", "without", "on", "ignoring",
                       "group_left", "group_right", "inf", "nan", "atan2"})


def _strip_strings(expr: str) -> str:
    return _STRING.sub('""', expr)


def metric_names(expr: str) -> set[str]:
    """The metric names an expression selects."""
    text = _strip_strings(expr)
    text = _SELECTOR.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = _RANGE.sub(" ", text)
    text = _GROUPING.sub(" ", text)
    text = _GRAFANA_VAR.sub(" ", text)
    return {name for name in _IDENT.findall(text) if name.lower() not in _KEYWORDS}


def selector_labels(expr: str) -> list[tuple[str, set[str]]]:
    """(metric name, label names in its matchers) for every `name{...}` selector."""
    return [(m.group(1) or "", set(_MATCHER_LABEL.findall(m.group(2))))
            for m in _SELECTOR.finditer(_strip_strings(expr))]


def grouping_labels(expr: str) -> set[str]:
    """Label names of every by/without/on/ignoring/group_* clause."""
    found: set[str] = set()
    for labels in _GROUPING.findall(_strip_strings(expr)):
        found.update(label.strip() for label in labels.split(",") if label.strip())
    return found


def legend_labels(legend: str) -> set[str]:
    return set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def markdown_anchors(path: Path) -> set[str]:
    headings = re.findall(r"^#{1,6}\s+(.*?)\s*$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {github_anchor(h) for h in headings}
