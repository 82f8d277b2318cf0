"""prometheus.yml keeps the operations guide's scrape block; the compose variant differs only in
the two addresses a container needs; alerts.yml keeps the guide's alerts, operator-facing
annotations, and a promtool unit test for every alert."""

from __future__ import annotations

import copy
import re

import pytest
import yaml

from tests.monitoring.support import (
    ALERTS_TEST_YML, JOB, PROMETHEUS_DOCKER_YML, PROMETHEUS_YML, ROOT, alert_rules, load_yaml,
    markdown_anchors,
)

# The operations guide (shared/seed/operations-guide.md, copied into docs/operations.md), verbatim.
GUIDE_SCRAPE_CONFIGS = [{"job_name": "ecommerce-agent", "scrape_interval": "15s",
                         "static_configs": [{"targets": ["localhost:8000"]}]}]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _docs_scrape_block() -> list[dict]:
    text = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", text, flags=re.DOTALL)
    block = next(b for b in blocks if "scrape_configs" in b)
    return yaml.safe_load(block)["scrape_configs"]


def test_scrape_block_is_the_guides() -> None:
    assert _docs_scrape_block() == GUIDE_SCRAPE_CONFIGS  # docs still quote the guide
    assert load_yaml(PROMETHEUS_YML)["scrape_configs"] == GUIDE_SCRAPE_CONFIGS


def test_rules_and_alertmanager_are_wired() -> None:
    config = load_yaml(PROMETHEUS_YML)
    assert config["rule_files"] == ["alerts.yml"]
    assert config["global"]["evaluation_interval"] == "15s"
    assert config["alerting"]["alertmanagers"] == [{"static_configs": [{"targets": ["localhost:9093"]}]}]


def test_compose_variant_differs_only_in_the_two_container_addresses() -> None:
    expected = copy.deepcopy(load_yaml(PROMETHEUS_YML))
    expected["scrape_configs"][0]["static_configs"] = [{"targets": ["host.docker.internal:8000"]}]
    expected["alerting"]["alertmanagers"][0]["static_configs"] = [{"targets": ["alertmanager:9093"]}]
    assert load_yaml(PROMETHEUS_DOCKER_YML) == expected


GUIDE_ALERTS = {  # alert -> (severity, for)
    "ServiceDown": ("critical", "1m"),
    "HighErrorRate": ("warning", None),
    "HighLatency": ("warning", None),
    "HighLLMLatency": ("warning", None),
}


def test_the_guides_alerts_exist() -> None:
    rules = {r["alert"]: r for r in alert_rules()}
    for name, (severity, for_) in GUIDE_ALERTS.items():
        assert rules[name]["labels"]["severity"] == severity, name
        if for_:
            assert rules[name]["for"] == for_, name
    assert rules["ServiceDown"]["expr"].strip() == 'up{job="ecommerce-agent"} == 0'
    assert re.search(r"\)\s*>\s*0\.05\b", rules["HighErrorRate"]["expr"])
    assert 'status=~"5.."' in rules["HighErrorRate"]["expr"]
    assert re.search(r"histogram_quantile\(0\.95,[^>]*http_request_duration_seconds_bucket[^>]*\)\s*>\s*2\n",
                     rules["HighLatency"]["expr"])
    assert re.search(r"histogram_quantile\(0\.95,[^>]*llm_latency_seconds_bucket[^>]*\)\s*>\s*60\n",
                     rules["HighLLMLatency"]["expr"])


@pytest.mark.parametrize("rule", alert_rules(), ids=lambda r: r["alert"])
def test_alert_is_scoped_annotated_and_linked_to_its_runbook(rule: dict) -> None:
    assert rule["labels"]["severity"] in {"critical", "warning", "info"}
    annotations = rule["annotations"]
    assert HANGUL.search(annotations["summary"]) and HANGUL.search(annotations["description"])
    path, _, anchor = annotations["runbook_url"].partition("#")
    assert path == "docs/troubleshooting.md"
    assert anchor in markdown_anchors(ROOT / path), f"no heading for #{anchor} in {path}"
    # Only our job's series: other scraped services share metric names like http_requests_total.
    selectors = re.findall(r"[a-z_]+\{[^}]*\}", rule["expr"])
    assert selectors and all(f'job="{JOB}"' in s for s in selectors), rule["expr"]
    # A ratio is guarded by its denominator: no traffic, no alert.
    if re.search(r"(?:^|\s)/(?:\s|$)", rule["expr"]):
        assert re.search(r"\band on \(", rule["expr"]) and re.search(r">\s*0\s*$", rule["expr"].strip())


def test_every_alert_has_a_firing_and_a_quiet_unit_test() -> None:
    fires: set[str] = set()
    quiet: set[str] = set()
    for case in load_yaml(ALERTS_TEST_YML)["tests"]:
        for check in case.get("alert_rule_test", []):
            (fires if check.get("exp_alerts") else quiet).add(check["alertname"])
    names = {r["alert"] for r in alert_rules()}
    assert names - fires == set(), "alerts without a test where they fire"
    assert names - quiet == set(), "alerts without a test where they stay quiet"
