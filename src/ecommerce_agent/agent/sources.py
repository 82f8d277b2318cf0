"""The policy section a rule-based statement rests on (``data/agent/rule_sources.yaml``).

A reply that states a rule from the order's data ("배송중이라 취소가 어렵습니다",
"보통 출고 후 1~3영업일") cites the section the rule comes from, as a quoted policy
answer does, so that the shopper (and the web page) can open the source.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from ..config import read_yaml_mapping
from ..errors import ConfigError
from ..nlu.lexicon import data_path

SOURCES_FILE = Path("data/agent/rule_sources.yaml")
DOCUMENTS_FILE = Path("data/agent/action_documents.yaml")


@lru_cache(maxsize=1)
def rule_sources() -> dict[str, tuple[str, str]]:
    path = data_path(SOURCES_FILE)
    out = {}
    for key, value in read_yaml_mapping(path, "규칙 출처").items():
        if not (isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"규칙 출처 {path}의 '{key}' 항목은 [문서 id, 절 제목] 형식이어야 합니다.")
        out[str(key)] = (value[0], value[1])
    return out


@lru_cache(maxsize=1)
def action_documents() -> dict[str, frozenset[str]]:
    path = data_path(DOCUMENTS_FILE)
    out = {}
    for key, value in read_yaml_mapping(path, "요청별 정책 문서").items():
        if not (isinstance(value, list) and value and all(isinstance(v, str) for v in value)):
            raise ConfigError(f"요청별 정책 문서 {path}의 '{key}' 항목은 문서 id 목록이어야 합니다.")
        out[str(key)] = frozenset(value)
    return out


def answers_about(task: str, citations: list[dict[str, Any]]) -> bool:
    """Whether a quoted answer comes from a document that rules on ``task``."""
    allowed = action_documents().get(task)
    return allowed is None or bool(citations and citations[0].get("doc_id") in allowed)


def check_sources(sections: Any) -> None:
    """Every source names a section that exists (a renamed heading fails at start-up)."""
    missing = [f"{key}: {doc}#{heading}" for key, (doc, heading) in rule_sources().items()
               if sections.get(doc, heading) is None]
    missing += [f"{key}: {doc}" for key, docs in action_documents().items() for doc in sorted(docs)
                if not sections.of(doc)]
    from .conditions import check_condition_sources

    missing += check_condition_sources(sections)
    if missing:
        raise ConfigError("규칙 출처가 정책 문서에 없는 절을 가리킵니다: " + ", ".join(missing))


def cite(answerer: Any | None, *keys: str) -> list[dict[str, Any]]:
    """The citation of the first key that has a source (most specific first); [] when none
    or when no policy documents are loaded."""
    if answerer is None:
        return []
    for key in keys:
        found = rule_sources().get(key)
        if found is None:
            continue
        section = answerer.sections.get(*found)
        if section is not None:
            return [{"doc_id": section.doc_id, "title": section.title, "chunk_id": f"{section.doc_id}#{section.order:02d}",
                     "section": section.heading, "score": 1.0}]
    return []


def sourced(text: str, cited: list[dict[str, Any]]) -> str:
    """The text with its source line (document and section), as every cited reply ends."""
    if not cited:
        return text
    from .templates import say

    return f"{text}\n\n" + say("policy.source", title=cited[0]["title"], section=cited[0]["section"])
