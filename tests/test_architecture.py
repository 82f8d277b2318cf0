"""Dependencies point inward: domain imports nothing of ours; lower layers never
import higher ones."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "ecommerce_agent"
# layer -> packages it must never import
FORBIDDEN = {
    "domain": {"config", "errors", "storage", "search", "nlu", "guardrails", "agent", "api",
               "observability", "cli", "demo", "security"},
    "storage": {"search", "nlu", "guardrails", "agent", "api", "cli"},
    "agent": {"api", "cli"},
    "api": {"cli"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel = path.relative_to(SRC).parts
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = list(rel[:-1])[: len(rel) - 1 - (node.level - 1)]
                target = [*base, *(node.module or "").split(".")] if node.module else base
                found.add(target[0] if target else "")
                if not node.module:
                    found.update(a.name for a in node.names if not base)
            elif node.module and node.module.startswith("ecommerce_agent."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("ecommerce_agent."))
    return found


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_point_inward(layer: str) -> None:
    offenders = {}
    for path in (SRC / layer).rglob("*.py"):
        bad = _imports(path) & FORBIDDEN[layer]
        if bad:
            offenders[str(path.relative_to(SRC))] = sorted(bad)
    assert offenders == {}


def test_domain_imports_only_the_standard_library() -> None:
    import sys

    for path in (SRC / "domain").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [(node.module or "").split(".")[0]]
            else:
                continue
            for name in names:
                assert name in sys.stdlib_module_names or name == "__future__", (path.name, name)
