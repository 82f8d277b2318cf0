"""gunicorn with invalid production settings exits once, quickly, with the one
line (issue #15, finding 8) instead of booting and restarting workers in a loop."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ecommerce_agent.storage import open_sqlite
from tests.support.server import ROOT, free_port, gunicorn


def _run_gunicorn(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    command = [c.format(port=free_port()) for c in gunicorn("--workers", "3", "-c", str(ROOT / "gunicorn.conf.py"))]
    full_env = {**{k: v for k, v in os.environ.items() if k not in ("ECOMMERCE_CONFIG", "DATABASE_URL")},
                "PYTHONWARNINGS": "ignore", **env}
    try:
        return subprocess.run(command, cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=40)
    except subprocess.TimeoutExpired as exc:  # still running: the crash loop this test is about
        raise AssertionError(f"gunicorn kept running with invalid settings:\n{exc.stderr}") from None


def _the_line(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    output = result.stderr + result.stdout
    assert "Booting worker" not in output, output  # no worker was ever started
    lines = [line for line in result.stderr.splitlines() if line.startswith("설정 오류")]
    assert len(lines) == 1, output
    assert "Traceback" not in output
    return lines[0]


@pytest.mark.parametrize(("env", "expected"), [
    ({"APP_ENV": "production", "JWT_SECRET_KEY": "short"}, "JWT_SECRET_KEY"),
    ({"APP_ENV": "production", "JWT_SECRET_KEY": "x" * 40, "APP_PORT": "99999"}, "app.port"),
])
def test_invalid_production_settings_stop_the_master_once(tmp_path: Path, env: dict[str, str],
                                                          expected: str) -> None:
    result = _run_gunicorn({"SQLITE_DATABASE": str(tmp_path / "shop.db"), **env})
    assert expected in _the_line(result)


def test_demo_accounts_in_production_stop_the_master_once(template_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "shop.db"
    db.write_bytes(template_db.read_bytes())
    open_sqlite(db).close()
    result = _run_gunicorn({"SQLITE_DATABASE": str(db), "APP_ENV": "production", "JWT_SECRET_KEY": "x" * 40})
    assert "ecommerce-agent purge-demo" in _the_line(result)
