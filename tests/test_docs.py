"""Docs that cannot drift: what operators read names everything that exists."""

from __future__ import annotations

from pathlib import Path

from ecommerce_agent.cli import build_parser
from ecommerce_agent.config import ENV_OVERRIDES
from ecommerce_agent.observability.metrics import METRICS

ROOT = Path(__file__).resolve().parents[1]
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _exported_name(metric: object) -> str:
    name = metric._name  # type: ignore[attr-defined]
    return f"{name}_total" if type(metric).__name__ == "Counter" else name


def test_every_metric_is_documented() -> None:
    missing = [_exported_name(m) for m in METRICS if f"`{_exported_name(m)}`" not in OPERATIONS]
    assert missing == []


def test_every_environment_variable_is_documented() -> None:
    for var in [*ENV_OVERRIDES, "DATABASE_URL", "ECOMMERCE_CONFIG"]:
        assert var in OPERATIONS, var


def test_every_command_is_documented() -> None:
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = [c for c in commands if f"ecommerce-agent {c}" not in README + OPERATIONS]
    assert missing == []


def test_the_guides_paths_and_commands_exist() -> None:
    for path in ("api.py", "backup.sh", "scripts/05_migrate_to_sqlite.py", "configs/app.yaml",
                 "docs/troubleshooting.md", "gunicorn.conf.py"):
        assert (ROOT / path).exists(), path


def _commands(text: str) -> list[str]:
    """Lines an operator copies: code block lines and table rows."""
    found, in_block = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            in_block = not in_block
        elif in_block or line.startswith("|"):
            found.append(line)
    return found


def test_one_compose_spelling_and_no_upgrade_of_a_pinned_file() -> None:
    troubleshooting = (ROOT / "docs" / "troubleshooting.md").read_text(encoding="utf-8")
    for name, text in (("README.md", README), ("operations.md", OPERATIONS),
                       ("troubleshooting.md", troubleshooting)):
        lines = _commands(text)
        assert not [line for line in lines if "docker-compose " in line], name  # `docker compose` (v2)
        assert not [line for line in lines if "pip install -U -r requirements.txt" in line], name
