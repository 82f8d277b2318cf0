"""promtool accepts the Prometheus configs and rules, and the rules' unit tests pass.

promtool comes with Debian's `prometheus` package. Missing locally: skipped with the reason; missing
under REQUIRE_SERVICES=1 (CI, .ci/run): a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.monitoring.support import (
    ALERTS_TEST_YML, ALERTS_YML, PROMETHEUS_DOCKER_YML, PROMETHEUS_YML,
)


def _promtool() -> str:
    path = shutil.which("promtool")
    if path is None:
        if os.environ.get("REQUIRE_SERVICES") == "1":
            pytest.fail("promtool is required (REQUIRE_SERVICES=1) but is not on PATH "
                        "(apt-get install -y prometheus)")
        pytest.skip("promtool not installed (apt-get install -y prometheus)")
    return path


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # The test runs in a temporary directory (tests/conftest.py): relative paths inside the files
    # (rule_files) must resolve against the files' own directory, as Prometheus does.
    return subprocess.run(list(args), capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("config", [PROMETHEUS_YML, PROMETHEUS_DOCKER_YML], ids=lambda p: p.name)
def test_check_config(config: Path) -> None:
    result = _run(_promtool(), "check", "config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alerts.yml" in result.stdout  # the rule file was found and checked too


def test_check_rules() -> None:
    result = _run(_promtool(), "check", "rules", str(ALERTS_YML))
    assert result.returncode == 0, result.stdout + result.stderr


def test_rule_unit_tests_pass() -> None:
    result = _run(_promtool(), "test", "rules", str(ALERTS_TEST_YML))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout
