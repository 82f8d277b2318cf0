"""Reply templates: data (``data/agent/replies.yaml``), not code.

``say("done.cancel_paid", summary=…, items=…, refund=…)`` formats one template with ``str.format``.
The file is loaded and checked once per process; a missing template or a
template with a field the caller does not give fails loudly in tests
(``tests/agent/test_templates.py``), never with a half-filled reply.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import read_yaml_mapping
from ..errors import ConfigError
from ..nlu.lexicon import data_path

REPLIES_FILE = Path("data/agent/replies.yaml")


def _flatten(prefix: str, node: Any, out: dict[str, str], path: Path) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            _flatten(f"{prefix}.{key}" if prefix else str(key), value, out, path)
    elif isinstance(node, str):
        out[prefix] = node.strip()
    else:
        raise ConfigError(f"답변 템플릿 {path}의 '{prefix}' 항목은 문자열이어야 합니다.")


def parse_templates(path: Path) -> dict[str, str]:
    path = data_path(path)
    data = read_yaml_mapping(path, "답변 템플릿")
    out: dict[str, str] = {}
    _flatten("", data, out, path)
    return out


@lru_cache(maxsize=1)
def templates() -> dict[str, str]:
    return parse_templates(REPLIES_FILE)


def say(key: str, **fields: Any) -> str:
    try:
        template = templates()[key]
    except KeyError:
        raise ConfigError(f"답변 템플릿이 없습니다: {key}") from None
    return template.format(**fields)
