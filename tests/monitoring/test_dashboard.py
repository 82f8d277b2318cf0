"""The Grafana dashboard: stable uid, the guide's five rows with what each promises, every panel
on the `datasource` variable, and a sane layout."""

from __future__ import annotations

from typing import Any

from tests.monitoring.support import dashboard, data_panels, grouping_labels, metric_names

ROWS = ["Overview", "HTTP Metrics", "Agent Metrics", "LLM Metrics", "Database Metrics"]
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


def _rows() -> dict[str, list[dict[str, Any]]]:
    """Row title -> the panels under it (up to the next row)."""
    rows: dict[str, list[dict[str, Any]]] = {}
    current: list[dict[str, Any]] | None = None
    for panel in dashboard()["panels"]:
        if panel["type"] == "row":
            current = rows.setdefault(panel["title"], [])
            current.extend(panel.get("panels", []))
        else:
            assert current is not None, f"panel {panel['title']!r} is above the first row"
            current.append(panel)
    return rows


def _families(panels: list[dict[str, Any]]) -> set[str]:
    out = set()
    for panel in panels:
        for target in panel["targets"]:
            for name in metric_names(target["expr"]):
                for suffix in ("_bucket", "_count", "_sum"):
                    name = name.removesuffix(suffix)
                out.add(name)
    return out


def _grouped_by(panels: list[dict[str, Any]], family: str) -> set[str]:
    """Labels the panels group `family` by."""
    out: set[str] = set()
    for panel in panels:
        for target in panel["targets"]:
            if any(n.startswith(family) for n in metric_names(target["expr"])):
                out |= grouping_labels(target["expr"])
    return out


def test_identity_and_schema() -> None:
    board = dashboard()
    assert board["uid"] == "ecommerce-agent"
    assert board["title"] == "Ecommerce Agent"
    assert board["schemaVersion"] >= 38
    assert board.get("id") is None  # an id would clash on import into another Grafana


def test_datasource_variable() -> None:
    variables = {v["name"]: v for v in dashboard()["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource"
    assert variables["datasource"]["query"] == "prometheus"


def test_every_panel_and_query_uses_the_datasource_variable() -> None:
    for panel in data_panels():
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target.get("datasource", DATASOURCE) == DATASOURCE, panel["title"]
            assert target["expr"].strip(), panel["title"]


def test_the_guides_five_rows_in_order() -> None:
    rows = _rows()
    assert list(rows) == ROWS
    assert all(rows[title] for title in ROWS), "a row without panels"


def test_overview_has_requests_latency_errors_and_users() -> None:
    overview = _rows()["Overview"]
    exprs = [t["expr"] for p in overview for t in p["targets"]]
    assert any(e.startswith("sum(rate(http_requests_total") for e in exprs)  # requests/s
    assert any("histogram_quantile(0.95" in e and "http_request_duration_seconds_bucket" in e for e in exprs)
    assert any('status=~"5.."' in e and " / " in e for e in exprs)  # error rate
    assert any("active_users" in e for e in exprs)


def test_each_row_shows_its_metrics_by_the_promised_label() -> None:
    rows = _rows()
    promised = {  # row -> {metric family: label it is broken down by}
        "HTTP Metrics": {"http_requests_total": "endpoint", "http_request_duration_seconds": "endpoint"},
        "Agent Metrics": {"agent_requests_total": "intent", "agent_response_seconds": "intent",
                          "agent_errors_total": "intent"},
        "LLM Metrics": {"llm_requests_total": "model", "llm_latency_seconds": "model",
                        "llm_tokens_used_total": "model"},
        "Database Metrics": {"db_queries_total": "table", "db_query_duration_seconds": "table"},
    }
    for row, families in promised.items():
        assert set(families) <= _families(rows[row]), row
        for family, label in families.items():
            assert label in _grouped_by(rows[row], family), f"{row}: {family} not by {label}"
    for row in ("HTTP Metrics", "Agent Metrics", "LLM Metrics", "Database Metrics"):
        quantiles = [t["expr"] for p in rows[row] for t in p["targets"] if "histogram_quantile" in t["expr"]]
        assert any("histogram_quantile(0.95" in e for e in quantiles), f"{row}: no P95"


def test_layout_ids_unique_and_no_overlaps() -> None:
    panels = dashboard()["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    boxes = []
    for panel in panels:
        g = panel["gridPos"]
        assert g["x"] >= 0 and g["w"] > 0 and g["x"] + g["w"] <= 24, panel["title"]
        boxes.append((panel["title"], g["x"], g["y"], g["x"] + g["w"], g["y"] + g["h"]))
    for i, (a, ax0, ay0, ax1, ay1) in enumerate(boxes):
        for b, bx0, by0, bx1, by1 in boxes[i + 1:]:
            assert ax1 <= bx0 or bx1 <= ax0 or ay1 <= by0 or by1 <= ay0, f"{a!r} overlaps {b!r}"
