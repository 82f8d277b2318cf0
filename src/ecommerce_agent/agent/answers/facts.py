"""The policy fact table (data/policies/facts.yaml): every number the documents
state, with its document and section, and the rules the composer computes with
(thresholds, windows, the dispatch cut-off, service hours). Validated against
the documents when loaded: a value that its section does not contain as written
is an error (the documents and the table cannot drift)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ...config import parse_yaml
from ...errors import ConfigError
from .sections import SectionStore

DEFAULT_FACTS = Path("data/policies/facts.yaml")
KINDS = ("amount", "period", "time", "rate", "count")
RULE_TYPES = {"threshold": ("number", "unit", "above", "below"),
              "remaining_threshold": ("number", "fee", "above", "below"),
              "bands": ("bands", "unit", "text"),
              "window": ("days", "within", "outside", "deadline"),
              "cutoff": ("hour",),
              "hours": ("open", "close", "days"),
              "region_fee": ("surcharge", "base", "free_from", "round_trip"),
              "return_fee": ("round_trip", "one_way", "free_from"),
              "per_unit": ("price", "what"),
              "interest": ("rate",),
              "accrual": ("rates",),
              "monthly_deadline": ("day", "what"),
              "business_days": ("days",),
              "hours_window": ("hours",),
              "anniversary": ("years",)}


@dataclass(frozen=True)
class Fact:
    fact_id: str
    doc: str
    section: str
    kind: str
    value: str
    about: str


@dataclass(frozen=True)
class Rule:
    rule_id: str
    type: str
    doc: str
    section: str
    value: str
    applies: tuple[str, ...]
    spec: dict[str, Any]


@dataclass(frozen=True)
class FactTable:
    facts: tuple[Fact, ...]
    rules: tuple[Rule, ...]

    def in_section(self, doc: str, section: str) -> list[Fact]:
        return list(_by_section(self).get((doc, section), ()))

    def kinds_in(self, doc: str, section: str) -> frozenset[str]:
        return _kinds(self).get((doc, section), frozenset())

    def rules_for(self, doc: str, section: str) -> list[Rule]:
        return [r for r in self.rules if r.doc == doc and r.section == section]


_BY_SECTION: dict[int, tuple[FactTable, dict[tuple[str, str], tuple[Fact, ...]], dict[tuple[str, str], frozenset[str]]]] = {}


def _built(table: FactTable) -> tuple[dict[tuple[str, str], tuple[Fact, ...]], dict[tuple[str, str], frozenset[str]]]:
    cached = _BY_SECTION.get(id(table))
    if cached is None or cached[0] is not table:
        by: dict[tuple[str, str], list[Fact]] = {}
        for f in table.facts:
            by.setdefault((f.doc, f.section), []).append(f)
        cached = (table, {k: tuple(v) for k, v in by.items()},
                  {k: frozenset(f.kind for f in v) for k, v in by.items()})
        _BY_SECTION[id(table)] = cached
    return cached[1], cached[2]


def _by_section(table: FactTable) -> dict[tuple[str, str], tuple[Fact, ...]]:
    return _built(table)[0]


def _kinds(table: FactTable) -> dict[tuple[str, str], frozenset[str]]:
    return _built(table)[1]


def load_facts(path: Path, sections: SectionStore) -> FactTable:
    try:
        data = parse_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"정책 사실 표 파일이 없습니다: {path}") from None
    except yaml.YAMLError:
        raise ConfigError(f"정책 사실 표 파일을 읽을 수 없습니다: {path} (YAML 형식 오류)") from None
    return parse_facts(data, sections, str(path))


def parse_facts(data: Any, sections: SectionStore, name: str = "facts") -> FactTable:
    def fail(key: str, why: str) -> ConfigError:
        return ConfigError(f"정책 사실 표 {name}의 '{key}' 항목이 잘못되었습니다: {why}")

    if not isinstance(data, dict) or not isinstance(data.get("facts"), list):
        raise fail("facts", "facts 목록이 있어야 합니다")
    facts, seen = [], set()
    for n, raw in enumerate(data["facts"], 1):
        if not isinstance(raw, dict):
            raise fail(f"facts[{n}]", "키-값 목록이어야 합니다")
        key = str(raw.get("id", f"facts[{n}]"))
        for field in ("id", "doc", "section", "kind", "value"):
            if not isinstance(raw.get(field), str) or not raw[field]:
                raise fail(key, f"{field}(글자)가 필요합니다")
        if raw["id"] in seen:
            raise fail(key, "id가 중복되었습니다")
        seen.add(raw["id"])
        if raw["kind"] not in KINDS:
            raise fail(key, f"kind는 {', '.join(KINDS)} 중 하나여야 합니다")
        _check_value(fail, key, raw, sections)
        facts.append(Fact(raw["id"], raw["doc"], raw["section"], raw["kind"], raw["value"], str(raw.get("about", ""))))
    rules = []
    for n, raw in enumerate(data.get("rules") or [], 1):
        key = str(raw.get("id", f"rules[{n}]")) if isinstance(raw, dict) else f"rules[{n}]"
        if not isinstance(raw, dict) or raw.get("type") not in RULE_TYPES:
            raise fail(key, f"type은 {', '.join(RULE_TYPES)} 중 하나여야 합니다")
        for field in ("id", "doc", "section", "value"):
            if not isinstance(raw.get(field), str) or not raw[field]:
                raise fail(key, f"{field}(글자)가 필요합니다")
        missing = [f for f in RULE_TYPES[raw["type"]] if f not in raw]
        if missing:
            raise fail(key, f"{raw['type']} 규칙에는 {', '.join(missing)}이(가) 필요합니다")
        if not isinstance(raw.get("applies"), list) or not raw["applies"]:
            raise fail(key, "applies(질문 단어 목록)가 필요합니다")
        _check_value(fail, key, raw, sections)
        spec = {k: v for k, v in raw.items() if k not in ("id", "type", "doc", "section", "value", "applies")}
        rules.append(Rule(raw["id"], raw["type"], raw["doc"], raw["section"], raw["value"],
                          tuple(map(str, raw["applies"])), spec))
    return FactTable(tuple(facts), tuple(rules))


def _check_value(fail: Any, key: str, raw: dict[str, Any], sections: SectionStore) -> None:
    section = sections.get(raw["doc"], raw["section"])
    if section is None:
        raise fail(key, f"문서 {raw['doc']}에 '{raw['section']}' 섹션이 없습니다")
    if raw["value"] not in section.text:
        raise fail(key, f"값 '{raw['value']}'이(가) 문서 {raw['doc']}의 '{raw['section']}' 섹션에 그대로 없습니다")
