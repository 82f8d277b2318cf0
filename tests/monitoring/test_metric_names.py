"""Every metric the dashboard and the alerts query is one the app exports (observability/metrics.py),
with labels it has; and every exported metric is on the dashboard."""

from __future__ import annotations

import pytest
from prometheus_client import CollectorRegistry, Counter, generate_latest

from ecommerce_agent.observability.metrics import METRICS
from tests.monitoring.support import (
    PROMETHEUS_BUILTINS, TARGET_LABELS, alert_rules, dashboard_exprs, data_panels, exported_series,
    grouping_labels, legend_labels, metric_names, selector_labels,
)

EXPRESSIONS = ([(f"panel {title!r}", expr) for title, expr in dashboard_exprs()]
               + [(f"alert {rule['alert']}", rule["expr"]) for rule in alert_rules()])


def test_the_reader_finds_metric_and_label_names() -> None:
    expr = ('histogram_quantile(0.95, sum by (job, le) (rate(http_request_duration_seconds_bucket'
            '{job="ecommerce-agent", endpoint!~"/metrics|/orders/{order_id}"}[$__rate_interval])))'
            ' > 2 and on (job) sum by (job) (up offset 5m) * 1e3 / ignoring (x) rate(b_total[5m])')
    assert metric_names(expr) == {"http_request_duration_seconds_bucket", "up", "b_total"}
    assert selector_labels(expr) == [("http_request_duration_seconds_bucket", {"job", "endpoint"})]
    assert grouping_labels(expr) == {"job", "le", "x"}


def test_exposed_names_follow_prometheus_client() -> None:
    # Counter("x_total") and Counter("x") both expose x_total; METRICS keep the suffix-less _name.
    registry = CollectorRegistry()
    Counter("probe_requests_total", "probe", registry=registry).inc()
    assert "probe_requests_total 1.0" in generate_latest(registry).decode()
    names = exported_series()
    for metric in METRICS:
        expected = {"counter": [f"{metric._name}_total"], "gauge": [metric._name],
                    "histogram": [f"{metric._name}_{s}" for s in ("bucket", "count", "sum")]}[metric._type]
        assert all(names[n][0] == metric._name for n in expected), metric._name


def test_every_expression_was_read() -> None:
    assert len(EXPRESSIONS) >= 20
    empty = [where for where, expr in EXPRESSIONS if not metric_names(expr)]
    assert empty == []


@pytest.mark.parametrize(("where", "expr"), EXPRESSIONS, ids=[w for w, _ in EXPRESSIONS])
def test_expression_uses_exported_metrics_and_their_labels(where: str, expr: str) -> None:
    exported = exported_series()
    unknown = metric_names(expr) - exported.keys() - PROMETHEUS_BUILTINS
    assert unknown == set(), f"{where}: not exported by the app: {sorted(unknown)}"
    available = set(TARGET_LABELS)
    for name, labels in selector_labels(expr):
        own = exported[name][1] if name in exported else frozenset()
        bad = labels - own - TARGET_LABELS
        assert bad == set(), f"{where}: {name} has no label(s) {sorted(bad)}"
        available |= own
    for name in metric_names(expr) & exported.keys():
        available |= exported[name][1]
    bad = grouping_labels(expr) - available
    assert bad == set(), f"{where}: grouping by unknown label(s) {sorted(bad)}"


def test_legends_use_labels_the_query_keeps() -> None:
    for panel in data_panels():
        for target in panel["targets"]:
            kept = grouping_labels(target["expr"])
            missing = legend_labels(target.get("legendFormat", "")) - kept
            assert missing == set(), f"{panel['title']}: legend {target['legendFormat']!r}"


def test_every_exported_metric_is_on_the_dashboard() -> None:
    exported = exported_series()
    used = {exported[n][0] for _, expr in dashboard_exprs() for n in metric_names(expr) if n in exported}
    assert {m._name for m in METRICS} - used == set()
