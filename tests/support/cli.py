"""Run the real `ecommerce-agent` command in a subprocess, as an operator would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, cwd: Path, env: dict[str, str] | None = None,
            script: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """``script`` runs a file (e.g. scripts/05_migrate_to_sqlite.py) instead of the module."""
    command = [sys.executable, str(ROOT / script)] if script else [sys.executable, "-m", "ecommerce_agent"]
    full_env = {k: v for k, v in os.environ.items() if k not in ("ECOMMERCE_CONFIG", "DATABASE_URL")}
    full_env.update(env or {})
    return subprocess.run([*command, *args], cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=timeout)


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    """The process failed with exactly one line on stderr and no traceback."""
    assert result.returncode != 0, result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    return lines[0]
