"""Conditions a shopper states about an item they ask to return or exchange
("라벨 뗐는데", "써봤는데", "택배 포장만 뜯었는데", "사진이랑 색이 달라요").

Read from ``data/lexicons/conditions.yaml`` into ``Acts.conditions``; what a
condition means for a claim (restricted, allowed, the shop's fault) is decided by
the agent from its own rule data, which cites the policy section.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..errors import ConfigError
from .lexicon import _compile, _read

CONDITIONS_FILE = Path("data/lexicons/conditions.yaml")
CONDITION_NAMES = ("outer_box", "box_discarded", "unopened", "label_removed", "opened", "used", "consumed", "damaged", "not_as_listed",
                   "after_delivery", "payment", "refund_route")


@dataclass(frozen=True)
class ConditionLexicon:
    cues: tuple[tuple[str, re.Pattern[str]], ...]
    unless: dict[str, frozenset[str]]

    def read(self, plain: str) -> tuple[str, ...]:
        found = {name for name, pattern in self.cues if pattern.search(plain)}
        return tuple(name for name, _ in self.cues
                     if name in found and not (self.unless.get(name, frozenset()) & found))


def parse_conditions(path: Path) -> ConditionLexicon:
    data = _read(path)
    cues = data.get("cues")
    if not isinstance(cues, dict) or not cues:
        raise ConfigError(f"어휘 파일 {path}의 'cues' 항목은 조건별 정규식 목록의 매핑이어야 합니다.")
    unknown = (set(cues) | set(data.get("unless") or {})) - set(CONDITION_NAMES)
    if unknown:
        raise ConfigError(f"어휘 파일 {path}에 알 수 없는 조건 {sorted(unknown)}이 있습니다 "
                          f"(허용값: {', '.join(CONDITION_NAMES)}).")
    unless = {str(k): frozenset(map(str, v or ())) for k, v in (data.get("unless") or {}).items()}
    return ConditionLexicon(tuple((name, _compile(path, f"cues.{name}", cues[name]))
                                  for name in CONDITION_NAMES if name in cues), unless)


@lru_cache(maxsize=1)
def condition_lexicon() -> ConditionLexicon:
    return parse_conditions(CONDITIONS_FILE)


def read_conditions(plain: str) -> tuple[str, ...]:
    """The conditions stated in a folded, id-masked message, in lexicon order."""
    return condition_lexicon().read(plain)
